import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordnet import ParameterError, SchemaError
from coordnet.network import fuse_edges
from coordnet.stats import bh_adjust


def edges(pairs, p):
    a, b = zip(*pairs, strict=True)
    return pd.DataFrame({"account_a": list(a), "account_b": list(b), "p_value": p})


def test_bh_matches_definition():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205])
    q = bh_adjust(p)
    expected = np.minimum.accumulate((p * 8 / np.arange(1, 9))[::-1])[::-1]
    np.testing.assert_allclose(q, expected)
    # untested hypotheses (p = 1) only enlarge m
    assert bh_adjust(np.array([0.01]), m=10)[0] == pytest.approx(0.1)


@settings(max_examples=50)
@given(st.lists(st.floats(1e-12, 1.0), min_size=1, max_size=40))
def test_bh_is_monotone_and_bounded(p):
    p = np.array(p)
    q = bh_adjust(p, m=len(p) * 3)
    assert np.all(q >= p - 1e-15) and np.all(q <= 1.0)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(q[order]) >= -1e-15)


def test_two_signals_count_for_more_than_one():
    one = fuse_edges({"co_repost": edges([("a", "b")], [1e-5]), "co_text": edges([("c", "d")], [0.5])},
                     n_accounts=50, alpha=None)
    two = fuse_edges({"co_repost": edges([("a", "b")], [1e-5]), "co_text": edges([("a", "b")], [1e-5])},
                     n_accounts=50, alpha=None)
    p_one = one.set_index(["account_a", "account_b"]).loc[("a", "b"), "p_value"]
    p_two = two.set_index(["account_a", "account_b"]).loc[("a", "b"), "p_value"]
    assert p_two < p_one
    assert two["signals"].iloc[0] == "co_repost,co_text"


def test_exact_combined_p_value():
    fused = fuse_edges({"s1": edges([("a", "b")], [1e-6]), "s2": edges([("c", "d")], [0.3])},
                       n_accounts=10, alpha=None)
    row = fused.set_index(["account_a", "account_b"]).loc[("a", "b")]
    # K = 2: best single = 2e-6; Fisher(1e-6, 1) with 4 df; p = 2 * min of the two
    from scipy import stats
    fisher = stats.chi2.sf(-2 * np.log(1e-6), df=4)
    assert row["p_value"] == pytest.approx(2 * min(2e-6, fisher))
    assert row["q_value"] == pytest.approx(min(1.0, row["p_value"] * 45 / 1))


def test_inactive_signals_do_not_dilute():
    e = {"s1": edges([("a", "b")], [1e-6]), "s2": edges([("c", "d")], [0.3])}
    all_k = fuse_edges(e, n_accounts=10, alpha=None).set_index(["account_a", "account_b"])
    only_s1 = fuse_edges(e, n_accounts=10, alpha=None,
                         active={"s2": pd.Series(["c", "d"])}).set_index(["account_a", "account_b"])
    assert only_s1.loc[("a", "b"), "p_value"] == pytest.approx(2 * 1e-6)
    assert only_s1.loc[("a", "b"), "p_value"] < all_k.loc[("a", "b"), "p_value"]


def test_profile_signal_alone_needs_to_be_strong():
    weak = fuse_edges({"co_repost": edges([("x", "y")], [0.9]),
                       "creation_burst": edges([("a", "b")], [1e-4])}, n_accounts=100, alpha=None)
    assert weak.set_index(["account_a", "account_b"]).loc[("a", "b"), "p_value"] == 1.0
    beside = fuse_edges({"co_repost": edges([("a", "b")], [0.2]),
                         "creation_burst": edges([("a", "b")], [1e-4])}, n_accounts=100, alpha=None)
    assert beside.set_index(["account_a", "account_b"]).loc[("a", "b"), "p_value"] < 0.01


def test_alpha_filters_and_errors():
    e = {"s": edges([("a", "b"), ("a", "c")], [1e-12, 0.2])}
    kept = fuse_edges(e, n_accounts=100, alpha=0.01)
    assert kept[["account_a", "account_b"]].values.tolist() == [["a", "b"]]
    with pytest.raises(ParameterError, match="alpha"):
        fuse_edges(e, n_accounts=100, alpha=2)
    with pytest.raises(SchemaError, match="p_value"):
        fuse_edges({"s": pd.DataFrame({"account_a": ["a"], "account_b": ["b"]})}, n_accounts=3)
    dup = {"s": edges([("a", "b"), ("a", "b")], [0.1, 0.2])}
    with pytest.raises(SchemaError, match="one window"):
        fuse_edges(dup, n_accounts=3)
