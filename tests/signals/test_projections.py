"""Every projection on a small Dataset whose actions are known."""

from __future__ import annotations

import pandas as pd
import pytest

import coordnet
from coordnet.errors import ParameterError, SchemaError
from coordnet.signals import projections as P

T0 = 1_600_000_000


@pytest.fixture(scope="module")
def ds() -> coordnet.Dataset:
    posts = pd.DataFrame({
        "post_id": ["1", "2", "3", "4", "5", "6", "7", "8"],
        "account_id": ["a", "b", "c", "a", "b", "c", "a", "b"],
        "timestamp": [T0 + i for i in range(8)],
        "kind": ["post", "repost", "repost", "reply", "quote", "post", "post", "reply"],
        "ref_post_id": [None, "1", "1", "1", "1", None, None, None],
        "text": ["Hong Kong rioters must be stopped now, says everyone", "RT @a: Hong Kong rioters",
                 "Hong Kong rioters must be stopped now, says everyone", "Thank you",
                 "HONG KONG rioters must be stopped now,   says everyone https://t.co/z",
                 "good morning everyone!", "", None],
        "urls": [["https://www.News.example.co.uk/a?utm_source=tw", "https://t.co/abc"],
                 ["https://news.example.co.uk/a"], [], ["https://youtu.be/xyz"],
                 ["https://bit.ly/q", "https://blog.other.org/p/"], [], ["https://x.com/a/status/1"], []],
        "hashtags": [["HK", "Riots", "hk"], ["hk"], [], ["riots", "hk"], ["#HK", "#Riots", "#hk"], ["solo"], [], []],
        "mentions": [["@CNN"], ["cnn"], [], ["@bbc", "@cnn"], [], [], [], []],
        "media": [["m1"], ["m1"], [], [], ["m2", "m1"], [], [], []],
        "domain_ids": [[7, 8], [7], [], [9], [], [], [], []],
        "client": ["web", "bot", None, "", "bot", "bot", "web", None],
        "score": [1.0, 2.0, None, 1.0, 2.0, 3.0, 1.0, 2.0],
    })
    return coordnet.Dataset(posts)


def rows(actions: pd.DataFrame) -> list[tuple]:
    return list(zip(actions["account_id"], actions["target"], actions["post_id"], strict=True))


def test_output_form(ds):
    for name, fn in P.PROJECTIONS.items():
        out = fn(ds)
        assert list(out.columns) == list(P.ACTION_COLUMNS), name
        for col, dtype in P.ACTION_COLUMNS.items():
            assert out[col].dtype == dtype, (name, col)
        assert out.index.equals(pd.RangeIndex(len(out))), name
    assert P.co_repost(ds)["timestamp"].tolist() == [pd.Timestamp(T0 + 1, unit="s", tz="UTC"),
                                                     pd.Timestamp(T0 + 2, unit="s", tz="UTC")]


def test_reference_projections(ds):
    assert rows(P.co_repost(ds)) == [("b", "1", "2"), ("c", "1", "3")]
    assert rows(P.co_reply(ds)) == [("a", "1", "4")]  # post 8 is a reply to nothing known
    assert rows(P.co_quote(ds)) == [("b", "1", "5")]


def test_co_link(ds):
    assert rows(P.co_link(ds)) == [
        ("a", "https://news.example.co.uk/a", "1"), ("a", "https://t.co/abc", "1"),
        ("a", "https://youtu.be/xyz", "4"), ("b", "https://bit.ly/q", "5"),
        ("b", "https://blog.other.org/p", "5"), ("a", "https://x.com/a/status/1", "7")]
    with_reposts = P.co_link(ds, include_reposts=True)
    assert ("b", "https://news.example.co.uk/a", "2") in rows(with_reposts)


def test_co_domain_excludes_platforms_and_shorteners(ds):
    assert rows(P.co_domain(ds)) == [("a", "example.co.uk", "1"), ("b", "other.org", "5")]
    assert rows(P.co_domain(ds, exclude=["other.org"])) == [
        ("a", "example.co.uk", "1"), ("a", "t.co", "1"), ("a", "youtu.be", "4"), ("b", "bit.ly", "5"),
        ("a", "x.com", "7")]
    assert len(P.co_domain(ds, exclude=())) == 6
    for d in ("twitter.com", "x.com", "t.co", "bit.ly", "ow.ly", "buff.ly", "tinyurl.com", "goo.gl",
              "dlvr.it", "ift.tt", "facebook.com", "fb.me", "youtube.com", "youtu.be",
              "instagram.com", "t.me", "linktr.ee"):
        assert d in P.DEFAULT_EXCLUDED_DOMAINS


