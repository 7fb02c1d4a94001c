"""The main job (``make run``): cross-validate, report, fit on all data, save, write a submission.

Every step is a library function the CLI and scripts can call on their own too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kagglekit.data import Dataset, load_dataset
from kagglekit.data.loaders import TITANIC_SCHEMA, iter_csv
from kagglekit.errors import KagglekitError
from kagglekit.evaluation import CVResult, evaluate
from kagglekit.evaluation.cv import seed_pipeline
from kagglekit.evaluation.report import write_report
from kagglekit.fileio import atomic_write, check_writable, timestamp
from kagglekit.persistence import check_model_path, load, read_manifest, save
from kagglekit.pipelines import get_spec, make_pipeline
from kagglekit.submissions.export import latest_submission, validate_submission, write_submission


@dataclass
class RunResult:
    """What a run produced and where it went."""

    results: list[CVResult]
    report_dir: Path
    model_path: Path | None = None
    submission_path: Path | None = None


def train(name: str, out: str | Path | None = None, *, seed: int = 0, data_dir=None,
          cv: CVResult | None = None, force: bool = False, params: dict | None = None,
          dataset: Dataset | None = None):
    """Fit a registered pipeline on all training data and save it; returns (pipeline, path).

    ``dataset`` skips reading the data again when the caller already has it."""
    spec = get_spec(name)
    out = Path(out) if out else Path("models") / f"{name}-{timestamp()}.joblib"
    check_model_path(out)
    check_writable(out, overwrite=force)
    dataset = dataset or load_dataset(spec.task.dataset, data_dir)
    pipeline = seed_pipeline(make_pipeline(name, **(params or {})), seed)
    pipeline.fit(dataset.X, dataset.y)
    summary = cv.to_dict() if cv else None
    path = save(pipeline, out, name=name, cv=summary, overwrite=force,
                training_data=(dataset.X, dataset.y),
                extra={"seed": seed, "dataset": dataset.source})
    return pipeline, path


def submission(pipeline, name: str, out_dir: str | Path = "submissions", *, data_dir=None,
               cv_score: float | None = None, model_path: Path | None = None,
               dataset: Dataset | None = None) -> Path:
    """Predict the competition's test set with a fitted pipeline and write the submission."""
    dataset = dataset or load_dataset(get_spec(name).task.dataset, data_dir)
    predictions = pipeline.predict(dataset.X_test)
    extra = {"model": str(model_path)} if model_path else None
    return write_submission(predictions, dataset.X_test["PassengerId"].astype("int64"), out_dir,
                            pipeline=name, cv_score=cv_score, extra=extra)


def run(name: str = "titanic-dnn", compare: tuple[str, ...] = (), *, folds: int = 5,
        seed: int = 0, data_dir=None, params: dict | None = None,
        reports: str | Path = "reports", models: str | Path = "models",
        submissions: str | Path = "submissions", log=print) -> RunResult:
    """Cross-validate ``name`` (and the ``compare`` pipelines), write a report, fit ``name`` on
    all training data, save it under ``models`` and write a submission under ``submissions``.

    ``params`` are settings for ``name`` only (as in :func:`kagglekit.make_pipeline`)."""
    spec = get_spec(name)
    for other in compare:
        get_spec(other)
    main_pipeline = make_pipeline(name, **(params or {}))  # bad settings fail before the CV
    dataset = load_dataset(spec.task.dataset, data_dir)
    results = []
    for candidate in (name, *[c for c in compare if c != name]):
        log(f"cross-validating {candidate} ({folds} folds, seed {seed}) ...")
        pipeline = main_pipeline if candidate == name else make_pipeline(candidate)
        result = evaluate(pipeline, dataset.X, dataset.y, folds=folds, seed=seed,
                          name=candidate)
        log(f"  accuracy {result.mean:.4f} ± {result.std:.4f}  "
            f"roc_auc {result.scores['roc_auc']['mean']:.4f}  "
            f"fit {result.fit_seconds:.1f}s")
        results.append(result)
    report_dir = write_report(results, dataset, Path(reports) / f"{timestamp()}_{name}")
    main = results[0]
    log(f"fitting {name} on all {len(dataset.X)} training rows ...")
    pipeline, model_path = train(name, Path(models) / f"{name}-{timestamp()}.joblib",
                                 seed=seed, cv=main, params=params, dataset=dataset)
    sub = submission(pipeline, name, submissions, cv_score=main.mean, model_path=model_path,
                     dataset=dataset)
    return RunResult(results, report_dir, model_path, sub)


