"""A seeded synthetic binary competition whose true logit is known, so a submission's ROC AUC
can be put beside the best any model could reach (the Bayes-optimal AUC: the true logit's
AUC on the test rows).

The table: ``NUMERIC`` numeric columns (standard normal, some with missing values; the last
four carry no signal), ``LEVELS`` categorical columns of 5 to 35 string levels, an ``id``,
and ``target`` drawn from the logit. The logit mixes a linear part with what a linear model
cannot see: a product of two columns, a sine, an absolute value, a threshold and a
category-by-column interaction. :data:`SCALE` sets its size so the Bayes AUC is about 0.89
and a logistic regression on the same columns (one-hot categories) about 0.75, 15 % below
(:func:`calibration` measures both).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NUMERIC = 12
"""Numeric columns ``x0`` ... ``x11``; ``x8`` to ``x11`` are noise."""
LEVELS = (5, 12, 35)
"""Levels of the categorical columns ``c0``, ``c1``, ``c2``."""
MISSING = {"x3": 0.05, "x6": 0.10, "c1": 0.03}
"""Share of missing values per column (missing at random; the logit uses the true value)."""
SCALE = 1.35
"""Multiplies the logit: sets the Bayes-optimal AUC (seed 0: 0.892 on the scored half of
:func:`calibration`'s 60k rows and on the 25k test rows of competition_scale.py's 100k table,
0.894 on the 250k test rows of its 1M table; the tables are different draws)."""


def synthetic_table(rows: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """``rows`` rows of the synthetic table (``id``, ``x*``, ``c*``, ``target``) and each
    row's true logit. The same seed gives the same table; the level effects depend on the
    seed only, never on ``rows``."""
    effects = np.random.default_rng(10_000 + seed)
    level_effects = [effects.normal(0.0, 0.6, size=k) for k in LEVELS]
    slope_by_level = effects.normal(0.0, 0.9, size=LEVELS[0])
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, NUMERIC)).astype(np.float32)
    codes = [rng.integers(0, k, size=rows) for k in LEVELS]
    logit = (0.5 * x[:, 0] - 0.4 * x[:, 5] + 0.3 * x[:, 7]          # linear
             + 0.9 * x[:, 1] * x[:, 2]                               # interaction
             + 0.9 * np.sin(2.0 * x[:, 4])                           # non-linear
             + 0.7 * (np.abs(x[:, 3]) - 0.8)                         # symmetric
             + 0.8 * (x[:, 6] > 0.7)                                 # threshold
             + slope_by_level[codes[0]] * x[:, 7]                    # category x column
             + sum(effect[c] for effect, c in zip(level_effects, codes, strict=True)))
    logit = SCALE * (logit - logit.mean())
    target = (rng.random(rows) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int8)
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(NUMERIC)])
    for i, (k, c) in enumerate(zip(LEVELS, codes, strict=True)):
        names = np.array([f"L{i}_{level:02d}" for level in range(k)], dtype=object)
        frame[f"c{i}"] = names[c]
    for column, share in MISSING.items():
        frame.loc[rng.random(rows) < share, column] = np.nan
    frame.insert(0, "id", np.arange(rows, dtype=np.int64))
    frame["target"] = target
    return frame, logit


def calibration(rows: int = 60_000, seed: int = 0) -> dict:
    """The Bayes-optimal AUC of a fresh table and a logistic regression's AUC on it (trained on
    half, scored on the other half): the check that the linear model misses by >= 5 %."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame, logit = synthetic_table(rows, seed)
    half = rows // 2
    X = frame.drop(columns=["id", "target"])
    y = frame["target"].to_numpy()
    numeric = [c for c in X if c.startswith("x")]
    categorical = [c for c in X if c.startswith("c")]
    linear = make_pipeline(
        ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(), StandardScaler()), numeric),
            ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                  OneHotEncoder(handle_unknown="ignore")), categorical)]),
        LogisticRegression(max_iter=1000)).fit(X[:half], y[:half])
    return {"bayes_auc": round(float(roc_auc_score(y[half:], logit[half:])), 4),
            "linear_auc": round(float(roc_auc_score(
                y[half:], linear.predict_proba(X[half:])[:, 1])), 4),
            "positive_share": round(float(y.mean()), 3)}


if __name__ == "__main__":
    import json

    print(json.dumps({"benchmark": "synthetic_calibration", **calibration()}))
