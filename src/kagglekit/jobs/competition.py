"""Any Kaggle competition with train.csv, test.csv and sample_submission.csv, end to end.

``kagglekit run --competition NAME`` reads the three files, infers the layout (id, target,
task, what the submission holds), settles the metric, warns about leaking columns, then
cross-validates each model on the same folds, fastest first, within a time budget. Every
fold's model predicts its held-out rows (out-of-fold) and the test rows; a model's test
prediction is the average over its folds. A blend chosen on the out-of-fold predictions (by
the metric, honest gain measured on held-out folds) combines them, and the submission is
validated against the sample and written without overwriting anything.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kagglekit.data.target import check_folds
from kagglekit.jobs.blend import blend_lines, blend_models, runs_to_join, stored_candidates
from kagglekit.jobs.competition_checks import (
    check_options,
    check_shift,
    drop_columns,
    labelled_rows,
    warn_leaks,
)
from kagglekit.jobs.competition_files import (
    default_metric_for,
    file_fingerprints,
    find_metric,
    frame_fingerprints,
    frames_given,
    read_competition,
    run_summary,
    write_competition_submission,
)
from kagglekit.jobs.competition_models import (
    cross_validate_models,
    model_factories,
    resolve_models,
)
from kagglekit.runs.store import RunWriter, fold_numbers
from kagglekit.submissions.checks import check_competition_files

__all__ = ["run_competition", "CompetitionResult"]


@dataclass(frozen=True)
class CompetitionResult:
    """What a competition run produced, built once when the submission is written.

    ``runs``: each model's :class:`~kagglekit.jobs.competition_models.ModelRun`;
    ``blend`` and ``gains``: the blend used and each method's honest gain; ``score``: the
    blend's out-of-fold score; ``submission``: the written file; ``report_dir``: the report's
    folder (written from this result, when one was asked for); ``seconds``: from the start
    to the written submission (and, with a report, the importance measurement);
    ``importance`` and ``shifted``: what the report draws; ``run_dir``: the run folder
    (:mod:`kagglekit.runs`), which keeps every fold model and prediction; ``stored``: the
    models of stored runs blended in (``--with-runs``), each a
    :class:`~kagglekit.runs.candidates.Candidate`.
    """

    competition: str
    metric: str
    metric_source: str
    layout: object
    runs: list
    blend: object
    gains: dict
    score: float
    submission: Path
    seconds: float
    time_limit: float | None
    leaks: list
    seed: int = 0
    shift: object = None
    report_dir: Path | None = None
    run_dir: Path | None = None
    y: np.ndarray | None = field(default=None, repr=False)
    importance: dict | None = None
    shifted: dict | None = field(default=None, repr=False)
    stored: list = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the command prints: the CV table, the blend, then ``submission: PATH``."""
        from kagglekit.evaluation.metrics import get_metric

        label = get_metric(self.metric).label
        width = max(len(r.name) for r in self.runs + self.stored)
        folds = max(len(r.fold_scores) for r in self.runs)
        out = [f"{self.competition}: {folds or '?'}-fold CV, metric "
               f"{label} ({self.metric_source})", f"{'model':<{width}}  {label:<17}  seconds"]
        for run in self.runs:
            plan = f"  ({run.budget_text()})" if run.allotment else ""
            if run.skipped:
                out.append(f"{run.name:<{width}}  skipped: {run.skipped}{plan}")
            else:
                out.append(f"{run.name:<{width}}  {run.mean:.4f} ± {run.std:.4f}  "
                           f"{run.seconds:7.1f}{plan}")
        out += [f"{c.name:<{width}}  {c.mean:.4f} ± {c.std:.4f}  stored ({c.source})"
                for c in self.stored]
        out += blend_lines(self.blend, self.gains)
        limit = f" of the {self.time_limit:g} s limit" if self.time_limit else ""
        out.append(f"time: {self.seconds:.1f} s{limit}")
        if self.report_dir:
            out.append(f"report:     {self.report_dir / 'report.html'} (also report.md, "
                       "report.json)")
        if self.run_dir:
            out.append(f"run:        {self.run_dir}")
        out.append(f"submission: {self.submission}")
        return out


