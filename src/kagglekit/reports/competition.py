"""The report of a competition run: warnings first, every model's CV score on the
competition's metric with every fold's, what was skipped and why, the blend's weights and its
honest gain per fold, pictures of the out-of-fold predictions, of what drives the strongest
model, of the shift between train.csv and test.csv, and of the network's learning curves."""

from __future__ import annotations

from html import escape
from pathlib import Path

from kagglekit.evaluation.metrics import get_metric
from kagglekit.fileio import write_json_atomic, write_text_atomic
from kagglekit.reports.markup import html_image, html_table, md_table, page
from kagglekit.reports.report import check_report_folder, environment


def competition_summary(result) -> dict:
    """``report.json``'s content for a :class:`~kagglekit.jobs.competition.CompetitionResult`."""
    metric = get_metric(result.metric)
    layout = result.layout
    return {
        "competition": result.competition,
        "metric": {"name": metric.name, "label": metric.label, "source": result.metric_source,
                   "greater_is_better": metric.greater_is_better},
        "layout": {"id_column": layout.id_column, "target": layout.target,
                   "task": layout.task, "submission": layout.submission,
                   "columns": list(layout.columns)},
        "leaderboard": [{"model": r.name, "pipeline": r.pipeline, "skipped": r.skipped,
                         "budget": None if r.allotment is None else r.allotment.to_dict(),
                         "budget_text": r.budget_text(), "trained_folds": r.trained_folds,
                         **({} if r.skipped else {"mean": r.mean, "std": r.std,
                                                  "folds": r.fold_scores, "seeds": r.seeds,
                                                  "where": r.where,
                                                  "seconds": round(r.seconds, 2)})}
                        for r in result.runs]
        + [{"model": c.name, "pipeline": f"stored: {c.source}", "skipped": None,
            "budget": None, "budget_text": "", "trained_folds": len(c.fold_scores),
            "mean": c.mean, "std": c.std, "folds": c.fold_scores, "seeds": c.seeds,
            "where": None, "seconds": c.seconds} for c in result.stored],
        "ensemble": {"method": result.blend.method, "weights": result.blend.weights,
                     "oof_score": result.score,
                     "honest_gain": {m: g.to_dict() for m, g in result.gains.items()}},
        "leaks": [{"column": leak.column, "metric": leak.metric, "score": leak.score}
                  for leak in result.leaks],
        "shift": None if result.shift is None else result.shift.to_dict(),
        "seconds": round(result.seconds, 2), "time_limit": result.time_limit,
        "submission": str(result.submission),
        "environment": environment(result.seed),
    }


def write_competition_report(result, folder) -> Path:
    """``report.json``, ``report.md`` with its pictures in ``plots/``, and a self-contained
    ``report.html`` (the same pictures embedded) in a new or empty folder.

    The page: warnings first (leaks, shift, skipped models), the leaderboard with every
    fold's score, the blend (weights, honest gain per fold), the blend's out-of-fold
    predictions against the truth, what drives the strongest model, the shift, the
    network's learning curves, and the run."""
    from kagglekit.fileio import atomic_write

    folder = check_report_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    summary = competition_summary(result)
    sections, images = _sections(result, summary)
    summary["plots"] = sorted(images)
    write_json_atomic(folder / "report.json", summary)
    for path, png in images.items():
        atomic_write(folder / path, lambda tmp, data=png: tmp.write_bytes(data))
    title = f"kagglekit competition report: {summary['competition']}"
    md, body = [f"# Competition run: {summary['competition']}"], [f"<h1>{escape(title)}</h1>"]
    for heading, lines, table, pictures in sections:
        md += ["", f"## {heading}", ""] + [f"- {line}" for line in lines]
        body += [f"<h2>{escape(heading)}</h2>"]
        if lines:
            body.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines)
                        + "</ul>")
        if table:
            md += ["", *md_table(*table)]
            body.append(html_table(*table, best=0 if heading == "Leaderboard" else None))
        for path in pictures:
            md += ["", f"![{path}]({path})"]
            body.append(html_image(images, path, path))
    write_text_atomic(folder / "report.md", "\n".join(md) + "\n")
    write_text_atomic(folder / "report.html", page(title, "\n".join(body)))
    return folder


def _sections(result, summary):
    """``[(heading, lines, (header, rows) or None, [picture paths])]`` and the pictures."""
    from kagglekit.reports import competition_plots as draw
    from kagglekit.reports import plots

    metric = summary["metric"]
    done = [r for r in result.runs if not r.skipped]
    images = {}

    def add(name: str, png: bytes) -> str:
        images[f"plots/{name}.png"] = png
        return f"plots/{name}.png"

    warnings, notes = _notes(summary)
    sections = []
    if warnings:
        sections.append(("Warnings", warnings, None, []))
    scores = {r.name: r.fold_scores for r in done + result.stored}
    gain = result.gains.get(result.blend.method)
    if gain is not None:
        scores[f"blend ({result.blend.method})"] = gain.ensemble
    board = [add("leaderboard", draw.leaderboard(result.metric, scores))] if done else []
    sections.append(("Leaderboard", [], _rows(summary), board))
    gains = [[method, f"{g['mean']:+.4f} ± {g['std']:.4f}",
              " ".join(f"{v:+.4f}" for v in g["gain"])]
             for method, g in summary["ensemble"]["honest_gain"].items()]
    sections.append(("The blend", notes["blend"],
                     (["method", "gain over the best single model", "per fold"], gains)
                     if gains else None, []))
    if done and result.y is not None:
        sections.append(("Out-of-fold predictions against the truth",
                         ["the blend's prediction for each training row, from models that "
                          "did not train on it"], None,
                         [add(name, png) for name, png in _oof_pictures(result, done)]))
    found = result.importance or {}
    if found.get("drops"):
        top = ", ".join(list(found["drops"])[:5])
        sections.append(("What drives the model",
                         [f"{found['model']} (the largest blend weight), its first fold's "
                          f"model; that fold's held-out rows with each column shuffled 3 "
                          f"times; most: {top}"], None,
                         [add("importance", draw.importance(found["model"], metric["label"],
                                                            found["drops"]))]))
    elif found.get("skipped"):
        sections.append(("What drives the model",
                         [f"not measured: {found['skipped']}"], None, []))
    if result.shifted:
        sections.append(("Train against test", [notes["shift"]], None,
                         [add("shift", draw.shifted_column(result.shifted["column"],
                                                           result.shifted["train"],
                                                           result.shifted["test"]))]))
    curves = [add(f"loss-{r.name}", plots.loss_curves(r.name, r.histories))
              for r in done if r.histories]
    if curves:
        sections.append(("The network's learning curves", [], None, curves))
    sections.append(("The run", notes["run"], None, []))
    return sections, images


