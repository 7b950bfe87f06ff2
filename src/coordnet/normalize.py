"""Normalization of the values every reader and signal shares: timestamps, URLs, tags, text.

Normalization lives here and nowhere else, so that two readers of two formats produce the same
canonical value for the same thing (the same URL, the same hashtag, the same instant).

All vectorized helpers work on the distinct values of a column and map the results back, which
keeps them fast on real collections where URLs, hashtags and timestamps repeat.
"""

from __future__ import annotations

import ast
import json
import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

__all__ = [
    "TWITTER_EPOCH_MS",
    "canonical_url",
    "canonicalize_urls",
    "domain_of",
    "extract_hashtags",
    "normalize_tag",
    "normalize_tags",
    "normalize_text",
    "parse_list_cells",
    "parse_timestamps",
    "registered_domain_of",
    "snowflake_timestamps",
    "text_fingerprint",
]

#: Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in milliseconds since the Unix epoch.
TWITTER_EPOCH_MS = 1288834974657

_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")

# ---------------------------------------------------------------------------------------------
# Timestamps
# ---------------------------------------------------------------------------------------------

_TWITTER_CLASSIC = "%a %b %d %H:%M:%S %z %Y"  # "Wed Aug 27 13:08:45 +0000 2008" (API v1.1)
_DIGITS = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")


def _epoch_to_utc(numbers: pd.Series) -> pd.Series:
    """Epoch numbers to UTC, unit chosen per value by magnitude (s, ms, us or ns).

    Magnitudes: seconds reach 1e11 only in the year 5138, milliseconds 1e14 in 5138, and so on,
    so the unit of any timestamp from 1973 on is unambiguous.
    """
    limit = np.iinfo(np.int64).max  # nanoseconds past it (years after 2262) do not fit: NaT
    if pd.api.types.is_integer_dtype(numbers.dtype) and not numbers.isna().any():
        # Integers stay integers: float64 would round nanosecond epochs.
        v = numbers.to_numpy(dtype=np.int64)
        if len(v) and -(limit // 10**9) <= v.min() and v.max() <= limit // 10**9:
            ns = v * 10**9  # all in seconds that fit (the usual case): one unit, no per-value choice
            return pd.Series(ns.astype("datetime64[ns]"), index=numbers.index).dt.tz_localize("UTC")
        absv = np.abs(v)
        factor = np.select([absv < 10**11, absv < 10**14, absv < 10**17], [10**9, 10**6, 10**3], 1)
        fits = absv <= limit // factor
        ns = np.where(fits, v * np.where(fits, factor, 0), 0).astype("datetime64[ns]")
        ns[~fits] = np.datetime64("NaT")
        return pd.Series(ns, index=numbers.index).dt.tz_localize("UTC")
    x = numbers.astype("float64").to_numpy()
    out = np.full(len(x), np.datetime64("NaT"), dtype="datetime64[ns]")
    absx = np.abs(x)
    for lo, hi, factor in ((0, 1e11, 1e9), (1e11, 1e14, 1e6), (1e14, 1e17, 1e3), (1e17, np.inf, 1)):
        m = (absx >= lo) & (absx < hi) & np.isfinite(x) & (absx * factor < 9.2e18)
        if m.any():
            if factor == 1e9:
                # Seconds may carry a fraction: keep it exactly to the microsecond.
                whole = np.floor(x[m])
                frac_ns = np.round((x[m] - whole) * 1e6).astype("int64") * 1000
                out[m] = (whole.astype("int64") * 1_000_000_000 + frac_ns).astype("datetime64[ns]")
            else:
                out[m] = (np.round(x[m]).astype("int64") * int(factor)).astype("datetime64[ns]")
    return pd.Series(out, index=numbers.index).dt.tz_localize("UTC")


#: Zone abbreviations read in timestamps (ambiguous ones such as IST or BST are deliberately
#: absent: a value carrying one is refused rather than guessed).
TZ_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0,
    "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
    "MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
    "CET": 3600, "CEST": 2 * 3600, "EET": 2 * 3600, "EEST": 3 * 3600, "WET": 0, "WEST": 3600,
    "MSK": 3 * 3600, "HKT": 8 * 3600, "JST": 9 * 3600, "KST": 9 * 3600,
}