def run_competition(name: str, *, data_dir=None, metric: str | None = None,
                    time_limit: float | None = None, models=None, folds: int = 5,
                    seed: int = 0, report=None, submissions="submissions", target=None,
                    id_column=None, drop=(), backend: str = "loky", scheduler: str | None = None,
                    log=None, on_fold=None, clock=time.perf_counter,
                    runs_dir=None, with_runs=None, train=None, test=None,
                    sample=None) -> CompetitionResult:
    """Cross-validate models on a competition's files, blend them and write the submission.

    The steps: check the options, read the three files, settle the layout and the metric,
    check the models, make a large table's numeric columns compact
    (:mod:`kagglekit.data.compact`), check the files against each other, warn about leaking
    columns, cross-validate each model through the engine, blend, write, report.

    Parameters
    ----------
    name : str
        The competition's URL name; its files are in ``DATA_DIR/NAME`` (see
        :func:`competition_folder`).
    metric : str, optional
        One of :mod:`kagglekit.evaluation.metrics`' names; default: Kaggle's (with
        credentials), the known competition's, else the one the sample's layout suggests
        (accuracy, ROC AUC, log loss or RMSE) with a warning.
    time_limit : float, optional
        Seconds for the whole run: models that would not finish are skipped, and the
        submission is written in time.
    models : sequence of str or (str, estimator), optional
        Default: the default set of :data:`kagglekit.pipelines.models.MODELS`; trained
        fastest first. A ``(name, estimator)`` pair adds your own model: a scikit-learn
        ``Pipeline`` is used as it is (it gets the raw DataFrame of train.csv without the
        target), a bare estimator gets the inferred preprocessing in front (imputation,
        one-hot encoding, scaling). It is cross-validated on the same folds, counted by the
        time budget, shown in the leaderboard and can win blend weight. A classifier needs
        ``predict_proba``.
    folds, seed : int
        K-fold CV (stratified for classes; at least 2 folds), seeded.
    report : True or path, optional
        Write report.html / report.md / report.json: ``True``, into the run folder's
        ``report/`` (what the command line does unless ``--no-report``); a path, into that
        new or empty folder. Default: no report.
    target, id_column : str, optional
        Override the inferred target and id column (``--target``, ``--id``).
    drop : sequence of str
        Columns of train.csv not to use (``--drop``), e.g. one that only train.csv has.
    backend, scheduler : str
        Where the folds run: here (``"loky"``), or each (model, fold) fit as a task on a
        Dask cluster (``"dask"``; the cluster at ``scheduler``, else a local one), the data
        sent once (:mod:`kagglekit.evaluation.remote`). Without a time limit every model's
        folds are sent at once; with one, a model's folds go when the budget gives it its
        share.
    log : callable, optional
        Receives a line per step.
    on_fold : callable, optional
        ``on_fold(model, done, total)`` after each fold.
    clock : callable, default=time.perf_counter
        Where the run reads time (the time limit's budget and the run's seconds).
    train, test, sample : pandas.DataFrame, optional
        The competition's three files as frames, instead of ``DATA_DIR/NAME`` (``train``
        and ``test`` together; ``sample`` may be left out for a known competition); not with
        ``data_dir``. They are not changed.
    runs_dir : path, optional
        Where the run folder goes: ``RUNS/NAME/STAMP/`` (default ``$KAGGLEKIT_RUNS_DIR``,
        else ``runs/``; :mod:`kagglekit.runs.store`): every fold model, the out-of-fold and
        test predictions, the folds and the blend, for ``kagglekit predict RUN_DIR`` and
        :func:`kagglekit.load_run`.
    with_runs : "all", str or sequence of str, optional
        Stored runs (``"all"`` or stamps) whose models are blended with this run's: those
        made on the same folds (the same files, ``folds`` and ``seed``); each other one is
        left out with a line. Checked before any model trains.

    Returns
    -------
    CompetitionResult
        ``runs``: each model's name, fold scores, seconds, time budget and skip reason;
        ``blend.weights``; ``submission``: the written file.

    Examples
    --------
    >>> from kagglekit import run_competition
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> result = run_competition("NAME", data_dir="data", metric="roc_auc",
    ...                          time_limit=300, models=["lgbm", "catboost",
    ...                          ("knn", KNeighborsClassifier(50))])  # doctest: +SKIP
    >>> {r.name: r.mean for r in result.runs if not r.skipped}  # doctest: +SKIP
    """
    from kagglekit.data.compact import LARGE_ROWS, compact_dtypes
    from kagglekit.evaluation.budget import Budget, after_training_seconds, probe_cost
    from kagglekit.evaluation.context import RunContext
    from kagglekit.evaluation.remote import cluster_folds
    from kagglekit.parallel import check_backend
    from kagglekit.pipelines.models import default_models
    from kagglekit.reports.report import check_report_folder

    start = clock()
    check_options(folds=folds, seed=seed, time_limit=time_limit)
    check_backend(backend, scheduler)
    say = log or (lambda line: None)
    if isinstance(report, (str, os.PathLike)):
        report = check_report_folder(report)
    if train is None and test is None and sample is None:
        train, test, sample = read_competition(name, data_dir)
        fingerprints = file_fingerprints(name, data_dir)
    else:
        train, test, sample = frames_given(name, train, test, sample, data_dir)
        fingerprints = frame_fingerprints(train, test)
    train, test = drop_columns(name, train, test, drop)
    layout, chosen, source = settle_layout(name, train, test, sample, metric=metric,
                                            target=target, id_column=id_column)
    specs = resolve_models(name, default_models() if models is None else models, layout.task)
    if len(train) >= LARGE_ROWS:
        train, test = compact_dtypes([train, test], keep=(layout.id_column, layout.target))
    say(f"{name}: {len(train)} training rows, {len(test)} test rows; target "
        f"{layout.target!r} ({layout.task}), id {layout.id_column!r}; the submission holds "
        f"{layout.submission.replace('_', ' ')}; metric {chosen.name} ({source})")
    for line in check_competition_files(train, test, sample, layout):
        say(line)
    train = labelled_rows(train, layout.target)
    X = train.drop(columns=[layout.target])
    y = train[layout.target].to_numpy()
    check_folds(y, folds, classes=layout.task != "regression", source="train.csv")
    budget = None if not time_limit else Budget(
        time_limit, probe=lambda p, c, budgeted: probe_cost(p, c, budgeted=budgeted,
                                                            clock=clock),
        clock=clock, start=start, after=after_training_seconds(
            len(X), len(test), len(specs) * (len(layout.classes or ()) or 1)))
    context = RunContext.build(X, y, test, task=layout.task, metric=chosen, folds=folds,
                               seed=seed, classes=layout.classes, budget=budget)
    joined = joined_runs(name, with_runs, runs_dir, context, X[layout.id_column],
                         fingerprints, say)
    shift = check_shift(X, test, layout, say)
    leaks = warn_leaks(X, y, layout)
    factories = model_factories(specs, layout, train)
    store = RunWriter(name, runs_dir)
    try:
        with cluster_folds(backend, scheduler, X, y, test, clock=clock) as cluster:
            runs = cross_validate_models(specs, factories, context, say=say, on_fold=on_fold,
                                         cluster=cluster, store=store)
        own = [r for r in runs if not r.skipped]
        stored = stored_candidates(
            joined, ids=X[layout.id_column], test_ids=test[layout.id_column], y=y,
            fold_of=fold_numbers(context.splits, len(y)), metric=chosen,
            classes=context.classes)
        done = own + stored
        blend, gains = blend_models({r.name: r.oof for r in done}, context.y,
                                    list(context.splits), context.metric, context.classes)
        path = write_competition_submission(layout, test, blend.combine({r.name: r.test
                                                                          for r in done}),
                                            sample, name=name, metric=chosen.name,
                                            cv_score=blend.oof_score, models=done,
                                            blend=blend, folder=submissions)
        importance = shifted = None
        if report:
            importance = explain_strongest(own, blend, context, store.partial)
            if shift.warns and shift.columns:
                column = next(iter(shift.columns))
                shifted = {"column": column, "train": X[column].head(20_000).tolist(),
                           "test": test[column].head(20_000).tolist()}
        seconds = clock() - start
        summary = run_summary(name, context, layout, runs, blend, gains, source=source,
                              submission=path, fingerprints=fingerprints, time_limit=time_limit,
                              seconds=seconds)
        summary["models"] += [c.entry() for c in stored]
        summary["sources"] = [r.path.name for r in joined]
        run_dir = store.finish(summary, ids=X[layout.id_column], test_ids=test[layout.id_column],
                               splits=context.splits, runs=done, classes=context.classes,
                               blend=blend)
    except BaseException:
        store.abandon()
        raise
    result = CompetitionResult(
        name, chosen.name, source, layout, runs, blend, gains, blend.oof_score, path,
        seconds=seconds, time_limit=time_limit, leaks=leaks, seed=seed, shift=shift,
        report_dir=(run_dir / "report" if report is True else report or None), run_dir=run_dir,
        y=y, importance=importance, shifted=shifted,
        stored=stored)
    if report:
        from kagglekit.reports.competition import write_competition_report

        write_competition_report(result, result.report_dir)
    return result


