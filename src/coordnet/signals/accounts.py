"""Account signals: creation bursts, handle and profile templates, and account lifecycles.

These read what an account *is* rather than what it posted together with others:

- :class:`CreationBursts` (``"creation_burst"``, edges): accounts created in a batch, far more
  than the collection's background creation rate explains.
- :class:`HandleTemplates` (``"handle_template"``, edges): screen names cut from one template
  (a shared stem with a digit run of the same length, Twitter's "name + 8 digits" default
  handles), near-identical display names and bios, default-looking profiles.
- :class:`Lifecycle` (``"lifecycle"``, features): dormancy then reactivation, a switch of
  language or of client app across the dormancy gap (an account that posted in Indonesian for
  years, went silent, and came back in Chinese).

The two edge signals also give a per-account feature table with :meth:`CreationBursts.features`
and :meth:`HandleTemplates.features`; :meth:`CreationBursts.bursts` lists the bursts themselves.
Groups of related accounts become edges in a bounded way (:func:`_group_pairs`): every pair for a
group of up to ``max_edges`` pairs, a ring lattice (each member linked to its next few members)
for larger groups, so that a batch of 20,000 accounts gives tens of thousands of edges, not
two hundred million.

See ``docs/signals/accounts.md`` for what each catches, what fools it and the literature.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats

from ..dataset import Dataset
from ..errors import ParameterError
from ..schema import STRING_DTYPE, TIMESTAMP_DTYPE
from ..stats import bh_adjust
from .base import Signal, check_number, order_pairs, parse_window

logger = logging.getLogger(__name__)

__all__ = ["CreationBursts", "HandleTemplates", "Lifecycle"]

_NS_PER_DAY = 86_400 * 10**9


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def _as_ns(values: pd.Series) -> np.ndarray:
    """UTC timestamps as int64 nanoseconds since the epoch (resolution made explicit)."""
    return pd.DatetimeIndex(values).as_unit("ns").asi8


def _group_pairs(group: np.ndarray, max_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Position pairs ``(i, j)`` within contiguous groups, bounded per group.

    `group` holds one group code per member, members of a group contiguous. A group of ``k``
    members with ``k (k - 1) / 2 <= max_pairs`` gives all its pairs; a larger group gives a ring
    lattice: member ``r`` is linked to members ``r + 1 .. r + m`` (modulo ``k``) with
    ``m = max(1, min(max_pairs // k, (k - 1) // 2))``, so the group stays connected, every member
    has ``2 m`` neighbours and the group gives ``k m <= max(max_pairs, k)`` pairs.

    Examples
    --------
    >>> i, j = _group_pairs(np.array([0, 0, 0, 1, 1]), max_pairs=10)
    >>> sorted(zip(i.tolist(), j.tolist()))
    [(0, 1), (0, 2), (1, 2), (3, 4)]
    >>> i, j = _group_pairs(np.zeros(6, dtype=int), max_pairs=6)
    >>> len(i)
    6
    """
    n = len(group)
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, n])
    full = sizes * (sizes - 1) // 2 <= max_pairs
    reach = np.where(full, sizes - 1, np.maximum(1, np.minimum(max_pairs // sizes, (sizes - 1) // 2)))
    size_of = np.repeat(sizes, sizes)
    start_of = np.repeat(starts, sizes)
    full_of = np.repeat(full, sizes)
    reach_of = np.repeat(reach, sizes)
    rank = np.arange(n) - start_of
    live = np.flatnonzero(reach_of >= 1)
    out_i, out_j = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    d = 1
    while len(live):
        partner = rank[live] + d
        ok = np.where(full_of[live], partner < size_of[live], True)
        partner = np.where(full_of[live], partner, partner % size_of[live])
        out_i.append(live[ok])
        out_j.append(start_of[live[ok]] + partner[ok])
        d += 1
        live = live[reach_of[live] >= d]
    return np.concatenate(out_i).astype(np.int64), np.concatenate(out_j).astype(np.int64)


def _empty_edges(extra: dict[str, object]) -> pd.DataFrame:
    cols = {"account_a": STRING_DTYPE, "account_b": STRING_DTYPE, "signal": STRING_DTYPE,
            "weight": "float64", "support": "int64", **extra}
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in cols.items()})


def _has_data(values: pd.Series) -> bool:
    """Whether a text column holds at least one non-blank value in this collection."""
    v = values.dropna()
    return bool(len(v)) and bool((v.astype(str).str.strip() != "").any())


def _checked(signal: Signal, dataset: Dataset) -> None:
    """The checks :meth:`Signal.compute` makes, for the other public methods of a signal."""
    if not isinstance(dataset, Dataset):
        raise ParameterError(
            f"{type(signal).__name__} expects a coordnet.Dataset. Got {type(dataset).__name__} "
            "instead; build one with coordnet.from_frame(df, ...).", name="dataset", value=dataset)
    signal._validate()
    signal.check_requirements(dataset)


def _check_choice(value, *, owner: str, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be one of {list(choices)}. Got {value!r} instead.",
            name=name, value=value,
        )
    return value


# ---------------------------------------------------------------------------------------------
# Creation bursts
# ---------------------------------------------------------------------------------------------

#: Fewest other bins a background estimate may rest on; bins with fewer are not tested.
_MIN_BACKGROUND_BINS = 3
#: Bins with a background of at least this many accounts estimate the over-dispersion.
_DISPERSION_MIN_RATE = 2.0
_DISPERSION_MIN_BINS = 30
#: Most bins one grid may have (memory guard: a 1-second window over ten years would need 300M).
_MAX_BINS = 20_000_000


def _local_background(counts: np.ndarray, half: int) -> tuple[np.ndarray, np.ndarray]:
    """Leave-one-out mean count of the ``half`` bins either side, and how many bins it used.

    Half an account is added to the neighbourhood's total so that an empty neighbourhood gives a
    small positive rate rather than zero.
    """
    nb = len(counts)
    csum = np.r_[0.0, np.cumsum(counts, dtype=float)]
    pos = np.arange(nb)
    lo = np.maximum(pos - half, 0)
    hi = np.minimum(pos + half + 1, nb)
    others = (hi - lo - 1).astype(float)
    total = csum[hi] - csum[lo] - counts
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(others > 0, (total + 0.5) / np.maximum(others, 1), np.nan)
    return lam, others


def _robust_sd(x: np.ndarray) -> float:
    return float(1.4826 * np.median(np.abs(x - np.median(x))))


def _dispersion(counts: np.ndarray, lam: np.ndarray, usable: np.ndarray) -> float:
    """Robust extra-Poisson variation of the counts around their background, as ``kappa`` in
    ``variance = lambda + kappa * lambda**2`` (negative binomial; 0 means Poisson).

    Multiplicative swings of the rate (weekdays against weekends, organic waves) give this form.
    ``kappa`` is the value that makes the robust spread (median absolute deviation x 1.4826) of
    the standardized residuals ``(n + u - lambda) / sqrt(lambda + kappa lambda^2)`` equal to 1,
    over bins with a background of at least 2 accounts; ``u`` is a fixed, evenly spread jitter in
    [-0.5, 0.5) that removes the discreteness of small counts (without it the median absolute
    deviation of Poisson(5) residuals reads 1.33, not 1). Bursts, being few, barely move a median.
    """
    sel = usable & (lam >= _DISPERSION_MIN_RATE)
    if sel.sum() < _DISPERSION_MIN_BINS:
        return 0.0
    n, m = counts[sel].astype(float), lam[sel]
    u = (np.arange(len(n)) * 0.6180339887498949) % 1.0 - 0.5
    dev = n + u - m

    def spread(kappa: float) -> float:
        return _robust_sd(dev / np.sqrt(m + kappa * m * m))

    if spread(0.0) <= 1.0:
        return 0.0
    lo, hi = 0.0, 1.0
    while spread(hi) > 1.0 and hi < 1e6:
        lo, hi = hi, hi * 4
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if spread(mid) > 1.0 else (lo, mid)
    return hi


def _upper_tail(counts: np.ndarray, lam: np.ndarray, kappa: float) -> np.ndarray:
    """P(X >= count) under Poisson(lam) or, with ``kappa > 0``, the negative binomial of mean
    ``lam`` and variance ``lam + kappa lam^2``."""
    k = counts - 1
    if kappa <= 0.0:
        return stats.poisson.sf(k, lam)
    size = 1.0 / kappa
    return stats.nbinom.sf(k, size, size / (size + lam))


def _adjust(p: np.ndarray, method: str) -> np.ndarray:
    """Multiple-testing adjusted p-values (Bonferroni, or Benjamini–Hochberg step-up)."""
    m = len(p)
    if m == 0:
        return p
    if method == "bonferroni":
        return np.minimum(1.0, p * m)
    return bh_adjust(p, m)


class CreationBursts(Signal):
    """Accounts created in a batch: far more creations in a short window than the background.

    Creation times are counted in bins of `window` on two grids offset by half a window (so that
    a batch straddling a bin edge is not split in two). Each bin's count is compared with the
    background expected there: the mean count of the bins within ``background / 2`` on either
    side, the bin itself left out, re-estimated once with flagged bins replaced by their
    expectation (so that one batch does not hide another). The upper-tail probability of the count
    is Poisson, or negative binomial when the collection's counts are over-dispersed (weekly
    cycles, news-driven sign-ups; the dispersion is estimated robustly from the bins themselves).
    Bins whose adjusted p-value is at most `alpha` and that hold at least `min_size` accounts are
    flagged; overlapping or touching flagged bins merge into one burst, and the accounts created
    inside a burst are its members.

    Edges link members of the same burst (all pairs up to `max_edges_per_burst` pairs per burst,
    a ring lattice beyond, see the module notes). An edge's ``weight`` is ``purity ** 2`` with
    ``purity = 1 - expected / size``: the chance that both accounts belong to the burst's excess
    rather than to the background that would have been created then anyway. ``support`` is 1.

    Parameters
    ----------
    window : str or pandas.Timedelta, default="1D"
        Bin width: how close in time creations must be to form a batch.
    background : str or pandas.Timedelta, default="90D"
        Width of the neighbourhood the background rate is taken from; at least 3 windows.
    alpha : float, default=0.01
        Level of the test after correction for the number of bins tested.
    correction : {"bonferroni", "bh"}, default="bonferroni"
        Bonferroni bounds the chance of any false burst in the collection by `alpha`;
        "bh" (Benjamini–Hochberg) bounds the expected share of false bursts instead.
    min_size : int, default=5
        Fewest accounts a flagged bin must hold.
    max_edges_per_burst : int, default=5000
        Bursts with more pairs than this give a ring lattice of about this many edges.

    Notes
    -----
    Edge columns beyond the common ones: ``burst_id``, ``burst_size``, ``burst_p`` (the burst's
    smallest adjusted p-value). Accounts without ``created_at`` take no part. A collection whose
    creation dates span fewer than four windows has no background to test against and gives no
    bursts.

    Examples
    --------
    >>> import pandas as pd
    >>> from coordnet.dataset import Dataset
    >>> days = pd.date_range("2016-01-01", periods=400, freq="3D", tz="UTC")
    >>> created = list(days) + [pd.Timestamp("2019-06-01 10:00", tz="UTC")] * 12
    >>> accounts = pd.DataFrame({"account_id": [f"u{i:03d}" for i in range(len(created))],
    ...                          "created_at": created})
    >>> posts = pd.DataFrame({"post_id": ["1"], "account_id": ["u000"], "timestamp": [0]})
    >>> ds = Dataset(posts, accounts)
    >>> signal = CreationBursts()
    >>> signal.bursts(ds)[["burst_id", "size"]]
       burst_id  size
    0         0    12
    >>> len(signal.compute(ds))  # 12 members, all 66 pairs
    66
    """

    name = "creation_burst"
    kind = "edges"
    requires = ("accounts.created_at",)

    def __init__(self, window="1D", *, background="90D", alpha: float = 0.01,
                 correction: str = "bonferroni", min_size: int = 5, max_edges_per_burst: int = 5000):
        self.window = window
        self.background = background
        self.alpha = alpha
        self.correction = correction
        self.min_size = min_size
        self.max_edges_per_burst = max_edges_per_burst

    def _validate(self) -> None:
        owner = type(self).__name__
        self._window = parse_window(self.window, owner=owner, name="window", minimum="1s")
        if self._window <= pd.Timedelta(0):
            raise ParameterError(
                f"The 'window' parameter of {owner} must be a positive duration, e.g. '1D'. "
                f"Got {self.window!r} instead.", name="window", value=self.window)
        self._background = parse_window(self.background, owner=owner, name="background", minimum="1s")
        if self._background < 3 * self._window:
            raise ParameterError(
                f"The 'background' parameter of {owner} must be at least 3 windows "
                f"({3 * self._window}) so that there is a background to compare with. "
                f"Got {self.background!r} instead.", name="background", value=self.background)
        check_number(self.alpha, owner=owner, name="alpha", low=0, high=1)
        if not 0 < self.alpha < 1:
            raise ParameterError(
                f"The 'alpha' parameter of {owner} must be a number > 0 and < 1. "
                f"Got {self.alpha!r} instead.", name="alpha", value=self.alpha)
        _check_choice(self.correction, owner=owner, name="correction", choices=("bonferroni", "bh"))
        check_number(self.min_size, owner=owner, name="min_size", low=2, integer=True)
        check_number(self.max_edges_per_burst, owner=owner, name="max_edges_per_burst", low=1,
                     integer=True)

    # -- detection --------------------------------------------------------------------------------
    def _detect(self, dataset: Dataset) -> tuple[pd.DataFrame, np.ndarray]:
        """The bursts table and, per account row of ``dataset.accounts``, its burst (-1 if none)."""
        acc = dataset.accounts
        member = np.full(len(acc), -1, dtype=np.int64)
        bursts_cols = {"burst_id": "int64", "start": TIMESTAMP_DTYPE, "end": TIMESTAMP_DTYPE,
                       "size": "int64", "expected": "float64", "p": "float64"}
        empty = pd.DataFrame({c: pd.Series(dtype=d) for c, d in bursts_cols.items()})
        known = acc["created_at"].notna().to_numpy()
        if not known.any():
            logger.warning("CreationBursts: no account has a creation time; no bursts computed.")
            return empty, member
        t = _as_ns(acc["created_at"][known])
        w = int(self._window.value)
        half = max(1, int(round(self._background.value / w / 2)))
        origin = int(pd.Timestamp(t.min(), tz="UTC").floor("D").value)
        n_bins = (int(t.max()) - origin) // w + 2
        if n_bins > _MAX_BINS:
            raise ParameterError(
                f"The 'window' parameter of CreationBursts ({self.window!r}) cuts the "
                f"{pd.Timedelta(int(t.max()) - origin)} spanned by the creation dates into {n_bins:,} "
                f"bins; at most {_MAX_BINS:,} are allowed. Choose a window of at least "
                f"{pd.Timedelta(int(t.max()) - origin) / _MAX_BINS}.", name="window", value=self.window)
        starts, counts, lams, pvals = [], [], [], []
        for offset in (0, w // 2):
            idx = (t - origin + offset) // w
            c = np.bincount(idx, minlength=int(idx.max()) + 1)
            lam, others = _local_background(c, half)
            usable = others >= _MIN_BACKGROUND_BINS
            if not usable.any():
                continue
            kappa = _dispersion(c, lam, usable)
            # Second pass: bins clearly flagged on the first are replaced by their expectation.
            p1 = _upper_tail(c, np.where(usable, lam, 1.0), kappa)
            hit = usable & (c >= self.min_size) & (p1 * usable.sum() <= self.alpha)
            if hit.any():
                lam, _ = _local_background(np.where(hit, lam, c).astype(float), half)
                lam = np.where(np.isnan(lam), 1.0, lam)
                kappa = _dispersion(np.where(hit, lam, c), lam, usable)
            p = _upper_tail(c, np.where(usable, lam, 1.0), kappa)
            logger.debug("CreationBursts: grid offset %d ns, %d bins, kappa %.4f", offset, len(c), kappa)
            sel = np.flatnonzero(usable)
            starts.append(origin - offset + sel * w)
            counts.append(c[sel])
            lams.append(lam[sel])
            pvals.append(p[sel])
        if not starts:
            logger.info("CreationBursts: creation dates span too few windows to estimate a background.")
            return empty, member
        start = np.concatenate(starts)
        count = np.concatenate(counts)
        lam = np.concatenate(lams)
        padj = _adjust(np.concatenate(pvals), self.correction)
        flag = (padj <= self.alpha) & (count >= self.min_size)
        if not flag.any():
            return empty, member
        fs, fl, fp = start[flag], lam[flag], padj[flag]
        order = np.argsort(fs, kind="stable")
        fs, fl, fp = fs[order], fl[order], fp[order]
        fe = fs + w
        run_end = np.maximum.accumulate(fe)
        new = np.r_[True, fs[1:] > run_end[:-1]]
        bid = np.cumsum(new) - 1
        nb = int(bid[-1]) + 1
        b_start = fs[new]
        b_end = np.maximum.reduceat(fe, np.flatnonzero(new))
        density = np.bincount(bid, weights=fl / w, minlength=nb) / np.bincount(bid, minlength=nb)
        b_p = np.minimum.reduceat(fp, np.flatnonzero(new))
        j = np.searchsorted(b_start, t, side="right") - 1
        inside = (j >= 0) & (t < b_end[np.maximum(j, 0)])
        known_member = np.where(inside, j, -1)
        member[np.flatnonzero(known)] = known_member
        size = np.bincount(known_member[inside], minlength=nb)
        bursts = pd.DataFrame({
            "burst_id": np.arange(nb, dtype=np.int64),
            "start": pd.to_datetime(b_start, utc=True).as_unit("ns"),
            "end": pd.to_datetime(b_end, utc=True).as_unit("ns"),
            "size": size.astype(np.int64),
            "expected": density * (b_end - b_start),
            "p": b_p,
        }).astype(bursts_cols)
        logger.info("CreationBursts: %d burst(s), %d account(s)", nb, int(size.sum()))
        return bursts, member

    def bursts(self, dataset: Dataset) -> pd.DataFrame:
        """One row per burst: ``burst_id, start, end, size, expected, p``.

        ``expected`` is the number of accounts the background predicts in ``[start, end)``;
        ``p`` the smallest adjusted p-value among the burst's bins.
        """
        _checked(self, dataset)
        return self._detect(dataset)[0]

    def features(self, dataset: Dataset) -> pd.DataFrame:
        """Per account: ``creation_burst_id``, ``_size``, ``_expected``, ``_p`` (missing outside bursts).

        Indexed by ``account_id``, one row per account of ``dataset.accounts``.
        """
        _checked(self, dataset)
        bursts, member = self._detect(dataset)
        acc_ids = dataset.accounts["account_id"]
        inb = member >= 0
        safe = np.maximum(member, 0)

        def pick(col: str, dtype: str) -> pd.Series:
            vals = bursts[col].to_numpy()[safe] if len(bursts) else np.zeros(len(member))
            return pd.Series(vals, dtype=dtype).where(inb)

        out = pd.DataFrame({
            "creation_burst_id": pd.Series(member, dtype="Int64").where(inb),
            "creation_burst_size": pick("size", "Int64"),
            "creation_burst_expected": pick("expected", "Float64"),
            "creation_burst_p": pick("p", "Float64"),
        })
        out.index = pd.Index(acc_ids.to_numpy(), name="account_id", dtype=STRING_DTYPE)
        return out

    def _compute(self, dataset: Dataset) -> pd.DataFrame:
        extra = {"burst_id": "int64", "burst_size": "int64", "burst_p": "float64"}
        bursts, member = self._detect(dataset)
        inb = np.flatnonzero(member >= 0)
        if not len(inb):
            return _empty_edges(extra)
        ids = dataset.accounts["account_id"].to_numpy(dtype=object)[inb]
        grp = member[inb]
        order = np.lexsort((ids, grp))
        ids, grp = ids[order], grp[order]
        i, j = _group_pairs(grp, int(self.max_edges_per_burst))
        a, b = order_pairs(ids[i], ids[j])
        g = grp[i]
        size = bursts["size"].to_numpy()[g]
        purity = np.clip(1.0 - bursts["expected"].to_numpy()[g] / size, 0.0, 1.0)
        edges = pd.DataFrame({
            "account_a": a, "account_b": b, "signal": self.name,
            "weight": purity**2, "support": np.ones(len(a), dtype=np.int64),
            "burst_id": g.astype(np.int64), "burst_size": size.astype(np.int64),
            "burst_p": bursts["p"].to_numpy()[g],
        })
        return edges.sort_values(["account_a", "account_b"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Handle and profile templates
# ---------------------------------------------------------------------------------------------

_HEX_HASH = r"^[0-9a-fA-F]{24,}$"
_B64_HASH = r"^[A-Za-z0-9+/_-]{24,}={0,2}$"


def _arrow(values: pd.Series) -> pa.Array:
    """A text column as a pyarrow string array (missing stays null)."""
    return pa.array(values.astype(STRING_DTYPE).to_numpy(dtype=object, na_value=None), pa.string())


def _series(arr) -> pd.Series:
    return pd.Series(pd.arrays.ArrowExtensionArray(arr)).astype(STRING_DTYPE)


def _matches(arr: pa.Array, pattern: str) -> np.ndarray:
    return pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False)


def _is_hash(arr: pa.Array) -> np.ndarray:
    """Screen names replaced by a hash (hashed data releases): 24+ hex digits, or base64 of a
    digest (24+ characters of the base64 alphabet with ``+``, ``/`` or ``=`` padding, or 40+, and
    mixing digits, upper and lower case). Real handles are short (Twitter: at most 15)."""
    b64 = _matches(arr, _B64_HASH) \
        & (_matches(arr, r"^.{40,}$") | _matches(arr, r"[+/=]")) \
        & _matches(arr, "[0-9]") & _matches(arr, "[A-Z]") & _matches(arr, "[a-z]")
    return _matches(arr, _HEX_HASH) | b64


def _shapes(arr: pa.Array) -> pa.Array:
    """Character-class shape of each handle (vectorized): letter runs as ``L+``, digit runs as
    ``D<len>``, other characters kept with runs collapsed to their first.
    ``"maria83749201"`` -> ``"L+D8"``, ``"news_bot__001"`` -> ``"L+_L+_D3"``."""
    x = pc.replace_substring_regex(arr, r"([^\p{L}0-9])[^\p{L}0-9]*", r"\1")
    x = pc.replace_substring_regex(x, "[0-9]", "\x00")
    x = pc.replace_substring_regex(x, r"\p{L}+", "L+")
    longest = pc.max(pc.utf8_length(x)).as_py() or 0
    for k in range(longest, 0, -1):  # longest runs first, so each run is replaced whole
        x = pc.replace_substring_regex(x, f"\x00{{{k}}}", f"D{k}")
    return x


def _letters(values: pd.Series, *, strip_urls: bool = False) -> pd.Series:
    """Letters only, accents and case folded, words separated by single spaces (vectorized).

    ``"María López 2 🌹"`` -> ``"maria lopez"``; with `strip_urls`, URLs are removed first.
    """
    x = pc.utf8_normalize(_arrow(values), form="NFKD")
    x = pc.replace_substring_regex(x, r"\p{M}+", "")
    x = pc.utf8_lower(x)
    if strip_urls:
        x = pc.replace_substring_regex(x, r"(?:https?://|www\.)\S+", " ")
    x = pc.replace_substring_regex(x, r"[^\p{L}]+", " ")
    return _series(pc.utf8_trim_whitespace(x)).set_axis(values.index)


class HandleTemplates(Signal):
    """Screen names, display names and bios cut from one template; default-looking profiles.

    Three kinds of shared template relate accounts:

    - **handle**: the same stem with a trailing digit run of the same length, e.g.
      ``maria83749201`` and ``maria83749202`` (template ``handle:maria|D8``) or ``hk_truth_8273``
      and ``hk_truth_1192`` (``handle:hk_truth|D4``). The stem is the casefolded handle without
      its digit run and trailing separators, at least `min_stem_len` characters; the digit run has
      at least `min_suffix_digits` digits and is not a plausible year (1940–2030), because people
      append birth years and those collide by chance.
    - **name**: the same display name once accents, case, digits, punctuation and emoji are
      removed (``"María López 2"`` = ``"maria lopez"``), of at least two words and `min_name_len`
      letters (a lone first name or brand says little), and not merely the handle repeated.
    - **bio**: the same description after the same normalization (URLs removed too), at least
      `min_bio_len` letters, so that empty and stock bios do not link anyone.

    A template shared by ``k`` of the ``N`` accounts that have the field weighs its rarity,
    ``1 - ln(k) / ln(N)``; templates shared by more than ``max(2, max_share * N)`` accounts link no
    one (a shape 40% of the collection shares says nothing), but still show in the features.
    Edges link accounts sharing at least one such template; ``weight`` combines the templates a
    pair shares as a noisy-or, ``1 - prod(1 - rarity)``, and ``support`` counts them. Screen
    names that are hashes (hashed data releases) are never templates.

    Parameters
    ----------
    min_suffix_digits : int, default=3
        Shortest digit run that makes a handle template.
    min_stem_len : int, default=3
        Shortest stem that makes a handle template.
    default_digits : int, default=8
        Digits after letters that make Twitter's default handle form ("name + 8 digits").
    min_name_len : int, default=6
        Fewest letters a normalized display name (of two words or more) needs to relate accounts.
    min_bio_len : int, default=20
        Fewest letters a normalized bio needs to relate accounts.
    max_share : float, default=0.05
        Largest share of the collection a template may cover and still relate accounts.
    max_edges_per_template : int, default=5000
        Templates with more pairs than this give a ring lattice of about this many edges.

    Notes
    -----
    Edge columns beyond the common ones: ``templates`` (the shared template ids, ``"; "``-joined,
    long ones cut at 60 characters). :meth:`features` describes each account.

    Examples
    --------
    >>> import pandas as pd
    >>> from coordnet.dataset import Dataset
    >>> names = ["maria83749201", "maria83749202", "john_smith", "k_okafor", "lee.1987"]
    >>> accounts = pd.DataFrame({"account_id": ["a", "b", "c", "d", "e"], "screen_name": names})
    >>> posts = pd.DataFrame({"post_id": ["1"], "account_id": ["a"], "timestamp": [0]})
    >>> ds = Dataset(posts, accounts)
    >>> HandleTemplates().compute(ds)[["account_a", "account_b", "support", "templates"]]
      account_a account_b  support        templates
    0         a         b        1  handle:maria|D8
    >>> HandleTemplates().features(ds)["handle_template_pattern"].tolist()
    ['L+D8', 'L+D8', 'L+_L+', 'L+_L+', 'L+.D4']
    """

    name = "handle_template"
    kind = "edges"
    requires = ("accounts.screen_name", "accounts.display_name", "accounts.description")

    def __init__(self, *, min_suffix_digits: int = 3, min_stem_len: int = 3, default_digits: int = 8,
                 min_name_len: int = 6, min_bio_len: int = 20, max_share: float = 0.05,
                 max_edges_per_template: int = 5000):
        self.min_suffix_digits = min_suffix_digits
        self.min_stem_len = min_stem_len
        self.default_digits = default_digits
        self.min_name_len = min_name_len
        self.min_bio_len = min_bio_len
        self.max_share = max_share
        self.max_edges_per_template = max_edges_per_template

    def _validate(self) -> None:
        owner = type(self).__name__
        for name in ("min_suffix_digits", "min_stem_len", "default_digits", "min_name_len",
                     "min_bio_len", "max_edges_per_template"):
            check_number(getattr(self, name), owner=owner, name=name, low=1, integer=True)
        check_number(self.max_share, owner=owner, name="max_share", low=0, high=1)

    # -- the work ---------------------------------------------------------------------------------
    def _profile(self, dataset: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per-account description (features without prefix) and the long template table
        ``row, kind, key, k, n`` (account row, template kind and id, group size, accounts with the
        field)."""
        acc = dataset.accounts
        n = len(acc)
        sn = acc["screen_name"].str.strip().str.lstrip("@")
        sn = sn.mask(sn == "")
        arr = _arrow(sn)
        has = sn.notna().to_numpy()
        hashed = _is_hash(arr)
        plain = has & ~hashed
        pattern = _series(_shapes(arr)).where(~hashed, "HASH")

        ext = pc.extract_regex(arr, r"^(?P<stem>.*?)(?P<digits>[0-9]+)$")
        digits = pc.struct_field(ext, "digits")
        suffix = pc.fill_null(pc.utf8_length(digits), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        digit_len = pd.Series(suffix, dtype="Int64").where(plain)
        four = pc.if_else(pc.equal(pc.utf8_length(digits), 4), digits, pa.scalar(None, pa.string()))
        year = pc.fill_null(pc.cast(four, pa.int64()), 0).to_numpy(zero_copy_only=False)
        is_year = (year >= 1940) & (year <= 2030)
        stem = pc.utf8_rtrim(pc.utf8_lower(pc.struct_field(ext, "stem")), characters="_.-")
        stem_len = pc.fill_null(pc.utf8_length(stem), 0).to_numpy(zero_copy_only=False)
        key_ok = plain & (suffix >= self.min_suffix_digits) & ~is_year \
            & (stem_len >= self.min_stem_len) & _matches(stem, r"\p{L}")
        handle_key = ("handle:" + _series(stem) + "|D" + pd.Series(suffix).astype(str).astype(STRING_DTYPE)
                      ).where(key_ok)
        m_default = plain & _matches(arr, rf"^\p{{L}}+[0-9]{{{int(self.default_digits)},}}$")
        handle_letters = _letters(sn).where(plain)

        # Display names and bios, normalized (vectorized, in Arrow).
        def n_letters(norm: pd.Series) -> np.ndarray:
            return norm.fillna("").str.replace(" ", "", regex=False).str.len().to_numpy(dtype=np.int64)

        dn = acc["display_name"]
        bio = acc["description"]
        dn_norm = _letters(dn)
        bio_norm = _letters(bio, strip_urls=True)
        two_words = dn_norm.fillna("").str.contains(" ", regex=False).to_numpy(dtype=bool)
        name_ok = (n_letters(dn_norm) >= self.min_name_len) & two_words \
            & (dn_norm.fillna("") != handle_letters.fillna("")).to_numpy(dtype=bool)
        name_key = ("name:" + dn_norm).where(name_ok)
        bio_key = ("bio:" + bio_norm).where(n_letters(bio_norm) >= self.min_bio_len)

        # Default-profile signs, counted only for fields this collection carries at all.
        def blank(col: pd.Series) -> pd.Series:
            return col.isna() | (col.fillna("").astype(str).str.strip() == "")

        signs, evaluable = [], 0
        if _has_data(acc["description"]):
            signs.append(blank(bio).to_numpy())
            evaluable += 1
        if _has_data(acc["location"]):
            signs.append(blank(acc["location"]).to_numpy())
            evaluable += 1
        if _has_data(acc["display_name"]):
            same = dn.fillna("").str.strip().str.casefold().to_numpy(dtype=object) \
                == sn.fillna("").str.casefold().to_numpy(dtype=object)
            signs.append(blank(dn).to_numpy(dtype=bool) | same)
            evaluable += 1
        profile_signs = np.sum(signs, axis=0) if signs else np.zeros(n, dtype=int)
        is_default_like = plain & m_default & (2 * profile_signs >= evaluable)
        default_signs = pd.Series(profile_signs + m_default, dtype="Int64").where(plain)

        long = []
        for kind, keys, field_has in (("handle", handle_key, plain),
                                      ("name", name_key, ~blank(dn).to_numpy()),
                                      ("bio", bio_key, ~blank(bio).to_numpy())):
            present = keys.notna().to_numpy()
            if not present.any():
                continue
            rows = np.flatnonzero(present)
            long.append(pd.DataFrame({"row": rows, "kind": kind,
                                      "key": keys.to_numpy(dtype=object)[rows],
                                      "n": int(field_has.sum())}))
        if long:
            tmpl = pd.concat(long, ignore_index=True)
            tmpl["k"] = tmpl.groupby("key")["row"].transform("size").astype(np.int64)
        else:
            tmpl = pd.DataFrame({"row": pd.Series(dtype=np.int64), "kind": pd.Series(dtype=object),
                                 "key": pd.Series(dtype=object), "n": pd.Series(dtype=np.int64),
                                 "k": pd.Series(dtype=np.int64)})

        def size_of(kind: str) -> pd.Series:
            sub = tmpl.loc[tmpl["kind"] == kind]
            out = pd.Series(pd.NA, index=range(n), dtype="Int64")
            out.iloc[sub["row"].to_numpy()] = sub["k"].to_numpy()
            return out

        hsize = size_of("handle")
        shared_handle = handle_key.where((hsize >= 2).fillna(False).to_numpy())
        pattern_share = pattern.map(pattern.value_counts(dropna=True) / max(int(has.sum()), 1))
        desc = pd.DataFrame({
            "pattern": pattern,
            "pattern_share": pd.Series(pattern_share, dtype="Float64"),
            "digit_suffix_len": digit_len,
            "is_hashed": hashed,
            "default_signs": default_signs,
            "is_default_like": is_default_like,
            "id": shared_handle,
            "size": hsize,
            "name_size": size_of("name"),
            "bio_size": size_of("bio"),
        })
        return desc, tmpl

    def features(self, dataset: Dataset) -> pd.DataFrame:
        """Per account, prefixed ``handle_template_``: ``pattern`` (shape such as ``"L+D8"``,
        ``"HASH"`` for hashed names), ``pattern_share`` (share of accounts with that shape),
        ``digit_suffix_len``, ``is_hashed``, ``default_signs`` (how many of: default handle form,
        empty bio, no location, display name missing or equal to the handle), ``is_default_like``
        (default handle form and at least half of the profile signs this collection can show),
        ``id`` (the handle template the account shares with others, if any), ``size`` (accounts
        sharing its handle template), ``name_size`` and ``bio_size`` (accounts sharing its
        normalized display name / bio; missing when too short to count).

        Indexed by ``account_id``, one row per account of ``dataset.accounts``.
        """
        _checked(self, dataset)
        desc, _ = self._profile(dataset)
        desc = desc.add_prefix("handle_template_")
        desc.index = pd.Index(dataset.accounts["account_id"].to_numpy(), name="account_id",
                              dtype=STRING_DTYPE)
        return desc

    def _compute(self, dataset: Dataset) -> pd.DataFrame:
        _, tmpl = self._profile(dataset)
        extra = {"templates": STRING_DTYPE}
        cap = np.maximum(2, self.max_share * tmpl["n"].to_numpy())
        use = tmpl.loc[(tmpl["k"] >= 2) & (tmpl["k"] <= cap)].copy()
        if not len(use):
            return _empty_edges(extra)
        # Everything below runs on integer codes: account ranks in string order (so that
        # ``lo < hi`` is ``account_a < account_b``) and template codes in string order.
        ids = dataset.accounts["account_id"].to_numpy(dtype=object)
        acc_rank_of_row, acc_sorted = pd.factorize(ids, sort=True)
        acc = acc_rank_of_row[use["row"].to_numpy()].astype(np.int64)
        key_code, key_names = pd.factorize(use["key"].to_numpy(dtype=object), sort=True)
        order = np.lexsort((acc, key_code))
        acc, key_code = acc[order], key_code[order]
        k_all, n_all = use["k"].to_numpy(dtype=float)[order], use["n"].to_numpy(dtype=float)[order]
        i, j = _group_pairs(key_code, int(self.max_edges_per_template))
        lo, hi = np.minimum(acc[i], acc[j]), np.maximum(acc[i], acc[j])
        with np.errstate(divide="ignore", invalid="ignore"):
            rarity = np.where(n_all[i] > 2, 1.0 - np.log(k_all[i]) / np.log(n_all[i]), 0.0)
        log_miss = np.log1p(-np.clip(rarity, 0.0, 1.0 - 1e-12))
        # Templates as shown (long ones cut), coded in string order: a pair sharing two templates
        # that read the same once cut counts them once.
        cut = [s if len(s) <= 60 else s[:59] + "…" for s in key_names]
        short_of_key, short_names = pd.factorize(np.asarray(cut, dtype=object), sort=True)
        short_code = short_of_key[key_code[i]]
        n_acc = max(len(acc_sorted), 1)
        pair = lo * np.int64(n_acc) + hi
        rows = np.lexsort((short_code, pair))
        pair, short_code, log_miss = pair[rows], short_code[rows], log_miss[rows]
        keep = np.r_[True, (pair[1:] != pair[:-1]) | (short_code[1:] != short_code[:-1])]
        pair, short_code, log_miss = pair[keep], short_code[keep], log_miss[keep]
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        support = np.diff(np.r_[starts, len(pair)])
        names = pa.array(np.asarray(short_names, dtype=object), pa.string()).take(pa.array(short_code))
        offsets = np.r_[starts, len(pair)]
        lists = pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), names) if len(pair) < 2**31 \
            else pa.LargeListArray.from_arrays(pa.array(offsets), names)
        first = pair[starts]
        account = pa.array(np.asarray(acc_sorted, dtype=object), pa.string())
        return pd.DataFrame({
            "account_a": pd.arrays.ArrowStringArray(account.take(pa.array(first // n_acc))),
            "account_b": pd.arrays.ArrowStringArray(account.take(pa.array(first % n_acc))),
            "signal": self.name,
            "weight": -np.expm1(np.add.reduceat(log_miss, starts) if len(starts) else np.zeros(0)),
            "support": support.astype(np.int64),
            "templates": pd.arrays.ArrowStringArray(pc.binary_join(lists, "; ")),
        })


# ---------------------------------------------------------------------------------------------
# Lifecycle: dormancy, reactivation, language and client switches
# ---------------------------------------------------------------------------------------------

#: Twitter's pseudo-language codes (undetermined, media/hashtags/mentions only, no text...).
_PSEUDO_LANGS = ("und", "zxx", "qme", "qam", "qht", "qst", "qct", "art")
#: Retired ISO 639 codes some platforms still emit, mapped to the current ones.
_OLD_LANG = {"in": "id", "iw": "he", "ji": "yi", "jw": "jv"}
_TAG = re.compile(r"<[^>]*>")


def _dominant(group: np.ndarray, value: np.ndarray, ngroups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group: the most frequent value code (ties: smallest code; -1 if none), its count, and
    how many valid values the group has. ``value < 0`` means missing."""
    ok = value >= 0
    g, v = group[ok], value[ok]
    total = np.bincount(g, minlength=ngroups)
    dom = np.full(ngroups, -1, dtype=np.int64)
    top = np.zeros(ngroups, dtype=np.int64)
    if len(g):
        nv = int(v.max()) + 1
        pair, cnt = np.unique(g.astype(np.int64) * nv + v, return_counts=True)
        pg, pv = pair // nv, pair % nv
        order = np.lexsort((pv, -cnt, pg))
        first = order[np.r_[True, pg[order][1:] != pg[order][:-1]]]
        dom[pg[first]] = pv[first]
        top[pg[first]] = cnt[first]
    return dom, top, total


class Lifecycle(Signal):
    """Dormancy then reactivation, language switches and client-app changes, per account.

    Each account's posts are ordered in time. Its longest gap between consecutive posts is the
    candidate dormancy; when it lasts at least `dormancy` the account is *reactivated* and the gap
    splits its history into before and after, otherwise the split is its middle post (first half
    vs second half). On each side the dominant language (Twitter's pseudo-codes such as ``und``
    ignored; retired codes such as ``in`` read as ``id``; regional subtags dropped) and the
    dominant client app (HTML stripped from Twitter's ``source``) are compared; a side with fewer
    than `min_posts` known values gives no comparison. ``repurposed`` marks a reactivated account
    that came back in another language or with another client: the pattern of spam or dormant
    accounts bought or hijacked and turned to a new cause.

    Parameters
    ----------
    dormancy : str or pandas.Timedelta, default="90D"
        Shortest silence that counts as dormancy.
    min_posts : int, default=3
        Fewest posts with a known language (client) each side needs for a comparison.

    Notes
    -----
    Columns (prefix ``lifecycle_``): ``n_posts``, ``first_post``, ``last_post``,
    ``age_at_first_post_days`` (from ``accounts.created_at``), ``longest_gap_days``,
    ``gap_start``, ``gap_end`` (the posts bounding the longest gap), ``reactivated``,
    ``share_after`` (share of posts after the gap, reactivated accounts only), ``lang``,
    ``lang_share`` (dominant language overall and its share of known languages),
    ``lang_before``, ``lang_after``, ``lang_switch``, ``client_before``, ``client_after``,
    ``client_switch``, ``repurposed``. Accounts without posts have missing values and false flags.

    Examples
    --------
    >>> import pandas as pd
    >>> from coordnet.dataset import Dataset
    >>> ts = ["2018-01-01", "2018-01-05", "2018-01-09", "2019-03-01", "2019-03-02", "2019-03-03"]
    >>> posts = pd.DataFrame({"post_id": list("123456"), "account_id": ["a"] * 6, "timestamp": ts,
    ...                       "lang": ["in", "in", "id", "zh", "zh", "zh-cn"]})
    >>> f = Lifecycle().compute(Dataset(posts))
    >>> row = f.loc["a"]
    >>> float(row["lifecycle_longest_gap_days"]), row["lifecycle_lang_before"], row["lifecycle_lang_after"]
    (416.0, 'id', 'zh')
    >>> bool(f.loc["a", "lifecycle_lang_switch"]), bool(f.loc["a", "lifecycle_reactivated"])
    (True, True)
    """

    name = "lifecycle"
    kind = "features"
    requires = ("account_id", "timestamp")

    def __init__(self, dormancy="90D", *, min_posts: int = 3):
        self.dormancy = dormancy
        self.min_posts = min_posts

    def _validate(self) -> None:
        owner = type(self).__name__
        self._dormancy = parse_window(self.dormancy, owner=owner, name="dormancy", minimum="1s")
        check_number(self.min_posts, owner=owner, name="min_posts", low=1, integer=True)

    @staticmethod
    def _codes(values: pd.Series, norm) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes of ``norm(value)`` (sorted labels, -1 for missing), normalizing each
        distinct value once."""
        raw, uniq = pd.factorize(values)
        mapped = pd.Series([norm(str(u)) for u in uniq], dtype=object)
        sub, labels = pd.factorize(mapped, sort=True, use_na_sentinel=True)
        lookup = np.r_[sub, -1].astype(np.int64)
        return lookup[np.where(raw >= 0, raw, len(uniq))], np.asarray(labels, dtype=object)

    @staticmethod
    def _lang(value: str) -> str | None:
        code = re.split(r"[-_]", value.strip().casefold(), maxsplit=1)[0]
        code = _OLD_LANG.get(code, code)
        return None if not code or code in _PSEUDO_LANGS else code

    @staticmethod
    def _client(value: str) -> str | None:
        return _TAG.sub("", value).strip() or None

    def _compute(self, dataset: Dataset) -> pd.DataFrame:
        p = dataset.posts
        acc_ids = dataset.accounts["account_id"]
        codes, uniques = pd.factorize(p["account_id"])
        na = len(uniques)
        t = _as_ns(p["timestamp"])
        order = np.lexsort((np.arange(len(p)), t, codes))
        c, ts = codes[order], t[order]
        n = len(c)
        counts = np.bincount(c, minlength=na)
        start = np.searchsorted(c, np.arange(na))
        gaps = np.full(n, -1, dtype=np.int64)
        if n > 1:
            same = c[1:] == c[:-1]
            gaps[1:] = np.where(same, ts[1:] - ts[:-1], -1)
        longest = np.maximum.reduceat(gaps, start) if na else np.empty(0, np.int64)
        pos = np.arange(n)
        is_max = (gaps == longest[c]) & (gaps >= 0)
        gap_pos = np.minimum.reduceat(np.where(is_max, pos, n), start) if na else np.empty(0, np.int64)
        has_gap = longest >= 0
        reactivated = has_gap & (longest >= self._dormancy.value)
        split = np.where(reactivated, gap_pos, start + counts // 2)
        after = pos >= split[c]
        n_after = np.bincount(c, weights=after, minlength=na).astype(np.int64)

        lang, lang_labels = self._codes(p["lang"], self._lang)
        client, client_labels = self._codes(p["client"], self._client)
        lang, client = lang[order], client[order]
        side = c.astype(np.int64) * 2 + after
        mp = self.min_posts

        def compare(values: np.ndarray, labels) -> tuple[pd.Series, pd.Series, np.ndarray]:
            dom, _, tot = _dominant(side, values, 2 * na)
            dom = dom.reshape(na, 2)
            tot = tot.reshape(na, 2)
            ok = (tot >= mp) & (dom >= 0)
            lab = np.asarray(labels, dtype=object)

            def name(col: int) -> pd.Series:
                vals = np.where(ok[:, col], lab[np.maximum(dom[:, col], 0)] if len(lab) else None, None)
                return pd.Series(vals, dtype=STRING_DTYPE)

            switch = ok[:, 0] & ok[:, 1] & (dom[:, 0] != dom[:, 1])
            return name(0), name(1), switch

        lang_before, lang_after, lang_switch = compare(lang, lang_labels)
        client_before, client_after, client_switch = compare(client, client_labels)
        dom_all, top_all, tot_all = _dominant(c, lang, na)
        lab = np.asarray(lang_labels, dtype=object)
        lang_all = pd.Series(np.where(dom_all >= 0, lab[np.maximum(dom_all, 0)] if len(lab) else None, None),
                             dtype=STRING_DTYPE)
        with np.errstate(divide="ignore", invalid="ignore"):
            lang_share = pd.Series(np.where(tot_all > 0, top_all / np.maximum(tot_all, 1), np.nan),
                                   dtype="Float64").where(tot_all > 0)

        first = ts[start] if na else np.empty(0, np.int64)
        last = ts[start + counts - 1] if na else np.empty(0, np.int64)
        gp = np.where(has_gap, gap_pos, 0)
        created = dataset.accounts.set_index("account_id")["created_at"]
        created = created.reindex(pd.Index(uniques, dtype=STRING_DTYPE))
        first_ts = pd.Series(pd.to_datetime(first, utc=True).as_unit("ns"))
        age = (first_ts - created.reset_index(drop=True)).dt.total_seconds() / 86_400.0

        def stamps(ns: np.ndarray, mask: np.ndarray) -> pd.Series:
            s = pd.Series(pd.to_datetime(ns, utc=True).as_unit("ns"))
            return s.where(mask)

        out = pd.DataFrame({
            "lifecycle_n_posts": pd.Series(counts, dtype="Int64"),
            "lifecycle_first_post": stamps(first, np.ones(na, bool)),
            "lifecycle_last_post": stamps(last, np.ones(na, bool)),
            "lifecycle_age_at_first_post_days": pd.Series(age.to_numpy(dtype=float, na_value=np.nan),
                                                          dtype="Float64"),
            "lifecycle_longest_gap_days": pd.Series(np.where(has_gap, longest / _NS_PER_DAY, np.nan),
                                                    dtype="Float64"),
            "lifecycle_gap_start": stamps(ts[np.maximum(gp - 1, 0)] if n else first, has_gap),
            "lifecycle_gap_end": stamps(ts[gp] if n else first, has_gap),
            "lifecycle_reactivated": reactivated,
            "lifecycle_share_after": pd.Series(n_after / np.maximum(counts, 1), dtype="Float64").where(reactivated),
            "lifecycle_lang": lang_all,
            "lifecycle_lang_share": lang_share,
            "lifecycle_lang_before": lang_before,
            "lifecycle_lang_after": lang_after,
            "lifecycle_lang_switch": lang_switch,
            "lifecycle_client_before": client_before,
            "lifecycle_client_after": client_after,
            "lifecycle_client_switch": client_switch,
            "lifecycle_repurposed": reactivated & (lang_switch | client_switch),
        })
        out.index = pd.Index(np.asarray(uniques, dtype=object), name="account_id", dtype=STRING_DTYPE)
        out = out.reindex(pd.Index(acc_ids.to_numpy(), name="account_id", dtype=STRING_DTYPE))
        flags = [col for col in out.columns if col.endswith(("_switch", "reactivated", "repurposed"))]
        out[flags] = out[flags].fillna(False).astype(bool)
        out["lifecycle_n_posts"] = out["lifecycle_n_posts"].fillna(0)
        return out
