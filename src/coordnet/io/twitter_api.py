"""Read Twitter/X API output: API v2 (as written by twarc2) and API v1.1 JSON.

Accepted per file (plain, ``.gz``, or every ``.json``/``.jsonl`` member of a ``.zip``):

- JSON lines, each line one of: an API v2 response page ``{"data": [...], "includes": {...},
  "meta": ...}`` (``twarc2 search`` output), a flattened v2 tweet (``twarc2 flatten`` output, one
  tweet per line with ``author`` and expanded ``referenced_tweets``), or an API v1.1 status (one
  status per line, ``id_str``, ``user``, ``retweeted_status``...). The kind is detected per line.
- One JSON document: a page, a tweet, or a list of pages or tweets.

Rows are numbered for rejects by line (JSON lines) or by item (a JSON document: the 1-based index of
the item in the top-level list, or of the tweet in ``data`` for a single page).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from ..dataset import ROW_COL, SOURCE_COL, Dataset
from ..errors import ReadError
from ..normalize import parse_timestamps, snowflake_timestamps
from ._common import (
    ErrorMode,
    Paths,
    check_errors,
    concat_rejects,
    expand_paths,
    gc_paused,
    open_members,
    reject_records,
)

logger = logging.getLogger(__name__)

__all__ = ["read_twitter_api"]

_READER = "read_twitter_api"
_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz", ".txt")
_TAG = re.compile(r"<[^>]+>")
# Media type -> prefix of the v2 media_key ("3_<id>" photo, "7_<id>" video, "16_<id>" GIF), so that
# v1.1 media get the same key as the same media seen through API v2.
_MEDIA_PREFIX = {"photo": "3", "video": "7", "animated_gif": "16"}
_EMPTY_PAGE_KEYS = {"meta", "errors", "includes", "__twarc", "title", "detail", "type", "status"}
_STREAM_NOTICES = {"delete", "limit", "scrub_geo", "status_withheld", "user_withheld", "disconnect",
                   "warning", "friends", "event"}
_KIND_OF_REF = {"retweeted": "repost", "quoted": "quote", "replied_to": "reply"}

_POST_FIELDS = (
    "post_id", "account_id", "created_at", "kind", "ref_post_id", "ref_account_id", "text", "urls",
    "hashtags", "mentions", "media", "lang", "client", "conversation_id", "reply_to_post_id",
    "reply_to_account_id", "quoted_post_id", "retweet_count", "reply_count", "like_count",
    "quote_count", "api_version", SOURCE_COL, ROW_COL,
)
_COUNT_FIELDS = ("retweet_count", "reply_count", "like_count", "quote_count")
_ACCOUNT_FIELDS = (
    "account_id", "screen_name", "display_name", "created_at", "followers", "following",
    "description", "location", "lang", "verified", "protected", "tweet_count", "listed_count",
    SOURCE_COL, ROW_COL,
)


def read_twitter_api(paths: Paths, *, errors: ErrorMode = "collect") -> Dataset:
    """Read Twitter API v2 (twarc2) and v1.1 JSON into a :class:`~coordnet.dataset.Dataset`.

    Tweets are the tweets of the collection: those in a page's ``data`` (v2), the flattened tweets,
    and the v1.1 statuses. Tweets that only appear as referenced (v2 ``includes.tweets``, v1.1
    ``retweeted_status``/``quoted_status``) are not posts: they give ``ref_account_id`` and their
    authors' profiles, nothing more. Ids stay exact strings (v1.1 ``id_str``; a bare JSON number is
    written out as an integer, never through a float). Where the tweet id is a snowflake whose time
    agrees with ``created_at`` to the second, the timestamp is the snowflake's millisecond and
    ``timestamp_precision`` is ``"ms"``; otherwise ``created_at`` to the second (``"s"``).

    Parameters
    ----------
    paths : str, Path or list of them
        Files, folders or globs; ``.gz`` files and ``.zip`` archives are opened transparently.
    errors : {"collect", "raise"}, default="collect"
        A line that is not JSON (or an item that is not a tweet) is listed in
        :attr:`Dataset.rejects` with file, line and reason, or raises
        :class:`~coordnet.errors.ReadError` with ``"raise"``. A file with no JSON at all always
        raises.

    Returns
    -------
    Dataset
        ``platform`` is ``"twitter"``. Extra post columns: ``conversation_id`` (v2),
        ``reply_to_post_id``, ``reply_to_account_id``, ``quoted_post_id`` (kept even when
        ``kind`` says otherwise, e.g. a reply that quotes), ``retweet_count``, ``reply_count``,
        ``like_count``, ``quote_count`` and ``api_version`` (``"2"`` or ``"1.1"``). Extra account
        columns: ``verified``, ``protected``, ``tweet_count``, ``listed_count``.

    Raises
    ------
    ReadError
        A file is not JSON at all, or (``errors="raise"``) a line is not JSON or not a tweet.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> page = {"data": [{"id": "1163474217489657856", "author_id": "42",
    ...                   "created_at": "2019-08-19T15:34:04.000Z", "text": "RT @hk: #HongKong",
    ...                   "referenced_tweets": [{"type": "retweeted", "id": "1163400000000000000"}],
    ...                   "entities": {"hashtags": [{"tag": "HongKong"}]}}],
    ...         "includes": {"users": [{"id": "42", "username": "Bot_1"}],
    ...                      "tweets": [{"id": "1163400000000000000", "author_id": "7"}]}}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "search.jsonl"
    ...     _ = path.write_text(json.dumps(page) + "\\n")
    ...     ds = read_twitter_api(path)
    >>> ds.posts.loc[0, ["post_id", "kind", "ref_post_id", "ref_account_id"]].tolist()
    ['1163474217489657856', 'repost', '1163400000000000000', '7']
    >>> ds.posts.loc[0, "hashtags"], ds.accounts["screen_name"].tolist()
    (['hongkong'], ['Bot_1'])
    >>> ds.posts[["timestamp", "timestamp_precision"]].iloc[0].tolist()
    [Timestamp('2019-08-19 15:34:04.412000+0000', tz='UTC'), 'ms']
    """
    check_errors(errors, _READER)
    files = expand_paths(paths, reader=_READER)
    col = _Collector()
    rejects: list[pd.DataFrame] = []
    with gc_paused():
        for path in files:
            with open_members(Path(path), suffixes=_SUFFIXES) as members:
                for source, stream in members:
                    rejects.append(_read_stream(stream, source, col, errors))
        posts, accounts = col.frames()
    posts = _resolve_timestamps(posts)
    source = str(files[0]) if len(files) == 1 else _READER
    logger.info("%s: %d tweets and %d user records from %d file(s)", _READER, len(posts),
                len(accounts), len(files))
    return Dataset(posts, accounts, source=source, errors=errors, rejects=concat_rejects(rejects))


# ---------------------------------------------------------------------------------------------
# Reading files into items
# ---------------------------------------------------------------------------------------------





def _read_stream(stream: IO[bytes], source: str, col: _Collector, errors: ErrorMode) -> pd.DataFrame:
    """Parse one file; feed its tweets to `col`; return the rejects it produced.

    JSON lines are read one line at a time. A file whose first line is not a complete JSON
    object (a pretty-printed document, a one-line list) is read whole and parsed as one document.
    """
    bad: list[dict] = []
    lines = _decoded_lines(stream, source)
    head: list[tuple[int, str]] = []
    for n, line in lines:
        head.append((n, line))
        if line.strip():
            break
    else:
        logger.warning("%s: empty file, no tweets", source)
        return concat_rejects([])
    first = head[-1][1].strip()
    first_obj = _NOT_A_DOCUMENT
    if first[0] == "{":
        try:
            first_obj = json.loads(first)
        except json.JSONDecodeError:
            pass
    items: Iterator[tuple[int, Any, bool]]
    if first[0] in "[{" and first_obj is _NOT_A_DOCUMENT:
        numbered = head + list(lines)
        doc = _as_document("".join(line for _, line in numbered).strip())
        items = _document_items(doc) if doc is not _NOT_A_DOCUMENT else \
            _line_items(numbered, source, bad, errors)
    else:
        items = _line_items(chain(head, lines), source, bad, errors)
    for row, obj, per_item in items:
        _dispatch(obj, source, row, per_item, col, bad, errors)
    return reject_records(bad, table="posts")


def _decoded_lines(stream: IO[bytes], source: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, text) for each line of a UTF-8 stream (a leading BOM is dropped)."""
    for n, raw in enumerate(stream, 1):
        try:
            yield n, raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise ReadError(f"{source}, line {n:,}: not UTF-8 text ({exc.reason} at byte {exc.start:,} of "
                            "the line); expected Twitter API JSON or JSON lines.", source=source, row=n) from exc


