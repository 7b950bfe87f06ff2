"""Evidence a person can read and check: per network, per signal, sentences with numbers, the
shared targets and example posts side by side with their timestamps."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .result import NetworkEvidence, Result

logger = logging.getLogger(__name__)

__all__ = ["network_evidence"]

_WHAT = {
    "co_repost": ("reposted the same posts", "posts"),
    "co_reply": ("replied to the same posts", "posts"),
    "co_quote": ("quoted the same posts", "posts"),
    "co_link": ("shared the same links", "links"),
    "co_domain": ("linked to the same domains", "domains"),
    "co_text": ("posted the same text", "texts"),
    "co_similar_text": ("posted near-identical texts", "messages"),
    "co_image": ("posted the same images", "images"),
    "co_hashtag": ("used the same hashtags", "hashtags"),
    "co_mention": ("mentioned the same accounts", "accounts"),
    "hashtag_sequence": ("used the same sequence of hashtags", "sequences"),
}


def _fmt_q(q: float) -> str:
    return "< 1e-300" if q <= 1e-300 else f"{q:.1e}"


def _coaction_sentence(name: str, edges: pd.DataFrame, k: int, window: float) -> str:
    what, unit = _WHAT.get(name, (f"acted together ({name})", "targets"))
    pairs = len(edges)
    sig = edges[edges["significant"]] if "significant" in edges else edges
    gaps = edges["median_gap"].median()
    return (f"{name}: {pairs} of {k * (k - 1) // 2} member pairs {what} within {window:g} s "
            f"({len(sig)} significant alone after correcting for all pairs); a pair shares up to "
            f"{int(edges['support'].max())} {unit} (median {edges['support'].median():g}), "
            f"median gap {gaps:.1f} s; strongest pair p = {_fmt_q(float(edges['p_value'].min()))}, "
            f"expected by chance {float(edges.loc[edges['p_value'].idxmin(), 'expected']):.2g} shared {unit}.")


def _niche_sentence(name: str, edges: pd.DataFrame, k: int, min_repeat: int,
                    p_cut: float) -> tuple[str | None, int]:
    """How the members meet on obscure targets (the niche test), at the window where it is
    strongest, and how many member pairs it ties there; ``(None, 0)`` when no member pair shares
    `min_repeat` such targets with niche ``p <= p_cut``."""
    if "niche_p" not in edges.columns:
        return None, 0
    tied = edges[(edges["niche_support"] >= min_repeat).to_numpy(bool) & (edges["niche_p"] <= p_cut).to_numpy(bool)]
    if tied.empty:
        return None, 0
    window = float(tied.loc[tied["niche_p"].idxmin(), "window"]) if "window" in tied else float("nan")
    tied = tied[tied["window"] == window] if "window" in tied else tied
    what, unit = _WHAT.get(name, (f"acted together ({name})", "targets"))
    best = tied.loc[tied["niche_p"].idxmin()]
    return (f"{name}, obscure {unit}: {len(tied)} of {k * (k - 1) // 2} member pairs {what} within "
            f"{window:g} s, at least {min_repeat} of them {unit} that few accounts touched (p <= {p_cut:g}; a pair up to "
            f"{int(tied['niche_support'].max())}, median {tied['niche_support'].median():g}; strongest pair: "
            f"{int(best['niche_support'])} {unit} with at most {int(best['niche_accounts'])} accounts each, "
            f"p = {_fmt_q(float(best['niche_p']))} after choosing the popularity bound)."), len(tied)


def network_evidence(result: Result, network_id: int, *, top: int = 10) -> NetworkEvidence:
    """Build the :class:`~coordnet.result.NetworkEvidence` of one network of a result."""
    members = result.members(network_id)
    mem = set(members)
    k = len(members)
    acc = result.accounts[result.accounts["account_id"].isin(members)].reset_index(drop=True)
    sentences: list[str] = []
    shared: list[pd.DataFrame] = []
    examples: list[pd.DataFrame] = []
    posts = result.dataset.posts.set_index("post_id")

    net_edges = result.edges[(result.edges["network_id"] == network_id).fillna(False).to_numpy(bool)]
    if len(net_edges):
        row = result.networks[result.networks["network_id"] == network_id].iloc[0]
        test = str(row["group_test"]) if "group_test" in row and pd.notna(row["group_test"]) else "fused"
        how = "" if test == "fused" else (
            f" (read on the niche test of {test.removeprefix('niche_')}: shared obscure targets)"
            if test.startswith("niche_") else f" (read on {test})")
        sentences.append(
            f"{k} accounts; {len(net_edges)} of {k * (k - 1) // 2} member pairs are tied (fused p <= "
            f"{result.params.get('p_candidate', 1e-3):g}); chance would produce a group this size, this "
            f"densely and strongly tied with probability {_fmt_q(float(row['group_q']))}{how} (score "
            f"{float(row['score']):.2f}); strongest pair p = {_fmt_q(float(net_edges['p_value'].min()))}.")
    row = result.networks[result.networks["network_id"] == network_id]
    if len(row) and "source_share" in row and pd.notna(row["source_share"].iloc[0]):
        r = row.iloc[0]
        verdict = ("it is shown as an organic audience, not flagged" if r["status"] == "organic_audience"
                   else "it stays a network")
        habit = "n/a" if pd.isna(r["habit_share"]) else f"{r['habit_share']:.2f}"
        wave = "n/a" if pd.isna(r["wave_share"]) else f"{r['wave_share']:.2f}"
        reach = ""
        if "audience_share" in r and pd.notna(r["audience_share"]):
            reach = f" (members are {r['audience_share']:.0%} of everyone who amplified it"
            if "source_followers" in r and pd.notna(r["source_followers"]):
                reach += f"; it has {int(r['source_followers']):,} followers"
            reach += ")"
        sentences.append(
            f"audience check: {r['source_share']:.0%} of the members' shared amplification goes to "
            f"{_name(result.accounts, r['top_source'])}{reach}; median reaction {r['median_delay']:.0f} s after "
            f"the post; timing explained by each member's own pace {habit}, by shared waves per post {wave}; "
            f"{verdict} (see coordnet.audience).")
    seeders = acc[acc["role"] == "seeder"]["account_id"].tolist()
    if seeders:
        sentences.append(f"{len(seeders)} seeder(s) whose posts the others amplify: "
                         + ", ".join(_name(acc, a) for a in seeders[:5]) + ("..." if len(seeders) > 5 else ""))

    for name, res in result.signal_results.items():
        e = res.edges
        if not len(e):
            continue
        all_inside = e[e["account_a"].isin(mem).to_numpy(bool) & e["account_b"].isin(mem).to_numpy(bool)]
        if all_inside.empty:
            continue
        inside = all_inside
        if "window" in e and e["window"].nunique() > 1:
            # The window where most member pairs are tied (p <= p_candidate); the shortest on a tie.
            p_cut = float(result.params.get("p_candidate", 1e-2))
            tied = all_inside[(all_inside["p_value"] <= p_cut).to_numpy(bool)]
            counts = tied.groupby("window").size() if len(tied) else all_inside.groupby("window").size()
            best = float(counts[counts == counts.max()].index.min())
            inside = all_inside[(all_inside["window"] == best).to_numpy(bool)]
        window = float(inside["window"].iloc[0]) if "window" in inside else float("nan")
        sentences.append(_coaction_sentence(name, inside, k, window))
        # The niche test's sentence when it says more than the count test: it decided the group
        # test, or it ties more member pairs.
        p_cut = float(result.params.get("p_candidate", 1e-2))
        niche, n_niche = _niche_sentence(name, all_inside, k, int(result.params.get("min_repeat", 3)), p_cut)
        decided = len(row) > 0 and "group_test" in row and row["group_test"].iloc[0] == f"niche_{name}"
        if niche and (decided or n_niche > int((inside["p_value"] <= p_cut).sum())):
            sentences.append(niche)
        ev = res.evidence(accounts=members, window=window)
        if ev.empty:
            continue
        sides = pd.concat([ev[["target", "account_a", "post_a", "time_a"]].set_axis(
                               ["target", "account_id", "post_id", "time"], axis=1),
                           ev[["target", "account_b", "post_b", "time_b"]].set_axis(
                               ["target", "account_id", "post_id", "time"], axis=1)])
        tg = sides.groupby("target").agg(accounts=("account_id", "nunique"), actions=("post_id", "nunique"),
                                         first=("time", "min"), last=("time", "max"))
        tg["span_seconds"] = (tg["last"] - tg["first"]).dt.total_seconds().abs()
        tg = tg.sort_values(["accounts", "actions"], ascending=False).head(top).reset_index()
        tg.insert(0, "signal", name)
        shared.append(tg)
        top_targets = set(tg["target"].head(3))
        ex = ev[ev["target"].isin(top_targets)]
        ids = pd.unique(np.concatenate([ex["post_a"].to_numpy(object), ex["post_b"].to_numpy(object)]))
        rows = posts.reindex(ids)
        exdf = pd.DataFrame({"signal": name, "post_id": ids, "account_id": rows["account_id"].to_numpy(),
                             "timestamp": rows["timestamp"].to_numpy(), "text": rows["text"].to_numpy()})
        target_of = pd.concat([ex[["post_a", "target"]].rename(columns={"post_a": "post_id"}),
                               ex[["post_b", "target"]].rename(columns={"post_b": "post_id"})]) \
            .drop_duplicates("post_id").set_index("post_id")["target"]
        exdf.insert(1, "target", target_of.reindex(exdf["post_id"]).to_numpy())
        examples.append(exdf.sort_values(["target", "timestamp"]).head(top * 3))

    for name, e in result.signal_edges.items():
        if name in result.signal_results or not len(e):
            continue
        inside = e[e["account_a"].isin(mem).to_numpy(bool) & e["account_b"].isin(mem).to_numpy(bool)]
        if inside.empty:
            continue
        if name == "synchrony":
            sentences.append(
                f"synchrony: {len(inside)} member pairs are active in the same 5-minute bins far more than "
                f"their daily rhythms explain (up to {int(inside['support'].max())} shared bins; "
                f"strongest p = {_fmt_q(float(inside['p_value'].min()))}).")
        elif name == "creation_burst":
            sentences.append(f"creation_burst: {len(inside)} member pairs were created in the same burst "
                             "of account creations, beyond the collection's background rate.")
        elif name == "handle_template":
            sentences.append(f"handle_template: {len(inside)} member pairs share a rare handle, name or "
                             "bio template.")
        else:
            sentences.append(f"{name}: {len(inside)} member pairs tied.")

    features = result.features.reindex(pd.Index(members, name="account_id"))
    sentences += _feature_sentences(features, result.features, result.dataset, members)
    shared_df = pd.concat(shared, ignore_index=True) if shared else pd.DataFrame(
        columns=["signal", "target", "accounts", "actions", "first", "last", "span_seconds"])
    ex_df = pd.concat(examples, ignore_index=True) if examples else pd.DataFrame(
        columns=["signal", "target", "post_id", "account_id", "timestamp", "text"])
    return NetworkEvidence(network_id=network_id, members=acc, sentences=sentences,
                           shared_targets=shared_df, examples=ex_df, edges=net_edges.reset_index(drop=True),
                           features=features)


def _name(acc: pd.DataFrame, account: str) -> str:
    row = acc[acc["account_id"] == account]
    sn = row["screen_name"].iloc[0] if len(row) else None
    return f"@{sn}" if isinstance(sn, str) and sn else account


def _feature_sentences(f: pd.DataFrame, everyone: pd.DataFrame, dataset, members: list[str]) -> list[str]:
    out = []
    if "rhythm_work_share" in f and f["rhythm_work_share"].notna().any():
        m = float(f["rhythm_work_share"].median())
        bg = float(everyone["rhythm_work_share"].median())
        out.append(f"rhythm: median share of posts inside 09:00-18:00 Asia/Shanghai working hours (weekdays, "
                   f"lunch excluded) is {m:.0%} for members vs {bg:.0%} for all accounts.")
    if "fast_repost_share" in f and f["fast_repost_share"].notna().any():
        m = float(f["fast_repost_share"].median())
        bg = float(everyone["fast_repost_share"].median())
        out.append(f"fast reposts: members repost within 10 s of the original in {m:.0%} of timed reposts "
                   f"(median; all accounts: {bg:.0%}).")
    acc = dataset.accounts.set_index("account_id").reindex(members)
    created = acc["created_at"].dropna()
    if len(created) >= 2:
        span = (created.max() - created.min()).days
        out.append(f"accounts: created between {created.min():%Y-%m-%d} and {created.max():%Y-%m-%d} "
                   f"({span} days apart for {len(created)} accounts with a creation date).")
    if "lifecycle_reactivated" in f and f["lifecycle_reactivated"].fillna(False).astype(bool).any():
        n = int(f["lifecycle_reactivated"].fillna(False).astype(bool).sum())
        out.append(f"lifecycle: {n} member(s) came back after a long dormancy.")
    return out
