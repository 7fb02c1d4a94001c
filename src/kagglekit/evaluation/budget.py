"""How a run with a time limit spends it on its models, decided before each model trains.

The models train one after another, fastest first (as AutoGluon's trainer does). When a
model's turn comes, it gets a *share* of the time still left, in proportion to its weight
among the models still waiting (:data:`WEIGHTS`: the slower, stronger models weigh more, and
what a fast model leaves unused flows to the later ones):

- a model that honours a time budget (a ``max_seconds`` parameter: the tabular network,
  LightGBM, CatBoost) gets ``share / K`` seconds per fold. What it spends besides training
  (building the network, preparing the rows, predicting the held-out and test rows) is
  measured by a probe (a fit with :data:`PROBE_TRAINING` seconds of training on at most
  :data:`PROBE_ROWS` rows, its prediction timed at two sizes and scaled to a fold's rows, with
  a safety factor); the rest is its training budget per fold. It is skipped, before it trains, when
  that is below the least it needs (:data:`MIN_FOLD_SECONDS`);
- any other model's K folds are estimated from a short probe (fits on a quarter of
  :data:`PROBE_ROWS` rows of the first fold and on all of them: a fixed part and a part per
  row, scaled to a fold's rows, with a safety factor); it is
  skipped, before it trains, when the estimate is more than its share or half of what is
  left, whichever is larger.

A model that starts therefore finishes its K folds. The folds' own check against the pace
(:func:`kagglekit.evaluation.engine.run_folds`) uses the hard limit, 1.1 x the time limit, so
it stops a model only when its estimate was badly wrong. Time left after every model has run
goes to more seeds of the best model whose seed matters (bagging, as AutoGluon does): each
extra seed runs only when the model's measured seconds fit in what is left.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone

WEIGHTS = {"logreg": 1.0, "hgb": 1.0, "rf": 1.0, "lgbm": 3.0, "mlp": 2.0, "catboost": 4.0,
           "net": 3.0}
"""Each model's weight in the shares of the time left (other models: 2). The boosted trees
weigh most: in the blends of the six development tables at 120 s (2026-12-07, before this
budget), CatBoost held 38 % of the weight on average, LightGBM 21 %, the network 10 %."""
MIN_FOLD_SECONDS = {"net": 4.0, "lgbm": 2.0, "catboost": 2.0}
"""The least a budgeted model needs per fold to be worth training (others: 1 s). Measured
on Titanic (2026-12-07, 2 cores shared with a benchmark): LightGBM cut at 0.6 s a fold
scored 0.736 accuracy against 0.81 uncut; a boosted model stopped that early is worse than
none."""
TRAINING_SHARE = 0.75
"""Of a budgeted model's seconds per fold, what goes to training when no probe measured the
rest."""
PROBE_TRAINING = 0.5
"""Seconds of training in a budgeted model's probe."""
PROBE_ROWS = 2000
"""The most rows a probe fits on."""
SAFETY = 1.3
"""A probe's estimate is multiplied by this (fitting time grows a little faster than rows)."""
MIN_ROW_SHARE = 0.25
"""A probe's cost per row is at least this share of its larger timing's seconds per row."""
SEEDED = frozenset({"net", "mlp", "lgbm", "catboost", "rf"})
"""Models whose result depends on the seed: more seeds of them average out noise."""
MAX_EXTRA_SEEDS = 4
"""The most extra seeds one model gets from left-over time."""


@dataclass
class Allotment:
    """What the planner gave one model, and why.

    ``share``: seconds given; ``estimate``: estimated seconds for its folds (from a probe;
    None for a model that honours a budget); ``overhead``: a budgeted model's estimated
    seconds per fold besides training (from a probe); ``max_seconds``: its training budget
    per fold (None for a model that does not honour one); ``skip``: why it was not trained.
    """

    share: float
    estimate: float | None = None
    max_seconds: float | None = None
    skip: str | None = None
    overhead: float | None = None

    def to_dict(self) -> dict:
        def rounded(value):
            return None if value is None else round(value, 1)

        return {"share_s": rounded(self.share), "estimate_s": rounded(self.estimate),
                "overhead_s_per_fold": rounded(self.overhead),
                "max_seconds_per_fold": rounded(self.max_seconds), "skip": self.skip}


class Budget:
    """A run's time limit: ``soft`` is when the last model should be done (the limit less
    ``reserve`` seconds for the blend and the files), ``hard`` when a running model is
    stopped (1.1 x the limit less the reserve)."""

    def __init__(self, time_limit: float, *, reserve: float, start: float | None = None):
        start = time.perf_counter() if start is None else start
        self.time_limit = time_limit
        self.soft = start + time_limit - reserve
        self.hard = start + 1.1 * time_limit - reserve

    def left(self) -> float:
        return self.soft - time.perf_counter()

    def allot(self, model: str, waiting, folds: int, *, budgeted: bool,
              probe=None) -> Allotment:
        """The share of ``model`` among the ``waiting`` models (itself included), and
        whether it trains. ``probe()`` returns, for a budgeted model, its estimated seconds
        per fold besides training (:func:`probe_overhead`), else the estimated seconds of its
        ``folds`` folds (:func:`probe_seconds`)."""
        left = self.left()
        weights = {m: WEIGHTS.get(m, 2.0) for m in waiting}
        share = max(left, 0.0) * weights[model] / sum(weights.values())
        if left <= 0:
            return Allotment(0.0, skip="no time left")
        if budgeted:
            per_fold = share / folds
            least = MIN_FOLD_SECONDS.get(model, 1.0)
            if per_fold < least:  # too little even before preparing and predicting: no probe
                return Allotment(share, skip=f"its share, {share:.0f} s, gives {per_fold:.1f} "
                                             f"s a fold; it needs {least:g} s to train")
            overhead = None if probe is None else probe()
            training = per_fold * TRAINING_SHARE if overhead is None else per_fold - overhead
            if training < least:
                spent = "" if overhead is None else \
                    f", {overhead:.1f} s of it to prepare rows and predict"
                return Allotment(share, overhead=overhead,
                                 skip=f"its share, {share:.0f} s, gives {per_fold:.1f} s a "
                                      f"fold{spent}; it needs {least:g} s to train")
            return Allotment(share, overhead=overhead, max_seconds=training)
        estimate = probe()
        allowed = max(share, 0.5 * left)
        if estimate > allowed:
            return Allotment(share, estimate=estimate,
                             skip=f"estimated {estimate:.0f} s for {folds} folds, more than "
                                  f"the {allowed:.0f} s it may use")
        return Allotment(share, estimate=estimate)

    def fits(self, seconds: float) -> bool:
        """Whether ``seconds`` more (with the safety factor) end before ``soft``."""
        return SAFETY * seconds <= self.left()


