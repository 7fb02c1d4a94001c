"""A competition's files: where they are (downloaded when missing), reading them, its
metric, and writing the submission in the sample's layout."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from kagglekit.errors import DataError


def competition_folder(name: str, data_dir=None) -> Path:
    """``DIR/NAME`` holding the competition's files; downloaded first when they are missing
    and Kaggle credentials exist (the bundled Titanic data needs neither)."""
    from kagglekit.data.base import data_folder

    folder = data_folder(name, data_dir)
    if (folder / "train.csv").is_file():
        return folder
    from kagglekit.kaggle.credentials import credentials_given

    if not credentials_given():
        raise DataError(f"{folder}/train.csv not found and no Kaggle credentials to download "
                        f"it: run `kagglekit competitions download {name}` or put train.csv, "
                        f"test.csv and sample_submission.csv in {folder}")
    from kagglekit.kaggle.api import download_competition

    return download_competition(name, folder)


def find_metric(name: str, metric: str | None) -> tuple[str | None, str | None]:
    """The competition's metric and where it came from: ``--metric``; else the one Kaggle's
    API names for the competition (with credentials, online); else the known competitions'
    table; else ``(None, None)`` (see :func:`default_metric_for`). Whether it fits the
    target is checked with the layout."""
    from kagglekit.evaluation.metrics import get_metric
    from kagglekit.kaggle.metrics import competition_metric

    if metric:
        return get_metric(metric).name, "--metric"
    asked = _kaggle_metric(name)
    if asked:
        return get_metric(asked).name, "Kaggle API"
    known = competition_metric(name)
    if known:
        return get_metric(known).name, "known competition"
    return None, None


DEFAULT_METRICS = {"labels": "accuracy", "probability": "roc_auc",
                   "class_probabilities": "log_loss", "values": "rmse"}
"""The metric for a competition whose own is not known, by what its sample holds."""


def default_metric_for(name: str, layout) -> str:
    """The metric the sample's layout suggests, with a warning that says how to set it."""
    fallback = DEFAULT_METRICS[layout.submission]
    warnings.warn(f"the metric of {name!r} is not known here: scoring with {fallback} (the "
                  f"sample holds {layout.submission.replace('_', ' ')}); pass --metric NAME "
                  "(e.g. roc_auc, log_loss, rmse) to use the competition's own",
                  UserWarning, stacklevel=3)
    return fallback


def _kaggle_metric(name: str) -> str | None:
    """Ours for the metric Kaggle names for ``name``; None offline, without credentials, or
    for a metric we do not have (a warning says which)."""
    from kagglekit.errors import KagglekitError
    from kagglekit.kaggle.credentials import credentials_given
    from kagglekit.kaggle.metrics import kaggle_metric

    if not credentials_given():
        return None
    from kagglekit.kaggle.api import evaluation_metric

    try:
        named = evaluation_metric(name)
    except KagglekitError as exc:
        warnings.warn(f"could not ask Kaggle for the metric of {name!r} ({exc})",
                      UserWarning, stacklevel=3)
        return None
    ours = kaggle_metric(named)
    if named and not ours:
        warnings.warn(f"Kaggle scores {name!r} with {named!r}, which kagglekit does not have; "
                      "pass --metric NAME for the closest one", UserWarning, stacklevel=3)
    return ours


def read_competition(name: str, data_dir=None):
    """train.csv, test.csv and the sample submission (None when there is none) as frames.

    A registered competition without a sample file (the bundled Titanic) gets one made from
    its known layout: the id column and the target."""
    from kagglekit.data.base import read_plain_csv
    from kagglekit.submissions.formats import find_sample

    folder = competition_folder(name, data_dir)
    train = read_plain_csv(folder / "train.csv")
    test_path = folder / "test.csv"
    if not test_path.is_file():
        raise DataError(f"{test_path} not found: a competition run predicts test.csv for the "
                        "submission")
    test = read_plain_csv(test_path)
    sample_path = find_sample(folder)
    sample = read_plain_csv(sample_path) if sample_path else _known_sample(name, test)
    return train, test, sample


def _known_sample(name: str, test: pd.DataFrame):
    from kagglekit.pipelines import list_pipelines

    for spec in list_pipelines():
        task = spec.task
        if task.dataset == name and task.id_column in test:
            return pd.DataFrame({task.id_column: test[task.id_column], task.target: 0})
    return None


