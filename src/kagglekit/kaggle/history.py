"""The local history of Kaggle submissions: an append-only JSON-lines file.

Every event is one line of ``submissions/history.jsonl``, appended with a single write on a
file opened in append mode and then flushed to disk (``fsync``), so earlier lines are never
rewritten and a crash can at worst leave the last line unfinished (it is skipped, with a
warning, when read). Two kinds of events:

- ``"submitted"``: ``time``, ``competition``, ``ref`` (Kaggle's submission id), ``file``,
  ``sha256``, ``pipeline``, ``metric`` and ``cv_score`` (from the file's manifest, when it
  matches; older histories hold ``cv_accuracy``),
  ``message``, ``kaggle_message``;
- ``"scored"``: ``time``, ``competition``, ``ref``, ``status``, ``public_score``,
  ``private_score``, ``error`` -- what was learned from Kaggle later.

:func:`read_history` folds the events into one record per submission; :func:`merge`
matches those records with Kaggle's own list by ``ref``.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

from kagglekit.errors import KagglekitError
from kagglekit.fileio import timestamp

__all__ = ["HISTORY_FILE", "append_event", "read_history", "warn_if_submitted", "merge",
           "learned_scores", "format_table", "cv_and_public", "tracking_line", "plot_tracking"]

MIN_FOR_CORRELATION = 5
"""Submissions with both a CV and a public score needed before the rank correlation is
reported."""

#: The history's file name inside the submissions folder.
HISTORY_FILE = "history.jsonl"
_SCORE_FIELDS = ("status", "public_score", "private_score", "error")


def append_event(path, event, **fields):
    """Append one event line to the history file (created with its folder if missing).

    Parameters
    ----------
    path : str or os.PathLike
        The history file.
    event : {"submitted", "scored"}
        The kind of event.
    **fields
        The event's fields (JSON-serialisable); ``time`` defaults to now (UTC).

    Returns
    -------
    dict
        The record written.
    """
    record = {"event": event, "time": timestamp(), **fields}
    line = json.dumps(record, sort_keys=True, default=str) + "\n"
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise KagglekitError(
            f"Cannot write the submission history {path}: {exc.strerror or exc}; make the "
            "folder writable"
        ) from exc
    try:
        # A line left unfinished by a crash must not swallow this one.
        if os.fstat(fd).st_size and not _ends_with_newline(path):
            line = "\n" + line
        data = line.encode("utf-8")
        written = 0
        while written < len(data):  # one write, unless the system writes less at once
            written += os.write(fd, data[written:])
        os.fsync(fd)
    except OSError as exc:
        raise KagglekitError(
            f"Cannot write the submission history {path}: {exc.strerror or exc}; free some "
            "disk space, then check the file"
        ) from exc
    finally:
        os.close(fd)
    return record


def _ends_with_newline(path):
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def read_history(path, competition=None):
    """One record per submission, oldest first, with later events folded in.

    Parameters
    ----------
    path : str or os.PathLike
        The history file; a missing file is an empty history.
    competition : str, optional
        Keep only this competition's submissions.

    Returns
    -------
    list of dict
        The ``"submitted"`` fields updated by every later ``"scored"`` event of the same
        competition and ref (a score event for an unknown ref is kept as its own record).
    """
    records = {}
    for event in _events(Path(path)):
        if competition is not None and event.get("competition") != competition:
            continue
        ref = event.get("ref") or None
        key = (event.get("competition"), ref) if ref else (None, len(records))
        fields = {k: v for k, v in event.items() if k != "event"}
        if event.get("event") == "scored" and key in records:
            record = records[key]
            record.update({k: fields.get(k) for k in _SCORE_FIELDS})
            record["scored_time"] = fields.get("time")
        else:
            records[key] = fields
    return list(records.values())


def _events(path):
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError) as exc:
        raise KagglekitError(
            f"Cannot read the submission history {path} ({exc}): move it aside to start a "
            "new one"
        ) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        if not isinstance(event, dict):
            warnings.warn(f"{path}:{number}: unreadable history line skipped", stacklevel=3)
            continue
        yield event


def warn_if_submitted(path, competition, name, sha256):
    """Warn when a file with this sha256 was already submitted to the competition.

    Parameters
    ----------
    path : str or os.PathLike
        The history file.
    competition : str
        The competition's URL name.
    name : str
        The file's name, for the message.
    sha256 : str
        The file's hex sha256.

    Returns
    -------
    dict or None
        The earlier submission's record, if any (a ``UserWarning`` was issued).
    """
    for earlier in read_history(path, competition):
        if earlier.get("sha256") == sha256:
            warnings.warn(f"{name} was already submitted to {competition} (ref "
                          f"{earlier.get('ref')}, {_short_time(earlier.get('time'))} UTC)",
                          stacklevel=2)
            return earlier
    return None


def merge(local, remote):
    """Match the local records with Kaggle's list by ``ref``, newest first.

    Parameters
    ----------
    local : list of dict
        From :func:`read_history` (one competition).
    remote : list of dict or None
        From :func:`kagglekit.kaggle.leaderboard.list_submissions`; None when Kaggle was
        not asked.

    Returns
    -------
    list of dict
        One row per submission: ``ref``, ``time`` (``YYYY-MM-DD HH:MM`` UTC), ``status``,
        ``public_score``, ``cv_score``, ``pipeline``, ``file`` (local file name, else
        Kaggle's), ``error``, ``message`` and ``seen`` (``"local+kaggle"``, ``"local"`` or
        ``"kaggle"``). Kaggle's status and scores win over what was stored locally.
    """
    remote_by_ref = {item["ref"]: item for item in remote or [] if item.get("ref")}
    rows = []
    for record in local:
        kaggle = remote_by_ref.pop(record.get("ref"), None) if record.get("ref") else None
        row = {
            "ref": record.get("ref"),
            "time": _short_time(record.get("time")),
            "status": record.get("status") or ("submitted" if record.get("ref") else "-"),
            "public_score": record.get("public_score"),
            "cv_score": record.get("cv_score", record.get("cv_accuracy")),
            "metric": record.get("metric") or ("accuracy" if "cv_accuracy" in record else None),
            "pipeline": record.get("pipeline"),
            "file": Path(record["file"]).name if record.get("file") else None,
            "error": record.get("error"),
            "message": record.get("message"),
            "seen": "local" if remote is None or kaggle is None else "local+kaggle",
        }
        if kaggle is not None:
            row.update({k: kaggle[k] for k in ("status", "public_score", "error")})
        rows.append(row)
    for item in remote_by_ref.values():
        rows.append({
            "ref": item["ref"], "time": _short_time(item.get("date")),
            "status": item.get("status"), "public_score": item.get("public_score"),
            "cv_score": None, "metric": None, "pipeline": None, "file": item.get("file_name"),
            "error": item.get("error"), "message": item.get("description"), "seen": "kaggle",
        })
    return sorted(rows, key=lambda row: (row["time"] or "", row["ref"] or 0), reverse=True)


def learned_scores(local, remote):
    """Kaggle's answers that the local history does not hold yet.

    Parameters
    ----------
    local : list of dict
        From :func:`read_history`.
    remote : list of dict
        From :func:`kagglekit.kaggle.leaderboard.list_submissions`.

    Returns
    -------
    list of dict
        For each local submission whose status or scores changed on Kaggle, the fields of
        a ``"scored"`` event (``competition``, ``ref`` and the score fields).
    """
    remote_by_ref = {item["ref"]: item for item in remote if item.get("ref")}
    news = []
    for record in local:
        kaggle = remote_by_ref.get(record.get("ref")) if record.get("ref") else None
        if kaggle is None:
            continue
        if any(kaggle.get(k) != record.get(k) for k in _SCORE_FIELDS):
            news.append({"competition": record.get("competition"), "ref": record["ref"],
                         **{k: kaggle.get(k) for k in _SCORE_FIELDS}})
    return news


_COLUMNS = (("ref", "ref"), ("time", "submitted (UTC)"), ("status", "status"),
            ("public_score", "public"), ("cv_score", "CV"), ("pipeline", "pipeline"),
            ("seen", "seen"), ("file", "file / message"))


def format_table(rows):
    """The rows of :func:`merge` as aligned text lines, a header first.

    Parameters
    ----------
    rows : list of dict
        From :func:`merge`.

    Returns
    -------
    list of str
        One line per row; a missing value shows as ``-``; Kaggle's reason for an error
        follows the file, as ``[error: <reason>]``.
    """
    table = [[title for _, title in _COLUMNS]]
    for row in rows:
        cells = {key: "-" if row[key] is None else str(row[key]) for key, _ in _COLUMNS}
        if row["cv_score"] is not None:
            cells["cv_score"] = f"{row['cv_score']:.4f}" + (f" ({row['metric']})"
                                                            if row.get("metric") else "")
        if row["file"] and row["message"]:
            cells["file"] = f"{row['file']}: {row['message']}"
        if row["error"]:
            cells["file"] += f" [error: {row['error']}]"
        table.append([cells[key] for key, _ in _COLUMNS])
    widths = [max(len(line[i]) for line in table) for i in range(len(_COLUMNS) - 1)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
            + "  " + line[-1] for line in table]


def cv_and_public(rows):
    """``(metric, [(cv, public, label), ...])``: the rows with both a CV score and a public
    score, on the metric most of them were cross-validated on (CV scores on another metric
    are not comparable and are left out)."""
    scored = [r for r in rows if r["cv_score"] is not None and _number(r["public_score"])
              is not None]
    metrics = [r.get("metric") for r in scored]
    metric = max(set(metrics), key=metrics.count) if metrics else None
    return metric, [(float(r["cv_score"]), _number(r["public_score"]),
                     str(r["ref"] or r["file"] or "")) for r in scored
                    if r.get("metric") == metric]


def tracking_line(rows) -> str:
    """One line saying whether the CV scores track the public leaderboard: the Spearman rank
    correlation once :data:`MIN_FOR_CORRELATION` submissions have both scores, else how many
    more are needed."""
    import pandas as pd

    metric, pairs = cv_and_public(rows)
    if len(pairs) < MIN_FOR_CORRELATION:
        more = MIN_FOR_CORRELATION - len(pairs)
        return (f"CV against the public leaderboard: {len(pairs)} submission"
                f"{'' if len(pairs) == 1 else 's'} with both scores; {more} more needed for "
                "a rank correlation")
    cv = pd.Series([p[0] for p in pairs])
    public = pd.Series([p[1] for p in pairs])
    rho = cv.corr(public, method="spearman")
    if not rho == rho:  # nan: one of them never changes
        verdict = "cannot tell (one of the two scores never changes)"
    elif rho >= 0.7:
        verdict = "the CV tracks the leaderboard"
    elif rho >= 0.3:
        verdict = "the CV tracks the leaderboard only loosely"
    else:
        verdict = "the CV does not track the leaderboard: trust neither alone"
    return (f"CV ({metric or 'metric unknown'}) against the public score: Spearman rank "
            f"correlation {rho:.2f} over {len(pairs)} submissions; {verdict}")


def plot_tracking(rows, path) -> Path:
    """A PNG of each submission's CV score against its public score (never replacing a
    file)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kagglekit.fileio import atomic_write

    metric, pairs = cv_and_public(rows)
    if not pairs:
        raise KagglekitError("no submission has both a CV score and a public score yet; "
                             "nothing to plot")
    figure, axes = plt.subplots(figsize=(5, 4.5))
    axes.scatter([p[0] for p in pairs], [p[1] for p in pairs])
    for cv, public, label in pairs:
        axes.annotate(label, (cv, public), fontsize=7, xytext=(3, 3),
                      textcoords="offset points")
    axes.set_xlabel(f"CV ({metric or 'metric unknown'})")
    axes.set_ylabel("public leaderboard score")
    axes.set_title("CV against the public leaderboard")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return atomic_write(path, lambda tmp: tmp.write_bytes(buffer.getvalue()))


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None


def _short_time(value):
    """``20261125T213000Z`` or ``2026-11-25T21:30:00Z`` -> ``2026-11-25 21:30``."""
    if not value:
        return None
    text = str(value).replace("-", "").replace(":", "")
    if len(text) < 13 or text[8] != "T":
        return str(value)
    return f"{text[0:4]}-{text[4:6]}-{text[6:8]} {text[9:11]}:{text[11:13]}"
