"""Reader for Twitter's information-operations (IO) archive.

From 2018 to 2021 Twitter published the tweets and accounts of state-backed information
operations it had removed (the "Twitter Moderation Research Consortium" / "Elections Integrity"
releases): per operation, a tweets CSV (one row per tweet, with the posting account's profile
repeated on every row) and a users CSV. Releases come in two flavours: unhashed (numeric ids, real
names) and hashed, where accounts with fewer than 5,000 followers have their ``userid`` (and
``retweet_userid``, ``in_reply_to_userid``, mentioned ids) replaced by a 64-hex hash and their
screen and display names set to that same hash. Tweet ids are never hashed.

:func:`read_twitter_io` maps both onto coordnet's canonical :class:`~coordnet.dataset.Dataset`:
see ``docs/readers/twitter-io.md`` for the full column table, the ``kind`` rules and how the
minute-truncated ``tweet_time`` is refined to the millisecond from the tweet id (a "snowflake").
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..dataset import ROW_COL, SOURCE_COL, Dataset
from ..errors import ReadError, SchemaError
from ..normalize import parse_list_cells, parse_timestamps, snowflake_timestamps
from ..schema import (
    KIND_DTYPE,
    LIST_DTYPE,
    PRECISION_DTYPE,
    REJECT_COLUMNS,
    STRING_DTYPE,
    TIMESTAMP_DTYPE,
    empty_frame,
)
from ._common import (
    ErrorMode,
    Paths,
    _header,
    check_errors,
    concat_rejects,
    expand_paths,
    open_members,
    read_csv_text,
)

logger = logging.getLogger(__name__)

__all__ = ["read_twitter_io"]

_READER = "read_twitter_io"
_SUFFIXES = (".csv", ".csv.gz")

#: Columns a tweets file must have.
REQUIRED_TWEET_COLUMNS = ("tweetid", "userid", "tweet_time")

#: Account columns, in the users file and repeated per row in the tweets file -> canonical name.
#: ``user_profile_url`` has no canonical column and is kept as an account extra under its name.
ACCOUNT_MAP = {
    "userid": "account_id",
    "user_screen_name": "screen_name",
    "user_display_name": "display_name",
    "account_creation_date": "created_at",
    "follower_count": "followers",
    "following_count": "following",
    "user_profile_description": "description",
    "user_reported_location": "location",
    "account_language": "lang",
    "user_profile_url": "user_profile_url",
}

#: Tweet columns renamed onto canonical post columns (``tweet_time`` becomes ``timestamp``, the
#: reference columns feed ``kind``/``ref_*`` and are kept as extras as well).
POST_MAP = {
    "tweetid": "post_id",
    "userid": "account_id",
    "tweet_text": "text",
    "tweet_language": "lang",
    "tweet_client_name": "client",
    "urls": "urls",
    "hashtags": "hashtags",
    "user_mentions": "mentions",
}

_INT_EXTRAS = ("quote_count", "reply_count", "like_count", "retweet_count")
_FLOAT_EXTRAS = ("latitude", "longitude")
_TRUE = ("true", "1", "t", "yes", "y")
_FALSE = ("false", "0", "f", "no", "n")

_TIME_WINDOW_NS = {"ms": 1_000_000, "s": 1_000_000_000, "min": 60_000_000_000}
_PRECISION_CODE = {"ms": 0, "s": 1, "min": 2}  # codes of PRECISION_DTYPE's categories
_KIND_CODE = {k: i for i, k in enumerate(KIND_DTYPE.categories)}


def read_twitter_io(
    tweets: Paths,
    users: Paths | None = None,
    *,
    errors: ErrorMode = "collect",
    recover_timestamps: bool = True,
) -> Dataset:
    """Read a Twitter information-operations archive (tweets CSV, optional users CSV).

    Parameters
    ----------
    tweets : str, Path or iterable of them
        The tweets file(s): one path, several, a glob (``"hk_2019/*tweets*.csv*"``) or a folder.
        Each may be ``.csv``, ``.csv.gz`` or a ``.zip`` of CSVs. Parts of one release are
        concatenated; a tweet present in two parts is kept once (see :class:`Dataset`).
        Must have ``tweetid``, ``userid`` and ``tweet_time``.
    users : str, Path or iterable of them, optional
        The users file(s), same forms. Without it, accounts come from the ``user_*`` columns
        every tweet row carries. With it, its values come first and the tweets' fill the gaps.
    errors : {"collect", "raise"}, default="collect"
        A row that cannot be used (malformed CSV row, unreadable ``tweet_time``, missing id) is
        set aside in ``Dataset.rejects`` with its file and row; with ``"raise"`` the first one
        raises (:class:`~coordnet.errors.ReadError` for a malformed row,
        :class:`~coordnet.errors.SchemaError` for a bad value).
    recover_timestamps : bool, default=True
        Refine the archive's minute-truncated ``tweet_time`` to the millisecond from the time
        encoded in each tweet id, where the two agree.

    Returns
    -------
    Dataset
        ``platform="twitter"``. Posts keep every tweet column not mapped onto a canonical one
        (``in_reply_to_tweetid``, ``like_count``, ...), plus ``snowflake_time``: the id's time
        where it *disagreed* with ``tweet_time`` (``NaT`` elsewhere). Accounts gain
        ``user_profile_url`` and ``anonymized`` (id hashed by Twitter).

    Raises
    ------
    SchemaError
        A file lacks ``tweetid``, ``userid`` or ``tweet_time`` (users: ``userid``).
    ReadError
        A file cannot be read as CSV, or (``errors="raise"``) holds a malformed row.
    FileNotFoundError
        A path or glob matches no file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "tweets.csv").write_text(
    ...     "tweetid,userid,user_screen_name,tweet_time,tweet_text,is_retweet,retweet_tweetid,hashtags\\n"
    ...     "1163474217489657856,42,hk_voice,2019-08-19 15:34,Protest now #HK,False,,[HK]\\n"
    ...     "1163474300000000000,43,bot_7,2019-08-19 15:34,RT @hk_voice: Protest now,True,1163474217489657856,[]\\n")
    >>> ds = read_twitter_io(d / "tweets.csv")
    >>> ds.posts[["post_id", "kind", "ref_post_id", "hashtags"]]
                   post_id    kind          ref_post_id hashtags
    0  1163474217489657856    post                 <NA>   ['hk']
    1  1163474300000000000  repost  1163474217489657856       []
    >>> ds.posts["timestamp"].iloc[0], ds.posts["timestamp_precision"].iloc[0]
    (Timestamp('2019-08-19 15:34:04.412000+0000', tz='UTC'), 'ms')
    >>> ds.accounts[["account_id", "screen_name"]]
      account_id screen_name
    0         42    hk_voice
    1         43       bot_7
    """
    check_errors(errors, _READER)
    tweet_files = expand_paths(tweets, reader=_READER)
    user_files = expand_paths(users, reader=_READER) if users is not None else []
    # An unpacked release keeps both files in one folder: a users file among the tweets is one.
    found = [f for f in tweet_files if _is_users_file(f)]
    if found and len(found) < len(tweet_files):
        logger.info("%s: reading %s as users file(s)", _READER, ", ".join(map(str, found)))
        tweet_files = [f for f in tweet_files if f not in found]
        user_files = user_files + [f for f in found if f not in user_files]
    raw, rejects = _read_files(tweet_files, REQUIRED_TWEET_COLUMNS, errors, table="posts")
    source = str(tweet_files[0]) if len(tweet_files) == 1 else \
        f"{len(tweet_files)} tweet files ({tweet_files[0]}, ...)"
    logger.info("%s: read %d tweet row(s) from %d file(s)", _READER, len(raw), len(tweet_files))

    # Accounts first, so that the per-row user_* columns are released before Dataset runs.
    account_frames = [_accounts_from_tweets(raw)]
    if user_files:
        udf, urej = _read_files(user_files, ("userid",), errors, table="accounts")
        account_frames.insert(0, _accounts_from_users(udf))
        rejects = concat_rejects([rejects, urej])
    accounts = _mark_anonymized(pd.concat(account_frames, ignore_index=True)
                                if len(account_frames) > 1 else account_frames[0])
    del account_frames

    posts, post_rejects = _posts_from_tweets(raw, errors=errors,
                                             recover_timestamps=recover_timestamps)
    del raw  # the last reference: the tweets' account columns are freed here
    rejects = concat_rejects([rejects, post_rejects])
    return Dataset(posts, accounts, source=source, errors=errors, rejects=rejects)


def _is_users_file(path) -> bool:
    """Whether a file's (first CSV's) header is a users file's: ``userid`` but no ``tweetid``."""
    try:
        with open_members(path, suffixes=_SUFFIXES) as members:
            names = _header(members[0][1], members[0][0])
    except (ReadError, OSError, UnicodeDecodeError, StopIteration):
        return False  # let the reading itself report the problem
    return "userid" in names and "tweetid" not in names


