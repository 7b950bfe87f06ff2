"""Tests for the Twitter API reader (v2 as written by twarc2, v1.1 statuses)."""

from __future__ import annotations

import gzip
import json
import zipfile

import pandas as pd
import pytest

from coordnet.errors import ParameterError, ReadError
from coordnet.io.twitter_api import read_twitter_api

TWITTER_EPOCH_MS = 1288834974657


def sf(iso: str, ms: int = 0, seq: int = 0) -> str:
    """A snowflake id minted at `iso` + `ms` milliseconds."""
    t = int(pd.Timestamp(iso).value // 1_000_000) + ms
    return str(((t - TWITTER_EPOCH_MS) << 22) | seq)


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="UTC")


def write_lines(path, objs):
    path.write_text("\n".join(o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)
                              for o in objs) + "\n", encoding="utf-8")
    return path


def post(ds, pid):
    rows = ds.posts.loc[ds.posts["post_id"] == pid]
    assert len(rows) == 1, f"post {pid} not found once"
    return rows.iloc[0]


# ---------------------------------------------------------------------------------------------
# API v2 pages (twarc2 search output)
# ---------------------------------------------------------------------------------------------

A, B, C, D = "1001", "1002", "1003", "1004"
T1 = sf("2019-08-19T15:34:04Z", ms=412)           # original post
T2 = sf("2019-08-19T15:35:10Z", ms=7)             # retweet of RT_SRC
T3 = sf("2019-08-19T15:36:00Z", ms=999, seq=5)    # reply to T1 that quotes Q_SRC
T4 = sf("2019-08-19T15:40:00Z")                   # long note tweet
RT_SRC = sf("2019-08-19T10:00:00Z")
Q_SRC = sf("2019-08-18T09:00:00Z")


def v2_page():
    return {
        "data": [
            {"id": T1, "author_id": A, "created_at": "2019-08-19T15:34:04.000Z", "lang": "zh",
             "source": "Twitter for iPhone", "conversation_id": T1,
             "text": "香港 暴徒 🔥 #香港 #HK @SCMPNews https://t.co/abc https://t.co/pic",
             "entities": {
                 "hashtags": [{"start": 10, "end": 13, "tag": "香港"}, {"start": 14, "end": 17, "tag": "HK"}],
                 "mentions": [{"start": 18, "end": 27, "username": "SCMPNews", "id": "9"}],
                 "urls": [
                     {"url": "https://t.co/abc", "expanded_url": "https://bit.ly/x",
                      "unwound_url": "https://www.news.example.com/a/?utm_source=tw"},
                     {"url": "https://t.co/pic", "expanded_url": "https://twitter.com/a/status/1/photo/1",
                      "media_key": "3_555"},
                 ]},
             "attachments": {"media_keys": ["3_555"]},
             "public_metrics": {"retweet_count": 3, "reply_count": 1, "like_count": 10, "quote_count": 0}},
            {"id": T2, "author_id": B, "created_at": "2019-08-19T15:35:10.000Z", "lang": "en",
             "text": "RT @carol: Stand with HK",
             "referenced_tweets": [{"type": "retweeted", "id": RT_SRC}],
             "entities": {"mentions": [{"username": "carol", "id": C}],
                          "urls": [{"url": "https://t.co/z", "expanded_url": "https://example.org/z/"}]}},
            {"id": T3, "author_id": B, "created_at": "2019-08-19T15:36:00.000Z", "text": "@alice look",
             "in_reply_to_user_id": A,
             "referenced_tweets": [{"type": "replied_to", "id": T1}, {"type": "quoted", "id": Q_SRC}]},
            {"id": T4, "author_id": A, "created_at": "2019-08-19T15:40:00.000Z", "text": "Short…",
             "note_tweet": {"text": "Short… but the full note tweet is much longer than 280 characters"}},
        ],
        "includes": {
            "users": [
                {"id": A, "username": "Alice_HK", "name": "Alice 愛麗絲", "created_at": "2019-08-01T00:00:00.000Z",
                 "description": "bio 🐦", "location": "香港", "verified": False, "protected": False,
                 "public_metrics": {"followers_count": 12, "following_count": 3400, "tweet_count": 999,
                                    "listed_count": 0}},
                {"id": B, "username": "bob", "name": "Bob",
                 "public_metrics": {"followers_count": 0, "following_count": 1}},
                {"id": C, "username": "carol", "name": "Carol"},
            ],
            "tweets": [
                {"id": RT_SRC, "author_id": C, "text": "Stand with HK", "created_at": "2019-08-19T10:00:00.000Z"},
                {"id": Q_SRC, "author_id": D, "text": "quoted", "created_at": "2019-08-18T09:00:00.000Z"},
            ],
            "media": [{"media_key": "3_555", "type": "photo"}],
        },
        "meta": {"newest_id": T4, "oldest_id": T1, "result_count": 4},
        "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.12.0"},
    }


