"""Tests for the Twitter information-operations archive reader."""

from __future__ import annotations

import csv
import gzip
import hashlib
import logging
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordnet.errors import ParameterError, ReadError, SchemaError
from coordnet.io.twitter_io import parse_list_array, read_twitter_io
from coordnet.normalize import parse_list_cells

TWITTER_EPOCH_MS = 1288834974657

TWEET_COLUMNS = [
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions",
    "poll_choices",
]
USER_COLUMNS = [
    "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language",
]

REAL_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "coortweet"


def ms_of(iso: str) -> int:
    return int(pd.Timestamp(iso, tz="UTC").value // 1_000_000)


def snowflake(ms: int, seq: int = 0) -> str:
    """The tweet id Twitter would mint at `ms` (Unix milliseconds)."""
    return str(((ms - TWITTER_EPOCH_MS) << 22) | seq)


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


ACCOUNT = {
    "userid": "2227441202", "user_display_name": "HK Daily, 香港", "user_screen_name": "hkdaily",
    "user_reported_location": "Hong Kong", "user_profile_description": "News, views\nand more 📰",
    "user_profile_url": "https://t.co/abc", "follower_count": "1520", "following_count": "33",
    "account_creation_date": "2014-01-07", "account_language": "zh-cn",
}


def tweet(**kw) -> dict:
    """One tweets-file row with realistic defaults; keyword arguments override."""
    row = {c: "" for c in TWEET_COLUMNS}
    row.update(ACCOUNT)
    row.update(tweetid=snowflake(ms_of("2019-08-19 14:05:07.123")), tweet_language="zh",
               tweet_text="香港加油", tweet_time="2019-08-19 14:05",
               tweet_client_name="Twitter for Android", is_retweet="False", latitude="absent",
               longitude="absent", quote_count="0", reply_count="1", like_count="5",
               retweet_count="2", hashtags="[]", urls="[]", user_mentions="[]")
    row.update(kw)
    return row


def write_csv(path: Path, rows: list[dict], columns: list[str] = TWEET_COLUMNS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def post(ds, pid: str) -> pd.Series:
    rows = ds.posts.loc[ds.posts["post_id"] == pid]
    assert len(rows) == 1, f"post {pid} not found once"
    return rows.iloc[0]


def utc(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="UTC")


# ---------------------------------------------------------------------------------------------
# Field mapping
# ---------------------------------------------------------------------------------------------


def test_every_canonical_post_column_is_mapped(tmp_path):
    tid = snowflake(ms_of("2019-08-19 14:05:07.123"))
    reply_to = snowflake(ms_of("2019-08-19 13:00:00"), 7)
    path = write_csv(tmp_path / "hk_tweets.csv", [tweet(
        tweetid=tid, tweet_text="@cnn Lies! #HK https://t.co/x", tweet_language="en",
        tweet_client_name="TweetDeck", in_reply_to_userid="759251", in_reply_to_tweetid=reply_to,
        hashtags="[HK, 香港]", urls="[https://www.Example.com/a/?utm_source=tw&b=1]",
        user_mentions="[759251]", latitude="22.3", longitude="114.2", like_count="12",
        poll_choices="yes|no",
    )])
    ds = read_twitter_io(path)
    p = post(ds, tid)
    assert p["account_id"] == "2227441202"
    assert p["timestamp"] == utc("2019-08-19 14:05:07.123")
    assert p["timestamp_precision"] == "ms"
    assert p["kind"] == "reply"
    assert p["ref_post_id"] == reply_to
    assert p["ref_account_id"] == "759251"
    assert p["text"] == "@cnn Lies! #HK https://t.co/x"
    assert p["hashtags"] == ["hk", "香港"]
    assert p["urls"] == ["https://example.com/a?b=1"]
    assert p["mentions"] == ["759251"]
    assert p["media"] == []
    assert p["lang"] == "en"
    assert p["client"] == "TweetDeck"
    assert p["platform"] == "twitter"
    # Other tweet columns kept as extras, numbers as numbers.
    assert p["like_count"] == 12 and p["reply_count"] == 1 and p["retweet_count"] == 2
    assert p["latitude"] == pytest.approx(22.3) and p["longitude"] == pytest.approx(114.2)
    assert p["in_reply_to_tweetid"] == reply_to and p["in_reply_to_userid"] == "759251"
    assert p["is_retweet"] == False  # noqa: E712 - a pandas boolean, not a Python bool
    assert p["poll_choices"] == "yes|no"
    assert pd.isna(p["snowflake_time"])
    assert str(ds.posts["like_count"].dtype) == "Int64"
    assert str(ds.posts["latitude"].dtype) == "Float64"
    # The per-row account columns are not repeated in posts.
    assert not {"user_screen_name", "follower_count", "tweet_time", "tweetid"} & set(ds.posts)
    assert len(ds.rejects) == 0


def test_every_canonical_account_column_is_mapped(tmp_path):
    path = write_csv(tmp_path / "t.csv", [tweet()])
    a = read_twitter_io(path).accounts.set_index("account_id").loc["2227441202"]
    assert a["screen_name"] == "hkdaily"
    assert a["display_name"] == "HK Daily, 香港"
    assert a["created_at"] == utc("2014-01-07")
    assert a["followers"] == 1520 and a["following"] == 33
    assert a["description"] == "News, views\nand more 📰"
    assert a["location"] == "Hong Kong"
    assert a["lang"] == "zh-cn"
    assert a["user_profile_url"] == "https://t.co/abc"
    assert a["anonymized"] == False  # noqa: E712


def test_quoted_commas_newlines_emoji_and_cjk_survive(tmp_path):
    texts = ['Hello, "world", again', "line one\nline two\r\nline three", "暴徒 👮‍♂️🇨🇳 香港",
             "trailing comma,", "'single' and \"double\" quotes, mixed"]
    ids = [snowflake(ms_of("2019-08-19 14:05:00") + i) for i in range(len(texts))]
    path = write_csv(tmp_path / "t.csv", [tweet(tweetid=i, tweet_text=t) for i, t in zip(ids, texts, strict=True)])
    ds = read_twitter_io(path)
    assert [post(ds, i)["text"] for i in ids] == texts
    assert len(ds.rejects) == 0


def test_missing_users_file_takes_accounts_from_tweet_rows(tmp_path):
    rows = [tweet(tweetid=snowflake(ms_of("2019-08-19 14:05:00"), 1), user_reported_location=""),
            tweet(tweetid=snowflake(ms_of("2019-08-19 14:06:00"), 2)),  # fills the location gap
            tweet(tweetid=snowflake(ms_of("2019-08-19 14:07:00"), 3), userid="99",
                  user_screen_name="other", follower_count="7")]
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows))
    acc = ds.accounts.set_index("account_id")
    assert list(acc.index) == ["2227441202", "99"]
    assert acc.loc["2227441202", "location"] == "Hong Kong"
    assert acc.loc["99", "screen_name"] == "other" and acc.loc["99", "followers"] == 7


