"""Time every output `coordnet detect` writes, on a simulated scenario.

Usage::

    python benchmarks/outputs.py [SIZE] [SEED]      # SIZE: tiny, small, medium (default), large or a number

Prints the time of each stage (simulate, detect, CSV, Parquet, GEXF, GraphML, JSON, HTML report,
and the same job through the command line) with file sizes and the peak resident memory.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coordnet.detect import detect
from coordnet.report.html import write_report
from coordnet.simulate import simulate


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    size = sys.argv[1] if len(sys.argv) > 1 else "medium"
    size = int(size) if size.isdigit() else size
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t = time.perf_counter()
        sc = simulate(size=size, seed=seed)
        print(f"simulate    {time.perf_counter() - t:7.2f} s  {sc}")
        t = time.perf_counter()
        result = detect(sc.dataset)
        print(f"detect      {time.perf_counter() - t:7.2f} s  {result}")
        steps = [
            ("csv", lambda: result.to_csv(out)),
            ("parquet", lambda: result.to_parquet(out)),
            ("gexf", lambda: [result.to_gexf(out / "network.gexf")]),
            ("graphml", lambda: [result.to_graphml(out / "network.graphml")]),
            ("json", lambda: [result.to_json(out / "networks.json")]),
            ("report", lambda: [write_report(result, out / "report.html")]),
        ]
        for name, fn in steps:
            t = time.perf_counter()
            files = fn()
            mb = sum(p.stat().st_size for p in files) / 1e6
            print(f"{name:<11} {time.perf_counter() - t:7.2f} s  {mb:8.2f} MB  ({', '.join(p.name for p in files)})")
        print(f"peak RSS (this process): {peak_mb():,.0f} MB")

        ds_dir = sc.dataset.save(out / "dataset")
        t = time.perf_counter()
        run = subprocess.run(["coordnet", "detect", str(ds_dir), "--out", str(out / "cli")],
                             capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t
        written = sorted(p.name for p in (out / "cli").iterdir()) if (out / "cli").exists() else []
        print(f"coordnet detect (read + detect + every output): {wall:.2f} s, exit {run.returncode}, "
              f"{len(written)} files: {', '.join(written)}")
        if run.returncode:
            print(run.stderr[-2000:])


if __name__ == "__main__":
    main()
