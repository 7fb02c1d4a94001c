"""Hyperparameter search over routed pipeline parameters: grid and random candidates from
scikit-learn's ``ParameterGrid`` / ``ParameterSampler`` (what ``GridSearchCV`` and
``RandomizedSearchCV`` draw), Bayesian ones from Optuna's TPE sampler (optional extra).

Every trial is :func:`kagglekit.evaluate` of the candidate: the same folds for the same seed,
fitted and scored by the one engine, so a trial that keeps the registered settings scores
exactly what ``kagglekit evaluate`` prints.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid, ParameterSampler
from sklearn.pipeline import Pipeline

from kagglekit.errors import KagglekitError
from kagglekit.evaluation.cv import CVResult, evaluate, resolve
from kagglekit.evaluation.engine import task_of
from kagglekit.evaluation.metrics import get_metric
from kagglekit.pipelines.params import route
from kagglekit.seeding import seed_pipeline
from kagglekit.tuning.space import Distribution, load_space, parse_space

METHODS = ("grid", "random", "bayes")


@dataclass
class Trial:
    """One set of parameters and its cross-validation scores (``mean``/``std``/``folds`` of
    the headline metric, ``scores`` the mean of every metric of the task)."""

    trial: int
    params: dict
    mean: float
    std: float
    folds: list[float]
    fit_seconds: float
    scores: dict = field(default_factory=dict)


@dataclass
class SearchResult:
    """A finished search: ``trials`` best first, ``default`` the registered settings' CV on the
    same folds, ``seconds`` the wall time of the whole search (default included)."""

    pipeline: str
    method: str
    metric: str
    folds: int
    seed: int
    trials: list[Trial]
    default: CVResult
    seconds: float

    @property
    def best(self) -> Trial:
        return self.trials[0]

    @property
    def gain(self) -> float:
        """How much the best trial beats the default (positive is better, any metric; rounded
        to 12 decimals, so equal fold scores summed in another order give exactly 0)."""
        return round(get_metric(self.metric).sign * (self.best.mean - self.default.mean), 12)

    def to_dict(self) -> dict:
        """JSON-ready summary (what ``report.json`` holds under ``search``)."""
        return {"pipeline": self.pipeline, "method": self.method, "metric": self.metric,
                "folds": self.folds, "seed": self.seed, "seconds": round(self.seconds, 3),
                "best": asdict(self.best), "gain_over_default": round(self.gain, 6),
                "default": {"mean": self.default.mean, "std": self.default.std,
                            "folds": self.default.folds,
                            "fit_seconds": self.default.fit_seconds},
                "trials": [asdict(t) for t in self.trials]}


def search_pipeline(pipeline: Pipeline | str, X=None, y=None, space: dict | str | Path = None,
                    *, method: str = "random", trials: int = 20, folds: int = 5, seed: int = 0,
                    name: str | None = None, progress: Callable[[int, int, int], None] | None
                    = None, n_jobs: int = 1, backend: str = "loky",
                    scheduler: str | None = None, metric: str | None = None) -> SearchResult:
    """Cross-validate parameter sets of a pipeline and rank them, best first.

    Parameters
    ----------
    pipeline : Pipeline or str
        An unfitted pipeline, or a registered name (then ``X``/``y`` default to its dataset).
    X, y : training inputs and labels (or numeric targets).
    space : dict, str or Path
        A space file or the mapping it holds (see :mod:`kagglekit.tuning.space`).
        Names are checked before any training; a typo gets a suggestion.
    method : {"grid", "random", "bayes"}
        Every combination of the lists (at most ``trials`` of them), ``trials`` random
        draws, or ``trials`` steps of Optuna's TPE sampler (``pip install 'kagglekit[bayes]'``).
    trials : int
        Number of parameter sets to try.
    folds, seed : int
        Shuffled (stratified for labels) ``folds``-fold CV seeded with ``seed``, the folds of
        :func:`kagglekit.evaluate`; ``seed`` also seeds the pipeline and the sampler.
    progress : callable, optional
        Called as ``progress(trial, fold, total_trials)`` after each fold is scored (only
        when the folds run one at a time in this process).
    n_jobs, backend, scheduler
        Where the trials' folds run, as in :func:`kagglekit.evaluate`: ``n_jobs`` local
        processes, or ``backend="dask"`` on the cluster at ``scheduler``. Same seed, same
        table.
    metric : str, optional
        What the trials are ranked by (any name of :mod:`kagglekit.evaluation.metrics` that
        fits the task); default accuracy, or RMSE for regression.

    Returns
    -------
    SearchResult

    Examples
    --------
    >>> from kagglekit.tuning.search import search_pipeline
    >>> result = search_pipeline("titanic-logreg", space={"model__C": [0.1, 1]},
    ...                          method="grid", trials=2, folds=3)
    >>> [t.trial for t in result.trials] != []
    True
    """
    start = time.perf_counter()
    pipeline, X, y, name = resolve(pipeline, X, y, name)
    if X is None or y is None or space is None:
        raise KagglekitError("search needs X, y and a space when given a pipeline object")
    if method not in METHODS:
        raise KagglekitError(f"unknown search method {method!r}; use one of "
                             f"{', '.join(METHODS)}")
    if trials < 1 or folds < 2:
        raise KagglekitError(f"need trials >= 1 and folds >= 2, got {trials} and {folds}")
    space = parse_space(space) if isinstance(space, dict) else load_space(space)
    pipeline = seed_pipeline(clone(pipeline), seed)
    routes = {key: _route(pipeline, key, spec) for key, spec in space.items()}
    trials = _check_method(space, method, trials)
    if method == "bayes":
        optuna = _optuna()
    task_of(pipeline, np.asarray(y), folds)  # a target CV cannot use fails before any fit
    common = {"folds": folds, "seed": seed, "n_jobs": n_jobs, "backend": backend,
              "scheduler": scheduler, "metric": metric}
    default = evaluate(pipeline, X, y, name=name, **common)
    headline = default.metric

    def trial(number: int, params: dict) -> Trial:
        candidate = clone(pipeline).set_params(**{routes[k]: v for k, v in params.items()})
        on_fold = None if progress is None else (
            lambda done, total: progress(number, done, trials))
        try:
            result = evaluate(candidate, X, y, on_fold=on_fold, **common)
        except (ValueError, TypeError) as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise KagglekitError(f"a trial failed: {message} (check the values in the space "
                                 "file)") from exc
        return Trial(trial=number, params={k: _plain(v) for k, v in params.items()},
                     mean=result.mean, std=result.std, folds=result.folds,
                     fit_seconds=result.fit_seconds,
                     scores={m: s["mean"] for m, s in result.scores.items()})

    if method == "bayes":
        found = _bayes(optuna, space, trial, trials, seed, headline)
    else:
        full = {k: (spec.scipy() if isinstance(spec, Distribution) else spec)
                for k, spec in space.items()}
        with warnings.catch_warnings():
            # n_iter above the number of list combinations: we never ask for more.
            warnings.filterwarnings("ignore", message="The total space of parameters")
            candidates = list(ParameterGrid(full) if method == "grid" else
                              ParameterSampler(full, n_iter=trials, random_state=seed))
        found = [trial(i + 1, params) for i, params in enumerate(candidates)]
    found = get_metric(headline).ranked(sorted(found, key=lambda t: t.trial),
                                        key=lambda t: t.mean)
    return SearchResult(pipeline=name or type(pipeline.steps[-1][1]).__name__, method=method,
                        metric=headline, folds=folds, seed=seed, trials=found,
                        default=default, seconds=time.perf_counter() - start)


def _route(pipeline: Pipeline, key: str, spec) -> str:
    """``key``'s full name in ``pipeline``, checked with a value of ``spec`` the way ``--set``
    checks it (a typo gets a suggestion, before any training)."""
    full = route(pipeline, key)
    probe = spec.low if isinstance(spec, Distribution) else (spec or [None])[0]
    clone(pipeline).set_params(**{full: probe})
    return full


def _check_method(space: dict, method: str, trials: int) -> int:
    """The number of trials to run; refuses what the method cannot do."""
    sampled = [k for k, spec in space.items() if isinstance(spec, Distribution)]
    if method == "grid" and sampled:
        raise KagglekitError(f"--method grid takes lists of values, but {sampled[0]} has a "
                             f"{space[sampled[0]].kind} distribution; list the values or use "
                             "--method random or bayes")
    if sampled:
        return trials
    size = math.prod(len(values) for values in space.values())
    if method == "grid" and size > trials:
        raise KagglekitError(f"the grid has {size} combinations, more than --trials {trials}; "
                             f"pass --trials {size}, shorten the lists or use --method random")
    return min(size, trials)  # random / bayes over lists: no point repeating combinations


def _optuna():
    try:
        import optuna
    except ImportError:
        raise KagglekitError("--method bayes needs Optuna: pip install 'kagglekit[bayes]'") \
            from None
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    return optuna


def _bayes(optuna, space, trial, trials: int, seed: int, headline: str) -> list[Trial]:
    found = []

    def objective(study_trial):
        params = {k: _suggest(study_trial, k, spec) for k, spec in space.items()}
        found.append(trial(len(found) + 1, params))
        return found[-1].mean

    direction = "maximize" if get_metric(headline).greater_is_better else "minimize"
    study = optuna.create_study(direction=direction,
                                sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=trials)
    return found


def _suggest(trial, key: str, spec):
    if isinstance(spec, Distribution):
        return spec.suggest(trial, key)
    if all(v is None or isinstance(v, (bool, int, float, str)) for v in spec):
        return trial.suggest_categorical(key, spec)
    # Optuna's categories must be plain scalars: choose tuples (layer sizes) by position.
    return spec[trial.suggest_categorical(key, list(range(len(spec))))]


def _plain(value):
    """A parameter value JSON can hold: NumPy scalars as Python numbers, tuples as lists."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value
