"""Fit a job's pipeline on all its training rows and save it with its manifest."""

from __future__ import annotations

from pathlib import Path

from kagglekit.fileio import check_writable, timestamp
from kagglekit.jobs.spec import JobSpec
from kagglekit.persistence import check_model_path, save
from kagglekit.seeding import seed_pipeline


def fit(spec: JobSpec, *, seed: int = 0, dataset=None):
    """The spec's pipeline, seeded and fitted on every training row; returns
    ``(pipeline, dataset)`` (``dataset`` skips reading the data again)."""
    dataset = dataset or spec.load()
    pipeline = seed_pipeline(spec.pipeline(), seed)
    return pipeline.fit(dataset.X, dataset.y), dataset


def train(spec: JobSpec, out: str | Path | None = None, *, seed: int = 0, force: bool = False,
          cv=None, dataset=None):
    """Fit on all training rows and save the model; returns ``(pipeline, path)``.

    Parameters
    ----------
    spec : JobSpec
    out : path, optional
        The ``.joblib`` file (default ``models/NAME-TIME.joblib``); an existing one is an
        error unless ``force``.
    seed : int
        Seeds every ``random_state`` in the pipeline.
    cv : CVResult, optional
        Its summary goes into the manifest.
    dataset : Dataset, optional
        The training data when the caller already has it.
    """
    out = Path(out) if out else Path("models") / f"{spec.name}-{timestamp()}.joblib"
    check_model_path(out)
    check_writable(out, overwrite=force)
    pipeline, dataset = fit(spec, seed=seed, dataset=dataset)
    path = save(pipeline, out, name=spec.name, cv=cv.to_dict() if cv else None,
                overwrite=force, training_data=(dataset.X, dataset.y),
                extra={"seed": seed, "dataset": dataset.source,
                       "training_rows": len(dataset.X), **spec.manifest})
    return pipeline, path
