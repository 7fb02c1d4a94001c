"""Broken competition folders, property-based: every case ends in a written submission or a
one-line KagglekitError, never another exception (run_competition with a tiny model set)."""

import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kagglekit.errors import KagglekitError
from kagglekit.jobs.competition import run_competition

HEADERS = ["größe", "价格", "a b", "x.1", "🙂", "Unnamed: 0", "id", " "]
ODD = ["mixed", "empty", "bool", "constant", "unicode", "huge", "dates"]
TARGETS = ["binary", "values", "labels", "ints"]
BREAKS = ["none", "none", "few rows", "one class", "nan targets", "duplicate ids",
          "odd column", "unicode headers", "sample columns", "sample without id",
          "no test rows", "option"]
EDGES = {"folds": [0, 1, 50], "seed": [-1, 2**32, 2**32 - 1], "time_limit": [0.0, -5.0, 30.0],
         "metric": ["accuracy", "rmse", "roc_auc", "log_loss", "nosuch"],
         "models": [["nosuch"], [], ["linear", "linear"], ["linear", "hgb"]],
         "id_column": ["row_id", "nosuch", "target"]}
"""Option values at their edges (and a few beyond)."""


def _odd(draw, kind, n, rng):
    if kind == "mixed":
        return [draw(st.one_of(st.integers(-5, 5), st.text(max_size=3), st.none()))
                for _ in range(n)]
    if kind == "empty":
        return [np.nan] * n
    if kind == "bool":
        return rng.choice([True, False], size=n)
    if kind == "constant":
        return ["same"] * n
    if kind == "unicode":
        return rng.choice(["ä", "ß", "中", "🙂"], size=n)
    if kind == "huge":
        return rng.choice([1e308, -1e308, 0.0, np.inf], size=n)
    return rng.choice(["2024-01-31", "2023-12-01", "not a date"], size=n)


def _target(kind, n, rng):
    if kind == "binary":
        return np.resize(["yes", "no"], n)
    if kind == "values":
        return rng.normal(size=n)
    if kind == "labels":
        return np.resize(["a", "b", "c"], n)
    return np.resize([0, 1, 2], n)


@st.composite
def competitions(draw):
    """``(train, test, sample, options)``: a valid competition with one thing broken (or
    none), drawn from :data:`BREAKS`."""
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    broken = draw(st.sampled_from(BREAKS))
    kind = draw(st.sampled_from(TARGETS))
    n = draw(st.integers(1, 5)) if broken == "few rows" else 30
    n_test = 0 if broken == "no test rows" else draw(st.integers(1, 6))
    frames = []
    for rows in (n, n_test):
        frames.append(pd.DataFrame({"row_id": np.arange(len(frames) * 100, len(frames) * 100
                                                        + rows),
                                    "x": rng.normal(size=rows),
                                    "color": rng.choice(["red", "blue"], size=rows)}))
    train, test = frames
    train["target"] = _target(kind, n, rng)
    if broken == "one class":
        train["target"] = train["target"].iloc[0]
    if broken == "nan targets":
        train.loc[rng.random(n) < 0.5, "target"] = np.nan
    if broken == "duplicate ids":
        train["row_id"] = train["row_id"] // 2
    if broken == "odd column":
        odd = draw(st.sampled_from(ODD))
        train["odd"], test["odd"] = _odd(draw, odd, n, rng), _odd(draw, odd, n_test, rng)
    if broken == "unicode headers":
        names = draw(st.lists(st.sampled_from(HEADERS), min_size=2, max_size=2))
        train = train.rename(columns={"x": names[0], "color": names[1]})
        test = test.rename(columns={"x": names[0], "color": names[1]})
    sample = pd.DataFrame({"row_id": test["row_id"]})
    if kind == "labels":
        for label in ("a", "b", "c"):
            sample[label] = 1 / 3
    else:
        sample["target"] = 0.0 if kind == "values" else train["target"].iloc[0]
    if broken == "sample columns":
        sample["something"], sample["else"] = 1, "x"
    if broken == "sample without id":
        sample = sample.drop(columns="row_id")
    options = {"folds": 3, "seed": 0, "time_limit": None, "metric": None,
               "models": ["linear"], "id_column": None}
    if broken == "option":
        edge = draw(st.sampled_from(sorted(EDGES)))
        options[edge] = draw(st.sampled_from(EDGES[edge]))
    return train, test, sample, options


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(competitions())
def test_a_broken_competition_ends_in_a_submission_or_one_line(case):
    train, test, sample, options = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "comp"
        folder.mkdir()
        train.to_csv(folder / "train.csv", index=False)
        test.to_csv(folder / "test.csv", index=False)
        sample.to_csv(folder / "sample_submission.csv", index=False)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = run_competition("comp", data_dir=tmp, submissions=Path(tmp) / "subs",
                                         **options)
        except KagglekitError as error:
            message = str(error)
            assert message.strip() and "\n" not in message, message
            event(f"error: {message[:40]}")
            return
        event("submission")
        written = pd.read_csv(result.submission)
        assert len(written) == len(test) and list(written.columns) == list(sample.columns)


def _folder(tmp_path, train, test, sample):
    folder = tmp_path / "comp"
    folder.mkdir()
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    sample.to_csv(folder / "sample_submission.csv", index=False)
    return tmp_path


def _small(n=60):
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"id": np.arange(n), "x": rng.normal(size=n),
                          "y": np.where(rng.normal(size=n) > 0, "a", "b")})
    test = pd.DataFrame({"id": np.arange(n, n + 5), "x": rng.normal(size=5)})
    return train, test, pd.DataFrame({"id": test["id"], "y": "a"})


@pytest.mark.parametrize("folds", [0, 1])
def test_fewer_than_two_folds_is_one_line(tmp_path, folds):
    data_dir = _folder(tmp_path, *_small())
    with pytest.raises(KagglekitError, match="--folds must be a whole number, 2 or more"):
        run_competition("comp", data_dir=data_dir, models=["linear"], folds=folds)


def test_two_rows_with_two_classes_is_one_line_not_a_traceback(tmp_path):
    train, test, sample = _small()
    data_dir = _folder(tmp_path, train.iloc[:2].assign(y=["a", "b"]), test, sample)
    with pytest.raises(KagglekitError, match="fewer than the 5 folds"):
        run_competition("comp", data_dir=data_dir, models=["linear"])


def test_an_unknown_model_is_refused_before_any_check_runs(tmp_path, monkeypatch):
    from kagglekit.jobs import competition

    def never(*args, **kwargs):
        raise AssertionError("the shift check ran before the models were checked")

    monkeypatch.setattr(competition, "check_shift", never)
    data_dir = _folder(tmp_path, *_small())
    with pytest.raises(KagglekitError, match="unknown model 'nosuch'"):
        run_competition("comp", data_dir=data_dir, models=["linear", "nosuch"])


def test_an_unknown_id_column_names_the_option(tmp_path):
    data_dir = _folder(tmp_path, *_small())
    with pytest.raises(KagglekitError, match="--id nosuch"):
        run_competition("comp", data_dir=data_dir, models=["linear"], id_column="nosuch")
