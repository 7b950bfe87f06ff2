"""Fusion: edge tables of many signals become one account graph, filtered against chance.

Every pairwise signal that coordnet ships attaches a p-value to each edge from its own null model
(co-action: a bipartite configuration model; synchrony: shifted activity; account traits: rarity
of the shared burst or template). p-values are the common scale: they mean the same thing whatever
the signal's raw weight is measured in.

For each account pair, the p-values of the signals that saw it are combined into one:

``p_pair = min(1, 2 * min(K * min_s p_s, p_fisher))``

where ``K`` is the number of signals that could have seen the pair (both accounts active in it), the first term is the Bonferroni-corrected best single
signal (strong evidence from one signal stands on its own), and ``p_fisher`` is Fisher's
combination of those ``K`` signals (a signal that did not see the pair counts as ``p = 1``), so that
a pair supported by several independent signals counts for more than one supported by a single
signal; the factor 2 pays for taking the better of the two tests. Pair p-values are then corrected
over all ``N (N - 1) / 2`` pairs of the ``N`` accounts in the collection (Benjamini-Hochberg), and
the backbone keeps the pairs with ``q_pair <= alpha``: a null-model filter whose meaning (a false
discovery rate) does not change with the size of the collection, not a fixed weight cut-off.

*Profile* signals (account creation bursts, handle templates) say that accounts look alike, not
that they acted together: they add evidence to a pair only where a *behavioural* signal saw the
pair too, unless their own corrected p-value is below `profile_alpha` (strong alone).

The fused edge's ``evidence`` is ``-log10(q_pair)`` capped at 300: the weight communities are found
on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from .errors import ParameterError, SchemaError
from .schema import STRING_DTYPE
from .stats import bh_adjust

logger = logging.getLogger(__name__)

__all__ = ["FUSED_COLUMNS", "PROFILE_SIGNALS", "fuse_edges"]

#: Signals that describe how accounts look rather than what they did.
PROFILE_SIGNALS = frozenset({"creation_burst", "handle_template"})

#: Columns of the fused edge table, before one ``p_<signal>`` column per fused signal.
FUSED_COLUMNS = ("account_a", "account_b", "signals", "n_signals", "p_value", "q_value", "evidence")

_MAX_EVIDENCE = 300.0


def _edge_p(edges: pd.DataFrame, signal: str) -> np.ndarray:
    if "p_value" not in edges.columns:
        raise SchemaError(
            f"The '{signal}' edge table has no 'p_value' column, so it cannot be fused: fusion "
            "compares signals through their null models' p-values.", column="p_value")
    return np.clip(edges["p_value"].to_numpy(dtype=float), 1e-300, 1.0)


def fuse_edges(
    signal_edges: Mapping[str, pd.DataFrame],
    *,
    n_accounts: int,
    alpha: float | None = 0.01,
    profile_alpha: float = 1e-6,
    profile_signals: frozenset[str] = PROFILE_SIGNALS,
    active: Mapping[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """Fuse edge tables of several signals into one filtered account graph (see module doc).

    Parameters
    ----------
    signal_edges : mapping of str to DataFrame
        Per signal, an edge table with ``account_a, account_b, p_value`` (one row per pair; pick
        one window beforehand).
    n_accounts : int
        Accounts in the collection: sets the number of pairs tested, ``N (N - 1) / 2``.
    alpha : float or None, default=0.01
        False discovery rate of the backbone; None keeps every pair (for scoring and for a
        candidate graph chosen by p-value).
    profile_alpha : float, default=1e-6
        Corrected p-value under which a profile signal may tie a pair on its own.
    active : mapping of str to Series, optional
        Per signal, the accounts it could have tied (e.g. those with actions in its projection).
        A signal counts among a pair's ``K`` only when both accounts are active in it: a pair
        of accounts that never posted a link was never tested by co-link (Tarone's argument for
        untestable hypotheses). Signals not named here count for every pair.

    Returns
    -------
    DataFrame
        One row per kept pair: ``account_a, account_b, signals`` (comma-separated names of the
        signals with ``p <= alpha`` on the pair), ``n_signals``, ``p_value``, ``q_value``,
        ``evidence`` and ``p_<signal>`` per signal (NaN where the signal did not see the pair).

    Examples
    --------
    >>> e1 = pd.DataFrame({"account_a": ["a", "a"], "account_b": ["b", "c"], "p_value": [1e-12, 0.2]})
    >>> e2 = pd.DataFrame({"account_a": ["a"], "account_b": ["b"], "p_value": [1e-4]})
    >>> fused = fuse_edges({"co_repost": e1, "co_text": e2}, n_accounts=100)
    >>> fused[["account_a", "account_b", "signals", "n_signals"]]
      account_a account_b              signals  n_signals
    0         a         b  co_repost,co_text          2
    """
    if not signal_edges:
        return pd.DataFrame({c: pd.Series(dtype=STRING_DTYPE if c in ("account_a", "account_b", "signals")
                                          else float) for c in FUSED_COLUMNS})
    if alpha is not None and not 0 < alpha < 1:
        raise ParameterError(f"The 'alpha' parameter of fuse_edges must be in (0, 1). Got {alpha!r} instead.",
                             name="alpha", value=alpha)
    names = sorted(signal_edges)
    k = len(names)
    m = max(n_accounts * (n_accounts - 1) // 2, 1)
    frames = []
    for name in names:
        e = signal_edges[name]
        frames.append(pd.DataFrame({
            "account_a": e["account_a"].astype(STRING_DTYPE).to_numpy(),
            "account_b": e["account_b"].astype(STRING_DTYPE).to_numpy(),
            "signal": name,
            "p": _edge_p(e, name),
        }))
    long = pd.concat(frames, ignore_index=True)
    if long.duplicated(["account_a", "account_b", "signal"]).any():
        raise SchemaError("An edge table given to fuse_edges has several rows for one pair: select one "
                          "window per signal first.", column="account_a")
    wide = long.pivot(index=["account_a", "account_b"], columns="signal", values="p")
    wide = wide.reindex(columns=names)
    p = wide.to_numpy(dtype=float)
    filled = np.where(np.isnan(p), 1.0, p)

    is_profile = np.array([n in profile_signals for n in names])
    behaviour_seen = (~np.isnan(p[:, ~is_profile])).any(axis=1) if (~is_profile).any() \
        else np.zeros(len(p), bool)
    if is_profile.any():
        # Profile evidence counts only beside behaviour, unless it is strong enough alone.
        prof = filled[:, is_profile]
        strong = (prof * m) <= profile_alpha  # Bonferroni over all pairs: strong alone
        keep_prof = behaviour_seen[:, None] | strong
        filled[:, is_profile] = np.where(keep_prof, prof, 1.0)

    # K per pair: the signals that could have seen it.
    k_pair = np.full(len(p), k, dtype=np.int64)
    if active:
        ia = wide.index.get_level_values(0)
        ib = wide.index.get_level_values(1)
        for j, name in enumerate(names):
            if name in active:
                acts = pd.Index(pd.unique(active[name].astype(str).to_numpy(dtype=object)))
                both = ia.isin(acts) & ib.isin(acts)
                k_pair -= (~np.asarray(both)).astype(np.int64)
                filled[~np.asarray(both), j] = 1.0
        k_pair = np.maximum(k_pair, 1)
    best = np.minimum(filled.min(axis=1) * k_pair, 1.0)
    fisher = stats.chi2.sf(-2.0 * np.log(filled).sum(axis=1), df=2 * k_pair)
    p_pair = np.minimum(1.0, 2.0 * np.minimum(best, fisher))
    q_pair = bh_adjust(p_pair, m)
    keep = q_pair <= alpha if alpha is not None else np.ones(len(q_pair), dtype=bool)
    sig_names = np.array(names, dtype=object)
    seen = filled <= (alpha if alpha is not None else 0.01)
    out = pd.DataFrame({
        "account_a": wide.index.get_level_values(0).astype(STRING_DTYPE),
        "account_b": wide.index.get_level_values(1).astype(STRING_DTYPE),
        "signals": [",".join(sig_names[row]) for row in seen],
        "n_signals": seen.sum(axis=1).astype(np.int64),
        "p_value": p_pair,
        "q_value": q_pair,
        "evidence": np.minimum(-np.log10(np.maximum(q_pair, 1e-300)), _MAX_EVIDENCE),
    })
    for j, name in enumerate(names):
        out[f"p_{name}"] = p[:, j]
    out = out.loc[keep].sort_values(["account_a", "account_b"]).reset_index(drop=True)
    out["signals"] = out["signals"].astype(STRING_DTYPE)
    logger.info("fusion: %d pairs from %d signals, %d kept at FDR %.3g", len(wide), k, len(out), alpha)
    return out