def _dateutil_parse(value: str, default_tz: str):
    import warnings

    from dateutil import parser, tz

    with warnings.catch_warnings():
        warnings.simplefilter("error", parser.UnknownTimezoneWarning)
        try:
            ts = parser.parse(value, tzinfos=TZ_ABBREVIATIONS)
        except (ValueError, OverflowError, TypeError, parser.UnknownTimezoneWarning):
            # An unknown zone name is refused, never silently read as default_tz.
            return pd.NaT
    try:
        t = pd.Timestamp(ts)
        if t.tzinfo is None:
            t = t.tz_localize(tz.gettz(default_tz) if default_tz != "UTC" else "UTC")
        return t.tz_convert("UTC").as_unit("ns")
    except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError):
        return pd.NaT  # outside what datetime64[ns] holds (years 1677-2262)


def parse_timestamps(values: pd.Series | Iterable, *, default_tz: str = "UTC") -> pd.Series:
    """Parse timestamps in mixed formats and zones to ``datetime64[ns, UTC]``.

    Accepted, per value: datetimes (naive or aware), epoch numbers in seconds, milliseconds,
    microseconds or nanoseconds (told apart by magnitude), ISO 8601 with or without an offset,
    Twitter's classic ``Wed Aug 27 13:08:45 +0000 2008``, ``2019-08-19 14:05`` and anything else
    python-dateutil reads. Naive values are taken to be in `default_tz`.

    Values that cannot be read become ``NaT``; compare with the input's missing values to find
    them (see :func:`coordnet.dataset.Dataset` for how readers report them).

    Parameters
    ----------
    values : Series or iterable
        The raw values.
    default_tz : str, default="UTC"
        IANA zone for values that carry no offset.

    Returns
    -------
    Series
        ``datetime64[ns, UTC]``, same index as `values`.

    Examples
    --------
    >>> parse_timestamps(["2019-08-19 14:05", "Wed Aug 27 13:08:45 +0000 2008", 1566223500,
    ...                   "1566223500123", "2019-08-19T16:05:00+02:00", "nonsense"]).tolist()
    [Timestamp('2019-08-19 14:05:00+0000', tz='UTC'), Timestamp('2008-08-27 13:08:45+0000', tz='UTC'), Timestamp('2019-08-19 14:05:00+0000', tz='UTC'), Timestamp('2019-08-19 14:05:00.123000+0000', tz='UTC'), Timestamp('2019-08-19 14:05:00+0000', tz='UTC'), NaT]
    """
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").dt.as_unit("ns")
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return s.dt.tz_localize(default_tz).dt.tz_convert("UTC").dt.as_unit("ns")
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return _epoch_to_utc(s)

    present = s.notna().to_numpy()
    result = np.full(len(s), _NAT, dtype=np.int64)
    if present.any():
        # Work on distinct values: timestamps repeat (minute-truncated archives) and parsing is the cost.
        text = s[present].astype(str).str.strip()
        codes, uniques = pd.factorize(text)
        result[present] = _parse_distinct(np.asarray(uniques, dtype=object), default_tz)[codes]
    return pd.Series(pd.DatetimeIndex(result.view("datetime64[ns]")).tz_localize("UTC"), index=s.index)


_NAT = np.iinfo(np.int64).min


def _as_ns(values) -> np.ndarray:
    """UTC datetimes (Series/Index, NaT allowed) as int64 nanoseconds, NaT as the NaT sentinel."""
    idx = pd.DatetimeIndex(values)
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    idx = idx.tz_convert("UTC")
    # pandas 3 may parse into a coarser unit that holds years nanoseconds cannot (1677-2262).
    lo, hi = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
    outside = (idx < lo) | (idx > hi)
    if outside.any():
        idx = idx.where(~outside, pd.NaT)
    return idx.as_unit("ns").asi8


