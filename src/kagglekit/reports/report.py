"""Cross-validation reports: ``report.json`` (stable keys), ``report.md``, a self-contained
``report.html``, the plots as PNGs and the out-of-fold CSV."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.errors import KagglekitError
from kagglekit.evaluation import curves
from kagglekit.evaluation import members as ensembles
from kagglekit.evaluation.cv import CVResult
from kagglekit.evaluation.metrics import get_metric, label_of
from kagglekit.fileio import atomic_write, write_json_atomic, write_text_atomic
from kagglekit.reports.markup import md_table
from kagglekit.versions import package_versions


def data_summary(dataset) -> dict:
    """Rows, columns, missing values per column, and the class balance (labels) or the
    target's mean / std / min / max per output (numeric targets with many values)."""
    X = dataset.X
    missing = X.isna().sum()
    summary = {
        "dataset": dataset.name,
        "source": dataset.source,
        "train_rows": len(X),
        "test_rows": len(dataset.X_test),
        "columns": list(X.columns),
        "missing": {c: int(n) for c, n in missing.items() if n},
        "test_missing": {c: int(n) for c, n in dataset.X_test.isna().sum().items() if n},
    }
    target = pd.DataFrame(dataset.y)
    if target.shape[1] == 1 and target.iloc[:, 0].nunique() <= 20:
        counts = target.iloc[:, 0].value_counts().sort_index()
        summary["class_balance"] = {str(k): int(v) for k, v in counts.items()}
    else:
        summary["target"] = {str(c): {k: round(float(v), 4) for k, v in
                                      target[c].agg(["mean", "std", "min", "max"]).items()}
                             for c in target}
    return summary


