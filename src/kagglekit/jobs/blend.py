"""``kagglekit blend NAME``: blend the stored runs of a competition made on the same folds, and
a competitor's own predictions, into a validated submission and a new run folder.

The candidates (:mod:`kagglekit.runs.candidates`) are every finished model of the chosen runs
whose fold fingerprint is the newest chosen run's, plus each ``--add OOF.csv TEST.csv``. The
blend is chosen as a run chooses it (:func:`blend_models`: greedy or stacking by honest nested
gain, else the best single model), on the newest run's folds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kagglekit.errors import KagglekitError

__all__ = ["blend_stored", "BlendResult", "blend_models", "blend_lines"]


@dataclass(frozen=True)
class BlendResult:
    """What ``kagglekit blend`` made: its candidates, the blend and its honest gains, the
    submission and the run folder."""

    competition: str
    metric: str
    candidates: list
    blend: object
    gains: dict
    submission: Path
    run_dir: Path

    def lines(self) -> list[str]:
        from kagglekit.evaluation.metrics import get_metric

        label = get_metric(self.metric).label
        width = max(len(c.name) for c in self.candidates)
        out = [f"{self.competition}: blend of {len(self.candidates)} models on "
               f"{len(self.candidates[0].fold_scores)} folds, metric {label}",
               f"{'model':<{width}}  {label:<17}  from"]
        out += [f"{c.name:<{width}}  {c.mean:.4f} ± {c.std:.4f}  {c.source}"
                for c in self.candidates]
        out += blend_lines(self.blend, self.gains)
        out += [f"run:        {self.run_dir}", f"submission: {self.submission}"]
        return out


def blend_lines(blend, gains: dict) -> list[str]:
    """The blend's weights, its out-of-fold score and each method's honest gain."""
    weights = ", ".join(f"{n} {w:.2f}" for n, w in blend.weights.items() if w > 0)
    if blend.method == "best":
        best = max(blend.weights, key=blend.weights.get)
        out = [f"no blend: the best single model ({best}), {blend.oof_score:.4f} out of fold"
               + ("; no blend gained on held-out folds" if gains else "")]
    else:
        out = [f"ensemble ({blend.method}: {weights}): {blend.oof_score:.4f} on the "
               "out-of-fold rows it was chosen on"]
    for method, gain in gains.items():
        used = " (used)" if method == blend.method else ""
        out.append(f"  {method} blend, weights chosen on the other folds: "
                   f"{gain.mean:+.4f} ± {gain.std:.4f} over the best single model{used}")
    return out


def blend_models(oof: dict, y, folds, metric, classes):
    """The combination of the models' out-of-fold outputs a run submits:
    ``(Blend, {method: gain})``.

    Greedy selection (Caruana et al. 2004) and stacking (a logistic or non-negative linear
    model on the outputs) are each measured by their honest gain over the best single model
    (weights chosen on the other folds, scored on the held-out one); the one with the higher
    mean gain is used, and the best single model when neither gains (mean < 0). The choice
    between the two is made on the same folds that measure it, so the winner's gain is
    slightly optimistic."""
    from kagglekit.ensembling.blend import fit_blend
    from kagglekit.ensembling.blend_gain import choose_blend

    if len(oof) < 2:
        return fit_blend(oof, y, metric, method="best", classes=classes), {}
    return choose_blend(oof, y, folds, metric, classes=classes)


def blend_stored(name: str, *, runs="all", add=(), metric: str | None = None, data_dir=None,
                 runs_dir=None, submissions="submissions", log=None) -> BlendResult:
    """Blend stored runs of ``name`` and a competitor's own predictions.

    Parameters
    ----------
    name : str
        The competition; its runs are in ``RUNS/NAME/`` and its files in ``DATA_DIR/NAME``.
    runs : "all", str or sequence of str
        The runs to blend: all, or their stamps (``"STAMP1,STAMP2"``). Those made on other
        folds than the newest chosen one are left out, each with a line.
    add : sequence of (OOF.csv, TEST.csv)
        A competitor's own out-of-fold and test predictions: the id column and the sample's
        prediction column(s), for every row of train.csv and test.csv; an optional ``fold``
        column is checked against the run's folds.
    metric : str, optional
        Default: the newest chosen run's.
    data_dir, runs_dir, submissions : path, optional
        As in :func:`kagglekit.jobs.competition.run_competition`.
    log : callable, optional
        Receives a line per step (the runs left out, the warnings about foreign folds).

    Returns
    -------
    BlendResult
    """
    import warnings

    from kagglekit.evaluation.metrics import get_metric
    from kagglekit.jobs.competition_checks import labelled_rows
    from kagglekit.jobs.competition_files import (
        file_fingerprints,
        read_competition,
        write_competition_submission,
    )
    from kagglekit.runs.candidates import added_candidate
    from kagglekit.runs.store import RunWriter

    start = time.perf_counter()
    say = log or (lambda line: None)
    from kagglekit.runs.candidates import choose_runs

    chosen = choose_runs(name, runs, runs_dir)
    reference = chosen[-1]
    layout = reference.layout
    found = get_metric(metric or reference.info["metric"]["name"])
    if layout.task not in found.tasks:
        raise KagglekitError(f"--metric {found.name} does not fit {name}'s {layout.task} "
                             "target; pick one of its task's metrics")
    train, test, sample = read_competition(name, data_dir)
    fingerprints = file_fingerprints(name, data_dir)
    kept = runs_to_join(name, [r.path.name for r in chosen], runs_dir, say=say,
                        fingerprints=fingerprints, fold_fingerprint=reference.info[
                            "fold_fingerprint"])
    ids, fold_of = reference.folds[layout.id_column], reference.folds["fold"].to_numpy()
    y = _targets(labelled_rows(train, layout.target), layout, ids, name)
    test_ids = test[layout.id_column]
    classes = None if layout.classes is None else np.asarray(layout.classes)
    where = {"ids": ids, "test_ids": test_ids, "y": y, "fold_of": fold_of, "metric": found,
             "classes": classes}
    candidates = {c.name: c for c in stored_candidates(kept, **where)}
    for oof_path, test_path in add:
        own = added_candidate(oof_path, test_path, layout=layout,
                              warn=lambda line: warnings.warn(line, UserWarning, stacklevel=2),
                              **where)
        if own.name in candidates:
            raise KagglekitError(f"--add {oof_path}: a candidate is already named "
                                 f"{own.name!r}; rename the file")
        candidates[own.name] = own
    if not candidates:
        raise KagglekitError(f"the chosen runs of {name} hold no finished model to blend")
    models = list(candidates.values())
    blend, gains = blend_models({c.name: c.oof for c in models}, y, fold_of, found, classes)
    path = write_competition_submission(
        layout, test, blend.combine({c.name: c.test for c in models}), sample, name=name,
        metric=found.name, cv_score=blend.oof_score, models=models, blend=blend,
        folder=submissions)
    store = RunWriter(name, runs_dir)
    try:
        summary = blend_summary(name, reference, found, models, blend, gains, fingerprints,
                                sources=[r.path.name for r in kept], submission=path,
                                seconds=time.perf_counter() - start)
        splits = [(np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k))
                  for k in range(int(fold_of.max()) + 1)]
        run_dir = store.finish(summary, ids=ids, test_ids=test_ids, splits=splits, runs=models,
                               classes=classes, blend=blend)
    except BaseException:
        store.abandon()
        raise
    return BlendResult(name, found.name, models, blend, gains, path, run_dir)


def runs_to_join(name: str, chosen, runs_dir, *, fingerprints: dict, fold_fingerprint: str,
                 say) -> list:
    """The stored runs ``chosen`` names (``all`` or stamps) that can be blended with rows
    split as ``fold_fingerprint`` says: one line for a stamp that does not exist, a run of
    another competition or of other files; a line for each run made on other folds (it is
    left out)."""
    from kagglekit.runs.candidates import check_same_data, choose_runs, same_folds

    runs = choose_runs(name, chosen, runs_dir)
    for run in runs:
        check_same_data(run, fingerprints)
    return same_folds(runs, fold_fingerprint, say)


def stored_candidates(runs: list, **where) -> list:
    """Every finished model of ``runs`` as a :class:`~kagglekit.runs.candidates.Candidate`,
    each once (a run that blended another run's models names them as that run does)."""
    from kagglekit.runs.candidates import run_candidates

    found = {}
    for run in runs:
        for candidate in run_candidates(run, **where):
            found.setdefault(candidate.name, candidate)
    return list(found.values())


def _targets(train, layout, ids, name: str) -> np.ndarray:
    """train.csv's target in the order of the run's folds.csv; one line when the rows
    differ."""
    by_id = train.set_index(layout.id_column)[layout.target]
    if by_id.index.has_duplicates or len(by_id) != len(ids) or not ids.isin(by_id.index).all():
        raise KagglekitError(f"train.csv of {name} does not hold the rows the runs were made "
                             "on; blend runs of the current files")
    return by_id.loc[ids].to_numpy()


def blend_summary(name, reference, metric, models, blend, gains, fingerprints, *, sources,
                  submission, seconds) -> dict:
    """``run.json`` of a blend: the reference run's layout and folds, the candidates and
    where each came from, the blend."""
    from kagglekit.fileio import timestamp
    from kagglekit.versions import package_versions

    info = reference.info
    return {
        "competition": name, "created": timestamp(), "kind": "blend",
        "metric": {"name": metric.name, "label": metric.label, "direction": metric.direction,
                   "source": "--metric" if metric.name != info["metric"]["name"]
                   else info["metric"]["source"]},
        "folds": info["folds"], "seed": info["seed"], **fingerprints,
        "layout": info["layout"], "sources": sources,
        "models": [c.entry() for c in models],
        "blend": {"method": blend.method, "weights": blend.weights,
                  "oof_score": blend.oof_score,
                  "honest_gain": {m: g.to_dict() for m, g in gains.items()}},
        "versions": package_versions(), "submission": str(submission), "time_limit": None,
        "seconds": round(seconds, 2),
    }
