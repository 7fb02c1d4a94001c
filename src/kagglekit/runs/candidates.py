"""What a blend chooses from: the models of stored runs made on the same folds, and a
competitor's own out-of-fold and test predictions (``--add OOF.csv TEST.csv``).

A candidate from run ``STAMP`` is named ``MODEL@STAMP``: the same model name in two runs is two
candidates, and a run that blended stored models keeps their names, so gathering a run and
the runs it blended never counts a model twice. A competitor's file is named after its stem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.errors import DataError, KagglekitError
from kagglekit.runs.stored import StoredRun, list_runs


@dataclass(frozen=True)
class Candidate:
    """One model's out-of-fold and test output, from a stored run or a competitor's file.

    ``oof`` is aligned with the blend's training rows and ``test`` with test.csv's rows:
    ``(n, k)`` probabilities in the classes' order, or ``(n,)`` values. ``source`` says where
    it came from (``run STAMP`` or ``file PATH``); ``fold_scores`` are the metric on each fold's
    held-out rows.
    """

    name: str
    source: str
    pipeline: str
    oof: np.ndarray = field(repr=False)
    test: np.ndarray = field(repr=False)
    fold_scores: list = field(default_factory=list)
    seconds: float | None = None
    seeds: int | None = None

    @property
    def mean(self) -> float:
        return float(np.mean(self.fold_scores))

    @property
    def std(self) -> float:
        return float(np.std(self.fold_scores))

    def entry(self) -> dict:
        """Its line in a run's ``run.json`` (no files: the models stay in their own run)."""
        return {"name": self.name, "pipeline": self.pipeline, "source": self.source,
                "skipped": None, "fold_scores": self.fold_scores, "mean": self.mean,
                "std": self.std, "seconds": self.seconds, "seeds": self.seeds}


def choose_runs(competition: str, chosen, runs_dir=None, *,
                option: str = "--runs") -> list[StoredRun]:
    """The stored runs ``chosen`` names (``"all"`` or stamps, comma-separated or a list),
    oldest first; one line (naming ``option``) for a stamp that does not exist or a run of
    another competition."""
    runs = list_runs(competition, runs_dir)
    stamps = [s.strip() for s in (chosen.split(",") if isinstance(chosen, str) else chosen)
              if s.strip()]
    by_stamp = {run.path.name: run for run in runs}
    if stamps == ["all"]:
        picked = runs
    else:
        unknown = [s for s in stamps if s not in by_stamp]
        if unknown or not stamps:
            raise KagglekitError(f"{option}: no run {unknown[0] if unknown else ''!r} of "
                                 f"{competition}; its runs: {', '.join(by_stamp) or 'none'} "
                                 f"(kagglekit runs {competition})")
        picked = [by_stamp[s] for s in sorted(set(stamps))]
    if not picked:
        raise KagglekitError(f"no stored runs of {competition}; run --competition "
                             f"{competition} first")
    for run in picked:
        if run.competition != competition:
            raise KagglekitError(f"run {run.path} is of competition {run.competition!r}, not "
                                 f"{competition!r}; move it to its own competition's folder")
    return picked


def same_folds(runs: list[StoredRun], fingerprint: str, say) -> list[StoredRun]:
    """The runs made on the folds ``fingerprint`` names; each other one is left out with a
    line that says why."""
    kept = []
    for run in runs:
        if run.info["fold_fingerprint"] == fingerprint:
            kept.append(run)
        else:
            say(f"run {run.path.name} left out: its folds differ ({run.info['folds']} folds, "
                f"seed {run.info['seed']}, fingerprint {run.info['fold_fingerprint'][:12]} vs "
                f"{fingerprint[:12]}); runs blend when made on the same train.csv with the same "
                "--folds and --seed")
    return kept


def check_same_data(run: StoredRun, fingerprints: dict) -> None:
    """One line when ``run`` was made on another train.csv or test.csv than these."""
    for key, value in fingerprints.items():
        if key in run.info and run.info[key] != value:
            part = key.split("_")[0]
            raise KagglekitError(f"run {run.path.name} was made on another {part}.csv (its "
                                 f"sha256 differs); blend runs of the current files, or prune "
                                 f"it with kagglekit runs {run.competition} --prune")


