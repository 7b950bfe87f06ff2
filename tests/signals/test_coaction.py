"""Hand-built cases that pin the co-action engine's semantics exactly."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest

import coordnet
from coordnet.errors import ParameterError, SchemaError
from coordnet.signals.base import all_signals
from coordnet.signals.coaction import (
    EDGE_DTYPES,
    CoAction,
    CoActionResult,
    CoDomain,
    CoHashtag,
    CoImage,
    CoLink,
    CoMention,
    CoQuote,
    CoReply,
    CoRepost,
    CoText,
    HashtagSequence,
)
from coordnet.signals.projections import co_repost

T0 = 1_600_000_000  # epoch seconds


def reposts(rows) -> coordnet.Dataset:
    """A Dataset of reposts from (account, reposted post, seconds after T0) tuples."""
    df = pd.DataFrame(rows, columns=["account_id", "ref_post_id", "t"])
    df["post_id"] = [f"p{i}" for i in range(len(df))]
    df["kind"] = "repost"
    df["timestamp"] = pd.to_datetime(T0 + df.pop("t").astype("int64"), unit="s", utc=True)
    return coordnet.Dataset(df)


def ts(seconds: int) -> pd.Timestamp:
    return pd.Timestamp(T0 + seconds, unit="s", tz="UTC")


def pairs(edges: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(edges["account_a"], edges["account_b"], strict=True))


# ---------------------------------------------------------------------------------------------
# Window semantics
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("window", ["60s", 60, 60.0, "1min", dt.timedelta(minutes=1), pd.Timedelta(seconds=60)])
def test_gap_equal_to_window_counts(window):
    edges = CoRepost(window=window, min_support=1).compute(reposts([("a", "x", 0), ("b", "x", 60)]))
    assert pairs(edges) == [("a", "b")]
    assert edges["support"].tolist() == [1]
    assert edges["median_gap"].tolist() == [60.0]
    assert edges["window"].tolist() == [60.0]


def test_gap_one_second_over_window_does_not_count():
    edges = CoRepost(window="60s", min_support=1).compute(reposts([("a", "x", 0), ("b", "x", 61)]))
    assert len(edges) == 0
    assert list(edges.columns) == list(EDGE_DTYPES)


def test_window_zero_means_same_instant():
    ds = reposts([("a", "x", 0), ("b", "x", 0), ("c", "x", 1)])
    edges = CoRepost(window=0, min_support=1).compute(ds)
    assert pairs(edges) == [("a", "b")]
    assert edges["ties"].tolist() == [1]


def test_sub_second_timestamps_are_exact():
    df = pd.DataFrame({"post_id": ["1", "2", "3"], "account_id": ["a", "b", "c"], "kind": "repost",
                       "ref_post_id": "x",
                       "timestamp": pd.to_datetime([0, 1_500, 1_501], unit="ms", utc=True)})
    edges = CoRepost(window="1.5s", min_support=1).compute(coordnet.Dataset(df))
    assert pairs(edges) == [("a", "b"), ("b", "c")]
    assert edges["median_gap"].tolist() == [1.5, 0.001]


def test_repeated_actions_of_one_account_on_one_target():
    ds = reposts([("a", "x", 0), ("a", "x", 10), ("a", "x", 100), ("b", "x", 50)])
    e45 = CoRepost(window="45s", min_support=1).compute(ds)
    # Only (a@10, b@50) is within 45 s.
    assert e45[["support", "co_actions", "median_gap"]].values.tolist() == [[1, 1, 40.0]]
    assert (e45["first"].iloc[0], e45["last"].iloc[0]) == (ts(10), ts(50))
    e50 = CoRepost(window="50s", min_support=1).compute(ds)
    # (a@0, b@50), (a@10, b@50) and (b@50, a@100): three co-actions on one target.
    assert e50[["support", "co_actions", "median_gap", "a_leads", "b_leads", "ties"]].values.tolist() == [
        [1, 3, 40.0, 1, 0, 0]]
    assert (e50["first"].iloc[0], e50["last"].iloc[0]) == (ts(0), ts(100))


def test_three_accounts_at_staggered_times():
    ds = reposts([("a", "x", 0), ("b", "x", 40), ("c", "x", 80)])
    edges = CoRepost(window="50s", min_support=1).compute(ds)
    assert pairs(edges) == [("a", "b"), ("b", "c")]
    assert edges["median_gap"].tolist() == [40.0, 40.0]


def test_accounts_acting_on_many_targets():
    rows = []
    for k in range(5):
        rows += [("a", f"x{k}", 1000 * k), ("b", f"x{k}", 1000 * k + k + 1)]
    rows += [("c", "x0", 0)]  # x0 is shared by three accounts: it weighs less
    edges = CoRepost(window="10s", min_support=2).compute(reposts(rows))
    assert pairs(edges) == [("a", "b")]
    row = edges.iloc[0]
    assert (row["support"], row["co_actions"], row["median_gap"]) == (5, 5, 3.0)
    assert row["weight"] == pytest.approx(4 + 1 / np.log2(3))
    assert (row["a_leads"], row["b_leads"], row["ties"]) == (5, 0, 0)
    assert (row["first"], row["last"]) == (ts(0), ts(4005))
    with_c = CoRepost(window="10s", min_support=1).compute(reposts(rows))
    assert pairs(with_c) == [("a", "b"), ("a", "c"), ("b", "c")]


def test_self_pairs_never():
    ds = reposts([("a", "x", 0), ("a", "x", 1), ("a", "y", 0), ("a", "y", 2)])
    assert len(CoRepost(window="60s", min_support=1).compute(ds)) == 0
    ds2 = reposts([("a", "x", 0), ("a", "x", 1), ("b", "x", 500)])
    assert len(CoRepost(window="60s", min_support=1).compute(ds2)) == 0


def test_lead_lag_counts_and_orientation():
    # "amy" < "zed": amy is account_a. amy first on x1..x3, zed first on x4, x5, a tie on x6.
    rows = [("amy", "x1", 0), ("zed", "x1", 5), ("amy", "x2", 100), ("zed", "x2", 101),
            ("zed", "x3", 210), ("amy", "x3", 200), ("zed", "x4", 300), ("amy", "x4", 330),
            ("zed", "x5", 400), ("amy", "x5", 401), ("amy", "x6", 500), ("zed", "x6", 500)]
    edges = CoRepost(window="60s").compute(reposts(rows))
    assert pairs(edges) == [("amy", "zed")]
    assert edges[["support", "a_leads", "b_leads", "ties"]].values.tolist() == [[6, 3, 2, 1]]


def test_lead_uses_earliest_co_acting_action():
    # zed's first action on x is outside the window of amy's: it is not a co-action.
    rows = [("zed", "x", 0), ("amy", "x", 100), ("zed", "x", 130)]
    edges = CoRepost(window="60s", min_support=1).compute(reposts(rows))
    assert edges[["a_leads", "b_leads", "co_actions"]].values.tolist() == [[1, 0, 1]]


def test_several_windows_in_one_run_equal_separate_runs():
    rng = np.random.default_rng(3)
    rows = [(f"u{rng.integers(0, 40)}", f"x{rng.integers(0, 30)}", int(rng.integers(0, 7200)))
            for _ in range(1500)]
    rows += [(f"v{i}", "viral", int(rng.integers(0, 300))) for i in range(60)]
    ds = reposts(rows)
    windows = ["10s", "60s", "1h"]
    multi = CoRepost(window=windows, min_support=2, max_pairs_per_target=600).run(ds)
    assert sorted(multi.edges["window"].unique().tolist()) == [10.0, 60.0, 3600.0]
    notes = []
    for w in windows:
        one = CoRepost(window=w, min_support=2, max_pairs_per_target=600).run(ds)
        got = multi.edges.loc[multi.edges["window"] == one.windows[0]].reset_index(drop=True)
        assert len(got) > 0
        pd.testing.assert_frame_equal(got, one.edges)
        notes.append(one.notes)
    pd.testing.assert_frame_equal(multi.notes, pd.concat(notes, ignore_index=True)
                                  .sort_values(["reason", "window", "target"], ignore_index=True))
    # The viral target is over the cap at the larger windows only.
    assert set(multi.notes["window"]) == {60.0, 3600.0}


def test_input_row_order_does_not_matter():
    rng = np.random.default_rng(7)
    rows = [(f"u{rng.integers(0, 25)}", f"x{rng.integers(0, 15)}", int(rng.integers(0, 3600)))
            for _ in range(600)]
    a = CoRepost(window=["30s", "5min"], min_support=1).compute(reposts(rows))
    shuffled = [rows[i] for i in rng.permutation(len(rows))]
    b = CoRepost(window=["30s", "5min"], min_support=1).compute(reposts(shuffled))
    pd.testing.assert_frame_equal(a, b)
    dup = CoRepost(window=["30s", "5min"], min_support=1).compute(reposts(rows + rows[:0]))
    pd.testing.assert_frame_equal(a, dup)


# ---------------------------------------------------------------------------------------------
# Output form
# ---------------------------------------------------------------------------------------------


def test_edge_columns_and_dtypes():
    edges = CoRepost(window="60s").compute(reposts([("b", "x", 0), ("a", "x", 5), ("a", "y", 100),
                                                    ("b", "y", 120)]))
    assert list(edges.columns) == list(EDGE_DTYPES)
    for col, dtype in EDGE_DTYPES.items():
        assert edges[col].dtype == dtype, col
    assert pairs(edges) == [("a", "b")]
    assert edges["signal"].tolist() == ["co_repost"]


def test_empty_dataset_gives_empty_typed_edges():
    ds = coordnet.Dataset(pd.DataFrame({"post_id": ["1"], "account_id": ["a"], "timestamp": [0]}))
    res = CoRepost().run(ds)
    assert len(res.edges) == 0 and list(res.edges.columns) == list(EDGE_DTYPES)
    assert res.edges["first"].dtype == EDGE_DTYPES["first"]
    assert len(res.notes) == 0


def test_result_object():
    ds = reposts([("a", "x", 0), ("b", "x", 5), ("a", "y", 100), ("b", "y", 120)])
    res = CoRepost(window=["10s", "60s"]).run(ds)
    assert isinstance(res, CoActionResult)
    assert res.windows == (10.0, 60.0)
    assert res.signal == "co_repost"
    assert res.params["window"] == [10.0, 60.0]
    assert res.params["min_support"] == 2
    assert repr(res).startswith("<CoActionResult co_repost: 1 edges")
    assert "<table" in res._repr_html_()
    with pytest.raises(AttributeError):
        res.edges = None  # frozen


# ---------------------------------------------------------------------------------------------
# Filters and caps
# ---------------------------------------------------------------------------------------------


def test_min_support_min_weight_min_accounts():
    rows = [("a", "x", 0), ("b", "x", 1), ("a", "y", 0), ("b", "y", 1), ("c", "y", 2),
            ("a", "z", 0), ("c", "z", 1)]
    ds = reposts(rows)
    assert pairs(CoRepost(min_support=1).compute(ds)) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert pairs(CoRepost(min_support=2).compute(ds)) == [("a", "b"), ("a", "c")]
    w = CoRepost(min_support=1).compute(ds).set_index(["account_a", "account_b"])["weight"]
    assert w[("a", "b")] == pytest.approx(1 + 1 / np.log2(3))
    assert pairs(CoRepost(min_support=1, min_weight=1.5).compute(ds)) == [("a", "b"), ("a", "c")]
    # Only y has three accounts.
    assert pairs(CoRepost(min_support=1, min_accounts=3).compute(ds)) == [("a", "b"), ("a", "c"), ("b", "c")]
    e3 = CoRepost(min_support=1, min_accounts=3).compute(ds)
    assert e3["support"].tolist() == [1, 1, 1]


def test_time_range():
    ds = reposts([("a", "x", 0), ("b", "x", 5), ("a", "y", 1000), ("b", "y", 1005)])
    edges = CoRepost(min_support=1, start=ts(500)).compute(ds)
    assert edges["support"].tolist() == [1] and edges["first"].tolist() == [ts(1000)]
    edges = CoRepost(min_support=1, end=ts(1000)).compute(ds)
    assert edges["last"].tolist() == [ts(5)]
    assert len(CoRepost(min_support=1, start=ts(6), end=ts(1000)).compute(ds)) == 0


def _viral_dataset():
    rows = [(f"v{i:02d}", "V", i % 10) for i in range(50)]  # 50 accounts within 10 s
    rows += [("a", "x", 100), ("b", "x", 101), ("a", "y", 200), ("b", "y", 230)]
    return reposts(rows)


def test_viral_cap_skips_target_with_a_note_and_a_warning(caplog):
    ds = _viral_dataset()
    with caplog.at_level(logging.WARNING, logger="coordnet.signals.coaction"):
        res = CoRepost(window="60s", min_support=1, max_pairs_per_target=100).run(ds)
    assert pairs(res.edges) == [("a", "b")]
    note = res.notes.iloc[0].to_dict()
    assert len(res.notes) == 1
    assert note == {"target": "V", "window": 60.0, "actions": 50, "accounts": 50,
                    "candidate_pairs": 1225, "reason": "max_pairs_per_target",
                    "action": "skipped", "kept_actions": 0, "kept_pairs": 0}
    assert "1 target(s) skipped at window 60s (max_pairs_per_target): 50 of their 50 actions" in caplog.text
    assert res.stats["targets_over_pair_cap"] == [1]
    assert "V" not in set(res.actions["target"])
    # Without the cap the viral target makes all 1,225 pairs.
    full = CoRepost(window="60s", min_support=1, max_pairs_per_target=None).run(ds)
    assert len(full.edges) == 1225 + 1 and len(full.notes) == 0


def test_viral_cap_sample_is_bounded_seeded_and_order_free():
    ds = _viral_dataset()
    kw = dict(window="60s", min_support=1, max_pairs_per_target=100, viral="sample")
    res = CoRepost(**kw).run(ds)
    note = res.notes.iloc[0]
    assert (note["action"], note["target"]) == ("sampled", "V")
    assert 0 < note["kept_pairs"] <= 100 and note["kept_actions"] < 50
    n = int(note["kept_actions"])
    assert len(res.edges) == n * (n - 1) // 2 + 1  # all kept viral accounts pair up, plus (a, b)
    assert note["kept_pairs"] == n * (n - 1) // 2
    again = CoRepost(**kw).run(ds)
    pd.testing.assert_frame_equal(res.edges, again.edges)
    posts = ds.posts.sample(frac=1, random_state=1)
    shuffled = CoRepost(**kw).run(coordnet.Dataset(posts))
    pd.testing.assert_frame_equal(res.edges, shuffled.edges)
    other = CoRepost(**kw, seed=5).run(ds)
    assert set(other.actions["post_id"]) != set(res.actions["post_id"])


def test_max_accounts_note():
    res = CoRepost(window="60s", min_support=1, max_accounts=10).run(_viral_dataset())
    assert pairs(res.edges) == [("a", "b")]
    note = res.notes.iloc[0]
    assert (note["target"], note["reason"], note["action"], note["accounts"]) == (
        "V", "max_accounts", "skipped", 50)
    assert np.isnan(note["window"]) and pd.isna(note["candidate_pairs"])


# ---------------------------------------------------------------------------------------------
# Weight, null model, significance
# ---------------------------------------------------------------------------------------------


def test_null_model_by_hand():
    # a, b on x and y; c on y and z (alone on z). Every action within the window: pi = 1.
    ds = reposts([("a", "x", 0), ("b", "x", 1), ("a", "y", 10), ("b", "y", 11), ("c", "y", 12),
                  ("c", "z", 20)])
    res = CoRepost(window="60s", min_support=1, significance="none").run(ds)
    e = res.edges.set_index(["account_a", "account_b"])
    # k = 2 for everyone, M = 6; others: x 1, y 2. lambda_ab = 2/6 * (1 + 2) = 1.
    assert e.loc[("a", "b"), "expected"] == pytest.approx(1.0)
    assert e.loc[("a", "b"), "p_value"] == pytest.approx(1 - np.exp(-1) * 2)
    # a -> c: a's targets x (1 other), y (2 others): 2/6 * 3 = 1; c -> a: y only (z has no
    # other account): 2/6 * 2. The larger is kept.
    assert e.loc[("a", "c"), "expected"] == pytest.approx(1.0)
    assert e.loc[("a", "c"), "p_value"] == pytest.approx(1 - np.exp(-1))
    assert (e["q_value"] == e["p_value"]).all()
    bonf = CoRepost(window="60s", min_support=1, significance="bonferroni").compute(ds)
    assert bonf["q_value"].tolist() == pytest.approx(np.minimum(res.edges["p_value"] * 3, 1).tolist())
    bh = CoRepost(window="60s", min_support=1).compute(ds)
    p = res.edges["p_value"].to_numpy()
    order = np.argsort(p)
    expected_q = np.minimum.accumulate((p[order] * 3 / np.arange(1, 4))[::-1])[::-1]
    assert bh["q_value"].to_numpy()[order] == pytest.approx(np.minimum(expected_q, 1))


def test_timing_share_lowers_expectation():
    # Same targets, but b's action on y is far from the others: y's within-window share drops.
    close = reposts([("a", "x", 0), ("b", "x", 1), ("a", "y", 10), ("b", "y", 11), ("c", "y", 12)])
    far = reposts([("a", "x", 0), ("b", "x", 1), ("a", "y", 10), ("c", "y", 12), ("b", "y", 5000)])
    e_close = CoRepost(window="60s", min_support=1).compute(close).set_index(["account_a", "account_b"])
    e_far = CoRepost(window="60s", min_support=1).compute(far).set_index(["account_a", "account_b"])
    # y: 3 action pairs, 1 within the window in `far` (a-c): pi_y = 1/3.
    assert e_far.loc[("a", "c"), "expected"] < e_close.loc[("a", "c"), "expected"]
    assert e_far.loc[("a", "b"), "support"] == 1


def _cascade(seed=0, n_organic=3000, n_pool=2000, n_planted=20, n_posts=15):
    rng = np.random.default_rng(seed)
    day = 86400
    acc, tgt, tt = [], [], []

    def add(a, g, t):
        acc.extend(a)
        tgt.extend(g)
        tt.extend(np.asarray(t, dtype=float).tolist())

    organic = [f"o{i:04d}" for i in range(n_organic)]
    # Everyone reposts the viral post V, arrival lognormal with a 10-minute median.
    add(organic, ["V"] * n_organic, rng.lognormal(np.log(600), 1.0, n_organic))
    pop = 1 / np.arange(1, n_pool + 1) ** 0.9
    pop /= pop.sum()
    created = rng.uniform(0, day, n_pool)
    planted = [f"z{i:02d}" for i in range(n_planted)]
    for a in organic + planted:
        chosen = np.unique(rng.choice(n_pool, 1 + rng.poisson(4), p=pop))
        add([a] * len(chosen), [f"p{c}" for c in chosen],
            created[chosen] + rng.lognormal(np.log(1800), 1.5, len(chosen)))
    add(planted, ["V"] * n_planted, rng.lognormal(np.log(600), 1.0, n_planted))
    for j in range(n_posts):  # the planted group: 15 posts, all within 30 s
        add(planted, [f"c{j}"] * n_planted, rng.uniform(0, day) + rng.uniform(0, 30, n_planted))
    df = pd.DataFrame({"account_id": acc, "ref_post_id": tgt, "kind": "repost",
                       "timestamp": pd.to_datetime(T0 + np.floor(tt).astype("int64"), unit="s", utc=True)})
    df["post_id"] = [f"r{i}" for i in range(len(df))]
    return coordnet.Dataset(df)


@pytest.mark.parametrize("seed", [0, 1])
def test_organic_cascade_is_quiet_and_planted_group_is_loud(seed):
    res = CoRepost().run(_cascade(seed))
    e = res.edges
    assert len(res.notes) == 0  # the viral post is analyzed, not skipped
    planted = (e["account_a"].str.startswith("z") & e["account_b"].str.startswith("z")).to_numpy()
    assert planted.sum() == 190 and e.loc[planted, "significant"].all()
    assert (e.loc[planted, "support"] >= 15).all()
    organic = e.loc[~planted]
    assert len(organic) > 500  # plenty of chance co-reposts, at support >= 2 ...
    assert not organic["significant"].any()  # ... none significant
    assert CoRepost(significant_only=True).compute(_cascade(seed))["account_a"].str.startswith("z").all()


# ---------------------------------------------------------------------------------------------
# Evidence
# ---------------------------------------------------------------------------------------------


def test_evidence_for_pairs_groups_and_windows():
    ds = reposts([("a", "x", 0), ("b", "x", 5), ("c", "x", 50), ("a", "y", 1000), ("b", "y", 1030),
                  ("c", "y", 5000)])
    res = CoRepost(window=["10s", "60s"], min_support=1).run(ds)
    ev = res.evidence(pairs=[("b", "a")])
    assert ev[["account_a", "account_b", "target", "post_a", "post_b", "gap_seconds", "window"]].values.tolist() == [
        ["a", "b", "x", "p0", "p1", 5.0, 10.0], ["a", "b", "y", "p3", "p4", 30.0, 60.0]]
    assert ev["time_a"].tolist() == [ts(0), ts(1000)] and ev["time_b"].tolist() == [ts(5), ts(1030)]
    group = res.evidence(accounts=["a", "b", "c"])
    assert group[["account_a", "account_b", "target"]].values.tolist() == [
        ["a", "b", "x"], ["a", "b", "y"], ["a", "c", "x"], ["b", "c", "x"]]
    assert res.evidence(accounts=["a", "b", "c"], window="10s")["target"].tolist() == ["x"]
    from_edges = res.evidence(pairs=res.edges[res.edges["window"] == 60.0].head(1))
    assert from_edges["account_a"].unique().tolist() == ["a"]
    assert len(res.evidence()) == 4
    assert len(res.evidence(accounts=["nobody"])) == 0
    with pytest.raises(ParameterError, match="pairs"):
        res.evidence(pairs=[("a", "b", "c")])
    with pytest.raises(SchemaError, match="account_a"):
        res.evidence(pairs=pd.DataFrame({"x": ["a"]}))


# ---------------------------------------------------------------------------------------------
# Projections through the signals, custom projections
# ---------------------------------------------------------------------------------------------


def _mixed():
    text = "Hong Kong rioters must be stopped now!"
    posts = pd.DataFrame({
        "post_id": [f"{i}" for i in range(8)],
        "account_id": ["a", "b", "a", "b", "a", "b", "c", "c"],
        "timestamp": [0, 10, 100, 110, 200, 210, 300, 300],
        "kind": ["post", "post", "reply", "reply", "quote", "quote", "repost", "repost"],
        "ref_post_id": [None, None, "r1", "r1", "q1", "q1", "s1", "s2"],
        "text": [text, text + " https://t.co/x", "ok", "ok", "", None, text, text],
        "urls": [["https://news.example.com/a"], ["https://news.example.com/a?utm_source=x"],
                 ["https://t.co/abc"], ["https://other.example.com/b"], [], [], ["https://news.example.com/a"], []],
        "hashtags": [["HK", "Riots"], ["hk", "riots"], ["hk"], [], [], ["HK"], ["hk", "riots"], []],
        "mentions": [["@cnn"], ["CNN"], [], [], [], [], ["cnn"], []],
        "media": [["img1"], ["img1"], [], [], [], [], ["img1"], []],
    })
    return coordnet.Dataset(posts)


@pytest.mark.parametrize("cls, expected", [
    (CoReply, [("a", "b", 1)]),
    (CoQuote, [("a", "b", 1)]),
    (CoLink, [("a", "b", 1)]),
    (CoDomain, [("a", "b", 1)]),  # example.com (t.co is excluded)
    (CoHashtag, [("a", "b", 2)]),  # hk, riots
    (CoMention, [("a", "b", 1)]),
    (CoImage, [("a", "b", 1)]),
    (CoText, [("a", "b", 1)]),
    (HashtagSequence, [("a", "b", 1)]),
])
def test_named_signals_on_a_mixed_dataset(cls, expected):
    edges = cls(window="1h", min_support=1).compute(_mixed())
    got = list(zip(edges["account_a"], edges["account_b"], edges["support"], strict=True))
    assert got == expected
    assert edges["signal"].unique().tolist() == [cls.name]


def test_co_repost_signal_ignores_other_kinds():
    assert len(CoRepost(window="1h", min_support=1).compute(_mixed())) == 0


def test_custom_projection_runs_through_the_engine():
    def by_client(ds):
        p = ds.posts
        return pd.DataFrame({"account_id": p["account_id"], "target": p["client"],
                             "timestamp": p["timestamp"], "post_id": p["post_id"]})

    posts = pd.DataFrame({"post_id": ["1", "2", "3"], "account_id": ["a", "b", "c"],
                          "timestamp": [0, 5, 9], "client": ["bot", "bot", None]})
    ds = coordnet.Dataset(posts)
    edges = CoAction(by_client, window="10s", min_support=1).compute(ds)
    assert pairs(edges) == [("a", "b")] and edges["signal"].tolist() == ["by_client"]
    lam = CoAction(lambda d: by_client(d).drop(columns="post_id"), min_support=1).run(ds)
    assert lam.edges["signal"].tolist() == ["co_action"]
    assert lam.actions["post_id"].isna().all()
    assert CoAction(by_client, min_support=1, label="co_client").compute(ds)["signal"].tolist() == ["co_client"]


def test_from_column_projection_in_the_engine():
    from coordnet.signals.projections import from_column

    posts = pd.DataFrame({"post_id": ["1", "2", "3", "4"], "account_id": ["a", "b", "a", "b"],
                          "timestamp": [0, 5, 100, 103], "domain_id": [7, 7, 9, 9]})
    edges = CoAction(from_column("domain_id"), min_support=2).compute(coordnet.Dataset(posts))
    assert edges[["account_a", "account_b", "signal", "support"]].values.tolist() == [
        ["a", "b", "co_domain_id", 2]]


def test_named_signals_are_found_by_walking_subclasses():
    found = all_signals()
    for name in ("co_repost", "co_reply", "co_quote", "co_link", "co_domain", "co_hashtag",
                 "co_mention", "co_image", "co_text", "hashtag_sequence"):
        assert name in found
        sig = found[name]()
        assert sig.get_params()["window"] == "60s" and "projection" not in sig.get_params()
    assert "co_action" not in found  # the generic engine needs a projection
    assert repr(CoRepost(window="30s")).startswith("CoRepost(window='30s', min_support=2")
    assert CoDomain(exclude=["example.com"]).get_params()["exclude"] == ["example.com"]


def test_co_domain_exclusions_and_co_text_threshold():
    ds = _mixed()
    # a@0 (news.example.com) pairs with b@10 (news.) and b@110 (other.example.com).
    assert CoDomain(window="1h", min_support=1).compute(ds)["co_actions"].tolist() == [2]
    assert len(CoDomain(window="1h", min_support=1, exclude=()).compute(ds)) == 1
    assert len(CoDomain(window="1h", min_support=1, exclude=["example.com"]).compute(ds)) == 0
    assert len(CoText(window="1h", min_support=1, min_chars=100).compute(ds)) == 0


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, name", [
    ({"window": -5}, "window"),
    ({"window": "soon"}, "window"),
    ({"window": []}, "window"),
    ({"window": ["10s", None]}, "window"),
    ({"min_support": 0}, "min_support"),
    ({"min_support": 1.5}, "min_support"),
    ({"min_weight": -1}, "min_weight"),
    ({"min_accounts": 1}, "min_accounts"),
    ({"max_accounts": 1}, "max_accounts"),
    ({"max_pairs_per_target": 0}, "max_pairs_per_target"),
    ({"viral": "drop"}, "viral"),
    ({"start": "not a date"}, "start"),
    ({"start": "2021-01-02", "end": "2021-01-01"}, "end"),
    ({"alpha": 2}, "alpha"),
    ({"significance": "fdr"}, "significance"),
    ({"significant_only": "yes"}, "significant_only"),
    ({"seed": -1}, "seed"),
    ({"label": ""}, "label"),
    ({"chunk_pairs": 0}, "chunk_pairs"),
])
def test_bad_parameters_raise_parameter_error_naming_them(kwargs, name):
    ds = reposts([("a", "x", 0), ("b", "x", 5)])
    with pytest.raises(ParameterError, match=f"'{name}'") as info:
        CoRepost(**kwargs).compute(ds)
    assert info.value.name == name


def test_other_bad_parameters():
    ds = reposts([("a", "x", 0), ("b", "x", 5)])
    with pytest.raises(ParameterError, match="'projection'"):
        CoAction("co_repost").compute(ds)
    with pytest.raises(ParameterError, match="'exclude'"):
        CoDomain(exclude="t.co").compute(ds)
    with pytest.raises(ParameterError, match="'min_chars'"):
        CoText(min_chars=0).compute(ds)
    with pytest.raises(ParameterError, match="Dataset"):
        CoRepost().compute(ds.posts)
    with pytest.raises(ParameterError, match="Dataset"):
        CoRepost().run(ds.posts)


def test_missing_columns_raise_schema_error():
    ds = reposts([("a", "x", 0), ("b", "x", 5)])
    lacking = coordnet.Dataset._trusted(ds.posts.drop(columns="ref_post_id"), ds.accounts, ds.rejects)
    with pytest.raises(SchemaError, match="ref_post_id"):
        CoRepost().compute(lacking)
    with pytest.raises(SchemaError, match="'target'"):
        CoAction(lambda d: d.posts[["account_id", "timestamp"]]).compute(ds)
    with pytest.raises(SchemaError, match="timestamp"):
        CoAction(lambda d: d.posts.assign(target="x", timestamp=1)).compute(ds)
    with pytest.raises(SchemaError, match="DataFrame"):
        CoAction(lambda d: None).compute(ds)
    from coordnet.signals.projections import from_column

    with pytest.raises(SchemaError, match="'nope'"):
        CoAction(from_column("nope")).compute(ds)


def test_actions_without_account_target_or_time_are_left_out_with_a_warning(caplog):
    ds = reposts([("a", "x", 0), ("b", "x", 5)])

    def proj(d):
        out = co_repost(d)
        extra = pd.DataFrame({"account_id": ["c"], "target": [None], "timestamp": [ts(1)], "post_id": ["z"]})
        return pd.concat([out, extra.astype(out.dtypes.to_dict())], ignore_index=True)

    with caplog.at_level(logging.WARNING):
        edges = CoAction(proj, min_support=1).compute(ds)
    assert pairs(edges) == [("a", "b")]
    assert "1 action(s) without account, target or timestamp left out" in caplog.text
