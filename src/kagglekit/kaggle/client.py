"""The official Kaggle client, imported lazily, kept quiet and bounded.

The ``kaggle`` package (2.2.4) is imported lazily, inside the functions that need it:
``import kaggle`` authenticates at import time, prints a block of help text to stdout
when no credentials exist and creates a config folder. Every call into the client runs
with stdout and stderr captured, and every failure becomes a one-line
:class:`~kagglekit.errors.KagglekitError` that says what to do.

Three adjustments are made to the official client (a small subclass of ``KaggleApi``):

- ``KAGGLE_API_ENVIRONMENT`` is honoured (``KaggleApi`` itself always talks to
  ``api.kaggle.com``; kagglesdk sends ``TEST`` to ``http://localhost:7777``, which the
  tests use for a fake Kaggle server).
- Every HTTP request gets connect/read timeouts and at most ``MAX_RETRIES`` quick retries
  (the client sets no timeout at all, so a dead network could hang forever).
- The submission upload is a single bounded ``PUT`` (the client's own upload retries ten
  times with exponential back-off and no timeout).
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re

from kagglekit.errors import CredentialsError, KagglekitError
from kagglekit.kaggle.credentials import (
    CREDENTIALS_HELP,
    REJECTED_HELP,
    TOKEN_REJECTED_HELP,
    config_dir,
    token_given,
    warn_if_exposed,
)

__all__ = ["authenticated_api", "call_client", "check_competition"]

#: Seconds to wait for a TCP connection to Kaggle.
CONNECT_TIMEOUT_S = 5.0
#: Seconds to wait for the next bytes of an answer once connected.
READ_TIMEOUT_S = 30.0
#: Retries after a refused connection or a 429/502/503/504 answer (never after a sent request
#: timed out, so a submission is never made twice).
MAX_RETRIES = 2
_RETRY_STATUSES = (429, 502, 503, 504)

_COMPETITION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def check_competition(competition):
    """Return ``competition`` if it is a valid competition URL name, else raise."""
    if not isinstance(competition, str) or not _COMPETITION_RE.fullmatch(competition):
        raise KagglekitError(
            f"Invalid competition name {competition!r}: use the name from the competition's "
            "URL, e.g. 'titanic' for https://www.kaggle.com/competitions/titanic"
        )
    return competition


@contextlib.contextmanager
def _quiet():
    """Capture what the client prints (help text, progress bars, warnings)."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield sink


def _kaggle_api_class():
    """Import ``KaggleApi`` without letting ``kaggle/__init__.py`` print anything.

    Importing any ``kaggle`` submodule runs the package's ``__init__``, which builds a
    module-level ``KaggleApi`` and authenticates it; its help text and exit are swallowed
    there, but the text is printed, hence the redirection.
    """
    try:
        with _quiet():
            from kaggle.api.kaggle_api_extended import KaggleApi
    except ImportError as exc:
        raise KagglekitError(
            "The kaggle package is not installed: pip install 'kaggle==2.2.4'"
        ) from exc
    except OSError as exc:  # it creates its config folder at import time
        raise KagglekitError(
            f"The kaggle package could not start ({exc}): check that your home folder "
            "is writable, or set KAGGLE_CONFIG_DIR"
        ) from exc
    return KaggleApi


@functools.lru_cache(maxsize=1)
def _api_class():
    """Build (once) the small ``KaggleApi`` subclass described in the module docstring."""
    base = _kaggle_api_class()

    class _BoundedKaggleApi(base):
        kagglekit_upload_status = None

        def build_kaggle_client(self):
            from kagglesdk import KaggleClient

            client = KaggleClient(
                env=_kaggle_env(),
                username=self.config_values.get(self.CONFIG_NAME_USER),
                password=self.config_values.get(self.CONFIG_NAME_KEY),
                api_token=self.config_values.get(self.CONFIG_NAME_TOKEN),
                response_processor=self.get_response_processor(),
            )
            http = client.http_client()
            http.__enter__()  # creates the requests session now, so it can be bounded
            session = getattr(http, "_session", None)
            if session is not None:
                _bound(session)
            return client

        def upload_complete(self, path, url, quiet, resume=False):
            import requests
            from kaggle.models.kaggle_models_extended import ResumableUploadResult

            with requests.Session() as session, open(path, "rb") as fh:
                _bound(session)
                response = session.put(url, data=fh)
            self.kagglekit_upload_status = response.status_code
            if response.status_code in (200, 201):
                return ResumableUploadResult.COMPLETE
            return ResumableUploadResult.FAILED

    return _BoundedKaggleApi


def _bound(session):
    """Give every request of a ``requests`` session timeouts and a few quick retries."""
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    class _TimeoutAdapter(HTTPAdapter):
        def send(self, request, timeout=None, **kwargs):
            if timeout is None:
                timeout = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
            return super().send(request, timeout=timeout, **kwargs)

    retry = Retry(
        total=MAX_RETRIES,
        connect=MAX_RETRIES,
        read=False,  # re-raise read timeouts as they are: a sent request is never repeated
        status=MAX_RETRIES,
        other=0,
        status_forcelist=_RETRY_STATUSES,
        allowed_methods=None,
        backoff_factor=0.3,
        backoff_max=2.0,
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    adapter = _TimeoutAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)


