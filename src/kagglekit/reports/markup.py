"""The pieces every report page is made of: one HTML page skeleton with its style, HTML
tables, embedded PNGs, and Markdown tables."""

from __future__ import annotations

import base64
from html import escape

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1d232b; max-width: 1180px;
       margin: 0 auto; padding: 1.2em 1.6em 3em; background: #fbfbfa; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.25em; border-bottom: 2px solid #d7dde4; padding-bottom: .2em;
     margin-top: 2em; }
h3 { font-size: 1.05em; margin: 1.4em 0 .4em; }
.lead { color: #4b5663; margin-top: 0; }
table { border-collapse: collapse; margin: .6em 0 1em; background: #fff; }
th, td { border: 1px solid #d7dde4; padding: .3em .65em; text-align: right; }
th { background: #eef2f6; }
td:first-child, th:first-child, table.kv td { text-align: left; }
tr.best td { font-weight: 600; background: #f1f8ee; }
img { max-width: 100%; border: 1px solid #d7dde4; background: #fff; margin: .3em 0; }
.note { border-left: 5px solid #8a96a3; background: #f0f2f4; padding: .5em .8em;
        margin: .5em 0; }
.note.bad { border-color: #c0392b; background: #fbeceb; }
.note.good { border-color: #3c8d40; background: #edf6ed; }
.plots { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
code { background: #eef2f6; padding: 0 .25em; }
"""


def page(title: str, body: str) -> str:
    """A self-contained HTML page (inline CSS, no scripts, no external assets)."""
    return (f"<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")


def html_table(header: list[str] | None, rows: list[list], best: int | None = None) -> str:
    """A table; without ``header``, a two-column key / value table."""
    if header is None:
        return "<table class=kv>\n" + "\n".join(
            f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in rows
        ) + "\n</table>"
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    lines = []
    for i, row in enumerate(rows):
        cells = "".join(f"<td>{escape(str(c))}</td>" for c in row)
        lines.append(f"<tr{' class=best' if i == best else ''}>{cells}</tr>")
    return f"<table>\n<tr>{head}</tr>\n" + "\n".join(lines) + "\n</table>"


def html_image(images: dict[str, bytes], path: str | None, alt: str) -> str:
    if not path or path not in images:
        return ""
    data = base64.b64encode(images[path]).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}">'


def md_table(header: list, rows: list[list]) -> list[str]:
    """A Markdown table's lines (``|`` in a cell is written ``/``)."""
    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |"

    return [line(header), "|" + "---|" * len(header), *[line(row) for row in rows]]
