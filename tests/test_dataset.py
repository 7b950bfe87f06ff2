import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordnet import Dataset, ParameterError, SchemaError, concat
from coordnet.dataset import (
    _argsort_int64,
    _as_id_strings,
    _derived_accounts,
    _edge_bytes,
    _missing_column,
    _normalize_list_column,
    _string_hashes,
    _surely_distinct,
    _time_then_id_order,
)
from coordnet.schema import (
    ACCOUNT_COLUMNS,
    LIST_DTYPE,
    POST_COLUMNS,
    PRECISION_DTYPE,
    REJECT_COLUMNS,
    STRING_DTYPE,
    TIMESTAMP_DTYPE,
)


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


# -- fast paths of Dataset construction: each must agree exactly with the plain computation ------

# Whitespace of every kind Arrow strips (ASCII, NBSP, ideographic space, line separator), control
# bytes, non-ASCII letters and long strings (several 8-byte words).
id_chars = st.sampled_from(list("ab09~!") + [" ", "\t", "\n", "\x00", "\x7f", "\u00a0", "\u3000", "\u2028", "é", "字"])
id_texts = st.text(alphabet=id_chars, max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(id_texts, st.none()), max_size=30), st.booleans())
def test_id_strings_match_strip_then_blank_to_missing(values, large):
    s = pd.Series(values, dtype=object)
    got = _as_id_strings(s, "post_id", "src")
    stripped = [None if v is None or v.strip() == "" else v.strip() for v in values]
    # Arrow's whitespace is Unicode's: the same characters as Python's str.strip for these.
    assert got.tolist() == [pd.NA if v is None else v for v in stripped]
    assert got.dtype == STRING_DTYPE
    arr = pa.array(values, pa.large_string() if large else pa.string())
    may_strip, empty = _edge_bytes(arr)
    if not may_strip:  # the fast path may skip stripping only when it changes nothing
        assert all(v is None or v == v.strip() for v in values)
    want_empty = [v == "" for v in values]
    assert (empty.tolist() if empty is not None else [False] * len(values)) == want_empty


def test_edge_bytes_on_a_slice_reads_its_own_strings():
    arr = pa.array([" a", "b", "c", None, ""]).slice(1, 4)
    may_strip, empty = _edge_bytes(arr)
    assert not may_strip
    assert empty.tolist() == [False, False, False, True]


@settings(max_examples=200, deadline=None)
@given(st.lists(id_texts, max_size=40), st.integers(0, 5))
def test_string_hashes_equal_for_equal_strings_and_distinct_check_is_exact(values, cut):
    arr = pa.array(values, pa.large_string()).slice(min(cut, len(values)))
    h = _string_hashes(arr)
    assert h is not None and len(h) == len(arr)
    by_value = {}
    for v, x in zip(arr.to_pylist(), h, strict=True):
        assert by_value.setdefault(v, x) == x
    # distinct strings of different lengths or bytes get distinct hashes here (no collision)
    assert len(set(h.tolist())) == len(by_value)
    assert _surely_distinct(arr) == (len(set(arr.to_pylist())) == len(arr))
    assert _surely_distinct(arr.cast(pa.string())) == _surely_distinct(arr)


def test_string_hashes_tell_apart_trailing_zero_bytes_and_long_strings():
    values = ["a", "a\x00", "a\x00\x00", "", "12345678", "123456789", "x" * 64, "x" * 63 + "y"]
    h = _string_hashes(pa.array(values))
    assert len(set(h.tolist())) == len(values)
    assert _string_hashes(pa.array(["x" * 65])) is None  # too long: left to Arrow's hash table
    assert _surely_distinct(pa.array(["x" * 65, "x" * 65])) is False
    assert _surely_distinct(pa.array(["x" * 65, "y" * 65])) is True


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=50),
       st.sampled_from([1, 1000, 10**6, 10**9]))
def test_radix_argsort_equals_numpy_stable_argsort(values, unit):
    v = np.array(values, dtype=np.int64)
    if unit > 1:  # values sharing a unit (whole seconds...), as timestamps do
        v = (v // unit // 4) * unit
    assert np.array_equal(_argsort_int64(v), np.argsort(v, kind="stable"))


def test_radix_argsort_on_timestamps_of_a_month():
    rng = np.random.default_rng(0)
    v = (1_600_000_000 + rng.integers(0, 30 * 86400, 50_000)) * 10**9
    assert np.array_equal(_argsort_int64(v), np.argsort(v, kind="stable"))
    ms = v + rng.integers(0, 1000, len(v)) * 10**6
    assert np.array_equal(_argsort_int64(ms), np.argsort(ms, kind="stable"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.text(alphabet="abc01", min_size=1, max_size=3)),
                max_size=30, unique_by=lambda r: r[1]))
