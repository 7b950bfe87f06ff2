"""Timing signals: synchronized activity, fast reposts and the daily rhythm of each account.

- :class:`SynchronizedActivity` (``"synchrony"``, edges): account pairs whose binned activity
  series coincide far more than chance allows. Sparse throughout (account x bin matrix, sparse
  products in row blocks), judged against an exact null model that keeps each account's activity
  in every hour and only moves it within the hour, with a Bonferroni correction over all pairs.
- :class:`FastReposts` (``"fast_repost"``, features): per account, the share of its reposts made
  within seconds of the original post, and the median delay. :func:`fast_repost_summary` does the
  same for a group of accounts against the rest.
- :class:`Rhythm` (``"rhythm"``, features): hour-of-day and weekday profiles, inter-post interval
  statistics, burstiness, hour entropy, the share of activity inside the working hours of a given
  timezone, and the UTC offset that best explains the account's day (:func:`best_utc_offset`).

See ``docs/signals/timing.md`` for what each catches, what fools it, and the literature.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..dataset import Dataset
from ..errors import ParameterError, SchemaError
from ..normalize import parse_timestamps
from ..schema import KINDS, STRING_DTYPE, TIMESTAMP_DTYPE
from .base import Signal, check_number, order_pairs, parse_window

logger = logging.getLogger(__name__)

__all__ = [
    "REFERENCE_DAYS",
    "Activity",
    "FastReposts",
    "Rhythm",
    "SynchronizedActivity",
    "UTC_OFFSETS",
    "activity_matrix",
    "best_utc_offset",
    "burstiness",
    "fast_repost_summary",
    "repost_delays",
]

_NS_PER_S = 1_000_000_000
_NS_PER_H = 3600 * _NS_PER_S
_NS_PER_D = 24 * _NS_PER_H
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: Reference activity curves over the 24 *local* hours (0 = 00:00-00:59), relative weights.
#:
#: ``"human"``: a hand-set curve with the shape published for Twitter and Wikipedia activity by
#: local time (Golder & Macy 2011; ten Thij, Kampstra & Bhulai 2014; Yasseri, Sumi & Kertesz 2012;
#: Leypunskiy et al. 2018): a night trough around 03:00-05:00 at about a fifth of the daytime
#: level, a rise from 06:00, a plateau through the day and an evening maximum around 21:00. It is
#: not fitted to any data set; the offset estimate depends mostly on where the night trough falls.
#: ``"office"``: an office worker's day, 09:00-18:00 with a dip at 12:00-13:00, little in the
#: evening and almost nothing at night (the pattern of paid operators, Keller et al. 2020).
REFERENCE_DAYS: dict[str, tuple[float, ...]] = {
    "human": (4.0, 2.6, 1.7, 1.2, 1.0, 1.1, 1.6, 2.6, 3.6, 4.2, 4.5, 4.6,
              4.7, 4.6, 4.5, 4.5, 4.6, 4.8, 5.0, 5.3, 5.6, 5.7, 5.4, 4.8),
    "office": (0.3, 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 1.0, 3.0, 10.0, 10.0, 10.0,
               4.0, 10.0, 10.0, 10.0, 10.0, 10.0, 3.0, 1.5, 1.2, 1.0, 0.8, 0.5),
}

#: Candidate UTC offsets of :func:`best_utc_offset`, in hours. An hour profile cannot tell
#: offsets 24 h apart (UTC-12 from UTC+12, UTC-10 from UTC+14): the populated side is kept.
UTC_OFFSETS = np.arange(-11, 13)


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------

def _ns(ts: pd.Series) -> np.ndarray:
    """Nanoseconds since the Unix epoch, explicitly in ns (pandas 3 infers resolutions)."""
    return np.asarray(ts.dt.as_unit("ns").array.asi8, dtype=np.int64)


def _check_kinds(kinds, *, owner: str) -> tuple[str, ...] | None:
    if kinds is None:
        return None
    values = (kinds,) if isinstance(kinds, str) else kinds
    try:
        values = tuple(values)
    except TypeError:
        values = None
    if not values or any(k not in KINDS for k in values):
        raise ParameterError(
            f"The 'kinds' parameter of {owner} must be None or a non-empty selection of "
            f"{list(KINDS)}, e.g. ('post', 'repost'). Got {kinds!r} instead.", name="kinds", value=kinds,
        )
    return values


def _select_kinds(posts: pd.DataFrame, kinds: tuple[str, ...] | None) -> pd.DataFrame:
    return posts if kinds is None else posts.loc[posts["kind"].isin(kinds).to_numpy()]


def _account_codes(accounts: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of accounts in string order (so that code order is ``account_id`` order)."""
    codes, uniques = pd.factorize(accounts, sort=True)
    return codes.astype(np.int64), pd.Index(uniques, dtype=STRING_DTYPE, name="account_id")


