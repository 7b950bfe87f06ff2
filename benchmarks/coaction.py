"""Benchmark of the co-action engine: speed, memory, exactness against references and a peer.

Synthetic reposts with a realistic mix: heavy-tailed account activity (lognormal), Zipf-like
post popularity, reposts arriving with lognormal delays after each post appears, and a few viral
posts (1% of all reposts each) arriving within hours. Every case runs in a fresh subprocess so
that its peak memory (``VmHWM``) is its own.

Cases (per size and window):

- ``kernel``: the numpy kernel alone on integer codes (partition, reduce, null model) - "the
  engine alone".
- ``engine``: an actions DataFrame of strings to the edge DataFrame (encoding included).
- ``reference``: a plain pandas self-merge on target with a window filter, compared with the
  engine's edges (sizes up to ``--reference-max``; the merge is all pairs per target).
- ``multi``: the three windows in one run, against the sum of separate runs.
- ``e2e`` and ``toolkit``: CSV file to co-retweet edges at 60 s, coordnet (read, Dataset,
  CoRepost) against the coordination-network-toolkit (SQLite) on the same file; with ``--peer``
  the benchmark pip-installs the toolkit when it is missing (``--no-install`` to skip; or
  ``pip install 'coordnet[bench]'``) and runs it only if that works; edges compared.

Usage::

    python benchmarks/coaction.py                      # 100k and 1M, windows 10 s, 60 s, 1 h
    python benchmarks/coaction.py --sizes 10000000 --windows 60
    python benchmarks/coaction.py --sizes 1000000 --peer   # with the toolkit side by side

Prints one line per case and a summary table (Markdown) at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve()


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def generate(n: int, seed: int = 0, days: int = 30, n_viral: int = 3, viral_share: float = 0.01,
             zipf: float = 0.8) -> pd.DataFrame:
    """About `n` reposts: columns ``a`` (account code), ``g`` (reposted post code), ``t``
    (epoch seconds). An account reposts a post at most once (as on Twitter)."""
    rng = np.random.default_rng(seed)
    n_acc = max(n // 8, 10)
    n_tgt = max(n // 4, 10)
    activity = rng.lognormal(0.0, 1.3, n_acc)
    activity /= activity.sum()
    pop = np.arange(1, n_tgt + 1, dtype=float) ** -zipf
    pop /= pop.sum()
    nv = int(n * viral_share)
    g = rng.choice(n_tgt, size=n - nv * n_viral, p=pop)
    g = np.concatenate([g, n_tgt + np.repeat(np.arange(n_viral), nv)])
    a = rng.choice(n_acc, size=len(g), p=activity)
    created = rng.uniform(0, days * 86400, n_tgt + n_viral)
    delay = np.where(g >= n_tgt, rng.lognormal(np.log(3600), 1.0, len(g)),
                     rng.lognormal(np.log(7200), 1.5, len(g)))
    t = (1_600_000_000 + created[g] + delay).astype(np.int64)
    df = pd.DataFrame({"a": a, "g": g, "t": t}).drop_duplicates(["a", "g"], ignore_index=True)
    return df


def data_path(workdir: Path, n: int) -> Path:
    path = workdir / f"reposts_{n}.parquet"
    if not path.exists():
        generate(n).to_parquet(path, index=False)
    return path


def load_codes(workdir: Path, n: int) -> pd.DataFrame:
    return pd.read_parquet(data_path(workdir, n))


def as_actions(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": pd.Series("u" + df["a"].astype(str), dtype="string[pyarrow]"),
        "target": pd.Series("t" + df["g"].astype(str), dtype="string[pyarrow]"),
        "timestamp": pd.to_datetime(df["t"], unit="s", utc=True).astype("datetime64[ns, UTC]"),
        "post_id": pd.Series("m" + pd.RangeIndex(len(df)).astype(str), dtype="string[pyarrow]"),
    })


def csv_path(workdir: Path, n: int) -> Path:
    """The toolkit's CSV layout: message_id,user_id,username,repost_id,reply_id,message,timestamp,urls."""
    path = workdir / f"reposts_{n}.csv"
    if not path.exists():
        df = load_codes(workdir, n)
        out = pd.DataFrame({
            "message_id": "m" + pd.RangeIndex(len(df)).astype(str),
            "user_id": "u" + df["a"].astype(str),
            "username": "u" + df["a"].astype(str),
            "repost_id": "t" + df["g"].astype(str),
            "reply_id": "",
            "message": "",
            "timestamp": df["t"],
            "urls": "",
        })
        out.to_csv(path, index=False)
    return path


