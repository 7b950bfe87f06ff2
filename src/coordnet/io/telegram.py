"""Read Telegram Desktop exports (``result.json``, "Export chat history" or "Export Telegram data").

Two shapes are accepted: one chat or channel ``{"name", "type", "id", "messages": [...]}``, and a
full account export ``{"chats": {"list": [...]}, "left_chats": {"list": [...]}}`` whose chats
each hold ``messages``. Rows are numbered for rejects by the message's 1-based position in its
chat's ``messages`` list; in a full export the source names the chat too
(``result.json:chat 1234567890``).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..dataset import ROW_COL, SOURCE_COL, Dataset
from ..errors import ReadError
from ..normalize import extract_hashtags, parse_timestamps
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

__all__ = ["read_telegram"]

_READER = "read_telegram"
_CHANNEL_TYPES = ("public_channel", "private_channel")
_DIGITS = re.compile(r"^\d+$")
_PEER = re.compile(r"^(?:channel|chat|user)?(\d+)$")
_FIELDS = (
    "post_id", "account_id", "unixtime", "date", "kind", "ref_post_id", "ref_account_id", "text",
    "urls", "hashtags", "mentions", "media", "chat_id", "chat_name", "chat_type", "message_id",
    "author_name", "signature", "forwarded_from", "saved_from", "via_bot", "media_type", "edited",
    "_entity_hashtags", SOURCE_COL, ROW_COL,
)


def read_telegram(paths: Paths, *, errors: ErrorMode = "collect", default_tz: str = "UTC") -> Dataset:
    """Read Telegram Desktop JSON exports into a :class:`~coordnet.dataset.Dataset`.

    ``post_id`` is ``"<chat id>:<message id>"`` (message ids are only unique within a chat).
    ``account_id`` is the sender's ``from_id`` (``"user123"``, ``"channel456"``); a channel post
    without one gets the channel's id in the same form (``"channel<chat id>"``). A forwarded message
    is a ``repost`` whose ``ref_account_id`` is the *name* of the original sender (exports carry no
    id for it) and whose ``ref_post_id`` is missing; a reply points at ``"<chat id>:<message id>"``
    of the message it answers, and at that message's sender when the export holds it. Service
    messages (joins, pins, calls...) are not posts: each is listed in :attr:`Dataset.rejects` with
    reason ``"service message"``.

    Parameters
    ----------
    paths : str, Path or list of them
        ``result.json`` files, folders or globs; ``.gz`` files and ``.zip`` archives holding
        ``.json`` files are opened transparently.
    errors : {"collect", "raise"}, default="collect"
        A message that cannot be used is listed in :attr:`Dataset.rejects` (with file, chat and
        position) or raises with ``"raise"``. Service messages are always listed, never raised.
    default_tz : str, default="UTC"
        IANA zone of the machine that made the export, for the few messages that have only the
        local ``date`` and no ``date_unixtime`` (exports made before 2021). Ignored otherwise.

    Returns
    -------
    Dataset
        ``platform`` is ``"telegram"``, ``timestamp_precision`` ``"s"``. Extra post columns:
        ``chat_id``, ``chat_name``, ``chat_type``, ``message_id``, ``author_name`` (``from``),
        ``signature`` (``author``), ``forwarded_from``, ``saved_from``, ``via_bot``,
        ``media_type``, ``edited`` (UTC).

    Raises
    ------
    ReadError
        A file is not JSON (the message names line and column) or not a Telegram export.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> chat = {"name": "News 🇺🇦", "type": "public_channel", "id": 1234567890, "messages": [
    ...     {"id": 1, "type": "service", "date": "2021-03-01T10:00:00", "actor": "News",
    ...      "actor_id": "channel1234567890", "action": "create_channel", "text": ""},
    ...     {"id": 2, "type": "message", "date": "2021-03-01T12:15:00", "date_unixtime": "1614593700",
    ...      "from": "News 🇺🇦", "from_id": "channel1234567890", "forwarded_from": "Other channel",
    ...      "text": ["Read ", {"type": "hashtag", "text": "#Kyiv"}], "text_entities": [
    ...         {"type": "plain", "text": "Read "}, {"type": "hashtag", "text": "#Kyiv"}]}]}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "result.json"
    ...     _ = path.write_text(json.dumps(chat))
    ...     ds = read_telegram(path)
    >>> ds.posts.loc[0, ["post_id", "account_id", "kind", "ref_account_id", "text"]].tolist()
    ['1234567890:2', 'channel1234567890', 'repost', 'Other channel', 'Read #Kyiv']
    >>> str(ds.posts.loc[0, "timestamp"]), ds.posts.loc[0, "hashtags"]
    ('2021-03-01 10:15:00+00:00', ['kyiv'])
    >>> ds.rejects[["row", "reason", "action"]].values.tolist()
    [[1, 'service message', 'dropped']]
    """
    check_errors(errors, _READER)
    files = expand_paths(paths, reader=_READER)
    records: list[tuple] = []
    bad: list[dict] = []
    with gc_paused():
        for path in files:
            with open_members(Path(path), suffixes=(".json", ".json.gz")) as members:
                for source, stream in members:
                    doc = _load(stream.read(), source)
                    for chat_source, chat in _chats(doc, source):
                        _read_chat(chat, chat_source, records, bad, errors)
                    del doc
    posts = _posts_frame(records, default_tz)
    accounts = _accounts_frame(posts)
    posts = posts.drop(columns=["_display_name", "_latest_first"])
    source = str(files[0]) if len(files) == 1 else _READER
    return Dataset(posts, accounts, source=source, errors=errors,
                   rejects=concat_rejects([reject_records(bad, table="posts")]))


def _load(raw: bytes, source: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ReadError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start:,}); expected a "
                        "Telegram Desktop export (result.json).", source=source) from exc
    except json.JSONDecodeError as exc:
        raise ReadError(f"{source}, line {exc.lineno:,}, column {exc.colno}: not valid JSON: {exc.msg}. "
                        "Expected a Telegram Desktop export (result.json), complete and unedited.",
                        source=source, row=exc.lineno) from exc


def _chats(doc: Any, source: str) -> list[tuple[str, dict]]:
    """(source name, chat) for each chat in a single-chat or a full export."""
    if isinstance(doc, dict) and isinstance(doc.get("messages"), list):
        return [(source, doc)]
    if isinstance(doc, dict) and isinstance(doc.get("chats"), dict):
        out = []
        for key in ("chats", "left_chats"):
            block = doc.get(key)
            for chat in (block.get("list") or []) if isinstance(block, dict) else []:
                if isinstance(chat, dict) and isinstance(chat.get("messages"), list):
                    out.append((f"{source}:chat {_id(chat.get('id'))}", chat))
        if not out:
            logger.warning("%s: a full Telegram export without any chat history", source)
        return out
    got = sorted(doc)[:10] if isinstance(doc, dict) else type(doc).__name__
    raise ReadError(
        f"{source}: not a Telegram Desktop export. Expected one chat ({{'name', 'type', 'id', "
        f"'messages'}}) or a full export ({{'chats': {{'list': [...]}}}}). Got {got}.", source=source)


def _id(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() else value
    s = str(value).strip()
    return s or None


def _read_chat(chat: dict, source: str, records: list[tuple], bad: list[dict], errors: ErrorMode) -> None:
    chat_id = _id(chat.get("id"))
    chat_type = chat.get("type")
    chat_name = chat.get("name")
    channel = chat_type in _CHANNEL_TYPES
    for row, m in enumerate(chat["messages"], 1):
        if not isinstance(m, dict):
            reason = "not a message object"
            if errors == "raise":
                raise ReadError(f"{source}, message {row:,}: {reason}. Got {m!r:.100}.", source=source, row=row)
            bad.append(dict(source=source, row=row, value=repr(m)[:200], reason=reason))
            continue
        mid = _id(m.get("id"))
        post_id = f"{chat_id}:{mid}" if mid is not None else None
        mtype = m.get("type", "message")
        if mtype == "service":
            bad.append(dict(source=source, row=row, column="type", value=m.get("action"),
                            reason="service message", post_id=post_id))
            continue
        if mtype == "unsupported":
            bad.append(dict(source=source, row=row, column="type", value=mtype, post_id=post_id,
                            reason="unsupported message (the export holds no content for it)"))
            continue
        text, urls, hashtags, mentions, has_tag_entities = _text(m)
        account = _id(m.get("from_id"))
        display = m.get("from")
        if account is None and channel and chat_id is not None:
            account, display = f"channel{chat_id}", display or chat_name
        kind, ref_post, ref_account = "post", None, None
        if "forwarded_from" in m:
            kind, ref_account = "repost", m.get("forwarded_from")
        elif m.get("reply_to_message_id") is not None:
            peer = _PEER.match(str(m.get("reply_to_peer_id") or ""))
            kind = "reply"
            ref_post = f"{peer.group(1) if peer else chat_id}:{_id(m['reply_to_message_id'])}"
        media = [p for p in (m.get("photo"), m.get("file")) if isinstance(p, str) and p and not p.startswith("(")]
        unix = m.get("date_unixtime")
        edited = m.get("edited_unixtime")
        records.append((
            post_id, account, int(unix) if _DIGITS.match(str(unix or "")) else None, m.get("date"),
            kind, ref_post, ref_account, text, urls, hashtags, mentions, media, chat_id, chat_name,
            chat_type, mid, m.get("from"), m.get("author"), m.get("forwarded_from"), m.get("saved_from"),
            m.get("via_bot"), m.get("media_type"), int(edited) if _DIGITS.match(str(edited or "")) else None,
            has_tag_entities, source, row, display,
        ))


def _text(m: dict) -> tuple[str | None, list, list, list, bool]:
    """Plain text and the links, hashtags and mentions marked in a message's entities."""
    parts = m.get("text_entities")
    if not isinstance(parts, list):
        t = m.get("text")
        parts = [t] if isinstance(t, str) else t if isinstance(t, list) else []
    chunks, urls, hashtags, mentions = [], [], [], []
    for p in parts:
        if isinstance(p, str):
            chunks.append(p)
            continue
        if not isinstance(p, dict):
            continue
        t = p.get("text")
        t = t if isinstance(t, str) else ""
        chunks.append(t)
        kind = p.get("type")
        if kind == "hashtag":
            hashtags.append(t)
        elif kind == "mention":
            mentions.append(t)
        elif kind == "link":
            urls.append(t)
        elif kind == "text_link" and p.get("href"):
            urls.append(p["href"])
    text = "".join(chunks)
    return (text or None), urls, hashtags, mentions, bool(hashtags)


