"""Pipelines for any tabular CSV: the inferred ColumnTransformer of
:mod:`kagglekit.features.tabular` (in the layout the model needs) + one of the built-in models
of :mod:`kagglekit.pipelines.models` (the tabular network, the classic dense net, LightGBM,
CatBoost or a scikit-learn baseline)."""

from __future__ import annotations

from kagglekit.features.tabular import ColumnPlan
from kagglekit.pipelines.lean import LeanPipeline
from kagglekit.pipelines.models import MODELS, get_model, tabular_net

__all__ = ["MODELS", "tabular_pipeline", "tabular_net"]


def tabular_pipeline(plan: ColumnPlan, model: str = "net") -> LeanPipeline:
    """An unfitted pipeline for the columns and task of ``plan``: the input check
    (:class:`~kagglekit.features.inputs.InputSchema`; the id and dropped columns are not
    required later), the inferred features, the model ``model`` (a name of
    :data:`~kagglekit.pipelines.models.MODELS`, where each one is described).

    ``net``'s and the boosted trees' time budget is ``model__max_seconds``; the boosted trees
    stop early on a split of the training rows, then boost again on all of them for the kept
    rounds when the time budget allows (``refit=True``)."""
    return get_model(model).pipeline(plan)
