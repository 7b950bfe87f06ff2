"""The co-action engine on a Dask cluster: partitioned by target, reduced by pair.

:func:`run_coaction_dask` runs a :class:`~coordnet.signals.coaction.CoAction` signal (``CoRepost``,
``CoLink``, ...) with the same kernel as the local backend
(:mod:`coordnet.signals._coaction_kernel`), and returns the same
:class:`~coordnet.signals.coaction.CoActionResult`: identical edges (same pairs, values, dtypes
and order), notes and kept actions. See ``docs/dask.md``.

What runs where:

1. **Client**: the projection (``signal.actions(dataset)``), the integer coding of accounts and
   targets (in string order, as locally), the time unit, and the assignment of each target to a
   partition by a hash of the target string (so a target never spans partitions). Each
   partition's actions are shipped as int64 arrays (account code, target code, time, row),
   32 bytes per action (scattered to the workers when a ``distributed.Client`` is used).
2. **Workers, one task per target partition**:
   :func:`~coordnet.signals._coaction_kernel.coaction_partition` (caps, sampling, candidate
   pairs, one row per account pair and target per window), the rows split into reduce buckets
   by a hash of the pair key; the partition's per-target account counts and null-model
   incidences.
3. **One worker task**: the global quantities: accounts per target (popularity weights), the
   null model over all account-target incidences (each account's distinct targets, the
   targets' popularity and timing share, the total of incidences) and the number of active
   accounts.
4. **Workers, one task per window and reduce bucket**: every partition's rows of the bucket's
   pairs reduced by pair key (:func:`~coordnet.signals._coaction_kernel.reduce_pairs`: support,
   co_actions, weight, first, last, median_gap over per-target smallest gaps, leads), then the
   null model's expected count and p-value per pair.
5. **Client**: the buckets concatenated in pair order, Benjamini-Hochberg (or Bonferroni) over
   all ``N (N - 1) / 2`` pairs of the ``N`` active accounts, the filters, the edge frame; the
   notes as the union of the partitions' notes.

The one difference in the work done: the local kernel also prunes, before making pairs, the
actions of accounts that have fewer than ``min_support`` partnered actions over all targets,
and (when the pairs exceed one chunk) stores only the rows of pairs seen on ``min_support``
targets or more (its support screen). Both counts span partitions, so the partitions prune
only what is local to a target (actions with no other account within the window) and keep
every pair's rows; pairs below ``min_support`` are dropped in the reduce instead. The edges
are the same; a partition may make more pair-target rows than the local kernel would.
"""

from __future__ import annotations

import logging
import math
import os
import time as _time
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ParameterError, require
from ..signals import _coaction_kernel as K
from ..signals.base import check_edges, check_number
from ..signals.coaction import (
    EDGE_DTYPES,
    NOTE_DTYPES,
    CoAction,
    CoActionResult,
    _empty,
    _encode,
    _ns,
    _time_unit,
    _uniform,
    _window_edges,
    run_engine,
)

logger = logging.getLogger(__name__)

__all__ = ["run_coaction_dask", "run_engine_dask"]

#: Default partitions: at least one per worker thread, and one per this many actions.
ACTIONS_PER_PARTITION = 500_000

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


# ---------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------


