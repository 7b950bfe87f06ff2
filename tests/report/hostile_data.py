"""A small collection with one planted retweet ring whose names and texts are hostile HTML."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coordnet.dataset import Dataset

#: Payloads that would run or inject something if a report wrote them unescaped.
HOSTILE_NAMES = [
    '"><img src=x onerror="document.title=\'pwned-name\'">',
    "<script>document.title='pwned-script'</script>",
    "=HYPERLINK(\"https://evil.example\",\"click\")",
    "$\\frac{1}{0$ \\undefinedmacro",
    "</svg><svg onload=\"document.title='pwned-svg'\">",
    "ring_5",
    "ring_6",
    "ring_7",
]
HOSTILE_TEXT = "<script>document.title='pwned-text'</script> breaking news"
HOSTILE_TEXT_2 = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"> read this"
HOSTILE_DISPLAY = "<b onmouseover=\"document.title='pwned-display'\">Ring</b>"
SAFE_TITLE = "coordnet test report"


def hostile_dataset(seed: int = 0, *, ring: bool = True) -> Dataset:
    """A seeder posts 12 times; 8 ring accounts repost every post within 2-9 s; 60 organic
    accounts post and repost at random over three days. Every ring name and seed text is hostile."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2021-03-01", tz="UTC")
    rows = []

    def add(pid, acc, ts, kind="post", ref=None, ref_acc=None, text="", tags=()):
        rows.append({"post_id": pid, "account_id": acc, "timestamp": ts, "kind": kind,
                     "ref_post_id": ref, "ref_account_id": ref_acc, "text": text, "hashtags": list(tags)})

    organic = [f"org{i:02d}" for i in range(60)]
    n = 0
    for a in organic:
        for _ in range(int(rng.integers(3, 12))):
            add(f"o{n}", a, t0 + pd.Timedelta(seconds=float(rng.uniform(0, 3 * 86400))),
                text=f"ordinary post {n} about the weather", tags=["weather"] if rng.random() < 0.3 else ())
            n += 1
    organic_posts = [r for r in rows]
    for _ in range(150):  # organic reposts of organic posts, minutes to hours later
        src = organic_posts[int(rng.integers(len(organic_posts)))]
        who = organic[int(rng.integers(len(organic)))]
        if who == src["account_id"]:
            continue
        add(f"o{n}", who, src["timestamp"] + pd.Timedelta(seconds=float(rng.uniform(300, 20000))),
            "repost", src["post_id"], src["account_id"], "RT " + src["text"])
        n += 1
    if ring:
        members = [f"ring{i}" for i in range(8)]
        for k in range(12):
            ts = t0 + pd.Timedelta(hours=3 + 5 * k, seconds=float(rng.uniform(0, 600)))
            text = (HOSTILE_TEXT if k % 2 == 0 else HOSTILE_TEXT_2) + f" #{k}"
            add(f"seed{k}", "seeder", ts, text=text, tags=["<script>x</script>", "news"])
            for m in members:
                add(f"rt{k}_{m}", m, ts + pd.Timedelta(seconds=float(rng.uniform(2, 9))), "repost",
                    f"seed{k}", "seeder", "RT " + text)
    posts = pd.DataFrame(rows)
    accounts = pd.DataFrame({"account_id": organic, "screen_name": [f"user_{i}" for i in range(60)],
                             "display_name": [f"User {i}" for i in range(60)]})
    if ring:
        accounts = pd.concat([accounts, pd.DataFrame({
            "account_id": [f"ring{i}" for i in range(8)] + ["seeder"],
            "screen_name": HOSTILE_NAMES + ["<i>seeder</i>"],
            "display_name": [HOSTILE_DISPLAY] * 9,
        })], ignore_index=True)
    return Dataset(posts, accounts, source="hostile")