_NOT_A_DOCUMENT = object()


def _as_document(stripped: str) -> Any:
    """The whole text as one JSON value, or _NOT_A_DOCUMENT (JSON lines, or not JSON)."""
    if stripped[0] not in "[{":
        return _NOT_A_DOCUMENT
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        return _NOT_A_DOCUMENT


def _document_items(doc: Any) -> Iterator[tuple[int, Any, bool]]:
    """Items of a JSON document: (1-based item index, object, rows-are-items)."""
    if isinstance(doc, list):
        for i, obj in enumerate(doc, 1):
            yield i, obj, False
    else:
        yield 1, doc, True


def _line_items(lines: Iterable[tuple[int, str]], source: str, bad: list[dict],
                errors: ErrorMode) -> Iterator[tuple[int, Any, bool]]:
    """Items of JSON lines: (line number, parsed value, False). Unparseable lines go to `bad`."""
    good = False
    first_error: tuple[int, str] | None = None
    pending: list[dict] = []
    for n, line in lines:
        s = line.strip()
        if not s:
            continue
        try:
            obj = json.loads(s)
        except json.JSONDecodeError as exc:
            msg = f"not valid JSON: {exc.msg} (column {exc.colno})"
            if errors == "raise":
                raise ReadError(f"{source}, line {n:,}: {msg}. Expected one JSON object per line "
                                "(twarc2 output or API v1.1 statuses).", source=source, row=n) from exc
            first_error = first_error or (n, msg)
            pending.append(dict(source=source, row=n, value=s[:200], reason=msg))
            continue
        good = good or isinstance(obj, (dict, list))
        yield n, obj, False
    if not good and first_error is not None:
        m, msg = first_error
        raise ReadError(
            f"{source}: not JSON. Line {m:,} is {msg}, and no line holds a JSON object. Expected "
            "Twitter API output: twarc2 JSON lines (one response page per line), one tweet per line, "
            "API v1.1 statuses, or one JSON document.", source=source, row=m,
        )
    bad.extend(pending)


