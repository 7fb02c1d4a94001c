"""The main job (``make run``): cross-validate, report, fit on all data, save, write a submission.

Every step is a library function the CLI and scripts can call on their own too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit import tabular
from kagglekit.data import Dataset, load_dataset
from kagglekit.data.loaders import TITANIC_SCHEMA, read_csv, read_plain_csv
from kagglekit.errors import KagglekitError
from kagglekit.evaluation import CVResult, evaluate
from kagglekit.evaluation.cv import seed_pipeline
from kagglekit.evaluation.report import write_report
from kagglekit.fileio import check_writable, timestamp
from kagglekit.persistence import check_model_path, load, read_manifest, save
from kagglekit.pipelines import Task, get_spec, list_pipelines, make_pipeline
from kagglekit.submissions.export import (
    SubmissionFormat,
    latest_submission,
    validate_submission,
    write_submission,
)
from kagglekit.tabular import predictions


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
                extra={"seed": seed, "dataset": dataset.source,
                       "training_rows": len(dataset.X)})
    return pipeline, path


def submission(pipeline, name: str, out_dir: str | Path = "submissions", *, data_dir=None,
               cv_score: float | None = None, model_path: Path | None = None,
               dataset: Dataset | None = None, task: Task | None = None) -> Path:
    """Predict the data set's test rows with a fitted pipeline and write the submission.

    ``task`` (default: the registry's for ``name``) names the id and target columns."""
    task = task or get_spec(name).task
    dataset = dataset or load_dataset(task.dataset, data_dir)
    _check_test_rows(dataset)
    predictions = pipeline.predict(dataset.X_test)
    labels = np.issubdtype(np.asarray(dataset.y).dtype, np.integer) and task.kind == "binary"
    fmt = SubmissionFormat(task.id_column, task.target, (0, 1) if labels else None)
    extra = {"model": str(model_path)} if model_path else None
    ids = dataset.X_test[task.id_column]
    return write_submission(predictions, ids.astype("int64") if labels else ids, out_dir,
                            pipeline=name, cv_score=cv_score, extra=extra, fmt=fmt)


def _check_test_rows(dataset: Dataset) -> None:
    if dataset.X_test.empty:
        raise KagglekitError(f"{dataset.name} has no test rows to submit; for your own test "
                             "file use `kagglekit submission tabular ... --test FILE`")


def run(name: str = "titanic-dnn", compare: tuple[str, ...] | None = (), *, folds: int = 5,
        seed: int = 0, data_dir=None, params: dict | None = None,
        reports: str | Path = "reports", models: str | Path = "models",
        submissions: str | Path = "submissions", log=print) -> RunResult:
    """Cross-validate ``name`` (and the ``compare`` pipelines), write a report, fit ``name`` on
    all training data, save it under ``models`` and write a submission under ``submissions``.

    ``compare=None`` means every other pipeline registered for the same data set.
    ``params`` are settings for ``name`` only (as in :func:`kagglekit.make_pipeline`)."""
    spec = get_spec(name)
    if compare is None:
        compare = tuple(s.name for s in list_pipelines() if s.task.dataset == spec.task.dataset)
    for other in compare:
        if get_spec(other).task.dataset != spec.task.dataset:
            raise KagglekitError(f"cannot compare {other} with {name}: it is for the "
                                 f"{get_spec(other).task.dataset} data, not "
                                 f"{spec.task.dataset}")
    main_pipeline = make_pipeline(name, **(params or {}))  # bad settings fail before the CV
    dataset = load_dataset(spec.task.dataset, data_dir)
    _check_test_rows(dataset)  # the run ends with a submission
    holdout = (dataset.X_test, dataset.y_test) if dataset.y_test is not None else None
    results = []
    for candidate in (name, *[c for c in compare if c != name]):
        log(f"cross-validating {candidate} ({folds} folds, seed {seed}) ...")
        pipeline = main_pipeline if candidate == name else make_pipeline(candidate)
        result = evaluate(pipeline, dataset.X, dataset.y, folds=folds, seed=seed,
                          name=candidate, holdout=holdout)
        auc = result.scores.get("roc_auc")
        auc_text = f"roc_auc {auc['mean']:.4f}  " if auc else ""
        log(f"  {result.metric} {result.mean:.4f} ± {result.std:.4f}  {auc_text}"
            f"fit {result.fit_seconds:.1f}s")
        results.append(result)
    report_dir = write_report(results, dataset, Path(reports) / f"{timestamp()}_{name}",
                              id_column=spec.task.id_column)
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


def predict_csv(pipeline, model_path, csv_path):
    """Predictions for a CSV: id column (when known), the prediction named after the target
    and, for two classes, the probability of the second one."""
    manifest = read_manifest(model_path) or {}
    task, plan = _task_of_model(manifest), manifest.get("tabular")
    if task is not None and task.dataset == "titanic":
        frame = read_csv(csv_path, TITANIC_SCHEMA, training=False)
    else:
        frame = read_plain_csv(csv_path)
    if plan:
        target, id_column = plan["target"], plan.get("id_column")
    elif task:
        target, id_column = task.target, task.id_column
    else:
        target, id_column = "prediction", None
    return predictions(pipeline, frame, target=target, id_column=id_column,
                       source=str(csv_path))


def submission_from(pipeline_or_model: str, out_dir="submissions", *, seed: int = 0,
                    data_dir=None, test_csv=None, params: dict | None = None) -> Path:
    """A submission from a saved ``.joblib`` model, or from a pipeline name fitted now (with
    ``params`` as in :func:`kagglekit.make_pipeline`).

    A model trained by the ``tabular`` job predicts ``test_csv``."""
    path = Path(pipeline_or_model)
    if path.suffix == ".joblib" or path.is_file():
        if params:
            raise KagglekitError("--set applies to a pipeline fitted now, not to a saved model")
        pipeline = load(path)
        manifest = read_manifest(path) or {}
        name = manifest.get("pipeline") or path.stem
        cv = (manifest.get("cv") or {}).get("mean")
        if manifest.get("tabular"):
            if not test_csv:
                raise KagglekitError("this model was trained on your own CSV: give the test "
                                     "rows with --test FILE")
            return tabular.submission(pipeline, manifest["tabular"], test_csv, out_dir,
                                      name=name, cv_score=cv, model_path=path)
        # A model without a manifest (or from outside the registry) is taken as a Titanic one.
        task = _task_of_model(manifest) or get_spec("titanic-dnn").task
        dataset = load_dataset(task.dataset, data_dir)
        return submission(pipeline, name, out_dir, cv_score=cv, model_path=path,
                          dataset=dataset, task=task)
    spec = get_spec(pipeline_or_model)
    dataset = load_dataset(spec.task.dataset, data_dir)
    _check_test_rows(dataset)  # before the fit
    pipeline = seed_pipeline(make_pipeline(spec.name, **(params or {})), seed)
    return submission(pipeline.fit(dataset.X, dataset.y), spec.name, out_dir, dataset=dataset)


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
