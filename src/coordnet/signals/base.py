"""What every signal shares: the `Signal` contract, parameter checks and the two evidence forms.

A signal is a small named object holding its parameters. ``__init__`` only stores them;
:meth:`Signal.compute` is the one checkpoint: it validates parameters (:meth:`Signal._validate`)
and the columns the signal needs (:attr:`Signal.requires`), runs the work (:meth:`Signal._compute`)
and checks the output form.

Two forms of evidence:

- **edges** (``kind = "edges"``): one row per account pair and signal, ``account_a < account_b``,
  with at least :data:`EDGE_COLUMNS`; further columns explain the edge.
- **features** (``kind = "features"``): one row per account, indexed by ``account_id``, columns
  prefixed with the signal's name so that tables from several signals join without clashes.

Families of signals are found by walking subclasses (:func:`all_signals`), not by a registry.
"""

from __future__ import annotations

import datetime as _dt
import logging
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ParameterError, SchemaError
from ..schema import STRING_DTYPE

logger = logging.getLogger(__name__)

__all__ = [
    "EDGE_COLUMNS",
    "Signal",
    "all_signals",
    "check_edges",
    "check_number",
    "order_pairs",
    "parse_window",
]

#: Columns every edge table has, in this order, before any signal-specific ones.
EDGE_COLUMNS = ("account_a", "account_b", "signal", "weight", "support")


def parse_window(value, *, owner: str, name: str = "window", minimum: str = "0s") -> pd.Timedelta:
    """A duration parameter as a :class:`pandas.Timedelta`.

    Accepts seconds (int or float), :class:`datetime.timedelta`, :class:`pandas.Timedelta` or
    strings such as ``"90s"``, ``"10min"``, ``"1h"``.

    Examples
    --------
    >>> parse_window("90s", owner="CoRepost")
    Timedelta('0 days 00:01:30')
    >>> parse_window(60, owner="CoRepost")
    Timedelta('0 days 00:01:00')
    >>> parse_window(-5, owner="CoRepost")
    Traceback (most recent call last):
    ...
    coordnet.errors.ParameterError: The 'window' parameter of CoRepost must be a duration of at least 0s, e.g. '30s' or pd.Timedelta(minutes=1). Got -5 instead.
    """
    bad = ParameterError(
        f"The '{name}' parameter of {owner} must be a duration of at least {minimum}, e.g. '30s' or "
        f"pd.Timedelta(minutes=1). Got {value!r} instead.", name=name, value=value,
    )
    if isinstance(value, bool) or value is None:
        raise bad
    try:
        if isinstance(value, (int, float, np.integer, np.floating)):
            if not np.isfinite(value):
                raise bad
            td = pd.Timedelta(seconds=float(value))
        elif isinstance(value, (str, _dt.timedelta, pd.Timedelta, np.timedelta64)):
            td = pd.Timedelta(value)
        else:
            raise bad
    except (ValueError, TypeError) as exc:
        raise bad from exc
    if pd.isna(td) or td < pd.Timedelta(minimum):
        raise bad
    return td


def check_number(value, *, owner: str, name: str, low=None, high=None, integer: bool = False,
                 allow_none: bool = False):
    """Validate a numeric parameter against an inclusive range; return it.

    Examples
    --------
    >>> check_number(2, owner="CoRepost", name="min_support", low=1, integer=True)
    2
    >>> check_number(0, owner="CoRepost", name="min_support", low=1, integer=True)
    Traceback (most recent call last):
    ...
    coordnet.errors.ParameterError: The 'min_support' parameter of CoRepost must be an integer >= 1. Got 0 instead.
    """
    if value is None and allow_none:
        return value
    what = "an integer" if integer else "a number"
    rng = []
    if low is not None:
        rng.append(f">= {low}")
    if high is not None:
        rng.append(f"<= {high}")
    msg = f"The '{name}' parameter of {owner} must be {what}{' ' + ' and '.join(rng) if rng else ''}"
    msg += " or None" if allow_none else ""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if ok and integer:
        ok = float(value).is_integer()
    if ok:
        ok = np.isfinite(value) and (low is None or value >= low) and (high is None or value <= high)
    if not ok:
        raise ParameterError(f"{msg}. Got {value!r} instead.", name=name, value=value)
    return int(value) if integer else value