def _dispatch(obj: Any, source: str, row: int, per_item: bool, col: _Collector, bad: list[dict],
              errors: ErrorMode) -> None:
    """Route one JSON value: a v2 page, a v2 tweet, a v1.1 status, or a list of those."""
    if isinstance(obj, list):
        for item in obj:
            _dispatch(item, source, row, False, col, bad, errors)
        return
    if not isinstance(obj, dict):
        _bad_item(bad, source, row, repr(obj)[:200], "not a JSON object; expected a tweet or an API "
                  "response page", errors)
        return
    if "data" in obj:
        data = obj["data"]
        data = [data] if isinstance(data, dict) else data
        if not isinstance(data, list):
            _bad_item(bad, source, row, repr(data)[:200], "'data' is neither a tweet nor a list of "
                      "tweets", errors)
            return
        inc = obj.get("includes") or {}
        users = [u for u in inc.get("users") or [] if isinstance(u, dict)]
        ref_tweets = {_id(t.get("id")): t for t in inc.get("tweets") or [] if isinstance(t, dict)}
        for u in users:
            col.account(_v2_user(u), source, row)
        for i, tweet in enumerate(data, 1):
            r = i if per_item else row
            if not isinstance(tweet, dict):
                _bad_item(bad, source, r, repr(tweet)[:200], "an item of 'data' is not a tweet object",
                          errors)
                continue
            col.post(_v2_tweet(tweet, ref_tweets), source, r)
            _flattened_users(tweet, col, source, r)
        return
    if _is_v1(obj):
        col.post(_v1_status(obj), source, row)
        for u in (obj.get("user"), (obj.get("retweeted_status") or {}).get("user"),
                  (obj.get("quoted_status") or {}).get("user")):
            if isinstance(u, dict):
                col.account(_v1_user(u), source, row)
        return
    if "id" in obj and any(k in obj for k in ("text", "author_id", "created_at", "edit_history_tweet_ids")):
        col.post(_v2_tweet(obj, {}), source, row)
        _flattened_users(obj, col, source, row)
        return
    if set(obj) <= _EMPTY_PAGE_KEYS or (len(obj) == 1 and next(iter(obj)) in _STREAM_NOTICES):
        # An empty page (no result), an error page, or a v1.1 stream notice (a deletion, a rate
        # limit): no tweet to read, nothing lost.
        logger.debug("%s, line %d: no tweet in an object with keys %s", source, row, sorted(obj))
        return
    _bad_item(bad, source, row, ", ".join(sorted(obj))[:200],
              "not a tweet (no 'id' with 'text', 'author_id' or 'created_at'; no 'id_str' and 'user') "
              "and not an API response page (no 'data')", errors)


