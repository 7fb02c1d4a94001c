"""The ``kagglekit`` command. Thin: it parses arguments and calls library functions.

Errors a user can cause print one line (``kagglekit: error: ...``) and exit with status 2.
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import sys
import warnings
from pathlib import Path

from kagglekit import __version__
from kagglekit.errors import KagglekitError

DEFAULT_PIPELINE = "titanic-dnn"
PARAMS_HELP = ("JSON file of pipeline parameters (what `search --save-best` writes); --set "
               "values win")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kagglekit",
        description="Cross-validate, train and submit Kaggle pipelines "
                    "(scikit-learn + Keras).")
    data_help = ("folder laid out like <dir>/titanic/train.csv (default: $KAGGLEKIT_DATA_DIR, "
                 "then the bundled Titanic data)")
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
    group.add_argument("--model", choices=("dnn", "logreg", "hgb", "rf"), default="dnn",
                       help="dense net (default), logistic/ridge regression, gradient "
                            "boosting or random forest")
    add = functools.partial(sub.add_parser, parents=[common, tab])

    plain("list", help="list the registered pipelines")

    ev = add("evaluate", help="K-fold cross-validation of a pipeline (stratified for labels)")
    ev.add_argument("pipeline")
    ev.add_argument("--folds", type=_count, default=5)
    ev.add_argument("--repeats", type=_count, default=1)
    ev.add_argument("--seed", type=_seed, default=0)
    ev.add_argument("--jobs", type=_count, default=1, help="folds in parallel (processes)")
    _add_backend(ev)
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
    tr.add_argument("--seed", type=_seed, default=0)
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
    se.add_argument("--trials", type=_count, default=20,
                    help="parameter sets to try (grid: at most; default 20)")
    se.add_argument("--folds", type=_count, default=5)
    se.add_argument("--seed", type=_seed, default=0)
    se.add_argument("--report", metavar="DIR", help="new or empty folder for report.json / "
                                                    "report.md")
    se.add_argument("--save-best", metavar="FILE",
                    help="write the best parameters as JSON (for train/evaluate --params)")
    se.add_argument("--force", action="store_true", help="replace an existing --save-best file")
    se.add_argument("--jobs", type=_count, default=1, help="folds in parallel (processes)")
    _add_backend(se)

    pr = add("predict", help="predict a CSV with a saved model")
    pr.add_argument("model_path", metavar="MODEL",
                    help="a .joblib model saved by `kagglekit train`, or `tabular` to fit "
                         "--csv first")
    pr.add_argument("input", help="CSV with the columns the model was trained on "
                                  "(read in chunks; any size)")
    pr.add_argument("--out", metavar="PATH", help="output CSV (default: standard output)")
    pr.add_argument("--force", action="store_true", help="replace an existing --out file")
    pr.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                    help="parameter of the `tabular` pipeline fitted first")

    sm = add("submission", help="write a validated Kaggle submission CSV")
    sm.add_argument("pipeline_or_model", help="a registered pipeline name or a .joblib model")
    sm.add_argument("--out", metavar="DIR", default="submissions")
    sm.add_argument("--seed", type=_seed, default=0)
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
    su.add_argument("--wait-timeout", type=_seconds, default=None, metavar="SECONDS",
                    help="give up waiting after this long (default 300; implies --wait)")

    ss = plain("submissions", help="your submissions to a competition: the local history "
                                 "beside Kaggle's list")
    ss.add_argument("competition")
    ss.add_argument("--local", action="store_true",
                    help="only the local history (no credentials or network needed)")

    co = plain("competitions", help="competition data: competitions download NAME")
    co_sub = co.add_subparsers(dest="action", required=True, metavar="ACTION")
    dl = co_sub.add_parser("download", parents=[common],
                           help="download a competition's files into <data-dir>/NAME/")
    dl.add_argument("competition")

    ex = plain("experiment", help="run one of the course's experiments and write its report")
    ex.add_argument("name", help="overfitting, activations, initializers or regression-scaling")
    ex.add_argument("--report", metavar="DIR",
                    help="new or empty folder (default reports/TIME_experiment-NAME)")
    ex.add_argument("--seed", type=_seed, default=0)

    rn = plain("run", help="the main job: CV + report + train + save + submission")
    rn.add_argument("pipeline", nargs="?", default=DEFAULT_PIPELINE)
    rn.add_argument("--compare", nargs="*", default=None, metavar="PIPELINE",
                    help="pipelines cross-validated beside it for the report (default: the "
                         "others registered for the same data)")
    rn.add_argument("--folds", type=_count, default=5)
    rn.add_argument("--seed", type=_seed, default=0)
    _add_backend(rn)
    rn.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                    help="parameter of the main pipeline, e.g. --set epochs=20 (repeatable)")
    return parser


def _add_backend(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group("where the folds run")
    group.add_argument("--backend", choices=("loky", "dask"), default="loky",
                       help="loky: local worker processes (--jobs of them; default); dask: "
                            "the workers of the Dask cluster at --scheduler (needs "
                            "pip install 'kagglekit[dask]')")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="the Dask scheduler, e.g. tcp://HOST:8786 (with --backend dask)")


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _seed(text: str) -> int:
    value = int(text)
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**32 - 1, got {value}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def _params(pairs: list[str]) -> dict:
    params = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise KagglekitError(f"--set takes PARAM=VALUE, got {pair!r}")
        try:  # Python literals: 20, 0.3, (64, 32), None, True; anything else is a string
            params[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            params[key] = text
        if isinstance(params[key], list):
            params[key] = tuple(params[key])
    return params


def _settings(args) -> dict:
    """The --params file's parameters, then --set's on top."""
    params = {}
    if getattr(args, "params", None):
        from kagglekit.evaluation.space import load_params

        params = load_params(args.params)
    return {**params, **_params(getattr(args, "set", []))}


def cmd_list(args) -> None:
    from kagglekit.pipelines import list_pipelines

    specs = list_pipelines()
    width = max(len(s.name) for s in specs)
    for spec in specs:
        print(f"{spec.name:<{width}}  {spec.description}")
    print(f"{'tabular':<{width}}  your own CSV: --csv FILE --target COLUMN, columns inferred "
          "(see `kagglekit evaluate --help`)")


def _tabular(args, name: str):
    """TabularOptions when ``name`` is ``tabular``, else None (and no --csv / --target)."""
    from kagglekit.tabular import TabularOptions

    if name != "tabular":
        if args.csv or args.target or args.id or args.task or args.drop:
            raise KagglekitError("--csv, --target, --id, --task and --drop go with the pipeline "
                                 "name `tabular`, e.g. kagglekit evaluate tabular --csv FILE "
                                 "--target COLUMN")
        return None
    if not args.csv or not args.target:
        raise KagglekitError("`tabular` needs --csv FILE and --target COLUMN")
    return TabularOptions(csv=args.csv, target=args.target, id_column=args.id, task=args.task,
                          drop=tuple(args.drop), model=args.model,
                          params=_settings(args))


def _note(line: str) -> None:
    print(f"kagglekit: {line}", file=sys.stderr)


def cmd_evaluate(args) -> None:
    from kagglekit.evaluation import evaluate
    from kagglekit.evaluation.backends import check_backend
    from kagglekit.evaluation.report import check_report_folder, write_report
    from kagglekit.pipelines import get_spec, make_pipeline

    check_backend(args.backend, args.scheduler)
    options = _tabular(args, args.pipeline)
    if options:
        from kagglekit import tabular

        dataset, plan = tabular.load_tabular(options)
        tabular.announce(plan, _note)
        pipeline, id_column, columns = tabular.build(options, plan), plan.id_column, \
            plan.to_dict()
        candidates = [(options.name, pipeline)]
    else:
        from kagglekit.data import load_dataset

        spec = get_spec(args.pipeline)
        dataset = load_dataset(spec.task.dataset, args.data_dir)
        id_column, columns = spec.task.id_column, None
        candidates = [(args.pipeline, make_pipeline(args.pipeline, **_settings(args)))]
    if args.holdout:
        return _holdout(args, candidates[0], dataset)
    for other in args.compare:
        if get_spec(other).task.dataset != dataset.name:
            raise KagglekitError(f"--compare {other}: it is for the {get_spec(other).task.dataset}"
                                 f" data, not {dataset.name}")
        candidates.append((other, make_pipeline(other)))
    if args.report:
        check_report_folder(args.report)
    holdout = (dataset.X_test, dataset.y_test) if dataset.y_test is not None else None
    results = [evaluate(pipeline, dataset.X, dataset.y, folds=args.folds, repeats=args.repeats,
                        seed=args.seed, n_jobs=args.jobs, name=name, holdout=holdout,
                        backend=args.backend, scheduler=args.scheduler)
               for name, pipeline in candidates]
    report = write_report(results, dataset, args.report, id_column=id_column,
                          columns=columns) if args.report else None
    for result in results:
        if args.json:
            print(json.dumps(result.to_dict()))
        else:
            _print_result(result, args)
    if report and not args.json:
        print(f"report: {report / 'report.html'} (also report.md, report.json)")


def _holdout(args, candidate, dataset) -> None:
    from kagglekit.evaluation.holdout import evaluate_holdout, write_holdout_report
    from kagglekit.evaluation.report import check_report_folder

    if args.compare or args.repeats > 1:
        raise KagglekitError("--holdout scores one pipeline on the test split; drop --compare "
                             "and --repeats")
    if args.report:
        check_report_folder(args.report)
    name, pipeline = candidate
    result = evaluate_holdout(pipeline, dataset.X, dataset.y, dataset.X_test, dataset.y_test,
                              seed=args.seed, name=name, class_names=dataset.class_names)
    report = write_holdout_report(result, args.report) if args.report else None
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "history"}))
        return
    print(f"{name}: trained on {result['train_rows']} rows, tested on {result['test_rows']}, "
          f"seed {args.seed}")
    print(f"  test accuracy {result['accuracy']:.4f}   log loss {result['log_loss']:.4f}   "
          f"train {result['train_seconds']} s"
          + (f", {result['epochs_run']} epochs, {result['params']:,} parameters"
             if result["params"] else ""))
    if report:
        others = ", ".join(["report.json", "confusion.png"]
                           + (["loss.png"] if (report / "loss.png").is_file() else []))
        print(f"report: {report / 'report.md'} (also {others})")


def _print_result(result, args) -> None:
    kind = "K-fold" if result.task == "regression" else "stratified"
    print(f"{result.pipeline}: {result.n_splits}-fold {kind} CV"
          f"{f' ({args.folds} folds x {args.repeats})' if args.repeats > 1 else ''}, "
          f"seed {args.seed}")
    for metric, s in result.scores.items():
        folds = " ".join(f"{v:.4f}" for v in s["folds"])
        print(f"  {metric:<9} {s['mean']:.4f} ± {s['std']:.4f}   folds: {folds}")
    if result.holdout:
        print("  test set  " + "  ".join(f"{k} {v:g}" for k, v in result.holdout.items()))
    print(f"  fit time  {result.fit_seconds:.1f} s in all"
          f"{f'; epochs per fold {result.epochs}' if result.epochs else ''}")
    if result.members:
        from kagglekit.evaluation.ensembles import gain_line
        from kagglekit.evaluation.report import ensemble_gains

        print(f"  {gain_line(ensemble_gains([result])[result.pipeline])}")


def cmd_train(args) -> None:
    options = _tabular(args, args.pipeline)
    if options:
        from kagglekit import tabular

        path = tabular.train(options, args.out, seed=args.seed, force=args.force, log=_note)
    else:
        from kagglekit.workflow import train

        _, path = train(args.pipeline, args.out, seed=args.seed, data_dir=args.data_dir,
                        force=args.force, params=_settings(args))
    print(f"model: {path}")


def cmd_predict(args) -> None:
    options = _tabular(args, args.model_path)
    if args.set and not options:
        raise KagglekitError("--set works with `predict tabular`; a saved model keeps the "
                             "settings it was trained with")
    from kagglekit.workflow import write_predictions

    if options:
        from kagglekit import tabular

        chunks = [tabular.predict(options, args.input, log=_note)]
    else:
        from kagglekit.persistence import load
        from kagglekit.workflow import predict_chunks

        chunks = predict_chunks(load(args.model_path), args.model_path, args.input)
    if args.out:
        rows = write_predictions(chunks, args.out, overwrite=args.force,
                                 progress=_progress(args.input))
        print(f"predictions: {args.out} ({rows} rows)")
        return
    for i, chunk in enumerate(chunks):
        sys.stdout.write(chunk.to_csv(index=False, header=i == 0))


def _progress(csv_path):
    """A progress line on a terminal's stderr for inputs of many chunks; None otherwise
    (nothing in logs and CI output)."""
    if not sys.stderr.isatty():
        return None
    try:
        with open(csv_path, "rb") as handle:
            total = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None

    def show(rows: int) -> None:
        share = f" ({min(rows / max(total - 1, 1), 1.0):.0%})" if total > 1 else ""
        print(f"\rkagglekit: predicted {rows:,} rows{share}", end="", file=sys.stderr,
              flush=True)
        if rows >= total - 1:
            print(file=sys.stderr)

    return show


def cmd_search(args) -> None:
    from kagglekit.evaluation.backends import check_backend
    from kagglekit.evaluation.report import check_report_folder
    from kagglekit.evaluation.search import search_pipeline
    from kagglekit.evaluation.search_report import format_table, save_best, write_search_report
    from kagglekit.fileio import check_writable

    options = _tabular(args, args.pipeline)
    check_backend(args.backend, args.scheduler)
    if args.report:
        check_report_folder(args.report)
    if args.save_best:
        check_writable(args.save_best, overwrite=args.force)
    if options:
        from kagglekit import tabular

        dataset, plan = tabular.load_tabular(options)
        tabular.announce(plan, _note)
        pipeline = tabular.build(options, plan)
    else:
        from kagglekit.data import load_dataset
        from kagglekit.pipelines import get_spec, make_pipeline

        pipeline = make_pipeline(args.pipeline)
        dataset = load_dataset(get_spec(args.pipeline).task.dataset, args.data_dir)
    progress = _search_progress(args.folds)
    if progress:
        _note("cross-validating the registered settings, then the trials ...")
    result = search_pipeline(pipeline, dataset.X, dataset.y, args.space, method=args.method,
                             trials=args.trials, folds=args.folds, seed=args.seed,
                             name=args.pipeline, progress=progress, n_jobs=args.jobs,
                             backend=args.backend, scheduler=args.scheduler)
    print("\n".join(format_table(result)))
    if args.report:
        folder = write_search_report(result, args.report, dataset)
        print(f"report: {folder / 'report.md'} (also report.json)")
    if args.save_best:
        print(f"best parameters: {save_best(result, args.save_best, overwrite=args.force)}")


def _search_progress(folds: int):
    """``trial 3/20, fold 2/5`` on a terminal's stderr; None otherwise (quiet CI logs)."""
    if not sys.stderr.isatty():
        return None

    def show(trial: int, fold: int, trials: int) -> None:
        print(f"\rkagglekit: trial {trial}/{trials}, fold {fold}/{folds} done", end="",
              file=sys.stderr, flush=True)
        if trial == trials and fold == folds:
            print(file=sys.stderr)

    return show


