"""The data behind every figure, shared by the matplotlib plots and the HTML report.

Each function turns a :class:`~coordnet.result.Result` into a small table that a figure draws
as is, so that the notebook plots and the report's inline SVG always show the same thing.
"""

from __future__ import annotations

import logging

import networkx as nx
import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..result import Result

logger = logging.getLogger(__name__)

#: Colours of post kinds (Okabe-Ito, readable by colour-blind readers).
KIND_COLOURS = {"post": "#0072B2", "repost": "#E69F00", "reply": "#009E73", "quote": "#CC79A7"}
#: Colours of account roles inside a network.
ROLE_COLOURS = {"seeder": "#D55E00", "amplifier": "#E69F00", "member": "#0072B2"}
#: Colours of networks, in order of network id (cycled); accounts in no network are grey.
NETWORK_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
                   "#332288", "#117733", "#882255", "#44AA99", "#999933")
NO_NETWORK_COLOUR = "#BBBBBB"
#: Statuses of groups drawn and reported in full: networks, groups of openly automated accounts
#: and organic audiences (both shown, not flagged as covert). Candidates are listed only.
SHOWN_STATUSES = ("network", "declared_automation", "organic_audience")
_ROLE_ORDER = {"seeder": 0, "amplifier": 1, "member": 2}


def network_colour(network_id) -> str:
    """The colour of a network id (grey for none)."""
    if network_id is None or pd.isna(network_id) or int(network_id) < 0:
        return NO_NETWORK_COLOUR
    return NETWORK_COLOURS[int(network_id) % len(NETWORK_COLOURS)]


def account_label(screen_name, account_id, *, width: int = 32) -> str:
    """``@screen_name`` when there is one, else the account id; cut to `width` characters."""
    text = f"@{screen_name}" if isinstance(screen_name, str) and screen_name else str(account_id)
    return text if len(text) <= width else text[: width - 1] + "…"


def check_network(result: Result, network_id) -> int:
    """`network_id` as an int when `result` has it, else a ParameterError listing the ids."""
    if not isinstance(result, Result):
        raise ParameterError(f"Expected a coordnet Result (from coordnet.detect). Got "
                             f"{type(result).__name__} instead.", name="result", value=result)
    ids = result.networks["network_id"].tolist()
    if isinstance(network_id, bool) or not isinstance(network_id, (int, np.integer)) or network_id not in ids:
        raise ParameterError(f"No network {network_id!r} in this result; its networks are "
                             f"{sorted(ids)[:20]}.", name="network_id", value=network_id)
    return int(network_id)


def members(result: Result, network_id: int, *, max_accounts: int | None = None,
            label_width: int = 32) -> pd.DataFrame:
    """The accounts of a network, seeders first, then by score: ``account_id, label, role, score``.

    A candidate group's accounts are those whose ``candidate_group`` is the id. With
    `max_accounts`, only the first that many are kept (the frame's ``attrs["total"]`` holds how
    many there were).
    """
    network_id = check_network(result, network_id)
    acc = result.accounts
    col = acc["network_id"]
    mask = (col == network_id).fillna(False).to_numpy(bool)
    if not mask.any() and "candidate_group" in acc:
        mask = (acc["candidate_group"] == network_id).fillna(False).to_numpy(bool)
    m = acc.loc[mask].copy()
    role = m["role"].astype(object).where(m["role"].notna(), "member") if "role" in m else "member"
    m["role"] = role
    m["_order"] = m["role"].map(_ROLE_ORDER).fillna(3).to_numpy()
    m = m.sort_values(["_order", "score", "account_id"], ascending=[True, False, True])
    m["label"] = [account_label(s, a, width=label_width)
                  for s, a in zip(m["screen_name"], m["account_id"], strict=True)]
    total = len(m)
    if max_accounts is not None:
        m = m.head(max_accounts)
    out = m[["account_id", "label", "role", "score"]].reset_index(drop=True)
    out["account_id"] = out["account_id"].astype(str)
    out.attrs["total"] = total
    return out


