"""Write Kaggle submission CSVs: validated first, written atomically, never overwritten."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.errors import DataError
from kagglekit.fileio import sha256_of, timestamp, unique_path, write_json_atomic, write_text_atomic
from kagglekit.versions import package_versions


@dataclass(frozen=True)
class SubmissionFormat:
    """A competition's submission layout: id column, prediction column, allowed values
    (integers; ``None`` allows any value, e.g. for regression or text labels)."""

    id_column: str
    target: str
    values: tuple | None = (0, 1)


TITANIC_FORMAT = SubmissionFormat(id_column="PassengerId", target="Survived")
DIGIT_FORMAT = SubmissionFormat(id_column="ImageId", target="Label", values=tuple(range(10)))
"""Kaggle's "Digit Recognizer": ``ImageId`` counts the test images from 1."""


def validate_submission(frame: pd.DataFrame, expected_ids, fmt: SubmissionFormat = TITANIC_FORMAT,
                        *, source: str = "submission") -> None:
    """Refuse a submission that Kaggle would reject or mis-score.

    Checks: exactly the columns ``[id, target]``; one row per expected id, no duplicates, no
    missing or extra ids; no missing prediction; integer predictions within ``fmt.values``
    (unless it is None).

    Raises
    ------
    DataError
        Saying what is wrong.
    """
    columns = [fmt.id_column, fmt.target]
    if list(frame.columns) != columns:
        raise DataError(f"{source}: columns are {list(frame.columns)}, Kaggle expects {columns}")
    expected = pd.Index(expected_ids)
    ids = pd.Index(frame[fmt.id_column])
    if len(frame) != len(expected):
        raise DataError(f"{source}: {len(frame)} rows, the test set has {len(expected)}")
    if ids.has_duplicates:
        raise DataError(f"{source}: duplicated ids {list(ids[ids.duplicated()][:5])}")
    missing, extra = expected.difference(ids), ids.difference(expected)
    if len(missing) or len(extra):
        raise DataError(f"{source}: ids differ from the test set "
                        f"(missing {list(missing[:5])}, unexpected {list(extra[:5])})")
    values = frame[fmt.target]
    if fmt.values is None:
        if values.isna().any():
            raise DataError(f"{source}: {fmt.target} has missing predictions")
        return
    if values.isna().any() or not pd.api.types.is_integer_dtype(values):
        raise DataError(f"{source}: {fmt.target} must be integers, got dtype {values.dtype}")
    bad = sorted(set(values.unique().tolist()) - set(fmt.values))
    if bad:
        raise DataError(f"{source}: {fmt.target} has values {bad[:5]}; allowed {list(fmt.values)}")


def write_submission(predictions, ids, out_dir: str | Path, *, pipeline: str,
                     cv_score: float | None = None, metric: str | None = None,
                     fmt: SubmissionFormat = TITANIC_FORMAT, extra: dict | None = None) -> Path:
    """Validate and write ``<out_dir>/<time>_<pipeline>_cv<score>.csv`` plus a JSON manifest.

    Parameters
    ----------
    predictions : array-like
        Predicted labels in the order of ``ids``.
    ids : array-like
        The test set's ids, in its order.
    out_dir : path
        Folder for the file (created if needed). Existing files are never replaced: a clashing
        name gets a ``-2`` suffix.
    pipeline : str
        Pipeline or model name, written into the file name and manifest.
    cv_score : float, optional
        The cross-validated score, written into the name and manifest.
    metric : str, optional
        The metric of ``cv_score`` (default accuracy when a score is given), in the manifest.
    extra : dict, optional
        More manifest fields (e.g. the model file).

    Returns
    -------
    pathlib.Path
        The CSV written; the manifest is the same path with ``.json``.
    """
    predictions = np.asarray(predictions)
    frame = pd.DataFrame({fmt.id_column: np.asarray(ids),
                          fmt.target: predictions if fmt.values is None
                          else predictions.astype("int64")})
    validate_submission(frame, ids, fmt)
    score = f"_cv{cv_score:.4f}" if cv_score is not None else ""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", pipeline)
    path = unique_path(out_dir, f"{timestamp()}_{safe}{score}", ".csv")
    write_text_atomic(path, frame.to_csv(index=False))
    manifest = {"file": path.name, "sha256": sha256_of(path), "rows": len(frame),
                "pipeline": pipeline, "metric": metric or ("accuracy" if cv_score is not None
                                                           else None),
                "cv_score": cv_score, "created": timestamp(),
                "versions": package_versions(), **(extra or {})}
    write_json_atomic(path.with_suffix(".json"), manifest)
    return path


def latest_submission(folder: str | Path) -> Path:
    """The most recently written submission CSV in ``folder``."""
    files = list(Path(folder).glob("*.csv"))
    if not files:
        raise DataError(f"no submission CSV in {folder}; run `kagglekit submission` first")
    return max(files, key=lambda p: (p.stat().st_mtime_ns, p.name))


def submission_origin(path: str | Path) -> dict:
    """Where a submission file came from, as far as its manifest can vouch for it.

    Parameters
    ----------
    path : path
        A submission CSV, with or without the ``.json`` manifest that
        :func:`write_submission` writes beside it.

    Returns
    -------
    dict
        ``sha256`` of the file, plus ``pipeline``, ``metric`` and ``cv_score`` from the
        manifest when the manifest's sha256 matches the file (an edited file is not credited
        to a model). Manifests written before ``cv_score`` held ``cv_accuracy``.
    """
    path = Path(path)
    digest = sha256_of(path)
    try:
        manifest = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("sha256") != digest:
        return {"sha256": digest}
    cv, metric = manifest.get("cv_score"), manifest.get("metric")
    if "cv_score" not in manifest:  # an older manifest
        cv, metric = manifest.get("cv_accuracy"), "accuracy"
    cv = float(cv) if isinstance(cv, int | float) else None
    return {"sha256": digest, "pipeline": str(manifest.get("pipeline") or "") or None,
            "metric": str(metric) if cv is not None and metric else None, "cv_score": cv}
