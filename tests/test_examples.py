"""The example scripts run top to bottom (as subprocesses, side by side) and write what they say."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = ("walkthrough", "detect_io_archive", "detect_table", "detect_dask")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Run every example at once (each in its own output folder); wait for all."""
    if not EXAMPLES.is_dir():
        pytest.skip(f"no examples folder at {EXAMPLES}")
    base = tmp_path_factory.mktemp("examples")
    procs = {}
    for name in SCRIPTS:
        out = base / name
        procs[name] = (subprocess.Popen([sys.executable, str(EXAMPLES / f"{name}.py"), str(out)], cwd=base,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), out)
    done = {}
    for name, (proc, out) in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        done[name] = (proc.returncode, stdout, stderr, out)
    return done


def test_walkthrough(runs):
    rc, out, err, folder = runs["walkthrough"]
    assert rc == 0, err[-3000:]
    assert "retweet_ring     18       18" in out and "copypasta         8        8" in out
    written = {p.name for p in folder.iterdir()}
    assert {"report.html", "network.gexf", "network.graphml", "networks.csv", "accounts.parquet"} <= written
    if importlib.util.find_spec("matplotlib"):
        assert {"networks.png", "timeline_0.png", "hours_0.png", "scores.png"} <= written


def test_detect_io_archive(runs):
    rc, out, err, folder = runs["detect_io_archive"]
    assert rc == 0, err[-3000:]
    assert "network 0:" in out and (folder / "report.html").exists() and (folder / "network.gexf").exists()


def test_detect_table(runs):
    rc, out, err, folder = runs["detect_table"]
    assert rc == 0, err[-3000:]
    assert "columns ['id', 'user', 'created', 'type', 'rt_of', 'msg', 'shared', 'tags']" in out
    assert "precision" in out.lower()
    assert {"posts.csv", "networks.csv", "accounts.csv", "edges.csv"} <= {p.name for p in folder.iterdir()}


def test_detect_dask_runs_or_says_why_not(runs):
    rc, out, err, _ = runs["detect_dask"]
    assert rc == 0, err[-3000:]
    if importlib.util.find_spec("dask") is None:
        assert "Dask is not installed" in out
    else:
        assert "no Dask backend yet" in out or (out.count("identical: True") == 2 and "<Result:" in out)
