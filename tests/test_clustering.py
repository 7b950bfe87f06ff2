import itertools

import numpy as np
import pandas as pd
import pytest

from coordnet import ParameterError
from coordnet.clustering import evidence_score, find_networks, group_q


def clique(members, p):
    pairs = list(itertools.combinations(sorted(members), 2))
    return pd.DataFrame({"account_a": [a for a, _ in pairs], "account_b": [b for _, b in pairs],
                         "p_value": p, "q_value": 1.0})


def test_group_q_grows_with_collection_and_shrinks_with_density():
    dense = group_q(8, np.full(28, 1e-4), 400)
    sparse = group_q(8, np.full(8, 1e-4), 400)
    assert dense < sparse
    assert group_q(8, np.full(28, 1e-4), 400) < group_q(8, np.full(28, 1e-4), 400_000)
    assert group_q(3, np.array([]), 10) == 1.0


def test_planted_clique_is_a_network_and_noise_is_not():
    rng = np.random.default_rng(0)
    planted = clique([f"c{i}" for i in range(10)], 1e-4)
    noise_a = rng.choice(500, 200)
    noise_b = rng.choice(500, 200)
    keep = noise_a != noise_b
    lo = np.minimum(noise_a, noise_b)[keep]
    hi = np.maximum(noise_a, noise_b)[keep]
    noise = pd.DataFrame({"account_a": [f"o{x:03d}" for x in lo], "account_b": [f"o{x:03d}" for x in hi],
                          "p_value": rng.uniform(1e-3, 1e-2, keep.sum()), "q_value": 1.0}).drop_duplicates(
        ["account_a", "account_b"])
    groups, _ = find_networks(pd.concat([planted, noise], ignore_index=True), n_accounts=510)
    nets = groups[groups["status"] == "network"]
    assert set(nets["account_id"]) == {f"c{i}" for i in range(10)}


def test_deterministic_for_a_seed_and_order_free():
    e = pd.concat([clique(list("abcde"), 1e-6), clique(list("vwxyz"), 1e-6)], ignore_index=True)
    g1, _ = find_networks(e, n_accounts=100, seed=3)
    g2, _ = find_networks(e.sample(frac=1, random_state=1), n_accounts=100, seed=3)
    pd.testing.assert_frame_equal(g1, g2)
    assert g1.groupby("group_id")["account_id"].apply(lambda s: "".join(sorted(s))).tolist() == ["abcde", "vwxyz"]


def test_pair_stays_candidate_and_scores_in_range():
    e = pd.DataFrame({"account_a": ["a"], "account_b": ["b"], "p_value": [1e-30], "q_value": [1e-25]})
    groups, _ = find_networks(e, n_accounts=10)
    assert set(groups["status"]) == {"candidate"}
    assert evidence_score(np.array([0.0, 1.0, 0.5])).min() >= 0


def test_bad_parameters():
    e = clique(list("abc"), 1e-6)
    with pytest.raises(ParameterError, match="method"):
        find_networks(e, n_accounts=10, method="leiden")
    with pytest.raises(ParameterError, match="min_size"):
        find_networks(e, n_accounts=10, min_size=1)


def test_a_group_tied_by_one_view_is_tested_on_it_and_pays_once():
    """Twelve accounts whose fused pair p-values are weak (fusion paid for every signal it could
    have picked) but whose niche p-values are strong: a candidate group on fusion alone, a
    network when the view is tested, at the price of the weighted union bound."""
    members = [f"m{i:02d}" for i in range(12)]
    ties = clique(members, 0.02).assign(repeated=True, niche_co_repost=1e-4, signals="")
    noise = clique(["x1", "x2", "x3"], 1e-3).assign(repeated=True, niche_co_repost=np.nan, signals="co_link")
    edges = pd.concat([ties, noise], ignore_index=True)
    plain, _ = find_networks(edges, n_accounts=5000)
    assert (plain.loc[plain["account_id"].isin(members), "status"] == "candidate").all()
    groups, cand = find_networks(edges, n_accounts=5000, views=["niche_co_repost"])
    mine = groups[groups["account_id"].isin(members)]
    assert (mine["status"] == "network").all() and (mine["group_test"] == "niche_co_repost").all()
    q_view = group_q(12, np.full(66, 1e-4), 5000, levels=(1e-2, *[10.0 ** -j for j in range(3, 31)]))
    assert mine["group_q"].iloc[0] == pytest.approx(2 * 1 * q_view)
    assert (cand.loc[cand["account_a"].isin(members), "signals"] == "niche_co_repost").all()
    assert (cand.loc[cand["account_a"] == "x1", "signals"] == "co_link").all()
    # A group found by fusion pays a factor 2 for the views that were also tried.
    fused = clique(members, 1e-6).assign(repeated=True, niche_co_repost=np.nan)
    q0 = find_networks(fused, n_accounts=5000)[0]["group_q"].iloc[0]
    q1 = find_networks(fused, n_accounts=5000, views=["niche_co_repost"])[0]
    assert q1["group_q"].iloc[0] == pytest.approx(2 * q0) and (q1["group_test"] == "fused").all()
    with pytest.raises(ParameterError, match="views"):
        find_networks(edges, n_accounts=5000, views=["niche_co_link"])
