"""Ensembles in cross-validation: each member scored on the ensemble's test rows, and the
gain of the ensemble over its best member with its spread over the folds."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kagglekit.evaluation.metrics import Metric, get_metric

GAIN_TEXT = ("Each ensemble against its best member (the member with the best mean score "
             "over the folds, picked after the fact), scored on the same test rows of every "
             "fold: gain = ensemble − best member per fold (positive: the ensemble is better), "
             "mean ± standard deviation over folds, and the mean as a percent of the best "
             "member's score.")
"""How reports explain the ensemble gain table."""


def ensemble_members(model) -> dict | None:
    """The fitted members of an ensemble by name, or None for a model that is not one.

    Knows scikit-learn's ``VotingClassifier`` / ``VotingRegressor`` / ``StackingClassifier``
    / ``StackingRegressor`` and kagglekit's ``SeedEnsemble`` (all have
    ``named_estimators_``); members set to ``"drop"`` are left out.
    """
    named = getattr(model, "named_estimators_", None)
    if named is None:
        return None
    members = {name: m for name, m in named.items() if m is not None and m != "drop"}
    return members or None


class _Member:
    """A member seen through its ensemble's labels: Voting and Stacking fit their members on
    encoded labels (0..k-1), in the same order as the ensemble's ``classes_``."""

    def __init__(self, estimator, classes):
        self.estimator = estimator
        self.classes_ = classes

    def predict_proba(self, X):
        return self.estimator.predict_proba(X)

    def predict(self, X):
        return self.estimator.predict(X)


def member_scores(pipeline, X, y, score: Callable) -> dict[str, float] | None:
    """Score every member of the ensemble that ends ``pipeline`` on the rows ``X, y``.

    The rows go through the pipeline's preprocessing once; each member then predicts them.

    Parameters
    ----------
    pipeline : fitted Pipeline or estimator
    X, y : the test rows and their targets.
    score : callable
        ``score(member, Xt, y) -> float``; the member has ``predict``, ``predict_proba``
        (when it has one) and the ensemble's ``classes_``.

    Returns
    -------
    dict or None
        Member name -> score (classifier members without ``predict_proba`` are left out);
        None when the final step is not an ensemble.
    """
    steps = getattr(pipeline, "steps", None)
    final = steps[-1][1] if steps else pipeline
    members = ensemble_members(final)
    if members is None:
        return None
    Xt = pipeline[:-1].transform(X) if steps and len(steps) > 1 else X
    classes = getattr(final, "classes_", None)
    return {name: float(score(_Member(m, classes), Xt, y)) for name, m in members.items()
            if classes is None or hasattr(m, "predict_proba")}


def gain(ensemble: list[float], members: dict[str, list[float]], *,
         metric: str | Metric) -> dict | None:
    """How much better an ensemble scored than its best member, fold by fold.

    The best member is the one with the best mean over folds (chosen after the fact, which
    favours the member). The gain of each fold is ``metric.sign * (ensemble − best
    member)``, so a positive gain always means the ensemble is better.

    Parameters
    ----------
    ensemble : list of float
        The ensemble's score per fold.
    members : dict
        Member name -> its score per fold (the same folds).
    metric : str or Metric
        What the scores are; its direction decides which is better.

    Returns
    -------
    dict or None
        ``ensemble_mean``, ``best_member``, ``best_member_mean``, ``average_member_mean``
        (the mean over all members and folds: what one member is expected to score),
        ``gain_mean`` and ``gain_std`` (over folds), ``gain_pct`` (``gain_mean`` as a percent
        of the best member's mean), ``folds_better`` (folds where the ensemble beat the best
        member), ``folds`` (the per-fold gains) and ``members`` (each member's mean). None
        without members.
    """
    if not members:
        return None
    scores = np.asarray(ensemble, dtype=float)
    means = {name: float(np.mean(v)) for name, v in members.items()}
    if any(len(v) != len(scores) for v in members.values()):
        raise ValueError("every member needs one score per fold of the ensemble")
    sign = get_metric(metric).sign
    best = max(means, key=lambda name: sign * means[name])  # the first of equal means
    folds = sign * (scores - np.asarray(members[best], dtype=float))
    best_mean = means[best]
    return {
        "ensemble_mean": round(float(scores.mean()), 6),
        "best_member": best,
        "best_member_mean": round(best_mean, 6),
        "average_member_mean": round(float(np.mean(list(means.values()))), 6),
        "gain_mean": round(float(folds.mean()), 6),
        "gain_std": round(float(folds.std()), 6),
        "gain_pct": round(float(100 * folds.mean() / abs(best_mean)), 2) if best_mean else None,
        "folds_better": int((folds > 0).sum()),
        "folds": [round(float(g), 6) for g in folds],
        "members": {name: round(m, 6) for name, m in means.items()},
    }


def gain_line(found: dict) -> str:
    """One line of text for a :func:`gain` result."""
    pct = "" if found["gain_pct"] is None else f" ({found['gain_pct']:+.2f} %)"
    return (f"gain over the best member ({found['best_member']}, "
            f"{found['best_member_mean']:.4f}): {found['gain_mean']:+.4f} ± "
            f"{found['gain_std']:.4f}{pct}, better in {found['folds_better']} of "
            f"{len(found['folds'])} folds")
