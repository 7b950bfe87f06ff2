"""coordnet: find coordinated inauthentic behaviour in social-media data.

Read a collection (:mod:`coordnet.io`), compute signals (:mod:`coordnet.signals`), and
:func:`detect` the networks, each scored and explained by evidence a person can check.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coordnet")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

from .dataset import Dataset, DatasetSummary, concat
from .detect import DEFAULT_SIGNALS, Detector, default_signals, detect
from .errors import CoordnetError, MissingDependencyError, ParameterError, ReadError, SchemaError
from .evaluate import Evaluation, evaluate
from .io import (
    from_frame,
    read,
    read_crowdtangle,
    read_table,
    read_telegram,
    read_twitter_api,
    read_twitter_io,
)
from .result import NetworkEvidence, Result
from .signals.accounts import CreationBursts, HandleTemplates, Lifecycle
from .signals.coaction import (
    CoAction,
    CoActionResult,
    CoDomain,
    CoHashtag,
    CoImage,
    CoLink,
    CoMention,
    CoQuote,
    CoReply,
    CoRepost,
    CoText,
    HashtagSequence,
)
from .signals.text import CoSimilarText, near_duplicate_clusters
from .signals.timing import FastReposts, Rhythm, SynchronizedActivity
from .simulate import Scenario, simulate

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "DEFAULT_SIGNALS",
    "CoAction",
    "CoActionResult",
    "CoDomain",
    "CoHashtag",
    "CoImage",
    "CoLink",
    "CoMention",
    "CoQuote",
    "CoReply",
    "CoRepost",
    "CoSimilarText",
    "CoText",
    "CoordnetError",
    "CreationBursts",
    "Dataset",
    "DatasetSummary",
    "Detector",
    "Evaluation",
    "FastReposts",
    "HandleTemplates",
    "HashtagSequence",
    "Lifecycle",
    "MissingDependencyError",
    "NetworkEvidence",
    "ParameterError",
    "ReadError",
    "Result",
    "Rhythm",
    "Scenario",
    "SchemaError",
    "SynchronizedActivity",
    "__version__",
    "concat",
    "default_signals",
    "detect",
    "evaluate",
    "from_frame",
    "near_duplicate_clusters",
    "read",
    "read_crowdtangle",
    "read_table",
    "read_telegram",
    "read_twitter_api",
    "read_twitter_io",
    "simulate",
]
