"""How a run with a time limit spends it on its models, decided before each model trains.

The models train one after another, fastest first (as AutoGluon's trainer does). When a
model's turn comes, it gets a *share* of the time still left, in proportion to its weight
among the models still waiting (each model's ``weight`` in the one model table,
:mod:`kagglekit.pipelines.models`: the slower, stronger models weigh more, and what a fast
model leaves unused flows to the later ones):

- a model that honours a time budget (a ``max_seconds`` parameter: the tabular network,
  LightGBM, CatBoost) gets ``share / K`` seconds per fold. What it spends besides training
  (building the network, preparing the rows, predicting the held-out and test rows) is
  measured by a probe (a fit with :data:`PROBE_TRAINING` seconds of training on at most
  :data:`PROBE_ROWS` rows, its prediction timed at two sizes and scaled to a fold's rows, with
  a safety factor); the rest is its training budget per fold. It is skipped, before it trains, when
  that is below the least it needs (its ``min_fold_seconds``);
- any other model's K folds are estimated from a short probe (fits on a quarter of
  :data:`PROBE_ROWS` rows of the first fold and on all of them: a fixed part and a part per
  row, scaled to a fold's rows, with a safety factor); it is
  skipped, before it trains, when the estimate is more than its share or half of what is
  left, whichever is larger.

A model that starts therefore finishes its K folds. The folds' own check against the pace
(:func:`kagglekit.evaluation.engine.out_of_time`) uses the hard limit, 1.1 x the time limit, so
it stops a model only when its estimate was badly wrong. Time left after every model has run
goes to more seeds of the best model whose seed matters (bagging, as AutoGluon does): each
extra seed runs only when the model's measured seconds fit in what is left.

The budget owns the run's time: its clock (injected; tests use a fake one), the reserve kept
for the blend, the files and the report (:func:`reserve_seconds`), the probe that measures a
model before it trains (injected, required), and the one rule for whether more work fits
(:meth:`Budget.fits`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone

PROBE_TRAINING = 0.5
"""Seconds of training in a budgeted model's probe."""
PROBE_ROWS = 2000
"""The most rows a probe fits on."""
SAFETY = 1.3
"""A probe's estimate is multiplied by this (fitting time grows a little faster than rows)."""
MIN_ROW_SHARE = 0.25
"""A probe's cost per row is at least this share of its larger timing's seconds per row."""
MAX_EXTRA_SEEDS = 4
"""The most extra seeds one model gets from left-over time."""
HARD_FACTOR = 1.1
"""The hard limit, when a running model is stopped, is this times the time limit."""


def reserve_seconds(time_limit: float) -> float:
    """Seconds kept back from the time limit for the blend, the submission and the report:
    5 % of the limit, at least 3 s."""
    return max(3.0, 0.05 * time_limit)