def test_users_file_comes_first_and_tweets_fill_gaps(tmp_path):
    tweets = write_csv(tmp_path / "t.csv", [tweet(user_screen_name="from_tweets")])
    users = write_csv(tmp_path / "u.csv", [
        {**ACCOUNT, "user_screen_name": "from_users", "user_reported_location": ""},
        {**ACCOUNT, "userid": "555", "user_screen_name": "silent"},  # never tweets
    ], USER_COLUMNS)
    ds = read_twitter_io(tweets, users)
    acc = ds.accounts.set_index("account_id")
    assert acc.loc["2227441202", "screen_name"] == "from_users"
    assert acc.loc["2227441202", "location"] == "Hong Kong"  # the gap, filled from the tweets
    assert acc.loc["555", "screen_name"] == "silent"


def test_users_file_without_userid_names_column_and_file(tmp_path):
    tweets = write_csv(tmp_path / "t.csv", [tweet()])
    users = write_csv(tmp_path / "users.csv", [{"user_screen_name": "x"}], ["user_screen_name"])
    with pytest.raises(SchemaError, match=r"users\.csv.*userid") as err:
        read_twitter_io(tweets, users)
    assert err.value.column == "userid"


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


def test_list_cells_in_both_archive_shapes_and_empty(tmp_path):
    rows = [
        tweet(tweetid="1001", tweet_time="2019-08-19 14:05", hashtags="[hk, news]"),
        tweet(tweetid="1002", tweet_time="2019-08-19 14:05", hashtags="['HK', 'News']"),
        tweet(tweetid="1003", tweet_time="2019-08-19 14:05", hashtags="[]", urls="", user_mentions="[]"),
        tweet(tweetid="1004", tweet_time="2019-08-19 14:05", hashtags="['it's']",
              urls="['http://a.com/x, y', 'https://b.org']"),
    ]
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows), recover_timestamps=False)
    assert post(ds, "1001")["hashtags"] == ["hk", "news"]
    assert post(ds, "1002")["hashtags"] == ["hk", "news"]
    assert post(ds, "1003")["hashtags"] == [] and post(ds, "1003")["urls"] == []
    assert post(ds, "1003")["mentions"] == []
    # An odd cell (quote inside) takes the exact path: parsed as data, never evaluated.
    assert post(ds, "1004")["hashtags"] == ["it's"]
    assert post(ds, "1004")["urls"] == ["http://a.com/x, y", "https://b.org"]


