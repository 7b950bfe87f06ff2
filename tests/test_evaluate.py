"""evaluate() and its metric functions on hand-built cases with known answers, and on simulations."""

import logging
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordnet.errors import ParameterError, SchemaError
from coordnet.evaluate import (
    Evaluation,
    account_labels,
    campaign_recall,
    decoy_false_positives,
    evaluate,
    network_agreement,
    precision_recall_f1,
    roc_auc,
)
from coordnet.simulate import simulate

# Two campaigns (A: a1-a3, B: b1-b2), three organic accounts, one decoy group (D: d1-d2).
TRUTH = pd.DataFrame({
    "account_id": ["a1", "a2", "a3", "b1", "b2", "o1", "o2", "o3", "d1", "d2"],
    "role": ["campaign"] * 5 + ["organic"] * 3 + ["decoy"] * 2,
    "group": ["A", "A", "A", "B", "B", None, None, None, "D", "D"],
    "tactic": ["fast_repost"] * 3 + ["copy_paste"] * 2 + [None] * 3 + ["fan_community"] * 2,
})
# a3, o3 and d2 are absent (score 0); o2 is in a network below the threshold.
RESULT = pd.DataFrame({
    "account_id": ["a1", "a2", "b1", "b2", "o1", "o2", "d1"],
    "network_id": [1, 1, 2, 2, 2, 3, 4],
    "score": [0.9, 0.9, 0.8, 0.8, 0.7, 0.3, 0.6],
})


def test_hand_built_exact_values():
    ev = evaluate(RESULT, TRUTH)
    # flagged: a1 a2 b1 b2 o1 d1 -> 4 of 6 are campaign accounts, 4 of 5 campaign accounts found
    assert (ev.flagged, ev.true_positives, ev.campaign_accounts, ev.accounts) == (6, 4, 5, 10)
    assert ev.precision == pytest.approx(4 / 6)
    assert ev.recall == pytest.approx(4 / 5)
    assert ev.f1 == pytest.approx(16 / 22)
    # 25 positive-negative pairs: 20 won outright, a3 (0) ties o3 and d2 (0): 20 + 2 * 0.5
    assert ev.roc_auc == pytest.approx(21 / 25)
    # Over campaign accounts: true A A A B B, predicted 1 1 {a3} 2 2 -> ARI = (2-0.8)/(3-0.8)
    assert ev.ari == pytest.approx(6 / 11)
    # Over flagged accounts: true A A B B {o1} {d1}, predicted 1 1 2 2 2 4 -> (2-8/15)/(3-8/15)
    assert ev.ari_flagged == pytest.approx(22 / 37)
    assert 0 < ev.ami < 1 and 0 < ev.ami_flagged < 1


def test_hand_built_per_group_tables():
    camp = campaign_recall(RESULT, TRUTH).set_index("group")
    assert camp.loc["A", ["accounts", "flagged", "networks"]].tolist() == [3, 2, 1]
    assert camp.loc["A", "recall"] == pytest.approx(2 / 3)
    assert camp.loc["A", "purity"] == 1.0
    assert camp.loc["B", "recall"] == 1.0
    assert camp.loc["B", "main_network"] == 2
    assert camp.loc["B", "purity"] == pytest.approx(2 / 3)  # o1 sits in B's network
    dec = decoy_false_positives(RESULT, TRUTH).set_index("group")
    assert dec.loc["D", ["accounts", "flagged", "max_in_network"]].tolist() == [2, 1, 1]
    assert dec.loc["D", "share"] == 0.5
    assert not dec.loc["D", "group_flagged"]  # one stray account is not the group
    both = pd.concat([RESULT, pd.DataFrame({"account_id": ["d2"], "network_id": [4], "score": [0.6]})])
    dec = decoy_false_positives(both, TRUTH).set_index("group")
    assert dec.loc["D", "group_flagged"]  # the whole (2-account) group in one network


