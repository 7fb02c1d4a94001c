"""Cross-validation, holdout scoring and hyperparameter search of a job, with its report."""

from __future__ import annotations

from pathlib import Path

from kagglekit.errors import KagglekitError
from kagglekit.evaluation.metrics import get_metric
from kagglekit.jobs.spec import JobSpec, registered


def candidates(spec: JobSpec, compare=(), data_dir=None) -> list[JobSpec]:
    """``spec`` and the registered pipelines of ``compare``, which must be for its data."""
    specs = [spec]
    for other in compare:
        if other == spec.name:
            continue
        other_spec = registered(other, data_dir)
        if other_spec.task.dataset != spec.task.dataset:
            raise KagglekitError(f"--compare {other}: it is for the {other_spec.task.dataset}"
                                 f" data, not {spec.task.dataset}")
        specs.append(other_spec)
    return specs


def cross_validate(spec: JobSpec, compare=(), *, folds: int = 5, repeats: int = 1,
                   seed: int = 0, n_jobs: int = 1, backend: str = "loky",
                   scheduler: str | None = None, report=None, data_dir=None, dataset=None,
                   log=None, metric: str | None = None):
    """Cross-validate the spec's pipeline and the ``compare`` pipelines on the same folds.

    Parameters
    ----------
    spec : JobSpec
    compare : sequence of str
        Registered pipelines for the same data, cross-validated beside it.
    folds, repeats, seed, n_jobs, backend, scheduler, metric
        As in :func:`kagglekit.evaluate`.
    report : path, optional
        A new or empty folder for the report (checked before any training).
    dataset : Dataset, optional
        The training data when the caller has it already.
    log : callable, optional
        Receives a line before each model's CV and one with its score after.

    Returns
    -------
    (list of CVResult, Path or None)
        The results in order (``spec`` first) and the report folder.
    """
    from kagglekit.evaluation import evaluate
    from kagglekit.parallel import check_backend
    from kagglekit.reports.report import check_report_folder, write_report

    check_backend(backend, scheduler)
    if metric:
        get_metric(metric)  # a misspelt name fails before any training
    specs = candidates(spec, compare, data_dir)
    pipelines = [s.pipeline() for s in specs]  # bad settings fail before the CV
    if report:
        check_report_folder(report)
    dataset = dataset or spec.load()
    holdout = (dataset.X_test, dataset.y_test) if dataset.y_test is not None else None
    results = []
    for candidate, pipeline in zip(specs, pipelines, strict=True):
        if log:
            log(f"cross-validating {candidate.name} ({folds} folds, seed {seed}) ...")
        result = evaluate(pipeline, dataset.X, dataset.y, folds=folds, repeats=repeats,
                          seed=seed, n_jobs=n_jobs, name=candidate.name, holdout=holdout,
                          backend=backend, scheduler=scheduler, metric=metric)
        if log:
            log(f"  {result.summary_line()}")
        results.append(result)
    folder = write_report(results, dataset, report, id_column=spec.task.id_column or None,
                          columns=spec.plan) if report else None
    return results, folder


def holdout(spec: JobSpec, *, seed: int = 0, report=None):
    """Train on the official training split, score the labelled test split; returns
    ``(result dict, report folder or None)`` (see
    :func:`kagglekit.evaluation.holdout.evaluate_holdout`)."""
    from kagglekit.evaluation.holdout import evaluate_holdout
    from kagglekit.reports.holdout import write_holdout_report
    from kagglekit.reports.report import check_report_folder

    pipeline = spec.pipeline()
    if report:
        check_report_folder(report)
    dataset = spec.load()
    result = evaluate_holdout(pipeline, dataset.X, dataset.y, dataset.X_test, dataset.y_test,
                              seed=seed, name=spec.name, class_names=dataset.class_names)
    return result, write_holdout_report(result, report) if report else None


def search(spec: JobSpec, space, *, method: str = "random", trials: int = 20,
           folds: int = 5, seed: int = 0, n_jobs: int = 1, backend: str = "loky",
           scheduler: str | None = None, report=None, save_best=None, force: bool = False,
           progress=None, metric: str | None = None):
    """Search the spec's parameters (see :func:`kagglekit.tuning.search.search_pipeline`);
    returns ``(SearchResult, report folder or None, best-parameters file or None)``."""
    from kagglekit.fileio import check_writable
    from kagglekit.parallel import check_backend
    from kagglekit.reports.report import check_report_folder
    from kagglekit.reports.search import save_best as write_best
    from kagglekit.reports.search import write_search_report
    from kagglekit.tuning.search import search_pipeline

    check_backend(backend, scheduler)
    if metric:
        get_metric(metric)
    if report:
        check_report_folder(report)
    if save_best:
        check_writable(save_best, overwrite=force)
    dataset = spec.load()
    result = search_pipeline(spec.pipeline(), dataset.X, dataset.y, space, method=method,
                             trials=trials, folds=folds, seed=seed, name=spec.name,
                             progress=progress, n_jobs=n_jobs, backend=backend,
                             scheduler=scheduler, metric=metric)
    folder = write_search_report(result, report, dataset) if report else None
    best = write_best(result, save_best, overwrite=force) if save_best else None
    return result, folder, Path(best) if best else None
