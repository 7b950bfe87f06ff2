"""The Dask backend gives the local backend's result exactly (edges, notes, kept actions)."""

from __future__ import annotations

import logging
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("dask.dataframe", reason="the Dask backend needs the 'dask' extra")
distributed = pytest.importorskip("distributed", reason="the Dask backend needs 'distributed'")

import coordnet  # noqa: E402
from coordnet.backends.dask import run_coaction_dask, run_engine_dask  # noqa: E402
from coordnet.errors import MissingDependencyError, ParameterError  # noqa: E402
from coordnet.signals.coaction import EDGE_DTYPES, CoLink, CoRepost, run_engine  # noqa: E402
from coordnet.simulate import simulate  # noqa: E402

T0 = 1_600_000_000


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as cl:
        yield cl


def reposts(rows) -> coordnet.Dataset:
    """A Dataset of reposts from (account, reposted post, seconds after T0) tuples."""
    df = pd.DataFrame(rows, columns=["account_id", "ref_post_id", "t"])
    df["post_id"] = [f"p{i}" for i in range(len(df))]
    df["kind"] = "repost"
    df["timestamp"] = pd.to_datetime(T0 + df.pop("t").astype("int64"), unit="s", utc=True)
    return coordnet.Dataset(df)


def ts(seconds: int) -> pd.Timestamp:
    return pd.Timestamp(T0 + seconds, unit="s", tz="UTC")


def assert_same(local, dist) -> None:
    """Identical edges, notes and kept actions: values, dtypes and order."""
    pd.testing.assert_frame_equal(local.edges, dist.edges, check_exact=True)
    pd.testing.assert_frame_equal(local.notes, dist.notes, check_exact=True)
    pd.testing.assert_frame_equal(local.actions, dist.actions, check_exact=True)
    assert local.windows == dist.windows and local.signal == dist.signal


# ---------------------------------------------------------------------------------------------
# A hand-built case with known answers
# ---------------------------------------------------------------------------------------------

HAND = [
    ("a", "x", 0), ("a", "x", 10), ("a", "x", 100), ("b", "x", 50),  # repeated actions
    ("a", "y", 1000), ("b", "y", 1030), ("c", "y", 1060),  # three, staggered
    ("a", "z", 2000), ("b", "z", 2000),  # a tie
]


@pytest.mark.parametrize("npartitions", [1, 2, 3])
def test_hand_built_case_exact_and_identical(client, npartitions):
    ds = reposts(HAND)
    sig = CoRepost(window=["45s", "60s"], min_support=1, significance="none")
    res = run_coaction_dask(sig, ds, client=client, npartitions=npartitions)
    assert res.stats["npartitions"] == npartitions
    assert len(res.stats["partition_actions"]) <= npartitions
    assert sum(res.stats["partition_actions"]) == len(HAND)
    e = res.edges.set_index(["window", "account_a", "account_b"])
    w_y = 1 / np.log2(3)  # y has three accounts
    # 45 s: on x only (10 s, 50 s) co-acts; y: a-b and b-c (30 s), not a-c (60 s); z: a tie.
    assert e.loc[(45.0, "a", "b"), ["support", "co_actions", "median_gap", "a_leads", "b_leads",
                                     "ties"]].tolist() == [3, 3, 30.0, 2, 0, 1]
    assert e.loc[(45.0, "a", "b"), "first"] == ts(10) and e.loc[(45.0, "a", "b"), "last"] == ts(2000)
    assert e.loc[(45.0, "a", "b"), "weight"] == 1.0 + w_y + 1.0
    assert e.loc[(45.0, "b", "c"), ["support", "median_gap", "a_leads"]].tolist() == [1, 30.0, 1]
    assert (45.0, "a", "c") not in e.index
    # 60 s: on x all three of a's actions co-act with b's; a-c now co-act on y (gap 60 s).
    assert e.loc[(60.0, "a", "b"), ["support", "co_actions", "median_gap"]].tolist() == [3, 5, 30.0]
    assert e.loc[(60.0, "a", "b"), "first"] == ts(0)
    assert e.loc[(60.0, "a", "c"), ["support", "median_gap", "a_leads"]].tolist() == [1, 60.0, 1]
    assert len(res.edges) == 5
    assert_same(sig.run(ds), res)


