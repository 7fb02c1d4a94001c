"""The main job (``make run``): cross-validate, report, fit on all data, save, write a submission.

Every step is a library function the CLI and scripts can call on their own too.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit import tabular
from kagglekit.data import Dataset, load_dataset
from kagglekit.data.loaders import TITANIC_SCHEMA, iter_csv
from kagglekit.errors import KagglekitError
from kagglekit.evaluation import CVResult, evaluate
from kagglekit.evaluation.report import write_report
from kagglekit.fileio import atomic_write, check_writable, timestamp
from kagglekit.persistence import check_model_path, load, read_manifest, save
from kagglekit.pipelines import Task, get_spec, list_pipelines, make_pipeline
from kagglekit.seeding import seed_pipeline
from kagglekit.submissions.export import (
    SubmissionFormat,
    latest_submission,
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
                training_data=(dataset.X, dataset.y),
                extra={"seed": seed, "dataset": dataset.source})
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
    if dataset.name in IMAGE_DATASETS:
        raise KagglekitError(f"`run` ends with a submission, which {dataset.name} has no test "
                             "rows for: use `kagglekit evaluate NAME --holdout`, `train` and "
                             "`submission NAME --test test.csv`")
    if len(dataset.X_test) == 0:
        raise KagglekitError(f"{dataset.name} has no test rows to submit; for your own test "
                             "file use `kagglekit submission tabular ... --test FILE`")


def run(name: str = "titanic-dnn", compare: tuple[str, ...] | None = (), *, folds: int = 5,
        seed: int = 0, data_dir=None, params: dict | None = None,
        reports: str | Path = "reports", models: str | Path = "models",
        submissions: str | Path = "submissions", log=print, backend: str = "loky",
        scheduler: str | None = None) -> RunResult:
    """Cross-validate ``name`` (and the ``compare`` pipelines), write a report, fit ``name`` on
    all training data, save it under ``models`` and write a submission under ``submissions``.

    ``compare=None`` means every other pipeline registered for the same data set.
    ``params`` are settings for ``name`` only (as in :func:`kagglekit.make_pipeline`).
    ``backend`` and ``scheduler`` say where the folds run (see
    :func:`kagglekit.evaluation.evaluate`); the final fit runs here."""
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
                          name=candidate, holdout=holdout, backend=backend,
                          scheduler=scheduler)
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


def predict_chunks(pipeline, model_path, csv_path, *,
                   chunk_rows: int = 50_000) -> Iterator[pd.DataFrame]:
    """Predictions for a CSV, ``chunk_rows`` input rows at a time (memory stays bounded):
    the id column (when known), the prediction named after the target and, for two
    classes, the probability of the second one (see :func:`kagglekit.tabular.predictions`)."""
    manifest = read_manifest(model_path) or {}
    task, plan = _task_of_model(manifest), manifest.get("tabular")
    schema = TITANIC_SCHEMA if task is not None and task.dataset == "titanic" else None
    if plan:
        target, id_column = plan["target"], plan.get("id_column")
    elif task:
        target, id_column = task.target, task.id_column
    else:
        target, id_column = "prediction", None
    for frame in iter_csv(csv_path, schema, chunk_rows=chunk_rows):
        yield predictions(pipeline, frame, target=target, id_column=id_column,
                          source=str(csv_path))


def predict_csv(pipeline, model_path, csv_path) -> pd.DataFrame:
    """All of :func:`predict_chunks` in one frame."""
    return pd.concat(list(predict_chunks(pipeline, model_path, csv_path)), ignore_index=True)


def predict_to_csv(pipeline, model_path, csv_path, out, *, overwrite: bool = False,
                   chunk_rows: int = 50_000, progress=None) -> int:
    """Stream predictions for ``csv_path`` into the CSV ``out``; see
    :func:`write_predictions`."""
    chunks = predict_chunks(pipeline, model_path, csv_path, chunk_rows=chunk_rows)
    return write_predictions(chunks, out, overwrite=overwrite, progress=progress)


def write_predictions(chunks, out, *, overwrite: bool = False, progress=None) -> int:
    """Write frames of predictions into the CSV ``out`` (atomically: a failure leaves no
    partial file). ``progress(rows_done)`` is called after each frame. Returns the number of
    rows written."""
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


def submission_from(pipeline_or_model: str, out_dir="submissions", *, seed: int = 0,
                    data_dir=None, test_csv=None, train_csv=None,
                    params: dict | None = None) -> Path:
    """A submission from a saved ``.joblib`` model, or from a pipeline name fitted now (with
    ``params`` as in :func:`kagglekit.make_pipeline`).

    A model trained by the ``tabular`` job predicts ``test_csv``; so does an MNIST pipeline
    (Kaggle's Digit Recognizer), fitted on ``train_csv`` (Kaggle's ``train.csv``) when given,
    else on the official MNIST training images, with a warning: Kaggle's test images are
    MNIST images too, some of them among those, so the leaderboard score would flatter it."""
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
        if task.dataset in IMAGE_DATASETS:
            images = _digit_test_images(task, name, test_csv)
            return _digit_submission(pipeline, images, name, out_dir, cv_score=cv,
                                     model_path=path)
        dataset = load_dataset(task.dataset, data_dir)
        return submission(pipeline, name, out_dir, cv_score=cv, model_path=path,
                          dataset=dataset, task=task)
    spec = get_spec(pipeline_or_model)
    if train_csv and spec.task.dataset != "mnist":
        raise KagglekitError("--train FILE is Kaggle's Digit Recognizer train.csv, for mnist-* "
                             "pipelines")
    if spec.task.dataset in IMAGE_DATASETS:
        images = _digit_test_images(spec.task, spec.name, test_csv)  # before the fit
        if train_csv:
            from kagglekit.data.images import read_digit_csv

            X, y = read_digit_csv(train_csv, training=True)
        else:
            warnings.warn("training on the official MNIST training images: Kaggle's Digit "
                          "Recognizer test images come from MNIST as well, so the leaderboard "
                          "score will be optimistic; give Kaggle's train.csv with --train FILE",
                          UserWarning, stacklevel=2)
            dataset = load_dataset(spec.task.dataset, data_dir)
            X, y = dataset.X, dataset.y
        pipeline = seed_pipeline(make_pipeline(spec.name, **(params or {})), seed)
        return _digit_submission(pipeline.fit(X, y), images, spec.name, out_dir)
    dataset = load_dataset(spec.task.dataset, data_dir)
    _check_test_rows(dataset)  # before the fit
    pipeline = seed_pipeline(make_pipeline(spec.name, **(params or {})), seed)
    return submission(pipeline.fit(dataset.X, dataset.y), spec.name, out_dir, dataset=dataset)


IMAGE_DATASETS = ("mnist", "fashion-mnist")


def _digit_test_images(task, name: str, test_csv):
    """Kaggle's Digit Recognizer test images, for an MNIST pipeline's submission."""
    from kagglekit.data.images import read_digit_csv

    if task.dataset != "mnist":
        raise KagglekitError(f"{task.dataset} has no Kaggle competition to submit to; score "
                             f"it with `kagglekit evaluate {name} --holdout`")
    if not test_csv:
        raise KagglekitError("an MNIST submission is for Kaggle's Digit Recognizer: give its "
                             "test.csv with --test FILE")
    return read_digit_csv(test_csv, training=False)


def _digit_submission(pipeline, images, name: str, out_dir, *, cv_score=None,
                      model_path=None) -> Path:
    from kagglekit.submissions.export import DIGIT_FORMAT

    extra = {"model": str(model_path)} if model_path else None
    return write_submission(pipeline.predict(images), np.arange(1, len(images) + 1), out_dir,
                            pipeline=name, cv_score=cv_score, fmt=DIGIT_FORMAT, extra=extra)


def submit(file=None, *, competition: str = "titanic", message: str | None = None,
           folder: str | Path = "submissions", data_dir=None, wait: bool = False,
           wait_timeout: float | None = None, log=print) -> dict:
    """Check a submission CSV against the competition's format, upload it, record it.

    Nothing is uploaded when the file does not fit the format (see
    :func:`kagglekit.submissions.formats.check_submission_file`); a file whose sha256 is
    already in the history gives a warning (it is still uploaded). Each upload is appended to
    ``<folder>/history.jsonl`` with the file's sha256, the pipeline and CV score of its
    manifest, the message and Kaggle's ref; with ``wait`` the score is polled and recorded
    too.

    Parameters
    ----------
    file : path, optional
        The CSV (default: the newest in ``folder``).
    competition : str, default="titanic"
        The competition's URL name.
    message : str, optional
        The description on Kaggle (default: pipeline and CV score from the manifest).
    folder : path, default="submissions"
        Where the default file is looked for and the history is kept.
    data_dir : path, optional
        The data folder holding the competition's files (for its format).
    wait : bool, default=False
        Poll Kaggle until the submission is scored.
    wait_timeout : float, optional
        Seconds to wait in all (default
        :data:`kagglekit.submissions.scoring.WAIT_TIMEOUT_S`).
    log : callable, default=print
        Receives progress lines: the upload's answer, then the wait.

    Returns
    -------
    dict
        :func:`kagglekit.submissions.kaggle_api.submit`'s answer, plus ``checked_against``,
        ``history`` (the history file) and, with ``wait``, ``public_score`` and
        ``private_score``.

    Raises
    ------
    KagglekitError
        The file does not fit, the upload failed, Kaggle reported a scoring error (with its
        reason), or the wait timed out (the submission itself was made and recorded).
    """
    from kagglekit.submissions import history, scoring  # import kaggle lazily
    from kagglekit.submissions.client import check_competition
    from kagglekit.submissions.export import submission_origin
    from kagglekit.submissions.formats import check_submission_file
    from kagglekit.submissions.kaggle_api import submit as upload

    check_competition(competition)
    path = Path(file) if file else latest_submission(folder)
    if not path.is_file():
        raise KagglekitError(f"{path}: no such submission file")
    checked = check_submission_file(path, competition, data_dir)
    origin = submission_origin(path)
    history_path = Path(folder) / history.HISTORY_FILE
    history.warn_if_submitted(history_path, competition, path.name, origin["sha256"])
    if message is None:
        cv = origin.get("cv_accuracy")
        message = ", ".join(filter(None, [origin.get("pipeline") or "kagglekit submission",
                                          f"CV {cv:.4f}" if cv is not None else None]))
    result = upload(path, competition=competition, message=message)
    history.append_event(history_path, "submitted", competition=competition,
                         ref=result["ref"], file=result["file"], sha256=origin["sha256"],
                         pipeline=origin.get("pipeline"), cv_accuracy=origin.get("cv_accuracy"),
                         message=message, kaggle_message=result["status"])
    result.update(checked_against=checked, history=str(history_path))
    log(f"submitted {result['file']} to {competition} (ref {result['ref']}): "
        f"{result['status']}")
    if not wait:
        return result
    if not result["ref"]:
        raise KagglekitError("Kaggle returned no submission id, so it cannot be followed: "
                             f"see `kagglekit submissions {competition}`")
    timeout = scoring.WAIT_TIMEOUT_S if wait_timeout is None else wait_timeout
    log(f"waiting for Kaggle to score submission {result['ref']} (up to {timeout:g} s) ...")
    scored = scoring.wait_for_score(competition, result["ref"], timeout_s=timeout)
    history.append_event(history_path, "scored", competition=competition, ref=result["ref"],
                         **{k: scored[k] for k in ("status", "public_score", "private_score",
                                                   "error")})
    if scored["status"] == "error":
        reason = scored["error"] or "no reason given"
        raise KagglekitError(f"Kaggle could not score submission {result['ref']} "
                             f"({path.name}): {reason}; fix the file and submit again")
    result.update(public_score=scored["public_score"], private_score=scored["private_score"])
    return result


def submissions(competition: str, *, folder: str | Path = "submissions",
                local_only: bool = False) -> list[dict]:
    """The local submission history beside Kaggle's own list, matched by ref.

    Scores and statuses learned from Kaggle are appended to the history.

    Parameters
    ----------
    competition : str
        The competition's URL name.
    folder : path, default="submissions"
        Where the history file is.
    local_only : bool, default=False
        Do not ask Kaggle (no credentials or network needed).

    Returns
    -------
    list of dict
        Rows from :func:`kagglekit.submissions.history.merge`, newest first.
    """
    from kagglekit.submissions import history
    from kagglekit.submissions.client import check_competition

    check_competition(competition)
    history_path = Path(folder) / history.HISTORY_FILE
    local = history.read_history(history_path, competition)
    if local_only:
        return history.merge(local, None)
    from kagglekit.submissions.scoring import list_submissions

    try:
        remote = list_submissions(competition)
    except KagglekitError as exc:
        raise type(exc)(f"{exc} (`kagglekit submissions {competition} --local` shows the "
                        "local history alone)") from exc
    for news in history.learned_scores(local, remote):
        history.append_event(history_path, "scored", **news)
    return history.merge(local, remote)
