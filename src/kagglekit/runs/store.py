"""Writing a competition run's folder, ``RUNS/NAME/STAMP/``.

The fold models are saved as they are fitted, into a hidden ``.STAMP.partial`` folder beside
where the run will go; when the submission is written, the predictions, the folds and
``run.json`` join them and the folder is renamed to ``STAMP`` in one step. A run that fails
leaves nothing behind, and no folder is ever overwritten.

What a run folder holds:

- ``run.json``: the competition, the metric, the folds and seed, sha256 fingerprints of the
  fold assignment and of train.csv and test.csv, the layout, each model's fold scores,
  seconds, seeds, parameters and files, the blend (method, weights, honest gains), the
  package versions and the submission's path;
- ``folds.csv``: the id of each training row and its fold (0 to K-1);
- ``oof.csv`` and ``test_predictions.csv``: each model's out-of-fold and test.csv output by
  id, one column per model (``MODEL:CLASS`` per class for probabilities);
- ``models/MODEL/seedS-foldK.joblib``: every fold model of every seed, each with its sha256
  manifest (:mod:`kagglekit.persistence`);
- ``blend.joblib``: the blend that made the submission (its sha256 in ``run.json``).

CSV, because pandas reads it in one call without another dependency (pyarrow would change
how pandas 3 stores every text column of every pipeline).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.errors import KagglekitError
from kagglekit.fileio import sha256_of, timestamp, write_json_atomic, write_text_atomic

RUN_FORMAT = 1
"""The layout version of ``run.json``."""


def runs_root(runs_dir=None) -> Path:
    """Where run folders go: ``runs_dir`` (``--runs-dir``), else ``$KAGGLEKIT_RUNS_DIR``, else
    ``runs/``."""
    return Path(runs_dir or os.environ.get("KAGGLEKIT_RUNS_DIR") or "runs")


def save_fold_model(pipeline, fold: int, *, folder: str, model: str, seed: int) -> str:
    """Save one fitted fold model under ``folder/models/MODEL/``; its path in the run. A fold
    that runs again (its Dask worker was lost after saving) replaces its own file: the same
    fold of the same seed on the same rows."""
    from kagglekit.persistence import save

    relative = f"models/{safe_name(model)}/seed{seed}-fold{fold}.joblib"
    path = Path(folder) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    save(pipeline, path, name=f"{model} fold {fold} seed {seed}", overwrite=True)
    return relative


def safe_name(model: str) -> str:
    """A model's name as a folder name (a user's own model may be called anything: a name
    that had to change gets a short hash of itself, so two names never share a folder)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", model).strip(".-") or "model"
    if safe == model:
        return safe
    return f"{safe}-{hashlib.sha256(model.encode()).hexdigest()[:8]}"


def fold_fingerprint(ids, fold_of: np.ndarray) -> str:
    """sha256 of the ``id,fold`` lines: two runs with the same value used the same folds."""
    text = "\n".join(f"{i},{k}" for i, k in zip(ids, fold_of, strict=True))
    return hashlib.sha256(text.encode()).hexdigest()


def fold_numbers(splits, n: int) -> np.ndarray:
    """Each training row's fold (the one that held it out)."""
    fold_of = np.full(n, -1, dtype=int)
    for k, (_, held) in enumerate(splits):
        fold_of[held] = k
    return fold_of


def output_columns(name: str, output: np.ndarray, classes) -> dict:
    """A model's output as named columns: ``MODEL`` for values, ``MODEL:CLASS`` per class."""
    output = np.asarray(output)
    if classes is None:
        return {name: output.reshape(len(output))}
    return {f"{name}:{c}": output[:, j] for j, c in enumerate(classes)}


class RunWriter:
    """One run folder being written (see the module docstring).

    Parameters
    ----------
    competition : str
    runs_dir : path, optional
        See :func:`runs_root`.
    """

    def __init__(self, competition: str, runs_dir=None):
        self.competition = competition
        self.parent = runs_root(runs_dir) / competition
        self.stamp = timestamp()
        self.partial = self.parent / f".{self.stamp}.partial"
        try:
            self.partial.mkdir(parents=True)
        except OSError as exc:
            raise KagglekitError(f"cannot write the run folder under {self.parent} "
                                 f"({exc.strerror or exc}); pass --runs-dir DIR") from None

    def keeper(self, model: str, seed: int):
        """What the fold runner calls with each fitted fold model of ``model`` (seed
        ``seed``): it saves it here, by an absolute path (a Dask worker's working folder is
        not this process's)."""
        return functools.partial(save_fold_model, folder=str(self.partial.absolute()),
                                 model=model, seed=seed)

    def drop(self, model: str) -> None:
        """Forget a model's saved folds (it was stopped before its last fold)."""
        shutil.rmtree(self.partial / "models" / safe_name(model), ignore_errors=True)

    def drop_seed(self, model: str, seed: int) -> None:
        """Forget the saved folds of one extra seed of ``model`` (it was dropped)."""
        for path in (self.partial / "models" / safe_name(model)).glob(f"seed{seed}-fold*"):
            path.unlink()

    def abandon(self) -> None:
        """Remove everything written: the run failed."""
        shutil.rmtree(self.partial, ignore_errors=True)

    def finish(self, summary: dict, *, ids, test_ids, splits, runs, classes, blend) -> Path:
        """Write the predictions, the folds, the blend and ``run.json`` (``summary`` plus
        what this adds), then move the folder into place; its path."""
        import joblib

        fold_of = fold_numbers(splits, len(ids))
        folds = pd.DataFrame({summary["layout"]["id_column"]: ids, "fold": fold_of})
        write_text_atomic(self.partial / "folds.csv", folds.to_csv(index=False))
        id_column = summary["layout"]["id_column"]
        for file, values, index in (("oof.csv", "oof", ids), ("test_predictions.csv", "test",
                                                              test_ids)):
            columns = {id_column: index}
            for run in runs:
                columns.update(output_columns(run.name, getattr(run, values), classes))
            write_text_atomic(self.partial / file,
                              pd.DataFrame(columns).to_csv(index=False, float_format="%.9g"))
        joblib.dump(blend, self.partial / "blend.joblib")
        write_json_atomic(self.partial / "run.json", {
            **summary, "format": RUN_FORMAT, "stamp": self.stamp,
            "fold_fingerprint": fold_fingerprint(ids, fold_of),
            "blend_sha256": sha256_of(self.partial / "blend.joblib")})
        final = self.parent / self.stamp
        n = 1
        while final.exists():
            n += 1
            final = self.parent / f"{self.stamp}-{n}"
        self.partial.rename(final)
        return final