def run_coaction_dask(signal: CoAction, dataset: Dataset, *, client=None,
                      npartitions: int | None = None) -> CoActionResult:
    """Run a co-action signal on Dask: same result as ``signal.run(dataset)``, computed by target
    partition on a cluster.

    Parameters
    ----------
    signal : CoAction
        Any co-action signal (``CoRepost(window="60s")``, ``CoLink(...)``, ``CoAction(my_projection)``),
        with all its parameters (windows, caps, filters, significance).
    dataset : Dataset
        The collection, in the client's memory. The projection runs on the client; the
        integer-coded actions are shipped to the workers.
    client : distributed.Client, optional
        The cluster to run on. ``None``: the current default scheduler (a ``distributed.Client``
        created earlier in this process if there is one, else Dask's local threaded scheduler,
        or whatever ``dask.config.set(scheduler=...)`` says).
    npartitions : int, optional
        Target partitions (also the number of reduce buckets). Default: the number of worker
        threads, or one per 500,000 actions if more, at most one per target.

    Returns
    -------
    CoActionResult
        As :meth:`CoAction.run <coordnet.signals.coaction.CoAction.run>`; ``params`` and ``stats``
        also record ``backend="dask"`` and the partition count.

    Raises
    ------
    MissingDependencyError
        When Dask is not installed (``pip install 'coordnet[dask]'``).

    Examples
    --------
    >>> import coordnet, pandas as pd
    >>> from coordnet.signals.coaction import CoRepost
    >>> ds = coordnet.Dataset(pd.DataFrame({"post_id": list("123456"), "account_id": list("abcabc"),
    ...     "timestamp": [0, 5, 500, 1000, 1030, 2000], "kind": "repost",
    ...     "ref_post_id": ["x", "x", "x", "y", "y", "y"]}))
    >>> res = run_coaction_dask(CoRepost(window="60s"), ds, npartitions=2)
    >>> res.edges[["account_a", "account_b", "support", "co_actions", "median_gap"]]
      account_a account_b  support  co_actions  median_gap
    0         a         b        2           2        17.5
    >>> res.edges.equals(CoRepost(window="60s").run(ds).edges)
    True
    """
    if not isinstance(signal, CoAction):
        raise ParameterError(
            "run_coaction_dask expects a co-action signal (a coordnet.signals.coaction.CoAction "
            f"such as CoRepost(window='60s')). Got {type(signal).__name__} instead.",
            name="signal", value=signal)
    owner = type(signal).__name__
    if not isinstance(dataset, Dataset):
        raise ParameterError(
            f"run_coaction_dask({owner}) expects a coordnet.Dataset. Got "
            f"{type(dataset).__name__} instead; build one with coordnet.Dataset(df).",
            name="dataset", value=dataset)
    signal._validate()
    signal.check_requirements(dataset)
    t0 = _time.perf_counter()
    acts = signal.actions(dataset)
    t_proj = _time.perf_counter() - t0
    res = run_engine_dask(
        acts, signal._windows(), signal=signal.signal_name, min_support=int(signal.min_support),
        min_weight=signal.min_weight, min_accounts=int(signal.min_accounts),
        max_accounts=None if signal.max_accounts is None else int(signal.max_accounts),
        max_pairs_per_target=(None if signal.max_pairs_per_target is None
                              else int(signal.max_pairs_per_target)),
        viral=signal.viral, alpha=float(signal.alpha), significance=signal.significance,
        significant_only=bool(signal.significant_only), seed=int(signal.seed),
        chunk_pairs=int(signal.chunk_pairs), client=client, npartitions=npartitions,
    )
    params = {k: v for k, v in signal.get_params().items() if k != "projection"}
    params["projection"] = getattr(signal.projection, "__name__", repr(signal.projection))
    params["window"] = list(res.windows)
    from .. import __version__

    params["coordnet"] = __version__
    params["backend"] = "dask"
    params["npartitions"] = res.stats.get("npartitions")
    stats = dict(res.stats)
    stats["seconds_projection"] = t_proj
    edges = check_edges(res.edges, owner=owner)
    return CoActionResult(edges=edges, notes=res.notes, actions=res.actions, windows=res.windows,
                          signal=res.signal, params=params, stats=stats)