def run_candidates(run: StoredRun, *, ids, test_ids, y, fold_of, metric,
                   classes) -> list[Candidate]:
    """Each finished model of ``run`` as a candidate aligned with ``ids`` and ``test_ids``."""
    oof = _by_id(run.oof, run.layout.id_column, ids, f"{run.path.name}/oof.csv")
    test = _by_id(run.test_predictions, run.layout.id_column, test_ids,
                  f"{run.path.name}/test_predictions.csv")

    def known(entry):  # the run's own fold scores, when they are of this metric
        same = run.info["metric"]["name"] == metric.name
        return entry.get("fold_scores") if same else None

    found = []
    for entry in run.info["models"]:
        if entry.get("skipped"):
            continue
        name = entry["name"] if "@" in entry["name"] else f"{entry['name']}@{run.path.name}"
        columns = _columns(entry["name"], classes)
        out_oof, out_test = _matrix(oof, columns), _matrix(test, columns)
        found.append(Candidate(name, entry.get("source") or f"run {run.path.name}",
                               entry["pipeline"], out_oof, out_test,
                               fold_scores(out_oof, y=y, fold_of=fold_of, metric=metric,
                                           classes=classes, known=known(entry)),
                               entry.get("seconds"), entry.get("seeds")))
    return found


def fold_scores(output, *, y, fold_of, metric, classes, known=None) -> list:
    """The metric on each fold's held-out rows (``known`` when the run recorded them)."""
    if known is not None:
        return list(known)
    from kagglekit.evaluation.metrics import prediction_for

    return [round(metric.score(y[fold_of == k],
                               prediction_for(metric, output[fold_of == k], classes),
                               classes=classes), 6)
            for k in np.unique(fold_of)]


def _columns(name: str, classes) -> list[str]:
    return [name] if classes is None else [f"{name}:{c}" for c in classes]


