"""Submit to Kaggle and download competition files through the official client.

The client (kaggle 2.2.4) is reached through :mod:`kagglekit.kaggle.client`, which
imports it lazily, keeps it quiet, bounds its requests and turns every failure into a
one-line :class:`~kagglekit.errors.KagglekitError` that says what to do.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from kagglekit.errors import KagglekitError
from kagglekit.kaggle.client import authenticated_api, call_client, check_competition

__all__ = ["submit", "download_competition"]


def submit(path, competition="titanic", message="kagglekit submission"):
    """Upload a CSV file as a submission to a Kaggle competition.

    Parameters
    ----------
    path : str or os.PathLike
        The submission CSV. It is checked locally (exists, non-empty, ``.csv``) before any
        network call.
    competition : str, default="titanic"
        The competition's URL name, as in ``https://www.kaggle.com/competitions/<name>``.
    message : str, default="kagglekit submission"
        The submission description shown on Kaggle.

    Returns
    -------
    dict
        ``competition``, ``file`` (the absolute path), ``message``, ``ref`` (the submission
        id Kaggle returned, 0 if none), ``status`` (Kaggle's answer, e.g.
        ``"Successfully submitted to Titanic"``) and ``url`` (the page listing your
        submissions).

    Raises
    ------
    CredentialsError
        No credentials were found, or Kaggle rejected them.
    KagglekitError
        The file is unusable, the competition is unknown, its rules were not accepted, or
        Kaggle could not be reached.

    Examples
    --------
    >>> submit("submissions/titanic-dnn.csv", message="dnn, 5-fold CV 0.83")  # doctest: +SKIP
    {'competition': 'titanic', 'file': '...', 'ref': 123, 'status': 'Successfully ...', ...}
    """
    file = _check_csv(path)
    competition = check_competition(competition)
    message = str(message)
    api = authenticated_api()
    response = call_client(
        lambda: api.competition_submit(str(file), message, competition, quiet=True),
        competition,
    )
    status = getattr(response, "message", "") or ""
    if status == getattr(api, "COMPETITION_SUBMIT_UPLOAD_FAILED_MESSAGE", None):
        code = getattr(api, "kagglekit_upload_status", None)
        detail = f" (HTTP {code})" if code else ""
        raise KagglekitError(
            f"Kaggle did not accept the upload of {file.name}{detail}: try again in a few "
            "minutes; if it persists, submit the file by hand on "
            f"https://www.kaggle.com/competitions/{competition}/submissions"
        )
    return {
        "competition": competition,
        "file": str(file),
        "message": message,
        "ref": getattr(response, "ref", 0) or 0,
        "status": status,
        "url": f"https://www.kaggle.com/competitions/{competition}/submissions",
    }


def download_competition(competition, dest_dir):
    """Download a competition's data files and unzip them into a folder.

    Parameters
    ----------
    competition : str
        The competition's URL name, e.g. ``"titanic"``.
    dest_dir : str or os.PathLike
        Where the files go; created if missing. Files of the same name are replaced by the
        downloaded ones; other files are left alone.

    Returns
    -------
    pathlib.Path
        ``dest_dir``, now holding the competition's files (e.g. ``train.csv``).

    Raises
    ------
    CredentialsError
        No credentials were found, or Kaggle rejected them.
    KagglekitError
        The competition is unknown, its rules were not accepted, Kaggle could not be
        reached, or the download is not a valid zip archive.

    Examples
    --------
    >>> download_competition("titanic", "data/raw/titanic")  # doctest: +SKIP
    PosixPath('data/raw/titanic')
    """
    competition = check_competition(competition)
    dest = Path(dest_dir)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KagglekitError(f"Cannot create the folder {dest}: {exc.strerror}") from exc
    api = authenticated_api()
    # Download and unpack in a scratch folder next to the destination, then move the files
    # in: a failed or partial download never leaves half a data set behind.
    with tempfile.TemporaryDirectory(prefix=".kaggle-download-", dir=dest) as scratch:
        download_dir = Path(scratch, "download")
        call_client(
            lambda: api.competition_download_files(
                competition, path=str(download_dir), force=True, quiet=True
            ),
            competition,
        )
        archives = sorted(p for p in download_dir.iterdir() if p.is_file())
        if not archives:
            raise KagglekitError(
                f"Kaggle sent no files for competition {competition!r}: try again later"
            )
        unpacked = Path(scratch, "unpacked")
        for archive in archives:
            _safe_unzip(archive, unpacked)
        for item in sorted(unpacked.rglob("*")):
            if item.is_file():
                target = dest / item.relative_to(unpacked)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(item, target)
    return dest


def evaluation_metric(competition):
    """The evaluation metric a competition's page names (Kaggle's own words, e.g.
    ``"CategorizationAccuracy"``), or None when Kaggle names none.

    Raises
    ------
    CredentialsError, KagglekitError
        As :func:`download_competition` does (no credentials, no network, ...).
    """
    competition = check_competition(competition)
    api = authenticated_api()
    answer = call_client(lambda: api.competitions_list(search=competition), competition)
    for found in getattr(answer, "competitions", None) or []:
        if str(found.ref).rstrip("/").rsplit("/", 1)[-1] == competition:
            return found.evaluation_metric or None
    return None


# --------------------------------------------------------------------------- local checks


def _check_csv(path):
    file = Path(path).expanduser()
    if not file.exists():
        raise KagglekitError(f"Submission file {file} does not exist: write it first")
    if not file.is_file():
        raise KagglekitError(f"Submission path {file} is not a file: give the CSV's path")
    if file.suffix.lower() != ".csv":
        raise KagglekitError(
            f"Submission file {file} is not a .csv file: Kaggle expects a CSV submission"
        )
    if file.stat().st_size == 0:
        raise KagglekitError(f"Submission file {file} is empty: write the predictions first")
    return file.resolve()


def _safe_unzip(archive, target):
    try:
        with zipfile.ZipFile(archive) as zf:
            root = target.resolve()
            for member in zf.infolist():
                where = (root / member.filename).resolve()
                if where != root and root not in where.parents:
                    raise KagglekitError(
                        f"The archive from Kaggle holds an unsafe path {member.filename!r}: "
                        "not unpacking it"
                    )
            zf.extractall(root)
    except zipfile.BadZipFile as exc:
        raise KagglekitError(
            f"The download from Kaggle ({archive.name}) is not a valid zip archive: try again"
        ) from exc