def _parse_distinct(uniques: np.ndarray, default_tz: str) -> np.ndarray:
    """Distinct stripped strings to int64 ns since the epoch (UTC); unreadable ones give NaT."""
    out = np.full(len(uniques), _NAT, dtype=np.int64)
    import pyarrow as pa
    import pyarrow.compute as pc

    u = pd.Series(uniques, dtype=object)
    arrow = pa.array(uniques, pa.string())  # Arrow's string kernels: C speed, no per-value Python
    todo = pc.greater(pc.utf8_length(arrow), 0).to_numpy(zero_copy_only=False).copy()
    is_num = pc.match_substring_regex(arrow, _DIGITS.pattern).to_numpy(zero_copy_only=False) & todo
    if is_num.any():
        out[is_num] = _as_ns(_epoch_to_utc(pd.to_numeric(u[is_num])))
        todo &= ~is_num
    for fmt in ("ISO8601", _TWITTER_CLASSIC):
        if not todo.any():
            break
        cand = todo.copy()
        if fmt == "ISO8601" and default_tz != "UTC":
            # Naive ISO values belong to default_tz, not UTC: leave them to dateutil.
            cand &= pc.match_substring_regex(arrow, r"(?:Z|[+-]\d\d:?\d\d)$").to_numpy(zero_copy_only=False)
        if not cand.any():
            continue
        got = pd.to_datetime(u[cand], format=fmt, utc=True, errors="coerce")
        ns = _as_ns(got)
        ok = ns != _NAT
        where = np.flatnonzero(cand)[ok]
        out[where] = ns[ok]
        todo[where] = False
    for i in np.flatnonzero(todo):
        t = _dateutil_parse(uniques[i], default_tz)
        if t is not pd.NaT:
            out[i] = t.as_unit("ns").value
    return out


def snowflake_timestamps(ids: pd.Series) -> pd.Series:
    """Exact creation time encoded in Twitter snowflake ids, ``NaT`` where an id is not one.

    A snowflake's top 41 bits count milliseconds since :data:`TWITTER_EPOCH_MS`. Ids that are not
    decimal integers (hashed ids) or too small to be snowflakes (before November 2010) give
    ``NaT``. Callers should check the result against another clock (the archive's minute-truncated
    ``tweet_time``) before trusting it.

    Examples
    --------
    >>> snowflake_timestamps(pd.Series(["1163474217489657856", "abc", "20"])).tolist()
    [Timestamp('2019-08-19 15:34:04.412000+0000', tz='UTC'), NaT, NaT]
    """
    text = ids.astype("string").str.strip()
    numeric = text.str.fullmatch(r"\d{1,19}").fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=ids.index, dtype="datetime64[ns, UTC]")
    if not numeric.any():
        return out
    # At most 19 digits always fit in uint64; Arrow parses them without a Python loop.
    import pyarrow as pa
    import pyarrow.compute as pc

    as_uint = pc.cast(pa.array(text[numeric].array), pa.uint64()).to_numpy(zero_copy_only=False)
    ok = as_uint < np.uint64(2**63)
    vals = np.where(ok, as_uint, 0).astype(np.int64)
    ms = (vals >> 22) + TWITTER_EPOCH_MS
    # The first snowflakes (Nov 2010) carry at least a day of milliseconds; smaller ids are the
    # sequential pre-2010 ids and carry no time.
    valid = ok & (vals >= (86_400_000 << 22))
    stamps = pd.to_datetime(np.where(valid, ms, 0), unit="ms", utc=True).as_unit("ns")
    res = pd.Series(stamps, index=text[numeric].index)
    res[~valid] = pd.NaT
    out[numeric] = res
    return out


# ---------------------------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------------------------

_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "yclid", "_ga", "ref_src"}
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def canonical_url(url: str | None) -> str | None:
    """Canonical form of one URL, so that the same page shared two ways compares equal.

    Lower-cases scheme and host, drops ``www.``, default ports, fragments, a trailing slash on the
    path, and tracking parameters (``utm_*``, ``fbclid``, ``gclid`` and kin); sorts the remaining
    query parameters; adds ``http://`` to a bare ``example.com/x``. ``http`` and ``https`` stay
    distinct (a site may serve both). Returns None for empty input.

    Examples
    --------
    >>> canonical_url("HTTPS://WWW.Example.com:443/News/?utm_source=tw&b=2&a=1#top")
    'https://example.com/News?a=1&b=2'
    >>> canonical_url("example.com/a/")
    'http://example.com/a'
    >>> canonical_url("23678")  # an opaque URL id, not a URL: kept as given
    '23678'
    """
    if url is None or (isinstance(url, float) and np.isnan(url)):
        return None
    url = str(url).strip()
    if not url:
        return None
    if "://" not in url:
        host = url.split("/", 1)[0]
        if "." not in host and ":" not in host:
            # Not a URL but an opaque URL id (pre-processed datasets): kept as given.
            return url
        url = "http://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    netloc = host
    if port is not None and str(port) != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = parts.path or ""
    if path.endswith("/"):
        path = path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
    ]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def canonicalize_urls(urls: pd.Series) -> pd.Series:
    """:func:`canonical_url` over a Series of URLs, computed once per distinct value."""
    uniques = pd.unique(urls.dropna().to_numpy(dtype=object))
    mapping = {u: canonical_url(u) for u in uniques}
    return urls.map(mapping).astype("string[pyarrow]")


