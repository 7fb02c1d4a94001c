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
    params = estimator.get_params(deep=True)
    # A parameter scikit-learn deprecated (its value is the string "deprecated", e.g.
    # TargetEncoder.random_state in 1.9, seeded through its `cv` splitter instead) is left
    # alone: setting it only makes a FutureWarning that users would see.
    keys = [k for k, v in params.items()
            if (k == "random_state" or k.endswith("__random_state")) and
            not (isinstance(v, str) and v == "deprecated")]
    estimator.set_params(**dict.fromkeys(keys, seed))
    return estimator