def test_list_columns_absent_give_empty_lists(tmp_path):
    cols = ["tweetid", "userid", "tweet_time"]
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", [tweet()], cols))
    assert ds.posts["hashtags"].tolist() == [[]]
    assert ds.posts["urls"].tolist() == [[]]


CELL_PARTS = st.sampled_from(
    ["hk", "香港", " ", ",", "'", '"', "[", "]", "\\", "a b", ", ", "', '", "\u3000", "\x0b",
     "\t", "\n", "None", "http://x.com/a?b=1,2", "😀", "#tag", "@user"])


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")
@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.none(),
    st.lists(CELL_PARTS, max_size=8).map("".join),
    st.lists(st.lists(CELL_PARTS, max_size=3).map("".join), max_size=4).map(
        lambda xs: "[" + ", ".join(xs) + "]"),
    st.lists(st.lists(CELL_PARTS, max_size=3).map("".join), max_size=4).map(
        lambda xs: "[" + ", ".join(f"'{x}'" for x in xs) + "]"),
), max_size=12))
def test_fast_list_parsing_equals_parse_list_cells(cells):
    fast = parse_list_array(pa.array(cells, pa.string())).to_pylist()
    exact = parse_list_cells(pd.Series(cells, dtype=object)).tolist()
    assert fast == exact


# ---------------------------------------------------------------------------------------------
# Timestamps
# ---------------------------------------------------------------------------------------------


def test_mixed_timestamp_formats_and_their_precision(tmp_path):
    rows = [
        tweet(tweetid="2001", tweet_time="2019-08-19 14:05"),
        tweet(tweetid="2002", tweet_time="2019-08-19 14:05:33"),
        tweet(tweetid="2003", tweet_time="2019-08-19T16:05:33+02:00"),
        tweet(tweetid="2004", tweet_time="Mon Aug 19 14:05:33 +0000 2019"),
        tweet(tweetid="2005", tweet_time="1566223533"),
        tweet(tweetid="2006", tweet_time="2019-08-19T14:05:33.250Z"),
        tweet(tweetid="2007", tweet_time="2019-08-19"),
    ]
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows))
    expect = {
        "2001": ("2019-08-19 14:05:00", "min"), "2002": ("2019-08-19 14:05:33", "s"),
        "2003": ("2019-08-19 14:05:33", "s"), "2004": ("2019-08-19 14:05:33", "s"),
        "2005": ("2019-08-19 14:05:33", "s"), "2006": ("2019-08-19 14:05:33.250", "ms"),
        "2007": ("2019-08-19 00:00:00", None),
    }
    for pid, (when, prec) in expect.items():
        p = post(ds, pid)
        assert p["timestamp"] == utc(when), pid
        assert (pd.isna(p["timestamp_precision"]) if prec is None
                else p["timestamp_precision"] == prec), pid
    assert len(ds.rejects) == 0


