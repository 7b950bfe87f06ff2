"""Invariants of the co-action engine (hypothesis): it equals a brute-force all-pairs reference,
for every projection and window, and does not depend on input row order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coordnet
from coordnet.signals.coaction import CoAction, CoRepost
from coordnet.signals.projections import PROJECTIONS, from_column

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "coortweet"
COMPARED = ["account_a", "account_b", "support", "co_actions", "weight", "median_gap", "a_leads",
            "b_leads", "ties", "first", "last"]


def reference(actions: pd.DataFrame, window_s: float, min_support: int = 1) -> pd.DataFrame:
    """All pairs by brute force: self-merge on target, keep a < b within the window, reduce per
    (pair, target) and then per pair."""
    a = pd.DataFrame({
        "account": actions["account_id"].astype(str).to_numpy(object),
        "target": actions["target"].astype(str).to_numpy(object),
        "ns": pd.DatetimeIndex(actions["timestamp"]).as_unit("ns").asi8,
    })
    n_t = a.groupby("target")["account"].nunique()
    m = a.merge(a, on="target", suffixes=("_a", "_b"))
    m = m[m["account_a"] < m["account_b"]]
    m = m.assign(gap=(m["ns_b"] - m["ns_a"]).abs())
    m = m[m["gap"] <= round(window_s * 1e9)]
    if m.empty:
        return pd.DataFrame({c: [] for c in COMPARED})
    m = m.assign(lo_t=np.minimum(m["ns_a"], m["ns_b"]), hi_t=np.maximum(m["ns_a"], m["ns_b"]))
    pt = m.groupby(["account_a", "account_b", "target"]).agg(
        n=("gap", "size"), g=("gap", "min"), first=("lo_t", "min"), last=("hi_t", "max"),
        fa=("ns_a", "min"), fb=("ns_b", "min")).reset_index()
    pt["lead"] = np.sign(pt["fb"] - pt["fa"])
    pt["w"] = 1.0 / np.log2(pt["target"].map(n_t).astype(float))
    out = pt.groupby(["account_a", "account_b"]).agg(
        support=("target", "size"), co_actions=("n", "sum"), weight=("w", "sum"),
        median_gap=("g", "median"), a_leads=("lead", lambda s: int((s == 1).sum())),
        b_leads=("lead", lambda s: int((s == -1).sum())), ties=("lead", lambda s: int((s == 0).sum())),
        first=("first", "min"), last=("last", "max")).reset_index()
    out["median_gap"] = out["median_gap"] / 1e9
    out["first"] = pd.to_datetime(out["first"], unit="ns", utc=True)
    out["last"] = pd.to_datetime(out["last"], unit="ns", utc=True)
    out = out[out["support"] >= min_support]
    return out[COMPARED].sort_values(["account_a", "account_b"], ignore_index=True)


def assert_matches(edges: pd.DataFrame, actions: pd.DataFrame, windows, min_support: int) -> None:
    for w in windows:
        got = edges.loc[edges["window"] == w, COMPARED].reset_index(drop=True)
        exp = reference(actions, w, min_support)
        assert len(got) == len(exp), (w, got, exp)
        if len(exp) == 0:
            continue
        got = got.astype({"account_a": object, "account_b": object})
        for col in COMPARED:
            if col == "weight":
                np.testing.assert_allclose(got[col].to_numpy(float), exp[col].to_numpy(float), rtol=1e-12)
            elif col in ("first", "last"):
                assert (pd.DatetimeIndex(got[col]).asi8 == pd.DatetimeIndex(exp[col]).asi8).all(), col
            else:
                assert got[col].tolist() == exp[col].tolist(), (w, col)


ACCOUNTS = list("abcdef")


@st.composite
def datasets(draw):
    n = draw(st.integers(0, 40))
    tags = st.lists(st.sampled_from(["hk", "news", "riots", "x"]), max_size=3)
    urls = st.lists(st.sampled_from(["https://a.example.com/1", "https://b.example.com/2",
                                     "https://other.org/3", "https://t.co/z"]), max_size=2)
    texts = st.sampled_from(["The same long sentence pasted by many accounts", "thank you",
                             "Another long sentence that a campaign would copy", None])
    rows = draw(st.lists(st.fixed_dictionaries({
        "account_id": st.sampled_from(ACCOUNTS),
        "timestamp": st.integers(0, 300).map(lambda s: 1_600_000_000_000 + s * 250),  # ms
        "kind": st.sampled_from(["post", "repost", "reply", "quote"]),
        "ref_post_id": st.sampled_from(["r1", "r2", "r3"]),
        "hashtags": tags, "mentions": tags, "urls": urls, "media": tags, "text": texts,
        "group": st.integers(0, 3),
    }), min_size=n, max_size=n))
    df = pd.DataFrame(rows, columns=["account_id", "timestamp", "kind", "ref_post_id", "hashtags",
                                     "mentions", "urls", "media", "text", "group"])
    df["post_id"] = [f"p{i}" for i in range(len(df))]
    df["timestamp"] = pd.to_datetime(df["timestamp"].astype("int64"), unit="ms", utc=True)
    return coordnet.Dataset(df)


windows_st = st.lists(st.sampled_from([0, 0.25, 1, 5, 12.5, 30, 75]), min_size=1, max_size=3, unique=True)


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds=datasets(), windows=windows_st, min_support=st.integers(1, 3),
       name=st.sampled_from(sorted(PROJECTIONS) + ["from_column"]))
def test_engine_equals_brute_force_for_every_projection(ds, windows, min_support, name):
    proj = from_column("group") if name == "from_column" else PROJECTIONS[name]
    res = CoAction(proj, window=list(windows), min_support=min_support).run(ds)
    assert_matches(res.edges, proj(ds), sorted(windows), min_support)
    assert (res.edges["account_a"] < res.edges["account_b"]).all()
    assert res.edges["p_value"].between(0, 1).all() and res.edges["q_value"].between(0, 1).all()
    assert (res.edges["q_value"] >= res.edges["p_value"]).all()


@st.composite
def action_frames(draw):
    n = draw(st.integers(0, 60))
    acc = draw(st.lists(st.sampled_from(ACCOUNTS), min_size=n, max_size=n))
    tgt = draw(st.lists(st.sampled_from(["x", "y", "z"]), min_size=n, max_size=n))
    sec = draw(st.lists(st.integers(0, 200), min_size=n, max_size=n))
    return pd.DataFrame({
        "account_id": pd.Series(acc, dtype="string[pyarrow]"),
        "target": pd.Series(tgt, dtype="string[pyarrow]"),
        "timestamp": pd.to_datetime(np.asarray(sec, dtype="int64") + 1_600_000_000, unit="s", utc=True),
        "post_id": pd.Series([f"p{i}" for i in range(n)], dtype="string[pyarrow]"),
    })


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(acts=action_frames(), windows=st.lists(st.integers(0, 120), min_size=1, max_size=3, unique=True),
       min_support=st.integers(1, 3), perm_seed=st.integers(0, 2**31 - 1),
       cap=st.sampled_from([None, 5, 40]))
def test_engine_is_exact_and_independent_of_row_order(acts, windows, min_support, perm_seed, cap):
    def run(frame):
        return CoAction(lambda d: frame, window=windows, min_support=min_support,
                        max_pairs_per_target=cap).run(EMPTY)

    res = run(acts)
    if cap is None:
        assert_matches(res.edges, acts, sorted(windows), min_support)
    else:
        # Targets over the cap at a window are left out there, and only there: the rest is exact.
        for w in sorted(windows):
            skipped = set(res.notes.loc[res.notes["window"] == w, "target"])
            kept = acts.loc[~acts["target"].isin(list(skipped))]
            assert_matches(res.edges.loc[res.edges["window"] == w], kept, [w], min_support)
    # The evidence of every edge adds up to its co_actions and support (evidence lists every
    # target used at some window: leave out those skipped at this one).
    ev = res.evidence()
    for w in sorted(windows):
        e = res.edges.loc[res.edges["window"] == w, ["account_a", "account_b", "support", "co_actions"]]
        skipped = list(res.notes.loc[res.notes["window"] == w, "target"])
        ev_w = ev.loc[(ev["window"] <= w).to_numpy() & ~ev["target"].isin(skipped).to_numpy()]
        got = (ev_w.groupby(["account_a", "account_b"])
               .agg(support=("target", "nunique"), co_actions=("target", "size")))
        got = got.loc[[tuple(x) for x in e[["account_a", "account_b"]].to_numpy()]] if len(e) else got.iloc[:0]
        assert got["support"].tolist() == e["support"].tolist()
        assert got["co_actions"].tolist() == e["co_actions"].tolist()
    perm = np.random.default_rng(perm_seed).permutation(len(acts))
    again = run(acts.iloc[perm].reset_index(drop=True))
    pd.testing.assert_frame_equal(res.edges, again.edges)
    pd.testing.assert_frame_equal(res.notes, again.notes)


EMPTY = coordnet.Dataset(pd.DataFrame({"post_id": ["0"], "account_id": ["a"], "timestamp": [0]}))


@pytest.mark.skipif(not (DATA / "russian_coord_tweets.csv.gz").exists(),
                    reason="CooRTweet data not found beside the checkout (../shared/data/coortweet)")
def test_real_retweets_equal_brute_force():
    raw = pd.read_csv(DATA / "russian_coord_tweets.csv.gz", dtype=str)
    posts = pd.DataFrame({"post_id": raw["content_id"], "account_id": raw["account_id"],
                          "timestamp": raw["timestamp_share"].astype("int64"), "kind": "repost",
                          "ref_post_id": raw["object_id"]})
    ds = coordnet.Dataset(posts)
    res = CoRepost(window=["10s", "60s"], min_support=1).run(ds)
    from coordnet.signals.projections import co_repost

    assert_matches(res.edges, co_repost(ds), [10.0, 60.0], 1)
    assert len(res.notes) == 0 and len(res.edges) > 1000
