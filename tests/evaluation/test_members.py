import json

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import StackingClassifier, VotingClassifier, VotingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from kagglekit import evaluate
from kagglekit.evaluation.members import gain
from kagglekit.models.ensembles import SeedEnsemble


def test_gain_on_hand_made_scores():
    found = gain([0.80, 0.82, 0.84], {"a": [0.78, 0.80, 0.85], "b": [0.70, 0.70, 0.70]},
                 metric="accuracy")
    assert found["best_member"] == "a" and found["best_member_mean"] == pytest.approx(0.81)
    assert found["ensemble_mean"] == pytest.approx(0.82)
    assert found["folds"] == pytest.approx([0.02, 0.02, -0.01])
    assert found["gain_mean"] == pytest.approx(0.01)
    assert found["gain_std"] == pytest.approx(np.std([0.02, 0.02, -0.01]), abs=1e-6)
    assert found["gain_pct"] == pytest.approx(100 * 0.01 / 0.81, abs=5e-3)
    assert found["folds_better"] == 2
    assert found["average_member_mean"] == pytest.approx((0.81 + 0.70) / 2)
    assert found["members"] == {"a": pytest.approx(0.81), "b": pytest.approx(0.70)}


def test_gain_for_a_lower_is_better_metric_is_positive_when_the_ensemble_errs_less():
    found = gain([1.0, 2.0], {"a": [1.5, 2.5], "b": [1.2, 2.1]}, metric="rmse")
    assert found["best_member"] == "b"
    assert found["folds"] == pytest.approx([0.2, 0.1])
    assert found["gain_mean"] == pytest.approx(0.15) and found["folds_better"] == 2
    assert found["gain_pct"] == pytest.approx(100 * 0.15 / 1.65, abs=5e-3)


def test_gain_needs_members_with_one_score_per_fold():
    assert gain([0.8, 0.9], {}, metric="accuracy") is None
    with pytest.raises(ValueError, match="one score per fold"):
        gain([0.8, 0.9], {"a": [0.8]}, metric="accuracy")


def _frame(n=150, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcd"))
    y = np.where(X["a"] + X["b"] + rng.normal(scale=0.8, size=n) > 0, "yes", "no")
    return X, y


def _members():
    return [("logreg", LogisticRegression()),
            ("tree", DecisionTreeClassifier(max_depth=3))]


def test_cv_scores_each_voting_member_on_the_same_test_rows():
    X, y = _frame()
    vote = make_pipeline(StandardScaler(), VotingClassifier(_members(), voting="soft"))
    result = evaluate(vote, X, y, folds=3, seed=1)
    assert set(result.members) == {"logreg", "tree"}
    # The member fitted inside the vote (on encoded labels) scores as the same model alone.
    alone = evaluate(make_pipeline(StandardScaler(), LogisticRegression()), X, y, folds=3,
                     seed=1)
    assert result.members["logreg"] == pytest.approx(alone.folds, abs=1e-6)
    assert result.to_dict()["members"] == result.members
    assert evaluate(make_pipeline(StandardScaler(), LogisticRegression()), X, y,
                    folds=3).members is None


def test_cv_scores_stacking_and_seed_ensemble_members():
    X, y = _frame()
    stack = StackingClassifier(_members(), final_estimator=LogisticRegression(), cv=3)
    assert set(evaluate(stack, X, y, folds=3).members) == {"logreg", "tree"}
    seeds = SeedEnsemble(DecisionTreeClassifier(max_depth=3, max_features=2), n_members=3)
    result = evaluate(make_pipeline(StandardScaler(), seeds), X, y, folds=3, seed=5)
    assert list(result.members) == ["seed_5", "seed_6", "seed_7"]  # seeded by the CV's seed
    assert all(len(v) == 3 for v in result.members.values())


def test_cv_scores_regression_members_by_rmse():
    X, _ = _frame()
    target = X["a"] * 3 + X["b"]
    vote = VotingRegressor([("ridge", Ridge()), ("tree", DecisionTreeRegressor(max_depth=2))])
    result = evaluate(vote, X, target.to_numpy(), folds=3)
    assert result.metric == "rmse"
    assert np.mean(result.members["ridge"]) < np.mean(result.members["tree"])  # it is linear


def test_report_has_the_ensemble_gain_table(tmp_path):
    from kagglekit.data import Dataset
    from kagglekit.reports.report import write_report

    X, y = _frame()
    vote = make_pipeline(StandardScaler(), VotingClassifier(_members(), voting="soft"))
    results = [evaluate(vote, X, y, folds=3, name="vote"),
               evaluate(make_pipeline(StandardScaler(), LogisticRegression()), X, y, folds=3,
                        name="logreg")]
    dataset = Dataset(name="toy", X=X, y=pd.Series(y), X_test=X.iloc[:0], source="test")
    folder = write_report(results, dataset, tmp_path / "r", id_column=None)
    report = json.loads((folder / "report.json").read_text())
    found = report["ensemble_gain"]["vote"]
    assert list(report["ensemble_gain"]) == ["vote"] and found["metric"] == "accuracy"
    expected = gain(results[0].folds, results[0].members, metric=results[0].metric)
    assert found["gain_mean"] == expected["gain_mean"]
    md = (folder / "report.md").read_text()
    assert "## Ensemble gain" in md
    line = next(row for row in md.splitlines() if row.startswith("| vote | accuracy"))
    assert f"{expected['gain_mean']:+.4f} ± {expected['gain_std']:.4f}" in line
    html = (folder / "report.html").read_text()
    assert "<h2>Ensemble gain</h2>" in html and f"{expected['gain_mean']:+.4f}" in html


def test_gain_line_reads_the_numbers():
    from kagglekit.evaluation.members import gain_line

    found = gain([0.80, 0.82, 0.84], {"a": [0.78, 0.80, 0.85], "b": [0.70, 0.70, 0.70]},
                 metric="accuracy")
    assert gain_line(found) == ("gain over the best member (a, 0.8100): +0.0100 ± 0.0141 "
                                "(+1.23 %), better in 2 of 3 folds")
