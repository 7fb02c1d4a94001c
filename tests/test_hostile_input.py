"""Hostile input, property-based: every case is a correct prediction or a one-line kagglekit
error; nothing else escapes, and a failed `predict --out` leaves no file behind."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kagglekit import load, make_pipeline, save
from kagglekit.cli import main
from kagglekit.errors import KagglekitError
from kagglekit.jobs.predict import predict_chunks
from kagglekit.jobs.spec import from_manifest
from kagglekit.persistence import read_manifest
from tests.float32 import PROBA_ATOL

NUMERIC = ["Pclass", "Age", "SibSp", "Parch", "Fare"]
TEXT = ["Name", "Sex", "Ticket", "Cabin", "Embarked"]
ODD_VALUES = st.one_of(
    st.none(), st.just(np.nan), st.just(np.inf), st.just(-np.inf), st.just(1e308),
    st.just(-1e308), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=True),
    st.text(max_size=12), st.booleans(), st.just("1e400"), st.just(" 7 "),
)
FIT_ONCE = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def models(titanic):
    X, y = titanic.X.iloc[:300], titanic.y.iloc[:300]
    return {"logreg": make_pipeline("titanic-logreg").fit(X, y),
            "dnn": make_pipeline("titanic-dnn", epochs=2).fit(X, y)}


@st.composite
def hostile_frames(draw, base: pd.DataFrame):
    rows = draw(st.lists(st.integers(0, len(base) - 1), min_size=0, max_size=4))
    frame = base.iloc[rows].reset_index(drop=True).astype(object)
    for column in draw(st.lists(st.sampled_from(NUMERIC + TEXT), max_size=4, unique=True)):
        kind = draw(st.sampled_from(["odd", "all-nan", "as-text", "unseen"]))
        if kind == "odd":
            frame[column] = [draw(ODD_VALUES) for _ in range(len(frame))]
        elif kind == "all-nan":
            frame[column] = np.nan
        elif kind == "as-text":
            frame[column] = frame[column].map(str)
        else:
            frame[column] = [draw(st.text(min_size=1, max_size=20)) for _ in range(len(frame))]
    drop = draw(st.lists(st.sampled_from(list(frame.columns)), max_size=2, unique=True))
    frame = frame.drop(columns=drop)
    if draw(st.booleans()):
        frame["Extra"] = draw(st.text(max_size=5))
    order = draw(st.permutations(list(frame.columns)))
    return frame[order]


def _predict_or_error(model, frame):
    """The prediction, or the kagglekit error's message; any other exception fails."""
    try:
        proba = model.predict_proba(frame)
        labels = model.predict(frame)
    except KagglekitError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return message
    assert proba.shape == (len(frame), 2) and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)  # float32 softmax sums
    assert set(np.unique(labels)) <= {0, 1}
    return proba


@pytest.mark.parametrize("name", ["logreg", "dnn"])
@FIT_ONCE
@given(data=st.data())
def test_hostile_frames_predict_or_fail_in_one_line(models, titanic, name, data):
    frame = data.draw(hostile_frames(titanic.X_test))
    outcome = _predict_or_error(models[name], frame)
    if any(c not in frame.columns for c in NUMERIC + TEXT):
        assert isinstance(outcome, str) and "missing column" in outcome
    elif len(frame) == 0:
        assert isinstance(outcome, str) and "no rows" in outcome


@pytest.mark.parametrize("name", ["logreg", "dnn"])
@FIT_ONCE
@given(rows=st.lists(st.integers(0, 417), min_size=1, max_size=5),
       seed=st.integers(0, 2**16), extra=st.booleans())
def test_reordered_extra_and_textual_numbers_give_the_same_prediction(models, titanic, name,
                                                                      rows, seed, extra):
    clean = titanic.X_test.iloc[rows]
    messy = clean.astype({c: str for c in ["SibSp", "Parch"]})
    if extra:
        messy = messy.assign(Unused="x")
    messy = messy.sample(frac=1.0, axis=1, random_state=seed)
    np.testing.assert_allclose(models[name].predict_proba(messy),
                               models[name].predict_proba(clean),
                               atol=PROBA_ATOL)  # float32 DNN: same weights, same rows