def _matrix(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    values = frame[columns].to_numpy(dtype=float)
    return values[:, 0] if len(columns) == 1 else values


def _by_id(frame: pd.DataFrame, id_column: str, ids, source: str) -> pd.DataFrame:
    """``frame``'s rows in the order of ``ids``; one line when an id is missing."""
    indexed = frame.set_index(id_column)
    ids = pd.Index(ids)
    if not ids.isin(indexed.index).all() or indexed.index.has_duplicates:
        raise KagglekitError(f"{source} does not hold one row per id of the current files; "
                             "the run was made on other data")
    return indexed.loc[ids]


def added_candidate(oof_path, test_path, *, layout, ids, test_ids, y, fold_of, metric, classes,
                    warn) -> Candidate:
    """A competitor's own predictions (``--add OOF.csv TEST.csv``), checked: the id column and
    the sample's prediction column(s), every id of train.csv (test.csv) once and no other,
    no missing value, probabilities within 0 and 1, labels among the classes. An optional
    ``fold`` column in OOF.csv is compared with the run's folds; without it, a warning says
    that other folds make the blend's CV optimistic."""
    name = Path(oof_path).stem
    if "@" in name or ":" in name:
        raise KagglekitError(f"--add {oof_path}: the file's name is the candidate's name and "
                             "may not hold '@' or ':'; rename the file")
    oof_frame = _read(oof_path)
    test_frame = _read(test_path)
    oof = _added_output(oof_frame, oof_path, layout, ids, "train.csv", extra=("fold",))
    test = _added_output(test_frame, test_path, layout, test_ids, "test.csv")
    if "fold" not in oof_frame:
        warn(f"--add {oof_path}: its folds are unknown; out-of-fold predictions made on other "
             "folds than this run's make the blend's CV optimistic: train on the run's "
             "folds.csv (and add its fold column to show it)")
    else:
        given = oof_frame.set_index(layout.id_column)["fold"].loc[pd.Index(ids)].to_numpy()
        if not np.array_equal(given.astype(str), np.asarray(fold_of).astype(str)):
            warn(f"--add {oof_path}: its fold column differs from the run's folds.csv; the "
                 "blend's CV is optimistic: train on the run's folds.csv")
    scores = fold_scores(oof, y=y, fold_of=fold_of, metric=metric, classes=classes)
    return Candidate(name, f"file {oof_path}", "your own", oof, test, scores)


def _read(path) -> pd.DataFrame:
    from kagglekit.data.base import read_plain_csv

    if not Path(path).is_file():
        raise DataError(f"--add: {path} not found; give OOF.csv TEST.csv, each with the id "
                        "column and the sample's prediction column(s)")
    return read_plain_csv(path)


def _added_output(frame, path, layout, ids, part: str, extra=()) -> np.ndarray:
    """``frame``'s predictions in the blend's form, rows in ``ids`` order, checked."""
    id_column = layout.id_column
    wanted = list(layout.class_columns) if layout.submission == "class_probabilities" \
        else [c for c in layout.columns if c != id_column]
    problem = _layout_problem(frame, id_column, wanted, extra)
    if problem:
        raise DataError(f"--add {path}: {problem}; give the id column {id_column!r} and "
                        f"{', '.join(map(repr, wanted))}")
    given = pd.Index(frame[id_column])
    expected = pd.Index(ids)
    if given.has_duplicates:
        raise DataError(f"--add {path}: id {given[given.duplicated()][0]!r} appears twice; "
                        f"give one row per id of {part}")
    lacking, foreign = expected.difference(given), given.difference(expected)
    if len(lacking) or len(foreign):
        what = (f"lacks {len(lacking)} of {part}'s ids (e.g. {lacking[0]!r})" if len(lacking)
                else f"has {len(foreign)} ids that {part} does not (e.g. {foreign[0]!r})")
        raise DataError(f"--add {path} {what}; give one row per id of {part}")
    rows = frame.set_index(id_column).loc[expected, wanted]
    if rows.isna().any().any():
        raise DataError(f"--add {path}: {int(rows.isna().sum().sum())} missing values; give a "
                        "prediction for every row")
    return _as_output(rows, path, layout)


def _layout_problem(frame, id_column, wanted, extra) -> str | None:
    if id_column not in frame:
        return f"no id column {id_column!r}"
    absent = [c for c in wanted if c not in frame]
    if absent:
        return f"no column {absent[0]!r}"
    other = [c for c in frame.columns if c not in (id_column, *wanted, *extra)]
    return f"columns the sample does not have ({', '.join(map(str, other))})" if other else None


def _as_output(rows: pd.DataFrame, path, layout) -> np.ndarray:
    kind = layout.submission
    if kind == "values":
        values = pd.to_numeric(rows.iloc[:, 0], errors="coerce").to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise DataError(f"--add {path}: values that are not finite numbers; give numbers")
        return values
    classes = list(layout.classes)
    if kind == "class_probabilities":
        index = {c: i for i, c in enumerate(classes)}
        matrix = np.zeros((len(rows), len(classes)))
        for column, label in zip(layout.class_columns, layout.column_classes, strict=True):
            matrix[:, index[label]] = _probabilities(rows[column], path)
        return matrix
    column = rows.iloc[:, 0]
    if kind == "labels" and column.isin(classes).all():
        return (column.to_numpy()[:, None] == np.asarray(classes)[None, :]).astype(float)
    if len(classes) == 2:  # P(the positive class): the sample's, else the second class
        positive = classes.index(layout.positive_class) if kind == "probability" else 1
        p = _probabilities(column, path)
        return np.column_stack([1 - p, p] if positive == 1 else [p, 1 - p])
    raise DataError(f"--add {path}: labels that are not among the classes "
                    f"({', '.join(map(str, classes))}); give the sample's labels")


def _probabilities(column: pd.Series, path) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    if not (np.isfinite(values) & (values >= 0) & (values <= 1)).all():
        raise DataError(f"--add {path}: column {column.name!r} holds values outside 0 to 1; "
                        "give probabilities")
    return values
