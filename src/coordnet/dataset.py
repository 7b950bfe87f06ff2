"""`Dataset`: a validated collection of posts and accounts in the canonical form.

Construction checks the data contract of :mod:`coordnet.schema` and explains what it cannot use:
a missing required column raises :class:`~coordnet.errors.SchemaError`; a row with an unreadable
timestamp, a missing id or an unknown kind, and a duplicate post, is set aside in
:attr:`Dataset.rejects` with its source, row and reason (or raises, with ``errors="raise"``).
Nothing is dropped silently: ``len(posts) + dropped rejects == input rows``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import ParameterError, SchemaError
from .normalize import canonical_url, normalize_tag, parse_timestamps, registered_domain_of
from .schema import (
    ACCOUNT_COLUMNS,
    KIND_DTYPE,
    KINDS,
    LIST_COLUMNS,
    LIST_DTYPE,
    POST_COLUMNS,
    PRECISION_DTYPE,
    REJECT_COLUMNS,
    REQUIRED_POST_COLUMNS,
    STRING_DTYPE,
    TIMESTAMP_DTYPE,
    empty_frame,
)

logger = logging.getLogger(__name__)

__all__ = ["Dataset", "DatasetSummary", "concat"]

#: Hidden columns a reader may add to posts/accounts so that rejects name the file and row.
SOURCE_COL = "_source"
ROW_COL = "_row"

_KIND_SYNONYMS = {
    "post": "post", "tweet": "post", "status": "post", "original": "post", "message": "post",
    "repost": "repost", "retweet": "repost", "retweeted": "repost", "share": "repost",
    "shared": "repost", "forward": "repost", "forwarded": "repost", "reshare": "repost",
    "reply": "reply", "replied_to": "reply", "comment": "reply",
    "quote": "quote", "quoted": "quote", "quote_tweet": "quote",
}

ErrorMode = Literal["collect", "raise"]


def _as_id_strings(values: pd.Series, column: str, source: str) -> pd.Series:
    """Ids as strings, refusing floats that have already lost digits.

    Strings are stripped of surrounding whitespace and empty ones become missing. The result is
    held in one Arrow chunk, so that later takes and scans do not concatenate chunks again.
    """
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if len(finite) and ((finite.abs() > 2**53).any() or (finite % 1 != 0).any()):
            raise SchemaError(
                f"{source}: column '{column}' holds floating-point numbers, so ids above 2^53 "
                "have already lost digits. Read the source with ids as text (e.g. "
                "pd.read_csv(..., dtype=str)) and build the Dataset from that.",
                source=source, column=column,
            )
        out = values.astype("Int64").astype(STRING_DTYPE)
    elif pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        out = values.astype(STRING_DTYPE)
    else:
        out = values.astype(STRING_DTYPE)
        # The checks read one contiguous copy; the column keeps its own chunks, so that the copy
        # is freed at once instead of living on next to the caller's frame until the end.
        may_strip, empty = _edge_bytes(_arrow_strings(out))
        if may_strip:  # some id starts or ends with a byte that may be whitespace: strip for real
            stripped = out.str.strip()
            # Keep the column itself when stripping changes nothing: the stripped copy is then
            # freed at once instead of living on next to the input.
            if (stripped != out).any():
                out = stripped
            empty = (out == "").fillna(False).to_numpy(dtype=bool)
        return out.mask(empty) if empty is not None and empty.any() else out
    empty = out == ""
    return out.mask(empty) if empty.any() else out


def _arrow_strings(values: pd.Series) -> pa.Array:
    """A string column as one Arrow array (zero-copy for Arrow-backed strings in one chunk)."""
    arr = values.array
    if hasattr(arr, "__arrow_array__"):
        got = arr.__arrow_array__()
        if isinstance(got, pa.ChunkedArray):
            return got.chunk(0) if got.num_chunks == 1 else got.combine_chunks()
        return got
    return pa.array(values.to_numpy(dtype=object), pa.string())


def _is_plain_strings(arr: pa.Array) -> bool:
    """Whether `arr` is laid out as offsets and data (string, large_string, binary, large_binary)."""
    t = arr.type
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t) \
        or pa.types.is_large_binary(t)


def _string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (``len(arr) + 1``, into the data buffer) and data bytes of a string array, no copy."""
    n = len(arr)
    buffers = arr.buffers()
    if n == 0 or buffers[1] is None:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    width = np.int64 if pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=width, count=n + 1, offset=arr.offset * np.dtype(width).itemsize)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, dtype=np.uint8)
    return offsets.astype(np.int64, copy=False), data


def _edge_bytes(arr: pa.Array) -> tuple[bool, np.ndarray | None]:
    """Whether any string may need stripping, and which present strings are empty (None: none).

    Looks at the first and last byte of every string only: a printable ASCII byte (0x21-0x7E)
    is never whitespace, so stripping can change something only when some string starts or ends
    with a control byte, a space or a non-ASCII byte (``True`` then: the caller strips for real).
    """
    if not _is_plain_strings(arr):
        return True, None  # another layout: the caller strips and looks for empty strings itself
    offsets, data = _string_buffers(arr)
    lengths = np.diff(offsets)
    full = lengths > 0
    everywhere = bool(full.all())
    starts = offsets[:-1] if everywhere else offsets[:-1][full]
    ends = offsets[1:] if everywhere else offsets[1:][full]
    # uint8 arithmetic wraps: printable bytes land in 0..0x5D, every other byte above.
    may_strip = (np.subtract(data[starts], 0x21, dtype=np.uint8).max(initial=0) > 0x5D
                 or np.subtract(data[ends - 1], 0x21, dtype=np.uint8).max(initial=0) > 0x5D)
    if everywhere:
        return bool(may_strip), None
    valid = np.ones(len(arr), dtype=bool) if arr.null_count == 0 \
        else arr.is_valid().to_numpy(zero_copy_only=False)
    empty = ~full & valid
    return bool(may_strip), (empty if empty.any() else None)


