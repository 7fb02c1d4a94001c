"""The ``tabular`` job: any user CSV through column inference, a pipeline, cross-validation,
training, prediction and submission, with no Python to write.

``kagglekit evaluate tabular --csv FILE --target COLUMN`` and the ``train``, ``predict`` and
``submission`` commands call these functions; scripts can too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kagglekit.data import Dataset
from kagglekit.data.loaders import read_plain_csv
from kagglekit.errors import DataError, KagglekitError
from kagglekit.features.tabular import ColumnPlan, infer_columns
from kagglekit.fileio import timestamp
from kagglekit.persistence import check_model_path, save
from kagglekit.pipelines.registry import set_param
from kagglekit.pipelines.tabular import tabular_pipeline
from kagglekit.seeding import seed_pipeline
from kagglekit.submissions.export import SubmissionFormat, write_submission


@dataclass(frozen=True)
class TabularOptions:
    """The command-line options of the ``tabular`` job."""

    csv: str
    target: str
    id_column: str | None = None
    task: str | None = None
    drop: tuple[str, ...] = ()
    model: str = "dnn"
    params: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"tabular-{self.model}"


def load_tabular(options: TabularOptions) -> tuple[Dataset, ColumnPlan]:
    """Read the CSV and infer its columns; ``Dataset.X`` keeps every column but the target."""
    frame = read_plain_csv(options.csv)
    plan = infer_columns(frame, options.target, id_column=options.id_column,
                         task=options.task, drop=options.drop, source=options.csv)
    y = frame[options.target]
    X = frame.drop(columns=[options.target])
    return Dataset(name=Path(options.csv).stem, X=X, y=y, X_test=X.iloc[:0],
                   source=options.csv), plan


def build(options: TabularOptions, plan: ColumnPlan):
    """The unfitted pipeline for ``plan`` with ``options.params`` set on it."""
    pipeline = tabular_pipeline(plan, options.model)
    for key, value in options.params.items():
        set_param(pipeline, key, value)
    return pipeline


def fit(options: TabularOptions, *, seed: int = 0, log=None):
    """Fit the pipeline on every row of the CSV; returns (pipeline, plan, dataset)."""
    dataset, plan = load_tabular(options)
    if log:
        announce(plan, log)
    pipeline = seed_pipeline(build(options, plan), seed).fit(dataset.X, dataset.y)
    return pipeline, plan, dataset


def announce(plan: ColumnPlan, log) -> None:
    """Tell the user what was inferred, then each warning, one line each."""
    log(f"inferred: {plan.describe()}")
    for warning in plan.warnings:
        log(f"warning: {warning}")


def train(options: TabularOptions, out: str | Path | None = None, *, seed: int = 0,
          force: bool = False, log=None) -> Path:
    """Fit on every row and save the model; its manifest records the column plan."""
    out = Path(out) if out else Path("models") / f"{options.name}-{timestamp()}.joblib"
    check_model_path(out)
    pipeline, plan, dataset = fit(options, seed=seed, log=log)
    return save(pipeline, out, name=options.name, overwrite=force,
                extra={"seed": seed, "dataset": dataset.source, "training_rows": len(dataset.X),
                       "tabular": plan.to_dict()})


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


def predict(options: TabularOptions, csv_path, *, seed: int = 0, log=None) -> pd.DataFrame:
    """Fit on the training CSV, then predict ``csv_path``."""
    pipeline, plan, _ = fit(options, seed=seed, log=log)
    return predictions(pipeline, read_plain_csv(csv_path), target=plan.target,
                       id_column=plan.id_column, source=str(csv_path))


def submission(pipeline, plan: dict, test_csv, out_dir="submissions", *, name: str,
               cv_score: float | None = None, model_path: Path | None = None) -> Path:
    """Write ``id,target`` predictions for ``test_csv`` as a submission (validated, never
    overwriting). ``plan`` is :meth:`ColumnPlan.to_dict` (a saved model's manifest has it)."""
    id_column, target = plan.get("id_column"), plan["target"]
    if not id_column:
        raise KagglekitError("a submission needs an id column: pass --id COLUMN")
    test = read_plain_csv(test_csv)
    if id_column not in test:
        raise DataError(f"{test_csv}: no id column {id_column!r}")
    frame = predictions(pipeline, test, target=target, id_column=id_column,
                        source=str(test_csv))
    extra = {"model": str(model_path)} if model_path else None
    return write_submission(frame[target], frame[id_column], out_dir, pipeline=name,
                            cv_score=cv_score, fmt=SubmissionFormat(id_column, target, None),
                            extra=extra)