def activity(result: Result, network_id: int, *, max_accounts: int | None = 60,
             start=None, end=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Members (rows of a raster) and their posts: ``row, account_id, timestamp, kind``.

    `start` and `end` (timestamps, UTC) restrict the posts to ``[start, end)``.
    """
    mem = members(result, network_id, max_accounts=max_accounts)
    posts = result.dataset.posts
    row_of = pd.Series(np.arange(len(mem)), index=mem["account_id"].to_numpy())
    sel = posts["account_id"].isin(row_of.index).to_numpy(bool)
    if start is not None:
        sel = sel & (posts["timestamp"] >= _utc(start)).to_numpy(bool)
    if end is not None:
        sel = sel & (posts["timestamp"] < _utc(end)).to_numpy(bool)
    p = posts.loc[sel, ["account_id", "timestamp", "kind"]]
    out = pd.DataFrame({
        "row": row_of.reindex(p["account_id"].astype(str).to_numpy()).to_numpy(dtype=np.int64),
        "account_id": p["account_id"].astype(str).to_numpy(),
        "timestamp": p["timestamp"].to_numpy(),
        "kind": p["kind"].astype(str).to_numpy(),
    })
    out["timestamp"] = pd.to_datetime(out["timestamp"], utc=True)
    return mem, out.sort_values(["timestamp", "row"], kind="stable").reset_index(drop=True)


def busiest_window(acts: pd.DataFrame, width: str | pd.Timedelta = "1h") -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The clock-aligned window of `width` in which the most distinct members acted (earliest on
    ties), as ``(start, end)``; None without actions."""
    if acts.empty:
        return None
    width = pd.Timedelta(width)
    start = acts["timestamp"].dt.floor(width)
    per = acts.assign(start=start).groupby("start")["row"].nunique()
    top = per.index[int(np.argmax(per.to_numpy()))]
    return top, top + width


def hour_matrix(result: Result, network_id: int, *, tz: str = "UTC",
                max_accounts: int | None = 60) -> pd.DataFrame:
    """Share of each member's posts per hour of the day (in `tz`): one row per member plus a
    last row ``"all accounts"`` for the whole collection. Columns 0..23; rows sum to 1 (0 for an
    account without posts). ``attrs["posts"]`` holds each row's number of posts."""
    mem = members(result, network_id, max_accounts=max_accounts)
    posts = result.dataset.posts
    try:
        local = posts["timestamp"].dt.tz_convert(tz)
    except Exception as exc:  # pytz/zoneinfo raise several types for unknown zones
        raise ParameterError(f"The 'tz' parameter must be a time-zone name such as 'UTC' or "
                             f"'Asia/Shanghai'. Got {tz!r} instead.", name="tz", value=tz) from exc
    hours = local.dt.hour.to_numpy(dtype=np.int64)
    ids = posts["account_id"].astype(str).to_numpy()
    counts = np.zeros((len(mem) + 1, 24), dtype=np.float64)
    row_of = pd.Series(np.arange(len(mem)), index=mem["account_id"].to_numpy())
    rows = row_of.reindex(ids).to_numpy()
    ok = ~np.isnan(rows)
    np.add.at(counts, (rows[ok].astype(np.int64), hours[ok]), 1.0)
    counts[-1] = np.bincount(hours, minlength=24)[:24]
    n = counts.sum(axis=1)
    shares = np.divide(counts, n[:, None], out=np.zeros_like(counts), where=n[:, None] > 0)
    out = pd.DataFrame(shares, index=[*mem["label"].tolist(), "all accounts"], columns=list(range(24)))
    out.attrs["posts"] = n.astype(np.int64).tolist()
    out.attrs["tz"] = tz
    out.attrs["total"] = mem.attrs["total"]
    return out


def layout(result: Result, network_id: int | None = None, *, max_nodes: int = 400,
           max_edges: int = 4000, seed: int = 0, cache: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node positions and edges of one network, or of all networks side by side.

    Each network is laid out on its own (spring layout on its fused edges, seeded) and, for
    ``network_id=None``, the networks are packed in rows, largest first, each scaled by the
    square root of its size. Coordinates are in ``[0, 1] x [0, 1]`` (y grows downwards).

    Returns
    -------
    (nodes, edges)
        nodes: ``account_id, label, network_id, role, score, x, y``; edges: ``account_a,
        account_b, network_id, signals, evidence, xa, ya, xb, yb``. ``nodes.attrs["omitted"]``
        counts members left out by `max_nodes` (per network, the lowest scores go first).
        `cache` (a dict) keeps each network's layout for later calls with the same settings.
    """
    nets = result.networks[result.networks["status"].isin(SHOWN_STATUSES).to_numpy(bool)]
    if network_id is not None:
        ids = [check_network(result, network_id)]
    else:
        ids = nets.sort_values(["size", "network_id"], ascending=[False, True])["network_id"].tolist()
    edges = result.edges
    blocks = []
    omitted = 0
    for nid in ids:
        key = (int(nid), int(max_nodes), seed)
        if cache is not None and key in cache:
            mem, e, dropped = cache[key]
            omitted += dropped
            blocks.append((mem, e))
            continue
        mem = members(result, nid)
        dropped = 0
        if len(mem) > max_nodes:
            dropped = len(mem) - max_nodes
            omitted += dropped
            mem = mem.sort_values(["score", "account_id"], ascending=[False, True]).head(max_nodes)
        keep = set(mem["account_id"])
        e = edges[edges["account_a"].isin(keep).to_numpy(bool) & edges["account_b"].isin(keep).to_numpy(bool)]
        g = nx.Graph()
        g.add_nodes_from(sorted(keep))
        g.add_edges_from((a, b, {"weight": float(w)}) for a, b, w in
                         zip(e["account_a"].astype(str), e["account_b"].astype(str),
                             e["evidence"].astype(float).clip(lower=0.1), strict=True))
        pos = _spring(g, seed)
        mem = mem.assign(network_id=nid, x=[pos[a][0] for a in mem["account_id"]],
                         y=[pos[a][1] for a in mem["account_id"]])
        blocks.append((mem, e.assign(network_id=nid)))
        if cache is not None:
            cache[key] = (mem, blocks[-1][1], dropped)
    if not blocks:
        empty_nodes = pd.DataFrame(columns=["account_id", "label", "network_id", "role", "score", "x", "y"])
        empty_nodes.attrs["omitted"] = 0
        return empty_nodes, pd.DataFrame(columns=["account_a", "account_b", "network_id", "signals",
                                                  "evidence", "xa", "ya", "xb", "yb"])
    nodes, edge_list = _pack(blocks)
    nodes.attrs["omitted"] = omitted
    if len(edge_list) > max_edges:
        edge_list = edge_list.sort_values("evidence", ascending=False, kind="stable").head(max_edges)
    return nodes, edge_list.reset_index(drop=True)


def _spring(g: nx.Graph, seed: int) -> dict:
    """Spring layout of the tied members in the unit disk; members without a tie in the drawing
    (seeders, accounts tied by profile signals only) on a ring around them."""
    tied = sorted(n for n in g.nodes if g.degree(n) > 0)
    alone = sorted(n for n in g.nodes if g.degree(n) == 0)
    pos: dict = {}
    if len(tied) >= 2:
        sub = g.subgraph(tied)
        raw = nx.spring_layout(sub, seed=seed, iterations=80 if len(tied) < 300 else 40,
                               k=1.5 / np.sqrt(len(tied)), weight=None)
        xy = np.array([raw[n] for n in tied])
        xy = xy - np.median(xy, axis=0)
        # Scale so that most members fill the disk; pull far outliers (an account tied by one
        # edge to the core) in to the rim instead of letting them squeeze the core to a dot.
        r = np.sqrt((xy ** 2).sum(axis=1))
        r90 = float(np.quantile(r, 0.9)) or float(r.max()) or 1.0
        rel = r / r90
        squash = np.where(rel > 1.0, 1.0 + 0.15 * np.tanh((rel - 1.0) / 0.5), rel)
        xy = xy * (squash / np.where(rel > 0, rel, 1.0))[:, None] / r90
        pos = {n: p for n, p in zip(tied, xy, strict=True)}
    ring = 1.25 if pos else (0.8 if len(alone) > 1 else 0.0)
    for i, n in enumerate(alone):
        angle = -np.pi / 2 + 2 * np.pi * i / max(len(alone), 1)
        pos[n] = np.array([ring * np.cos(angle), ring * np.sin(angle)])
    scale = max((np.abs(p).max() for p in pos.values()), default=1.0) or 1.0
    return {n: p / scale for n, p in pos.items()}


def _pack(blocks) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shelf-pack network layouts (each a unit disk scaled by sqrt(size)) into the unit square."""
    radii = [max(np.sqrt(len(m)), 4.0) for m, _ in blocks]  # small ones keep room for their label
    gap = 0.25 * max(radii) + 1.5
    width = max(2 * max(radii) + gap, np.sqrt(sum((2 * r + gap) ** 2 for r in radii)) * 1.5)
    x = y = shelf = 0.0
    placed = []
    for (m, e), r in zip(blocks, radii, strict=True):
        d = 2 * r + gap
        if x + d > width and x > 0:
            x, y, shelf = 0.0, y + shelf, 0.0
        cx, cy = x + d / 2, y + d / 2
        placed.append((m.assign(x=cx + m["x"] * r, y=cy + m["y"] * r), e))
        x += d
        shelf = max(shelf, d)
    nodes = pd.concat([m for m, _ in placed], ignore_index=True)
    lo = min(nodes["x"].min(), nodes["y"].min()) - 0.5
    span = max(nodes["x"].max(), nodes["y"].max()) + 0.5 - lo
    nodes["x"] = (nodes["x"] - lo) / span
    nodes["y"] = (nodes["y"] - lo) / span
    xy = dict(zip(nodes["account_id"], zip(nodes["x"], nodes["y"], strict=True), strict=True))
    edge_frames = [e for _, e in placed if len(e)]
    if edge_frames:
        edges = pd.concat(edge_frames, ignore_index=True)[["account_a", "account_b", "network_id",
                                                           "signals", "evidence"]]
        edges = edges.astype({"account_a": str, "account_b": str})
        a = [xy[k] for k in edges["account_a"]]
        b = [xy[k] for k in edges["account_b"]]
        edges = edges.assign(xa=[p[0] for p in a], ya=[p[1] for p in a], xb=[p[0] for p in b],
                             yb=[p[1] for p in b])
    else:
        edges = pd.DataFrame(columns=["account_a", "account_b", "network_id", "signals", "evidence",
                                      "xa", "ya", "xb", "yb"])
    return nodes, edges


def _utc(value) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