def write_competition_submission(layout, test, output, sample, *, name: str, metric: str,
                                 cv_score: float, models, blend, folder) -> Path:
    """The submission frame in the sample's layout, checked against the sample, written
    atomically under ``folder`` (never replacing a file) with its JSON manifest."""
    import re

    from kagglekit.fileio import (
        sha256_of,
        timestamp,
        unique_path,
        write_json_atomic,
        write_text_atomic,
    )
    from kagglekit.submissions.formats import check_frame_against_sample
    from kagglekit.submissions.sample import submission_frame
    from kagglekit.versions import package_versions

    frame = submission_frame(layout, test[layout.id_column], output, metric=metric)
    check_frame_against_sample(frame, sample, source="the submission",
                               layout=layout)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    path = unique_path(folder, f"{timestamp()}_{safe}-ensemble_cv{cv_score:.4f}", ".csv")
    write_text_atomic(path, frame.to_csv(index=False))
    write_json_atomic(path.with_suffix(".json"), {
        "file": path.name, "sha256": sha256_of(path), "rows": len(frame),
        "competition": name, "pipeline": f"{name}-ensemble", "metric": metric,
        "cv_score": cv_score,
        "models": {r.name: {"pipeline": r.pipeline, "mean": r.mean, "std": r.std,
                            "folds": r.fold_scores} for r in models},
        "blend": {"method": blend.method, "weights": blend.weights},
        "created": timestamp(), "versions": package_versions()})
    return path


def file_fingerprints(name: str, data_dir) -> dict:
    """The sha256 of the competition's train.csv and test.csv."""
    from kagglekit.fileio import sha256_of

    folder = competition_folder(name, data_dir)
    return {f"{part}_sha256": sha256_of(folder / f"{part}.csv")
            for part in ("train", "test") if (folder / f"{part}.csv").is_file()}


def frame_fingerprints(train: pd.DataFrame, test: pd.DataFrame) -> dict:
    """The sha256 of the rows of frames given instead of files (pandas' row hashes, with the
    column names): equal frames, equal fingerprints."""
    import hashlib

    def digest(frame):
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        return hashlib.sha256(rows.tobytes() + "\x1f".join(map(str, frame.columns)).encode()
                              ).hexdigest()

    return {"train_frame_sha256": digest(train), "test_frame_sha256": digest(test)}


def frames_given(name: str, train, test, sample, data_dir):
    """``(train, test, sample)`` given as frames, checked: train and test, as DataFrames with
    rows, and no data folder; a known competition's sample is made when none is given."""
    if data_dir is not None:
        raise DataError("give the competition's files either as a folder (data_dir) or as "
                        "frames (train=, test=, sample=), not both")
    for label, frame in (("train", train), ("test", test)):
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"{label}= must be a pandas DataFrame (got "
                            f"{type(frame).__name__}); give train= and test= together")
        if frame.empty:
            raise DataError(f"{label}= has no rows or no columns; give the competition's "
                            f"{label}.csv as a frame")
    if sample is not None and not isinstance(sample, pd.DataFrame):
        raise DataError(f"sample= must be a pandas DataFrame (got {type(sample).__name__})")
    return train, test, sample if sample is not None else _known_sample(name, test)


def run_summary(name: str, context, layout, runs, blend, gains, *, source: str, submission,
                fingerprints: dict, time_limit, seconds: float) -> dict:
    """``run.json``'s content (:mod:`kagglekit.runs.store` adds the fold fingerprint)."""
    from kagglekit.fileio import timestamp
    from kagglekit.persistence import plain_params
    from kagglekit.versions import package_versions

    files = fingerprints
    metric = context.metric
    return {
        "competition": name, "created": timestamp(),
        "metric": {"name": metric.name, "label": metric.label, "direction": metric.direction,
                   "source": source},
        "folds": len(context.splits), "seed": context.seed, **files,
        "layout": layout.to_dict(),
        "models": [{"name": r.name, "pipeline": r.pipeline, "library": r.spec.library,
                    "skipped": r.skipped, "trained_folds": r.trained_folds,
                    "budget": None if r.allotment is None else r.allotment.to_dict(),
                    **({} if r.skipped else {
                        "fold_scores": r.fold_scores, "mean": r.mean, "std": r.std,
                        "seconds": round(r.seconds, 2), "seeds": r.seeds, "files": r.files,
                        "params": plain_params(r.factory())})}
                   for r in runs],
        "blend": {"method": blend.method, "weights": blend.weights,
                  "oof_score": blend.oof_score,
                  "honest_gain": {m: g.to_dict() for m, g in gains.items()}},
        "versions": package_versions(), "submission": str(submission),
        "time_limit": time_limit, "seconds": round(seconds, 2),
    }