_LITTLE_ENDIAN = sys.byteorder == "little"
#: _BYTE_MASKS[k] keeps the first k bytes of a little-endian 64-bit word (k = 0..8).
_BYTE_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)


def _string_hashes(arr: pa.Array, max_bytes: int = 64) -> np.ndarray | None:
    """A 64-bit hash per string (equal strings, equal hashes), or None for strings longer than
    `max_bytes` (or a big-endian machine, or an array not laid out as offsets and data).

    Reads each string as unaligned 8-byte words straight from the Arrow data buffer and mixes
    them with its length: a few passes over ``len(arr)`` integers, no hash table, no Python
    object per value. A missing value hashes as whatever bytes its slot spans: pass arrays
    without missing values.
    """
    if not _LITTLE_ENDIAN or not _is_plain_strings(arr):
        return None
    offsets, data = _string_buffers(arr)
    starts = offsets[:-1]
    lengths = np.diff(offsets)
    longest = int(lengths.max()) if len(lengths) else 0
    if longest > max_bytes:
        return None
    padded = np.zeros(len(data) + 8, dtype=np.uint8)  # an 8-byte read at the end stays inside
    padded[: len(data)] = data
    words = np.ndarray((len(data) + 1,), dtype=np.uint64, buffer=padded, strides=(1,))
    h = lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for j in range(0, longest, 8):
        w = words[np.minimum(starts + j, len(data))] & _BYTE_MASKS[np.clip(lengths - j, 0, 8)]
        h ^= w
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(31)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(29)
    return h


def _surely_distinct(arr: pa.Array) -> bool:
    """True when no two strings of `arr` (no missing values) are equal, False when some may be.

    Distinct hashes prove distinct strings; equal hashes (a real repeat, or a rare collision)
    leave the exact check to the caller.
    """
    if len(arr) < 2:
        return True
    h = _string_hashes(arr)
    if h is None:
        return len(pc.unique(arr)) == len(arr)
    return bool(pd.Index(h).is_unique)


