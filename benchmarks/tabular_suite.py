"""Tabular suite: 5-fold CV (the same folds for every model, seed 0) of four models on the
seven development tables of ../shared/datasets/tabular, car_purchase and Titanic.

Models:
- ``net``: ``tabular --model net`` (the tabular network; ``--net-seconds`` is its
  ``max_seconds`` per fold, default 150: only flights reaches it);
- ``classic``: today's network before the tabular net, on today's columns (text with more than
  50 values and dates dropped): dense 64-32, dropout 0.1, batch 32, 100 epochs, capped by a
  ``TimeBudget`` of ``--classic-seconds`` per fold (default 60; only flights reaches it: it
  would take ~30 min per fold);
- ``hgb``: ``tabular --model hgb`` (kagglekit's gradient boosting, native categories,
  target encoding beyond 254 levels, date parts);
- ``sklearn-hgb``: a plain scikit-learn pipeline on today's columns: median / most-frequent
  imputation, one-hot encoding, ``HistGradientBoosting*`` with its defaults;
- on request (``--models``): ``lgbm``, ``catboost`` (``tabular``'s LightGBM and CatBoost) and
  ``lgbm-refit``, ``catboost-refit`` (the same, boosted again on the whole training fold).

Metrics: accuracy and ROC AUC (binary), accuracy and log loss (multiclass), RMSE (regression).
One JSON line per (table, model) on stdout; progress on stderr.

Usage: python benchmarks/tabular_suite.py [--tables wage,concrete] [--models net,hgb]
       [--folds 5] [--seed 0] [--net-seconds 150] [--net-set model__model__n_heads=4 ...]
       [--classic-seconds 60] [--hgb-threads 1]

HGB runs with one OpenMP thread by default: on this machine's 2 cores, shared with other work,
its OpenMP barriers waited on descheduled threads and a fold took minutes instead of seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
BUNDLED = ROOT / "src" / "kagglekit" / "data" / "bundled"

#: table -> (CSV path, target, id column, columns to drop); see ../shared/datasets/README.md
TABLES = {
    "wage": (SHARED / "tabular" / "wage.csv", "wage", "rownames", ("logwage",)),
    "attrition": (SHARED / "tabular" / "attrition.csv", "Attrition", "rownames", ()),
    "telco_churn": (SHARED / "tabular" / "telco_churn.csv", "churn", "rownames", ()),
    "hpc_jobs": (SHARED / "tabular" / "hpc_jobs.csv", "class", "rownames", ()),
    "hotel_rates": (SHARED / "tabular" / "hotel_rates.csv", "avg_price_per_room", "rownames",
                    ()),
    "concrete": (SHARED / "tabular" / "concrete.csv", "compressive_strength", "rownames", ()),
    "flights": (SHARED / "tabular" / "flights.csv", "arr_delay", "rownames",
                ("arr_time", "air_time")),
    "car_purchase": (SHARED / "car-purchase" / "car_purchase.csv", "Purchased", "User ID", ()),
    "titanic": (BUNDLED / "titanic" / "train.csv", "Survived", "PassengerId", ()),
}
MODELS = ("net", "classic", "hgb", "sklearn-hgb")
GBDTS = ("lgbm", "lgbm-refit", "catboost", "catboost-refit")
"""More models for ``--models``: kagglekit's LightGBM and CatBoost (early stopping on 10 % of
the training fold), and the same boosted again on the whole training fold (``-refit``)."""


def time_budget(max_seconds: float):
    """A Keras callback that stops training after the batch that passes ``max_seconds`` (the
    classic net has no ``max_seconds`` of its own)."""
    import time

    from kagglekit.models.keras import keras

    class TimeBudget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            if time.perf_counter() - self.start > max_seconds:
                self.model.stop_training = True

    return TimeBudget()


def plain_hgb(plan):
    """Median / most-frequent imputation, one-hot encoding, scikit-learn's HGB defaults."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

    parts = [("numeric", SimpleImputer(strategy="median"), list(plan.numeric))]
    if plan.categorical:
        parts.append(("categorical", make_pipeline(
            FunctionTransformer(_text), SimpleImputer(strategy="most_frequent"),
            OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
            list(plan.categorical)))
    model = (HistGradientBoostingRegressor(random_state=0) if plan.task == "regression"
             else HistGradientBoostingClassifier(random_state=0))
    return make_pipeline(ColumnTransformer(parts), model)


def _text(X):
    """Cells as text (missing stays missing), so columns of mixed types one-hot encode."""
    frame = pd.DataFrame(X)
    return frame.astype(str).astype(object).where(frame.notna(), np.nan)


def build(model: str, plan, old_plan, args):
    from kagglekit.pipelines.params import set_params
    from kagglekit.pipelines.tabular import tabular_pipeline

    if model == "net":
        pipeline = tabular_pipeline(plan, "net")
        set_params(pipeline, {"model__max_seconds": args.net_seconds, **net_settings(args)})
        return pipeline
    if model == "classic":
        pipeline = tabular_pipeline(old_plan, "mlp")
        set_params(pipeline, {"callbacks": [time_budget(args.classic_seconds)]})
        return pipeline
    if model == "hgb":
        return tabular_pipeline(plan, "hgb")
    if model in GBDTS:  # kagglekit's LightGBM / CatBoost, with or without the refit
        pipeline = tabular_pipeline(plan, model.removesuffix("-refit"))
        set_params(pipeline, {"model__refit": model.endswith("-refit")})
        return pipeline
    return plain_hgb(old_plan)


def net_settings(args) -> dict:
    """``--net-set KEY=VALUE`` as a dict (values read as JSON, else as text)."""
    settings = {}
    for item in args.net_set:
        key, _, value = item.partition("=")
        try:
            settings[key] = json.loads(value)
        except json.JSONDecodeError:
            settings[key] = value
    return settings


def scores(task, n_classes, y_true, predicted, proba, classes) -> dict:
    from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, roc_auc_score

    if task == "regression":
        return {"rmse": float(np.sqrt(mean_squared_error(y_true, predicted)))}
    out = {"accuracy": float(accuracy_score(y_true, predicted))}
    if n_classes == 2:
        out["roc_auc"] = float(roc_auc_score(y_true == classes[1], proba[:, 1]))
    else:
        out["log_loss"] = float(log_loss(y_true, proba, labels=classes))
    return out


def run_table(name: str, models, args) -> None:
    from sklearn.base import clone
    from sklearn.model_selection import KFold, StratifiedKFold

    from kagglekit.features.tabular import infer_columns

    path, target, id_column, drop = TABLES[name]
    if not path.is_file():
        print(json.dumps({"table": name, "skipped": f"{path} not found"}), flush=True)
        return
    frame = pd.read_csv(path)
    plan = infer_columns(frame, target, id_column=id_column, drop=drop, source=path.name)
    old_plan = infer_columns(frame, target, id_column=id_column, drop=drop, source=path.name,
                             dates=False, high_cardinality=False)
    X, y = frame.drop(columns=[target]), frame[target]
    splitter = (KFold if plan.task == "regression" else StratifiedKFold)(
        args.folds, shuffle=True, random_state=args.seed)
    folds = list(splitter.split(X, y))
    for model in models:
        template = build(model, plan, old_plan, args)
        threads = (args.hgb_threads or None) if "hgb" in model else None
        fold_scores, train_s, predict_s, notes = [], 0.0, 0.0, {}
        for k, (train, test) in enumerate(folds):
            pipeline = clone(template)
            with threadpool_limits(threads, user_api="openmp"):
                start = time.perf_counter()
                pipeline.fit(X.iloc[train], y.iloc[train])
                train_s += time.perf_counter() - start
                start = time.perf_counter()
                predicted = pipeline.predict(X.iloc[test])
                proba = (pipeline.predict_proba(X.iloc[test]) if plan.task != "regression"
                         else None)
                predict_s += time.perf_counter() - start
            classes = getattr(pipeline, "classes_", None)
            fold_scores.append(scores(plan.task, plan.n_classes, y.iloc[test].to_numpy(),
                                      predicted, proba, classes))
            _note_fold(pipeline, notes)
            print(f"{name} {model} fold {k}: {fold_scores[-1]} "
                  f"({time.perf_counter() - start + train_s:.0f} s so far)", file=sys.stderr,
                  flush=True)
        row = {"table": name, "model": model, "rows": len(frame), "task": plan.task,
               "folds": args.folds, "seed": args.seed}
        if model == "net":
            row.update(net_seconds=args.net_seconds, net_settings=net_settings(args))
        for metric in fold_scores[0]:
            values = [s[metric] for s in fold_scores]
            row[metric] = round(float(np.mean(values)), 5)
            row[f"{metric}_std"] = round(float(np.std(values)), 5)
        if threads:
            row["openmp_threads"] = threads
        row.update({"train_seconds": round(train_s, 1), "predict_seconds": round(predict_s, 1),
                    **notes})
        print(json.dumps(row), flush=True)


def _note_fold(pipeline, notes: dict) -> None:
    """Epochs and time-budget stops of the networks, summed over the folds."""
    model = pipeline.steps[-1][1]
    model = getattr(model, "regressor_", model)
    if hasattr(model, "stopped_by_time_"):
        notes["stopped_by_time"] = notes.get("stopped_by_time", 0) + int(model.stopped_by_time_)
        notes.setdefault("epochs", []).append(model.epochs_run_)
        notes.setdefault("best_epoch", []).append(model.best_epoch_)
        notes["batch_size"] = model.batch_size_
    elif hasattr(model, "history_"):  # the classic net: epochs before its TimeBudget
        notes.setdefault("epochs", []).append(len(model.history_.get("loss", [])))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--net-seconds", type=float, default=150.0)
    parser.add_argument("--net-set", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting of the network's pipeline (JSON value), e.g. "
                             "model__model__n_heads=4; repeatable; named on each line")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the folds (another seed: a fresh split)")
    parser.add_argument("--classic-seconds", type=float, default=60.0)
    parser.add_argument("--hgb-threads", type=int, default=1,
                        help="OpenMP threads of the HGB models (default 1: on 2 shared cores "
                             "two threads made a 1-second fit take minutes; 0: all)")
    args = parser.parse_args(argv)
    models = args.models.split(",")
    unknown = [m for m in models if m not in MODELS + GBDTS] + [
        t for t in args.tables.split(",") if t not in TABLES]
    if unknown:
        parser.error(f"unknown table or model: {', '.join(unknown)}")
    start = time.perf_counter()
    for name in args.tables.split(","):
        run_table(name, models, args)
    print(f"suite: {time.perf_counter() - start:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
