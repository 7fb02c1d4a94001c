"""The commands of a competition's workbench: ``run --competition``, ``runs`` and ``blend``
(:mod:`kagglekit.jobs.competition`, :mod:`kagglekit.jobs.blend`, :mod:`kagglekit.runs`)."""

from __future__ import annotations

from kagglekit.errors import KagglekitError


def list_or_prune(args) -> None:
    """``runs NAME``: the stored runs; ``--prune STAMP,...``: drop their fold models."""
    from kagglekit.runs import list_runs, prune_run

    runs = list_runs(args.competition, args.runs_dir)
    if args.prune:
        from kagglekit.runs.candidates import choose_runs

        for run in choose_runs(args.competition, args.prune, args.runs_dir, option="--prune"):
            freed = prune_run(run)
            print(f"pruned: {run.path} ({freed / 2**20:.1f} MiB of fold models)")
        return
    if not runs:
        print(f"no stored runs of {args.competition} (run --competition {args.competition} "
              "writes one)")
        return
    for run in runs:
        info = run.info
        pruned = "  (pruned)" if info.get("pruned") else ""
        sources = f"  blends {', '.join(info['sources'])}" if info.get("sources") else ""
        print(f"{run.path}  {info['created']}  {info['metric']['name']} "
              f"{info['blend']['method']} {info['blend']['oof_score']:.4f}  folds "
              f"{info['folds']} seed {info['seed']} {info['fold_fingerprint'][:12]}"
              f"{pruned}{sources}")
        board = run.leaderboard()
        width = max(map(len, board["model"]), default=10)
        for row in board.itertuples():
            score = "skipped" if row.skipped else f"{row.mean:.4f} ± {row.std:.4f}"
            print(f"    {row.model:<{width}} {score:<18} weight {row.weight:.2f}")


def blend(args) -> None:
    """``blend NAME``: stored runs and ``--add`` files into a submission and a run folder."""
    from kagglekit.jobs.blend import blend_stored

    result = blend_stored(args.competition, runs=args.runs, add=[tuple(a) for a in args.add],
                          metric=args.metric, data_dir=args.data_dir, runs_dir=args.runs_dir,
                          log=print)
    print("\n".join(result.lines()))


def run_competition(args) -> None:
    from kagglekit.cli.output import RunProgress
    from kagglekit.jobs.competition import run_competition as run

    refuse_competition_options(args)
    if args.report and args.no_report:
        raise KagglekitError("--report DIR and --no-report contradict each other; give one")
    models = args.models.split(",") if args.models else None
    progress = RunProgress(args.time_limit, quiet=args.quiet)
    try:
        result = run(args.competition, data_dir=args.data_dir, metric=args.metric,
                     time_limit=args.time_limit, models=models, folds=args.folds,
                     seed=args.seed, report=None if args.no_report else args.report or True,
                     target=args.target,
                     id_column=args.id, drop=tuple(args.drop), backend=args.backend,
                     scheduler=args.scheduler, log=progress.line, on_fold=progress.fold,
                     runs_dir=args.runs_dir, with_runs=args.with_runs)
    finally:
        progress.close()
    print("\n".join(result.lines()))


COMPETITION_REFUSES = {
    "model": "--model picks the model of `tabular`; a competition takes --models M1,M2",
    "test": "--test: a competition predicts DATA_DIR/NAME/test.csv; drop --test",
    "params": "--params sets one pipeline's parameters; a competition trains --models with "
              "their defaults; drop --params",
    "task": "--task: a competition's task follows from its files and --metric; use --metric",
    "set": "--set sets one pipeline's parameters; a competition trains --models with their "
           "defaults; drop --set",
    "csv": "--csv: a competition reads DATA_DIR/NAME/train.csv; drop --csv (or --competition)",
    "compare": "--compare: a competition compares --models M1,M2; drop --compare",
}
"""``run --competition`` refuses the options it would ignore: option -> what to do instead."""


def refuse_competition_options(args) -> None:
    """One line naming the first option that ``run --competition`` would ignore."""
    given = {"model": args.model, "test": args.test, "params": args.params, "task": args.task,
             "set": args.set, "csv": args.csv, "compare": args.compare is not None}
    if args.pipeline is not None:
        raise KagglekitError(f"--competition NAME takes its models from --models (e.g. "
                             f"--models hgb,net); drop the pipeline name {args.pipeline!r}")
    for option, why in COMPETITION_REFUSES.items():
        if given[option]:
            raise KagglekitError(why)
