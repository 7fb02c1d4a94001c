"""Submission files are checked against the competition's format before any upload."""

from __future__ import annotations

import pandas as pd
import pytest

from kagglekit.errors import DataError
from kagglekit.submissions.formats import (
    FormatWarning,
    check_submission_file,
    sample_submission,
)


@pytest.fixture
def titanic_ok(tmp_path, titanic):
    ids = titanic.X_test["PassengerId"].astype("int64")
    path = tmp_path / "ok.csv"
    pd.DataFrame({"PassengerId": ids, "Survived": 0}).to_csv(path, index=False)
    return path


@pytest.fixture
def house_prices(tmp_path):
    folder = tmp_path / "data" / "house-prices"
    folder.mkdir(parents=True)
    pd.DataFrame({"Id": [1461, 1462, 1463], "SalePrice": [169277.05, 187758.39, 183583.68]}
                 ).to_csv(folder / "sample_submission.csv", index=False)
    return tmp_path / "data"


def _write(tmp_path, text, name="sub.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_good_titanic_file_passes(titanic_ok):
    assert check_submission_file(titanic_ok, "titanic") == "the titanic format"


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda f: f.iloc[:-1], "417 rows"),
        (lambda f: f.assign(Survived=2), r"values \[2\]"),
        (lambda f: f.rename(columns={"Survived": "survived"}), "columns are"),
        (lambda f: f.assign(PassengerId=f.PassengerId + 1), "ids differ"),
        (lambda f: f.assign(Survived=0.5), "must be integers"),
    ],
)
def test_a_wrong_titanic_file_is_refused_with_the_reason(titanic_ok, edit, match):
    edit(pd.read_csv(titanic_ok)).to_csv(titanic_ok, index=False)

    with pytest.raises(DataError, match=match):
        check_submission_file(titanic_ok, "titanic")


def test_the_sample_submission_gives_the_format(tmp_path, house_prices):
    path = _write(tmp_path, "SalePrice,Id\n1.5e5,1463\n2e5,1461\n180000,1462\n")

    checked = check_submission_file(path, "house-prices", house_prices)

    assert checked == str(house_prices / "house-prices" / "sample_submission.csv")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("Id,Price\n1461,1\n1462,1\n1463,1\n", "columns are"),
        ("Id,SalePrice\n1461,1\n1462,1\n", "2 rows, the sample sample_submission.csv has 3"),
        ("Id,SalePrice\n1461,1\n1461,1\n1463,1\n", "duplicated Id"),
        ("Id,SalePrice\n1461,1\n1462,1\n9999,1\n", r"missing \['1463'\], unexpected \['9999'\]"),
        ("Id,SalePrice\n1461,1\n1462,\n1463,1\n", r"empty in data rows \[2\]"),
        ("Id,SalePrice\n1461,1\n1462,cheap\n1463,1\n", "must be numbers"),
        ("Id,SalePrice\n1461,1\n1462,inf\n1463,1\n", "infinite"),
        ("Id,SalePrice\n", "no rows"),
        ("", "empty"),
    ],
)
def test_a_file_unlike_the_sample_is_refused(tmp_path, house_prices, text, match):
    path = _write(tmp_path, text)

    with pytest.raises(DataError, match=match):
        check_submission_file(path, "house-prices", house_prices)


def test_integer_samples_want_integers(tmp_path):
    folder = tmp_path / "data" / "spaceship"
    folder.mkdir(parents=True)
    (folder / "gender_submission.csv").write_text("Id,Label\n1,0\n2,1\n")

    assert sample_submission("spaceship", tmp_path / "data").name == "gender_submission.csv"
    with pytest.raises(DataError, match="must be integers"):
        check_submission_file(_write(tmp_path, "Id,Label\n1,0.5\n2,1\n"), "spaceship",
                              tmp_path / "data")


def test_no_known_format_warns_and_still_checks_the_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("KAGGLEKIT_DATA_DIR", str(tmp_path / "nowhere"))
    path = _write(tmp_path, "id,target\n1,0.3\n")

    with pytest.warns(FormatWarning, match="no submission format known for 'digit-recognizer'"):
        assert check_submission_file(path, "digit-recognizer") == "no known format"

    with pytest.raises(DataError, match="empty column name"):
        check_submission_file(_write(tmp_path, "id,,x\n1,2,3\n", "b.csv"), "digit-recognizer")
    latin1 = tmp_path / "c.csv"
    latin1.write_bytes(b"id,name\n1,Andr\xe9\n")
    with pytest.raises(DataError, match="not a readable CSV"):
        check_submission_file(latin1, "digit-recognizer")