def test_time_then_id_order_sorts_by_time_then_id(rows):
    ns = np.array([t for t, _ in rows], dtype=np.int64)
    ids = pa.array([p for _, p in rows], pa.large_string())
    order = _time_then_id_order(ns, ids)
    keys = [(t, p.encode()) for t, p in rows]
    want = sorted(range(len(rows)), key=lambda i: keys[i])
    if order is None:  # already in order: no reordering take
        assert want == list(range(len(rows)))
    else:
        assert order.tolist() == want


@pytest.mark.parametrize("dtype", [STRING_DTYPE, PRECISION_DTYPE, TIMESTAMP_DTYPE, pd.Int64Dtype(), LIST_DTYPE])
def test_missing_columns_equal_columns_of_missing_values(dtype):
    index = pd.RangeIndex(4)
    got = _missing_column(dtype, 4, index)
    if dtype is LIST_DTYPE:
        assert got.tolist() == [[], [], [], []]
    else:
        want = pd.Series(pd.NaT if dtype is TIMESTAMP_DTYPE else pd.NA, index=index, dtype=dtype)
        pd.testing.assert_series_equal(got, want)
    assert got.dtype == dtype


def test_derived_accounts_are_the_sorted_distinct_posting_accounts():
    ids = pd.Series(["u2", "u10", "u2", "u1", "é", "u10"], dtype=STRING_DTYPE)
    acc = _derived_accounts(ids)
    assert acc["account_id"].tolist() == ["u1", "u10", "u2", "é"]
    assert list(acc.columns) == list(ACCOUNT_COLUMNS)
    for col, dtype in ACCOUNT_COLUMNS.items():
        assert acc[col].dtype == dtype, col
    assert acc.drop(columns="account_id").isna().all().all()


def test_list_column_keeps_offsets_when_nothing_is_dropped_and_rebuilds_otherwise():
    clean = _normalize_list_column(pd.Series([["#A"], [], ["b", "#C"]]), lambda t: t.lstrip("#").lower())
    assert clean.tolist() == [["a"], [], ["b", "c"]]
    sliced = pd.Series(pd.arrays.ArrowExtensionArray(pa.array([["x"], ["#A"], [], ["b"]]).slice(1)),
                       dtype=LIST_DTYPE)
    assert _normalize_list_column(sliced, lambda t: t.lstrip("#").lower()).tolist() == [["a"], [], ["b"]]
    dropped = _normalize_list_column(pd.Series([["#", "a"], None, ["", "b"]]), lambda t: t.lstrip("#") or None)
    assert dropped.tolist() == [["a"], [], ["b"]]


def test_reader_provenance_names_rejects_and_duplicates():
    p = posts(post_id=["1", "1", "2"], account_id=["a", "a", "b"],
              timestamp=["2019-08-19 14:05", "2019-08-19 14:05", "bad"])
    p["_source"] = ["a.csv", "a.csv", None]
    p["_row"] = [7, 9, 11]
    ds = Dataset(p, source="fallback")
    rej = ds.rejects.set_index("row")
    assert rej.loc[11, "source"] == "fallback"  # a row without a file of its own
    assert rej.loc[9, ["source", "reason"]].tolist() == ["a.csv", "duplicate of row 7 (identical; merged)"]
    assert "_source" not in ds.posts and "_row" not in ds.posts


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "3", "10", " 4", "5\u00a0", "x" * 70]),
                          st.sampled_from(["a", "b", "é"]),
                          st.integers(1_600_000_000, 1_600_000_003)), max_size=25),
       st.randoms(use_true_random=False))
def test_input_row_order_does_not_change_posts_without_duplicates(rows, rnd):
    rows = list({r[0]: r for r in rows}.values())  # distinct ids: which duplicate comes first matters
    df = pd.DataFrame(rows, columns=["post_id", "account_id", "timestamp"])
    shuffled = df.sample(frac=1, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    a, b = Dataset(df), Dataset(shuffled)
    pd.testing.assert_frame_equal(a.posts, b.posts)
    pd.testing.assert_frame_equal(a.accounts, b.accounts)
