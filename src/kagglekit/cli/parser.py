"""The ``kagglekit`` command's arguments. Importing this imports nothing heavy: ``--help`` and
an argument error answer before any library loads."""

from __future__ import annotations

import argparse
import functools

from kagglekit import __version__
from kagglekit.pipelines.models import default_models, models_help

DEFAULT_PIPELINE = "titanic-dnn"
PARAMS_HELP = ("JSON file of pipeline parameters (what `search --save-best` writes); --set "
               "values win")
METRIC_HELP = ("the headline metric (default accuracy, or rmse for regression): any of "
               "accuracy, balanced_accuracy, f1, mcc, quadratic_weighted_kappa, roc_auc, gini, "
               "log_loss, rmse, rmsle, mae, median_ae, mape, r2")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kagglekit",
        description="Cross-validate, train and submit Kaggle pipelines "
                    "(scikit-learn + Keras).")
    data_help = ("folder laid out like <dir>/NAME/train.csv (default: $KAGGLEKIT_DATA_DIR; "
                 "then, for registered pipelines, the bundled Titanic data, and for "
                 "run --competition NAME, data/)")
    parser.add_argument("--data-dir", help=data_help)
    parser.add_argument("--version", action="version", version=f"kagglekit {__version__}")
    # --data-dir may also follow the command (kagglekit train NAME --data-dir data/).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=data_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    plain = functools.partial(sub.add_parser, parents=[common])
    # `tabular` in place of a pipeline name: any CSV, its columns inferred.
    tab = argparse.ArgumentParser(add_help=False)
    group = tab.add_argument_group("your own CSV (with the pipeline name `tabular`)")
    group.add_argument("--csv", metavar="FILE", help="training CSV with a header row")
    group.add_argument("--target", metavar="COLUMN", help="the column to predict")
    group.add_argument("--id", metavar="COLUMN", help="row id column (never a feature)")
    group.add_argument("--task", choices=("classification", "regression"),
                       help="default: inferred from the target")
    group.add_argument("--drop", nargs="+", action="extend", default=[], metavar="COLUMN",
                       help="columns not to use")
    group.add_argument("--model", default=None, metavar="MODEL",
                       help=f"the model (default net). {models_help()}")
    add = functools.partial(sub.add_parser, parents=[common, tab])

    plain("list", help="list the registered pipelines")

    ev = add("evaluate", help="K-fold cross-validation of a pipeline (stratified for labels)")
    ev.add_argument("pipeline")
    ev.add_argument("--folds", type=folds, default=5)
    ev.add_argument("--repeats", type=count, default=1)
    ev.add_argument("--seed", type=seed, default=0)
    ev.add_argument("--jobs", type=count, default=1, help="folds in parallel (processes)")
    _add_backend(ev)
    ev.add_argument("--metric", metavar="METRIC", help=METRIC_HELP)
    ev.add_argument("--report", metavar="DIR",
                    help="new or empty folder for report.json / report.md / OOF predictions")
    ev.add_argument("--json", action="store_true", help="print one JSON line per pipeline")
    ev.add_argument("--holdout", action="store_true",
                    help="no CV: train on the official training split, score the labelled "
                         "test split (MNIST, Fashion-MNIST, generated data)")
    ev.add_argument("--compare", nargs="+", default=[], metavar="PIPELINE",
                    help="registered pipelines on the same data, cross-validated beside it "
                         "and put in the same report")
    ev.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                    help="pipeline parameter, e.g. --set epochs=20 (repeatable)")
    ev.add_argument("--params", metavar="FILE", help=PARAMS_HELP)

    tr = add("train", help="fit a pipeline on all training data and save it")
    tr.add_argument("pipeline")
    tr.add_argument("--out", metavar="PATH", help="model file (default models/NAME-TIME.joblib)")
    tr.add_argument("--seed", type=seed, default=0)
    tr.add_argument("--force", action="store_true", help="replace an existing --out file")
    tr.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE")
    tr.add_argument("--params", metavar="FILE", help=PARAMS_HELP)

    se = add("search", help="hyperparameter search (grid, random or Bayesian) on the CV folds "
                            "of `evaluate`")
    se.add_argument("pipeline")
    se.add_argument("--space", required=True, metavar="FILE",
                    help="YAML or JSON: parameter -> list of values, or {loguniform|uniform|int:"
                         " [low, high]} (random, bayes)")
    se.add_argument("--method", choices=("grid", "random", "bayes"), default="random",
                    help="bayes needs pip install 'kagglekit[bayes]' (default: random)")
    se.add_argument("--trials", type=count, default=20,
                    help="parameter sets to try (grid: at most; default 20)")
    se.add_argument("--folds", type=folds, default=5)
    se.add_argument("--seed", type=seed, default=0)
    se.add_argument("--metric", metavar="METRIC", help="the metric the trials are ranked by; "
                    + METRIC_HELP.removeprefix("the headline metric "))
    se.add_argument("--report", metavar="DIR", help="new or empty folder for report.json / "
                                                    "report.md")
    se.add_argument("--save-best", metavar="FILE",
                    help="write the best parameters as JSON (for train/evaluate --params)")
    se.add_argument("--force", action="store_true", help="replace an existing --save-best file")
    se.add_argument("--jobs", type=count, default=1, help="folds in parallel (processes)")
    _add_backend(se)

    pr = add("predict", help="predict a CSV with a saved model or a competition run's folder")
    pr.add_argument("model_path", metavar="MODEL",
                    help="a .joblib model saved by `kagglekit train`, a run folder of `run "
                         "--competition` (runs/NAME/STAMP: its fold models and blend, in the "
                         "submission's format), or `tabular` to fit --csv first")
    pr.add_argument("input", help="CSV with the columns the model was trained on "
                                  "(read in chunks; any size)")
    pr.add_argument("--out", metavar="PATH", help="output CSV (default: standard output)")
    pr.add_argument("--force", action="store_true", help="replace an existing --out file")
    pr.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                    help="parameter of the `tabular` pipeline fitted first")

    sm = add("submission", help="write a validated Kaggle submission CSV")
    sm.add_argument("pipeline_or_model", help="a registered pipeline name or a .joblib model")
    sm.add_argument("--out", metavar="DIR", default="submissions")
    sm.add_argument("--seed", type=seed, default=0)
    sm.add_argument("--test", metavar="FILE", help="test CSV to predict (`tabular` models, "
                    "mnist-*: Kaggle's Digit Recognizer test.csv)")
    sm.add_argument("--train", metavar="FILE", help="mnist-*: fit on Kaggle's Digit Recognizer "
                    "train.csv (default: the official MNIST training images)")
    sm.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                    help="parameter of the pipeline fitted now (not of a saved model)")

    su = plain("submit", help="check a submission CSV against the competition's format and "
                            "upload it to Kaggle")
    su.add_argument("file", nargs="?", help="CSV to upload (default: newest in submissions/)")
    su.add_argument("--competition", default="titanic",
                    help="the name in the competition's URL (default: titanic)")
    su.add_argument("--message", help="description on Kaggle (default: pipeline and CV score)")
    su.add_argument("--wait", action="store_true",
                    help="wait until Kaggle has scored it and print the public score")
    su.add_argument("--wait-timeout", type=seconds, default=None, metavar="SECONDS",
                    help="give up waiting after this long (default 300; implies --wait)")

    ss = plain("submissions", help="your submissions to a competition: the local history "
                                 "beside Kaggle's list")
    ss.add_argument("competition")
    ss.add_argument("--local", action="store_true",
                    help="only the local history (no credentials or network needed)")
    ss.add_argument("--plot", metavar="FILE.png",
                    help="draw each submission's CV score against its public score")

    co = plain("competitions", help="competition data: competitions download NAME")
    co_sub = co.add_subparsers(dest="action", required=True, metavar="ACTION")
    dl = co_sub.add_parser("download", parents=[common],
                           help="download a competition's files into <data-dir>/NAME/")
    dl.add_argument("competition")

    ex = plain("experiment", help="run one of the course's experiments and write its report")
    ex.add_argument("name", help="overfitting, activations, initializers or regression-scaling")
    ex.add_argument("--report", metavar="DIR",
                    help="new or empty folder (default reports/TIME_experiment-NAME)")
    ex.add_argument("--seed", type=seed, default=0)

    rn = add("run", help="the main job: a pipeline's CV, report, saved model and submission; "
                          "with --competition NAME, its models cross-validated, blended and "
                          "written as a submission")
    rn.add_argument("pipeline", nargs="?", default=None,
                    help=f"a registered pipeline (default {DEFAULT_PIPELINE}); not with "
                         "--competition")
    rn.add_argument("--compare", nargs="*", default=None, metavar="PIPELINE",
                    help="pipelines cross-validated beside it for the report (default: the "
                         "others registered for the same data)")
    rn.add_argument("--folds", type=folds, default=5)
    rn.add_argument("--seed", type=seed, default=0)
    _add_backend(rn, jobs=False)
    rn.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                    help="parameter of the main pipeline, e.g. --set epochs=20 (repeatable)")
    rn.add_argument("--params", metavar="FILE", help=PARAMS_HELP)
    rn.add_argument("--test", metavar="FILE", help="test CSV to predict for the submission "
                    "(mnist-*: Kaggle's Digit Recognizer test.csv)")
    rn.add_argument("--quiet", action="store_true",
                    help="print only the results, not each step (and no progress bar)")
    comp = rn.add_argument_group(
        "any Kaggle competition (DATA_DIR/NAME/train.csv, test.csv, sample_submission.csv)")
    comp.add_argument("--competition", metavar="NAME",
                      help="cross-validate --models on its files, blend them by the metric and "
                           "write the submission in the sample's format")
    comp.add_argument("--metric", metavar="METRIC",
                      help="accuracy, balanced_accuracy, f1, roc_auc, log_loss, rmse, rmsle, "
                           "mae, r2, quadratic_weighted_kappa, ... (default: the "
                           "competition's, when known)")
    comp.add_argument("--time-limit", type=seconds, metavar="SECONDS",
                      help="bound the whole run; slow models are skipped, the submission is "
                           "always written")
    comp.add_argument("--models", metavar="M1,M2",
                      help="models to cross-validate and blend (default: "
                           f"{','.join(default_models())}); see --model for each one")
    comp.add_argument("--report", metavar="DIR",
                      help="new or empty folder for the report (default: report/ inside the "
                           "run folder)")
    comp.add_argument("--no-report", action="store_true",
                      help="write no report (saves its importance fit and its pictures)")
    comp.add_argument("--runs-dir", metavar="DIR",
                      help="where the run folder goes, DIR/NAME/STAMP (default: "
                           "$KAGGLEKIT_RUNS_DIR, else runs/)")

    comp.add_argument("--with-runs", metavar="all|STAMP,...",
                      help="blend the new models with these stored runs' models (those made on "
                           "the same folds): add a model without training the others again")

    bl = plain("blend", help="blend stored runs of a competition made on the same folds, and "
                             "your own predictions, into a submission and a new run folder")
    bl.add_argument("competition")
    bl.add_argument("--runs", default="all", metavar="all|STAMP,...",
                    help="the runs to blend (default all; those made on other folds than the "
                         "newest chosen run are left out, with a line)")
    bl.add_argument("--add", nargs=2, action="append", default=[],
                    metavar=("OOF.csv", "TEST.csv"),
                    help="your own out-of-fold and test predictions: the id column and the "
                         "sample's prediction column(s), every row of train.csv / test.csv; "
                         "train them on the run's folds.csv (repeatable)")
    bl.add_argument("--metric", metavar="METRIC",
                    help="the metric the blend is chosen by (default: the newest run's)")
    bl.add_argument("--runs-dir", metavar="DIR",
                    help="where run folders are (default: $KAGGLEKIT_RUNS_DIR, else runs/)")

    rs = plain("runs", help="the stored runs of a competition: models, CV scores, the blend, "
                            "the folds' fingerprint")
    rs.add_argument("competition")
    rs.add_argument("--runs-dir", metavar="DIR",
                    help="where run folders are (default: $KAGGLEKIT_RUNS_DIR, else runs/)")
    rs.add_argument("--prune", metavar="STAMP,...",
                    help="drop these runs' fold models, keeping their predictions (they "
                         "still list; they no longer predict new rows)")
    return parser


def _add_backend(command: argparse.ArgumentParser, *, jobs: bool = True) -> None:
    group = command.add_argument_group("where the folds run")
    here = ("loky: local worker processes (--jobs of them; default)" if jobs else
            "loky: here, one fold at a time (default)")
    group.add_argument("--backend", choices=("loky", "dask"), default="loky",
                       help=f"{here}; dask: "
                            "the workers of the Dask cluster at --scheduler, or of a local "
                            "cluster started for the job without it (needs "
                            "pip install 'kagglekit[dask]')")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="the Dask scheduler, e.g. tcp://HOST:8786 (with --backend dask; "
                            "default: a local cluster, one worker per core)")


def count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def folds(text: str) -> int:
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"must be 2 or more (cross-validation needs two "
                                         f"folds), got {value}")
    return value


def seed(text: str) -> int:
    value = int(text)
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**32 - 1, got {value}")
    return value


def seconds(text: str) -> float:
    value = float(text)
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value
