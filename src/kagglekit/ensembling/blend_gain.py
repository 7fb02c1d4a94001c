"""The honest gain of a blend over the best single model: for each outer fold, the blend and
the best single model are chosen on the other folds' out-of-fold rows and scored on this
fold's rows, so the gain and its fold spread are not flattered by the choice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kagglekit.ensembling.blend import Blend, fit_blend, prepare_outputs, score_output
from kagglekit.errors import KagglekitError
from kagglekit.evaluation.metrics import Metric


@dataclass(frozen=True)
class BlendGain:
    """The honest gain of a blend over the best single model, fold by fold.

    ``ensemble[i]`` is the score on fold ``i`` of the blend chosen on the other folds;
    ``best_single[i]`` that of the single model that scored best on the other folds;
    ``gain[i]`` their difference signed so that positive means the blend is better.
    """

    metric: str
    method: str
    ensemble: list
    best_single: list
    gain: list
    mean: float
    std: float

    def to_dict(self) -> dict:
        return {"metric": self.metric, "method": self.method, "ensemble": self.ensemble,
                "best_single": self.best_single, "gain": self.gain,
                "mean": self.mean, "std": self.std}


def blend_gain(oof: Mapping[str, np.ndarray], y, folds, metric: str | Metric, *,
               method: str = "greedy", classes=None, **options) -> BlendGain:
    """The blend's gain over the best single model, measured on rows it was not chosen on.

    For each outer fold, the blend and the best single model are both chosen on the other
    folds' out-of-fold rows and scored on this fold's rows.

    Parameters
    ----------
    oof, y, metric, classes, **options
        As in :func:`fit_blend`.
    folds : array-like of int of shape (n,), or sequence of (train, test) index pairs
        Each row's fold (the cross-validation that made ``oof``; reuse its folds).
    method : str
        The blend method to measure (one of :data:`kagglekit.ensembling.blend.METHODS`, or
        ``"auto"``: :func:`choose_blend` on each outer fold's inner rows).

    Returns
    -------
    BlendGain
    """
    metric, y, classes, outputs = prepare_outputs(oof, y, metric, classes)
    fold_of = _fold_ids(folds, len(y))
    ensemble, single, gain = [], [], []
    for fold in np.unique(fold_of):
        inner, outer = fold_of != fold, fold_of == fold
        subset = {n: out[inner] for n, out in outputs.items()}
        if method == "auto":  # the choice itself is made on the inner folds only
            blend = choose_blend(subset, y[inner], fold_of[inner], metric, classes=classes,
                                 **options)[0]
        else:
            blend = fit_blend(subset, y[inner], metric, method=method, classes=classes,
                              **options)
        best = fit_blend(subset, y[inner], metric, method="best", classes=classes)
        held = {n: out[outer] for n, out in outputs.items()}
        e = score_output(metric, y[outer], blend.combine(held), classes)
        s = score_output(metric, y[outer], best.combine(held), classes)
        ensemble.append(round(e, 6))
        single.append(round(s, 6))
        gain.append(round(metric.sign * (e - s), 6))
    return BlendGain(metric.name, method, ensemble, single, gain,
                     float(np.mean(gain)), float(np.std(gain)))


def choose_blend(oof: Mapping[str, np.ndarray], y, folds, metric: str | Metric, *,
                 classes=None, candidates: Sequence[str] = ("greedy", "stacked"),
                 **options) -> tuple[Blend, dict]:
    """Fit the candidate method with the best honest gain (or the best single model).

    Each candidate's gain is measured with :func:`blend_gain` on ``folds``; the one with the
    highest mean gain is fitted on all rows. When no candidate beats the best single model
    on average (mean gain below 0), the best single model is returned, so the choice is never
    knowingly worse than the best member.

    Returns
    -------
    (Blend, dict)
        The fitted blend, and each candidate's :class:`BlendGain`.
    """
    gains = {m: blend_gain(oof, y, folds, metric, method=m, classes=classes,
                           **(options if m == "greedy" else {}))
             for m in candidates}
    method = max(gains, key=lambda m: gains[m].mean)
    if gains[method].mean < 0:
        method = "best"
    blend = fit_blend(oof, y, metric, method=method, classes=classes,
                      **(options if method == "greedy" else {}))
    return blend, gains


def _fold_ids(folds, n):
    if isinstance(folds, Sequence) and folds and isinstance(folds[0], tuple):
        fold_of = np.full(n, -1)
        for i, (_train, test) in enumerate(folds):
            fold_of[np.asarray(test)] = i
    else:
        fold_of = np.asarray(folds)
    if fold_of.shape != (n,) or (fold_of < 0).any():
        raise KagglekitError("folds must give every row's fold (an int per row, or the "
                             "cross-validation's (train, test) pairs covering every row)")
    if len(np.unique(fold_of)) < 2:
        raise KagglekitError("measuring a blend's gain needs at least two folds")
    return fold_of
