"""The co-action engine and the co-amplification signals built on it.

One engine, many projections: a projection (:mod:`coordnet.signals.projections`) turns a
Dataset into actions ``(account_id, target, timestamp, post_id)``; :class:`CoAction` finds, for
every target, the pairs of distinct accounts whose actions on it lie within ``window`` of each
other, and reduces them to one edge per account pair (and window). See ``docs/coaction.md`` for
the exact semantics, the weighting, the null model and the caps.

Edge columns (one row per pair, signal and window; ``account_a < account_b``):

==============  ===========================================================================
account_a/b     the two accounts (string order)
signal          the signal's name (``co_repost``...)
weight          sum over shared targets of ``1 / log2(accounts on the target)``
support         distinct targets on which the two co-acted
window          the window, seconds
co_actions      co-acting action pairs (one of ``a``, one of ``b``, within the window)
first, last     earliest and latest time among the co-acting actions (UTC)
median_gap      median over shared targets of the smallest gap on that target, seconds
a_leads         shared targets where ``account_a``'s earliest co-acting action came first
b_leads         ... where ``account_b``'s came first
ties            ... where both came at the same instant
expected        shared targets expected by chance (bipartite configuration model)
p_value         ``P(Poisson(expected) >= support)``
q_value         p corrected over all account pairs (Benjamini-Hochberg by default)
significant     ``q_value <= alpha``
==============  ===========================================================================
"""

from __future__ import annotations

import functools
import logging
import time as _time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ParameterError, SchemaError
from ..normalize import parse_timestamps
from ..schema import STRING_DTYPE, TIMESTAMP_DTYPE
from ..stats import bh_adjust
from . import _coaction_kernel as K
from . import projections as P
from .base import Signal, check_edges, check_number, parse_window

logger = logging.getLogger(__name__)

__all__ = [
    "EDGE_DTYPES",
    "CoAction",
    "CoActionResult",
    "CoDomain",
    "CoHashtag",
    "CoImage",
    "CoLink",
    "CoMention",
    "CoQuote",
    "CoReply",
    "CoRepost",
    "CoText",
    "HashtagSequence",
    "run_engine",
]

#: Columns and dtypes of a co-action edge table, in order.
EDGE_DTYPES: dict[str, object] = {
    "account_a": STRING_DTYPE,
    "account_b": STRING_DTYPE,
    "signal": STRING_DTYPE,
    "weight": np.float64,
    "support": np.int64,
    "window": np.float64,
    "co_actions": np.int64,
    "first": TIMESTAMP_DTYPE,
    "last": TIMESTAMP_DTYPE,
    "median_gap": np.float64,
    "a_leads": np.int64,
    "b_leads": np.int64,
    "ties": np.int64,
    "expected": np.float64,
    "p_value": np.float64,
    "q_value": np.float64,
    "significant": np.bool_,
    "niche_support": np.int64,
    "niche_accounts": np.int64,
    "niche_p": np.float64,
}

NOTE_DTYPES: dict[str, object] = {
    "target": STRING_DTYPE,
    "window": np.float64,
    "actions": np.int64,
    "accounts": np.int64,
    "candidate_pairs": pd.Int64Dtype(),
    "reason": STRING_DTYPE,
    "action": STRING_DTYPE,
    "kept_actions": np.int64,
    "kept_pairs": np.int64,
}

EVIDENCE_DTYPES: dict[str, object] = {
    "account_a": STRING_DTYPE,
    "account_b": STRING_DTYPE,
    "target": STRING_DTYPE,
    "post_a": STRING_DTYPE,
    "post_b": STRING_DTYPE,
    "time_a": TIMESTAMP_DTYPE,
    "time_b": TIMESTAMP_DTYPE,
    "gap_seconds": np.float64,
    "window": np.float64,
}

_UNITS = (1_000_000_000, 1_000_000, 1_000, 1)  # s, ms, us, ns (in ns)


def _empty(dtypes: dict) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in dtypes.items()})


def _ns(ts: pd.Series) -> np.ndarray:
    """UTC timestamps as int64 nanoseconds since the epoch (explicitly, whatever the unit)."""
    return pd.DatetimeIndex(ts).as_unit("ns").asi8


