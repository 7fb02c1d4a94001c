import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# No per-example deadline (shared, noisy machines); CI runs a fixed, repeatable set of examples.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None,
                          print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """The real data sets beside the project (../shared/datasets); skip when absent."""
    if not (SHARED / "titanic" / "train.csv").is_file():
        pytest.skip(f"real data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def titanic():
    from kagglekit.data import load_dataset

    return load_dataset("titanic")


@pytest.fixture
def small_titanic(titanic):
    """200 training rows: enough for every category, fast to fit."""
    return titanic.X.iloc[:200].copy(), titanic.y.iloc[:200].copy()


@pytest.fixture(autouse=True)
def _no_data_dir_env(monkeypatch):
    monkeypatch.delenv("KAGGLEKIT_DATA_DIR", raising=False)


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
