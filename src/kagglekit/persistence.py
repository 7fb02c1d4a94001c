"""Save and load fitted pipelines: a joblib file plus a JSON manifest beside it.

Loading unpickles, and unpickling runs code: only load files you trust. ``load`` refuses a
file whose sha256 does not match its manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

import joblib

from kagglekit.errors import KagglekitError
from kagglekit.fileio import atomic_write, sha256_of, timestamp, write_json_atomic
from kagglekit.versions import package_versions


def check_model_path(path: str | Path) -> Path:
    """A model file name must end in .joblib (its manifest sits beside it)."""
    path = Path(path)
    if path.suffix != ".joblib":
        raise KagglekitError(f"{path}: model files end in .joblib; choose a name like "
                             f"{path.with_suffix('.joblib').name}")
    return path


def manifest_path(path: str | Path) -> Path:
    """``models/x.joblib`` -> ``models/x.manifest.json``."""
    path = Path(path)
    return path.with_name(path.stem + ".manifest.json")


def save(pipeline, path: str | Path, *, name: str | None = None, cv: dict | None = None,
         overwrite: bool = False, extra: dict | None = None) -> Path:
    """Save a fitted pipeline with joblib, atomically, and write its manifest.

    Parameters
    ----------
    pipeline : fitted estimator
    path : path
        Target ``.joblib`` file. An existing file is an error unless ``overwrite``.
    name : str, optional
        Registry name recorded in the manifest.
    cv : dict, optional
        Cross-validation summary recorded in the manifest.
    overwrite : bool
        Replace an existing file (the CLI's ``--force``).

    Returns
    -------
    pathlib.Path
    """
    path = check_model_path(path)
    if manifest_path(path).exists() and not overwrite and not path.exists():
        raise KagglekitError(f"{manifest_path(path)} exists without its model; remove it or "
                             "choose another path")
    atomic_write(path, lambda tmp: joblib.dump(pipeline, tmp), overwrite=overwrite)
    manifest = {
        "file": path.name,
        "sha256": sha256_of(path),
        "pipeline": name,
        "created": timestamp(),
        "versions": package_versions(),
        "params": {k: repr(v) for k, v in pipeline.get_params(deep=False).items()},
        "cv": cv,
        **(extra or {}),
    }
    write_json_atomic(manifest_path(path), manifest, overwrite=True)
    return path


def read_manifest(path: str | Path) -> dict | None:
    """The manifest of a saved model, or None when it has none."""
    target = manifest_path(path)
    if not target.is_file():
        return None
    try:
        manifest = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KagglekitError(f"{target}: unreadable manifest ({exc}); "
                             "restore it or re-save the model") from exc
    if not isinstance(manifest, dict):
        raise KagglekitError(f"{target}: not a kagglekit manifest (expected a JSON object); "
                             "restore it or re-save the model")
    return manifest


def load(path: str | Path):
    """Load a pipeline saved by :func:`save`, checking its sha256 against the manifest first.

    Raises
    ------
    KagglekitError
        Missing file, hash mismatch (the file changed since it was saved), or a file that is
        not a joblib pickle (truncated, another format).
    """
    path = Path(path)
    if not path.is_file():
        raise KagglekitError(f"{path}: no such model file; train one with `kagglekit train`")
    manifest = read_manifest(path)
    if manifest is not None and manifest.get("sha256") != sha256_of(path):
        raise KagglekitError(f"{path}: sha256 differs from {manifest_path(path).name}; the "
                             "file was changed or corrupted after saving, so it is not loaded")
    try:
        model = joblib.load(path)
    except Exception as exc:  # a damaged pickle can fail in many ways; all mean "unreadable"
        raise KagglekitError(f"{path}: not a readable joblib model file ({type(exc).__name__});"
                             " re-save it with `kagglekit train`") from exc
    if not hasattr(model, "predict"):
        raise KagglekitError(f"{path}: holds a {type(model).__name__}, not a fitted model; "
                             "save a pipeline with `kagglekit train`")
    return model