def _encode(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a string column in string order, and its distinct strings: what
    ``pd.factorize(values, sort=True)`` returns, faster on Arrow strings (the column is
    dictionary-encoded once and only the distinct strings are sorted). Codes are int32 when
    they fit (int64 otherwise); `values` holds no missing value.

    Examples
    --------
    >>> codes, names = _encode(pd.Series(["b", "a", "c", "a"], dtype="string[pyarrow]"))
    >>> codes.tolist(), names.tolist()
    ([1, 0, 2, 0], ['a', 'b', 'c'])
    """
    arr = values.array
    pa_arr = getattr(arr, "_pa_array", None)
    if pa_arr is None or pa_arr.null_count or not isinstance(values.dtype, pd.StringDtype):
        codes, names = pd.factorize(values, sort=True)
        return codes.astype(np.int32 if len(names) < 2**31 else np.int64, copy=False), names
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(pa_arr, pa.ChunkedArray):
        pa_arr = pa_arr.combine_chunks()
    enc = pc.dictionary_encode(pa_arr)
    order = pc.array_sort_indices(enc.dictionary).to_numpy()
    n = len(order)
    dt = np.int32 if n < 2**31 else np.int64
    rank = np.empty(n, dt)
    rank[order] = np.arange(n, dtype=dt)
    codes = rank[enc.indices.to_numpy(zero_copy_only=False)]
    names = pd.Index(pd.arrays.ArrowStringArray(enc.dictionary.take(pa.array(order))), copy=False)
    return codes, names


def _to_utc(ns: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(ns, np.int64), unit="ns", utc=True)).astype(TIMESTAMP_DTYPE)


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CoActionResult:
    """What one :meth:`CoAction.run` produced: edges, what was left out, and how to explain it.

    Attributes
    ----------
    edges : DataFrame
        The edge table (see the module docstring), one row per pair, signal and window.
    notes : DataFrame
        Targets left out or thinned, one row per target and window (``window`` missing for
        ``max_accounts``, which applies to every window): ``target, window, actions,
        accounts, candidate_pairs, reason ("max_pairs_per_target" or "max_accounts"), action
        ("skipped" or "sampled"), kept_actions, kept_pairs``.
    actions : DataFrame
        The actions that made pairs (after the time range, target filters and caps), for
        :meth:`evidence`.
    windows : tuple of float
        The run's windows, seconds, ascending.
    signal : str
        The signal's name.
    params : dict
        The parameters of the run (windows in seconds).
    stats : dict
        Counts and timings: actions, targets, candidate pairs, rows, edges per window, seconds.
    """

    edges: pd.DataFrame
    notes: pd.DataFrame
    actions: pd.DataFrame
    windows: tuple[float, ...]
    signal: str
    params: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        sig = int(self.edges["significant"].sum()) if len(self.edges) else 0
        w = ", ".join(f"{x:g}s" for x in self.windows)
        return (f"<CoActionResult {self.signal}: {len(self.edges):,} edges ({sig:,} significant) "
                f"at window {w}; {len(self.actions):,} actions; {len(self.notes):,} notes>")

    def _repr_html_(self) -> str:
        import html

        return f"<p><b>{html.escape(repr(self))}</b></p>" + self.edges.head(10)._repr_html_()

    def evidence(self, accounts: Iterable[str] | None = None,
                 pairs: Iterable[tuple[str, str]] | pd.DataFrame | None = None, *,
                 window=None) -> pd.DataFrame:
        """The co-acting action pairs behind edges: which targets, which posts, when, what gap.

        Computed on demand from :attr:`actions` for the requested accounts only.

        Parameters
        ----------
        accounts : iterable of str, optional
            A group: every co-action between two of these accounts.
        pairs : iterable of (str, str) or DataFrame, optional
            Given pairs (order free), or a frame with ``account_a, account_b`` (e.g. a slice
            of :attr:`edges`). With neither, the pairs of :attr:`edges`.
        window : duration, optional
            Largest gap shown (default: the run's largest window).

        Returns
        -------
        DataFrame
            ``account_a, account_b, target, post_a, post_b, time_a, time_b, gap_seconds,
            window`` where ``window`` is the smallest of the run's windows within which that
            action pair co-acts (it counts for that window and every larger one).

        Examples
        --------
        >>> import coordnet, pandas as pd
        >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": list("123456"), "account_id": list("abcabc"),
        ...     "timestamp": [0, 5, 500, 1000, 1030, 2000], "kind": "repost",
        ...     "ref_post_id": ["x", "x", "x", "y", "y", "y"]}))
        >>> res = CoRepost(window=["10s", "60s"]).run(ds)
        >>> res.evidence(pairs=[("b", "a")])[["account_a", "account_b", "target", "post_a", "post_b", "gap_seconds", "window"]]
          account_a account_b target post_a post_b  gap_seconds  window
        0         a         b      x      1      2          5.0    10.0
        1         a         b      y      4      5         30.0    60.0
        """
        wins = np.asarray(self.windows, np.float64)
        wmax = float(wins.max()) if len(wins) else 0.0
        if window is not None:
            wmax = parse_window(window, owner="CoActionResult.evidence").total_seconds()
        acts = self.actions
        if pairs is None and accounts is None:
            pairs = self.edges[["account_a", "account_b"]]
        want = None
        if pairs is not None:
            if isinstance(pairs, pd.DataFrame):
                if not {"account_a", "account_b"} <= set(pairs.columns):
                    raise SchemaError("pairs given as a DataFrame need columns 'account_a' and "
                                      f"'account_b'; got {list(pairs.columns)}.", column="account_a")
                pa_, pb_ = pairs["account_a"].astype(str).to_numpy(object), pairs["account_b"].astype(str).to_numpy(object)
            else:
                lst = [tuple(map(str, p)) for p in pairs]
                if any(len(p) != 2 for p in lst):
                    raise ParameterError("The 'pairs' parameter of CoActionResult.evidence takes "
                                         "(account, account) tuples.", name="pairs", value=pairs)
                pa_ = np.array([p[0] for p in lst], dtype=object)
                pb_ = np.array([p[1] for p in lst], dtype=object)
            lo = np.where(pa_ < pb_, pa_, pb_)
            hi = np.where(pa_ < pb_, pb_, pa_)
            want = pd.DataFrame({"account_a": lo, "account_b": hi}).drop_duplicates()
            involved = set(lo) | set(hi)
        else:
            involved = {str(a) for a in ([accounts] if isinstance(accounts, str) else accounts)}
        sub = acts.loc[acts["account_id"].isin(list(involved)).to_numpy(dtype=bool)]
        acc = sub["account_id"].astype(str).to_numpy(object)
        tgt_codes, _ = pd.factorize(sub["target"])
        ns = _ns(sub["timestamp"])
        # Within-window action pairs by the engine's own method (sorted by target and time,
        # ragged ranges), so that the work grows with the co-actions, not with all pairs.
        order = np.lexsort((ns, tgt_codes))
        g_s, t_s = tgt_codes[order].astype(np.int64), ns[order]
        end = K.candidate_ends(g_s, t_s - (t_s.min() if len(t_s) else 0), round(wmax * 1e9))
        i, j = K._ragged_pairs(0, len(order), end - np.arange(len(order)) - 1)
        i, j = order[i], order[j]
        keep = acc[i] != acc[j]
        i, j = i[keep], j[keep]
        swap = acc[i] > acc[j]
        i, j = np.where(swap, j, i), np.where(swap, i, j)
        gap = np.abs(ns[j] - ns[i])
        tg = sub["target"].to_numpy(object)
        post = sub["post_id"].to_numpy(object)
        out = pd.DataFrame({
            "account_a": acc[i],
            "account_b": acc[j],
            "target": tg[i],
            "post_a": post[i],
            "post_b": post[j],
            "time_a": _to_utc(ns[i]).to_numpy(),
            "time_b": _to_utc(ns[j]).to_numpy(),
            "gap_seconds": gap / 1e9,
        })
        # The smallest of the run's windows that holds the gap (NaN past the largest).
        run_windows = np.append(np.sort(wins), np.nan)
        k = np.searchsorted(np.round(np.sort(wins) * 1e9).astype(np.int64), gap, side="left")
        out["window"] = run_windows[k]
        if want is not None:
            out = out.merge(want, on=["account_a", "account_b"])
        out = out.sort_values(["account_a", "account_b", "target", "time_a", "time_b", "post_a",
                               "post_b"], kind="stable", ignore_index=True)
        return out.astype(EVIDENCE_DTYPES) if len(out) else _empty(EVIDENCE_DTYPES)


# ---------------------------------------------------------------------------------------------
# The signal
# ---------------------------------------------------------------------------------------------


class CoAction(Signal):
    """Account pairs that act on the same targets within a time window, again and again.

    Parameters
    ----------
    projection : callable
        ``Dataset -> actions`` (``account_id, target, timestamp`` and optionally ``post_id``),
        e.g. :func:`~coordnet.signals.projections.co_repost` or
        :func:`~coordnet.signals.projections.from_column`.
    window : duration or list of durations, default="60s"
        Largest gap between two accounts' actions on a target (inclusive): seconds,
        ``timedelta`` or strings like ``"90s"``, ``"10min"``. Several windows are computed in
        one pass; the edge table then has one row per pair and window.
    min_support : int, default=2
        Pairs sharing fewer distinct targets are dropped.
    min_weight : float, optional
        Pairs with a smaller popularity-discounted weight are dropped.
    min_accounts : int, default=2
        Targets with fewer distinct accounts make no pairs.
    max_accounts : int, optional
        Targets with more distinct accounts are skipped and listed in the result's notes.
    max_pairs_per_target : int or None, default=2_000_000
        Cap on one target's candidate action pairs (its action pairs within the window,
        same-account ones included) at each window; bounds time and memory on viral targets.
        At a window where a target is over it, the target is skipped or thinned (`viral`) and
        listed in the notes with a logged warning; the other windows keep it whole. ``None``: no
        cap (memory then grows with the largest target's pairs).
    viral : {"skip", "sample"}, default="skip"
        What happens past the cap: ``"skip"`` leaves the target out (every reported count is
        then exact); ``"sample"`` keeps a seeded, order-independent random subset of its actions
        so that its candidate pairs fit (counts from it are then lower bounds).
    start, end : timestamp, optional
        Only actions in ``[start, end)`` count.
    alpha : float, default=0.01
        Level of the ``significant`` column (``q_value <= alpha``).
    significance : {"bh", "bonferroni", "none"}, default="bh"
        Multiple-testing correction over all ``N (N - 1) / 2`` pairs of the ``N`` active
        accounts: Benjamini-Hochberg, Bonferroni, or none (``q_value = p_value``).
    significant_only : bool, default=False
        Keep only significant edges.
    seed : int, default=0
        Seed of ``viral="sample"``.
    label : str, optional
        Name in the ``signal`` column (default: the class's name, or the projection's).
    chunk_pairs : int, default=4_000_000
        Candidate pairs generated at once (memory bound; the result does not depend on it).

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> from coordnet.signals.projections import co_repost
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": list("123456"), "account_id": list("abcabc"),
    ...     "timestamp": [0, 5, 500, 1000, 1030, 2000], "kind": "repost",
    ...     "ref_post_id": ["x", "x", "x", "y", "y", "y"]}))
    >>> edges = CoAction(co_repost, window="60s").compute(ds)
    >>> edges[["account_a", "account_b", "signal", "support", "co_actions", "median_gap", "a_leads"]]
      account_a account_b     signal  support  co_actions  median_gap  a_leads
    0         a         b  co_repost        2           2        17.5        2
    """

    requires: ClassVar[tuple[str, ...]] = ("account_id", "timestamp")

    def __init__(
        self,
        projection: Callable[[Dataset], pd.DataFrame],
        window="60s",
        *,
        min_support: int = 2,
        min_weight: float | None = None,
        min_accounts: int = 2,
        max_accounts: int | None = None,
        max_pairs_per_target: int | None = 2_000_000,
        viral: Literal["skip", "sample"] = "skip",
        start=None,
        end=None,
        alpha: float = 0.01,
        significance: Literal["bh", "bonferroni", "none"] = "bh",
        significant_only: bool = False,
        seed: int = 0,
        label: str | None = None,
        chunk_pairs: int = 4_000_000,
    ):
        self.projection = projection
        self.window = window
        self.min_support = min_support
        self.min_weight = min_weight
        self.min_accounts = min_accounts
        self.max_accounts = max_accounts
        self.max_pairs_per_target = max_pairs_per_target
        self.viral = viral
        self.start = start
        self.end = end
        self.alpha = alpha
        self.significance = significance
        self.significant_only = significant_only
        self.seed = seed
        self.label = label
        self.chunk_pairs = chunk_pairs

    # -- names ----------------------------------------------------------------------------------
    @property
    def signal_name(self) -> str:
        """The name written in the ``signal`` column."""
        if self.label:
            return str(self.label)
        own = type(self).__dict__.get("name")
        if own:
            return own
        fn = self.projection
        while isinstance(fn, functools.partial):
            fn = fn.func
        nm = getattr(fn, "__name__", "")
        return nm if nm and nm.isidentifier() else "co_action"

    # -- validation -----------------------------------------------------------------------------
    def _windows(self) -> list[pd.Timedelta]:
        owner = type(self).__name__
        raw = self.window
        if isinstance(raw, (list, tuple, np.ndarray, pd.Index, pd.Series)):
            if len(raw) == 0:
                raise ParameterError(f"The 'window' parameter of {owner} must be a duration or a "
                                     "non-empty list of durations. Got an empty list instead.",
                                     name="window", value=raw)
            wins = [parse_window(w, owner=owner) for w in raw]
        else:
            wins = [parse_window(raw, owner=owner)]
        return sorted(set(wins))

    def _bounds(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        owner = type(self).__name__
        out = []
        for nm in ("start", "end"):
            v = getattr(self, nm)
            if v is None:
                out.append(None)
                continue
            ts = parse_timestamps(pd.Series([v], dtype=object))
            if ts.isna().iloc[0]:
                raise ParameterError(f"The '{nm}' parameter of {owner} must be a timestamp, e.g. "
                                     f"'2019-08-19' or '2019-08-19T14:05Z'. Got {v!r} instead.",
                                     name=nm, value=v)
            out.append(ts.iloc[0])
        if out[0] is not None and out[1] is not None and out[0] >= out[1]:
            raise ParameterError(f"The 'end' parameter of {owner} must come after 'start' "
                                 f"({out[0]}). Got {out[1]} instead.", name="end", value=self.end)
        return out[0], out[1]

    def _validate(self) -> None:
        owner = type(self).__name__
        if not callable(self.projection):
            raise ParameterError(
                f"The 'projection' parameter of {owner} must be a callable Dataset -> actions "
                f"DataFrame, e.g. coordnet.signals.projections.co_repost. Got {self.projection!r} "
                "instead.", name="projection", value=self.projection)
        self._windows()
        check_number(self.min_support, owner=owner, name="min_support", low=1, integer=True)
        check_number(self.min_weight, owner=owner, name="min_weight", low=0, allow_none=True)
        check_number(self.min_accounts, owner=owner, name="min_accounts", low=2, integer=True)
        check_number(self.max_accounts, owner=owner, name="max_accounts", low=max(2, int(self.min_accounts)),
                     integer=True, allow_none=True)
        check_number(self.max_pairs_per_target, owner=owner, name="max_pairs_per_target", low=1,
                     integer=True, allow_none=True)
        check_number(self.chunk_pairs, owner=owner, name="chunk_pairs", low=1, integer=True)
        check_number(self.alpha, owner=owner, name="alpha", low=0, high=1)
        check_number(self.seed, owner=owner, name="seed", low=0, integer=True)
        if self.viral not in ("skip", "sample"):
            raise ParameterError(f"The 'viral' parameter of {owner} must be 'skip' or 'sample'. "
                                 f"Got {self.viral!r} instead.", name="viral", value=self.viral)
        if self.significance not in ("bh", "bonferroni", "none"):
            raise ParameterError(f"The 'significance' parameter of {owner} must be 'bh', "
                                 f"'bonferroni' or 'none'. Got {self.significance!r} instead.",
                                 name="significance", value=self.significance)
        if not isinstance(self.significant_only, (bool, np.bool_)):
            raise ParameterError(f"The 'significant_only' parameter of {owner} must be True or "
                                 f"False. Got {self.significant_only!r} instead.",
                                 name="significant_only", value=self.significant_only)
        if self.label is not None and (not isinstance(self.label, str) or not self.label):
            raise ParameterError(f"The 'label' parameter of {owner} must be a non-empty string or "
                                 f"None. Got {self.label!r} instead.", name="label", value=self.label)
        self._bounds()

    # -- running --------------------------------------------------------------------------------
    def run(self, dataset: Dataset, *, backend: Literal["local", "dask"] = "local", client=None,
            npartitions: int | None = None) -> CoActionResult:
        """Validate, compute and return the full result (edges, notes, evidence on demand).

        :meth:`compute` returns ``run(dataset).edges``.

        Parameters
        ----------
        dataset : Dataset
        backend : {"local", "dask"}, default="local"
            ``"dask"`` runs the engine on a Dask cluster, partitioned by target, with identical
            edges (:func:`coordnet.backends.dask.run_coaction_dask`; needs ``coordnet[dask]``).
        client : distributed.Client, optional
            The cluster to use; passing one implies ``backend="dask"``.
        npartitions : int, optional
            Target partitions for the Dask backend.
        """
        if backend not in ("local", "dask"):
            raise ParameterError(f"The 'backend' parameter of {type(self).__name__}.run must be 'local' or "
                                 f"'dask'. Got {backend!r} instead.", name="backend", value=backend)
        if backend == "dask" or client is not None:
            from ..backends.dask import run_coaction_dask

            return run_coaction_dask(self, dataset, client=client, npartitions=npartitions)
        if not isinstance(dataset, Dataset):
            raise ParameterError(
                f"{type(self).__name__}.run expects a coordnet.Dataset. Got "
                f"{type(dataset).__name__} instead; build one with coordnet.Dataset(df).",
                name="dataset", value=dataset)
        self._validate()
        self.check_requirements(dataset)
        res = self._run(dataset)
        edges = check_edges(res.edges, owner=type(self).__name__)
        return CoActionResult(edges=edges, notes=res.notes, actions=res.actions,
                              windows=res.windows, signal=res.signal, params=res.params,
                              stats=res.stats)

    def _compute(self, dataset: Dataset) -> pd.DataFrame:
        return self._run(dataset, keep_actions=False).edges

    def actions(self, dataset: Dataset) -> pd.DataFrame:
        """The projection's actions, checked, in the time range, without missing values."""
        owner = type(self).__name__
        raw = self.projection(dataset)
        acts = _check_actions(raw, owner)
        start, end = self._bounds()
        if start is not None or end is not None:
            ts = acts["timestamp"]
            m = np.ones(len(acts), bool)
            if start is not None:
                m &= (ts >= start).to_numpy(dtype=bool)
            if end is not None:
                m &= (ts < end).to_numpy(dtype=bool)
            acts = acts.loc[m].reset_index(drop=True)
        return acts

    def _run(self, dataset: Dataset, *, keep_actions: bool = True) -> CoActionResult:
        t0 = _time.perf_counter()
        acts = self.actions(dataset)
        t_proj = _time.perf_counter() - t0
        wins = self._windows()
        res = run_engine(
            acts, wins, signal=self.signal_name, min_support=int(self.min_support),
            min_weight=self.min_weight, min_accounts=int(self.min_accounts),
            max_accounts=None if self.max_accounts is None else int(self.max_accounts),
            max_pairs_per_target=None if self.max_pairs_per_target is None else int(self.max_pairs_per_target),
            viral=self.viral, alpha=float(self.alpha), significance=self.significance,
            significant_only=bool(self.significant_only), seed=int(self.seed),
            chunk_pairs=int(self.chunk_pairs), keep_actions=keep_actions,
        )
        params = {k: v for k, v in self.get_params().items() if k != "projection"}
        params["projection"] = getattr(self.projection, "__name__", repr(self.projection))
        params["window"] = list(res.windows)
        from .. import __version__

        params["coordnet"] = __version__
        stats = dict(res.stats)
        stats["seconds_projection"] = t_proj
        return CoActionResult(edges=res.edges, notes=res.notes, actions=res.actions,
                              windows=res.windows, signal=res.signal, params=params, stats=stats)


