"""Detection: run the signals, fuse them, find the networks, score and explain them.

:func:`detect` is the one call for notebooks; :class:`Detector` holds the parameters, validated
when it is built, for those who want control. The flow:

1. every pairwise signal computes its edge table with its own null model's p-values, and every
   feature signal its per-account table;
2. :func:`coordnet.network.fuse_edges` combines the p-values per account pair and keeps the pairs
   whose false discovery rate is below `alpha` (the backbone);
3. :func:`coordnet.clustering.find_networks` groups the backbone into networks (Louvain by
   default) and scores accounts and networks;
4. accounts whose posts a network amplifies are attached to it as *seeders*; the others are
   *amplifiers* or *members*, from the lead/lag of their co-actions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .audience import audience_statistics, organic_audiences, trace_shares
from .automation import declared_automation
from .clustering import evidence_score, find_networks
from .dataset import Dataset
from .errors import CoordnetError, ParameterError
from .network import PROFILE_SIGNALS, fuse_edges
from .result import Result
from .schema import STRING_DTYPE
from .signals.base import Signal, check_number

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_SIGNALS", "Detector", "default_signals", "detect"]

#: Names of the signals :func:`detect` runs by default (see :func:`default_signals`).
DEFAULT_SIGNALS = (
    "co_repost", "co_reply", "co_quote", "co_link", "co_domain", "co_text", "co_similar_text",
    "co_image", "hashtag_sequence", "synchrony", "creation_burst", "handle_template",
    "rhythm", "fast_repost", "lifecycle",
)


def default_signals(names: Sequence[str] = DEFAULT_SIGNALS) -> list[Signal]:
    """The signals :func:`detect` runs, with their default windows.

    Co-action signals run at two windows in one pass: reposts at one minute and one hour;
    replies, quotes, links, exact copies, images and hashtag sequences at ten minutes and one
    hour; near-duplicate texts and domains at one hour. Fast campaigns show at the short window,
    low-and-slow ones (amplification spread over an hour, shift work) at the long one; fusion
    takes a pair's best window and pays for the choice (Bonferroni over the windows).

    Examples
    --------
    >>> [s.name for s in default_signals(["co_repost", "rhythm"])]
    ['co_repost', 'rhythm']
    """
    from .signals import accounts as A
    from .signals import coaction as C
    from .signals import text as T
    from .signals import timing as Ti

    short, long_ = ["60s", "1h"], ["10min", "1h"]
    factories = {
        "co_repost": lambda: C.CoRepost(window=short),
        "co_reply": lambda: C.CoReply(window=long_),
        "co_quote": lambda: C.CoQuote(window=long_),
        "co_link": lambda: C.CoLink(window=long_),
        "co_domain": lambda: C.CoDomain(window="1h"),
        "co_text": lambda: C.CoText(window=long_),
        "co_similar_text": lambda: T.CoSimilarText(window="1h"),
        "co_image": lambda: C.CoImage(window=long_),
        "co_hashtag": lambda: C.CoHashtag(window=long_),
        "co_mention": lambda: C.CoMention(window=long_),
        "hashtag_sequence": lambda: C.HashtagSequence(window=long_),
        "synchrony": lambda: Ti.SynchronizedActivity(),
        "creation_burst": lambda: A.CreationBursts(),
        "handle_template": lambda: A.HandleTemplates(),
        "rhythm": lambda: Ti.Rhythm(),
        "fast_repost": lambda: Ti.FastReposts(),
        "lifecycle": lambda: A.Lifecycle(),
    }
    unknown = [n for n in names if n not in factories]
    if unknown:
        raise ParameterError(
            f"Unknown signal name(s) {unknown}. Known: {sorted(factories)}; or pass Signal objects.",
            name="signals", value=list(names))
    return [factories[n]() for n in names]


def _edge_pvalues(name: str, edges: pd.DataFrame) -> pd.Series | None:
    """The per-pair p-value column of a signal's edges, or None if it has none."""
    for col in ("p_value", "burst_p"):
        if col in edges.columns:
            return edges[col].astype(float)
    if "weight" in edges.columns and name == "handle_template":
        # weight = 1 - prod(1 - rarity): the chance that another account shares these
        # templates by chance is about 1 - weight.
        return (1.0 - edges["weight"].astype(float)).clip(lower=1e-300)
    return None


