import pandas as pd
import pytest

from kagglekit.data import load_dataset
from kagglekit.data.base import read_csv
from kagglekit.data.titanic import TITANIC_SCHEMA
from kagglekit.errors import DataError, KagglekitError


def test_bundled_titanic(titanic):
    assert titanic.X.shape == (891, 11) and titanic.X_test.shape == (418, 11)
    assert set(titanic.y.unique()) == {0, 1} and titanic.y.sum() == 342
    assert "Survived" not in titanic.X
    assert titanic.X_test["Fare"].isna().sum() == 1


def test_bundled_copy_matches_shared_data(shared_datasets, titanic):
    real = pd.read_csv(shared_datasets / "titanic" / "train.csv")
    assert real["PassengerId"].tolist() == titanic.X["PassengerId"].tolist()


def test_data_dir_argument_and_environment(tmp_path, monkeypatch, titanic):
    folder = tmp_path / "titanic"
    folder.mkdir()
    train = titanic.X.assign(Survived=titanic.y).head(50)
    train.to_csv(folder / "train.csv", index=False)
    titanic.X_test.head(20).to_csv(folder / "test.csv", index=False)
    assert len(load_dataset("titanic", tmp_path).X) == 50
    monkeypatch.setenv("KAGGLEKIT_DATA_DIR", str(tmp_path))
    assert len(load_dataset("titanic").X_test) == 20


def test_data_dir_without_files_says_what_to_do(tmp_path):
    with pytest.raises(DataError, match="kagglekit competitions download titanic"):
        load_dataset("titanic", tmp_path)


def test_unknown_dataset():
    with pytest.raises(KagglekitError, match="unknown dataset"):
        load_dataset("mnist-ish")


@pytest.fixture
def train_frame(titanic):
    return titanic.X.assign(Survived=titanic.y).head(30)


def test_missing_column_names_column_and_file(tmp_path, train_frame):
    path = tmp_path / "train.csv"
    train_frame.drop(columns=["Age"]).to_csv(path, index=False)
    with pytest.raises(DataError, match=r"train\.csv.*missing column\(s\) Age"):
        read_csv(path, TITANIC_SCHEMA, training=True)


def test_uncoercible_dtype_names_column(tmp_path, train_frame):
    path = tmp_path / "train.csv"
    train_frame.assign(Fare=["cheap"] + [1.0] * 29).to_csv(path, index=False)
    with pytest.raises(DataError, match="column Fare must be numeric.*'cheap'"):
        read_csv(path, TITANIC_SCHEMA, training=True)


def test_numeric_strings_are_coerced(tmp_path, train_frame):
    path = tmp_path / "train.csv"
    train_frame.assign(Age=train_frame["Age"].astype(str)).to_csv(path, index=False)
    assert read_csv(path, TITANIC_SCHEMA, training=True)["Age"].dtype == "float64"


def test_bad_labels(tmp_path, train_frame):
    path = tmp_path / "train.csv"
    train_frame.assign(Survived=[2] + [0] * 29).to_csv(path, index=False)
    with pytest.raises(DataError, match="Survived has values"):
        read_csv(path, TITANIC_SCHEMA, training=True)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"PassengerId,Name\n", "no rows"),
    (b"\xff\xfe\x00bad", "not UTF-8"),
])
def test_empty_and_broken_files(tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_csv(path, TITANIC_SCHEMA, training=False)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_csv(tmp_path / "nope.csv", TITANIC_SCHEMA, training=False)


def test_bom_is_accepted(tmp_path, titanic):
    path = tmp_path / "test.csv"
    path.write_bytes(b"\xef\xbb\xbf" + titanic.X_test.head(5).to_csv(index=False).encode())
    assert list(read_csv(path, TITANIC_SCHEMA, training=False).columns)[0] == "PassengerId"


def test_one_class_target_and_missing_ids(tmp_path, train_frame, titanic):
    path = tmp_path / "train.csv"
    train_frame.assign(Survived=0).to_csv(path, index=False)
    with pytest.raises(DataError, match="one class"):
        read_csv(path, TITANIC_SCHEMA, training=True)
    test = tmp_path / "test.csv"
    titanic.X_test.head(3).assign(PassengerId=[1, None, 3]).to_csv(test, index=False)
    with pytest.raises(DataError, match="PassengerId has empty cells"):
        read_csv(test, TITANIC_SCHEMA, training=False)
