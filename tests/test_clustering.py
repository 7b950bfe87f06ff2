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