def test_v2_page_posts_exact(tmp_path):
    ds = read_twitter_api(write_lines(tmp_path / "search.jsonl", [v2_page()]))
    p = ds.posts
    assert p["post_id"].tolist() == [T1, T2, T3, T4]  # sorted by time
    assert RT_SRC not in set(p["post_id"]) and Q_SRC not in set(p["post_id"])  # referenced only
    assert set(p["platform"]) == {"twitter"}
    assert set(p["api_version"]) == {"2"}

    t1 = post(ds, T1)
    assert t1["account_id"] == A and t1["kind"] == "post"
    assert pd.isna(t1["ref_post_id"]) and pd.isna(t1["ref_account_id"])
    assert t1["text"] == "香港 暴徒 🔥 #香港 #HK @SCMPNews https://t.co/abc https://t.co/pic"
    assert t1["hashtags"] == ["香港", "hk"]
    assert t1["mentions"] == ["scmpnews"]
    assert t1["urls"] == ["https://news.example.com/a"]  # unwound, canonical; media URL dropped
    assert t1["media"] == ["3_555"]
    assert (t1["lang"], t1["client"], t1["conversation_id"]) == ("zh", "Twitter for iPhone", T1)
    assert (t1["retweet_count"], t1["reply_count"], t1["like_count"], t1["quote_count"]) == (3, 1, 10, 0)
    assert t1["timestamp"] == ts("2019-08-19 15:34:04.412")
    assert t1["timestamp_precision"] == "ms"

    t2 = post(ds, T2)
    assert (t2["kind"], t2["ref_post_id"], t2["ref_account_id"]) == ("repost", RT_SRC, C)
    assert t2["urls"] == ["https://example.org/z"] and t2["mentions"] == ["carol"]
    assert t2["timestamp"] == ts("2019-08-19 15:35:10.007")

    t3 = post(ds, T3)  # a reply that also quotes: kind quote, both links kept
    assert (t3["kind"], t3["ref_post_id"], t3["ref_account_id"]) == ("quote", Q_SRC, D)
    assert (t3["reply_to_post_id"], t3["reply_to_account_id"], t3["quoted_post_id"]) == (T1, A, Q_SRC)
    assert t3["timestamp"] == ts("2019-08-19 15:36:00.999")
    assert t3["urls"] == [] and t3["hashtags"] == [] and t3["media"] == []

    assert post(ds, T4)["text"] == "Short… but the full note tweet is much longer than 280 characters"
    assert len(ds.rejects) == 0


def test_v2_accounts_from_includes(tmp_path):
    ds = read_twitter_api(write_lines(tmp_path / "search.jsonl", [v2_page()]))
    a = ds.accounts.set_index("account_id")
    assert sorted(a.index) == [A, B, C]  # C is only referenced, but its profile came along
    assert a.loc[A, "screen_name"] == "Alice_HK" and a.loc[A, "display_name"] == "Alice 愛麗絲"
    assert a.loc[A, "created_at"] == ts("2019-08-01")
    assert (a.loc[A, "followers"], a.loc[A, "following"]) == (12, 3400)
    assert (a.loc[A, "description"], a.loc[A, "location"]) == ("bio 🐦", "香港")
    assert (a.loc[A, "tweet_count"], a.loc[A, "listed_count"]) == (999, 0)
    assert not a.loc[A, "verified"] and not a.loc[A, "protected"]
    assert (a.loc[B, "followers"], a.loc[B, "following"]) == (0, 1)
    assert pd.isna(a.loc[C, "followers"]) and pd.isna(a.loc[B, "verified"])


def test_reply_ref_account_from_in_reply_to_user_id(tmp_path):
    tid = sf("2021-03-01T10:15:00Z", ms=5)
    parent = sf("2021-03-01T10:00:00Z")
    page = {"data": [{"id": tid, "author_id": "7", "created_at": "2021-03-01T10:15:00.000Z", "text": "x",
                      "in_reply_to_user_id": "8", "referenced_tweets": [{"type": "replied_to", "id": parent}]}]}
    t = post(read_twitter_api(write_lines(tmp_path / "r.jsonl", [page])), tid)
    assert (t["kind"], t["ref_post_id"], t["ref_account_id"]) == ("reply", parent, "8")


