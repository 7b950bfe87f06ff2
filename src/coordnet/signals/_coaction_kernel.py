"""The co-action kernel: pure numpy over integer-coded actions.

Everything here works on plain integer arrays (account codes, target codes, integer times) so
that it can run unchanged on one partition of targets in a distributed backend: a target's
actions must all be in the same call (targets never span partitions), account pairs may span
calls and are merged with :func:`reduce_pairs` over the rows of every call (a list of
:class:`PairTargetRows` chunks), and the null model with :meth:`NullModel.from_incidences` over
the concatenated incidences. Account codes must be global (the same in every call).

Definitions (times are integers in one unit, windows in the same unit):

- actions ``i`` and ``j`` on the same target *co-act* at window ``w`` when their accounts differ
  and ``|t_i - t_j| <= w`` (inclusive);
- a *pair-target row* summarizes, for one account pair ``(lo, hi)`` (``lo < hi`` as codes) and
  one target, all co-acting action pairs: how many (``co_actions``), the smallest gap, the
  earliest and latest time among them, and who came first (``lead``: +1 when ``lo``'s earliest
  co-acting action precedes ``hi``'s, -1 the reverse, 0 a tie).

How the candidate pairs are found without an all-pairs matrix: actions are sorted by
``(target, time)``; the time axis is *compressed* so that consecutive gaps larger than the
window become ``w + 1`` and a target boundary also adds ``w + 1``:
``t' = cumsum(min(diff, w + 1))``. For ``i < j`` in the same target, ``t_j - t_i <= w`` exactly
when ``t'_j - t'_i <= w`` (if a single step exceeds ``w`` both sides exceed it; otherwise they
are equal), and actions of different targets are always more than ``w`` apart. So
``end = searchsorted(t', t' + w, "right")`` gives each action's window, ``end - i - 1`` its
number of later partners, and every target's pair count is known before a pair is made. Pairs
are then generated chunk by chunk (whole targets per chunk) with a ragged ``arange``.

Memory: with ``min_support >= 2`` and more candidate pairs than one chunk, a *support screen*
runs first: a pass that makes only the pair keys (one per pair and target) and counts them, so
that the second pass stores the rows of the pairs that can reach ``min_support`` only (most
pairs meet on one target). Rows are compact (int32 codes, counts, gaps and times when they fit).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "PairTargetRows",
    "NullModel",
    "PartitionResult",
    "NICHE_STRATA",
    "NicheTest",
    "PairTable",
    "candidate_ends",
    "coaction_partition",
    "poisson_null",
    "reduce_pairs",
    "target_weights",
    "pair_pvalues",
]

logger = logging.getLogger(__name__)

_I64 = np.int64
#: Compressed times stay below this, so ``t' + w`` never overflows int64.
_COMPRESS_LIMIT = 2**62


@dataclass
class PairTargetRows:
    """One row per (account pair, target) that co-acted within one window.

    Attributes
    ----------
    key : int64 array
        ``lo * n_accounts + hi`` with ``lo < hi`` account codes.
    target : integer array
        Target code.
    co_actions : integer array
        Co-acting action pairs of the two accounts on the target.
    min_gap, first, last : integer arrays
        Smallest gap, earliest and latest time among those action pairs (time units).
    lead : int8 array
        +1 when ``lo`` acted first (earliest co-acting action), -1 when ``hi`` did, 0 a tie.

    :func:`coaction_partition` makes them compact: int32 targets, counts, gaps and times when
    the codes and times fit (int64 otherwise); consumers take any integer width.
    """

    key: np.ndarray
    target: np.ndarray
    co_actions: np.ndarray
    min_gap: np.ndarray
    first: np.ndarray
    last: np.ndarray
    lead: np.ndarray

    _FIELDS = ("key", "target", "co_actions", "min_gap", "first", "last", "lead")

    def __len__(self) -> int:
        return len(self.key)

    @classmethod
    def empty(cls) -> PairTargetRows:
        z = np.zeros(0, _I64)
        return cls(z, z, z, z, z, z, np.zeros(0, np.int8))

    @classmethod
    def concat(cls, parts: Sequence[PairTargetRows]) -> PairTargetRows:
        """Rows of several chunks or partitions, in the given order."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls._FIELDS))

    def take(self, idx: np.ndarray) -> PairTargetRows:
        return PairTargetRows(*(getattr(self, f)[idx] for f in self._FIELDS))


@dataclass
class PairTable:
    """One row per account pair (one window): the reduced co-action evidence."""

    lo: np.ndarray
    hi: np.ndarray
    support: np.ndarray
    co_actions: np.ndarray
    weight: np.ndarray
    first: np.ndarray
    last: np.ndarray
    median_gap: np.ndarray  # float64, time units
    a_leads: np.ndarray
    b_leads: np.ndarray
    ties: np.ndarray
    #: ``(pairs, strata)``: shared targets with at most ``strata[j]`` accounts (see
    #: :func:`reduce_pairs`); no columns when no strata were asked for.
    niche_support: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), _I64))

    def __len__(self) -> int:
        return len(self.lo)

    def take(self, idx) -> PairTable:
        return PairTable(**{k: v[idx] for k, v in self.__dict__.items()})


@dataclass
class PartitionResult:
    """What :func:`coaction_partition` returns for one partition of targets.

    Attributes
    ----------
    rows : list of list of PairTargetRows
        Per window (in the order of the `windows` given), the rows in chunks (not concatenated,
        to spare memory; :func:`reduce_pairs` takes the list).
    target_accounts : int64 array
        Distinct accounts per target code (before any sampling), 0 for codes not present.
    incidence_account, incidence_target, incidence_others : int64 arrays
        Null model input: one entry per distinct (account, target): the account's code, the
        target's code and how many *other* accounts act on the target (see :class:`NullModel`).
    pair_share : list of float64 arrays
        Per window, indexed by target code: the share of the target's action pairs (among the
        actions used) that lie within the window; 0 for targets not used.
    kept : bool array
        Per input action: on a target analyzed at some window (not filtered out, not skipped
        at every window, not sampled out) - the actions evidence is drawn from.
    notes : dict of arrays
        Targets skipped or sampled, one entry per target and window (window -1 for
        ``max_accounts``): ``target, window, actions, accounts, candidate_pairs, reason,
        action, kept_actions, kept_pairs``.
    stats : dict
        Counts (actions, targets, filtered targets, candidate pairs per window on the targets
        analyzed, before caps and after pruning, rows kept per window, ``screen_rows`` and
        ``screen_pairs``: keys counted and pairs let through by the support screen, 0 when it
        did not run) and wall and CPU seconds by stage.
    """

    rows: list[list[PairTargetRows]]
    target_accounts: np.ndarray
    incidence_account: np.ndarray
    incidence_target: np.ndarray
    incidence_others: np.ndarray
    pair_share: list[np.ndarray]
    kept: np.ndarray
    notes: dict[str, np.ndarray]
    stats: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------


def _run_starts(sorted_codes: np.ndarray) -> np.ndarray:
    """Start index of each run of equal values in a sorted array (empty for empty input)."""
    if len(sorted_codes) == 0:
        return np.zeros(0, _I64)
    return np.concatenate([[0], np.flatnonzero(sorted_codes[1:] != sorted_codes[:-1]) + 1]).astype(_I64)


