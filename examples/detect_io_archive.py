"""Detect coordinated networks in a Twitter information-operations archive.

Usage::

    python examples/detect_io_archive.py [TWEETS_CSV USERS_CSV [OUTPUT_FOLDER]]

Without arguments it runs on the sample that ships with coordnet (same layout as the archive's
``*_tweets_csv_hashed.csv`` and ``*_users_csv_hashed.csv`` files). The same job from the shell::

    coordnet detect TWEETS_CSV --users USERS_CSV --format twitter-io --out OUTPUT_FOLDER
"""

import sys
from pathlib import Path

from coordnet.detect import detect
from coordnet.io import read_twitter_io
from coordnet.report import write_report
from coordnet.sample import sample_paths

if len(sys.argv) >= 3:
    tweets, users = Path(sys.argv[1]), Path(sys.argv[2])
    out = Path(sys.argv[3] if len(sys.argv) > 3 else "io_archive_result")
else:
    tweets, users = sample_paths()
    out = Path(sys.argv[1] if len(sys.argv) == 2 else "io_archive_result")

ds = read_twitter_io(tweets, users)
print(ds.summary())
if len(ds.rejects):
    print(f"\n{len(ds.rejects)} row(s) set aside while reading, e.g.:")
    print(ds.rejects.head().to_string(index=False))

result = detect(ds)
print()
print(result.describe())

result.save(out)  # networks/accounts/edges as CSV and Parquet, network.gexf/.graphml, networks.json
write_report(result, out / "report.html", title=f"coordnet: {tweets.name}")
print(f"\nresults in {out}/ (open report.html in a browser, network.gexf in Gephi)")
