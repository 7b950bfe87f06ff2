import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordnet import Dataset, ParameterError, SchemaError, concat
from coordnet.schema import ACCOUNT_COLUMNS, LIST_DTYPE, POST_COLUMNS, REJECT_COLUMNS


def posts(**overrides):
    base = {
        "post_id": ["1", "2", "3"],
        "account_id": ["a", "b", "a"],
        "timestamp": ["2019-08-19 14:05", "2019-08-19 14:06", "2019-08-19 14:07"],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_canonical_columns_and_dtypes():
    ds = Dataset(posts(text=["x", "y", "z"], extra_col=[1, 2, 3]))
    assert list(ds.posts.columns[: len(POST_COLUMNS)]) == list(POST_COLUMNS)
    for col, dtype in POST_COLUMNS.items():
        assert ds.posts[col].dtype == dtype, col
    assert "extra_col" in ds.posts.columns  # extras kept
    for col, dtype in ACCOUNT_COLUMNS.items():
        assert ds.accounts[col].dtype == dtype, col
    assert ds.accounts["account_id"].tolist() == ["a", "b"]
    assert ds.posts["kind"].tolist() == ["post"] * 3
    assert ds.posts["urls"].tolist() == [[], [], []]


def test_missing_required_column_raises_naming_it():
    with pytest.raises(SchemaError, match="timestamp") as info:
        Dataset(pd.DataFrame({"post_id": ["1"], "account_id": ["a"]}), source="hk.csv")
    assert info.value.column == "timestamp"
    assert "hk.csv" in str(info.value)


def test_unparseable_timestamp_is_listed_with_row_and_value():
    ds = Dataset(posts(timestamp=["2019-08-19 14:05", "2019-13-45 25:00", "2019-08-19 14:07"]), source="f.csv")
    assert ds.posts["post_id"].tolist() == ["1", "3"]
    rej = ds.rejects
    assert list(rej.columns) == list(REJECT_COLUMNS)
    assert rej.iloc[0][["source", "row", "column", "value", "action"]].tolist() == [
        "f.csv", 2, "timestamp", "2019-13-45 25:00", "dropped"]
    assert "not a timestamp" in rej.iloc[0]["reason"]


def test_errors_raise_names_source_row_and_column():
    with pytest.raises(SchemaError, match=r"f.csv, row 2: column 'timestamp' holds '2019-13-45 25:00'") as info:
        Dataset(posts(timestamp=["2019-08-19 14:05", "2019-13-45 25:00", "2019-08-19 14:07"]),
                source="f.csv", errors="raise")
    assert (info.value.row, info.value.column) == (2, "timestamp")


def test_ids_keep_leading_zeros_and_big_ints_exact():
    big = str(2**63 - 25)
    ds = Dataset(posts(post_id=["007", big, "3"], account_id=["0001", "b", "0001"]))
    assert set(ds.posts["post_id"]) == {"007", big, "3"}
    assert set(ds.accounts["account_id"]) == {"0001", "b"}


def test_integer_ids_become_strings_and_lossy_float_ids_are_refused():
    ds = Dataset(posts(post_id=[1, 2, 3]))
    assert ds.posts["post_id"].tolist() == ["1", "2", "3"]
    with pytest.raises(SchemaError, match="floating-point"):
        Dataset(posts(post_id=[1.16e18, 2.0, 3.0]))


def test_identical_duplicate_merged_and_conflicting_listed():
    p = posts(post_id=["1", "1", "1"], account_id=["a", "a", "b"],
              timestamp=["2019-08-19 14:05", "2019-08-19 14:05", "2019-08-19 14:05"])
    ds = Dataset(p)
    assert len(ds) == 1
    reasons = ds.rejects.set_index("row")["reason"]
    assert reasons[2] == "duplicate of row 1 (identical; merged)"
    assert reasons[3].startswith("conflicting duplicate of row 1")
    with pytest.raises(SchemaError, match="conflicting duplicate"):
        Dataset(p, errors="raise")
    # identical repeats never raise
    assert len(Dataset(p.iloc[:2], errors="raise")) == 1


def test_kind_synonyms_and_unknown_kind():
    ds = Dataset(posts(kind=["retweet", "REPLY", "bogus"]))
    assert ds.posts["kind"].tolist() == ["repost", "reply"]
    assert ds.rejects.iloc[0]["column"] == "kind"


def test_lists_are_normalized():
    ds = Dataset(posts(
        hashtags=[["#HK", "ＨＫ"], "['news']", None],
        urls=[["https://www.x.com/a?utm_source=t"], [], ["https://x.com/a/"]],
        mentions=[["@CNN"], [], []],
    ))
    assert ds.posts["hashtags"].dtype == LIST_DTYPE
    assert ds.posts["hashtags"].tolist()[0] == ["hk", "hk"]
    assert ds.posts["urls"].tolist() == [["https://x.com/a"], [], ["https://x.com/a"]]
    assert ds.posts["mentions"].tolist()[0] == ["cnn"]


def test_accounts_merged_and_posting_accounts_added():
    acc = pd.DataFrame({"account_id": ["a", "a", "z"], "screen_name": [None, "alice", "zed"],
                        "created_at": ["2015-01-01", "2015-01-01", "not a date"], "followers": ["10", "10", "x"]})
    ds = Dataset(posts(), acc)
    a = ds.accounts.set_index("account_id")
    assert a.loc["a", "screen_name"] == "alice"
    assert set(a.index) == {"a", "b", "z"}
    assert pd.isna(a.loc["z", "created_at"]) and pd.isna(a.loc["z", "followers"])
    cleared = ds.rejects[ds.rejects["action"] == "cleared"]
    assert sorted(cleared["column"]) == ["created_at", "followers"]


def test_filter_and_summary():
    ds = Dataset(posts(hashtags=[["hk"], ["hk"], ["news"]]))
    assert len(ds.filter(start="2019-08-19 14:06")) == 2
    assert len(ds.filter(end="2019-08-19 14:06")) == 1
    assert ds.filter(accounts=["b"]).accounts["account_id"].tolist() == ["b"]
    with pytest.raises(ParameterError, match="kinds"):
        ds.filter(kinds=["tweet"])
    s = ds.summary()
    assert (s.posts, s.accounts, s.top_hashtags[0]) == (3, 2, ("hk", 2))
    assert "posts:" in str(s)


def test_save_load_round_trip(tmp_path):
    ds = Dataset(posts(hashtags=[["hk"], [], ["a", "b"]], text=["x", None, "🙂"], extra=[1.5, None, 2.0]),
                 pd.DataFrame({"account_id": ["a"], "created_at": ["2010-01-01"]}))
    back = Dataset.load(ds.save(tmp_path / "ds"))
    pd.testing.assert_frame_equal(back.posts, ds.posts)
    pd.testing.assert_frame_equal(back.accounts, ds.accounts)
    pd.testing.assert_frame_equal(back.rejects, ds.rejects)


def test_concat_dedupes_across_inputs_and_keeps_rejects():
    a = Dataset(posts())
    b = Dataset(posts(post_id=["3", "4", "5"], timestamp=["2019-08-19 14:07", "bad", "2019-08-20"]))
    both = concat([a, b])
    assert sorted(both.posts["post_id"]) == ["1", "2", "3", "5"]
    assert len(both.rejects) == 2


def test_entities_long_table():
    ds = Dataset(posts(urls=[["https://news.bbc.co.uk/a"], [], ["https://t.co/x", "https://bbc.co.uk/b"]]))
    ent = ds.entities("registered_domains")
    assert ent[["post_id", "value"]].values.tolist() == [["1", "bbc.co.uk"], ["3", "t.co"], ["3", "bbc.co.uk"]]


ids = st.text(alphabet="0123456789abc", min_size=1, max_size=4)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ids, ids, st.one_of(st.integers(0, 2_000_000_000), st.just("junk"), st.none())),
                min_size=0, max_size=30))
def test_every_input_row_is_kept_or_listed(rows):
    df = pd.DataFrame(rows, columns=["post_id", "account_id", "timestamp"]).astype(object)
    ds = Dataset(df)
    dropped = int((ds.rejects["action"] == "dropped").sum())
    assert len(ds.posts) + dropped == len(df)
    assert ds.posts["post_id"].is_unique
    assert ds.posts["timestamp"].is_monotonic_increasing
    assert np.all(ds.posts["timestamp"].notna())
    keys = list(zip(ds.posts["timestamp"], ds.posts["post_id"], strict=True))
    assert keys == sorted(keys)  # ties in time are broken by post id
