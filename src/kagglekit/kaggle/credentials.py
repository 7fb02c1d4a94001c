"""Where the Kaggle client finds credentials, and the checks kagglekit adds around them.

The lookup itself is the official client's (kaggle 2.2.4 / kagglesdk), in its order:

1. an API token: ``KAGGLE_API_TOKEN`` (the token, or the path of a file holding it), else
   ``~/.kaggle/access_token`` (or ``access_token.txt``);
2. a legacy key: ``KAGGLE_USERNAME`` and ``KAGGLE_KEY``, each overriding the ``username`` /
   ``key`` of ``kaggle.json`` in the config folder (``$KAGGLE_CONFIG_DIR``, else
   ``~/.kaggle``, else ``$XDG_CONFIG_HOME/kaggle`` on Linux).

This module computes the config folder at call time (``KaggleApi`` fixes it once, at import),
warns when ``kaggle.json`` is readable by other users (the client prints that warning to
stdout, which kagglekit captures), and never reads or returns a secret itself.
"""

from __future__ import annotations

import os
import stat
import sys
import warnings
from pathlib import Path

__all__ = ["CredentialsWarning", "config_dir", "token_given", "warn_if_exposed"]

#: The file name of the legacy key file inside the config folder.
CONFIG_FILE = "kaggle.json"

CREDENTIALS_HELP = (
    "No Kaggle credentials found: put kaggle.json in ~/.kaggle/ (or in $KAGGLE_CONFIG_DIR), "
    "or set KAGGLE_USERNAME and KAGGLE_KEY, or set KAGGLE_API_TOKEN (or save the token in "
    "~/.kaggle/access_token); see https://www.kaggle.com/settings"
)
REJECTED_HELP = (
    "Kaggle rejected the credentials (HTTP 401): check KAGGLE_USERNAME and KAGGLE_KEY, "
    "KAGGLE_API_TOKEN or kaggle.json, or create a new token at https://www.kaggle.com/settings"
)
TOKEN_REJECTED_HELP = (
    "Kaggle did not accept the API token (invalid or expired): create a new one at "
    "https://www.kaggle.com/settings and put it in KAGGLE_API_TOKEN or ~/.kaggle/access_token"
)


class CredentialsWarning(UserWarning):
    """A Kaggle credentials file is readable by other users."""


def config_dir():
    """The folder the Kaggle client reads ``kaggle.json`` from, computed now.

    Returns
    -------
    pathlib.Path
        ``$KAGGLE_CONFIG_DIR``; else ``~/.kaggle`` when it exists (or off Linux); else
        ``$XDG_CONFIG_HOME/kaggle`` (``~/.config/kaggle``), as the Kaggle client does.
    """
    configured = os.environ.get("KAGGLE_CONFIG_DIR")
    if configured:
        return Path(configured).expanduser()
    home = Path(os.path.expanduser("~"))
    legacy = home / ".kaggle"
    if legacy.exists() or not sys.platform.startswith("linux"):
        return legacy
    return Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "kaggle"


def token_given():
    """Whether an API token is configured (the variable or a token file), not its value."""
    home = Path(os.path.expanduser("~"))
    return bool(os.environ.get("KAGGLE_API_TOKEN")) or any(
        (home / ".kaggle" / name).is_file() for name in ("access_token", "access_token.txt")
    )


def credentials_given():
    """Whether any Kaggle credentials are configured (token, key variables or kaggle.json),
    without reading or checking them."""
    return token_given() or bool(os.environ.get("KAGGLE_USERNAME")
                                 and os.environ.get("KAGGLE_KEY")) \
        or (config_dir() / "kaggle.json").is_file()


def warn_if_exposed(folder=None):
    """Warn when a credentials file can be read by group or others.

    Checks ``kaggle.json`` in ``folder`` (default :func:`config_dir`) and the token files
    ``~/.kaggle/access_token[.txt]``.

    Parameters
    ----------
    folder : path, optional
        The config folder to check.

    Returns
    -------
    list of pathlib.Path
        The exposed files (one :class:`CredentialsWarning` was issued for each).
    """
    home = Path(os.path.expanduser("~"))
    candidates = [
        Path(folder or config_dir()) / CONFIG_FILE,
        home / ".kaggle" / "access_token",
        home / ".kaggle" / "access_token.txt",
    ]
    exposed = []
    for path in dict.fromkeys(candidates):
        try:
            mode = path.stat().st_mode
        except OSError:
            continue
        if os.name != "nt" and mode & (stat.S_IRGRP | stat.S_IROTH):
            exposed.append(path)
            warnings.warn(
                f"{path} is readable by other users of this machine; "
                f"run: chmod 600 {path}",
                CredentialsWarning,
                stacklevel=2,
            )
    return exposed