# ---------------------------------------------------------------------------------------------
# Cases (each runs in its own process)
# ---------------------------------------------------------------------------------------------


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_mib(children: bool = False) -> float:
    """Peak resident memory of this process (MiB): VmHWM, the high-water mark of its own address
    space. (ru_maxrss would not do: after a vfork/exec it starts from the parent's peak, so
    every case would report at least the driver's memory.) With `children`, also the largest
    waited-for child process (ru_maxrss)."""
    peak = 0.0
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024.0
    except OSError:  # pragma: no cover - not Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    if children:
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0)
    return peak


def case_kernel(workdir: Path, n: int, windows: list[int], cap) -> dict:
    from coordnet.signals import _coaction_kernel as K
    from coordnet.stats import bh_adjust

    df = load_codes(workdir, n)
    acc = df["a"].to_numpy(np.int64)
    tgt = df["g"].to_numpy(np.int64)
    t = df["t"].to_numpy(np.int64) - int(df["t"].min())
    n_acc = int(acc.max()) + 1
    import scipy.special  # noqa: F401  (import time is not the engine's)

    c0 = _cpu()
    t0 = time.perf_counter()
    part = K.coaction_partition(acc, tgt, t, windows, n_accounts=n_acc, max_pairs_per_target=cap,
                                min_support=2)
    t1 = time.perf_counter()
    tw = K.target_weights(part.target_accounts)
    edges = []
    for k, rows in enumerate(part.rows):
        pt = K.reduce_pairs(rows, tw, n_accounts=n_acc, min_support=2)
        nm = K.NullModel.from_incidences(part.incidence_account, part.incidence_others,
                                         part.pair_share[k][part.incidence_target], n_accounts=n_acc)
        lam, p = K.poisson_null(pt.lo, pt.hi, pt.support, nm)
        q = bh_adjust(p, K.pair_family_size(int((nm.k > 0).sum())))
        edges.append(len(pt))
        del pt, lam, p, q
    t2 = time.perf_counter()
    return {"actions": len(df), "seconds": t2 - t0, "cpu_seconds": _cpu() - c0, "seconds_partition": t1 - t0,
            "seconds_reduce": t2 - t1, "candidate_pairs": part.stats["candidate_pairs"],
            "pair_target_rows": part.stats["pair_target_rows"], "edges": edges,
            "targets_over_cap": part.stats["targets_over_pair_cap"],
            "stages": part.stats["cpu_seconds"], "peak_mib": _peak_mib()}


def case_engine(workdir: Path, n: int, windows: list[int], cap, min_support: int = 2) -> dict:
    from coordnet.signals.coaction import run_engine

    acts = as_actions(load_codes(workdir, n))
    import scipy.special  # noqa: F401

    c0 = _cpu()
    t0 = time.perf_counter()
    res = run_engine(acts, [pd.Timedelta(seconds=w) for w in windows], signal="co_repost",
                     min_support=min_support, max_pairs_per_target=cap)
    dt_ = time.perf_counter() - t0
    out = {"actions": len(acts), "seconds": dt_, "cpu_seconds": _cpu() - c0, "edges": [int(res.stats["edges"][float(w)]) for w in windows],
           "significant": int(res.edges["significant"].sum()), "notes": len(res.notes),
           "peak_mib": _peak_mib(), "stats": {k: v for k, v in res.stats.items() if k.startswith("seconds")}}
    if os.environ.get("COORDNET_BENCH_SAVE"):
        res.edges[["account_a", "account_b", "window", "support", "co_actions"]].to_parquet(
            os.environ["COORDNET_BENCH_SAVE"], index=False)
    return out


