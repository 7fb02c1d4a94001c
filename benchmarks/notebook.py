"""The notebook a Kaggle competitor writes first, as a benchmark anchor (never a kagglekit model).

5-fold CV (stratified for classes, seeded) of LightGBM and CatBoost with their default
settings, native categorical columns and early stopping on each fold's validation rows
(LightGBM: up to 10,000 rounds, CatBoost: its default 1,000 iterations; patience 100); test
predictions averaged over the folds; the submission is the better of the two or their 50/50
blend, chosen by out-of-fold score. No time limit: its seconds are reported beside the score.
Early stopping on the validation fold makes its out-of-fold score optimistic; the score that
counts is the one on the held-back labels.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold

from kagglekit.evaluation.metrics import get_metric, prediction_for


def _frames(train: pd.DataFrame, test: pd.DataFrame, target: str, id_column: str):
    """Features with text columns as pandas categories (the same categories in both)."""
    X = train.drop(columns=[target, id_column])
    X_test = test[X.columns].copy()
    categorical = [c for c in X if not pd.api.types.is_numeric_dtype(X[c])]
    for column in categorical:
        levels = pd.Index(pd.concat([X[column], X_test[column]]).dropna().astype(str).unique())
        X[column] = pd.Categorical(X[column].astype("string"), categories=levels)
        X_test[column] = pd.Categorical(X_test[column].astype("string"), categories=levels)
    return X, X_test, categorical


def _lightgbm(regression, X, y, X_val, y_val, seed):
    import lightgbm

    cls = lightgbm.LGBMRegressor if regression else lightgbm.LGBMClassifier
    model = cls(n_estimators=10_000, random_state=seed, verbose=-1)
    model.fit(X, y, eval_X=(X_val,), eval_y=(y_val,),
              callbacks=[lightgbm.early_stopping(100, verbose=False)])
    return model


def _catboost(regression, X, y, X_val, y_val, seed, categorical):
    import catboost

    def text(frame):
        frame = frame.copy()
        for column in categorical:  # CatBoost takes text categories, a missing one too
            frame[column] = frame[column].astype(object).where(frame[column].notna(),
                                                               "missing").astype(str)
        return frame

    cls = catboost.CatBoostRegressor if regression else catboost.CatBoostClassifier
    model = cls(random_seed=seed, verbose=False, allow_writing_files=False,
                early_stopping_rounds=100, cat_features=categorical)
    model.fit(text(X), y, eval_set=(text(X_val), y_val))
    return model, text


def notebook(train: pd.DataFrame, test: pd.DataFrame, target: str, id_column: str,
             metric: str, *, seed: int = 0, folds: int = 5) -> dict:
    """The notebook's test output and how it chose it: ``output`` ((n, k) probabilities in
    sorted-class order, or values), ``classes``, ``choice``, ``oof`` scores, ``seconds``."""
    start = time.perf_counter()
    scorer = get_metric(metric)
    X, X_test, categorical = _frames(train, test, target, id_column)
    regression = scorer.needs == "value"
    classes = None if regression else np.unique(train[target])
    y = train[target].to_numpy(dtype=float) if regression else \
        np.searchsorted(classes, train[target].to_numpy())
    split = (KFold(folds, shuffle=True, random_state=seed) if regression
             else StratifiedKFold(folds, shuffle=True, random_state=seed))
    width = () if regression else (len(classes),)
    oof = {m: np.zeros((len(X), *width)) for m in ("lightgbm", "catboost")}
    tests = {m: np.zeros((len(X_test), *width)) for m in ("lightgbm", "catboost")}
    for fit_rows, held in split.split(X, y):
        parts = (X.iloc[fit_rows], y[fit_rows], X.iloc[held], y[held])
        lgbm = _lightgbm(regression, *parts, seed)
        cat, text = _catboost(regression, *parts, seed, categorical)
        for name, model, rows in (("lightgbm", lgbm, lambda f: f), ("catboost", cat, text)):
            out = model.predict if regression else model.predict_proba
            oof[name][held] = out(rows(X.iloc[held]))
            tests[name] += out(rows(X_test)) / folds
    oof["blend"] = (oof["lightgbm"] + oof["catboost"]) / 2
    tests["blend"] = (tests["lightgbm"] + tests["catboost"]) / 2
    labels = train[target].to_numpy()
    scores = {name: scorer.score(labels, prediction_for(scorer, output, classes),
                                 classes=classes) for name, output in oof.items()}
    choice = scorer.best(scores, key=scores.get)
    return {"output": tests[choice], "classes": classes, "choice": choice,
            "oof": {k: round(v, 6) for k, v in scores.items()},
            "seconds": round(time.perf_counter() - start, 1)}
