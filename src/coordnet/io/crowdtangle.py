"""Read CrowdTangle CSV exports and Meta Content Library CSV files (Facebook and Instagram).

Two layouts are recognised from the header of each file:

- CrowdTangle historical-data / saved-search exports (``Page Name``, ``User Name``,
  ``Facebook Id``, ``Post Created``, ``Type``, ``Message``, ``Link``, ``Final Link``, ...).
  ``Post Created`` carries the zone of the CrowdTangle user who exported the file, as an
  abbreviation (``2021-03-01 10:15:00 EST``); it is mapped to a fixed offset explicitly.
- Meta Content Library / Content Library API results written as CSV with dotted field names
  (``id``, ``creation_time``, ``text``, ``post_owner.id``, ``post_owner.name``,
  ``link_attachment.link``, ``shared_post_id``, ``statistics.*``...).

Any other layout can be read by naming its columns with ``columns=``.
"""

from __future__ import annotations

import ast
import json
import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..dataset import ROW_COL, SOURCE_COL, Dataset
from ..errors import ParameterError, SchemaError
from ..normalize import extract_hashtags, parse_list_cells, parse_timestamps
from ..schema import POST_COLUMNS
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

__all__ = ["CROWDTANGLE_ZONES", "read_crowdtangle"]

_READER = "read_crowdtangle"

#: Offsets of the zone abbreviations CrowdTangle writes after ``Post Created``. The ambiguous
#: ``CST`` is US Central (not China); pass ``zones=`` to read others (``IST``, ``BST``...).
CROWDTANGLE_ZONES: dict[str, str] = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00",
    "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00",
    "MST": "-07:00", "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00",
    "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00",
    "WET": "+00:00", "WEST": "+01:00", "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00",
    "EEST": "+03:00",
}

# Canonical field -> candidate source columns, first present column wins (urls: every present
# column, first non-empty value per row).
_CT_COLUMNS: dict[str, tuple[str, ...]] = {
    "post_id": ("URL", "Post URL", "Post Id", "Post ID"),
    "account_id": ("Facebook Id", "Facebook ID", "User Name"),
    "timestamp": ("Post Created", "Created"),
    "text": ("Message", "Description"),
    "urls": ("Final Link", "Link"),
    "screen_name": ("User Name",),
    "display_name": ("Page Name", "Group Name", "Account"),
    "created_at": ("Page Created",),
    "followers": ("Followers at Posting",),
    "description": ("Page Description",),
}
_MCL_COLUMNS: dict[str, tuple[str, ...]] = {
    "post_id": ("id",),
    "account_id": ("post_owner.id", "post_owner.data.id"),
    "timestamp": ("creation_time",),
    "text": ("text",),
    "lang": ("lang",),
    "urls": ("link_attachment.link", "link_attachment_fields.link"),
    "ref_post_id": ("shared_post_id",),
    "hashtags": ("hashtags",),
    "media": ("multimedia.id", "multimedia"),
    "screen_name": ("post_owner.username", "post_owner.data.username"),
    "display_name": ("post_owner.name", "post_owner.data.name"),
    "account_type": ("post_owner.type", "post_owner.data.type"),
}
_OVERRIDABLE = ("post_id", "account_id", "timestamp", "text", "urls", "hashtags", "media", "lang",
                "kind", "ref_post_id", "screen_name", "display_name", "created_at", "followers",
                "description")
_COALESCED = ("urls",)
# Source columns whose values become canonical ones and are not kept again as extras.
_CONSUMED = ("post_id", "account_id", "timestamp", "text")
_CT_COUNTS = ("Likes at Posting", "Followers at Posting", "Total Interactions", "Likes", "Comments",
              "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Care", "Thankful", "Post Views",
              "Total Views", "Total Views For All Crossposts", "Views")
