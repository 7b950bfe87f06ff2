"""Networks from the fused graph: communities, their significance, scores.

Pairwise tests alone waste the strongest evidence of coordination, the group: eight accounts
that each share the same seven obscure links within minutes give 28 pairs, each only moderately
unlikely (``p ~ 1e-4``) and none significant after correcting for the ``N (N - 1) / 2`` pairs of a
collection, while the group as a whole is overwhelming. So networks are found and tested in two
steps:

1. **Candidate graph.** Pairs whose fused p-value (:func:`coordnet.network.fuse_edges`) is at most
   `p_candidate` (default ``1e-2``), or whose false discovery rate is at most ``alpha``, are
   candidate edges. Communities are found on them with Louvain (networkx, seeded: deterministic
   for a seed) weighted by ``-log10 p``, or as connected components.
2. **Group test** (:func:`group_q`). Under the null a pair's p-value is at most ``t`` with
   probability at most ``t``, so a community of ``k`` accounts with ``e_t`` internal edges at
   ``p <= t`` has chance probability at most ``P(Binomial(k (k - 1) / 2, t) >= e_t)``. The best
   of the levels ``t = p_candidate, 1e-4, ..., 1e-30``, with a union bound over the levels tried,
   over every group of ``k`` accounts that could have been picked among the ``N``, and over the
   sizes ``k``, gives the group's ``q``: the chance that *any* group that size, that dense and that
   strongly tied arises in the collection by chance. A community is a **network** when ``k >= min_size`` and
   ``q <= alpha``; otherwise it is a *candidate*, kept but never promoted.

Scores
------
Scores read a chance probability on a logarithmic scale: ``score = min(1, -log10(q) / 10)``.

======  ==============================================================
score   meaning: chance would produce this evidence with probability
======  ==============================================================
0.2     ``1e-2`` (the default significance level)
0.5     ``1e-5``
0.9     ``1e-9``
1.0     ``1e-10`` or less
======  ==============================================================

A network's score reads its group ``q``; a member's score is its network's score, and an account
outside any network scores its strongest single tie (the smallest fused pair ``q``). Members of
groups shown but not flagged (declared automation, organic audiences: see :mod:`coordnet.detect`)
score only their ties outside the group.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd
from scipy import special, stats

from .errors import ParameterError
from .schema import STRING_DTYPE

logger = logging.getLogger(__name__)

__all__ = ["evidence_score", "find_networks", "group_q"]

#: -log10(q) that maps to a score of 1.
SCORE_SCALE = 10.0


def evidence_score(q: np.ndarray | float) -> np.ndarray:
    """Score in [0, 1] of a false discovery rate: ``min(1, -log10(q) / 10)``.

    Examples
    --------
    >>> evidence_score(np.array([1.0, 1e-2, 1e-5, 1e-9, 1e-30])).round(2).tolist()
    [0.0, 0.2, 0.5, 0.9, 1.0]
    """
    q = np.clip(np.asarray(q, dtype=float), 1e-300, 1.0)
    return np.clip(np.log10(1.0 / q) / SCORE_SCALE, 0.0, 1.0)


def _graph(edges: pd.DataFrame) -> nx.Graph:
    g = nx.Graph()
    g.add_weighted_edges_from(
        zip(edges["account_a"].to_numpy(dtype=object), edges["account_b"].to_numpy(dtype=object),
            edges["evidence"].to_numpy(dtype=float), strict=True),
        weight="evidence",
    )
    return g


#: Thresholds the group test tries (it pays for trying them all): 1e-2, 1e-3, ..., 1e-30.
LEVELS = tuple(10.0 ** -j for j in range(2, 31))


def group_q(k: int, internal_p: np.ndarray, n_accounts: int, levels: tuple[float, ...] = LEVELS) -> float:
    """Chance probability that some group of `k` of `n_accounts` accounts is tied as densely and
    as strongly as one whose internal candidate edges have p-values `internal_p`.

    For each level ``t`` in `levels`, ``e_t`` internal edges have ``p <= t``; under the null each
    pair does so with probability at most ``t``, so ``P(Binomial(k (k - 1) / 2, t) >= e_t)``
    bounds one group's chance. The union bound over all ``C(N, k)`` groups of that size, the ``N``
    sizes and the levels tried gives ``q = min(1, L * N * C(N, k) * min_t P_t)``.

    Examples
    --------
    >>> group_q(8, np.full(28, 1e-4), 400) < 1e-60   # eight accounts, every pair tied
    True
    >>> group_q(3, np.full(3, 1e-3), 400) > 0.01     # a weak triangle among 400: could be chance
    True
    >>> group_q(3, np.array([1e-14, 1e-9, 1e-6]), 100) < 1e-6  # a strong one is not
    True
    """
    pairs = k * (k - 1) // 2
    p = np.asarray(internal_p, dtype=float)
    if len(p) == 0 or pairs == 0:
        return 1.0
    lv = np.asarray(levels, dtype=float)
    counts = (p[None, :] <= lv[:, None]).sum(axis=1)
    usable = counts > 0
    if not usable.any():
        return 1.0
    log_sf = stats.binom.logsf(counts[usable] - 1, pairs, lv[usable]).min()
    log_choose = special.gammaln(n_accounts + 1) - special.gammaln(k + 1) - special.gammaln(n_accounts - k + 1)
    log_q = log_sf + log_choose + np.log(max(n_accounts, 1)) + np.log(len(lv))
    return float(np.exp(min(0.0, log_q)))


def _view_pvalues(edges: pd.DataFrame, views: list[str], member_of: dict, n_groups: int) -> dict:
    """Per view, per group: the view's p-values of the pairs inside the group (every pair of
    `edges` the view tied, not only candidate edges)."""
    out = {}
    for v in views:
        pv = edges[v].to_numpy(float)
        tied = np.flatnonzero(~np.isnan(pv) & (pv < 1.0))
        ga = np.array([member_of.get(a, -1) for a in edges["account_a"].to_numpy(dtype=object)[tied]], dtype=np.int64)
        gb = np.array([member_of.get(b, -2) for b in edges["account_b"].to_numpy(dtype=object)[tied]], dtype=np.int64)
        same = ga == gb
        g, p = ga[same], pv[tied][same]
        o = np.argsort(g, kind="stable")
        b = np.searchsorted(g[o], np.arange(n_groups + 1))
        out[v] = [p[o[b[i]:b[i + 1]]] for i in range(n_groups)]
    return out


def find_networks(
    edges: pd.DataFrame,
    *,
    n_accounts: int,
    p_candidate: float = 1e-2,
    alpha: float = 0.01,
    method: Literal["louvain", "components"] = "louvain",
    min_size: int = 3,
    resolution: float = 1.0,
    seed: int = 0,
    views: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group accounts of the candidate graph into networks, test and score them.

    Parameters
    ----------
    edges : DataFrame
        Fused pairs with ``account_a, account_b, p_value, q_value`` (from
        :func:`coordnet.network.fuse_edges`) and optionally ``repeated`` (bool: only repeated
        ties may be candidates on ``p_candidate`` alone); the candidate edges are chosen here.
    n_accounts : int
        Accounts in the collection (for the group test's union bound).
    p_candidate : float, default=1e-2
        Pairs with a fused p-value at most this are candidate edges (as are pairs with
        ``q_value <= alpha``).
    alpha : float, default=0.01
        Level of the group test.
    method : {"louvain", "components"}, default="louvain"
    min_size : int, default=3
        Smallest network; smaller significant groups stay candidates.
    resolution : float, default=1.0
        Louvain resolution (higher: smaller communities).
    seed : int, default=0
        Louvain's seed; the result is deterministic for it.
    views : sequence of str, default=()
        Columns of `edges` with one more p-value per pair from a single test (NaN where the
        test did not tie the pair), e.g. the niche test of a co-action signal. A pair whose
        smallest view p-value, times the number of views, is at most `p_candidate` is a
        candidate edge too. Each group is also tested on each view alone (every pair inside
        it, with that view's p-values), and its ``q`` is the smallest of ``2 q_fused`` and
        ``2 V q_view`` over the ``V`` views (a union bound weighted in advance: half to the fused
        test, half shared by the views; see :func:`group_q`): a group tied by one test need not
        pay, on each of its pairs, for the other tests fusion could have picked.

    Returns
    -------
    (DataFrame, DataFrame)
        ``groups``: ``account_id, group_id, status`` ("network" or "candidate"), ``score``,
        ``group_q``, ``degree`` (candidate edges inside the group), ``group_test`` ("fused"
        or the view whose test gave ``group_q``); and the candidate edges with ``evidence``
        (``-log10 p``) and ``group_id`` (NA between groups).

    Examples
    --------
    >>> e = pd.DataFrame({"account_a": ["a", "a", "b", "x"], "account_b": ["b", "c", "c", "y"],
    ...                   "p_value": [1e-14, 1e-6, 1e-9, 1e-4], "q_value": [1e-12, 1e-4, 1e-7, 0.5]})
    >>> groups, _ = find_networks(e, n_accounts=100)
    >>> groups[["account_id", "group_id", "status"]]
      account_id  group_id     status
    0          a         0    network
    1          b         0    network
    2          c         0    network
    3          x         1  candidate
    4          y         1  candidate
    """
    if method not in ("louvain", "components"):
        raise ParameterError(f"The 'method' parameter of find_networks must be 'louvain' or 'components'. "
                             f"Got {method!r} instead.", name="method", value=method)
    if not isinstance(min_size, (int, np.integer)) or min_size < 2:
        raise ParameterError(f"The 'min_size' parameter of find_networks must be an integer >= 2. "
                             f"Got {min_size!r} instead.", name="min_size", value=min_size)
    if not 0 < p_candidate < 1:
        raise ParameterError(f"The 'p_candidate' parameter of find_networks must be in (0, 1). "
                             f"Got {p_candidate!r} instead.", name="p_candidate", value=p_candidate)
    views = list(views)
    missing = [v for v in views if v not in edges.columns]
    if missing:
        raise ParameterError(f"The 'views' of find_networks must be columns of the edges. Missing: {missing}.",
                             name="views", value=missing)
    weak_ok = np.array(edges["p_value"] <= p_candidate, dtype=bool)
    if "repeated" in edges:
        weak_ok &= edges["repeated"].to_numpy(bool)
    p_edge = edges["p_value"].to_numpy(float)
    if views:
        view_p = np.fmin.reduce([edges[v].to_numpy(float) for v in views])
        view_p = np.minimum(1.0, np.where(np.isnan(view_p), 1.0, view_p) * len(views))
        weak_ok |= view_p <= p_candidate
        p_edge = np.minimum(p_edge, view_p)
    keep = weak_ok | (edges["q_value"] <= alpha).to_numpy(bool)
    cand = edges[keep].copy()
    cand["evidence"] = np.minimum(-np.log10(np.maximum(p_edge[keep], 1e-300)), 300.0)
    if views and "signals" in cand:
        # Name the views that tie a pair beside the fused signals (p <= alpha, like fusion).
        names = cand["signals"].astype(object).fillna("").to_numpy(dtype=object).copy()
        for v in views:
            hit = np.flatnonzero(cand[v].to_numpy(float) <= alpha)
            names[hit] = [f"{x},{v}" if x else v for x in names[hit]]
        cand["signals"] = pd.array(names, dtype=STRING_DTYPE)
    g = _graph(cand)
    if method == "louvain":
        parts = nx.community.louvain_communities(g, weight="evidence", resolution=resolution, seed=seed)
    else:
        parts = list(nx.connected_components(g))
    # Deterministic numbering: larger groups first, then by their smallest account id.
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    member_of = {a: i for i, p in enumerate(parts) for a in p}

    ea = cand["account_a"].to_numpy(dtype=object)
    eb = cand["account_b"].to_numpy(dtype=object)
    ga = np.array([member_of[a] for a in ea], dtype=np.int64)
    gb = np.array([member_of[b] for b in eb], dtype=np.int64)
    inside = ga == gb
    cand["group_id"] = pd.array(np.where(inside, ga, -1), dtype="Int64")
    cand.loc[~inside, "group_id"] = pd.NA
    pin = cand["p_value"].to_numpy(float)[inside]
    gin = ga[inside]
    order = np.argsort(gin, kind="stable")
    bounds = np.searchsorted(gin[order], np.arange(len(parts) + 1))
    levels = tuple(sorted({float(p_candidate), *(lv for lv in LEVELS if lv < p_candidate)}, reverse=True))
    degree = pd.concat([pd.Series(ea[inside]), pd.Series(eb[inside])]).value_counts()
    view_inside = _view_pvalues(edges, views, member_of, len(parts))

    # A weighted union bound over the tests tried, with weights fixed in advance: half to the
    # fused test, half shared by the views. A group found by fusion pays a factor 2, one found
    # by a view pays 2 * len(views).
    fused_factor, view_factor = (2.0, 2.0 * len(views)) if views else (1.0, 1.0)
    rows = []
    for i, p in enumerate(parts):
        q = fused_factor * group_q(len(p), pin[order[bounds[i]:bounds[i + 1]]], n_accounts, levels)
        test = "fused"
        for v in views:
            q_v = view_factor * group_q(len(p), view_inside[v][i], n_accounts, levels)
            if q_v < q:
                q, test = q_v, v
        q = min(1.0, q)
        status = "network" if len(p) >= min_size and q <= alpha else "candidate"
        for a in p:
            rows.append((a, i, status, q, int(degree.get(a, 0)), test))
    groups = pd.DataFrame(rows, columns=["account_id", "group_id", "status", "group_q", "degree", "group_test"])
    groups["score"] = evidence_score(groups["group_q"].to_numpy())
    groups = groups.astype({"account_id": STRING_DTYPE, "status": STRING_DTYPE, "group_test": STRING_DTYPE})
    groups = groups[["account_id", "group_id", "status", "score", "group_q", "degree", "group_test"]]
    logger.info("clustering: %d candidate edges, %d groups, %d networks", len(cand), len(parts),
                int(groups.loc[groups["status"] == "network", "group_id"].nunique()))
    return groups, cand.reset_index(drop=True)