def _posts_frame(records: list[tuple], default_tz: str) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records, columns=[*_FIELDS, "_display_name"])
    unix = pd.to_numeric(df.pop("unixtime"), errors="coerce").astype("Int64")
    date = df.pop("date")
    ts = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    has_unix = unix.notna()
    if has_unix.any():
        ts[has_unix] = pd.to_datetime(unix[has_unix].astype("int64"), unit="s", utc=True).dt.as_unit("ns")
    local = ~has_unix & date.notna()
    if local.any():
        logger.warning("%d message(s) have no date_unixtime; their local 'date' is read in %s "
                       "(pass default_tz= the exporting machine's zone)", int(local.sum()), default_tz)
        ts[local] = parse_timestamps(date[local], default_tz=default_tz)
    ns = ts.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view("int64")
    df["_latest_first"] = np.where(ts.isna().to_numpy(), np.iinfo(np.int64).max, -ns)
    unreadable = ts.isna() & date.notna()
    df.insert(2, "timestamp", ts.astype(object).where(~unreadable, date) if unreadable.any() else ts)
    edited = pd.to_numeric(df["edited"], errors="coerce").astype("Int64")
    df["edited"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    if edited.notna().any():
        df.loc[edited.notna(), "edited"] = pd.to_datetime(
            edited.dropna().astype("int64"), unit="s", utc=True).dt.as_unit("ns")
    # Hashtags the sending client did not mark as entities are found in the text.
    plain = ~df.pop("_entity_hashtags").astype(bool) & df["text"].notna()
    if plain.any():
        df.loc[plain, "hashtags"] = extract_hashtags(df.loc[plain, "text"])
    # A reply's target account is the sender of the replied-to message, when the export has it.
    sender = df.drop_duplicates("post_id").set_index("post_id")["account_id"]
    need = df["ref_post_id"].notna() & df["ref_account_id"].isna()
    if need.any():
        df.loc[need, "ref_account_id"] = df.loc[need, "ref_post_id"].map(sender)
    for c in ("chat_id", "chat_name", "chat_type", "message_id", "author_name", "signature",
              "forwarded_from", "saved_from", "via_bot", "media_type"):
        df[c] = df[c].astype("string[pyarrow]")
    df[ROW_COL] = df[ROW_COL].astype(np.int64)
    df["platform"] = "telegram"
    df["timestamp_precision"] = "s"
    return df


def _accounts_frame(posts: pd.DataFrame) -> pd.DataFrame:
    """One row per sender message, latest first, so that the latest name describes the account."""
    acc = posts.loc[posts["account_id"].notna(),
                    ["account_id", "_display_name", "_latest_first", SOURCE_COL, ROW_COL]]
    acc = acc.rename(columns={"_display_name": "display_name"})
    order = np.argsort(acc.pop("_latest_first").to_numpy(), kind="stable")
    return acc.iloc[order].reset_index(drop=True)
