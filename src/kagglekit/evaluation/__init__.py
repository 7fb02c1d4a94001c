"""Cross-validation, reports and plots."""

from kagglekit.evaluation.cv import CVResult, evaluate

__all__ = ["CVResult", "evaluate"]