@pytest.fixture(scope="module")
def saved_model(models, tmp_path_factory):
    return save(models["logreg"], tmp_path_factory.mktemp("m") / "lr.joblib",
                name="titanic-logreg")


@FIT_ONCE
@given(payload=st.one_of(st.binary(max_size=300),
                        st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe\x00"])),
       with_header=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
def test_hostile_csv_files_predict_or_fail_in_one_line(saved_model, titanic, tmp_path,
                                                        payload, with_header, encoding):
    text = titanic.X_test.iloc[:3].assign(Name="Émile, Mr. Zoë").to_csv(index=False)
    body = text.encode(encoding) if with_header else b""
    path = tmp_path / "in.csv"
    path.write_bytes(payload + body if len(payload) % 2 else body + payload)
    try:
        spec = from_manifest(read_manifest(saved_model))
        out = pd.concat(list(predict_chunks(load(saved_model), spec, path)))
    except KagglekitError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert set(out["Survived"]) <= {0, 1} and out["probability"].between(0, 1).all()


def test_a_failed_predict_leaves_no_output_file(saved_model, titanic, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    titanic.X_test.iloc[:5].assign(Age="old").to_csv(bad, index=False)
    out = tmp_path / "pred.csv"
    assert main(["predict", str(saved_model), str(bad), "--out", str(out)]) == 2
    assert "column Age must be numeric" in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.glob(".pred.csv*")) == []


def _user_table(n=120, seed=0):
    """A user's CSV as the `tabular` job sees it: an id, numbers, categories, a free-text
    column (dropped: too many values), an empty column (dropped) and a target."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 70, n)
    return pd.DataFrame({
        "Row": np.arange(1000, 1000 + n), "Age": age.astype(float),
        "Salary": rng.normal(50_000, 12_000, n).round(), "City": rng.choice(["Oslo", "Rome"], n),
        "Plan": rng.choice(["a", "b", "c", None], n), "Note": [f"note {i}" for i in range(n)],
        "Blank": np.nan, "Bought": (age + rng.normal(0, 8, n) > 45).astype(int)})


@pytest.fixture(scope="module")
def tabular_models():
    from kagglekit.features.tabular import infer_columns
    from kagglekit.pipelines.tabular import tabular_pipeline

    table = _user_table()
    plan = infer_columns(table, "Bought", id_column="Row", max_categories=20)
    X, y = table.drop(columns="Bought"), table["Bought"]
    dnn = tabular_pipeline(plan, "net").set_params(model__epochs=2)
    return {"linear": tabular_pipeline(plan, "linear").fit(X, y), "net": dnn.fit(X, y)}


@pytest.mark.parametrize("name", ["linear", "net"])
@FIT_ONCE
@given(data=st.data())
def test_tabular_pipelines_predict_hostile_frames_or_fail_in_one_line(tabular_models, name,
                                                                      data):
    base = _user_table(seed=1).drop(columns="Bought")
    rows = data.draw(st.lists(st.integers(0, len(base) - 1), max_size=4))
    frame = base.iloc[rows].reset_index(drop=True).astype(object)
    for column in data.draw(st.lists(st.sampled_from(["Age", "Salary", "City", "Plan"]),
                                     max_size=3, unique=True)):
        frame[column] = [data.draw(ODD_VALUES) for _ in range(len(frame))]
    drop = data.draw(st.lists(st.sampled_from(list(frame.columns)), max_size=2, unique=True))
    frame = frame.drop(columns=drop)
    frame = frame[data.draw(st.permutations(list(frame.columns)))]
    outcome = _predict_or_error(tabular_models[name], frame)
    if any(c not in frame.columns for c in ["Age", "Salary", "City", "Plan"]):
        assert isinstance(outcome, str) and "missing column" in outcome


@pytest.mark.parametrize("name", ["linear", "net"])
def test_tabular_pipelines_do_not_need_the_id_or_dropped_columns(tabular_models, name):
    full = _user_table(seed=2).drop(columns="Bought").iloc[:7]
    lean = full.drop(columns=["Row", "Note", "Blank"]).assign(Age=full["Age"].map(str))
    # float32 DNN: same weights, rows in another order (another kernel order)
    np.testing.assert_allclose(tabular_models[name].predict_proba(lean[::-1])[::-1],
                               tabular_models[name].predict_proba(full), atol=PROBA_ATOL)
