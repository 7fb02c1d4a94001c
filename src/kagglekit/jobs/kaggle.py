"""Kaggle's side of a job: upload a checked submission and follow its score, and the local
history of submissions beside Kaggle's own list."""

from __future__ import annotations

from pathlib import Path

from kagglekit.errors import KagglekitError
from kagglekit.submissions.export import latest_submission


def submit(file=None, *, competition: str = "titanic", message: str | None = None,
           folder: str | Path = "submissions", data_dir=None, wait: bool = False,
           wait_timeout: float | None = None, log=print) -> dict:
    """Check a submission CSV against the competition's format, upload it, record it.

    Nothing is uploaded when the file does not fit the format (see
    :func:`kagglekit.submissions.formats.check_submission_file`); a file whose sha256 is
    already in the history gives a warning (it is still uploaded). Each upload is appended to
    ``<folder>/history.jsonl`` with the file's sha256, the pipeline and CV score of its
    manifest, the message and Kaggle's ref; with ``wait`` the score is polled and recorded
    too.

    Parameters
    ----------
    file : path, optional
        The CSV (default: the newest in ``folder``).
    competition : str, default="titanic"
        The competition's URL name.
    message : str, optional
        The description on Kaggle (default: pipeline and CV score from the manifest).
    folder : path, default="submissions"
        Where the default file is looked for and the history is kept.
    data_dir : path, optional
        The data folder holding the competition's files (for its format).
    wait : bool, default=False
        Poll Kaggle until the submission is scored.
    wait_timeout : float, optional
        Seconds to wait in all (default
        :data:`kagglekit.kaggle.leaderboard.WAIT_TIMEOUT_S`).
    log : callable, default=print
        Receives progress lines: the upload's answer, then the wait.

    Returns
    -------
    dict
        :func:`kagglekit.kaggle.api.submit`'s answer, plus ``checked_against``,
        ``history`` (the history file) and, with ``wait``, ``public_score`` and
        ``private_score``.

    Raises
    ------
    KagglekitError
        The file does not fit, the upload failed, Kaggle reported a scoring error (with its
        reason), or the wait timed out (the submission itself was made and recorded).
    """
    from kagglekit.kaggle import history, leaderboard  # import kaggle lazily
    from kagglekit.kaggle.api import submit as upload
    from kagglekit.kaggle.client import check_competition
    from kagglekit.submissions.export import submission_origin
    from kagglekit.submissions.formats import check_submission_file

    check_competition(competition)
    path = Path(file) if file else latest_submission(folder)
    if not path.is_file():
        raise KagglekitError(f"{path}: no such submission file")
    checked = check_submission_file(path, competition, data_dir)
    origin = submission_origin(path)
    history_path = Path(folder) / history.HISTORY_FILE
    history.warn_if_submitted(history_path, competition, path.name, origin["sha256"])
    if message is None:
        cv = origin.get("cv_score")
        message = ", ".join(filter(None, [origin.get("pipeline") or "kagglekit submission",
                                          f"CV {cv:.4f}" if cv is not None else None]))
    result = upload(path, competition=competition, message=message)
    history.append_event(history_path, "submitted", competition=competition,
                         ref=result["ref"], file=result["file"], sha256=origin["sha256"],
                         pipeline=origin.get("pipeline"), metric=origin.get("metric"),
                         cv_score=origin.get("cv_score"),
                         message=message, kaggle_message=result["status"])
    result.update(checked_against=checked, history=str(history_path))
    log(f"submitted {result['file']} to {competition} (ref {result['ref']}): "
        f"{result['status']}")
    if not wait:
        return result
    if not result["ref"]:
        raise KagglekitError("Kaggle returned no submission id, so it cannot be followed: "
                             f"see `kagglekit submissions {competition}`")
    timeout = leaderboard.WAIT_TIMEOUT_S if wait_timeout is None else wait_timeout
    log(f"waiting for Kaggle to score submission {result['ref']} (up to {timeout:g} s) ...")
    scored = leaderboard.wait_for_score(competition, result["ref"], timeout_s=timeout)
    history.append_event(history_path, "scored", competition=competition, ref=result["ref"],
                         **{k: scored[k] for k in ("status", "public_score", "private_score",
                                                   "error")})
    if scored["status"] == "error":
        reason = scored["error"] or "no reason given"
        raise KagglekitError(f"Kaggle could not score submission {result['ref']} "
                             f"({path.name}): {reason}; fix the file and submit again")
    result.update(public_score=scored["public_score"], private_score=scored["private_score"])
    return result


def submissions(competition: str, *, folder: str | Path = "submissions",
                local_only: bool = False) -> list[dict]:
    """The local submission history beside Kaggle's own list, matched by ref.

    Scores and statuses learned from Kaggle are appended to the history.

    Parameters
    ----------
    competition : str
        The competition's URL name.
    folder : path, default="submissions"
        Where the history file is.
    local_only : bool, default=False
        Do not ask Kaggle (no credentials or network needed).

    Returns
    -------
    list of dict
        Rows from :func:`kagglekit.kaggle.history.merge`, newest first.
    """
    from kagglekit.kaggle import history
    from kagglekit.kaggle.client import check_competition

    check_competition(competition)
    history_path = Path(folder) / history.HISTORY_FILE
    local = history.read_history(history_path, competition)
    if local_only:
        return history.merge(local, None)
    from kagglekit.kaggle.leaderboard import list_submissions

    try:
        remote = list_submissions(competition)
    except KagglekitError as exc:
        raise type(exc)(f"{exc} (`kagglekit submissions {competition} --local` shows the "
                        "local history alone)") from exc
    for news in history.learned_scores(local, remote):
        history.append_event(history_path, "scored", **news)
    return history.merge(local, remote)