def order_pairs(a: pd.Series | np.ndarray, b: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pair as ``(min, max)`` by string order, so that ``account_a < account_b``.

    Examples
    --------
    >>> order_pairs(np.array(["b", "a"], dtype=object), np.array(["a", "c"], dtype=object))
    (array(['a', 'a'], dtype=object), array(['b', 'c'], dtype=object))
    """
    a = np.asarray(a, dtype=object)
    b = np.asarray(b, dtype=object)
    swap = a > b
    return np.where(swap, b, a), np.where(swap, a, b)


def check_edges(edges: pd.DataFrame, *, owner: str) -> pd.DataFrame:
    """Check an edge table's form (columns, no self-pairs, ``account_a < account_b``, one row per
    pair and signal, plus any ``window`` column) and return it with string account columns."""
    missing = [c for c in EDGE_COLUMNS if c not in edges.columns]
    if missing:
        raise SchemaError(f"{owner} produced an edge table without column(s) {missing}.", column=missing[0])
    out = edges.astype({"account_a": STRING_DTYPE, "account_b": STRING_DTYPE, "signal": STRING_DTYPE})
    if len(out):
        if (out["account_a"] >= out["account_b"]).any():
            raise SchemaError(f"{owner} produced edges with account_a >= account_b (self-pairs or "
                              "unordered pairs).", column="account_a")
        keys = ["account_a", "account_b", "signal"] + (["window"] if "window" in out else [])
        if out.duplicated(keys).any():
            raise SchemaError(f"{owner} produced more than one row for a pair and signal.", column="signal")
    return out


class Signal:
    """Base class of all signals: parameters stored by ``__init__``, checked by :meth:`compute`.

    Subclasses set :attr:`name`, :attr:`kind` and :attr:`requires`, and implement
    :meth:`_validate` (parameter checks, raising :class:`~coordnet.errors.ParameterError`) and
    :meth:`_compute` (the work).
    """

    #: Short snake_case name; used in the ``signal`` column of edges and as feature prefix.
    name: ClassVar[str] = "signal"
    #: "edges" or "features".
    kind: ClassVar[Literal["edges", "features"]] = "edges"
    #: Post columns (or ``accounts.<column>``) the signal reads and that must hold data.
    requires: ClassVar[tuple[str, ...]] = ("account_id", "timestamp")

    def _validate(self) -> None:
        """Check the parameters; raise ParameterError naming the bad one."""

    def _compute(self, dataset: Dataset) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_params(self) -> dict:
        """The parameters as given to ``__init__`` (scikit-learn's convention)."""
        import inspect

        sig = inspect.signature(type(self).__init__)
        return {p: getattr(self, p) for p in sig.parameters if p != "self" and hasattr(self, p)}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"

    def check_requirements(self, dataset: Dataset) -> None:
        """Raise SchemaError when a column the signal needs is absent."""
        for col in self.requires:
            table, column = ("accounts", col.split(".", 1)[1]) if col.startswith("accounts.") else ("posts", col)
            frame = dataset.accounts if table == "accounts" else dataset.posts
            if column not in frame.columns:
                raise SchemaError(
                    f"{type(self).__name__} needs the {table} column '{column}', which this dataset "
                    f"lacks. Its {table} columns are {list(frame.columns)}.", column=column,
                )

    def compute(self, dataset: Dataset) -> pd.DataFrame:
        """Validate parameters and inputs, compute the evidence, check its form."""
        if not isinstance(dataset, Dataset):
            raise ParameterError(
                f"{type(self).__name__}.compute expects a coordnet.Dataset. Got "
                f"{type(dataset).__name__} instead; build one with coordnet.from_frame(df, ...).",
                name="dataset", value=dataset,
            )
        self._validate()
        self.check_requirements(dataset)
        out = self._compute(dataset)
        if self.kind == "edges":
            return check_edges(out, owner=type(self).__name__)
        if out.index.name != "account_id":
            raise SchemaError(f"{type(self).__name__} produced a feature table not indexed by account_id.")
        return out


def all_signals() -> dict[str, type[Signal]]:
    """Every concrete signal class imported so far, by name (found by walking subclasses).

    Examples
    --------
    >>> isinstance(all_signals(), dict)
    True
    """
    found: dict[str, type[Signal]] = {}
    stack = list(Signal.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__dict__.get("name") and not cls.__name__.startswith("_"):
            found[cls.name] = cls
    return dict(sorted(found.items()))
