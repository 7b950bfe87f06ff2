"""Organic audiences (fans of one account, each at their own pace) are shown, not flagged; rings
that move in waves, at machine speed or that leave another trace (accounts created together) stay
networks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordnet.audience import (
    _wave_share,
    audience_statistics,
    intraclass_correlation,
    organic_audiences,
    trace_shares,
)
from coordnet.dataset import Dataset
from coordnet.detect import detect

T0 = 1_600_000_000


def _background(rng, rows, n_accounts=150, days=10):
    """Organic accounts posting and reposting each other at random, minutes to hours apart."""
    posts = []
    for i in range(n_accounts):
        for _ in range(int(rng.integers(2, 8))):
            pid = f"o{len(rows)}"
            t = T0 + int(rng.uniform(0, days * 86400))
            rows.append({"post_id": pid, "account_id": f"org{i}", "timestamp": t, "text": f"post {pid}"})
            posts.append((pid, f"org{i}", t))
    for _ in range(400):
        pid, src, t = posts[int(rng.integers(len(posts)))]
        who = f"org{int(rng.integers(n_accounts))}"
        if who != src:
            rows.append({"post_id": f"o{len(rows)}", "account_id": who, "kind": "repost", "ref_post_id": pid,
                         "ref_account_id": src, "timestamp": t + int(rng.uniform(300, 30000))})


def _amplified(*, pace, waves=False, batch=False, night=False, n_posts=15, n_members=12, seed=0,
               source_followers=None, outsiders=0):
    """One source posts daily; members repost it. ``pace``: "human" (each member has their own
    typical delay, minutes), "machine" (2-9 s). ``waves``: a per-post lag shared by all.
    ``batch``: the members' accounts were created within the same hour. ``night``: every third
    post comes at night and each member answers it 4-8 hours later, when they wake up.
    ``source_followers``: the source's follower count (unknown when None). ``outsiders``: that
    many other accounts repost one of the source's posts each."""
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    _background(rng, rows)
    members = [f"m{i}" for i in range(n_members)]
    own = dict(zip(members, rng.lognormal(np.log(240), 0.8, n_members), strict=True))
    for j in range(n_posts):
        t = T0 + 3600 + 86400 * j // 2 + int(rng.integers(0, 3600))
        rows.append({"post_id": f"s{j}", "account_id": "source", "timestamp": t, "text": f"news {j}"})
        lag = rng.uniform(30, 1800) if waves else 0.0
        for m in members:
            if pace == "machine":
                d = rng.uniform(2, 9)
            else:
                d = (rng.uniform(0, 40) if waves else own[m] * rng.lognormal(0, 0.5)) + 3
                if night and j % 3 == 0:
                    d += rng.uniform(4 * 3600, 8 * 3600)
            rows.append({"post_id": f"r{j}_{m}", "account_id": m, "kind": "repost", "ref_post_id": f"s{j}",
                         "ref_account_id": "source", "timestamp": t + int(lag + d)})
    for i in range(outsiders):
        j = int(rng.integers(n_posts))
        t = int(next(r["timestamp"] for r in rows if r["post_id"] == f"s{j}"))
        rows.append({"post_id": f"x{i}", "account_id": f"fan{i}", "kind": "repost", "ref_post_id": f"s{j}",
                     "ref_account_id": "source", "timestamp": t + int(rng.uniform(600, 20000))})
    posts = pd.DataFrame(rows)
    ids = sorted(set(posts["account_id"]))
    created = T0 - rng.uniform(100, 3000, len(ids)) * 86400
    if batch:
        created[[ids.index(m) for m in members]] = T0 - 40 * 86400 + rng.uniform(0, 3600, n_members)
    accounts = pd.DataFrame({"account_id": ids, "created_at": pd.to_datetime(created, unit="s", utc=True)})
    if source_followers is not None:
        accounts["followers"] = pd.array([source_followers if a == "source" else 150 for a in ids], dtype="Int64")
    return Dataset(posts, accounts), set(members)


def _status_of(result, members):
    acc = result.accounts[result.accounts["account_id"].isin(members)]
    groups = acc["network_id"].dropna().tolist() + acc["candidate_group"].dropna().tolist()
    assert groups, "the members form no group at all"
    gid = pd.Series(groups).mode()[0]
    return result.networks.set_index("network_id").loc[gid, "status"], acc


def test_fans_at_their_own_pace_are_an_audience_not_a_network():
    ds, members = _amplified(pace="human")
    result = detect(ds, signals=["co_repost", "creation_burst"])
    status, acc = _status_of(result, members)
    assert status == "organic_audience"
    assert acc["network_id"].isna().all()
    assert (acc["score"] < 0.5).all()  # their ties among themselves do not count as evidence
    gid = int(acc["candidate_group"].mode()[0])
    said = [s for s in result.evidence(gid).sentences if s.startswith("audience check")]
    assert said and "100% of the members' shared amplification goes to source" in said[0]
    assert "shown as an organic audience" in said[0]
    stats = audience_statistics(ds, {0: members})
    assert stats.loc[0, "top_source"] == "source" and stats.loc[0, "source_share"] == 1.0
    assert stats.loc[0, "habit_share"] > 0.5 and stats.loc[0, "wave_share"] < 0.3


@pytest.mark.parametrize("kwargs", [dict(pace="human", waves=True), dict(pace="machine"),
                                    dict(pace="human", batch=True)],
                         ids=["waves", "machine-speed", "created-together"])
def test_rings_that_move_together_or_leave_other_traces_stay_networks(kwargs):
    ds, members = _amplified(**kwargs)
    result = detect(ds, signals=["co_repost", "creation_burst"])
    status, acc = _status_of(result, members)
    assert status == "network"
    assert acc["network_id"].notna().sum() >= len(members) - 1


