"""Atomic, never-overwriting file writes shared by models, submissions and reports."""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from kagglekit.errors import KagglekitError


def sha256_of(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def timestamp() -> str:
    """UTC time stamp used in file names: ``20261123T184501Z``."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def atomic_write(
    path: str | os.PathLike, write: Callable[[Path], None], *, overwrite: bool = False
) -> Path:
    """Write ``path`` through a temporary file in the same folder, then rename it.

    ``write`` receives the temporary path and must create the file there. When
    ``overwrite`` is false an existing ``path`` is an error, so nothing is replaced silently.
    A failing ``write`` leaves no partial file behind.
    """
    path = check_writable(path, overwrite=overwrite)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise KagglekitError(f"cannot write {path}: {exc.strerror or exc}; choose another "
                             "path") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
    try:
        write(tmp)
        if overwrite:
            os.replace(tmp, path)
        else:
            # link() fails if the target appeared meanwhile: no silent overwrite even in a race.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise KagglekitError(
                    f"{path} already exists; choose another path or pass --force to replace it"
                ) from None
            except OSError:
                os.replace(tmp, path)  # file systems without hard links
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return path


def check_writable(path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Refuse early a target that exists (unless ``overwrite``) or is a folder."""
    path = Path(path)
    if path.is_dir():
        raise KagglekitError(f"{path} is a folder; give a file path")
    if path.exists() and not overwrite:
        raise KagglekitError(
            f"{path} already exists; choose another path or pass --force to replace it"
        )
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike, text: str, *, overwrite: bool = False) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"),
                        overwrite=overwrite)


def write_json_atomic(path: str | os.PathLike, data: dict, *, overwrite: bool = False) -> Path:
    """Write a JSON document (indented, sorted keys) atomically."""
    text = json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"
    return write_text_atomic(path, text, overwrite=overwrite)


def unique_path(folder: str | os.PathLike, stem: str, suffix: str) -> Path:
    """``folder/stem + suffix``, or with ``-2``, ``-3``... appended if that name is taken."""
    folder = Path(folder)
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate
