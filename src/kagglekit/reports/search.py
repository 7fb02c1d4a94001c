"""What a search leaves behind: the results table (terminal and Markdown), the report folder
(``report.json`` + ``report.md``) and the best parameters as a JSON file ``train --params``
reads."""

from __future__ import annotations

import json
from pathlib import Path

from kagglekit.evaluation.metrics import label_of
from kagglekit.fileio import write_json_atomic, write_text_atomic
from kagglekit.reports.markup import md_table
from kagglekit.reports.report import check_report_folder, data_summary, environment
from kagglekit.tuning.search import SearchResult


def headline(result: SearchResult) -> str:
    """One line: what was searched, how, and on which folds."""
    kind = "" if result.default.task == "regression" else "stratified "
    return (f"{result.pipeline}: {result.method} search, {len(result.trials)} trials, "
            f"{result.folds}-fold {kind}CV, seed {result.seed}; "
            f"{label_of(result.metric)}, best first")


def format_table(result: SearchResult) -> list[str]:
    """The trials best first (trial, mean ± std, fit seconds, parameters), then the
    registered settings' score beside the best one."""
    lines = [headline(result), f"{'trial':>5}  {result.metric:<16} {'fit s':>7}  params"]
    for t in result.trials:
        lines.append(f"{t.trial:>5}  {t.mean:.4f} ± {t.std:.4f}  {t.fit_seconds:>7.1f}  "
                     f"{_params_text(t.params)}")
    lines += _comparison(result)
    return lines


def _comparison(result: SearchResult) -> list[str]:
    d, b = result.default, result.best
    verdict = ("better than" if result.gain > 0 else
               "equal to" if result.gain == 0 else "worse than")
    return [f"default (registered settings): {d.mean:.4f} ± {d.std:.4f}",
            f"best (trial {b.trial}): {b.mean:.4f} ± {b.std:.4f}, {verdict} the default "
            f"({b.mean - d.mean:+.4f}); {result.seconds:.0f} s in all"]


def _params_text(params: dict) -> str:
    """``name=value, ...`` with floats to 4 significant digits (JSON keeps them all)."""
    return ", ".join(f"{k}={f'{v:.4g}' if isinstance(v, float) else json.dumps(v)}"
                     for k, v in params.items())


def write_search_report(result: SearchResult, folder: str | Path, dataset=None) -> Path:
    """Write ``report.json`` and ``report.md`` into a new or empty ``folder``; returns it.

    ``dataset`` (a :class:`kagglekit.data.Dataset`) adds the data summary."""
    folder = check_report_folder(folder)
    report = {"search": result.to_dict(), "environment": environment(result.seed)}
    if dataset is not None:
        report["data"] = data_summary(dataset)
    write_json_atomic(folder / "report.json", report)
    write_text_atomic(folder / "report.md", _markdown(result, report))
    return folder


def _markdown(result: SearchResult, report: dict) -> str:
    label = label_of(result.metric)
    lines = [f"# Hyperparameter search: {result.pipeline}", "", headline(result) + ".", "",
             *md_table(["trial", label, "fit s", "parameters"],
                       [[t.trial, f"{t.mean:.4f} ± {t.std:.4f}", f"{t.fit_seconds:.1f}",
                         f"`{_params_text(t.params)}`"] for t in result.trials])]
    lines += [""] + [f"- {line}" for line in _comparison(result)]
    lines += ["", "Best parameters (`kagglekit train PIPELINE --params FILE` takes this as a "
              "JSON file; `kagglekit search --save-best FILE` writes it):", "", "```json",
              json.dumps(result.best.params, indent=2), "```"]
    if "data" in report:
        data = report["data"]
        lines += ["", "## Data", "", f"- source: `{data['source']}`",
                  f"- {data['train_rows']} training rows, {len(data['columns'])} input columns"]
    env = report["environment"]
    lines += ["", "## Environment", ""] + [f"- {k}: {v}" for k, v in env["versions"].items()]
    lines += [f"- cpu: {env['cpu']} ({env['cpus']} cores)", f"- platform: {env['platform']}",
              ""]
    return "\n".join(lines)


def save_best(result: SearchResult, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the best trial's parameters as a JSON mapping (never replacing a file unless
    ``overwrite``)."""
    return write_json_atomic(path, result.best.params, overwrite=overwrite)
