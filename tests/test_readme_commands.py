"""Every ``kagglekit ...`` command in the README's and the docs/ pages' code blocks runs.

Each command line is parsed the way a reader reads it: ``[...]`` is optional (left out),
``a|b`` are alternatives (the first is run), ``# ...`` is a comment, UPPERCASE words are
placeholders (filled in below). It runs in-process in a fresh folder that holds the small
files the documentation names (``my.csv``, ``space.yaml``, a saved model, a competition under
``data/``), with tiny settings given through the options a user has too: ``--folds 2``,
``--set epochs=1``, ``--trials 2``, ``--time-limit``. Commands that talk to Kaggle run
against the fake Kaggle server of the tests. A console block (``$ kagglekit ...``) that shows
an error expects that error: exit 2 and the same first words.

A command that cannot run here is on :data:`CANNOT_RUN` with the reason, so a new command in
the documentation fails this test until it runs or is listed.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kagglekit.cli import main
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_EXPERIMENT = ("an experiment trains its networks at their documented size (no option makes "
               "it small); tests/experiments runs each one with small settings")
_CONCRETE = ("a development table built by benchmarks/competitions.py, not a file of this "
             "test's; the same command runs on the tiny competition (run --competition NAME, "
             "blend NAME)")
CANNOT_RUN = {
    ("run", "--competition", "concrete", "--metric", "mae", "--models", "linear,hgb,lgbm",
     "--quiet"): _CONCRETE,
    ("run", "--competition", "concrete", "--metric", "mae", "--models", "linear,hgb", "--quiet",
     "--no-report"): _CONCRETE,
    ("run", "--competition", "concrete", "--metric", "mae", "--models", "lgbm", "--with-runs",
     "all", "--quiet"): _CONCRETE,
    ("blend", "concrete", "--add", "knn.csv", "knn_test.csv"): _CONCRETE,
    ("experiment", "overfitting"): _EXPERIMENT,
    ("--data-dir", "../shared/datasets", "experiment", "overfitting"): _EXPERIMENT,
}
"""Normalized command -> why it cannot run in this test."""

# Tiny settings a user could pass too, by pipeline (the routed names --set takes).
TINY_SET = {
    "titanic-dnn": ["epochs=1"],
    "titanic-vote": ["model__dnn__epochs=1"],
    "car-dnn": ["epochs=1"],
    "car-purchase-dnn": ["epochs=1"],
    "shift-linear": ["model__regressor__epochs=1"],
    "mnist-cnn": ["epochs=1", "model__filters=(4,)", "batch_size=512"],
    "mnist-mlp": ["epochs=1"],
}
TINY_SPACE = {
    "titanic-hgb": "model__max_iter: [10, 20]\n",
    "titanic-logreg": "model__C: [0.1, 1.0, 10.0]\nmodel__class_weight: [null, balanced]\n",
    "titanic-dnn": "epochs: [1]\noptimizer__learning_rate: [0.001, 0.01]\n",
}
TINY_PARAMS = {"titanic-hgb": '{"model__max_iter": 10}', "titanic-logreg": '{"model__C": 3}'}
PLACEHOLDERS = {"NAME": "tiny", "STAMP": "example"}
# The documented scheduler addresses all stand for the Dask scheduler of the test.
SCHEDULERS = re.compile(r"^tcp://(HOST|SCHEDULER|127\.0\.0\.1):8786$")
SUBMISSION = "submissions/20261125T213116Z_titanic-logreg_cv0.8193.csv"


def documented_commands():
    """``(page, line, expected error or None)`` for every ``kagglekit`` line in a code block."""
    for page in PAGES:
        text = page.read_text()
        for block in re.findall(r"^```[^\n]*\n(.*?)^```", text, re.S | re.M):
            lines = re.sub(r"\\\n\s*", " ", block).splitlines()
            for i, line in enumerate(lines):
                line = line.strip()
                console = line.startswith("$ ")
                line = line.removeprefix("$ ")
                if not line.startswith("kagglekit "):
                    continue
                after = lines[i + 1].strip() if console and i + 1 < len(lines) else ""
                error = after if after.startswith("kagglekit: error:") else None
                yield page.name, line, error


def normalize(line: str) -> tuple[str, ...]:
    """The words a reader runs: optional parts left out, the first of each alternative."""
    words, depth, skip = [], 0, False
    for word in shlex.split(line, comments=True)[1:]:
        if skip:
            skip = False
        elif depth or word.startswith("["):
            depth += word.count("[") - word.count("]")
        elif word == "|":
            skip = True
        elif word != "...":
            word = word.split("|")[0] if "|" in word and "=" not in word else word
            words.append(SCHEDULERS.sub("{scheduler}", word))
    return tuple(words)


def _unique_commands():
    seen = {}
    for page, line, error in documented_commands():
        seen.setdefault(normalize(line), (page, line, error))
    return seen


COMMANDS = _unique_commands()


def test_the_documentation_has_commands():
    assert len(COMMANDS) >= 20
    assert ("run", "--competition", "NAME") in COMMANDS and ("list",) in COMMANDS


def test_the_parser_reads_a_synopsis():
    line = ("kagglekit evaluate tabular --csv my.csv --target y [--id ID] "
            "[--model net|logreg]   # comment")
    assert normalize(line) == ("evaluate", "tabular", "--csv", "my.csv", "--target", "y")
    assert normalize("kagglekit submission titanic-rf | models/hgb.joblib [--out DIR]") == (
        "submission", "titanic-rf")
    assert normalize("kagglekit experiment overfitting|activations") == (
        "experiment", "overfitting")


def test_every_unrunnable_command_is_still_documented():
    assert not set(CANNOT_RUN) - set(COMMANDS), "CANNOT_RUN lists commands no page has"


def _table(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=rows), rng.normal(size=rows)
    cat = rng.choice(["a", "b", "c"], size=rows)
    return pd.DataFrame({"id": np.arange(rows), "row_id": np.arange(rows) + 1000,
                         "x1": x1.round(4), "x2": x2.round(4), "cat": cat,
                         "y": (x1 + (cat == "a") + rng.normal(0, 0.5, rows) > 0).astype(int),
                         "price": (10 + 3 * x1 - x2 + rng.normal(0, 0.3, rows)).round(3)})


@pytest.fixture(scope="module")
def world(tmp_path_factory, titanic):
    """The files the documented commands name, made once and copied for each command."""
    root = tmp_path_factory.mktemp("world")
    table = _table(240)
    features = table.drop(columns=["y", "price"])
    table.iloc[:180].drop(columns=["id"]).to_csv(root / "my.csv", index=False)
    table.iloc[:180].drop(columns=["row_id", "price"]).to_csv(root / "train.csv", index=False)
    table.iloc[180:].drop(columns=["price"]).to_csv(root / "test.csv", index=False)
    table.iloc[180:].drop(columns=["id", "price"]).to_csv(root / "new.csv", index=False)
    tiny = root / "data" / "tiny"
    tiny.mkdir(parents=True)
    table.iloc[:180].drop(columns=["row_id", "price"]).to_csv(tiny / "train.csv", index=False)
    features.iloc[180:].drop(columns=["row_id"]).to_csv(tiny / "test.csv", index=False)
    pd.DataFrame({"id": features.id.iloc[180:], "y": 0}).to_csv(
        tiny / "sample_submission.csv", index=False)
    titanic.X_test.head(10).to_csv(root / "passengers.csv", index=False)
    rows = pd.DataFrame({"PassengerId": titanic.X_test["PassengerId"], "Survived": 0})
    (root / "submissions").mkdir()
    rows.to_csv(root / SUBMISSION, index=False)
    rows.iloc[:-1].to_csv(root / "short.csv", index=False)
    _digits(root / "digits")
    (root / "models").mkdir()
    with pytest.MonkeyPatch.context() as mp:  # a stored run: runs/tiny/example
        mp.chdir(root)
        assert main(["run", "--competition", "tiny", "--models", "linear", "--folds", "2",
                     "--runs-dir", "runs", "--quiet", "--no-report"]) == 0
        next((root / "runs" / "tiny").iterdir()).rename(root / "runs" / "tiny" / "example")
        shutil.rmtree(root / "submissions")
        (root / "submissions").mkdir()
        rows.to_csv(root / SUBMISSION, index=False)
    for argv in (["train", "titanic-hgb", "--out", "models/hgb.joblib"],
                 ["train", "tabular", "--csv", "my.csv", "--target", "price", "--id", "row_id",
                  "--model", "logreg", "--out", "models/mine.joblib"]):
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(root)
            assert main(argv) == 0
    return root


def _digits(folder: Path, rows: int = 60) -> None:
    """Kaggle's Digit Recognizer layout: label, pixel0..pixel783 (random pixels)."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    pixels = pd.DataFrame(rng.integers(0, 256, size=(rows, 784)),
                          columns=[f"pixel{i}" for i in range(784)])
    pixels.insert(0, "label", np.arange(rows) % 10)
    pixels.to_csv(folder / "train.csv", index=False)
    pixels.drop(columns="label").iloc[:10].to_csv(folder / "test.csv", index=False)


