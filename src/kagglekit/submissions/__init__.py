"""Kaggle submission files (export + validation) and the Kaggle API client wrapper."""

from kagglekit.submissions.export import (
    SubmissionFormat,
    validate_submission,
    write_submission,
)

__all__ = ["SubmissionFormat", "validate_submission", "write_submission"]
