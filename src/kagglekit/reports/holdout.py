"""The text, JSON and report of a holdout run (:func:`kagglekit.evaluation.holdout.
evaluate_holdout`): what ``kagglekit evaluate NAME --holdout`` prints and writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kagglekit.fileio import atomic_write, write_json_atomic, write_text_atomic
from kagglekit.reports.markup import md_table


def holdout_lines(result: dict, folder: Path | None = None) -> list[str]:
    """The lines ``kagglekit evaluate NAME --holdout`` prints for ``result`` (see
    :func:`evaluate_holdout`) and its report ``folder`` (None: no report was written)."""
    lines = [f"{result['pipeline']}: trained on {result['train_rows']} rows, tested on "
             f"{result['test_rows']}, seed {result['seed']}",
             f"  test accuracy {result['accuracy']:.4f}   log loss {result['log_loss']:.4f}   "
             f"train {result['train_seconds']} s"
             + (f", {result['epochs_run']} epoch{'s' * (result['epochs_run'] != 1)}"
                if result["epochs_run"] else "")
             + (f", {result['n_weights']:,} parameters" if result["n_weights"] else "")]
    lines += [f"  member {m}: test accuracy {v:.4f}"
              for m, v in (result.get("members") or {}).items()]
    if folder is not None:
        others = ["report.json", "confusion.png"] + (["loss.png"] if result["history"] else [])
        lines.append(f"report: {Path(folder) / 'report.md'} (also {', '.join(others)})")
    return lines


def write_holdout_report(result: dict, folder: str | Path) -> Path:
    """``report.json``, ``report.md``, ``confusion.png`` and (Keras) ``loss.png`` in a new or
    empty folder."""
    from kagglekit.reports import plots
    from kagglekit.reports.report import check_report_folder

    folder = check_report_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    matrix = np.asarray(result["confusion"])
    truth = np.repeat(np.arange(len(matrix)), matrix.sum(axis=1))
    predicted = np.concatenate([np.repeat(np.arange(len(row)), row) for row in matrix])
    names = result.get("class_names") or [str(c) for c in result["classes"]]
    images = {"confusion.png": plots.confusion(result["pipeline"], truth, predicted,
                                               names=dict(enumerate(names)),
                                               predictions="test split")}
    if result["history"]:
        images["loss.png"] = plots.holdout_curves(result["pipeline"], result["history"])
    for path, png in images.items():
        atomic_write(folder / path, lambda tmp, png=png: tmp.write_bytes(png))
    write_json_atomic(folder / "report.json", {**result, "plots": list(images)})
    lines = [f"# Holdout test: {result['pipeline']}", "",
             f"Trained on {result['train_rows']} rows, scored on the {result['test_rows']} "
             f"test rows (seed {result['seed']}).", "",
             f"- test accuracy: {result['accuracy']:.4f}",
             f"- test log loss: {result['log_loss']:.4f}",
             f"- training: {result['train_seconds']} s"
             + (f", {result['epochs_run']} epochs" if result["epochs_run"] else "")
             + (f", {result['n_weights']:,} parameters" if result["n_weights"] else ""),
             *[f"- member {m}: test accuracy {v:.4f}"
               for m, v in (result.get("members") or {}).items()],
             *(["- test accuracy after each epoch (watched, never trained on): "
                + ", ".join(f"{a:.4f}" for a in result["history"]["test_accuracy"])]
               if (result["history"] or {}).get("test_accuracy") else []), "",
             "Confusion matrix (rows: true class, columns: predicted):", "",
             *md_table(["", *names], [[c, *row] for c, row in
                                      zip(names, result["confusion"], strict=True)])]
    lines += [""] + [f"![{p}]({p})" for p in images]
    write_text_atomic(folder / "report.md", "\n".join(lines) + "\n")
    return folder