# ---------------------------------------------------------------------------------------------
# API v1.1 statuses
# ---------------------------------------------------------------------------------------------

BIG = 2**60 + 1  # an id far above 2^53, given as a bare JSON number


def v1_lines():
    user = {"id": 12, "id_str": "12", "screen_name": "jack", "name": "jack 🐦",
            "created_at": "Tue Mar 21 20:50:14 +0000 2006", "followers_count": 100,
            "friends_count": 50, "statuses_count": 7, "listed_count": 2, "description": "d",
            "location": "SF", "lang": "en", "verified": True, "protected": False}
    other = {"id_str": "13", "screen_name": "Biz", "name": "Biz", "followers_count": "1,234"}
    s1 = sf("2021-03-01T10:15:00Z", ms=250)
    plain = {
        "id": int(s1), "id_str": s1, "created_at": "Mon Mar 01 10:15:00 +0000 2021",
        "text": "truncated… https://t.co/1", "truncated": True, "lang": "ja",
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "user": user, "retweet_count": 2, "favorite_count": 5,
        "entities": {"hashtags": [], "urls": [], "user_mentions": []},
        "extended_tweet": {
            "full_text": "日本語の全文 #東京 @Biz https://t.co/1 https://t.co/m",
            "entities": {"hashtags": [{"text": "東京", "indices": [7, 10]}],
                         "urls": [{"url": "https://t.co/1", "expanded_url": "http://Example.com/p?fbclid=zz"}],
                         "user_mentions": [{"id_str": "13", "screen_name": "Biz"}]},
            "extended_entities": {"media": [{"id": 77, "id_str": "77", "type": "photo"},
                                            {"id_str": "78", "type": "animated_gif"}]},
        },
    }
    s2 = sf("2021-03-01T10:16:00Z", ms=1)
    retweet = {
        "id_str": s2, "created_at": "Mon Mar 01 10:16:00 +0000 2021", "text": "RT @Biz: hello",
        "user": {"id_str": "14", "screen_name": "amp1"},
        "entities": {"user_mentions": [{"screen_name": "Biz"}], "hashtags": [], "urls": []},
        "retweeted_status": {"id_str": "999", "user": other, "text": "hello"},
        "quoted_status_id_str": "555",  # a retweet of a quote: still a repost
    }
    quote = {
        "id": BIG, "created_at": "Mon Mar 01 10:17:00 +0000 2021", "text": "so true",
        "user": {"id": BIG + 2, "screen_name": "amp2"}, "is_quote_status": True,
        "quoted_status_id_str": s1, "quoted_status": {"id_str": s1, "user": user},
    }
    s4 = sf("2021-03-01T10:18:00Z", ms=333)
    reply = {
        "id_str": s4, "created_at": "Mon Mar 01 10:18:00 +0000 2021", "full_text": "@jack yes",
        "user": {"id_str": "14", "screen_name": "amp1"},
        "in_reply_to_status_id": int(s1), "in_reply_to_status_id_str": s1,
        "in_reply_to_user_id_str": "12",
        "entities": {"user_mentions": [{"screen_name": "jack"}],
                     "urls": [{"url": "https://t.co/u", "expanded_url": "https://t.co/u",
                               "unwound": {"url": "https://final.example.net/x/"}}]},
    }
    return [plain, retweet, quote, reply], (s1, s2, str(BIG), s4)


