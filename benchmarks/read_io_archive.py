"""Benchmark: read a Twitter information-operations archive with ``read_twitter_io``.

Generates a realistic IO tweets CSV (all 31 columns of the real archive; hashed and numeric
account ids; retweets, replies and quotes; English, Chinese and emoji text with quoted commas and
newlines; list cells in both of the archive's shapes; snowflake tweet ids with minute-truncated
``tweet_time``) and its users CSV, writes them to a temporary folder, and reads them in a fresh
subprocess per size, reporting rows/s (wall clock, and per CPU-second: on a shared machine the
latter is the steadier figure), peak memory (the process's own RSS high-water mark above its level
after imports) and the in-memory size of the resulting DataFrames.

Usage::

    python benchmarks/read_io_archive.py                 # 100,000 and 1,000,000 rows
    python benchmarks/read_io_archive.py --rows 200000   # one size
    python benchmarks/read_io_archive.py --rows 100000 --profile   # cProfile, top 25
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from coordnet.normalize import TWITTER_EPOCH_MS
from coordnet.sample import SAMPLE_TWEET_COLUMNS as TWEET_COLUMNS
from coordnet.sample import SAMPLE_USER_COLUMNS as USER_COLUMNS

BODIES = [
    "Hong Kong rioters attack police, this is not a protest",
    "香港暴徒破坏社会秩序，必须依法严惩！",
    "Support the police 👮‍♂️🇨🇳, stop the violence",
    "\"Freedom\", they say, but look at the airport chaos",
    "逃犯条例 is about justice,\nnot politics 🤔",
    "What do the \"students\" want? Money, from abroad.",
    "暴力不是表达诉求的方式 💔 #香港",
    "Die Lage in Hongkong, ein Überblick",
]
TAGS = ["HongKong", "香港", "HK", "StopViolence", "反暴力", "HongKongProtests", "警察", "China"]
CLIENTS = ["Twitter Web Client", "Twitter for Android", "Twitter for iPhone", "TweetDeck",
           "Twitter Lite"]
LANGS = ["zh", "en", "und", "in", "de"]


def _hash_id(i: int) -> str:
    return hashlib.sha256(f"acct{i}".encode()).hexdigest()


def make_archive(rows: int, folder: Path, *, seed: int = 0) -> tuple[Path, Path]:
    """Write ``tweets.csv`` and ``users.csv`` with `rows` tweets to `folder`; return their paths."""
    rng = np.random.default_rng(seed)
    n_acc = max(50, rows // 250)
    hashed = rng.random(n_acc) < 0.7
    acc_id = np.array([_hash_id(i) if h else str(10**17 + 7919 * i) for i, h in enumerate(hashed)],
                      dtype=object)
    screen = np.where(hashed, acc_id, np.array([f"news_hk_{i}" for i in range(n_acc)], dtype=object))
    display = np.where(hashed, acc_id, np.array([f"HK News {i} 香港" for i in range(n_acc)],
                                                dtype=object))
    followers = np.where(hashed, rng.integers(0, 5000, n_acc), rng.integers(5000, 200000, n_acc))
    created = np.datetime64("2009-01-01") + rng.integers(0, 3650, n_acc).astype("timedelta64[D]")
    users = {
        "userid": acc_id, "user_display_name": display, "user_screen_name": screen,
        "user_reported_location": rng.choice(np.array(["Hong Kong", "", "北京", "London, UK"],
                                                      dtype=object), n_acc),
        "user_profile_description": rng.choice(np.array(["News, views & more 📰", "", "爱国 爱港",
                                                        "Line one\nline two"], dtype=object), n_acc),
        "user_profile_url": np.where(rng.random(n_acc) < 0.2, "https://t.co/abc", ""),
        "follower_count": followers.astype(str), "following_count":
            rng.integers(0, 3000, n_acc).astype(str),
        "account_creation_date": created.astype(str).astype(object),
        "account_language": rng.choice(np.array(["zh-cn", "en", "es"], dtype=object), n_acc),
    }

    who = rng.zipf(1.6, rows) % n_acc  # a few very active accounts, a long tail
    ms = rng.integers(1_483_228_800_000, 1_567_296_000_000, rows)  # 2017-01-01 .. 2019-09-01
    seq = rng.integers(0, 1 << 22, rows)
    tweetid = ((ms - TWITTER_EPOCH_MS) << 22) | seq
    old = rng.random(rows) < 0.01  # pre-snowflake tweets: sequential ids, 2009-2010
    ms[old] = rng.integers(1_230_768_000_000, 1_285_000_000_000, int(old.sum()))
    tweetid[old] = rng.integers(1_000_000_000, 20_000_000_000, int(old.sum()))
    tweet_time = (ms // 60_000 * 60_000).astype("datetime64[ms]").astype("datetime64[m]").astype(str)
    tweet_time = np.char.replace(tweet_time, "T", " ").astype(object)

    u = rng.random(rows)
    is_rt, is_reply, is_quote = u < 0.45, (u >= 0.45) & (u < 0.55), (u >= 0.55) & (u < 0.60)
    target = rng.integers(0, n_acc, rows)
    body = rng.choice(np.array(BODIES, dtype=object), rows)
    text = np.where(is_rt, "RT @" + screen[target].astype(object) + ": " + body, body)
    back = np.minimum(rng.integers(1 << 22, 1 << 36, rows), tweetid // 2)  # an earlier tweet
    ref_ids = (tweetid - back).astype(str).astype(object)

    def cell(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.where(mask, values, "")

    n_tags = rng.choice([0, 0, 0, 1, 2, 3], rows)
    tag_pick = rng.integers(0, len(TAGS), (rows, 3))
    quoted_style = rng.random(rows) < 0.1
    hashtags = []
    for k, picks, q in zip(n_tags, tag_pick, quoted_style, strict=True):
        tags = [TAGS[p] for p in picks[:k]]
        hashtags.append("[" + ", ".join(f"'{t}'" if q else t for t in tags) + "]")
    hashtags = np.array(hashtags, dtype=object)
    odd = rng.random(rows) < 0.002
    hashtags[odd] = "[\"it's\", 'HK']"
    url_pool = np.array([f"http://www.example{k % 300}.com/article/{k}?utm_source=twitter"
                         for k in range(20_000)], dtype=object)
    has_url = rng.random(rows) < 0.25
    urls = np.where(has_url, "[" + rng.choice(url_pool, rows) + "]", "[]")
    has_mention = rng.random(rows) < 0.2
    mentions = np.where(has_mention, "[" + acc_id[rng.integers(0, n_acc, rows)] + "]", "[]")

    tweets = {
        "tweetid": tweetid.astype(str).astype(object),
        "userid": acc_id[who],
        **{c: users[c][who] for c in USER_COLUMNS if c != "userid"},
        "tweet_language": rng.choice(np.array(LANGS, dtype=object), rows),
        "tweet_text": text,
        "tweet_time": tweet_time,
        "tweet_client_name": rng.choice(np.array(CLIENTS, dtype=object), rows),
        "in_reply_to_userid": cell(acc_id[target], is_reply),
        "in_reply_to_tweetid": cell(ref_ids, is_reply),
        "quoted_tweet_tweetid": cell(ref_ids, is_quote),
        "is_retweet": np.where(is_rt, "True", "False"),
        "retweet_userid": cell(acc_id[target], is_rt),
        "retweet_tweetid": cell(ref_ids, is_rt),
        "latitude": np.where(rng.random(rows) < 0.001, "22.3193", "absent"),
        "longitude": np.where(rng.random(rows) < 0.001, "114.1694", "absent"),
        # Counts as the releases write them: floats ("27.0"), pandas having seen missing values.
        "quote_count": rng.integers(0, 5, rows).astype(float).astype(str),
        "reply_count": rng.integers(0, 5, rows).astype(float).astype(str),
        "like_count": rng.integers(0, 50, rows).astype(float).astype(str),
        "retweet_count": rng.integers(0, 50, rows).astype(float).astype(str),
        "hashtags": hashtags,
        "urls": urls,
        "user_mentions": mentions,
        "poll_choices": np.full(rows, "", dtype=object),
    }
    folder.mkdir(parents=True, exist_ok=True)
    tpath, upath = folder / "tweets.csv", folder / "users.csv"
    opts = pacsv.WriteOptions(quoting_style="needed")
    table = pa.table({c: pa.array(np.asarray(tweets[c], dtype=object).astype(str), pa.string())
                      for c in TWEET_COLUMNS})
    pacsv.write_csv(table, tpath, write_options=opts)
    utable = pa.table({c: pa.array(np.asarray(users[c], dtype=object).astype(str), pa.string())
                       for c in USER_COLUMNS})
    pacsv.write_csv(utable, upath, write_options=opts)
    return tpath, upath


_CHILD = r"""
import json, resource, sys, time, logging
import pandas as pd, pyarrow as pa
from coordnet.io.twitter_io import read_twitter_io
logging.basicConfig(level=logging.WARNING)
tweets, users, profile = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
def peak_rss():
    # VmHWM: this process's own high-water mark (ru_maxrss would carry the parent's over exec).
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
base = peak_rss()
t0 = time.perf_counter()
c0 = time.process_time()
if profile:
    import cProfile, pstats
    prof = cProfile.Profile()
    ds = prof.runcall(read_twitter_io, tweets, users)
    pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
