# %% [markdown]
# # coordnet walkthrough
#
# From a collection of posts to the networks that acted together, the evidence behind each, plots,
# a report to share and files for Gephi and spreadsheets. The cells (``# %%``) run top to bottom in
# a notebook (VS Code, Jupyter with jupytext) or as a script:
#
#     python examples/walkthrough.py [OUTPUT_FOLDER]
#
# It uses the sample that ships with coordnet: 3,566 synthetic tweets by 400 accounts in Twitter's
# information-operations archive format, with two planted networks (a retweet ring working office
# hours in Asia/Shanghai, and a copypasta group pushing a fake news site).

# %%
import sys
from pathlib import Path

import coordnet
from coordnet.detect import detect
from coordnet.io import read_twitter_io
from coordnet.sample import sample_paths, sample_truth

out = Path(sys.argv[1] if len(sys.argv) > 1 else "walkthrough_out")
out.mkdir(parents=True, exist_ok=True)
print("coordnet", coordnet.__version__)

# %% [markdown]
# ## 1. Read
# Every reader returns a `Dataset`: validated posts and accounts in one canonical form, plus the rows
# it could not use (`ds.rejects`, with file, row and reason).

# %%
tweets, users = sample_paths()
ds = read_twitter_io(tweets, users)
print(ds)
print(ds.summary())
ds.posts[["post_id", "account_id", "timestamp", "kind", "text"]].head()

# %% [markdown]
# ## 2. Detect
# `detect` runs every signal (co-reposts, shared links, copied text, synchronized activity, account
# creation bursts, ...), fuses their p-values per account pair and groups the pairs that chance does
# not explain into networks.

# %%
result = detect(ds)
print(result)
print(result.networks[["network_id", "status", "size", "score", "group_q", "signals"]].head(10))

# %% [markdown]
# ## 3. Read the evidence
# Per network: plain sentences with numbers, the targets the members shared, and example posts side
# by side with their timestamps.

# %%
for nid in result.networks.loc[result.networks["status"] == "network", "network_id"]:
    ev = result.evidence(int(nid))
    print(ev)
    print(ev.shared_targets[["signal", "target", "accounts", "span_seconds"]].head(5).to_string(index=False))
    print()

ev0 = result.evidence(0)
ev0.examples[["signal", "timestamp", "account_id", "text"]].head(8)

# %% [markdown]
# ## 4. Check against what was planted
# The sample's ground truth says who belongs to which planted network.

# %%
truth = sample_truth()
flagged = result.accounts.dropna(subset=["network_id"])
found = truth.merge(flagged[["account_id", "network_id", "role"]], left_on="userid", right_on="account_id",
                    how="left", suffixes=("_planted", "_found"))
print(found.groupby("network")["network_id"].agg(["count", "size"]).rename(
    columns={"count": "found", "size": "planted"}))
print(f"flagged accounts that were not planted: {len(set(flagged['account_id']) - set(truth['userid']))}")

# %% [markdown]
# ## 5. Plots (needs matplotlib: `pip install 'coordnet[report]'`)
# Each function returns a matplotlib figure; in a notebook it shows inline.

# %%
try:
    import matplotlib  # noqa: F401

    from coordnet.report import plot_hours, plot_network, plot_scores, plot_timeline
except ImportError:
    print("matplotlib is not installed: skipping the plots (pip install 'coordnet[report]')")
else:
    plot_network(result).savefig(out / "networks.png", dpi=110)
    plot_timeline(result, 0).savefig(out / "timeline_0.png", dpi=110)
    plot_hours(result, 0, tz="Asia/Shanghai").savefig(out / "hours_0.png", dpi=110)
    plot_scores(result).savefig(out / "scores.png", dpi=110)
    print("plots written:", sorted(p.name for p in out.glob("*.png")))

# %% [markdown]
# ## 6. Share
# One self-contained HTML report (no script, nothing fetched when opened), and the tables and graph
# for spreadsheets (formula-safe CSV), Parquet and Gephi (GEXF, GraphML).

# %%
from coordnet.report import write_report  # noqa: E402

write_report(result, out / "report.html", title="coordnet walkthrough: the bundled sample")
result.save(out)
print("written:", sorted(p.name for p in out.iterdir()))