def test_v1_statuses_exact(tmp_path):
    lines, (s1, s2, s3, s4) = v1_lines()
    ds = read_twitter_api(write_lines(tmp_path / "stream.jsonl", lines))
    assert ds.posts["post_id"].tolist() == [s1, s2, s3, s4]
    assert set(ds.posts["api_version"]) == {"1.1"}

    p1 = post(ds, s1)
    assert p1["text"] == "日本語の全文 #東京 @Biz https://t.co/1 https://t.co/m"  # extended_tweet.full_text
    assert p1["hashtags"] == ["東京"] and p1["mentions"] == ["biz"]
    assert p1["urls"] == ["http://example.com/p"]
    assert p1["media"] == ["3_77", "16_78"]  # v2-style media keys
    assert (p1["kind"], p1["client"], p1["lang"]) == ("post", "Twitter Web App", "ja")
    assert (p1["retweet_count"], p1["like_count"]) == (2, 5) and pd.isna(p1["reply_count"])
    assert p1["timestamp"] == ts("2021-03-01 10:15:00.250") and p1["timestamp_precision"] == "ms"

    p2 = post(ds, s2)
    assert (p2["kind"], p2["ref_post_id"], p2["ref_account_id"]) == ("repost", "999", "13")
    assert p2["quoted_post_id"] == "555"

    p3 = post(ds, s3)  # id and user id given as bare numbers above 2^53: exact
    assert p3["account_id"] == str(BIG + 2)
    assert (p3["kind"], p3["ref_post_id"], p3["ref_account_id"]) == ("quote", s1, "12")
    # BIG is not a snowflake of 2021: the classic created_at is kept, to the second
    assert p3["timestamp"] == ts("2021-03-01 10:17:00") and p3["timestamp_precision"] == "s"

    p4 = post(ds, s4)
    assert (p4["kind"], p4["ref_post_id"], p4["ref_account_id"]) == ("reply", s1, "12")
    assert p4["text"] == "@jack yes" and p4["urls"] == ["https://final.example.net/x"]

    a = ds.accounts.set_index("account_id")
    assert sorted(a.index) == sorted(["12", "13", "14", str(BIG + 2)])
    assert a.loc["12", "screen_name"] == "jack" and a.loc["12", "display_name"] == "jack 🐦"
    assert a.loc["12", "created_at"] == ts("2006-03-21 20:50:14")
    assert (a.loc["12", "followers"], a.loc["12", "following"], a.loc["12", "tweet_count"]) == (100, 50, 7)
    assert a.loc["12", "verified"] and a.loc["12", "lang"] == "en"
    assert a.loc["13", "followers"] == 1234  # from retweeted_status.user, "1,234"


# ---------------------------------------------------------------------------------------------
# Mixed lines, flattened tweets, rejects
# ---------------------------------------------------------------------------------------------


def mixed_lines():
    f_id = sf("2022-01-05T08:00:00Z", ms=42)
    flat = {  # twarc2 flatten: one tweet per line, author and referenced tweet embedded
        "id": f_id, "author_id": "501", "created_at": "2022-01-05T08:00:00.000Z", "text": "RT @x: y",
        "edit_history_tweet_ids": [f_id],
        "author": {"id": "501", "username": "flat_user", "name": "Flat",
                   "public_metrics": {"followers_count": 5, "following_count": 6}},
        "referenced_tweets": [{"type": "retweeted", "id": "700",
                               "tweet": {"id": "700", "author_id": "502", "author": {"id": "502", "username": "x"}}}],
        "__twarc": {"retrieved_at": "2022-01-06T00:00:00+00:00"},
    }
    v1 = {"id_str": sf("2022-01-05T08:01:00Z"), "created_at": "Wed Jan 05 08:01:00 +0000 2022",
          "text": "v1 line", "user": {"id_str": "503", "screen_name": "v1user"}}
    empty_page = {"meta": {"result_count": 0}, "__twarc": {"version": "2.12.0"}}
    return [
        v2_page(),                                          # line 1
        "",                                                 # line 2 (blank, skipped)
        flat,                                               # line 3
        '{"data": [{"id": "1", "author_id": "2", "text"',   # line 4: truncated (interrupted download)
        v1,                                                 # line 5
        empty_page,                                         # line 6: no result, nothing lost
        "42",                                               # line 7: JSON, but not an object
        {"foo": "bar"},                                     # line 8: an object that is not a tweet
        {"delete": {"status": {"id_str": "1", "user_id_str": "2"}}},  # line 9: v1.1 stream notice
        {"limit": {"track": 12}},                           # line 10: v1.1 stream notice
    ], f_id, v1["id_str"]


def test_mixed_lines_collect_rejects(tmp_path):
    lines, f_id, v1_id = mixed_lines()
    path = write_lines(tmp_path / "mixed.jsonl", lines)
    ds = read_twitter_api(path)
    assert len(ds.posts) == 4 + 2
    f = post(ds, f_id)
    assert (f["account_id"], f["kind"], f["ref_post_id"], f["ref_account_id"]) == ("501", "repost", "700", "502")
    assert f["timestamp"] == ts("2022-01-05 08:00:00.042")
    assert post(ds, v1_id)["account_id"] == "503"
    acc = ds.accounts.set_index("account_id")
    assert acc.loc["501", "screen_name"] == "flat_user" and acc.loc["501", "followers"] == 5
    assert acc.loc["502", "screen_name"] == "x"

    rej = ds.rejects.sort_values("row").reset_index(drop=True)
    assert rej["row"].tolist() == [4, 7, 8]
    assert set(rej["source"]) == {str(path)}
    assert set(rej["action"]) == {"dropped"} and set(rej["table"]) == {"posts"}
    assert rej.loc[0, "reason"].startswith("not valid JSON")
    assert rej.loc[0, "value"] == '{"data": [{"id": "1", "author_id": "2", "text"'
    assert rej.loc[1, "reason"].startswith("not a JSON object")
    assert rej.loc[2, "reason"].startswith("not a tweet")


