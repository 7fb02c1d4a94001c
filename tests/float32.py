"""Comparing results of float32 (Keras / TensorFlow) computations.

A float32 number near 0.5 has a spacing (one ulp) of 6e-8, so two code paths that add the
same terms in another order (another batch size, ``predict_on_batch`` against
``Model.predict``, an average taken in float32 against one taken in float64) differ by about
that much. Compare float32 results exactly only where the code promises bit-identical output
(same process, same weights, same call); otherwise use these tolerances.
"""

import pytest

#: Probabilities of the same (or an identically seeded) float32 network: a few ulps near 1.
PROBA_ATOL = 1e-6
#: Scores and losses that kagglekit rounds to 6 decimals: one float32 ulp before the rounding
#: can move the last decimal by one.
ROUNDED_ABS = 1.5e-6


def approx_tree(value, abs=ROUNDED_ABS):
    """``value`` (nested dicts / lists of numbers) with every number wrapped in
    ``pytest.approx(..., abs=abs)``, for ``assert actual == approx_tree(expected)``."""
    if isinstance(value, dict):
        return {k: approx_tree(v, abs) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [approx_tree(v, abs) for v in value]
    if isinstance(value, float):
        return pytest.approx(value, abs=abs)
    return value