@lru_cache(maxsize=1)
def _tld_extractor():
    import tldextract

    # Offline: the public-suffix snapshot shipped inside tldextract, never a download.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def domain_of(url: str | None) -> str | None:
    """Host of a URL, lower-cased, without ``www.``.

    Examples
    --------
    >>> domain_of("https://www.News.bbc.co.uk/a")
    'news.bbc.co.uk'
    """
    c = canonical_url(url)
    if c is None:
        return None
    host = urlsplit(c).hostname
    return host or None


def registered_domain_of(url: str | None) -> str | None:
    """Registered domain (public suffix plus one label) of a URL, by the Public Suffix List.

    Examples
    --------
    >>> registered_domain_of("https://forums.news.bbc.co.uk/a")
    'bbc.co.uk'
    >>> registered_domain_of("http://192.168.0.1/x")
    '192.168.0.1'
    """
    host = domain_of(url)
    if host is None:
        return None
    ext = _tld_extractor()(host)
    if not ext.suffix:
        return ext.domain or host
    return f"{ext.domain}.{ext.suffix}" if ext.domain else ext.suffix


# ---------------------------------------------------------------------------------------------
# Hashtags, mentions, text
# ---------------------------------------------------------------------------------------------


def normalize_tag(tag: str | None) -> str | None:
    """Hashtag or mention in canonical form: NFKC, casefolded, without a leading ``#``/``@``.

    Examples
    --------
    >>> normalize_tag("#ＨｏｎｇＫｏｎｇ")
    'hongkong'
    >>> normalize_tag("@StraßeNews")
    'strassenews'
    """
    if tag is None:
        return None
    t = unicodedata.normalize("NFKC", str(tag)).strip().lstrip("#@＃").casefold()
    return t or None


def normalize_tags(tags: pd.Series) -> pd.Series:
    """:func:`normalize_tag` over a Series, computed once per distinct value."""
    uniques = pd.unique(tags.dropna().to_numpy(dtype=object))
    return tags.map({u: normalize_tag(u) for u in uniques})


_RT_PREFIX = re.compile(r"^\s*RT\s+@\w+\s*:\s*", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")
_SPACE = re.compile(r"\s+")
_ASCII_HASHTAG = re.compile(r"(?<![\w&#/])#\w+")


def normalize_text(
    text: str | None,
    *,
    strip_rt: bool = True,
    strip_urls: bool = True,
    strip_mentions: bool = True,
    strip_hashtags: bool = False,
    casefold: bool = True,
) -> str:
    """Text reduced to what a copy-paste campaign keeps constant.

    NFKC-normalizes, optionally strips a leading ``RT @user:``, URLs, mentions and hashtags,
    casefolds and collapses white space. Works on any script (nothing assumes spaces between words).

    Examples
    --------
    >>> normalize_text("RT @bot1: Hong  Kong rioters https://t.co/x @cnn #HK")
    'hong kong rioters #hk'
    >>> normalize_text("香港 暴徒 https://t.co/abc")
    '香港 暴徒'
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    t = unicodedata.normalize("NFKC", str(text))
    if strip_rt:
        t = _RT_PREFIX.sub("", t)
    if strip_urls:
        t = _URL.sub(" ", t)
    if strip_mentions:
        t = _MENTION.sub(" ", t)
    if strip_hashtags:
        # Whole tags, combining marks included; ASCII text takes the cheap pattern.
        t = _ASCII_HASHTAG.sub(" ", t) if t.isascii() else _hashtag_pattern().sub(" ", t)
    if casefold:
        t = t.casefold()
    return _SPACE.sub(" ", t).strip()


def text_fingerprint(texts: pd.Series, *, min_chars: int = 1, **kwargs) -> pd.Series:
    """Exact-duplicate fingerprint of each text after :func:`normalize_text`.

    Texts whose normalized form is shorter than `min_chars` get ``<NA>`` (no fingerprint), so that
    empty or trivially short texts never count as copies of each other.

    Examples
    --------
    >>> text_fingerprint(pd.Series(["RT @a: Same text!", "same   TEXT! https://t.co/1", ""])).tolist()
    ['same text!', 'same text!', <NA>]
    """
    uniques = pd.unique(texts.dropna().to_numpy(dtype=object))
    mapping = {}
    for u in uniques:
        n = normalize_text(u, **kwargs)
        mapping[u] = n if len(n) >= max(min_chars, 1) else None
    return texts.map(mapping).astype("string[pyarrow]")


_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_NOT_A_TAG = re.compile(r"[\d_\u200c\u200d]+")  # digits only (no letter or mark): "#2021"


@lru_cache(maxsize=1)
def _hashtag_pattern() -> re.Pattern:
    """``#tag`` in any script: letters, digits, ``_``, combining marks and ZWJ/ZWNJ."""
    ranges, start, prev = [], None, None
    for cp in range(0x110000):
        if unicodedata.category(chr(cp))[0] == "M":
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            ranges.append((start, prev))
            start = None
    marks = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                    for a, b in ranges)
    body = rf"\w{marks}\u200c\u200d"
    return re.compile(rf"(?<![\w{marks}&#＃/])[#＃]([{body}]+)")


