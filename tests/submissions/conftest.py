"""Fixtures for the Kaggle client tests: an isolated environment and the fake Kaggle server.

kagglesdk sends every call to http://localhost:7777 when KAGGLE_API_ENVIRONMENT=TEST; the
fake server (fake_kaggle.py) listens there. Nothing of kagglekit or kaggle is mocked.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys

import pytest

from tests.submissions.fake_kaggle import FakeKaggle, port_in_use

CSV_BYTES = b"PassengerId,Survived\n892,0\n893,1\n"


@pytest.fixture(scope="session", autouse=True)
def _kaggle_imported_offline(tmp_path_factory):
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


@pytest.fixture
def free_port():
    if port_in_use():
        pytest.skip("port 7777 (fixed by kagglesdk for KAGGLE_API_ENVIRONMENT=TEST) is in use")


@pytest.fixture
def fake(isolated_env, free_port):
    with FakeKaggle() as server:
        yield server


@pytest.fixture
def legacy_key(fake, monkeypatch):
    monkeypatch.setenv("KAGGLE_USERNAME", fake.state.username)
    monkeypatch.setenv("KAGGLE_KEY", fake.state.key)


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "submission.csv"
    path.write_bytes(CSV_BYTES)
    return path
