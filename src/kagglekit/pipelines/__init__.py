"""The pipeline registry: a name -> an unfitted scikit-learn Pipeline plus its task."""

from kagglekit.pipelines.registry import (
    PipelineSpec,
    Task,
    get_spec,
    list_pipelines,
    make_pipeline,
)

__all__ = ["PipelineSpec", "Task", "get_spec", "list_pipelines", "make_pipeline"]
