"""Figures the experiments share: learning curves per variant, bars on a log scale."""

from __future__ import annotations

import numpy as np

from kagglekit.reports.plots import new_figure, png_bytes

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def learning_curves(title: str, curves: dict[str, dict], *, ylabel: str = "loss",
                    log: bool = False) -> bytes:
    """One panel per variant: training loss (solid) and validation loss (dashed) per epoch,
    all panels on the same y-axis so the variants compare at a glance.

    ``curves`` maps a variant to ``{"loss": [...], "val_loss": [...]}`` (``val_loss`` may be
    empty)."""
    columns = 2 if len(curves) == 4 else min(len(curves), 3)
    rows = -(-len(curves) // columns)
    fig = new_figure(4.2 * columns, 3.2 * rows)
    axes = np.atleast_1d(fig.subplots(rows, columns, sharey=True, squeeze=False)).ravel()
    for ax, (variant, color) in zip(axes, zip(curves, COLORS, strict=False), strict=False):
        history = curves[variant]
        epochs = np.arange(1, len(history["loss"]) + 1)
        ax.plot(epochs, history["loss"], color=color, label="training")
        if history.get("val_loss"):
            ax.plot(epochs, history["val_loss"], color=color, linestyle="--", label="validation")
            best = int(np.argmin(history["val_loss"]))
            ax.axvline(best + 1, color="#888888", linewidth=0.8, linestyle=":",
                       label="lowest validation loss")
        ax.set_title(variant)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        if log:
            ax.set_yscale("log")
        ax.legend(fontsize=8)
    for ax in axes[len(curves):]:
        ax.set_visible(False)
    for ax in axes[::columns]:
        ax.set_ylabel(ylabel)
    fig.suptitle(title)
    fig.tight_layout()
    return png_bytes(fig)


def grouped_bars(title: str, groups: dict[str, list[float]], labels: list[str], *,
                 ylabel: str, log: bool = True) -> bytes:
    """Bars for each label (x axis), one colour per group (e.g. per-layer values per
    activation), on a log scale by default."""
    fig = new_figure(max(6.0, 0.55 * len(labels) * len(groups) / 2), 3.8)
    ax = fig.subplots()
    width = 0.8 / len(groups)
    x = np.arange(len(labels))
    for i, ((group, values), color) in enumerate(zip(groups.items(), COLORS, strict=False)):
        ax.bar(x + (i - (len(groups) - 1) / 2) * width, values, width, label=group, color=color)
    ax.set_xticks(x, labels)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return png_bytes(fig)
