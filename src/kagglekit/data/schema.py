"""Input schemas: which columns a CSV must have and which dtypes they must coerce to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kagglekit.errors import DataError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Schema:
    """Required columns of a tabular input.

    Parameters
    ----------
    numeric : tuple of str
        Columns that must be numeric (missing values allowed).
    text : tuple of str
        Columns read as strings (missing values allowed).
    target : str or None
        The label column, required only in training data.
    id_column : str or None
        The row identifier used in submissions.
    """

    numeric: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    target: str | None = None
    id_column: str | None = None
    target_values: tuple = ()

    @property
    def features(self) -> tuple[str, ...]:
        return self.numeric + self.text

    def validate(self, frame: pd.DataFrame, source: str, *, training: bool) -> pd.DataFrame:
        """Check ``frame`` against the schema and return a copy with coerced dtypes.

        Raises
        ------
        DataError
            Naming the file and the column when a required column is missing, a numeric
            column holds values that are not numbers, or the frame has no rows.
        """
        import numpy as np  # here, not at import: the registry lists schemas without pandas
        import pandas as pd

        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"{source}: expected a pandas DataFrame, got {type(frame).__name__}")
        if len(frame) == 0:
            raise DataError(f"{source}: no rows; give a CSV with a header and at least one row")
        required = list(self.features)
        if self.id_column:
            required.append(self.id_column)
        if training and self.target:
            required.append(self.target)
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise DataError(
                f"{source}: missing column(s) {', '.join(missing)}; "
                f"the file needs {', '.join(required)}"
            )
        frame = frame.copy()
        for column in self.numeric + ((self.target,) if training and self.target else ()):
            frame[column] = _to_numeric(frame[column], column, source)
        if self.id_column:
            ids = _to_numeric(frame[self.id_column], self.id_column, source)
            if ids.isna().any():
                raise DataError(f"{source}: column {self.id_column} has empty cells; every row "
                                "needs an id")
            frame[self.id_column] = ids
        for column in self.text:
            frame[column] = frame[column].astype("object").where(frame[column].notna(), np.nan)
        if training and self.target:
            self._check_target(frame[self.target], source)
        return frame

    def _check_target(self, target: pd.Series, source: str) -> None:
        if target.isna().any():
            rows = list(target.index[target.isna()][:5])
            raise DataError(f"{source}: column {self.target} has missing labels (rows {rows}); "
                            "fill or drop those rows")
        if self.target_values:
            bad = sorted(set(target.unique()) - set(self.target_values))
            if bad:
                shown = ", ".join(f"{v:g}" if isinstance(v, float) else repr(v) for v in bad[:5])
                raise DataError(f"{source}: column {self.target} has values {shown}; "
                                f"expected only {list(self.target_values)}")
            if target.nunique() < 2:
                raise DataError(f"{source}: column {self.target} holds one class only; "
                                "training needs examples of every class")


def _to_numeric(values: pd.Series, column: str, source: str) -> pd.Series:
    import pandas as pd

    converted = pd.to_numeric(values, errors="coerce")
    bad = converted.isna() & values.notna()
    if bad.any():
        examples = ", ".join(repr(v) for v in values[bad].unique()[:3])
        raise DataError(
            f"{source}: column {column} must be numeric but has {examples}; fix those cells"
        )
    return converted.astype("float64")