def extract_hashtags(texts: pd.Series) -> pd.Series:
    """Hashtags written in free text (as lists, in order), once per distinct text.

    A tag needs more than digits and ``_`` (``#2021`` is not a hashtag); ``#`` inside a word,
    an HTML entity (``&#39;``) or a URL does not start one. Scripts with combining marks
    (Devanagari, Thai...) keep their whole tag.

    Examples
    --------
    >>> extract_hashtags(pd.Series(["Stand with #HongKong & #香港 #2021 https://x.com/#frag", None])).tolist()
    [['HongKong', '香港'], []]
    """
    pattern = _hashtag_pattern()
    cache: dict[str, list[str]] = {}

    def one(t) -> list[str]:
        if not isinstance(t, str) or ("#" not in t and "＃" not in t):
            return []
        got = cache.get(t)
        if got is None:
            bare = _URL_IN_TEXT.sub(" ", t) if ("://" in t or "www." in t or "WWW." in t) else t
            got = [f for f in pattern.findall(bare) if not _NOT_A_TAG.fullmatch(f)]
            cache[t] = got
        return got

    return pd.Series([one(t) for t in texts.to_numpy(dtype=object)], index=texts.index, dtype=object)


# ---------------------------------------------------------------------------------------------
# List-like cells
# ---------------------------------------------------------------------------------------------


def _parse_one_list(cell: str) -> list[str]:
    c = cell.strip()
    if not c or c in ("[]", "None", "nan", "NaN", "null"):
        return []
    if c[0] == "[" and c[-1] == "]":
        inner = c[1:-1].strip()
        if not inner:
            return []
        if inner[0] in "'\"":
            try:  # literal_eval parses literals only: it never runs code.
                got = ast.literal_eval(c)
                return [str(x) for x in got if x is not None and str(x) != ""]
            except (ValueError, SyntaxError):
                try:
                    got = json.loads(c)
                    return [str(x) for x in got if x is not None and str(x) != ""]
                except ValueError:
                    pass
        parts = inner.split(",")
    else:
        parts = re.split(r"[,\s|;]+", c)
    return [p.strip().strip("'\"").strip() for p in parts if p.strip().strip("'\"").strip()]


def parse_list_cells(cells: pd.Series) -> pd.Series:
    """Parse list-like cells (``['hk', 'news']``, ``[hk, news]``, ``hk,news``) to lists of strings.

    Cells are parsed as data, never evaluated as code. Missing and empty cells become ``[]``.
    Lists already present (from JSON sources) pass through.

    Examples
    --------
    >>> parse_list_cells(pd.Series(["['hk', 'news']", "[HK, 香港]", "", None, "a b"])).tolist()
    [['hk', 'news'], ['HK', '香港'], [], [], ['a', 'b']]
    """
    out = []
    cache: dict[str, list[str]] = {}
    for cell in cells.to_numpy(dtype=object):
        if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell is pd.NA:
            out.append([])
        elif isinstance(cell, (list, tuple, np.ndarray)):
            out.append([str(x) for x in cell if x is not None and str(x) != ""])
        else:
            got = cache.get(cell)
            if got is None:
                got = _parse_one_list(str(cell))
                if len(cache) < 1_000_000:
                    cache[cell] = got
            out.append(got)
    return pd.Series(out, index=cells.index, dtype=object)
