"""Compact column types for large tables: the same numbers in fewer bytes.

pandas reads every number as 64 bits. A competition's train.csv and test.csv (from
:data:`LARGE_ROWS` training rows) are made compact together, column by column, so both
files keep one type per column:

- a float column becomes float32 when every finite value is below :data:`FLOAT32_EXACT` in
  magnitude: whole numbers stay exact and the rest keep 7 significant digits, more than
  any model here resolves (the network trains in float32; LightGBM bins its inputs);
  larger magnitudes (timestamps, money in cents) stay float64;
- an integer column becomes the smallest signed integer type that holds its values.

Columns named in ``keep`` (the id, written back into the submission, and the target) and
text columns are left as they are: in pandas 3 without pyarrow a text value is a Python
string, shared by the row copies a fold makes (only its 8-byte reference is copied).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LARGE_ROWS = 100_000
"""A competition is made compact from this many training rows: below it memory is never the
limit, and its scores stay exactly those of ``kagglekit evaluate`` on the same rows."""
FLOAT32_EXACT = 2.0**24
"""Floats below this magnitude are whole numbers exactly in float32 (and 7 digits otherwise)."""
INTEGER_TYPES = (np.int8, np.int16, np.int32)


def compact_dtypes(frames, keep=()) -> list[pd.DataFrame]:
    """``frames`` (e.g. train and test) with their numeric columns in compact types.

    Parameters
    ----------
    frames : sequence of pandas.DataFrame
        Decided together: a column is made compact only when its values in every frame that
        has it allow it, and it gets the same type in each.
    keep : iterable of str
        Columns left as they are.

    Returns
    -------
    list of pandas.DataFrame
        New frames; the given ones are not changed.
    """
    frames = [frame.copy(deep=False) for frame in frames]
    kept = set(keep)
    columns = dict.fromkeys(c for frame in frames for c in frame.columns if c not in kept)
    for column in columns:
        parts = [frame[column] for frame in frames if column in frame]
        dtype = _compact_type(parts)
        if dtype is None:
            continue
        for frame in frames:
            if column in frame:
                frame[column] = frame[column].astype(dtype)
    return frames


def _compact_type(parts):
    if all(pd.api.types.is_float_dtype(p) and p.dtype == np.float64 for p in parts):
        finite = [np.abs(p.to_numpy()[np.isfinite(p.to_numpy())]) for p in parts]
        largest = max((f.max() for f in finite if f.size), default=0.0)
        return np.float32 if largest < FLOAT32_EXACT else None
    if all(pd.api.types.is_integer_dtype(p) and p.dtype == np.int64 for p in parts):
        present = [p for p in parts if len(p)]
        if not present:
            return None
        low, high = min(int(p.min()) for p in present), max(int(p.max()) for p in present)
        return next((t for t in INTEGER_TYPES
                     if np.iinfo(t).min <= low and high <= np.iinfo(t).max), None)
    return None
