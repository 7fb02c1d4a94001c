"""Kaggle-style competitions built from the development tables, and their scoring.

Usage: python benchmarks/competitions.py --out DIR [--seed N] [--time-limit S] [--models M1,M2]
[--runs kagglekit,notebook,autogluon] [--autogluon-python PYTHON] [--backend dask]
[--build-only] [TABLE ...]

For each table of ../shared/datasets/tabular/ (or $KAGGLEKIT_DATA_DIR/tabular) it writes
``DIR/<table>/train.csv`` (80 % of the rows, with the target), ``DIR/<table>/test.csv`` (the
other 20 %, without it), ``DIR/<table>/sample_submission.csv`` (the id column and a
placeholder: 0.5 for a one-column probability, 1/k per class for one column per class, the
first class for labels, the training mean for values) and, outside the competition folder,
``DIR/<table>.solution.csv`` (the held-back ids and labels). The split is seeded and
stratified for classes.

Then, unless ``--build-only``, it runs what ``--runs`` names on each folder and scores it on
the held-back labels, one JSON line per table:
- ``kagglekit``: the competition job (what ``kagglekit run --competition <table> --data-dir
  DIR --metric <metric> --time-limit 120`` does), timed against the limit: the submission it
  wrote, the best single model's fold-averaged test prediction, and a plain scikit-learn
  HistGradientBoosting pipeline (median / most-frequent imputation, one-hot encoding, default
  settings) fitted on all of train.csv;
- ``notebook``: the competitor's 5-fold LightGBM + CatBoost notebook (benchmarks/notebook.py),
  no time limit, its seconds reported;
- ``autogluon``: AutoGluon ``medium_quality`` at the same limit, in its own virtual
  environment (benchmarks/autogluon_anchor.py).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from kagglekit.errors import KagglekitError
from kagglekit.evaluation.metrics import get_metric
from kagglekit.fileio import write_text_atomic

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"

TABLES = {
    # table: target, id, columns to drop (known only after the fact), metric, class columns
    "wage": ("wage", "rownames", ("logwage",), "rmse", False),
    "attrition": ("Attrition", "rownames", (), "roc_auc", False),
    "telco_churn": ("churn", "rownames", (), "accuracy", False),
    "hpc_jobs": ("class", "rownames", (), "log_loss", True),
    "hotel_rates": ("avg_price_per_room", "rownames", (), "rmse", False),
    "concrete": ("compressive_strength", "rownames", (), "mae", False),
    "flights": ("arr_delay", "rownames", ("arr_time", "air_time"), "rmse", False),
}
"""The development competitions: what each one predicts and how it is scored."""


def make_competition(frame: pd.DataFrame, out_dir: str | os.PathLike, name: str, *,
                     target: str, id_column: str, metric: str, drop=(),
                     class_columns: bool = False, test_fraction: float = 0.2,
                     seed: int = 0) -> dict:
    """Write one Kaggle-style competition folder and its held-back labels.

    Parameters
    ----------
    frame : pandas.DataFrame
        The whole labelled table.
    out_dir : path
        Where ``<name>/`` and ``<name>.solution.csv`` go (never overwritten).
    name : str
        The competition's name (its folder).
    target, id_column : str
    metric : str
        Decides the sample's placeholder (see the module docstring).
    drop : iterable of str
        Columns removed from both files.
    class_columns : bool
        One probability column per class in the sample (classes only; the metric must
        score probabilities).
    test_fraction : float
    seed : int
        Seeds the split.

    Returns
    -------
    dict
        ``folder``, ``solution``, rows of ``train`` and ``test``, ``metric``, ``columns``
        of the sample.
    """
    metric = get_metric(metric)
    for column in (target, id_column, *drop):
        if column not in frame:
            raise KagglekitError(f"{name}: no column {column!r} in the table")
    frame = frame.drop(columns=list(drop)).dropna(subset=[target])
    classes = None if metric.needs == "value" else np.unique(frame[target])
    if class_columns and (classes is None or metric.needs != "proba"):
        raise KagglekitError(f"{name}: one column per class needs a probability metric on "
                             f"classes, not {metric.name}")
    train, test = train_test_split(frame, test_size=test_fraction, random_state=seed,
                                   stratify=None if classes is None else frame[target])
    sample = _placeholder(train, test, target, id_column, metric, classes, class_columns)
    folder = Path(out_dir) / name
    solution = Path(out_dir) / f"{name}.solution.csv"
    _write_csv(folder / "train.csv", train)
    _write_csv(folder / "test.csv", test.drop(columns=[target]))
    _write_csv(folder / "sample_submission.csv", sample)
    _write_csv(solution, test[[id_column, target]])
    return {"folder": str(folder), "solution": str(solution), "train": len(train),
            "test": len(test), "metric": metric.name, "columns": list(sample.columns)}


def score_submission(submission_csv: str | os.PathLike, held_back_labels,
                     metric: str) -> float:
    """Score a submission file on the held-back labels.

    Parameters
    ----------
    submission_csv : path
        The submission: the id column, then labels, one probability (of the second sorted
        class), values, or one probability column per class (named by the class, or
        ``<target>_<class>``).
    held_back_labels : path or pandas.DataFrame
        The solution: the id column, then the target (``<name>.solution.csv``).
    metric : str

    Returns
    -------
    float
    """
    metric = get_metric(metric)
    submission = pd.read_csv(submission_csv)
    solution = (held_back_labels if isinstance(held_back_labels, pd.DataFrame)
                else pd.read_csv(held_back_labels))
    id_column, target = solution.columns[:2]
    if id_column not in submission:
        raise KagglekitError(f"{submission_csv}: no id column {id_column!r}")
    if len(submission) != len(solution) or \
            set(submission[id_column]) != set(solution[id_column]):
        raise KagglekitError(f"{submission_csv}: its {id_column} values differ from the "
                             f"held-back labels'")
    submission = submission.set_index(id_column).loc[solution[id_column]]
    y = solution[target].to_numpy()
    columns = list(submission.columns)
    if metric.needs != "proba" or len(columns) == 1:
        if len(columns) != 1:
            raise KagglekitError(f"{submission_csv}: {metric.name} scores one column, got "
                                 f"{columns}")
        prediction = submission[columns[0]].to_numpy()
        if metric.needs == "label" and y.dtype == object:
            prediction = prediction.astype(str)
        return metric.score(y, prediction)
    labels = {}
    for column in columns:
        raw = column[len(target) + 1:] if column.startswith(f"{target}_") else column
        labels[column] = raw if y.dtype == object else _number(raw)
        if labels[column] is None:
            raise KagglekitError(f"{submission_csv}: column {column!r} names no class")
    if y.dtype != object and all(float(v).is_integer() for v in labels.values()):
        labels = {c: int(v) for c, v in labels.items()}
    order = sorted(labels, key=lambda c: labels[c])
    return metric.score(y, submission[order].to_numpy(dtype=float),
                        classes=np.array([labels[c] for c in order]))


def _placeholder(train, test, target, id_column, metric, classes, class_columns):
    sample = pd.DataFrame({id_column: test[id_column].to_numpy()})
    if class_columns:
        for label in classes:
            sample[str(label)] = 1 / len(classes)
    elif metric.needs == "proba":
        sample[target] = 0.5
    elif metric.needs == "label":
        sample[target] = classes[0]
    else:
        sample[target] = float(train[target].mean())
    return sample


def _number(text):
    try:
        return float(text)
    except ValueError:
        return None


def _write_csv(path, frame):
    write_text_atomic(path, frame.to_csv(index=False))


def plain_hgb_score(folder: Path, solution, layout, metric: str) -> float:
    """The plain scikit-learn HGB baseline, fitted on train.csv, scored on the labels."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    from kagglekit.evaluation.metrics import prediction_for

    train = pd.read_csv(folder / "train.csv", low_memory=False)
    test = pd.read_csv(folder / "test.csv", low_memory=False)
    X = train.drop(columns=[layout.target, layout.id_column])
    numeric = [c for c in X if pd.api.types.is_numeric_dtype(X[c])]
    text = [c for c in X if c not in numeric and X[c].nunique() <= 50]
    features = ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), numeric),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
         text)])
    regression = layout.task == "regression"
    model = (HistGradientBoostingRegressor(random_state=0) if regression
             else HistGradientBoostingClassifier(random_state=0))
    pipe = make_pipeline(features, model).fit(X, train[layout.target])
    rows = test[X.columns]
    output = pipe.predict(rows) if regression else pipe.predict_proba(rows)
    y = solution.set_index(layout.id_column).loc[test[layout.id_column]].iloc[:, 0]
    classes = None if regression else np.asarray(layout.classes)
    scorer = get_metric(metric)
    return scorer.score(y.to_numpy(), prediction_for(scorer, output, classes), classes=classes)