def cmd_submission(args) -> None:
    options = _tabular(args, args.pipeline_or_model)
    if options and args.train:
        raise KagglekitError("--train is Kaggle's Digit Recognizer train.csv; `tabular` "
                             "trains on --csv FILE")
    if options:
        from kagglekit import tabular

        if not args.test:
            raise KagglekitError("`submission tabular` needs --test FILE (the rows to predict)")
        pipeline, plan, _ = tabular.fit(options, seed=args.seed, log=_note)
        path = tabular.submission(pipeline, plan.to_dict(), args.test, args.out,
                                  name=options.name)
    else:
        from kagglekit.workflow import submission_from

        path = submission_from(args.pipeline_or_model, args.out, seed=args.seed,
                               data_dir=args.data_dir, test_csv=args.test,
                               train_csv=args.train, params=_params(args.set))
    print(f"submission: {path}")


class _OneLineWarnings(warnings.catch_warnings):
    """Show each distinct warning (an exposed kaggle.json, a model saved under other package
    versions, ...) once, on one line, for the duration of a command."""

    def __enter__(self):
        entered = super().__enter__()
        warnings.simplefilter("always")
        shown = set()

        def show(message, category, filename, lineno, file=None, line=None):
            if str(message) not in shown:
                shown.add(str(message))
                print(f"kagglekit: warning: {message}", file=sys.stderr)

        warnings.showwarning = show
        return entered


