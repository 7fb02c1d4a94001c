"""The main job (``make run``): cross-validate, report, fit on all data, save, write a
submission. Every step is a library function the CLI and scripts can call on their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kagglekit.fileio import timestamp
from kagglekit.jobs import submission
from kagglekit.jobs.evaluate import cross_validate
from kagglekit.jobs.spec import JobSpec
from kagglekit.jobs.train import train


@dataclass
class RunResult:
    """What a run produced and where it went."""

    results: list
    report_dir: Path
    model_path: Path | None = None
    submission_path: Path | None = None

    def lines(self) -> list[str]:
        """What ``kagglekit run`` prints: the main CV score, then where each file went."""
        main = self.results[0]
        return [f"CV {main.metric} ({main.pipeline}): {main.mean:.4f} ± {main.std:.4f}",
                f"report:     {self.report_dir / 'report.html'} (also report.md, report.json)",
                f"model:      {self.model_path}",
                f"submission: {self.submission_path}"]


def run(spec: JobSpec, compare: tuple[str, ...] | None = (), *, folds: int = 5, seed: int = 0,
        test_csv=None, data_dir=None, reports: str | Path = "reports",
        models: str | Path = "models", submissions: str | Path = "submissions", log=None,
        backend: str = "loky", scheduler: str | None = None) -> RunResult:
    """Cross-validate the spec's pipeline (and the ``compare`` pipelines), write a report, fit
    it on all training data, save it under ``models`` and write a submission under
    ``submissions``.

    ``compare=None`` means every other pipeline registered for the same data set.
    ``backend`` and ``scheduler`` say where the folds run (see
    :func:`kagglekit.evaluation.evaluate`); the final fit runs here. A job that cannot end
    in a submission is refused before any training. ``log``, when given, receives a line
    per step.
    """
    compare = spec.compare if compare is None else compare
    submission.check_submittable(spec, test_csv)
    dataset = spec.load()
    rows = submission.test_rows(spec, test_csv, dataset)  # the run ends with a submission
    results, report_dir = cross_validate(
        spec, compare, folds=folds, seed=seed, backend=backend, scheduler=scheduler,
        report=Path(reports) / f"{timestamp()}_{spec.name}", data_dir=data_dir,
        dataset=dataset, log=log)
    main = results[0]
    if log:
        log(f"fitting {spec.name} on all {len(dataset.X)} training rows ...")
    pipeline, model_path = train(spec, Path(models) / f"{spec.name}-{timestamp()}.joblib",
                                 seed=seed, cv=main, dataset=dataset)
    path = submission.write(pipeline, spec, submissions, cv_score=main.mean, metric=main.metric,
                            model_path=model_path, dataset=dataset, rows=rows)
    return RunResult(results, report_dir, model_path, path)
