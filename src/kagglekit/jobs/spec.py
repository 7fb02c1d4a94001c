"""The job spec: what every command works on, however it was named.

A registered pipeline name (``titanic-dnn``), a user's CSV (``tabular --csv FILE --target
COLUMN``) and a saved model's manifest all resolve to one :class:`JobSpec`; ``run``,
``evaluate``, ``train``, ``predict``, ``search`` and ``submission`` take it and never ask which
kind it was. Titanic, car, images and a user's CSV differ only in the spec they build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from kagglekit.errors import KagglekitError
from kagglekit.pipelines.registry import Task


@dataclass(frozen=True)
class TabularOptions:
    """The options of the ``tabular`` job: a user's CSV and what to do with its columns."""

    csv: str
    target: str
    id_column: str | None = None
    task: str | None = None
    drop: tuple[str, ...] = ()
    model: str = "net"

    @property
    def name(self) -> str:
        return f"tabular-{self.model}"


@dataclass(frozen=True)
class JobSpec:
    """Everything a command needs to know about a job.

    Attributes
    ----------
    name : str
        The pipeline's name in reports, file names and manifests.
    task : Task
        Target, id column, task kind, metric, input schema and where test rows come from.
    factory : callable
        ``factory()`` returns the unfitted pipeline with the registered settings.
    load : callable
        ``load()`` returns the :class:`~kagglekit.data.Dataset` to train on.
    params : dict
        Settings applied to every pipeline the spec builds (``--set`` / ``--params``),
        routed by :func:`kagglekit.pipelines.params.route`.
    plan : dict or None
        The inferred column plan of a user's CSV, recorded in the model's manifest.
    notes : tuple of str
        What the user should be told before the work starts (inferred columns, warnings).
    compare : tuple of str
        The other registered pipelines for the same data (``run``'s default comparison).
    """

    name: str
    task: Task
    factory: Callable
    load: Callable
    params: dict = field(default_factory=dict)
    plan: dict | None = None
    notes: tuple[str, ...] = ()
    compare: tuple[str, ...] = ()

    def pipeline(self):
        """A new unfitted pipeline: the factory's, with :attr:`params` set on it."""
        from kagglekit.pipelines.params import set_params

        return set_params(self.factory(), self.params)

    def with_params(self, params: dict | None) -> JobSpec:
        """The same job with ``params`` set on top of the current ones."""
        return replace(self, params={**self.params, **(params or {})}) if params else self

    @property
    def manifest(self) -> dict:
        """What a saved model's manifest records so :func:`from_manifest` can rebuild this."""
        return {"tabular": self.plan} if self.plan else {}


def registered(name: str, data_dir=None, params: dict | None = None) -> JobSpec:
    """The spec of a registered pipeline (see ``kagglekit list``)."""
    from kagglekit.data import load_dataset
    from kagglekit.pipelines import get_spec, list_pipelines

    entry = get_spec(name)
    others = tuple(s.name for s in list_pipelines()
                   if s.task.dataset == entry.task.dataset and s.name != name)
    return JobSpec(name=name, task=entry.task, factory=entry.factory,
                   load=lambda: load_dataset(entry.task.dataset, data_dir),
                   params=dict(params or {}), compare=others)


def tabular(options: TabularOptions, params: dict | None = None) -> JobSpec:
    """The spec of a user's CSV: its columns inferred now (the CSV is read once)."""
    from kagglekit.data import Dataset
    from kagglekit.data.base import read_plain_csv
    from kagglekit.features.tabular import infer_columns
    from kagglekit.pipelines.tabular import tabular_pipeline

    frame = read_plain_csv(options.csv)
    plan = infer_columns(frame, options.target, id_column=options.id_column,
                         task=options.task, drop=options.drop, source=options.csv)
    dataset = Dataset(name=Path(options.csv).stem, X=frame.drop(columns=[options.target]),
                      y=frame[options.target], X_test=frame.iloc[:0], source=options.csv)
    notes = (f"inferred: {plan.describe()}", *(f"warning: {w}" for w in plan.warnings))
    return JobSpec(name=options.name, task=_tabular_task(plan.to_dict()),
                   factory=lambda: tabular_pipeline(plan, options.model),
                   load=lambda: dataset, params=dict(params or {}), plan=plan.to_dict(),
                   notes=notes)


def _tabular_task(plan: dict) -> Task:
    from kagglekit.data.target import stored_task

    kind = stored_task(plan["task"], plan.get("n_classes"))
    return Task(dataset="tabular", target=plan["target"], id_column=plan.get("id_column") or "",
                kind=kind, metric="rmse" if kind == "regression" else "accuracy",
                test_rows="csv")


def from_manifest(manifest: dict | None, data_dir=None) -> JobSpec:
    """The spec a saved model was trained under, from its manifest: a registered pipeline,
    a user's CSV (its column plan), or, for a model saved without either, a bare spec that
    predicts a ``prediction`` column and knows no competition."""
    manifest = manifest or {}
    plan, name = manifest.get("tabular"), manifest.get("pipeline")
    if plan:
        return JobSpec(name=name or "tabular", task=_tabular_task(plan), factory=_no_factory,
                       load=_no_data, plan=plan)
    if name:
        try:
            return registered(name, data_dir)
        except KagglekitError:
            pass  # saved from outside the registry
    return JobSpec(name=name or "model", task=Task(dataset="", target="prediction",
                                                    id_column="", test_rows=None),
                   factory=_no_factory, load=_no_data)


def _no_factory():
    raise KagglekitError("this saved model keeps the settings it was trained with; train a "
                         "new one with `kagglekit train`")


def _no_data():
    raise KagglekitError("a saved model carries no training data; give the CSV with "
                         "`kagglekit train tabular --csv FILE --target COLUMN`")