def _task_of_model(manifest: dict | None):
    """The registry Task named by a saved model's manifest, or None."""
    name = (manifest or {}).get("pipeline")
    if not name:
        return None
    try:
        return get_spec(name).task
    except KagglekitError:
        return None


def predict_chunks(pipeline, model_path, csv_path, *,
                   chunk_rows: int = 50_000) -> Iterator[pd.DataFrame]:
    """Predictions for a CSV, ``chunk_rows`` input rows at a time (memory stays bounded):
    the id column (when the model's task has one), the predicted label and, for
    classifiers, the probability of the positive class."""
    task = _task_of_model(read_manifest(model_path))
    schema = TITANIC_SCHEMA if task is not None and task.dataset == "titanic" else None
    for frame in iter_csv(csv_path, schema, chunk_rows=chunk_rows):
        yield _predict_frame(pipeline, frame, task, csv_path)


def predict_csv(pipeline, model_path, csv_path) -> pd.DataFrame:
    """All of :func:`predict_chunks` in one frame."""
    return pd.concat(list(predict_chunks(pipeline, model_path, csv_path)), ignore_index=True)


def predict_to_csv(pipeline, model_path, csv_path, out, *, overwrite: bool = False,
                   chunk_rows: int = 50_000, progress=None) -> int:
    """Stream predictions for ``csv_path`` into the CSV ``out`` (written atomically: a failure
    leaves no partial file). ``progress(rows_done)`` is called after each chunk.
    Returns the number of rows written."""
    rows = 0

    def write(tmp: Path) -> None:
        nonlocal rows
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            for chunk in predict_chunks(pipeline, model_path, csv_path, chunk_rows=chunk_rows):
                chunk.to_csv(handle, index=False, header=rows == 0)
                rows += len(chunk)
                if progress:
                    progress(rows)

    atomic_write(out, write, overwrite=overwrite)
    return rows


def _predict_frame(pipeline, frame: pd.DataFrame, task, source) -> pd.DataFrame:
    try:
        labels = pipeline.predict(frame)
        proba = pipeline.predict_proba(frame)[:, 1] if hasattr(pipeline, "predict_proba") \
            else None
    except KagglekitError:
        raise
    except (KeyError, ValueError) as exc:
        raise KagglekitError(f"{source}: the model cannot use this file ({exc}); give a CSV "
                             "with the columns it was trained on") from exc
    out = pd.DataFrame()
    id_column = task.id_column if task else None
    if id_column and id_column in frame:
        out[id_column] = frame[id_column].astype("int64").to_numpy()
    out[task.target if task else "prediction"] = labels
    if proba is not None:
        out["probability"] = proba.round(6)
    return out


def submission_from(pipeline_or_model: str, out_dir="submissions", *, seed: int = 0,
                    data_dir=None) -> Path:
    """A submission from a saved ``.joblib`` model, or from a pipeline name fitted now."""
    path = Path(pipeline_or_model)
    if path.suffix == ".joblib" or path.is_file():
        pipeline = load(path)
        manifest = read_manifest(path) or {}
        name = manifest.get("pipeline") or path.stem
        cv = (manifest.get("cv") or {}).get("mean")
        # A model without a manifest (or from outside the registry) is taken as a Titanic one.
        task = _task_of_model(manifest)
        dataset = load_dataset(task.dataset if task else "titanic", data_dir)
        return submission(pipeline, name, out_dir, cv_score=cv, model_path=path,
                          dataset=dataset)
    spec = get_spec(pipeline_or_model)
    dataset = load_dataset(spec.task.dataset, data_dir)
    pipeline = seed_pipeline(make_pipeline(spec.name), seed).fit(dataset.X, dataset.y)
    return submission(pipeline, spec.name, out_dir, dataset=dataset)


def submit(file=None, *, competition: str = "titanic", message: str = "kagglekit submission",
           folder: str | Path = "submissions", data_dir=None) -> dict:
    """Validate a submission CSV locally, then upload it with the Kaggle API."""
    from kagglekit.submissions.kaggle_api import submit as upload  # imports kaggle lazily

    path = Path(file) if file else latest_submission(folder)
    if not path.is_file():
        raise KagglekitError(f"{path}: no such submission file")
    if competition == "titanic":
        ids = load_dataset("titanic", data_dir).X_test["PassengerId"].astype("int64")
        try:
            frame = pd.read_csv(path)
        except (ValueError, UnicodeDecodeError) as exc:
            raise KagglekitError(f"{path}: not a readable CSV ({exc})") from exc
        validate_submission(frame, ids, source=str(path))
    return upload(path, competition=competition, message=message)
