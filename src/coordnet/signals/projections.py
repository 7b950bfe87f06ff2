"""Projections: what counts as "the same thing" for the co-action engine.

A projection turns a :class:`~coordnet.dataset.Dataset` into *actions*: a DataFrame with one row
per (account, target, time), columns ``account_id, target, timestamp, post_id`` (``target`` a
string: the reposted post's id, a canonical URL, a domain, a hashtag...). The co-action engine
(:class:`~coordnet.signals.coaction.CoAction`) then finds account pairs acting on the same target
within a time window. Any callable ``Dataset -> actions frame`` works as a projection.

Reposts and the entities they carry: a repost copies its original's text, links, hashtags,
mentions and media. Counting them again as co-link, co-hashtag... would restate co-repost
evidence, so every content projection here skips reposts unless ``include_reposts=True``
(:func:`co_repost` is where reposts count).

Each row of the output is one action; a post carrying the same value twice (``#hk ... #hk``)
acts once on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from ..dataset import Dataset
from ..errors import ParameterError, SchemaError
from ..normalize import text_fingerprint
from ..schema import STRING_DTYPE, TIMESTAMP_DTYPE

__all__ = [
    "ACTION_COLUMNS",
    "DEFAULT_EXCLUDED_DOMAINS",
    "MIN_TEXT_CHARS",
    "PROJECTIONS",
    "co_domain",
    "co_hashtag",
    "co_image",
    "co_link",
    "co_mention",
    "co_quote",
    "co_reply",
    "co_repost",
    "co_text",
    "from_column",
    "hashtag_sequence",
]

#: Columns of an actions frame, in order, with their dtypes.
ACTION_COLUMNS: dict[str, object] = {
    "account_id": STRING_DTYPE,
    "target": STRING_DTYPE,
    "timestamp": TIMESTAMP_DTYPE,
    "post_id": STRING_DTYPE,
}

#: Registered domains :func:`co_domain` leaves out by default: the platforms themselves (a link
#: to a tweet, a Facebook page or a YouTube video says "same platform", not "same outlet") and
#: URL shorteners and link-in-bio services (they hide the real destination). Pass your own set
#: (or ``()``) as ``exclude`` to change it.
DEFAULT_EXCLUDED_DOMAINS: frozenset[str] = frozenset({
    # platforms
    "twitter.com", "x.com", "facebook.com", "fb.com", "fb.me", "fb.watch", "instagram.com",
    "youtube.com", "youtu.be", "tiktok.com", "t.me", "telegram.me", "telegram.org", "vk.com",
    "reddit.com", "redd.it", "whatsapp.com", "wa.me", "linkedin.com", "lnkd.in", "pinterest.com",
    "pin.it", "threads.net", "bsky.app", "weibo.com", "weibo.cn", "google.com", "goo.gle",
    "apple.news",
    # shorteners and link hubs
    "t.co", "bit.ly", "bitly.com", "ow.ly", "buff.ly", "tinyurl.com", "goo.gl", "dlvr.it",
    "ift.tt", "is.gd", "v.gd", "trib.al", "shorturl.at", "rebrand.ly", "cutt.ly", "tiny.cc",
    "amzn.to", "linktr.ee", "lnk.to", "bit.do", "soo.gd", "s.id", "rb.gy", "j.mp", "su.pr",
    "dld.bz", "ht.ly", "po.st", "mf.tt", "wp.me", "flip.it", "smarturl.it",
})

#: Shortest normalized text :func:`co_text` fingerprints (characters, after stripping URLs,
#: mentions, a leading ``RT @user:`` and collapsing white space). 25 leaves out greetings and
#: stock replies ("thank you", "good morning everyone", "happy birthday!!") while keeping a
#: copied sentence; in scripts that pack more per character (Chinese, Japanese), lower it.
MIN_TEXT_CHARS = 25

_REPOST = "repost"


def _need(dataset: Dataset, columns: Iterable[str], who: str) -> pd.DataFrame:
    if not isinstance(dataset, Dataset):
        raise ParameterError(
            f"The projection {who} expects a coordnet.Dataset. Got {type(dataset).__name__} "
            "instead.", name="dataset", value=dataset,
        )
    posts = dataset.posts
    for col in columns:
        if col not in posts.columns:
            raise SchemaError(
                f"The projection {who} needs the posts column '{col}', which this dataset lacks. "
                f"Its posts columns are {list(posts.columns)}.", column=col,
            )
    return posts


def _frame(account_id, target, timestamp, post_id) -> pd.DataFrame:
    out = pd.DataFrame({
        "account_id": pd.Series(account_id, dtype=STRING_DTYPE).reset_index(drop=True),
        "target": pd.Series(target, dtype=STRING_DTYPE).reset_index(drop=True),
        "timestamp": pd.Series(timestamp, dtype=TIMESTAMP_DTYPE).reset_index(drop=True),
        "post_id": pd.Series(post_id, dtype=STRING_DTYPE).reset_index(drop=True),
    })
    return out


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in ACTION_COLUMNS.items()})


def _by_reference(dataset: Dataset, kind: str, who: str) -> pd.DataFrame:
    p = _need(dataset, ("kind", "ref_post_id"), who)
    m = (p["kind"] == kind).to_numpy(dtype=bool) & p["ref_post_id"].notna().to_numpy(dtype=bool)
    # Only the four columns used are taken (a posts table may hold dozens).
    sub = p[["account_id", "ref_post_id", "timestamp", "post_id"]]
    if not m.all():
        sub = sub.loc[m]
    return _frame(sub["account_id"], sub["ref_post_id"], sub["timestamp"], sub["post_id"])


def co_repost(dataset: Dataset) -> pd.DataFrame:
    """Reposts (retweets, shares, forwards) act on the post they repost (``ref_post_id``).

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1", "2", "3"], "account_id": ["a", "b", "c"],
    ...     "timestamp": [0, 10, 20], "kind": ["post", "repost", "repost"],
    ...     "ref_post_id": [None, "1", "1"]}))
    >>> co_repost(ds)[["account_id", "target", "post_id"]]
      account_id target post_id
    0          b      1       2
    1          c      1       3
    """
    return _by_reference(dataset, "repost", "co_repost")


def co_reply(dataset: Dataset) -> pd.DataFrame:
    """Replies act on the post they reply to (``ref_post_id`` of ``kind == "reply"``).

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1", "2"], "account_id": ["a", "b"],
    ...     "timestamp": [0, 10], "kind": ["post", "reply"], "ref_post_id": [None, "1"]}))
    >>> co_reply(ds)["target"].tolist()
    ['1']
    """
    return _by_reference(dataset, "reply", "co_reply")


def co_quote(dataset: Dataset) -> pd.DataFrame:
    """Quotes act on the post they quote (``ref_post_id`` of ``kind == "quote"``).

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1", "2"], "account_id": ["a", "b"],
    ...     "timestamp": [0, 10], "kind": ["post", "quote"], "ref_post_id": [None, "1"]}))
    >>> co_quote(ds)["target"].tolist()
    ['1']
    """
    return _by_reference(dataset, "quote", "co_quote")


def _entities(dataset: Dataset, column: str, who: str, include_reposts: bool) -> pd.DataFrame:
    base = "urls" if column in ("domains", "registered_domains") else column
    _need(dataset, (base, "kind"), who)
    ds = dataset
    if not include_reposts:
        ds = dataset.filter(kinds=["post", "reply", "quote"])
    ent = ds.entities(column)
    ent = ent.drop_duplicates(["post_id", "value"])
    return ent


def _from_entities(ent: pd.DataFrame) -> pd.DataFrame:
    return _frame(ent["account_id"], ent["value"], ent["timestamp"], ent["post_id"])


def co_link(dataset: Dataset, *, include_reposts: bool = False) -> pd.DataFrame:
    """Posts act on each canonical URL they carry (``Dataset.entities("urls")``).

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1", "2"], "account_id": ["a", "b"],
    ...     "timestamp": [0, 10], "urls": [["https://Example.com/x/?utm_source=tw"], []]}))
    >>> co_link(ds)["target"].tolist()
    ['https://example.com/x']
    """
    return _from_entities(_entities(dataset, "urls", "co_link", include_reposts))


def co_domain(dataset: Dataset, *, exclude: Iterable[str] | None = None,
              include_reposts: bool = False) -> pd.DataFrame:
    """Posts act on the registered domain of each URL they carry, leaving out platform and
    shortener domains (:data:`DEFAULT_EXCLUDED_DOMAINS`, or `exclude` when given).

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1"], "account_id": ["a"], "timestamp": [0],
    ...     "urls": [["https://news.bbc.co.uk/a", "https://t.co/xyz", "https://bbc.co.uk/b"]]}))
    >>> co_domain(ds)["target"].tolist()
    ['bbc.co.uk']
    >>> co_domain(ds, exclude=())["target"].tolist()
    ['bbc.co.uk', 't.co']
    """
    ent = _entities(dataset, "registered_domains", "co_domain", include_reposts)
    excluded = DEFAULT_EXCLUDED_DOMAINS if exclude is None else {str(d).casefold() for d in exclude}
    if excluded:
        ent = ent.loc[~ent["value"].isin(list(excluded)).to_numpy(dtype=bool)]
    return _from_entities(ent)


def co_hashtag(dataset: Dataset, *, include_reposts: bool = False) -> pd.DataFrame:
    """Posts act on each (normalized) hashtag they carry.

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1"], "account_id": ["a"], "timestamp": [0],
    ...     "hashtags": [["#HK", "hk", "News"]]}))
    >>> co_hashtag(ds)["target"].tolist()
    ['hk', 'news']
    """
    return _from_entities(_entities(dataset, "hashtags", "co_hashtag", include_reposts))


def co_mention(dataset: Dataset, *, include_reposts: bool = False) -> pd.DataFrame:
    """Posts act on each (normalized) account they mention.

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1"], "account_id": ["a"], "timestamp": [0],
    ...     "mentions": [["@CNN"]]}))
    >>> co_mention(ds)["target"].tolist()
    ['cnn']
    """
    return _from_entities(_entities(dataset, "mentions", "co_mention", include_reposts))


def co_image(dataset: Dataset, *, include_reposts: bool = False) -> pd.DataFrame:
    """Posts act on each media item they carry (``media``: a media id, URL or perceptual hash,
    as the reader stored it).

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1"], "account_id": ["a"], "timestamp": [0],
    ...     "media": [["phash:c3a1"]]}))
    >>> co_image(ds)["target"].tolist()
    ['phash:c3a1']
    """
    return _from_entities(_entities(dataset, "media", "co_image", include_reposts))


def co_text(dataset: Dataset, *, min_chars: int = MIN_TEXT_CHARS,
            include_reposts: bool = False) -> pd.DataFrame:
    """Posts act on their exact normalized text (:func:`coordnet.normalize.text_fingerprint`:
    NFKC, casefold, no URLs, mentions or leading ``RT @user:``, white space collapsed). Texts
    shorter than `min_chars` after normalization (default :data:`MIN_TEXT_CHARS`) and empty
    texts act on nothing.

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1", "2", "3"], "account_id": ["a", "b", "c"],
    ...     "timestamp": [0, 5, 9], "text": ["Hong Kong rioters must stop now! https://t.co/1",
    ...     "hong kong  RIOTERS must stop now! @cnn", "Thank you"]}))
    >>> co_text(ds)["target"].tolist()
    ['hong kong rioters must stop now!', 'hong kong rioters must stop now!']
    """
    p = _need(dataset, ("text", "kind"), "co_text")
    if not include_reposts:
        p = p.loc[(p["kind"] != _REPOST).to_numpy(dtype=bool)]
    fp = text_fingerprint(p["text"], min_chars=min_chars)
    m = fp.notna().to_numpy(dtype=bool)
    return _frame(p["account_id"][m], fp[m], p["timestamp"][m], p["post_id"][m])


def hashtag_sequence(dataset: Dataset, *, include_reposts: bool = False) -> pd.DataFrame:
    """Posts with two or more hashtags act on their ordered hashtag sequence, written
    ``"#a #b #c"`` (order as in the post, repeats kept).

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1", "2"], "account_id": ["a", "b"],
    ...     "timestamp": [0, 5], "hashtags": [["HK", "Riots"], ["hk"]]}))
    >>> hashtag_sequence(ds)["target"].tolist()
    ['#hk #riots']
    """
    p = _need(dataset, ("hashtags", "kind"), "hashtag_sequence")
    if not include_reposts:
        p = p.loc[(p["kind"] != _REPOST).to_numpy(dtype=bool)]
    tags = p["hashtags"]
    lengths = tags.list.len().to_numpy(dtype=np.int64) if len(p) else np.zeros(0, np.int64)
    m = lengths >= 2
    if not m.any():
        return _empty()
    sub = p.loc[m]
    arr = sub["hashtags"].array._pa_array.combine_chunks()
    import pyarrow.compute as pc

    prefixed = pc.binary_join_element_wise(pa.scalar("#"), pc.list_flatten(arr), "")
    offsets = pc.subtract(arr.offsets, arr.offsets[0])  # list_flatten starts at the first offset
    seq = pc.binary_join(pa.ListArray.from_arrays(offsets, prefixed), " ")
    return _frame(sub["account_id"], pd.Series(pd.arrays.ArrowExtensionArray(seq)),
                  sub["timestamp"], sub["post_id"])


def from_column(name: str, *, include_reposts: bool = True) -> Callable[[Dataset], pd.DataFrame]:
    """A projection over any posts column: each value of a scalar column, or each element of a
    list column, is a target (as a string; whole numbers keep no ``.0``). Missing and empty
    values act on nothing.

    Use it for extra source columns, e.g. ``domain_ids`` or ``phash_ids`` of a CooRTweet table.

    Parameters
    ----------
    name : str
        The posts column.
    include_reposts : bool, default=True
        Whether reposts' values count (the column is the user's: it is taken as given).

    Returns
    -------
    callable
        ``Dataset -> actions``, named ``co_<name>``.

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1", "2", "3"], "account_id": ["a", "b", "c"],
    ...     "timestamp": [0, 5, 9], "domain_id": [17.0, None, 17.0]}))
    >>> proj = from_column("domain_id")
    >>> proj.__name__, proj(ds)["target"].tolist()
    ('co_domain_id', ['17', '17'])
    """
    if not isinstance(name, str) or not name:
        raise ParameterError(f"The 'name' parameter of from_column must be a column name. Got "
                             f"{name!r} instead.", name="name", value=name)

    def project(dataset: Dataset) -> pd.DataFrame:
        p = _need(dataset, (name,), f"from_column({name!r})")
        if not include_reposts and "kind" in p:
            p = p.loc[(p["kind"] != _REPOST).to_numpy(dtype=bool)]
        col = p[name]
        dtype = col.dtype
        is_list = isinstance(dtype, pd.ArrowDtype) and (pa.types.is_list(dtype.pyarrow_dtype)
                                                        or pa.types.is_large_list(dtype.pyarrow_dtype))
        if not is_list and pd.api.types.is_object_dtype(dtype):
            sample = col.dropna()
            is_list = len(sample) > 0 and isinstance(sample.iloc[0], (list, tuple, np.ndarray))
        if is_list:
            ex = pd.DataFrame({"i": np.arange(len(p)), "v": col.to_numpy(dtype=object)})
            ex["v"] = [list(v) if isinstance(v, (list, tuple, np.ndarray)) else [] for v in ex["v"]]
            ex = ex.explode("v")
            ex = ex.loc[ex["v"].notna()]
            idx = ex["i"].to_numpy(dtype=np.int64)
            values = _as_target_strings(pd.Series(ex["v"].to_numpy(dtype=object)))
        else:
            idx = np.arange(len(p))
            values = _as_target_strings(col.reset_index(drop=True))
        ok = values.notna().to_numpy(dtype=bool) & (values.fillna("") != "").to_numpy(dtype=bool)
        idx, values = idx[ok], values[ok]
        out = _frame(p["account_id"].iloc[idx], values, p["timestamp"].iloc[idx], p["post_id"].iloc[idx])
        return out.drop_duplicates(["post_id", "target"], ignore_index=True)

    project.__name__ = project.__qualname__ = name if name.startswith("co_") else f"co_{name}"
    project.__doc__ = f"Actions on the values of the posts column {name!r}."
    return project


def _as_target_strings(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values.dtype):
        v = values.dropna()
        if len(v) == 0 or (v % 1 == 0).all():
            return values.astype("Int64").astype(STRING_DTYPE)
    if pd.api.types.is_object_dtype(values.dtype):
        num = values.map(lambda x: int(x) if isinstance(x, float) and np.isfinite(x) and x.is_integer() else x)
        return num.astype(STRING_DTYPE).str.strip()
    out = values.astype(STRING_DTYPE)
    return out.str.strip() if len(out) else out


#: The built-in projections by signal name.
PROJECTIONS: dict[str, Callable[..., pd.DataFrame]] = {
    "co_repost": co_repost,
    "co_reply": co_reply,
    "co_quote": co_quote,
    "co_link": co_link,
    "co_domain": co_domain,
    "co_hashtag": co_hashtag,
    "co_mention": co_mention,
    "co_image": co_image,
    "co_text": co_text,
    "hashtag_sequence": hashtag_sequence,
}