_CT_ACCOUNT_EXTRAS = ("Page Category", "Page Admin Top Country", "Likes at Posting")
_IG_OWNER_TYPES = {"business", "creator", "personal"}
_SHARE_WORDS = {"share", "shared", "reshare", "reshares", "shared_post", "share_post"}
# Any value ending in letters after its last digit (or after AM/PM) names its zone by abbreviation.
# Every such value is mapped here: a date parser would read an abbreviation it does not know as
# naive time, silently shifting it by hours.
_ZONED = re.compile(r"^\s*(?P<dt>.*?\d(?:\s*[AaPp]\.?[Mm]\.?)?)\s*(?P<zone>[A-Za-z]{1,5})\s*$")
_MERIDIEM = pa.array(["AM", "PM"], pa.string())
_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")


def read_crowdtangle(
    paths: Paths,
    *,
    errors: ErrorMode = "collect",
    columns: Mapping[str, str | Sequence[str]] | None = None,
    platform: str | None = None,
    zones: Mapping[str, str] | None = None,
    default_tz: str = "UTC",
) -> Dataset:
    """Read CrowdTangle or Meta Content Library CSV files into a :class:`~coordnet.dataset.Dataset`.

    Every cell is read as text, so ids of any length stay exact and quoted commas and newlines in
    messages are kept. The layout is recognised per file from its header (see the module notes
    and ``docs/readers/crowdtangle.md`` for the full column mapping).

    Parameters
    ----------
    paths : str, Path or list of them
        CSV files, folders or globs; ``.gz`` files and ``.zip`` archives of CSVs are opened
        transparently.
    errors : {"collect", "raise"}, default="collect"
        A malformed CSV row, a timestamp that cannot be read or an unknown zone abbreviation is
        listed in :attr:`Dataset.rejects` with file and row, or raises with ``"raise"``.
    columns : dict, optional
        Source column(s) for canonical fields, overriding the detected ones, e.g.
        ``{"post_id": "Post Id", "urls": ["Final Link", "Link"]}``. A list is read as "first
        non-empty value per row". Keys: post_id, account_id, timestamp, text, urls, hashtags,
        media, lang, kind, ref_post_id, screen_name, display_name, created_at, followers,
        description.
    platform : {"facebook", "instagram"}, optional
        Platform of every post. By default it is told per post: ``instagram`` when the post URL
        is on instagram.com (or a Content Library owner is an Instagram account type), else
        ``facebook``.
    zones : dict, optional
        Extra or replacement zone abbreviations and their offsets, e.g. ``{"IST": "+05:30"}``;
        merged over :data:`CROWDTANGLE_ZONES`.
    default_tz : str, default="UTC"
        IANA zone of timestamps written with no zone at all (``Page Created``, ``Post Created
        Date`` with ``Post Created Time``, naive Content Library times).

    Returns
    -------
    Dataset
        ``timestamp_precision`` is ``"s"``. CrowdTangle columns not mapped (``Type``,
        ``Total Interactions``, ``Likes``, ``Link``, ``Image Text``, ``Sponsor Id``...) are kept as
        extra post columns under their own names; counts become ``Int64``.

    Raises
    ------
    SchemaError
        The header fits neither layout and `columns` does not name the missing fields; or a named
        column is absent.
    ReadError
        A file is not CSV, or (``errors="raise"``) a row is malformed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> csv = ('Page Name,User Name,Facebook Id,Post Created,Type,Message,Link,Final Link,URL\\n'
    ...        'News 24,news24,100044187349041,2021-03-01 10:15:00 EST,Link,"Read, share #Breaking",'
    ...        'https://bit.ly/x,https://news.example.com/a,https://www.facebook.com/news24/posts/1\\n')
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "ct.csv"
    ...     _ = path.write_text(csv)
    ...     ds = read_crowdtangle(path)
    >>> p = ds.posts.iloc[0]
    >>> p["account_id"], str(p["timestamp"]), p["urls"], p["hashtags"], p["platform"], p["Type"]
    ('100044187349041', '2021-03-01 15:15:00+00:00', ['https://news.example.com/a'], ['breaking'], 'facebook', 'Link')
    """
    check_errors(errors, _READER)
    overrides = _check_columns(columns)
    if platform is not None and platform not in ("facebook", "instagram"):
        raise ParameterError(f"The 'platform' parameter of {_READER} must be None, 'facebook' or "
                             f"'instagram'. Got {platform!r} instead.", name="platform", value=platform)
    zone_map = _zone_map(zones)
    files = expand_paths(paths, reader=_READER)
    posts, accounts, rejects = [], [], []
    for path in files:
        df, rej = read_csv_text(Path(path), errors=errors, reader=_READER)
        rejects.append(rej)
        p, a, r = _map_file(df, str(path), overrides, platform, zone_map, default_tz, errors)
        posts.append(p)
        accounts.append(a)
        rejects.append(r)
    posts_df = pd.concat(posts, ignore_index=True) if len(posts) > 1 else posts[0]
    accounts_df = pd.concat(accounts, ignore_index=True) if len(accounts) > 1 else accounts[0]
    # Several rows describe one account: the latest post's row comes first, so its values win.
    order = np.lexsort((accounts_df[ROW_COL].to_numpy(), _latest_first(accounts_df.pop("_ts"))))
    accounts_df = accounts_df.iloc[order].reset_index(drop=True)
    source = str(files[0]) if len(files) == 1 else _READER
    return Dataset(posts_df, accounts_df, source=source, errors=errors, rejects=concat_rejects(rejects))


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