def test_mixed_lines_raise_names_file_and_line(tmp_path):
    lines, _, _ = mixed_lines()
    path = write_lines(tmp_path / "mixed.jsonl", lines)
    with pytest.raises(ReadError, match=r"mixed\.jsonl, line 4: not valid JSON") as err:
        read_twitter_api(path, errors="raise")
    assert err.value.row == 4 and err.value.source == str(path)


def test_bad_json_on_first_line_with_good_lines_after(tmp_path):
    good = {"id_str": sf("2022-01-05T08:01:00Z"), "created_at": "Wed Jan 05 08:01:00 +0000 2022",
            "text": "ok", "user": {"id_str": "1"}}
    path = write_lines(tmp_path / "t.jsonl", ["{oops", good])
    ds = read_twitter_api(path)
    assert len(ds.posts) == 1 and ds.rejects["row"].tolist() == [1]
    with pytest.raises(ReadError, match="line 1"):
        read_twitter_api(path, errors="raise")


@pytest.mark.parametrize("errors", ["collect", "raise"])
def test_file_that_is_not_json_raises(tmp_path, errors):
    path = tmp_path / "export.csv"
    path.write_text("tweetid,userid,tweet_text\n1,2,hello\n")
    with pytest.raises(ReadError, match=r"export\.csv") as err:
        read_twitter_api(path, errors=errors)
    assert err.value.row == 1


def test_not_utf8_raises(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"text": "caf\xe9"}\n'.encode("latin-1"))
    with pytest.raises(ReadError, match="not UTF-8"):
        read_twitter_api(path)


def test_empty_file_gives_empty_dataset(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    ds = read_twitter_api(path)
    assert len(ds.posts) == 0 and len(ds.rejects) == 0
    assert str(ds.posts["timestamp"].dtype) == "datetime64[ns, UTC]"


def test_missing_fields_are_rejected_by_row(tmp_path):
    ok = sf("2021-05-01T00:00:00Z", ms=1)
    no_author = sf("2021-05-01T00:00:01Z")
    page = {"data": [
        {"id": ok, "author_id": "1", "created_at": "2021-05-01T00:00:00.000Z", "text": "ok"},
        {"id": no_author, "created_at": "2021-05-01T00:00:01.000Z", "text": "who?"},
        {"id": "123", "author_id": "1", "created_at": "the day after tomorrow", "text": "when?"},
    ]}
    lines = [{"id_str": "5", "user": {"id_str": "1"}, "text": "no time at all"}, page]
    ds = read_twitter_api(write_lines(tmp_path / "m.jsonl", lines))
    assert ds.posts["post_id"].tolist() == [ok]
    rej = ds.rejects.set_index("post_id")
    assert rej.loc[no_author, "reason"] == "missing account_id" and rej.loc[no_author, "row"] == 2
    assert rej.loc["123", "value"] == "the day after tomorrow" and rej.loc["123", "row"] == 2
    assert rej.loc["5", "reason"] == "missing timestamp" and rej.loc["5", "row"] == 1


# ---------------------------------------------------------------------------------------------
# JSON documents, compressed files
# ---------------------------------------------------------------------------------------------


def test_json_document_list_rows_are_item_indexes(tmp_path):
    t1, t2 = sf("2020-02-02T02:02:02Z", ms=2), sf("2020-02-02T02:02:03Z", ms=3)
    doc = [
        {"id": t1, "author_id": "1", "created_at": "2020-02-02T02:02:02.000Z", "text": "a"},
        {"id": t2, "author_id": "2", "created_at": "2020-02-02T02:02:03.000Z", "text": "b"},
        "not a tweet",
        {"id": t2, "author_id": "2", "created_at": "2020-02-02T02:02:03.000Z", "text": "b"},
    ]
    path = tmp_path / "tweets.json"
    path.write_text(json.dumps(doc, indent=2))
    ds = read_twitter_api(path)
    assert ds.posts["post_id"].tolist() == [t1, t2]
    rej = ds.rejects.sort_values("row")
    assert rej["row"].tolist() == [3, 4]
    assert rej["reason"].iloc[1] == "duplicate of row 2 (identical; merged)"
    with pytest.raises(ReadError, match=r"tweets\.json, line/item 3"):
        read_twitter_api(path, errors="raise")


def test_pretty_printed_page_rows_are_tweet_indexes(tmp_path):
    page = v2_page()
    del page["data"][1]["author_id"]
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page, indent=1, ensure_ascii=False), encoding="utf-8")
    ds = read_twitter_api(path)
    assert len(ds.posts) == 3
    assert ds.rejects[["row", "reason", "post_id"]].values.tolist() == [[2, "missing account_id", T2]]