def _read_files(files: list, required: tuple[str, ...], errors: ErrorMode, *,
                table: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and concatenate CSV files as text; their rejects are labelled with `table`."""
    frames, rejects = [], []
    for f in files:
        df, rej = read_csv_text(f, required=required, errors=errors, reader=_READER,
                                suffixes=_SUFFIXES)
        frames.append(df)
        rej["table"] = pd.Series(table, index=rej.index, dtype=STRING_DTYPE)
        rejects.append(rej)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out, concat_rejects(rejects)


# ---------------------------------------------------------------------------------------------
# Posts
# ---------------------------------------------------------------------------------------------


def _posts_from_tweets(raw: pd.DataFrame, *, errors: ErrorMode,
                       recover_timestamps: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The canonical posts columns (plus extras) from the tweets rows, and rejects found here."""
    rejects = _Rejects(errors)
    n = len(raw)
    index = raw.index

    # -- timestamp: tweet_time parsed, its precision read off the text ---------------------------
    stamp_ns, precision = _parse_tweet_time(raw["tweet_time"])
    bad = stamp_ns == _NAT
    if bad.any():
        value = raw["tweet_time"]
        missing = value.isna().to_numpy()
        reason = np.where(
            missing[bad], "missing tweet_time",
            "column 'tweet_time' holds " + value[bad].fillna("").map(repr).to_numpy(dtype=object)
            + ", which is not a timestamp. Expected e.g. '2019-08-19 14:05' or ISO 8601.",
        )
        rejects.add(raw, bad, column="tweet_time", reason=reason, action="dropped")
        rejects.dropped = bad

    snow_evidence = np.full(n, _NAT, dtype=np.int64)
    if recover_timestamps:
        stamp_ns, precision, snow_evidence = _recover_from_snowflakes(
            raw["tweetid"], stamp_ns, precision)

    # -- kind and what it points at ---------------------------------------------------------------
    text = raw["tweet_text"] if "tweet_text" in raw else pd.Series(pd.NA, index=index, dtype=STRING_DTYPE)
    is_rt = _flag_column(raw, "is_retweet", rejects)
    rt_text = _arrow(text)
    rt_text = pc.fill_null(pc.starts_with(rt_text, "RT @"), False).to_numpy(zero_copy_only=False)
    repost = rt_text | (is_rt.fillna(False).to_numpy(dtype=bool) if is_rt is not None else False)
    quote = _present(raw, "quoted_tweet_tweetid") & ~repost
    reply = _present(raw, "in_reply_to_tweetid") & ~repost & ~quote
    codes = np.full(n, _KIND_CODE["post"], dtype=np.int8)
    codes[reply] = _KIND_CODE["reply"]
    codes[quote] = _KIND_CODE["quote"]
    codes[repost] = _KIND_CODE["repost"]
    kind = pd.Categorical.from_codes(codes, dtype=KIND_DTYPE)
    ref_post = _choose(raw, n, [(repost, "retweet_tweetid"), (quote, "quoted_tweet_tweetid"),
                                (reply, "in_reply_to_tweetid")])
    ref_account = _choose(raw, n, [(repost, "retweet_userid"), (reply, "in_reply_to_userid")])

    def column(name: str) -> pd.Series:
        if name in raw:
            return raw[name]
        return pd.Series(pd.NA, index=index, dtype=STRING_DTYPE)

    out = {
        "post_id": column("tweetid"),
        "account_id": column("userid"),
        "timestamp": _utc_series(stamp_ns, index),
        "kind": pd.Series(kind, index=index),
        "ref_post_id": pd.Series(ref_post, index=index),
        "ref_account_id": pd.Series(ref_account, index=index),
        "text": text,
        "urls": _list_column(raw, "urls"),
        "hashtags": _list_column(raw, "hashtags"),
        "mentions": _list_column(raw, "user_mentions"),
        "lang": column("tweet_language"),
        "client": column("tweet_client_name"),
        "platform": pd.Series(_constant_strings("twitter", n), index=index),
        "timestamp_precision": pd.Series(pd.Categorical.from_codes(precision, dtype=PRECISION_DTYPE),
                                         index=index),
    }
    taken = set(POST_MAP) | set(ACCOUNT_MAP) | {"tweet_time", SOURCE_COL, ROW_COL}
    for col in raw.columns:
        if col in taken:
            continue
        if col == "is_retweet":
            out[col] = is_rt
        elif col in _INT_EXTRAS:
            out[col] = _number_column(raw, col, "Int64", rejects)
        elif col in _FLOAT_EXTRAS:
            out[col] = _number_column(raw, col, "Float64", rejects)
        else:
            out[col] = raw[col]
    out["snowflake_time"] = _utc_series(snow_evidence, index)
    out[SOURCE_COL] = raw[SOURCE_COL]
    out[ROW_COL] = raw[ROW_COL]
    posts = pd.DataFrame(out, index=index, copy=False)
    if bad.any():
        posts = posts.loc[~bad]
    return posts, rejects.frame()


_NAT = np.iinfo(np.int64).min  # numpy's NaT as int64


def _utc_series(ns: np.ndarray, index: pd.Index) -> pd.Series:
    """int64 ns since the epoch (``_NAT`` = missing) as ``datetime64[ns, UTC]``."""
    return pd.Series(ns.view("datetime64[ns]"), index=index).dt.tz_localize("UTC").astype(TIMESTAMP_DTYPE)


def _parse_tweet_time(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """tweet_time as int64 ns since the epoch (``_NAT`` where unreadable) and precision codes.

    The archive's own ``YYYY-MM-DD HH:MM`` (and ``YYYY-MM-DD HH:MM:SS``) are parsed by Arrow in
    one pass; every other value goes, once per distinct value, through
    :func:`~coordnet.normalize.parse_timestamps`, which reads those two shapes identically.
    """
    arr = _arrow(values)
    n = len(arr)
    ns = np.full(n, _NAT, dtype=np.int64)
    prec = np.full(n, -1, dtype=np.int8)
    todo = pc.is_valid(arr).to_numpy(zero_copy_only=False).copy()
    for fmt, pattern, p in (("%Y-%m-%d %H:%M", r"^\d{4}-\d\d-\d\d \d\d:\d\d$", "min"),
                            ("%Y-%m-%d %H:%M:%S", r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", "s")):
        mask = pc.fill_null(pc.match_substring_regex(arr, pattern), False) \
            .to_numpy(zero_copy_only=False) & todo
        rows = np.flatnonzero(mask)
        if not len(rows):
            continue
        sub = arr.filter(pa.array(mask))
        got = pc.strptime(sub, format=fmt, unit="ns", error_is_null=True)
        # strptime rolls impossible dates over (2019-02-30 -> 03-02): keep only exact readings.
        ok = pc.is_valid(got)
        for part, (a, b) in ((pc.day, (8, 10)), (pc.month, (5, 7)), (pc.year, (0, 4))):
            ok = pc.and_(ok, pc.equal(part(got), pc.cast(pc.utf8_slice_codeunits(sub, a, b),
                                                          pa.int64())))
        ok = pc.fill_null(ok, False).to_numpy(zero_copy_only=False)
        ns[rows[ok]] = pc.cast(got.filter(pa.array(ok)), pa.int64()).to_numpy(zero_copy_only=False)
        prec[rows[ok]] = _PRECISION_CODE[p]
        todo[rows[ok]] = False
    if todo.any():
        rows = np.flatnonzero(todo)
        rest = pd.Series(pd.array(arr.filter(pa.array(todo)), dtype=STRING_DTYPE))
        codes, uniques = pd.factorize(rest)
        u = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
        got = parse_timestamps(u)
        u_ns = np.where(got.notna().to_numpy(), got.dt.as_unit("ns").array.asi8, _NAT)
        u_prec = np.where(got.notna().to_numpy(), _text_precision(u.str.strip()), -1)
        ns[rows] = u_ns[codes]
        prec[rows] = u_prec[codes]
    return ns, prec


def _text_precision(values: pd.Series) -> np.ndarray:
    """Precision codes of timestamp strings, read off how they are written.

    Epoch numbers: seconds below 1e11 ("s", "ms" with a fraction), larger ones "ms". Text with
    ``H:MM:SS.f`` "ms", ``H:MM:SS`` "s", ``H:MM`` "min"; a bare date is of unknown precision.
    """
    s = values.astype(STRING_DTYPE)
    out = np.full(len(s), -1, dtype=np.int8)

    def has(pattern: str) -> np.ndarray:
        return s.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)

    out[has(r"\d:\d\d")] = _PRECISION_CODE["min"]
    out[has(r"\d:\d\d:\d\d")] = _PRECISION_CODE["s"]
    out[has(r"\d:\d\d:\d\d[.,]\d")] = _PRECISION_CODE["ms"]
    epoch = has(r"^-?\d+(?:\.\d+)?$")
    if epoch.any():
        mag = pd.to_numeric(s[epoch]).abs().to_numpy(dtype=float)
        frac = has(r"^-?\d+\.\d+$")[epoch]
        out[epoch] = np.where((mag >= 1e11) | frac, _PRECISION_CODE["ms"], _PRECISION_CODE["s"])
    return out


def _recover_from_snowflakes(tweetid: pd.Series, stamp_ns: np.ndarray, precision: np.ndarray
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Take the snowflake time where it falls within tweet_time's precision window.

    Returns the new timestamps, precision codes and, per row, the snowflake time where it
    disagreed (``_NAT`` elsewhere).
    """
    snow = snowflake_timestamps(tweetid)
    snow_ns = np.where(snow.notna().to_numpy(), snow.array.asi8, _NAT)
    window = np.zeros(len(precision), dtype=np.int64)
    for p, w in _TIME_WINDOW_NS.items():
        window[precision == _PRECISION_CODE[p]] = w
    checkable = (snow_ns != _NAT) & (stamp_ns != _NAT) & (window > 0)
    agree = checkable & (snow_ns >= stamp_ns) & (snow_ns - stamp_ns < window)
    disagree = checkable & ~agree
    stamp_ns = np.where(agree, snow_ns, stamp_ns)
    precision = np.where(agree, np.int8(_PRECISION_CODE["ms"]), precision).astype(np.int8)
    evidence = np.where(disagree, snow_ns, _NAT)
    n_valid = int((stamp_ns != _NAT).sum())
    logger.info("%s: %d of %d timestamp(s) refined to the millisecond from tweet ids",
                _READER, int(agree.sum()), n_valid)
    if disagree.any():
        offset = pd.Timedelta(int(np.median(snow_ns[disagree] - stamp_ns[disagree])), unit="ns")
        logger.warning(
            "%s: %d tweet id(s) encode a time outside their tweet_time's %s; tweet_time kept, "
            "the id's time is in the 'snowflake_time' column (median id - tweet_time: %s). "
            "A constant offset suggests tweet_time is not in UTC.",
            _READER, int(disagree.sum()), "minute/second", offset)
    no_snow = int(((snow_ns == _NAT) & (stamp_ns != _NAT)).sum())
    if no_snow:
        logger.info("%s: %d tweet id(s) are not snowflakes (before Nov 2010, or not numeric); "
                    "their tweet_time is kept", _READER, no_snow)
    return stamp_ns, precision, evidence


def _arrow(values: pd.Series) -> pa.ChunkedArray:
    """A string Series as Arrow (zero-copy for ``string[pyarrow]``; chunks kept as they are)."""
    if not isinstance(values.dtype, pd.StringDtype) or values.dtype.storage != "pyarrow":
        values = values.astype(STRING_DTYPE)
    arr = values.array.__arrow_array__()
    return arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])


def _constant_strings(value: str, n: int) -> pd.arrays.ArrowStringArray:
    """`value` repeated `n` times as ``string[pyarrow]``, built from buffers (no Python loop)."""
    data = value.encode()
    offsets = np.arange(n + 1, dtype=np.int64) * len(data)
    arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data * n))
    return pd.array(arr, dtype=STRING_DTYPE)


def _present(raw: pd.DataFrame, col: str) -> np.ndarray:
    if col not in raw:
        return np.zeros(len(raw), dtype=bool)
    return raw[col].notna().to_numpy(dtype=bool)


def _choose(raw: pd.DataFrame, n: int, rules: list[tuple[np.ndarray, str]]) -> pd.arrays.ArrowStringArray:
    """Per row, the value of the column of the first rule whose mask holds; missing elsewhere."""
    result = pa.nulls(n, pa.large_string())
    for mask, col in reversed(rules):
        if col in raw and mask.any():
            result = pc.if_else(pa.array(mask), _arrow(raw[col]).cast(pa.large_string()), result)
    return pd.array(result, dtype=STRING_DTYPE) if n else pd.array([], dtype=STRING_DTYPE)


def _flag_column(raw: pd.DataFrame, col: str, rejects: _Rejects) -> pd.Series | None:
    """A true/false text column as ``boolean``; values that are neither are cleared and listed."""
    if col not in raw:
        return None
    low = raw[col].str.strip().str.lower()
    true = low.isin(_TRUE).to_numpy(dtype=bool)
    false = low.isin(_FALSE).to_numpy(dtype=bool)
    out = pd.Series(pd.arrays.BooleanArray(true, ~(true | false)), index=raw.index)
    odd = ~(true | false) & low.notna().to_numpy(dtype=bool)
    rejects.add(raw, odd, column=col, action="cleared",
                reason=f"column '{col}' is not true/false; row kept, value cleared")
    return out


def _number_column(raw: pd.DataFrame, col: str, dtype: str, rejects: _Rejects) -> pd.Series:
    """A numeric text column as Int64/Float64. ``absent`` (the archive's word for no geo) is
    missing; other non-numbers are cleared and listed."""
    arr = _arrow(raw[col])
    absent = pc.fill_null(pc.equal(pc.ascii_lower(arr), "absent"), False)
    arr = pc.if_else(absent, pa.scalar(None, arr.type), arr)
    target = pa.int64() if dtype == "Int64" else pa.float64()
    try:  # the archive's own cells ("12", or "12.0" in some releases), cast by Arrow in one pass
        try:
            nums = pc.cast(arr, target)
        except pa.ArrowInvalid:
            if dtype != "Int64":
                raise
            floats = pc.cast(arr, pa.float64())
            whole = pc.all(pc.equal(pc.floor(floats), floats)).as_py() is not False
            small = (pc.max(pc.abs(floats)).as_py() or 0) <= 2**53
            if not (whole and small):
                raise
            nums = pc.cast(floats, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = pd.Series(pd.array(arr, dtype=STRING_DTYPE), index=raw.index).str.strip()
        num = pd.to_numeric(text, errors="coerce")
        if dtype == "Int64":
            num = num.where(num.notna() & (num % 1 == 0))
        odd = (num.isna() & text.notna()).to_numpy(dtype=bool)
        what = "a whole number" if dtype == "Int64" else "a number"
        rejects.add(raw, odd, column=col, action="cleared",
                    reason=f"column '{col}' is not {what}; row kept, value cleared")
        return num.astype(dtype)
    values = pc.fill_null(nums, 0).to_numpy(zero_copy_only=False)
    mask = pc.is_null(nums).to_numpy(zero_copy_only=False)
    array = pd.arrays.IntegerArray(values, mask) if dtype == "Int64" else \
        pd.arrays.FloatingArray(values, mask)
    return pd.Series(array, index=raw.index)


# ---------------------------------------------------------------------------------------------
# List cells
# ---------------------------------------------------------------------------------------------

# Characters Python's str.strip() removes (or literal_eval treats specially) that Arrow's regex
# and trim functions would not: cells holding them take the exact, slower path.
_ODD = (r"\x00-\x08\x0b\x0e-\x1f\x7f-\x{9f}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}"
        r"\x{202f}\x{205f}\x{3000}")
_BARE = r"^\s*\[[^'\"\[\]\\" + _ODD + r"]*\]\s*$"                      # [hk, news]
_ITEM = r"'[^'\\\n\r" + _ODD + r"]*'"
_QUOTED = r"^\s*\[" + _ITEM + r"(?:[ \t]*,[ \t]*" + _ITEM + r")*\]\s*$"  # ['hk', 'news']
_SPACE = " \t\n\r\f"  # what RE2's \s matches, and Python's str.strip() removes among ASCII


def _list_column(raw: pd.DataFrame, col: str) -> pd.Series:
    if col not in raw:
        return pd.Series(pa.array([[]] * len(raw), pa.list_(pa.string())), index=raw.index,
                         dtype=LIST_DTYPE)
    return pd.Series(pd.arrays.ArrowExtensionArray(parse_list_array(_arrow(raw[col]))),
                     index=raw.index, dtype=LIST_DTYPE)


def parse_list_array(cells: pa.Array | pa.ChunkedArray) -> pa.ListArray:
    """List cells to a ``list<string>`` array, as :func:`~coordnet.normalize.parse_list_cells`
    parses them, with the archive's two shapes (``[a, b]`` and ``['a', 'b']``) vectorized in
    Arrow and every other cell parsed by ``parse_list_cells`` once per distinct value."""
    n = len(cells)
    cells = cells.cast(pa.string())
    # Most cells are missing or "[]": set those aside before any regular expression runs.
    todo = pc.fill_null(pc.not_equal(cells, "[]"), False)
    pending = np.flatnonzero(todo.to_numpy(zero_copy_only=False))
    pieces = [pa.array([[]], pa.list_(pa.string()))]
    where = np.zeros(n, dtype=np.int64)  # row -> index into the concatenated pieces; 0 is []
    offset = 1

    def place(rows: np.ndarray, lists: pa.ListArray) -> None:
        nonlocal offset
        where[rows] = offset + np.arange(len(rows))
        pieces.append(lists)
        offset += len(rows)

    sub = cells.filter(todo)  # filter, not take: no concatenation of the chunks first
    sub = sub.combine_chunks() if isinstance(sub, pa.ChunkedArray) else sub
    bare = pc.match_substring_regex(sub, _BARE).to_numpy(zero_copy_only=False)
    if bare.any():
        part = sub.filter(pa.array(bare))
        inner = pc.utf8_slice_codeunits(pc.utf8_trim(part, characters=_SPACE), 1, -1)
        split = pc.split_pattern(inner, ",")
        flat = pc.utf8_trim(pc.list_flatten(split), characters=_SPACE)
        place(pending[bare], _rebuild(flat, pc.list_parent_indices(split), len(part)))
        pending, sub = pending[~bare], sub.filter(pa.array(~bare))
    quoted = pc.match_substring_regex(sub, _QUOTED).to_numpy(zero_copy_only=False)
    if quoted.any():
        part = sub.filter(pa.array(quoted))
        inner = pc.utf8_slice_codeunits(pc.utf8_trim(part, characters=_SPACE), 2, -2)
        split = pc.split_pattern_regex(inner, r"'[ \t]*,[ \t]*'")
        place(pending[quoted], _rebuild(pc.list_flatten(split), pc.list_parent_indices(split),
                                        len(part)))
        pending, sub = pending[~quoted], sub.filter(pa.array(~quoted))
    if len(pending):
        codes, uniques = pd.factorize(pd.Series(sub.to_numpy(zero_copy_only=False), dtype=object))
        parsed = pa.array(parse_list_cells(pd.Series(uniques, dtype=object)).tolist(),
                          pa.list_(pa.string()))
        place(pending, parsed.take(pa.array(codes)))
    if len(pieces) == 1:
        return pa.array([[]] * n, pa.list_(pa.string()))
    return pa.concat_arrays(pieces).take(pa.array(where))


def _rebuild(flat: pa.Array, parents: pa.Array, n: int) -> pa.ListArray:
    """Lists from flat values and their row numbers, without empty strings."""
    keep = pc.not_equal(flat, "")
    flat, parents = flat.filter(keep), parents.filter(keep)
    counts = np.bincount(parents.to_numpy(zero_copy_only=False), minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), flat.cast(pa.string()))


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


def _accounts_from_users(udf: pd.DataFrame) -> pd.DataFrame:
    """The users file with canonical account column names (other columns kept as they came)."""
    return udf.rename(columns={k: v for k, v in ACCOUNT_MAP.items() if k in udf})


def _accounts_from_tweets(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per posting account from the per-tweet ``user_*`` columns: for each column, the
    first non-missing value in file order (what :class:`Dataset` does when merging account rows,
    here without grouping a million rows)."""
    cols = [c for c in ACCOUNT_MAP if c in raw and c != "userid"]
    codes, _ = pd.factorize(raw["userid"], use_na_sentinel=True)
    n_acc = int(codes.max()) + 1 if len(codes) else 0
    rows = np.arange(len(raw))

    def first_rows(ok: np.ndarray) -> np.ndarray:
        first = np.full(n_acc, len(raw), dtype=np.int64)
        np.minimum.at(first, codes[ok], rows[ok])
        return first

    has_id = codes >= 0
    first_any = first_rows(has_id)
    out = {"account_id": _take(raw["userid"], first_any, len(raw))}
    for c in cols:
        out[ACCOUNT_MAP[c]] = _take(raw[c], first_rows(has_id & raw[c].notna().to_numpy(dtype=bool)),
                                    len(raw))
    out[SOURCE_COL] = raw[SOURCE_COL].to_numpy()[first_any] if n_acc else []
    out[ROW_COL] = raw[ROW_COL].to_numpy()[first_any] if n_acc else []
    return pd.DataFrame(out)


def _take(values: pd.Series, positions: np.ndarray, missing: int) -> pd.Series:
    """values at positions, missing where position == `missing`."""
    arr = _arrow(values)
    idx = pa.array(positions, mask=positions == missing)
    return pd.Series(pd.array(arr.take(idx), dtype=STRING_DTYPE) if len(positions) else
                     pd.array([], dtype=STRING_DTYPE))


def _mark_anonymized(accounts: pd.DataFrame) -> pd.DataFrame:
    """Flag hashed accounts; clear screen and display names that merely repeat the hash."""
    ids = accounts["account_id"].astype(STRING_DTYPE).str.strip()
    hashed = ids.notna() & ~ids.str.fullmatch(r"\d+").fillna(False)
    accounts["anonymized"] = hashed.astype("boolean")
    for col in ("screen_name", "display_name"):
        if col in accounts:
            same = (accounts[col].astype(STRING_DTYPE).str.strip() == ids).fillna(False)
            accounts[col] = accounts[col].mask(hashed & same.astype(bool))
    return accounts


# ---------------------------------------------------------------------------------------------
# Rejects found by the reader
# ---------------------------------------------------------------------------------------------


class _Rejects:
    """Reject rows found while mapping the tweets (before Dataset sees them)."""

    def __init__(self, errors: ErrorMode):
        self.errors = errors
        self.frames: list[pd.DataFrame] = []
        self.dropped: np.ndarray | None = None  # rows already set aside: no "cleared" for them

    def add(self, rows: pd.DataFrame, mask: np.ndarray, *, column: str, reason, action: str) -> None:
        if action == "cleared" and self.dropped is not None:
            mask = mask & ~self.dropped
        if not mask.any():
            return
        sub = rows.loc[mask]
        value = sub[column].astype(object).where(sub[column].notna(), None).to_numpy()
        rec = pd.DataFrame({
            "table": "posts", "source": sub[SOURCE_COL].to_numpy(), "row": sub[ROW_COL].to_numpy(),
            "column": column, "value": value, "reason": reason, "action": action,
            "post_id": sub["tweetid"].to_numpy() if "tweetid" in sub else None,
        })
        if self.errors == "raise":
            first = rec.iloc[0]
            raise SchemaError(f"{first['source']}, row {int(first['row']):,}: {first['reason']}",
                              source=first["source"], row=int(first["row"]), column=column,
                              value=first["value"])
        self.frames.append(rec.astype(REJECT_COLUMNS))

    def frame(self) -> pd.DataFrame:
        return concat_rejects(self.frames) if self.frames else empty_frame(REJECT_COLUMNS)