else:
    ds = read_twitter_io(tweets, users)
elapsed = time.perf_counter() - t0
cpu = time.process_time() - c0
peak = peak_rss()
size = sum(int(df.memory_usage(deep=True).sum()) for df in (ds.posts, ds.accounts, ds.rejects))
print(json.dumps({"rows": len(ds.posts), "accounts": len(ds.accounts), "rejects": len(ds.rejects),
                  "seconds": elapsed, "cpu_seconds": cpu, "peak_rss_delta": peak - base, "frames_bytes": size,
                  "arrow_pool_peak": pa.default_memory_pool().max_memory(),
                  "precision": ds.posts["timestamp_precision"].value_counts().to_dict(),
                  "kinds": ds.posts["kind"].value_counts().to_dict()}))
"""


def run(rows: int, *, profile: bool = False, seed: int = 0) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        tpath, upath = make_archive(rows, Path(tmp), seed=seed)
        gen = time.perf_counter() - t0
        mb = tpath.stat().st_size / 2**20
        out = subprocess.run([sys.executable, "-c", _CHILD, str(tpath), str(upath),
                              "1" if profile else "0"], capture_output=True, text=True, check=False)
        if out.returncode:
            raise RuntimeError(out.stderr)
        if profile:
            print(out.stderr)
        res = json.loads(out.stdout.strip().splitlines()[-1])
    res.update(file_mb=mb, generate_seconds=gen, input_rows=rows)
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000],
                    help="tweet rows to generate (one or more sizes)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the read")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    print(f"{'rows':>10} {'file MB':>8} {'wall s':>7} {'rows/s':>9} {'CPU s':>6} {'rows/CPU-s':>10} "
          f"{'peak RSS MB':>12} {'arrow peak MB':>14} {'frames MB':>10} {'peak/frames':>12}")
    for rows in args.rows:
        r = run(rows, profile=args.profile, seed=args.seed)
        print(f"{r['input_rows']:>10,} {r['file_mb']:>8.1f} {r['seconds']:>7.2f} "
              f"{r['input_rows'] / r['seconds']:>9,.0f} {r['cpu_seconds']:>6.2f} "
              f"{r['input_rows'] / r['cpu_seconds']:>10,.0f} {r['peak_rss_delta'] / 2**20:>12.0f} "
              f"{r['arrow_pool_peak'] / 2**20:>14.0f} {r['frames_bytes'] / 2**20:>10.0f} "
              f"{r['peak_rss_delta'] / r['frames_bytes']:>12.2f}")
        print(f"{'':>10} posts {r['rows']:,}, accounts {r['accounts']:,}, rejects {r['rejects']:,}; "
              f"precision {r['precision']}; kinds {r['kinds']}")


if __name__ == "__main__":
    main()
