"""Speed of ``coordnet.Dataset(posts)`` construction: rows/s, CPU seconds per stage, peak memory.

Two input shapes, each at every size:

- ``coaction``: exactly the input of ``case_e2e`` in ``benchmarks/coaction.py`` (the CSV the
  coordination-network-toolkit reads, read with ``pd.read_csv(dtype=str, engine="pyarrow")``):
  string ids (post_id "m123", account_id "u45", ref_post_id "t67" or missing), integer epoch
  seconds, kind "repost"/"post" from a numpy str array. Rows come in no time order.
- ``rich``: the same rows with a mix of kinds, free text and list columns as a user builds them in
  a notebook (Python lists in object columns): urls (30% of posts, tracking parameters to strip),
  hashtags (0-3 per post, mixed case), mentions (0-2 per post), media (always empty).

Every measurement runs in a fresh subprocess (first call in a process: the first large
allocations pay page faults), ``--repeat`` times; the machine is shared, so the minimum CPU time
(``resource.getrusage``, all threads) is what is reported, with the median beside it. CPU seconds
per stage come from timing wrappers put around the private stage functions of
``coordnet.dataset`` (exclusive time: a stage called inside another is not counted twice); the
rest of ``Dataset.__init__`` is ``other``. Peak memory is the process high-water mark (VmHWM)
after construction, and its rise over the input already in memory.

Usage::

    python benchmarks/dataset_build.py                                  # 100k and 1M, both shapes
    python benchmarks/dataset_build.py --sizes 1000000 --shapes coaction --repeat 7
    python benchmarks/dataset_build.py --sizes 1000000 --shapes coaction --profile   # cProfile
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))

#: Stage functions of coordnet.dataset timed when they exist: names of the code before and after
#: the construction speed-up, so that both can be measured with this script.
STAGES = (
    "_with_provenance", "_as_id_strings", "parse_timestamps", "_kind_codes", "_normalize_list_column",
    "_duplicate_mask", "_drop_duplicates", "_time_then_id_order", "_reorder", "_conform_accounts",
    "_derived_accounts",
)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _mib(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")  # pragma: no cover - not Linux


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


def coaction_posts(workdir: Path, n: int) -> pd.DataFrame:
    """The input of ``case_e2e`` in benchmarks/coaction.py, built the same way."""
    from coaction import csv_path

    raw = pd.read_csv(csv_path(workdir, n), dtype=str, engine="pyarrow", keep_default_na=False)
    return pd.DataFrame({"post_id": raw["message_id"], "account_id": raw["user_id"],
                         "timestamp": raw["timestamp"].astype("int64"),
                         "kind": np.where(raw["repost_id"] != "", "repost", "post"),
                         "ref_post_id": raw["repost_id"].replace("", None)})


def rich_posts(workdir: Path, n: int, seed: int = 1) -> pd.DataFrame:
    """The coaction rows with kinds mixed, text and Python-list columns (see module docstring)."""
    from coaction import load_codes

    codes = load_codes(workdir, n)
    m = len(codes)
    rng = np.random.default_rng(seed)
    kind = rng.choice(np.array(["post", "repost", "reply"]), size=m, p=[0.3, 0.6, 0.1])
    ref = np.char.add("t", codes["g"].to_numpy().astype(str)).astype(object)
    ref[kind == "post"] = None
    tags = np.array([f"#Tag{i}" if i % 3 else f"tag{i}" for i in range(2000)], dtype=object)
    users = np.array([f"@User{i}" for i in range(5000)], dtype=object)
    links = np.array([f"https://www.news{i % 300}.example.com/a/{i}?utm_source=tw&id={i}"
                      for i in range(5000)], dtype=object)
    n_tags = rng.choice(4, size=m, p=[0.5, 0.3, 0.15, 0.05])
    n_ment = rng.choice(3, size=m, p=[0.6, 0.3, 0.1])
    has_url = rng.random(m) < 0.3
    tag_pick = tags[rng.integers(0, len(tags), (m, 3))]
    ment_pick = users[rng.integers(0, len(users), (m, 2))]
    url_pick = links[rng.integers(0, len(links), m)]
    return pd.DataFrame({
        "post_id": "m" + pd.RangeIndex(m).astype(str),
        "account_id": "u" + codes["a"].astype(str),
        "timestamp": codes["t"].to_numpy(),
        "kind": kind,
        "ref_post_id": ref,
        "text": "a post about " + pd.Series(tag_pick[:, 0]).astype(str),
        "urls": pd.Series([[u] if h else [] for u, h in zip(url_pick, has_url, strict=True)], dtype=object),
        "hashtags": pd.Series([list(r[:k]) for r, k in zip(tag_pick, n_tags, strict=True)], dtype=object),
        "mentions": pd.Series([list(r[:k]) for r, k in zip(ment_pick, n_ment, strict=True)], dtype=object),
        "media": pd.Series([[] for _ in range(m)], dtype=object),
    })


# ---------------------------------------------------------------------------------------------
# One measurement (child process)
# ---------------------------------------------------------------------------------------------


def _instrument(times: dict[str, float]) -> None:
    """Wrap the stage functions of coordnet.dataset with exclusive CPU timers."""
    import functools

    import coordnet.dataset as D

    stack: list[float] = []  # CPU seconds spent in nested stages, per open frame

    def wrap(name, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            stack.append(0.0)
            c = _cpu()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = _cpu() - c
                inner = stack.pop()
                times[name] = times.get(name, 0.0) + spent - inner
                if stack:
                    stack[-1] += spent
        return timed

    for name in STAGES:
        if callable(getattr(D, name, None)):
            setattr(D, name, wrap(name, getattr(D, name)))


def child(shape: str, n: int, workdir: Path, profile: bool) -> dict:
    import coordnet

    posts = coaction_posts(workdir, n) if shape == "coaction" else rich_posts(workdir, n)
    times: dict[str, float] = {}
    if not profile:
        _instrument(times)
    rss0 = _mib("VmRSS")
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
    c0, t0 = _cpu(), time.perf_counter()
    ds = coordnet.Dataset(posts)
    cpu, wall = _cpu() - c0, time.perf_counter() - t0
    if profile:
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    peak = _mib("VmHWM")
    times["other"] = cpu - sum(times.values())
    return {"rows": len(posts), "posts": len(ds.posts), "accounts": len(ds.accounts),
            "rejects": len(ds.rejects), "cpu": cpu, "wall": wall, "stages": times,
            "peak_mib": peak, "input_rss_mib": rss0}


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def run(shape: str, n: int, workdir: Path, profile: bool = False) -> dict:
    cmd = [sys.executable, str(HERE), "--child", shape, "--n", str(n), "--workdir", str(workdir)]
    if profile:
        cmd.append("--profile")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{shape} n={n} failed:\n{r.stderr}")
    if profile:
        print(r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated numbers of rows drawn")
    ap.add_argument("--shapes", default="coaction,rich", help="comma-separated: coaction, rich")
    ap.add_argument("--repeat", type=int, default=5, help="fresh processes per measurement")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one run per case")
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "coordnet-bench"))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if args.child:
        print(json.dumps(child(args.child, args.n, workdir, args.profile)))
        return

    import os

    print(f"# Dataset construction: {os.cpu_count()} CPU(s), load {os.getloadavg()[0]:.1f}, "
          f"min of {args.repeat} fresh processes", flush=True)
    for shape in args.shapes.split(","):
        for n in (int(float(s)) for s in args.sizes.split(",")):
            if args.profile:
                run(shape, n, workdir, profile=True)
            runs = [run(shape, n, workdir) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["cpu"])
            cpus = [r["cpu"] for r in runs]
            stages = {k: min(r["stages"].get(k, 0.0) for r in runs) for k in best["stages"]}
            print(f"{shape:8s} rows={best['rows']:>9,}  cpu {best['cpu']:.3f} s (median "
                  f"{statistics.median(cpus):.3f})  wall {best['wall']:.3f} s  "
                  f"{best['rows'] / best['cpu'] / 1e6:5.2f} M rows/s (cpu)  "
                  f"peak {best['peak_mib']:.0f} MiB (+{best['peak_mib'] - best['input_rss_mib']:.0f} "
                  f"over the input)  posts {best['posts']:,} accounts {best['accounts']:,} "
                  f"rejects {best['rejects']:,}", flush=True)
            print("         CPU s by stage (min over runs): "
                  + ", ".join(f"{k} {v:.3f}" for k, v in sorted(stages.items(), key=lambda kv: -kv[1])),
                  flush=True)


if __name__ == "__main__":
    main()