def _time_then_id_order(ns: np.ndarray, ids: pa.Array) -> np.ndarray | None:
    """Permutation sorting rows by (timestamp, post_id), None when they already are in order.

    A stable integer sort on time does most of the work; post ids, a string sort, only break
    ties among rows that share an instant.
    """
    n = len(ns)
    order = None if n < 2 or bool((ns[1:] >= ns[:-1]).all()) else _argsort_int64(ns)
    t = ns if order is None else ns[order]
    same = t[1:] == t[:-1]
    if not same.any():
        return order
    tied = np.zeros(n, dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    rows = np.flatnonzero(tied) if order is None else order[tied]
    sub = pc.sort_indices(pa.table({"t": pa.array(ns[rows]), "p": ids.take(pa.array(rows))}),
                          sort_keys=[("t", "ascending"), ("p", "ascending")]).to_numpy()
    if bool((sub[1:] > sub[:-1]).all()):  # the ties were already in post-id order
        return order
    if order is None:
        order = np.arange(n)
    order[tied] = rows[sub]
    return order


def _argsort_int64(values: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")`` for int64, as an LSD radix sort on 16-bit digits.

    numpy sorts 16-bit keys by radix in linear time; timestamps span few digits once their
    minimum and a common unit (whole seconds, milliseconds) are taken out, so two or three
    passes replace a comparison sort.
    """
    key = (values - values.min()).view(np.uint64)  # wraps to the exact unsigned difference
    for unit in (10**9, 10**6, 10**3):  # a sample first: a full pass only for a likely unit
        if not (key[:1024] % np.uint64(unit)).any() and not (key % np.uint64(unit)).any():
            key = key // np.uint64(unit)
            break
    bits = int(key.max()).bit_length()
    order = None
    for shift in range(0, max(bits, 1), 16):
        digit = (key >> np.uint64(shift)).astype(np.uint16)  # keeps the low 16 bits
        step = np.argsort(digit, kind="stable")
        order = step if order is None else order[step]
        if shift + 16 < bits:
            key = key[step]
    return order


def _empty_lists(n: int, index: pd.Index) -> pd.Series:
    """A list column of `n` empty lists, built from offsets (no Python list per row)."""
    arr = pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string()))
    return pd.Series(pd.arrays.ArrowExtensionArray(arr), index=index, dtype=LIST_DTYPE)


def _null_strings(n: int) -> pa.Array:
    """`n` missing strings. Unlike ``pa.nulls``, the zeroed buffers come from ``np.zeros``
    (calloc): pages the process never touches, so a column nobody fills costs no page faults."""
    offsets = pa.py_buffer(np.zeros(n + 1, dtype=np.int64))
    validity = pa.py_buffer(np.zeros((n + 7) // 8, dtype=np.uint8))
    return pa.Array.from_buffers(pa.large_string(), n, [validity, offsets, pa.py_buffer(b"")], null_count=n)


def _missing_column(dtype, n: int, index: pd.Index) -> pd.Series:
    """A column of `n` missing values (empty lists for list columns) without a value per row."""
    if dtype is LIST_DTYPE:
        return _empty_lists(n, index)
    if dtype is STRING_DTYPE:
        values = pd.arrays.ArrowStringArray(_null_strings(n))
    elif isinstance(dtype, pd.CategoricalDtype):
        values = pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), dtype=dtype)
    elif isinstance(dtype, pd.Int64Dtype):
        values = pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    else:
        return pd.Series(pd.NaT if dtype is TIMESTAMP_DTYPE else pd.NA, index=index, dtype=dtype)
    return pd.Series(values, index=index, dtype=dtype)


def _fast_list_array(values: pd.Series) -> pa.Array | None:
    """Arrow list array straight from a column of lists of strings (the common case), else None."""
    try:
        return pa.array(values.to_numpy(dtype=object), type=pa.list_(pa.string()), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return None


def _normalize_list_column(values: pd.Series, normalizer) -> pd.Series:
    """A list column in LIST_DTYPE, each element normalized once per distinct value."""
    arr = None
    if isinstance(values.dtype, pd.ArrowDtype) and pa.types.is_list(values.dtype.pyarrow_dtype):
        arr = pa.chunked_array([values.array._pa_array.combine_chunks()]).combine_chunks()
    else:
        arr = _fast_list_array(values)
    if arr is None:
        py = []
        for v in values.to_numpy(dtype=object):
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                py.append([])
            elif isinstance(v, str):
                py.append([v])
            else:
                py.append([None if x is None else str(x) for x in v])
        arr = pa.array(py, type=pa.list_(pa.string()))
    if arr.null_count:
        arr = arr.fill_null(pa.scalar([], type=pa.list_(pa.string())))
    flat = pc.list_flatten(arr)
    if normalizer is not None and len(flat):
        encoded = pc.dictionary_encode(flat)  # one hash pass: the distinct values and where they are
        mapped = pa.array([normalizer(u) if u is not None else None for u in encoded.dictionary.to_pylist()],
                          pa.string())
        flat = mapped.take(encoded.indices)
    keep = pc.and_(pc.is_valid(flat), pc.not_equal(pc.fill_null(flat, ""), ""))
    if pc.all(keep).as_py() is not False:  # nothing to drop: the lists keep their offsets
        offsets = np.asarray(arr.offsets)
        offsets = offsets - offsets[0] if len(offsets) and offsets[0] else offsets
    else:
        parents = pc.list_parent_indices(arr)
        flat, parents = flat.filter(keep), parents.filter(keep)
        counts = np.bincount(parents.to_numpy(zero_copy_only=False), minlength=len(arr))
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    rebuilt = pa.ListArray.from_arrays(pa.array(offsets), flat)
    return pd.Series(pd.arrays.ArrowExtensionArray(rebuilt), index=values.index, dtype=LIST_DTYPE)


_LIST_NORMALIZERS = {
    "urls": canonical_url,
    "hashtags": normalize_tag,
    "mentions": normalize_tag,
    "media": lambda m: str(m).strip() or None,
}


class _Provenance:
    """Source and 1-based row of each input row, looked up only for rows that are rejected.

    Readers pass them as the hidden ``_source``/``_row`` columns; rows without them come from
    `default_source` at their position (+1). Rows are named by their position in the input,
    which is the index label of the working frame while a table is conformed.
    """

    def __init__(self, frame: pd.DataFrame, default_source: str):
        self.default = default_source
        self.source = frame[SOURCE_COL] if SOURCE_COL in frame else None
        self.row = frame[ROW_COL] if ROW_COL in frame else None

    def sources(self, positions: np.ndarray) -> np.ndarray:
        if self.source is None:
            return np.full(len(positions), self.default, dtype=object)
        return self.source.iloc[positions].fillna(self.default).to_numpy()

    def rows(self, positions: np.ndarray) -> np.ndarray:
        if self.row is None:
            return np.asarray(positions, dtype=np.int64) + 1
        return self.row.iloc[positions].to_numpy()


def _split_provenance(frame: pd.DataFrame, default_source: str) -> tuple[pd.DataFrame, _Provenance]:
    """The input without its provenance columns, indexed by position, and its provenance."""
    frame = frame.reset_index(drop=True)
    prov = _Provenance(frame, default_source)
    hidden = [c for c in (SOURCE_COL, ROW_COL) if c in frame.columns]
    return (frame.drop(columns=hidden) if hidden else frame), prov


class _Rejects:
    """Accumulates reject records while a table is conformed."""

    def __init__(self, table: str, errors: ErrorMode, provenance: _Provenance):
        self.table = table
        self.errors = errors
        self.provenance = provenance
        self.frames: list[pd.DataFrame] = []

    def add(self, rows: pd.DataFrame, mask: pd.Series, *, column: str | None, reason, values=None,
            action: str = "dropped") -> None:
        if not mask.any():
            return
        sub = rows.loc[mask]
        positions = sub.index.to_numpy()
        vals = (values if values is not None else sub[column] if column in sub else None)
        vals = (pd.Series([None] * len(sub), index=sub.index) if vals is None else vals.loc[sub.index])
        reasons = reason.loc[sub.index] if isinstance(reason, pd.Series) else reason
        rec = pd.DataFrame({
            "table": self.table,
            "source": self.provenance.sources(positions),
            "row": self.provenance.rows(positions),
            "column": column,
            "value": vals.astype(str).where(vals.notna(), None).to_numpy(),
            "reason": reasons if isinstance(reasons, str) else reasons.to_numpy(),
            "action": action,
            "post_id": sub["post_id"].to_numpy() if "post_id" in sub else None,
        })
        if self.errors == "raise":
            first = rec.iloc[0]
            raise SchemaError(
                f"{first['source']}, row {first['row']:,}: {first['reason']}",
                source=first["source"], row=int(first["row"]), column=column,
                value=first["value"],
            )
        self.frames.append(rec)

    def frame(self) -> pd.DataFrame:
        if not self.frames:
            return empty_frame(REJECT_COLUMNS)
        out = pd.concat(self.frames, ignore_index=True)
        return out.astype(REJECT_COLUMNS)


def _conform_posts(posts: pd.DataFrame, source: str, errors: ErrorMode) -> tuple[pd.DataFrame, pd.DataFrame]:
    missing = [c for c in REQUIRED_POST_COLUMNS if c not in posts.columns]
    if missing:
        raise SchemaError(
            f"{source}: posts lack the required column(s) {missing}. Expected at least "
            f"{list(REQUIRED_POST_COLUMNS)}; got {list(posts.columns)}. Map your columns with "
            "coordnet.from_frame(df, post_id=..., account_id=..., timestamp=...).",
            source=source, column=missing[0],
        )
    df, provenance = _split_provenance(posts, source)
    rejects = _Rejects("posts", errors, provenance)

    for col in ("post_id", "account_id", "ref_post_id", "ref_account_id"):
        if col in df:
            df[col] = _as_id_strings(df[col], col, source)
    for col in ("post_id", "account_id"):
        bad = df[col].isna()
        if bad.any():
            rejects.add(df, bad, column=col, reason=f"missing {col}")
            df = df.loc[~bad]

    raw_ts = df["timestamp"]
    ts = parse_timestamps(raw_ts)
    bad = ts.isna()
    if bad.any():
        reason = (
            "column 'timestamp' holds " + raw_ts[bad].astype(str).map(repr)
            + ", which is not a timestamp. Expected e.g. '2019-08-19 14:05', ISO 8601 or epoch seconds."
        ).where(raw_ts[bad].notna(), "missing timestamp")
        rejects.add(df, bad, column="timestamp", reason=reason, values=raw_ts)
        df = df.loc[~bad]
        ts = ts.loc[~bad]
    df["timestamp"] = ts

    if "kind" in df:
        kind = pd.Series(pd.Categorical.from_codes(_kind_codes(df["kind"]), dtype=KIND_DTYPE), index=df.index)
        bad = kind.isna()
        rejects.add(df, bad, column="kind",
                    reason=f"unknown kind; expected one of {list(KINDS)} (or retweet, share, forward, comment)")
        if bad.any():
            df, kind = df.loc[~bad], kind.loc[~bad]
        df["kind"] = kind
    else:
        df["kind"] = pd.Categorical.from_codes(np.zeros(len(df), dtype=np.int8), dtype=KIND_DTYPE)

    for col in LIST_COLUMNS:
        if col in df:
            df[col] = _normalize_list_column(df[col], _LIST_NORMALIZERS[col])

    df = _drop_duplicates(df, rejects)

    for col, dtype in POST_COLUMNS.items():
        if col not in df:
            continue
        if col not in LIST_COLUMNS and col != "timestamp":
            if col == "timestamp_precision":
                if df[col].dtype != PRECISION_DTYPE:  # already categorical: nothing to redo
                    df[col] = df[col].astype("string").astype(PRECISION_DTYPE)
            elif col in ("post_id", "account_id", "ref_post_id", "ref_account_id"):
                pass
            else:
                df[col] = df[col].astype(dtype)
    order = _time_then_id_order(df["timestamp"].array.asi8, _arrow_strings(df["post_id"]))
    if order is not None:  # a reordering take is the costliest step: skipped when already sorted
        df = df.take(order)
    df = df.reset_index(drop=True)
    for col, dtype in POST_COLUMNS.items():  # absent columns are all missing: added after the sort
        if col not in df:
            df[col] = _missing_column(dtype, len(df), df.index)
    extras = [c for c in df.columns if c not in POST_COLUMNS]
    return df[list(POST_COLUMNS) + extras], rejects.frame()


def _kind_codes(raw: pd.Series) -> np.ndarray:
    """Codes into :data:`KINDS` of a column of kind spellings: -1 for an unknown kind, a missing
    kind is a post. Maps the few distinct spellings, not every row."""
    codes, uniques = pd.factorize(raw)
    canon = pd.Series(uniques).astype(str).str.strip().str.lower().map(_KIND_SYNONYMS)
    kind_codes = np.append(pd.Categorical(canon, dtype=KIND_DTYPE).codes, KINDS.index("post"))
    return kind_codes[codes]


def _drop_duplicates(df: pd.DataFrame, rejects: _Rejects) -> pd.DataFrame:
    """Posts with distinct ids: an identical repeat is merged, a conflicting one is set aside;
    both are listed, and only a conflicting one raises under errors="raise"."""
    if _surely_distinct(_arrow_strings(df["post_id"])):
        return df
    dup = df.duplicated("post_id", keep="first")
    if not dup.any():
        return df
    comparable = [c for c in ("account_id", "timestamp", "kind", "text", "ref_post_id") if c in df]
    key = pd.util.hash_pandas_object(df[comparable], index=False)
    first = pd.Series(df.index[~dup.to_numpy()], index=df.loc[~dup, "post_id"])  # position by id
    first_key = key.loc[~dup].set_axis(first.index)
    dup_ids = df.loc[dup, "post_id"]
    same = key.loc[dup].to_numpy() == first_key.loc[dup_ids].to_numpy()
    first_rows = rejects.provenance.rows(first.loc[dup_ids].to_numpy()).astype(str)
    reason = pd.Series(
        np.where(same, "duplicate of row ", "conflicting duplicate of row ") + first_rows
        + np.where(same, " (identical; merged)",
                   " (differs in account, time, kind, text or reference; first kept)"),
        index=dup_ids.index,
    )
    identical = pd.Series(False, index=df.index)
    identical.loc[dup_ids.index[same]] = True
    mode, rejects.errors = rejects.errors, "collect"
    rejects.add(df, identical, column="post_id", reason=reason)
    rejects.errors = mode
    rejects.add(df, dup & ~identical, column="post_id", reason=reason)
    return df.loc[~dup]


def _derived_accounts(account_ids: pd.Series) -> pd.DataFrame:
    """One undescribed account per distinct posting account, sorted by id (ids already valid)."""
    ids = pc.unique(_arrow_strings(account_ids))
    ids = ids.take(pc.sort_indices(ids))
    index = pd.RangeIndex(len(ids))
    return pd.DataFrame({col: pd.Series(pd.arrays.ArrowStringArray(ids), index=index)
                         if col == "account_id" else _missing_column(dtype, len(ids), index)
                         for col, dtype in ACCOUNT_COLUMNS.items()})


def _conform_accounts(accounts: pd.DataFrame | None, posts: pd.DataFrame, source: str,
                      errors: ErrorMode) -> tuple[pd.DataFrame, pd.DataFrame]:
    if accounts is None:  # one row per posting account; stays in Arrow, nothing to reject
        return _derived_accounts(posts["account_id"]), empty_frame(REJECT_COLUMNS)
    if "account_id" not in accounts.columns:
        raise SchemaError(
            f"{source}: accounts lack the required column 'account_id'; got {list(accounts.columns)}.",
            source=source, column="account_id",
        )
    df, provenance = _split_provenance(accounts, source)
    rejects = _Rejects("accounts", errors, provenance)
    df["account_id"] = _as_id_strings(df["account_id"], "account_id", source)
    bad = df["account_id"].isna()
    rejects.add(df, bad, column="account_id", reason="missing account_id")
    df = df.loc[~bad]
    if "created_at" in df:
        raw = df["created_at"]
        parsed = parse_timestamps(raw)
        bad = parsed.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        rejects.add(df, bad, column="created_at", action="cleared",
                    reason="column 'created_at' is not a timestamp; account kept, value cleared")
        df["created_at"] = parsed
    for col in ("followers", "following"):
        if col in df:
            num = pd.to_numeric(df[col], errors="coerce")
            bad = num.isna() & df[col].notna() & (df[col].astype(str).str.strip() != "")
            rejects.add(df, bad, column=col, action="cleared",
                        reason=f"column '{col}' is not a whole number; account kept, value cleared")
            df[col] = num.round().astype("Int64")
    for col, dtype in ACCOUNT_COLUMNS.items():
        if col not in df:
            df[col] = _missing_column(dtype, len(df), df.index)
        elif col not in ("account_id", "created_at"):
            df[col] = df[col].astype(dtype)
    # The same account described by several rows (one per tweet in archives): one row, first
    # non-missing value per column.
    if df["account_id"].duplicated().any():
        df = df.groupby("account_id", sort=False, as_index=False).first()
    # Every posting account has a row, described or not (Arrow's is_in: Series.isin on Arrow
    # strings goes through Python objects).
    posting = pc.unique(_arrow_strings(posts["account_id"]))
    known = pc.is_in(posting, value_set=_arrow_strings(df["account_id"]))
    extra = posting.filter(pc.invert(known))
    if len(extra):
        df = pd.concat([df, pd.DataFrame({"account_id": pd.arrays.ArrowStringArray(extra)})],
                       ignore_index=True)
    extras = [c for c in df.columns if c not in ACCOUNT_COLUMNS]
    df = df[list(ACCOUNT_COLUMNS) + extras].astype(ACCOUNT_COLUMNS)
    return df.sort_values("account_id", kind="stable").reset_index(drop=True), rejects.frame()


@dataclass(frozen=True)
class DatasetSummary:
    """What a collection holds, at a glance. ``str()`` gives a readable block."""

    posts: int
    accounts: int
    posting_accounts: int
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    kinds: dict[str, int]
    platforms: dict[str, int]
    top_hashtags: list[tuple[str, int]]
    top_domains: list[tuple[str, int]]
    top_accounts: list[tuple[str, int]]
    timestamp_precision: dict[str, int]
    rejected_rows: int
    reject_reasons: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        span = f"{self.start} .. {self.end}" if self.start is not None else "(empty)"
        lines = [
            f"posts:            {self.posts:,}",
            f"accounts:         {self.accounts:,} ({self.posting_accounts:,} posting)",
            f"time span (UTC):  {span}",
            "kinds:            " + ", ".join(f"{k} {v:,}" for k, v in self.kinds.items()),
        ]
        if self.platforms:
            lines.append("platforms:        " + ", ".join(f"{k} {v:,}" for k, v in self.platforms.items()))
        if self.timestamp_precision:
            lines.append("time precision:   " + ", ".join(f"{k} {v:,}" for k, v in self.timestamp_precision.items()))
        for title, items in (("top hashtags", self.top_hashtags), ("top domains", self.top_domains),
                             ("most active", self.top_accounts)):
            if items:
                lines.append(f"{title + ':':<18}" + ", ".join(f"{k} ({v:,})" for k, v in items))
        lines.append(f"rejected rows:    {self.rejected_rows:,}")
        for reason, n in self.reject_reasons.items():
            lines.append(f"  {n:>8,}  {reason}")
        return "\n".join(lines)


class Dataset:
    """A validated collection of posts and accounts in coordnet's canonical form.

    Parameters
    ----------
    posts : DataFrame
        At least ``post_id``, ``account_id``, ``timestamp``; any canonical column of
        :data:`coordnet.schema.POST_COLUMNS` it has is validated and normalized, the others are
        added empty, and columns beyond those are kept.
    accounts : DataFrame, optional
        At least ``account_id``. Accounts that post but are not described get a row of missing
        values; several rows for one account are merged (first non-missing value per column).
    source : str, default="posts"
        Name used in error messages and rejects when rows carry no file of their own.
    errors : {"collect", "raise"}, default="collect"
        What to do with a row that cannot be used: set it aside in :attr:`rejects`, or raise
        :class:`~coordnet.errors.SchemaError` at the first one. A missing required column always
        raises.
    rejects : DataFrame, optional
        Rejects already recorded by a reader (rows that never made it to a table); kept in front.

    Attributes
    ----------
    posts : DataFrame
        Sorted by ``timestamp`` then ``post_id``; dtypes of :data:`coordnet.schema.POST_COLUMNS`.
    accounts : DataFrame
        Sorted by ``account_id``; dtypes of :data:`coordnet.schema.ACCOUNT_COLUMNS`.
    rejects : DataFrame
        One row per input problem: ``table, source, row, column, value, reason, action, post_id``;
        ``action`` is "dropped" (row not kept) or "cleared" (row kept, value set missing).

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({
    ...     "post_id": ["001", "002", "003"],
    ...     "account_id": ["a", "b", "a"],
    ...     "timestamp": ["2019-08-19 14:05", "2019-08-19T14:06:00Z", "not a time"],
    ...     "hashtags": [["#HK"], [], ["hk", "News"]],
    ... })
    >>> ds = Dataset(posts)
    >>> ds.posts[["post_id", "account_id", "hashtags"]]
      post_id account_id hashtags
    0     001          a   ['hk']
    1     002          b       []
    >>> ds.rejects[["row", "column", "action"]]
       row     column   action
    0    3  timestamp  dropped
    """

    def __init__(
        self,
        posts: pd.DataFrame,
        accounts: pd.DataFrame | None = None,
        *,
        source: str = "posts",
        errors: ErrorMode = "collect",
        rejects: pd.DataFrame | None = None,
    ):
        if errors not in ("collect", "raise"):
            raise ParameterError(
                f"The 'errors' parameter of Dataset must be 'collect' or 'raise'. Got {errors!r} instead.",
                name="errors", value=errors,
            )
        if not isinstance(posts, pd.DataFrame):
            raise ParameterError(
                f"Dataset expects posts as a pandas DataFrame. Got {type(posts).__name__} instead.",
                name="posts", value=posts,
            )
        p, prej = _conform_posts(posts, source, errors)
        a, arej = _conform_accounts(accounts, p, source, errors)
        prior = [rejects.astype(REJECT_COLUMNS)] if rejects is not None and len(rejects) else []
        rej = pd.concat(prior + [f for f in (prej, arej) if len(f)], ignore_index=True) \
            if (prior or len(prej) or len(arej)) else empty_frame(REJECT_COLUMNS)
        self._set(p, a, rej.astype(REJECT_COLUMNS))
        n_drop = int((rej["action"] == "dropped").sum())
        if n_drop:
            logger.warning("%s: %d row(s) set aside; see Dataset.rejects", source, n_drop)

    def _set(self, posts, accounts, rejects) -> None:
        self._posts = posts
        self._accounts = accounts
        self._rejects = rejects

    @classmethod
    def _trusted(cls, posts: pd.DataFrame, accounts: pd.DataFrame, rejects: pd.DataFrame) -> Dataset:
        """Build without validation, from tables that already hold the contract (views, loads)."""
        obj = cls.__new__(cls)
        obj._set(posts, accounts, rejects)
        return obj

    # -- tables ---------------------------------------------------------------------------------
    @property
    def posts(self) -> pd.DataFrame:
        """Posts in canonical form (see :data:`coordnet.schema.POST_COLUMNS`)."""
        return self._posts

    @property
    def accounts(self) -> pd.DataFrame:
        """Accounts in canonical form (see :data:`coordnet.schema.ACCOUNT_COLUMNS`)."""
        return self._accounts

    @property
    def rejects(self) -> pd.DataFrame:
        """Input rows (or values) not kept, with source, row and reason."""
        return self._rejects

    def __len__(self) -> int:
        return len(self._posts)

    def __repr__(self) -> str:
        if len(self._posts):
            span = f"{self._posts['timestamp'].iloc[0]:%Y-%m-%d} .. {self._posts['timestamp'].iloc[-1]:%Y-%m-%d}"
        else:
            span = "empty"
        return (f"<Dataset: {len(self._posts):,} posts, {len(self._accounts):,} accounts, {span}, "
                f"{len(self._rejects):,} rejects>")

    def _repr_html_(self) -> str:
        import html

        s = self.summary()
        return (f"<p><b>coordnet Dataset</b></p><pre>{html.escape(str(s))}</pre>"
                + self._posts.head(5)._repr_html_())

    # -- derived views --------------------------------------------------------------------------
    def entities(self, column: str) -> pd.DataFrame:
        """Long table of one list column: one row per (post, value).

        Parameters
        ----------
        column : {"urls", "hashtags", "mentions", "media", "domains", "registered_domains"}
            ``domains`` and ``registered_domains`` are derived from ``urls``.

        Returns
        -------
        DataFrame
            ``post_id, account_id, timestamp, value`` (value as string), in post order.

        Examples
        --------
        >>> import pandas as pd
        >>> ds = Dataset(pd.DataFrame({"post_id": ["1", "2"], "account_id": ["a", "b"],
        ...     "timestamp": [0, 60], "urls": [["https://www.news.bbc.co.uk/x?utm_source=t"], []]}))
        >>> ds.entities("registered_domains")
          post_id account_id                 timestamp     value
        0       1          a 1970-01-01 00:00:00+00:00    bbc.co.uk
        """
        base = {"domains": "urls", "registered_domains": "urls"}.get(column, column)
        if base not in LIST_COLUMNS:
            raise ParameterError(
                f"The 'column' parameter of Dataset.entities must be one of "
                f"{list(LIST_COLUMNS) + ['domains', 'registered_domains']}. Got {column!r} instead.",
                name="column", value=column,
            )
        arr = pa.array(self._posts[base].array._pa_array.combine_chunks()) \
            if len(self._posts) else pa.array([], pa.list_(pa.string()))
        flat = pc.list_flatten(arr)
        parents = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False)
        values = pd.Series(pd.arrays.ArrowExtensionArray(flat)).astype(STRING_DTYPE)
        if column != base:
            from .normalize import domain_of

            fn = domain_of if column == "domains" else registered_domain_of
            uniques = pd.unique(values.dropna().to_numpy(dtype=object))
            values = values.map({u: fn(u) for u in uniques}).astype(STRING_DTYPE)
        p = self._posts
        out = pd.DataFrame({
            "post_id": p["post_id"].to_numpy()[parents],
            "account_id": p["account_id"].to_numpy()[parents],
            "timestamp": p["timestamp"].iloc[parents].to_numpy(),
            "value": values.to_numpy(),
        })
        out = out.astype({"post_id": STRING_DTYPE, "account_id": STRING_DTYPE,
                          "timestamp": TIMESTAMP_DTYPE, "value": STRING_DTYPE})
        return out.loc[out["value"].notna()].reset_index(drop=True)

    def filter(
        self,
        *,
        start: str | pd.Timestamp | None = None,
        end: str | pd.Timestamp | None = None,
        accounts: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
    ) -> Dataset:
        """Posts in ``[start, end)``, by the given accounts, of the given kinds.

        Accounts are restricted to those that still post (plus, with `accounts`, the ones named).
        Rejects are carried over unchanged.

        Examples
        --------
        >>> import pandas as pd
        >>> ds = Dataset(pd.DataFrame({"post_id": ["1", "2", "3"], "account_id": ["a", "b", "a"],
        ...     "timestamp": ["2020-01-01", "2020-01-02", "2020-01-03"]}))
        >>> len(ds.filter(start="2020-01-02")), len(ds.filter(accounts=["a"]))
        (2, 2)
        """
        p = self._posts
        mask = pd.Series(True, index=p.index)
        if start is not None:
            mask &= p["timestamp"] >= _utc(start, "start")
        if end is not None:
            mask &= p["timestamp"] < _utc(end, "end")
        if accounts is not None:
            wanted = pd.Index([str(a) for a in ([accounts] if isinstance(accounts, str) else accounts)])
            mask &= p["account_id"].isin(wanted)
        if kinds is not None:
            kinds = [kinds] if isinstance(kinds, str) else list(kinds)
            unknown = sorted(set(kinds) - set(KINDS))
            if unknown:
                raise ParameterError(
                    f"The 'kinds' parameter of Dataset.filter takes values from {list(KINDS)}. "
                    f"Got {unknown} instead.", name="kinds", value=kinds,
                )
            mask &= p["kind"].isin(kinds)
        posts = p.loc[mask].reset_index(drop=True)
        keep = self._accounts["account_id"].isin(posts["account_id"].unique())
        if accounts is not None:
            keep |= self._accounts["account_id"].isin(wanted)
        return Dataset._trusted(posts, self._accounts.loc[keep].reset_index(drop=True), self._rejects)

    def summary(self, top: int = 5) -> DatasetSummary:
        """Counts, time span, kinds, top hashtags, domains and accounts, and rejects.

        Examples
        --------
        >>> import pandas as pd
        >>> ds = Dataset(pd.DataFrame({"post_id": ["1", "2"], "account_id": ["a", "b"],
        ...     "timestamp": [0, 60], "hashtags": [["HK"], ["hk"]]}))
        >>> ds.summary().top_hashtags
        [('hk', 2)]
        """
        p = self._posts

        def top_counts(values: pd.Series) -> list[tuple[str, int]]:
            vc = values.value_counts()
            vc = vc.iloc[np.lexsort((vc.index.astype(str), -vc.to_numpy()))].head(top)
            return [(str(k), int(v)) for k, v in vc.items()]

        kinds = p["kind"].value_counts(sort=False)
        platforms = p["platform"].dropna().value_counts()
        precision = p["timestamp_precision"].value_counts(sort=False)
        reasons = self._rejects["reason"].str.replace(r"\d[\d,]*", "N", regex=True).value_counts()
        return DatasetSummary(
            posts=len(p),
            accounts=len(self._accounts),
            posting_accounts=int(p["account_id"].nunique()),
            start=p["timestamp"].min() if len(p) else None,
            end=p["timestamp"].max() if len(p) else None,
            kinds={str(k): int(v) for k, v in kinds.items()},
            platforms={str(k): int(v) for k, v in platforms.items()},
            top_hashtags=top_counts(self.entities("hashtags")["value"]),
            top_domains=top_counts(self.entities("registered_domains")["value"]),
            top_accounts=top_counts(p["account_id"]),
            timestamp_precision={str(k): int(v) for k, v in precision.items() if v},
            rejected_rows=int((self._rejects["action"] == "dropped").sum()),
            reject_reasons={str(k): int(v) for k, v in reasons.head(10).items()},
        )

    # -- persistence ----------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Save as a folder of Parquet files (``posts``, ``accounts``, ``rejects``), parsed once.

        Examples
        --------
        >>> import pandas as pd, tempfile
        >>> ds = Dataset(pd.DataFrame({"post_id": ["007"], "account_id": ["a"], "timestamp": [0]}))
        >>> with tempfile.TemporaryDirectory() as d:
        ...     back = Dataset.load(ds.save(d + "/hk"))
        >>> back.posts.equals(ds.posts)
        True
        """
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self._posts.to_parquet(path / "posts.parquet", index=False)
        self._accounts.to_parquet(path / "accounts.parquet", index=False)
        self._rejects.to_parquet(path / "rejects.parquet", index=False)
        from . import __version__

        (path / "coordnet.json").write_text(json.dumps({"format": "coordnet-dataset", "version": 1,
                                                        "coordnet": __version__}))
        return path

    @classmethod
    def load(cls, path: str | Path) -> Dataset:
        """Load a folder written by :meth:`save`."""
        path = Path(path)
        meta = path / "coordnet.json"
        if not meta.exists():
            from .errors import ReadError

            raise ReadError(f"{path}: not a saved coordnet Dataset (no coordnet.json); "
                            "expected a folder written by Dataset.save().", source=str(path))
        posts = _read_parquet(path / "posts.parquet", POST_COLUMNS)
        accounts = _read_parquet(path / "accounts.parquet", ACCOUNT_COLUMNS)
        rejects = _read_parquet(path / "rejects.parquet", REJECT_COLUMNS)
        return cls._trusted(posts, accounts, rejects)


def _read_parquet(path: Path, columns: dict[str, object]) -> pd.DataFrame:
    """A Parquet file back into canonical dtypes (list columns stay Arrow lists, zero-copy)."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    lists = [c for c in table.column_names if columns.get(c) is LIST_DTYPE]
    df = table.drop_columns(lists).to_pandas(ignore_metadata=True)
    for c in lists:
        df[c] = pd.Series(pd.arrays.ArrowExtensionArray(table.column(c)), dtype=LIST_DTYPE)
    df = df[table.column_names]
    return df.astype({c: d for c, d in columns.items() if c in df and d is not LIST_DTYPE})


def _utc(value, name: str) -> pd.Timestamp:
    ts = parse_timestamps(pd.Series([value]))
    if ts.isna().iloc[0]:
        raise ParameterError(f"The '{name}' parameter must be a timestamp, e.g. '2019-08-19' or "
                             f"'2019-08-19T14:05Z'. Got {value!r} instead.", name=name, value=value)
    return ts.iloc[0]


def concat(datasets: Sequence[Dataset], *, errors: ErrorMode = "collect") -> Dataset:
    """Combine datasets (for example one per file) into one, re-checking duplicates across them.

    A post present in two inputs is kept once and listed in rejects; accounts described in several
    inputs are merged. Rejects of the inputs are carried over.

    Examples
    --------
    >>> import pandas as pd
    >>> a = Dataset(pd.DataFrame({"post_id": ["1"], "account_id": ["x"], "timestamp": [0]}))
    >>> b = Dataset(pd.DataFrame({"post_id": ["1", "2"], "account_id": ["x", "y"], "timestamp": [0, 5]}))
    >>> both = concat([a, b])
    >>> len(both), both.rejects["reason"].tolist()
    (2, ['duplicate of row 1 (identical; merged)'])
    """
    datasets = list(datasets)
    if not datasets:
        raise ParameterError("concat needs at least one Dataset. Got none.", name="datasets", value=datasets)
    if len(datasets) == 1:
        return datasets[0]
    posts = []
    for i, d in enumerate(datasets):
        p = d.posts.copy()
        p[SOURCE_COL] = f"dataset {i}"
        p[ROW_COL] = np.arange(1, len(p) + 1)
        posts.append(p)
    accounts = pd.concat([d.accounts for d in datasets], ignore_index=True)
    prior = pd.concat([d.rejects for d in datasets], ignore_index=True)
    return Dataset(pd.concat(posts, ignore_index=True), accounts, source="concat", errors=errors,
                   rejects=prior)