class Detector:
    """A configurable detection pipeline; parameters are validated when it is built.

    Parameters
    ----------
    signals : sequence of str or Signal, optional
        Signal names (see :data:`DEFAULT_SIGNALS`) or configured Signal objects. Pairwise
        signals feed the graph; feature signals (rhythm, fast reposts, lifecycle) feed the
        evidence and the account table.
    alpha : float, default=0.01
        Level of the network test: a group is a network when chance would produce a group that
        size and that densely tied with probability at most `alpha` (see
        :mod:`coordnet.clustering`).
    p_candidate : float, default=1e-2
        Fused pair p-value under which two accounts are a candidate edge for clustering.
    min_repeat : int, default=3
        A candidate edge must also be *repeated*: co-action on at least this many distinct
        targets in one signal (or a tie from synchrony or account traits), unless the pair is
        significant on its own (fused FDR <= `alpha`). Crowds at a live event co-repost the
        same two or three viral posts; the pairs they make are many but not independent (one
        post makes a clique), so the group test would overcount them.
    profile_alpha : float, default=1e-6
        Corrected p-value under which a profile signal (creation burst, handle template) may tie
        two accounts on its own.
    clustering : {"louvain", "components"}, default="louvain"
    min_size : int, default=3
        Smallest network; smaller groups are reported as candidates.
    resolution : float, default=1.0
        Louvain resolution.
    seed : int, default=0
        Seed of every random step; results are deterministic for it.
    progress : bool, default=False
        Show a progress bar (tqdm) over the signals.

    Examples
    --------
    >>> from coordnet.simulate import simulate
    >>> scenario = simulate(size="tiny", seed=1)
    >>> result = Detector(signals=["co_repost", "co_text"]).run(scenario.dataset)
    >>> list(result.networks.columns)[:4]
    ['network_id', 'status', 'size', 'score']
    """

    def __init__(
        self,
        signals: Sequence[str | Signal] | None = None,
        *,
        alpha: float = 0.01,
        p_candidate: float = 1e-2,
        min_repeat: int = 3,
        profile_alpha: float = 1e-6,
        clustering: str = "louvain",
        min_size: int = 3,
        resolution: float = 1.0,
        seed: int = 0,
        progress: bool = False,
    ):
        owner = "Detector"
        self.alpha = check_number(alpha, owner=owner, name="alpha", low=1e-300, high=0.5)
        self.p_candidate = check_number(p_candidate, owner=owner, name="p_candidate", low=1e-300, high=0.5)
        self.min_repeat = check_number(min_repeat, owner=owner, name="min_repeat", low=1, integer=True)
        self.profile_alpha = check_number(profile_alpha, owner=owner, name="profile_alpha", low=0, high=1)
        if clustering not in ("louvain", "components"):
            raise ParameterError(f"The 'clustering' parameter of Detector must be 'louvain' or "
                                 f"'components'. Got {clustering!r} instead.", name="clustering",
                                 value=clustering)
        self.clustering = clustering
        self.min_size = check_number(min_size, owner=owner, name="min_size", low=2, integer=True)
        self.resolution = check_number(resolution, owner=owner, name="resolution", low=1e-6)
        self.seed = check_number(seed, owner=owner, name="seed", low=0, integer=True)
        self.progress = bool(progress)
        names = [s for s in (signals or DEFAULT_SIGNALS) if isinstance(s, str)]
        built = {s.name: s for s in default_signals(names)} if names else {}
        self.signals: list[Signal] = []
        for s in signals or DEFAULT_SIGNALS:
            if isinstance(s, str):
                self.signals.append(built[s])
            elif isinstance(s, Signal):
                self.signals.append(s)
            else:
                raise ParameterError(f"The 'signals' parameter of Detector takes signal names or Signal "
                                     f"objects. Got {s!r} instead.", name="signals", value=s)
        for s in self.signals:
            s._validate()  # fail now, not after an hour of work
        seen = [getattr(s, "signal_name", s.name) for s in self.signals]
        if len(set(seen)) != len(seen):
            raise ParameterError(f"Two signals share a name in {seen}: give one a `label`.",
                                 name="signals", value=seen)

    def get_params(self) -> dict:
        """The pipeline's parameters (signals by their repr)."""
        return {"signals": [repr(s) for s in self.signals], "alpha": self.alpha,
                "p_candidate": self.p_candidate, "min_repeat": self.min_repeat, "profile_alpha": self.profile_alpha, "clustering": self.clustering,
                "min_size": self.min_size, "resolution": self.resolution, "seed": self.seed}

    # -- the run --------------------------------------------------------------------------------
    def run(self, dataset: Dataset) -> Result:
        """Run the pipeline on a dataset."""
        from . import __version__

        if not isinstance(dataset, Dataset):
            raise ParameterError(f"Detector.run expects a coordnet.Dataset. Got {type(dataset).__name__} "
                                 "instead; read one with coordnet.io or coordnet.from_frame.",
                                 name="dataset", value=dataset)
        stages: list[dict] = []
        signal_edges: dict[str, pd.DataFrame] = {}
        signal_results: dict[str, object] = {}
        features: list[pd.DataFrame] = []
        iterator = self.signals
        if self.progress:
            from tqdm.auto import tqdm

            iterator = tqdm(self.signals, desc="signals", unit="signal")
        for sig in iterator:
            name = getattr(sig, "signal_name", sig.name)
            t0 = time.perf_counter()
            note = ""
            try:
                if hasattr(sig, "run") and sig.kind == "edges":
                    res = sig.run(dataset)
                    signal_results[name] = res
                    out = res.edges
                else:
                    out = sig.compute(dataset)
            except CoordnetError as exc:  # a signal the data cannot feed: noted, not fatal
                note = f"skipped: {str(exc).splitlines()[0]}"
                logger.warning("signal %s %s", name, note)
                stages.append({"stage": name, "seconds": time.perf_counter() - t0, "rows": 0, "note": note})
                continue
            if sig.kind == "edges":
                signal_edges[name] = out.reset_index(drop=True)
            else:
                features.append(out)
            stages.append({"stage": name, "seconds": time.perf_counter() - t0, "rows": len(out), "note": note})
            logger.info("signal %s: %d rows in %.2fs", name, len(out), stages[-1]["seconds"])

        t0 = time.perf_counter()
        n_accounts = int(dataset.posts["account_id"].nunique()) or 1
        fusable = {}
        for name, e in signal_edges.items():
            p = _edge_pvalues(name, e)
            if p is None:
                logger.warning("signal %s has no p-values: kept as evidence, not fused", name)
                continue
            fusable[name] = _best_window(e, p)
        _trim_profile_edges(fusable, n_accounts, self.profile_alpha)
        active = {name: res.actions["account_id"] for name, res in signal_results.items()
                  if name in fusable and hasattr(res, "actions")}
        all_pairs = fuse_edges(fusable, n_accounts=n_accounts, alpha=None,
                               profile_alpha=self.profile_alpha, active=active) if fusable else \
            fuse_edges({}, n_accounts=n_accounts)
        all_pairs["repeated"] = _repeated(all_pairs, signal_edges, signal_results, self.min_repeat)
        views = _add_niche_views(all_pairs, signal_edges, self.min_repeat)
        stages.append({"stage": "fusion", "seconds": time.perf_counter() - t0, "rows": len(all_pairs), "note": ""})

        t0 = time.perf_counter()
        groups, fused = find_networks(all_pairs, n_accounts=n_accounts, p_candidate=self.p_candidate,
                                      alpha=self.alpha, method=self.clustering, min_size=self.min_size,
                                      resolution=self.resolution, seed=self.seed, views=views)
        stages.append({"stage": "clustering", "seconds": time.perf_counter() - t0,
                       "rows": int(groups["group_id"].nunique()) if len(groups) else 0, "note": ""})

        t0 = time.perf_counter()
        feat = _join_features(features)
        accounts, networks, fused = _assemble(dataset, groups, fused, all_pairs, signal_results)
        stages.append({"stage": "scoring", "seconds": time.perf_counter() - t0, "rows": len(networks), "note": ""})
        return Result(
            networks=networks, accounts=accounts, edges=fused, signal_edges=signal_edges,
            features=feat, dataset=dataset, params=self.get_params(), version=__version__,
            stages=pd.DataFrame(stages), signal_results=signal_results,
        )