def explain_strongest(done, blend, context, folder: Path) -> dict | None:
    """Permutation importance (:mod:`kagglekit.evaluation.importance`) of the model with the
    largest blend weight: its first fold's model, as the run folder being written at
    ``folder`` keeps it (no new fit), on a sample of that fold's held-out rows:
    ``{"model", "drops"}``, or ``{"model", "skipped"}`` when the time limit leaves no room
    (the budget's one rule, within its reserve)."""
    from kagglekit.evaluation.engine import rows
    from kagglekit.evaluation.importance import permutation_drops
    from kagglekit.persistence import load

    if not done:
        return None
    strongest = max(done, key=lambda r: blend.weights.get(r.name, 0.0))
    first = next((f for f in strongest.files if f.endswith("-fold0.joblib")), None)
    _, held = context.splits[0]
    shuffled = 3 * context.X.shape[1] * min(2000, len(held))  # rows predicted, at most
    cost = strongest.seconds / (len(context.splits) * strongest.seeds) * min(
        1.0, shuffled / len(held))
    if first is None or (context.budget is not None
                         and not context.budget.fits(cost, reserve=True)):
        return {"model": strongest.name, "skipped": "no time left within the limit"}
    drops = permutation_drops(load(folder / first), rows(context.X, held), context.y[held],
                              context.metric, random_state=context.seed)
    return {"model": strongest.name, "drops": drops}


def joined_runs(name: str, with_runs, runs_dir, context, ids, fingerprints: dict,
                say) -> list:
    """The stored runs ``--with-runs`` names that share this run's folds (none without it)."""
    from kagglekit.runs.store import fold_fingerprint

    if not with_runs:
        return []
    fold_of = fold_numbers(context.splits, len(ids))
    return runs_to_join(name, with_runs, runs_dir, fingerprints=fingerprints, say=say,
                        fold_fingerprint=fold_fingerprint(ids, fold_of))


def settle_layout(name: str, train, test, sample, *, metric=None, target=None,
                  id_column=None):
    """The layout and the metric, from one :func:`~kagglekit.submissions.sample.
    infer_layout`: ``(layout, Metric, where the metric came from)``."""
    from kagglekit.evaluation.metrics import get_metric
    from kagglekit.submissions.sample import infer_layout

    found, source = find_metric(name, metric)
    layout = infer_layout(train, test, sample, target=target, id_column=id_column,
                          metric=found)
    if found is None:
        found, source = default_metric_for(name, layout), "default"
    return layout, get_metric(found), source
