"""LeanColumnTransformer: the direct path for small frames gives exactly scikit-learn's output."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import KBinsDiscretizer, MinMaxScaler, StandardScaler

from kagglekit import make_pipeline
from kagglekit.pipelines import lean
from kagglekit.pipelines.lean import LeanColumnTransformer, LeanPipeline
from tests.checks import parametrize_with_checks
from tests.float32 import PROBA_ATOL


@pytest.fixture(scope="module")
def fitted(titanic):
    return make_pipeline("titanic-logreg").fit(titanic.X, titanic.y)[:-1]  # input + features


@pytest.mark.parametrize("size", [1, 5, lean.SMALL_ROWS])
def test_small_frames_match_the_batched_scikit_learn_path(fitted, titanic, size):
    rows = pd.concat([titanic.X_test, titanic.X], ignore_index=True)
    reference = fitted.transform(rows)  # > SMALL_ROWS rows: scikit-learn's own code
    assert len(rows) > lean.SMALL_ROWS
    for start in range(0, len(rows), size if size > 1 else 7):
        chunk = rows.iloc[start:start + size]
        pd.testing.assert_frame_equal(fitted.transform(chunk), reference.iloc[start:start + size],
                                      check_exact=True)


def test_minmax_scaler_and_uncovered_parts_fall_back(titanic):
    frame = titanic.X[["Age", "Fare", "SibSp"]]
    ct = LeanColumnTransformer([("mm", MinMaxScaler(clip=True), ["Age"]),
                                ("bins", KBinsDiscretizer(n_bins=3, encode="ordinal",
                                                          quantile_method="averaged_inverted_cdf"),
                                 ["Fare"]),
                                ("imp", SimpleImputer(), ["SibSp"])]).set_output(transform="pandas")
    ct.fit(frame.fillna(0))
    plain = ColumnTransformer(ct.transformers).set_output(transform="pandas").fit(frame.fillna(0))
    rows = frame.iloc[:3]
    pd.testing.assert_frame_equal(ct.transform(rows), plain.transform(rows))
    np.testing.assert_array_equal(ct.set_output(transform="default").transform(rows),
                                  plain.set_output(transform="default").transform(rows))


def test_other_layouts_take_the_scikit_learn_path(titanic, monkeypatch):
    frame = titanic.X[["Age", "Fare"]].fillna(0)
    ct = LeanColumnTransformer([("s", StandardScaler(), ["Age", "Fare"])]).fit(frame)
    calls = []
    monkeypatch.setattr(lean, "_lean_apply", lambda *a: calls.append(1) or None)
    ct.transform(frame.iloc[:2])
    assert calls == [1]
    ct.transform(frame.iloc[:2][["Fare", "Age"]])  # reordered: scikit-learn handles it
    ct.transform(pd.concat([frame] * 2))  # more than SMALL_ROWS rows
    assert calls == [1]


def _column_transformers():
    return [cls([("scale", StandardScaler(), [0, 1])], remainder="passthrough")
            for cls in (LeanColumnTransformer, ColumnTransformer)]


# scikit-learn's own ColumnTransformer fails exactly these (its column indices are fixed when
# it is built, so 1-feature, 1-d, sparse and NaN inputs do not fit them); checked below.
INHERITED = ("check_complex_data", "check_estimator_sparse_array",
             "check_estimator_sparse_matrix", "check_estimators_empty_data_messages",
             "check_estimators_nan_inf", "check_fit1d", "check_fit2d_1feature",
             "check_fit2d_predict1d", "check_transformer_data_not_an_array")


@parametrize_with_checks(_column_transformers(), expected_failed_checks=lambda est: dict.fromkeys(
    INHERITED, "fails the same way on scikit-learn's ColumnTransformer"))
def test_sklearn_compatible(estimator, check):
    check(estimator)


# scikit-learn's own Pipeline fails these two checks as well (seen with check_estimator).
PIPELINE_INHERITED = ("check_dont_overwrite_parameters", "check_estimators_overwrite_params")


@parametrize_with_checks(
    [cls([("scale", StandardScaler()), ("model", LogisticRegression())])
     for cls in (LeanPipeline, Pipeline)],
    expected_failed_checks=lambda est: dict.fromkeys(
        PIPELINE_INHERITED, "fails the same way on scikit-learn's Pipeline"))
def test_pipeline_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name", ["titanic-logreg", "titanic-dnn"])
def test_whole_pipeline_predictions_match_row_by_row(titanic, name, monkeypatch):
    pipe = make_pipeline(name, **({"epochs": 2} if "dnn" in name else {})).fit(titanic.X,
                                                                             titanic.y)
    calls = []
    original = lean._lean_apply
    monkeypatch.setattr(lean, "_lean_apply", lambda *a: calls.append(1) or original(*a))
    batch = pipe.predict_proba(pd.concat([titanic.X_test] * 2))[:len(titanic.X_test)]
    assert calls == []  # 836 rows: scikit-learn's path
    for i in range(0, len(titanic.X_test), 3):
        row = titanic.X_test.iloc[[i]]
        # float32 for the DNN: one row through predict_on_batch vs 836 through Model.predict
        # (other kernel order); float64 logistic regression agrees far closer.
        np.testing.assert_allclose(pipe.predict_proba(row), batch[[i]], atol=PROBA_ATOL)
        if abs(batch[i, 1] - 0.5) > PROBA_ATOL:  # a tie within rounding may go either way
            assert pipe.predict(row)[0] == (batch[i, 1] > 0.5)
    assert calls  # and the rows took the direct path


def test_tabular_features_take_the_direct_path_with_the_same_output(monkeypatch):
    from kagglekit.features.tabular import infer_columns
    from kagglekit.pipelines.tabular import tabular_pipeline

    rng = np.random.default_rng(0)
    table = pd.DataFrame({"id": np.arange(200), "x": rng.normal(size=200),
                          "n": rng.integers(0, 5, 200).astype(float),
                          "c": rng.choice(["u", "v", None], 200), "y": rng.integers(0, 2, 200)})
    table.loc[::9, "x"] = np.nan
    plan = infer_columns(table, "y", id_column="id")
    steps = tabular_pipeline(plan, "linear").fit(table.drop(columns="y"), table["y"])[:-1]
    rows = table.drop(columns="y")
    reference = steps.transform(rows)  # 200 rows: scikit-learn's own code
    calls = []
    original = ColumnTransformer.transform
    monkeypatch.setattr(ColumnTransformer, "transform",
                        lambda self, X, **p: calls.append(1) or original(self, X, **p))
    for start in range(0, len(rows), 3):
        np.testing.assert_array_equal(steps.transform(rows.iloc[start:start + 3]),
                                      reference[start:start + 3])
    assert calls == []


def test_lean_turns_nested_pipelines_and_column_transformers_lean(titanic):
    from kagglekit.features.titanic import titanic_features

    plain = titanic_features()
    fast = lean.lean(plain)
    assert type(plain) is Pipeline and type(fast) is LeanPipeline
    assert all(isinstance(step, LeanColumnTransformer) for _, step in fast.steps)
    assert fast.get_params(deep=True).keys() == plain.get_params(deep=True).keys()
    X, y = titanic.X.iloc[:300], titanic.y.iloc[:300]
    plain.fit(X, y)
    fast.fit(X, y)
    rows = titanic.X_test.iloc[:5]
    pd.testing.assert_frame_equal(fast.transform(rows), plain.transform(rows),
                                  check_exact=True)  # same arithmetic on the same values
    assert lean.lean(LogisticRegression()).__class__ is LogisticRegression
