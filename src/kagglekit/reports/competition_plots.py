"""The pictures of a competition report, as PNG bytes: the leaderboard with every fold's
score, the blend's out-of-fold predictions against the truth, the columns that drive the
strongest model, and the most shifted column in train.csv and test.csv. (The network's loss
curves, ROC curves, residuals and confusion matrices are :mod:`kagglekit.reports.plots`'.)"""

from __future__ import annotations

import numpy as np

from kagglekit.evaluation.metrics import Metric, get_metric
from kagglekit.reports.plots import new_figure, png_bytes


def leaderboard(metric: str | Metric, scores: dict[str, list]) -> bytes:
    """Each model's fold scores as points around its mean (a line), best model on top.

    ``scores``: model name -> the ``metric`` per fold (the blend's: on each fold, the blend
    chosen on the other folds)."""
    metric = get_metric(metric)
    names = metric.ranked(scores, key=lambda n: float(np.mean(scores[n])))[::-1]  # best last
    fig = new_figure(7, 0.55 * len(names) + 1.4)
    ax = fig.subplots()
    for row, name in enumerate(names):
        values = np.asarray(scores[name], dtype=float)
        ax.scatter(values, np.full(len(values), row), s=22, alpha=0.7, color="tab:blue")
        ax.plot([values.mean()] * 2, [row - 0.3, row + 0.3], color="black", linewidth=2)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel(f"{metric.label} per fold ({metric.direction} is better; a bar: the mean)")
    ax.set_title("Leaderboard: every fold's score")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return png_bytes(fig)


def predicted_against_actual(truth, predicted) -> bytes:
    """Out-of-fold predictions against the true values, with the diagonal of no error."""
    truth, predicted = np.asarray(truth, dtype=float), np.asarray(predicted, dtype=float)
    fig = new_figure(5.5, 5)
    ax = fig.subplots()
    ax.scatter(truth, predicted, s=8, alpha=0.4, label="one row")
    low, high = np.nanmin([truth.min(), predicted.min()]), np.nanmax([truth.max(),
                                                                      predicted.max()])
    ax.plot([low, high], [low, high], color="grey", linestyle="--", label="no error")
    ax.set_xlabel("true value")
    ax.set_ylabel("out-of-fold prediction (the blend)")
    ax.set_title("Predicted against actual (out-of-fold)")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return png_bytes(fig)


def calibration(truth, proba, positive, bins: int = 10) -> bytes:
    """The share of positives among rows grouped by their out-of-fold probability (quantile
    bins), against the mean probability: on the diagonal when calibrated."""
    from sklearn.calibration import calibration_curve

    hit = np.asarray(truth) == positive
    observed, expected = calibration_curve(hit, np.asarray(proba, dtype=float), n_bins=bins,
                                           strategy="quantile")
    fig = new_figure(5.5, 5)
    ax = fig.subplots()
    ax.plot(expected, observed, marker="o", label="the blend")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="calibrated")
    ax.set_xlabel(f"mean out-of-fold P({positive})")
    ax.set_ylabel(f"share of {positive} among those rows")
    ax.set_title("Calibration (out-of-fold, 10 quantile bins)")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return png_bytes(fig)


def importance(model: str, label: str, drops: dict[str, tuple]) -> bytes:
    """Permutation importance: how much the metric worsens when a column's values are
    shuffled (mean and spread over the repeats), largest first."""
    names = list(drops)[::-1]
    fig = new_figure(7, 0.32 * len(names) + 1.4)
    ax = fig.subplots()
    means = [drops[n][0] for n in names]
    spreads = [drops[n][1] for n in names]
    ax.barh(range(len(names)), means, xerr=spreads, color="tab:blue", alpha=0.8)
    ax.set_yticks(range(len(names)), names)
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_xlabel(f"{label} lost when the column is shuffled")
    ax.set_title(f"What drives {model} (permutation importance on held-out rows)")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return png_bytes(fig)


def shifted_column(column: str, train_values, test_values) -> bytes:
    """The distribution of one column in train.csv and in test.csv (histograms of the same
    bins for numbers, shares of the most common values for text)."""
    import pandas as pd

    a, b = pd.Series(train_values).dropna(), pd.Series(test_values).dropna()
    fig = new_figure(6.5, 4)
    ax = fig.subplots()
    numeric = pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b)
    if numeric and pd.concat([a, b]).nunique() > 20:
        edges = np.histogram_bin_edges(pd.concat([a, b]).astype(float), bins=30)
        ax.hist(a, bins=edges, density=True, alpha=0.55, label="train.csv")
        ax.hist(b, bins=edges, density=True, alpha=0.55, label="test.csv")
        ax.set_ylabel("density")
    else:
        top = pd.concat([a, b]).astype(str).value_counts().index[:15]
        share_a = a.astype(str).value_counts(normalize=True).reindex(top, fill_value=0)
        share_b = b.astype(str).value_counts(normalize=True).reindex(top, fill_value=0)
        x = np.arange(len(top))
        ax.bar(x - 0.2, share_a.to_numpy(), width=0.4, label="train.csv")
        ax.bar(x + 0.2, share_b.to_numpy(), width=0.4, label="test.csv")
        ax.set_xticks(x, [str(t)[:12] for t in top], rotation=45, ha="right")
        ax.set_ylabel("share of rows")
    ax.set_title(f"{column} in train.csv and test.csv")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return png_bytes(fig)
