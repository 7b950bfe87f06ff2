"""coordnet: find coordinated inauthentic behaviour in social-media data."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coordnet")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

from .dataset import Dataset, DatasetSummary, concat
from .errors import CoordnetError, MissingDependencyError, ParameterError, ReadError, SchemaError

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "CoordnetError",
    "Dataset",
    "DatasetSummary",
    "MissingDependencyError",
    "ParameterError",
    "ReadError",
    "SchemaError",
    "__version__",
    "concat",
]