def reference_edges(acts: pd.DataFrame, window: int) -> pd.DataFrame:
    """Plain pandas: self-merge on target, a < b, |gap| <= window; support and co_actions."""
    a = pd.DataFrame({"account": acts["account_id"].to_numpy(object), "target": acts["target"].to_numpy(object),
                      "ns": pd.DatetimeIndex(acts["timestamp"]).as_unit("ns").asi8})
    m = a.merge(a, on="target", suffixes=("_a", "_b"))
    m = m[(m["account_a"] < m["account_b"]).to_numpy()]
    m = m[((m["ns_b"] - m["ns_a"]).abs() <= window * 10**9).to_numpy()]
    return (m.groupby(["account_a", "account_b"])
            .agg(support=("target", "nunique"), co_actions=("target", "size"))
            .reset_index())


def case_reference(workdir: Path, n: int, windows: list[int]) -> dict:
    acts = as_actions(load_codes(workdir, n))
    out = {"actions": len(acts), "seconds": 0.0, "edges": [], "identical": []}
    for w in windows:
        t0 = time.perf_counter()
        ref = reference_edges(acts, w)
        out["seconds"] += time.perf_counter() - t0
        with tempfile.NamedTemporaryFile(suffix=".parquet") as f:
            env = dict(os.environ, COORDNET_BENCH_SAVE=f.name)
            r = subprocess.run([sys.executable, str(HERE), "--case", "engine-save", "--n", str(n),
                                "--window", str(w), "--workdir", str(workdir)],
                               env=env, capture_output=True, text=True, check=True)
            ours = pd.read_parquet(f.name)
        ours = ours.astype({"account_a": object, "account_b": object})
        merged = ref.merge(ours, on=["account_a", "account_b"], how="outer", suffixes=("_ref", ""),
                           indicator=True)
        same = bool((merged["_merge"] == "both").all()
                    and (merged["support_ref"] == merged["support"]).all()
                    and (merged["co_actions_ref"] == merged["co_actions"]).all())
        out["edges"].append(len(ref))
        out["identical"].append(same)
        del r
    out["peak_mib"] = _peak_mib()
    return out


def _cpu_all() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    k = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + k.ru_utime + k.ru_stime


def case_e2e(workdir: Path, n: int, window: int, min_weight: int) -> dict:
    """CSV file to co-retweet edges with coordnet (no pair cap, min_support = the toolkit's
    min_edge_weight), edges saved for comparison."""
    import coordnet
    from coordnet.signals.coaction import CoRepost

    path = csv_path(workdir, n)
    import scipy.special  # noqa: F401

    c0 = _cpu_all()
    t0 = time.perf_counter()
    raw = pd.read_csv(path, dtype=str, engine="pyarrow", keep_default_na=False)
    posts = pd.DataFrame({"post_id": raw["message_id"], "account_id": raw["user_id"],
                          "timestamp": raw["timestamp"].astype("int64"),
                          "kind": np.where(raw["repost_id"] != "", "repost", "post"),
                          "ref_post_id": raw["repost_id"].replace("", None)})
    t1 = time.perf_counter()
    ds = coordnet.Dataset(posts)
    t2 = time.perf_counter()
    edges = CoRepost(window=window, min_support=min_weight, max_pairs_per_target=None).compute(ds)
    t3 = time.perf_counter()
    cpu = _cpu_all() - c0
    edges[["account_a", "account_b", "support"]].to_parquet(
        workdir / f"coordnet_edges_{n}_{window}_{min_weight}.parquet")
    return {"actions": len(ds), "seconds": t3 - t0, "cpu_seconds": cpu, "seconds_read": t1 - t0,
            "seconds_dataset": t2 - t1,
            "seconds_signal": t3 - t2, "edges": [len(edges)], "peak_mib": _peak_mib()}