def probe_overhead(pipeline, X, y, splits, X_test, rows_of) -> float:
    """Estimated seconds a budgeted model spends per fold besides training: one fit with
    :data:`PROBE_TRAINING` seconds of training on at most :data:`PROBE_ROWS` rows of the
    first fold (what is left of its time is fixed cost: building a network, preparing rows),
    plus its prediction of a fold's held-out and ``X_test`` rows (:func:`_probe`), times
    :data:`SAFETY`."""
    fit, _, predict = _probe(pipeline, X, y, splits, X_test, rows_of, PROBE_TRAINING)
    return SAFETY * (max(fit - PROBE_TRAINING, 0.0) + predict)


def probe_seconds(pipeline, X, y, splits, X_test, rows_of) -> float:
    """Estimated seconds for ``pipeline``'s folds: fits on a quarter of :data:`PROBE_ROWS` and
    on all of them (rows of the first fold's training rows) give a fixed part and a part per
    row (at least :data:`MIN_ROW_SHARE` of the larger fit's seconds per row, so that timing
    noise cannot make rows free); that is scaled to a fold's training rows, the prediction
    estimated as :func:`_probe` does, all for every fold, times :data:`SAFETY`."""
    fit, n, predict = _probe(pipeline, X, y, splits, X_test, rows_of)
    quarter = max(n // 4, 1)
    small, _, _ = _probe(pipeline, X, y, splits, X_test, rows_of, rows=quarter,
                         timed_predict=False)
    fixed, per_row = _two_sizes(quarter, small, n, fit)
    return SAFETY * (fixed + per_row * len(splits[0][0]) + predict) * len(splits)


def _two_sizes(small_n: int, small_seconds: float, n: int, seconds: float):
    """``(fixed seconds, seconds per row)`` through two timings, the cost per row at least
    :data:`MIN_ROW_SHARE` of the larger timing's seconds per row."""
    per_row = max((seconds - small_seconds) / max(n - small_n, 1),
                  MIN_ROW_SHARE * seconds / n)
    return max(seconds - per_row * n, 0.0), per_row


def _probe(pipeline, X, y, splits, X_test, rows_of, max_seconds=None, rows=PROBE_ROWS, *,
           timed_predict: bool = True):
    """A clone of ``pipeline`` fitted on at most ``rows`` seeded rows of the first fold's
    training rows (with ``max_seconds`` of training, when given): ``(its fit's seconds, the
    rows it fitted, the estimated seconds of predicting one fold's held-out and X_test rows)``
    (0 without ``timed_predict``).

    Prediction is timed on a quarter of those rows and on all of them, each after an untimed
    call of the same size that pays its one-off costs (a network traces each new batch
    shape: on flights the first 2,000-row call took 0.32 s, the next 0.09 s): a fixed part
    per call and a part per row (at least :data:`MIN_ROW_SHARE` of the larger call's seconds
    per row), scaled to the calls (:data:`~kagglekit.evaluation.engine.PREDICT_ROWS` rows
    each) and rows of a fold. A row-linear scaling of one cold call made the network's
    preparing and predicting look like 36.7 s a fold on flights, where ~7 s was measured.
    """
    from kagglekit.evaluation.engine import PREDICT_ROWS
    from kagglekit.pipelines.params import final_estimator

    train, held = splits[0]
    n = min(len(train), rows)
    sample = np.sort(np.random.default_rng(0).choice(train, size=n, replace=False))
    model = clone(pipeline)
    if max_seconds is not None:
        final_estimator(model, template=True).set_params(max_seconds=max_seconds)
    start = time.perf_counter()
    model.fit(rows_of(X, sample), y[sample])
    fit = time.perf_counter() - start
    if not timed_predict:
        return fit, n, 0.0
    predict = getattr(model, "predict_proba", model.predict)
    quarter = max(n // 4, 1)
    timed = []
    for size in (quarter, n):
        predict(rows_of(X, sample[:size]))  # pays a one-off cost: a network traces a shape
        start = time.perf_counter()
        predict(rows_of(X, sample[:size]))
        timed.append(time.perf_counter() - start)
    per_call, per_row = _two_sizes(quarter, timed[0], n, timed[1])
    test_rows = 0 if X_test is None else len(X_test)
    calls = sum(-(-m // PREDICT_ROWS) for m in (len(held), test_rows) if m)
    return fit, n, per_call * calls + per_row * (len(held) + test_rows)
