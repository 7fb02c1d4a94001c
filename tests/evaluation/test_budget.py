"""The time budget's decisions, made before a model trains (kagglekit.evaluation.budget)."""

import time

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from kagglekit.evaluation.budget import (
    PROBE_ROWS,
    SAFETY,
    TRAINING_SHARE,
    Budget,
    probe_overhead,
    probe_seconds,
)
from kagglekit.evaluation.engine import rows


def test_a_budgeted_model_gets_its_weighted_share_as_seconds_per_fold():
    budget = Budget(100.0, reserve=0.0, start=time.perf_counter())
    plan = budget.allot("net", ["logreg", "net"], 5, budgeted=True)  # weights 1 and 3
    assert plan.skip is None and plan.estimate is None
    assert plan.share == pytest.approx(100 * 3 / 4, abs=1.0)  # 1 s for the clock's drift
    assert plan.max_seconds == pytest.approx(plan.share / 5 * TRAINING_SHARE, rel=1e-9)
    probed = budget.allot("net", ["net"], 5, budgeted=True, probe=lambda: 6.0)
    assert probed.overhead == 6.0  # measured: the rest of each fold's share is training
    assert probed.max_seconds == pytest.approx(probed.share / 5 - 6.0, rel=1e-9)


def test_a_model_is_skipped_before_training_when_it_cannot_fit():
    budget = Budget(20.0, reserve=0.0, start=time.perf_counter())
    net = budget.allot("net", ["logreg", "hgb", "net"], 5, budgeted=True)  # 12 s: 2.4 a fold
    assert net.skip and "it needs 4 s" in net.skip and net.max_seconds is None
    big = Budget(120.0, reserve=0.0, start=time.perf_counter())  # 24 s a fold, 21 to predict
    costly = big.allot("net", ["net"], 5, budgeted=True, probe=lambda: 21.0)
    assert costly.skip and "21.0 s of it to prepare rows and predict" in costly.skip
    slow = budget.allot("hgb", ["hgb", "net"], 5, budgeted=False, probe=lambda: 50.0)
    assert slow.skip and "estimated 50 s" in slow.skip
    quick = budget.allot("hgb", ["hgb", "net"], 5, budgeted=False, probe=lambda: 9.0)
    assert quick.skip is None and quick.estimate == 9.0  # more than its share, < half left
    late = Budget(1.0, reserve=2.0, start=time.perf_counter())
    assert late.allot("logreg", ["logreg"], 5, budgeted=False).skip == "no time left"


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
    overhead = probe_overhead(model, X, y, splits, X[:500], rows)
    assert 0 <= overhead < 30 and model.max_seconds == 100.0  # the probe fits a clone


def test_the_probe_scales_a_small_fit_to_every_fold():
    X, y, splits = _three_folds(3 * PROBE_ROWS)
    estimate = probe_seconds(LogisticRegression(), X, y, splits, X[:100], rows)
    assert 0 < estimate < 60 and SAFETY > 1  # a linear model on 6k rows: well under a minute


class Clock:
    """A stand-in for ``time.perf_counter`` that moves only when a model says so."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class FixedCostPerCall(LogisticRegression):
    """A model whose every prediction call costs 20 ms plus 0.1 µs a row on ``clock`` (as a
    Keras predict's set-up dominates its cost per row)."""

    clock = None

    def predict_proba(self, X):
        type(self).clock.now += 0.02 + 1e-7 * len(X)
        return super().predict_proba(X)


def test_a_fixed_cost_per_prediction_call_is_not_scaled_by_rows(monkeypatch):
    from kagglekit.evaluation import budget

    clock = Clock()
    monkeypatch.setattr(budget.time, "perf_counter", clock)
    monkeypatch.setattr(FixedCostPerCall, "clock", clock)
    X, y, splits = _three_folds(3 * PROBE_ROWS)
    X_test = np.zeros((200_000, 4))  # two calls of PREDICT_ROWS, plus one for the fold
    _, n, predict = budget._probe(FixedCostPerCall(), X, y, splits, X_test, rows)
    full = 0.02 + 1e-7 * n  # one call on the probe's rows
    per_row = max(1e-7, budget.MIN_ROW_SHARE * full / n)  # the floor: 2.5e-6 s a row
    expected = 3 * (full - per_row * n) + per_row * (len(splits[0][1]) + len(X_test))
    assert n == PROBE_ROWS and predict == pytest.approx(expected, rel=1e-6)
    assert predict < 0.3 * full * (len(splits[0][1]) + len(X_test)) / n  # row-linear: 2.04 s


def test_chunked_prediction_equals_one_call(monkeypatch):
    from kagglekit.evaluation import engine

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    whole = engine.output(model, X, "binary")
    monkeypatch.setattr(engine, "PREDICT_ROWS", 7)
    np.testing.assert_array_equal(engine.output(model, X, "binary"), whole)