def test_co_hashtag_counts_a_repeated_tag_once(ds):
    assert rows(P.co_hashtag(ds)) == [
        ("a", "hk", "1"), ("a", "riots", "1"), ("a", "riots", "4"), ("a", "hk", "4"),
        ("b", "hk", "5"), ("b", "riots", "5"), ("c", "solo", "6")]
    assert ("b", "hk", "2") in rows(P.co_hashtag(ds, include_reposts=True))


def test_co_mention_and_co_image(ds):
    assert rows(P.co_mention(ds)) == [("a", "cnn", "1"), ("a", "bbc", "4"), ("a", "cnn", "4")]
    assert rows(P.co_image(ds)) == [("a", "m1", "1"), ("b", "m2", "5"), ("b", "m1", "5")]


def test_co_text_threshold_and_normalization(ds):
    text = "hong kong rioters must be stopped now, says everyone"
    # Post 3 is a repost (left out), 4 "thank you" and 6 "good morning everyone!" are too short.
    assert rows(P.co_text(ds)) == [("a", text, "1"), ("b", text, "5")]
    # With reposts: post 3 counts; post 2's "hong kong rioters" (17 characters) is too short.
    assert rows(P.co_text(ds, include_reposts=True)) == [("a", text, "1"), ("c", text, "3"), ("b", text, "5")]
    assert P.MIN_TEXT_CHARS == 25
    assert len("good morning everyone!") < P.MIN_TEXT_CHARS
    low = P.co_text(ds, min_chars=5)
    assert ("a", "thank you", "4") in rows(low) and ("c", "good morning everyone!", "6") in rows(low)


def test_hashtag_sequence_keeps_order_and_repeats(ds):
    assert rows(P.hashtag_sequence(ds)) == [("a", "#hk #riots #hk", "1"), ("a", "#riots #hk", "4"),
                                            ("b", "#hk #riots #hk", "5")]


def test_from_column_list_scalar_and_numbers(ds):
    ids = P.from_column("domain_ids")
    assert ids.__name__ == "co_domain_ids"
    assert rows(ids(ds)) == [("a", "7", "1"), ("a", "8", "1"), ("b", "7", "2"), ("a", "9", "4")]
    client = P.from_column("client")
    # Missing and empty values act on nothing.
    assert rows(client(ds)) == [("a", "web", "1"), ("b", "bot", "2"), ("b", "bot", "5"),
                                ("c", "bot", "6"), ("a", "web", "7")]
    assert rows(P.from_column("client", include_reposts=False)(ds))[1] == ("b", "bot", "5")
    assert P.from_column("score")(ds)["target"].tolist() == ["1", "2", "1", "2", "3", "1", "2"]
    assert P.from_column("co_custom").__name__ == "co_custom"


def test_from_column_python_lists():
    posts = pd.DataFrame({"post_id": ["1", "2"], "account_id": ["a", "b"], "timestamp": [0, 1]})
    posts["tags"] = pd.Series([["x", "y", "x"], None], dtype=object)
    got = P.from_column("tags")(coordnet.Dataset(posts))
    assert rows(got) == [("a", "x", "1"), ("a", "y", "1")]


def test_errors(ds):
    with pytest.raises(SchemaError, match="'nope'") as info:
        P.from_column("nope")(ds)
    assert info.value.column == "nope"
    lacking = coordnet.Dataset._trusted(ds.posts.drop(columns=["kind"]), ds.accounts, ds.rejects)
    for fn in (P.co_repost, P.co_link, P.co_text, P.hashtag_sequence):
        with pytest.raises(SchemaError, match="'kind'"):
            fn(lacking)
    with pytest.raises(ParameterError, match="Dataset"):
        P.co_repost(ds.posts)
    with pytest.raises(ParameterError, match="'name'"):
        P.from_column("")


def test_empty_dataset():
    empty = coordnet.Dataset(pd.DataFrame({"post_id": ["1"], "account_id": ["a"], "timestamp": [0]}))
    for name, fn in P.PROJECTIONS.items():
        out = fn(empty)
        assert len(out) == 0 and list(out.columns) == list(P.ACTION_COLUMNS), name