def _bad_item(bad: list[dict], source: str, row: int, value: str, reason: str, errors: ErrorMode) -> None:
    if errors == "raise":
        raise ReadError(f"{source}, line/item {row:,}: {reason}. Got {value!r}.", source=source, row=row)
    bad.append(dict(source=source, row=row, value=value, reason=reason))


def _is_v1(obj: dict) -> bool:
    return "id_str" in obj or isinstance(obj.get("user"), dict)


# ---------------------------------------------------------------------------------------------
# Field mapping
# ---------------------------------------------------------------------------------------------


def _id(value: Any) -> str | None:
    """An id as an exact string: ints as written, floats only when still exact."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    s = str(value).strip()
    return s or None


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip().replace(",", ""))
    except ValueError:
        return None


def _client(source: Any) -> str | None:
    if not source:
        return None
    s = _TAG.sub("", str(source)).strip()
    return s or None


def _v2_tweet(t: dict, ref_tweets: dict[str | None, dict]) -> dict:
    author = _id(t.get("author_id"))
    if author is None and isinstance(t.get("author"), dict):
        author = _id(t["author"].get("id"))
    text = t.get("text")
    note = (t.get("note_tweet") or {}).get("text") if isinstance(t.get("note_tweet"), dict) else None
    if note and len(note) > len(text or ""):
        text = note
    refs: dict[str, dict] = {}
    for r in t.get("referenced_tweets") or []:
        if isinstance(r, dict) and r.get("type") in _KIND_OF_REF and r.get("type") not in refs:
            refs[r["type"]] = r

    def ref_author(r: dict) -> str | None:
        embedded = r.get("tweet") if isinstance(r.get("tweet"), dict) else ref_tweets.get(_id(r.get("id")))
        if not embedded:
            return None
        got = _id(embedded.get("author_id"))
        if got is None and isinstance(embedded.get("author"), dict):
            got = _id(embedded["author"].get("id"))
        return got

    reply_account = _id(t.get("in_reply_to_user_id"))
    kind, ref_post, ref_account = "post", None, None
    for rtype in ("retweeted", "quoted", "replied_to"):
        r = refs.get(rtype)
        if r is not None:
            kind, ref_post = _KIND_OF_REF[rtype], _id(r.get("id"))
            ref_account = (reply_account or ref_author(r)) if rtype == "replied_to" else ref_author(r)
            break
    replied = refs.get("replied_to")
    quoted = refs.get("quoted")
    ent = t.get("entities") if isinstance(t.get("entities"), dict) else {}
    urls = [u.get("unwound_url") or u.get("expanded_url") or u.get("url")
            for u in ent.get("urls") or [] if isinstance(u, dict) and not u.get("media_key")]
    hashtags = [h.get("tag") for h in ent.get("hashtags") or [] if isinstance(h, dict)]
    mentions = [m.get("username") for m in ent.get("mentions") or [] if isinstance(m, dict)]
    att = t.get("attachments") if isinstance(t.get("attachments"), dict) else {}
    media = [_id(k) for k in att.get("media_keys") or []]
    pm = t.get("public_metrics") if isinstance(t.get("public_metrics"), dict) else {}
    return {
        "post_id": _id(t.get("id")), "account_id": author, "created_at": t.get("created_at"),
        "kind": kind, "ref_post_id": ref_post, "ref_account_id": ref_account, "text": text,
        "urls": urls, "hashtags": hashtags, "mentions": mentions, "media": media,
        "lang": t.get("lang"), "client": _client(t.get("source")),
        "conversation_id": _id(t.get("conversation_id")),
        "reply_to_post_id": _id(replied.get("id")) if replied else None,
        "reply_to_account_id": (reply_account or ref_author(replied)) if replied else reply_account,
        "quoted_post_id": _id(quoted.get("id")) if quoted else None,
        "retweet_count": _int(pm.get("retweet_count")), "reply_count": _int(pm.get("reply_count")),
        "like_count": _int(pm.get("like_count")), "quote_count": _int(pm.get("quote_count")),
        "api_version": "2",
    }


def _flattened_users(t: dict, col: _Collector, source: str, row: int) -> None:
    """Profiles embedded by ``twarc2 flatten``: the author, referenced authors, the replied-to user."""
    users = [t.get("author"), t.get("in_reply_to_user")]
    for r in t.get("referenced_tweets") or []:
        if isinstance(r, dict) and isinstance(r.get("tweet"), dict):
            users.append(r["tweet"].get("author"))
    for u in users:
        if isinstance(u, dict) and u.get("id") is not None:
            col.account(_v2_user(u), source, row)


def _v2_user(u: dict) -> dict:
    pm = u.get("public_metrics") if isinstance(u.get("public_metrics"), dict) else {}
    return {
        "account_id": _id(u.get("id")), "screen_name": u.get("username"), "display_name": u.get("name"),
        "created_at": u.get("created_at"), "followers": _int(pm.get("followers_count")),
        "following": _int(pm.get("following_count")), "description": u.get("description"),
        "location": u.get("location"), "lang": None, "verified": u.get("verified"),
        "protected": u.get("protected"), "tweet_count": _int(pm.get("tweet_count")),
        "listed_count": _int(pm.get("listed_count")),
    }


def _v1_media_key(m: dict) -> str | None:
    mid = m.get("id_str") or _id(m.get("id"))
    if mid is None:
        return None
    prefix = _MEDIA_PREFIX.get(m.get("type"))
    return f"{prefix}_{mid}" if prefix else mid


def _v1_status(s: dict) -> dict:
    user = s.get("user") if isinstance(s.get("user"), dict) else {}
    ext = s.get("extended_tweet") if isinstance(s.get("extended_tweet"), dict) else {}
    text = ext.get("full_text") or s.get("full_text") or s.get("text")
    ent = ext.get("entities") or s.get("entities") or {}
    xent = ext.get("extended_entities") or s.get("extended_entities") or ent
    rt = s.get("retweeted_status") if isinstance(s.get("retweeted_status"), dict) else None
    qt = s.get("quoted_status") if isinstance(s.get("quoted_status"), dict) else None
    quoted_id = s.get("quoted_status_id_str") or _id(s.get("quoted_status_id")) or (
        (qt.get("id_str") or _id(qt.get("id"))) if qt else None)
    reply_id = s.get("in_reply_to_status_id_str") or _id(s.get("in_reply_to_status_id"))
    reply_account = s.get("in_reply_to_user_id_str") or _id(s.get("in_reply_to_user_id"))

    def uid(status: dict | None) -> str | None:
        u = (status or {}).get("user")
        return (u.get("id_str") or _id(u.get("id"))) if isinstance(u, dict) else None

    if rt is not None:
        kind, ref_post, ref_account = "repost", rt.get("id_str") or _id(rt.get("id")), uid(rt)
    elif quoted_id:
        kind, ref_post, ref_account = "quote", quoted_id, uid(qt)
    elif reply_id:
        kind, ref_post, ref_account = "reply", reply_id, reply_account
    else:
        kind, ref_post, ref_account = "post", None, None
    urls = []
    for u in ent.get("urls") or []:
        if isinstance(u, dict):
            unwound = u.get("unwound") if isinstance(u.get("unwound"), dict) else {}
            urls.append(unwound.get("url") or u.get("expanded_url") or u.get("url"))
    return {
        "post_id": s.get("id_str") or _id(s.get("id")), "account_id": user.get("id_str") or _id(user.get("id")),
        "created_at": s.get("created_at"), "kind": kind, "ref_post_id": ref_post,
        "ref_account_id": ref_account, "text": text, "urls": urls,
        "hashtags": [h.get("text") for h in ent.get("hashtags") or [] if isinstance(h, dict)],
        "mentions": [m.get("screen_name") for m in ent.get("user_mentions") or [] if isinstance(m, dict)],
        "media": [_v1_media_key(m) for m in xent.get("media") or [] if isinstance(m, dict)],
        "lang": s.get("lang"), "client": _client(s.get("source")), "conversation_id": None,
        "reply_to_post_id": reply_id, "reply_to_account_id": reply_account, "quoted_post_id": quoted_id,
        "retweet_count": _int(s.get("retweet_count")), "reply_count": _int(s.get("reply_count")),
        "like_count": _int(s.get("favorite_count")), "quote_count": _int(s.get("quote_count")),
        "api_version": "1.1",
    }


def _v1_user(u: dict) -> dict:
    return {
        "account_id": u.get("id_str") or _id(u.get("id")), "screen_name": u.get("screen_name"),
        "display_name": u.get("name"), "created_at": u.get("created_at"),
        "followers": _int(u.get("followers_count")), "following": _int(u.get("friends_count")),
        "description": u.get("description"), "location": u.get("location"), "lang": u.get("lang"),
        "verified": u.get("verified"), "protected": u.get("protected"),
        "tweet_count": _int(u.get("statuses_count")), "listed_count": _int(u.get("listed_count")),
    }


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


class _Collector:
    """Rows gathered while reading, turned into DataFrames once at the end."""

    def __init__(self) -> None:
        self.posts: list[tuple] = []
        self.accounts: list[tuple] = []

    def post(self, rec: dict, source: str, row: int) -> None:
        rec[SOURCE_COL], rec[ROW_COL] = source, row
        self.posts.append(tuple(rec[f] for f in _POST_FIELDS))

    def account(self, rec: dict, source: str, row: int) -> None:
        if rec["account_id"] is None:
            return
        rec[SOURCE_COL], rec[ROW_COL] = source, row
        self.accounts.append(tuple(rec[f] for f in _ACCOUNT_FIELDS))

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        posts = pd.DataFrame.from_records(self.posts, columns=list(_POST_FIELDS))
        for c in _COUNT_FIELDS:
            posts[c] = pd.array(posts[c].to_numpy(dtype=object), dtype="Int64") if len(posts) \
                else pd.Series(dtype="Int64")
        for c in ("conversation_id", "reply_to_post_id", "reply_to_account_id", "quoted_post_id",
                  "api_version"):
            posts[c] = posts[c].astype("string[pyarrow]")
        posts[ROW_COL] = posts[ROW_COL].astype(np.int64)
        accounts = pd.DataFrame.from_records(self.accounts, columns=list(_ACCOUNT_FIELDS))
        for c in ("tweet_count", "listed_count"):
            accounts[c] = pd.array(accounts[c].to_numpy(dtype=object), dtype="Int64") if len(accounts) \
                else pd.Series(dtype="Int64")
        for c in ("verified", "protected"):
            accounts[c] = accounts[c].astype("boolean")
        accounts[ROW_COL] = accounts[ROW_COL].astype(np.int64)
        return posts, accounts


def _resolve_timestamps(posts: pd.DataFrame) -> pd.DataFrame:
    """Set `timestamp` and `timestamp_precision` from ``created_at`` and the snowflake id.

    The snowflake time is used (to the millisecond) where it agrees with ``created_at`` to the
    second, or where ``created_at`` is missing; ``created_at`` to the second otherwise. A
    ``created_at`` that cannot be read is passed on as given so that the Dataset lists it.
    """
    raw = posts.pop("created_at")
    parsed = parse_timestamps(raw)
    snow = snowflake_timestamps(posts["post_id"].astype("string"))
    has_snow = snow.notna()
    agree = has_snow & parsed.notna() & (snow.dt.floor("s") == parsed.dt.floor("s"))
    use_snow = agree | (has_snow & raw.isna())
    ts = parsed.where(~use_snow, snow)
    precision = pd.Series(np.where(use_snow, "ms", np.where(ts.notna(), "s", None)), index=posts.index,
                          dtype=object)
    unreadable = ts.isna() & raw.notna()
    if unreadable.any():
        ts = ts.astype(object)
        ts[unreadable] = raw[unreadable]
    posts.insert(2, "timestamp", ts)
    posts["timestamp_precision"] = precision
    posts["platform"] = "twitter"
    return posts