def test_decoy_group_rule():
    truth = pd.DataFrame({"account_id": [f"f{i}" for i in range(40)], "role": "decoy",
                          "group": "fans"})
    det = pd.DataFrame({"account_id": ["f0", "f1", "f2"], "network_id": [1, 2, 3], "score": 1.0})
    row = decoy_false_positives(det, truth).iloc[0]
    assert (row["flagged"], row["max_in_network"], row["group_flagged"]) == (3, 1, False)  # 7.5%
    det = pd.DataFrame({"account_id": ["f0", "f1", "f2", "f3"], "network_id": [1, 2, 3, 4],
                        "score": 1.0})
    assert decoy_false_positives(det, truth).iloc[0]["group_flagged"]  # 10%
    det = pd.DataFrame({"account_id": ["f0", "f1", "f2"], "network_id": [1, 1, 1], "score": 1.0})
    assert decoy_false_positives(det, truth).iloc[0]["group_flagged"]  # 3 in one network
    assert not decoy_false_positives(det, truth, min_network=4).iloc[0]["group_flagged"]


def test_threshold_and_missing_network():
    assert precision_recall_f1(RESULT, TRUTH, threshold=0.85) == pytest.approx((1.0, 0.4, 4 / 7))
    # A high score without a network is not flagged.
    det = pd.DataFrame({"account_id": ["a1"], "network_id": [None], "score": [1.0]})
    p, r, f = precision_recall_f1(det, TRUTH)
    assert np.isnan(p) and r == 0 and np.isnan(f)
    labels = account_labels(det, TRUTH)
    assert not labels["flagged"].any()
    assert labels.loc[labels["account_id"] == "a1", "score"].iloc[0] == 1.0


def test_accepts_result_object_and_scenario_like_truth():
    ev1 = evaluate(SimpleNamespace(accounts=RESULT), SimpleNamespace(truth=TRUTH))
    ev2 = evaluate(RESULT, TRUTH)
    assert ev1.as_dict() == ev2.as_dict()


def test_network_ids_are_labels_only():
    relabelled = RESULT.assign(network_id=RESULT["network_id"].map({1: "x", 2: "y", 3: "z", 4: "w"}))
    assert evaluate(relabelled, TRUTH).as_dict() == evaluate(RESULT, TRUTH).as_dict()


def test_unknown_accounts_ignored(caplog):
    extra = pd.concat([RESULT, pd.DataFrame({"account_id": ["zz"], "network_id": [1], "score": [1.0]})])
    with caplog.at_level(logging.WARNING, logger="coordnet.evaluate"):
        ev = evaluate(extra, TRUTH)
    assert "1 account(s) of the result are not in the truth" in caplog.text
    assert ev.as_dict() == evaluate(RESULT, TRUTH).as_dict()


def test_degenerate_cases():
    nothing = pd.DataFrame({"account_id": [], "network_id": [], "score": []})
    ev = evaluate(nothing, TRUTH)
    assert np.isnan(ev.precision) and ev.recall == 0 and np.isnan(ev.f1)
    assert ev.roc_auc == 0.5  # all scores tie
    assert np.isnan(ev.ari_flagged)
    organic = TRUTH.loc[TRUTH["role"] != "campaign"]
    assert np.isnan(roc_auc(RESULT, organic))
    assert np.isnan(precision_recall_f1(RESULT, organic)[1])


def test_str_table_and_repr():
    ev = evaluate(RESULT, TRUTH)
    text = str(ev)
    assert "precision 0.667" in text and "recall 0.800" in text and "ROC-AUC 0.840" in text
    assert "fast_repost" in text and "0 of 1 group(s) flagged" in text
    table = ev.table()
    assert len(table) == 1 and table.loc[0, "f1"] == pytest.approx(16 / 22)
    assert repr(ev).startswith("<Evaluation: precision 0.667")
    assert "<pre>" in ev._repr_html_()


