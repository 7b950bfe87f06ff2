"""Benchmark of the Dask backend of the co-action engine against the local backend.

The input is the co-action benchmark's synthetic reposts (``benchmarks/coaction.py``:
heavy-tailed account activity, Zipf post popularity, lognormal delays, a few viral posts), as an
actions frame of strings. Each case runs in a fresh subprocess (its own peak memory) and checks
that its edges equal the local backend's.

Cases:

- ``local``: :func:`coordnet.signals.coaction.run_engine` (encoding included).
- ``dask-threads``: :func:`coordnet.backends.dask.run_engine_dask` with no client (Dask's local
  threaded scheduler).
- ``dask-inproc``: a ``distributed.LocalCluster(n_workers=2, threads_per_worker=1,
  processes=False)`` and a Client (what the tests use).
- ``dask-procs``: a ``LocalCluster`` of 2 worker processes, 1 thread each (data serialized to
  the workers, as on a real cluster).

Times are wall seconds of the engine call (the cluster is started before the clock and warmed
up with one small run); peak memory is this process's ``ru_maxrss`` (the workers' own memory is
not counted for ``dask-procs``).

Usage::

    python benchmarks/dask_coaction.py                         # 1M actions, 60 s
    python benchmarks/dask_coaction.py --sizes 100000 1000000 --windows 10 60 3600
    python benchmarks/dask_coaction.py --cases local dask-procs --npartitions 4
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))

CASES = ("local", "dask-threads", "dask-inproc", "dask-procs")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _actions(workdir: Path, n: int) -> pd.DataFrame:
    from coaction import as_actions, data_path  # the co-action benchmark's generator

    return as_actions(pd.read_parquet(data_path(workdir, n)))


def child(case: str, n: int, windows: list[int], npartitions: int | None, workdir: Path) -> dict:
    import logging

    from coordnet.signals.coaction import run_engine

    logging.disable(logging.WARNING)  # viral-cap notes are expected
    acts = _actions(workdir, n)
    wins = [pd.Timedelta(seconds=w) for w in windows]
    kw = dict(signal="co_repost", min_support=2)
    ref_path = workdir / f"edges_{n}_{'-'.join(map(str, windows))}.parquet"
    out = {"case": case, "actions": len(acts), "windows": windows}
    if case == "local":
        t = time.perf_counter()
        res = run_engine(acts, wins, **kw)
        out["seconds"] = time.perf_counter() - t
        res.edges.to_parquet(ref_path)
        out["edges"] = len(res.edges)
        out["peak_mib"] = _peak_mib()
        return out

    from coordnet.backends.dask import run_engine_dask

    cluster = client = None
    if case in ("dask-inproc", "dask-procs"):
        import distributed

        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                           processes=case == "dask-procs", dashboard_address=":0")
        client = distributed.Client(cluster)
    warm = acts.head(1000)
    run_engine_dask(warm, wins, **kw, client=client, npartitions=npartitions)
    t = time.perf_counter()
    res = run_engine_dask(acts, wins, **kw, client=client, npartitions=npartitions)
    out["seconds"] = time.perf_counter() - t
    out["peak_mib"] = _peak_mib()
    out["edges"] = len(res.edges)
    out["npartitions"] = res.stats["npartitions"]
    out["stage_seconds"] = {k: round(res.stats[k], 3) for k in
                            ("seconds_encode", "seconds_cluster", "seconds_reduce")}
    if ref_path.exists():
        ref = pd.read_parquet(ref_path)
        out["identical"] = bool(ref.equals(res.edges.astype(ref.dtypes.to_dict())))
    if client is not None:
        client.close()
        cluster.close()
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--windows", type=int, nargs="+", default=[60])
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    ap.add_argument("--npartitions", type=int, default=None)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "coordnet-bench")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.child:
        res = child(args.child, args.sizes[0], args.windows, args.npartitions, args.workdir)
        print(json.dumps(res))
        return
    cases = ["local"] + [c for c in args.cases if c != "local"]  # local first: the reference
    rows = []
    for n in args.sizes:
        for case in cases:
            cmd = [sys.executable, str(HERE), "--child", case, "--sizes", str(n), "--windows",
                   *map(str, args.windows), "--workdir", str(args.workdir)]
            if args.npartitions:
                cmd += ["--npartitions", str(args.npartitions)]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode:
                print(f"{case} n={n}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            rows.append(r)
            print(f"{case:13s} n={r['actions']:>9,} windows={r['windows']} "
                  f"{r['seconds']:7.2f} s  {r['actions'] / r['seconds']:>11,.0f} actions/s  "
                  f"edges={r['edges']:,}  peak={r['peak_mib']:.0f} MiB"
                  + (f"  partitions={r['npartitions']} identical={r.get('identical')} "
                     f"stages={r['stage_seconds']}" if case != "local" else ""), flush=True)
    print("\n| case | actions | windows (s) | seconds | vs local | edges | identical | peak MiB (client) |")
    print("|---|---:|---|---:|---:|---:|---|---:|")
    local = {r["actions"]: r["seconds"] for r in rows if r["case"] == "local"}
    for r in rows:
        ratio = r["seconds"] / local[r["actions"]] if r["actions"] in local else float("nan")
        print(f"| {r['case']} | {r['actions']:,} | {', '.join(map(str, r['windows']))} | "
              f"{r['seconds']:.2f} | {ratio:.2f}x | {r['edges']:,} | {r.get('identical', '-')} | "
              f"{r['peak_mib']:.0f} |")


if __name__ == "__main__":
    main()