def test_malformed_pretty_document_raises_with_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "data": [\n    {"id": "1",\n  ]\n}\n')
    with pytest.raises(ReadError, match=r"broken\.json: not JSON"):
        read_twitter_api(path)


def test_gz_and_zip(tmp_path):
    lines, (s1, s2, s3, s4) = v1_lines()
    gz = tmp_path / "a.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps(x) for x in lines[:2]) + "\n")
    zpath = tmp_path / "b.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("part1.jsonl", json.dumps(lines[2]) + "\n")
        zf.writestr("part2.jsonl", json.dumps(lines[3]) + "\n{broken\n")
        zf.writestr("README.md", "not read")
    ds = read_twitter_api([gz, zpath])
    assert ds.posts["post_id"].tolist() == [s1, s2, s3, s4]
    assert ds.rejects[["source", "row"]].values.tolist() == [[f"{zpath}:part2.jsonl", 2]]


def test_folder_of_files(tmp_path):
    write_lines(tmp_path / "one.jsonl", [v2_page()])
    lines, _ = v1_lines()
    write_lines(tmp_path / "two.jsonl", lines)
    assert len(read_twitter_api(tmp_path)) == 8


# ---------------------------------------------------------------------------------------------
# Timestamps and ids
# ---------------------------------------------------------------------------------------------


def test_timestamp_precision_rules(tmp_path):
    agree = sf("2021-03-01T10:15:00Z", ms=123)
    off = sf("2021-03-01T10:15:00Z", ms=456)         # created_at says a minute later: disagrees
    missing = sf("2021-03-01T10:15:30Z", ms=789)     # no created_at: snowflake alone
    page = {"data": [
        {"id": agree, "author_id": "1", "created_at": "2021-03-01T10:15:00.000Z"},
        {"id": off, "author_id": "1", "created_at": "2021-03-01T10:16:00.000Z"},
        {"id": missing, "author_id": "1", "text": "x"},
    ]}
    old = {"id_str": "20", "created_at": "Tue Mar 21 20:50:14 +0000 2006", "text": "just setting up",
           "user": {"id_str": "12"}}
    ds = read_twitter_api(write_lines(tmp_path / "t.jsonl", [page, old]))
    got = ds.posts.set_index("post_id")[["timestamp", "timestamp_precision"]]
    assert got.loc[agree].tolist() == [ts("2021-03-01 10:15:00.123"), "ms"]
    assert got.loc[off].tolist() == [ts("2021-03-01 10:16:00"), "s"]
    assert got.loc[missing].tolist() == [ts("2021-03-01 10:15:30.789"), "ms"]
    assert got.loc["20"].tolist() == [ts("2006-03-21 20:50:14"), "s"]


def test_ids_are_exact_strings(tmp_path):
    big = 2**62 + 12345  # bare JSON numbers, far above 2^53
    line = (f'{{"id": {big}, "created_at": "Mon Mar 01 10:15:00 +0000 2021", "text": "x", '
            f'"user": {{"id": {big + 1}}}, "in_reply_to_status_id": {big + 2}, '
            f'"in_reply_to_user_id": {big + 3}}}')
    path = tmp_path / "big.jsonl"
    path.write_text(line + "\n")
    p = read_twitter_api(path).posts.iloc[0]
    assert (p["post_id"], p["account_id"], p["ref_post_id"], p["ref_account_id"]) == (
        str(big), str(big + 1), str(big + 2), str(big + 3))
    assert str(big) == "4611686018427400249"


def test_bad_errors_parameter(tmp_path):
    with pytest.raises(ParameterError, match="errors"):
        read_twitter_api(tmp_path, errors="ignore")
