"""One small function per command: parse what argparse gave, build the job spec, call one
library function, print its result. Library modules are imported inside each command, so
``kagglekit --help`` loads none of them."""

from __future__ import annotations

import ast
import contextlib
import json
import sys
from pathlib import Path

from kagglekit.cli.output import Progress, count_lines, note
from kagglekit.cli.parser import DEFAULT_PIPELINE
from kagglekit.errors import KagglekitError

TABULAR_OPTIONS = ("csv", "target", "id", "task", "drop", "model")


def parse_settings(pairs: list[str]) -> dict:
    """``--set PARAM=VALUE`` pairs as a dict; values are Python literals (20, 0.3, (64, 32),
    None, True) or else strings; lists become tuples (layer sizes)."""
    params = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise KagglekitError(f"--set takes PARAM=VALUE, got {pair!r}")
        try:
            params[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            params[key] = text
        if isinstance(params[key], list):
            params[key] = tuple(params[key])
    return params


def settings(args) -> dict:
    """The --params file's parameters, then --set's on top."""
    params = {}
    if getattr(args, "params", None):
        from kagglekit.tuning.space import load_params

        params = load_params(args.params)
    return {**params, **parse_settings(getattr(args, "set", []))}


def refuse_tabular_options(args) -> None:
    """``--csv`` and the like only go with the pipeline name ``tabular``."""
    if any(getattr(args, option, None) for option in TABULAR_OPTIONS):
        raise KagglekitError("--csv, --target, --id, --task, --drop and --model go with the "
                             "pipeline name `tabular`, e.g. kagglekit evaluate tabular --csv "
                             "FILE --target COLUMN")


def job_spec(args, name: str):
    """The :class:`~kagglekit.jobs.spec.JobSpec` that ``name`` and the options stand for:
    ``tabular`` with ``--csv``/``--target``, or a registered pipeline. What was inferred is
    told on stderr."""
    from kagglekit.jobs import spec

    if name != "tabular":
        refuse_tabular_options(args)
        return spec.registered(name, args.data_dir, settings(args))
    if not args.csv or not args.target:
        raise KagglekitError("`tabular` needs --csv FILE and --target COLUMN")
    from kagglekit.pipelines.models import get_model

    options = spec.TabularOptions(csv=args.csv, target=args.target, id_column=args.id,
                                  task=args.task, drop=tuple(args.drop),
                                  model=get_model(args.model or "net").name)
    job = spec.tabular(options, settings(args))
    for line in job.notes:
        note(line)
    return job


def cmd_list(args) -> None:
    from kagglekit.pipelines import list_pipelines

    specs = list_pipelines()
    width = max(len(s.name) for s in specs)
    for entry in specs:
        print(f"{entry.name:<{width}}  {entry.description}")
    print(f"{'tabular':<{width}}  your own CSV: --csv FILE --target COLUMN, columns inferred "
          "(see `kagglekit evaluate --help`)")
    from kagglekit.pipelines.models import MODELS

    print("\nmodels (tabular --model NAME, run --competition --models A,B; * default set):")
    width = max(len(name) for name in MODELS)
    for spec in MODELS.values():
        print(f"  {spec.name:<{width}} {'*' if spec.default else ' '} {spec.description}")


def cmd_evaluate(args) -> None:
    from kagglekit.jobs import evaluate

    spec = job_spec(args, args.pipeline)
    if args.holdout:
        if args.compare or args.repeats > 1 or args.metric:
            raise KagglekitError("--holdout scores one pipeline on the test split (accuracy "
                                 "and log loss); drop --compare, --repeats and --metric")
        from kagglekit.reports.holdout import holdout_lines

        result, folder = evaluate.holdout(spec, seed=args.seed, report=args.report)
        if args.json:
            print(json.dumps({k: v for k, v in result.items() if k != "history"}))
            return
        print("\n".join(holdout_lines(result, folder)))
        return
    results, folder = evaluate.cross_validate(
        spec, args.compare, folds=args.folds, repeats=args.repeats, seed=args.seed,
        n_jobs=args.jobs, backend=args.backend, scheduler=args.scheduler, report=args.report,
        data_dir=args.data_dir, metric=args.metric)
    for result in results:
        print(json.dumps(result.to_dict()) if args.json else "\n".join(result.lines()))
    if folder and not args.json:
        print(f"report: {folder / 'report.html'} (also report.md, report.json)")


@contextlib.contextmanager
def folds_backend(args):
    """For ``--backend dask`` without ``--scheduler``: one local Dask cluster for the whole
    command (its dashboard address told on stderr), closed when the command ends."""
    if getattr(args, "backend", "loky") != "dask" or args.scheduler:
        yield
        return
    if getattr(args, "competition", None):
        from kagglekit.cli.competition import refuse_competition_options

        refuse_competition_options(args)  # before a cluster starts for a refused command
    from kagglekit.parallel import local_cluster

    with local_cluster(log=note) as client:
        args.scheduler = client.cluster.scheduler_address
        yield


def cmd_train(args) -> None:
    from kagglekit.jobs.train import train

    _, path = train(job_spec(args, args.pipeline), args.out, seed=args.seed, force=args.force)
    print(f"model: {path}")


def cmd_predict(args) -> None:
    from kagglekit.jobs.predict import predict_chunks, write_predictions

    if Path(args.model_path).is_dir():
        return predict_with_run(args)
    if args.model_path == "tabular":
        from kagglekit.jobs.train import fit

        spec = job_spec(args, "tabular")
        pipeline, _ = fit(spec)
    else:
        if args.set:
            raise KagglekitError("--set works with `predict tabular`; a saved model keeps the "
                                 "settings it was trained with")
        refuse_tabular_options(args)
        from kagglekit.jobs.spec import from_manifest
        from kagglekit.persistence import load, read_manifest

        pipeline = load(args.model_path)
        spec = from_manifest(read_manifest(args.model_path), args.data_dir)
    chunks = predict_chunks(pipeline, spec, args.input)
    if not args.out:
        for i, chunk in enumerate(chunks):
            sys.stdout.write(chunk.to_csv(index=False, header=i == 0))
        return
    progress = Progress("rows", description="kagglekit: predicted")
    total = max((count_lines(args.input) or 1) - 1, 1) if progress.enabled else None
    try:
        rows = write_predictions(chunks, args.out, overwrite=args.force,
                                 progress=lambda done: progress(done, total))
    finally:
        progress.close()
    print(f"predictions: {args.out} ({rows} rows)")


def predict_with_run(args) -> None:
    """``predict RUN_DIR new.csv``: the run's fold models and blend, in the submission's
    format."""
    if args.set:
        raise KagglekitError("--set works with `predict tabular`; a run's models keep the "
                             "settings they were trained with")
    refuse_tabular_options(args)
    from kagglekit.data.base import read_plain_csv
    from kagglekit.fileio import write_text_atomic
    from kagglekit.runs import load_run

    run = load_run(args.model_path)
    frame = run.submission(read_plain_csv(args.input))
    if not args.out:
        sys.stdout.write(frame.to_csv(index=False))
        return
    write_text_atomic(Path(args.out), frame.to_csv(index=False), overwrite=args.force)
    print(f"predictions: {args.out} ({len(frame)} rows)")


def cmd_search(args) -> None:
    from kagglekit.jobs import evaluate
    from kagglekit.reports.search import format_table

    spec = job_spec(args, args.pipeline)
    progress = Progress("folds", description="kagglekit: trial folds")
    if progress.enabled:
        note("cross-validating the registered settings, then the trials ...")

    def advance(trial: int, fold: int, trials: int) -> None:
        progress((trial - 1) * args.folds + fold, trials * args.folds)

    try:
        result, folder, best = evaluate.search(
            spec, args.space, method=args.method, trials=args.trials, folds=args.folds,
            seed=args.seed, n_jobs=args.jobs, backend=args.backend, scheduler=args.scheduler,
            report=args.report, save_best=args.save_best, force=args.force,
            progress=advance if progress.enabled else None, metric=args.metric)
    finally:
        progress.close()
    print("\n".join(format_table(result)))
    if folder:
        print(f"report: {folder / 'report.md'} (also report.json)")
    if best:
        print(f"best parameters: {best}")


def cmd_submission(args) -> None:
    from kagglekit.jobs import submission

    target = args.pipeline_or_model
    if target != "tabular" and (Path(target).suffix == ".joblib" or Path(target).is_file()):
        if args.set:
            raise KagglekitError("--set applies to a pipeline fitted now, not to a saved model")
        path = submission.from_model(target, args.out, test_csv=args.test,
                                     data_dir=args.data_dir)
    else:
        if target == "tabular" and args.train:
            raise KagglekitError("--train is Kaggle's Digit Recognizer train.csv; `tabular` "
                                 "trains on --csv FILE")
        path = submission.from_pipeline(job_spec(args, target), args.out, seed=args.seed,
                                        test_csv=args.test, train_csv=args.train)
    print(f"submission: {path}")


def cmd_submit(args) -> None:
    from kagglekit.jobs.kaggle import submit

    wait = args.wait or args.wait_timeout is not None
    result = submit(args.file, competition=args.competition, message=args.message,
                    data_dir=args.data_dir, wait=wait, wait_timeout=args.wait_timeout)
    if wait:
        print(f"public score: {result['public_score'] or 'none (Kaggle shows no public score)'}")


def cmd_submissions(args) -> None:
    from kagglekit.jobs.kaggle import submissions
    from kagglekit.kaggle.history import format_table, plot_tracking, tracking_line

    if args.plot and Path(args.plot).exists():
        raise KagglekitError(f"--plot: {args.plot} exists; give a new file name")
    rows = submissions(args.competition, local_only=args.local)
    if not rows:
        print(f"no submissions to {args.competition} yet")
        return
    print("\n".join(format_table(rows)))
    print(tracking_line(rows))
    if args.plot:
        print(f"plot: {plot_tracking(rows, args.plot)}")


def cmd_competitions(args) -> None:
    from kagglekit.data.base import data_root
    from kagglekit.kaggle.api import download_competition

    folder = download_competition(args.competition,
                                  Path(data_root(args.data_dir) or "data") / args.competition)
    print(f"data: {folder}")


def cmd_run(args) -> None:
    if args.competition:
        from kagglekit.cli.competition import run_competition

        return run_competition(args)
    if (args.metric or args.time_limit or args.models or args.report or args.runs_dir
            or args.with_runs or args.no_report):
        raise KagglekitError("--metric, --time-limit, --models, --report, --no-report, "
                             "--runs-dir and --with-runs go with --competition NAME")
    from kagglekit.jobs.run import run

    spec = job_spec(args, args.pipeline or DEFAULT_PIPELINE)
    compare = None if args.compare is None else tuple(args.compare)
    result = run(spec, compare, folds=args.folds, seed=args.seed, test_csv=args.test,
                 data_dir=args.data_dir, backend=args.backend, scheduler=args.scheduler,
                 log=None if args.quiet else print)
    print("\n".join(result.lines()))


def cmd_experiment(args) -> None:
    from kagglekit.experiments import run_experiment
    from kagglekit.experiments.report import verdict

    result, folder = run_experiment(args.name, seed=args.seed, report=args.report,
                                    data_dir=args.data_dir)
    print(f"{result.title} ({result.seconds:.0f} s)")
    for finding in result.findings:
        print(f"- {finding.claim}: {verdict(finding.holds)}. {finding.measured}")
    print(f"report: {folder / 'report.html'} (also report.md, report.json)")


def cmd_runs(args) -> None:
    from kagglekit.cli.competition import list_or_prune

    list_or_prune(args)


def cmd_blend(args) -> None:
    from kagglekit.cli.competition import blend

    blend(args)


COMMANDS = {"list": cmd_list, "evaluate": cmd_evaluate, "train": cmd_train,
            "predict": cmd_predict, "submission": cmd_submission, "submit": cmd_submit,
            "submissions": cmd_submissions, "competitions": cmd_competitions, "run": cmd_run,
            "experiment": cmd_experiment, "search": cmd_search, "runs": cmd_runs,
            "blend": cmd_blend}