def case_toolkit(workdir: Path, n: int, window: int, min_weight: int) -> dict:
    import contextlib
    import io
    import sqlite3

    from coordination_network_toolkit.compute_networks import compute_co_retweet_parallel
    from coordination_network_toolkit.preprocess import preprocess_csv_files

    path = csv_path(workdir, n)
    db = workdir / f"toolkit_{n}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    sink = io.StringIO()
    c0 = _cpu_all()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(sink):
        preprocess_csv_files(str(db), [str(path)])
        t1 = time.perf_counter()
        compute_co_retweet_parallel(str(db), window, n_threads=os.cpu_count() or 2,
                                    min_edge_weight=min_weight)
    t2 = time.perf_counter()
    cpu = _cpu_all() - c0
    peak = _peak_mib(children=True)  # before the edges are read back for the comparison
    con = sqlite3.connect(db)
    edges = pd.read_sql("select user_1, user_2, weight from co_retweet_network", con)
    con.close()
    edges.to_parquet(workdir / f"toolkit_edges_{n}_{window}_{min_weight}.parquet")
    return {"actions": n, "seconds": t2 - t0, "cpu_seconds": cpu, "seconds_preprocess": t1 - t0,
            "seconds_compute": t2 - t1, "edges": [len(edges)], "peak_mib": peak}


def compare_with_toolkit(workdir: Path, n: int, window: int, min_weight: int) -> dict:
    """The toolkit's table is directed and has self-loops; its weight counts user_1's reposts
    that have a partner, which is the shared-target count when nobody reposts a post twice."""
    tk = pd.read_parquet(workdir / f"toolkit_edges_{n}_{window}_{min_weight}.parquet")
    ours = pd.read_parquet(workdir / f"coordnet_edges_{n}_{window}_{min_weight}.parquet")
    loops = int((tk["user_1"] == tk["user_2"]).sum())
    und = tk[tk["user_1"] < tk["user_2"]].rename(columns={"user_1": "account_a", "user_2": "account_b"})
    rev = tk[tk["user_1"] > tk["user_2"]].rename(columns={"user_2": "account_a", "user_1": "account_b"})
    sym = und.merge(rev, on=["account_a", "account_b"], how="outer", indicator=True)
    symmetric = bool((sym["_merge"] == "both").all() and (sym["weight_x"] == sym["weight_y"]).all())
    ours = ours.astype({"account_a": object, "account_b": object})
    m = und.merge(ours, on=["account_a", "account_b"], how="outer", indicator=True)
    identical = bool((m["_merge"] == "both").all() and (m["weight"] == m["support"]).all())
    return {"toolkit_rows": len(tk), "self_loops": loops, "undirected": len(und),
            "symmetric": symmetric, "coordnet_edges": len(ours), "identical": identical,
            "only_toolkit": int((m["_merge"] == "left_only").sum()),
            "only_coordnet": int((m["_merge"] == "right_only").sum())}


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def _ensure_toolkit(install: bool) -> bool:
    """Whether the coordination-network-toolkit can be imported, installing it with pip first
    when it is missing (``pip install 'coordnet[bench]'`` pins the same peer)."""
    import importlib.util

    if importlib.util.find_spec("coordination_network_toolkit") is not None:
        return True
    if install:
        print("installing the peer: python -m pip install coordination-network-toolkit")
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "coordination-network-toolkit"],
                           capture_output=True, text=True)
        importlib.invalidate_caches()
        if r.returncode == 0 and importlib.util.find_spec("coordination_network_toolkit") is not None:
            return True
        print(f"could not install it ({(r.stderr.strip().splitlines() or ['pip failed'])[-1]})")
    print("coordination-network-toolkit is not installed (pip install 'coordnet[bench]'): coordnet runs alone")
    return False