def test_snowflake_recovers_milliseconds_within_the_minute(tmp_path, caplog):
    exact = ms_of("2019-08-19 14:05:42.917")
    good = snowflake(exact, seq=4095)
    at_edge = snowflake(ms_of("2019-08-19 14:05:59.999"), seq=1)
    late = snowflake(ms_of("2019-08-19 14:06:00.000"), seq=2)  # one ms past the minute
    early = snowflake(ms_of("2019-08-19 14:04:59.999"), seq=3)
    with_seconds = snowflake(ms_of("2019-08-19 14:05:42.500"), seq=5)
    seconds_off = snowflake(ms_of("2019-08-19 14:05:43.001"), seq=6)
    rows = [tweet(tweetid=good), tweet(tweetid=at_edge), tweet(tweetid=late), tweet(tweetid=early),
            tweet(tweetid=with_seconds, tweet_time="2019-08-19 14:05:42"),
            tweet(tweetid=seconds_off, tweet_time="2019-08-19 14:05:42"),
            tweet(tweetid="20", tweet_text="a pre-2010 sequential id")]
    with caplog.at_level(logging.INFO, logger="coordnet.io.twitter_io"):
        ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows))

    p = post(ds, good)
    assert p["timestamp"] == pd.Timestamp(exact, unit="ms", tz="UTC")
    assert p["timestamp_precision"] == "ms" and pd.isna(p["snowflake_time"])
    assert post(ds, at_edge)["timestamp"] == utc("2019-08-19 14:05:59.999")
    assert post(ds, with_seconds)["timestamp"] == utc("2019-08-19 14:05:42.500")
    for pid, kept, prec, snow in (
        (late, "2019-08-19 14:05", "min", "2019-08-19 14:06:00.000"),
        (early, "2019-08-19 14:05", "min", "2019-08-19 14:04:59.999"),
        (seconds_off, "2019-08-19 14:05:42", "s", "2019-08-19 14:05:43.001"),
    ):
        p = post(ds, pid)
        assert p["timestamp"] == utc(kept), pid
        assert p["timestamp_precision"] == prec, pid
        assert p["snowflake_time"] == utc(snow), pid
    p = post(ds, "20")
    assert p["timestamp"] == utc("2019-08-19 14:05") and p["timestamp_precision"] == "min"
    assert pd.isna(p["snowflake_time"])
    assert "3 of 7 timestamp(s) refined" in caplog.text
    assert "3 tweet id(s) encode a time outside" in caplog.text
    assert ds.summary().timestamp_precision == {"ms": 3, "s": 1, "min": 3}


def test_recover_timestamps_false_keeps_tweet_time(tmp_path):
    tid = snowflake(ms_of("2019-08-19 14:05:42.917"))
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", [tweet(tweetid=tid)]),
                         recover_timestamps=False)
    p = post(ds, tid)
    assert p["timestamp"] == utc("2019-08-19 14:05") and p["timestamp_precision"] == "min"


def test_impossible_dates_are_rejected_not_rolled_over(tmp_path):
    rows = [tweet(tweetid="3001", tweet_time="2019-02-29 10:00"),
            tweet(tweetid="3002", tweet_time="2020-02-29 10:00"),
            tweet(tweetid="3003", tweet_time="2019-13-45 25:00"),
            tweet(tweetid="3004", tweet_time="", like_count="n/a")]  # dropped: no "cleared" too
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows))
    assert ds.posts["post_id"].tolist() == ["3002"]
    rej = ds.rejects.set_index("post_id")
    assert rej.loc["3001", "row"] == 1 and rej.loc["3001", "column"] == "tweet_time"
    assert "'2019-02-29 10:00', which is not a timestamp" in rej.loc["3001", "reason"]
    assert rej.loc["3003", "value"] == "2019-13-45 25:00"
    assert rej.loc["3004", "reason"] == "missing tweet_time"
    assert len(rej) == 3
    assert set(rej["action"]) == {"dropped"} and set(rej["source"]) == {str(tmp_path / "t.csv")}