def notebook_score(folder: Path, solution, layout, metric: str, seed: int) -> dict:
    """The competitor's notebook (benchmarks/notebook.py) on train.csv, scored on the labels."""
    from notebook import notebook

    train = pd.read_csv(folder / "train.csv", low_memory=False)
    test = pd.read_csv(folder / "test.csv", low_memory=False)
    found = notebook(train, test, layout.target, layout.id_column, metric, seed=seed)
    y = solution.set_index(layout.id_column).loc[test[layout.id_column]].iloc[:, 0]
    scorer = get_metric(metric)
    from kagglekit.evaluation.metrics import prediction_for

    score = scorer.score(y.to_numpy(), prediction_for(scorer, found["output"],
                                                      found["classes"]),
                         classes=found["classes"])
    return {"score": round(score, 6), "choice": found["choice"], "oof": found["oof"],
            "seconds": found["seconds"]}


def run_table(folder: Path, solution_csv: Path, metric: str, time_limit: float | None,
              seed: int, models=None, backend: str = "loky") -> dict:
    """The competition job on one folder, scored on the held-back labels: the submission, the
    best single model's fold-averaged test prediction, and the plain HGB baseline."""
    import tempfile
    import time

    from kagglekit.jobs.competition import run_competition
    from kagglekit.submissions.sample import submission_frame

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as subs:
        result = run_competition(folder.name, data_dir=folder.parent, metric=metric,
                                 time_limit=time_limit, seed=seed, submissions=subs,
                                 models=models, backend=backend)
        seconds = time.perf_counter() - start
        ensemble = score_submission(result.submission, solution_csv, metric)
        done = [r for r in result.runs if not r.skipped]
        scorer = get_metric(metric)
        best = scorer.best(done, key=lambda r: r.mean)
        test = pd.read_csv(folder / "test.csv", low_memory=False)
        frame = submission_frame(result.layout, test[result.layout.id_column], best.test,
                                 metric=metric)
        best_csv = Path(subs) / "best.csv"
        frame.to_csv(best_csv, index=False)
        single = score_submission(best_csv, solution_csv, metric)
    solution = pd.read_csv(solution_csv)
    baseline = plain_hgb_score(folder, solution, result.layout, metric)
    return {"ensemble": round(ensemble, 6),
            "best_single": {"model": best.name, "score": round(single, 6)},
            "plain_hgb": round(baseline, 6),
            "ensemble_vs_best": "level or better" if scorer.sign * (ensemble - single) >= -1e-12
            else "worse",
            "weights": {n: round(w, 3) for n, w in result.blend.weights.items() if w > 0},
            "blend": result.blend.method,
            "cv": {r.name: (None if r.skipped else round(r.mean, 6)) for r in result.runs},
            "folds": {r.name: [round(f, 9) for f in r.folds] for r in result.runs},
            "where": sorted({w for r in result.runs for w in r.where}),
            "skipped": {r.name: r.skipped for r in result.runs if r.skipped},
            "budget": {r.name: r.budget_text() for r in result.runs},
            "trained_folds": {r.name: r.trained_folds for r in result.runs},
            "gains": {m: round(g.mean, 6) for m, g in result.gains.items()},
            "shift_auc": result.shift.auc if result.shift else None,
            "seconds": round(seconds, 1),
            "within_limit": None if not time_limit else seconds <= 1.1 * time_limit}


