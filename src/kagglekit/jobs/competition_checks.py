"""The checks a competition run makes before any model trains: the options, the rows with a
target (enough of them for the folds: :func:`kagglekit.data.target.check_folds`), the shift
between train.csv and test.csv, leaking columns, and ``--drop``. Each problem a user can fix
is one line that says how."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kagglekit.errors import KagglekitError


def check_options(*, folds: int, seed: int, time_limit: float | None) -> None:
    """One line for an option value a run cannot use, before any file is read."""
    if isinstance(folds, bool) or not isinstance(folds, int | np.integer) or folds < 2:
        raise KagglekitError(f"--folds must be a whole number, 2 or more (got {folds!r}): "
                             "cross-validation needs at least two folds")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) \
            or not 0 <= seed < 2**32:
        raise KagglekitError(f"--seed must be a whole number from 0 to 2**32 - 1 (got "
                             f"{seed!r})")
    if time_limit is not None and not (isinstance(time_limit, int | float)
                                       and 0 < time_limit < float("inf")):
        raise KagglekitError(f"--time-limit must be a positive number of seconds (got "
                             f"{time_limit!r})")


def labelled_rows(train: pd.DataFrame, target: str) -> pd.DataFrame:
    """The rows of train.csv that have a target; the others are left out with a warning."""
    import warnings

    missing = train[target].isna().to_numpy()
    if not missing.any():
        return train
    warnings.warn(f"{int(missing.sum())} of {len(train)} rows of train.csv have no {target!r}; "
                  "they are left out of training", UserWarning, stacklevel=3)
    return train[~missing].reset_index(drop=True)


def check_shift(X, test, layout, say):
    """Adversarial validation (:mod:`kagglekit.evaluation.shift`) before training: a warning
    naming the columns when test.csv's rows differ from train.csv's, else one line."""
    import warnings

    from kagglekit.evaluation.shift import adversarial_validation

    shift = adversarial_validation(X, test, ignore=[layout.id_column])
    if shift.warns:
        warnings.warn(shift.line(), UserWarning, stacklevel=3)
    else:
        say(shift.line())
    return shift


def warn_leaks(X, y, layout) -> list:
    """A warning for each column that alone predicts the target almost perfectly."""
    import warnings

    from kagglekit.evaluation.leakage import find_leaks

    leaks = find_leaks(X, y, task=layout.task, id_column=layout.id_column)
    for leak in leaks:
        warnings.warn(f"column {leak.column!r} alone predicts {layout.target!r} almost "
                      f"perfectly ({leak.metric} {leak.score:.3f} out of fold): it is usually "
                      f"known only after the fact; drop it (--drop {leak.column}) unless "
                      "test.csv really has it",
                      UserWarning, stacklevel=3)
    return leaks


def drop_columns(name: str, train: pd.DataFrame, test: pd.DataFrame, drop):
    """train.csv and test.csv without the ``drop`` columns (test.csv may lack them)."""
    drop = list(drop or ())
    if not drop:
        return train, test
    from kagglekit.pipelines import list_pipelines

    missing = [c for c in drop if c not in train.columns]
    if missing:
        raise KagglekitError(f"--drop: train.csv has no column {missing[0]!r}; its columns: "
                             f"{', '.join(map(str, train.columns))}")
    if any(s.task.dataset == name for s in list_pipelines()):
        raise KagglekitError(f"--drop does not go with {name}'s engineered pipelines, which "
                             "choose their own columns; drop --drop")
    return train.drop(columns=drop), test.drop(columns=[c for c in drop if c in test])
