"""Image pipelines on tiny slices: shapes, seeds, save/load with raw uint8 images, holdout."""

import json

import numpy as np
import pytest

from kagglekit import load, make_pipeline, save
from kagglekit.errors import KagglekitError
from kagglekit.evaluation.holdout import evaluate_holdout
from kagglekit.features.images import ImageScaler
from kagglekit.reports.holdout import write_holdout_report
from tests.checks import parametrize_with_checks
from tests.float32 import PROBA_ATOL


@pytest.fixture(scope="module")
def digits(shared_datasets):
    from kagglekit.data.images import load_images

    (x, y), (x_test, y_test) = load_images("mnist", shared_datasets)
    return x[:300], y[:300], x_test[:100], y_test[:100]


@parametrize_with_checks([ImageScaler(), ImageScaler(shape=(1, -1))])
def test_image_scaler_follows_scikit_learn(estimator, check):
    check(estimator)


def test_image_scaler_scales_and_reshapes():
    images = np.full((2, 28, 28), 255, np.uint8)
    scaler = ImageScaler(shape=(28, 28, 1)).fit(images)
    out = scaler.transform(images)
    assert out.shape == (2, 28, 28, 1) and out.dtype == np.float32 and out.max() == 1.0
    with pytest.raises(ValueError, match="fitted on"):
        scaler.transform(np.zeros((1, 14, 56), np.uint8))


@pytest.mark.parametrize("name", ["mnist-mlp", "mnist-cnn-augmented"])
def test_networks_train_on_raw_images_and_round_trip(digits, name, tmp_path):
    x, y, x_test, _ = digits
    pipe = make_pipeline(name, epochs=1, batch_size=64).fit(x, y)
    proba = pipe.predict_proba(x_test)
    # float32 softmax over 10 classes: the sum is 1 up to a few ulps
    assert proba.shape == (100, 10) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    again = make_pipeline(name, epochs=1, batch_size=64).fit(x, y)
    # float32: the same seed, a separate fit (kernel order may differ by a few ulps)
    np.testing.assert_allclose(again.predict_proba(x_test), proba, atol=PROBA_ATOL)
    # Exact: the same model, the same weights, the same call twice.
    np.testing.assert_array_equal(pipe.predict_proba(x_test[:3]), pipe.predict_proba(x_test[:3]))
    path = save(pipe, tmp_path / "m.joblib", name=name)
    # Exact: save / load keeps the weights bit for bit (same process, same call).
    np.testing.assert_array_equal(load(path).predict_proba(x_test), proba)


def test_cnn_ensemble_averages_seeded_members_and_reports_totals(digits):
    x, y, x_test, y_test = digits
    result = evaluate_holdout(make_pipeline("mnist-cnn-ensemble", epochs=1, batch_size=64),
                              x, y, x_test, y_test, name="mnist-cnn-ensemble")
    single = evaluate_holdout(make_pipeline("mnist-cnn-augmented", epochs=1, batch_size=64),
                              x, y, x_test, y_test)
    assert list(result["members"]) == ["seed_0", "seed_1", "seed_2"]
    assert result["n_weights"] == 3 * single["n_weights"] and result["epochs_run"] == 3
    assert single["members"] is None


def test_grid_search_reaches_routed_parameters_and_keras_callbacks(digits, tmp_path):
    import keras
    from sklearn.model_selection import GridSearchCV

    x, y, _, _ = digits
    best = tmp_path / "best.keras"
    callbacks = [keras.callbacks.EarlyStopping(patience=1),
                 keras.callbacks.ModelCheckpoint(str(best), save_best_only=True)]
    pipe = make_pipeline("mnist-mlp", epochs=3, batch_size=64, validation_split=0.2,
                         callbacks=callbacks)
    grid = {"model__model__hidden": [(16,), (32,)],
            "model__optimizer__learning_rate": [1e-3, 3e-3]}
    search = GridSearchCV(pipe, grid, cv=2).fit(x[:200], y[:200])
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["model__model__hidden"] in grid["model__model__hidden"]
    assert search.best_estimator_[-1].model_.layers[1].units == \
        search.best_params_["model__model__hidden"][0]
    assert best.is_file() and keras.models.load_model(best).count_params() > 0