def _check_actions(raw, owner: str) -> pd.DataFrame:
    if not isinstance(raw, pd.DataFrame):
        raise SchemaError(f"The projection of {owner} must return a DataFrame of actions with "
                          f"columns {list(P.ACTION_COLUMNS)}. Got {type(raw).__name__} instead.")
    missing = [c for c in ("account_id", "target", "timestamp") if c not in raw.columns]
    if missing:
        raise SchemaError(f"The projection of {owner} returned actions without column(s) {missing}; "
                          f"expected {list(P.ACTION_COLUMNS)}, got {list(raw.columns)}.",
                          column=missing[0])
    ts = raw["timestamp"]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        if pd.api.types.is_datetime64_dtype(ts.dtype):
            ts = ts.dt.tz_localize("UTC")
        else:
            raise SchemaError(f"The projection of {owner} returned a 'timestamp' column of dtype "
                              f"{ts.dtype}; expected datetime64[ns, UTC].", column="timestamp")
    acts = pd.DataFrame({
        "account_id": raw["account_id"].astype(STRING_DTYPE).reset_index(drop=True),
        "target": raw["target"].astype(STRING_DTYPE).reset_index(drop=True),
        "timestamp": ts.dt.tz_convert("UTC").astype(TIMESTAMP_DTYPE).reset_index(drop=True),
        "post_id": (raw["post_id"].astype(STRING_DTYPE) if "post_id" in raw
                    else pd.Series(pd.NA, index=raw.index, dtype=STRING_DTYPE)).reset_index(drop=True),
    })
    bad = (acts["account_id"].isna() | acts["target"].isna() | acts["timestamp"].isna()).to_numpy(dtype=bool)
    if bad.any():
        logger.warning("%s: %d action(s) without account, target or timestamp left out",
                       owner, int(bad.sum()))
        acts = acts.loc[~bad].reset_index(drop=True)
    return acts


