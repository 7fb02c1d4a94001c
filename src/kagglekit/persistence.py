"""Save and load fitted pipelines: a joblib file plus a JSON manifest beside it.

Loading unpickles, and unpickling runs code: only load files you trust. ``load`` refuses a
file whose sha256 does not match its manifest, and warns when the packages differ from those
the file was saved with.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from kagglekit._compat import alias_moved_modules
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


#: Manifest layout version (bumped when keys change meaning).
MANIFEST_FORMAT = 2
#: Packages whose version change can change what a loaded pipeline predicts.
_CHECKED_PACKAGES = ("kagglekit", "scikit-learn", "scikeras", "keras", "tensorflow",
                     "tensorflow-cpu", "numpy", "pandas", "joblib")


class VersionMismatchWarning(UserWarning):
    """A model is loaded under other package versions than it was saved with."""


def save(pipeline, path: str | Path, *, name: str | None = None, cv: dict | None = None,
         overwrite: bool = False, extra: dict | None = None,
         training_data: tuple | None = None) -> Path:
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
    extra : dict, optional
        More manifest fields.
    training_data : (X, y), optional
        The data the pipeline was fitted on: recorded as a fingerprint (rows, columns,
        sha256) and as the input schema (column names and dtypes), not stored.

    Returns
    -------
    pathlib.Path
    """
    path = check_model_path(path)
    if manifest_path(path).exists() and not overwrite and not path.exists():
        raise KagglekitError(f"{manifest_path(path)} exists without its model; remove it or "
                             "choose another path")
    atomic_write(path, lambda tmp: _dump(pipeline, tmp), overwrite=overwrite)
    manifest = {
        "format": MANIFEST_FORMAT,
        "file": path.name,
        "sha256": sha256_of(path),
        "pipeline": name,
        "created": timestamp(),
        "versions": package_versions(),
        "params": plain_params(pipeline),
        "cv": cv,
    }
    if training_data is not None:
        X, y = training_data
        manifest["training_data"] = data_fingerprint(X, y)
        manifest["input_schema"] = input_schema(X)
    manifest.update(extra or {})
    write_json_atomic(manifest_path(path), manifest, overwrite=True)
    return path


def plain_params(estimator) -> dict:
    """The estimator's nested parameters as JSON values: numbers, text, lists; a function
    by its dotted name; nested estimators are left out (their own parameters are listed)."""
    params = {}
    for key, value in estimator.get_params(deep=True).items():
        if hasattr(value, "get_params") or key in ("steps", "transformers") \
                or key.endswith(("__steps", "__transformers")):
            continue
        params[key] = _plain(value)
    return params


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return repr(value)


def data_fingerprint(X, y=None) -> dict:
    """Rows, columns and a sha256 of the values (and labels) of a training set."""
    frame = pd.DataFrame(X)
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    digest.update(",".join(map(str, frame.columns)).encode())
    if y is not None:
        digest.update(pd.util.hash_pandas_object(pd.Series(np.asarray(y)), index=False)
                      .to_numpy().tobytes())
    return {"rows": int(frame.shape[0]), "columns": int(frame.shape[1]),
            "sha256": digest.hexdigest()}


def input_schema(X) -> list[dict]:
    """Column names and dtypes of the training inputs."""
    frame = pd.DataFrame(X)
    return [{"name": str(c), "dtype": str(t)} for c, t in frame.dtypes.items()]


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


def _dump(pipeline, path) -> None:
    with warnings.catch_warnings():
        # Keras 3.15's weight saving calls np.array() on TensorFlow variables, which NumPy 2
        # flags on every save; it is Keras' own notice, nothing a user can act on.
        warnings.filterwarnings("ignore", category=DeprecationWarning,
                                message="__array__ implementation doesn't accept a copy")
        joblib.dump(pipeline, path)


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
    if manifest is not None:
        _warn_on_version_change(path, manifest.get("versions"))
    alias_moved_modules()  # models saved before a class moved still unpickle
    try:
        model = joblib.load(path)
    except Exception as exc:  # a damaged pickle can fail in many ways; all mean "unreadable"
        raise KagglekitError(f"{path}: not a readable joblib model file ({type(exc).__name__});"
                             " re-save it with `kagglekit train`") from exc
    if not hasattr(model, "predict"):
        raise KagglekitError(f"{path}: holds a {type(model).__name__}, not a fitted model; "
                             "save a pipeline with `kagglekit train`")
    return model


def _warn_on_version_change(path: Path, saved) -> None:
    if not isinstance(saved, dict):
        return
    now = package_versions()
    changed = [f"{name} {saved[name]} -> {now.get(name, 'absent')}" for name in _CHECKED_PACKAGES
               if name in saved and saved[name] != now.get(name)]
    if changed:
        warnings.warn(f"{path} was saved under other package versions ({', '.join(changed)}); "
                      "its predictions may differ: re-train it with `kagglekit train` to be sure",
                      VersionMismatchWarning, stacklevel=3)
