"""The canonical columns and dtypes of a :class:`~coordnet.dataset.Dataset` (the data contract).

Every reader produces, and every signal consumes, these columns. Columns a source has beyond
these are kept as they came.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

__all__ = [
    "ACCOUNT_COLUMNS",
    "KINDS",
    "KIND_DTYPE",
    "LIST_COLUMNS",
    "LIST_DTYPE",
    "POST_COLUMNS",
    "PRECISION_DTYPE",
    "PRECISIONS",
    "REJECT_COLUMNS",
    "REQUIRED_ACCOUNT_COLUMNS",
    "REQUIRED_POST_COLUMNS",
    "STRING_DTYPE",
    "TIMESTAMP_DTYPE",
]

#: Identifiers and free text: nullable strings (ids never become numbers, never lose zeros).
STRING_DTYPE = pd.StringDtype("pyarrow")
#: All instants are exact, timezone-aware UTC.
TIMESTAMP_DTYPE = pd.DatetimeTZDtype("ns", "UTC")
#: Lists of normalized strings (URLs, hashtags, mentions, media); an empty list, never missing.
LIST_DTYPE = pd.ArrowDtype(pa.list_(pa.string()))

#: What a post is. A repost shares another post unchanged (retweet, share, forward).
KINDS = ("post", "repost", "reply", "quote")
KIND_DTYPE = pd.CategoricalDtype(list(KINDS))

#: How precise a row's timestamp is: to the millisecond, second or minute. Missing = unknown.
PRECISIONS = ("ms", "s", "min")
PRECISION_DTYPE = pd.CategoricalDtype(list(PRECISIONS), ordered=True)

REQUIRED_POST_COLUMNS = ("post_id", "account_id", "timestamp")

#: Canonical post columns and their dtypes, in order.
POST_COLUMNS: dict[str, object] = {
    "post_id": STRING_DTYPE,
    "account_id": STRING_DTYPE,
    "timestamp": TIMESTAMP_DTYPE,
    "kind": KIND_DTYPE,
    "ref_post_id": STRING_DTYPE,
    "ref_account_id": STRING_DTYPE,
    "text": STRING_DTYPE,
    "urls": LIST_DTYPE,
    "hashtags": LIST_DTYPE,
    "mentions": LIST_DTYPE,
    "media": LIST_DTYPE,
    "lang": STRING_DTYPE,
    "client": STRING_DTYPE,
    "platform": STRING_DTYPE,
    "timestamp_precision": PRECISION_DTYPE,
}

LIST_COLUMNS = ("urls", "hashtags", "mentions", "media")

REQUIRED_ACCOUNT_COLUMNS = ("account_id",)

#: Canonical account columns and their dtypes, in order.
ACCOUNT_COLUMNS: dict[str, object] = {
    "account_id": STRING_DTYPE,
    "screen_name": STRING_DTYPE,
    "display_name": STRING_DTYPE,
    "created_at": TIMESTAMP_DTYPE,
    "followers": pd.Int64Dtype(),
    "following": pd.Int64Dtype(),
    "description": STRING_DTYPE,
    "location": STRING_DTYPE,
    "lang": STRING_DTYPE,
}

#: One row per input problem: a row not kept ("dropped") or a value not kept ("cleared").
REJECT_COLUMNS: dict[str, object] = {
    "table": STRING_DTYPE,
    "source": STRING_DTYPE,
    "row": pd.Int64Dtype(),
    "column": STRING_DTYPE,
    "value": STRING_DTYPE,
    "reason": STRING_DTYPE,
    "action": STRING_DTYPE,
    "post_id": STRING_DTYPE,
}


def empty_frame(columns: dict[str, object]) -> pd.DataFrame:
    """An empty DataFrame with the given canonical columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})