def cmd_submit(args) -> None:
    from kagglekit.workflow import submit

    wait = args.wait or args.wait_timeout is not None
    result = submit(args.file, competition=args.competition, message=args.message,
                    data_dir=args.data_dir, wait=wait, wait_timeout=args.wait_timeout)
    if wait:
        print(f"public score: {result['public_score'] or 'none (Kaggle shows no public score)'}")


def cmd_submissions(args) -> None:
    from kagglekit.submissions.history import format_table
    from kagglekit.workflow import submissions

    rows = submissions(args.competition, local_only=args.local)
    if not rows:
        print(f"no submissions to {args.competition} yet")
        return
    print("\n".join(format_table(rows)))


def cmd_competitions(args) -> None:
    import os

    from kagglekit.data.loaders import DATA_DIR_ENV
    from kagglekit.submissions.kaggle_api import download_competition

    base = args.data_dir or os.environ.get(DATA_DIR_ENV) or "data"
    folder = download_competition(args.competition, Path(base) / args.competition)
    print(f"data: {folder}")


def cmd_run(args) -> None:
    from kagglekit.evaluation.backends import check_backend
    from kagglekit.workflow import run

    check_backend(args.backend, args.scheduler)
    compare = None if args.compare is None else tuple(args.compare)
    result = run(args.pipeline, compare, folds=args.folds, seed=args.seed,
                 data_dir=args.data_dir, params=_params(args.set), backend=args.backend,
                 scheduler=args.scheduler)
    main = result.results[0]
    print(f"CV {main.metric} ({args.pipeline}): {main.mean:.4f} ± {main.std:.4f}")
    print(f"report:     {result.report_dir / 'report.html'} (also report.md, report.json)")
    print(f"model:      {result.model_path}")
    print(f"submission: {result.submission_path}")


