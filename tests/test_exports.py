"""Exports a person opens: spreadsheet-safe CSV, Gephi files with their attributes, whatever the
accounts under study called themselves."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from coordnet.dataset import Dataset
from coordnet.detect import detect

_spec = importlib.util.spec_from_file_location("hostile_data", Path(__file__).parent / "report" / "hostile_data.py")
hostile_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile_data)

CONTROL_NAME = "ctl\x01name\x0bend"


@pytest.fixture(scope="module")
def result():
    ds = hostile_data.hostile_dataset()
    acc = ds.accounts.copy()
    acc.loc[acc["account_id"] == "ring5", "screen_name"] = CONTROL_NAME
    acc.loc[acc["account_id"] == "ring6", "screen_name"] = "-2+3"
    acc.loc[acc["account_id"] == "ring7", "screen_name"] = "@SUM(A1)"
    return detect(Dataset(ds.posts, acc), signals=["co_repost", "rhythm"])


def test_csv_cells_cannot_run_as_formulas(result, tmp_path):
    result.to_csv(tmp_path)
    acc = pd.read_csv(tmp_path / "accounts.csv", dtype=str, keep_default_na=False)
    names = dict(zip(acc["account_id"], acc["screen_name"], strict=True))
    assert names["ring2"] == "'" + hostile_data.HOSTILE_NAMES[2]  # =HYPERLINK(...)
    assert names["ring6"] == "'-2+3" and names["ring7"] == "'@SUM(A1)"
    assert names["ring1"] == hostile_data.HOSTILE_NAMES[1]  # not a formula: kept as is
    frames = {"networks": result.networks, "accounts": result.accounts, "edges": result.edges}
    for name, frame in frames.items():
        table = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
        text_columns = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)
                        or frame[c].dtype == object]
        assert "screen_name" in text_columns or name != "accounts"
        for col in text_columns:
            bad = table[col].str.match(r"^[=+\-@\t\r]")
            assert not bad.any(), (name, col, table.loc[bad, col].tolist()[:3])


def test_parquet_keeps_values_exact(result, tmp_path):
    result.to_parquet(tmp_path)
    acc = pd.read_parquet(tmp_path / "accounts.parquet")
    names = dict(zip(acc["account_id"], acc["screen_name"], strict=True))
    assert names["ring2"] == hostile_data.HOSTILE_NAMES[2] and names["ring5"] == CONTROL_NAME


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_gephi_files_read_back_with_attributes(result, tmp_path, fmt):
    path = tmp_path / f"network.{fmt}"
    getattr(result, f"to_{fmt}")(path)
    g = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
    assert set(g.nodes) == set(result.graph.nodes)
    assert g.number_of_edges() == len(result.edges)
    ring5 = g.nodes["ring5"]
    assert ring5["screen_name"] == "ctl\ufffdname\ufffdend"  # XML cannot hold control characters
    assert ring5["network"] == 0 and ring5["role"] == "amplifier" and ring5["score"] == pytest.approx(1.0)
    assert g.nodes["ring1"]["screen_name"] == hostile_data.HOSTILE_NAMES[1]  # markup kept, as text
    a, b, attrs = next(iter(g.edges(data=True)))
    assert attrs["signals"] == "co_repost" and attrs["evidence"] > 0 and attrs["network"] == 0
