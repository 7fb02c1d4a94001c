"""Reading a run folder back (:mod:`kagglekit.runs.store` writes it): its leaderboard, its
out-of-fold and test predictions, its folds, and predictions for new rows from the stored fold
models and blend. A folder works from any path, in a fresh process, without the data folder
and without network: what an offline notebook of a code competition needs."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.errors import KagglekitError
from kagglekit.fileio import sha256_of

NEEDED = ("run.json", "folds.csv", "oof.csv", "test_predictions.csv", "blend.joblib")
"""The files every run folder has."""


def load_run(path) -> StoredRun:
    """The run folder at ``path``, checked: a missing file or a file whose sha256 differs from
    the one recorded is one line that says what to do."""
    return StoredRun(path)


class StoredRun:
    """A stored competition run (use :func:`load_run`).

    Attributes
    ----------
    path : pathlib.Path
    info : dict
        ``run.json``.
    layout : CompetitionLayout
        What the submission holds.
    """

    def __init__(self, path):
        from kagglekit.submissions.sample import CompetitionLayout

        self.path = Path(path)
        if not (self.path / "run.json").is_file():
            raise KagglekitError(f"{self.path} is not a run folder (no run.json); give a folder "
                                 "that run --competition wrote, e.g. runs/NAME/STAMP")
        missing = [f for f in NEEDED if not (self.path / f).is_file()]
        if missing:
            raise KagglekitError(f"run folder {self.path} lacks {', '.join(missing)}; it is "
                                 "incomplete: copy the whole folder, or run again")
        self.info = json.loads((self.path / "run.json").read_text())
        saved = self.info["layout"]
        self.layout = CompetitionLayout(**{k: tuple(v) if isinstance(v, list) else v
                                           for k, v in saved.items()})

    @property
    def competition(self) -> str:
        return self.info["competition"]

    @property
    def classes(self):
        return None if self.layout.classes is None else np.asarray(self.layout.classes)

    @cached_property
    def folds(self) -> pd.DataFrame:
        """Each training row's id and fold (0 to K-1), as the run split them."""
        return pd.read_csv(self.path / "folds.csv")

    @cached_property
    def oof(self) -> pd.DataFrame:
        """Each model's out-of-fold output by id (``MODEL:CLASS`` columns for classes)."""
        return pd.read_csv(self.path / "oof.csv")

    @cached_property
    def test_predictions(self) -> pd.DataFrame:
        """Each model's fold-averaged output on test.csv, by id."""
        return pd.read_csv(self.path / "test_predictions.csv")

    def leaderboard(self) -> pd.DataFrame:
        """Models, CV means and stds, seconds, seeds and blend weights, best first."""
        weights = self.info["blend"]["weights"]
        rows = [{"model": m["name"], "pipeline": m["pipeline"], "mean": m.get("mean"),
                 "std": m.get("std"), "seconds": m.get("seconds"), "seeds": m.get("seeds"),
                 "weight": weights.get(m["name"], 0.0), "skipped": m.get("skipped")}
                for m in self.info["models"]]
        frame = pd.DataFrame(rows)
        ascending = self.info["metric"]["direction"] == "lower"
        return frame.sort_values("mean", ascending=ascending, na_position="last",
                                 kind="stable").reset_index(drop=True)

    @cached_property
    def blend(self):
        import joblib

        path = self.path / "blend.joblib"
        if sha256_of(path) != self.info["blend_sha256"]:
            raise KagglekitError(f"{path} was changed after the run (sha256 differs from "
                                 "run.json); copy the run folder again")
        return joblib.load(path)

    @cached_property
    def fold_models(self) -> dict:
        """Model -> its fitted fold models (every seed), each checked against its manifest;
        only the models the blend uses. A model of another stored run (``MODEL@STAMP``, from
        ``blend`` or ``--with-runs``) is loaded from that run's folder beside this one."""
        used = [n for n, w in self.info["blend"]["weights"].items() if w > 0]
        if self.blend.stacker is not None:
            used = list(self.blend.names)
        return {name: self.models_of(name) for name in used}

    def models_of(self, name: str) -> list:
        """The fitted fold models of the candidate ``name`` of this run."""
        from kagglekit.persistence import load

        if self.info.get("pruned"):
            raise KagglekitError(f"run {self.path} was pruned: its fold models were dropped, its "
                                 "predictions kept (oof.csv, test_predictions.csv); predict "
                                 "with a run that was not pruned")
        entry = next(m for m in self.info["models"] if m["name"] == name)
        if entry.get("files"):
            files = [self.path / f for f in entry["files"]]
            absent = [f for f in files if not f.is_file()]
            if absent:
                lacking = absent[0].relative_to(self.path)
                raise KagglekitError(f"run folder {self.path} lacks {lacking} of model "
                                     f"{name!r}; copy the whole folder")
            return [load(f) for f in files]
        if "@" not in name:
            raise KagglekitError(f"run {self.path} blends {name!r}, your own predictions "
                                 f"({entry.get('source')}), which have no models to predict "
                                 "new rows; predict with a blend without them")
        model, stamp = name.rsplit("@", 1)
        source = self.path.parent / stamp
        if not (source / "run.json").is_file():
            raise KagglekitError(f"run {self.path} blends {name!r} of run {stamp}, which is not "
                                 f"beside it in {self.path.parent}; copy that run folder too")
        return StoredRun(source).models_of(model)

    def output(self, frame: pd.DataFrame) -> np.ndarray:
        """The blend of each model's fold-averaged output on ``frame``'s rows: ``(n, k)``
        probabilities in the classes' order, or values."""
        from kagglekit.evaluation.engine import output

        task = self.layout.task
        averaged = {name: np.mean([output(m, frame, task) for m in fitted], axis=0)
                    for name, fitted in self.fold_models.items()}
        return self.blend.combine(averaged)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Labels (the most probable class) or values for ``frame``'s rows."""
        from kagglekit.evaluation.metrics import labels_from

        found = self.output(frame)
        return found if self.classes is None else labels_from(found, self.classes)

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Class probabilities ``(n, k)`` in :attr:`classes` order."""
        if self.classes is None:
            raise KagglekitError(f"{self.competition} predicts values; use predict")
        return self.output(frame)

    def submission(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame``'s rows in the sample submission's layout (its id column is needed)."""
        from kagglekit.submissions.sample import submission_frame

        id_column = self.layout.id_column
        if id_column not in frame:
            raise KagglekitError(f"the rows to predict have no {id_column!r} column, which the "
                                 "submission needs; give them their ids")
        return submission_frame(self.layout, frame[id_column], self.output(frame),
                                metric=self.info["metric"]["name"])


def prune_run(run: StoredRun) -> int:
    """Drop a run's fold models, keeping its predictions, folds and blend (it still lists
    and its predictions still blend; it no longer predicts new rows): the bytes freed."""
    import shutil

    from kagglekit.fileio import write_json_atomic

    models = run.path / "models"
    freed = sum(p.stat().st_size for p in models.rglob("*") if p.is_file()) \
        if models.is_dir() else 0
    write_json_atomic(run.path / "run.json", {**run.info, "pruned": True}, overwrite=True)
    shutil.rmtree(models, ignore_errors=True)
    run.info["pruned"] = True
    return freed


def list_runs(competition: str, runs_dir=None) -> list[StoredRun]:
    """The stored runs of ``competition``, oldest first (unfinished ones are not runs)."""
    from kagglekit.runs.store import runs_root

    folder = runs_root(runs_dir) / competition
    if not folder.is_dir():
        return []
    return [StoredRun(p) for p in sorted(folder.iterdir())
            if p.is_dir() and not p.name.startswith(".") and (p / "run.json").is_file()]
