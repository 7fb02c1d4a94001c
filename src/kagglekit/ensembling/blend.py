"""Ensembles over models' out-of-fold predictions that optimise a competition metric.

- ``greedy``: forward selection with replacement (Caruana et al., "Ensemble selection from
  libraries of models", ICML 2004): start from the best ``init_best`` models, repeatedly add
  the model (already chosen ones included) whose addition scores best, and keep the best
  prefix. Weights are the selection counts, so they are non-negative and sum to 1. Optional
  bagging repeats the selection on random halves of the models and averages the weights.
- ``stacked``: a second-level model on the out-of-fold predictions: a logistic regression on
  the log-probabilities for classes, a non-negative linear regression for values.
- ``average`` (equal weights) and ``best`` (the best single model) as references.

Every blend combines *model outputs* (probability matrices in ``classes`` order, or values);
:meth:`Blend.predict` then turns the combination into what the metric needs (labels by
argmax for a label metric), as :func:`kagglekit.evaluation.metrics.prediction_for` does.

A blend chosen on the out-of-fold predictions scores optimistically on them.
:func:`kagglekit.ensembling.blend_gain.blend_gain` measures it honestly: for each outer
fold it chooses the blend (and the best single model) on the other folds' rows and scores
both on that fold.

The default is ``greedy``: on the development tables it was the only method never below
the best single model (``benchmarks/blend_methods.py``; the numbers are in
docs/benchmarks.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from kagglekit.errors import KagglekitError
from kagglekit.evaluation.metrics import Metric, get_metric, prediction_for

__all__ = ["Blend", "fit_blend", "greedy_blend", "stacked_blend", "prepare_outputs",
           "score_output", "METHODS"]

METHODS = ("greedy", "stacked", "average", "best")
CLIMB_ROWS = 50_000
"""The most rows a greedy blend climbs on (a seeded sample of them above that)."""
"""The blending methods :func:`fit_blend` knows."""


@dataclass(frozen=True)
class Blend:
    """A fitted ensemble of named models.

    Attributes
    ----------
    metric : str
        The metric it was chosen for.
    method : str
        One of :data:`METHODS`.
    weights : dict
        Model name -> weight (non-negative, summing to 1; for ``stacked``, the share of each
        model's absolute coefficients, for reports only).
    oof_score : float
        Its score on the out-of-fold predictions it was chosen on (optimistic; see
        :func:`kagglekit.ensembling.blend_gain.blend_gain` for an honest one).
    classes : tuple or None
        The sorted class labels of the probability columns (None for values).
    """

    metric: str
    method: str
    weights: dict
    oof_score: float
    classes: tuple | None = None
    stacker: object = field(default=None, repr=False, compare=False)
    names: tuple = field(default=(), repr=False)

    def combine(self, predictions: Mapping[str, np.ndarray]) -> np.ndarray:
        """The blended model output: a probability matrix (n, k) or values (n,).

        Parameters
        ----------
        predictions : mapping of str to array
            Each model's output on the same rows (e.g. the test set's fold-averaged
            predictions), shaped like the out-of-fold ones the blend was fitted on.
        """
        used = list(self.names) if self.stacker is not None else \
            [n for n, w in self.weights.items() if w > 0]
        missing = [n for n in used if n not in predictions]
        if missing:
            raise KagglekitError(f"the blend needs predictions of {missing}; got "
                                 f"{sorted(predictions)}")
        outputs = {n: _output(predictions[n], self.classes, n) for n in used}
        if self.stacker is not None:
            return _stack_predict(self.stacker, [outputs[n] for n in used], self.classes)
        return sum(self.weights[n] * outputs[n] for n in used)

    def predict(self, predictions: Mapping[str, np.ndarray]) -> np.ndarray:
        """What the metric scores (and the submission holds): labels, probabilities or
        values."""
        return prediction_for(self.metric, self.combine(predictions), self.classes)


def fit_blend(oof: Mapping[str, np.ndarray], y, metric: str | Metric, *,
              method: str = "greedy", classes=None, **options) -> Blend:
    """Fit a blend of ``method`` (one of :data:`METHODS`) on out-of-fold predictions.

    Parameters
    ----------
    oof : mapping of str to array
        Each model's out-of-fold output: probabilities (n, k) in ``classes`` order (or, for
        two classes, (n,) P(``classes[1]``)), or values (n,).
    y : array-like of shape (n,)
    metric : str or Metric
    method : str
    classes : array-like, optional
        The sorted class labels (default ``np.unique(y)`` for a classification metric).
    **options
        Passed to :func:`greedy_blend` or :func:`stacked_blend`. (Choosing between
        methods by their honest gain is
        :func:`kagglekit.ensembling.blend_gain.choose_blend`.)
    """
    if method == "greedy":
        return greedy_blend(oof, y, metric, classes=classes, **options)
    if method == "stacked":
        return stacked_blend(oof, y, metric, classes=classes, **options)
    if method not in METHODS:
        raise KagglekitError(f"unknown blend method {method!r}; choose one of "
                             f"{', '.join(METHODS)}")
    metric, y, classes, outputs = prepare_outputs(oof, y, metric, classes)
    if method == "average":
        weights = {n: 1 / len(outputs) for n in outputs}
    else:
        singles = {n: score_output(metric, y, out, classes) for n, out in outputs.items()}
        top = metric.best(singles, key=singles.get)
        weights = {n: float(n == top) for n in outputs}
    blended = sum(w * outputs[n] for n, w in weights.items())
    return Blend(metric.name, method, weights, score_output(metric, y, blended, classes),
                 _tuple(classes))


def greedy_blend(oof: Mapping[str, np.ndarray], y, metric: str | Metric, *, classes=None,
                 iterations: int = 50, init_best: int = 1, bags: int = 1,
                 bag_fraction: float = 0.5, patience: int = 10,
                 random_state: int = 0, climb_rows: int | None = CLIMB_ROWS) -> Blend:
    """Caruana's greedy forward selection with replacement.

    Parameters
    ----------
    oof, y, metric, classes
        As in :func:`fit_blend`.
    iterations : int, default=50
        The most models added after the initial ones.
    init_best : int, default=1
        Start from the ``init_best`` best single models, one vote each.
    bags : int, default=1
        With more than one, the selection runs ``bags`` times on random subsets of
        ``bag_fraction`` of the models and the weights are averaged (Caruana's bagged
        selection, against overfitting the hill-climbing rows). Should the bagged weights
        score worse than the best single model, the plain selection over all models is kept.
    patience : int, default=10
        Stop after this many additions without a better score (the best prefix is kept).
    random_state : int, default=0
        Seeds the bags and the climbing rows.
    climb_rows : int or None, default=CLIMB_ROWS
        With more rows than this, the selection climbs on a seeded random sample of this many
        rows (Caruana's hill-climbing set): every candidate blend is scored on the same rows,
        so the comparisons stay paired, and the cost no longer grows with the table (a ROC
        AUC is a sort). The blend's score is then measured on all rows. None: all rows.

    Returns
    -------
    Blend
        Its out-of-fold score is never worse than the best single model's on the rows it
        climbed on.
    """
    metric, y, classes, outputs = prepare_outputs(oof, y, metric, classes)
    if iterations < 0 or init_best < 1 or bags < 1 or not 0 < bag_fraction <= 1:
        raise KagglekitError("need iterations >= 0, init_best >= 1, bags >= 1 and "
                             "0 < bag_fraction <= 1")
    if climb_rows is not None and len(y) > climb_rows:
        rows = np.sort(np.random.default_rng(random_state).choice(len(y), climb_rows,
                                                                  replace=False))
        climbed = greedy_blend({n: out[rows] for n, out in outputs.items()}, y[rows], metric,
                               classes=classes, iterations=iterations, init_best=init_best,
                               bags=bags, bag_fraction=bag_fraction, patience=patience,
                               random_state=random_state, climb_rows=None)
        score = score_output(metric, y, sum(w * outputs[n] for n, w in climbed.weights.items()),
                             classes)
        return Blend(metric.name, "greedy", climbed.weights, score, _tuple(classes))
    singles = {n: score_output(metric, y, out, classes) for n, out in outputs.items()}
    names = list(outputs)
    counts, score = _select(outputs, singles, names, y, metric, classes, iterations,
                            init_best, patience)
    weights = _normalise(counts, names)
    if bags > 1:
        rng = np.random.default_rng(random_state)
        size = max(1, int(round(bag_fraction * len(names))))
        bagged = dict.fromkeys(names, 0.0)
        for _ in range(bags):
            subset = list(rng.choice(names, size=size, replace=False))
            bag_counts, _ = _select(outputs, singles, subset, y, metric, classes, iterations,
                                    min(init_best, size), patience)
            for name, weight in _normalise(bag_counts, names).items():
                bagged[name] += weight / bags
        bagged_score = score_output(metric, y, sum(w * outputs[n] for n, w in bagged.items()),
                              classes)
        best_single = singles[metric.best(singles, key=singles.get)]
        if not metric.is_better(best_single, bagged_score):
            weights, score = bagged, bagged_score
    return Blend(metric.name, "greedy", weights, score, _tuple(classes))


def stacked_blend(oof: Mapping[str, np.ndarray], y, metric: str | Metric, *, classes=None,
                  C: float = 1.0) -> Blend:
    """A second-level linear model on the out-of-fold predictions.

    Classes: a logistic regression (regularisation ``C``) on each model's log-probabilities
    (binary: the log-odds of ``classes[1]``). Values: a linear regression with non-negative
    coefficients and an intercept. Both optimise their own loss (log loss, squared error),
    not ``metric``; the reported weights are each model's share of the absolute coefficients.
    """
    from sklearn.linear_model import LinearRegression, LogisticRegression

    metric, y, classes, outputs = prepare_outputs(oof, y, metric, classes)
    names = tuple(outputs)
    features = _stack_features([outputs[n] for n in names], classes)
    if classes is None:
        stacker = LinearRegression(positive=True).fit(features, y.astype(float))
        coefficients = np.abs(stacker.coef_).reshape(len(names), -1).sum(axis=1)
    else:
        stacker = LogisticRegression(C=C, max_iter=2000).fit(features, y)
        if not np.array_equal(stacker.classes_, classes):
            raise KagglekitError(f"stacking needs every class among the rows; got "
                                 f"{stacker.classes_.tolist()} of {classes.tolist()}")
        per_model = features.shape[1] // len(names)
        coefficients = np.abs(stacker.coef_).reshape(-1, len(names), per_model).sum(axis=(0, 2))
    total = coefficients.sum()
    weights = {n: float(c / total) if total > 0 else 1 / len(names)
               for n, c in zip(names, coefficients, strict=True)}
    blended = _stack_predict(stacker, [outputs[n] for n in names], classes)
    return Blend(metric.name, "stacked", weights, score_output(metric, y, blended, classes),
                 _tuple(classes), stacker=stacker, names=names)


def prepare_outputs(oof, y, metric, classes):
    metric = get_metric(metric)
    if not oof:
        raise KagglekitError("a blend needs at least one model's out-of-fold predictions")
    y = np.asarray(y)
    if metric.needs != "value":
        classes = np.unique(y) if classes is None else np.asarray(classes)
    else:
        classes = None
    outputs = {str(n): _output(p, classes, n) for n, p in oof.items()}
    for name, out in outputs.items():
        if len(out) != len(y):
            raise KagglekitError(f"{name}: {len(out)} out-of-fold predictions for "
                                 f"{len(y)} rows")
    return metric, y, classes, outputs


def _output(prediction, classes, name):
    """A model's output as float: (n, k) probabilities in ``classes`` order, or (n,) values."""
    out = np.asarray(prediction, dtype=float)
    if classes is None:
        if out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]
        if out.ndim != 1:
            raise KagglekitError(f"{name}: values of shape {out.shape}, expected one per row")
        return out
    if out.ndim == 1 and len(classes) == 2:
        out = np.column_stack([1 - out, out])
    if out.ndim != 2 or out.shape[1] != len(classes):
        raise KagglekitError(f"{name}: probabilities of shape {out.shape}, expected one "
                             f"column per class ({len(classes)})")
    return out


