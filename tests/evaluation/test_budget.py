"""The time budget's decisions, made before a model trains (kagglekit.evaluation.budget), on a
fake clock and a fake probe."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from kagglekit.evaluation.budget import (
    MIN_ROW_SHARE,
    PROBE_ROWS,
    SAFETY,
    Budget,
    after_training_seconds,
    probe_fit,
    probe_overhead,
    probe_seconds,
)
from kagglekit.evaluation.context import RunContext
from kagglekit.evaluation.metrics import get_metric
from kagglekit.pipelines.models import MODELS


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, now=100.0):
        self.now = now

    def __call__(self):
        return self.now


def _context(folds=5, budget=None, n=50):
    X = np.random.default_rng(0).normal(size=(n, 2))
    y = (X[:, 0] > 0).astype(int)
    return RunContext.build(X, y, None, task="binary", metric=get_metric("accuracy"),
                            folds=folds, budget=budget)


def _budget(limit, probe=lambda pipeline, context, budgeted: 0.0):
    clock = Clock()
    return Budget(limit, probe=probe, clock=clock), clock


def test_the_budget_owns_the_reserve_and_the_two_limits_on_its_clock():
    budget, clock = _budget(100.0)
    assert budget.reserve == 5.0 and budget.left() == 95.0
    assert budget.soft == 100.0 + 95.0 and budget.hard == 100.0 + 110.0 - 5.0
    clock.now += 30.0
    assert budget.left() == 65.0 and budget.elapsed() == 30.0
    assert budget.fits(65.0 / SAFETY) and not budget.fits(66.0 / SAFETY)
    assert budget.fits(75.0 / SAFETY, reserve=True)  # the report's fit: up to the hard limit
    assert _budget(20.0)[0].reserve == 3.0  # at least 3 s
    # The work after training grows with the table: it is kept back too.
    after = after_training_seconds(200_000, 50_000, 10)
    assert after == pytest.approx(2.5e-6 * 250_000 * 10 + 2e-5 * 200_000, abs=1e-9)
    large = Budget(100.0, probe=lambda *a, **k: 0.0, clock=Clock(), after=after)
    assert large.reserve == pytest.approx(5.0 + after, abs=1e-9)
    assert large.left() == pytest.approx(95.0 - after, abs=1e-9)


def test_a_budgeted_model_gets_its_weighted_share_less_what_the_probe_measured():
    budget, _ = _budget(100.0, probe=lambda pipeline, context, budgeted: 6.0)  # 95 s left
    net, linear = MODELS["net"], MODELS["linear"]
    plan = budget.allot(net, [linear, net], None, _context())  # weights 1 and 3
    assert plan.skip is None and plan.estimate is None
    assert plan.share == pytest.approx(95.0 * 3 / 4, abs=1e-9)  # exact: the clock stands still
    assert plan.overhead == 6.0
    assert plan.max_seconds == pytest.approx(plan.share / 5 - 6.0, abs=1e-9)


def test_a_model_is_skipped_before_training_when_it_cannot_fit():
    asked = []
    budget, clock = _budget(23.0, probe=lambda p, c, budgeted: asked.append(budgeted) or 50.0)
    specs = [MODELS["linear"], MODELS["hgb"], MODELS["net"]]  # 20 s left: net's share 12
    net = budget.allot(MODELS["net"], specs, None, _context())
    assert net.skip and "it needs 4 s" in net.skip and net.max_seconds is None
    assert asked == []  # too little even before the probe: no probe
    slow = budget.allot(MODELS["hgb"], specs[1:], None, _context())
    assert slow.skip and "estimated 50 s" in slow.skip and asked == [False]
    costly, _ = _budget(123.0, probe=lambda p, c, budgeted: 21.0)  # 24 s a fold, 21 to predict
    plan = costly.allot(MODELS["net"], [MODELS["net"]], None, _context())
    assert plan.skip and "21.0 s of it to prepare rows and predict" in plan.skip
    quick, _ = _budget(23.0, probe=lambda p, c, budgeted: 9.0)
    ok = quick.allot(MODELS["hgb"], specs[1:], None, _context())
    assert ok.skip is None and ok.estimate == 9.0  # more than its share, < half of what is left
    clock.now += 30.0
    assert budget.allot(MODELS["linear"], specs, None, _context()).skip == "no time left"


def _three_folds(n):
    """``n`` rows of 4 columns, a label from the first, and three folds by row number."""
    X = np.random.default_rng(0).normal(size=(n, 4))
    index = np.arange(n)
    return X, (X[:, 0] > 0).astype(int), [(index[index % 3 != k], index[index % 3 == k])
                                          for k in range(3)]


def test_the_overhead_probe_measures_what_a_budgeted_model_spends_besides_training():
    from kagglekit.models.gbdt import BoostedTreesClassifier

    X, y, splits = _three_folds(3000)
    model = BoostedTreesClassifier("lightgbm", max_seconds=100.0)
    overhead = probe_overhead(model, X, y, splits, X[:500])
    assert 0 <= overhead < 30 and model.max_seconds == 100.0  # the probe fits a clone


def test_the_probe_scales_a_small_fit_to_every_fold():
    X, y, splits = _three_folds(3 * PROBE_ROWS)
    estimate = probe_seconds(LogisticRegression(), X, y, splits, X[:100])
    assert 0 < estimate < 60 and SAFETY > 1  # a linear model on 6k rows: well under a minute


class FixedCostPerCall(LogisticRegression):
    """A model whose every prediction call costs 20 ms plus 0.1 µs a row on ``clock`` (as a
    Keras predict's set-up dominates its cost per row)."""

    clock = None

    def predict_proba(self, X):
        type(self).clock.now += 0.02 + 1e-7 * len(X)
        return super().predict_proba(X)


def test_a_fixed_cost_per_prediction_call_is_not_scaled_by_rows(monkeypatch):
    clock = Clock(0.0)
    monkeypatch.setattr(FixedCostPerCall, "clock", clock)
    X, y, splits = _three_folds(3 * PROBE_ROWS)
    X_test = np.zeros((200_000, 4))  # two calls of PREDICT_ROWS, plus one for the fold
    _, n, predict = probe_fit(FixedCostPerCall(), X, y, splits, X_test, clock=clock)
    full = 0.02 + 1e-7 * n  # one call on the probe's rows
    per_row = max(1e-7, MIN_ROW_SHARE * full / n)  # the floor: 2.5e-6 s a row
    expected = 3 * (full - per_row * n) + per_row * (len(splits[0][1]) + len(X_test))
    assert n == PROBE_ROWS and predict == pytest.approx(expected, rel=1e-6)
    assert predict < 0.3 * full * (len(splits[0][1]) + len(X_test)) / n  # row-linear: 2.04 s