def _compressed_blocks(tgt: np.ndarray, t: np.ndarray, w: int):
    """Yield ``(b, e, tp)``: blocks of whole targets with their compressed times."""
    n = len(t)
    step = np.empty(n, _I64)
    step[0] = 0
    np.subtract(t[1:], t[:-1], out=step[1:])
    np.minimum(step, w + 1, out=step)
    step[1:][tgt[1:] != tgt[:-1]] = w + 1
    limit = max(1, _COMPRESS_LIMIT // (w + 1))
    if n <= limit:
        yield 0, n, np.cumsum(step, out=step)
        return
    # Very long inputs at fine time units: compress block by block (blocks of whole targets,
    # each short enough that its compressed time cannot overflow; a single target's compressed
    # time never exceeds its own time span).
    starts = _run_starts(tgt)
    b = 0
    while b < n:
        k = int(np.searchsorted(starts, b + limit, side="right")) - 1
        e = int(starts[k]) if k >= 0 and starts[k] > b else (
            int(starts[k + 1]) if k + 1 < len(starts) else n)
        e = n if b + limit >= n else e
        s = step[b:e].copy()
        s[0] = 0
        yield b, e, np.cumsum(s)
        b = e


def _window_ends(tp: np.ndarray, w: int) -> np.ndarray:
    """``searchsorted(tp, tp + w, "right")`` for a non-decreasing `tp`. Most actions have no
    or one partner within the window: those are settled by comparing neighbours, and only the
    others are searched (when they are few enough for that to pay)."""
    n = len(tp)
    lim = tp + w
    if n < 3:
        return np.searchsorted(tp, lim, side="right")
    act = np.flatnonzero(tp[1:] <= lim[:-1])  # at least one partner
    if 2 * len(act) > n:
        return np.searchsorted(tp, lim, side="right")
    end = np.arange(1, n + 1, dtype=_I64)
    end[act] += 1
    act = act[act < n - 2]
    act = act[tp[act + 2] <= lim[act]]  # at least two partners
    if len(act):
        end[act] = np.searchsorted(tp, lim[act], side="right")
    return end


def candidate_ends(tgt: np.ndarray, t: np.ndarray, w: int, *, starts: bool = False):
    """For actions sorted by (target, time): one past the last action within `w` of each.

    ``end[i]`` is the smallest index ``> i`` whose action is on another target or more than
    `w` later; actions ``i+1 .. end[i]-1`` are exactly ``i``'s later partners within `w`.
    With ``starts=True`` also returns ``start[i]``, the first action of the same target at most
    `w` earlier.

    Examples
    --------
    >>> candidate_ends(np.array([0, 0, 0, 1, 1]), np.array([0, 5, 20, 21, 30]), 10).tolist()
    [2, 2, 3, 5, 5]
    >>> [x.tolist() for x in candidate_ends(np.array([0, 0, 1]), np.array([0, 5, 6]), 10, starts=True)]
    [[0, 0, 2], [2, 2, 3]]
    """
    n = len(t)
    w = int(w)
    end = np.empty(n, _I64)
    beg = np.empty(n, _I64) if starts else None
    if n:
        for b, e, tp in _compressed_blocks(tgt, t, w):
            end[b:e] = _window_ends(tp, w) + b
            if starts:
                beg[b:e] = np.searchsorted(tp, tp - w, side="left") + b
    return (beg, end) if starts else end


def _packed_sort(key: np.ndarray, idx_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """A stable argsort of non-negative int64 `key` (``key < 2**(63 - idx_bits)``, ``len(key) <=
    2**idx_bits``) as one in-place plain sort of ``key << idx_bits | position`` (about twice as
    fast as an argsort): ``(order, key[order])``. `key` is consumed."""
    key <<= idx_bits
    key |= np.arange(len(key), dtype=_I64)
    key.sort()
    order = key & _I64((1 << idx_bits) - 1)
    key >>= idx_bits
    return order, key


def _sort_by_target_time(tgt: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort actions by (target, time): ``(order, tgt[order], t[order])``.

    A plain sort of a key packed with the position (see :func:`_packed_sort`; the sorted targets
    and times are decoded from it rather than gathered): of ``(target, time)`` when that fits in
    an int64 beside the position, else of the target alone when the times are already in order
    (as a Dataset's are); else an argsort of a combined key, or a lexsort. Ties keep no
    particular order (the results do not depend on it)."""
    n = len(t)
    if n == 0:
        return np.zeros(0, _I64), tgt[:0], t[:0]
    t0, t1 = int(t.min()), int(t.max())
    span = t1 - t0 + 1
    n_t = int(tgt.max()) + 1
    idx_bits = int(n - 1).bit_length()
    tgt_bits = int(n_t - 1).bit_length()
    if (n_t * span - 1).bit_length() + idx_bits <= 63:
        key = tgt.astype(_I64)
        key *= span
        key += t
        key -= t0
        order, key = _packed_sort(key, idx_bits)
        tgt_s, t_s = np.divmod(key, _I64(span))
        t_s += t0
        return order, tgt_s, t_s
    if tgt_bits + idx_bits <= 63 and bool((t[1:] >= t[:-1]).all()):
        order, tgt_s = _packed_sort(tgt.astype(_I64), idx_bits)
        return order, tgt_s, t[order]
    if n_t * span < 2**62:
        order = np.argsort(tgt * _I64(span) + (t - t0))
    else:
        order = np.lexsort((t, tgt))
    return order, tgt[order], t[order]


def _prune(acc: np.ndarray, tgt: np.ndarray, t: np.ndarray, w: int, min_support: int,
           n_accounts: int, max_rounds: int = 2, end: np.ndarray | None = None) -> np.ndarray:
    """Positions (into the sorted arrays) of the actions that can take part in a reported pair.

    An action is dropped when no other account acts on its target within `w` of it (it is in
    no co-acting pair), and every action of an account left with fewer than `min_support`
    such actions (none of its pairs can reach `min_support` distinct targets). Repeated until
    (at most `max_rounds` times: later rounds remove little); exact: no pair with support >=
    `min_support` loses a co-acting action pair. `end` may give ``candidate_ends(tgt, t, w)``
    when it is known already.
    """
    idx = np.arange(len(acc), dtype=_I64)
    a, g, tt = acc, tgt, t
    for _ in range(max_rounds):
        if len(idx) == 0:
            break
        if end is None:
            end = candidate_ends(g, tt, w)
        # Runs of consecutive actions by the same account on the same target: the nearest
        # action of another account is just outside the run. Forward: the first action after
        # the run is within the window. Backward: the action p just before the run is on the
        # same target and its window reaches i.
        # (end[p] > i for p < i means that i is on p's target within p's window.)
        n = len(a)
        change = (a[1:] != a[:-1]) | (g[1:] != g[:-1])
        if change.all():  # every run is one action (the common case)
            nxt = np.arange(1, n + 1, dtype=_I64)
            partner = end > nxt
            partner[1:] |= end[:-1] > nxt[:-1]
            del nxt
        else:
            brk = np.flatnonzero(change) + 1
            rs = np.concatenate([[0], brk])
            lens = np.diff(np.concatenate([rs, [n]]))
            run_end = np.repeat(rs + lens, lens)
            prev = np.repeat(rs - 1, lens)
            i = np.arange(n, dtype=_I64)
            partner = (run_end < end) | ((prev >= 0) & (end[np.maximum(prev, 0)] > i))
            del run_end, prev, i
        del change
        end = None  # later rounds compute their own
        if min_support > 1:
            per_acc = np.bincount(a[partner], minlength=n_accounts)
            partner &= per_acc[a] >= min_support
        if partner.all():
            break
        idx = idx[partner]
        a, g, tt = acc[idx], tgt[idx], t[idx]
    return idx


def _ragged_pairs(lo_idx: int, hi_idx: int, cnt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with ``lo_idx <= i < hi_idx`` and ``i < j <= i + cnt[i]``."""
    c = cnt[lo_idx:hi_idx]
    total = int(c.sum())
    # 32-bit indices when they fit: half the memory traffic.
    it = np.int32 if max(hi_idx, total) < 2**31 - 1 else _I64
    idx = np.arange(lo_idx, hi_idx, dtype=it)
    i = np.repeat(idx, c)
    # j = k + (i + 1 - start_of_i's_run) for k = 0..total-1
    run_start = (np.cumsum(c) - c).astype(it, copy=False)
    j = np.arange(total, dtype=it)
    j += np.repeat(idx + 1 - run_start, c)
    return i, j


def _chunks(target_pairs: np.ndarray, target_starts: np.ndarray, n: int, chunk_pairs: int):
    """Split sorted actions into [start, end) ranges of whole targets with about
    `chunk_pairs` candidate pairs each (a single larger target is its own chunk)."""
    if len(target_starts) == 0:
        return []
    cum = np.cumsum(target_pairs)
    total = int(cum[-1])
    if total == 0:
        return []
    bins = (cum - 1) // max(chunk_pairs, 1)
    breaks = np.flatnonzero(bins[1:] != bins[:-1]) + 1
    firsts = np.concatenate([[0], breaks])
    lasts = np.concatenate([breaks, [len(target_starts)]])
    bounds = np.concatenate([target_starts, [n]])
    return [(int(bounds[a]), int(bounds[b])) for a, b in zip(firsts, lasts, strict=True)
            if cum[b - 1] - (cum[a - 1] if a else 0) > 0]


def _pair_keys(acc: np.ndarray, start: int, stop: int, cnt: np.ndarray, n_accounts: int,
               accounts: np.ndarray | None = None):
    """Action pairs ``(i, j)`` of the sorted actions ``start:stop`` (``j`` among ``i``'s
    `cnt` later partners) by different accounts (both in `accounts`, a mask over account
    codes, when given), with their pair key ``lo * n_accounts + hi`` and whether ``i``'s
    account is ``lo``."""
    i, j = _ragged_pairs(start, stop, cnt)
    ai = acc[i]
    aj = acc[j]
    diff = ai != aj
    if accounts is not None:
        diff &= accounts[ai]
        diff &= accounts[aj]
    if not diff.all():
        i, j, ai, aj = i[diff], j[diff], ai[diff], aj[diff]
    del diff
    a_is_i = ai < aj
    key = np.minimum(ai, aj).astype(_I64)
    key *= _I64(n_accounts)
    key += np.maximum(ai, aj)
    return i, j, key, a_is_i


def _distinct_per_target(key: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Positions of the first of each run of equal ``(g, key)`` after sorting by them."""
    o = np.lexsort((key, g))
    k, gg = key[o], g[o]
    first = np.ones(len(o), bool)
    first[1:] = (k[1:] != k[:-1]) | (gg[1:] != gg[:-1])
    return o[first]


def _chunk_keys(acc: np.ndarray, tgt: np.ndarray, cnt: np.ndarray, start: int, stop: int,
                n_accounts: int, has_rep: np.ndarray) -> np.ndarray:
    """Pair keys of the actions ``start:stop`` (whole targets), one per (pair, target) that
    co-acts within the window `cnt` was made with: the first pass of the support screen."""
    i, _j, key, _ = _pair_keys(acc, start, stop, cnt, n_accounts)
    del _j, _
    if not has_rep[tgt[start:stop]].any():
        return key  # no account acts twice on these targets: one action pair per (pair, target)
    g = tgt[i]
    rep = has_rep[g]
    r = np.flatnonzero(rep)
    keep = r[_distinct_per_target(key[r], g[r])]
    return np.concatenate([key[~rep], key[keep]])


def _keys_with_support(keys: np.ndarray, min_support: int) -> np.ndarray:
    """Sorted distinct values occurring at least `min_support` times in `keys` (sorted in
    place)."""
    keys.sort()
    m = int(min_support)
    if len(keys) < m:
        return np.zeros(0, _I64)
    if m <= 1:
        return keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys
    # Sorted: a value occurs m times or more exactly when it equals the value m - 1 places on.
    hit = keys[:len(keys) - m + 1][keys[m - 1:] == keys[:len(keys) - m + 1]]
    if len(hit):
        hit = hit[np.concatenate([[True], hit[1:] != hit[:-1]])]
    return hit


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class _KeySet:
    """Membership in a sorted set of pair keys: the accounts of those pairs (a mask over
    account codes, for a first cut), a bit filter (a multiplicative hash, about 32 bits per
    key, so about 3 % false hits) and an exact ``searchsorted``."""

    def __init__(self, keys: np.ndarray, n_accounts: int):
        self.keys = keys
        self.accounts = np.zeros(n_accounts, bool)
        lo, hi = np.divmod(keys, _I64(n_accounts))
        self.accounts[lo] = True
        self.accounts[hi] = True
        del lo, hi
        bits = min(max(int(max(len(keys), 1) * 32 - 1).bit_length(), 16), 29)
        self.shift = np.uint64(64 - bits)
        bitmap = np.zeros(1 << (bits - 3), np.uint8)
        if len(keys):
            h = np.sort((keys.view(np.uint64) * _GOLDEN) >> self.shift)
            byte = (h >> np.uint64(3)).astype(np.intp)
            st = _run_starts(byte)
            bit = np.left_shift(np.uint8(1), (h & np.uint64(7)).astype(np.uint8))
            bitmap[byte[st]] = np.bitwise_or.reduceat(bit, st)
        self.bitmap = bitmap

    def __call__(self, key: np.ndarray) -> np.ndarray:
        h = (key.view(np.uint64) * _GOLDEN) >> self.shift
        hit = self.bitmap[(h >> np.uint64(3)).astype(np.intp)]
        hit >>= (h & np.uint64(7)).astype(np.uint8)
        hit &= np.uint8(1)
        maybe = np.flatnonzero(hit)
        del h, hit
        out = np.zeros(len(key), bool)
        if len(maybe) and len(self.keys):
            k = key[maybe]
            p = np.searchsorted(self.keys, k)
            p[p == len(self.keys)] = 0
            out[maybe[self.keys[p] == k]] = True
        return out


def _rows_for_chunk(acc: np.ndarray, tgt: np.ndarray, t: np.ndarray, cnt: np.ndarray,
                    start: int, stop: int, windows: Sequence[int], n_accounts: int,
                    has_rep: np.ndarray, keep: _KeySet | None = None) -> list[PairTargetRows]:
    """Pair-target rows of the actions ``start:stop`` (whole targets), one set per window;
    with `keep`, only the rows of the pairs it holds.

    Rows are compact: targets, counts, gaps and times in int32 when the inputs fit."""
    i, j, key, a_is_i = _pair_keys(acc, start, stop, cnt, n_accounts,
                                   None if keep is None else keep.accounts)
    if keep is not None:
        m = keep(key)
        i, j, key, a_is_i = i[m], j[m], key[m], a_is_i[m]
        del m
    ti = t[i]
    tj = t[j]
    del j
    gap = tj - ti
    g = tgt[i]
    del i
    count_dt = np.int32 if len(key) < 2**31 - 1 else _I64
    # lead: +1 when lo's action is the earlier one, -1 when hi's is, 0 when simultaneous.
    lead = a_is_i.view(np.int8) * np.int8(2) - np.int8(1)
    lead[gap == 0] = 0

    rep = has_rep[g] if has_rep[tgt[start:stop]].any() else None
    any_rep = rep is not None and bool(rep.any())
    if any_rep:
        # Targets where an account acted more than once: several action pairs may belong to one
        # (pair, target); sort them by (target, key) once, reduce per window below.
        r = np.flatnonzero(rep)
        r = r[np.lexsort((key[r], g[r]))]
        rk, rg, rgap, rti, rtj, ra = key[r], g[r], gap[r], ti[r], tj[r], a_is_i[r]
        r_ta = np.where(ra, rti, rtj)  # lo's time in this action pair
        r_tb = np.where(ra, rtj, rti)  # hi's time
        single = np.flatnonzero(~rep)
        key, g, gap, ti, tj, lead = key[single], g[single], gap[single], ti[single], tj[single], lead[single]
    del a_is_i, rep

    out = []
    wmax = max(windows)
    for w in windows:
        if w >= wmax:
            rows = PairTargetRows(key, g, np.ones(len(key), count_dt), gap, ti, tj, lead)
        else:
            m = np.flatnonzero(gap <= w)
            rows = PairTargetRows(key[m], g[m], np.ones(len(m), count_dt), gap[m], ti[m], tj[m], lead[m])
        if any_rep:
            sel = rgap <= w
            if sel.all():
                sk, sg, sgap, sti, stj, sta, stb = rk, rg, rgap, rti, rtj, r_ta, r_tb
            else:
                sk, sg, sgap, sti, stj, sta, stb = (x[sel] for x in (rk, rg, rgap, rti, rtj, r_ta, r_tb))
            if len(sk):
                brk = np.flatnonzero((sk[1:] != sk[:-1]) | (sg[1:] != sg[:-1])) + 1
                st = np.concatenate([[0], brk])
                n_in = np.diff(np.concatenate([st, [len(sk)]]))
                a_first = np.minimum.reduceat(sta, st)
                b_first = np.minimum.reduceat(stb, st)
                rl = np.sign(b_first - a_first).astype(np.int8)
                rows = PairTargetRows.concat([rows, PairTargetRows(
                    sk[st], sg[st], n_in.astype(count_dt), np.minimum.reduceat(sgap, st),
                    np.minimum.reduceat(sti, st), np.maximum.reduceat(stj, st), rl,
                )])
        out.append(rows)
    return out


def target_weights(accounts_on_target: np.ndarray) -> np.ndarray:
    """Popularity discount of each target: ``1 / log2(n)`` for ``n >= 2`` accounts, else 0.

    A target only the two accounts share weighs 1; one shared by 1,024 accounts weighs 0.1.

    Examples
    --------
    >>> target_weights(np.array([1, 2, 4, 1024])).tolist()
    [0.0, 1.0, 0.5, 0.1]
    """
    n = np.asarray(accounts_on_target, dtype=np.float64)
    out = np.zeros(len(n))
    ok = n >= 2
    out[ok] = 1.0 / np.log2(n[ok])
    return out


# ---------------------------------------------------------------------------------------------
# One partition of targets
# ---------------------------------------------------------------------------------------------


def coaction_partition(
    acc: np.ndarray,
    tgt: np.ndarray,
    t: np.ndarray,
    windows: Sequence[int],
    *,
    n_accounts: int,
    n_targets: int | None = None,
    min_accounts: int = 2,
    max_accounts: int | None = None,
    max_pairs_per_target: int | None = 2_000_000,
    viral: str = "skip",
    uniform: Callable[[np.ndarray], np.ndarray] | None = None,
    min_support: int = 1,
    prune: bool = True,
    chunk_pairs: int = 4_000_000,
) -> PartitionResult:
    """Pair-target rows of one partition of targets, for every window at once.

    Parameters
    ----------
    acc, tgt, t : int64 arrays
        Account code (``0 <= acc < n_accounts``; code order is the order of ``account_a <
        account_b``), target code and integer time of each action, in any order. All actions
        of a target must be in this call.
    windows : sequence of int
        Distinct windows in the unit of `t`, each ``>= 0``, ascending.
    n_accounts : int
        Number of account codes (for the pair key ``lo * n_accounts + hi``).
    n_targets : int, optional
        Number of target codes (default: ``max(tgt) + 1``).
    min_accounts, max_accounts : int
        Targets with fewer (more) distinct accounts make no pairs; those over `max_accounts`
        are listed in ``notes``.
    max_pairs_per_target : int or None
        Cap on one target's candidate action pairs at a window (same-account ones included).
        At each window where a target is over it, the target is skipped (``viral="skip"``) or
        its actions are thinned for that window (``viral="sample"``: action ``i`` kept when
        ``uniform(i) < q``, ``q`` lowered until the candidate pairs fit); both are listed in
        ``notes``, one row per target and window. Windows where the target fits are exact, so
        a run with several windows equals separate runs.
    uniform : callable, optional
        Maps input positions of actions to floats in [0, 1), deterministically (e.g. a seeded
        hash of the action). Required for ``viral="sample"``.
    min_support : int
        With `prune`, actions that cannot be part of a pair sharing at least this many targets
        are dropped before pairs are made (exact: see :func:`_prune`). When it is 2 or more and
        the candidate pairs exceed `chunk_pairs`, a first pass counts each pair's (pair,
        target) keys and only the rows of pairs with at least `min_support` of them are kept
        (the support screen; exact, as a pair's support at any window is at most that count).
        Rows of pairs with less support may still come out; :func:`reduce_pairs` drops them.
        All of a pair's targets must be in this call for that to hold: a backend whose
        partitions split a pair's targets passes 1.
    prune : bool
        Drop actions with no other account's action within the largest window on their target
        (and, with `min_support` > 1, actions of accounts left with too few such actions over
        all targets) before pairs are made.
    chunk_pairs : int
        Candidate pairs generated at once (bounds memory; the result does not depend on it,
        only which rows are stored, see `min_support`).

    Returns
    -------
    PartitionResult

    Examples
    --------
    >>> acc = np.array([0, 1, 2, 0, 1]); tgt = np.array([0, 0, 0, 1, 1]); t = np.array([0, 5, 20, 0, 9])
    >>> res = coaction_partition(acc, tgt, t, [10, 15], n_accounts=3)
    >>> rows = [PairTargetRows.concat(r) for r in res.rows]
    >>> [sorted(zip(r.key.tolist(), r.target.tolist(), r.min_gap.tolist())) for r in rows]
    [[(1, 0, 5), (1, 1, 9)], [(1, 0, 5), (1, 1, 9), (5, 0, 15)]]
    """
    clock = [time.perf_counter(), time.process_time()]
    timings: dict[str, float] = {}
    cpu_timings: dict[str, float] = {}

    def tick(name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        timings[name] = timings.get(name, 0.0) + now - clock[0]
        cpu_timings[name] = cpu_timings.get(name, 0.0) + cpu - clock[1]
        clock[0], clock[1] = now, cpu

    acc = np.asarray(acc, dtype=_I64)
    tgt = np.asarray(tgt, dtype=_I64)
    t = np.asarray(t, dtype=_I64)
    windows = [int(w) for w in windows]
    if sorted(set(windows)) != windows or not windows:
        raise ValueError("windows must be distinct and ascending")
    n_win = len(windows)
    n_in = len(acc)
    if n_targets is None:
        n_targets = int(tgt.max()) + 1 if n_in else 0

    # Distinct (target, account) incidences: accounts per target, targets per account.
    n_actions_t = np.bincount(tgt, minlength=n_targets).astype(_I64)
    if n_targets * max(n_accounts, 1) < 2**62:
        inc = np.sort(tgt * _I64(n_accounts) + acc)
        if len(inc):
            inc = inc[np.concatenate([[True], inc[1:] != inc[:-1]])]
        inc_t, inc_a = np.divmod(inc, _I64(n_accounts))
    else:  # pragma: no cover - astronomically many codes
        both = np.unique(np.stack([tgt, acc], axis=1), axis=0)
        inc_t, inc_a = both[:, 0], both[:, 1]
    n_acc_t = np.bincount(inc_t, minlength=n_targets).astype(_I64)
    has_rep = n_actions_t > n_acc_t

    # Target filters: too few accounts (they cannot make a pair at min_accounts=2), too many
    # (listed in the notes).
    too_few = n_acc_t < min_accounts
    too_many = (n_acc_t > max_accounts) if max_accounts is not None else np.zeros(n_targets, bool)
    usable = (n_actions_t > 0) & ~too_few & ~too_many
    tick("incidences")

    order, tgt_s, t_s = _sort_by_target_time(tgt, t)
    # Working arrays in int32 when codes and times fit: half the memory and its traffic, and
    # compact pair-target rows (targets, gaps, times).
    if n_targets < 2**31:
        tgt_s = tgt_s.astype(np.int32)
    if len(t) and int(t.min()) >= 0 and int(t.max()) < 2**31:
        t_s = t_s.astype(np.int32)
    keep = usable[tgt_s]
    if keep.all():
        pos = order  # input positions of usable actions, sorted by (target, time)
    else:
        pos, tgt_s, t_s = order[keep], tgt_s[keep], t_s[keep]
    del order, keep
    acc_s = acc[pos]
    if n_accounts < 2**31:
        acc_s = acc_s.astype(np.int32)
    starts = _run_starts(tgt_s)
    tcodes = tgt_s[starts] if len(starts) else np.zeros(0, _I64)
    n_used_t = np.diff(np.concatenate([starts, [len(tgt_s)]])) if len(starts) else np.zeros(0, _I64)
    tick("sort")

    # Candidate pairs of every target at every window: the sum over its actions i of
    # end[i] - i - 1.
    tpairs = np.zeros((n_win, len(starts)), _I64)
    run_stop = starts + n_used_t
    idx_sum = (run_stop * (run_stop + 1) - starts * (starts + 1)) // 2  # sum of i + 1 per run
    end_top = None
    for k, w in enumerate(windows):
        end = candidate_ends(tgt_s, t_s, w)
        if len(starts):
            tpairs[k] = np.add.reduceat(end, starts) - idx_sum
        end_top = end
    del end, run_stop, idx_sum
    # fits[k, r]: target run r is under the cap at window k (monotone: fits at k => fits below).
    cap = max_pairs_per_target
    fits = tpairs <= cap if cap is not None else np.ones_like(tpairs, dtype=bool)
    level = fits.sum(axis=0) - 1  # largest window index where the run fits; -1: none
    all_pairs = n_used_t.astype(np.float64) * (n_used_t - 1) / 2.0

    notes: dict[str, list] = {k: [] for k in ("target", "window", "actions", "accounts",
                                              "candidate_pairs", "reason", "action",
                                              "kept_actions", "kept_pairs")}

    def note(codes, win, cand, reason, action, kept_a, kept_p):
        m = len(codes)
        notes["target"].append(np.asarray(codes, _I64))
        notes["window"].append(np.full(m, -1 if win is None else win, _I64))
        notes["actions"].append(n_actions_t[codes])
        notes["accounts"].append(n_acc_t[codes])
        notes["candidate_pairs"].append(np.asarray(cand, _I64))
        notes["reason"].append(np.full(m, reason, object))
        notes["action"].append(np.full(m, action, object))
        notes["kept_actions"].append(np.asarray(kept_a, _I64))
        notes["kept_pairs"].append(np.asarray(kept_p, _I64))

    mt = np.flatnonzero(too_many & (n_actions_t > 0))
    if len(mt):
        note(mt, None, np.full(len(mt), -1), "max_accounts", "skipped", np.zeros(len(mt)),
             np.zeros(len(mt)))

    # Share of each target's action pairs within each window (null model); targets not used at
    # a window keep 0.
    share = [np.zeros(n_targets) for _ in windows]
    for k in range(n_win):
        ok = level >= k
        share[k][tcodes[ok]] = np.divide(tpairs[k][ok], all_pairs[ok], out=np.zeros(int(ok.sum())),
                                          where=all_pairs[ok] > 0)
    tick("windows_and_caps")

    parts: list[list[PairTargetRows]] = [[] for _ in windows]
    stats = {
        # Candidate action pairs (same-account ones included) on the targets analyzed whole at
        # each window, and on all usable targets before any cap.
        "candidate_pairs": [int(tpairs[k][level >= k].sum()) for k in range(n_win)],
        "candidate_pairs_before_caps": [int(tpairs[k].sum()) for k in range(n_win)],
        "candidate_pairs_after_pruning": [0] * n_win,
    }
    used_runs = level >= 0

    # Pair generation is planned first (which actions, at which windows), then run.
    jobs: list[tuple] = []

    def plan(sel_pos: np.ndarray, ks: list[int]) -> None:
        """Plan the rows of the sorted actions ``sel_pos`` (whole targets) at windows ``ks``."""
        if viable is not None:
            sel_pos = sel_pos[viable[sel_pos]]
        a_, g_, t_ = acc_s[sel_pos], tgt_s[sel_pos], t_s[sel_pos]
        end = candidate_ends(g_, t_, windows[ks[-1]])
        cnt = end - np.arange(len(end), dtype=_I64) - 1
        del end
        total = int(cnt.sum())
        st = _run_starts(g_)
        tp = np.add.reduceat(cnt, st) if len(st) else np.zeros(0, _I64)
        for k in ks:
            stats["candidate_pairs_after_pruning"][k] += total
        jobs.append((a_, g_, t_, cnt, st, tp, ks, total))

    run_of = np.repeat(np.arange(len(starts)), n_used_t) if len(starts) else np.zeros(0, _I64)
    # Actions that can be in a reported pair at some window (computed once over every usable
    # action at the largest window, so that accounts' counts span all targets).
    viable = None
    if prune:
        keep = _prune(acc_s, tgt_s, t_s, windows[-1], min_support, n_accounts, end=end_top)
        if len(keep) < len(acc_s):
            viable = np.zeros(len(acc_s), bool)
            viable[keep] = True
        stats["actions_paired"] = int(len(keep))
        del keep
    del end_top
    tick("prune")
    for lev in range(n_win):
        runs = level == lev
        if runs.any():
            plan(np.flatnonzero(runs[run_of]), list(range(lev + 1)))

    # Windows at which a target is over the cap: skipped or thinned, and noted.
    kept_extra = []
    for k in range(n_win):
        over = np.flatnonzero(level < k)
        if len(over) == 0:
            continue
        oc = tcodes[over]
        if viral == "skip":
            note(oc, windows[k], tpairs[k][over], "max_pairs_per_target", "skipped",
                 np.zeros(len(over)), np.zeros(len(over)))
            continue
        if uniform is None:
            raise ValueError("viral='sample' needs a `uniform` function")
        in_over = np.isin(run_of, over)
        sidx = np.flatnonzero(in_over)
        u = np.asarray(uniform(pos[sidx]), dtype=np.float64)
        local = np.searchsorted(over, run_of[sidx])
        q = np.sqrt(cap / tpairs[k][over].astype(np.float64))
        for _ in range(64):
            kk = u < q[local]
            e2 = candidate_ends(tgt_s[sidx][kk], t_s[sidx][kk], windows[k])
            c2 = e2 - np.arange(len(e2), dtype=_I64) - 1
            p2 = np.bincount(local[kk], weights=c2, minlength=len(over)).astype(_I64)
            bad = p2 > cap
            if not bad.any():
                break
            q[bad] *= 0.97 * np.sqrt(cap / p2[bad])
        kept_a = np.bincount(local[kk], minlength=len(over)).astype(np.float64)
        note(oc, windows[k], tpairs[k][over], "max_pairs_per_target", "sampled", kept_a, p2)
        share[k][oc] = np.divide(p2, kept_a * (kept_a - 1) / 2.0, out=np.zeros(len(over)),
                                 where=kept_a > 1)
        plan(sidx[kk], [k])
        kept_extra.append(pos[sidx[kk]])
    tick("windows_and_caps")

    # Support screen: with min_support > 1 and more candidate pairs than one chunk, a first
    # pass makes only the pair keys (one per pair and target at each job's largest window),
    # and counts them; the second pass keeps the rows of the pairs on min_support targets or
    # more. Most pairs meet on one target only, so most rows are never stored.
    total = sum(job[-1] for job in jobs)
    screen = None
    stats["screen_rows"] = 0
    stats["screen_pairs"] = 0
    if total > 100_000_000:
        logger.warning(
            "%d candidate action pairs at a window of %d time units: the pair-target rows may "
            "take up to about %.1f GiB; a smaller window or max_pairs_per_target bounds it",
            total, windows[-1], total * (8 if min_support > 1 else 40) / 2**30)
    if min_support > 1 and total > chunk_pairs:
        buf = np.empty(total, _I64)
        fill = 0
        for a_, g_, _t, cnt, st, tp, _ks, _n in jobs:
            for a, b in _chunks(tp, st, len(g_), chunk_pairs):
                keys = _chunk_keys(a_, g_, cnt, a, b, n_accounts, has_rep)
                buf[fill:fill + len(keys)] = keys
                fill += len(keys)
                del keys
        good = _keys_with_support(buf[:fill], min_support)
        del buf
        screen = _KeySet(good, n_accounts)
        stats["screen_rows"] = fill
        stats["screen_pairs"] = int(len(good))
        del good
        tick("screen")
    for a_, g_, t_, cnt, st, tp, ks, _n in jobs:
        ws = [windows[k] for k in ks]
        for a, b in _chunks(tp, st, len(g_), chunk_pairs):
            for k, rows in zip(ks, _rows_for_chunk(a_, g_, t_, cnt, a, b, ws, n_accounts, has_rep,
                                                   keep=screen), strict=True):
                if len(rows):
                    parts[k].append(rows)
    jobs.clear()
    del screen
    tick("pairs")
    rows = parts

    # Null-model activity: every distinct (account, target) incidence counts as activity;
    # targets not analyzed at a window have a within-window share of 0.
    io = n_acc_t[inc_t] - 1

    kept = np.zeros(n_in, bool)
    kept[pos[used_runs[run_of]] if len(run_of) else np.zeros(0, _I64)] = True
    for e in kept_extra:
        kept[e] = True
    notes_out = {k: (np.concatenate(v) if v else np.zeros(0, object if k in ("reason", "action") else _I64))
                 for k, v in notes.items()}
    stats.update({
        "actions": n_in,
        "targets": int((n_actions_t > 0).sum()),
        "targets_below_min_accounts": int((too_few & (n_actions_t > 0)).sum()),
        "targets_over_max_accounts": int(len(mt)),
        "targets_over_pair_cap": [int((level < k).sum()) for k in range(n_win)],
        "actions_used": int(kept.sum()),
        "pair_target_rows": [sum(len(c) for c in r) for r in rows],
    })
    tick("null_stats")
    stats["seconds"] = timings
    stats["cpu_seconds"] = cpu_timings
    return PartitionResult(rows=rows, target_accounts=n_acc_t, incidence_account=inc_a,
                           incidence_target=inc_t, incidence_others=io, pair_share=share,
                           kept=kept, notes=notes_out, stats=stats)


# ---------------------------------------------------------------------------------------------
# Pairs: reduce, test
# ---------------------------------------------------------------------------------------------


def _empty_table(strata: Sequence[int] = ()) -> PairTable:
    z = np.zeros(0, _I64)
    return PairTable(z, z, z, z, np.zeros(0), z, z, np.zeros(0), z, z, z,
                     np.zeros((0, len(strata)), _I64))


def _key_order(keys: np.ndarray, n_accounts: int) -> tuple[np.ndarray, np.ndarray]:
    """A stable argsort of pair keys, and the keys in that order (re-coded densely when needed:
    same grouping): by a plain sort of ``key << b | index`` when it fits in 63 bits (several
    times faster than an argsort), if need be after re-coding the accounts present densely.
    `keys` may be consumed."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, _I64), np.zeros(0, _I64)
    idx_bits = int(n - 1).bit_length()
    if int(keys.max()).bit_length() + idx_bits <= 63:  # the keys as they are fit beside the index
        return _packed_sort(keys, idx_bits)
    lo, hi = np.divmod(keys, _I64(n_accounts))
    present = np.zeros(n_accounts, bool)
    present[lo] = True
    present[hi] = True
    rank = np.cumsum(present, dtype=_I64) - 1
    n2 = int(rank[-1]) + 1
    dense = rank[lo] * _I64(n2) + rank[hi]
    del lo, hi
    idx_bits = int(n - 1).bit_length()
    key_bits = int(max(n2 * n2 - 1, 1)).bit_length()
    if key_bits + idx_bits > 63:
        order = np.argsort(dense, kind="stable")
        return order, dense[order]
    return _packed_sort(dense, idx_bits)


def _gather(parts: Sequence[PairTargetRows], idx: np.ndarray) -> PairTargetRows:
    """Rows at global positions `idx` of the concatenation of `parts`, without concatenating."""
    if len(parts) == 1:
        return parts[0].take(idx)
    sizes = np.array([len(p) for p in parts], _I64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    cid = np.searchsorted(offsets, idx, side="right") - 1
    out = {f: np.empty(len(idx), np.result_type(*(getattr(p, f) for p in parts)))
           for f in PairTargetRows._FIELDS}
    by_chunk = np.argsort(cid, kind="stable")
    bounds = np.searchsorted(cid[by_chunk], np.arange(len(parts) + 1))
    for c, part in enumerate(parts):
        at = by_chunk[bounds[c]:bounds[c + 1]]
        if len(at) == 0:
            continue
        local = idx[at] - offsets[c]
        for f in PairTargetRows._FIELDS:
            out[f][at] = getattr(part, f)[local]
    return PairTargetRows(**out)


def reduce_pairs(rows: PairTargetRows | Sequence[PairTargetRows], target_weight: np.ndarray, *,
                 n_accounts: int, min_support: int = 1, target_accounts: np.ndarray | None = None,
                 strata: Sequence[int] = ()) -> PairTable:
    """One row per account pair from its pair-target rows (any order, any number of sources).

    ``support`` counts distinct targets, ``co_actions`` sums action pairs, ``weight`` sums the
    targets' popularity weights (in target-code order, so the float sum does not depend on how
    rows were partitioned), ``median_gap`` is the median over the shared targets of each
    target's smallest gap, and ``a_leads``/``b_leads``/``ties`` count shared targets by who acted
    first. Pairs with fewer than `min_support` targets are dropped. With `target_accounts`
    (accounts per target code) and `strata`, ``niche_support[:, j]`` counts the shared targets
    with at most ``strata[j]`` accounts (for :func:`pair_pvalues`). Rows must be one per (pair,
    target): a target's rows all come from one partition. `rows` may be a list of chunks (from
    several partitions): they are not concatenated, only the selected rows are gathered.

    Examples
    --------
    >>> rows = PairTargetRows(np.array([1, 1, 2]), np.array([0, 1, 0]), np.array([1, 2, 1]),
    ...     np.array([5, 9, 15]), np.array([0, 0, 5]), np.array([5, 9, 20]),
    ...     np.array([1, -1, 1], dtype=np.int8))
    >>> p = reduce_pairs(rows, np.array([1.0, 0.5]), n_accounts=3, min_support=2)
    >>> p.lo.tolist(), p.hi.tolist(), p.support.tolist(), p.co_actions.tolist(), p.median_gap.tolist()
    ([0], [1], [2], [3], [7.0])
    """
    parts = [rows] if isinstance(rows, PairTargetRows) else [r for r in rows if len(r)]
    strata = tuple(int(c) for c in strata) if target_accounts is not None else ()
    if not parts:
        return _empty_table(strata)
    keys = parts[0].key.copy() if len(parts) == 1 else np.concatenate([p.key for p in parts])
    order, ks = _key_order(keys, n_accounts)
    del keys
    st = _run_starts(ks)
    del ks
    support = np.diff(np.concatenate([st, [len(order)]]))
    if min_support > 1:
        good = support >= min_support
        if not good.all():
            order = order[np.repeat(good, support)]
            support = support[good]
    if len(support) == 0:
        return _empty_table(strata)
    sel = _gather(parts, order)
    del order
    st = np.concatenate([[0], np.cumsum(support)[:-1]]).astype(_I64)
    # Canonical order within each pair (by target code), so that float sums do not depend on
    # how rows arrived.
    same = np.ones(len(sel), bool)
    same[st] = False
    if (same[1:] & (sel.target[1:] < sel.target[:-1])).any():
        sel = sel.take(np.lexsort((sel.target, sel.key)))
    keys = sel.key[st]
    lo, hi = np.divmod(keys, _I64(n_accounts))
    lead = sel.lead
    # Median of per-target smallest gaps (support 1 and 2 need no sort).
    g = sel.min_gap
    median = (g[st + (support - 1) // 2].astype(np.float64) + g[st + support // 2]) / 2.0
    big = support >= 3
    if big.any():
        rows_big = np.flatnonzero(np.repeat(big, support))
        gid = np.repeat(np.flatnonzero(big), support[big])
        gs = g[rows_big][np.lexsort((g[rows_big], gid))]
        sb = support[big]
        st_b = np.concatenate([[0], np.cumsum(sb)[:-1]])
        median[big] = (gs[st_b + (sb - 1) // 2].astype(np.float64) + gs[st_b + sb // 2]) / 2.0
    support = support.astype(_I64)
    a_leads = np.add.reduceat(lead == 1, st, dtype=_I64)
    ties = np.add.reduceat(lead == 0, st, dtype=_I64)
    niche = np.zeros((len(support), len(strata)), _I64)
    if strata:
        n_t = np.asarray(target_accounts)[sel.target]
        for j, cap in enumerate(strata):
            niche[:, j] = np.add.reduceat(n_t <= cap, st, dtype=_I64)
    return PairTable(
        lo=lo, hi=hi, support=support,
        co_actions=np.add.reduceat(sel.co_actions, st, dtype=_I64),
        weight=np.add.reduceat(target_weight[sel.target], st),
        first=np.minimum.reduceat(sel.first, st).astype(_I64, copy=False),
        last=np.maximum.reduceat(sel.last, st).astype(_I64, copy=False),
        median_gap=median,
        a_leads=a_leads,
        b_leads=support - a_leads - ties,  # lead is -1, 0 or +1
        ties=ties,
        niche_support=niche,
    )


@dataclass
class NullModel:
    """Chance co-action under a bipartite configuration model with the targets' own timing.

    Given account ``a`` acts on target ``t`` (with ``o_t = n_t - 1`` other accounts), account
    ``b``, active on ``k_b`` distinct targets, is on ``t`` too with probability about
    ``min(1, k_b o_t / M)`` (``M``: account-target incidences), and, acting at a time drawn
    like the target's other actions, lands within the window with probability ``pi_t``, the
    share of ``t``'s action pairs that lie within the window. The expected number of targets
    shared within the window is ``lambda_{a->b} = sum over a's targets of min(1, k_b o_t / M)
    pi_t``; the model takes ``lambda_ab = max(lambda_{a->b}, lambda_{b->a})`` (the less
    surprising direction) and :func:`poisson_null` gives ``p = P(X >= support)``,
    ``X ~ Poisson(lambda_ab)``.

    Build it from every partition's incidences (concatenated), with ``share`` the window's
    ``pi_t`` of each incidence's target.

    Examples
    --------
    >>> nm = NullModel.from_incidences(np.array([0, 0, 1, 1, 2]), np.array([1, 2, 1, 0, 1]),
    ...                                np.ones(5), n_accounts=3)
    >>> nm.k.tolist(), nm.m
    ([2, 2, 1], 5)
    >>> [round(x, 3) for x in nm.expected(np.array([0]), np.array([1])).tolist()]
    [1.2]
    """

    k: np.ndarray
    m: int
    keys: np.ndarray
    prefix_weighted: np.ndarray
    prefix_share: np.ndarray
    offsets: np.ndarray
    vmax: int

    @classmethod
    def from_incidences(cls, account: np.ndarray, others: np.ndarray, share: np.ndarray, *,
                        n_accounts: int) -> NullModel:
        return cls.for_windows(account, others, [share], n_accounts=n_accounts)[0]

    @classmethod
    def for_windows(cls, account: np.ndarray, others: np.ndarray, shares: Sequence[np.ndarray], *,
                    n_accounts: int) -> list[NullModel]:
        """One model per window from the same incidences (each window's ``pi_t`` of each
        incidence in `shares`): the incidences are ordered once.

        Examples
        --------
        >>> a, o = np.array([0, 0, 1, 1, 2]), np.array([1, 2, 1, 0, 1])
        >>> [m.m for m in NullModel.for_windows(a, o, [np.ones(5), np.zeros(5)], n_accounts=3)]
        [5, 5]
        """
        account = np.asarray(account, _I64)
        others = np.asarray(others, _I64)
        k = np.bincount(account, minlength=n_accounts).astype(_I64)
        vmax = int(others.max()) if len(others) else 0
        keys = account * _I64(vmax + 2) + others
        n = len(keys)
        idx_bits = int(max(n - 1, 0)).bit_length()
        key_bits = int(keys.max()).bit_length() if n else 0
        if key_bits + idx_bits <= 63:
            order, keys = _packed_sort(keys, idx_bits)
        else:
            order = np.argsort(keys, kind="stable")
            keys = keys[order]
        weighted_others = others[order].astype(np.float64)
        offsets = np.concatenate([[0], np.cumsum(k)]).astype(_I64)
        zero = np.zeros(1)
        out = []
        for share in shares:
            sh = np.asarray(share, np.float64)[order]
            out.append(cls(k=k, m=int(len(account)), keys=keys,
                           prefix_weighted=np.concatenate([zero, np.cumsum(weighted_others * sh)]),
                           prefix_share=np.concatenate([zero, np.cumsum(sh)]), offsets=offsets,
                           vmax=vmax))
        return out

    def _directed(self, a: np.ndarray, b: np.ndarray, max_others: int | None = None) -> np.ndarray:
        """``sum over a's targets of min(1, k_b * o_t / M) * pi_t`` (targets with ``o_t <=
        max_others`` only, when given)."""
        if len(a) > 1024 and not bool((a[1:] >= a[:-1]).all()):
            # Searches grouped by account are several times faster (each stays in one place
            # of the keys); the result is element-wise, so the order changes nothing else.
            order, a_sorted = _packed_sort(a.copy(), int(len(a) - 1).bit_length()) \
                if int(a.max()).bit_length() + int(len(a) - 1).bit_length() <= 63 else (None, None)
            if order is not None:
                out = np.empty(len(a))
                out[order] = self._directed(a_sorted, b[order], max_others)
                return out
        m = float(max(self.m, 1))
        kb = self.k[b].astype(np.float64)
        # o_t >= M / k_b saturate at probability 1.
        thr = np.minimum(np.ceil(m / np.maximum(kb, 1.0)), self.vmax + 1).astype(_I64)
        cut = np.searchsorted(self.keys, a * _I64(self.vmax + 2) + thr, side="left")
        start = self.offsets[a]
        if max_others is None or max_others >= self.vmax:
            stop = self.offsets[a + 1]
        else:  # keys run by (account, o_t): a's targets with o_t <= max_others come first
            stop = np.searchsorted(self.keys, a * _I64(self.vmax + 2) + _I64(max(max_others, -1) + 1),
                                   side="left")
            cut = np.minimum(cut, stop)
        small = self.prefix_weighted[cut] - self.prefix_weighted[start]
        saturated = self.prefix_share[stop] - self.prefix_share[cut]
        return kb / m * small + saturated

    def expected(self, lo: np.ndarray, hi: np.ndarray, max_others: int | None = None) -> np.ndarray:
        """Expected shared targets of each pair, ``max`` of the two directions; with
        `max_others`, only targets with at most that many other accounts count."""
        lo = np.asarray(lo, _I64)
        hi = np.asarray(hi, _I64)
        if len(lo) == 0:
            return np.zeros(0)
        return np.maximum(self._directed(lo, hi, max_others), self._directed(hi, lo, max_others))


def poisson_null(lo: np.ndarray, hi: np.ndarray, support: np.ndarray,
                 null: NullModel) -> tuple[np.ndarray, np.ndarray]:
    """Expected shared targets (:meth:`NullModel.expected`) and ``P(Poisson(expected) >=
    support)`` (the regularized lower incomplete gamma function ``P(support, expected)``).

    Examples
    --------
    >>> nm = NullModel.from_incidences(np.array([0, 0, 1, 1, 2]), np.array([1, 2, 1, 0, 1]),
    ...                                np.ones(5), n_accounts=3)
    >>> lam, p = poisson_null(np.array([0]), np.array([1]), np.array([2]), nm)
    >>> round(float(lam[0]), 3), round(float(p[0]), 4)
    (1.2, 0.3374)
    """
    from scipy.special import gammainc

    lam = null.expected(lo, hi)
    k = np.asarray(support, np.float64)
    p = np.ones(len(k))
    pos = k > 0
    p[pos] = np.where(lam[pos] > 0, gammainc(k[pos], np.maximum(lam[pos], 1e-300)), 0.0)
    return lam, np.clip(p, 0.0, 1.0)


#: Popularity strata of the niche test (:func:`pair_pvalues`): shared targets with at most this
#: many accounts.
NICHE_STRATA = (8, 32, 128, 512)


@dataclass
class NicheTest:
    """The niche test of each pair (see :func:`pair_pvalues`).

    Attributes
    ----------
    p : float64 array
        ``min(1, S * min_j P(Poisson(lambda_j) >= s_j))`` over the ``S`` strata, counting only
        strata where the pair shares at least two targets; 1 where it shares none.
    support : int64 array
        Shared targets in the best stratum (0 where none).
    accounts : int64 array
        The best stratum's bound: its targets have at most this many accounts (0 where none).
    """

    p: np.ndarray
    support: np.ndarray
    accounts: np.ndarray

    def take(self, idx) -> NicheTest:
        return NicheTest(p=self.p[idx], support=self.support[idx], accounts=self.accounts[idx])

    @classmethod
    def concat(cls, parts: Sequence[NicheTest]) -> NicheTest:
        return cls(*(np.concatenate([getattr(t, f) for t in parts]) for f in ("p", "support", "accounts")))


def pair_pvalues(pt: PairTable, null: NullModel,
               strata: Sequence[int] = NICHE_STRATA) -> tuple[np.ndarray, np.ndarray, NicheTest]:
    """The count test of every pair (:func:`poisson_null`) and its niche test.

    Why a niche test: accounts busy on viral targets meet on a few of them by chance, so the
    expected count of a pair is dominated by viral targets, and a handful of shared *obscure*
    targets (a campaign's own posts, reposted by its members only) hardly moves the count test.
    The niche test repeats it on the targets with at most ``strata[j]`` accounts: the observed
    count ``niche_support[:, j]`` (from :func:`reduce_pairs`) against the same null model's
    expectation on those targets only (:meth:`NullModel.expected` with ``max_others``). The best
    stratum is chosen after looking, so its p-value is multiplied by the number of strata
    (Bonferroni). Strata where the pair shares fewer than two targets are not tested: one shared
    target is not a repeated tie.

    Examples
    --------
    >>> nm = NullModel.from_incidences(np.array([0, 0, 1, 1, 2]), np.array([1, 2, 1, 0, 1]),
    ...                                np.ones(5), n_accounts=3)
    >>> pt = reduce_pairs(PairTargetRows(np.array([1, 1]), np.array([0, 1]), np.array([1, 1]),
    ...     np.array([5, 9]), np.array([0, 0]), np.array([5, 9]), np.array([1, 1], dtype=np.int8)),
    ...     np.ones(2), n_accounts=3, target_accounts=np.array([2, 3]), strata=(2, 8))
    >>> lam, p, niche = pair_pvalues(pt, nm, strata=(2, 8))
    >>> pt.niche_support.tolist(), niche.support.tolist(), niche.accounts.tolist()
    ([[1, 2]], [2], [8])
    """
    lam, p = poisson_null(pt.lo, pt.hi, pt.support, null)
    n = len(pt)
    best = np.ones(n)
    support = np.zeros(n, _I64)
    accounts = np.zeros(n, _I64)
    ns = pt.niche_support
    if n and ns.ndim == 2 and ns.shape[1] == len(strata) and len(strata):
        from scipy.special import gammainc

        for j, cap in enumerate(strata):
            s = ns[:, j]
            at = np.flatnonzero(s >= 2)
            if len(at) == 0:
                continue
            lam_j = null.expected(pt.lo[at], pt.hi[at], max_others=int(cap) - 1)
            p_j = np.where(lam_j > 0, gammainc(s[at].astype(np.float64), np.maximum(lam_j, 1e-300)), 0.0)
            better = p_j < best[at]
            take = at[better]
            best[take] = p_j[better]
            support[take] = s[take]
            accounts[take] = int(cap)
        best = np.where(support > 0, np.minimum(1.0, best * len(strata)), 1.0)
    return lam, p, NicheTest(p=best, support=support, accounts=accounts)


def pair_family_size(n_accounts_active: int) -> int:
    """Number of account pairs among `n_accounts_active` accounts."""
    n = int(n_accounts_active)
    return n * (n - 1) // 2 if n > 1 else 1


def bonferroni(p: np.ndarray, m: int) -> np.ndarray:
    """Bonferroni-adjusted p-values (``min(1, p * m)``)."""
    return np.minimum(np.asarray(p, np.float64) * max(int(m), len(p), 1), 1.0)

