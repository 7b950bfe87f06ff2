"""Tests of the bundled sample collection (coordnet.sample)."""

from __future__ import annotations

import ast
import gzip
import importlib.util
import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from coordnet.errors import ParameterError
from coordnet.normalize import TWITTER_EPOCH_MS, canonical_url
from coordnet.sample import (
    SAMPLE_TWEET_COLUMNS,
    SAMPLE_USER_COLUMNS,
    make_sample,
    sample_paths,
    sample_truth,
    write_sample,
)

ARCHIVE_TWEET_COLUMNS = [
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions",
    "poll_choices",
]
ARCHIVE_USER_COLUMNS = [
    "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language",
]


@pytest.fixture(scope="module")
def sample():
    tweets, users = make_sample(seed=0)
    return tweets, users, sample_truth(seed=0)


def _ms(ids: pd.Series) -> np.ndarray:
    """Milliseconds since the Unix epoch held in snowflake ids (exact integer arithmetic)."""
    return np.array([(int(i) >> 22) + TWITTER_EPOCH_MS for i in ids], dtype=np.int64)


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# ---------------------------------------------------------------------------------------------
# Determinism and the bundled files
# ---------------------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path):
    a = write_sample(tmp_path / "a")
    b = write_sample(tmp_path / "b", seed=0)
    for pa_, pb in zip(a, b, strict=True):
        assert pa_.read_bytes() == pb.read_bytes()
    c = write_sample(tmp_path / "c", seed=1)
    assert c[0].read_bytes() != a[0].read_bytes()
    assert [p.name for p in a] == ["sample_tweets.csv.gz", "sample_users.csv.gz"]


def test_make_sample_returns_independent_copies():
    t1, _ = make_sample(0)
    t1.loc[0, "tweet_text"] = "changed"
    t2, _ = make_sample(0)
    assert t2.loc[0, "tweet_text"] != "changed"


def test_bundled_files_equal_a_fresh_sample(tmp_path, sample):
    bundled = sample_paths()
    fresh = write_sample(tmp_path)
    for b, f in zip(bundled, fresh, strict=True):
        assert b.read_bytes() == f.read_bytes(), f"{b.name} differs from make_sample(seed=0)"
        assert b.stat().st_size < 300_000
    tweets, users, _ = sample
    pd.testing.assert_frame_equal(_read(bundled[0]), tweets)
    pd.testing.assert_frame_equal(_read(bundled[1]), users)


def test_the_module_command_writes_the_files(tmp_path):
    out = subprocess.run([sys.executable, "-m", "coordnet.sample", str(tmp_path)],
                         capture_output=True, text=True, check=True)
    assert "sample_tweets.csv.gz" in out.stdout
    for b, f in zip(sample_paths(), (tmp_path / "sample_tweets.csv.gz",
                                     tmp_path / "sample_users.csv.gz"), strict=True):
        assert b.read_bytes() == f.read_bytes()
    bad = subprocess.run([sys.executable, "-m", "coordnet.sample"], capture_output=True, text=True)
    assert bad.returncode == 2 and "usage" in bad.stderr


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_seed_must_be_a_non_negative_integer(seed):
    with pytest.raises(ParameterError, match="'seed'"):
        make_sample(seed)


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------


def test_columns_are_the_archive_columns(sample):
    tweets, users, _ = sample
    assert list(tweets.columns) == ARCHIVE_TWEET_COLUMNS == list(SAMPLE_TWEET_COLUMNS)
    assert list(users.columns) == ARCHIVE_USER_COLUMNS == list(SAMPLE_USER_COLUMNS)
    assert all(tweets[c].map(type).eq(str).all() for c in tweets.columns)
    assert 3_000 <= len(tweets) <= 5_000
    assert len(users) == 400


def test_raw_csv_format(sample):
    raw = gzip.decompress(sample_paths()[0].read_bytes()).decode("utf-8")
    assert raw.splitlines()[0] == ",".join(ARCHIVE_TWEET_COLUMNS)
    assert "\r" not in raw
    tweets, _, _ = sample
    assert set(tweets["is_retweet"]) == {"True", "False"}
    assert set(tweets["latitude"]) == {"absent"} and set(tweets["longitude"]) == {"absent"}
    assert set(tweets["poll_choices"]) == {""}
    for col in ("quote_count", "reply_count", "like_count", "retweet_count"):
        assert tweets[col].str.fullmatch(r"\d+\.0").all(), col
    for col in ("follower_count", "following_count"):
        assert tweets[col].str.fullmatch(r"\d+").all(), col
    # List cells are Python reprs of lists of strings: ['a', 'b'], or [] when empty.
    for col in ("hashtags", "urls", "user_mentions"):
        for cell in tweets[col].drop_duplicates():
            value = ast.literal_eval(cell)
            assert isinstance(value, list) and all(isinstance(v, str) for v in value), cell
            assert cell == repr(value)
    assert "['HongKong', 'HongKongAirport']" in set(tweets["hashtags"])
    # Empty values are empty fields, read back as empty strings.
    back = pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, tweets)


