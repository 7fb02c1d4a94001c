"""``regression-scaling``: the blog's y = x + 10 task, trained on x in [0, 100) and tested on
[100, 200), with and without scaling, and with linear activations."""

from __future__ import annotations

import numpy as np

from kagglekit.data.synthetic import shift
from kagglekit.experiments.figures import COLORS
from kagglekit.experiments.report import ExperimentResult, Finding


def _variants():
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    return {
        "no scaling (ReLU)": (None, "passthrough", "relu"),
        "standardized (ReLU)": (StandardScaler(), StandardScaler(), "relu"),
        "min-max scaled (ReLU)": (MinMaxScaler(), MinMaxScaler(), "relu"),
        "standardized, linear activations": (StandardScaler(), StandardScaler(), "linear"),
    }


def run(*, seed: int = 0, epochs: int = 100, hidden: tuple = (32, 32),
        step: float = 1.0) -> ExperimentResult:
    """Fit each variant on the training range; RMSE on it and on the extrapolation range."""
    from sklearn.pipeline import make_pipeline

    from kagglekit.pipelines.regression import regression_net

    data = shift(step=step)
    X, y = data.X.to_numpy(), data.y.to_numpy()
    X_test, y_test = data.X_test.to_numpy(), data.y_test.to_numpy()
    rows, predictions, rmse = [], {}, {}
    for variant, (x_scaler, y_scaler, activation) in _variants().items():
        net = regression_net(target_scaler=y_scaler, model__hidden=hidden,
                             model__activation=activation, epochs=epochs, batch_size=16,
                             random_state=seed)
        model = (make_pipeline(x_scaler, net) if x_scaler is not None else net).fit(X, y)
        train_rmse = float(np.sqrt(np.mean((model.predict(X) - y) ** 2)))
        predicted = model.predict(X_test)
        rmse[variant] = float(np.sqrt(np.mean((predicted - y_test) ** 2)))
        predictions[variant] = [float(p) for p in predicted]
        rows.append([variant, f"{train_rmse:.4g}", f"{rmse[variant]:.4g}",
                     f"{float(model.predict(np.array([[150.0]]))[0]):.3f}"])
    result = ExperimentResult(
        name="regression-scaling", title="y = x + 10: scaling and extrapolation",
        summary=(f"A dense net {'-'.join(map(str, hidden))} (linear output, MSE, Adam 0.01, "
                 f"{epochs} epochs, batch 16) trained on x = 0..99 and tested on x = 100..199, "
                 "outside the training range. Scalers are fitted on the training rows; the "
                 "target's scaler is undone for predictions."),
        settings={"epochs": epochs, "hidden": list(hidden), "step": step}, seed=seed,
        curves={"x_test": [float(x) for x in X_test[:, 0]], "predictions": predictions},
        tables={"Test RMSE on the extrapolation range": {
            "columns": ["variant", "training RMSE", "test RMSE (x in 100..199)",
                        "prediction at x = 150 (truth 160)"], "rows": rows}})
    best = min(rmse, key=rmse.get)
    result.findings = [
        Finding(claim="a net with linear activations recovers y = x + 10 and extrapolates",
                measured=f"test RMSE with linear activations: "
                         f"{rmse['standardized, linear activations']:.3g}; best variant: {best}.",
                holds=rmse["standardized, linear activations"] < 0.01),
        Finding(claim="ReLU nets fit the training range but extrapolate worse",
                measured="test RMSE: " + ", ".join(f"{v} {r:.3g}" for v, r in rmse.items())
                         + ".",
                holds=all(rmse[v] > rmse["standardized, linear activations"]
                          for v in rmse if "ReLU" in v)),
    ]
    result.figures["extrapolation.png"] = _scaling_figure(X, y, X_test, y_test, predictions)
    return result


def _scaling_figure(X, y, X_test, y_test, predictions) -> bytes:
    from kagglekit.reports.plots import new_figure as figure
    from kagglekit.reports.plots import png_bytes

    fig = figure(7.5, 4.2)
    ax = fig.subplots()
    ax.plot(X[:, 0], y, color="#333333", linewidth=3, alpha=0.35, label="training data")
    ax.plot(X_test[:, 0], y_test, color="#333333", linewidth=3, alpha=0.15, label="truth (test)")
    for (variant, predicted), color in zip(predictions.items(), COLORS, strict=False):
        ax.plot(X_test[:, 0], predicted, color=color, label=variant)
    ax.axvline(100, color="#888888", linestyle=":", linewidth=1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Predictions outside the training range (x ≥ 100)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return png_bytes(fig)