def autogluon_score(folder: Path, solution_csv: Path, metric: str, time_limit: float,
                    seed: int, python: str) -> dict:
    """AutoGluon ``medium_quality`` (benchmarks/autogluon_anchor.py, run by ``python``, the
    interpreter of its own virtual environment) on one folder, scored on the labels."""
    import subprocess
    import tempfile

    script = Path(__file__).with_name("autogluon_anchor.py")
    with tempfile.TemporaryDirectory() as out:
        csv = Path(out) / "autogluon.csv"
        done = subprocess.run([python, str(script), str(folder), metric, str(time_limit),
                               str(csv), "--seed", str(seed)], capture_output=True, text=True,
                              check=False)
        if done.returncode:
            raise KagglekitError(f"autogluon on {folder.name} failed: "
                                 f"{done.stderr.strip().splitlines()[-1:]}")
        found = json.loads(done.stdout.strip().splitlines()[-1])
        score = score_submission(csv, solution_csv, metric)
    return {"score": round(score, 6), **found}


RUNS = ("kagglekit", "notebook", "autogluon")
"""What ``--runs`` can put on each line."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tables", nargs="*", default=list(TABLES))
    parser.add_argument("--out", required=True, help="folder for the competitions")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=120.0,
                        help="seconds (default 120; 0: no limit, kagglekit only)")
    parser.add_argument("--backend", default="loky", choices=("loky", "dask"),
                        help="where kagglekit's folds run (dask: a local cluster, one "
                             "single-threaded worker per core)")
    parser.add_argument("--models", help="comma-separated models (default: the run's own)")
    parser.add_argument("--runs", default="kagglekit",
                        help="comma-separated, among kagglekit, notebook (the LightGBM + "
                             "CatBoost notebook, benchmarks/notebook.py) and autogluon "
                             "(default: kagglekit)")
    parser.add_argument("--autogluon-python", metavar="PYTHON",
                        help="the interpreter of the virtual environment with AutoGluon")
    parser.add_argument("--build-only", action="store_true",
                        help="only write the competition folders")
    args = parser.parse_args()
    runs = args.runs.split(",")
    if set(runs) - set(RUNS):
        parser.error(f"--runs takes {', '.join(RUNS)}")
    if "autogluon" in runs and not args.autogluon_python:
        parser.error("--runs autogluon needs --autogluon-python PYTHON")
    if not args.time_limit and runs != ["kagglekit"]:
        parser.error("--time-limit 0 (no limit) is for --runs kagglekit only")
    root = Path(os.environ.get("KAGGLEKIT_DATA_DIR") or SHARED) / "tabular"
    for table in args.tables:
        target, id_column, drop, metric, per_class = TABLES[table]
        frame = pd.read_csv(root / f"{table}.csv", low_memory=False)
        built = make_competition(frame, args.out, table, target=target, id_column=id_column,
                                 metric=metric, drop=drop, class_columns=per_class,
                                 seed=args.seed)
        if args.build_only:
            print(json.dumps({"benchmark": "competitions", "table": table, **built}),
                  flush=True)
            continue
        folder, solution = Path(args.out) / table, Path(args.out) / f"{table}.solution.csv"
        line = {"benchmark": "competitions", "table": table, "seed": args.seed,
                "metric": metric, "time_limit": args.time_limit, "models": args.models,
                "train": built["train"], "test": built["test"]}
        if "kagglekit" in runs:
            line["kagglekit"] = run_table(folder, solution, metric, args.time_limit or None,
                                          args.seed, args.models.split(",")
                                          if args.models else None, args.backend)
            line["backend"] = args.backend
        if "notebook" in runs:
            line["notebook"] = notebook_score(folder, pd.read_csv(solution), table_layout(
                folder, metric), metric, args.seed)
        if "autogluon" in runs:
            line["autogluon"] = autogluon_score(folder, solution, metric, args.time_limit,
                                                args.seed, args.autogluon_python)
        print(json.dumps(line), flush=True)


def table_layout(folder: Path, metric: str):
    """The layout kagglekit infers for a built folder (the baselines need its target, id and
    classes)."""
    from kagglekit.submissions.sample import infer_layout

    train, test, sample = (pd.read_csv(folder / f, low_memory=False) for f in
                           ("train.csv", "test.csv", "sample_submission.csv"))
    return infer_layout(train, test, sample, metric=metric)


if __name__ == "__main__":
    main()
