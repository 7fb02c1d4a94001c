"""The report of a competition run: every model's CV score on the competition's metric, what
was skipped and why, the blend's weights and its honest gain with its fold spread."""

from __future__ import annotations

from html import escape
from pathlib import Path

from kagglekit.evaluation.metrics import get_metric
from kagglekit.fileio import write_json_atomic, write_text_atomic
from kagglekit.reports.markup import html_table, md_table, page
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
                                                  "folds": r.folds, "seeds": r.seeds,
                                                  "seconds": round(r.seconds, 2)})}
                        for r in result.runs],
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
    """``report.json``, ``report.md`` and a self-contained ``report.html`` in a new or empty
    folder."""
    folder = check_report_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    summary = competition_summary(result)
    write_json_atomic(folder / "report.json", summary)
    header, rows = _rows(summary)
    notes = _notes(summary)
    md = [f"# Competition run: {summary['competition']}", "", *[f"- {n}" for n in notes], "",
          *md_table(header, rows), ""]
    write_text_atomic(folder / "report.md", "\n".join(md))
    title = f"kagglekit competition report: {summary['competition']}"
    body = (f"<h1>{escape(title)}</h1>\n<ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes)
            + "</ul>\n" + html_table(header, rows, best=0))
    write_text_atomic(folder / "report.html", page(title, body))
    return folder


def _rows(summary: dict):
    label = summary["metric"]["label"]
    header = ["model", "pipeline", f"{label} (mean ± std over folds)", "folds", "seconds",
              "time budget"]
    done = [r for r in summary["leaderboard"] if not r["skipped"]]
    sign = 1 if summary["metric"]["greater_is_better"] else -1
    done.sort(key=lambda r: -sign * r["mean"])
    rows = [[r["model"], r["pipeline"], f"{r['mean']:.4f} ± {r['std']:.4f}",
             " ".join(f"{v:.4f}" for v in r["folds"]), f"{r['seconds']:.1f}",
             r["budget_text"] or "no limit"] for r in done]
    rows += [[r["model"], r["pipeline"], f"skipped: {r['skipped']}", "", "",
              r["budget_text"]] for r in summary["leaderboard"] if r["skipped"]]
    return header, rows


def _notes(summary: dict) -> list[str]:
    metric, layout, ensemble = summary["metric"], summary["layout"], summary["ensemble"]
    weights = ", ".join(f"{m} {w:.2f}" for m, w in ensemble["weights"].items() if w > 0)
    shift = summary["shift"]
    warnings = [f"leak warning: {leak['column']} alone scores {leak['metric']} "
                f"{leak['score']:.3f}" for leak in summary["leaks"]]
    if shift and shift["warns"]:
        top = ", ".join(f"{c} ({a:.2f})" for c, a in list(shift["columns"].items())[:3])
        warnings.append(f"shift warning: a model tells test rows from training rows with ROC "
                        f"AUC {shift['auc']:.3f} (from {shift['threshold']}); most by {top}; "
                        "CV scores will be optimistic for test rows like these")
    warnings += [f"skipped: {r['model']}: {r['skipped']}" for r in summary["leaderboard"]
                 if r["skipped"]]
    notes = [*warnings, f"metric: {metric['label']} ({metric['source']}; "
             f"{'higher' if metric['greater_is_better'] else 'lower'} is better)",
             f"target {layout['target']!r} ({layout['task']}), id {layout['id_column']!r}; "
             f"the submission holds {layout['submission'].replace('_', ' ')}",
             f"ensemble: {ensemble['method']} ({weights}), {ensemble['oof_score']:.4f} on the "
             "out-of-fold rows it was chosen on (optimistic)"]
    for method, gain in ensemble["honest_gain"].items():
        folds = " ".join(f"{g:+.4f}" for g in gain["gain"])
        notes.append(f"{method} blend against the best single model, weights chosen on the "
                     f"other folds: {gain['mean']:+.4f} ± {gain['std']:.4f} (folds: {folds})")
    if shift and not shift["warns"]:
        notes.append(f"train.csv and test.csv look alike: adversarial validation ROC AUC "
                     f"{shift['auc']:.3f} (a warning from {shift['threshold']})")
    limit = f" of the {summary['time_limit']:g} s limit" if summary["time_limit"] else ""
    notes.append(f"run time: {summary['seconds']:.1f} s{limit}; submission: "
                 f"{summary['submission']}")
    return notes
