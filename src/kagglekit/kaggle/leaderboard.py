"""Kaggle's view of your submissions: list them, read one, wait until one is scored.

Calls go through the same bounded, quiet client as :mod:`kagglekit.kaggle.api`
(RPCs ``ListSubmissions`` and ``GetSubmission`` of ``competitions.CompetitionApiService``).
A submission is returned as a plain dict:

``ref`` (int), ``date`` (ISO 8601 UTC or None), ``description``, ``file_name``,
``status`` (``"pending"``, ``"complete"`` or ``"error"``), ``public_score`` and
``private_score`` (Kaggle's strings, None until scored), ``error`` (Kaggle's reason when
the status is ``"error"``).
"""

from __future__ import annotations

import time

from kagglekit.errors import KagglekitError
from kagglekit.kaggle.client import authenticated_api, call_client, check_competition

__all__ = ["list_submissions", "get_submission", "wait_for_score"]

#: Seconds before the first status poll; the pause grows by half each time.
POLL_INTERVAL_S = 5.0
#: The longest pause between two polls.
MAX_POLL_INTERVAL_S = 30.0
#: How long :func:`wait_for_score` waits in all, by default.
WAIT_TIMEOUT_S = 300.0


def list_submissions(competition, *, page_size=50):
    """Your team's submissions to a competition, newest first, as Kaggle lists them.

    Parameters
    ----------
    competition : str
        The competition's URL name, e.g. ``"titanic"``.
    page_size : int, default=50
        How many of the newest submissions to fetch (one page).

    Returns
    -------
    list of dict
        One dict per submission (see the module docstring).

    Raises
    ------
    KagglekitError
        Missing or rejected credentials, unknown competition, rules not accepted, or
        Kaggle unreachable.
    """
    competition = check_competition(competition)
    api = authenticated_api()
    found = call_client(
        lambda: api.competition_submissions(competition, page_size=page_size), competition
    )
    return [_as_dict(item) for item in found or [] if item is not None]


def get_submission(competition, ref, *, api=None):
    """One submission's current status and scores.

    Parameters
    ----------
    competition : str
        The competition's URL name (named in error messages).
    ref : int
        The submission id Kaggle returned when it was made.
    api : KaggleApi, optional
        An authenticated client to reuse (default: authenticate now).

    Returns
    -------
    dict
        The submission (see the module docstring).
    """
    from kagglesdk.competitions.types.competition_api_service import ApiGetSubmissionRequest

    competition = check_competition(competition)
    api = api or authenticated_api()
    request = ApiGetSubmissionRequest()
    request.ref = int(ref)

    def fetch():
        with api.build_kaggle_client() as kaggle:
            return kaggle.competitions.competition_api_client.get_submission(request)

    return _as_dict(call_client(fetch, competition))


def wait_for_score(competition, ref, *, timeout_s=WAIT_TIMEOUT_S, on_poll=None):
    """Poll a submission until Kaggle has scored it or reported an error.

    The first poll is immediate; then the pause starts at :data:`POLL_INTERVAL_S` and grows
    by half each time up to :data:`MAX_POLL_INTERVAL_S`, never past the deadline.

    Parameters
    ----------
    competition : str
        The competition's URL name.
    ref : int
        The submission id.
    timeout_s : float, default=WAIT_TIMEOUT_S
        Total seconds to wait.
    on_poll : callable, optional
        Called with each polled submission dict (e.g. to show progress).

    Returns
    -------
    dict
        The submission, with status ``"complete"`` or ``"error"`` (the caller decides
        what an error means).

    Raises
    ------
    KagglekitError
        Kaggle is still scoring it after ``timeout_s`` seconds, or a poll failed.
    """
    if not timeout_s > 0:
        raise KagglekitError(f"The wait timeout must be positive, got {timeout_s}")
    api = authenticated_api()
    deadline = time.monotonic() + timeout_s
    pause = POLL_INTERVAL_S
    while True:
        submission = get_submission(competition, ref, api=api)
        if on_poll is not None:
            on_poll(submission)
        if submission["status"] != "pending":
            return submission
        left = deadline - time.monotonic()
        if left <= 0:
            raise KagglekitError(
                f"Kaggle has not scored submission {ref} after {timeout_s:g} s: see its score "
                f"later with `kagglekit submissions {competition}`"
            )
        time.sleep(min(pause, left))
        pause = min(pause * 1.5, MAX_POLL_INTERVAL_S)


def _as_dict(submission):
    date = getattr(submission, "date", None)
    status = getattr(getattr(submission, "status", None), "name", "PENDING")
    return {
        "ref": int(getattr(submission, "ref", 0) or 0),
        "date": date.isoformat(timespec="seconds") + "Z" if date else None,
        "description": getattr(submission, "description", None),
        "file_name": getattr(submission, "file_name", None),
        "status": status.lower(),
        "public_score": getattr(submission, "public_score", None) or None,
        "private_score": getattr(submission, "private_score", None) or None,
        "error": getattr(submission, "error_description", None) or None,
    }
