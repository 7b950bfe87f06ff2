"""Plots of a detection result as matplotlib figures, for notebooks and files.

Each function returns a :class:`matplotlib.figure.Figure` (drawn into `ax` when one is given).
Figures are built without :mod:`matplotlib.pyplot`, so they need no display and render with the
Agg backend (``fig.savefig("network.png")``); in a notebook they show inline like any figure.
matplotlib is an optional dependency: ``pip install 'coordnet[report]'``.

Names and texts come from the accounts under study and may be hostile: they are drawn as plain
text (mathtext ``$...$`` is disabled by escaping every ``$``).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ..errors import ParameterError, require
from ..result import Result
from . import _data

logger = logging.getLogger(__name__)

__all__ = ["plot_hours", "plot_network", "plot_scores", "plot_timeline"]


def _mpl():
    require("matplotlib", extra="report", feature="Plotting a result")
    from matplotlib.figure import Figure

    return Figure


def _text(value) -> str:
    """A string drawn literally by matplotlib (no mathtext)."""
    return str(value).replace("$", r"\$")


def _axes(ax, size: tuple[float, float]):
    if ax is not None:
        return ax.figure, ax
    fig = _mpl()(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def plot_network(result: Result, network_id: int | None = None, *, ax=None, max_nodes: int = 400,
                 labels: bool | None = None, seed: int = 0):
    """Draw the fused account graph: one network coloured by role, or all networks by network.

    Parameters
    ----------
    result : Result
    network_id : int, optional
        One network; by default every network, side by side, coloured by network.
    ax : matplotlib Axes, optional
        Draw into these axes instead of a new figure.
    max_nodes : int, default=400
        Largest number of accounts drawn per network (the highest scores are kept).
    labels : bool, optional
        Write account names beside the nodes; by default for one network of at most 40
        accounts (seeders are always labelled in a single-network drawing).
    seed : int, default=0
        Seed of the spring layout.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from coordnet.simulate import simulate
    >>> from coordnet.detect import detect
    >>> result = detect(simulate(size="tiny", seed=0).dataset)
    >>> fig = plot_network(result)
    >>> fig.axes[0].get_title().startswith("Coordinated networks (")
    True
    """
    from matplotlib.collections import LineCollection

    if isinstance(max_nodes, bool) or not isinstance(max_nodes, (int, np.integer)) or max_nodes < 1:
        raise ParameterError(f"The 'max_nodes' parameter of plot_network must be a positive integer. "
                             f"Got {max_nodes!r} instead.", name="max_nodes", value=max_nodes)
    nodes, edges = _data.layout(result, network_id, max_nodes=int(max_nodes), seed=seed)
    fig, ax = _axes(ax, (7.5, 7.5) if network_id is None else (6.5, 6.0))
    ax.set_axis_off()
    ax.set_aspect("equal", adjustable="datalim")
    if nodes.empty:
        ax.text(0.5, 0.5, "No coordinated network found", ha="center", va="center", transform=ax.transAxes)
        ax.set_title("Coordinated networks")
        return fig
    if len(edges):
        segs = np.stack([edges[["xa", "ya"]].to_numpy(float), edges[["xb", "yb"]].to_numpy(float)], axis=1)
        ev = edges["evidence"].to_numpy(float)
        alpha = 0.15 + 0.45 * np.clip(ev / max(ev.max(), 1e-9), 0, 1)
        ax.add_collection(LineCollection(segs, colors=[(0.4, 0.4, 0.4, a) for a in alpha], linewidths=0.6,
                                         zorder=1))
    size = 18 + 60 * nodes["score"].astype(float).clip(0, 1).to_numpy()
    if network_id is None:
        colours = [_data.network_colour(n) for n in nodes["network_id"]]
        ax.scatter(nodes["x"], nodes["y"], s=size, c=colours, edgecolors="white", linewidths=0.5, zorder=2)
        for nid, grp in nodes.groupby("network_id", sort=True):
            ax.text(grp["x"].mean(), grp["y"].min() - 0.015, f"network {nid}", ha="center", va="bottom",
                    fontsize=8, color=_data.network_colour(nid), zorder=3)
        n_nets = nodes["network_id"].nunique()
        ax.set_title(f"Coordinated networks ({n_nets} network{'s' if n_nets != 1 else ''}, "
                     f"{len(nodes) + nodes.attrs.get('omitted', 0)} accounts)")
    else:
        for role, colour in _data.ROLE_COLOURS.items():
            sel = (nodes["role"] == role).to_numpy()
            if sel.any():
                ax.scatter(nodes.loc[sel, "x"], nodes.loc[sel, "y"], s=size[sel], c=colour,
                           edgecolors="white", linewidths=0.5, zorder=2, label=f"{role} ({int(sel.sum())})")
        show = labels if labels is not None else len(nodes) <= 40
        for r in nodes.itertuples():
            if show or r.role == "seeder":
                ax.annotate(_text(r.label), (r.x, r.y), xytext=(4, 3), textcoords="offset points",
                            fontsize=7, zorder=3)
        ax.legend(loc="lower left", fontsize=8, frameon=False)
        ax.set_title(f"Network {network_id}: {len(nodes) + nodes.attrs.get('omitted', 0)} accounts, "
                     f"{len(edges)} ties")
    ax.invert_yaxis()
    ax.margins(0.05)
    ax.autoscale_view()
    return fig


def plot_timeline(result: Result, network_id: int, *, ax=None, start=None, end=None,
                  max_accounts: int = 60):
    """A timeline raster: one row per member, one mark per post, coloured by kind.

    Lockstep shows as vertical stripes: many members acting within the same seconds.

    Parameters
    ----------
    result : Result
    network_id : int
    ax : matplotlib Axes, optional
    start, end : timestamp, optional
        Zoom on ``[start, end)`` (UTC when naive), e.g. the hour of a burst.
    max_accounts : int, default=60
        Rows drawn (seeders first, then by score).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from coordnet.simulate import simulate
    >>> from coordnet.detect import detect
    >>> result = detect(simulate(size="tiny", seed=0).dataset)
    >>> fig = plot_timeline(result, 0)
    >>> fig.axes[0].get_xlabel()
    'time (UTC)'
    """
    mem, acts = _data.activity(result, network_id, max_accounts=max_accounts, start=start, end=end)
    fig, ax = _axes(ax, (9.0, 1.5 + 0.16 * max(len(mem), 4)))
    for kind, colour in _data.KIND_COLOURS.items():
        sel = acts[acts["kind"] == kind]
        if len(sel):
            ax.scatter(sel["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None), sel["row"], marker="|",
                       s=60, c=colour, linewidths=1.2, label=f"{kind} ({len(sel)})")
    ax.set_yticks(range(len(mem)), [_text(x) for x in mem["label"]], fontsize=7)
    ax.set_ylim(len(mem) - 0.5, -0.5)
    ax.set_xlabel("time (UTC)")
    total = mem.attrs.get("total", len(mem))
    more = f" (first {len(mem)} of {total} members)" if total > len(mem) else ""
    ax.set_title(f"Network {network_id}: activity of members{more}")
    if len(acts):
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    else:
        ax.text(0.5, 0.5, "no posts in this interval", ha="center", va="center", transform=ax.transAxes)
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_hours(result: Result, network_id: int, *, ax=None, tz: str = "UTC", max_accounts: int = 60):
    """An hour-of-day heat map: per member, the share of its posts in each hour (in `tz`), with
    the whole collection's profile as the last row for comparison.

    Shift work shows as a block of hours that every member shares (and empty nights).

    Parameters
    ----------
    result : Result
    network_id : int
    ax : matplotlib Axes, optional
    tz : str, default="UTC"
        Time zone of the hours, e.g. ``"Asia/Shanghai"``.
    max_accounts : int, default=60

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from coordnet.simulate import simulate
    >>> from coordnet.detect import detect
    >>> result = detect(simulate(size="tiny", seed=0).dataset)
    >>> plot_hours(result, 0, tz="Asia/Shanghai").axes[0].get_xlabel()
    'hour of day (Asia/Shanghai)'
    """
    m = _data.hour_matrix(result, network_id, tz=tz, max_accounts=max_accounts)
    fig, ax = _axes(ax, (8.0, 1.4 + 0.16 * max(len(m), 4)))
    img = ax.imshow(m.to_numpy(), aspect="auto", cmap="Blues", vmin=0, interpolation="nearest")
    ax.set_xticks(range(0, 24, 2), [str(h) for h in range(0, 24, 2)], fontsize=8)
    ax.set_yticks(range(len(m)), [_text(x) for x in m.index], fontsize=7)
    ax.axhline(len(m) - 1.5, color="black", linewidth=0.8)
    ax.set_xlabel(f"hour of day ({_text(tz)})")
    ax.set_title(f"Network {network_id}: share of posts per hour")
    fig.colorbar(img, ax=ax, shrink=0.8, label="share of the account's posts")
    return fig


def plot_scores(result: Result, *, ax=None):
    """The distribution of account scores, flagged accounts apart, with each network's score.

    Parameters
    ----------
    result : Result
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from coordnet.simulate import simulate
    >>> from coordnet.detect import detect
    >>> result = detect(simulate(size="tiny", seed=0).dataset)
    >>> plot_scores(result).axes[0].get_xlabel()
    'account score'
    """
    if not isinstance(result, Result):
        raise ParameterError(f"plot_scores expects a coordnet Result. Got {type(result).__name__} instead.",
                             name="result", value=result)
    fig, ax = _axes(ax, (7.0, 3.8))
    acc = result.accounts
    score = acc["score"].astype(float).to_numpy()
    flagged = acc["network_id"].notna().to_numpy(bool)
    bins = np.linspace(0, 1, 41)
    ax.hist([score[~flagged], score[flagged]], bins=bins, stacked=True, log=True,
            color=[_data.NO_NETWORK_COLOUR, "#D55E00"],
            label=[f"not in a network ({int((~flagged).sum())})", f"in a network ({int(flagged.sum())})"])
    nets = result.networks[result.networks["status"].isin(_data.SHOWN_STATUSES).to_numpy(bool)]
    for s in pd.unique(nets["score"].astype(float)):
        ax.axvline(s, color="black", linewidth=0.6, alpha=0.5)
    ax.set_xlabel("account score")
    ax.set_ylabel("accounts (log scale)")
    ax.set_xlim(0, 1.02)
    ax.set_title("Account scores (vertical lines: network scores)")
    ax.legend(fontsize=8, frameon=False)
    return fig