@pytest.mark.parametrize("result, error, match", [
    (RESULT.drop(columns="score"), SchemaError, "score"),
    (RESULT.drop(columns="network_id"), SchemaError, "network_id"),
    (RESULT.assign(score=1.5), SchemaError, "1.5"),
    (pd.concat([RESULT, RESULT.head(1)]), SchemaError, "more than once"),
    ([1, 2, 3], ParameterError, "list"),
])
def test_bad_results(result, error, match):
    with pytest.raises(error, match=match):
        evaluate(result, TRUTH)


def test_bad_truth_and_parameters():
    with pytest.raises(SchemaError, match="role"):
        evaluate(RESULT, TRUTH.drop(columns="role"))
    with pytest.raises(SchemaError, match="bot"):
        evaluate(RESULT, TRUTH.assign(role="bot"))
    with pytest.raises(SchemaError, match="without a group"):
        evaluate(RESULT, TRUTH.assign(group=None))
    with pytest.raises(ParameterError, match="threshold"):
        evaluate(RESULT, TRUTH, threshold=2)
    with pytest.raises(ParameterError, match="min_network"):
        evaluate(RESULT, TRUTH, min_network=0)
    with pytest.raises(ParameterError, match="over"):
        network_agreement(RESULT, TRUTH, over="everyone")


# ---- on simulated truth ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def truth():
    return simulate(size="tiny", seed=0).truth


def test_perfect_result(truth):
    camp = truth.loc[truth["role"] == "campaign"]
    perfect = pd.DataFrame({"account_id": camp["account_id"], "network_id": camp["group"],
                            "score": 1.0})
    ev = evaluate(perfect, truth)
    assert isinstance(ev, Evaluation)
    for name in ("precision", "recall", "f1", "roc_auc", "ari", "ami", "ari_flagged", "ami_flagged"):
        assert getattr(ev, name) == pytest.approx(1.0), name
    assert ev.decoy_groups_flagged == 0 and ev.decoy_accounts_flagged == 0
    assert (ev.campaigns["recall"] == 1).all() and (ev.campaigns["purity"] == 1).all()
    assert len(ev.campaigns) == 9 and len(ev.decoys) == 3


def test_everything_flagged(truth):
    everyone = pd.DataFrame({"account_id": truth["account_id"], "network_id": 0, "score": 1.0})
    ev = evaluate(everyone, truth)
    share = (truth["role"] == "campaign").mean()
    assert ev.precision == pytest.approx(share)
    assert ev.recall == 1.0
    assert ev.roc_auc == 0.5
    assert ev.ari == 0.0  # one network for several campaigns
    assert ev.decoy_groups_flagged == 3


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["campaign", "organic", "decoy"]),
                          st.integers(0, 2), st.one_of(st.none(), st.integers(0, 3)),
                          st.floats(0, 1)), min_size=1, max_size=40))
def test_counts_match_definition(rows):
    truth = pd.DataFrame({
        "account_id": [f"u{i}" for i in range(len(rows))],
        "role": [r[0] for r in rows],
        "group": [None if r[0] == "organic" else f"{r[0]}{r[1]}" for r in rows],
    })
    det = pd.DataFrame({"account_id": truth["account_id"], "network_id": [r[2] for r in rows],
                        "score": [r[3] for r in rows]})
    ev = evaluate(det, truth, threshold=0.5)
    flagged = np.array([r[2] is not None and r[3] >= 0.5 for r in rows])
    positive = truth["role"].eq("campaign").to_numpy()
    assert ev.flagged == flagged.sum() and ev.true_positives == (flagged & positive).sum()
    if flagged.any():
        assert ev.precision == pytest.approx((flagged & positive).sum() / flagged.sum())
    if positive.any():
        assert ev.recall == pytest.approx((flagged & positive).sum() / positive.sum())
    for name in ("precision", "recall", "f1", "roc_auc"):
        value = getattr(ev, name)
        assert np.isnan(value) or 0 <= value <= 1
    assert ev.campaigns["flagged"].sum() == (flagged & positive).sum()
    assert ev.decoys["flagged"].sum() == (flagged & truth["role"].eq("decoy").to_numpy()).sum()