def _check_columns(columns: Mapping[str, str | Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise ParameterError(f"The 'columns' parameter of {_READER} must be a dict of canonical field "
                             f"to source column(s). Got {type(columns).__name__} instead.",
                             name="columns", value=columns)
    out = {}
    for key, value in columns.items():
        if key not in _OVERRIDABLE:
            raise ParameterError(f"The 'columns' parameter of {_READER} takes keys from "
                                 f"{list(_OVERRIDABLE)}. Got {key!r} instead.", name="columns", value=columns)
        cols = (value,) if isinstance(value, str) else tuple(value)
        if not cols or not all(isinstance(c, str) for c in cols):
            raise ParameterError(f"The 'columns' parameter of {_READER} maps {key!r} to a column name or "
                                 f"a list of names. Got {value!r} instead.", name="columns", value=columns)
        out[key] = cols
    return out


def _zone_map(zones: Mapping[str, str] | None) -> dict[str, str]:
    out = dict(CROWDTANGLE_ZONES)
    for abbr, offset in (zones or {}).items():
        if not isinstance(offset, str) or not _OFFSET.match(offset):
            raise ParameterError(f"The 'zones' parameter of {_READER} maps abbreviations to offsets like "
                                 f"'+05:30' or '-04:00'. Got {abbr!r}: {offset!r} instead.",
                                 name="zones", value=zones)
        out[str(abbr).upper()] = offset
    return out


# ---------------------------------------------------------------------------------------------
# One file
# ---------------------------------------------------------------------------------------------


def _map_file(df: pd.DataFrame, source: str, overrides: dict[str, tuple[str, ...]],
              platform: str | None, zones: dict[str, str], default_tz: str,
              errors: ErrorMode) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    header = [c for c in df.columns if c not in (SOURCE_COL, ROW_COL)]
    layout = _layout(header)
    table = _CT_COLUMNS if layout == "crowdtangle" else _MCL_COLUMNS
    resolved: dict[str, tuple[str, ...]] = {}
    for key, candidates in table.items():
        present = tuple(c for c in candidates if c in df.columns)
        if present:
            resolved[key] = present if key in _COALESCED else present[:1]
    for key, cols in overrides.items():
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise SchemaError(f"{source}: column(s) {missing} named for {key!r} in columns= are not in the "
                              f"file. Got columns {header}.", source=source, column=missing[0])
        resolved[key] = cols
    for key in ("post_id", "account_id"):
        if key not in resolved:
            raise SchemaError(
                f"{source}: no column for {key!r}. Expected one of {list(table[key])} "
                f"({'CrowdTangle' if layout == 'crowdtangle' else 'Meta Content Library'} layout), or "
                f"name it with columns={{{key!r}: ...}}. Got columns {header}.", source=source, column=key)
    if "timestamp" not in resolved and not (layout == "crowdtangle" and "Post Created Date" in df.columns):
        raise SchemaError(
            f"{source}: no column for 'timestamp'. Expected one of {list(table['timestamp'])}, or name it "
            f"with columns={{'timestamp': ...}}. Got columns {header}.", source=source, column="timestamp")
    get = {key: _coalesce(df, cols) for key, cols in resolved.items()}

    # Timestamps: abbreviations to offsets; rows with an unknown abbreviation are set aside here.
    raw_ts = get.get("timestamp", pd.Series(pd.NA, index=df.index, dtype="string"))
    if layout == "crowdtangle" and "Post Created Date" in df.columns and "timestamp" not in overrides:
        date_time = df["Post Created Date"]
        if "Post Created Time" in df.columns:
            date_time = date_time + " " + df["Post Created Time"].fillna("00:00:00")
        raw_ts = raw_ts.fillna(date_time)
    ts, unknown = _parse_zoned(raw_ts, zones, default_tz)
    ts_col = resolved.get("timestamp", ("Post Created Date",))[0]
    rejects = []
    if unknown.notna().any():
        bad = unknown.notna()
        recs = [dict(source=source, row=int(r), column=ts_col, value=v, post_id=pid,
                     reason=f"unknown time zone abbreviation {z!r} in column '{ts_col}'; known: "
                            f"{sorted(zones)}. Pass zones={{{z!r}: '+HH:MM'}} to read it.")
                for r, v, z, pid in zip(df.loc[bad, ROW_COL], raw_ts[bad], unknown[bad],
                                        get["post_id"][bad], strict=True)]
        if errors == "raise":
            first = recs[0]
            raise SchemaError(f"{source}, row {first['row']:,}: {first['reason']}", source=source,
                              row=first["row"], column=ts_col, value=first["value"])
        rejects.append(reject_records(recs, table="posts"))
        keep = ~bad
        df, raw_ts, ts = df.loc[keep], raw_ts[keep], ts[keep]
        get = {k: v[keep] for k, v in get.items()}
    timestamp = ts
    if (ts.isna() & raw_ts.notna()).any():  # passed on as given: the Dataset lists them
        timestamp = ts.astype(object).where(ts.notna(), raw_ts.astype(object))

    text = get.get("text", pd.Series(pd.NA, index=df.index, dtype="string"))
    hashtags = extract_hashtags(text)
    if "hashtags" in get:
        listed = parse_list_cells(get["hashtags"])
        hashtags = listed.where(listed.map(len) > 0, hashtags)
    kind = _kind(df, get, layout)
    posts = pd.DataFrame({
        "post_id": get["post_id"], "account_id": get["account_id"], "timestamp": timestamp,
        "kind": kind, "ref_post_id": get.get("ref_post_id"), "text": text,
        "urls": _as_lists(get["urls"]) if "urls" in get else None,
        "hashtags": hashtags, "media": _media(get["media"]) if "media" in get else None,
        "lang": get.get("lang"), "platform": _platform(df, get, platform),
        "timestamp_precision": "s",
    }, index=df.index)
    posts = posts.drop(columns=[c for c in posts.columns if posts[c].isna().all() and c in
                                ("ref_post_id", "urls", "media", "lang")])
    consumed = {c for key in _CONSUMED for c in resolved.get(key, ())}
    consumed |= {c for cols in resolved.values() for c in cols if c in POST_COLUMNS}
    for c in header:
        if c in consumed:
            continue
        name = c if c not in POST_COLUMNS else f"source_{c}"
        posts[name] = df[c]
    posts[SOURCE_COL] = df[SOURCE_COL]
    posts[ROW_COL] = df[ROW_COL]
    posts = posts.reset_index(drop=True)
    rejects.append(_counts(posts, layout))

    accounts = pd.DataFrame({"account_id": get["account_id"]}, index=df.index)
    for key in ("screen_name", "display_name", "description", "followers", "account_type"):
        if key in get:
            accounts[key] = get[key]
    if "followers" in accounts:  # "1,500": the Dataset reads the number and lists what is not one
        accounts["followers"] = accounts["followers"].str.replace(",", "", regex=False)
    if "created_at" in get:
        created, unknown_zone = _parse_zoned(get["created_at"], zones, default_tz)
        raw = get["created_at"].astype(object).where(unknown_zone.isna(), None)  # never guessed
        accounts["created_at"] = created.astype(object).where(created.notna(), raw)
    if layout == "crowdtangle":
        for c in _CT_ACCOUNT_EXTRAS:
            if c in df.columns:
                accounts[c] = _to_int(df[c])[0] if c in _CT_COUNTS else df[c]
    accounts["_ts"] = ts
    accounts[SOURCE_COL] = df[SOURCE_COL]
    accounts[ROW_COL] = df[ROW_COL]
    accounts = accounts.loc[accounts["account_id"].notna()]  # the post is listed already
    logger.info("%s: %d rows read as %s", source, len(posts), layout)
    return posts, accounts.reset_index(drop=True), concat_rejects(rejects)


def _layout(header: list[str]) -> str:
    if "creation_time" in header or any(c.startswith("post_owner.") for c in header):
        return "meta_content_library"
    return "crowdtangle"


def _coalesce(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.Series:
    out = df[cols[0]].astype("string").str.strip()
    for c in cols[1:]:
        out = out.fillna(df[c].astype("string").str.strip())
    return out.mask(out == "")


def _parse_zoned(values: pd.Series, zones: dict[str, str], default_tz: str) -> tuple[pd.Series, pd.Series]:
    """Parse timestamps whose zone may be an abbreviation; return (UTC times, unknown abbreviation).

    ``2021-03-01 10:15:00 EST`` becomes ``2021-03-01 10:15:00-05:00`` before parsing (in Arrow,
    without a Python loop); values without an abbreviation are parsed as they are.
    """
    arr = pa.array(values.astype("string").to_numpy(dtype=object, na_value=None), type=pa.string())
    ext = pc.extract_regex(arr, pattern=_ZONED.pattern)
    dt, zone = pc.struct_field(ext, "dt"), pc.utf8_upper(pc.struct_field(ext, "zone"))
    zone = pc.if_else(pc.is_in(zone, value_set=_MERIDIEM), pa.scalar(None, pa.string()), zone)
    offset = pc.take(pa.array(list(zones.values()), pa.string()),
                     pc.index_in(zone, value_set=pa.array(list(zones), pa.string())))
    has_zone = pc.is_valid(zone)
    converted = pc.if_else(has_zone, pc.binary_join_element_wise(dt, offset, ""), arr)
    unknown = pc.if_else(pc.and_(has_zone, pc.is_null(offset)), zone, pa.scalar(None, pa.string()))

    def as_series(a: pa.Array) -> pd.Series:
        return pd.Series(pd.arrays.ArrowStringArray(a), index=values.index, dtype="string[pyarrow]")

    return parse_timestamps(as_series(converted), default_tz=default_tz), as_series(unknown)


def _latest_first(ts: pd.Series) -> np.ndarray:
    """Sort key putting the latest timestamp first and missing ones last."""
    ns = ts.dt.as_unit("ns").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view("int64")
    return np.where(ts.isna().to_numpy(), np.iinfo(np.int64).max, -ns)


def _to_int(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Counts as Int64 ("1,234" -> 1234); the mask of values that are not whole numbers."""
    s = values.astype("string").str.replace(",", "", regex=False).str.strip()
    num = pd.to_numeric(s.mask(s == ""), errors="coerce")
    whole = num.where(num % 1 == 0)
    bad = whole.isna() & s.notna() & (s != "")
    return whole.astype("Int64"), bad


def _counts(posts: pd.DataFrame, layout: str) -> pd.DataFrame:
    """Count columns to Int64 in place; values that are not whole numbers are cleared and listed."""
    recs = []
    for c in posts.columns:
        if (layout == "crowdtangle" and c in _CT_COUNTS) or (
                layout != "crowdtangle" and c.startswith("statistics.") and c.endswith(("_count", "views"))):
            num, bad = _to_int(posts[c])
            for i in np.flatnonzero(bad.to_numpy()):
                recs.append(dict(source=posts[SOURCE_COL].iloc[i], row=int(posts[ROW_COL].iloc[i]),
                                 column=c, value=str(posts[c].iloc[i]),
                                 post_id=posts["post_id"].iloc[i], action="cleared",
                                 reason=f"column '{c}' is not a whole number; post kept, value cleared"))
            posts[c] = num
    return reject_records(recs, table="posts", action="cleared")


def _kind(df: pd.DataFrame, get: dict[str, pd.Series], layout: str) -> pd.Series:
    if "kind" in get:
        return get["kind"]
    kind = pd.Series("post", index=df.index, dtype=object)
    if layout == "crowdtangle":
        if "Video Share Status" in df.columns:
            share = df["Video Share Status"].astype("string").str.strip().str.lower().isin(_SHARE_WORDS)
            kind[share.fillna(False).to_numpy(dtype=bool)] = "repost"
    else:
        shared = get["ref_post_id"].notna() if "ref_post_id" in get else pd.Series(False, index=df.index)
        for c in ("content_type", "media_type"):
            if c in df.columns:
                shared |= df[c].astype("string").str.strip().str.lower().isin(_SHARE_WORDS).fillna(False)
        kind[shared.to_numpy(dtype=bool)] = "repost"
    return kind


def _platform(df: pd.DataFrame, get: dict[str, pd.Series], platform: str | None) -> pd.Series:
    if platform is not None:
        return pd.Series(platform, index=df.index, dtype=object)
    on_instagram = r"^https?://(?:www\.)?instagram\.com/"
    ig = get["post_id"].str.contains(on_instagram, case=False, regex=True).fillna(False)
    for c in ("mcl_url",):
        if c in df.columns:
            ig |= df[c].astype("string").str.contains("instagram.com", case=False, regex=False).fillna(False)
    if "account_type" in get:
        ig |= get["account_type"].str.lower().isin(_IG_OWNER_TYPES).fillna(False)
    return pd.Series(np.where(ig.to_numpy(dtype=bool), "instagram", "facebook"), index=df.index)


def _media(values: pd.Series) -> pd.Series:
    """Media ids from list-like cells, or from JSON/Python lists of {"id"/"url": ...} objects."""
    uniques = pd.unique(values.dropna().to_numpy(dtype=object))
    mapping = {}
    for u in uniques:
        got = None
        for parse in (json.loads, ast.literal_eval):
            try:
                got = parse(u)
                break
            except (ValueError, SyntaxError, TypeError):
                continue
        if isinstance(got, dict):
            got = [got]
        if isinstance(got, list) and any(isinstance(x, dict) for x in got):
            mapping[u] = [str(x.get("id") or x.get("url")) for x in got
                          if isinstance(x, dict) and (x.get("id") or x.get("url"))]
        else:
            mapping[u] = parse_list_cells(pd.Series([u])).iloc[0]
    return pd.Series([[] if v is None else mapping[v] for v in values.to_numpy(dtype=object, na_value=None)],
                     index=values.index, dtype=object)


def _as_lists(values: pd.Series) -> pd.Series:
    """Each value as a one-element list, missing as an empty list (object dtype, never Arrow null lists)."""
    return pd.Series([[] if v is None else [v] for v in values.to_numpy(dtype=object, na_value=None)],
                     index=values.index, dtype=object)


# ---------------------------------------------------------------------------------------------
# Hashtags in free text
# ---------------------------------------------------------------------------------------------

