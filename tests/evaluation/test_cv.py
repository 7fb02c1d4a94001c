import json

import numpy as np
import pytest

from kagglekit import evaluate, make_pipeline
from kagglekit.errors import KagglekitError
from kagglekit.evaluation.cv import seed_pipeline
from tests.float32 import approx_tree


def test_evaluate_returns_all_metrics_and_json_shape(titanic):
    result = evaluate(make_pipeline("titanic-logreg"), titanic.X, titanic.y, folds=3,
                      name="titanic-logreg")
    data = json.loads(json.dumps(result.to_dict()))
    for key in ("pipeline", "metric", "mean", "std", "folds", "fit_seconds", "scores"):
        assert key in data
    assert data["metric"] == "accuracy" and len(data["folds"]) == 3
    assert data["mean"] == pytest.approx(np.mean(data["folds"]), abs=1e-5)
    assert set(data["scores"]) == {"accuracy", "roc_auc", "log_loss"}
    assert 0.75 < data["mean"] < 0.9
    assert len(result.oof_proba) == len(titanic.y) and not np.isnan(result.oof_proba).any()


def test_evaluate_matches_sklearn_cross_val_score(titanic):
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    pipe = make_pipeline("titanic-logreg")
    ours = evaluate(pipe, titanic.X, titanic.y, folds=4, seed=3)
    theirs = cross_val_score(seed_pipeline(pipe, 3), titanic.X, titanic.y,
                             cv=StratifiedKFold(4, shuffle=True, random_state=3))
    np.testing.assert_allclose(ours.folds, theirs, atol=1e-6)


def test_same_seed_same_scores_and_repeats(titanic):
    a = evaluate("titanic-hgb", folds=3, repeats=2, seed=1)
    b = evaluate("titanic-hgb", folds=3, repeats=2, seed=1)
    assert a.folds == b.folds and len(a.folds) == 6 and a.oof_proba is None


def test_keras_pipeline_is_reproducible(small_titanic):
    X, y = small_titanic
    pipe = make_pipeline("titanic-dnn", epochs=2)
    a = evaluate(pipe, X, y, folds=2, seed=0)
    b = evaluate(pipe, X, y, folds=2, seed=0)
    # 6-decimal scores and losses of two seeded float32 runs
    assert a.scores == approx_tree(b.scores) and a.epochs == [2, 2]
    assert a.histories == approx_tree(b.histories)
    assert [len(h["loss"]) for h in a.histories] == [2, 2]
    assert all(h["val_loss"] == [] and h["best_epoch"] == 2 for h in a.histories)
    # the first fold's network, the one model_summary lists (other folds may one-hot more
    # or fewer columns)
    assert a.n_weights == sum(layer["params"] for layer in a.model_summary)
    assert "histories" not in a.to_dict() and "histories" in a.to_dict(with_oof=True)


def test_bad_arguments(titanic):
    with pytest.raises(KagglekitError, match="folds"):
        evaluate(make_pipeline("titanic-logreg"), titanic.X, titanic.y, folds=1)
    with pytest.raises(KagglekitError, match="one class"):
        evaluate(make_pipeline("titanic-logreg"), titanic.X, np.zeros(len(titanic.X)))


def _ridge():
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline as sk_pipeline
    from sklearn.preprocessing import StandardScaler

    return sk_pipeline(StandardScaler(), Ridge(alpha=1.0))


def test_regression_uses_plain_kfold_with_rmse_and_mae():
    from sklearn.model_selection import KFold, cross_val_score

    from kagglekit import load_dataset

    ds = load_dataset("quadratic")
    result = evaluate(_ridge(), ds.X, ds.y, folds=4, seed=2)
    assert result.task == "regression" and result.metric == "rmse"
    assert set(result.scores) == {"rmse", "mae"}
    theirs = -cross_val_score(_ridge(), ds.X, ds.y, scoring="neg_root_mean_squared_error",
                              cv=KFold(4, shuffle=True, random_state=2))
    np.testing.assert_allclose(result.folds, theirs, rtol=1e-5)
    assert len(result.oof_proba) == len(ds.y)  # out-of-fold predictions


def test_multi_output_regression_and_holdout():
    from kagglekit import load_dataset

    ds = load_dataset("linear-map")
    result = evaluate(_ridge(), ds.X, ds.y, folds=3, holdout=(ds.X_test, ds.y_test))
    assert result.mean < 0.05 and result.oof_proba is None
    assert result.holdout["rows"] == 200 and result.holdout["rmse"] < 0.05
    assert set(result.holdout) == {"rows", "rmse", "mae"}


def test_multiclass_accuracy_and_log_loss(titanic):
    from sklearn.linear_model import LogisticRegression

    X = titanic.X[["Fare", "SibSp", "Parch"]].fillna(0)
    result = evaluate(LogisticRegression(max_iter=500), X, titanic.X.Pclass, folds=3)
    assert result.task == "multiclass" and set(result.scores) == {"accuracy", "log_loss"}
    assert 0.4 < result.mean < 1 and result.oof_proba is None
    assert result.classes == [1, 2, 3] and len(result.oof_class_proba) == len(X)
    assert len(result.oof_labels) == len(X) and set(result.oof_labels) <= {1, 2, 3}


def test_regression_target_must_be_numeric():
    with pytest.raises(KagglekitError, match="numeric"):
        evaluate(_ridge(), np.zeros((10, 1)), np.array(["a", "b"] * 5))


def test_any_registered_metric_can_head_the_cv_and_log_loss_is_kaggles(small_titanic):
    """One metric registry: ``evaluate(metric=...)`` and the folds' log loss are those of
    :mod:`kagglekit.evaluation.metrics` (probabilities clipped at 1e-15, Kaggle's)."""
    from sklearn.model_selection import StratifiedKFold

    from kagglekit.evaluation.metrics import get_metric

    X, y = small_titanic
    result = evaluate(make_pipeline("titanic-logreg"), X, y, folds=3, metric="log_loss")
    assert result.metric == "log_loss" and list(result.scores) == ["log_loss", "accuracy",
                                                                   "roc_auc"]
    assert result.mean == result.scores["log_loss"]["mean"]
    oof = np.empty(len(y))
    for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(X, y):
        model = seed_pipeline(make_pipeline("titanic-logreg"), 0).fit(X.iloc[train], y[train])
        oof[test] = model.predict_proba(X.iloc[test])[:, 1]
    expected = [get_metric("log_loss").score(y[test], oof[test], classes=[0, 1])
                for _, test in StratifiedKFold(3, shuffle=True, random_state=0).split(X, y)]
    np.testing.assert_allclose(result.folds, expected, atol=1e-6)  # the folds round to 1e-6
    gini = evaluate(make_pipeline("titanic-logreg"), X, y, folds=3, metric="gini")
    np.testing.assert_allclose(gini.mean, 2 * result.scores["roc_auc"]["mean"] - 1, atol=1e-6)
    with pytest.raises(KagglekitError, match="rmse does not apply to a binary target"):
        evaluate(make_pipeline("titanic-logreg"), X, y, folds=3, metric="rmse")
