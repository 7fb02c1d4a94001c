"""The append-only submission history and its merge with Kaggle's list."""

from __future__ import annotations

import json

import pytest

from kagglekit.kaggle import history


def _submitted(path, ref, competition="titanic", **fields):
    return history.append_event(path, "submitted", competition=competition, ref=ref,
                                file=f"/x/sub-{ref}.csv", sha256="ab" * 32,
                                pipeline="titanic-rf", cv_accuracy=0.8372,
                                message=f"try {ref}", **fields)


def test_events_are_appended_one_line_each(tmp_path):
    path = tmp_path / "submissions" / "history.jsonl"
    _submitted(path, 1000)
    first = path.read_bytes()
    history.append_event(path, "scored", competition="titanic", ref=1000, status="complete",
                         public_score="0.77", private_score=None, error=None)

    lines = path.read_text().splitlines()
    assert path.read_bytes().startswith(first)  # earlier lines are never rewritten
    assert [json.loads(line)["event"] for line in lines] == ["submitted", "scored"]


def test_read_folds_scores_into_their_submission(tmp_path):
    path = tmp_path / "history.jsonl"
    _submitted(path, 1000)
    _submitted(path, 1001)
    _submitted(path, 7, competition="house-prices")
    history.append_event(path, "scored", competition="titanic", ref=1000, status="complete",
                         public_score="0.77", private_score=None, error=None)

    records = history.read_history(path, "titanic")

    assert [r["ref"] for r in records] == [1000, 1001]
    assert records[0]["public_score"] == "0.77" and records[0]["status"] == "complete"
    assert records[0]["sha256"] == "ab" * 32 and records[0]["pipeline"] == "titanic-rf"
    assert "public_score" not in records[1]
    assert len(history.read_history(path)) == 3


def test_a_missing_history_is_empty(tmp_path):
    assert history.read_history(tmp_path / "nothing.jsonl") == []


def test_an_unfinished_last_line_is_skipped_and_not_glued_to_the_next(tmp_path):
    path = tmp_path / "history.jsonl"
    _submitted(path, 1000)
    with open(path, "a") as handle:
        handle.write('{"event": "submitted", "ref": 10')  # a crash mid-write

    _submitted(path, 1002)

    with pytest.warns(UserWarning, match=r"history.jsonl:2: unreadable history line"):
        records = history.read_history(path, "titanic")
    assert [r["ref"] for r in records] == [1000, 1002]


def test_merge_matches_refs_and_keeps_both_sides(tmp_path):
    path = tmp_path / "history.jsonl"
    _submitted(path, 1000, time="20261125T100000Z")
    _submitted(path, 1001, time="20261125T110000Z")
    local = history.read_history(path, "titanic")
    remote = [
        {"ref": 1001, "date": "2026-11-25T11:00:01Z", "status": "complete",
         "public_score": "0.78", "error": None, "file_name": "sub-1001.csv",
         "description": "try 1001"},
        {"ref": 999, "date": "2026-11-24T09:00:00Z", "status": "error", "public_score": None,
         "error": "bad rows", "file_name": "web.csv", "description": "by hand"},
    ]

    rows = history.merge(local, remote)

    assert [(r["ref"], r["seen"]) for r in rows] == [
        (1001, "local+kaggle"), (1000, "local"), (999, "kaggle")]
    assert rows[0]["public_score"] == "0.78" and rows[0]["cv_score"] == 0.8372
    assert rows[0]["time"] == "2026-11-25 11:00" and rows[0]["file"] == "sub-1001.csv"
    assert rows[2]["error"] == "bad rows" and rows[2]["pipeline"] is None
    assert [r["seen"] for r in history.merge(local, None)] == ["local", "local"]


def test_learned_scores_are_only_the_news(tmp_path):
    path = tmp_path / "history.jsonl"
    _submitted(path, 1000)
    _submitted(path, 1001)
    history.append_event(path, "scored", competition="titanic", ref=1000, status="complete",
                         public_score="0.77", private_score=None, error=None)
    local = history.read_history(path, "titanic")
    remote = [
        {"ref": 1000, "status": "complete", "public_score": "0.77", "private_score": None,
         "error": None},
        {"ref": 1001, "status": "complete", "public_score": "0.75", "private_score": None,
         "error": None},
    ]

    news = history.learned_scores(local, remote)

    assert news == [{"competition": "titanic", "ref": 1001, "status": "complete",
                     "public_score": "0.75", "private_score": None, "error": None}]