def run_child(case: str, n: int, windows: list[int], workdir: Path, cap: str, min_weight: int = 1) -> dict:
    cmd = [sys.executable, str(HERE), "--case", case, "--n", str(n), "--workdir", str(workdir),
           "--window", ",".join(map(str, windows)), "--cap", cap, "--min-weight", str(min_weight)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated numbers of reposts")
    ap.add_argument("--windows", default="10,60,3600", help="comma-separated windows, seconds")
    ap.add_argument("--cap", default="2000000", help="max_pairs_per_target ('none' for no cap)")
    ap.add_argument("--reference-max", type=int, default=100_000,
                    help="largest size compared with the pandas self-merge reference")
    ap.add_argument("--peer", action="store_true",
                    help="run the coordination-network-toolkit side by side at 60 s (largest size <= 1M)")
    ap.add_argument("--no-install", action="store_true",
                    help="with --peer, do not pip-install the toolkit when it is missing")
    ap.add_argument("--min-weight", default="1,2",
                    help="the toolkit's min_edge_weight (coordnet's min_support) values to compare")
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "coordnet-bench"))
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--window", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    cap = None if args.cap.lower() == "none" else int(args.cap)

    if args.case:  # child process
        windows = [int(w) for w in args.window.split(",")]
        if args.case == "kernel":
            out = case_kernel(workdir, args.n, windows, cap)
        elif args.case == "engine":
            out = case_engine(workdir, args.n, windows, cap)
        elif args.case == "engine-save":
            out = case_engine(workdir, args.n, windows, None, min_support=1)
        elif args.case == "reference":
            out = case_reference(workdir, args.n, windows)
        elif args.case == "e2e":
            out = case_e2e(workdir, args.n, windows[0], int(args.min_weight))
        elif args.case == "toolkit":
            out = case_toolkit(workdir, args.n, windows[0], int(args.min_weight))
        else:
            raise SystemExit(f"unknown case {args.case}")
        print(json.dumps(out))
        return

    sizes = [int(float(s)) for s in args.sizes.split(",")]
    windows = [int(w) for w in args.windows.split(",")]
    print(f"# co-action benchmark: sizes {sizes}, windows {windows} s, cap {cap}, "
          f"{os.cpu_count()} CPU(s), load {os.getloadavg()[0]:.1f}", flush=True)
    table = []
    for n in sizes:
        t0 = time.perf_counter()
        df = load_codes(workdir, n)
        order = np.lexsort((df["t"].to_numpy(), df["g"].to_numpy()))
        g, t = df["g"].to_numpy()[order], df["t"].to_numpy()[order]
        from coordnet.signals._coaction_kernel import candidate_ends

        dens = {w: (candidate_ends(g, t, w) - np.arange(len(g)) - 1).sum() / len(g) for w in windows}
        print(f"\n## {len(df):,} reposts ({n:,} drawn), {df['a'].nunique():,} accounts, "
              f"{df['g'].nunique():,} posts, largest post {df['g'].value_counts().iloc[0]:,} reposts; "
              "candidate pairs per repost: " + ", ".join(f"{w} s: {d:.2f}" for w, d in dens.items())
              + f" (data ready in {time.perf_counter() - t0:.1f} s)", flush=True)
        del df, order, g, t
        for w in windows:
            for case in ("kernel", "engine"):
                r = run_child(case, n, [w], workdir, args.cap)
                if "error" in r:
                    print(f"{case:9s} n={n:>10,} w={w:>5}s  FAILED: {r['error']}", flush=True)
                    table.append((case, n, w, None, None, None, None, r["error"], None))
                    continue
                pairs = r.get("candidate_pairs", [None])[0]
                cpu_ = r["cpu_seconds"]
                rate = r["actions"] / r["seconds"]
                prate = (pairs / r["seconds"]) if pairs else None
                extra = f"  CPU s by stage {', '.join(f'{k} {v:.2f}' for k, v in r['stages'].items())}" if case == "kernel" else ""
                print(f"{case:9s} n={r['actions']:>10,} w={w:>5}s  {r['seconds']:7.2f} s "
                      f"(cpu {r['cpu_seconds']:6.2f} s)  "
                      f"{rate / 1e6:6.2f} M actions/s  "
                      + (f"{prate / 1e6:6.2f} M cand. pairs/s  " if prate else "")
                      + f"edges {r['edges'][0]:>9,}  peak {r['peak_mib']:7.0f} MiB{extra}", flush=True)
                table.append((case, r["actions"], w, r["seconds"], rate, prate, r["peak_mib"], r["edges"][0], cpu_))
        r = run_child("engine", n, windows, workdir, args.cap)
        if "error" not in r:
            sep = sum(x[3] for x in table if x[0] == "engine" and x[1] == r["actions"] and x[3])
            print(f"multi     n={r['actions']:>10,} windows {windows} in one run: {r['seconds']:.2f} s "
                  f"(separate runs: {sep:.2f} s), peak {r['peak_mib']:.0f} MiB", flush=True)
            table.append(("multi", r["actions"], "+".join(map(str, windows)), r["seconds"],
                          r["actions"] / r["seconds"], None, r["peak_mib"], sum(r["edges"]), r["cpu_seconds"]))
        if n <= args.reference_max:
            r = run_child("reference", n, windows, workdir, args.cap)
            if "error" in r:
                print(f"reference n={n:>10,} FAILED: {r['error']}")
            else:
                print(f"reference n={r['actions']:>10,} pandas self-merge, windows {windows}: "
                      f"{r['seconds']:.2f} s, edges {r['edges']}, identical to the engine (no cap, "
                      f"min_support=1): {r['identical']}, peak {r['peak_mib']:.0f} MiB", flush=True)
                table.append(("reference", r["actions"], "+".join(map(str, windows)), r["seconds"],
                              r["actions"] / r["seconds"], None, r["peak_mib"], sum(r["edges"]), None))

    if args.peer:
        n = max([s for s in sizes if s <= 1_000_000] or [min(sizes)])
        csv_path(workdir, n)
        have_tk = _ensure_toolkit(install=not args.no_install)
        for mw in [int(x) for x in args.min_weight.split(",")]:
            ours = run_child("e2e", n, [60], workdir, args.cap, mw)
            if "error" in ours:
                print(f"coordnet e2e FAILED: {ours['error']}")
                continue
            print(f"\ncoordnet  CSV -> co-retweet edges at 60 s, min weight {mw}, n={n:,}: "
                  f"{ours['seconds']:.2f} s, cpu {ours['cpu_seconds']:.2f} s (read {ours['seconds_read']:.2f}, "
                  f"Dataset {ours['seconds_dataset']:.2f}, signal {ours['seconds_signal']:.2f}), "
                  f"edges {ours['edges']}, peak {ours['peak_mib']:.0f} MiB", flush=True)
            table.append((f"e2e (min {mw})", n, 60, ours["seconds"], None, None, ours["peak_mib"],
                          ours["edges"][0], ours["cpu_seconds"]))
            if not have_tk:
                continue
            tk = run_child("toolkit", n, [60], workdir, args.cap, mw)
            if "error" in tk:
                print(f"toolkit FAILED: {tk['error']}")
                continue
            cmp_ = compare_with_toolkit(workdir, n, 60, mw)
            print(f"toolkit   CSV -> co-retweet edges at 60 s, min weight {mw}, n={n:,}: {tk['seconds']:.2f} s, "
                  f"cpu {tk['cpu_seconds']:.2f} s (preprocess {tk['seconds_preprocess']:.2f}, compute "
                  f"{tk['seconds_compute']:.2f}), peak {tk['peak_mib']:.0f} MiB (largest process)", flush=True)
            print(f"ratio toolkit / coordnet: wall {tk['seconds'] / ours['seconds']:.1f}x, cpu "
                  f"{tk['cpu_seconds'] / ours['cpu_seconds']:.1f}x; edges: {cmp_}", flush=True)
            table.append((f"toolkit (min {mw})", n, 60, tk["seconds"], None, None, tk["peak_mib"],
                          tk["edges"][0], tk["cpu_seconds"]))

    print("\n| case | actions | window (s) | seconds | CPU s | actions/s | cand. pairs/s | peak MiB | edges |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case, n, w, s, rate, prate, mem, e, cpu_ in table:
        fmt = lambda x, f: "-" if x is None else format(x, f)  # noqa: E731
        print(f"| {case} | {n:,} | {w} | {fmt(s, '.2f')} | {fmt(cpu_, '.2f')} | {fmt(rate, ',.0f')} "
              f"| {fmt(prate, ',.0f')} | {fmt(mem, '.0f')} | {e if isinstance(e, str) else fmt(e, ',')} |")


if __name__ == "__main__":
    main()
