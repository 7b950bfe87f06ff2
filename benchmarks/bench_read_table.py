"""Speed of the column-mapped reader: the two real CooRTweet files, then synthetic shares by size.

Run: ``python benchmarks/bench_read_table.py [--sizes 100000 300000 1000000]``.
Prints wall and CPU seconds (CPU time is the fairer figure on a shared machine), rows/s by wall
time and the peak resident memory of the process so far.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from coordnet.io.table import from_frame, read_table

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "coortweet"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def shares(n: int, seed: int = 0) -> pd.DataFrame:
    """CooRTweet-like rows: ~1.15 rows per post, heavy-tailed objects, string ids."""
    rng = np.random.default_rng(seed)
    posts = rng.integers(0, int(n / 1.15), n)
    accounts = posts % max(n // 5, 1)
    objects = np.minimum(rng.zipf(1.6, n), 10 * n)
    times = 1_600_000_000 + posts * 7
    return pd.DataFrame({
        "object_id": pd.array(objects.astype(str), dtype="string[pyarrow]"),
        "account_id": pd.array(np.char.add("a", accounts.astype(str)), dtype="string[pyarrow]"),
        "content_id": pd.array(posts.astype(str), dtype="string[pyarrow]"),
        "timestamp_share": pd.array(times.astype(str), dtype="string[pyarrow]"),
    })


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 300_000, 1_000_000])
    args = ap.parse_args()
    for name, preset in (("russian_coord_tweets.csv.gz", "coortweet"),
                         ("german_elections.csv.gz", "coortweet-multimodal")):
        path = DATA / name
        if not path.exists():
            print(f"{name}: not found, skipped")
            continue
        t, c = time.perf_counter(), time.process_time()
        ds = read_table(path, preset=preset)
        dt, dc = time.perf_counter() - t, time.process_time() - c
        rows = len(ds.posts)
        print(f"{name:32s} preset={preset:22s} {dt:6.2f} s wall {dc:6.2f} s cpu  {rows:>8,} posts  "
              f"{rows / dt:>10,.0f} posts/s  {len(ds.rejects)} rejects  peak {peak_mb():,.0f} MB")
    for n in args.sizes:
        df = shares(n)
        t, c = time.perf_counter(), time.process_time()
        ds = from_frame(df, preset="coortweet")
        dt, dc = time.perf_counter() - t, time.process_time() - c
        print(f"synthetic shares n={n:>9,}  from_frame(preset='coortweet')  {dt:6.2f} s wall "
              f"{dc:6.2f} s cpu  "
              f"{n / dt:>10,.0f} rows/s  {len(ds.posts):>9,} posts  peak {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
