"""Speed, memory and recovery of the timing signals on synthetic collections.

Synthetic data: organic accounts with heavy-tailed activity (Pareto-distributed post counts),
each living in a random timezone and posting along the "human" reference day over 30 days; one
breaking-news moment in which 2% of the accounts post within two minutes; and a planted
synchronized group whose members post together at scheduled moments (within 40 s of each other,
each member joining about 80% of the moments) on top of their own random activity.

Each measurement runs in a fresh subprocess so that ``ru_maxrss`` is that run's peak memory
(data generation and Dataset construction included; ``peak_rss_before_compute_mb`` is the same
figure just before ``compute``). ``compute_peak_alloc_mb`` is the peak that ``tracemalloc`` sees
during a second, traced ``compute`` (NumPy and SciPy arrays included): the signal's own memory.
The time is the first, untraced ``compute`` only.

Usage::

    python benchmarks/synchrony.py                 # 100k and 1M posts
    python benchmarks/synchrony.py --sizes 100000  # one size
    python benchmarks/synchrony.py --days 1        # everything within one day: crowded bins
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

DAYS = 30
GROUP = 40
MOMENTS = 150


def synthetic(n_posts: int, seed: int = 0, days: int = DAYS) -> tuple[pd.DataFrame, list[str]]:
    """Posts (post_id, account_id, timestamp) and the planted group's account ids."""
    from coordnet.signals.timing import REFERENCE_DAYS

    rng = np.random.default_rng(seed)
    curve = np.asarray(REFERENCE_DAYS["human"], dtype=float)
    curve /= curve.sum()
    start = pd.Timestamp("2024-03-04", tz="UTC").value
    # Heavy-tailed activity: Pareto(1.3) post counts, at least 1, at most 5000.
    n_acc = max(n_posts // 12, 50)
    counts = np.minimum(np.floor(rng.pareto(1.3, n_acc) * 4 + 1), 5000).astype(np.int64)
    organic = n_posts - GROUP * (int(0.8 * MOMENTS) + 60) - n_acc // 50
    counts = np.maximum(np.round(counts * (organic / counts.sum())).astype(np.int64), 1)
    acc = np.repeat(np.arange(n_acc), counts)
    tz = rng.integers(-11, 13, n_acc)[acc]
    day = rng.integers(0, days, len(acc))
    hour = rng.choice(24, len(acc), p=curve)
    sec = rng.random(len(acc)) * 3600
    t = start + ((day * 24 + hour - tz) * 3600 + sec) * 1e9
    ids = [np.char.add("u", np.arange(n_acc).astype(str))[acc]]
    times = [t]
    # Breaking news: 2% of accounts post once within two minutes.
    news = rng.choice(n_acc, max(n_acc // 50, 20), replace=False)
    ids.append(np.char.add("u", news.astype(str)))
    times.append(start + (days // 2) * 86400e9 + 14 * 3600e9 + rng.random(len(news)) * 120e9)
    # Planted group: scheduled moments during (UTC+8) office hours, each member joins ~80%.
    moments = start + (rng.integers(0, days, MOMENTS) * 86400 + (rng.integers(9, 18, MOMENTS) - 8)
                       * 3600 + rng.integers(0, 3600, MOMENTS)) * 1e9
    group = [f"g{i}" for i in range(GROUP)]
    for g in group:
        join = moments[rng.random(MOMENTS) < 0.8]
        own = start + rng.random(60) * days * 86400e9
        ids.append(np.array([g] * (len(join) + len(own))))
        times.append(np.concatenate([join + rng.random(len(join)) * 40e9, own]))
    ids_all = np.concatenate(ids)
    t_all = np.concatenate(times).astype(np.int64)
    posts = pd.DataFrame({"post_id": np.char.add("p", np.arange(len(ids_all)).astype(str)),
                          "account_id": ids_all,
                          "timestamp": pd.to_datetime(t_all, utc=True)})
    return posts, group


def run_one(signal: str, n_posts: int, days: int) -> dict:
    from coordnet import Dataset
    from coordnet.signals.timing import Rhythm, SynchronizedActivity

    posts, group = synthetic(n_posts, days=days)
    ds = Dataset(posts)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sig = SynchronizedActivity() if signal == "synchrony" else Rhythm()
    t0 = time.perf_counter()
    out = sig.compute(ds)
    elapsed = time.perf_counter() - t0
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()  # a second run, traced: memory the computation itself allocates
    sig.compute(ds)
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    res = {"signal": signal, "days": days, "posts": len(ds), "accounts": int(ds.posts["account_id"].nunique()),
           "seconds": round(elapsed, 2), "posts_per_s": int(len(ds) / elapsed),
           "peak_rss_before_compute_mb": round(before, 1),
           "peak_rss_mb": round(peak_rss, 1), "compute_peak_alloc_mb": round(traced_peak, 1)}
    gset = set(group)
    if signal == "synchrony":
        in_a = out["account_a"].isin(gset)
        in_b = out["account_b"].isin(gset)
        planted = int((in_a & in_b).sum())
        res.update({
            "edges": len(out), "planted_pairs_found": planted,
            "planted_pairs": GROUP * (GROUP - 1) // 2,
            "false_edges": int((~(in_a & in_b)).sum()),
            "group_accounts_found": len(gset & (set(out["account_a"]) | set(out["account_b"]))),
        })
    else:
        g = out.loc[out.index.isin(gset)]
        rest = out.loc[~out.index.isin(gset) & (out["rhythm_posts"] >= 10)]
        res.update({
            "group_work_share_median": round(float(g["rhythm_work_share"].median()), 3),
            "others_work_share_median": round(float(rest["rhythm_work_share"].median()), 3),
        })
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--signals", nargs="+", default=["synchrony", "rhythm"])
    parser.add_argument("--days", type=int, default=DAYS, help="span of the collection")
    parser.add_argument("--one", nargs=2, metavar=("SIGNAL", "POSTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.days)))
        return
    for size in args.sizes:
        for signal in args.signals:
            proc = subprocess.run([sys.executable, __file__, "--one", signal, str(size),
                                   "--days", str(args.days)],
                                  capture_output=True, text=True, check=True)
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            print(", ".join(f"{k}={v}" for k, v in res.items()), flush=True)


if __name__ == "__main__":
    main()