def test_bad_tweet_time_raises_with_file_and_row(tmp_path):
    rows = [tweet(tweetid="1"), tweet(tweetid="2", tweet_time="yesterday-ish")]
    with pytest.raises(SchemaError, match=r"t\.csv, row 2: column 'tweet_time' holds 'yesterday-ish'") as e:
        read_twitter_io(write_csv(tmp_path / "t.csv", rows), errors="raise")
    assert e.value.row == 2 and e.value.column == "tweet_time"


# ---------------------------------------------------------------------------------------------
# Ids
# ---------------------------------------------------------------------------------------------


def test_ids_above_2_53_stay_exact(tmp_path):
    big = "1163474217489657857"  # float64 would make this ...856
    assert float(big) == float("1163474217489657856")
    rows = [tweet(tweetid=big, userid="1139871163474217489", is_retweet="True",
                  tweet_text="RT @x: hi", retweet_tweetid="9007199254740993",
                  retweet_userid="18446744073709551615", user_mentions="[9007199254740993]")]
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows))
    p = post(ds, big)
    assert p["account_id"] == "1139871163474217489"
    assert p["ref_post_id"] == "9007199254740993"
    assert p["ref_account_id"] == "18446744073709551615"
    assert p["mentions"] == ["9007199254740993"]
    assert ds.accounts["account_id"].tolist() == ["1139871163474217489"]
    assert str(ds.posts["post_id"].dtype) == "string"


def test_hashed_release_rows(tmp_path):
    small, big, target = sha("small"), "75212435", sha("target")
    rows = [
        tweet(tweetid=snowflake(ms_of("2019-08-19 14:05:01"), 1), userid=small,
              user_screen_name=small, user_display_name=small, follower_count="12",
              is_retweet="True", tweet_text=f"RT @{target}: 香港", retweet_userid=target,
              retweet_tweetid="1163474217489657856", user_mentions=f"[{target}]"),
        tweet(tweetid=snowflake(ms_of("2019-08-19 14:05:02"), 2), userid=big,
              user_screen_name="RealHandle", user_display_name="Real Name",
              follower_count="120000", in_reply_to_userid=small,
              in_reply_to_tweetid=snowflake(ms_of("2019-08-19 14:05:01"), 1)),
    ]
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows))
    rt = ds.posts.iloc[0]
    assert rt["account_id"] == small and rt["kind"] == "repost"
    assert rt["ref_account_id"] == target and rt["mentions"] == [target]
    assert rt["timestamp_precision"] == "ms"  # tweet ids are never hashed
    reply = ds.posts.iloc[1]
    assert reply["kind"] == "reply" and reply["ref_account_id"] == small
    acc = ds.accounts.set_index("account_id")
    assert acc.loc[small, "anonymized"] == True  # noqa: E712
    assert pd.isna(acc.loc[small, "screen_name"]) and pd.isna(acc.loc[small, "display_name"])
    assert acc.loc[small, "followers"] == 12
    assert acc.loc[big, "anonymized"] == False  # noqa: E712
    assert acc.loc[big, "screen_name"] == "RealHandle"


def test_missing_ids_are_rejected_with_file_and_row(tmp_path):
    rows = [tweet(tweetid="1"), tweet(tweetid="", tweet_text="no id"), tweet(tweetid="3", userid="")]
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows))
    assert ds.posts["post_id"].tolist() == ["1"]
    rej = ds.rejects.sort_values("row")
    assert rej["row"].tolist() == [2, 3]
    assert rej["column"].tolist() == ["post_id", "account_id"]
    assert set(rej["source"]) == {str(tmp_path / "t.csv")}


