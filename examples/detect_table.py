"""Detect coordinated networks in any table of posts, given which column holds what.

Usage::

    python examples/detect_table.py [OUTPUT_FOLDER]

Here the table is made up on the spot: a small simulated scenario written as a CSV whose columns
carry the names a scraper or a platform export might use (``user``, ``created``, ``msg``, ``shared``,
``tags``, ``rt_of``). ``read_table`` maps them onto coordnet's canonical columns. The same job
from the shell::

    coordnet detect posts.csv --format table --map account_id=user timestamp=created text=msg \\
        urls=shared hashtags=tags ref_post_id=rt_of kind=type post_id=id --out OUTPUT_FOLDER
"""

import sys
from pathlib import Path

import pandas as pd

from coordnet.detect import detect
from coordnet.evaluate import evaluate
from coordnet.io import read_table
from coordnet.simulate import simulate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "table_result")
out.mkdir(parents=True, exist_ok=True)

# 1. A table in someone else's layout (lists as "['a', 'b']" text, times as ISO strings).
scenario = simulate(size="tiny", seed=2)
p = scenario.dataset.posts
table = pd.DataFrame({
    "id": p["post_id"],
    "user": p["account_id"],
    "created": p["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    "type": p["kind"].astype(str).replace({"repost": "retweet"}),
    "rt_of": p["ref_post_id"],
    "msg": p["text"],
    "shared": [repr(list(x)) for x in p["urls"]],
    "tags": [repr(list(x)) for x in p["hashtags"]],
})
path = out / "posts.csv"
table.to_csv(path, index=False)
print(f"wrote {len(table):,} rows to {path}; columns {list(table.columns)}")

# 2. Read it with a column mapping, and detect.
ds = read_table(path, post_id="id", account_id="user", timestamp="created", kind="type",
                ref_post_id="rt_of", text="msg", urls="shared", hashtags="tags")
print(ds)
result = detect(ds, signals=["co_repost", "co_link", "co_domain", "co_text", "co_similar_text",
                             "hashtag_sequence", "synchrony"])
print(result.describe(top=5))

# 3. How well did it do? The scenario knows who was planted.
print()
print(evaluate(result, scenario.truth))
result.to_csv(out)
print(f"\ntables written to {out}/")