def cmd_experiment(args) -> None:
    from kagglekit.experiments import run_experiment
    from kagglekit.experiments.report import verdict

    result, folder = run_experiment(args.name, seed=args.seed, report=args.report,
                                    data_dir=args.data_dir)
    print(f"{result.title} ({result.seconds:.0f} s)")
    for finding in result.findings:
        print(f"- {finding.claim}: {verdict(finding.holds)}. {finding.measured}")
    print(f"report: {folder / 'report.html'} (also report.md, report.json)")


COMMANDS = {"list": cmd_list, "evaluate": cmd_evaluate, "train": cmd_train,
            "predict": cmd_predict, "submission": cmd_submission, "submit": cmd_submit,
            "submissions": cmd_submissions, "competitions": cmd_competitions, "run": cmd_run,
            "experiment": cmd_experiment, "search": cmd_search}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        try:
            with _OneLineWarnings():
                COMMANDS[args.command](args)
        except (ValueError, TypeError) as exc:
            if not getattr(args, "set", None) and not getattr(args, "params", None):
                raise
            # Bad --set values surface as ValueError/TypeError deep inside fit.
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise KagglekitError(f"{message} (check the arguments and --set values)") from exc
    except KagglekitError as exc:
        print(f"kagglekit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kagglekit: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