# ---------------------------------------------------------------------------------------------
# Kinds
# ---------------------------------------------------------------------------------------------


def test_kind_rules_and_precedence(tmp_path):
    rt_id, reply_to, quoted = "1163474217489657856", "1163474217489600000", "1163474217489611111"
    rows = [
        tweet(tweetid="11", is_retweet="True", tweet_text="RT @a: x", retweet_tweetid=rt_id,
              retweet_userid="7"),
        tweet(tweetid="12", is_retweet="true", tweet_text="x", retweet_tweetid=rt_id),
        tweet(tweetid="13", is_retweet="1", tweet_text="x"),
        tweet(tweetid="14", is_retweet="", tweet_text="RT @someone: copied", retweet_tweetid=""),
        tweet(tweetid="15", is_retweet="False", tweet_text="RT @a: with ids", retweet_tweetid=rt_id,
              retweet_userid="7"),
        # A retweet of a reply is a repost of that reply.
        tweet(tweetid="16", is_retweet="True", tweet_text="RT @a: @b no", retweet_tweetid=rt_id,
              retweet_userid="7", in_reply_to_tweetid=reply_to, in_reply_to_userid="8"),
        # A quote that also replies is a quote.
        tweet(tweetid="17", quoted_tweet_tweetid=quoted, in_reply_to_tweetid=reply_to,
              in_reply_to_userid="8"),
        tweet(tweetid="18", in_reply_to_tweetid=reply_to, in_reply_to_userid="8"),
        tweet(tweetid="19", quoted_tweet_tweetid=quoted),
        tweet(tweetid="20", tweet_text="rt @lowercase is not the RT marker"),
        # A retweet of a quote is a repost too.
        tweet(tweetid="21", is_retweet="TRUE", tweet_text="RT @a: so true", retweet_tweetid=rt_id,
              retweet_userid="7", quoted_tweet_tweetid=quoted),
    ]
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows), recover_timestamps=False)
    got = {r.post_id: (r.kind, r.ref_post_id, r.ref_account_id)
           for r in ds.posts[["post_id", "kind", "ref_post_id", "ref_account_id"]].itertuples()}
    na = pd.NA
    assert got == {
        "11": ("repost", rt_id, "7"), "12": ("repost", rt_id, na), "13": ("repost", na, na),
        "14": ("repost", na, na), "15": ("repost", rt_id, "7"), "16": ("repost", rt_id, "7"),
        "17": ("quote", quoted, na), "18": ("reply", reply_to, "8"), "19": ("quote", quoted, na),
        "20": ("post", na, na), "21": ("repost", rt_id, "7"),
    }
    assert post(ds, "17")["in_reply_to_tweetid"] == reply_to  # the reply link is kept


def test_counts_written_as_floats_are_whole_numbers(tmp_path):
    rows = [tweet(tweetid="1", like_count="27.0", quote_count="0.0"),
            tweet(tweetid="2", like_count="3", quote_count="")]
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows), recover_timestamps=False)
    assert ds.posts.set_index("post_id")["like_count"].to_dict() == {"1": 27, "2": 3}
    assert post(ds, "1")["quote_count"] == 0 and pd.isna(post(ds, "2")["quote_count"])
    assert len(ds.rejects) == 0
    bad = read_twitter_io(write_csv(tmp_path / "b.csv", [tweet(tweetid="3", like_count="2.5")]),
                          recover_timestamps=False)
    assert pd.isna(post(bad, "3")["like_count"])
    assert bad.rejects["reason"].tolist() == ["column 'like_count' is not a whole number; row kept, "
                                              "value cleared"]