def _trim_profile_edges(fusable: dict, n_accounts: int, profile_alpha: float) -> None:
    """Drop profile-signal pairs that fusion would ignore anyway (no behavioural edge, not strong
    alone) before the pivot: template and burst signals can relate millions of pairs."""
    behaviour = [e for n, e in fusable.items() if n not in PROFILE_SIGNALS and len(e)]
    seen = pd.MultiIndex.from_frame(pd.concat([e[["account_a", "account_b"]] for e in behaviour])
                                    .astype(object)) if behaviour else None
    m = max(n_accounts * (n_accounts - 1) // 2, 1)
    for name in [n for n in fusable if n in PROFILE_SIGNALS]:
        e = fusable[name]
        strong = (e["p_value"].to_numpy(float) * m) <= profile_alpha
        keys = pd.MultiIndex.from_frame(e[["account_a", "account_b"]].astype(object))
        near = keys.isin(seen) if seen is not None else np.zeros(len(e), dtype=bool)
        fusable[name] = e.loc[strong | near].reset_index(drop=True)


def _repeated(pairs: pd.DataFrame, signal_edges: dict, signal_results: dict, min_repeat: int) -> np.ndarray:
    """Whether each fused pair's tie is repeated: co-action on at least `min_repeat` distinct
    targets in some co-action signal, or any tie from a signal that is not a co-action (synchrony
    and account traits carry their own repetition)."""
    keys = pd.MultiIndex.from_arrays([pairs["account_a"].to_numpy(object), pairs["account_b"].to_numpy(object)])
    ok = np.zeros(len(pairs), dtype=bool)
    for name, e in signal_edges.items():
        if not len(e):
            continue
        sel = e[e["support"] >= min_repeat] if name in signal_results else e
        if len(sel):
            idx = pd.MultiIndex.from_arrays([sel["account_a"].to_numpy(object), sel["account_b"].to_numpy(object)])
            ok |= keys.isin(idx)
    return ok


def _add_niche_views(pairs: pd.DataFrame, signal_edges: dict, min_repeat: int) -> list[str]:
    """Add to `pairs` one column ``niche_<signal>`` per co-action signal: the pair's niche
    p-value (co-action on obscure targets, see :func:`coordnet.signals._coaction_kernel.pair_pvalues`)
    at its best window, times the number of windows, where the pair shares at least
    `min_repeat` such targets (NaN elsewhere). Returns the column names: the views the group
    test tries besides fusion."""
    names = []
    keys = pd.MultiIndex.from_arrays([pairs["account_a"].to_numpy(object), pairs["account_b"].to_numpy(object)])
    for name, e in sorted(signal_edges.items()):
        if "niche_p" not in e.columns or not len(e):
            continue
        n_windows = max(int(e["window"].nunique()), 1) if "window" in e.columns else 1
        sel = e.loc[(e["niche_support"] >= min_repeat).to_numpy(bool), ["account_a", "account_b", "niche_p"]]
        if sel.empty:
            continue
        best = sel.groupby([sel["account_a"].astype(object), sel["account_b"].astype(object)], sort=False)["niche_p"].min()
        col = f"niche_{name}"
        pairs[col] = np.minimum(1.0, best.reindex(keys).to_numpy(float) * n_windows)
        names.append(col)
    return names


def _best_window(edges: pd.DataFrame, p: pd.Series) -> pd.DataFrame:
    """One p-value per pair: the best over the signal's windows, times the number of windows
    (Bonferroni: choosing the window after looking is paid for)."""
    df = pd.DataFrame({"account_a": edges["account_a"].to_numpy(), "account_b": edges["account_b"].to_numpy(),
                       "p_value": p.to_numpy(dtype=float)})
    if "window" not in edges.columns or edges["window"].nunique() <= 1:
        return df
    n_windows = int(edges["window"].nunique())
    best = df.groupby(["account_a", "account_b"], sort=True, as_index=False)["p_value"].min()
    best["p_value"] = np.minimum(1.0, best["p_value"] * n_windows)
    return best


def _join_features(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(index=pd.Index([], name="account_id", dtype=STRING_DTYPE))
    out = frames[0]
    for f in frames[1:]:
        out = out.join(f, how="outer")
    out.index.name = "account_id"
    return out


def _seeders(dataset: Dataset, members: dict[int, set[str]], taken: set[str]) -> dict[str, int]:
    """Accounts whose posts one network amplifies: reposted by at least three members (and half
    of a small network) on two or more posts, with most of their reposts coming from it."""
    p = dataset.posts
    rep = p.loc[(p["kind"] == "repost").to_numpy(bool) & p["ref_account_id"].notna().to_numpy(bool),
                ["account_id", "ref_account_id", "ref_post_id"]]
    if rep.empty:
        return {}
    rep = rep.astype(str)
    total = rep.groupby("ref_account_id").size()
    out: dict[str, int] = {}
    for nid, mem in members.items():
        sub = rep[rep["account_id"].isin(mem)]
        if sub.empty:
            continue
        g = sub.groupby("ref_account_id").agg(amplifiers=("account_id", "nunique"),
                                              posts=("ref_post_id", "nunique"), reposts=("account_id", "size"))
        g["share"] = g["reposts"] / total.reindex(g.index).to_numpy()
        need = max(3, int(np.ceil(0.5 * len(mem))))
        ok = g[(g["amplifiers"] >= need) & (g["posts"] >= 2) & (g["share"] >= 0.5)]
        for acc in ok.index:
            if acc not in taken and acc not in out:
                out[acc] = nid
    return out


def _best_tie_scores(accounts: pd.Series, all_pairs: pd.DataFrame | None,
                     explained: dict | None = None) -> np.ndarray:
    """Every account's score from its strongest tie over all fused pairs (kept or not), leaving
    out ties inside a group that is explained without covert coordination (`explained`: account
    to group, for openly automated networks and organic audiences)."""
    if all_pairs is None or not len(all_pairs):
        return np.zeros(len(accounts))
    pairs = all_pairs
    if explained:
        ga = pairs["account_a"].astype(object).map(explained).to_numpy(float, na_value=np.nan)
        gb = pairs["account_b"].astype(object).map(explained).to_numpy(float, na_value=np.nan)
        pairs = pairs[~(ga == gb)]
    both = pd.concat([pairs[["account_a", "q_value"]].rename(columns={"account_a": "account_id"}),
                      pairs[["account_b", "q_value"]].rename(columns={"account_b": "account_id"})])
    best = both.groupby("account_id")["q_value"].min()
    return evidence_score(best.reindex(accounts).fillna(1.0).to_numpy())


def _ties_inside(fused: pd.DataFrame, network_of: dict) -> pd.DataFrame:
    """The candidate edges with ``network_id`` (NA for edges between networks or outside them)."""
    fused = fused.drop(columns=[c for c in ("group_id",) if c in fused])
    ga = fused["account_a"].astype(object).map(network_of).to_numpy(float, na_value=np.nan)
    gb = fused["account_b"].astype(object).map(network_of).to_numpy(float, na_value=np.nan)
    same = ga == gb  # NaN (outside any network) is never equal
    fused["network_id"] = pd.array(np.where(same, np.nan_to_num(ga, nan=-1), -1).astype(np.int64), dtype="Int64")
    fused.loc[~same, "network_id"] = pd.NA
    return fused


def _roles(accounts: pd.Series, network_ids: pd.Series, seeders: dict, lead: dict) -> pd.array:
    """Seeders are amplified by their network or lead its co-actions (>= 75% of them);
    amplifiers follow; members are tied by other signals only."""
    role = []
    for a, n in zip(accounts, network_ids, strict=True):
        if pd.isna(n):
            role.append(None)
        elif a in seeders or lead.get(a, 0.0) >= 0.75:
            role.append("seeder")
        elif a in lead:
            role.append("amplifier")
        else:
            role.append("member")
    return pd.array(role, dtype=STRING_DTYPE)


def _assemble(dataset: Dataset, groups: pd.DataFrame, fused: pd.DataFrame, all_pairs: pd.DataFrame | None,
              signal_results: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Accounts, networks and edges tables from the groups of the candidate graph."""
    acc = dataset.accounts[["account_id", "screen_name"]].copy()
    nets = groups[groups["status"] == "network"]
    cands = groups[groups["status"] == "candidate"]

    # Networks are numbered by score (strongest first), then seeders join the network they feed.
    order = sorted(nets["group_id"].unique(), key=lambda g: -nets.loc[nets["group_id"] == g, "score"].median())
    rank = {gid: i for i, gid in enumerate(order)}
    network_of = dict(zip(nets["account_id"], nets["group_id"].map(rank), strict=True))
    members: dict[int, set[str]] = {}
    for a, n in network_of.items():
        members.setdefault(n, set()).add(a)
    seeders = _seeders(dataset, members, set(network_of))
    for a, n in seeders.items():
        network_of[a] = n
        members[n].add(a)
    net_score = {n: float(nets.loc[nets["group_id"] == g, "score"].median()) for g, n in rank.items()}
    net_q = {n: float(nets.loc[nets["group_id"] == g, "group_q"].min()) for g, n in rank.items()}
    net_test = {n: str(nets.loc[nets["group_id"] == g, "group_test"].iloc[0]) if "group_test" in nets else "fused"
                for g, n in rank.items()}

    # What ties each account inside its network.
    fused = _ties_inside(fused, network_of)
    inside = fused[fused["network_id"].notna().to_numpy(bool)]

    # Groups explained without covert coordination are shown, not flagged: networks made mostly
    # of openly automated accounts, and organic audiences of one account (coordnet.audience).
    auto = declared_automation(dataset)
    is_auto = auto["declared_automation"]
    automated = {n for n, mem in members.items()
                 if is_auto.reindex(sorted(mem)).fillna(False).astype(bool).mean() >= 0.5}
    aud_stats = audience_statistics(dataset, {n: m for n, m in members.items() if n not in automated})
    audiences = organic_audiences(aud_stats, trace_shares(inside, members))
    status = {n: "declared_automation" if n in automated else "organic_audience" if n in audiences
              else "network" for n in members}
    flagged = {a: n for a, n in network_of.items() if status[n] == "network"}
    explained = {a: n for a, n in network_of.items() if status[n] != "network"}
    acc["score"] = _best_tie_scores(acc["account_id"], all_pairs, explained)

    # Candidate groups are numbered after the networks; members of an automated network carry
    # that network's id here, since they are not flagged.
    first_candidate = len(members)
    cand_rank = {gid: first_candidate + i for i, gid in enumerate(sorted(cands["group_id"].unique()))}
    candidate_of = dict(zip(cands["account_id"], cands["group_id"].map(cand_rank), strict=True))
    candidate_of.update(explained)

    acc["network_id"] = pd.array([flagged.get(a) for a in acc["account_id"]], dtype="Int64")
    acc["candidate_group"] = pd.array([candidate_of.get(a) for a in acc["account_id"]], dtype="Int64")
    acc["declared_automation"] = is_auto.reindex(acc["account_id"]).fillna(False).astype(bool).to_numpy()
    acc["automation_reason"] = pd.array(auto["automation_reason"].reindex(acc["account_id"]).to_numpy(),
                                        dtype=STRING_DTYPE)

    ends = pd.concat([inside[["account_a", "signals"]].rename(columns={"account_a": "account_id"}),
                      inside[["account_b", "signals"]].rename(columns={"account_b": "account_id"})])
    ties = ends.groupby("account_id").size()
    sigs = ends.assign(s=ends["signals"].str.split(",")).explode("s").groupby("account_id")["s"] \
        .agg(lambda s: ",".join(sorted(set(x for x in s if x))))
    acc["ties"] = ties.reindex(acc["account_id"]).fillna(0).astype("int64").to_numpy()
    acc["signals"] = pd.array(sigs.reindex(acc["account_id"]).to_numpy(), dtype=STRING_DTYPE)
    acc["role"] = _roles(acc["account_id"], acc["network_id"], seeders,
                         _lead_share(signal_results, network_of))
    # Members (seeders included) of flagged networks score their network's group test, if that
    # is stronger.
    acc["score"] = np.maximum(acc["score"].to_numpy(float),
                              [net_score.get(flagged.get(a), 0.0) for a in acc["account_id"]])
    acc = acc.sort_values(["network_id", "score", "account_id"], ascending=[True, False, True],
                          na_position="last").reset_index(drop=True)

    rows = []
    audience_cols = ["top_source", "source_share", "source_followers", "audience_share", "median_delay",
                     "habit_share", "wave_share"]
    for n, mem in sorted(members.items()):
        e = inside[(inside["network_id"] == n).to_numpy(bool)]
        k = len(mem)
        sig_counts = e["signals"].str.split(",").explode().value_counts()
        sig_counts = sig_counts[sig_counts.index.astype(str) != ""]
        aud = aud_stats.loc[n, audience_cols].to_dict() if n in aud_stats.index else {}
        rows.append({
            "network_id": n, "status": status[n], "size": k,
            "score": net_score[n], "group_q": net_q[n], "group_test": net_test[n],
            "signals": ",".join(sig_counts.index.tolist()),
            "n_edges": len(e), "density": len(e) / (k * (k - 1) / 2) if k > 1 else 0.0,
            "seeders": sum(1 for a in mem if a in seeders), **aud,
        })
    for gid, n in sorted(cand_rank.items(), key=lambda x: x[1]):
        g = cands[cands["group_id"] == gid]
        rows.append({"network_id": n, "status": "candidate", "size": len(g),
                     "score": float(g["score"].median()), "group_q": float(g["group_q"].min()),
                     "group_test": str(g["group_test"].iloc[0]) if "group_test" in g else "fused",
                     "signals": "", "n_edges": 0, "density": 0.0, "seeders": 0})
    networks = pd.DataFrame(rows, columns=["network_id", "status", "size", "score", "group_q", "group_test",
                                           "signals", "n_edges", "density", "seeders", *audience_cols])
    networks = networks.astype({"network_id": "int64", "status": STRING_DTYPE, "size": "int64",
                                "score": float, "group_q": float, "group_test": STRING_DTYPE,
                                "signals": STRING_DTYPE, "n_edges": "int64",
                                "density": float, "seeders": "int64", "top_source": STRING_DTYPE,
                                "source_share": float, "source_followers": float, "audience_share": float,
                                "median_delay": float,
                                "habit_share": float, "wave_share": float})
    return acc, networks, fused


def _lead_share(signal_results: dict, network_of: dict) -> dict[str, float]:
    """Per network member, the share of its co-actions with fellow members that it led."""
    led: dict[str, float] = {}
    total: dict[str, float] = {}
    for res in signal_results.values():
        e = getattr(res, "edges", None)
        if e is None or not len(e) or "a_leads" not in e:
            continue
        if "window" in e and e["window"].nunique() > 1:
            e = e[e["window"] == e["window"].min()]
        na = e["account_a"].map(network_of)
        nb = e["account_b"].map(network_of)
        e = e[(na == nb) & na.notna()]
        for a, b, al, bl in zip(e["account_a"], e["account_b"], e["a_leads"], e["b_leads"], strict=True):
            led[a] = led.get(a, 0) + al
            led[b] = led.get(b, 0) + bl
            total[a] = total.get(a, 0) + al + bl
            total[b] = total.get(b, 0) + al + bl
    return {a: led[a] / total[a] for a in total if total[a] > 0}


def detect(dataset: Dataset, **overrides) -> Result:
    """Find coordinated networks in a dataset with sound defaults.

    Parameters
    ----------
    dataset : Dataset
    **overrides
        Any parameter of :class:`Detector` (``signals``, ``alpha``, ``min_size``...).

    Returns
    -------
    Result

    Examples
    --------
    >>> from coordnet.simulate import simulate
    >>> result = detect(simulate(size="tiny", seed=0).dataset)
    >>> result.networks.columns.tolist()[:3]
    ['network_id', 'status', 'size']
    """
    return Detector(**overrides).run(dataset)

