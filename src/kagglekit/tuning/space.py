"""Search spaces and parameter files for ``kagglekit search`` / ``train --params``.

A space file (YAML or JSON) maps a routed pipeline parameter (the names ``--set`` takes:
``model__C``, ``model__hidden``, ``optimizer__learning_rate``, ``epochs`` ...) to

- a list of values (``[0.1, 1, 10]``; a list of lists such as ``[[64, 32], [128]]`` gives
  tuples, as Keras layer sizes need), for every method;
- a distribution (``{"loguniform": [1e-4, 1e-1]}``, ``{"uniform": [0.0, 0.5]}`` or
  ``{"int": [1, 4]}``, both ends included), for ``random`` and ``bayes``;
- a single value, which every trial uses.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from numbers import Real
from pathlib import Path

from kagglekit.errors import KagglekitError

DISTRIBUTIONS = ("loguniform", "uniform", "int")


@dataclass(frozen=True)
class Distribution:
    """A range to sample from: ``kind`` is one of :data:`DISTRIBUTIONS`, ends included."""

    kind: str
    low: float
    high: float

    def scipy(self):
        """The scipy.stats distribution RandomizedSearchCV samples from."""
        from scipy import stats

        if self.kind == "loguniform":
            return stats.loguniform(self.low, self.high)
        if self.kind == "uniform":
            return stats.uniform(self.low, self.high - self.low)
        return stats.randint(int(self.low), int(self.high) + 1)

    def suggest(self, trial, name: str):
        """Ask an Optuna trial for a value."""
        if self.kind == "int":
            return trial.suggest_int(name, int(self.low), int(self.high))
        return trial.suggest_float(name, self.low, self.high, log=self.kind == "loguniform")

    def to_dict(self) -> dict:
        return {self.kind: [self.low, self.high]}


def load_space(path: str | Path) -> dict:
    """Read and check a space file (``.yaml``, ``.yml`` or ``.json``).

    Returns
    -------
    dict
        Parameter name -> list of values (a single value becomes a one-item list) or
        :class:`Distribution`, in the file's order.
    """
    return parse_space(_read_mapping(path, "space file"), source=str(path))


def parse_space(data, *, source: str = "the space") -> dict:
    """Check a space given as a mapping (see the module docstring); returns what
    :func:`load_space` returns."""
    if not isinstance(data, dict) or not data:
        raise KagglekitError(f"{source} must map parameter names to values, e.g. "
                             "{\"model__C\": [0.1, 1, 10]}")
    space = {}
    for key, spec in data.items():
        if not isinstance(key, str) or not key:
            raise KagglekitError(f"{source}: parameter names must be text, got {key!r}")
        space[key] = _parse_entry(key, spec, source)
    return space


def _parse_entry(key: str, spec, source: str):
    if isinstance(spec, list):
        if not spec:
            raise KagglekitError(f"{source}: {key} has an empty list; give at least one value")
        return [_value(v) for v in spec]
    if isinstance(spec, dict):
        return _distribution(key, spec, source)
    return [_value(spec)]


def _distribution(key: str, spec: dict, source: str) -> Distribution:
    hint = (f"{source}: {key} must be a list of values or one of "
            + ", ".join(f'{{"{k}": [low, high]}}' for k in DISTRIBUTIONS))
    if len(spec) != 1 or next(iter(spec)) not in DISTRIBUTIONS:
        raise KagglekitError(f"{hint}; got {json.dumps(spec, default=str)}")
    kind, bounds = next(iter(spec.items()))
    if (not isinstance(bounds, list) or len(bounds) != 2
            or not all(isinstance(b, Real) and not isinstance(b, bool) for b in bounds)
            or not all(math.isfinite(b) for b in bounds)):
        raise KagglekitError(f"{hint}; the bounds must be two finite numbers, got {bounds!r}")
    low, high = bounds
    if not low < high:
        raise KagglekitError(f"{source}: {key}: {kind} needs low < high, got [{low}, {high}]")
    if kind == "loguniform" and low <= 0:
        raise KagglekitError(f"{source}: {key}: loguniform needs low > 0, got {low}")
    if kind == "int" and not all(float(b).is_integer() for b in bounds):
        raise KagglekitError(f"{source}: {key}: int needs whole-number bounds, got {bounds}")
    return Distribution(kind, low, high)


def _value(value):
    """A value from the file as the pipeline wants it: lists become tuples (layer sizes)."""
    if isinstance(value, list):
        return tuple(_value(v) for v in value)
    return value


def load_params(path: str | Path) -> dict:
    """Read a parameter file (JSON mapping, as ``kagglekit search --save-best`` writes it);
    lists become tuples, as ``--set`` makes them."""
    data = _read_mapping(path, "parameter file")
    if not all(isinstance(k, str) and k for k in data):
        raise KagglekitError(f"{path}: parameter names must be text")
    return {key: _value(value) for key, value in data.items()}


def _read_mapping(path: str | Path, what: str) -> dict:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise KagglekitError(f"{what} {path} must end in .json, .yaml or .yml")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KagglekitError(f"{what} {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KagglekitError(f"cannot read {what} {path}: {exc}") from exc
    try:
        data = json.loads(text) if suffix == ".json" else _yaml(text)
    except ValueError as exc:  # json.JSONDecodeError and yaml.YAMLError (re-raised below)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KagglekitError(f"{what} {path} is not valid {suffix[1:].upper()}: "
                             f"{first}") from exc
    if not isinstance(data, dict) or not data:
        raise KagglekitError(f"{what} {path} must be a mapping of parameter names to values, "
                             "e.g. {\"model__C\": [0.1, 1, 10]}")
    return data


# YAML 1.1 reads 1e-3 as text (it wants 1.0e-3); read it as the number people mean.
_EXPONENT = re.compile(r"^[-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+$")


def _yaml(text: str):
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_implicit_resolver("tag:yaml.org,2002:float", _EXPONENT, list("-+0123456789"))
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise ValueError(" ".join(str(exc).split())) from exc
