"""scikit-learn's ``parametrize_with_checks`` with test ids that are the same in every process.

scikit-learn names each case after the estimator's repr, which shows a model-building
function as ``<function build_dense_net at 0x7f...>``: the address differs between the two
processes of ``pytest -n 2`` (what ``make test`` runs), and pytest-xdist refuses to run tests
whose ids differ. Here the address is left out; the checks are scikit-learn's own.
"""

import functools
import re

import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator


def _case_id(obj) -> str:
    if isinstance(obj, functools.partial):  # a check, with its keyword arguments
        keywords = ",".join(f"{k}={v}" for k, v in obj.keywords.items())
        return f"{obj.func.__name__}({keywords})" if keywords else obj.func.__name__
    if callable(obj) and not hasattr(obj, "get_params"):
        return getattr(obj, "__name__", type(obj).__name__)
    return re.sub(r"\s", "", re.sub(r" at 0x[0-9a-f]+", "", str(obj)))


def parametrize_with_checks(estimators, *, expected_failed_checks=None, legacy=True):
    """Every scikit-learn estimator check for each of ``estimators``; expected failures
    (``expected_failed_checks(estimator) -> {check name: reason}``) are xfail."""
    cases = []
    for estimator in estimators:
        failing = expected_failed_checks(estimator) if callable(expected_failed_checks) \
            else expected_failed_checks
        cases += estimator_checks_generator(estimator, legacy=legacy,
                                            expected_failed_checks=failing, mark="xfail")
    return pytest.mark.parametrize("estimator, check", cases, ids=_case_id)