def _repeat_string(value: str, n: int) -> pd.Series:
    """A string column holding `value` n times, built in Arrow (no n Python objects)."""
    import pyarrow as pa

    arr = pa.array([value], pa.string()).take(pa.array(np.zeros(n, np.int64)))
    return pd.Series(pd.arrays.ArrowStringArray(arr), dtype=STRING_DTYPE)


def _time_unit(ns: np.ndarray, windows_ns: Sequence[int]) -> int:
    """The coarsest of s/ms/us/ns in which every time and window is a whole number."""
    for u in _UNITS:
        if all(w % u == 0 for w in windows_ns) and (len(ns) == 0 or not (ns % u).any()):
            return u
    return 1


def _uniform(acts: pd.DataFrame, seed: int) -> Callable[[np.ndarray], np.ndarray]:
    key = f"coordnet{seed:08d}"[-16:].rjust(16, "0")

    def fn(positions: np.ndarray) -> np.ndarray:
        sub = acts.iloc[positions]
        h = pd.util.hash_pandas_object(sub[["account_id", "target", "timestamp", "post_id"]],
                                       index=False, hash_key=key).to_numpy(np.uint64)
        return (h >> np.uint64(11)).astype(np.float64) / float(2**53)

    return fn


def _window_edges(pt, lam: np.ndarray, p: np.ndarray, niche: K.NicheTest, *, m_tests: int,
                  significance: str, alpha: float,
                  min_weight: float | None, significant_only: bool, acc_names, signal: str,
                  window_s: float, unit: int, t_base: int) -> pd.DataFrame:
    """One window's reduced pairs as edge rows: multiple-testing correction, filters, columns.

    Shared by the local engine and the Dask backend so that both build edges the same way.
    """
    if significance == "bh":
        q = bh_adjust(p, m_tests)
    elif significance == "bonferroni":
        q = K.bonferroni(p, m_tests)
    else:
        q = p.copy()
    keep = np.ones(len(pt), bool)
    if min_weight is not None:
        keep &= pt.weight >= min_weight
    sig = q <= alpha
    if significant_only:
        keep &= sig
    if not keep.all():
        pt, lam, p, q, sig = pt.take(keep), lam[keep], p[keep], q[keep], sig[keep]
        niche = niche.take(keep)
    return pd.DataFrame({
        "account_a": acc_names.take(pt.lo),
        "account_b": acc_names.take(pt.hi),
        "signal": _repeat_string(signal, len(pt)),
        "weight": pt.weight,
        "support": pt.support,
        "window": window_s,
        "co_actions": pt.co_actions,
        "first": _to_utc(pt.first * unit + t_base),
        "last": _to_utc(pt.last * unit + t_base),
        "median_gap": pt.median_gap * (unit / 1e9),
        "a_leads": pt.a_leads,
        "b_leads": pt.b_leads,
        "ties": pt.ties,
        "expected": lam,
        "p_value": p,
        "q_value": q,
        "significant": sig,
        "niche_support": niche.support,
        "niche_accounts": niche.accounts,
        "niche_p": niche.p,
    }, copy=False)