def tiny_argv(words: tuple[str, ...], folder: Path, scheduler: str | None) -> list[str]:
    """The command with placeholders filled in and tiny settings added; files it reads are
    put in ``folder``."""
    argv = []
    for word in words:
        if word in ("DIR", "DIR/"):
            word = str(folder / f"out-{len(argv)}")
        for name, value in PLACEHOLDERS.items():
            word = re.sub(rf"\b{name}\b", value, word)
        argv.append(scheduler if word == "{scheduler}" else word)
    argv = [str(SHARED) if word == "../shared/datasets" else word for word in argv]
    command = next((w for w in argv if not w.startswith("-") and w != str(SHARED)), "")
    rest = argv[argv.index(command) + 1:] if command else []
    pipeline = rest[0] if rest and not rest[0].startswith("-") else "titanic-dnn"
    if "--train" in argv:  # Kaggle's Digit Recognizer files
        for name in ("train.csv", "test.csv"):
            shutil.copy(folder / "digits" / name, folder / name)
    if command in ("evaluate", "search") or (command == "run" and "--competition" not in argv):
        if "--holdout" not in argv:
            argv += ["--folds", "2"]
    if command == "search":
        argv += ["--trials", "2"] if "--trials" not in argv else []
        (folder / "space.yaml").write_text(TINY_SPACE[pipeline])
    if "--out" in argv:  # a new user's folder lacks the model that the world holds
        out = folder / argv[argv.index("--out") + 1]
        for path in (out, out.with_suffix(".manifest.json")):
            path.unlink(missing_ok=True)
    if "--params" in argv:
        (folder / argv[argv.index("--params") + 1]).write_text(TINY_PARAMS[pipeline])
    if command == "run" and "--competition" in argv:
        argv += ["--time-limit", "30", "--folds", "2"]
        if "--report" not in argv and "--no-report" not in argv:  # tests/jobs checks the
            argv += ["--no-report"]  # default report; the suite's time is short
    elif command == "run" and rest[:1] != ["tabular"]:
        argv += ["--compare"]  # make run's default compares every Titanic pipeline
    if command in ("evaluate", "run", "submission", "train") and "--competition" not in argv \
            and pipeline in TINY_SET and "--set" not in argv:
        for setting in TINY_SET[pipeline]:
            argv += ["--set", setting]
    if command in ("evaluate", "run") and rest[:1] == ["tabular"] and "--model" not in argv:
        argv += ["--model", "logreg"]
    return argv


