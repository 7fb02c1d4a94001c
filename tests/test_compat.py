"""One test per private name of another library that kagglekit uses (kagglekit._compat): an
upgrade that moves one fails here, by name."""

import pickle
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from kagglekit import _compat


def _frame():
    return pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": ["x", "y", "x", "y"]})


def test_fit_context_wraps_a_fit():
    assert callable(_compat.fit_context(prefer_skip_nested_validation=False))


def test_param_validation_constraints():
    from numbers import Integral

    assert _compat.Interval(Integral, 1, None, closed="left").is_satisfied_by(3)
    assert _compat.HasMethods(["fit"]).is_satisfied_by(LogisticRegression())
    assert _compat.StrOptions({"a", "b"}).is_satisfied_by("a")
    assert not _compat.StrOptions({"a", "b"}).is_satisfied_by("c")


def test_final_estimator_has_and_pipeline_can_transform():
    pipe = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression())])
    assert _compat.final_estimator_has("predict_proba")(pipe)
    with pytest.raises(AttributeError):  # how available_if learns it is missing
        _compat.final_estimator_has("transform")(pipe)
    assert not _compat.pipeline_can_transform(pipe)
    assert _compat.pipeline_can_transform(Pipeline([("scale", StandardScaler())]))


def test_transform_output_and_own_output_setting():
    ct = ColumnTransformer([("s", StandardScaler(), ["a"])])
    assert _compat.own_output_setting(ct) is None
    assert _compat.transform_output(ct) == "default"
    ct.set_output(transform="pandas")
    assert _compat.own_output_setting(ct) == "pandas" == _compat.transform_output(ct)


def test_infrequent_enabled():
    frame = _frame()
    assert not _compat.infrequent_enabled(OneHotEncoder().fit(frame[["b"]]))
    assert _compat.infrequent_enabled(OneHotEncoder(min_frequency=3).fit(frame[["b"]]))


def test_input_positions():
    ct = ColumnTransformer([("s", StandardScaler(), ["a"]),
                            ("o", OneHotEncoder(), ["b"])]).fit(_frame())
    assert _compat.input_positions(ct, "o") == [1]


def test_keep_own_transform_names():
    class Own(ColumnTransformer):
        pass

    _compat.keep_own_transform_names(Own)
    assert Own._sklearn_auto_wrap_output_keys == {"transform"}


def test_dask_backend_class():
    pytest.importorskip("distributed")
    assert _compat.dask_backend_class().__name__ == "DaskDistributedBackend"


def test_keras_seed_generator():
    generator = _compat.keras_seed_generator()
    assert hasattr(generator, "python_random")


def test_moved_modules_unpickle(monkeypatch):
    from kagglekit.pipelines import lean

    pipe = lean.lean(Pipeline([("scale", StandardScaler())])).fit(np.arange(4.0)[:, None])
    # Pickle it under the module name that models saved before the move carry.
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "kagglekit.features.lean", lean)
        patch.setattr(lean.LeanPipeline, "__module__", "kagglekit.features.lean")
        data = pickle.dumps(pipe)
    assert b"kagglekit.features.lean" in data
    monkeypatch.delitem(sys.modules, "kagglekit.features.lean", raising=False)
    with pytest.raises(ModuleNotFoundError):  # what an old model met before the alias
        pickle.loads(data)
    _compat.alias_moved_modules()
    loaded = pickle.loads(data)
    assert type(loaded) is lean.LeanPipeline
    np.testing.assert_array_equal(loaded.transform(np.ones((1, 1))),
                                  pipe.transform(np.ones((1, 1))))  # same arithmetic, exact


def test_seeding_leaves_deprecated_random_states_alone():
    """scikit-learn 1.9 deprecated TargetEncoder.random_state (its `cv` splitter is seeded
    instead); seeding a pipeline must not set it and make users see a FutureWarning."""
    import warnings

    import numpy as np
    from sklearn.model_selection import KFold
    from sklearn.preprocessing import TargetEncoder

    from kagglekit.seeding import seed_pipeline

    encoder = seed_pipeline(TargetEncoder(cv=KFold(3, shuffle=True, random_state=0)), 5)
    X, y = np.array([["a"], ["b"], ["a"], ["b"], ["a"], ["b"]]), np.array([0, 1, 0, 1, 1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        encoder.fit_transform(X, y)
