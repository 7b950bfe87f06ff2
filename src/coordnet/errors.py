"""Exceptions raised by coordnet.

Every error says what was expected, what came, and where (file, row, column), and keeps the
offending values as attributes so that callers can act on them.
"""

from __future__ import annotations

__all__ = ["CoordnetError", "ParameterError", "SchemaError", "ReadError", "MissingDependencyError"]


class CoordnetError(Exception):
    """Base class of every error coordnet raises on purpose."""


class ParameterError(CoordnetError, ValueError):
    """A parameter has a value outside what the callee accepts.

    Attributes
    ----------
    name : str
        The parameter's name.
    value : object
        The value that was given.
    """

    def __init__(self, message: str, *, name: str | None = None, value: object = None):
        super().__init__(message)
        self.name = name
        self.value = value


class SchemaError(CoordnetError, ValueError):
    """A table lacks a required column, or a cell holds a value of the wrong kind.

    Attributes
    ----------
    source : str or None
        File (or table) the value came from.
    row : int or None
        1-based data row in `source` (the header is not counted).
    column : str or None
        Column that holds the offending value.
    value : object
        The offending value.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ):
        super().__init__(message)
        self.source = source
        self.row = row
        self.column = column
        self.value = value


class ReadError(CoordnetError, OSError):
    """A file cannot be read as the format it was given as (wrong format, corrupt, truncated).

    Attributes
    ----------
    source : str
        The file.
    row : int or None
        1-based data row (or line, for line-oriented formats) where reading failed, if known.
    """

    def __init__(self, message: str, *, source: str | None = None, row: int | None = None):
        super().__init__(message)
        self.source = source
        self.row = row


class MissingDependencyError(CoordnetError, ImportError):
    """An optional dependency is needed for this feature and is not installed."""


def require(module: str, *, extra: str, feature: str):
    """Import an optional dependency, or raise a message that says how to install it.

    Parameters
    ----------
    module : str
        Importable module name, e.g. ``"dask.dataframe"``.
    extra : str
        The coordnet extra that brings it, e.g. ``"dask"``.
    feature : str
        What the caller was trying to do, for the message.

    Examples
    --------
    >>> require("json", extra="none", feature="reading JSON").__name__
    'json'
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            f"{feature} needs the optional dependency '{module.split('.')[0]}', which is not "
            f"installed. Install it with: pip install 'coordnet[{extra}]'"
        ) from exc
