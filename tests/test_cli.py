"""The ``coordnet`` command: outputs written, errors on one line with conventional exit codes."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from coordnet.cli import main, window_signals
from coordnet.errors import ParameterError

_spec = importlib.util.spec_from_file_location("hostile_data", Path(__file__).parent / "report" / "hostile_data.py")
hostile_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile_data)

OUTPUTS = {"networks.csv", "accounts.csv", "edges.csv", "networks.parquet", "accounts.parquet", "edges.parquet",
           "network.gexf", "network.graphml", "networks.json", "report.html"}
FAST = ["--signals", "co_repost,co_text,rhythm"]


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        rc = exc.code
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory) -> Path:
    return hostile_data.hostile_dataset().save(tmp_path_factory.mktemp("hostile") / "dataset")


# ---------------------------------------------------------------------------------------------
# Help
# ---------------------------------------------------------------------------------------------


def test_help_lists_every_command(capsys):
    rc, out, _ = run(capsys, "--help")
    assert rc == 0
    for word in ("detect", "summary", "demo", "simulate", "exit codes: 0 success, 1 bad input data, 2 usage error"):
        assert word in out


@pytest.mark.parametrize("command, options", [
    ("detect", ["--format", "--users", "--map", "--signals", "--exclude-signals", "--window", "--alpha",
                "--min-size", "--clustering", "--seed", "--out", "--no-report", "--title", "twitter-io",
                "crowdtangle", "telegram", "table"]),
    ("summary", ["--format", "--top", "--save"]),
    ("demo", ["--out", "--window", "--signals"]),
    ("simulate", ["--size", "--seed", "--days", "--start", "--as", "--out"]),
])
def test_help_of_each_command(capsys, command, options):
    rc, out, _ = run(capsys, command, "--help")
    assert rc == 0
    for opt in options:
        assert opt in out, opt


def test_version_as_a_module_and_as_the_console_script():
    from coordnet import __version__

    out = subprocess.run([sys.executable, "-m", "coordnet.cli", "--version"], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == f"coordnet {__version__}"
    script = shutil.which("coordnet")
    if script is None:
        pytest.skip("the coordnet console script is not on PATH (package not installed with pip)")
    out = subprocess.run([script, "--version"], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == f"coordnet {__version__}"


# ---------------------------------------------------------------------------------------------
# detect
# ---------------------------------------------------------------------------------------------


def test_demo_writes_every_output(capsys, tmp_path):
    rc, out, err = run(capsys, "demo", "--out", tmp_path / "demo")
    assert rc == 0, err
    assert err == ""  # no progress bar when stderr is not a terminal, no warning
    assert {p.name for p in (tmp_path / "demo").iterdir()} == OUTPUTS
    nets = pd.read_csv(tmp_path / "demo" / "networks.csv")
    found = nets[nets["status"] == "network"]
    assert len(found) >= 2
    for nid, size in zip(found["network_id"], found["size"], strict=True):
        assert f"network {nid}: {size} accounts" in out
    # the planted retweet ring (18 accounts) is found, in one network
    from coordnet.sample import sample_truth

    truth = sample_truth()
    acc = pd.read_csv(tmp_path / "demo" / "accounts.csv", dtype={"account_id": str})
    ring = acc[acc["account_id"].isin(truth.loc[truth["network"] == "retweet_ring", "userid"])]
    assert ring["network_id"].notna().sum() >= 15 and ring["network_id"].nunique() == 1
    report = (tmp_path / "demo" / "report.html").read_text(encoding="utf-8")
    assert all(f'id="network-{nid}"' in report for nid in found["network_id"])
    # Gephi files carry node and edge attributes
    g = nx.read_gexf(tmp_path / "demo" / "network.gexf")
    node = next(iter(g.nodes(data=True)))[1]
    assert {"network", "score", "screen_name", "role"} <= set(node)
    edge = next(iter(g.edges(data=True)))[2]
    assert {"signals", "evidence"} <= set(edge)
    assert nx.read_graphml(tmp_path / "demo" / "network.graphml").number_of_nodes() == g.number_of_nodes()


def test_detect_saved_dataset_with_hostile_names(capsys, tmp_path, hostile_folder):
    out_dir = tmp_path / "res"
    rc, out, err = run(capsys, "detect", hostile_folder, "--out", out_dir, "--title", "<b>t</b>", *FAST)
    assert rc == 0, err
    assert {p.name for p in out_dir.iterdir()} == OUTPUTS
    assert "network 0: 9 accounts" in out
    assert f"wrote 10 files to {out_dir}" in out
    # spreadsheet-safe CSV: the '=HYPERLINK(...)' screen name is written as text
    text = (out_dir / "accounts.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and ",=HYPERLINK(" not in text and '"=HYPERLINK(' not in text
    back = pd.read_parquet(out_dir / "accounts.parquet")  # Parquet keeps the value itself
    assert hostile_data.HOSTILE_NAMES[2] in back["screen_name"].tolist()
    report = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in report and "<script" not in report


def test_detect_window_override(capsys, tmp_path, hostile_folder):
    rc, _, err = run(capsys, "detect", hostile_folder, "--format", "coordnet", "--out", tmp_path, "--window", "30s",
                     "--signals", "co_repost,rhythm", "--no-report")
    assert rc == 0, err
    assert not (tmp_path / "report.html").exists()
    params = json.loads((tmp_path / "networks.json").read_text())["params"]
    assert params["signals"][0].startswith("CoRepost(window=['30s']")
    assert params["signals"][1].startswith("Rhythm(")


def test_window_signals():
    sigs = window_signals(["co_repost", "co_similar_text", "synchrony"], ["60s", "1h"])
    assert [type(s).__name__ for s in sigs] == ["CoRepost", "CoSimilarText", "SynchronizedActivity"]
    assert sigs[0].window == ["60s", "1h"] and sigs[1].window == ["60s", "1h"]
    with pytest.raises(ParameterError, match="window"):
        window_signals(["co_repost"], ["0s"])


def test_detect_table_sets_bad_rows_aside(capsys, tmp_path):
    ds = hostile_data.hostile_dataset()
    posts = ds.posts[["post_id", "account_id", "timestamp", "kind", "ref_post_id", "ref_account_id", "text"]].copy()
    posts["timestamp"] = posts["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    bad = pd.DataFrame([{"post_id": "bad", "account_id": "x", "timestamp": "31/31/2021", "kind": "post",
                         "ref_post_id": None, "text": "=1+1"}])
    path = tmp_path / "posts.csv"
    pd.concat([bad, posts], ignore_index=True).to_csv(path, index=False)
    rc, out, err = run(capsys, "detect", path, "--format", "table", "--out", tmp_path / "res", *FAST)
    assert rc == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("coordnet:")]
    assert len(warnings) == 1
    assert "1 input row(s) set aside" in warnings[0] and "posts.csv, row 1" in warnings[0]
    rej = pd.read_csv(tmp_path / "res" / "rejects.csv")
    assert rej["row"].tolist() == [1] and rej["column"].tolist() == ["timestamp"]
    assert "network 0: 9 accounts" in out  # kinds and references were mapped by their own names


# ---------------------------------------------------------------------------------------------
# Errors: one line on stderr, exit 1 for bad data, 2 for usage
# ---------------------------------------------------------------------------------------------


@pytest.fixture()
def files(tmp_path) -> Path:
    (tmp_path / "io.csv").write_text("tweetid,userid\n1,2\n")
    (tmp_path / "plain.csv").write_text("a,b\n1,2\n")
    return tmp_path


@pytest.mark.parametrize("argv, code, expected", [
    (["detect", "{d}/missing.csv", "--out", "{d}/o"], 1, "missing.csv: no such file or folder"),
    (["detect", "{d}/io.csv", "--format", "twitter-io", "--out", "{d}/o"], 1, "tweet_time"),
    (["detect", "{d}/plain.csv", "--out", "{d}/o"], 1, "plain.csv: the column mapping names column(s)"),
    (["summary", "{d}/plain.csv", "--format", "table", "--map", "account_id=zz", "timestamp=b"], 1, "'zz'"),
    (["detect", "{d}/plain.csv"], 2, "the following arguments are required: --out"),
    (["detect", "{d}/plain.csv", "--out", "{d}/o", "--window", "5x"], 2, "Got '5x' instead"),
    (["detect", "{d}/plain.csv", "--out", "{d}/o", "--signals", "co_nope"], 2, "Unknown signal name(s) ['co_nope']"),
    (["detect", "{d}/plain.csv", "--out", "{d}/o", "--exclude-signals", ",".join(
        ["co_repost", "co_reply", "co_quote", "co_link", "co_domain", "co_text", "co_similar_text", "co_image",
         "hashtag_sequence", "synchrony", "creation_burst", "handle_template", "rhythm", "fast_repost",
         "lifecycle"])], 2, "No signal left to run"),
    (["detect", "{d}/plain.csv", "--out", "{d}/o", "--alpha", "2"], 2, "'alpha' parameter"),
    (["detect", "{d}/plain.csv", "--out", "{d}/o", "--format", "nope"], 2, "invalid choice: 'nope'"),
    (["summary", "{d}/plain.csv", "--map", "nonsense"], 2, "--map takes CANONICAL=SOURCE pairs"),
    (["detect", "{d}/io.csv", "--format", "twitter-io", "--map", "a=b", "--out", "{d}/o"], 2,
     "A column mapping goes with the table formats"),
    (["simulate", "--size", "huge", "--out", "{d}/o"], 2, "'size' parameter of simulate"),
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
])
def test_errors_are_one_line(capsys, files, argv, code, expected):
    rc, out, err = run(capsys, *[a.format(d=files) for a in argv])
    assert rc == code
    lines = [line for line in err.splitlines() if not line.startswith(("WARNING", "INFO"))]
    assert len(lines) == 1, err
    assert lines[0].startswith("coordnet")
    assert expected in lines[0]
    assert not (files / "o").exists() or code == 1


# ---------------------------------------------------------------------------------------------
# simulate and summary
# ---------------------------------------------------------------------------------------------


def test_simulate_then_detect(capsys, tmp_path):
    rc, out, err = run(capsys, "simulate", "--size", "tiny", "--seed", "3", "--out", tmp_path / "sc")
    assert rc == 0, err
    assert (tmp_path / "sc" / "dataset" / "coordnet.json").exists()
    truth = pd.read_csv(tmp_path / "sc" / "truth.csv")
    assert list(truth.columns) == ["account_id", "role", "group", "tactic", "seeder"]
    assert f"coordnet detect {tmp_path / 'sc' / 'dataset'} --format coordnet" in out
    rc, out, err = run(capsys, "detect", tmp_path / "sc" / "dataset", "--out", tmp_path / "res",
                       "--signals", "co_repost,co_link,hashtag_sequence", "--no-report")
    assert rc == 0, err
    acc = pd.read_parquet(tmp_path / "res" / "accounts.parquet")
    assert len(acc) == len(truth)
    assert set(acc["account_id"]) == set(truth["account_id"].astype(str))
    nets = pd.read_csv(tmp_path / "res" / "networks.csv")
    for nid, size in nets.loc[nets["status"] == "network", ["network_id", "size"]].itertuples(index=False):
        assert f"network {nid}: {size} accounts" in out


def test_simulate_as_csv_reads_back(capsys, tmp_path):
    rc, _, err = run(capsys, "simulate", "--size", "600", "--days", "2", "--as", "csv", "--out", tmp_path)
    assert rc == 0, err
    assert {p.name for p in tmp_path.iterdir()} == {"posts.csv", "accounts.csv", "truth.csv"}
    n_posts = len(pd.read_csv(tmp_path / "posts.csv"))
    rc, out, err = run(capsys, "summary", tmp_path / "posts.csv")  # guessed: a table, columns by name
    assert rc == 0, err
    assert f"posts:            {n_posts:,}" in out
    assert "rejected rows:    0" in out


def test_summary_of_the_sample(capsys):
    from coordnet.sample import sample_paths

    tweets, users = sample_paths()
    rc, out, err = run(capsys, "summary", tweets, "--users", users)  # format guessed
    assert rc == 0, err
    assert "posts:            3,566" in out and "accounts:         400" in out