def test_ids_and_times(sample):
    tweets, users, _ = sample
    assert tweets["tweetid"].str.fullmatch(r"[1-9]\d{18}").all()
    assert tweets["tweetid"].is_unique
    assert users["userid"].str.fullmatch(r"[1-9]\d{7,18}").all()
    assert users["userid"].is_unique
    assert tweets["tweet_time"].str.fullmatch(r"2019-08-1[234] \d\d:\d\d").all()
    # The snowflake's millisecond agrees with tweet_time truncated to the minute.
    ms = _ms(tweets["tweetid"])
    minute = pd.to_datetime(ms // 60_000 * 60_000, unit="ms").strftime("%Y-%m-%d %H:%M")
    assert (minute == tweets["tweet_time"].to_numpy()).all()
    assert (np.diff(ms) >= 0).all()  # time order
    assert ms.min() >= pd.Timestamp("2019-08-12").value // 10**6
    assert ms.max() < pd.Timestamp("2019-08-15").value // 10**6
    # Every reference points at a tweet of the sample, by the right user, and earlier.
    by_id = tweets.set_index("tweetid")
    for ref, user in (("retweet_tweetid", "retweet_userid"),
                      ("in_reply_to_tweetid", "in_reply_to_userid"),
                      ("quoted_tweet_tweetid", None)):
        rows = tweets[tweets[ref] != ""]
        assert len(rows) > 40, ref
        assert rows[ref].isin(by_id.index).all(), ref
        if user is not None:
            assert (by_id.loc[rows[ref], "userid"].to_numpy() == rows[user].to_numpy()).all()
        assert (_ms(rows[ref]) < _ms(rows["tweetid"])).all(), ref
    rts = tweets[tweets["is_retweet"] == "True"]
    assert (rts["retweet_tweetid"] != "").all()
    assert (tweets.loc[tweets["is_retweet"] == "False", "retweet_tweetid"] == "").all()
    screen = by_id.loc[rts["retweet_tweetid"], "user_screen_name"].to_numpy()
    texts = by_id.loc[rts["retweet_tweetid"], "tweet_text"].to_numpy()
    assert (rts["tweet_text"].to_numpy() == "RT @" + screen + ": " + texts).all()
    # A retweet mentions the retweeted user first.
    first_mention = rts["user_mentions"].map(lambda c: ast.literal_eval(c)[0])
    assert (first_mention == rts["retweet_userid"]).all()


def test_user_columns_repeat_the_users_table(sample):
    tweets, users, _ = sample
    assert tweets["userid"].isin(users["userid"]).all()
    joined = tweets[ARCHIVE_USER_COLUMNS].drop_duplicates().set_index("userid").sort_index()
    expected = users.set_index("userid").loc[joined.index]
    pd.testing.assert_frame_equal(joined, expected)
    assert users["account_creation_date"].str.fullmatch(r"20[01]\d-\d\d-\d\d").all()
    assert users["user_screen_name"].str.len().le(15).all()
    assert users["user_screen_name"].str.lower().is_unique


# ---------------------------------------------------------------------------------------------
# What is planted
# ---------------------------------------------------------------------------------------------


def test_truth_lists_the_planted_networks(sample):
    tweets, users, truth = sample
    assert list(truth.columns) == ["userid", "user_screen_name", "network", "role"]
    assert truth.groupby(["network", "role"]).size().to_dict() == {
        ("copypasta", "copypaster"): 8, ("retweet_ring", "amplifier"): 15,
        ("retweet_ring", "seed"): 3}
    assert truth["userid"].isin(users["userid"]).all()
    names = users.set_index("userid").loc[truth["userid"], "user_screen_name"]
    assert (names.to_numpy() == truth["user_screen_name"].to_numpy()).all()
    assert sample_truth(0).equals(truth)


def test_retweet_ring_amplifiers_retweet_the_seeds_within_30s_in_office_hours(sample):
    tweets, users, truth = sample
    amps = truth.loc[truth["role"] == "amplifier", "userid"]
    seeds = truth.loc[truth["role"] == "seed", "userid"]
    created = users.set_index("userid").loc[amps, "account_creation_date"]
    assert set(created) <= {"2019-06-17", "2019-06-18"}  # created in a batch
    assert (users.set_index("userid").loc[amps, "user_profile_description"] == "").all()
    seed_posts = tweets[tweets["userid"].isin(seeds)]
    assert len(seed_posts) >= 45 and (seed_posts["is_retweet"] == "False").all()
    rts = tweets[tweets["userid"].isin(amps) & (tweets["is_retweet"] == "True")]
    assert rts["retweet_userid"].isin(seeds).all()
    lag = _ms(rts["tweetid"]) - _ms(rts["retweet_tweetid"])
    assert lag.min() > 0 and lag.max() < 30_000
    per_seed_tweet = rts.groupby("retweet_tweetid").size()
    assert per_seed_tweet.index.size == len(seed_posts)  # every seed tweet is amplified
    assert per_seed_tweet.median() >= 10
    ring = tweets[tweets["userid"].isin(pd.concat([amps, seeds]))]
    local_hour = (pd.to_datetime(ring["tweet_time"]).dt.hour + 8) % 24
    assert local_hour.between(9, 17).all() and not (local_hour == 12).any()


def test_copypasta_posts_edited_copies_of_one_link(sample):
    tweets, _, truth = sample
    members = truth.loc[truth["network"] == "copypasta", "userid"]
    posts = tweets[tweets["userid"].isin(members) & tweets["urls"].str.contains("truthdaily-hk.news")]
    links = posts["urls"].map(lambda c: canonical_url(ast.literal_eval(c)[0]))
    assert links.nunique() == 7  # one link per wave once tracking parameters are dropped
    assert posts["urls"].nunique() > 7  # but each copy carries its own utm_campaign
    for _, wave in posts.groupby(links):
        assert 4 <= wave["userid"].nunique() == len(wave) <= 8
        span = _ms(wave["tweetid"]).max() - _ms(wave["tweetid"]).min()
        assert span <= 11 * 60_000
        assert wave["tweet_text"].nunique() >= 2  # lightly edited, not all identical
    # Nobody outside the network links to the fake site.
    others = tweets[~tweets["userid"].isin(members)]
    assert not others["urls"].str.contains("truthdaily-hk.news").any()


def test_organic_background(sample):
    tweets, users, truth = sample
    organic = tweets[~tweets["userid"].isin(truth["userid"])]
    per_account = organic.groupby("userid").size()
    assert per_account.max() >= 10 * per_account.median()  # heavy-tailed activity
    viral = tweets[tweets["tweet_text"].str.startswith("Thousands of people")]
    assert len(viral) == 1
    crowd = tweets[tweets["retweet_tweetid"] == viral["tweetid"].iloc[0]]
    delay = _ms(crowd["tweetid"]) - _ms(viral["tweetid"])[0]
    assert len(crowd) >= 250 and crowd["userid"].is_unique
    assert (delay < 600_000).sum() >= 200  # hundreds within ten minutes
    assert np.median(delay) > 30_000  # but not in lockstep
    assert not crowd["userid"].isin(truth["userid"]).any()
    domains = organic["urls"].str.extract(r"https?://(?:www\.)?([^/']+)")[0].dropna()
    assert domains.nunique() >= 6
    assert set(organic["tweet_language"]) >= {"en", "zh"}
    assert organic["tweet_client_name"].nunique() >= 5
    # Several time zones: the organic accounts' busiest UTC hours are spread around the clock.
    hours = pd.to_datetime(organic["tweet_time"]).dt.hour
    peak = hours.groupby(organic["userid"]).agg(lambda h: h.mode().iloc[0])
    assert peak.nunique() >= 12


# ---------------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------------


@pytest.mark.skipif(importlib.util.find_spec("coordnet.io.twitter_io") is None,
                    reason="coordnet.io.twitter_io is not there yet")
def test_bundled_sample_reads_with_the_io_archive_reader(sample):
    from coordnet.io.twitter_io import read_twitter_io

    tweets, users, _ = sample
    ds = read_twitter_io(*sample_paths())
    assert len(ds.rejects) == 0
    assert len(ds.posts) == len(tweets)
    assert len(ds.accounts) == len(users)
    kinds = ds.posts["kind"].value_counts().to_dict()
    assert kinds["repost"] == int((tweets["is_retweet"] == "True").sum())
    assert kinds["reply"] == int((tweets["in_reply_to_tweetid"] != "").sum())
    assert kinds["quote"] == int((tweets["quoted_tweet_tweetid"] != "").sum())
    # Timestamps refined to the millisecond from the snowflakes.
    by_id = ds.posts.set_index("post_id")["timestamp"]
    expected = pd.to_datetime(_ms(tweets["tweetid"]), unit="ms", utc=True)
    assert (by_id.loc[tweets["tweetid"]].to_numpy() == expected.to_numpy()).all()


def test_bundled_sample_reads_with_the_table_reader(sample):
    from coordnet.io.table import read_table

    tweets, _, _ = sample
    ds = read_table(sample_paths()[0], post_id="tweetid", account_id="userid",
                    timestamp="tweet_time", text="tweet_text", ref_post_id="retweet_tweetid",
                    hashtags="hashtags", urls="urls", mentions="user_mentions",
                    lang="tweet_language", client="tweet_client_name", precision="min")
    assert len(ds.posts) == len(tweets) and len(ds.rejects) == 0
    p = ds.posts.set_index("post_id")
    viral = tweets.loc[tweets["tweet_text"].str.startswith("Thousands"), "tweetid"].iloc[0]
    assert list(p.loc[viral, "hashtags"]) == ["hongkong", "hongkongairport"]
    assert (p["ref_post_id"] == viral).sum() == (tweets["retweet_tweetid"] == viral).sum()