def _oof_pictures(result, done):
    """(name, PNG) of the blend's out-of-fold output against the truth: predicted vs actual
    and residuals (values), calibration and ROC (one probability), a confusion matrix
    (labels, or one probability per class, with ROC per class)."""
    import numpy as np

    from kagglekit.reports import competition_plots as draw
    from kagglekit.reports import plots

    metric, layout, y = get_metric(result.metric), result.layout, np.asarray(result.y)
    blended = result.blend.combine({r.name: r.oof for r in done + result.stored})
    if layout.task == "regression":
        return [("predicted-vs-actual", draw.predicted_against_actual(y, blended)),
                ("residuals", plots.residuals("the blend", y, blended))]
    classes = np.asarray(layout.classes)
    labels = classes[np.argmax(blended, axis=1)]
    if layout.task == "binary" and metric.needs == "proba":
        return [("calibration", draw.calibration(y, blended[:, 1], classes[1])),
                ("roc", plots.roc({"the blend": (y, blended[:, 1])}, positive=classes[1]))]
    pictures = [("confusion", plots.confusion("the blend", y, labels))]
    if layout.task == "multiclass" and metric.needs == "proba":
        pictures.append(("roc", plots.roc_per_class("the blend", y, blended, classes)))
    return pictures


def _rows(summary: dict):
    label = summary["metric"]["label"]
    header = ["model", "pipeline", f"{label} (mean ± std over folds)", "folds", "seconds",
              "time budget"]
    done = [r for r in summary["leaderboard"] if not r["skipped"]]
    done = get_metric(summary["metric"]["name"]).ranked(done, key=lambda r: r["mean"])
    rows = [[r["model"], r["pipeline"], f"{r['mean']:.4f} ± {r['std']:.4f}",
             " ".join(f"{v:.4f}" for v in r["folds"]),
             "" if r["seconds"] is None else f"{r['seconds']:.1f}",
             r["budget_text"] or ("" if r["pipeline"].startswith("stored") else "no limit")]
            for r in done]
    rows += [[r["model"], r["pipeline"], f"skipped: {r['skipped']}", "", "",
              r["budget_text"]] for r in summary["leaderboard"] if r["skipped"]]
    return header, rows


def _notes(summary: dict):
    """The report's lines: ``(warnings, {"blend": lines, "shift": line, "run": lines})``."""
    metric, layout, ensemble = summary["metric"], summary["layout"], summary["ensemble"]
    weights = ", ".join(f"{m} {w:.2f}" for m, w in ensemble["weights"].items() if w > 0)
    shift = summary["shift"]
    warnings = [f"leak warning: {leak['column']} alone scores {leak['metric']} "
                f"{leak['score']:.3f}" for leak in summary["leaks"]]
    shift_line = ""
    if shift:
        top = ", ".join(f"{c} ({a:.2f})" for c, a in list(shift["columns"].items())[:3])
        shift_line = (f"a model tells test rows from training rows with ROC AUC "
                      f"{shift['auc']:.3f} (a warning from {shift['threshold']})"
                      + (f"; most by {top}" if top else ""))
        if shift["warns"]:
            warnings.append(f"shift warning: {shift_line}; CV scores will be optimistic for "
                            "test rows like these")
    warnings += [f"skipped: {r['model']}: {r['skipped']}" for r in summary["leaderboard"]
                 if r["skipped"]]
    blend = [f"{ensemble['method']} ({weights}), {ensemble['oof_score']:.4f} on the "
             "out-of-fold rows it was chosen on (optimistic)"]
    if ensemble["honest_gain"]:
        blend.append("honest gain: for each fold, the weights (and the best single model) "
                     "chosen on the other folds, scored on this one; the method with the "
                     "higher mean gain is used, the best single model when neither gains")
    limit = f" of the {summary['time_limit']:g} s limit" if summary["time_limit"] else ""
    run = [f"metric: {metric['label']} ({metric['source']}; "
           f"{get_metric(metric['name']).direction} is better)",
           f"target {layout['target']!r} ({layout['task']}), id {layout['id_column']!r}; "
           f"the submission holds {layout['submission'].replace('_', ' ')}"]
    if shift and not shift["warns"]:
        run.append(f"train.csv and test.csv look alike: {shift_line}")
    run.append(f"run time: {summary['seconds']:.1f} s{limit}; submission: "
               f"{summary['submission']}")
    return warnings, {"blend": blend, "shift": shift_line, "run": run}