def test_holdout_scores_the_test_split_with_a_confusion_matrix(digits, tmp_path):
    x, y, x_test, y_test = digits
    result = evaluate_holdout(make_pipeline("mnist-mlp", epochs=2), x, y, x_test, y_test,
                              name="mnist-mlp")
    matrix = np.asarray(result["confusion"])
    assert matrix.shape == (10, 10) and matrix.sum() == 100
    assert result["accuracy"] == pytest.approx(np.trace(matrix) / 100)
    assert result["epochs_run"] == 2 and result["n_weights"] == 784 * 512 + 512 + 512 * 10 + 10
    history = result["history"]
    assert len(history["loss"]) == len(history["test_loss"]) == len(history["test_accuracy"]) == 2
    assert history["test_accuracy"][-1] == pytest.approx(result["accuracy"], abs=0.011)
    assert history["test_loss"][-1] == pytest.approx(result["log_loss"], rel=1e-3)
    assert result["monitor_seconds"] > 0 and result["train_seconds"] > 0
    folder = write_holdout_report(result, tmp_path / "r")
    saved = json.loads((folder / "report.json").read_text())
    assert saved["confusion"] == result["confusion"] and (folder / "loss.png").is_file()
    assert (folder / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    assert "test accuracy after each epoch" in (folder / "report.md").read_text()


def test_fashion_holdout_report_names_the_clothes(shared_datasets, tmp_path):
    from kagglekit.data import load_dataset
    from kagglekit.data.images import FASHION_CLASSES

    data = load_dataset("fashion-mnist", shared_datasets)
    assert data.class_names == FASHION_CLASSES
    result = evaluate_holdout(make_pipeline("fashion-pca-logreg", pca__n_components=20),
                              data.X[:400], data.y[:400], data.X_test[:200], data.y_test[:200],
                              name="fashion-pca-logreg", class_names=data.class_names)
    assert result["class_names"] == list(FASHION_CLASSES) and result["accuracy"] > 0.5
    report = (write_holdout_report(result, tmp_path / "r") / "report.md").read_text()
    assert "| Ankle boot | " in report and "| T-shirt/top | Trouser |" in report
    with pytest.raises(KagglekitError, match="class_names has 2 names"):
        evaluate_holdout(make_pipeline("fashion-pca-logreg", pca__n_components=5),
                         data.X[:100], data.y[:100], data.X_test[:50], data.y_test[:50],
                         class_names=("a", "b"))


def test_a_saved_mnist_model_writes_a_digit_recognizer_submission(digits, tmp_path):
    import pandas as pd

    from kagglekit.errors import KagglekitError
    from kagglekit.jobs.spec import registered
    from kagglekit.jobs.submission import from_model, from_pipeline

    x, y, x_test, _ = digits
    path = save(make_pipeline("mnist-mlp", epochs=1).fit(x, y), tmp_path / "m.joblib",
                name="mnist-mlp")
    test = pd.DataFrame(x_test[:5].reshape(5, -1), columns=[f"pixel{i}" for i in range(784)])
    test.to_csv(tmp_path / "test.csv", index=False)
    out = from_model(str(path), tmp_path / "subs", test_csv=tmp_path / "test.csv")
    frame = pd.read_csv(out)
    assert frame.columns.tolist() == ["ImageId", "Label"]
    assert frame["ImageId"].tolist() == [1, 2, 3, 4, 5]
    assert frame["Label"].between(0, 9).all()
    with pytest.raises(KagglekitError, match="--test FILE"):
        from_model(str(path), tmp_path / "subs")
    with pytest.raises(KagglekitError, match="no Kaggle competition"):
        from_pipeline(registered("fashion-cnn"), tmp_path / "subs",
                      test_csv=tmp_path / "test.csv")


def test_digit_recognizer_submission_trains_on_kaggles_train_csv(digits, shared_datasets,
                                                                 tmp_path, recwarn):
    import pandas as pd

    from kagglekit.jobs.spec import registered
    from kagglekit.jobs.submission import from_pipeline

    x, y, x_test, _ = digits
    pixels = [f"pixel{i}" for i in range(784)]
    train = pd.DataFrame(x.reshape(len(x), -1), columns=pixels)
    train.insert(0, "label", y)
    train.to_csv(tmp_path / "train.csv", index=False)
    pd.DataFrame(x_test[:7].reshape(7, -1), columns=pixels).to_csv(tmp_path / "test.csv",
                                                                   index=False)
    out = from_pipeline(registered("mnist-mlp", params={"epochs": 1}), tmp_path / "a",
                        train_csv=tmp_path / "train.csv", test_csv=tmp_path / "test.csv")
    assert pd.read_csv(out)["ImageId"].tolist() == list(range(1, 8))
    assert not [w for w in recwarn if "optimistic" in str(w.message)]
    with pytest.warns(UserWarning, match="leaderboard score will be optimistic"):
        from_pipeline(registered("mnist-mlp", shared_datasets,
                                 {"epochs": 1, "batch_size": 2048}),
                      tmp_path / "b", test_csv=tmp_path / "test.csv")
    with pytest.raises(KagglekitError, match="--train FILE is Kaggle's Digit Recognizer"):
        from_pipeline(registered("fashion-cnn"), tmp_path / "c",
                      train_csv=tmp_path / "train.csv", test_csv=tmp_path / "test.csv")


def test_run_refuses_image_pipelines_before_training(shared_datasets, tmp_path):
    from kagglekit.errors import KagglekitError
    from kagglekit.jobs.run import run
    from kagglekit.jobs.spec import registered

    with pytest.raises(KagglekitError, match="needs --test FILE .Kaggle's Digit Recognizer"):
        run(registered("mnist-cnn", shared_datasets), reports=tmp_path / "r")
    with pytest.raises(KagglekitError, match="--holdout"):
        run(registered("fashion-cnn", shared_datasets), reports=tmp_path / "r")
