"""`kagglekit competitions download`, `submit [--wait]` and `submissions` against the fake
Kaggle server (the real kaggle client; nothing of kagglekit is mocked)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest

from kagglekit.cli import main
from kagglekit.kaggle import leaderboard as scoring
from kagglekit.submissions.export import write_submission


@pytest.fixture
def cwd(isolated_env, monkeypatch):
    monkeypatch.chdir(isolated_env)
    monkeypatch.setattr(scoring, "POLL_INTERVAL_S", 0.01)
    monkeypatch.setattr(scoring, "MAX_POLL_INTERVAL_S", 0.02)
    return isolated_env


@pytest.fixture
def good_file(cwd, titanic):
    ids = titanic.X_test["PassengerId"].astype("int64")
    return write_submission(np.zeros(len(ids), dtype=int), ids, cwd / "submissions",
                            pipeline="titanic-rf", cv_score=0.8372)


def _events(cwd):
    path = cwd / "submissions" / "history.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def _one_error_line(err):
    assert err.startswith("kagglekit: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_competitions_download(fake, legacy_key, cwd, capsys):
    assert main(["competitions", "download", "titanic", "--data-dir", "dd"]) == 0

    assert capsys.readouterr().out == f"data: {Path('dd') / 'titanic'}\n"
    assert sorted(p.name for p in (cwd / "dd" / "titanic").iterdir()) == [
        "test.csv", "train.csv"]


def test_submit_wait_prints_the_public_score_and_records_it(fake, legacy_key, good_file,
                                                           cwd, capsys):
    fake.state.scoring.update(pending_polls=2, public_score="0.77990")

    assert main(["submit", str(good_file), "--competition", "titanic", "--wait"]) == 0

    out = capsys.readouterr().out
    assert f"submitted {good_file} to titanic (ref 1000)" in out
    assert out.rstrip().endswith("public score: 0.77990")
    received = fake.state.submissions[0]
    assert received["data"] == good_file.read_bytes()
    assert received["description"] == "titanic-rf, CV 0.8372"
    submitted, scored = _events(cwd)
    manifest = json.loads(good_file.with_suffix(".json").read_text())
    assert submitted["event"] == "submitted" and submitted["ref"] == 1000
    assert submitted["sha256"] == manifest["sha256"]
    assert submitted["pipeline"] == "titanic-rf" and submitted["cv_score"] == 0.8372
    assert submitted["message"] == "titanic-rf, CV 0.8372"
    assert scored == {**scored, "event": "scored", "ref": 1000, "status": "complete",
                      "public_score": "0.77990"}


def test_a_wrong_file_is_refused_before_any_upload(fake, legacy_key, good_file, capsys):
    lines = good_file.read_text().splitlines()
    good_file.write_text("\n".join(lines[:-1]) + "\n")  # one passenger missing

    assert main(["submit", str(good_file), "--message", "m"]) == 2

    err = _one_error_line(capsys.readouterr().err)
    assert "417 rows, the test set has 418" in err
    assert fake.state.calls == []  # not even authenticated, let alone uploaded
    assert not (good_file.parent / "history.jsonl").exists()


def test_a_scoring_error_gives_kaggles_reason(fake, legacy_key, good_file, cwd, capsys):
    fake.state.scoring.update(pending_polls=1, error="Submission scoring failed: bad header")

    assert main(["submit", str(good_file), "--wait"]) == 2

    err = _one_error_line(capsys.readouterr().err)
    assert "could not score submission 1000" in err and "bad header" in err
    assert _events(cwd)[-1]["status"] == "error"


def test_the_wait_is_bounded(fake, legacy_key, good_file, cwd, capsys):
    fake.state.scoring.update(pending_polls=10**6)

    start = time.monotonic()
    assert main(["submit", str(good_file), "--wait-timeout", "0.3"]) == 2  # implies --wait

    assert time.monotonic() - start < 30
    err = _one_error_line(capsys.readouterr().err)
    assert "not scored submission 1000 after 0.3 s" in err
    assert "kagglekit submissions titanic" in err
    assert [e["event"] for e in _events(cwd)] == ["submitted"]  # the upload is on record


def test_submissions_shows_local_history_beside_kaggles_list(fake, legacy_key, good_file, cwd,
                                                             capsys):
    fake.state.scoring.update(pending_polls=0, public_score="0.76794")
    assert main(["submit", str(good_file)]) == 0
    with fake.state.lock:
        fake.state.add_submission("titanic", description="by hand", file_name="web.csv")
    capsys.readouterr()

    assert main(["submissions", "titanic"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["ref", "submitted", "(UTC)", "status"]
    by_ref = {line.split()[0]: line for line in lines[1:-1]}
    assert set(by_ref) == {"1000", "1001"}
    assert lines[-1].startswith("CV against the public leaderboard: 1 submission with both")
    assert "0.76794" in by_ref["1000"] and "0.8372" in by_ref["1000"]
    assert "titanic-rf" in by_ref["1000"] and "local+kaggle" in by_ref["1000"]
    assert "web.csv: by hand" in by_ref["1001"] and " kaggle " in by_ref["1001"]
    # The score learned from Kaggle is now in the local history too.
    assert _events(cwd)[-1] == {**_events(cwd)[-1], "event": "scored", "ref": 1000,
                                "public_score": "0.76794"}
    assert main(["submissions", "titanic"]) == 0
    assert len(_events(cwd)) == 2  # nothing new learned the second time


def test_submissions_local_needs_no_credentials(isolated_env, cwd, capsys):
    assert main(["submissions", "titanic", "--local"]) == 0
    assert capsys.readouterr().out == "no submissions to titanic yet\n"
    assert main(["submissions", "titanic"]) == 2
    assert "No Kaggle credentials" in _one_error_line(capsys.readouterr().err)


def test_rules_not_accepted_is_one_line(fake, legacy_key, cwd, capsys):
    folder = cwd / "data" / "house-prices"
    folder.mkdir(parents=True)
    (folder / "sample_submission.csv").write_text("Id,SalePrice\n1461,1.0\n")
    (cwd / "hp.csv").write_text("Id,SalePrice\n1461,123456.5\n")

    assert main(["submit", "hp.csv", "--competition", "house-prices"]) == 2

    err = _one_error_line(capsys.readouterr().err)
    assert "accept the competition rules" in err and "house-prices/rules" in err
    assert fake.state.submissions == []


def test_unknown_format_warns_and_uploads(fake, legacy_key, cwd, capsys):
    fake.state.competitions["digit-recognizer"] = {}
    fake.state.entered.add("digit-recognizer")
    (cwd / "digits.csv").write_text("ImageId,Label\n1,7\n")

    assert main(["submit", "digits.csv", "--competition", "digit-recognizer"]) == 0

    err = capsys.readouterr().err
    assert err.startswith("kagglekit: warning: no submission format known for "
                          "'digit-recognizer'") and err.count("\n") == 1
    assert fake.state.submissions[-1]["data"] == b"ImageId,Label\n1,7\n"


def test_exposed_kaggle_json_warns_once_and_the_key_is_never_shown(fake, good_file, cwd,
                                                                  capsys):
    config = Path(os.environ["KAGGLE_CONFIG_DIR"])
    config.mkdir()
    (config / "kaggle.json").write_text(
        json.dumps({"username": fake.state.username, "key": fake.state.key}))
    (config / "kaggle.json").chmod(0o644)

    assert main(["submit", str(good_file), "--wait"]) == 0
    assert main(["submissions", "titanic"]) == 0
    fake.state.fail_next = [503] * 5
    assert main(["submissions", "titanic"]) == 2

    out, err = capsys.readouterr()
    warnings = [line for line in err.splitlines() if line.startswith("kagglekit: warning:")]
    assert len(warnings) == 3  # one per command
    assert f"chmod 600 {config / 'kaggle.json'}" in warnings[0]
    for text in (out, err, (cwd / "submissions" / "history.jsonl").read_text()):
        assert fake.state.key not in text


def test_dead_network_is_a_clear_error(isolated_env, free_port, good_file, monkeypatch, capsys):
    monkeypatch.setenv("KAGGLE_USERNAME", "someone")
    monkeypatch.setenv("KAGGLE_KEY", "secret-key-123")

    start = time.monotonic()
    assert main(["submit", str(good_file)]) == 2

    assert time.monotonic() - start < 30
    err = _one_error_line(capsys.readouterr().err)
    assert "Could not reach Kaggle" in err and "secret-key-123" not in err


def test_submitting_the_same_file_again_warns(fake, legacy_key, good_file, cwd, capsys):
    assert main(["submit", str(good_file)]) == 0
    assert capsys.readouterr().err == ""

    assert main(["submit", str(good_file), "--message", "again"]) == 0

    err = capsys.readouterr().err
    assert err.startswith(f"kagglekit: warning: {good_file.name} was already submitted to "
                          "titanic (ref 1000, ") and err.count("\n") == 1
    assert len(fake.state.submissions) == 2  # a warning, not a refusal


@pytest.mark.parametrize("value", ["0", "-5", "inf", "nan", "soon"])
def test_the_wait_timeout_must_be_a_finite_positive_number(value, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["submit", "x.csv", "--wait-timeout", value])
    assert exit_.value.code == 2
    assert "--wait-timeout" in capsys.readouterr().err


def test_a_file_edited_after_export_is_not_credited_to_the_pipeline(fake, legacy_key,
                                                                     good_file, cwd):
    lines = good_file.read_text().splitlines()
    lines[1] = lines[1][:-1] + "1"  # still a valid submission, no longer the model's output
    good_file.write_text("\n".join(lines) + "\n")

    assert main(["submit", str(good_file)]) == 0

    (submitted,) = _events(cwd)
    assert submitted["pipeline"] is None and submitted["cv_score"] is None
    assert submitted["message"] == "kagglekit submission"
    assert fake.state.submissions[0]["description"] == "kagglekit submission"


def test_submissions_say_whether_the_cv_tracks_the_leaderboard(fake, legacy_key, titanic, cwd,
                                                               capsys):
    ids = titanic.X_test["PassengerId"].astype("int64")
    public = ["0.7600", "0.7700", "0.7750", "0.7800", "0.7900"]
    for i, cv in enumerate([0.80, 0.81, 0.82, 0.83, 0.84]):
        fake.state.scoring.update(pending_polls=0, public_score=public[i])
        labels = (np.arange(len(ids)) < 10 * i).astype(int)  # a different file each time
        path = write_submission(labels, ids, cwd / "submissions", pipeline=f"p{i}",
                                cv_score=cv)
        assert main(["submit", str(path), "--competition", "titanic"]) == 0
        if i == 3:
            capsys.readouterr()
            assert main(["submissions", "titanic"]) == 0
            assert "4 submissions with both scores; 1 more needed" in capsys.readouterr().out
    capsys.readouterr()
    assert main(["submissions", "titanic", "--plot", "cv.png"]) == 0
    out = capsys.readouterr().out
    assert "0.8400 (accuracy)" in out
    assert ("Spearman rank correlation 1.00 over 5 submissions; the CV tracks the leaderboard"
            in out)
    assert (cwd / "cv.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["submissions", "titanic", "--plot", "cv.png"]) == 2  # never overwritten
    assert "cv.png exists" in capsys.readouterr().err
