"""The generic, column-mapped reader: any table of posts, given which column holds what.

:func:`from_frame` maps the columns of a DataFrame onto the canonical post columns of
:mod:`coordnet.schema` and builds a validated :class:`~coordnet.dataset.Dataset`;
:func:`read_table` reads CSV, TSV (plain, ``.gz`` or inside a ``.zip``) or Parquet files first.
Named layouts of known tools are kept in :data:`PRESETS` (``preset="coortweet"``).

Two layouts are understood:

- one row per post (the usual one);
- one row per (post, object) pair, as CooRTweet writes: a post id repeats, with a different URL,
  hashtag or image on each row. ``group_by_post=True`` folds such rows into one post whose list
  columns hold every object of the post (order of first appearance, without repeats).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..dataset import (
    _LIST_NORMALIZERS,
    ROW_COL,
    SOURCE_COL,
    Dataset,
    _as_id_strings,
    _normalize_list_column,
)
from ..errors import ParameterError, ReadError, SchemaError
from ..normalize import parse_list_cells, parse_timestamps
from ..schema import LIST_COLUMNS, LIST_DTYPE, POST_COLUMNS, PRECISIONS, STRING_DTYPE
from ._common import (
    ErrorMode,
    Paths,
    check_errors,
    concat_rejects,
    expand_paths,
    read_csv_text,
    reject_records,
)

logger = logging.getLogger(__name__)

__all__ = ["PRESETS", "from_frame", "read_table"]

ColumnSpec = str | Sequence[str] | None

#: Named column mappings of known tools: each is a dict of :func:`from_frame` keywords.
#:
#: ``"coortweet"``
#:     CooRTweet's canonical table ``object_id, account_id, content_id, timestamp_share``: one
#:     row per (share, object). ``content_id`` is the post, ``timestamp_share`` POSIX seconds and
#:     ``object_id`` what was shared; by default a retweeted post (``object_as="repost"``: the post
#:     becomes a repost with ``ref_post_id`` = the object), overridable with ``object_as``. Every
#:     object of a post is also kept, as given, in the list column ``object_ids``.
#: ``"coortweet-multimodal"``
#:     The layout of CooRTweet's ``german_elections`` data, ``account_id, post_id, url_id,
#:     hashtag_id, domain_id, phash_id, timestamp``: one row per (post, object). URL ids go to
#:     ``urls``, hashtag ids to ``hashtags``, image perceptual-hash ids to ``media``, domain ids to
#:     the extra list column ``domain_ids``; ``platform`` comes from the account prefix
#:     (``fb_`` = facebook, ``tw_`` = twitter).
PRESETS: dict[str, dict[str, object]] = {
    "coortweet": {
        "post_id": "content_id",
        "account_id": "account_id",
        "timestamp": "timestamp_share",
        "objects": "object_id",
        "object_as": "repost",
        "group_by_post": True,
        "precision": "s",
    },
    "coortweet-multimodal": {
        "post_id": "post_id",
        "account_id": "account_id",
        "timestamp": "timestamp",
        "urls": "url_id",
        "hashtags": "hashtag_id",
        "media": "phash_id",
        "domain_ids": ("domain_id",),
        "group_by_post": True,
        "precision": "s",
        "platform_prefixes": (("fb_", "facebook"), ("tw_", "twitter")),
    },
}

#: Where ``object_as`` sends the objects (besides the ``object_ids`` list column).
_OBJECT_TARGETS = {"url": "urls", "hashtag": "hashtags", "media": "media", "mention": "mentions"}

_SCALAR_CANONICAL = ("post_id", "account_id", "timestamp", "text", "kind", "ref_post_id",
                     "ref_account_id", "lang", "client", "platform", "timestamp_precision")

#: Keyword defaults of from_frame: a keyword still at its default takes a preset's value.
_DEFAULTS: dict[str, object] = {
    "post_id": None, "account_id": "account_id", "timestamp": "timestamp", "text": None,
    "kind": None, "ref_post_id": None, "ref_account_id": None, "urls": None, "hashtags": None,
    "mentions": None, "media": None, "lang": None, "client": None, "platform": None,
    "group_by_post": False, "objects": None, "object_as": "repost", "precision": None,
    "platform_prefixes": None,
}

#: Keywords of from_frame that are not column mappings.
_OTHER_KEYS = ("preset", "accounts", "errors", "source")


def from_frame(
    df: pd.DataFrame,
    *,
    post_id: str | None = None,
    account_id: str = "account_id",
    timestamp: str = "timestamp",
    text: str | None = None,
    kind: str | None = None,
    ref_post_id: str | None = None,
    ref_account_id: str | None = None,
    urls: ColumnSpec = None,
    hashtags: ColumnSpec = None,
    mentions: ColumnSpec = None,
    media: ColumnSpec = None,
    lang: str | None = None,
    client: str | None = None,
    platform: str | None = None,
    preset: str | None = None,
    accounts: pd.DataFrame | None = None,
    errors: ErrorMode = "collect",
    source: str = "frame",
    group_by_post: bool = False,
    objects: ColumnSpec = None,
    object_as: str = "repost",
    precision: str | None = None,
    platform_prefixes: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    **extra_mapping: ColumnSpec,
) -> Dataset:
    """Build a :class:`~coordnet.dataset.Dataset` from a DataFrame, naming which column holds what.

    Each keyword from `post_id` to `platform` names the source column of that canonical column.
    A keyword left at ``None`` takes the column of the canonical name when `df` has one. The
    mapping is checked when called: a named column that `df` lacks raises
    :class:`~coordnet.errors.SchemaError` naming it and listing the columns present. Columns not
    mapped are kept under their own names (one whose name is a canonical column's is kept as
    ``source_<name>``). Rows that cannot be used are set aside in ``Dataset.rejects`` with their
    row (see :class:`~coordnet.dataset.Dataset`).

    Parameters
    ----------
    df : DataFrame
        The source table. Ids may be strings or integers (floats that lost digits are refused).
    post_id : str, optional
        Column of post ids. When `df` has neither this nor a ``post_id`` column, ids are made from
        the row: ``"<source>:<row>"`` with the 1-based row number (``"frame:1"``, ``"frame:2"``;
        for :func:`read_table`, ``"posts.csv:12"``, the file name and data row). Such ids are
        stable for the same input, and unique as long as file names are.
    account_id, timestamp : str, default="account_id", "timestamp"
        Required columns. Timestamps may mix formats (see
        :func:`coordnet.normalize.parse_timestamps`): ISO 8601, epoch seconds or milliseconds...
    text, kind, ref_post_id, ref_account_id, lang, client, platform : str, optional
        One column each. `kind` values may be synonyms (retweet, share, comment...).
    urls, hashtags, mentions, media : str or list of str, optional
        List-valued columns. A source column may hold lists, list-like strings
        (``"['a', 'b']"``, ``"[a, b]"``; see :func:`coordnet.normalize.parse_list_cells`; a column
        is read so when any of its cells starts with ``[``), or one value per row (a scalar
        string or number column). Several source columns feed one list
        (``urls=["url", "expanded_url"]``): their values are joined per row, without repeats.
    preset : str, optional
        A key of :data:`PRESETS` (``"coortweet"``, ``"coortweet-multimodal"``). Keywords given
        explicitly (different from their defaults) override the preset's.
    accounts : DataFrame, optional
        Account descriptions (at least ``account_id``), passed to the Dataset.
    errors : {"collect", "raise"}, default="collect"
        Set unusable rows aside in rejects, or raise :class:`~coordnet.errors.SchemaError` at the
        first one.
    source : str, default="frame"
        Name of the input in rejects and messages (rows of :func:`read_table` carry their file).
    group_by_post : bool, default=False
        The input has one row per (post, object) pair: fold the rows of each post into one post.
        List columns join the rows' values in order of first appearance, without repeats; other
        columns take the first non-missing value. Rows of one post that disagree with its first
        row on account or timestamp are a real conflict: they are dropped and listed in rejects
        (or raise, with ``errors="raise"``). Rows without a usable post id, account or timestamp
        are not grouped and are rejected as usual.
    objects : str or list of str, optional
        Column(s) holding what each row shares (CooRTweet's ``object_id``). The objects of each
        post are kept as a list column ``object_ids`` and also sent where `object_as` says.
    object_as : str, default="repost"
        Where `objects` go: ``"repost"`` (the post is a repost of the object: ``kind="repost"``,
        ``ref_post_id`` = the post's first object; posts without an object stay ``"post"``),
        ``"url"``, ``"hashtag"``, ``"media"``, ``"mention"`` (appended to that list column), or
        any other name: the list column that holds the objects instead of ``object_ids``.
    precision : {"ms", "s", "min"}, optional
        Precision of every timestamp, stored in ``timestamp_precision``.
    platform_prefixes : mapping or pairs of (prefix, platform), optional
        Fill ``platform`` from the start of ``account_id`` (``{"fb_": "facebook"}``) where the
        platform is missing.
    **extra_mapping : str or list of str
        Further output columns: ``name="source_column"`` copies a column under a new name,
        ``name=["col_a", "col_b"]`` makes a list column (as for `urls`, without normalization
        beyond stripping white space).

    Returns
    -------
    Dataset

    Raises
    ------
    SchemaError
        A named column is not in `df`, or (``errors="raise"``) a row cannot be used.
    ParameterError
        A keyword has a value of the wrong kind, or `preset` is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "id": ["007", "008", "009"],
    ...     "user": ["a", "b", "a"],
    ...     "created": ["2019-08-19 14:05", "1566223560", "2019-08-19T14:07:00Z"],
    ...     "link": ["https://WWW.x.com/a/", None, "x.com/b"],
    ...     "tags": ["['HK', 'news']", "[]", "['hk']"],
    ... })
    >>> ds = from_frame(df, post_id="id", account_id="user", timestamp="created",
    ...                 urls="link", hashtags="tags")
    >>> ds.posts[["post_id", "account_id", "urls", "hashtags"]]
      post_id account_id                  urls        hashtags
    0     007          a  ['https://x.com/a']  ['hk' 'news']
    1     008          b                    []              []
    2     009          a     ['http://x.com/b']        ['hk']

    Rows per (post, object), as CooRTweet writes them, folded into posts:

    >>> shares = pd.DataFrame({"post": ["1", "1", "2"], "who": ["a", "a", "b"],
    ...                        "t": [1629589836, 1629589836, 1629589900],
    ...                        "url": ["11", "12", "11"]})
    >>> ds = from_frame(shares, post_id="post", account_id="who", timestamp="t", urls="url",
    ...                 group_by_post=True)
    >>> ds.posts[["post_id", "urls"]]
      post_id          urls
    0       1  ['11' '12']
    1       2        ['11']
    """
    given = dict(
        post_id=post_id, account_id=account_id, timestamp=timestamp, text=text, kind=kind,
        ref_post_id=ref_post_id, ref_account_id=ref_account_id, urls=urls, hashtags=hashtags,
        mentions=mentions, media=media, lang=lang, client=client, platform=platform,
        group_by_post=group_by_post, objects=objects, object_as=object_as, precision=precision,
        platform_prefixes=platform_prefixes,
    )
    return _from_frame(df, given, extra_mapping, preset=preset, accounts=accounts, errors=errors,
                       source=source, prior_rejects=None)


def read_table(
    paths: Paths,
    *,
    format: Literal["csv", "tsv", "parquet"] | None = None,
    **mapping,
) -> Dataset:
    """Read CSV, TSV or Parquet files of posts and map their columns with :func:`from_frame`.

    CSV and TSV files may be plain, gzipped (``.csv.gz``) or inside a ``.zip``; every column is
    read as text, so ids keep their leading zeros and digits beyond 2^53. Parquet keeps its types
    (integers are read as nullable integers, so ids stay exact). Several files (paths, globs or
    folders) are read at once; every reject names its file and 1-based data row.

    Parameters
    ----------
    paths : str, Path or list of them
        Files, globs (``"data/*.csv"``) or folders.
    format : {"csv", "tsv", "parquet"}, optional
        Forced format; by default from each file's extension (``.parquet``/``.pq`` is Parquet,
        ``.tsv``/``.tsv.gz`` TSV, anything else CSV).
    **mapping
        Keywords of :func:`from_frame`: the column mapping, ``preset``, ``errors``, ...

    Returns
    -------
    Dataset

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "shares.csv"
    ...     _ = p.write_text("object_id,account_id,content_id,timestamp_share\\n"
    ...                      "0042,a,9007199254740993,1623881091\\n"
    ...                      "0042,b,9007199254740994,1623881095\\n")
    ...     ds = read_table(p, preset="coortweet")
    >>> ds.posts[["post_id", "account_id", "kind", "ref_post_id"]]
                post_id account_id    kind ref_post_id
    0  9007199254740993          a  repost        0042
    1  9007199254740994          b  repost        0042
    """
    if format not in (None, "csv", "tsv", "parquet"):
        raise ParameterError(
            f"The 'format' parameter of read_table must be 'csv', 'tsv', 'parquet' or None (from the "
            f"extension). Got {format!r} instead.", name="format", value=format,
        )
    errors = mapping.get("errors", "collect")
    check_errors(errors, "read_table")
    files = expand_paths(paths, reader="read_table")
    frames, rejects = [], []
    for path in files:
        fmt = format or _format_of(path)
        if fmt == "parquet":
            df = _read_parquet(path)
        else:
            df, rej = read_csv_text(path, errors=errors, reader="read_table",
                                    delimiter="\t" if fmt == "tsv" else ",")
            rejects.append(rej)
        # Check the mapping against each file, so that a file lacking a column is named.
        _resolve(df, {**_DEFAULTS, **{k: v for k, v in mapping.items() if k in _DEFAULTS}},
                 {k: v for k, v in mapping.items() if k not in _DEFAULTS and k not in _OTHER_KEYS},
                 mapping.get("preset"), str(path))
        logger.info("%s: %d row(s) read", path, len(df))
        frames.append(df)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    preset = mapping.pop("preset", None)
    accounts = mapping.pop("accounts", None)
    mapping.pop("errors", None)
    source = mapping.pop("source", str(files[0]) if len(files) == 1 else "read_table")
    given = {k: mapping.pop(k) for k in list(mapping) if k in _DEFAULTS}
    given = {**_DEFAULTS, **given}
    return _from_frame(df, given, mapping, preset=preset, accounts=accounts, errors=errors,
                       source=source, prior_rejects=concat_rejects(rejects))


# ---------------------------------------------------------------------------------------------
# Implementation
# ---------------------------------------------------------------------------------------------


def _format_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".tsv", ".tsv.gz", ".tab")):
        return "tsv"
    return "csv"


def _parquet_types(t: pa.DataType):
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return STRING_DTYPE
    if pa.types.is_integer(t):
        # Nullable integers: a missing value must not turn a column of 19-digit ids into floats.
        return pd.ArrowDtype(t) if pa.types.is_unsigned_integer(t) and t.bit_width == 64 \
            else pd.api.types.pandas_dtype(str(t).replace("int", "Int").replace("uInt", "UInt"))
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return pd.ArrowDtype(t)
    return None


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ReadError(f"{path}: cannot be read as Parquet: {exc}", source=str(path)) from exc
    df = table.to_pandas(types_mapper=_parquet_types, ignore_metadata=True)
    df[SOURCE_COL] = str(path)
    df[ROW_COL] = np.arange(1, len(df) + 1)
    return df


def _is_spec(value) -> bool:
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(
        isinstance(v, str) and v for v in value)


def _columns(spec) -> list[str]:
    return [spec] if isinstance(spec, str) else list(spec)


def _resolve(df: pd.DataFrame, given: dict, extra: dict, preset: str | None, source: str) -> dict:
    """Merge preset and keywords, check the kinds of the values and that every column exists."""
    if preset is not None:
        if preset not in PRESETS:
            raise ParameterError(
                f"The 'preset' parameter must be one of {sorted(PRESETS)}. Got {preset!r} instead.",
                name="preset", value=preset,
            )
        conf = dict(PRESETS[preset])
        for key in list(conf):
            if key in _DEFAULTS:
                if given[key] == _DEFAULTS[key]:
                    given[key] = conf[key]
            elif key not in extra:
                extra[key] = conf[key]
    spec = dict(given)
    where = f"{source}: " if source else ""

    for flag in ("group_by_post",):
        if not isinstance(spec[flag], (bool, np.bool_)):
            raise ParameterError(f"The '{flag}' parameter must be True or False. Got {spec[flag]!r} "
                                 "instead.", name=flag, value=spec[flag])
    if spec["precision"] is not None and spec["precision"] not in PRECISIONS:
        raise ParameterError(
            f"The 'precision' parameter must be one of {list(PRECISIONS)} or None. Got "
            f"{spec['precision']!r} instead.", name="precision", value=spec["precision"],
        )
    prefixes = spec["platform_prefixes"]
    if prefixes is not None:
        try:
            pairs = list(prefixes.items()) if isinstance(prefixes, Mapping) else [tuple(p) for p in prefixes]
            ok = all(len(p) == 2 and all(isinstance(x, str) and x for x in p) for p in pairs)
        except TypeError:
            ok = False
        if not ok:
            raise ParameterError(
                "The 'platform_prefixes' parameter must map account-id prefixes to platform names, "
                f"e.g. {{'fb_': 'facebook', 'tw_': 'twitter'}}. Got {prefixes!r} instead.",
                name="platform_prefixes", value=prefixes,
            )
        spec["platform_prefixes"] = pairs

    # Column names: scalar canonical columns take one column, list columns one or several.
    for key in _SCALAR_CANONICAL:
        val = spec.get(key)
        if val is not None and not (isinstance(val, str) and val):
            raise ParameterError(
                f"The '{key}' parameter of from_frame names one source column (a string). Got "
                f"{val!r} instead.", name=key, value=val,
            )
    for key in (*LIST_COLUMNS, "objects"):
        val = spec[key]
        if val is not None and not _is_spec(val):
            raise ParameterError(
                f"The '{key}' parameter of from_frame names a source column or a list of them. Got "
                f"{val!r} instead.", name=key, value=val,
            )
    for key, val in extra.items():
        if key.startswith("_") or not _is_spec(val):
            raise ParameterError(
                f"from_frame got an unknown keyword {key!r}={val!r}. Extra keywords name output "
                "columns and take a source column (or a list of them, for a list column), e.g. "
                "retweets='rt_count'; the canonical keywords are "
                f"{[k for k in _DEFAULTS if k not in ('platform_prefixes',)]}.",
                name=key, value=val,
            )

    objects, object_as = spec["objects"], spec["object_as"]
    if not isinstance(object_as, str) or not object_as or object_as.startswith("_"):
        raise ParameterError(
            "The 'object_as' parameter must be 'repost', 'url', 'hashtag', 'media', 'mention' or the "
            f"name of a list column. Got {object_as!r} instead.", name="object_as", value=object_as,
        )
    if objects is None and object_as != "repost":
        raise ParameterError(
            f"The 'object_as' parameter ({object_as!r}) says where shared objects go, but no "
            "'objects' column was named. Pass objects='object_id' (or preset='coortweet').",
            name="object_as", value=object_as,
        )
    if objects is not None and object_as in POST_COLUMNS and object_as not in _OBJECT_TARGETS:
        raise ParameterError(
            f"The 'object_as' parameter names the canonical column {object_as!r}; use one of "
            "'repost', 'url', 'hashtag', 'media', 'mention' or a new column name.",
            name="object_as", value=object_as,
        )
    if objects is not None and object_as == "repost":
        for key in ("kind", "ref_post_id"):
            if spec[key] is not None:
                raise ParameterError(
                    f"object_as='repost' makes '{key}' from the objects, so '{key}' cannot also be "
                    f"mapped (got {key}={spec[key]!r}). Choose another object_as or drop the mapping.",
                    name=key, value=spec[key],
                )

    # Check columns named explicitly; then fill unnamed canonical keywords from same-name columns.
    missing = []
    for key, val in [*((k, spec[k]) for k in (*_SCALAR_CANONICAL, *LIST_COLUMNS, "objects")
                       if k in spec), *extra.items()]:
        if val is None:
            continue
        for col in _columns(val):
            if col not in df.columns:
                missing.append((key, col))
    if missing:
        named = ", ".join(f"{col!r} (for {key})" for key, col in missing)
        present = [c for c in df.columns if c not in (SOURCE_COL, ROW_COL)]
        raise SchemaError(
            f"{where}the column mapping names column(s) the table does not have: {named}. Columns "
            f"present: {present}.", source=source, column=missing[0][1],
        )
    repost = objects is not None and object_as == "repost"
    for key in (*_SCALAR_CANONICAL, *LIST_COLUMNS):
        if spec.get(key) is None and key in df.columns and not (repost and key in ("kind", "ref_post_id")):
            spec[key] = key
    spec["extra"] = extra
    return spec


def _list_array(values: pd.Series, column: str, source: str) -> pa.Array:
    """One source column as a list<string> array: lists, list-like strings or one value per row."""
    dtype = values.dtype
    if isinstance(dtype, pd.ArrowDtype) and (pa.types.is_list(dtype.pyarrow_dtype)
                                             or pa.types.is_large_list(dtype.pyarrow_dtype)):
        arr = values.array._pa_array.combine_chunks()
        return pc.cast(arr, pa.list_(pa.string()))
    if pd.api.types.is_bool_dtype(dtype):
        scalars = values.astype(STRING_DTYPE)
    elif pd.api.types.is_float_dtype(dtype):
        finite = values.dropna()
        if len(finite) and (finite % 1 == 0).all():
            scalars = _as_id_strings(values, column, source)
        else:
            scalars = values.astype(STRING_DTYPE)
    elif pd.api.types.is_numeric_dtype(dtype):
        scalars = values.astype(STRING_DTYPE)
    else:
        present = values.dropna()
        if dtype is np.dtype(object) and len(present) and present.map(
                lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            return pa.array(parse_list_cells(values).tolist(), type=pa.list_(pa.string()))
        scalars = values.astype(STRING_DTYPE).str.strip()
        if scalars.str.startswith("[").fillna(False).any():
            return pa.array(parse_list_cells(scalars).tolist(), type=pa.list_(pa.string()))
    scalars = scalars.mask(scalars == "")
    arr = pa.array(scalars.to_numpy(dtype=object, na_value=None), type=pa.string())
    valid = arr.is_valid().to_numpy(zero_copy_only=False)
    offsets = np.concatenate([[0], np.cumsum(valid)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), arr.filter(pa.array(valid)))


def _normalized(arr: pa.Array, normalizer) -> pa.Array:
    s = pd.Series(pd.arrays.ArrowExtensionArray(arr), dtype=LIST_DTYPE)
    out = _normalize_list_column(s, normalizer)
    return out.array._pa_array.combine_chunks()


def _combine(arrays: list[pa.Array], codes: np.ndarray | None, n_groups: int) -> pa.Array:
    """Join list arrays row by row (or group by group, with `codes`) in order, without repeats.

    Elements keep the order: group, then row, then source array, then position in the cell.
    """
    flats, groups, rows, ks = [], [], [], []
    for k, arr in enumerate(arrays):
        flat = pc.list_flatten(arr)
        parents = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False).astype(np.int64)
        flats.append(flat)
        rows.append(parents)
        groups.append(codes[parents] if codes is not None else parents)
        ks.append(np.full(len(parents), k, dtype=np.int64))
    values = pa.concat_arrays([f.cast(pa.string()) for f in flats]) if flats else pa.array([], pa.string())
    g = np.concatenate(groups) if groups else np.array([], np.int64)
    r = np.concatenate(rows) if rows else np.array([], np.int64)
    k = np.concatenate(ks) if ks else np.array([], np.int64)
    pos = np.arange(len(g), dtype=np.int64)  # position within (source array, cell) keeps its order
    order = np.lexsort((pos, k, r, g))
    values, g = values.take(pa.array(order)), g[order]
    if len(values):
        vcode = pc.dictionary_encode(values).indices.to_numpy(zero_copy_only=False).astype(np.int64)
        key = g * (int(vcode.max()) + 1) + vcode
        keep = ~pd.Series(key).duplicated().to_numpy()
        values, g = values.filter(pa.array(keep)), g[keep]
    counts = np.bincount(g, minlength=n_groups) if len(g) else np.zeros(n_groups, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _strip_normalizer(value):
    return str(value).strip() or None


def _from_frame(df: pd.DataFrame, given: dict, extra: dict, *, preset: str | None,
                accounts: pd.DataFrame | None, errors: ErrorMode, source: str,
                prior_rejects: pd.DataFrame | None) -> Dataset:
    check_errors(errors, "from_frame")
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"from_frame expects a pandas DataFrame. Got {type(df).__name__} instead.",
                             name="df", value=df)
    extra = dict(extra)
    spec = _resolve(df, dict(given), extra, preset, source)
    n = len(df)
    df = df.reset_index(drop=True)
    src = df[SOURCE_COL].astype(STRING_DTYPE).fillna(source) if SOURCE_COL in df \
        else pd.Series(source, index=df.index, dtype=STRING_DTYPE)
    row = df[ROW_COL].astype("int64") if ROW_COL in df else pd.Series(np.arange(1, n + 1), index=df.index)

    # Scalar columns: canonical ones, extra copies, then every column nobody mapped.
    used: set[str] = set()
    scal: dict[str, pd.Series] = {}
    for key in _SCALAR_CANONICAL:
        col = spec.get(key)
        if col is not None:
            scal[key] = df[col]
            used.add(col)
    if "post_id" not in scal:
        short = {s: Path(s.split(":", 1)[0]).name + (":" + s.split(":", 1)[1] if ":" in s else "")
                 for s in pd.unique(src.to_numpy(dtype=object))}
        scal["post_id"] = (src.map(short).astype(STRING_DTYPE) + ":"
                           + row.astype(STRING_DTYPE)).astype(STRING_DTYPE)
        logger.info("%s: no post id column; ids made from the row ('<source>:<row>')", source)
    list_specs: dict[str, tuple[list[str], object]] = {}
    for key in LIST_COLUMNS:
        if spec[key] is not None:
            list_specs[key] = (_columns(spec[key]), _LIST_NORMALIZERS[key])
    for key, val in spec["extra"].items():
        if isinstance(val, str):
            scal[key] = df[val]
            used.add(val)
        else:
            list_specs[key] = (list(val), _strip_normalizer)
    objects, object_as = spec["objects"], spec["object_as"]
    object_col = None
    if objects is not None:
        object_col = object_as if object_as not in (*_OBJECT_TARGETS, "repost") else "object_ids"
        list_specs[object_col] = (_columns(objects), _strip_normalizer)
    for cols, _ in list_specs.values():
        used.update(cols)
    for col in df.columns:
        if col in used or col in (SOURCE_COL, ROW_COL):
            continue
        name = col if (col not in POST_COLUMNS and col not in scal and col not in list_specs) \
            else f"source_{col}"
        scal.setdefault(name, df[col])
    frame = pd.DataFrame(scal)
    frame[SOURCE_COL] = src.to_numpy()
    frame[ROW_COL] = row.to_numpy()

    # List columns as Arrow arrays, one per source column, normalized (so repeats compare equal).
    lists: dict[str, list[pa.Array]] = {
        key: [_normalized(_list_array(df[c], c, source), norm) for c in cols]
        for key, (cols, norm) in list_specs.items()
    }
    if objects is not None and object_as in _OBJECT_TARGETS:
        target = _OBJECT_TARGETS[object_as]
        lists.setdefault(target, []).extend(
            _normalized(a, _LIST_NORMALIZERS[target]) for a in lists[object_col])

    conflicts = None
    if spec["group_by_post"]:
        frame, codes, n_groups, conflicts = _group(frame, errors, source)
        lists = {key: [a.take(pa.array(codes[1])) for a in arrs] for key, arrs in lists.items()}
        combined = {key: _combine(arrs, codes[0], n_groups) for key, arrs in lists.items()}
        merged = n - len(frame) - (len(conflicts) if conflicts is not None else 0)
        if merged:
            logger.info("%s: %d row(s) folded into the posts they belong to (group_by_post)",
                        source, merged)
    else:
        combined = {key: arrs[0] if len(arrs) == 1 else _combine(arrs, None, len(frame))
                    for key, arrs in lists.items()}
    for key, arr in combined.items():
        frame[key] = pd.Series(pd.arrays.ArrowExtensionArray(arr), index=frame.index, dtype=LIST_DTYPE)

    if objects is not None and object_as == "repost":
        objs = combined[object_col]
        first = pc.list_element(pc.if_else(pc.greater(pc.list_value_length(objs), 0), objs,
                                           pa.scalar([None], pa.list_(pa.string()))), 0)
        frame["ref_post_id"] = pd.Series(pd.arrays.ArrowExtensionArray(first), index=frame.index,
                                         dtype=STRING_DTYPE)
        frame["kind"] = np.where(frame["ref_post_id"].notna(), "repost", "post")
        several = int(pc.sum(pc.greater(pc.list_value_length(objs), 1)).as_py() or 0)
        if several:
            logger.info("%s: %d post(s) share several objects; ref_post_id holds the first, "
                        "'%s' all of them", source, several, object_col)
    if spec["platform_prefixes"]:
        acc = frame["account_id"].astype(STRING_DTYPE).str.strip()
        plat = pd.Series(pd.NA, index=frame.index, dtype=STRING_DTYPE)
        for prefix, name in spec["platform_prefixes"]:
            plat = plat.mask(plat.isna() & acc.str.startswith(prefix).fillna(False), name)
        frame["platform"] = frame["platform"].astype(STRING_DTYPE).fillna(plat) \
            if "platform" in frame else plat
    if spec["precision"] is not None:
        frame["timestamp_precision"] = spec["precision"]

    prior = [r for r in (prior_rejects, conflicts) if r is not None and len(r)]
    return Dataset(frame, accounts, source=source, errors=errors,
                   rejects=concat_rejects(prior) if prior else None)


def _group(frame: pd.DataFrame, errors: ErrorMode, source: str):
    """Fold rows of one post into one row.

    Returns the grouped frame, ``(codes, kept_rows)`` (the group of each kept input row and those
    rows' positions), the number of groups, and the rejects of conflicting rows.
    """
    pid = _as_id_strings(frame["post_id"], "post_id", source)
    acc = _as_id_strings(frame["account_id"], "account_id", source)
    ts = parse_timestamps(frame["timestamp"])
    eligible = (pid.notna() & acc.notna() & ts.notna()).to_numpy()
    idx_e = np.flatnonzero(eligible)
    codes_e, _ = pd.factorize(pid.to_numpy(dtype=object)[idx_e])
    n_e = int(codes_e.max()) + 1 if len(codes_e) else 0
    _, first_pos = np.unique(codes_e, return_index=True)
    first_row = idx_e[first_pos][codes_e]  # position of each eligible row's first row
    acc_v = acc.to_numpy(dtype=object)
    ts_v = ts.array.asi8  # int64 nanoseconds (NaT rows are not eligible)
    bad_acc = acc_v[idx_e] != acc_v[first_row]
    bad_ts = ts_v[idx_e] != ts_v[first_row]
    bad = bad_acc | bad_ts
    conflicts = None
    if bad.any():
        rows_bad = idx_e[bad]
        firsts = first_row[bad]
        srcs = frame[SOURCE_COL].to_numpy(dtype=object)
        rown = frame[ROW_COL].to_numpy()
        raw_ts = frame["timestamp"].astype(str).to_numpy(dtype=object)
        records = []
        for i, f, ba in zip(rows_bad, firsts, bad_acc[bad], strict=True):
            col = "account_id" if ba else "timestamp"
            val, ref = (acc_v[i], acc_v[f]) if ba else (raw_ts[i], raw_ts[f])
            where = f"row {rown[f]:,}" + ("" if srcs[f] == srcs[i] else f" of {srcs[f]}")
            records.append(dict(
                source=srcs[i], row=int(rown[i]), column=col, value=str(val), post_id=pid.iloc[i],
                reason=(f"conflicting row of post {pid.iloc[i]!r}: {col} {val!r} differs from "
                        f"{ref!r} in its first row ({where}); rows of one post must agree on "
                        "account and timestamp (first kept)"),
            ))
        if errors == "raise":
            r = records[0]
            raise SchemaError(f"{r['source']}, row {r['row']:,}: {r['reason']}", source=r["source"],
                              row=r["row"], column=r["column"], value=r["value"])
        conflicts = reject_records(records, table="posts")
        logger.warning("%d row(s) disagree with their post's first row on account or timestamp; "
                       "set aside", len(records))
    keep_e = idx_e[~bad]
    codes_keep = codes_e[~bad]
    idx_other = np.flatnonzero(~eligible)
    kept = np.concatenate([keep_e, idx_other])
    codes = np.concatenate([codes_keep, n_e + np.arange(len(idx_other))])
    n_groups = n_e + len(idx_other)
    order = np.argsort(kept, kind="stable")  # back to input row order
    kept, codes = kept[order], codes[order]
    sub = frame.iloc[kept]
    list_cols = [c for c in sub.columns if isinstance(sub[c].dtype, pd.ArrowDtype)
                 and pa.types.is_list(sub[c].dtype.pyarrow_dtype)]
    plain = [c for c in sub.columns if c not in list_cols]
    grouped = sub[plain].groupby(codes, sort=True).first()
    if list_cols:
        _, firsts = np.unique(codes, return_index=True)
        for c in list_cols:
            grouped[c] = sub[c].iloc[firsts].to_numpy()
    grouped = grouped.reset_index(drop=True)
    # Provenance is the first row's, whatever groupby.first skipped.
    _, firsts = np.unique(codes, return_index=True)
    grouped[SOURCE_COL] = sub[SOURCE_COL].to_numpy()[firsts]
    grouped[ROW_COL] = sub[ROW_COL].to_numpy()[firsts]
    if not (ts.isna() & frame["timestamp"].notna()).any():
        # Every timestamp present was read: hand the parsed instants on rather than parsing twice
        # (a missing one stays missing and is rejected as such).
        grouped["timestamp"] = pd.Series(ts.array[kept[firsts]], index=grouped.index)
    return grouped, (codes, kept), n_groups, conflicts
