"""The course's experiments, one command each (``kagglekit experiment NAME``): the same
estimators as the pipelines, results as a report folder (JSON + Markdown + HTML with plots).

========================  ================================================================
``overfitting``           IMDB, 16-16-1 net: baseline vs L2 vs dropout vs early stopping
``activations``           a 10-layer net: sigmoid / tanh / relu / elu, gradient norms
``initializers``          zeros / constant / small random / Glorot / He, symmetry
``regression-scaling``    y = x + 10: no scaling, standardized, min-max, linear activations
========================  ================================================================
"""

from __future__ import annotations

import difflib
import time
from pathlib import Path

from kagglekit.errors import KagglekitError
from kagglekit.experiments.report import ExperimentResult, write_experiment_report
from kagglekit.fileio import timestamp


def _overfitting(**kwargs):
    from kagglekit.experiments import overfitting

    return overfitting.run(**kwargs)


def _activations(**kwargs):
    from kagglekit.experiments import deepnets

    return deepnets.activations(**kwargs)


def _initializers(**kwargs):
    from kagglekit.experiments import deepnets

    return deepnets.initializers(**kwargs)


def _regression_scaling(**kwargs):
    from kagglekit.experiments import scaling

    return scaling.run(**kwargs)


EXPERIMENTS = {"overfitting": _overfitting, "activations": _activations,
               "initializers": _initializers, "regression-scaling": _regression_scaling}
"""Name -> function returning an :class:`ExperimentResult` (keyword sizes for quick runs)."""


def run_experiment(name: str, *, seed: int = 0, report: str | Path | None = None,
                   data_dir=None, **sizes) -> tuple[ExperimentResult, Path]:
    """Run one experiment and write its report folder (default
    ``reports/<time>_experiment-<name>``); returns the result and the folder.

    ``data_dir`` is where the overfitting experiment finds ``imdb-subset/imdb_subset.npz``;
    ``sizes`` are the experiment's own keyword arguments (epochs, rows, ...)."""
    if name not in EXPERIMENTS:
        close = difflib.get_close_matches(name, EXPERIMENTS, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise KagglekitError(f"unknown experiment {name!r}{hint} (available: "
                             f"{', '.join(EXPERIMENTS)})")
    folder = Path(report) if report else Path("reports") / f"{timestamp()}_experiment-{name}"
    from kagglekit.reports.report import check_report_folder

    check_report_folder(folder)  # before the training
    if name == "overfitting":
        sizes["data_dir"] = data_dir
    start = time.perf_counter()
    result = EXPERIMENTS[name](seed=seed, **sizes)
    result.seconds = time.perf_counter() - start
    return result, write_experiment_report(result, folder)


__all__ = ["EXPERIMENTS", "ExperimentResult", "run_experiment"]