def score_output(metric, y, output, classes):
    return metric.score(y, prediction_for(metric, output, classes), classes=classes)


def _select(outputs, singles, names, y, metric, classes, iterations, init_best, patience):
    order = metric.ranked(names, key=singles.get)
    counts = Counter(order[:init_best])
    total = sum(outputs[n] for n in order[:init_best])
    size = init_best
    best_score, best_counts = score_output(metric, y, total / size, classes), counts.copy()
    stale = 0
    for _ in range(iterations):
        trials = [(score_output(metric, y, (total + outputs[n]) / (size + 1), classes), n)
                  for n in order]
        score, pick = trials[0]
        for trial_score, name in trials[1:]:
            if metric.is_better(trial_score, score):
                score, pick = trial_score, name
        total = total + outputs[pick]
        size += 1
        counts[pick] += 1
        if metric.is_better(score, best_score):
            best_score, best_counts, stale = score, counts.copy(), 0
        else:
            stale += 1
            if stale >= patience:
                break
    return best_counts, best_score


def _normalise(counts, names):
    total = sum(counts.values())
    return {n: counts.get(n, 0) / total for n in names}


def _stack_features(outputs, classes):
    if classes is None:
        return np.column_stack(outputs)
    eps = 1e-6
    if len(classes) == 2:
        columns = [np.log(np.clip(o[:, 1], eps, 1)) - np.log(np.clip(o[:, 0], eps, 1))
                   for o in outputs]
        return np.column_stack(columns)
    return np.column_stack([np.log(np.clip(o, eps, 1)) for o in outputs])


def _stack_predict(stacker, outputs, classes):
    features = _stack_features(outputs, classes)
    if classes is None:
        return stacker.predict(features)
    return stacker.predict_proba(features)


def _tuple(classes):
    return None if classes is None else tuple(c.item() if isinstance(c, np.generic) else c
                                              for c in classes)