def run_engine_dask(
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
    client=None,
    npartitions: int | None = None,
) -> CoActionResult:
    """:func:`~coordnet.signals.coaction.run_engine` on Dask (what :func:`run_coaction_dask` calls).

    Parameters are those of ``run_engine`` (already validated; `actions` a checked actions frame,
    `windows` Timedeltas) plus `client` and `npartitions` (see :func:`run_coaction_dask`).

    Examples
    --------
    >>> acts = pd.DataFrame({"account_id": ["a", "b", "a", "b"], "target": ["x", "x", "y", "y"],
    ...     "timestamp": pd.to_datetime([0, 5, 100, 160], unit="s", utc=True), "post_id": list("1234")})
    >>> run_engine_dask(acts, [pd.Timedelta("60s")], signal="demo", npartitions=2).edges[
    ...     ["account_a", "account_b", "support", "median_gap"]]
      account_a account_b  support  median_gap
    0         a         b        2        32.5
    """
    require("dask.dataframe", extra="dask", feature="the Dask backend")
    import dask

    check_number(npartitions, owner="run_coaction_dask", name="npartitions", low=1, integer=True,
                 allow_none=True)
    t0 = _time.perf_counter()
    engine_kw = dict(signal=signal, min_support=min_support, min_weight=min_weight,
                     min_accounts=min_accounts, max_accounts=max_accounts,
                     max_pairs_per_target=max_pairs_per_target, viral=viral, alpha=alpha,
                     significance=significance, significant_only=significant_only, seed=seed,
                     chunk_pairs=chunk_pairs)
    wins = sorted(set(pd.Timedelta(w) for w in windows))
    wins_ns = [int(w.value) for w in wins]
    wins_s = tuple(w.total_seconds() for w in wins)
    acts = actions.reset_index(drop=True)
    n = len(acts)
    if n == 0:
        # Nothing to distribute; the local engine's empty result is the answer.
        res = run_engine(acts, wins, **engine_kw)
        stats = dict(res.stats, backend="dask", npartitions=0)
        return CoActionResult(edges=res.edges, notes=res.notes, actions=res.actions,
                              windows=res.windows, signal=res.signal, params=res.params,
                              stats=stats)

    # -- 1. client: global coding, exactly as run_engine ------------------------------------------
    acc_codes, acc_names = _encode(acts["account_id"])
    tgt_codes, tgt_names = _encode(acts["target"])
    acc_codes = acc_codes.astype(np.int64, copy=False)
    tgt_codes = tgt_codes.astype(np.int64, copy=False)
    ns = _ns(acts["timestamp"])
    t_base = int(ns.min())
    rel = ns - t_base
    unit = _time_unit(rel, wins_ns)
    t_units = rel // unit if unit > 1 else rel
    w_units = [w // unit for w in wins_ns]
    n_acc = len(acc_names)
    n_tgt = len(tgt_names)
    n_accounts = max(n_acc, 1)

    client = _resolve_client(client)
    nparts = _n_partitions(npartitions, client, n, n_tgt)
    # A target's partition: a hash of the target string (never spans partitions).
    h = pd.util.hash_pandas_object(pd.Series(tgt_names), index=False).to_numpy(np.uint64)
    pid = (h % np.uint64(nparts)).astype(np.int16 if nparts < 2**15 else np.int64)[tgt_codes]
    order = np.argsort(pid, kind="stable")
    bounds = np.searchsorted(pid[order], np.arange(nparts + 1))
    del pid

    # viral="sample" draws each action's sample from a seeded hash of the action's content;
    # drawn here for the actions of targets that could be over the cap (n (n - 1) / 2 candidate
    # pairs at most), and shipped with them.
    u = None
    if viral == "sample" and max_pairs_per_target is not None:
        n_t = np.bincount(tgt_codes, minlength=n_tgt).astype(np.float64)
        maybe = n_t * (n_t - 1) / 2.0 > max_pairs_per_target
        if maybe.any():
            sel = np.flatnonzero(maybe[tgt_codes])
            u = np.full(n, np.nan)
            u[sel] = _uniform(acts, seed)(sel)

    payloads = []
    for p in range(nparts):
        idx = order[bounds[p]:bounds[p + 1]]
        if len(idx) == 0:
            continue
        payloads.append({"row": idx, "acc": acc_codes[idx], "tgt": tgt_codes[idx],
                         "t": t_units[idx], "u": None if u is None else u[idx]})
    del order
    n_red = nparts
    kw = {"windows": w_units, "n_accounts": n_accounts, "min_accounts": min_accounts,
          "max_accounts": max_accounts, "max_pairs_per_target": max_pairs_per_target,
          "viral": viral, "chunk_pairs": chunk_pairs, "n_reduce": n_red}
    t1 = _time.perf_counter()

    # -- 2-4. the task graph -------------------------------------------------------------------
    refs = client.scatter(payloads) if client is not None else payloads
    delayed = dask.delayed
    parts = [delayed(_partition_task)(ref, kw) for ref in refs]
    model = delayed(_global_model)([delayed(_model_input)(p) for p in parts], n_tgt, n_accounts,
                                   len(wins))
    n_win = len(wins)
    reduced = [delayed(_reduce_task)([delayed(_bucket_rows)(p, k, r) for p in parts], model, k,
                                     n_accounts, min_support)
               for k in range(n_win) for r in range(n_red)]
    light = [delayed(_light)(p) for p in parts]
    n_active = delayed(_model_field)(model, "n_active")
    flat = _compute([*reduced, *light, n_active], client)
    del refs, payloads
    reduced_out = flat[:len(reduced)]
    light_out = flat[len(reduced):len(reduced) + len(light)]
    n_active = int(flat[-1])
    t2 = _time.perf_counter()

    # -- 5. client: per window, pairs in order, multiple testing, filters -----------------------
    m_tests = K.pair_family_size(n_active)
    frames = []
    edges_per_window = []
    for k in range(n_win):
        outs = reduced_out[k * n_red:(k + 1) * n_red]
        pt = _concat_tables([o[0] for o in outs])
        lam = np.concatenate([o[1] for o in outs])
        p = np.concatenate([o[2] for o in outs])
        niche = K.NicheTest.concat([o[3] for o in outs])
        o = np.lexsort((pt.hi, pt.lo))  # the local order: by (account_a, account_b) codes
        pt, lam, p = pt.take(o), lam[o], p[o]
        niche = niche.take(o)
        frame = _window_edges(pt, lam, p, niche, m_tests=m_tests, significance=significance, alpha=alpha,
                              min_weight=min_weight, significant_only=significant_only,
                              acc_names=acc_names, signal=signal, window_s=wins_s[k], unit=unit,
                              t_base=t_base)
        edges_per_window.append(len(frame))
        frames.append(frame)
    edges = pd.concat(frames, ignore_index=True) if frames else _empty(EDGE_DTYPES)
    edges = edges.astype(EDGE_DTYPES) if len(edges) else _empty(EDGE_DTYPES)

    notes = _notes([lo["notes"] for lo in light_out], tgt_names, unit, signal)
    kept_rows = np.sort(np.concatenate([lo["kept"] for lo in light_out]))
    kept_actions = acts.iloc[kept_rows].reset_index(drop=True)
    t3 = _time.perf_counter()

    stats = _merge_stats([lo["stats"] for lo in light_out])
    stats.update({
        "accounts": n_acc,
        "active_accounts": n_active,
        "pairs_tested": m_tests,
        "edges": dict(zip(wins_s, edges_per_window, strict=True)),
        "time_unit_ns": unit,
        "backend": "dask",
        "npartitions": nparts,
        "partition_actions": [lo["actions"] for lo in light_out],
        "seconds_encode": t1 - t0,
        "seconds_cluster": t2 - t1,
        "seconds_reduce": t3 - t2,
    })
    return CoActionResult(edges=edges, notes=notes, actions=kept_actions, windows=wins_s,
                          signal=signal, params={}, stats=stats)


# ---------------------------------------------------------------------------------------------
# Tasks (module-level functions: picklable for process-based workers)
# ---------------------------------------------------------------------------------------------


def _pair_bucket(key: np.ndarray, n_buckets: int) -> np.ndarray:
    """Reduce bucket of each pair key (a multiplicative hash, so that buckets are balanced)."""
    with np.errstate(over="ignore"):
        h = key.astype(np.uint64) * _GOLDEN
    # int16 when it fits: numpy's stable argsort is then a radix sort.
    dt = np.int16 if n_buckets < 2**15 else np.int64
    return ((h >> np.uint64(33)) % np.uint64(n_buckets)).astype(dt)


def _partition_task(payload: dict, kw: dict) -> dict:
    """The kernel on one target partition: rows split into reduce buckets, and the
    partition's share of the global quantities, all with global target codes."""
    ucodes, ltgt = np.unique(payload["tgt"], return_inverse=True)
    ltgt = ltgt.astype(np.int64, copy=False)
    u = payload["u"]
    uniform = None if u is None else (lambda pos: u[pos])
    # min_support=1: the kernel's per-account pruning counts an account's partnered actions
    # over the targets it is given, which here are one partition's; the cross-partition count
    # is not known, so only target-local pruning runs and reduce_pairs applies min_support.
    part = K.coaction_partition(
        payload["acc"], ltgt, payload["t"], kw["windows"], n_accounts=kw["n_accounts"],
        n_targets=len(ucodes), min_accounts=kw["min_accounts"], max_accounts=kw["max_accounts"],
        max_pairs_per_target=kw["max_pairs_per_target"], viral=kw["viral"], uniform=uniform,
        min_support=1, prune=True, chunk_pairs=kw["chunk_pairs"],
    )
    n_red = kw["n_reduce"]
    buckets = []
    for chunks in part.rows:
        per = [[] for _ in range(n_red)]
        for c in chunks:
            c = K.PairTargetRows(c.key, ucodes[c.target], c.co_actions, c.min_gap, c.first,
                                 c.last, c.lead)
            if n_red == 1:
                per[0].append(c)
                continue
            b = _pair_bucket(c.key, n_red)
            o = np.argsort(b, kind="stable")
            cuts = np.searchsorted(b[o], np.arange(n_red + 1))
            for r in range(n_red):
                if cuts[r + 1] > cuts[r]:
                    per[r].append(c.take(o[cuts[r]:cuts[r + 1]]))
        buckets.append(per)
    notes = dict(part.notes)
    if len(notes["target"]):
        notes["target"] = ucodes[notes["target"]]
    return {
        "buckets": buckets,
        "model": {
            "tcodes": ucodes,
            "target_accounts": part.target_accounts,
            "inc_a": part.incidence_account,
            "inc_t": ucodes[part.incidence_target],
            "inc_o": part.incidence_others,
            "inc_share": [s[part.incidence_target] for s in part.pair_share],
        },
        "light": {"kept": payload["row"][part.kept], "notes": notes, "stats": part.stats,
                  "actions": len(payload["row"])},
    }


def _bucket_rows(part: dict, k: int, r: int) -> list:
    return part["buckets"][k][r]


def _model_input(part: dict) -> dict:
    return part["model"]


def _light(part: dict) -> dict:
    return part["light"]


def _model_field(model: dict, name: str):
    return model[name]


def _global_model(inputs: list[dict], n_targets: int, n_accounts: int, n_windows: int) -> dict:
    """Popularity weights, the null model of every window and the active accounts, from every
    partition's counts and incidences (in the local engine's order, so that the null model's
    float sums are the same)."""
    n_acc_t = np.zeros(n_targets, np.int64)
    for m in inputs:
        n_acc_t[m["tcodes"]] = m["target_accounts"]
    tw = K.target_weights(n_acc_t)
    inc_a = np.concatenate([m["inc_a"] for m in inputs])
    inc_t = np.concatenate([m["inc_t"] for m in inputs])
    inc_o = np.concatenate([m["inc_o"] for m in inputs])
    # The local kernel's order: by (target, account). Each partition's incidences are sorted
    # so already; a stable sort of the combined key merges the runs.
    if n_targets * max(n_accounts, 1) < 2**62:
        o = np.argsort(inc_t * np.int64(n_accounts) + inc_a, kind="stable")
    else:  # pragma: no cover - astronomically many codes
        o = np.lexsort((inc_a, inc_t))
    inc_a, inc_o = inc_a[o], inc_o[o]
    nulls = K.NullModel.for_windows(
        inc_a, inc_o, [np.concatenate([m["inc_share"][k] for m in inputs])[o] for k in range(n_windows)],
        n_accounts=n_accounts)
    n_active = int((np.bincount(inc_a, minlength=n_accounts) > 0).sum())
    return {"tw": tw, "nulls": nulls, "n_active": n_active, "target_accounts": n_acc_t}


def _reduce_task(bucket_lists: list[list], model: dict, k: int, n_accounts: int,
                 min_support: int):
    """One window's pairs of one bucket: reduced by key over every partition's rows, tested."""
    rows = [c for lst in bucket_lists for c in lst]
    pt = K.reduce_pairs(rows, model["tw"], n_accounts=n_accounts, min_support=min_support,
                        target_accounts=model["target_accounts"], strata=K.NICHE_STRATA)
    lam, p, niche = K.pair_pvalues(pt, model["nulls"][k])
    return pt, lam, p, niche


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _resolve_client(client):
    if client is not None:
        if not (hasattr(client, "scatter") and hasattr(client, "compute")
                and hasattr(client, "gather")):
            raise ParameterError(
                "The 'client' parameter of run_coaction_dask must be a distributed.Client, e.g. "
                f"Client('tcp://scheduler:8786'), or None. Got {type(client).__name__} instead.",
                name="client", value=client)
        return client
    # The current default scheduler: a distributed.Client registered as default (its ``get``),
    # unless dask.config says otherwise; anything else runs through dask.compute as configured.
    from dask.base import get_scheduler

    owner = getattr(get_scheduler(), "__self__", None)
    return owner if owner is not None and hasattr(owner, "scatter") else None


def _n_partitions(npartitions: int | None, client, n_actions: int, n_targets: int) -> int:
    if npartitions is not None:
        return max(1, min(int(npartitions), n_targets))
    if client is not None:
        threads = sum(client.nthreads().values()) or 1
    else:
        threads = os.cpu_count() or 1
    return max(1, min(max(threads, math.ceil(n_actions / ACTIONS_PER_PARTITION)), n_targets))


def _compute(objs: list, client) -> list:
    if client is not None:
        futures = client.compute(objs)
        try:
            return client.gather(futures)
        finally:
            del futures
    import dask

    return list(dask.compute(*objs))


def _concat_tables(tables: list[K.PairTable]) -> K.PairTable:
    tables = [t for t in tables if len(t)]
    if not tables:
        return K._empty_table()
    if len(tables) == 1:
        return tables[0]
    return K.PairTable(**{f: np.concatenate([getattr(t, f) for t in tables])
                          for f in tables[0].__dict__})


def _notes(parts: list[dict], tgt_names, unit: int, signal: str) -> pd.DataFrame:
    """The union of the partitions' notes, as run_engine formats and logs them."""
    keys = list(parts[0]) if parts else []
    merged = {k: np.concatenate([p[k] for p in parts]) for k in keys}
    notes = pd.DataFrame(merged)
    if not len(notes):
        return _empty(NOTE_DTYPES)
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
    return notes


def _merge_stats(parts: list[dict]) -> dict:
    """The partitions' kernel stats added up (numbers, lists element-wise, dicts by key)."""
    out: dict = {}
    for st in parts:
        for key, v in st.items():
            if key not in out:
                out[key] = (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict)
                            else v)
            elif isinstance(v, list):
                out[key] = [a + b for a, b in zip(out[key], v, strict=True)]
            elif isinstance(v, dict):
                for kk, vv in v.items():
                    out[key][kk] = out[key].get(kk, 0) + vv
            else:
                out[key] = out[key] + v
    return out
