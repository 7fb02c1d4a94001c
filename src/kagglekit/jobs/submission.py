"""A job's Kaggle submission: the rows to predict (the spec says where they come from), the
fitted pipeline's predictions, validated and written without overwriting anything."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from kagglekit.errors import DataError, KagglekitError
from kagglekit.jobs.predict import predictions
from kagglekit.jobs.spec import JobSpec, from_manifest
from kagglekit.jobs.train import fit


def check_submittable(spec: JobSpec, test_csv=None) -> None:
    """Refuse, before any training, a job that cannot end in a submission."""
    source = spec.task.test_rows
    if source is None:
        raise KagglekitError(f"{spec.task.dataset or spec.name} has no Kaggle competition to "
                             f"submit to; score it with `kagglekit evaluate {spec.name}` "
                             "(--holdout for a labelled test split)")
    if source in ("csv", "digits") and not test_csv:
        what = ("Kaggle's Digit Recognizer test.csv" if source == "digits"
                else "the rows to predict")
        raise KagglekitError(f"a {spec.name} submission needs --test FILE ({what})")
    if source == "csv" and not spec.task.id_column:
        raise KagglekitError("a submission needs an id column: pass --id COLUMN")
    if source == "dataset" and test_csv:
        raise KagglekitError(f"--test FILE is for your own CSV (`tabular`) and Digit "
                             f"Recognizer models; {spec.name} predicts the "
                             f"{spec.task.dataset} test rows")


def test_rows(spec: JobSpec, test_csv=None, dataset=None):
    """``(X_test, ids, SubmissionFormat)`` of the job's submission."""
    from kagglekit.submissions.export import DIGIT_FORMAT, SubmissionFormat

    check_submittable(spec, test_csv)
    task = spec.task
    if task.test_rows == "digits":
        from kagglekit.data.images import read_digit_csv

        images = read_digit_csv(test_csv, training=False)
        return images, np.arange(1, len(images) + 1), DIGIT_FORMAT
    if task.test_rows == "csv":
        from kagglekit.data.base import read_plain_csv

        frame = read_plain_csv(test_csv)
        if task.id_column not in frame:
            raise DataError(f"{test_csv}: no id column {task.id_column!r}")
        return frame, frame[task.id_column], SubmissionFormat(task.id_column, task.target, None)
    dataset = dataset or spec.load()
    if len(dataset.X_test) == 0:
        raise KagglekitError(f"{dataset.name} has no test rows to submit; for your own test "
                             "file use `kagglekit submission tabular ... --test FILE`")
    labels = task.kind == "binary" and np.issubdtype(np.asarray(dataset.y).dtype, np.integer)
    ids = dataset.X_test[task.id_column]
    return (dataset.X_test, ids.astype("int64") if labels else ids,
            SubmissionFormat(task.id_column, task.target, (0, 1) if labels else None))


def write(pipeline, spec: JobSpec, out_dir="submissions", *, test_csv=None, dataset=None,
          cv_score: float | None = None, metric: str | None = None,
          model_path: Path | None = None, rows: tuple | None = None) -> Path:
    """Predict the job's test rows with a fitted pipeline and write the submission.

    ``rows`` is :func:`test_rows`' answer when the caller has it already. Returns the CSV's
    path (a JSON manifest sits beside it)."""
    from kagglekit.submissions.export import write_submission

    X_test, ids, fmt = rows or test_rows(spec, test_csv, dataset)
    if spec.task.test_rows == "csv":
        frame = predictions(pipeline, X_test, target=fmt.target, id_column=fmt.id_column,
                            source=str(test_csv))
        predicted, ids = frame[fmt.target], frame[fmt.id_column]
    else:
        predicted = pipeline.predict(X_test)
    extra = {"model": str(model_path)} if model_path else None
    return write_submission(predicted, ids, out_dir, pipeline=spec.name, cv_score=cv_score,
                            metric=metric, fmt=fmt, extra=extra)


def from_model(model_path, out_dir="submissions", *, test_csv=None, data_dir=None) -> Path:
    """A submission from a saved ``.joblib`` model (its manifest says for what)."""
    from kagglekit.persistence import load, read_manifest

    pipeline = load(model_path)
    manifest = read_manifest(model_path)
    if manifest is None:
        raise KagglekitError(f"{model_path} has no manifest, so kagglekit cannot tell which "
                             "competition it is for; save it with `kagglekit train` (or "
                             "kagglekit.save)")
    spec = from_manifest(manifest, data_dir)
    cv = manifest.get("cv") or {}
    return write(pipeline, spec, out_dir, test_csv=test_csv, cv_score=cv.get("mean"),
                 metric=cv.get("metric"), model_path=Path(model_path))


def from_pipeline(spec: JobSpec, out_dir="submissions", *, seed: int = 0, test_csv=None,
                  train_csv=None) -> Path:
    """Fit the spec's pipeline now and write its submission (the test rows are read first).

    A Digit Recognizer pipeline fits on ``train_csv`` (Kaggle's ``train.csv``) when given,
    else on the official MNIST training images, with a warning: Kaggle's test images are MNIST
    images too, some of them among those, so the leaderboard score would flatter it."""
    digits = spec.task.test_rows == "digits"
    if train_csv and not digits:
        raise KagglekitError("--train FILE is Kaggle's Digit Recognizer train.csv, for mnist-* "
                             "pipelines")
    check_submittable(spec, test_csv)
    if digits and train_csv:
        from kagglekit.data import Dataset
        from kagglekit.data.images import read_digit_csv

        X, y = read_digit_csv(train_csv, training=True)
        dataset = Dataset(name="digit-recognizer", X=X, y=y, X_test=X[:0], source=train_csv)
    elif digits:
        dataset = None
        warnings.warn("training on the official MNIST training images: Kaggle's Digit "
                      "Recognizer test images come from MNIST as well, so the leaderboard "
                      "score will be optimistic; give Kaggle's train.csv with --train FILE",
                      UserWarning, stacklevel=2)
    else:
        dataset = spec.load()
    rows = test_rows(spec, test_csv, dataset)  # a wrong test file fails before the fit
    pipeline, dataset = fit(spec, seed=seed, dataset=dataset)
    return write(pipeline, spec, out_dir, test_csv=test_csv, dataset=dataset, rows=rows)