def test_pairs_spanning_partitions_reduce_by_key(client):
    # Two accounts share 12 targets; with 6 partitions their rows come from several of them.
    rows = [(acc, f"t{i}", 100 * i + off) for i in range(12) for acc, off in (("a", 0), ("b", 7))]
    rows += [("c", f"t{i}", 100 * i + 30) for i in range(0, 12, 3)]
    ds = reposts(rows)
    sig = CoRepost(window="10s")
    res = run_coaction_dask(sig, ds, client=client, npartitions=6)
    assert sum(n > 0 for n in res.stats["partition_actions"]) > 1
    assert res.edges[["account_a", "account_b", "support", "co_actions"]].values.tolist() == [
        ["a", "b", 12, 12]]
    assert_same(sig.run(ds), res)


# ---------------------------------------------------------------------------------------------
# A simulated scenario
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario():
    return simulate(size="tiny", seed=0).dataset


@pytest.mark.parametrize("signal", [
    CoRepost(window=["10s", "60s", "1h"]),
    CoLink(window=["10s", "60s", "1h"], min_support=1),
    CoRepost(window=["30s", "10min"], significance="bonferroni", min_weight=1.5),
    CoRepost(window="60s", significant_only=True, alpha=0.05),
], ids=["corepost", "colink", "bonferroni-min_weight", "significant_only"])
@pytest.mark.parametrize("npartitions", [None, 5])
def test_simulated_scenario_identical(client, scenario, signal, npartitions):
    local = signal.run(scenario)
    dist = run_coaction_dask(signal, scenario, client=client, npartitions=npartitions)
    assert len(local.edges) > 0
    assert_same(local, dist)
    assert dist.params["backend"] == "dask"
    assert dist.stats["active_accounts"] == local.stats["active_accounts"]


def test_default_scheduler_without_client(scenario):
    # client=None with Dask's synchronous local scheduler configured.
    import dask

    sig = CoRepost(window=["10s", "60s"])
    with dask.config.set(scheduler="sync"):
        res = run_coaction_dask(sig, scenario, npartitions=3)
    assert_same(sig.run(scenario), res)


def test_client_none_uses_the_default_distributed_client(client, scenario):
    import dask

    from coordnet.backends.dask import _resolve_client

    assert _resolve_client(None) is client  # the fixture's client registered itself as default
    with dask.config.set(scheduler="sync"):
        assert _resolve_client(None) is None
    sig = CoRepost(window="60s")
    assert_same(sig.run(scenario), run_coaction_dask(sig, scenario))


# ---------------------------------------------------------------------------------------------
# Viral targets past the caps: notes are the union of the partitions' notes
# ---------------------------------------------------------------------------------------------


def _viral_rows():
    rng = np.random.default_rng(3)
    rows = [(f"u{rng.integers(0, 40)}", f"x{rng.integers(0, 30)}", int(rng.integers(0, 7200)))
            for _ in range(1500)]
    rows += [(f"v{i}", "viral", int(rng.integers(0, 300))) for i in range(60)]
    rows += [(f"w{i}", "viral2", int(rng.integers(0, 60))) for i in range(45)]
    return rows


@pytest.mark.parametrize("viral", ["skip", "sample"])
def test_viral_targets_past_the_cap(client, viral, caplog):
    ds = reposts(_viral_rows())
    sig = CoRepost(window=["10s", "60s", "1h"], max_pairs_per_target=600, viral=viral)
    local = sig.run(ds)
    with caplog.at_level(logging.WARNING, logger="coordnet.backends.dask"):
        dist = run_coaction_dask(sig, ds, client=client, npartitions=4)
    # The two viral posts are over the cap from 60 s, the busier organic posts at 1 h only.
    assert set(dist.notes.loc[dist.notes["window"] == 60.0, "target"]) == {"viral", "viral2"}
    assert set(dist.notes["window"]) == {60.0, 3600.0} and len(dist.notes) > 10
    assert set(dist.notes["action"]) == {"skipped" if viral == "skip" else "sampled"}
    assert f"target(s) {'skipped' if viral == 'skip' else 'sampled'} at window 60s" in caplog.text
    assert_same(local, dist)