def test_odd_flag_and_number_cells_are_cleared_and_listed(tmp_path):
    rows = [tweet(tweetid="1", is_retweet="maybe", like_count="lots", latitude="absent")]
    ds = read_twitter_io(write_csv(tmp_path / "t.csv", rows), recover_timestamps=False)
    p = post(ds, "1")
    assert pd.isna(p["is_retweet"]) and pd.isna(p["like_count"]) and pd.isna(p["latitude"])
    rej = ds.rejects.set_index("column")
    assert set(rej.index) == {"is_retweet", "like_count"}
    assert set(rej["action"]) == {"cleared"} and set(rej["row"]) == {1}
    assert rej.loc["like_count", "value"] == "lots"


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def test_gz_zip_and_several_files_concatenate(tmp_path):
    a = [tweet(tweetid=snowflake(ms_of("2019-08-19 14:05:00"), i)) for i in range(3)]
    b = [tweet(tweetid=snowflake(ms_of("2019-08-19 14:06:00"), i)) for i in range(2)]
    plain = write_csv(tmp_path / "part1.csv", a)
    (tmp_path / "part2.csv.gz").write_bytes(gzip.compress(write_csv(tmp_path / "tmp.csv", b).read_bytes()))
    (tmp_path / "tmp.csv").unlink()
    with zipfile.ZipFile(tmp_path / "part3.zip", "w") as zf:
        zf.writestr("hk/part3.csv", write_csv(tmp_path / "x.csv", [a[0]]).read_text())  # a repeat
    (tmp_path / "x.csv").unlink()
    ds = read_twitter_io([plain, tmp_path / "part2.csv.gz", tmp_path / "part3.zip"])
    assert len(ds) == 5
    assert ds.rejects["reason"].str.contains("duplicate of row 1").tolist() == [True]
    assert ds.rejects["source"].tolist() == [f"{tmp_path / 'part3.zip'}:hk/part3.csv"]
    # A folder and a glob read the same files.
    assert len(read_twitter_io(tmp_path)) == 5
    assert len(read_twitter_io(str(tmp_path / "part*"))) == 5


def test_a_release_folder_with_both_files(tmp_path):
    write_csv(tmp_path / "hk_082019_tweets_csv_hashed.csv", [tweet(user_screen_name="")])
    write_csv(tmp_path / "hk_082019_users_csv_hashed.csv",
              [{**ACCOUNT, "user_screen_name": "from_users"}], USER_COLUMNS)
    ds = read_twitter_io(tmp_path)
    assert len(ds) == 1
    assert ds.accounts["screen_name"].tolist() == ["from_users"]


def test_malformed_row_collect_and_raise(tmp_path):
    first = write_csv(tmp_path / "a.csv", [tweet(tweetid="1")]).read_text(encoding="utf-8")
    second = write_csv(tmp_path / "b.csv", [tweet(tweetid="2")]).read_text(encoding="utf-8")
    # Row 1's description holds a quoted newline, so the bad row is line 4 but data row 2.
    assert first.count("\n") == 3
    path = tmp_path / "t.csv"
    path.write_text(first + "3,2227441202,too,few,fields\n" + second.split("\n", 1)[1],
                    encoding="utf-8")
    (tmp_path / "a.csv").unlink()
    (tmp_path / "b.csv").unlink()
    ds = read_twitter_io(path, recover_timestamps=False)
    assert sorted(ds.posts["post_id"]) == ["1", "2"]
    rej = ds.rejects
    assert len(rej) == 1 and rej["row"].iloc[0] == 2 and rej["source"].iloc[0] == str(path)
    assert "malformed CSV row" in rej["reason"].iloc[0]
    with pytest.raises(ReadError, match=r"t\.csv, row 2") as err:
        read_twitter_io(path, errors="raise")
    assert err.value.row == 2 and err.value.source == str(path)


def test_malformed_users_row_is_an_accounts_reject(tmp_path):
    tweets = write_csv(tmp_path / "t.csv", [tweet()])
    users = write_csv(tmp_path / "u.csv", [ACCOUNT], USER_COLUMNS)
    with open(users, "a", encoding="utf-8") as fh:
        fh.write("77,only,three\n")
    ds = read_twitter_io(tweets, users)
    assert ds.rejects[["table", "source", "row"]].values.tolist() == [["accounts", str(users), 2]]
    assert ds.accounts["account_id"].tolist() == ["2227441202"]


