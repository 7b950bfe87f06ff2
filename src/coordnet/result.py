"""`Result`: what :func:`coordnet.detect` found, as tables first, with evidence and exports.

Exports are written for the people who open them: CSV cells that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are prefixed with a
single quote; GEXF and GraphML carry node attributes (network, score, role, screen name) and edge
attributes (signals, evidence) for Gephi.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from .dataset import Dataset
from .errors import ParameterError

logger = logging.getLogger(__name__)

__all__ = ["NetworkEvidence", "Result", "escape_formulas"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells cannot run as spreadsheet formulas (CSV injection).

    Examples
    --------
    >>> escape_formulas(pd.DataFrame({"t": ["=HYPERLINK(\\"x\\")", "ok", "-2+3", "@cmd"]}))["t"].tolist()
    ['\\'=HYPERLINK("x")', 'ok', "'-2+3", "'@cmd"]
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
            text = s.astype(object)
            mask = text.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START))
            if mask.any():
                out[col] = text.where(~mask.astype(bool), "'" + text.astype(str))
    return out


@dataclass(frozen=True, eq=False)
class NetworkEvidence:
    """The evidence behind one network, per signal, in tables and plain sentences.

    Attributes
    ----------
    network_id : int
    members : DataFrame
        The network's rows of :attr:`Result.accounts`.
    sentences : list of str
        One plain sentence per signal with its numbers.
    shared_targets : DataFrame
        Per co-action signal, the targets the members acted on together: ``signal, target,
        accounts, actions, first, last, span_seconds``, most accounts first.
    examples : DataFrame
        Example posts on the top shared targets, side by side with their timestamps:
        ``signal, target, account_id, post_id, timestamp, text``.
    edges : DataFrame
        The fused edges inside the network.
    features : DataFrame
        Per-account features of the members (rhythm, fast reposts, lifecycle...).
    """

    network_id: int
    members: pd.DataFrame
    sentences: list[str]
    shared_targets: pd.DataFrame
    examples: pd.DataFrame
    edges: pd.DataFrame
    features: pd.DataFrame

    def __str__(self) -> str:
        lines = [f"network {self.network_id}: {len(self.members)} accounts"]
        lines += [f"  - {s}" for s in self.sentences]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.sentences)
        return (f"<p><b>network {self.network_id}</b>: {len(self.members)} accounts</p><ul>{items}</ul>"
                + self.shared_targets.head(10)._repr_html_())


@dataclass(frozen=True, eq=False)
class Result:
    """What detection found.

    Attributes
    ----------
    networks : DataFrame
        One row per group: ``network_id, status, size, score, group_q, group_test`` (the test
        that gave ``group_q``: "fused" or a niche view such as "niche_co_repost", see
        :mod:`coordnet.clustering`), ``signals, n_edges, density, seeders`` and the audience
        statistics of :mod:`coordnet.audience` (``top_source, source_share, source_followers,
        audience_share, median_delay, habit_share, wave_share``; NA for candidates). ``status`` is "network" (a coordinated network: its members are flagged),
        "declared_automation" (a network of openly automated accounts: shown, not flagged),
        "organic_audience" (one account's audience, each member at its own pace, tied by
        amplification only: shown, not flagged) or "candidate" (a group too small or too weak
        to be a network).
    accounts : DataFrame
        One row per account of the collection: ``account_id, screen_name, network_id`` (NA when
        in no network), ``score`` in [0, 1] (see :mod:`coordnet.clustering`), ``role`` ("seeder",
        "amplifier", "member" or NA), ``ties`` (fused edges inside its network), ``signals``
        (what ties it), ``candidate_group`` (the unflagged group it belongs to, if any),
        ``declared_automation`` and ``automation_reason`` (see :mod:`coordnet.automation`).
    edges : DataFrame
        The fused backbone (see :mod:`coordnet.network`) with ``network_id``.
    signal_edges : dict of str to DataFrame
        Each pairwise signal's own edge table.
    features : DataFrame
        Per-account features of the feature signals, indexed by ``account_id``.
    dataset : Dataset
        The input.
    params : dict
        The parameters of the run.
    version : str
        coordnet's version.
    stages : DataFrame
        Time and counts of each stage.
    """

    networks: pd.DataFrame
    accounts: pd.DataFrame
    edges: pd.DataFrame
    signal_edges: dict
    features: pd.DataFrame
    dataset: Dataset
    params: dict = field(default_factory=dict)
    version: str = ""
    stages: pd.DataFrame = field(default_factory=pd.DataFrame)
    signal_results: dict = field(default_factory=dict, repr=False)

    # -- display --------------------------------------------------------------------------------
    def __repr__(self) -> str:
        n = int((self.networks["status"] == "network").sum()) if len(self.networks) else 0
        flagged = int(self.accounts["network_id"].notna().sum())
        return (f"<Result: {n} networks, {flagged:,} of {len(self.accounts):,} accounts flagged, "
                f"{len(self.edges):,} fused edges>")

    def describe(self, top: int = 10) -> str:
        """A readable text summary: the networks found, strongest first, with their evidence."""
        nets = self.networks[self.networks["status"] == "network"]
        lines = [repr(self)]
        if nets.empty:
            lines.append("No coordinated network found at the chosen significance level.")
        for row in nets.head(top).itertuples():
            lines.append(f"\nnetwork {row.network_id}: {row.size} accounts, score {row.score:.2f}, "
                         f"signals: {row.signals}")
            for s in self.evidence(row.network_id).sentences:
                lines.append(f"  - {s}")
        if len(nets) > top:
            lines.append(f"\n... and {len(nets) - top} more networks (see Result.networks)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cols = ["network_id", "status", "size", "score", "signals", "summary"]
        return (f"<p><b>{html.escape(repr(self))}</b></p>"
                + self.networks[[c for c in cols if c in self.networks]].head(20)._repr_html_(escape=True))

    # -- evidence -------------------------------------------------------------------------------
    def members(self, network_id: int) -> list[str]:
        """Account ids of one network."""
        self._check_network(network_id)
        acc = self.accounts
        mask = np.array((acc["network_id"] == network_id).fillna(False), dtype=bool)
        if "candidate_group" in acc:
            mask |= np.array((acc["candidate_group"] == network_id).fillna(False), dtype=bool)
        return sorted(acc.loc[mask, "account_id"].tolist())

    def _check_network(self, network_id) -> None:
        ids = set(self.networks["network_id"].tolist())
        if network_id not in ids:
            raise ParameterError(f"No network {network_id!r}; networks are {sorted(ids)[:20]}.",
                                 name="network_id", value=network_id)

    def evidence(self, network_id: int, *, top: int = 10) -> NetworkEvidence:
        """The evidence behind one network: per-signal sentences, shared targets, example posts."""
        from .explain import network_evidence

        self._check_network(network_id)
        return network_evidence(self, network_id, top=top)

    @property
    def graph(self) -> nx.Graph:
        """The fused graph (networkx): nodes with network, score, role, screen name; edges with
        signals, evidence and q-value."""
        g = nx.Graph()
        acc = self.accounts.set_index("account_id")
        nodes = set(self.edges["account_a"]) | set(self.edges["account_b"])
        for a in sorted(nodes):
            r = acc.loc[a] if a in acc.index else None
            g.add_node(a, **_node_attrs(a, r))
        for e in self.edges.itertuples(index=False):
            g.add_edge(e.account_a, e.account_b, signals=str(e.signals), evidence=float(e.evidence),
                       q_value=float(e.q_value),
                       network=int(e.network_id) if pd.notna(e.network_id) else -1)
        return g

    # -- exports --------------------------------------------------------------------------------
    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write networks, accounts and edges as CSV (formula-escaped) into `folder`."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for name, df in self._tables().items():
            p = folder / f"{name}.csv"
            escape_formulas(df).to_csv(p, index=False)
            out.append(p)
        return out

    def to_parquet(self, folder: str | Path) -> list[Path]:
        """Write networks, accounts and edges as Parquet into `folder`."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for name, df in self._tables().items():
            p = folder / f"{name}.parquet"
            df.to_parquet(p, index=False)
            out.append(p)
        return out

    def to_gexf(self, path: str | Path) -> Path:
        """Write the fused graph as GEXF (Gephi); characters XML cannot hold become U+FFFD."""
        path = Path(path)
        nx.write_gexf(_xml_safe(self.graph), path)
        return path

    def to_graphml(self, path: str | Path) -> Path:
        """Write the fused graph as GraphML; characters XML cannot hold become U+FFFD."""
        path = Path(path)
        nx.write_graphml(_xml_safe(self.graph), path)
        return path

    def to_json(self, path: str | Path) -> Path:
        """Write networks (with their members and evidence sentences) as JSON."""
        path = Path(path)
        nets = []
        for row in self.networks.to_dict("records"):
            nid = row["network_id"]
            row = {k: _jsonable(v) for k, v in row.items()}
            row["members"] = self.members(nid)
            row["evidence"] = self.evidence(nid).sentences if row["status"] == "network" else []
            nets.append(row)
        doc = {"coordnet": self.version, "params": _jsonable(self.params), "networks": nets}
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False))
        return path

    def save(self, folder: str | Path) -> Path:
        """Write every export into `folder`: CSV, Parquet, GEXF, GraphML, JSON."""
        folder = Path(folder)
        self.to_csv(folder)
        self.to_parquet(folder)
        self.to_gexf(folder / "network.gexf")
        self.to_graphml(folder / "network.graphml")
        self.to_json(folder / "networks.json")
        return folder

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {"networks": self.networks, "accounts": self.accounts, "edges": self.edges}


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(g: nx.Graph) -> nx.Graph:
    """A copy of `g` whose node ids and string attributes hold only characters XML 1.0 allows
    (control characters in a screen name would otherwise make a file Gephi refuses)."""
    def clean(v):
        return _XML_INVALID.sub("\ufffd", v) if isinstance(v, str) else v

    out = nx.relabel_nodes(g, {n: clean(n) for n in g.nodes if clean(n) != n}, copy=True)
    for _, attrs in out.nodes(data=True):
        attrs.update({k: clean(v) for k, v in attrs.items()})
    for _, _, attrs in out.edges(data=True):
        attrs.update({k: clean(v) for k, v in attrs.items()})
    return out


def _node_attrs(account: str, row) -> dict:
    if row is None:
        return {"network": -1, "score": 0.0, "role": "", "screen_name": ""}
    nid = row.get("network_id")
    return {
        "network": int(nid) if pd.notna(nid) else -1,
        "score": float(row.get("score", 0.0)),
        "role": str(row.get("role")) if pd.notna(row.get("role")) else "",
        "screen_name": str(row.get("screen_name")) if pd.notna(row.get("screen_name")) else "",
    }


def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)
