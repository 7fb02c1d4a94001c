"""Blends of out-of-fold predictions: Caruana's greedy selection, stacking, the honest gain."""

from __future__ import annotations

import numpy as np
import pytest

from kagglekit.ensembling.blend import (
    fit_blend,
    greedy_blend,
    stacked_blend,
)
from kagglekit.ensembling.blend_gain import blend_gain, choose_blend
from kagglekit.errors import KagglekitError
from kagglekit.evaluation.metrics import get_metric

rng = np.random.default_rng(0)
N = 400
Y = rng.normal(0, 1, N)
FOLDS = np.arange(N) % 5


def test_a_strictly_better_model_gets_all_the_weight():
    good = Y + rng.normal(0, 0.1, N)
    oof = {"bad": Y + rng.normal(0, 1.0, N), "good": good, "worse": Y + rng.normal(0, 2, N)}

    blend = greedy_blend(oof, Y, "rmse")

    assert blend.weights == {"bad": 0.0, "good": 1.0, "worse": 0.0}
    assert blend.oof_score == pytest.approx(get_metric("rmse").score(Y, good), rel=1e-12)


def test_two_complementary_models_get_mixed_weights():
    noise = rng.normal(0, 1, N)
    oof = {"a": Y + noise, "b": Y - noise}  # their average is exact

    blend = greedy_blend(oof, Y, "rmse")

    assert blend.weights["a"] == pytest.approx(0.5) and blend.weights["b"] == pytest.approx(0.5)
    assert blend.oof_score == pytest.approx(0.0, abs=1e-12)
    assert sum(blend.weights.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("metric", ["roc_auc", "log_loss", "accuracy"])
@pytest.mark.parametrize("bags", [1, 5])
def test_the_ensemble_is_never_worse_on_oof_than_its_best_member(metric, bags):
    y = rng.integers(0, 2, N)
    oof = {f"m{i}": np.clip(0.5 + (y - 0.5) * rng.uniform(0, 0.6) + rng.normal(0, 0.3, N),
                            0.01, 0.99) for i in range(4)}
    m = get_metric(metric)
    singles = [m.score(y, p if m.needs == "proba" else (p >= 0.5).astype(int))
               for p in oof.values()]
    best = max(singles) if m.greater_is_better else min(singles)

    blend = greedy_blend(oof, y, metric, bags=bags, init_best=2)

    assert blend.oof_score >= best if m.greater_is_better else blend.oof_score <= best
    assert sum(blend.weights.values()) == pytest.approx(1.0)
    assert all(w >= 0 for w in blend.weights.values())


def test_label_metrics_blend_probabilities_then_take_labels():
    classes = np.array(["x", "y", "z"])
    y = classes[rng.integers(0, 3, N)]
    truth = (y[:, None] == classes).astype(float)
    oof = {"a": 0.6 * truth + 0.4 * rng.dirichlet([1, 1, 1], N),
           "b": 0.5 * truth + 0.5 * rng.dirichlet([1, 1, 1], N)}

    blend = greedy_blend(oof, y, "accuracy")
    test = {"a": oof["a"][:7], "b": oof["b"][:7]}

    assert blend.combine(test).shape == (7, 3)
    assert np.allclose(blend.combine(test).sum(axis=1), 1)
    labels = blend.predict(test)
    assert labels.dtype.kind == "U" and set(labels) <= set(classes)
    assert blend.classes == ("x", "y", "z")


def test_stacking_fits_values_and_probabilities():
    noise = rng.normal(0, 1, N)
    stacked = stacked_blend({"a": Y + noise, "b": Y - noise}, Y, "rmse")
    assert stacked.oof_score == pytest.approx(0.0, abs=1e-9)
    assert set(stacked.weights) == {"a", "b"}

    y = rng.integers(0, 2, N)
    p = np.clip(0.5 + 0.3 * (y - 0.5) + rng.normal(0, 0.2, N), 0.01, 0.99)
    blend = stacked_blend({"a": p, "b": 1 - p}, y, "roc_auc")
    assert blend.oof_score > 0.8
    assert blend.predict({"a": p[:5], "b": 1 - p[:5]}).shape == (5,)


def test_honest_gain_is_measured_on_held_out_folds():
    noise = rng.normal(0, 1, N)
    oof = {"a": Y + noise, "b": Y - noise, "c": Y + rng.normal(0, 3, N)}

    gain = blend_gain(oof, Y, FOLDS, "rmse")

    assert len(gain.gain) == 5 and gain.metric == "rmse"
    assert gain.mean > 0.5  # the average of a and b removes an error of ~1
    assert all(g > 0 for g in gain.gain)
    assert gain.ensemble[0] == pytest.approx(0.0, abs=1e-6)
    assert set(gain.to_dict()) >= {"mean", "std", "gain", "ensemble", "best_single"}
    splits = [(np.flatnonzero(FOLDS != f), np.flatnonzero(FOLDS == f)) for f in range(5)]
    assert blend_gain(oof, Y, splits, "rmse").gain == gain.gain


def test_reference_methods_and_errors():
    oof = {"a": Y + 0.1, "b": Y + 1.0}
    assert fit_blend(oof, Y, "rmse", method="average").weights == {"a": 0.5, "b": 0.5}
    assert fit_blend(oof, Y, "rmse", method="best").weights == {"a": 1.0, "b": 0.0}
    with pytest.raises(KagglekitError, match="unknown blend method"):
        fit_blend(oof, Y, "rmse", method="magic")
    with pytest.raises(KagglekitError, match="out-of-fold predictions for"):
        greedy_blend({"a": Y[:10]}, Y, "rmse")
    with pytest.raises(KagglekitError, match="needs predictions of"):
        greedy_blend(oof, Y, "rmse").combine({"b": Y})
    with pytest.raises(KagglekitError, match="at least two folds"):
        blend_gain(oof, Y, np.zeros(N, dtype=int), "rmse")


def test_choose_blend_takes_the_best_honest_method_or_the_best_single_model():
    noise = rng.normal(0, 1, N)
    oof = {"a": Y + noise, "b": Y - noise}
    blend, gains = choose_blend(oof, Y, FOLDS, "rmse")
    assert blend.method in {"greedy", "stacked"} and set(gains) == {"greedy", "stacked"}
    assert blend.oof_score == pytest.approx(0.0, abs=1e-6)

    alone = {"a": Y + rng.normal(0, 0.1, N), "b": Y + rng.normal(0, 5, N)}
    blend, gains = choose_blend(alone, Y, FOLDS, "mae", candidates=("average",))
    assert gains["average"].mean < 0 and blend.method == "best"
    assert blend.weights == {"a": 1.0, "b": 0.0}

    auto = blend_gain(oof, Y, FOLDS, "rmse", method="auto")
    assert auto.mean > 0.5 and len(auto.gain) == 5
    with pytest.raises(KagglekitError, match="unknown blend method 'auto'"):
        fit_blend(oof, Y, "rmse", method="auto")  # choosing needs folds: choose_blend


def test_stacking_wins_where_no_average_of_the_models_can():
    # Each model predicts one half of the target: any weighted average is off by half the
    # signal, while a linear model on the outputs adds them.
    a, b = rng.normal(0, 1, N), rng.normal(0, 1, N)
    blend, gains = choose_blend({"a": a, "b": b}, a + b, FOLDS, "rmse")
    assert blend.method == "stacked"
    assert gains["stacked"].mean > gains["greedy"].mean + 0.3
    assert blend.oof_score == pytest.approx(0.0, abs=1e-6)


def test_a_greedy_blend_of_many_rows_climbs_on_a_sample_and_scores_on_all():
    oof = {"a": Y + rng.normal(0, 0.5, N), "b": Y + rng.normal(0, 0.7, N)}
    sampled = greedy_blend(oof, Y, "rmse", climb_rows=100, random_state=3)
    rows = np.sort(np.random.default_rng(3).choice(N, 100, replace=False))
    climbed = greedy_blend({n: o[rows] for n, o in oof.items()}, Y[rows], "rmse",
                           random_state=3)
    assert sampled.weights == climbed.weights  # chosen on the sample's rows only
    blended = sum(w * oof[n] for n, w in sampled.weights.items())
    assert sampled.oof_score == pytest.approx(get_metric("rmse").score(Y, blended), abs=1e-12)
