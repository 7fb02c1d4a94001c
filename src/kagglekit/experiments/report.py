"""An experiment's result and its report folder: ``report.json``, ``report.md``, a
self-contained ``report.html`` and ``plots/*.png``, like the cross-validation reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from kagglekit.errors import KagglekitError
from kagglekit.fileio import atomic_write, write_json_atomic, write_text_atomic
from kagglekit.reports.markup import html_image, html_table, page
from kagglekit.reports.report import check_report_folder, environment


@dataclass
class Finding:
    """A claim of the course and what this run measured about it (``holds`` None: no verdict)."""

    claim: str
    measured: str
    holds: bool | None


@dataclass
class ExperimentResult:
    """What an experiment measured: tables, findings, per-epoch curves and figures.

    ``tables`` map a title to ``{"columns": [...], "rows": [[...], ...]}``; ``curves`` hold
    the raw per-epoch numbers behind the figures; ``figures`` map a file name under
    ``plots/`` to PNG bytes (not in ``report.json``).
    """

    name: str
    title: str
    summary: str
    settings: dict
    seed: int
    seconds: float = 0.0
    tables: dict[str, dict] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    curves: dict = field(default_factory=dict)
    figures: dict[str, bytes] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        return {"experiment": self.name, "title": self.title, "summary": self.summary,
                "seed": self.seed, "seconds": round(self.seconds, 1), "settings": self.settings,
                "findings": [vars(f) for f in self.findings], "tables": self.tables,
                "plots": [f"plots/{name}" for name in self.figures], "curves": self.curves}


def write_experiment_report(result: ExperimentResult, folder: str | Path) -> Path:
    """Write ``result`` into a new or empty ``folder``; returns the folder."""
    folder = check_report_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KagglekitError(f"cannot create report folder {folder}: {exc.strerror}") from exc
    report = {**result.to_dict(), "environment": environment(result.seed)}
    for name, png in result.figures.items():
        atomic_write(folder / "plots" / name, lambda tmp, png=png: tmp.write_bytes(png))
    write_json_atomic(folder / "report.json", report)
    write_text_atomic(folder / "report.md", markdown(report))
    write_text_atomic(folder / "report.html", html(report, result.figures))
    return folder


def environment_line(env: dict) -> str:
    """The environment in one line: CPU, GPUs, package versions."""
    gpus = ", ".join(env.get("gpus") or []) or "no GPU"
    versions = ", ".join(f"{k} {v}" for k, v in env.get("versions", {}).items())
    return f"{env.get('cpu') or 'CPU'} ({env.get('cpus')} cores), {gpus}; {versions}"


def verdict(holds: bool | None) -> str:
    return {True: "holds", False: "does NOT hold here", None: "no verdict"}[holds]


def markdown(report: dict) -> str:
    """The report as Markdown (figures linked from ``plots/``)."""
    lines = [f"# Experiment: {report['title']}", "", report["summary"], "",
             f"Seed {report['seed']}; {report['seconds']} s. Settings: "
             + ", ".join(f"{k}={v}" for k, v in report["settings"].items()), "",
             "## What the course claims, and what this run measured", ""]
    for finding in report["findings"]:
        lines.append(f"- **{finding['claim']}**: {verdict(finding['holds'])}. "
                     f"{finding['measured']}")
    for title, table in report["tables"].items():
        lines += ["", f"## {title}", "", "| " + " | ".join(table["columns"]) + " |",
                  "|" + "---|" * len(table["columns"])]
        lines += ["| " + " | ".join(map(str, row)) + " |" for row in table["rows"]]
    if report["plots"]:
        lines += ["", "## Figures", ""] + [f"![{p}]({p})" for p in report["plots"]]
    lines += ["", "## Environment", "", environment_line(report["environment"])]
    return "\n".join(lines) + "\n"


def html(report: dict, figures: dict[str, bytes]) -> str:
    """The report as one self-contained page (PNGs embedded as data URIs)."""
    parts = [f"<h1>Experiment: {escape(report['title'])}</h1>",
             f"<p class=lead>{escape(report['summary'])}</p>",
             f"<p>Seed {report['seed']}; {report['seconds']} s. Settings: <code>"
             + escape(", ".join(f"{k}={v}" for k, v in report["settings"].items()))
             + "</code></p>",
             "<h2>What the course claims, and what this run measured</h2>"]
    for finding in report["findings"]:
        kind = {True: "good", False: "bad", None: ""}[finding["holds"]]
        parts.append(f"<div class='note {kind}'><b>{escape(finding['claim'])}</b>: "
                     f"{verdict(finding['holds'])}. {escape(finding['measured'])}</div>")
    for title, table in report["tables"].items():
        parts.append(f"<h2>{escape(title)}</h2>{html_table(table['columns'], table['rows'])}")
    if figures:
        parts.append("<h2>Figures</h2><div class=plots>")
        parts += [html_image(figures, name, name) for name in figures]
        parts.append("</div>")
    parts.append(f"<h2>Environment</h2><p>{escape(environment_line(report['environment']))}</p>")
    return page(f"kagglekit experiment: {report['title']}", "\n".join(parts))