def test_missing_required_column_names_column_and_file(tmp_path):
    cols = [c for c in TWEET_COLUMNS if c != "tweet_time"]
    path = write_csv(tmp_path / "hk_tweets.csv", [tweet()], cols)
    with pytest.raises(SchemaError, match=r"hk_tweets\.csv.*tweet_time") as err:
        read_twitter_io(path)
    assert err.value.column == "tweet_time"
    assert err.value.source == str(path)


def test_bad_errors_parameter():
    with pytest.raises(ParameterError, match="errors"):
        read_twitter_io("nowhere.csv", errors="ignore")


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="nowhere"):
        read_twitter_io("nowhere/tweets.csv")


# ---------------------------------------------------------------------------------------------
# Real data
# ---------------------------------------------------------------------------------------------


def test_bundled_sample_reads_cleanly():
    from coordnet.sample import sample_paths

    tweets, users = sample_paths()
    ds = read_twitter_io(tweets, users)
    raw = pd.read_csv(tweets, dtype=str, keep_default_na=False)
    assert len(ds) == len(raw) and len(ds.rejects) == 0
    assert set(ds.posts["post_id"]) == set(raw["tweetid"])
    assert set(ds.posts["kind"]) == {"post", "repost", "reply", "quote"}
    # Every id is a snowflake within its minute: all timestamps refined to the millisecond.
    assert set(ds.posts["timestamp_precision"]) == {"ms"}
    minute = pd.to_datetime(raw.set_index("tweetid")["tweet_time"], utc=True)
    got = ds.posts.set_index("post_id")["timestamp"]
    assert (got.dt.floor("min") == minute.loc[got.index]).all()


@pytest.mark.skipif(not (REAL_DATA / "russian_coord_tweets.csv.gz").exists(),
                    reason="../shared/data/coortweet is not beside the checkout")
def test_real_hashed_retweets_in_archive_layout(tmp_path):
    """Real hashed retweets (CooRTweet), written in the IO archive's layout: ids are hex
    hashes (no snowflakes), times to the second."""
    real = pd.read_csv(REAL_DATA / "russian_coord_tweets.csv.gz", dtype=str, nrows=3000)
    when = pd.to_datetime(real["timestamp_share"].astype("int64"), unit="s", utc=True)
    rows = [tweet(tweetid=r.content_id, userid=r.account_id, user_screen_name=r.account_id,
                  user_display_name=r.account_id, is_retweet="true", tweet_text="RT @x: ...",
                  retweet_tweetid=r.object_id, tweet_time=t.strftime("%Y-%m-%d %H:%M:%S"))
            for r, t in zip(real.itertuples(), when, strict=True)]
    ds = read_twitter_io(write_csv(tmp_path / "ru.csv", rows))
    assert len(ds) + int((ds.rejects["action"] == "dropped").sum()) == 3000
    kept = real.drop_duplicates("content_id")
    assert len(ds) == len(kept)
    assert set(ds.posts["kind"]) == {"repost"}
    assert set(ds.posts["timestamp_precision"]) == {"s"}
    assert ds.posts["snowflake_time"].isna().all()
    merged = ds.posts.merge(kept, left_on="post_id", right_on="content_id", suffixes=("", "_real"))
    assert len(merged) == len(kept)
    assert (merged["ref_post_id"] == merged["object_id"]).all()
    assert (merged["account_id"] == merged["account_id_real"]).all()
    assert (merged["timestamp"] == pd.to_datetime(merged["timestamp_share"].astype("int64"),
                                                  unit="s", utc=True)).all()
    assert ds.accounts["anonymized"].all() and ds.accounts["screen_name"].isna().all()
    assert set(ds.accounts["account_id"]) == set(kept["account_id"])
