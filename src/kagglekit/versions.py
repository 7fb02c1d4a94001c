"""Package versions recorded in manifests and reports, without importing heavy packages."""

from __future__ import annotations

import platform
from importlib import metadata

_PACKAGES = ("kagglekit", "scikit-learn", "scikeras", "keras", "tensorflow", "tensorflow-cpu",
             "numpy", "pandas", "joblib", "matplotlib", "lightgbm", "catboost")


def package_versions() -> dict[str, str]:
    """Installed versions of kagglekit's main dependencies (absent ones are left out)."""
    found = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found
