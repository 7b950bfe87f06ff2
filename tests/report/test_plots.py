"""Plots: each returns a figure that draws what the result holds, hostile names included; and the
data helpers behind the plots and the report."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hostile_data import HOSTILE_NAMES

from coordnet.errors import ParameterError
from coordnet.report import _data

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib (the 'report' extra) is not installed")
from matplotlib.figure import Figure  # noqa: E402

from coordnet.report.plots import plot_hours, plot_network, plot_scores, plot_timeline  # noqa: E402


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)  # Agg canvas: draws every text, mathtext included
    return buf.getvalue()


def test_plot_network_all_networks(hostile_result):
    fig = plot_network(hostile_result)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "Coordinated networks (1 network, 9 accounts)"
    dots = ax.collections[-1].get_offsets()
    assert len(dots) == 9
    assert _png(fig)[:4] == b"\x89PNG"


def test_plot_network_one_network_by_role_with_hostile_labels(hostile_result):
    fig = plot_network(hostile_result, 0, labels=True)
    ax = fig.axes[0]
    assert ax.get_title() == "Network 0: 9 accounts, 28 ties"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["seeder (2)", "amplifier (7)"]
    labels = {t.get_text() for t in ax.texts}
    # '$' is escaped so that a name is never parsed as mathtext (this one would not parse)
    assert _data.account_label(HOSTILE_NAMES[3], "ring3").replace("$", r"\$") in labels
    _png(fig)  # renders: no mathtext error from the hostile name


def test_plot_into_given_axes(hostile_result):
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    assert plot_scores(hostile_result, ax=ax2) is fig
    assert ax2.get_xlabel() == "account score"
    assert ax1.get_xlabel() == ""


def test_plot_timeline_one_mark_per_post(hostile_result):
    fig = plot_timeline(hostile_result, 0)
    ax = fig.axes[0]
    marks = sum(len(c.get_offsets()) for c in ax.collections)
    members = hostile_result.members(0)
    posts = hostile_result.dataset.posts
    assert marks == int(posts["account_id"].isin(members).sum()) == 12 + 8 * 12
    expected = [x.replace("$", r"\$") for x in _data.members(hostile_result, 0)["label"]]
    assert [t.get_text() for t in ax.get_yticklabels()] == expected
    _png(fig)


def test_plot_timeline_zoom(hostile_result):
    posts = hostile_result.dataset.posts
    seed = posts.loc[posts["post_id"] == "seed0", "timestamp"].iloc[0]
    fig = plot_timeline(hostile_result, 0, start=seed - pd.Timedelta("1min"), end=seed + pd.Timedelta("1min"))
    marks = sum(len(c.get_offsets()) for c in fig.axes[0].collections)
    assert marks == 9  # the seed post and its 8 reposts


def test_plot_hours_rows_are_shares(hostile_result):
    fig = plot_hours(hostile_result, 0, tz="Asia/Shanghai")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "hour of day (Asia/Shanghai)"
    img = ax.images[0].get_array()
    assert img.shape == (10, 24)  # 9 members and the whole collection
    np.testing.assert_allclose(np.asarray(img).sum(axis=1), 1.0)


def test_plot_scores_counts_every_account(hostile_result):
    fig = plot_scores(hostile_result)
    ax = fig.axes[0]
    heights = sum(p.get_height() for p in ax.patches)
    # stacked histogram: the top layer's bar tops add up to all accounts
    assert heights >= len(hostile_result.accounts)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["not in a network (60)", "in a network (9)"]


def test_plot_network_without_networks(calm_result):
    fig = plot_network(calm_result)
    assert [t.get_text() for t in fig.axes[0].texts] == ["No coordinated network found"]


def test_bad_arguments(hostile_result):
    with pytest.raises(ParameterError, match="No network 7"):
        plot_timeline(hostile_result, 7)
    with pytest.raises(ParameterError, match="No network True"):
        plot_hours(hostile_result, True)
    with pytest.raises(ParameterError, match="time-zone"):
        plot_hours(hostile_result, 0, tz="Mars/Olympus")
    with pytest.raises(ParameterError, match="max_nodes"):
        plot_network(hostile_result, max_nodes=0)
    with pytest.raises(ParameterError, match="Result"):
        plot_scores(pd.DataFrame())


# ---------------------------------------------------------------------------------------------
# The data behind the figures
# ---------------------------------------------------------------------------------------------


def test_members_seeders_first_then_score(hostile_result):
    m = _data.members(hostile_result, 0)
    assert m["role"].tolist()[:2] == ["seeder", "seeder"]
    assert set(m["role"][2:]) == {"amplifier"}
    assert sorted(m["account_id"]) == hostile_result.members(0)
    assert m.attrs["total"] == 9
    assert len(_data.members(hostile_result, 0, max_accounts=3)) == 3


def test_layout_in_unit_square_and_edges_inside(hostile_result):
    nodes, edges = _data.layout(hostile_result, 0)
    assert sorted(nodes["account_id"]) == hostile_result.members(0)
    assert nodes[["x", "y"]].to_numpy().min() >= 0 and nodes[["x", "y"]].to_numpy().max() <= 1
    assert len(edges) == 28
    xy = nodes.set_index("account_id")
    np.testing.assert_allclose(edges["xa"], xy.loc[edges["account_a"], "x"].to_numpy())
    cache: dict = {}
    again, _ = _data.layout(hostile_result, None, cache=cache)
    assert len(cache) == 1 and len(again) == 9


def test_hour_matrix_exact():
    # hand-made: one member posting at 01:xx and 13:xx UTC (twice), checked per hour and in a zone
    from coordnet.dataset import Dataset
    from coordnet.result import Result

    posts = pd.DataFrame({"post_id": list("abcd"), "account_id": ["m", "m", "m", "x"],
                          "timestamp": pd.to_datetime(["2021-01-01 01:10", "2021-01-01 13:00",
                                                       "2021-01-02 13:59", "2021-01-01 05:00"], utc=True)})
    ds = Dataset(posts)
    acc = pd.DataFrame({"account_id": ["m", "x"], "screen_name": ["mm", None], "network_id":
                        pd.array([0, None], dtype="Int64"), "score": [1.0, 0.0], "role": ["member", None]})
    nets = pd.DataFrame({"network_id": [0], "status": ["network"], "size": [1], "score": [1.0]})
    res = Result(networks=nets, accounts=acc, edges=pd.DataFrame(), signal_edges={},
                 features=pd.DataFrame(), dataset=ds)
    m = _data.hour_matrix(res, 0)
    assert m.index.tolist() == ["@mm", "all accounts"]
    assert m.loc["@mm", 1] == pytest.approx(1 / 3) and m.loc["@mm", 13] == pytest.approx(2 / 3)
    assert m.loc["all accounts", 5] == pytest.approx(1 / 4)
    assert m.attrs["posts"] == [3, 4]
    shanghai = _data.hour_matrix(res, 0, tz="Asia/Shanghai")  # UTC+8
    assert shanghai.loc["@mm", 9] == pytest.approx(1 / 3) and shanghai.loc["@mm", 21] == pytest.approx(2 / 3)
    mem, acts = _data.activity(res, 0)
    assert acts["row"].tolist() == [0, 0, 0]
    assert _data.busiest_window(acts) == (pd.Timestamp("2021-01-01 01:00", tz="UTC"),
                                          pd.Timestamp("2021-01-01 02:00", tz="UTC"))
    # two posts in the same day: the day of 2021-01-01 wins over 2021-01-02
    assert _data.busiest_window(acts.assign(row=[0, 1, 2]), "1D")[0] == pd.Timestamp("2021-01-01", tz="UTC")
    assert _data.busiest_window(acts.iloc[:0]) is None
