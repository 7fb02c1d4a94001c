"""End-to-end tests of kagglekit.kaggle.api: the real kaggle client, a fake server.

kagglesdk sends every call to http://localhost:7777 when KAGGLE_API_ENVIRONMENT=TEST; the
fake server (fake_kaggle.py) listens there. Nothing of kagglekit or kaggle is mocked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kagglekit.errors import CredentialsError, KagglekitError
from kagglekit.kaggle import api as kaggle_api
from kagglekit.kaggle import client
from kagglekit.kaggle.credentials import CredentialsWarning
from tests.kaggle.conftest import CSV_BYTES
from tests.kaggle.fake_kaggle import SilentServer


def test_submit_uploads_file_and_message(fake, legacy_key, csv_file, capfd):
    result = kaggle_api.submit(csv_file, competition="titanic", message="dnn, cv 0.83")

    assert len(fake.state.submissions) == 1
    received = fake.state.submissions[0]
    assert received["data"] == CSV_BYTES
    assert received["description"] == "dnn, cv 0.83"
    assert received["file_name"] == "submission.csv"
    assert result["competition"] == "titanic"
    assert result["file"] == str(csv_file.resolve())
    assert result["message"] == "dnn, cv 0.83"
    assert result["ref"] == received["ref"]
    assert result["status"].startswith("Successfully submitted")
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert all(
        auth and auth.startswith("Basic ")
        for _, path, auth in fake.state.calls
        if path.startswith("/api/")
    )


def test_submit_with_api_token(fake, csv_file, monkeypatch):
    monkeypatch.setenv("KAGGLE_API_TOKEN", fake.state.token)

    result = kaggle_api.submit(csv_file, message="token login")

    assert fake.state.submissions[-1]["data"] == CSV_BYTES
    assert result["ref"] == fake.state.submissions[-1]["ref"]
    rpc_auth = [auth for _, path, auth in fake.state.calls if "Competition" in path]
    assert rpc_auth and all(auth == f"Bearer {fake.state.token}" for auth in rpc_auth)


@pytest.mark.parametrize("where", ["KAGGLE_CONFIG_DIR", "~/.kaggle", "XDG_CONFIG_HOME"])
def test_submit_with_kaggle_json(fake, csv_file, isolated_env, monkeypatch, where):
    """kaggle.json is found in $KAGGLE_CONFIG_DIR, else ~/.kaggle, else $XDG_CONFIG_HOME/kaggle
    (the last only when ~/.kaggle does not exist)."""
    if where == "KAGGLE_CONFIG_DIR":
        folder = Path(os.environ["KAGGLE_CONFIG_DIR"])
    else:
        monkeypatch.delenv("KAGGLE_CONFIG_DIR")
        folder = (Path(os.environ["HOME"]) / ".kaggle" if where == "~/.kaggle"
                  else Path(os.environ["XDG_CONFIG_HOME"]) / "kaggle")
    folder.mkdir(parents=True)
    (folder / "kaggle.json").write_text(
        f'{{"username": "{fake.state.username}", "key": "{fake.state.key}"}}'
    )
    (folder / "kaggle.json").chmod(0o600)

    kaggle_api.submit(csv_file)

    assert fake.state.submissions[-1]["data"] == CSV_BYTES


def test_no_credentials_names_all_three_ways_and_prints_nothing(fake, csv_file, capfd):
    with pytest.raises(CredentialsError) as info:
        kaggle_api.submit(csv_file)

    message = str(info.value)
    assert "\n" not in message
    for way in (
        "kaggle.json",
        "KAGGLE_CONFIG_DIR",
        "KAGGLE_USERNAME",
        "KAGGLE_KEY",
        "KAGGLE_API_TOKEN",
    ):
        assert way in message
    assert isinstance(info.value.__cause__, SystemExit)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert fake.state.submissions == []


def test_rejected_key_is_a_credentials_error(fake, csv_file, monkeypatch):
    monkeypatch.setenv("KAGGLE_USERNAME", fake.state.username)
    monkeypatch.setenv("KAGGLE_KEY", "not-the-key")

    with pytest.raises(CredentialsError, match="401") as info:
        kaggle_api.submit(csv_file)

    assert "not-the-key" not in str(info.value)
    assert "\n" not in str(info.value)


def test_rejected_token_is_a_credentials_error(fake, csv_file, monkeypatch):
    monkeypatch.setenv("KAGGLE_API_TOKEN", "expired-token-42")

    with pytest.raises(CredentialsError, match="invalid or expired") as info:
        kaggle_api.submit(csv_file)

    assert "expired-token-42" not in str(info.value)
    assert fake.state.submissions == []


def test_rules_not_accepted_says_accept_the_rules(fake, legacy_key, csv_file):
    with pytest.raises(KagglekitError, match="accept the competition rules") as info:
        kaggle_api.submit(csv_file, competition="house-prices")

    assert "https://www.kaggle.com/competitions/house-prices" in str(info.value)
    assert not isinstance(info.value, CredentialsError)
    assert fake.state.submissions == []


def test_unknown_competition(fake, legacy_key, csv_file):
    with pytest.raises(KagglekitError, match="Unknown competition 'no-such-thing'"):
        kaggle_api.submit(csv_file, competition="no-such-thing")


def test_a_brief_outage_is_retried(fake, legacy_key, csv_file):
    fake.state.fail_next = [503, 429]

    kaggle_api.submit(csv_file)

    assert fake.state.submissions[-1]["data"] == CSV_BYTES
    assert fake.state.fail_next == []


def test_a_long_outage_gives_up_quickly(fake, legacy_key, csv_file):
    fake.state.fail_next = [503] * 10

    start = time.monotonic()
    with pytest.raises(KagglekitError, match="HTTP 503.*try again"):
        kaggle_api.submit(csv_file)

    assert time.monotonic() - start < 10
    assert len(fake.state.fail_next) == 10 - 1 - client.MAX_RETRIES
    assert fake.state.submissions == []


def test_download_competition_unzips_files(fake, legacy_key, tmp_path):
    dest = tmp_path / "data" / "titanic"

    result = kaggle_api.download_competition("titanic", dest)

    assert result == dest
    assert sorted(p.name for p in dest.iterdir()) == ["test.csv", "train.csv"]
    assert (dest / "train.csv").read_bytes() == fake.state.competitions["titanic"]["train.csv"]


def test_download_unknown_competition(fake, legacy_key, tmp_path):
    with pytest.raises(KagglekitError, match="Unknown competition"):
        kaggle_api.download_competition("no-such-thing", tmp_path / "x")
    assert list((tmp_path / "x").iterdir()) == []


def test_dead_network_fails_fast(isolated_env, free_port, csv_file, monkeypatch):
    # Nothing listens on localhost:7777: the connection is refused.
    monkeypatch.setenv("KAGGLE_USERNAME", "someone")
    monkeypatch.setenv("KAGGLE_KEY", "secret-key-123")

    start = time.monotonic()
    with pytest.raises(KagglekitError, match="Could not reach Kaggle") as info:
        kaggle_api.submit(csv_file)
    elapsed = time.monotonic() - start

    assert elapsed < 30
    assert "check your network" in str(info.value)
    assert "secret-key-123" not in str(info.value)
    assert not isinstance(info.value, CredentialsError)


def test_hung_server_times_out(isolated_env, free_port, csv_file, monkeypatch):
    monkeypatch.setenv("KAGGLE_USERNAME", "someone")
    monkeypatch.setenv("KAGGLE_KEY", "secret-key-123")
    monkeypatch.setattr(client, "READ_TIMEOUT_S", 0.5)

    with SilentServer():
        start = time.monotonic()
        with pytest.raises(KagglekitError, match="timed out"):
            kaggle_api.download_competition("titanic", isolated_env / "out")
        elapsed = time.monotonic() - start

    assert elapsed < 5


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("missing.csv", None, "does not exist"),
        ("preds.txt", CSV_BYTES, "not a .csv"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_bad_files_are_refused_before_any_network_call(
    isolated_env, tmp_path, monkeypatch, name, content, match
):
    # No server and an unreachable environment: a network call would fail differently.
    monkeypatch.setenv("KAGGLE_API_ENVIRONMENT", "NOT-A-REAL-ENVIRONMENT")
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(KagglekitError, match=match):
        kaggle_api.submit(path)


def test_importing_the_module_does_not_import_kaggle():
    # The module alone adds none of the heavy imports; and importing it the normal way
    # (parent package included) leaves kaggle and kagglesdk unimported.
    code = textwrap.dedent(
        f"""
        import importlib.util, sys
        import kagglekit.errors
        heavy = {{"kaggle", "kagglesdk", "requests", "urllib3", "tensorflow"}}
        before = set(sys.modules)
        spec = importlib.util.spec_from_file_location("probe", {str(kaggle_api.__file__)!r})
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
        added = {{m.split(".")[0] for m in set(sys.modules) - before}} & heavy
        import kagglekit.kaggle.api, kagglekit.kaggle.leaderboard
        import kagglekit.kaggle.history, kagglekit.submissions.formats
        print(sorted(added | {{m for m in ("kaggle", "kagglesdk") if m in sys.modules}}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_first_use_without_credentials_prints_nothing(tmp_path):
    # In a fresh process the wrapper itself imports kaggle, whose __init__ prints help text.
    csv = tmp_path / "s.csv"
    csv.write_bytes(CSV_BYTES)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE_")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / ".config"))
    env["KAGGLE_API_ENVIRONMENT"] = "TEST"
    code = textwrap.dedent(
        f"""
        import sys
        from kagglekit.errors import CredentialsError
        from kagglekit.kaggle.api import submit
        try:
            submit({str(csv)!r})
        except CredentialsError as exc:
            sys.stderr.write("CredentialsError: " + str(exc))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.stdout == ""
    assert result.stderr.startswith("CredentialsError: No Kaggle credentials found"), result.stderr
    assert "\n" not in result.stderr


# --------------------------------------------------------------------------- credential sources


def test_api_token_from_a_file_named_by_the_variable(fake, csv_file, tmp_path, monkeypatch):
    token_file = tmp_path / "token.txt"
    token_file.write_text(fake.state.token + "\n")
    monkeypatch.setenv("KAGGLE_API_TOKEN", str(token_file))

    kaggle_api.submit(csv_file)

    assert fake.state.calls[-1][2] == f"Bearer {fake.state.token}"


def test_api_token_from_home_access_token(fake, csv_file):
    folder = Path(os.environ["HOME"]) / ".kaggle"
    folder.mkdir()
    (folder / "access_token").write_text(fake.state.token)
    (folder / "access_token").chmod(0o600)

    kaggle_api.submit(csv_file)

    assert fake.state.calls[-1][2] == f"Bearer {fake.state.token}"


def test_environment_key_overrides_kaggle_json(fake, legacy_key, csv_file):
    config = Path(os.environ["KAGGLE_CONFIG_DIR"])
    config.mkdir()
    (config / "kaggle.json").write_text('{"username": "old", "key": "stale-key"}')
    (config / "kaggle.json").chmod(0o600)

    kaggle_api.submit(csv_file)

    assert fake.state.submissions[-1]["data"] == CSV_BYTES


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_kaggle_json_readable_by_others_warns_with_chmod(fake, csv_file, mode):
    config = Path(os.environ["KAGGLE_CONFIG_DIR"])
    config.mkdir()
    path = config / "kaggle.json"
    path.write_text(f'{{"username": "{fake.state.username}", "key": "{fake.state.key}"}}')
    path.chmod(mode)

    with pytest.warns(CredentialsWarning) as caught:
        kaggle_api.submit(csv_file)

    assert len(caught) == 1
    message = str(caught[0].message)
    assert f"chmod 600 {path}" in message and "\n" not in message
    assert fake.state.key not in message
    assert fake.state.submissions  # a warning, not a refusal


def test_private_kaggle_json_gives_no_warning(fake, csv_file, recwarn):
    config = Path(os.environ["KAGGLE_CONFIG_DIR"])
    config.mkdir()
    path = config / "kaggle.json"
    path.write_text(f'{{"username": "{fake.state.username}", "key": "{fake.state.key}"}}')
    path.chmod(0o600)

    kaggle_api.submit(csv_file)

    assert not [w for w in recwarn if issubclass(w.category, CredentialsWarning)]


@pytest.mark.parametrize(
    ("setup", "match"),
    [
        ({"key": "WRONG"}, "401"),
        ({"competition": "house-prices"}, "accept the competition rules"),
        ({"fail_next": [429] * 5}, "429"),
        ({"fail_next": [500] * 5}, "HTTP 500"),
        ({"fail_next": [400]}, "HTTP 400"),
    ],
)
def test_no_error_and_no_output_contains_the_key(fake, csv_file, monkeypatch, capfd, setup,
                                                 match):
    key = setup.get("key", fake.state.key)
    monkeypatch.setenv("KAGGLE_USERNAME", fake.state.username)
    monkeypatch.setenv("KAGGLE_KEY", key)
    fake.state.fail_next = list(setup.get("fail_next", []))

    with pytest.raises(KagglekitError, match=match) as info:
        kaggle_api.submit(csv_file, competition=setup.get("competition", "titanic"))

    out, err = capfd.readouterr()
    for text in (str(info.value), repr(info.value), out, err):
        assert key not in text and fake.state.token not in text
    assert "\n" not in str(info.value)


def test_evaluation_metric_asks_the_competition_list(fake, legacy_key):
    assert kaggle_api.evaluation_metric("titanic") == "CategorizationAccuracy"
    assert kaggle_api.evaluation_metric("house-prices") == "RMSE"
    assert kaggle_api.evaluation_metric("no-such-thing") is None


def test_a_competition_run_takes_the_metric_kaggle_names(fake, legacy_key, tmp_path,
                                                          monkeypatch):
    from kagglekit.jobs.competition_files import find_metric

    fake.state.metrics["titanic"] = "AUC"
    assert find_metric("titanic", None) == ("roc_auc", "Kaggle API")
    assert find_metric("titanic", "accuracy") == ("accuracy", "--metric")
    fake.state.metrics["titanic"] = "MAP@5"
    with pytest.warns(UserWarning, match="'MAP@5', which kagglekit does not have"):
        assert find_metric("titanic", None) == ("accuracy", "known competition")
