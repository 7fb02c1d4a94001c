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
BASELINES = ("titanic-logreg", "titanic-rf", "titanic-hgb")


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
    add = functools.partial(sub.add_parser, parents=[common])

    add("list", help="list the registered pipelines")

    ev = add("evaluate", help="stratified K-fold cross-validation of a pipeline")
    ev.add_argument("pipeline")
    ev.add_argument("--folds", type=_count, default=5)
    ev.add_argument("--repeats", type=_count, default=1)
    ev.add_argument("--seed", type=_seed, default=0)
    ev.add_argument("--jobs", type=_count, default=1, help="folds in parallel (processes)")
    ev.add_argument("--report", metavar="DIR",
                    help="new or empty folder for report.json / report.md / OOF predictions")
    ev.add_argument("--json", action="store_true", help="print exactly one JSON line")
    ev.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                    help="pipeline parameter, e.g. --set epochs=20 (repeatable)")

    tr = add("train", help="fit a pipeline on all training data and save it")
    tr.add_argument("pipeline")
    tr.add_argument("--out", metavar="PATH", help="model file (default models/NAME-TIME.joblib)")
    tr.add_argument("--seed", type=_seed, default=0)
    tr.add_argument("--force", action="store_true", help="replace an existing --out file")
    tr.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE")

    pr = add("predict", help="predict a CSV with a saved model")
    pr.add_argument("model", help="a .joblib model saved by `kagglekit train`")
    pr.add_argument("input", help="CSV with the columns the model was trained on "
                                  "(read in chunks; any size)")
    pr.add_argument("--out", metavar="PATH", help="output CSV (default: standard output)")
    pr.add_argument("--force", action="store_true", help="replace an existing --out file")

    sm = add("submission", help="write a validated Kaggle submission CSV")
    sm.add_argument("pipeline_or_model", help="a registered pipeline name or a .joblib model")
    sm.add_argument("--out", metavar="DIR", default="submissions")
    sm.add_argument("--seed", type=_seed, default=0)

    su = add("submit", help="check a submission CSV against the competition's format and "
                            "upload it to Kaggle")
    su.add_argument("file", nargs="?", help="CSV to upload (default: newest in submissions/)")
    su.add_argument("--competition", default="titanic",
                    help="the name in the competition's URL (default: titanic)")
    su.add_argument("--message", help="description on Kaggle (default: pipeline and CV score)")
    su.add_argument("--wait", action="store_true",
                    help="wait until Kaggle has scored it and print the public score")
    su.add_argument("--wait-timeout", type=_seconds, default=None, metavar="SECONDS",
                    help="give up waiting after this long (default 300; implies --wait)")

    ss = add("submissions", help="your submissions to a competition: the local history "
                                 "beside Kaggle's list")
    ss.add_argument("competition")
    ss.add_argument("--local", action="store_true",
                    help="only the local history (no credentials or network needed)")

    co = add("competitions", help="competition data: competitions download NAME")
    co_sub = co.add_subparsers(dest="action", required=True, metavar="ACTION")
    dl = co_sub.add_parser("download", parents=[common],
                           help="download a competition's files into <data-dir>/NAME/")
    dl.add_argument("competition")

    rn = add("run", help="the main job: CV + report + train + save + submission")
    rn.add_argument("pipeline", nargs="?", default=DEFAULT_PIPELINE)
    rn.add_argument("--compare", nargs="*", default=list(BASELINES), metavar="PIPELINE",
                    help="pipelines cross-validated beside it for the report")
    rn.add_argument("--folds", type=_count, default=5)
    rn.add_argument("--seed", type=_seed, default=0)
    rn.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                    help="parameter of the main pipeline, e.g. --set epochs=20 (repeatable)")
    return parser


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


def cmd_list(args) -> None:
    from kagglekit.pipelines import list_pipelines

    specs = list_pipelines()
    width = max(len(s.name) for s in specs)
    for spec in specs:
        print(f"{spec.name:<{width}}  {spec.description}")


def cmd_evaluate(args) -> None:
    from kagglekit.data import load_dataset
    from kagglekit.evaluation import evaluate
    from kagglekit.evaluation.report import check_report_folder, write_report
    from kagglekit.pipelines import get_spec, make_pipeline

    spec = get_spec(args.pipeline)
    dataset = load_dataset(spec.task.dataset, args.data_dir)
    pipeline = make_pipeline(args.pipeline, **_params(args.set))
    if args.report:
        check_report_folder(args.report)
    result = evaluate(pipeline, dataset.X, dataset.y, folds=args.folds, repeats=args.repeats,
                      seed=args.seed, n_jobs=args.jobs, name=args.pipeline)
    report = write_report([result], dataset, args.report) if args.report else None
    if args.json:
        print(json.dumps(result.to_dict()))
        return
    print(f"{args.pipeline}: {result.n_splits}-fold stratified CV"
          f"{f' ({args.folds} folds x {args.repeats})' if args.repeats > 1 else ''}, "
          f"seed {args.seed}")
    for metric, s in result.scores.items():
        folds = " ".join(f"{v:.4f}" for v in s["folds"])
        print(f"  {metric:<9} {s['mean']:.4f} ± {s['std']:.4f}   folds: {folds}")
    print(f"  fit time  {result.fit_seconds:.1f} s in all"
          f"{f'; epochs per fold {result.epochs}' if result.epochs else ''}")
    if report:
        print(f"report: {report / 'report.md'}")


def cmd_train(args) -> None:
    from kagglekit.workflow import train

    _, path = train(args.pipeline, args.out, seed=args.seed, data_dir=args.data_dir,
                    force=args.force, params=_params(args.set))
    print(f"model: {path}")


def cmd_predict(args) -> None:
    from kagglekit.persistence import load
    from kagglekit.workflow import predict_chunks, predict_to_csv

    pipeline = load(args.model)
    if args.out:
        rows = predict_to_csv(pipeline, args.model, args.input, args.out, overwrite=args.force,
                              progress=_progress(args.input))
        print(f"predictions: {args.out} ({rows} rows)")
        return
    for i, chunk in enumerate(predict_chunks(pipeline, args.model, args.input)):
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


def cmd_submission(args) -> None:
    from kagglekit.workflow import submission_from

    path = submission_from(args.pipeline_or_model, args.out, seed=args.seed,
                           data_dir=args.data_dir)
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
    from kagglekit.workflow import run

    result = run(args.pipeline, tuple(args.compare), folds=args.folds, seed=args.seed,
                 data_dir=args.data_dir, params=_params(args.set))
    main = result.results[0]
    print(f"CV accuracy ({args.pipeline}): {main.mean:.4f} ± {main.std:.4f}")
    print(f"report:     {result.report_dir / 'report.md'}")
    print(f"model:      {result.model_path}")
    print(f"submission: {result.submission_path}")


COMMANDS = {"list": cmd_list, "evaluate": cmd_evaluate, "train": cmd_train,
            "predict": cmd_predict, "submission": cmd_submission, "submit": cmd_submit,
            "submissions": cmd_submissions, "competitions": cmd_competitions, "run": cmd_run}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        try:
            with _OneLineWarnings():
                COMMANDS[args.command](args)
        except (ValueError, TypeError) as exc:
            if not getattr(args, "set", None):
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