def environment(seed: int) -> dict:
    """Package versions, seed, CPU model and count, GPUs, thread settings and platform.

    TensorFlow is never imported here: GPUs and its thread pools are read only when a Keras
    model already loaded it (``gpus`` is None otherwise)."""
    from threadpoolctl import threadpool_info

    threads = {"OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "unset"),
               "BLAS": max((p["num_threads"] for p in threadpool_info()), default=None)}
    tf = sys.modules.get("tensorflow")
    gpus = None
    if tf is not None and hasattr(tf, "config"):
        gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
        for pool in ("intra_op", "inter_op"):  # 0 means TensorFlow's default: all cores
            threads[f"tensorflow_{pool}"] = getattr(
                tf.config.threading, f"get_{pool}_parallelism_threads")()
    return {"versions": package_versions(), "seed": seed, "cpus": os.cpu_count(),
            "platform": platform.platform(), "cpu": _cpu_model(), "gpus": gpus,
            "threads": threads}


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def check_report_folder(folder: str | Path) -> Path:
    """Refuse, before any work, a report folder that is a file or already has files in it."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise KagglekitError(f"{folder} is a file; give a new or empty folder for the report")
    if folder.is_dir() and any(folder.iterdir()):
        raise KagglekitError(f"{folder} is not empty; give a new or empty folder for the report")
    return folder


def write_report(results: list[CVResult], dataset, folder: str | Path, *,
                 id_column: str | None = "PassengerId", columns: dict | None = None) -> Path:
    """Write the report folder for a set of CV results on one dataset; returns the folder.

    The folder gets ``report.json``, ``report.md``, ``report.html`` (self-contained),
    ``plots/*.png`` and, when there are out-of-fold predictions, ``oof_predictions.csv``.

    Parameters
    ----------
    results : list of CVResult
        One per model, all on ``dataset`` with the same folds.
    dataset : Dataset
        Its ``X``, ``y`` and ``X_test`` are summarised; ``y`` is what the out-of-fold
        predictions are plotted against.
    folder : str or Path
        A new or empty folder.
    id_column : str, optional
        When ``dataset.X`` has it, it heads the out-of-fold predictions CSV.
    columns : dict, optional
        An inferred column plan, reported with the data.
    """
    folder = check_report_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KagglekitError(f"cannot create report folder {folder}: {exc.strerror}") from exc
    from kagglekit.reports import html, plots

    ranked = rank(results)
    training = {r.pipeline: {"n_weights": r.n_weights, "histories": r.histories,
                             "overfitting": curves.verdict(r.histories)}
                for r in results if r.histories}
    index, images = plots.report_plots(results, dataset.y)
    oof = {r.pipeline: r.oof_proba for r in results if r.oof_proba is not None}
    for r in results:  # several classes: one column per class, P(class) out of fold
        if r.oof_class_proba is not None:
            per_class = np.asarray(r.oof_class_proba).T
            oof.update({f"{r.pipeline} P({c})": p.tolist()
                        for c, p in zip(r.classes, per_class, strict=True)})
    report = {
        "leaderboard": [_row(r, training) for r in ranked],
        "results": [r.to_dict() for r in results],
        "data": {**data_summary(dataset), **({"inferred": columns} if columns else {})},
        "environment": environment(results[0].seed if results else 0),
        "training": training,
        "overfitting_rule": curves.RULE,
        "plots": index,
        "oof_csv": "oof_predictions.csv" if oof else None,
        "ensemble_gain": ensemble_gains(results),
    }
    for path, png in images.items():
        atomic_write(folder / path, lambda tmp, png=png: tmp.write_bytes(png))
    if oof:
        frame = pd.DataFrame(oof)
        frame.insert(0, "y", dataset.y.to_numpy())
        if id_column and id_column in dataset.X:
            frame.insert(0, id_column, dataset.X[id_column].to_numpy())
        write_text_atomic(folder / "oof_predictions.csv", frame.to_csv(index=False))
    write_json_atomic(folder / "report.json", report)
    write_text_atomic(folder / "report.md", _markdown(report, ranked))
    write_text_atomic(folder / "report.html", html.render(report, images))
    return folder


def ensemble_gains(results: list[CVResult]) -> dict:
    """Pipeline -> the gain of its ensemble over the best member on the headline metric
    (:func:`kagglekit.evaluation.members.gain`), for every result with members."""
    return {r.pipeline: r.gain for r in results if r.members}


def rank(results: list[CVResult]) -> list[CVResult]:
    """Best headline score first (highest accuracy, or lowest RMSE); the results share one
    headline metric."""
    if not results:
        return []
    return get_metric(results[0].metric).ranked(results, key=lambda r: r.mean)


def _row(result: CVResult, training: dict) -> dict:
    curves_of = training.get(result.pipeline)
    row = {"pipeline": result.pipeline, "n_weights": result.n_weights,
           "overfitting": curves_of["overfitting"]["overfitting"] if curves_of else None}
    for metric in result.scores:
        row[f"{metric}_mean"] = round(result.scores[metric]["mean"], 4)
        row[f"{metric}_std"] = round(result.scores[metric]["std"], 4)
    row["fit_seconds"] = result.fit_seconds
    row["predict_seconds"] = result.predict_seconds
    for metric, value in (result.holdout or {}).items():
        row[f"holdout_{metric}"] = value
    return row


def _markdown(report: dict, ranked: list[CVResult]) -> str:
    first = ranked[0]
    metrics = list(first.scores)
    kind = "stratified " if first.task != "regression" else ""
    lines = [
        f"# Cross-validation report: {report['data']['dataset']}",
        "",
        f"{first.n_splits // first.repeats}-fold {kind}CV"
        f"{f' x {first.repeats} repeats' if first.repeats > 1 else ''}, shuffled, "
        f"seed {first.seed}. Mean ± standard deviation over folds; best {first.metric} first.",
        "",
        *md_table(["pipeline", *(label_of(m) for m in metrics), "fit s", "predict s",
                   "parameters"],
                  [[r.pipeline, *(f"{r.scores[m]['mean']:.4f} ± {r.scores[m]['std']:.4f}"
                                  if m in r.scores else "" for m in metrics),
                    f"{r.fit_seconds:.1f}", f"{r.predict_seconds:.2f}",
                    "" if r.n_weights is None else r.n_weights] for r in ranked]),
    ]
    label = label_of(first.metric)
    lines += ["", f"## {label[0].upper()}{label[1:]} per fold", "",
              *md_table(["pipeline", *(f"fold {i + 1}" for i in range(first.n_splits))],
                        [[r.pipeline, *(f"{v:.4f}" for v in r.folds)] for r in ranked])]
    epochs = [r for r in ranked if r.epochs]
    if epochs:
        lines += ["", "Epochs trained per fold: "
                  + "; ".join(f"{r.pipeline}: {r.epochs}" for r in epochs)]
    lines += (_holdout_lines(ranked) + _gain_lines(report["ensemble_gain"])
              + _summary_lines(ranked) + _plot_lines(report))
    data = report["data"]
    balance = (f"- class balance: {data['class_balance']}" if "class_balance" in data
               else f"- target: {data['target']}")
    lines += ["", "## Data", "",
              f"- source: `{data['source']}`",
              f"- {data['train_rows']} training rows, {data['test_rows']} test rows, "
              f"{len(data['columns'])} input columns",
              balance,
              f"- missing values (train): {data['missing'] or 'none'}",
              f"- missing values (test): {data['test_missing'] or 'none'}"]
    if "inferred" in data:
        inferred = data["inferred"]
        lines += [f"- inferred a {inferred['task']} target `{inferred['target']}`; numeric: "
                  f"{inferred['numeric']}, categorical: {inferred['categorical']}, "
                  f"not used: {inferred['dropped'] or 'none'}"]
    lines += ["", "## Environment", ""]
    env = report["environment"]
    lines += [f"- {k}: {v}" for k, v in env["versions"].items()]
    gpus = ", ".join(env["gpus"] or []) or (
        "none visible to TensorFlow" if env["gpus"] == [] else "not checked")
    lines += [f"- seed: {env['seed']}", f"- cpu: {env['cpu']} ({env['cpus']} cores)",
              f"- gpus: {gpus}", f"- threads: {env['threads']}",
              f"- platform: {env['platform']}", ""]
    return "\n".join(lines)




def _gain_lines(gains: dict) -> list[str]:
    if not gains:
        return []
    rows = [[name, label_of(g["metric"]), f"{g['ensemble_mean']:.4f}",
             f"{g['best_member']}: {g['best_member_mean']:.4f}",
             f"{g['gain_mean']:+.4f} ± {g['gain_std']:.4f}",
             "" if g["gain_pct"] is None else f"{g['gain_pct']:+.2f} %",
             f"{g['folds_better']} of {len(g['folds'])}"] for name, g in gains.items()]
    return ["", "## Ensemble gain", "", ensembles.GAIN_TEXT, "",
            *md_table(["ensemble", "metric", "ensemble", "best member",
                       "gain ± std over folds", "gain %", "folds better"], rows)]


def _holdout_lines(ranked: list[CVResult]) -> list[str]:
    scored = [r for r in ranked if r.holdout]
    if not scored:
        return []
    metrics = [m for m in scored[0].holdout if m != "rows"]
    lines = ["", "## Test set", "",
             f"Fitted on all training rows, scored on {scored[0].holdout['rows']} labelled test "
             "rows (for generated data: outside the training range where the split says so).",
             "", *md_table(["pipeline", *(label_of(m) for m in metrics)],
                           [[r.pipeline, *(f"{r.holdout.get(m, float('nan')):.4f}"
                                           for m in metrics)] for r in scored])]
    return lines


def _plot_lines(report: dict) -> list[str]:
    lines = ["", "## Training curves and plots", "",
             "The same report with every plot embedded: `report.html`."]
    for name, info in report["training"].items():
        lines += ["", f"### {name}", "", info["overfitting"]["text"], "",
                  f"![{name}: loss per epoch]({report['plots']['loss'][name]})"]
    if report["training"]:
        lines += ["", curves.RULE]
    plots = report["plots"]
    figures = ([("ROC curve", plots["roc"])] if plots["roc"] else []) + [
        (f"{name}: {kind}", path) for kind in ("roc_per_class", "confusion", "residuals")
        for name, path in plots[kind].items()]
    for title, path in figures:
        lines += ["", f"![{title}]({path})"]
    return lines


def _summary_lines(ranked: list[CVResult]) -> list[str]:
    lines = []
    for r in ranked:
        if not r.model_summary:
            continue
        total = sum(layer["params"] for layer in r.model_summary)
        lines += ["", f"## Network: {r.pipeline} ({total} parameters)", "",
                  *md_table(["layer", "type", "output shape", "parameters"],
                            [[layer["layer"], layer["type"], layer["output_shape"],
                              layer["params"]] for layer in r.model_summary])]
    return lines
