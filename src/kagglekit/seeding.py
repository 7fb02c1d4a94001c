"""The explicit seeding helper: every ``random_state`` inside an estimator set to one seed."""

from __future__ import annotations


def seed_pipeline(estimator, seed):
    """Set every ``random_state`` parameter inside ``estimator`` to ``seed`` (in place).

    Works on any scikit-learn estimator: a Pipeline, a meta-estimator and everything nested
    in it (``model__random_state``, ``model__estimator__random_state``, ...).

    Returns
    -------
    The same ``estimator``.
    """
    keys = [k for k in estimator.get_params(deep=True)
            if k == "random_state" or k.endswith("__random_state")]
    estimator.set_params(**dict.fromkeys(keys, seed))
    return estimator