def after_training_seconds(rows: int, test_rows: int, columns: int) -> float:
    """Seconds the work after the models is estimated to take on a table of this size, kept
    back beside :func:`reserve_seconds`: writing ``columns`` out-of-fold and test output
    columns to the run folder (about 2.5 µs a value) and the blend's nested gains (about 2 s
    per 100k training rows); measured on 2 cores, 2026-12-08 (204k rows: 6.4 s and 3.9 s)."""
    return 2.5e-6 * (rows + test_rows) * columns + 2e-5 * rows


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
    """A run's time limit.

    Parameters
    ----------
    time_limit : float
        Seconds for the whole run, from ``start``.
    probe : callable
        ``probe(pipeline, context, budgeted=...)`` -> seconds: a budgeted model's seconds per
        fold besides training, else the estimated seconds of all its folds (default in a run:
        :func:`probe_cost`).
    clock : callable, default=time.perf_counter
        Where time is read; every deadline is one of its values.
    start : float, optional
        The run's start on ``clock`` (default: now).
    after : float, default=0
        Seconds the work after training is estimated to take on this table
        (:func:`after_training_seconds`), kept back beside the reserve.

    Attributes
    ----------
    reserve : float
        Seconds kept for the blend, the files and the report (:func:`reserve_seconds` plus
        ``after``).
    soft : float
        When the last model should be done: the limit less the reserve.
    hard : float
        When a running model is stopped: :data:`HARD_FACTOR` x the limit less the reserve.
    """

    def __init__(self, time_limit: float, *, probe, clock=time.perf_counter,
                 start: float | None = None, after: float = 0.0):
        self.probe = probe
        self.clock = clock
        self.start = clock() if start is None else start
        self.reserve = reserve_seconds(time_limit) + after
        self.soft = self.start + time_limit - self.reserve
        self.hard = self.start + HARD_FACTOR * time_limit - self.reserve

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return self.clock() - self.start

    def left(self) -> float:
        """Seconds until :attr:`soft`."""
        return self.soft - self.clock()

    def allot(self, spec, waiting, pipeline, context) -> Allotment:
        """The share of the model ``spec`` (a :class:`~kagglekit.pipelines.models.ModelSpec`:
        its ``weight``, ``budgeted`` and ``min_fold_seconds``) among the ``waiting`` specs
        (itself included), and whether it trains: the probe measures ``pipeline`` on
        ``context`` (a :class:`~kagglekit.evaluation.context.RunContext`) first, unless the
        share is too small even before that."""
        left = self.left()
        folds = len(context.splits)
        share = max(left, 0.0) * spec.weight / sum(s.weight for s in waiting)
        if left <= 0:
            return Allotment(0.0, skip="no time left")
        if spec.budgeted:
            per_fold = share / folds
            least = spec.min_fold_seconds
            if per_fold < least:  # too little even before preparing and predicting: no probe
                return Allotment(share, skip=f"its share, {share:.0f} s, gives {per_fold:.1f} "
                                             f"s a fold; it needs {least:g} s to train")
            overhead = self.probe(pipeline, context, budgeted=True)
            training = per_fold - overhead
            if training < least:
                return Allotment(share, overhead=overhead,
                                 skip=f"its share, {share:.0f} s, gives {per_fold:.1f} s a "
                                      f"fold, {overhead:.1f} s of it to prepare rows and "
                                      f"predict; it needs {least:g} s to train")
            return Allotment(share, overhead=overhead, max_seconds=training)
        estimate = self.probe(pipeline, context, budgeted=False)
        allowed = max(share, 0.5 * left)
        if estimate > allowed:
            return Allotment(share, estimate=estimate,
                             skip=f"estimated {estimate:.0f} s for {folds} folds, more than "
                                  f"the {allowed:.0f} s it may use")
        return Allotment(share, estimate=estimate)

    def fits(self, seconds: float, *, reserve: bool = False) -> bool:
        """The one rule for more work: whether ``seconds`` more (times :data:`SAFETY`) end
        before :attr:`soft`, or with ``reserve`` (work that the reserve is kept for, such as
        the report's one more fit) before :attr:`hard`."""
        end = self.hard if reserve else self.soft
        return SAFETY * seconds <= end - self.clock()


def probe_cost(pipeline, context, *, budgeted: bool, clock=time.perf_counter) -> float:
    """What a model's probe measures on ``context``'s data: :func:`probe_overhead` for a
    model that honours a time budget, else :func:`probe_seconds`."""
    probe = probe_overhead if budgeted else probe_seconds
    return probe(pipeline, context.X, context.y, context.splits, context.test, clock=clock)


def probe_overhead(pipeline, X, y, splits, X_test, *, clock=time.perf_counter) -> float:
    """Estimated seconds a budgeted model spends per fold besides training: one fit with
    :data:`PROBE_TRAINING` seconds of training on at most :data:`PROBE_ROWS` rows of the
    first fold (what is left of its time is fixed cost: building a network, preparing rows),
    plus its prediction of a fold's held-out and ``X_test`` rows (:func:`probe_fit`), times
    :data:`SAFETY`."""
    fit, _, predict = probe_fit(pipeline, X, y, splits, X_test, PROBE_TRAINING, clock=clock)
    return SAFETY * (max(fit - PROBE_TRAINING, 0.0) + predict)