def run_engine(
    actions: pd.DataFrame,
    windows: Sequence[pd.Timedelta],
    *,
    signal: str,
    min_support: int = 2,
    min_weight: float | None = None,
    min_accounts: int = 2,
    max_accounts: int | None = None,
    max_pairs_per_target: int | None = 2_000_000,
    viral: str = "skip",
    alpha: float = 0.01,
    significance: str = "bh",
    significant_only: bool = False,
    seed: int = 0,
    chunk_pairs: int = 4_000_000,
    keep_actions: bool = True,
) -> CoActionResult:
    """The engine on a checked actions frame (what :meth:`CoAction.run` calls).

    Parameters are those of :class:`CoAction`, already validated; `windows` are Timedeltas.
    With ``keep_actions=False`` the result's ``actions`` frame is left empty (what
    :meth:`CoAction.compute` does: it returns only the edges).

    Examples
    --------
    >>> acts = pd.DataFrame({"account_id": ["a", "b", "a", "b"], "target": ["x", "x", "y", "y"],
    ...     "timestamp": pd.to_datetime([0, 5, 100, 160], unit="s", utc=True), "post_id": list("1234")})
    >>> run_engine(acts, [pd.Timedelta("60s")], signal="demo").edges[["account_a", "account_b", "support", "median_gap"]]
      account_a account_b  support  median_gap
    0         a         b        2        32.5
    """
    t0 = _time.perf_counter()
    wins = sorted(set(pd.Timedelta(w) for w in windows))
    wins_ns = [int(w.value) for w in wins]
    wins_s = tuple(w.total_seconds() for w in wins)
    acts = actions.reset_index(drop=True)
    n = len(acts)
    acc_codes, acc_names = _encode(acts["account_id"])
    tgt_codes, tgt_names = _encode(acts["target"])
    ns = _ns(acts["timestamp"])
    t_base = int(ns.min()) if n else 0
    rel = ns - t_base
    unit = _time_unit(rel, wins_ns)
    t_units = rel // unit if unit > 1 else rel
    del ns, rel
    w_units = [w // unit for w in wins_ns]
    n_acc = len(acc_names)
    t1 = _time.perf_counter()

    part = K.coaction_partition(
        acc_codes, tgt_codes, t_units, w_units, n_accounts=max(n_acc, 1), n_targets=len(tgt_names),
        min_accounts=min_accounts, max_accounts=max_accounts,
        max_pairs_per_target=max_pairs_per_target, viral=viral,
        uniform=_uniform(acts, seed), min_support=min_support, chunk_pairs=chunk_pairs,
    )
    t2 = _time.perf_counter()
    tw = K.target_weights(part.target_accounts)
    n_active = int((np.bincount(part.incidence_account, minlength=max(n_acc, 1)) > 0).sum())
    m_tests = K.pair_family_size(n_active)

    frames = []
    edges_per_window = []
    nulls = K.NullModel.for_windows(part.incidence_account, part.incidence_others,
                                    [s[part.incidence_target] for s in part.pair_share],
                                    n_accounts=max(n_acc, 1))
    for k, rows in enumerate(part.rows):
        pt = K.reduce_pairs(rows, tw, n_accounts=max(n_acc, 1), min_support=min_support,
                            target_accounts=part.target_accounts, strata=K.NICHE_STRATA)
        lam, p, niche = K.pair_pvalues(pt, nulls[k])
        frame = _window_edges(pt, lam, p, niche, m_tests=m_tests, significance=significance, alpha=alpha,
                              min_weight=min_weight, significant_only=significant_only,
                              acc_names=acc_names, signal=signal, window_s=wins_s[k], unit=unit,
                              t_base=t_base)
        edges_per_window.append(len(frame))
        frames.append(frame)
    edges = pd.concat(frames, ignore_index=True) if frames else _empty(EDGE_DTYPES)
    edges = edges.astype(EDGE_DTYPES) if len(edges) else _empty(EDGE_DTYPES)
    t3 = _time.perf_counter()

    notes = pd.DataFrame({k: v for k, v in part.notes.items()})
    if len(notes):
        notes["target"] = tgt_names.take(notes["target"].to_numpy(np.int64))
        wn = notes["window"].to_numpy(np.int64)
        notes["window"] = np.where(wn >= 0, wn * (unit / 1e9), np.nan)
        notes["candidate_pairs"] = pd.array(np.where(notes["candidate_pairs"] >= 0,
                                                     notes["candidate_pairs"], 0), dtype="Int64")
        notes.loc[notes["reason"] == "max_accounts", "candidate_pairs"] = pd.NA
        notes = notes[list(NOTE_DTYPES)].sort_values(["reason", "window", "target"], kind="stable",
                                                     ignore_index=True).astype(NOTE_DTYPES)
        for (reason, action, win), grp in notes.groupby(["reason", "action", "window"], sort=True,
                                                        dropna=False):
            at = "" if np.isnan(win) else f" at window {win:g}s"
            logger.warning(
                "%s: %d target(s) %s%s (%s): %d of their %d actions left out; see result.notes",
                signal, len(grp), action, at, reason,
                int((grp["actions"] - grp["kept_actions"]).sum()), int(grp["actions"].sum()))
    else:
        notes = _empty(NOTE_DTYPES)

    stats = dict(part.stats)
    stats.update({
        "accounts": n_acc,
        "active_accounts": n_active,
        "pairs_tested": m_tests,
        "edges": dict(zip(wins_s, edges_per_window, strict=True)),
        "time_unit_ns": unit,
        "seconds_encode": t1 - t0,
        "seconds_kernel": t2 - t1,
        "seconds_reduce": t3 - t2,
    })
    kept_actions = (acts.loc[part.kept].reset_index(drop=True) if keep_actions
                    else acts.iloc[:0].reset_index(drop=True))
    return CoActionResult(edges=edges, notes=notes, actions=kept_actions, windows=wins_s,
                          signal=signal, params={}, stats=stats)


# ---------------------------------------------------------------------------------------------
# Named signals
# ---------------------------------------------------------------------------------------------


class _ProjectedCoAction(CoAction):
    """A co-action signal with a fixed projection (its class attribute ``_projection``)."""

    _projection: ClassVar[Callable[..., pd.DataFrame]]

    def __init__(
        self,
        window="60s",
        *,
        min_support: int = 2,
        min_weight: float | None = None,
        min_accounts: int = 2,
        max_accounts: int | None = None,
        max_pairs_per_target: int | None = 2_000_000,
        viral: Literal["skip", "sample"] = "skip",
        start=None,
        end=None,
        alpha: float = 0.01,
        significance: Literal["bh", "bonferroni", "none"] = "bh",
        significant_only: bool = False,
        seed: int = 0,
        label: str | None = None,
        chunk_pairs: int = 4_000_000,
    ):
        super().__init__(
            type(self)._projection, window, min_support=min_support, min_weight=min_weight,
            min_accounts=min_accounts, max_accounts=max_accounts,
            max_pairs_per_target=max_pairs_per_target, viral=viral, start=start, end=end,
            alpha=alpha, significance=significance, significant_only=significant_only, seed=seed,
            label=label, chunk_pairs=chunk_pairs,
        )


class CoRepost(_ProjectedCoAction):
    """Account pairs that repost the same posts within `window`, again and again.

    A :class:`CoAction` with the projection :func:`~coordnet.signals.projections.co_repost`; it
    takes the same parameters but `projection`.

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": list("123456"), "account_id": list("abcabc"),
    ...     "timestamp": [0, 5, 500, 1000, 1030, 2000], "kind": "repost",
    ...     "ref_post_id": ["x", "x", "x", "y", "y", "y"]}))
    >>> CoRepost(window="60s").compute(ds)[["account_a", "account_b", "signal", "support"]]
      account_a account_b     signal  support
    0         a         b  co_repost        2
    """

    name = "co_repost"
    requires = ("account_id", "timestamp", "kind", "ref_post_id")
    _projection = staticmethod(P.co_repost)


class CoReply(_ProjectedCoAction):
    """Account pairs that reply to the same posts within `window`, again and again.

    Same parameters as :class:`CoAction` but `projection`
    (:func:`~coordnet.signals.projections.co_reply`).

    Examples
    --------
    >>> CoReply(window="2min").signal_name
    'co_reply'
    """

    name = "co_reply"
    requires = ("account_id", "timestamp", "kind", "ref_post_id")
    _projection = staticmethod(P.co_reply)


class CoQuote(_ProjectedCoAction):
    """Account pairs that quote the same posts within `window`, again and again.

    Same parameters as :class:`CoAction` but `projection`
    (:func:`~coordnet.signals.projections.co_quote`).

    Examples
    --------
    >>> CoQuote().signal_name
    'co_quote'
    """

    name = "co_quote"
    requires = ("account_id", "timestamp", "kind", "ref_post_id")
    _projection = staticmethod(P.co_quote)


class CoLink(_ProjectedCoAction):
    """Account pairs that post the same canonical URLs within `window`, again and again.

    Same parameters as :class:`CoAction` but `projection`
    (:func:`~coordnet.signals.projections.co_link`; reposts do not count).

    Examples
    --------
    >>> CoLink().signal_name
    'co_link'
    """

    name = "co_link"
    requires = ("account_id", "timestamp", "kind", "urls")
    _projection = staticmethod(P.co_link)


class CoHashtag(_ProjectedCoAction):
    """Account pairs that post the same hashtags within `window`, again and again.

    Same parameters as :class:`CoAction` but `projection`
    (:func:`~coordnet.signals.projections.co_hashtag`; reposts do not count).

    Examples
    --------
    >>> CoHashtag().signal_name
    'co_hashtag'
    """

    name = "co_hashtag"
    requires = ("account_id", "timestamp", "kind", "hashtags")
    _projection = staticmethod(P.co_hashtag)


class CoMention(_ProjectedCoAction):
    """Account pairs that mention the same accounts within `window`, again and again.

    Same parameters as :class:`CoAction` but `projection`
    (:func:`~coordnet.signals.projections.co_mention`; reposts do not count).

    Examples
    --------
    >>> CoMention().signal_name
    'co_mention'
    """

    name = "co_mention"
    requires = ("account_id", "timestamp", "kind", "mentions")
    _projection = staticmethod(P.co_mention)


class CoImage(_ProjectedCoAction):
    """Account pairs that post the same media (id or perceptual hash) within `window`.

    Same parameters as :class:`CoAction` but `projection`
    (:func:`~coordnet.signals.projections.co_image`; reposts do not count).

    Examples
    --------
    >>> CoImage().signal_name
    'co_image'
    """

    name = "co_image"
    requires = ("account_id", "timestamp", "kind", "media")
    _projection = staticmethod(P.co_image)


class HashtagSequence(_ProjectedCoAction):
    """Account pairs that post the same ordered sequence of two or more hashtags within
    `window`.

    Same parameters as :class:`CoAction` but `projection`
    (:func:`~coordnet.signals.projections.hashtag_sequence`; reposts do not count).

    Examples
    --------
    >>> HashtagSequence().signal_name
    'hashtag_sequence'
    """

    name = "hashtag_sequence"
    requires = ("account_id", "timestamp", "kind", "hashtags")
    _projection = staticmethod(P.hashtag_sequence)


class CoDomain(CoAction):
    """Account pairs that link to the same registered domains within `window`, again and again.

    Same parameters as :class:`CoAction` but `projection`
    (:func:`~coordnet.signals.projections.co_domain`; reposts do not count), plus:

    Parameters
    ----------
    exclude : iterable of str, optional
        Registered domains left out (default
        :data:`~coordnet.signals.projections.DEFAULT_EXCLUDED_DOMAINS`: platforms and
        shorteners); ``()`` keeps all.

    Examples
    --------
    >>> CoDomain(exclude=["example.com"]).signal_name
    'co_domain'
    """

    name = "co_domain"
    requires = ("account_id", "timestamp", "kind", "urls")

    def __init__(
        self,
        window="60s",
        *,
        exclude: Iterable[str] | None = None,
        min_support: int = 2,
        min_weight: float | None = None,
        min_accounts: int = 2,
        max_accounts: int | None = None,
        max_pairs_per_target: int | None = 2_000_000,
        viral: Literal["skip", "sample"] = "skip",
        start=None,
        end=None,
        alpha: float = 0.01,
        significance: Literal["bh", "bonferroni", "none"] = "bh",
        significant_only: bool = False,
        seed: int = 0,
        label: str | None = None,
        chunk_pairs: int = 4_000_000,
    ):
        self.exclude = exclude
        super().__init__(
            functools.partial(P.co_domain, exclude=exclude), window, min_support=min_support,
            min_weight=min_weight, min_accounts=min_accounts, max_accounts=max_accounts,
            max_pairs_per_target=max_pairs_per_target, viral=viral, start=start, end=end,
            alpha=alpha, significance=significance, significant_only=significant_only, seed=seed,
            label=label, chunk_pairs=chunk_pairs,
        )

    def _validate(self) -> None:
        if self.exclude is not None and (isinstance(self.exclude, str) or not all(
                isinstance(d, str) for d in self.exclude)):
            raise ParameterError(
                "The 'exclude' parameter of CoDomain must be an iterable of domain names such as "
                f"['example.com'], or None. Got {self.exclude!r} instead.",
                name="exclude", value=self.exclude)
        self.projection = functools.partial(
            P.co_domain, exclude=None if self.exclude is None else tuple(self.exclude))
        super()._validate()


class CoText(CoAction):
    """Account pairs that post the same normalized text within `window`, again and again.

    Same parameters as :class:`CoAction` but `projection`
    (:func:`~coordnet.signals.projections.co_text`; reposts do not count), plus:

    Parameters
    ----------
    min_chars : int, default=25
        Shortest normalized text that counts
        (:data:`~coordnet.signals.projections.MIN_TEXT_CHARS`).

    Examples
    --------
    >>> CoText(min_chars=40).signal_name
    'co_text'
    """

    name = "co_text"
    requires = ("account_id", "timestamp", "kind", "text")

    def __init__(
        self,
        window="60s",
        *,
        min_chars: int = P.MIN_TEXT_CHARS,
        min_support: int = 2,
        min_weight: float | None = None,
        min_accounts: int = 2,
        max_accounts: int | None = None,
        max_pairs_per_target: int | None = 2_000_000,
        viral: Literal["skip", "sample"] = "skip",
        start=None,
        end=None,
        alpha: float = 0.01,
        significance: Literal["bh", "bonferroni", "none"] = "bh",
        significant_only: bool = False,
        seed: int = 0,
        label: str | None = None,
        chunk_pairs: int = 4_000_000,
    ):
        self.min_chars = min_chars
        super().__init__(
            functools.partial(P.co_text, min_chars=min_chars), window, min_support=min_support,
            min_weight=min_weight, min_accounts=min_accounts, max_accounts=max_accounts,
            max_pairs_per_target=max_pairs_per_target, viral=viral, start=start, end=end,
            alpha=alpha, significance=significance, significant_only=significant_only, seed=seed,
            label=label, chunk_pairs=chunk_pairs,
        )

    def _validate(self) -> None:
        check_number(self.min_chars, owner="CoText", name="min_chars", low=1, integer=True)
        self.projection = functools.partial(P.co_text, min_chars=int(self.min_chars))
        super()._validate()
