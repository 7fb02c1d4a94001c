"""Car pipelines: registered, built on the car-preference features, trainable on small data."""

import pytest
from sklearn.base import is_classifier

from kagglekit import evaluate, list_pipelines, load_dataset, make_pipeline

CAR = ["car-dnn", "car-logreg", "car-hgb"]
PURCHASE = ["car-purchase-dnn", "car-purchase-logreg", "car-purchase-hgb", "car-purchase-rf",
            "car-purchase-svc"]


def test_registered_with_their_data_sets():
    specs = {s.name: s for s in list_pipelines()}
    assert {specs[n].task.dataset for n in CAR} == {"car-preference"}
    assert {specs[n].task.dataset for n in PURCHASE} == {"car-purchase"}


@pytest.mark.parametrize("name", CAR + PURCHASE)
def test_classifier_pipelines(name):
    pipe = make_pipeline(name)
    assert is_classifier(pipe) and pipe.steps[0][0] == "features"


def test_car_dnn_learns_the_generated_preference():
    ds = load_dataset("car-preference")
    X, y = ds.X.iloc[:300], ds.y.iloc[:300]
    result = evaluate(make_pipeline("car-dnn", epochs=8), X, y, folds=2)
    assert result.mean > 0.75
    layers = result.model_summary
    assert layers[-1]["params"] == 16 * 2 + 2  # one-hot target: two softmax units


def test_car_purchase_baselines(shared_datasets):
    ds = load_dataset("car-purchase", shared_datasets)
    assert evaluate("car-purchase-logreg", ds.X, ds.y).mean == pytest.approx(0.829, abs=0.002)
    assert evaluate("car-purchase-hgb", ds.X, ds.y).mean > 0.89