def probe_seconds(pipeline, X, y, splits, X_test, *, clock=time.perf_counter) -> float:
    """Estimated seconds for ``pipeline``'s folds: fits on a quarter of :data:`PROBE_ROWS` and
    on all of them (rows of the first fold's training rows) give a fixed part and a part per
    row (at least :data:`MIN_ROW_SHARE` of the larger fit's seconds per row, so that timing
    noise cannot make rows free); that is scaled to a fold's training rows, the prediction
    estimated as :func:`probe_fit` does, all for every fold, times :data:`SAFETY`."""
    fit, n, predict = probe_fit(pipeline, X, y, splits, X_test, clock=clock)
    quarter = max(n // 4, 1)
    small, _, _ = probe_fit(pipeline, X, y, splits, X_test, rows=quarter,
                            timed_predict=False, clock=clock)
    fixed, per_row = _two_sizes(quarter, small, n, fit)
    return SAFETY * (fixed + per_row * len(splits[0][0]) + predict) * len(splits)


def _two_sizes(small_n: int, small_seconds: float, n: int, seconds: float):
    """``(fixed seconds, seconds per row)`` through two timings, the cost per row at least
    :data:`MIN_ROW_SHARE` of the larger timing's seconds per row."""
    per_row = max((seconds - small_seconds) / max(n - small_n, 1),
                  MIN_ROW_SHARE * seconds / n)
    return max(seconds - per_row * n, 0.0), per_row


def probe_fit(pipeline, X, y, splits, X_test, max_seconds=None, rows=PROBE_ROWS, *,
              timed_predict: bool = True, clock=time.perf_counter):
    """A clone of ``pipeline`` fitted on at most ``rows`` seeded rows of the first fold's
    training rows (with ``max_seconds`` of training, when given): ``(its fit's seconds, the
    rows it fitted, the estimated seconds of predicting one fold's held-out and X_test rows)``
    (0 without ``timed_predict``), timed on ``clock``.

    Prediction is timed on a quarter of those rows and on all of them, each after an untimed
    call of the same size that pays its one-off costs (a network traces each new batch
    shape): a fixed part per call and a part per row (at least :data:`MIN_ROW_SHARE` of the
    larger call's seconds per row), scaled to the calls
    (:data:`~kagglekit.evaluation.engine.PREDICT_ROWS` rows each) and rows of a fold.
    """
    from kagglekit.evaluation.engine import PREDICT_ROWS
    from kagglekit.evaluation.engine import rows as rows_of
    from kagglekit.pipelines.params import final_estimator

    train, held = splits[0]
    n = min(len(train), rows)
    sample = np.sort(np.random.default_rng(0).choice(train, size=n, replace=False))
    model = clone(pipeline)
    if max_seconds is not None:
        final_estimator(model, template=True).set_params(max_seconds=max_seconds)
    start = clock()
    model.fit(rows_of(X, sample), y[sample])
    fit = clock() - start
    if not timed_predict:
        return fit, n, 0.0
    predict = getattr(model, "predict_proba", model.predict)
    quarter = max(n // 4, 1)
    timed = []
    for size in (quarter, n):
        predict(rows_of(X, sample[:size]))  # pays a one-off cost: a network traces a shape
        start = clock()
        predict(rows_of(X, sample[:size]))
        timed.append(clock() - start)
    per_call, per_row = _two_sizes(quarter, timed[0], n, timed[1])
    test_rows = 0 if X_test is None else len(X_test)
    calls = sum(-(-m // PREDICT_ROWS) for m in (len(held), test_rows) if m)
    return fit, n, per_call * calls + per_row * (len(held) + test_rows)