@pytest.fixture(scope="module")
def scheduler():
    """A local Dask scheduler with one worker, for the cluster commands."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def kaggle(request, monkeypatch):
    """The fake Kaggle server (tests/conftest.py's) with a legacy key, for commands that talk
    to Kaggle."""
    request.getfixturevalue("kaggle_imported_offline")
    server = request.getfixturevalue("fake")
    monkeypatch.setenv("KAGGLE_USERNAME", server.state.username)
    monkeypatch.setenv("KAGGLE_KEY", server.state.key)
    return server


KAGGLE_COMMANDS = ("submit", "submissions", "competitions")


@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
def test_documented_command_runs(words, world, tmp_path, monkeypatch, capsys, request):
    page, line, error = COMMANDS[words]
    if words in CANNOT_RUN:
        pytest.skip(CANNOT_RUN[words])
    if "../shared/datasets" in words and not (SHARED / "titanic" / "train.csv").is_file():
        pytest.skip(f"real data not found at {SHARED}")
    if "--holdout" in words and "--data-dir" not in words:  # the images, where users keep them
        if not (SHARED / "mnist").is_dir():
            pytest.skip(f"MNIST not found at {SHARED}")
        monkeypatch.setenv("KAGGLEKIT_DATA_DIR", str(SHARED))
    folder = tmp_path / "work"
    shutil.copytree(world, folder)
    monkeypatch.chdir(folder)
    monkeypatch.delenv("KAGGLEKIT_RUNS_DIR", raising=False)  # runs/ here, as for a user
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if words[0] in KAGGLE_COMMANDS:
        request.getfixturevalue("kaggle")
    address = request.getfixturevalue("scheduler") if "{scheduler}" in words else None
    argv = tiny_argv(words, folder, address)
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's --version and --help
        code = stop.code
    out, err = capsys.readouterr()
    where = f"{page}: {line}\nran: kagglekit {shlex.join(argv)}\n{err[-2000:]}"
    if error:
        assert code == 2, where
        expected = " ".join(error.split()[:6])  # the message's start; paths and seconds vary
        assert err.strip().splitlines()[-1].startswith(expected), where
        return
    assert code == 0, where
    assert out.strip(), f"{where}\nprinted nothing"