def _unique(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (by sorting: numpy's hash-based path is slow)."""
    s = np.sort(keys)
    return s[np.concatenate([[True], s[1:] != s[:-1]])] if len(s) else s


def _group_median(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Median of `values` per integer group (NaN for empty groups), by two stable sorts."""
    out = np.full(n_groups, np.nan)
    if len(values) == 0:
        return out
    order = np.argsort(values, kind="stable")
    order = order[np.argsort(groups[order], kind="stable")]
    v, g = values[order], groups[order]
    counts = np.bincount(g, minlength=n_groups)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    lo = start[has] + (counts[has] - 1) // 2
    hi = start[has] + counts[has] // 2
    out[has] = (v[lo] + v[hi]) / 2.0
    return out


# ---------------------------------------------------------------------------------------------
# Activity matrix
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Activity:
    """Binned activity of accounts: which account was active in which time bin.

    Attributes
    ----------
    accounts : Index
        Account ids, in string order (row order of `matrix`).
    matrix : scipy.sparse.csr_matrix
        ``len(accounts) x len(bins)``, number of posts of each account in each bin.
    bins : DatetimeIndex
        Start of each bin (UTC), column order of `matrix`.
    posts : ndarray
        Posts per account (the row sums of `matrix`).
    """

    accounts: pd.Index
    matrix: sp.csr_matrix
    bins: pd.DatetimeIndex
    posts: np.ndarray


def _bin_activity(ns: np.ndarray, codes: np.ndarray, n: int, bin_ns: int, align: int):
    """Distinct (account, bin) cells: rows, columns (bin offsets from `base`), counts, base, T.

    Bins are aligned to the Unix epoch; `base` is a multiple of `align` bins so that blocks of
    `align` bins stay epoch-aligned (hours stay hours).
    """
    b = np.floor_divide(ns, bin_ns)
    base = (int(b.min()) // align) * align
    t = b - base
    n_bins = (int(t.max()) // align + 1) * align
    key = codes * n_bins + t
    uniq, counts = np.unique(key, return_counts=True)
    rows, cols = np.divmod(uniq, n_bins)
    return rows, cols, counts, base, n_bins


def activity_matrix(dataset: Dataset, bin_size="5min", *, min_posts: int = 1,
                    kinds: Sequence[str] | None = None) -> Activity:
    """Posts per account and time bin, as a sparse account x bin matrix.

    Parameters
    ----------
    dataset : Dataset
        The collection.
    bin_size : str or pandas.Timedelta, default="5min"
        Width of a bin; bins are aligned to the Unix epoch (a 5-minute bin starts at :00, :05...).
    min_posts : int, default=1
        Accounts with fewer posts (of the selected kinds) are left out.
    kinds : sequence of str, optional
        Post kinds to count (e.g. ``("post", "repost")``); all by default.

    Returns
    -------
    Activity
        Accounts, the CSR count matrix, bin starts and posts per account.

    Examples
    --------
    >>> import pandas as pd
    >>> ds = Dataset(pd.DataFrame({"post_id": ["1", "2", "3"], "account_id": ["b", "a", "a"],
    ...     "timestamp": ["2020-01-01 00:01", "2020-01-01 00:02", "2020-01-01 00:11"]}))
    >>> act = activity_matrix(ds, "5min")
    >>> list(act.accounts), act.matrix.toarray().tolist()
    (['a', 'b'], [[1, 0, 1], [1, 0, 0]])
    >>> act.bins[0]
    Timestamp('2020-01-01 00:00:00+0000', tz='UTC')
    """
    owner = "activity_matrix"
    width = parse_window(bin_size, owner=owner, name="bin_size", minimum="1ms")
    min_posts = check_number(min_posts, owner=owner, name="min_posts", low=1, integer=True)
    kinds = _check_kinds(kinds, owner=owner)
    posts = _select_kinds(dataset.posts, kinds)
    codes, accounts = _account_codes(posts["account_id"])
    n_posts = np.bincount(codes, minlength=len(accounts))
    keep_acc = n_posts >= min_posts
    keep = keep_acc[codes] if len(codes) else np.zeros(0, bool)
    recode = np.cumsum(keep_acc) - 1
    codes, accounts, n_posts = recode[codes[keep]], accounts[keep_acc], n_posts[keep_acc]
    bin_ns = int(width.value)
    if len(codes) == 0:
        return Activity(accounts, sp.csr_matrix((0, 0), dtype=np.int64),
                        pd.DatetimeIndex([], dtype=TIMESTAMP_DTYPE), n_posts)
    ns = _ns(posts["timestamp"])[keep]
    rows, cols, counts, base, _ = _bin_activity(ns, codes, len(accounts), bin_ns, 1)
    n_bins = int(cols.max()) + 1
    m = sp.csr_matrix((counts.astype(np.int64), (rows, cols)), shape=(len(accounts), n_bins))
    bins = pd.DatetimeIndex(pd.to_datetime((base + np.arange(n_bins)) * bin_ns, utc=True)).as_unit("ns")
    return Activity(accounts, m, bins, n_posts)


# ---------------------------------------------------------------------------------------------
# Synchronized activity
# ---------------------------------------------------------------------------------------------

_SYNC_COLUMNS = {
    "account_a": STRING_DTYPE, "account_b": STRING_DTYPE, "signal": STRING_DTYPE,
    "weight": "float64", "support": "int64", "expected": "float64", "z": "float64",
    "p_value": "float64", "p_adjusted": "float64", "bins_a": "int64", "bins_b": "int64",
    "first": TIMESTAMP_DTYPE, "last": TIMESTAMP_DTYPE,
}


def _pair_products(xa: sp.csr_matrix, xb: sp.csr_matrix, ia: np.ndarray, ib: np.ndarray,
                   *, budget: int = 20_000_000, extent: bool = False):
    """Row-wise dot products ``xa[ia[k]] . xb[ib[k]]`` (and, with `extent`, the number, first and
    last shared column), in chunks of at most about `budget` stored entries."""
    n = len(ia)
    dots = np.zeros(n)
    support = np.zeros(n, dtype=np.int64)
    first = np.full(n, -1, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return dots, support, first, last
    cum = np.cumsum(np.diff(xa.indptr)[ia] + np.diff(xb.indptr)[ib])
    start = 0
    while start < n:
        done = int(cum[start - 1]) if start else 0
        stop = max(int(np.searchsorted(cum, done + budget, side="right")), start + 1)
        sl = slice(start, stop)
        prod = xa[ia[sl]].multiply(xb[ib[sl]]).tocsr()
        dots[sl] = np.asarray(prod.sum(axis=1)).ravel()
        if extent:
            prod.eliminate_zeros()
            counts = np.diff(prod.indptr)
            support[sl] = counts
            has = counts > 0
            if has.any():
                starts = prod.indptr[:-1][has]
                idx = np.arange(start, stop)[has]
                first[idx] = np.minimum.reduceat(prod.indices, starts)
                last[idx] = np.maximum.reduceat(prod.indices, starts)
        start = stop
    return dots, support, first, last


class SynchronizedActivity(Signal):
    """Account pairs whose activity over time coincides far more often than chance allows.

    Each account with at least `min_posts` posts becomes a sparse vector over time bins of width
    `bin_size`: 1 where it posted in the bin, times the bin's inverse document frequency when
    `idf` is on (``1 + ln((1 + N) / (1 + n_b))`` with ``N`` compared accounts and ``n_b`` of them
    active in bin ``b``, scikit-learn's smooth idf: a breaking-news minute in which everyone posts
    weighs little), then scaled to unit length. The pair's ``weight`` is the cosine similarity of
    the two vectors and its ``support`` the number of bins in which both were active. Only pairs
    that share a bin are ever compared (sparse products over row blocks), so 100k accounts never
    make a dense 100k x 100k matrix.

    Chance is judged on the support against a null model that keeps everything about each
    account except where, inside each hour (`null_block`), its posts fall: each account's number
    of active bins in every hour of every day is kept, so are its hour-of-day and weekday
    profiles, and the active bins are placed at random inside the hour. Two accounts with the
    same routine (same timezone, same waking hours, both active during the same news hour) share
    as many bins under the null as in the data; accounts that post in the same five minutes again
    and again do not. Under that null the shared count in an hour is hypergeometric with mean
    ``a * b / B`` (``a``, ``b`` active bins of each account in the hour, ``B`` bins per hour), and
    the pair's support is a sum of independent such counts with mean ``expected``. ``p_value``
    is the Chernoff bound ``exp(-mu) (e mu / s) ** s`` on ``P(support >= s)``, valid because the
    hypergeometric's moment generating function is dominated by the Poisson's (Hoeffding 1963);
    ``p_adjusted`` multiplies it by the number of pairs compared, ``N (N - 1) / 2`` (Bonferroni),
    so that a collection of 100k accounts (5 billion pairs) does not produce chance edges.

    Parameters
    ----------
    bin_size : str or pandas.Timedelta, default="5min"
        Width of a time bin. Bins are aligned to the Unix epoch; posts a few seconds apart on
        either side of a bin edge fall in different bins.
    min_posts : int, default=10
        Accounts with fewer posts (of `kinds`) are not compared.
    threshold : float, default=0.3
        Smallest cosine similarity kept, in (0, 1].
    min_support : int, default=3
        Smallest number of bins in which both accounts are active.
    idf : bool, default=True
        Down-weight bins in which many accounts are active.
    null_block : str or pandas.Timedelta, default="1h"
        The null model keeps each account's activity per block of this length and shuffles it
        only inside the block; a whole number (at least 2) of bins.
    alpha : float, default=0.01
        Largest ``p_adjusted`` kept.
    max_bin_accounts : int, optional
        Bins with more active accounts than this are skipped when *looking for* candidate pairs
        (their weight still counts in the similarity of the pairs found). Default:
        ``max(1000, 10% of compared accounts)``. Keeps a minute in which everybody posts from
        producing billions of pairs; a pair that shares *only* such bins is not found.
    kinds : sequence of str, optional, default=("post", "repost", "quote")
        Post kinds counted as activity. Replies are left out by default: two people in a
        conversation reply to each other within minutes, which is synchrony but not coordination.
        ``None`` counts every kind.

    Returns
    -------
    DataFrame
        Edge table: ``account_a, account_b, signal, weight`` (cosine similarity), ``support``
        (bins where both are active), ``expected`` (mean support under the null), ``z``
        (``(support - expected) / sd`` under the null), ``p_value`` (per pair), ``p_adjusted``
        (Bonferroni over all compared pairs), ``bins_a, bins_b`` (active bins of each account),
        ``first, last`` (start of the first and last shared bin, UTC). Sorted by
        ``account_a, account_b``.

    Examples
    --------
    >>> import pandas as pd
    >>> times = pd.date_range("2020-01-01", periods=12, freq="37min", tz="UTC")
    >>> posts = pd.DataFrame({
    ...     "post_id": [f"{a}{i}" for a in "ab" for i in range(12)],
    ...     "account_id": ["a"] * 12 + ["b"] * 12,
    ...     "timestamp": list(times) + list(times + pd.Timedelta("20s")),
    ... })
    >>> edges = SynchronizedActivity(min_posts=5).compute(Dataset(posts))
    >>> edges[["account_a", "account_b", "signal", "weight", "support", "expected"]]
      account_a account_b     signal  weight  support  expected
    0         a         b  synchrony     1.0       12  1.833333
    >>> bool(edges.loc[0, "p_adjusted"] < 1e-5)
    True
    """

    name = "synchrony"
    kind = "edges"
    requires = ("account_id", "timestamp", "kind")

    def __init__(self, bin_size="5min", *, min_posts: int = 10, threshold: float = 0.3,
                 min_support: int = 3, idf: bool = True, null_block="1h", alpha: float = 0.01,
                 max_bin_accounts: int | None = None,
                 kinds: Sequence[str] | None = ("post", "repost", "quote")):
        self.bin_size = bin_size
        self.min_posts = min_posts
        self.threshold = threshold
        self.min_support = min_support
        self.idf = idf
        self.null_block = null_block
        self.alpha = alpha
        self.max_bin_accounts = max_bin_accounts
        self.kinds = kinds

    def _validate(self) -> None:
        owner = type(self).__name__
        self._bin = parse_window(self.bin_size, owner=owner, name="bin_size", minimum="1ms")
        self._block = parse_window(self.null_block, owner=owner, name="null_block", minimum="1ms")
        check_number(self.min_posts, owner=owner, name="min_posts", low=1, integer=True)
        check_number(self.threshold, owner=owner, name="threshold", low=1e-9, high=1)
        check_number(self.min_support, owner=owner, name="min_support", low=1, integer=True)
        check_number(self.alpha, owner=owner, name="alpha", low=0, high=1)
        check_number(self.max_bin_accounts, owner=owner, name="max_bin_accounts", low=2,
                     integer=True, allow_none=True)
        if not isinstance(self.idf, (bool, np.bool_)):
            raise ParameterError(f"The 'idf' parameter of {owner} must be True or False. Got "
                                 f"{self.idf!r} instead.", name="idf", value=self.idf)
        ratio = self._block.value / self._bin.value
        if ratio < 2 or not float(ratio).is_integer():
            raise ParameterError(
                f"The 'null_block' parameter of {owner} must be a whole number (at least 2) of "
                f"bins of {self.bin_size!r}, e.g. '1h' for 5-minute bins. Got {self.null_block!r} "
                "instead.", name="null_block", value=self.null_block)
        self._kinds = _check_kinds(self.kinds, owner=owner)

    def _empty(self) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in _SYNC_COLUMNS.items()})

    def _compute(self, dataset: Dataset) -> pd.DataFrame:
        posts = _select_kinds(dataset.posts, self._kinds)
        codes, accounts = _account_codes(posts["account_id"])
        n_posts = np.bincount(codes, minlength=len(accounts))
        eligible = n_posts >= self.min_posts
        n = int(eligible.sum())
        logger.info("synchrony: %d of %d accounts have at least %d posts", n, len(accounts),
                    self.min_posts)
        if n < 2:
            return self._empty()
        keep = eligible[codes]
        codes = (np.cumsum(eligible) - 1)[codes[keep]]
        accounts = accounts[eligible]
        ns = _ns(posts["timestamp"])[keep]
        bin_ns = int(self._bin.value)
        block = int(self._block.value // self._bin.value)
        rows, cols, _, base, n_bins = _bin_activity(ns, codes, n, bin_ns, block)

        df = np.bincount(cols, minlength=n_bins)
        weights = (1.0 + np.log((1.0 + n) / (1.0 + df))) if self.idf else np.ones(n_bins)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
        vals = weights[cols]
        norms = np.sqrt(np.bincount(rows, vals * vals, minlength=n))
        x = sp.csr_matrix((vals / norms[rows], cols, indptr), shape=(n, n_bins))
        n_active = np.diff(indptr)

        ia, ib = self._candidates(x, rows, cols, df, n)
        logger.info("synchrony: %d candidate pairs", len(ia))
        sim, support, first, last = _pair_products(x, x, ia, ib, extent=True)
        ok = (sim >= self.threshold - 1e-12) & (support >= self.min_support)
        ia, ib, sim, support, first, last = (v[ok] for v in (ia, ib, sim, support, first, last))
        expected, z, p_value = self._null(rows, cols, n, n_bins // block, block, ia, ib, support)
        n_pairs = n * (n - 1) / 2
        with np.errstate(divide="ignore"):
            p_adjusted = np.minimum(1.0, p_value * n_pairs)
        ok = p_adjusted <= self.alpha
        logger.info("synchrony: %d pairs reach similarity %s on %d+ shared bins; %d of them are "
                    "significant (Bonferroni over %.3g pairs, alpha=%s)", len(ia), self.threshold,
                    self.min_support, int(ok.sum()), n_pairs, self.alpha)
        if not ok.any():
            return self._empty()
        ia, ib, sim, support, first, last, expected, z, p_value, p_adjusted = (
            v[ok] for v in (ia, ib, sim, support, first, last, expected, z, p_value, p_adjusted))

        names = accounts.to_numpy(dtype=object)
        a, b = order_pairs(names[ia], names[ib])
        swap = a != names[ia]
        out = pd.DataFrame({
            "account_a": a, "account_b": b, "signal": self.name, "weight": sim,
            "support": support, "expected": expected, "z": z, "p_value": p_value,
            "p_adjusted": p_adjusted,
            "bins_a": np.where(swap, n_active[ib], n_active[ia]),
            "bins_b": np.where(swap, n_active[ia], n_active[ib]),
            "first": pd.to_datetime((base + first) * bin_ns, utc=True),
            "last": pd.to_datetime((base + last) * bin_ns, utc=True),
        }).astype(_SYNC_COLUMNS)
        return out.sort_values(["account_a", "account_b"], kind="stable").reset_index(drop=True)

    def _candidates(self, x: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray, df: np.ndarray,
                    n: int, budget: int = 8_000_000) -> tuple[np.ndarray, np.ndarray]:
        """Pairs ``i < j`` whose similarity may reach the threshold, by sparse products over row
        blocks of about `budget` products each, skipping crowded bins but bounding what they could
        add to a pair that shares another bin (Cauchy-Schwarz)."""
        cap = self.max_bin_accounts or max(1000, math.ceil(0.1 * n))
        crowded = df[cols] > cap
        if crowded.any():
            logger.info("synchrony: %d bins with more than %d active accounts are skipped in the "
                        "candidate search", int((df > cap).sum()), cap)
        extra = np.sqrt(np.bincount(rows[crowded], x.data[crowded] ** 2, minlength=n))
        kept = ~crowded
        xs = sp.csr_matrix(
            (x.data[kept].astype(np.float32), cols[kept],
             np.concatenate([[0], np.cumsum(np.bincount(rows[kept], minlength=n))])),
            shape=x.shape)
        cum = np.cumsum(np.bincount(rows[kept], df[cols[kept]].astype(np.float64), minlength=n))
        cut = self.threshold - 1e-4  # float32 products; exact float64 check follows
        out_a, out_b = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        start = 0
        while start < n:
            done = cum[start - 1] if start else 0.0
            stop = max(int(np.searchsorted(cum, done + budget, side="right")), start + 1)
            prod = (xs[start:stop] @ xs[start:].T).tocoo()
            i = prod.row.astype(np.int64) + start
            j = prod.col.astype(np.int64) + start
            ok = (j > i) & (prod.data + extra[i] * extra[j] >= cut)
            out_a.append(i[ok])
            out_b.append(j[ok])
            start = stop
        key = _unique(np.concatenate(out_a) * n + np.concatenate(out_b))
        return key // n, key % n

    @staticmethod
    def _null(rows: np.ndarray, cols: np.ndarray, n: int, n_blocks: int, block: int,
              ia: np.ndarray, ib: np.ndarray, support: np.ndarray):
        """Mean, z-score and Chernoff p-value of each pair's support under the within-block null."""
        if len(ia) == 0:
            return np.zeros(0), np.zeros(0), np.zeros(0)
        cells, per_block = np.unique(rows * n_blocks + cols // block, return_counts=True)
        r, c = np.divmod(cells, n_blocks)
        counts = per_block.astype(np.float64)
        m1 = sp.csr_matrix((counts, (r, c)), shape=(n, n_blocks))
        m2 = sp.csr_matrix((counts * counts, (r, c)), shape=(n, n_blocks))
        ab = _pair_products(m1, m1, ia, ib)[0]
        a2b = _pair_products(m2, m1, ia, ib)[0]
        ab2 = _pair_products(m1, m2, ia, ib)[0]
        a2b2 = _pair_products(m2, m2, ia, ib)[0]
        big = float(block)
        mu = ab / big
        # Sum over blocks of the hypergeometric variance a b (B - a)(B - b) / (B^2 (B - 1)).
        var = np.clip((big * big * ab - big * (a2b + ab2) + a2b2) / (big * big * (big - 1)), 0, None)
        s = support.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(var > 0, (s - mu) / np.sqrt(np.where(var > 0, var, 1.0)), 0.0)
            log_p = np.where(s > mu, -mu + s * (1.0 + np.log(mu) - np.log(s)), 0.0)
        return mu, z, np.exp(log_p)


# ---------------------------------------------------------------------------------------------
# Fast reposts
# ---------------------------------------------------------------------------------------------

_PRECISION_SECONDS = {"min": 60.0}


def repost_delays(dataset: Dataset, *, kinds: Sequence[str] = ("repost",),
                  ref_timestamp: str | None = None) -> pd.DataFrame:
    """Delay between each repost and the post it shares.

    The original's time is looked up by ``ref_post_id`` among the dataset's posts; where the
    original is not in the collection, it is taken from the posts column `ref_timestamp` if given
    (e.g. the retweeted status' ``created_at`` that API payloads carry), else left missing.

    Parameters
    ----------
    dataset : Dataset
        The collection.
    kinds : sequence of str, default=("repost",)
        Kinds of posts whose delay is measured (``"quote"`` and ``"reply"`` are possible).
    ref_timestamp : str, optional
        Name of a posts column holding the referenced post's time.

    Returns
    -------
    DataFrame
        One row per post of `kinds` with a ``ref_post_id``: ``post_id, account_id, timestamp,
        ref_post_id, ref_timestamp, delay`` (seconds, float; NaN when the original's time is
        unknown) and ``uncertainty`` (seconds: 60 when either timestamp is minute-truncated,
        else 0), in post order.

    Examples
    --------
    >>> import pandas as pd
    >>> ds = Dataset(pd.DataFrame({"post_id": ["o", "r1", "r2"], "account_id": ["x", "a", "b"],
    ...     "timestamp": [0, 4, 100], "kind": ["post", "repost", "repost"],
    ...     "ref_post_id": [None, "o", "gone"]}))
    >>> repost_delays(ds)[["post_id", "ref_post_id", "delay"]]
      post_id ref_post_id  delay
    0      r1           o    4.0
    1      r2        gone    NaN
    """
    owner = "repost_delays"
    kinds = _check_kinds(kinds, owner=owner) or KINDS
    posts = dataset.posts
    sel = posts.loc[(posts["kind"].isin(kinds) & posts["ref_post_id"].notna()).to_numpy()]
    ref_idx = pd.Index(posts["post_id"]).get_indexer(sel["ref_post_id"])
    found = ref_idx >= 0
    ns_all = _ns(posts["timestamp"])
    ref_ns = np.where(found, ns_all[np.where(found, ref_idx, 0)], np.iinfo(np.int64).min)
    ref_ts = pd.Series(pd.to_datetime(ref_ns, utc=True), index=sel.index).where(found)
    if ref_timestamp is not None:
        if ref_timestamp not in posts.columns:
            raise SchemaError(f"{owner}: the posts have no column {ref_timestamp!r} (given as "
                              f"ref_timestamp). Its columns are {list(posts.columns)}.",
                              column=ref_timestamp)
        given = parse_timestamps(sel[ref_timestamp])
        ref_ts = ref_ts.where(found, given)
    ref_ts = ref_ts.astype(TIMESTAMP_DTYPE)
    delay = (sel["timestamp"] - ref_ts).dt.total_seconds()
    prec = posts["timestamp_precision"].astype(object)
    p_rep = prec.loc[sel.index].map(_PRECISION_SECONDS).fillna(0.0).to_numpy(dtype=float)
    p_ref = np.where(found, prec.to_numpy()[np.where(found, ref_idx, 0)], None)
    p_ref = pd.Series(p_ref, dtype=object).map(_PRECISION_SECONDS).fillna(0.0).to_numpy(dtype=float)
    uncertainty = np.maximum(p_rep, p_ref)
    out = pd.DataFrame({
        "post_id": sel["post_id"].to_numpy(), "account_id": sel["account_id"].to_numpy(),
        "timestamp": sel["timestamp"].array, "ref_post_id": sel["ref_post_id"].to_numpy(),
        "ref_timestamp": ref_ts.array, "delay": delay.to_numpy(dtype=float),
        "uncertainty": np.where(np.isnan(delay.to_numpy(dtype=float)), np.nan, uncertainty),
    })
    return out.astype({"post_id": STRING_DTYPE, "account_id": STRING_DTYPE,
                       "timestamp": TIMESTAMP_DTYPE, "ref_post_id": STRING_DTYPE,
                       "ref_timestamp": TIMESTAMP_DTYPE}).reset_index(drop=True)


def _classify_delays(delays: pd.DataFrame, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Fast (certainly within `threshold`) and undetermined masks, honouring minute precision.

    A minute-truncated timestamp lies up to 60 s before the true time, so a measured delay ``d``
    stands for a true delay in ``(d - 60, d + 60)``: fast when ``d + 60 <= threshold``, not fast
    when ``d - 60 > threshold``, undetermined in between. Other timestamps are taken as exact.
    """
    d = delays["delay"].to_numpy(dtype=float)
    u = delays["uncertainty"].to_numpy(dtype=float)
    timed = ~np.isnan(d)
    fast = timed & (d + u <= threshold)
    slow = timed & (d - u > threshold)
    return fast, timed & ~fast & ~slow


class FastReposts(Signal):
    """Per account: how often it reposts within seconds of the original post.

    A human needs time to see and read a post before sharing it; accounts driven by a script (or
    a team told to amplify a post as soon as it goes out) share within seconds, again and again.
    The original's time comes from the original post in the collection (looked up by
    ``ref_post_id``) or, where absent, from the posts column `ref_timestamp`; reposts whose
    original time is unknown count in ``reposts`` only. Minute-truncated timestamps (Twitter's
    information-operations archives) cannot show a 10-second delay: such reposts are
    "undetermined" unless the minute alone decides (see :func:`repost_delays`).

    Parameters
    ----------
    threshold : str or pandas.Timedelta, default="10s"
        Largest delay that counts as fast (inclusive).
    kinds : sequence of str, default=("repost",)
        Kinds of posts measured.
    ref_timestamp : str, optional
        Posts column holding the original's time, used where the original is not in the data.

    Returns
    -------
    DataFrame
        Indexed by ``account_id`` (every posting account, in string order):
        ``fast_repost_reposts`` (posts of `kinds` with a reference), ``fast_repost_timed`` (of
        which the original's time is known), ``fast_repost_fast`` (delay certainly within
        `threshold`), ``fast_repost_undetermined`` (timestamp precision too coarse to tell),
        ``fast_repost_share`` (fast / (timed - undetermined); NaN when nothing is determined),
        ``fast_repost_median_delay`` (seconds, over timed reposts; NaN when none).

    Examples
    --------
    >>> import pandas as pd
    >>> ds = Dataset(pd.DataFrame({
    ...     "post_id": ["o", "r1", "r2", "r3"], "account_id": ["x", "a", "a", "b"],
    ...     "timestamp": [0, 3, 600, 5], "kind": ["post", "repost", "repost", "repost"],
    ...     "ref_post_id": [None, "o", "o", "o"]}))
    >>> FastReposts(threshold="10s").compute(ds)[["fast_repost_fast", "fast_repost_share"]]
                fast_repost_fast  fast_repost_share
    account_id
    a                          1                0.5
    b                          1                1.0
    x                          0                NaN
    """

    name = "fast_repost"
    kind = "features"
    requires = ("account_id", "timestamp", "kind", "ref_post_id")

    def __init__(self, threshold="10s", *, kinds: Sequence[str] = ("repost",),
                 ref_timestamp: str | None = None):
        self.threshold = threshold
        self.kinds = kinds
        self.ref_timestamp = ref_timestamp

    def _validate(self) -> None:
        owner = type(self).__name__
        self._threshold = parse_window(self.threshold, owner=owner, name="threshold", minimum="0s")
        self._kinds = _check_kinds(self.kinds, owner=owner)
        if self._kinds is None:
            raise ParameterError(f"The 'kinds' parameter of {owner} must name the kinds to "
                                 "measure, e.g. ('repost',). Got None instead.", name="kinds",
                                 value=None)
        if self.ref_timestamp is not None and not isinstance(self.ref_timestamp, str):
            raise ParameterError(f"The 'ref_timestamp' parameter of {owner} must be a column name "
                                 f"or None. Got {self.ref_timestamp!r} instead.",
                                 name="ref_timestamp", value=self.ref_timestamp)

    def _compute(self, dataset: Dataset) -> pd.DataFrame:
        delays = repost_delays(dataset, kinds=self._kinds, ref_timestamp=self.ref_timestamp)
        threshold = self._threshold.total_seconds()
        _, accounts = _account_codes(dataset.posts["account_id"])
        codes = accounts.get_indexer(delays["account_id"])
        n = len(accounts)
        fast, undetermined = _classify_delays(delays, threshold)
        d = delays["delay"].to_numpy(dtype=float)
        timed = ~np.isnan(d)
        if (d[timed] < 0).any():
            logger.info("FastReposts: %d reposts are timestamped before their original (clock or "
                        "precision); their delays are kept as measured", int((d[timed] < 0).sum()))
        if len(delays) and not timed.any():
            logger.warning(
                "FastReposts: none of the %d reposts has its original in the dataset (and no "
                "ref_timestamp column was given): fast-repost features are empty", len(delays))
        elif (~timed).any():
            logger.info("FastReposts: %d of %d reposts have no known original time",
                        int((~timed).sum()), len(delays))
        if undetermined.any():
            logger.info("FastReposts: %d reposts are undetermined (minute-precision timestamps "
                        "cannot resolve a %gs threshold)", int(undetermined.sum()), threshold)
        reposts = np.bincount(codes, minlength=n)
        n_timed = np.bincount(codes[timed], minlength=n)
        n_fast = np.bincount(codes[fast], minlength=n)
        n_und = np.bincount(codes[undetermined], minlength=n)
        decided = n_timed - n_und
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(decided > 0, n_fast / np.maximum(decided, 1), np.nan)
        median = _group_median(d[timed], codes[timed], n)
        return pd.DataFrame({
            "fast_repost_reposts": reposts, "fast_repost_timed": n_timed,
            "fast_repost_fast": n_fast, "fast_repost_undetermined": n_und,
            "fast_repost_share": share, "fast_repost_median_delay": median,
        }, index=accounts)


def fast_repost_summary(dataset: Dataset, accounts: Iterable[str], *, threshold="10s",
                        kinds: Sequence[str] = ("repost",),
                        ref_timestamp: str | None = None) -> pd.DataFrame:
    """Fast reposting of a group of accounts, pooled, beside the same figures for all others.

    Parameters
    ----------
    dataset : Dataset
        The collection.
    accounts : iterable of str
        The group's account ids.
    threshold, kinds, ref_timestamp
        As in :class:`FastReposts`.

    Returns
    -------
    DataFrame
        Two rows, ``group`` and ``others``; columns ``accounts`` (posting accounts),
        ``reposts``, ``timed``, ``fast``, ``undetermined``, ``share`` (fast / determined),
        ``median_delay`` and ``p90_delay`` (seconds, pooled over timed reposts).

    Examples
    --------
    >>> import pandas as pd
    >>> ds = Dataset(pd.DataFrame({
    ...     "post_id": ["o", "r1", "r2", "r3"], "account_id": ["x", "a", "b", "c"],
    ...     "timestamp": [0, 2, 4, 900], "kind": ["post", "repost", "repost", "repost"],
    ...     "ref_post_id": [None, "o", "o", "o"]}))
    >>> fast_repost_summary(ds, ["a", "b"])[["accounts", "fast", "share", "median_delay"]]
            accounts  fast  share  median_delay
    group          2     2    1.0           3.0
    others         2     0    0.0         900.0
    """
    owner = "fast_repost_summary"
    if isinstance(accounts, str):
        accounts = [accounts]
    group = pd.Index([str(a) for a in accounts])
    seconds = parse_window(threshold, owner=owner, name="threshold").total_seconds()
    delays = repost_delays(dataset, kinds=kinds, ref_timestamp=ref_timestamp)
    fast, undetermined = _classify_delays(delays, seconds)
    in_group = delays["account_id"].isin(group).to_numpy()
    posting = pd.Index(dataset.posts["account_id"].unique())
    rows = {}
    for label, mask, n_acc in (("group", in_group, int(posting.isin(group).sum())),
                               ("others", ~in_group, int((~posting.isin(group)).sum()))):
        d = delays["delay"].to_numpy(dtype=float)[mask]
        d = d[~np.isnan(d)]
        n_fast, n_und = int(fast[mask].sum()), int(undetermined[mask].sum())
        decided = len(d) - n_und
        rows[label] = {
            "accounts": n_acc, "reposts": int(mask.sum()), "timed": len(d), "fast": n_fast,
            "undetermined": n_und, "share": n_fast / decided if decided else np.nan,
            "median_delay": float(np.median(d)) if len(d) else np.nan,
            "p90_delay": float(np.quantile(d, 0.9)) if len(d) else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


# ---------------------------------------------------------------------------------------------
# Rhythm
# ---------------------------------------------------------------------------------------------

def burstiness(intervals) -> float:
    """Burstiness ``B = (sigma - mu) / (sigma + mu)`` of inter-event intervals (Goh & Barabasi 2008).

    -1 for a perfectly regular sequence, about 0 for a Poisson process, towards 1 for bursts
    separated by long silences. ``sigma`` is the population standard deviation. NaN for fewer than
    two intervals or when all are zero.

    Examples
    --------
    >>> burstiness([60, 60, 60])
    -1.0
    >>> round(burstiness([1, 1, 1, 1, 1000]), 3)
    0.331
    """
    x = np.asarray(intervals, dtype=float)
    if len(x) < 2:
        return float("nan")
    mu, sigma = x.mean(), x.std()
    return float((sigma - mu) / (sigma + mu)) if sigma + mu > 0 else float("nan")


def _reference_curve(reference, *, owner: str) -> np.ndarray:
    if isinstance(reference, str):
        if reference not in REFERENCE_DAYS:
            raise ParameterError(
                f"The 'reference' parameter of {owner} must be one of {sorted(REFERENCE_DAYS)} or "
                f"24 non-negative weights for local hours 0-23. Got {reference!r} instead.",
                name="reference", value=reference)
        curve = np.asarray(REFERENCE_DAYS[reference], dtype=float)
    else:
        try:
            curve = np.asarray(reference, dtype=float)
        except (TypeError, ValueError):
            curve = np.zeros(0)
        if curve.shape != (24,) or not np.isfinite(curve).all() or (curve < 0).any() or curve.sum() <= 0:
            raise ParameterError(
                f"The 'reference' parameter of {owner} must be one of {sorted(REFERENCE_DAYS)} or "
                f"24 non-negative weights for local hours 0-23 with a positive sum. Got "
                f"{reference!r} instead.", name="reference", value=reference)
    curve = np.maximum(curve, curve.max() * 1e-3)  # no hour is impossible
    return curve / curve.sum()


def best_utc_offset(hour_counts, *, reference="human") -> tuple[np.ndarray, np.ndarray]:
    """The UTC offset that best explains each account's hours of activity, with a confidence.

    Each row of `hour_counts` (activity per UTC hour 0-23) is compared with the reference day
    shifted by every offset in ``-11 .. +12``: local hour = (UTC hour + offset) mod 24. The
    log-likelihood of the counts under the shifted reference picks the offset; the confidence is
    the posterior probability (uniform prior, counts taken as independent draws) that the true
    offset is within one hour of it. A flat, round-the-clock account gets ``3/24 = 0.125``.

    Parameters
    ----------
    hour_counts : array-like, shape (n, 24)
        Activity per UTC hour (posts, or distinct active hours).
    reference : {"human", "office"} or array-like of 24 weights, default="human"
        Activity by local hour; see :data:`REFERENCE_DAYS`.

    Returns
    -------
    offsets : ndarray of int, shape (n,)
    confidence : ndarray of float, shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> day = np.array(REFERENCE_DAYS["human"])      # a day lived in UTC+8 ...
    >>> utc = np.roll(day, -8)                       # ... seen in UTC hours
    >>> offsets, confidence = best_utc_offset(100 * utc[None, :])
    >>> int(offsets[0]), bool(confidence[0] > 0.99)
    (8, True)
    """
    counts = np.asarray(hour_counts, dtype=float)
    if counts.ndim != 2 or counts.shape[1] != 24:
        raise ParameterError(f"best_utc_offset expects an array of shape (n, 24). Got shape "
                             f"{counts.shape} instead.", name="hour_counts", value=counts.shape)
    log_ref = np.log(_reference_curve(reference, owner="best_utc_offset"))
    hours = np.arange(24)
    shifted = np.stack([log_ref[(hours + o) % 24] for o in UTC_OFFSETS], axis=1)  # (24, n_off)
    loglik = counts @ shifted
    best = np.argmax(loglik, axis=1)
    post = np.exp(loglik - loglik.max(axis=1, keepdims=True))
    post /= post.sum(axis=1, keepdims=True)
    k = len(UTC_OFFSETS)
    near = sum(post[np.arange(len(best)), (best + d) % k] for d in (-1, 0, 1))
    return UTC_OFFSETS[best], near


def _check_hours(value, *, owner: str, name: str, allow_none: bool):
    if value is None and allow_none:
        return None
    ok = isinstance(value, (tuple, list)) and len(value) == 2 and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 <= v <= 24 for v in value
    ) and value[0] < value[1]
    if not ok:
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be a pair of whole hours (start, end) with "
            f"0 <= start < end <= 24, e.g. (9, 18){' or None' if allow_none else ''}. Got "
            f"{value!r} instead.", name=name, value=value)
    return int(value[0]), int(value[1])


class Rhythm(Signal):
    """Per account: the shape of its day and week, and the timezone that best explains it.

    Columns (feature table indexed by ``account_id``, every posting account, in string order):

    - ``rhythm_posts``: posts counted.
    - ``rhythm_hour_00`` .. ``rhythm_hour_23``: share of posts in each UTC hour.
    - ``rhythm_weekday_mon`` .. ``rhythm_weekday_sun``: share of posts on each UTC weekday.
    - ``rhythm_interval_median``: median time between consecutive posts (seconds).
    - ``rhythm_interval_cv``: coefficient of variation of those intervals (std / mean).
    - ``rhythm_burstiness``: ``(sigma - mu) / (sigma + mu)`` of the intervals (Goh & Barabasi
      2008): -1 clockwork, 0 random (Poisson), towards 1 bursty. Interval statistics need at
      least 3 posts (NaN otherwise); ``sigma`` is the population standard deviation.
    - ``rhythm_hour_entropy``: Shannon entropy of the hour-of-day distribution divided by
      ``log 24``: 0 all posts in one hour, 1 evenly spread round the clock.
    - ``rhythm_work_share``: share of posts inside working hours in `work_tz`: Monday to Friday
      (local), local hour in ``[work_hours[0], work_hours[1])`` and outside ``[lunch[0],
      lunch[1])``. Daylight saving is honoured; public holidays are not known.
    - ``rhythm_best_tz``: the UTC offset in hours (-11 .. +12) that best explains the account's
      day against the `reference` curve (:func:`best_utc_offset`), from its distinct active
      (date, hour) cells so that one burst counts once; NaN below `min_posts` posts.
    - ``rhythm_best_tz_confidence``: posterior probability that the offset is within an hour of
      ``rhythm_best_tz``.

    Parameters
    ----------
    work_tz : str, default="Asia/Shanghai"
        IANA timezone of the working day.
    work_hours : tuple of int, default=(9, 18)
        Start and end of the working day, local whole hours.
    lunch : tuple of int or None, default=(12, 13)
        Lunch break excluded from the working day; None for none.
    reference : {"human", "office"} or array-like of 24 weights, default="human"
        Day curve for ``rhythm_best_tz`` (:data:`REFERENCE_DAYS`).
    min_posts : int, default=10
        Accounts with fewer posts get NaN ``rhythm_best_tz`` and confidence.
    kinds : sequence of str, optional
        Kinds of posts counted; all by default.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = pd.to_datetime(["2024-03-04 01:30", "2024-03-04 04:10", "2024-03-05 02:00"], utc=True)
    >>> ds = Dataset(pd.DataFrame({"post_id": ["1", "2", "3"], "account_id": "a", "timestamp": ts}))
    >>> f = Rhythm(work_tz="Asia/Shanghai", min_posts=1).compute(ds)
    >>> float(f.loc["a", "rhythm_work_share"]), float(f.loc["a", "rhythm_interval_median"])
    (0.6666666666666666, 44100.0)
    """

    name = "rhythm"
    kind = "features"
    requires = ("account_id", "timestamp")

    def __init__(self, *, work_tz: str = "Asia/Shanghai", work_hours: tuple[int, int] = (9, 18),
                 lunch: tuple[int, int] | None = (12, 13), reference="human", min_posts: int = 10,
                 kinds: Sequence[str] | None = None):
        self.work_tz = work_tz
        self.work_hours = work_hours
        self.lunch = lunch
        self.reference = reference
        self.min_posts = min_posts
        self.kinds = kinds

    def _validate(self) -> None:
        owner = type(self).__name__
        try:
            pd.Timestamp(0, tz="UTC").tz_convert(self.work_tz)
            ok = isinstance(self.work_tz, str)
        except Exception:  # any failure means the zone is unusable
            ok = False
        if not ok:
            raise ParameterError(
                f"The 'work_tz' parameter of {owner} must be an IANA timezone name such as "
                f"'Asia/Shanghai' or 'Europe/Moscow'. Got {self.work_tz!r} instead.",
                name="work_tz", value=self.work_tz)
        self._work = _check_hours(self.work_hours, owner=owner, name="work_hours", allow_none=False)
        self._lunch = _check_hours(self.lunch, owner=owner, name="lunch", allow_none=True)
        if self._lunch is not None and not (self._work[0] <= self._lunch[0] and self._lunch[1] <= self._work[1]):
            raise ParameterError(
                f"The 'lunch' parameter of {owner} must lie inside work_hours {self._work}. Got "
                f"{self.lunch!r} instead.", name="lunch", value=self.lunch)
        self._curve = _reference_curve(self.reference, owner=owner)
        check_number(self.min_posts, owner=owner, name="min_posts", low=1, integer=True)
        self._kinds = _check_kinds(self.kinds, owner=owner)

    def _compute(self, dataset: Dataset) -> pd.DataFrame:
        all_codes, accounts = _account_codes(dataset.posts["account_id"])
        n = len(accounts)
        if self._kinds is None:
            posts, codes = dataset.posts, all_codes
        else:
            sel = dataset.posts["kind"].isin(self._kinds).to_numpy()
            posts, codes = dataset.posts.loc[sel], all_codes[sel]
        ns = _ns(posts["timestamp"])
        n_posts = np.bincount(codes, minlength=n)
        denom = np.where(n_posts > 0, n_posts, 1)[:, None].astype(float)

        hour_abs = np.floor_divide(ns, _NS_PER_H)
        hour = hour_abs % 24
        weekday = (np.floor_divide(ns, _NS_PER_D) + 3) % 7  # 1970-01-01 was a Thursday
        hours = np.bincount(codes * 24 + hour, minlength=n * 24).reshape(n, 24)
        days = np.bincount(codes * 7 + weekday, minlength=n * 7).reshape(n, 7)
        empty = (n_posts == 0)[:, None]
        hour_share = np.where(empty, np.nan, hours / denom)
        day_share = np.where(empty, np.nan, days / denom)

        # Inter-post intervals, per account, in seconds.
        order = np.lexsort((ns, codes))
        c_sorted, t_sorted = codes[order], ns[order]
        same = c_sorted[1:] == c_sorted[:-1]
        iv = (np.diff(t_sorted)[same]).astype(float) / _NS_PER_S
        iv_code = c_sorted[1:][same]
        n_iv = np.bincount(iv_code, minlength=n)
        enough = n_iv >= 2
        with np.errstate(invalid="ignore", divide="ignore"):
            mu = np.bincount(iv_code, iv, minlength=n) / n_iv
            sigma = np.sqrt(np.bincount(iv_code, (iv - mu[iv_code]) ** 2, minlength=n) / n_iv)
            cv = np.where(enough & (mu > 0), sigma / mu, np.nan)
            burst = np.where(enough & (sigma + mu > 0), (sigma - mu) / (sigma + mu), np.nan)
        median_iv = np.where(enough, _group_median(iv, iv_code, n), np.nan)

        with np.errstate(invalid="ignore", divide="ignore"):
            p = hours / denom
            plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
            entropy = np.where(n_posts > 0, -plogp.sum(axis=1) / np.log(24), np.nan)

        local = posts["timestamp"].dt.tz_convert(self.work_tz)
        l_hour = local.dt.hour.to_numpy()
        l_day = local.dt.day_of_week.to_numpy()
        inside = (l_day < 5) & (l_hour >= self._work[0]) & (l_hour < self._work[1])
        if self._lunch is not None:
            inside &= ~((l_hour >= self._lunch[0]) & (l_hour < self._lunch[1]))
        work_share = np.where(n_posts > 0, np.bincount(codes[inside], minlength=n) / denom[:, 0], np.nan)

        # Best offset from distinct active (date, hour) cells.
        h0 = int(hour_abs.min(initial=0))
        span = int(hour_abs.max(initial=0)) - h0 + 1
        cell_code, cell_rel = np.divmod(_unique(codes * span + (hour_abs - h0)), span)
        cell_hour = (cell_rel + h0) % 24
        cell_counts = np.bincount(cell_code * 24 + cell_hour, minlength=n * 24).reshape(n, 24)
        offsets, confidence = best_utc_offset(cell_counts, reference=self._curve * 24)
        enough_posts = n_posts >= self.min_posts
        best_tz = np.where(enough_posts, offsets.astype(float), np.nan)
        confidence = np.where(enough_posts, confidence, np.nan)

        cols: dict[str, np.ndarray] = {"rhythm_posts": n_posts}
        cols.update({f"rhythm_hour_{h:02d}": hour_share[:, h] for h in range(24)})
        cols.update({f"rhythm_weekday_{d}": day_share[:, i] for i, d in enumerate(_WEEKDAYS)})
        cols.update({
            "rhythm_interval_median": median_iv, "rhythm_interval_cv": cv,
            "rhythm_burstiness": burst, "rhythm_hour_entropy": entropy,
            "rhythm_work_share": work_share, "rhythm_best_tz": best_tz,
            "rhythm_best_tz_confidence": confidence,
        })
        return pd.DataFrame(cols, index=accounts)
