"""Speed and memory of the account signals (CreationBursts, HandleTemplates, Lifecycle).

Builds a synthetic collection: accounts created over eight years with a few planted creation
batches, ordinary handles plus planted templated ones (``stem + digits``), bios from a large
vocabulary plus stock bios, and posts (a share of accounts dormant then reactivated in another
language and client). Prints, per size, the seconds and rows per second of each signal, the
Python-heap peak (tracemalloc) during the call, the process's peak RSS, and whether the planted
structure was found.

Usage::

    python benchmarks/account_signals.py                 # 10k and 100k accounts, 10 posts each
    python benchmarks/account_signals.py --sizes 100000 --posts-per-account 10
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

from coordnet.dataset import Dataset
from coordnet.signals.accounts import CreationBursts, HandleTemplates, Lifecycle

SYLLABLES = ["an", "bo", "ca", "de", "el", "fi", "go", "ha", "is", "jo", "ka", "li", "ma", "ne",
             "or", "pa", "qu", "ri", "sa", "tu", "ur", "vi", "wa", "xi", "yo", "za"]
WORDS = [f"{a}{b}{c}" for a in SYLLABLES[:12] for b in SYLLABLES for c in SYLLABLES[:8]]


def synthetic(n_accounts: int, posts_per_account: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    ids = np.array([f"{i:08d}" for i in range(n_accounts)], dtype=object)
    lo, hi = pd.Timestamp("2012-01-01", tz="UTC").value, pd.Timestamp("2020-01-01", tz="UTC").value
    created = rng.integers(lo, hi, n_accounts)
    # planted batches: 5 batches of 40 accounts, each created within one day
    n_batch = min(200, n_accounts // 20)
    batch_rows = rng.choice(n_accounts, n_batch, replace=False)
    starts = rng.integers(lo, hi - 86_400 * 10**9, 5)
    created[batch_rows] = starts[np.arange(n_batch) % 5] + rng.integers(0, 86_400 * 10**9, n_batch)
    # handles: two random words + optional 2-digit/year suffix; 1% planted templates
    w = rng.integers(0, len(WORDS), (n_accounts, 2))
    words = np.array(WORDS, dtype=object)
    handles = words[w[:, 0]] + "_" + words[w[:, 1]] + np.where(
        rng.uniform(size=n_accounts) < 0.3, rng.integers(1950, 2005, n_accounts).astype(str), "")
    handles = handles.astype(object) + np.arange(n_accounts).astype(str)  # unique
    n_tmpl = n_accounts // 100
    tmpl_rows = rng.choice(n_accounts, n_tmpl, replace=False)
    handles[tmpl_rows] = np.array([f"news{g}x" for g in rng.integers(0, max(1, n_tmpl // 10), n_tmpl)],
                                  dtype=object) + rng.integers(10**7, 10**8, n_tmpl).astype(str)
    bios = words[rng.integers(0, len(WORDS), n_accounts)] + " " + words[rng.integers(0, len(WORDS), n_accounts)] \
        + " " + words[rng.integers(0, len(WORDS), n_accounts)] + " and more words here"
    stock = rng.uniform(size=n_accounts) < 0.3
    bios[stock] = "I love my family"
    accounts = pd.DataFrame({
        "account_id": ids, "screen_name": handles, "display_name": words[w[:, 0]] + " " + words[rng.integers(0, len(WORDS), n_accounts)],
        "created_at": pd.to_datetime(created, utc=True), "description": bios,
        "location": np.where(rng.uniform(size=n_accounts) < 0.5, "Somewhere", ""),
    })
    n_posts = n_accounts * posts_per_account
    acc = np.repeat(np.arange(n_accounts), posts_per_account)
    t0 = pd.Timestamp("2019-01-01", tz="UTC").value
    ts = t0 + rng.integers(0, 365 * 86_400 * 10**9, n_posts)
    langs = np.array(["en", "de", "es", "tr", "id", "zh", "und"], dtype=object)
    lang = langs[acc % 6]
    client = np.where(acc % 2 == 0, "Twitter for iPhone", "Twitter Web App").astype(object)
    # 1% repurposed: half their posts moved 800 days earlier, in Indonesian, from Android
    rep = (acc % 100 == 7) & (np.arange(n_posts) % posts_per_account < posts_per_account // 2)
    ts[rep] -= 800 * 86_400 * 10**9
    lang[rep] = "id"
    client[rep] = "Twitter for Android"
    posts = pd.DataFrame({"post_id": np.arange(n_posts).astype(str), "account_id": ids[acc],
                          "timestamp": pd.to_datetime(ts, utc=True), "lang": lang, "client": client})
    planted = {"batch": n_batch, "templated": n_tmpl, "repurposed": int(np.unique(acc[rep]).size)}
    return Dataset(posts, accounts), planted


def peak_rss_mb() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024 if sys.platform != "darwin" else r / 2**20


def timed(fn):
    """Seconds of a plain run, then the Python-heap peak of a second run under tracemalloc
    (tracemalloc slows Python-level code, so it is not timed)."""
    t = time.perf_counter()
    out = fn()
    secs = time.perf_counter() - t
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, secs, peak / 2**20


def run_all(ds: Dataset, n: int) -> None:
    runs = [
        ("CreationBursts.compute", lambda: CreationBursts().compute(ds), n,
         lambda e: f"{len(e):,} edges"),
        ("CreationBursts.features", lambda: CreationBursts().features(ds), n,
         lambda f: f"{int(f['creation_burst_id'].notna().sum()):,} accounts in "
                   f"{f['creation_burst_id'].nunique()} bursts"),
        ("HandleTemplates.compute", lambda: HandleTemplates().compute(ds), n,
         lambda e: f"{len(e):,} edges"),
        ("HandleTemplates.features", lambda: HandleTemplates().features(ds), n,
         lambda f: f"{int(f['handle_template_id'].notna().sum()):,} accounts share a handle template"),
        ("Lifecycle.compute", lambda: Lifecycle().compute(ds), len(ds.posts),
         lambda f: f"{int(f['lifecycle_repurposed'].sum()):,} repurposed"),
    ]
    for label, fn, rows, describe in runs:
        out, secs, heap = timed(fn)
        print(f"{n:>9,} {len(ds.posts):>10,} {label:<28} {secs:>8.2f} {rows / secs:>11,.0f} "
              f"{heap:>8.1f} {peak_rss_mb():>7.0f}  {describe(out)}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--posts-per-account", type=int, default=10)
    args = ap.parse_args(argv)
    print(f"{'accounts':>9} {'posts':>10} {'signal':<28} {'seconds':>8} {'rows/s':>11} "
          f"{'heap MB':>8} {'rss MB':>7}  result")
    for n in args.sizes:
        t = time.perf_counter()
        ds, planted = synthetic(n, args.posts_per_account)
        build = time.perf_counter() - t
        print(f"{n:>9,} {len(ds.posts):>10,} {'(build Dataset)':<28} {build:>8.2f}"
              f"{'':>30}  planted: {planted['batch']} accounts in 5 creation batches, "
              f"{planted['templated']} templated handles, {planted['repurposed']} repurposed")
        run_all(ds, n)


if __name__ == "__main__":
    main()