def test_an_account_a_dozen_people_follow_has_no_audience_of_a_dozen():
    """The same human-paced ring is an audience of a singer with a million followers, and a
    network when the account it amplifies has eleven."""
    for followers, expected in ((1_000_000, "organic_audience"), (11, "network")):
        ds, members = _amplified(pace="human", source_followers=followers)
        status, _ = _status_of(detect(ds, signals=["co_repost", "creation_burst"]), members)
        assert status == expected, followers
        stats = audience_statistics(ds, {0: members})
        assert stats.loc[0, "source_followers"] == followers and stats.loc[0, "members"] == len(members)


def test_audience_share_is_the_members_share_of_everyone_who_amplified_the_source():
    ds, members = _amplified(pace="human", outsiders=36)
    stats = audience_statistics(ds, {0: members})
    assert stats.loc[0, "audience_share"] == pytest.approx(12 / 48)
    assert np.isnan(stats.loc[0, "source_followers"])  # no follower counts in this dataset


def test_a_slice_of_a_crowd_may_share_its_hashtags_an_operation_may_not():
    row = {"source_share": 0.8, "wave_share": 0.0, "median_delay": 70.0, "members": 15, "source_followers": 8e5}
    stats = pd.DataFrame([{**row, "audience_share": 0.02}, {**row, "audience_share": 0.9},
                          {**row, "audience_share": 0.02}, {**row, "audience_share": np.nan}])
    traces = {0: 0.3, 1: 0.3, 2: 0.6, 3: 0.3}
    # 0: the most engaged few of a broadcaster's crowd; 1: the source's whole audience, with
    # traces; 2: traces on most members; 3: reach unknown, the strict rule applies.
    assert organic_audiences(stats, traces) == {0}


def test_niche_ties_of_amplification_signals_are_not_traces():
    ties = pd.DataFrame({"account_a": ["a", "b"], "account_b": ["b", "c"],
                         "signals": ["co_repost,niche_co_repost", "niche_co_link"]})
    assert trace_shares(ties, {0: ["a", "b", "c"]}) == {0: 2 / 3}


def test_organic_audiences_needs_every_condition():
    base = {"source_share": 0.9, "wave_share": 0.05, "median_delay": 300.0}
    stats = pd.DataFrame([base, {**base, "source_share": 0.5}, {**base, "wave_share": 0.6},
                          {**base, "median_delay": 8.0}, base, {**base, "wave_share": np.nan}, base])
    traces = {0: 0.0, 1: 0.0, 2: 0.0, 3: 0.0, 4: 0.2, 5: 0.0, 6: 0.04}
    assert organic_audiences(stats, traces) == {0, 6}


def test_trace_shares_count_members_with_a_non_amplification_tie_inside_their_group():
    ties = pd.DataFrame({"account_a": ["a", "a", "c", "x"], "account_b": ["b", "c", "d", "y"],
                         "signals": ["co_repost,synchrony", "co_repost,creation_burst", "co_text", "co_link"]})
    assert trace_shares(ties, {0: ["a", "b", "c", "d"], 1: ["x", "y", "z", "w"], 2: ["b"], 3: ["x", "z"]}) == \
        {0: 0.75, 1: 0.5, 2: 0.0, 3: 0.0}


def test_wave_share_sees_a_shared_lag_per_post_beside_personal_pace():
    rng = np.random.default_rng(1)
    acc = np.repeat(np.arange(20), 30)
    tgt = np.tile(np.arange(30), 20)
    pace = rng.normal(0, 1, 20)[acc]
    noise = rng.normal(0, 0.3, len(acc))
    assert _wave_share(pace + noise, acc, tgt) < 0.05
    assert _wave_share(pace + rng.normal(0, 1, 30)[tgt] + noise, acc, tgt) > 0.8
    assert intraclass_correlation(pace + noise, acc) > 0.8


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.floats(-50, 50)), min_size=3, max_size=60))
def test_intraclass_correlation_is_a_share_and_ignores_group_labels(data):
    groups = np.array([g for g, _ in data])
    values = np.array([v for _, v in data])
    icc = intraclass_correlation(values, groups)
    relabeled = intraclass_correlation(values, np.array([f"g{(g * 3) % 5}" for g in groups]))
    if np.isnan(icc):
        assert np.isnan(relabeled)
    else:
        assert 0.0 <= icc <= 1.0 and icc == pytest.approx(relabeled)


def test_source_falls_back_to_the_referenced_posts_author():
    ds, members = _amplified(pace="human")
    posts = ds.posts.copy()
    posts["ref_account_id"] = pd.NA  # an export that names the referenced post only
    bare = Dataset(posts, ds.accounts)
    stats = audience_statistics(bare, {0: members})
    assert stats.loc[0, "top_source"] == "source" and stats.loc[0, "source_share"] == 1.0


def test_posts_answered_hours_later_by_everyone_are_not_waves():
    # A post at night is answered in the morning by every fan: a shared delay, but no coordination.
    ds, members = _amplified(pace="human", night=True)
    stats = audience_statistics(ds, {0: members})
    assert stats.loc[0, "wave_share"] < 0.3 and stats.loc[0, "habit_share"] > 0.5
    unbounded = audience_statistics(ds, {0: members}, max_delay=float("inf"))
    assert unbounded.loc[0, "wave_share"] > 0.3  # what the prompt-reaction window guards against
    status, _ = _status_of(detect(ds, signals=["co_repost", "creation_burst"]), members)
    assert status == "organic_audience"