def _competition(tmp_path, sample_text, name="comp"):
    folder = tmp_path / "data" / name
    folder.mkdir(parents=True)
    (folder / "sample_submission.csv").write_text(sample_text)
    return tmp_path / "data"


def test_probabilities_must_lie_in_0_1_where_the_sample_holds_fractions(tmp_path):
    data = _competition(tmp_path, "id,target\n1,0.5\n2,0.5\n")

    check_submission_file(_write(tmp_path, "id,target\n1,0.2\n2,1.0\n"), "comp", data)
    with pytest.raises(DataError, match=r"probabilities in \[0, 1\], got \[1.7\]"):
        check_submission_file(_write(tmp_path, "id,target\n1,0.2\n2,1.7\n"), "comp", data)
    # The case: 0/1 labels where the metric needs probabilities.
    with pytest.raises(DataError, match="whole numbers"):
        check_submission_file(_write(tmp_path, "id,target\n1,0\n2,1\n"), "comp", data)


def test_one_column_per_class_rows_must_sum_to_1(tmp_path):
    data = _competition(tmp_path, "id,a,b,c\n1,0.2,0.3,0.5\n2,0.2,0.3,0.5\n")

    check_submission_file(_write(tmp_path, "id,c,a,b\n1,0.1,0.1,0.8\n2,0.333334,0.333333,"
                                           "0.333333\n"), "comp", data)
    with pytest.raises(DataError, match=r"data rows \[2\] sum to \[0.9\]"):
        check_submission_file(_write(tmp_path, "id,a,b,c\n1,0.1,0.1,0.8\n2,0.3,0.3,0.3\n"),
                              "comp", data)
    with pytest.raises(DataError, match=r"in \[0, 1\]"):
        check_submission_file(_write(tmp_path, "id,a,b,c\n1,1.5,-0.5,0\n2,0.3,0.3,0.4\n"),
                              "comp", data)


def test_several_independent_probabilities_need_not_sum_to_1(tmp_path):
    data = _competition(tmp_path, "id,a,b\n1,0.5,0.5\n2,0.5,0.5\n")  # rows sum to 1 here

    # ...but a multi-label sample such as 0.5, 0.7 does not ask for sums of 1:
    data2 = _competition(tmp_path, "id,a,b\n1,0.5,0.7\n2,0.5,0.7\n", name="multi")
    check_submission_file(_write(tmp_path, "id,a,b\n1,0.9,0.9\n2,0.1,0.2\n"), "multi", data2)
    with pytest.raises(DataError, match="sum to"):
        check_submission_file(_write(tmp_path, "id,a,b\n1,0.9,0.9\n2,0.1,0.2\n"), "comp", data)


def test_a_layout_gives_the_training_labels(tmp_path):
    from kagglekit.submissions.sample import infer_layout

    data = _competition(tmp_path, "id,target\n1,good\n2,good\n")
    train = pd.DataFrame({"id": [10, 11, 12], "target": ["good", "bad", "good"]})
    test = pd.DataFrame({"id": [1, 2]})
    layout = infer_layout(train, test, pd.read_csv(data / "comp" / "sample_submission.csv"))

    check_submission_file(_write(tmp_path, "id,target\n1,bad\n2,good\n"), "comp", data,
                          layout=layout)
    with pytest.raises(DataError, match=r"values \['Good'\] that are not training labels"):
        check_submission_file(_write(tmp_path, "id,target\n1,Good\n2,good\n"), "comp", data,
                              layout=layout)


def test_a_layout_with_integer_labels_accepts_them_as_read_back(tmp_path):
    from kagglekit.submissions.sample import infer_layout

    data = _competition(tmp_path, "id,y\n1,0\n2,0\n")
    train = pd.DataFrame({"id": [10, 11, 12, 13], "y": [0, 1, 2, 1]})
    layout = infer_layout(train, pd.DataFrame({"id": [1, 2]}),
                          pd.read_csv(data / "comp" / "sample_submission.csv"))

    assert layout.submission == "labels"
    check_submission_file(_write(tmp_path, "id,y\n1,2\n2,0\n"), "comp", data, layout=layout)
    with pytest.raises(DataError, match=r"values \['3'\]"):
        check_submission_file(_write(tmp_path, "id,y\n1,3\n2,0\n"), "comp", data,
                              layout=layout)
