"""Fixtures for the Kaggle client tests (the environment and the fake Kaggle server are in
tests/conftest.py, for the README's commands too)."""

from __future__ import annotations

import pytest

CSV_BYTES = b"PassengerId,Survived\n892,0\n893,1\n"


@pytest.fixture(autouse=True)
def _offline_kaggle(kaggle_imported_offline):
    """Every Kaggle client test imports kaggle without credentials first."""


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "submission.csv"
    path.write_bytes(CSV_BYTES)
    return path
