"""Listing, reading and waiting for Kaggle submissions: the real client, the fake server."""

from __future__ import annotations

import time

import pytest

from kagglekit.errors import CredentialsError, KagglekitError
from kagglekit.kaggle import client
from kagglekit.kaggle import leaderboard as scoring

LIST_RPC = "/api/v1/competitions.CompetitionApiService/ListSubmissions"
GET_RPC = "/api/v1/competitions.CompetitionApiService/GetSubmission"


@pytest.fixture
def fast_polls(monkeypatch):
    monkeypatch.setattr(scoring, "POLL_INTERVAL_S", 0.01)
    monkeypatch.setattr(scoring, "MAX_POLL_INTERVAL_S", 0.02)


def _submit(fake, **scoring_settings):
    fake.state.scoring.update(scoring_settings)
    with fake.state.lock:
        return fake.state.add_submission("titanic", description="web upload",
                                         file_name="sub.csv")


def _calls(fake, path):
    return sum(1 for _, called, _ in fake.state.calls if called == path)


def test_list_submissions_newest_first(fake, legacy_key):
    first = _submit(fake, pending_polls=0, public_score="0.76555")
    second = _submit(fake, pending_polls=0, error="Submission must have 418 rows")
    third = _submit(fake, pending_polls=3)

    listed = scoring.list_submissions("titanic")

    assert [s["ref"] for s in listed] == [third, second, first]
    assert listed[2]["status"] == "complete" and listed[2]["public_score"] == "0.76555"
    assert listed[1]["status"] == "error"
    assert listed[1]["error"] == "Submission must have 418 rows"
    assert listed[0]["status"] == "pending" and listed[0]["public_score"] is None
    assert listed[0]["description"] == "web upload" and listed[0]["file_name"] == "sub.csv"
    assert listed[0]["date"].endswith("Z")


def test_list_submissions_of_a_competition_without_any(fake, legacy_key):
    assert scoring.list_submissions("titanic") == []


def test_wait_polls_until_scored(fake, legacy_key, fast_polls):
    ref = _submit(fake, pending_polls=3, public_score="0.78468")
    seen = []

    result = scoring.wait_for_score("titanic", ref, timeout_s=30, on_poll=seen.append)

    assert result["status"] == "complete" and result["public_score"] == "0.78468"
    assert [s["status"] for s in seen] == ["pending"] * 3 + ["complete"]
    assert _calls(fake, GET_RPC) == 4


def test_wait_returns_kaggles_error(fake, legacy_key, fast_polls):
    ref = _submit(fake, pending_polls=1, error="Evaluation Exception: id column missing")

    result = scoring.wait_for_score("titanic", ref, timeout_s=30)

    assert result["status"] == "error"
    assert result["error"] == "Evaluation Exception: id column missing"


def test_wait_gives_up_after_the_timeout(fake, legacy_key, fast_polls):
    ref = _submit(fake, pending_polls=10**6)

    start = time.monotonic()
    with pytest.raises(KagglekitError, match=f"not scored submission {ref} after 0.2 s"):
        scoring.wait_for_score("titanic", ref, timeout_s=0.2)

    assert time.monotonic() - start < 30
    assert _calls(fake, GET_RPC) >= 2


def test_wait_rejects_a_non_positive_timeout(isolated_env):
    with pytest.raises(KagglekitError, match="must be positive"):
        scoring.wait_for_score("titanic", 1, timeout_s=0)


def test_unknown_submission(fake, legacy_key):
    with pytest.raises(KagglekitError, match="HTTP 404"):
        scoring.get_submission("titanic", 4242)


def test_list_with_a_rejected_key(fake, monkeypatch):
    monkeypatch.setenv("KAGGLE_USERNAME", fake.state.username)
    monkeypatch.setenv("KAGGLE_KEY", "wrong-key-77")

    with pytest.raises(CredentialsError, match="401") as info:
        scoring.list_submissions("titanic")

    assert "wrong-key-77" not in str(info.value)


def test_list_before_accepting_the_rules(fake, legacy_key):
    with pytest.raises(KagglekitError, match="accept the competition rules"):
        scoring.list_submissions("house-prices")


@pytest.mark.parametrize("status", [429, 502, 503])
def test_list_retries_a_brief_outage(fake, legacy_key, status):
    fake.state.fail_next = [status] * client.MAX_RETRIES

    assert scoring.list_submissions("titanic") == []
    assert _calls(fake, LIST_RPC) == client.MAX_RETRIES + 1


@pytest.mark.parametrize(("status", "match"), [(429, "rate-limiting"), (503, "server error")])
def test_list_gives_up_after_bounded_retries(fake, legacy_key, status, match):
    fake.state.fail_next = [status] * 10

    with pytest.raises(KagglekitError, match=match):
        scoring.list_submissions("titanic")

    assert _calls(fake, LIST_RPC) == client.MAX_RETRIES + 1
    assert len(fake.state.fail_next) == 10 - client.MAX_RETRIES - 1


def test_list_on_a_dead_network(isolated_env, free_port, monkeypatch):
    monkeypatch.setenv("KAGGLE_USERNAME", "someone")
    monkeypatch.setenv("KAGGLE_KEY", "secret-key-123")

    start = time.monotonic()
    with pytest.raises(KagglekitError, match="Could not reach Kaggle.*connection refused"):
        scoring.list_submissions("titanic")

    assert time.monotonic() - start < 30
