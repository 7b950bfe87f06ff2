"""Organic audiences: groups that amplify one account, each member at its own pace.

Co-amplification is the commonest evidence of coordination, and its commonest false alarm. The
fans of a singer, the followers of a live-event account or a news anchor repost the same posts
within minutes, again and again, and nothing about that is covert: they are that account's
audience. Their pairwise ties are real (they *do* act together far more than chance), so the
question is not whether they co-act but why.

Two facts tell an audience from an operation, and both can be checked from the posts alone:

1. **One source.** An audience gathers around one account: most of the group's shared
   amplification (reposts, quotes, replies of posts that two or more members acted on) goes to
   the posts of a single account. Operations push several seeders and mix in cover content.
2. **Own pace, no waves.** In an audience each member reacts on their own clock (notifications
   on or off, awake or asleep): who is fast is fast on every post, and a post does not make the
   whole group fast or slow together. In an operation the trigger is the item: an operator or a
   script sends a wave per post and every member follows it. On the log of each member's delay
   after the original post, the share of variance explained by the member (``habit_share``,
   the intraclass correlation by account) and the share explained by the post once each
   member's own pace is removed (``wave_share``) tell the two apart.

A network is reported with status ``"organic_audience"`` (shown, not flagged) when all of these
hold (:func:`organic_audiences`):

- its ties are amplification (:data:`AMPLIFICATION_SIGNALS`): at most 5% of its members have a
  tie that carries another signal (shared text, links, hashtags, account traits). Independent
  evidence keeps it a network: an audience does not write the same message or sign up in the
  same hour. (A share, not "none": among a thousand fans a few pairs share a hashtag habit.)
  When the group is a small slice of the account's audience (at most a quarter of everyone in
  the collection who amplified it, ``audience_share``), up to half may: the most engaged viewers
  of a live match repost every highlight *and* use the match's hashtags at the same moments;
  an operation's seeders, by contrast, are amplified mostly by the operation itself;
- at least two thirds of its shared amplification goes to one account;
- on that account's posts, members react at a human pace (median delay at least 30 s) and there
  are no waves (``wave_share`` below 0.3), both read on reactions within an hour of the post
  (later ones follow sleep and work hours, not coordination);
- when the account's follower count is known, it has at least ten followers per member: an
  audience is a small part of an account's followers, while an operation's seeder is often an
  obscure account that its amplifiers do not even need to follow.

What this misses: an operation that amplifies a single seeder with members reacting at their own
pace and no other trace is indistinguishable, from posts alone, from that seeder's fans; it is
shown as an audience, with its statistics, for a person to judge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .dataset import Dataset

__all__ = ["AMPLIFICATION_SIGNALS", "audience_statistics", "intraclass_correlation", "organic_audiences",
           "trace_shares"]

#: Signals whose ties an organic audience produces by itself: acting on the same posts (repost,
#: reply, quote) and being active at the same times.
AMPLIFICATION_SIGNALS = frozenset({"co_repost", "co_reply", "co_quote", "synchrony", "fast_repost"})

_AMPLIFY_KINDS = ("repost", "quote", "reply")


def intraclass_correlation(values: np.ndarray, groups: np.ndarray) -> float:
    """One-way intraclass correlation ICC(1): the share of the variance of `values` explained
    by `groups`, for unbalanced groups, clipped to [0, 1]; NaN with fewer than two groups.

    Examples
    --------
    >>> round(intraclass_correlation(np.array([1.0, 1.1, 5.0, 5.1, 9.0, 9.1]), np.array([0, 0, 1, 1, 2, 2])), 3)
    1.0
    >>> intraclass_correlation(np.array([1.0, 9.0, 1.0, 9.0, 1.0, 9.0]), np.array([0, 0, 1, 1, 2, 2]))
    0.0
    """
    values = np.asarray(values, dtype=float)
    codes = np.unique(np.asarray(groups), return_inverse=True)[1].ravel()
    size = np.bincount(codes).astype(float)
    n, g = len(values), len(size)
    if g < 2 or n <= g:
        return float("nan")
    mean = np.bincount(codes, weights=values) / size
    grand = values.mean()
    ms_between = (size * (mean - grand) ** 2).sum() / (g - 1)
    ms_within = ((values - mean[codes]) ** 2).sum() / (n - g)
    k0 = (n - (size ** 2).sum() / n) / (g - 1)
    denom = ms_between + (k0 - 1) * ms_within
    if denom <= 0:
        return 0.0
    return float(np.clip((ms_between - ms_within) / denom, 0.0, 1.0))


def _wave_share(y: np.ndarray, account: np.ndarray, target: np.ndarray, iterations: int = 100) -> float:
    """Share of the variance of `y` that the target explains beyond an additive account effect:
    ``(MS_t - MS_e) / (MS_t + (k0 - 1) MS_e)`` from the two-way additive least-squares fit
    (backfitting), with ``MS_t`` the target sum of squares after the account and ``k0 = n / T``."""
    a = np.unique(account, return_inverse=True)[1].ravel()
    t = np.unique(target, return_inverse=True)[1].ravel()
    n, n_a, n_t = len(y), int(a.max()) + 1, int(t.max()) + 1
    df_e = n - n_a - n_t + 1
    if n_t < 2 or df_e <= 0:
        return float("nan")
    size_a, size_t = np.bincount(a).astype(float), np.bincount(t).astype(float)
    mean_a = np.bincount(a, weights=y) / size_a
    rss_account = float(((y - mean_a[a]) ** 2).sum())
    eff_a, eff_t = mean_a.copy(), np.zeros(n_t)
    for _ in range(iterations):
        eff_t = np.bincount(t, weights=y - eff_a[a], minlength=n_t) / size_t
        new_a = np.bincount(a, weights=y - eff_t[t], minlength=n_a) / size_a
        done = np.abs(new_a - eff_a).max() < 1e-10
        eff_a = new_a
        if done:
            break
    rss_both = float(((y - eff_a[a] - eff_t[t]) ** 2).sum())
    ms_t = max(rss_account - rss_both, 0.0) / (n_t - 1)
    ms_e = rss_both / df_e
    k0 = n / n_t
    denom = ms_t + (k0 - 1) * ms_e
    if denom <= 0:
        return 0.0
    return float(np.clip((ms_t - ms_e) / denom, 0.0, 1.0))


def _amplifications(dataset: Dataset) -> pd.DataFrame:
    """Reposts, quotes and replies with their source account (``ref_account_id``, else the
    referenced post's author when that post is in the collection) and the delay after their
    target (seconds): after the original post when it is in the collection, else after the
    first action on it."""
    p = dataset.posts
    kind = p["kind"].astype(str).to_numpy()
    sel = np.isin(kind, _AMPLIFY_KINDS) & p["ref_post_id"].notna().to_numpy(bool)
    ns = p["timestamp"].dt.as_unit("ns").array.asi8  # exact integers, no Timestamp objects
    a = pd.DataFrame({
        "account_id": p["account_id"].to_numpy()[sel].astype(object),
        "target": p["ref_post_id"].to_numpy()[sel].astype(object),
        "source": p["ref_account_id"].to_numpy()[sel].astype(object),
        "ns": ns[sel],
    })
    if a.empty:
        return a.assign(delay=pd.Series(dtype=float))
    post_ids = p["post_id"].to_numpy(object)
    origin = pd.Series(ns, index=post_ids)
    origin = origin[~origin.index.duplicated()]
    if a["source"].isna().any():  # the referenced post's author, when the post is in the collection
        author = pd.Series(p["account_id"].to_numpy(object), index=post_ids)
        author = author[~author.index.duplicated()]
        a["source"] = a["source"].where(a["source"].notna(), a["target"].map(author))
    first = a.groupby("target")["ns"].min()
    known = a["target"].map(origin)
    start = known.where(known.notna(), a["target"].map(first)).to_numpy(np.float64)
    a["delay"] = np.clip((a["ns"].to_numpy(np.float64) - start) / 1e9, 0.0, None)
    return a


def audience_statistics(dataset: Dataset, members: Mapping[int, Iterable[str]], *,
                        min_actions: int = 20, max_delay: float = 3600.0) -> pd.DataFrame:
    """Source concentration and timing components of each group's shared amplification.

    Parameters
    ----------
    dataset : Dataset
    members : mapping
        Group id to its member account ids.
    min_actions : int, default=20
        Fewer timed amplifications than this (or fewer than three posts or three members) leave
        the timing shares NaN.
    max_delay : float, default=3600
        Timing is read on reactions within this many seconds of the post (the longest default
        co-action window): the prompt reactions that tie a group. Later ones follow sleep and
        work hours (a post at 3 am is answered in the morning by everyone), which says nothing
        about coordination.

    Returns
    -------
    DataFrame
        Indexed by group id: ``members``, ``shared_actions`` (members' first actions on posts
        that two or more members amplified), ``top_source`` (the account most of them amplify),
        ``source_share`` (its share), ``source_followers`` (its follower count when the dataset
        has one, else NaN), ``audience_share`` (the members' share of every account
        in the collection that amplified the top source), and, on the top source's posts, for
        reactions within
        `max_delay`: ``median_delay`` (seconds
        after the original post, or after the first action on it when it is not in the
        collection), ``habit_share`` (ICC of log delays by member) and ``wave_share`` (ICC by
        post after removing each member's pace, from a two-way additive fit).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> pace = {f"fan{i}": 10 ** rng.uniform(1, 3) for i in range(6)}  # each fan's own speed
    >>> rows = [{"post_id": f"p{j}", "account_id": "idol", "timestamp": 1_000_000 + 86_400 * j}
    ...         for j in range(8)]
    >>> rows += [{"post_id": f"r{j}{a}", "account_id": a, "timestamp": 1_000_000 + 86_400 * j
    ...           + int(s * rng.lognormal(0, 0.3)), "kind": "repost", "ref_post_id": f"p{j}",
    ...           "ref_account_id": "idol"} for j in range(8) for a, s in pace.items()]
    >>> stats = audience_statistics(Dataset(pd.DataFrame(rows)), {0: list(pace)})
    >>> stats.loc[0, "top_source"], float(stats.loc[0, "source_share"])
    ('idol', 1.0)
    >>> bool(stats.loc[0, "habit_share"] > 0.8 and stats.loc[0, "wave_share"] < 0.3)
    True
    """
    cols = ["members", "shared_actions", "top_source", "source_share", "source_followers", "audience_share",
            "median_delay", "habit_share", "wave_share"]
    acts = _amplifications(dataset)
    accounts = dataset.accounts
    followers = (pd.Series(accounts["followers"].to_numpy(float, na_value=np.nan),
                           index=accounts["account_id"].astype(object).to_numpy())
                 if "followers" in accounts.columns else pd.Series(dtype=float))
    followers = followers[~followers.index.duplicated()]
    audience = acts.groupby("source")["account_id"].nunique() if len(acts) else pd.Series(dtype="int64")
    rows = {}
    for gid, mem in members.items():
        mem = set(mem)
        members_acts = acts[acts["account_id"].isin(mem)]
        sub = members_acts.sort_values("delay").drop_duplicates(["account_id", "target"])
        by_target = sub.groupby("target")["account_id"].transform("size")
        sub = sub[by_target.to_numpy() >= 2]
        n = len(sub)
        top, share, slice_ = None, float("nan"), float("nan")
        src = sub["source"].dropna()
        if len(src):
            counts = src.value_counts()
            top, share = counts.index[0], float(counts.iloc[0] / n)
            reached = members_acts.loc[(members_acts["source"] == top).to_numpy(bool), "account_id"].nunique()
            slice_ = float(reached / audience[top])
            # Timing is read on the top source's posts only: posts of different accounts have
            # different organic delays (a viral post spreads for hours, a live moment for a minute).
            sub = sub[(sub["source"] == top).to_numpy(bool)]
        sub = sub[(sub["delay"] <= max_delay).to_numpy(bool)]
        habit = wave = float("nan")
        delay = float(sub["delay"].median()) if len(sub) else float("nan")
        if len(sub) >= min_actions and sub["target"].nunique() >= 3 and sub["account_id"].nunique() >= 3:
            y = np.log1p(sub["delay"].to_numpy(float))
            who = sub["account_id"].to_numpy(object)
            habit = intraclass_correlation(y, who)
            wave = _wave_share(y, who, sub["target"].to_numpy(object))
        fol = float(followers.get(top, np.nan)) if top is not None else float("nan")
        rows[gid] = (len(mem), n, top, share, fol, slice_, delay, habit, wave)
    out = pd.DataFrame.from_dict(rows, orient="index", columns=cols)
    return out.astype({"members": "int64", "shared_actions": "int64", "source_share": float,
                       "source_followers": float, "audience_share": float, "median_delay": float,
                       "habit_share": float, "wave_share": float})


def trace_shares(ties: pd.DataFrame, members: Mapping[int, Iterable[str]]) -> dict[int, float]:
    """Share of each group's members with a tie to a fellow member that carries a signal other
    than amplification (:data:`AMPLIFICATION_SIGNALS`, and their niche tests ``niche_<signal>``):
    shared text, links, hashtags, account traits.

    Parameters
    ----------
    ties : DataFrame
        Pairs ``account_a, account_b, signals`` (comma-separated signal names).
    members : mapping
        Group id to its member account ids.

    Examples
    --------
    >>> ties = pd.DataFrame({"account_a": ["a", "a", "c"], "account_b": ["b", "c", "d"],
    ...                      "signals": ["co_repost", "co_repost,co_link", "co_repost"]})
    >>> trace_shares(ties, {0: ["a", "b", "c", "d"]})
    {0: 0.5}
    """
    other = ties["signals"].fillna("").astype(str).map(
        lambda s: any(x and x.removeprefix("niche_") not in AMPLIFICATION_SIGNALS
                      for x in s.split(","))).to_numpy(bool)
    a = ties["account_a"].to_numpy(object)[other]
    b = ties["account_b"].to_numpy(object)[other]
    out = {}
    for gid, mem in members.items():
        mem = set(mem)
        inside = np.array([x in mem and y in mem for x, y in zip(a, b, strict=True)], dtype=bool)
        traced = set(a[inside]) | set(b[inside])
        out[gid] = len(traced) / len(mem) if mem else 0.0
    return out


def organic_audiences(stats: pd.DataFrame, traces: Mapping[int, float], *,
                      min_source_share: float = 2 / 3, max_wave_share: float = 0.3,
                      min_median_delay: float = 30.0, max_trace_share: float = 0.05,
                      max_slice: float = 0.25, max_slice_trace_share: float = 0.5,
                      min_followers_per_member: float = 10.0) -> set[int]:
    """Groups of `stats` (from :func:`audience_statistics`) that look like an organic audience:
    at least `min_source_share` of the shared amplification to one account, a human pace
    (median reaction of at least `min_median_delay` seconds), no waves (``wave_share`` below
    `max_wave_share`), and at most `max_trace_share` of members with another trace (`traces`,
    from :func:`trace_shares`), or at most `max_slice_trace_share` when the group is a small
    slice of the source's audience (``audience_share`` at most `max_slice`). When the source's
    follower count is known, it must be at least `min_followers_per_member` times the group's
    size: an audience is a small part of an account's followers.

    Why the slice: the most engaged few of a big account's audience (those who reposted every
    highlight of a match) meet again on its posts far more than chance says, and being at the
    same event they also share its hashtags and habits; an operation's seeders are amplified
    by the operation, so its members are most of their audience. Why the followers: sixteen
    accounts that amplify, post after post, an account eleven people follow are not its
    audience; a singer's or a broadcaster's audience is a sliver of its followers.

    Examples
    --------
    >>> stats = pd.DataFrame({"source_share": [0.95, 0.95, 0.4, 0.95], "wave_share": [0.05, 0.7, 0.05, 0.0],
    ...                       "median_delay": [240.0, 240.0, 240.0, 5.0],
    ...                       "audience_share": [0.9, 0.9, 0.9, 0.9]})
    >>> sorted(organic_audiences(stats, {g: 0.0 for g in range(4)}))
    [0]
    >>> organic_audiences(stats, {0: 0.3})
    set()
    >>> organic_audiences(stats.assign(audience_share=0.02), {0: 0.3})   # a slice of a crowd
    {0}
    >>> organic_audiences(stats.assign(members=16, source_followers=11.0), {0: 0.0})  # 11 followers
    set()
    """
    out = set()
    for gid, row in stats.iterrows():
        slice_ = row.get("audience_share", np.nan)
        allowed = max_slice_trace_share if slice_ <= max_slice else max_trace_share
        if traces.get(gid, 1.0) > allowed:
            continue
        fol, size = row.get("source_followers", np.nan), row.get("members", np.nan)
        if pd.notna(fol) and pd.notna(size) and fol < min_followers_per_member * size:
            continue
        if (row["source_share"] >= min_source_share and row["wave_share"] < max_wave_share
                and row["median_delay"] >= min_median_delay):
            out.add(gid)
    return out
