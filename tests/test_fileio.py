import pytest

from kagglekit.errors import KagglekitError
from kagglekit.fileio import atomic_write, unique_path, write_text_atomic


def test_atomic_write_refuses_to_overwrite(tmp_path):
    path = write_text_atomic(tmp_path / "a.txt", "one")
    with pytest.raises(KagglekitError, match="already exists"):
        write_text_atomic(path, "two")
    assert path.read_text() == "one"
    write_text_atomic(path, "two", overwrite=True)
    assert path.read_text() == "two"


def test_failed_write_leaves_nothing(tmp_path):
    def boom(tmp):
        tmp.write_text("partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "b.txt", boom)
    assert list(tmp_path.iterdir()) == []


def test_unique_path(tmp_path):
    (tmp_path / "x.csv").write_text("")
    assert unique_path(tmp_path, "x", ".csv").name == "x-2.csv"
