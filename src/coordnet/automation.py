"""Declared automation: accounts that say openly that they are automated.

Coordination is not the same as inauthenticity. Feeds that post an outlet's headlines, weather
bots and other openly automated accounts act in lockstep by design (several outlets' feeds carry
the same wire story within minutes) without deceiving anyone about who they are. Platforms label
such accounts ("automated by ...") and their profiles usually say so.

An account counts as *declared automation* when its display name, screen name or bio declares it
(``bot``, ``automated``, ``auto-posted``, ``RSS``, ``news feed``, ``not monitored``...), or when
most of its posts come from a feed-publishing service (dlvr.it, IFTTT, twittbot.net, SocialFlow,
WordPress.com, Zapier...). General schedulers that people also use by hand (Buffer, Hootsuite,
TweetDeck) do not count. A network made mostly of such accounts is reported with status
``"declared_automation"``: visible, but not flagged as a covert network.

What fools it: a covert network that calls itself a bot (rare: it gives the game away), and a
human who writes "not a bot" in a bio (the negation is checked for the common phrasings).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .dataset import Dataset

__all__ = ["FEED_CLIENTS", "declared_automation"]

#: Client apps that publish feeds automatically (case-insensitive).
FEED_CLIENTS = frozenset({
    "dlvr.it", "ifttt", "twittbot.net", "socialflow", "wordpress.com", "zapier", "botize",
    "rss.app", "feed2tweet", "twitterfeed", "rssfeeds", "sprout social feeds",
})

_DECLARES = re.compile(
    r"(?<![a-z])(?:bot|automated|auto[- ]?posted|auto[- ]?generated|automatic(?:ally)? posted|"
    r"rss|news ?feed|headlines feed|not monitored|unmonitored)(?![a-z])",
    re.IGNORECASE,
)
_DENIES = re.compile(r"(?:not|no|never|isn'?t|am not|ain'?t)\s+(?:a\s+)?bots?(?![a-z])", re.IGNORECASE)


def _declares(text: pd.Series) -> np.ndarray:
    t = text.fillna("").astype(str)
    return np.array(t.str.contains(_DECLARES) & ~t.str.contains(_DENIES), dtype=bool)


def declared_automation(dataset: Dataset, *, min_feed_share: float = 0.5) -> pd.DataFrame:
    """Which accounts declare themselves automated, and why.

    Parameters
    ----------
    dataset : Dataset
    min_feed_share : float, default=0.5
        Share of an account's posts from a feed client (:data:`FEED_CLIENTS`) that counts as
        declared automation.

    Returns
    -------
    DataFrame
        Indexed by ``account_id``: ``declared_automation`` (bool) and ``automation_reason``.

    Examples
    --------
    >>> ds = Dataset(pd.DataFrame({"post_id": ["1", "2"], "account_id": ["a", "b"], "timestamp": [0, 1]}),
    ...              pd.DataFrame({"account_id": ["a", "b"], "description": ["Automated feed of headlines.",
    ...                                                                      "I am not a bot, just fast"]}))
    >>> declared_automation(ds)["declared_automation"].tolist()
    [True, False]
    """
    acc = dataset.accounts.set_index("account_id")
    reason = pd.Series("", index=acc.index, dtype=object)
    for col, label in (("display_name", "name"), ("screen_name", "handle"), ("description", "bio")):
        if col in acc:
            hit = _declares(acc[col]).copy()
            if col == "screen_name":  # handles glue words together: "...bot" at the end declares
                hit |= np.array(acc[col].fillna("").astype(str).str.contains(r"(?i)bot$"), dtype=bool)
            reason[hit & (reason == "").to_numpy()] = f"declared in {label}"
    posts = dataset.posts
    if len(posts) and posts["client"].notna().any():
        client = posts["client"].astype("string").str.strip().str.casefold()
        feed = client.isin(FEED_CLIENTS).fillna(False).astype(bool)
        share = feed.groupby(posts["account_id"].to_numpy()).mean()
        by_feed = share[share >= min_feed_share].index
        mask = acc.index.isin(by_feed) & (reason == "").to_numpy()
        reason[mask] = "posts through a feed service"
    out = pd.DataFrame({"declared_automation": (reason != "").to_numpy(),
                        "automation_reason": reason.where(reason != "", None).to_numpy()}, index=acc.index)
    out.index.name = "account_id"
    return out
