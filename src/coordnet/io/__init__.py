"""Readers: each turns one source format into a :class:`~coordnet.dataset.Dataset`.

============================  ==========================================================
format                        reader
============================  ==========================================================
``twitter-io``                :func:`read_twitter_io` (Twitter's IO-archive CSVs)
``twitter-api``/``twitter-v2``  :func:`read_twitter_api` (API v2 / v1.1 JSON, JSONL)
``crowdtangle``               :func:`read_crowdtangle` (CrowdTangle, Meta Content Library)
``telegram``                  :func:`read_telegram` (Telegram Desktop ``result.json``)
``table``                     :func:`read_table` (any CSV/Parquet with a column mapping)
``coortweet``                 :func:`read_table` with ``preset="coortweet"``
``coortweet-multimodal``      :func:`read_table` with ``preset="coortweet-multimodal"``
``coordnet``                  :meth:`Dataset.load` (a folder written by ``Dataset.save``)
============================  ==========================================================
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..dataset import Dataset
from ..errors import ParameterError, ReadError
from .crowdtangle import read_crowdtangle
from .table import from_frame, read_table
from .telegram import read_telegram
from .twitter_api import read_twitter_api
from .twitter_io import read_twitter_io

__all__ = [
    "FORMATS",
    "from_frame",
    "guess_format",
    "read",
    "read_crowdtangle",
    "read_table",
    "read_telegram",
    "read_twitter_api",
    "read_twitter_io",
]

FORMATS = ("twitter-io", "twitter-api", "twitter-v2", "crowdtangle", "telegram", "table", "coortweet",
           "coortweet-multimodal", "coordnet")


def _first_line(path: Path) -> str:
    import gzip
    import zipfile

    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            if not names:
                return ""
            with zf.open(names[0]) as fh:
                return fh.readline(65536).decode("utf-8", "replace")
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as fh:
        return fh.readline(65536).decode("utf-8-sig", "replace")


def guess_format(path: str | Path) -> str:
    """Guess a file's format from its header line or JSON shape.

    Examples
    --------
    >>> from coordnet.sample import sample_paths
    >>> guess_format(sample_paths()[0])
    'twitter-io'
    """
    p = Path(path)
    if p.is_dir():
        if (p / "coordnet.json").exists():
            return "coordnet"
        files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
        if not files:
            raise ReadError(f"{p}: empty folder; nothing to read.", source=str(p))
        return guess_format(files[0])
    if p.suffix.lower() == ".parquet":
        return "table"
    head = _first_line(p).strip()
    if head.startswith(("{", "[")):
        try:
            doc = json.loads(head)
        except ValueError:
            doc = None
        if isinstance(doc, dict) and ("messages" in doc or "chats" in doc):
            return "telegram"
        if head.startswith("{\n") or head == "{" or doc is None:
            # A pretty-printed JSON document: Telegram exports are, twarc output is not.
            return "telegram"
        return "twitter-api"
    cols = {c.strip().strip('"').lower() for c in head.split(",")}
    if {"tweetid", "userid", "tweet_time"} <= cols:
        return "twitter-io"
    if {"object_id", "account_id", "content_id", "timestamp_share"} <= cols:
        return "coortweet"
    if {"account_id", "post_id", "url_id", "timestamp"} <= cols:
        return "coortweet-multimodal"
    if {"facebook id", "post created"} <= cols or "post_owner.id" in cols or "creation_time" in cols:
        return "crowdtangle"
    return "table"


def read(paths: str | Path | Sequence[str | Path], *, format: str | None = None,
         users: str | Path | Sequence[str | Path] | None = None, **mapping) -> Dataset:
    """Read files of a named (or guessed) format into a Dataset.

    Parameters
    ----------
    paths : path, glob, folder or list of them
    format : str, optional
        One of :data:`FORMATS`; guessed from the first file when omitted.
    users : path(s), optional
        The users file(s) of a Twitter IO archive.
    **mapping
        Column mapping for ``format="table"`` (see :func:`from_frame`).

    Examples
    --------
    >>> from coordnet.sample import sample_paths
    >>> tweets, users = sample_paths()
    >>> len(read(tweets, users=users)) > 1000
    True
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not items:
        raise ParameterError("read needs at least one input path.", name="paths", value=paths)
    fmt = format or guess_format(Path(str(items[0]).split("*")[0] or ".") if "*" in str(items[0])
                                 else Path(items[0]))
    if fmt not in FORMATS:
        raise ParameterError(f"Unknown format {fmt!r}; expected one of {list(FORMATS)}.", name="format",
                             value=fmt)
    if users is not None and fmt != "twitter-io":
        raise ParameterError("A users file goes with --format twitter-io only.", name="users", value=users)
    if mapping and fmt not in ("table", "coortweet", "coortweet-multimodal"):
        raise ParameterError(f"A column mapping goes with the table formats, not {fmt!r}.", name="mapping",
                             value=mapping)
    src = items if len(items) > 1 else items[0]
    if fmt == "twitter-io":
        return read_twitter_io(src, users)
    if fmt in ("twitter-api", "twitter-v2"):
        return read_twitter_api(src)
    if fmt == "crowdtangle":
        return read_crowdtangle(src)
    if fmt == "telegram":
        return read_telegram(src)
    if fmt == "coordnet":
        return Dataset.load(items[0])
    preset = fmt if fmt in ("coortweet", "coortweet-multimodal") else None
    return read_table(src, preset=preset, **mapping) if preset else read_table(src, **mapping)
