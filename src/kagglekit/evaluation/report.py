"""Cross-validation reports: ``report.json`` (stable keys), ``report.md`` and out-of-fold CSV."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import pandas as pd

from kagglekit.errors import KagglekitError
from kagglekit.evaluation.cv import METRICS, CVResult
from kagglekit.fileio import write_json_atomic, write_text_atomic
from kagglekit.versions import package_versions


def data_summary(dataset) -> dict:
    """Rows, columns, missing values per column and class balance of a dataset."""
    X = dataset.X
    missing = X.isna().sum()
    return {
        "dataset": dataset.name,
        "source": dataset.source,
        "train_rows": len(X),
        "test_rows": len(dataset.X_test),
        "columns": list(X.columns),
        "missing": {c: int(n) for c, n in missing.items() if n},
        "test_missing": {c: int(n) for c, n in dataset.X_test.isna().sum().items() if n},
        "class_balance": {str(k): int(v) for k, v in dataset.y.value_counts().sort_index().items()},
    }


def environment(seed: int) -> dict:
    """Package versions, seed, CPU count and platform (no TensorFlow import)."""
    return {"versions": package_versions(), "seed": seed, "cpus": os.cpu_count(),
            "platform": platform.platform()}


def check_report_folder(folder: str | Path) -> Path:
    """Refuse, before any work, a report folder that is a file or already has files in it."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise KagglekitError(f"{folder} is a file; give a new or empty folder for the report")
    if folder.is_dir() and any(folder.iterdir()):
        raise KagglekitError(f"{folder} is not empty; give a new or empty folder for the report")
    return folder


def write_report(results: list[CVResult], dataset, folder: str | Path) -> Path:
    """Write the report folder for a set of CV results on one dataset; returns the folder."""
    folder = check_report_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KagglekitError(f"cannot create report folder {folder}: {exc.strerror}") from exc
    ranked = sorted(results, key=lambda r: r.mean, reverse=True)
    report = {
        "leaderboard": [_row(r) for r in ranked],
        "results": [r.to_dict() for r in results],
        "data": data_summary(dataset),
        "environment": environment(results[0].seed if results else 0),
    }
    write_json_atomic(folder / "report.json", report)
    write_text_atomic(folder / "report.md", _markdown(report, ranked))
    oof = {r.pipeline: r.oof_proba for r in results if r.oof_proba is not None}
    if oof:
        frame = pd.DataFrame(oof)
        frame.insert(0, "y", dataset.y.to_numpy())
        id_column = "PassengerId"
        if id_column in dataset.X:
            frame.insert(0, id_column, dataset.X[id_column].to_numpy())
        write_text_atomic(folder / "oof_predictions.csv", frame.to_csv(index=False))
    return folder


def _row(result: CVResult) -> dict:
    row = {"pipeline": result.pipeline}
    for metric in METRICS:
        row[f"{metric}_mean"] = round(result.scores[metric]["mean"], 4)
        row[f"{metric}_std"] = round(result.scores[metric]["std"], 4)
    row["fit_seconds"] = result.fit_seconds
    row["predict_seconds"] = result.predict_seconds
    return row


def _markdown(report: dict, ranked: list[CVResult]) -> str:
    first = ranked[0]
    lines = [
        f"# Cross-validation report: {report['data']['dataset']}",
        "",
        f"{first.n_splits // first.repeats}-fold stratified CV"
        f"{f' x {first.repeats} repeats' if first.repeats > 1 else ''}, shuffled, "
        f"seed {first.seed}. Mean ± standard deviation over folds; best accuracy first.",
        "",
        "| pipeline | accuracy | ROC AUC | log loss | fit s | predict s |",
        "|---|---|---|---|---|---|",
    ]
    for r in ranked:
        s = r.scores
        lines.append(
            f"| {r.pipeline} | {s['accuracy']['mean']:.4f} ± {s['accuracy']['std']:.4f} "
            f"| {s['roc_auc']['mean']:.4f} ± {s['roc_auc']['std']:.4f} "
            f"| {s['log_loss']['mean']:.4f} ± {s['log_loss']['std']:.4f} "
            f"| {r.fit_seconds:.1f} | {r.predict_seconds:.2f} |")
    lines += ["", "## Accuracy per fold", "",
              "| pipeline | " + " | ".join(f"fold {i + 1}" for i in range(first.n_splits)) + " |",
              "|---|" + "---|" * first.n_splits]
    for r in ranked:
        lines.append(f"| {r.pipeline} | " + " | ".join(f"{v:.4f}" for v in r.folds) + " |")
    epochs = [r for r in ranked if r.epochs]
    if epochs:
        lines += ["", "Epochs trained per fold: "
                  + "; ".join(f"{r.pipeline}: {r.epochs}" for r in epochs)]
    data = report["data"]
    lines += ["", "## Data", "",
              f"- source: `{data['source']}`",
              f"- {data['train_rows']} training rows, {data['test_rows']} test rows, "
              f"{len(data['columns'])} input columns",
              f"- class balance: {data['class_balance']}",
              f"- missing values (train): {data['missing'] or 'none'}",
              f"- missing values (test): {data['test_missing'] or 'none'}",
              "", "## Environment", ""]
    env = report["environment"]
    lines += [f"- {k}: {v}" for k, v in env["versions"].items()]
    lines += [f"- cpus: {env['cpus']}", f"- platform: {env['platform']}", ""]
    return "\n".join(lines)
