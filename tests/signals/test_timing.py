"""Tests of the timing signals: synchronized activity, fast reposts, rhythm."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordnet.dataset import Dataset
from coordnet.errors import ParameterError, SchemaError
from coordnet.signals.base import EDGE_COLUMNS, all_signals
from coordnet.signals.timing import (
    REFERENCE_DAYS,
    FastReposts,
    Rhythm,
    SynchronizedActivity,
    activity_matrix,
    best_utc_offset,
    burstiness,
    fast_repost_summary,
    repost_delays,
)

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "coortweet"
T0 = pd.Timestamp("2024-01-08", tz="UTC")  # a Monday, no daylight saving anywhere near
S = 1_000_000_000


def dataset(accounts, times, **extra) -> Dataset:
    """Posts from parallel lists; times as pandas Timestamps or seconds after T0."""
    times = [t if isinstance(t, pd.Timestamp) else T0 + pd.Timedelta(seconds=float(t)) for t in times]
    frame = pd.DataFrame({"post_id": [f"p{i}" for i in range(len(times))],
                          "account_id": list(accounts), "timestamp": times, **extra})
    return Dataset(frame)


def organic(rng, n_accounts: int, days: int, *, prefix: str = "u", low: int = 10, high: int = 400):
    """Independent accounts in random timezones, heavy-tailed activity, human day curve."""
    curve = np.asarray(REFERENCE_DAYS["human"]) / sum(REFERENCE_DAYS["human"])
    accounts, times = [], []
    for a in range(n_accounts):
        tz = int(rng.integers(-11, 13))
        n = int(min(low + rng.pareto(1.2) * 15, high))
        day = rng.integers(0, days, n)
        hour = rng.choice(24, n, p=curve)
        sec = rng.random(n) * 3600
        times.append(T0.value + ((day * 24 + hour - tz) * 3600 + sec) * S)
        accounts += [f"{prefix}{a:04d}"] * n
    return accounts, list(np.concatenate(times).astype(np.int64))


def frame_of(accounts, ns) -> pd.DataFrame:
    return pd.DataFrame({"account_id": accounts, "timestamp": pd.to_datetime(np.asarray(ns), utc=True)})


def to_dataset(frame: pd.DataFrame) -> Dataset:
    frame = frame.reset_index(drop=True)
    frame["post_id"] = [f"p{i}" for i in range(len(frame))]
    return Dataset(frame)


# ---------------------------------------------------------------------------------------------
# Synchronized activity
# ---------------------------------------------------------------------------------------------

def test_signals_are_registered():
    found = all_signals()
    assert found["synchrony"] is SynchronizedActivity
    assert found["fast_repost"] is FastReposts
    assert found["rhythm"] is Rhythm


def test_activity_matrix_exact():
    ds = dataset(["a", "a", "b", "a"], [0, 100, 299, 600])
    act = activity_matrix(ds, "5min")
    assert list(act.accounts) == ["a", "b"]
    assert act.matrix.toarray().tolist() == [[2, 0, 1], [1, 0, 0]]
    assert list(act.posts) == [3, 1]
    assert act.bins[2] == T0 + pd.Timedelta("10min")
    assert list(activity_matrix(ds, "5min", min_posts=2).accounts) == ["a"]


def test_same_bins_give_an_edge_with_exact_statistics():
    # a and b post in the same 20 bins (one per hour, seconds apart); c posts elsewhere.
    hours = np.arange(20) * 3600
    acc = ["a"] * 20 + ["b"] * 20 + ["c"] * 20
    times = list(hours + 30) + list(hours + 200) + list(hours + 1800 + 7)
    edges = SynchronizedActivity(min_posts=5).compute(dataset(acc, times))
    assert list(edges.columns[:5]) == list(EDGE_COLUMNS)
    assert len(edges) == 1
    e = edges.iloc[0]
    assert (e["account_a"], e["account_b"], e["signal"]) == ("a", "b", "synchrony")
    assert e["weight"] == pytest.approx(1.0, abs=1e-12)
    assert e["support"] == 20 and e["bins_a"] == 20 and e["bins_b"] == 20
    # Null: one active bin each per hour, B = 12 bins per hour.
    mu = 20 / 12
    var = 20 * (1 * 1 * 11 * 11) / (144 * 11)
    assert e["expected"] == pytest.approx(mu)
    assert e["z"] == pytest.approx((20 - mu) / math.sqrt(var))
    p = math.exp(-mu) * (math.e * mu / 20) ** 20
    assert e["p_value"] == pytest.approx(p, rel=1e-9)
    assert e["p_adjusted"] == pytest.approx(3 * p, rel=1e-9)  # 3 accounts -> 3 pairs
    assert e["first"] == T0 and e["last"] == T0 + pd.Timedelta(hours=19)


def test_partial_overlap_exact_cosine_with_and_without_idf():
    # a: 12 bins, b: 15 bins, 9 shared; bins spread one per hour.
    a_bins = np.arange(12)
    b_bins = np.concatenate([np.arange(3, 12), np.arange(30, 36)])
    acc = ["a"] * 12 + ["b"] * 15
    times = list(a_bins * 3600 + 10) + list(b_bins * 3600 + 20)
    ds = dataset(acc, times)
    plain = SynchronizedActivity(min_posts=5, idf=False).compute(ds)
    assert plain.loc[0, "weight"] == pytest.approx(9 / math.sqrt(12 * 15))
    assert plain.loc[0, "support"] == 9
    # idf with N = 2: shared bins weigh 1 + ln(3/3) = 1, own bins 1 + ln(3/2).
    w = 1 + math.log(3 / 2)
    idf = SynchronizedActivity(min_posts=5).compute(ds)
    assert idf.loc[0, "weight"] == pytest.approx(9 / math.sqrt((9 + 3 * w * w) * (9 + 6 * w * w)))


def test_threshold_and_min_support_filter():
    hours = np.arange(20) * 3600
    acc = ["a"] * 20 + ["b"] * 20
    ds = dataset(acc, list(hours + 30) + list(hours + 200))
    assert len(SynchronizedActivity(min_posts=5, min_support=21).compute(ds)) == 0
    assert len(SynchronizedActivity(min_posts=21).compute(ds)) == 0
    # Half of b's bins are its own: similarity 20 / sqrt(20 * 40) = 0.707.
    more = dataset(acc + ["b"] * 20, list(hours + 30) + list(hours + 200) + list(hours + 1900))
    assert SynchronizedActivity(min_posts=5, idf=False).compute(more).loc[0, "weight"] == \
        pytest.approx(20 / math.sqrt(800))
    assert len(SynchronizedActivity(min_posts=5, idf=False, threshold=0.71).compute(more)) == 0


def test_a_few_coincidences_are_not_significant():
    # Two accounts sharing 3 bins out of 10 reach similarity 0.3 but not significance among
    # many compared accounts.
    rng = np.random.default_rng(5)
    accounts, ns = organic(rng, 200, 7)
    shared = T0.value + np.array([3, 30, 77]) * 3600 * S
    own = T0.value + (np.arange(7) * 7 * 3600 + 1000) * S
    extra = frame_of(["x"] * 10 + ["y"] * 10,
                     np.concatenate([shared, own, shared + 20 * S, own + 5 * 3600 * S]))
    ds = to_dataset(pd.concat([frame_of(accounts, ns), extra]))
    loose = SynchronizedActivity(alpha=1.0, idf=False).compute(ds)
    pair = loose[(loose["account_a"] == "x") & (loose["account_b"] == "y")]
    assert len(pair) == 1 and pair["support"].iloc[0] == 3
    assert pair["weight"].iloc[0] == pytest.approx(0.3)
    # Null mean 3 / 12 (one post each in the three shared hours); Chernoff bound on P(S >= 3).
    assert pair["expected"].iloc[0] == pytest.approx(0.25)
    assert pair["p_value"].iloc[0] == pytest.approx(math.exp(-0.25) * (math.e * 0.25 / 3) ** 3)
    assert pair["p_adjusted"].iloc[0] == 1.0
    assert len(SynchronizedActivity(idf=False).compute(ds)) == 0


def test_quiet_on_independent_posters_in_many_timezones():
    rng = np.random.default_rng(11)
    accounts, ns = organic(rng, 400, 14)
    ds = to_dataset(frame_of(accounts, ns))
    assert len(SynchronizedActivity().compute(ds)) == 0
    # Even with a low similarity threshold nothing is significant.
    assert len(SynchronizedActivity(threshold=0.05, min_support=1).compute(ds)) == 0


def test_quiet_on_breaking_news():
    # 500 accounts with ordinary activity; each also posts once within the same two minutes.
    rng = np.random.default_rng(3)
    accounts, ns = organic(rng, 500, 7, low=10, high=60)
    news = T0.value + (3 * 86400 + 14 * 3600 + 3600 * 0.5) * S + (rng.random(500) * 120 * S).astype(np.int64)
    burst = frame_of([f"u{a:04d}" for a in range(500)], news)
    ds = to_dataset(pd.concat([frame_of(accounts, ns), burst]))
    assert len(SynchronizedActivity().compute(ds)) == 0
    assert len(SynchronizedActivity(threshold=0.05, min_support=1).compute(ds)) == 0
    # Three such moments in one week are still not synchrony.
    bursts = [frame_of([f"u{a:04d}" for a in range(500)], news + k * 86400 * S) for k in range(3)]
    ds3 = to_dataset(pd.concat([frame_of(accounts, ns), *bursts]))
    assert len(SynchronizedActivity().compute(ds3)) == 0


def test_idf_keeps_repeated_crowd_moments_from_linking_everyone():
    # The same 500 accounts all join ten daily crowd moments (a live event every evening): without
    # idf they look synchronized, with idf the crowded bins weigh too little.
    rng = np.random.default_rng(3)
    accounts, ns = organic(rng, 500, 10, low=10, high=60)
    news = T0.value + (14 * 3600 + 1800) * S + (rng.random(500) * 120 * S).astype(np.int64)
    bursts = [frame_of([f"u{a:04d}" for a in range(500)], news + k * 86400 * S) for k in range(10)]
    ds = to_dataset(pd.concat([frame_of(accounts, ns), *bursts]))
    assert len(SynchronizedActivity().compute(ds)) == 0
    assert len(SynchronizedActivity(idf=False).compute(ds)) > 100


def test_planted_group_is_recovered_among_organic_accounts_and_news():
    rng = np.random.default_rng(7)
    accounts, ns = organic(rng, 300, 14)
    moments = T0.value + (rng.integers(0, 14 * 24, 30) * 3600 + rng.integers(0, 3000, 30)) * S
    group = [f"g{i}" for i in range(8)]
    parts = [frame_of(accounts, ns)]
    for g in group:
        own = T0.value + (rng.random(15) * 14 * 86400 * S).astype(np.int64)
        jitter = (rng.random(30) * 30 * S).astype(np.int64)
        parts.append(frame_of([g] * 45, np.concatenate([moments + jitter, own])))
    news = T0.value + 5 * 86400 * S + (rng.random(300) * 120 * S).astype(np.int64)
    parts.append(frame_of([f"u{a:04d}" for a in range(300)], news))
    edges = SynchronizedActivity().compute(to_dataset(pd.concat(parts)))
    pairs = set(zip(edges["account_a"], edges["account_b"], strict=True))
    expected = {(a, b) for a in group for b in group if a < b}
    assert pairs == expected
    assert (edges["p_adjusted"] <= 0.01).all() and (edges["support"] >= 20).all()


def test_replies_are_left_out_by_default():
    hours = np.arange(15) * 3600
    acc = ["a"] * 15 + ["b"] * 15
    ds = dataset(acc, list(hours + 30) + list(hours + 90), kind=["reply"] * 30,
                 ref_post_id=[None] * 30)
    assert len(SynchronizedActivity(min_posts=5).compute(ds)) == 0
    assert len(SynchronizedActivity(min_posts=5, kinds=None).compute(ds)) == 1


def test_crowded_bins_skipped_in_search_still_count_in_similarity():
    # a and b share 10 quiet bins and 4 bins where 5 other accounts are also active.
    quiet = np.arange(10) * 3600 + 100
    crowd = (np.arange(4) + 40) * 3600 + 100
    acc, times = [], []
    for name, off in (("a", 0), ("b", 30)):
        acc += [name] * 14
        times += list(quiet + off) + list(crowd + off)
    for k in range(5):
        acc += [f"c{k}"] * 4
        times += list(crowd + 60 + k)
    ds = dataset(acc, times)
    full = SynchronizedActivity(min_posts=4, alpha=1.0).compute(ds)
    capped = SynchronizedActivity(min_posts=4, alpha=1.0, max_bin_accounts=3).compute(ds)
    ab_full = full[(full["account_a"] == "a") & (full["account_b"] == "b")]
    ab_capped = capped[(capped["account_a"] == "a") & (capped["account_b"] == "b")]
    assert len(ab_capped) == 1
    assert ab_capped["weight"].iloc[0] == pytest.approx(ab_full["weight"].iloc[0])
    assert ab_capped["support"].iloc[0] == 14
    # The c accounts share only crowded bins: found without the cap, not with it.
    assert len(full) > 1 and len(capped) == 1


def test_pair_mostly_in_crowded_bins_is_still_found_through_one_quiet_bin():
    # a and b share one quiet bin and nine crowded ones; the search skips the crowded bins but
    # bounds what they can add, so the pair is still examined and its full similarity reported.
    quiet = np.array([0]) * 3600 + 100
    crowd = (np.arange(9) + 10) * 3600 + 100
    acc, times = [], []
    for name, off, own in (("a", 0, 50), ("b", 30, 60)):
        acc += [name] * 12
        times += list(quiet + off) + list(crowd + off) + [own * 3600.0, (own + 1) * 3600.0]
    for k in range(5):
        acc += [f"c{k}"] * 9
        times += list(crowd + 60 + k)
    ds = dataset(acc, times)
    capped = SynchronizedActivity(min_posts=5, idf=False, alpha=1.0, max_bin_accounts=3).compute(ds)
    ab = capped[(capped["account_a"] == "a") & (capped["account_b"] == "b")]
    assert len(ab) == 1
    assert ab["weight"].iloc[0] == pytest.approx(10 / 12) and ab["support"].iloc[0] == 10


def test_deterministic_and_independent_of_row_order():
    rng = np.random.default_rng(2)
    accounts, ns = organic(rng, 100, 7)
    moments = T0.value + (rng.integers(0, 7 * 24, 25) * 3600 + 60) * S
    parts = [frame_of(accounts, ns)] + [frame_of([f"g{i}"] * 25, moments + i * S) for i in range(4)]
    frame = pd.concat(parts).reset_index(drop=True)
    frame["post_id"] = [f"p{i}" for i in range(len(frame))]
    sig = SynchronizedActivity()
    first = sig.compute(Dataset(frame))
    again = sig.compute(Dataset(frame))
    shuffled = sig.compute(Dataset(frame.sample(frac=1, random_state=1)))
    assert len(first) == 6
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, shuffled)


def test_empty_and_tiny_inputs():
    ds = dataset(["a", "b"], [0, 1])
    out = SynchronizedActivity().compute(ds)
    assert len(out) == 0 and list(out.columns[:5]) == list(EDGE_COLUMNS)
    assert str(out["first"].dtype) == "datetime64[ns, UTC]"


@pytest.mark.parametrize("params, name", [
    ({"bin_size": -1}, "bin_size"),
    ({"bin_size": "soon"}, "bin_size"),
    ({"threshold": 0}, "threshold"),
    ({"threshold": 1.5}, "threshold"),
    ({"min_support": 0}, "min_support"),
    ({"min_posts": 2.5}, "min_posts"),
    ({"null_block": "7min"}, "null_block"),
    ({"null_block": "5min"}, "null_block"),
    ({"alpha": 2}, "alpha"),
    ({"idf": "yes"}, "idf"),
    ({"max_bin_accounts": 1}, "max_bin_accounts"),
    ({"kinds": ("tweet",)}, "kinds"),
    ({"kinds": ()}, "kinds"),
])
def test_synchrony_parameter_errors_name_the_parameter(params, name):
    ds = dataset(["a"], [0])
    with pytest.raises(ParameterError, match=f"'{name}'") as info:
        SynchronizedActivity(**params).compute(ds)
    assert info.value.name == name


def _brute_force(frame: pd.DataFrame, threshold: float, min_support: int) -> dict:
    """Dense reference: binary bins x smooth idf, cosine; support; expected under the null."""
    bins = pd.Series(frame["timestamp"].dt.as_unit("ns").array.asi8) // (300 * S)
    accounts = sorted(frame["account_id"].unique())
    lo = (int(bins.min()) // 12) * 12
    width = ((int(bins.max()) - lo) // 12 + 1) * 12
    m = np.zeros((len(accounts), width))
    for a, b in zip(frame["account_id"], bins, strict=True):
        m[accounts.index(a), int(b) - lo] = 1
    n = len(accounts)
    df = m.sum(axis=0)
    x = m * (1 + np.log((1 + n) / (1 + df)))
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    blocks = m.reshape(n, -1, 12).sum(axis=2)
    out = {}
    for i in range(n):
        for j in range(i + 1, n):
            sim = float(x[i] @ x[j])
            sup = int(m[i] @ m[j])
            if sim >= threshold - 1e-12 and sup >= min_support:
                out[(accounts[i], accounts[j])] = (sim, sup, float(blocks[i] @ blocks[j] / 12))
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 6 * 3600)), min_size=2, max_size=60),
       st.sampled_from([0.05, 0.3, 0.6]), st.integers(1, 3))
def test_equals_dense_brute_force(posts, threshold, min_support):
    frame = pd.DataFrame({"account_id": [f"a{a}" for a, _ in posts],
                          "timestamp": [T0 + pd.Timedelta(seconds=s) for _, s in posts]})
    frame["post_id"] = [f"p{i}" for i in range(len(frame))]
    got = SynchronizedActivity(min_posts=1, threshold=threshold, min_support=min_support,
                               alpha=1.0).compute(Dataset(frame))
    want = _brute_force(frame, threshold, min_support)
    assert set(zip(got["account_a"], got["account_b"], strict=True)) == set(want)
    for row in got.itertuples():
        sim, sup, mu = want[(row.account_a, row.account_b)]
        assert row.weight == pytest.approx(sim, abs=1e-9)
        assert row.support == sup
        assert row.expected == pytest.approx(mu)


# ---------------------------------------------------------------------------------------------
# Fast reposts
# ---------------------------------------------------------------------------------------------

def repost_dataset(**extra_columns) -> Dataset:
    rows = [  # post_id, account, seconds, kind, ref
        ("o1", "x", 0, "post", None),
        ("o2", "x", 100, "post", None),
        ("r1", "a", 3, "repost", "o1"),
        ("r2", "a", 105, "repost", "o2"),
        ("r3", "a", 500, "repost", "o1"),
        ("q1", "a", 101, "quote", "o2"),
        ("r4", "b", 10, "repost", "o1"),
        ("r5", "b", 111, "repost", "o2"),
        ("r6", "c", 50, "repost", "elsewhere"),
    ]
    frame = pd.DataFrame(rows, columns=["post_id", "account_id", "t", "kind", "ref_post_id"])
    frame["timestamp"] = [T0 + pd.Timedelta(seconds=t) for t in frame.pop("t")]
    for k, v in extra_columns.items():
        frame[k] = v
    return Dataset(frame)


def test_fast_repost_exact_shares():
    f = FastReposts(threshold="10s").compute(repost_dataset())
    assert list(f.index) == ["a", "b", "c", "x"]
    assert f.loc["a", "fast_repost_reposts"] == 3 and f.loc["a", "fast_repost_fast"] == 2
    assert f.loc["a", "fast_repost_share"] == pytest.approx(2 / 3)
    assert f.loc["a", "fast_repost_median_delay"] == 5.0
    assert f.loc["b", "fast_repost_fast"] == 1  # 10 s is fast (inclusive), 11 s is not
    assert f.loc["b", "fast_repost_share"] == 0.5
    assert f.loc["b", "fast_repost_median_delay"] == 10.5
    assert f.loc["c", "fast_repost_reposts"] == 1 and f.loc["c", "fast_repost_timed"] == 0
    assert np.isnan(f.loc["c", "fast_repost_share"]) and np.isnan(f.loc["c", "fast_repost_median_delay"])
    assert f.loc["x", "fast_repost_reposts"] == 0
    quotes = FastReposts(kinds=("repost", "quote")).compute(repost_dataset())
    assert quotes.loc["a", "fast_repost_fast"] == 3 and quotes.loc["a", "fast_repost_reposts"] == 4


def test_fast_repost_minute_precision_is_honoured():
    ds = repost_dataset(timestamp_precision="min")
    delays = repost_delays(ds)
    assert set(delays["uncertainty"].dropna()) == {60.0}
    ten = FastReposts(threshold="10s").compute(ds)
    # Every determined delay at minute precision must exceed 10 s + 60 s: only a's 500 s one.
    assert ten.loc["a", "fast_repost_undetermined"] == 2 and ten.loc["a", "fast_repost_share"] == 0.0
    assert ten.loc["b", "fast_repost_undetermined"] == 2 and np.isnan(ten.loc["b", "fast_repost_share"])
    minute = FastReposts(threshold="70s").compute(ds)
    assert minute.loc["a", "fast_repost_fast"] == 2 and minute.loc["a", "fast_repost_share"] == pytest.approx(2 / 3)


def test_fast_repost_uses_ref_timestamp_column_and_says_when_nothing_is_timed(caplog):
    ref_times = [None] * 8 + [str(T0 + pd.Timedelta(seconds=45))]
    ds = repost_dataset(original_time=ref_times)
    f = FastReposts(ref_timestamp="original_time").compute(ds)
    assert f.loc["c", "fast_repost_timed"] == 1 and f.loc["c", "fast_repost_share"] == 1.0
    with pytest.raises(SchemaError, match="nope"):
        FastReposts(ref_timestamp="nope").compute(ds)
    only = Dataset(pd.DataFrame({"post_id": ["r"], "account_id": ["a"], "timestamp": [T0],
                                 "kind": ["repost"], "ref_post_id": ["gone"]}))
    with caplog.at_level(logging.WARNING, logger="coordnet.signals.timing"):
        out = FastReposts().compute(only)
    assert "none of the 1 reposts has its original" in caplog.text
    assert np.isnan(out.loc["a", "fast_repost_share"])


def test_fast_repost_quiet_on_organic_and_group_summary():
    rng = np.random.default_rng(0)
    n_orig = 200
    rows = [(f"o{i}", f"src{i % 20}", T0 + pd.Timedelta(seconds=float(i * 900)), "post", None)
            for i in range(n_orig)]
    # Organic sharers: log-normal delays with a median of 30 minutes.
    for a in range(100):
        for k in range(20):
            o = int(rng.integers(0, n_orig))
            d = float(np.exp(rng.normal(np.log(1800), 1.5)))
            rows.append((f"r{a}_{k}", f"u{a}", rows[o][2] + pd.Timedelta(seconds=d), "repost", f"o{o}"))
    # A group that shares within 2-8 seconds.
    for g in range(5):
        for k in range(20):
            o = int(rng.integers(0, n_orig))
            rows.append((f"g{g}_{k}", f"g{g}", rows[o][2] + pd.Timedelta(seconds=float(2 + rng.random() * 6)),
                         "repost", f"o{o}"))
    ds = Dataset(pd.DataFrame(rows, columns=["post_id", "account_id", "timestamp", "kind", "ref_post_id"]))
    f = FastReposts().compute(ds)
    organic_share = f.loc[f.index.str.startswith("u"), "fast_repost_share"]
    assert organic_share.max() <= 0.05
    assert (f.loc[[f"g{g}" for g in range(5)], "fast_repost_share"] == 1.0).all()
    summary = fast_repost_summary(ds, [f"g{g}" for g in range(5)])
    assert list(summary.index) == ["group", "others"]
    assert summary.loc["group", "accounts"] == 5 and summary.loc["group", "fast"] == 100
    assert summary.loc["group", "share"] == 1.0
    assert summary.loc["others", "accounts"] == 120  # 100 sharers + 20 sources
    assert summary.loc["others", "share"] < 0.01
    assert 2 <= summary.loc["group", "median_delay"] <= 8


@pytest.mark.parametrize("params, name", [
    ({"threshold": -1}, "threshold"),
    ({"threshold": "fast"}, "threshold"),
    ({"kinds": None}, "kinds"),
    ({"kinds": ["boost"]}, "kinds"),
    ({"ref_timestamp": 3}, "ref_timestamp"),
])
def test_fast_repost_parameter_errors(params, name):
    with pytest.raises(ParameterError, match=f"'{name}'"):
        FastReposts(**params).compute(repost_dataset())


# ---------------------------------------------------------------------------------------------
# Rhythm
# ---------------------------------------------------------------------------------------------

def test_burstiness():
    assert burstiness([60, 60, 60]) == -1.0
    assert math.isnan(burstiness([5]))
    rng = np.random.default_rng(0)
    assert abs(burstiness(rng.exponential(100, 20000))) < 0.02


def test_work_share_exact_at_known_local_hours():
    local = ["2024-01-08 09:00", "2024-01-08 11:59", "2024-01-08 12:30", "2024-01-08 13:00",
             "2024-01-12 17:59", "2024-01-08 18:00", "2024-01-13 10:00", "2024-01-09 08:59"]
    ts = [pd.Timestamp(t, tz="Asia/Shanghai").tz_convert("UTC") for t in local]
    ds = dataset(["a"] * 8, ts)
    f = Rhythm().compute(ds)
    assert f.loc["a", "rhythm_work_share"] == 4 / 8
    assert Rhythm(lunch=None).compute(ds).loc["a", "rhythm_work_share"] == 5 / 8
    assert Rhythm(work_hours=(8, 19), lunch=None).compute(ds).loc["a", "rhythm_work_share"] == 7 / 8
    # Daylight saving: 09:30 New York time before and after the March 2024 change.
    ny = [pd.Timestamp(t, tz="America/New_York").tz_convert("UTC")
          for t in ("2024-03-08 09:30", "2024-03-11 09:30", "2024-03-11 08:30")]
    assert [t.hour for t in ny] == [14, 13, 12]
    f = Rhythm(work_tz="America/New_York").compute(dataset(["n"] * 3, ny))
    assert f.loc["n", "rhythm_work_share"] == 2 / 3


def test_profiles_intervals_entropy_exact():
    # Monday 00:00:00, 00:01:00, 00:03:00, 00:07:00 UTC, and one more on Wednesday 05:00.
    times = [0, 60, 180, 420, 2 * 86400 + 5 * 3600]
    f = Rhythm(min_posts=1).compute(dataset(["a"] * 5, times))
    row = f.loc["a"]
    assert row["rhythm_posts"] == 5
    assert row["rhythm_hour_00"] == 0.8 and row["rhythm_hour_05"] == 0.2
    assert row[[f"rhythm_hour_{h:02d}" for h in range(24)]].sum() == pytest.approx(1.0)
    assert row["rhythm_weekday_mon"] == 0.8 and row["rhythm_weekday_wed"] == 0.2
    iv = np.array([60, 120, 240, 2 * 86400 + 5 * 3600 - 420], dtype=float)
    assert row["rhythm_interval_median"] == 180.0
    assert row["rhythm_interval_cv"] == pytest.approx(iv.std() / iv.mean())
    assert row["rhythm_burstiness"] == pytest.approx(burstiness(iv))
    p = np.array([0.8, 0.2])
    assert row["rhythm_hour_entropy"] == pytest.approx(-(p * np.log(p)).sum() / np.log(24))
    # One post: no intervals; round-the-clock poster: entropy 1.
    g = Rhythm(min_posts=1).compute(dataset(["s"] + ["r"] * 24, [0] + [h * 3600 + 5 for h in range(24)]))
    assert np.isnan(g.loc["s", "rhythm_interval_median"]) and g.loc["s", "rhythm_hour_entropy"] == 0.0
    assert g.loc["r", "rhythm_hour_entropy"] == pytest.approx(1.0)
    assert g.loc["r", "rhythm_burstiness"] == pytest.approx(-1.0)
    assert g.loc["r", "rhythm_best_tz_confidence"] == pytest.approx(3 / 24)


@pytest.mark.parametrize("offset", [-8, -5, -3, 0, 1, 3, 5, 8, 9, 10, 12])
def test_best_tz_recovers_the_zone_of_a_human_day(offset):
    # Accounts living the reference day in a zone: exact with 1000 active hours, within an hour
    # with 150 (the day curve is shallow; the confidence says so).
    rng = np.random.default_rng(100 + offset)
    curve = np.asarray(REFERENCE_DAYS["human"]) / sum(REFERENCE_DAYS["human"])
    acc, times = [], []
    for k, n in enumerate((1000, 1000, 1000, 150, 150)):
        local_hour = rng.choice(24, n, p=curve)
        day = rng.permutation(np.repeat(np.arange(200), 24))[:n]  # distinct (day, hour) cells
        acc += [f"a{k}"] * n
        times += list((day * 24 + local_hour - offset) * 3600.0 + rng.random(n) * 3600)
    f = Rhythm().compute(dataset(acc, times))
    assert (f.loc[["a0", "a1", "a2"], "rhythm_best_tz"] == offset).all()
    assert (f.loc[["a0", "a1", "a2"], "rhythm_best_tz_confidence"] > 0.999).all()
    assert ((f.loc[["a3", "a4"], "rhythm_best_tz"] - offset).abs() <= 1).all()
    assert (f.loc[["a3", "a4"], "rhythm_best_tz_confidence"] > 0.8).all()


@pytest.mark.parametrize("zone, offset", [("Asia/Shanghai", 8), ("Europe/Moscow", 3),
                                          ("America/Sao_Paulo", -3), ("Asia/Tokyo", 9)])
def test_best_tz_of_waking_day_posters_in_real_zones(zone, offset):
    # Posts spread evenly over 08:00-23:59 local time, every day for four weeks.
    rng = np.random.default_rng(1)
    local = pd.Timestamp("2024-01-08", tz=zone) + pd.to_timedelta(
        rng.integers(0, 28, 300) * 86400 + rng.integers(8 * 3600, 24 * 3600, 300), unit="s")
    f = Rhythm().compute(dataset(["a"] * 300, list(local.tz_convert("UTC"))))
    assert abs(f.loc["a", "rhythm_best_tz"] - offset) <= 1


def test_office_reference_and_min_posts():
    local = pd.Timestamp("2024-01-08", tz="Asia/Shanghai") + pd.to_timedelta(
        [d * 86400 + h * 3600 + 600 for d in range(5) for h in (9, 10, 11, 13, 14, 15, 16, 17)], unit="s")
    ds = dataset(["op"] * 40, list(local.tz_convert("UTC")))
    assert Rhythm(reference="office").compute(ds).loc["op", "rhythm_best_tz"] == 8
    # Documented pitfall: against the human day, an office day in UTC+8 reads as UTC-10.
    assert Rhythm().compute(ds).loc["op", "rhythm_best_tz"] == -10
    assert Rhythm().compute(ds).loc["op", "rhythm_work_share"] == 1.0
    few = Rhythm(min_posts=41).compute(ds)
    assert np.isnan(few.loc["op", "rhythm_best_tz"]) and np.isnan(few.loc["op", "rhythm_best_tz_confidence"])


def test_best_utc_offset_function():
    day = np.asarray(REFERENCE_DAYS["human"])
    counts = np.stack([np.roll(day, -o) * 50 for o in (-5, 0, 8)])
    offsets, conf = best_utc_offset(counts)
    assert offsets.tolist() == [-5, 0, 8] and (conf > 0.99).all()
    with pytest.raises(ParameterError, match="shape"):
        best_utc_offset(np.ones((2, 23)))


def test_rhythm_deterministic_and_row_order_free():
    rng = np.random.default_rng(4)
    accounts, ns = organic(rng, 60, 10)
    frame = frame_of(accounts, ns)
    frame["post_id"] = [f"p{i}" for i in range(len(frame))]
    a = Rhythm().compute(Dataset(frame))
    b = Rhythm().compute(Dataset(frame.sample(frac=1, random_state=3)))
    pd.testing.assert_frame_equal(a, b)
    assert a.index.name == "account_id" and len(a) == 60


def test_rhythm_kinds_and_accounts_without_counted_posts():
    ds = dataset(["a", "a", "b"], [0, 60, 120], kind=["post", "repost", "repost"], ref_post_id=[None, "p0", "p0"])
    f = Rhythm(kinds=("post",), min_posts=1).compute(ds)
    assert f.loc["a", "rhythm_posts"] == 1 and f.loc["b", "rhythm_posts"] == 0
    assert np.isnan(f.loc["b", "rhythm_hour_00"]) and np.isnan(f.loc["b", "rhythm_work_share"])


@pytest.mark.parametrize("params, name", [
    ({"work_tz": "Mars/Olympus"}, "work_tz"),
    ({"work_tz": 8}, "work_tz"),
    ({"work_hours": (18, 9)}, "work_hours"),
    ({"work_hours": (9, 25)}, "work_hours"),
    ({"lunch": (7, 8)}, "lunch"),
    ({"lunch": "noon"}, "lunch"),
    ({"reference": "cat"}, "reference"),
    ({"reference": [1.0] * 23}, "reference"),
    ({"reference": [0.0] * 24}, "reference"),
    ({"min_posts": 0}, "min_posts"),
    ({"kinds": "tweet"}, "kinds"),
])
def test_rhythm_parameter_errors(params, name):
    with pytest.raises(ParameterError, match=f"'{name}'"):
        Rhythm(**params).compute(dataset(["a"], [0]))


# ---------------------------------------------------------------------------------------------
# Real data
# ---------------------------------------------------------------------------------------------

def test_runs_on_real_retweets():
    path = DATA / "russian_coord_tweets.csv.gz"
    if not path.exists():
        pytest.skip(f"real data not found at {path}")
    raw = pd.read_csv(path, dtype=str)
    ds = Dataset(pd.DataFrame({"post_id": raw["content_id"], "account_id": raw["account_id"],
                               "timestamp": raw["timestamp_share"].astype("int64"),
                               "kind": "repost", "ref_post_id": raw["object_id"]}))
    edges = SynchronizedActivity().compute(ds)
    assert (edges["account_a"] < edges["account_b"]).all()
    assert (edges["p_adjusted"] <= 0.01).all() and (edges["weight"] >= 0.3).all()
    rhythm = Rhythm().compute(ds)
    assert len(rhythm) == ds.posts["account_id"].nunique()
    assert rhythm["rhythm_work_share"].between(0, 1).all()
    fast = FastReposts().compute(ds)  # a few originals are in the collection as retweets
    assert (fast["fast_repost_timed"] <= fast["fast_repost_reposts"]).all()
    assert fast["fast_repost_reposts"].sum() == len(ds)