def test_max_accounts_note(client):
    ds = reposts(_viral_rows())
    sig = CoRepost(window="60s", min_support=1, max_accounts=50)
    dist = run_coaction_dask(sig, ds, client=client, npartitions=3)
    assert dist.notes[["target", "reason"]].values.tolist() == [["viral", "max_accounts"]]
    assert_same(sig.run(ds), dist)


# ---------------------------------------------------------------------------------------------
# Random inputs (hypothesis)
# ---------------------------------------------------------------------------------------------


@st.composite
def action_frames(draw):
    n = draw(st.integers(0, 60))
    acc = draw(st.lists(st.sampled_from(list("abcdefg")), min_size=n, max_size=n))
    tgt = draw(st.lists(st.sampled_from([f"t{i}" for i in range(8)]), min_size=n, max_size=n))
    sec = draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    sub = draw(st.lists(st.sampled_from([0, 0, 0, 250_000_000]), min_size=n, max_size=n))
    return pd.DataFrame({
        "account_id": pd.Series(acc, dtype="string[pyarrow]"),
        "target": pd.Series(tgt, dtype="string[pyarrow]"),
        "timestamp": pd.to_datetime(np.array(sec, np.int64) * 1_000_000_000 + np.array(sub, np.int64),
                                    unit="ns", utc=True),
        "post_id": pd.Series([f"p{i}" for i in range(n)], dtype="string[pyarrow]"),
    })


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(acts=action_frames(),
       windows=st.lists(st.sampled_from([0, 1, 5, 30, 120]), min_size=1, max_size=3),
       min_support=st.integers(1, 3), npartitions=st.integers(1, 5),
       cap=st.sampled_from([None, 3, 20]), viral=st.sampled_from(["skip", "sample"]))
def test_random_inputs_identical(client, acts, windows, min_support, npartitions, cap, viral):
    wins = [pd.Timedelta(seconds=w) for w in windows]
    kw = dict(signal="demo", min_support=min_support, max_pairs_per_target=cap, viral=viral,
              chunk_pairs=7)
    local = run_engine(acts, wins, **kw)
    dist = run_engine_dask(acts, wins, **kw, client=client, npartitions=npartitions)
    assert_same(local, dist)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def test_empty_input(client):
    ds = reposts([("a", "x", 0)])
    sig = CoRepost(window="60s", start=ts(100))
    res = run_coaction_dask(sig, ds, client=client)
    assert len(res.edges) == 0 and res.edges.dtypes.to_dict() == EDGE_DTYPES
    assert_same(sig.run(ds), res)


def test_bad_arguments(client):
    ds = reposts(HAND)
    with pytest.raises(ParameterError, match="co-action signal"):
        run_coaction_dask("co_repost", ds, client=client)
    with pytest.raises(ParameterError, match="coordnet.Dataset"):
        run_coaction_dask(CoRepost(), ds.posts, client=client)
    with pytest.raises(ParameterError, match="'client'"):
        run_coaction_dask(CoRepost(), ds, client="tcp://scheduler:8786")
    with pytest.raises(ParameterError, match="'npartitions'"):
        run_coaction_dask(CoRepost(), ds, client=client, npartitions=0)
    with pytest.raises(ParameterError, match="'window'"):
        run_coaction_dask(CoRepost(window=-1), ds, client=client)


def test_missing_dask_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)  # import now fails
    with pytest.raises(MissingDependencyError, match=r"pip install 'coordnet\[dask\]'"):
        run_coaction_dask(CoRepost(), reposts(HAND))


def test_run_hook_delegates_to_dask_and_matches_local():
    ds = coordnet.simulate(size="tiny", seed=0).dataset
    sig = coordnet.CoRepost(window=["60s", "1h"])
    local = sig.run(ds)
    dist = sig.run(ds, backend="dask", npartitions=3)
    pd.testing.assert_frame_equal(local.edges, dist.edges)
    with pytest.raises(ParameterError, match="backend"):
        sig.run(ds, backend="spark")
