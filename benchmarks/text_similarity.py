"""Benchmark of near-duplicate text clustering (coordnet.signals.text).

Synthetic collections that look like a topic's stream of posts:

- background: unique random sentences of 5 to 25 words drawn (Zipf) from a vocabulary of 20,000
  pseudo-words; each is its own ground-truth group;
- campaigns (1.5% of posts): a template sentence posted by distinct accounts, each copy with one
  or two light edits (emoji, typo, swapped words, added hashtag / mention / URL, a different
  shortened link, a dropped or added word, punctuation, casing);
- exact copies (2%): a sentence pasted unchanged (give or take a link or mention);
- short phrases (5%): "thank you", "good morning", "lol", "RT"... with emoji and punctuation.

Each size runs in its own subprocess, so peak memory (``ru_maxrss``) is that run's. Printed per
size: posts/s of :func:`near_duplicate_clusters` (data generation excluded), peak RSS and the RSS
before clustering, and quality against the planted truth:

- pair recall: share of same-group post pairs (campaigns and copies) put in one cluster;
- post recall: share of planted posts in their group's largest cluster;
- false-merge rate: share of same-cluster post pairs whose posts come from different groups;
- background posts merged with another group, and short phrases clustered (both should be 0).

Run::

    python benchmarks/text_similarity.py                 # 100k and 1M posts
    python benchmarks/text_similarity.py --sizes 20000 --exact   # also compare with method="exact"
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

EMOJI = ["😀", "🔥", "🇭🇰", "👍🏽", "❤️", "🙏", "💪", "😡"]
SHORT = ["thank you", "Thank you!!", "good morning", "Good morning everyone", "lol", "LOL 😂",
         "RT", "so true", "amen 🙏", "happy birthday!", "thanks for sharing", "I agree",
         "wow", "this 👆", "yes!!", "same here", "love it ❤️", "good night all", "congrats!!"]
EDITS = ("emoji", "typo", "swap", "hashtag", "mention", "url", "shortener", "drop", "add",
         "punct", "case")


class Corpus:
    """A synthetic collection with ground truth (see the module description)."""

    def __init__(self, n: int, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        rng = self.rng
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        freq = np.array([8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0, .15, .77, 4.0, 2.4, 6.7,
                         7.5, 1.9, .1, 6.0, 6.3, 9.1, 2.8, 1.0, 2.4, .15, 2.0, .07])
        v = 20_000
        lens = np.clip(rng.poisson(5, v) + 1, 1, 14)
        chars = rng.choice(letters, int(lens.sum()), p=freq / freq.sum())
        cuts = np.cumsum(lens)[:-1]
        self.vocab = np.array(["".join(w) for w in np.split(chars, cuts)], dtype=object)
        zipf = 1.0 / np.arange(1, v + 1)
        self.zipf = zipf / zipf.sum()
        self.n = n

    def sentences(self, m: int, lo: int = 5, hi: int = 25) -> list[str]:
        lens = self.rng.integers(lo, hi + 1, m)
        words = self.vocab[self.rng.choice(len(self.vocab), int(lens.sum()), p=self.zipf)]
        cuts = np.cumsum(lens)[:-1]
        return [" ".join(w) for w in np.split(words, cuts)]

    def edit(self, text: str, kind: str) -> str:
        rng = self.rng
        w = text.split()
        word = self.vocab[rng.integers(len(self.vocab))]
        if kind == "emoji":
            w.insert(int(rng.integers(0, len(w) + 1)), EMOJI[rng.integers(len(EMOJI))])
        elif kind == "typo":
            i = int(rng.integers(len(w)))
            x, p = w[i], int(rng.integers(len(w[i])))
            c = "abcdefghijklmnopqrstuvwxyz"[rng.integers(26)]
            op = rng.integers(3)
            w[i] = (x[:p] + c + x[p + 1:] if op == 0 else
                    x[:p] + x[p + 1:] if op == 1 and len(x) > 1 else x[:p] + c + x[p:])
        elif kind == "swap" and len(w) > 1:
            i = int(rng.integers(len(w) - 1))
            w[i], w[i + 1] = w[i + 1], w[i]
        elif kind == "hashtag":
            w.insert(int(rng.integers(0, len(w) + 1)), "#" + word)
        elif kind == "mention":
            w.insert(0, "@" + word)
        elif kind == "url":
            w.append(f"https://t.co/{rng.integers(10**9):x}")
        elif kind == "shortener":
            w.append(f"https://{['bit.ly', 'ow.ly', 'tinyurl.com'][rng.integers(3)]}/{rng.integers(10**9):x}")
        elif kind == "drop" and len(w) > 3:
            del w[int(rng.integers(len(w)))]
        elif kind == "add":
            w.insert(int(rng.integers(0, len(w) + 1)),
                     self.vocab[rng.choice(len(self.vocab), p=self.zipf)])
        elif kind == "punct":
            w[-1] += ["!", "!!", "...", "?!"][rng.integers(4)]
        elif kind == "case":
            w = [x.upper() if rng.random() < 0.3 else x.capitalize() for x in w]
        return " ".join(w)

    def frame(self) -> pd.DataFrame:
        rng, n = self.rng, self.n
        n_camp, n_copy, n_short = int(0.015 * n), int(0.02 * n), int(0.05 * n)
        texts, group, role = [], [], []
        # campaigns: sizes 3..200 (geometric), templates of 8..25 words
        gid = 0
        made = 0
        while made < n_camp:
            size = int(min(200, max(3, rng.geometric(1 / 30))))
            size = min(size, n_camp - made) if n_camp - made >= 3 else size
            template = self.sentences(1, 8, 25)[0]
            for _ in range(size):
                t = template
                for _ in range(int(rng.integers(1, 3))):
                    t = self.edit(t, EDITS[rng.integers(len(EDITS))])
                texts.append(t)
            group += [gid] * size
            role += ["campaign"] * size
            gid += 1
            made += size
        made = 0
        while made < n_copy:
            size = int(min(50, max(2, rng.geometric(1 / 8))))
            template = self.sentences(1, 6, 25)[0]
            for _ in range(size):
                t = template
                if rng.random() < 0.5:
                    t = self.edit(t, ["url", "mention", "shortener"][rng.integers(3)])
                texts.append(t)
            group += [gid] * size
            role += ["copy"] * size
            gid += 1
            made += size
        phrases = rng.integers(len(SHORT), size=n_short)
        texts += [SHORT[i] + (" " + EMOJI[rng.integers(len(EMOJI))] if rng.random() < 0.3 else "")
                  for i in phrases]
        group += list(range(gid, gid + n_short))  # a short phrase is nobody's copy
        role += ["short"] * n_short
        gid += n_short
        n_bg = max(0, n - len(texts))
        texts += self.sentences(n_bg)
        group += list(range(gid, gid + n_bg))
        role += ["background"] * n_bg
        m = len(texts)
        perm = rng.permutation(m)
        return pd.DataFrame({
            "post_id": np.char.add("p", np.arange(m).astype(str)),
            "account_id": np.char.add("u", rng.integers(0, max(10, m // 5), m).astype(str)),
            "text": np.array(texts, dtype=object)[perm],
            "group": np.array(group)[perm],
            "role": np.array(role, dtype=object)[perm],
        })


def _pairs(counts: pd.Series) -> float:
    c = counts.to_numpy(dtype=np.float64)
    return float((c * (c - 1) / 2).sum())


def quality(df: pd.DataFrame, out: pd.DataFrame) -> dict:
    d = pd.DataFrame({"group": df["group"].to_numpy(), "role": df["role"].to_numpy(),
                      "cluster": out["text_cluster"].to_numpy(dtype=object)})
    planted = d[d["role"].isin(["campaign", "copy"])]
    truth_pairs = _pairs(planted.groupby("group").size())
    found_pairs = _pairs(planted.dropna(subset=["cluster"]).groupby(["group", "cluster"]).size())
    top = (planted.dropna(subset=["cluster"]).groupby(["group", "cluster"]).size()
           .groupby(level=0).max().sum())
    inc = d.dropna(subset=["cluster"])
    cluster_pairs = _pairs(inc.groupby("cluster").size())
    same_pairs = _pairs(inc.groupby(["cluster", "group"]).size())
    groups_per_cluster = inc.groupby("cluster")["group"].nunique()
    bad = set(groups_per_cluster[groups_per_cluster > 1].index)
    bg = inc[inc["role"] == "background"]
    camp = planted[planted["role"] == "campaign"]
    camp_pairs = _pairs(camp.groupby("group").size())
    camp_found = _pairs(camp.dropna(subset=["cluster"]).groupby(["group", "cluster"]).size())
    return {
        "planted_posts": len(planted),
        "pair_recall": found_pairs / truth_pairs if truth_pairs else float("nan"),
        "campaign_pair_recall": camp_found / camp_pairs if camp_pairs else float("nan"),
        "post_recall": float(top) / len(planted) if len(planted) else float("nan"),
        "false_merge_rate": (cluster_pairs - same_pairs) / cluster_pairs if cluster_pairs else 0.0,
        "background_merged": int(bg["cluster"].isin(bad).sum()),
        "short_clustered": int(d.loc[d["role"] == "short", "cluster"].notna().sum()),
        "min_similarity": float(out["similarity"].min()),
    }


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def run_one(n: int, seed: int, exact: bool) -> dict:
    from coordnet.signals.text import near_duplicate_clusters

    t0 = time.perf_counter()
    df = Corpus(n, seed).frame()
    gen = time.perf_counter() - t0
    rss_before = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    out = near_duplicate_clusters(df[["post_id", "account_id", "text"]], seed=seed)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    res = {"posts": len(df), "seconds": secs, "cpu_seconds": cpu, "posts_per_s": len(df) / secs,
           "generate_s": gen, "rss_before_mb": rss_before, "peak_rss_mb": _rss_mb(),
           "counts": out.attrs["near_duplicate"], **quality(df, out)}
    if exact:
        t0 = time.perf_counter()
        ex = near_duplicate_clusters(df[["post_id", "account_id", "text"]], method="exact")
        res["exact_seconds"] = time.perf_counter() - t0
        res["exact"] = quality(df, ex)
        same = (ex["text_cluster"].fillna("") == out["text_cluster"].fillna("")).mean()
        res["same_cluster_as_exact"] = float(same)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--exact", action="store_true", help="also run method='exact' (quadratic)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed, args.exact)))
        return
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--seed", str(args.seed)]
        if args.exact:
            cmd.append("--exact")
        res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        c = res["counts"]
        print(f"{res['posts']:>9,} posts: {res['seconds']:7.1f} s wall, {res['cpu_seconds']:6.1f} s CPU, "
              f"{res['posts_per_s']:>8,.0f} posts/s (wall), {res['posts'] / res['cpu_seconds']:>8,.0f} posts/CPU-s, "
              f"peak RSS {res['peak_rss_mb']:,.0f} MB (before clustering {res['rss_before_mb']:,.0f} MB)")
        print(f"           distinct texts {c['distinct_texts']:,}, clusters {c['clusters']:,}, "
              f"short {c['short']:,}, no_words {c['no_words']:,}, repetitive {c['repetitive']:,}")
        print(f"           planted posts {res['planted_posts']:,}: pair recall {res['pair_recall']:.4f} "
              f"(campaigns {res['campaign_pair_recall']:.4f}), post recall {res['post_recall']:.4f}, "
              f"false-merge rate {res['false_merge_rate']:.5f}, background merged "
              f"{res['background_merged']}, short phrases clustered {res['short_clustered']}, lowest "
              f"member-representative Jaccard {res['min_similarity']:.3f}")
        if "exact" in res:
            e = res["exact"]
            print(f"           exact method: {res['exact_seconds']:.1f} s, pair recall "
                  f"{e['pair_recall']:.4f} (campaigns {e['campaign_pair_recall']:.4f}), false-merge "
                  f"rate {e['false_merge_rate']:.5f}; same cluster as minhash for "
                  f"{res['same_cluster_as_exact']:.4f} of posts")


if __name__ == "__main__":
    main()
