import contextlib
import importlib
import io
import os
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from tests.kaggle.fake_kaggle import FakeKaggle, port_in_use

# No per-example deadline (shared, noisy machines); CI runs a fixed, repeatable set of examples.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None,
                          print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """The real data sets beside the project (../shared/datasets); skip when absent."""
    if not (SHARED / "titanic" / "train.csv").is_file():
        pytest.skip(f"real data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def titanic():
    from kagglekit.data import load_dataset

    return load_dataset("titanic")


@pytest.fixture
def small_titanic(titanic):
    """200 training rows: enough for every category, fast to fit."""
    return titanic.X.iloc[:200].copy(), titanic.y.iloc[:200].copy()


@pytest.fixture(autouse=True)
def _no_data_dir_env(monkeypatch, tmp_path_factory):
    monkeypatch.delenv("KAGGLEKIT_DATA_DIR", raising=False)
    # every competition run keeps a run folder: never in the checkout
    monkeypatch.setenv("KAGGLEKIT_RUNS_DIR", str(tmp_path_factory.getbasetemp() / "runs"))


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


# The Kaggle client against the fake Kaggle server: kagglesdk sends every call to
# http://localhost:7777 when KAGGLE_API_ENVIRONMENT=TEST, and tests/kaggle/fake_kaggle.py
# listens there. Nothing of kagglekit or kaggle is mocked.
@pytest.fixture(scope="session")
def kaggle_imported_offline(tmp_path_factory):
    """Import kaggle once without credentials.

    ``kaggle/__init__.py`` authenticates at import time with KaggleApi, which ignores
    KAGGLE_API_ENVIRONMENT: with a token in the environment it would call api.kaggle.com.
    """
    if "kaggle" in sys.modules:
        return
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("KAGGLE_"):
                mp.delenv(name)
        home = tmp_path_factory.mktemp("import-home")
        mp.setenv("HOME", str(home))
        mp.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            importlib.import_module("kaggle")


@pytest.fixture
def isolated_env(tmp_path, monkeypatch):
    """No real credentials: HOME, config dirs and every KAGGLE_* variable point at tmp_path."""
    for name in list(os.environ):
        if name.startswith("KAGGLE_") or name in ("VERBOSE", "VERBOSE_OUTPUT"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("KAGGLE_CONFIG_DIR", str(tmp_path / "kaggle-config"))
    monkeypatch.setenv("KAGGLE_API_ENVIRONMENT", "TEST")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    return tmp_path


@contextlib.contextmanager
def kaggle_port():
    """Hold the fake Kaggle API's fixed port 7777 for this process: ``make test`` runs the
    suite in two processes (pytest -n 2), and a test serving or probing the port waits here
    while the other process's test uses it."""
    import fcntl
    import tempfile

    lock = Path(tempfile.gettempdir()) / "kagglekit-tests-port-7777.lock"
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture
def free_port():
    with kaggle_port():
        if port_in_use():
            pytest.skip("port 7777 (fixed by kagglesdk for KAGGLE_API_ENVIRONMENT=TEST) is "
                        "in use by another program")
        yield


@pytest.fixture
def fake(isolated_env, free_port):
    with FakeKaggle() as server:
        yield server


@pytest.fixture
def legacy_key(fake, monkeypatch):
    monkeypatch.setenv("KAGGLE_USERNAME", fake.state.username)
    monkeypatch.setenv("KAGGLE_KEY", fake.state.key)



os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


