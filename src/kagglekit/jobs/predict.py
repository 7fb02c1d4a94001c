"""Predictions of a fitted pipeline for a CSV of any size, read and written in chunks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from kagglekit.errors import KagglekitError
from kagglekit.fileio import atomic_write
from kagglekit.jobs.spec import JobSpec

CHUNK_ROWS = 50_000
"""Rows read, predicted and written at a time."""


def predictions(pipeline, frame: pd.DataFrame, *, target: str, id_column: str | None,
                source: str) -> pd.DataFrame:
    """Id column (when known), the prediction named after the target (one column per output
    for several outputs), and for two classes the probability of the second class."""
    try:
        predicted = pipeline.predict(frame)
        proba = pipeline.predict_proba(frame) if hasattr(pipeline, "predict_proba") else None
    except KagglekitError:
        raise
    except (KeyError, ValueError) as exc:
        raise KagglekitError(f"{source}: the model cannot use this file ({exc}); give a CSV "
                             "with the columns it was trained on") from exc
    out = pd.DataFrame()
    if id_column and id_column in frame:
        ids = frame[id_column]
        whole = pd.api.types.is_float_dtype(ids) and ids.notna().all() and (ids % 1 == 0).all()
        out[id_column] = ids.astype("int64") if whole else ids.to_numpy()
    names = target.split(",")
    if getattr(predicted, "ndim", 1) == 2 and len(names) == predicted.shape[1]:
        for i, column in enumerate(names):
            out[column] = predicted[:, i]
    else:
        out[target] = predicted
    if proba is not None and proba.shape[1] == 2:
        out["probability"] = proba[:, 1].round(6)
    return out


def predict_chunks(pipeline, spec: JobSpec, csv_path, *,
                   chunk_rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """:func:`predictions` for a CSV, ``chunk_rows`` input rows at a time (memory stays
    bounded); each chunk is checked against the spec's input schema."""
    from kagglekit.data.base import iter_csv

    task = spec.task
    for frame in iter_csv(csv_path, task.schema, chunk_rows=chunk_rows):
        yield predictions(pipeline, frame, target=task.target, id_column=task.id_column,
                          source=str(csv_path))


def write_predictions(chunks, out, *, overwrite: bool = False, progress=None) -> int:
    """Write frames of predictions into the CSV ``out`` (atomically: a failure or an
    interruption leaves no file). ``progress(rows_done)`` is called after each frame.
    Returns the number of rows written."""
    rows = 0

    def write(tmp: Path) -> None:
        nonlocal rows
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                chunk.to_csv(handle, index=False, header=rows == 0)
                rows += len(chunk)
                if progress:
                    progress(rows)

    atomic_write(out, write, overwrite=overwrite)
    return rows