def _kaggle_env():
    from kagglesdk.kaggle_env import KaggleEnv, get_env

    try:
        return get_env()
    except Exception as exc:  # kagglesdk raises a bare Exception for unknown values
        names = ", ".join(e.name for e in KaggleEnv)
        value = os.environ.get("KAGGLE_API_ENVIRONMENT")
        raise KagglekitError(
            f"KAGGLE_API_ENVIRONMENT={value!r} is not known to the Kaggle client: "
            f"unset it, or use one of {names}"
        ) from exc


def _endpoint():
    from kagglesdk.kaggle_env import get_endpoint

    try:
        return get_endpoint(_kaggle_env())
    except KagglekitError:
        return "Kaggle"


def authenticated_api():
    """Return an authenticated client, or raise a one-line kagglekit error.

    Warns (:class:`~kagglekit.kaggle.credentials.CredentialsWarning`) when a
    credentials file is readable by other users.

    Returns
    -------
    KaggleApi
        The bounded client subclass, authenticated the way the Kaggle CLI does it.

    Raises
    ------
    CredentialsError
        No credentials were found, or the API token was rejected.
    """
    api = _api_class()()
    folder = config_dir()
    api.config_dir = str(folder)
    api.config = str(folder / api.config_file)
    warn_if_exposed(folder)
    try:
        call_client(api.authenticate, competition=None)
    except CredentialsError as exc:
        # kaggle treats a rejected token like a missing one; say which it was.
        if isinstance(exc.__cause__, SystemExit) and token_given():
            raise CredentialsError(TOKEN_REJECTED_HELP) from exc.__cause__
        raise
    return api


def call_client(func, competition):
    """Run ``func`` with the client's output captured and its errors translated.

    Parameters
    ----------
    func : callable
        Calls the Kaggle client; takes no arguments.
    competition : str or None
        The competition concerned, named in the error messages.

    Returns
    -------
    object
        What ``func`` returned.

    Raises
    ------
    KagglekitError
        A one-line message for every failure (HTTP status, network, client error).
    """
    import requests

    try:
        with _quiet():
            return func()
    except KagglekitError:
        raise
    except SystemExit as exc:  # authenticate() prints help and calls exit(1)
        raise CredentialsError(CREDENTIALS_HELP) from exc
    except requests.HTTPError as exc:
        raise _http_error(exc, competition) from exc
    except requests.RequestException as exc:
        raise KagglekitError(
            f"Could not reach Kaggle at {_endpoint()} ({_network_reason(exc)}): check your "
            "network connection or proxy settings and try again"
        ) from exc
    except Exception as exc:
        detail = str(exc).splitlines()[0] if str(exc) else ""
        raise KagglekitError(
            f"The Kaggle client failed ({type(exc).__name__}: {detail[:200]}): try again, "
            "or report it with the kaggle version (2.2.4 expected)"
        ) from exc


def _http_error(exc, competition):
    status = getattr(exc.response, "status_code", None)
    page = f"https://www.kaggle.com/competitions/{competition}" if competition else None
    if status == 401:
        return CredentialsError(REJECTED_HELP)
    if status == 403:
        if page is None:
            return CredentialsError(
                "Kaggle refused the credentials (HTTP 403): check them, or create a new "
                "token at https://www.kaggle.com/settings"
            )
        return KagglekitError(
            f"Kaggle refused access to competition {competition!r} (HTTP 403): accept the "
            f"competition rules on {page}/rules (Join Competition), then try again"
        )
    if status == 404:
        what = f"Unknown competition {competition!r}" if competition else "Not found"
        return KagglekitError(
            f"{what} (HTTP 404): check the name in the competition's URL, "
            "https://www.kaggle.com/competitions/<name>"
        )
    if status == 429:
        return KagglekitError(
            "Kaggle is rate-limiting requests (HTTP 429): wait a few minutes and try again "
            "(submissions are also limited per day)"
        )
    if status is not None and status >= 500:
        return KagglekitError(
            f"Kaggle had a server error (HTTP {status}): try again in a few minutes"
        )
    said = str(exc).splitlines()[0][:200] if str(exc) else ""
    said = f": {said}" if said and "://" not in said else ""  # skip requests' URL echo
    return KagglekitError(
        f"Kaggle refused the request (HTTP {status}{said}): check the competition name "
        "and the file, then try again"
    )


def _network_reason(exc):
    import requests

    text = repr(exc)
    if isinstance(exc, requests.Timeout) or "timed out" in text:
        return "timed out"
    if "NameResolution" in text or "getaddrinfo" in text or "Name or service" in text:
        return "DNS lookup failed"
    if "refused" in text.lower():
        return "connection refused"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS error"
    if isinstance(exc, requests.exceptions.ProxyError):
        return "proxy error"
    return "connection failed"
