"""Free what Keras keeps between fits, so memory stays flat across folds, search trials and
ensemble members.

Importing this module imports neither TensorFlow nor Keras: a pipeline can only hold a Keras
model once SciKeras has been imported, so scikit-learn-only work never loads them.
"""

from __future__ import annotations

import gc
import sys


def uses_keras(estimator) -> bool:
    """Whether ``estimator`` is, or contains, a SciKeras-wrapped Keras model.

    Looks at the estimator itself and every nested estimator scikit-learn's
    ``get_params(deep=True)`` lists (pipeline steps, ensemble members, a regressor inside a
    ``TransformedTargetRegressor``, ...).

    Parameters
    ----------
    estimator : object
        A scikit-learn estimator (fitted or not).

    Returns
    -------
    bool
    """
    wrappers = sys.modules.get("scikeras.wrappers")
    if wrappers is None:  # nothing has built a Keras estimator in this process
        return False
    if isinstance(estimator, wrappers.BaseWrapper):
        return True
    get_params = getattr(estimator, "get_params", None)
    if get_params is None:
        return False
    return any(isinstance(value, wrappers.BaseWrapper)
               for value in get_params(deep=True).values())


def release_keras(estimator) -> bool:
    """Clear Keras' global session and collect garbage when ``estimator`` holds a Keras model.

    Call it once everything needed from a fitted model (scores, history, layer summary) has
    been taken out of it and the model will not predict again: ``keras.backend.clear_session``
    drops the graphs and names Keras keeps for every model built so far. Fold scores do not
    change (the seeded fits do not depend on that state).

    Parameters
    ----------
    estimator : object
        The estimator just fitted and scored (a pipeline, an ensemble, a Keras wrapper...).

    Returns
    -------
    bool
        True when Keras' state was cleared, False when ``estimator`` holds no Keras model
        (then nothing is imported and nothing is done).
    """
    if not uses_keras(estimator):
        return False
    import keras

    keras.backend.clear_session()
    gc.collect()
    return True
