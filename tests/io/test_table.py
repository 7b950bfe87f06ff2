"""Tests of the generic column-mapped reader (coordnet.io.table)."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coordnet.errors import ParameterError, SchemaError
from coordnet.io.table import PRESETS, from_frame, read_table
from coordnet.schema import LIST_DTYPE, POST_COLUMNS

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "coortweet"
RUSSIAN = DATA / "russian_coord_tweets.csv.gz"
GERMAN = DATA / "german_elections.csv.gz"

BIG = "9007199254740993"  # 2^53 + 1: a float cannot hold it


def _lists(series: pd.Series) -> list[list[str]]:
    return [list(v) for v in series.tolist()]


def _by_id(ds) -> pd.DataFrame:
    return ds.posts.set_index("post_id")


# ---------------------------------------------------------------------------------------------
# Mapping
# ---------------------------------------------------------------------------------------------


def test_every_keyword_maps_its_column_exactly():
    df = pd.DataFrame({
        "tid": ["10", "11"],
        "uid": ["u1", "u2"],
        "when": ["2021-01-01T00:00:00Z", "2021-01-01T00:01:00Z"],
        "body": ["hello", "RT @u1: hello"],
        "type": ["tweet", "retweet"],
        "rt_of": [None, "10"],
        "rt_user": [None, "u1"],
        "link": ["https://x.org/a", None],
        "tags": ["HK", None],
        "at": [None, "u1"],
        "img": ["p1", None],
        "language": ["en", "en"],
        "app": ["web", "android"],
        "site": ["twitter", "twitter"],
        "likes": ["3", "0"],
    })
    ds = from_frame(df, post_id="tid", account_id="uid", timestamp="when", text="body", kind="type",
                    ref_post_id="rt_of", ref_account_id="rt_user", urls="link", hashtags="tags",
                    mentions="at", media="img", lang="language", client="app", platform="site")
    p = ds.posts
    assert p["post_id"].tolist() == ["10", "11"]
    assert p["account_id"].tolist() == ["u1", "u2"]
    assert p["timestamp"].tolist() == [pd.Timestamp("2021-01-01", tz="UTC"),
                                       pd.Timestamp("2021-01-01 00:01", tz="UTC")]
    assert p["text"].tolist() == ["hello", "RT @u1: hello"]
    assert p["kind"].tolist() == ["post", "repost"]
    assert p["ref_post_id"].tolist() == [pd.NA, "10"]
    assert p["ref_account_id"].tolist() == [pd.NA, "u1"]
    assert _lists(p["urls"]) == [["https://x.org/a"], []]
    assert _lists(p["hashtags"]) == [["hk"], []]
    assert _lists(p["mentions"]) == [[], ["u1"]]
    assert _lists(p["media"]) == [["p1"], []]
    assert p["lang"].tolist() == ["en", "en"]
    assert p["client"].tolist() == ["web", "android"]
    assert p["platform"].tolist() == ["twitter", "twitter"]
    # The unmapped column is kept as it came; mapped source columns are not repeated.
    assert list(p.columns) == [*POST_COLUMNS, "likes"]
    assert p["likes"].tolist() == ["3", "0"]
    assert len(ds.rejects) == 0


def test_canonical_names_are_used_without_mapping_and_clashes_are_kept_aside():
    df = pd.DataFrame({"post_id": ["1"], "account_id": ["a"], "timestamp": [0],
                       "text": ["raw text"], "body": ["clean text"], "hashtags": ["['A', 'b']"]})
    ds = from_frame(df, text="body")
    p = ds.posts
    assert p["text"].tolist() == ["clean text"]
    assert p["source_text"].tolist() == ["raw text"]  # the unmapped 'text' column, kept aside
    assert _lists(p["hashtags"]) == [["a", "b"]]  # auto-mapped by its canonical name
    assert p["post_id"].tolist() == ["1"]


def test_extra_mapping_copies_and_builds_list_columns():
    df = pd.DataFrame({"post_id": ["1", "2"], "account_id": ["a", "b"], "timestamp": [0, 1],
                       "rt": ["5", "7"], "c1": ["x", None], "c2": [" y ", "x"]})
    ds = from_frame(df, retweets="rt", codes=["c1", "c2"])
    p = ds.posts.set_index("post_id")
    assert p["retweets"].tolist() == ["5", "7"]
    assert p["codes"].dtype == LIST_DTYPE
    assert _lists(p["codes"]) == [["x", "y"], ["x"]]
    assert "rt" not in p.columns and "c1" not in p.columns


def test_missing_mapped_column_raises_naming_it_and_listing_columns():
    df = pd.DataFrame({"id": ["1"], "user": ["a"], "time": [0]})
    with pytest.raises(SchemaError, match=r"'tweet_time' \(for timestamp\).*Columns present: "
                                          r"\['id', 'user', 'time'\]") as info:
        from_frame(df, post_id="id", account_id="user", timestamp="tweet_time")
    assert info.value.column == "tweet_time"
    with pytest.raises(SchemaError, match=r"'expanded' \(for urls\)"):
        from_frame(df, post_id="id", account_id="user", timestamp="time", urls=["id", "expanded"])
    # The default account_id/timestamp columns are required too.
    with pytest.raises(SchemaError, match=r"'account_id' \(for account_id\)"):
        from_frame(df, post_id="id", timestamp="time")


def test_bad_keyword_values_raise_parameter_errors():
    df = pd.DataFrame({"post_id": ["1"], "account_id": ["a"], "timestamp": [0]})
    with pytest.raises(ParameterError, match="one source column"):
        from_frame(df, text=["a", "b"])
    with pytest.raises(ParameterError, match="'preset' parameter must be one of"):
        from_frame(df, preset="crowdtangle-2019")
    with pytest.raises(ParameterError, match="unknown keyword 'retweets'"):
        from_frame(df, retweets=3)
    with pytest.raises(ParameterError, match="'precision'"):
        from_frame(df, precision="hour")
    with pytest.raises(ParameterError, match="'errors'"):
        from_frame(df, errors="ignore")
    with pytest.raises(ParameterError, match="no 'objects' column"):
        from_frame(df, object_as="url")
    with pytest.raises(ParameterError, match="platform_prefixes"):
        from_frame(df, platform_prefixes={"fb_": 3})


def test_post_id_is_synthesized_from_the_row_when_absent(tmp_path):
    df = pd.DataFrame({"account_id": ["a", "b", "c"], "timestamp": [30, 10, 20]})
    ds = from_frame(df)
    assert sorted(ds.posts["post_id"].tolist()) == ["frame:1", "frame:2", "frame:3"]
    assert ds.posts.set_index("post_id").loc["frame:2", "account_id"] == "b"
    again = from_frame(df)
    assert again.posts.equals(ds.posts)  # stable
    path = tmp_path / "posts.csv"
    path.write_text("account_id,timestamp\na,0\nb,5\n")
    assert read_table(path).posts["post_id"].tolist() == ["posts.csv:1", "posts.csv:2"]


# ---------------------------------------------------------------------------------------------
# List columns
# ---------------------------------------------------------------------------------------------


def test_list_columns_from_lists_strings_and_scalars():
    base = {"post_id": ["1", "2", "3"], "account_id": ["a", "b", "c"], "timestamp": [0, 1, 2]}
    as_lists = pd.DataFrame({**base, "tags": [["HK", "#News"], [], None]})
    as_strings = pd.DataFrame({**base, "tags": ["['HK', '#News']", "[]", None]})
    as_bare = pd.DataFrame({**base, "tags": ["[HK, #News]", "", None]})
    for df in (as_lists, as_strings, as_bare):
        assert _lists(from_frame(df, hashtags="tags").posts["hashtags"]) == [["hk", "news"], [], []]
    # A scalar string column is one value per row, kept whole (even with spaces or commas).
    scalars = pd.DataFrame({**base, "link": ["https://x.org/a b", None, "y.org,z"]})
    got = _lists(from_frame(scalars, urls="link").posts["urls"])
    assert got == [["https://x.org/a b"], [], ["http://y.org,z"]]
    # Integer ids (one per row) become their decimal text; float columns of whole numbers too.
    ints = pd.DataFrame({**base, "url_id": pd.array([23678, None, 7], dtype="Int64"),
                         "f": [1.0, np.nan, 2.0]})
    ds = from_frame(ints, urls="url_id", media="f")
    assert _lists(ds.posts["urls"]) == [["23678"], [], ["7"]]
    assert _lists(ds.posts["media"]) == [["1"], [], ["2"]]


def test_several_source_columns_feed_one_list_without_repeats():
    df = pd.DataFrame({"post_id": ["1", "2"], "account_id": ["a", "b"], "timestamp": [0, 1],
                       "url": ["https://t.co/x", "https://www.x.org/a/"],
                       "expanded_url": ["https://x.org/a?utm_source=tw", "https://x.org/a"],
                       "more": [["https://x.org/b"], []]})
    ds = from_frame(df, urls=["url", "expanded_url", "more"])
    assert _lists(ds.posts["urls"]) == [["https://t.co/x", "https://x.org/a", "https://x.org/b"],
                                        ["https://x.org/a"]]


def test_list_column_from_arrow_lists_passes_through():
    tags = pd.Series([["A"], [], ["b", "C"]], dtype=pd.ArrowDtype(pa.list_(pa.string())))
    df = pd.DataFrame({"post_id": ["1", "2", "3"], "account_id": ["a"] * 3, "timestamp": [0, 1, 2],
                       "tags": tags})
    assert _lists(from_frame(df, hashtags="tags").posts["hashtags"]) == [["a"], [], ["b", "c"]]


# ---------------------------------------------------------------------------------------------
# Rows per (post, object)
# ---------------------------------------------------------------------------------------------


def _object_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "pid": ["p1", "p1", "p2", "p1", "p3", "p2"],
        "acc": ["a", "a", "b", "a", "c", "b"],
        "ts": ["1629589836", "2021-08-21T23:50:36Z", "1629589900", "1629589836", "1629590000",
               "1629589900"],
        "url": ["u2", "u1", None, "u2", "u9", "u3"],
        "tag": [None, "#HK", "x", "hk", None, None],
        "note": [None, "second", "b1", "third", None, "b2"],
    })


def test_group_by_post_folds_rows_into_posts_in_order_without_repeats():
    ds = from_frame(_object_rows(), post_id="pid", account_id="acc", timestamp="ts", urls="url",
                    hashtags="tag", group_by_post=True)
    assert len(ds.posts) == 3 and len(ds.rejects) == 0
    p = _by_id(ds)
    assert _lists(p["urls"]) == [["u2", "u1"], ["u3"], ["u9"]]
    assert _lists(p["hashtags"]) == [["hk"], ["x"], []]
    assert p["note"].fillna("-").tolist() == ["second", "b1", "-"]  # first non-missing value
    assert p.loc["p1", "timestamp"] == pd.Timestamp(1629589836, unit="s", tz="UTC")
    # Without grouping, the repeated ids are duplicates and are listed as such.
    plain = from_frame(_object_rows(), post_id="pid", account_id="acc", timestamp="ts", urls="url")
    assert len(plain.posts) == 3
    assert (plain.rejects["action"] == "dropped").sum() == 3


def test_group_by_post_rejects_rows_that_disagree_on_account_or_time():
    df = _object_rows()
    df.loc[3, "acc"] = "z"         # row 4: another account for p1
    df.loc[5, "ts"] = "1629589901"  # row 6: another time for p2
    ds = from_frame(df, post_id="pid", account_id="acc", timestamp="ts", urls="url",
                    group_by_post=True, source="shares")
    assert len(ds.posts) == 3
    rej = ds.rejects.sort_values("row").reset_index(drop=True)
    assert rej["row"].tolist() == [4, 6]
    assert rej["column"].tolist() == ["account_id", "timestamp"]
    assert rej["value"].tolist() == ["z", "1629589901"]
    assert rej["post_id"].tolist() == ["p1", "p2"]
    assert rej["action"].tolist() == ["dropped", "dropped"]
    assert rej["source"].tolist() == ["shares", "shares"]
    assert "first row (row 1)" in rej.loc[0, "reason"]
    assert "first row (row 3)" in rej.loc[1, "reason"]
    # The conflicting rows' objects are not folded in.
    assert _lists(_by_id(ds)["urls"]) == [["u2", "u1"], [], ["u9"]]
    with pytest.raises(SchemaError, match=r"shares, row 4: conflicting row of post 'p1'"):
        from_frame(df, post_id="pid", account_id="acc", timestamp="ts", group_by_post=True,
                   source="shares", errors="raise")


def test_group_by_post_leaves_unusable_rows_to_the_usual_rejects():
    df = pd.DataFrame({"pid": ["1", "1", None, "2"], "acc": ["a", "a", "a", "b"],
                       "ts": ["10", "10", "10", "soon"], "url": ["x", "y", "z", "w"]})
    ds = from_frame(df, post_id="pid", account_id="acc", timestamp="ts", urls="url",
                    group_by_post=True)
    assert _lists(ds.posts["urls"]) == [["x", "y"]]
    rej = ds.rejects.sort_values("row")
    assert rej["row"].tolist() == [3, 4]
    assert rej["column"].tolist() == ["post_id", "timestamp"]
    assert "'soon'" in rej["reason"].iloc[1]


# ---------------------------------------------------------------------------------------------
# Objects (CooRTweet)
# ---------------------------------------------------------------------------------------------


def _coortweet_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "object_id": ["o1", "o1", "o2", "o3", "o1"],
        "account_id": ["a", "b", "b", "b", "c"],
        "content_id": ["c1", "c2", "c3", "c3", "c4"],
        "timestamp_share": ["100", "105", "200", "200", "110"],
    })


def test_coortweet_objects_are_reposts_by_default():
    ds = from_frame(_coortweet_frame(), preset="coortweet")
    p = _by_id(ds)
    assert p.index.tolist() == ["c1", "c2", "c4", "c3"]
    assert p["kind"].tolist() == ["repost"] * 4
    assert p["ref_post_id"].tolist() == ["o1", "o1", "o1", "o2"]
    assert _lists(p["object_ids"]) == [["o1"], ["o1"], ["o1"], ["o2", "o3"]]
    assert p["timestamp_precision"].astype(str).tolist() == ["s"] * 4
    assert _lists(p["urls"]) == [[]] * 4
    assert len(ds.rejects) == 0


@pytest.mark.parametrize(("object_as", "column"), [("url", "urls"), ("hashtag", "hashtags"),
                                                  ("media", "media"), ("mention", "mentions")])
def test_object_as_sends_objects_to_a_list_column(object_as, column):
    ds = from_frame(_coortweet_frame(), preset="coortweet", object_as=object_as)
    p = _by_id(ds)
    assert _lists(p[column]) == [["o1"], ["o1"], ["o1"], ["o2", "o3"]]
    assert p["kind"].tolist() == ["post"] * 4
    assert p["ref_post_id"].isna().all()
    assert _lists(p["object_ids"]) == _lists(p[column])


def test_object_as_a_column_name_and_conflicting_mappings():
    ds = from_frame(_coortweet_frame(), preset="coortweet", object_as="shared")
    p = _by_id(ds)
    assert "object_ids" not in p.columns
    assert _lists(p["shared"]) == [["o1"], ["o1"], ["o1"], ["o2", "o3"]]
    assert p["kind"].tolist() == ["post"] * 4
    with pytest.raises(ParameterError, match="cannot also be mapped"):
        from_frame(_coortweet_frame().assign(k="post"), preset="coortweet", kind="k")
    with pytest.raises(ParameterError, match="canonical column 'text'"):
        from_frame(_coortweet_frame(), preset="coortweet", object_as="text")


def test_explicit_keywords_override_a_preset():
    df = _coortweet_frame().rename(columns={"content_id": "share"})
    with pytest.raises(SchemaError, match=r"'content_id' \(for post_id\)"):
        from_frame(df, preset="coortweet")
    ds = from_frame(df, preset="coortweet", post_id="share")
    assert sorted(ds.posts["post_id"].tolist()) == ["c1", "c2", "c3", "c4"]


def test_presets_are_plain_data():
    assert set(PRESETS) == {"coortweet", "coortweet-multimodal"}
    for conf in PRESETS.values():
        assert all(isinstance(v, (str, bool, tuple)) for v in conf.values())


def test_platform_from_account_prefix():
    df = pd.DataFrame({"account_id": ["fb_1", "tw_2", "ig_3"], "post_id": ["1", "2", "3"],
                       "timestamp": [0, 1, 2], "platform": [None, None, "instagram"]})
    ds = from_frame(df, platform_prefixes={"fb_": "facebook", "tw_": "twitter"})
    assert ds.posts["platform"].tolist() == ["facebook", "twitter", "instagram"]


# ---------------------------------------------------------------------------------------------
# Files: ids, timestamps, formats
# ---------------------------------------------------------------------------------------------


def test_ids_keep_leading_zeros_and_digits_beyond_2_53_through_csv(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"id,user,t,ref\n{BIG},007,2021-01-01,0042\n0001,{BIG},2021-01-02,\n")
    ds = read_table(path, post_id="id", account_id="user", timestamp="t", ref_post_id="ref")
    assert ds.posts["post_id"].tolist() == [BIG, "0001"]
    assert ds.posts["account_id"].tolist() == ["007", BIG]
    assert ds.posts["ref_post_id"].tolist() == ["0042", pd.NA]


def test_ids_stay_exact_through_parquet(tmp_path):
    big = 2**62 + 1
    table = pa.table({
        "id": pa.array([big, 5, None], pa.int64()),
        "user": pa.array(["007", BIG, "x"]),
        "t": pa.array(["2021-01-01", "2021-01-02", "2021-01-03"]),
        "ref": pa.array([None, big - 2, None], pa.int64()),
    })
    path = tmp_path / "p.parquet"
    pq.write_table(table, path)
    ds = read_table(path, post_id="id", account_id="user", timestamp="t", ref_post_id="ref")
    assert ds.posts["post_id"].tolist() == [str(big), "5"]
    assert ds.posts["account_id"].tolist() == ["007", BIG]
    assert ds.posts["ref_post_id"].tolist() == [pd.NA, str(big - 2)]
    assert ds.rejects["row"].tolist() == [3] and ds.rejects["column"].tolist() == ["post_id"]
    assert ds.rejects["source"].tolist() == [str(path)]


def test_float_ids_that_lost_digits_are_refused():
    df = pd.DataFrame({"post_id": [float(2**60), 1.0], "account_id": ["a", "b"], "timestamp": [0, 1]})
    with pytest.raises(SchemaError, match="lost digits"):
        from_frame(df)


def test_mixed_timestamp_formats(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "post_id,account_id,timestamp\n"
        "1,a,2019-08-19 14:05\n"
        "2,a,2019-08-19T16:06:00+02:00\n"
        "3,a,1566223620\n"
        "4,a,1566223680000\n"
        '5,a,"Mon Aug 19 14:09:00 +0000 2019"\n'
        "6,a,19 August 2019 14:10\n"
        "7,a,yesterday-ish\n"
    )
    ds = read_table(path)
    expected = pd.date_range("2019-08-19 14:05", periods=6, freq="min", tz="UTC")
    assert ds.posts["timestamp"].tolist() == list(expected)
    assert ds.rejects["row"].tolist() == [7]
    assert "'yesterday-ish'" in ds.rejects["reason"].iloc[0]


def test_parquet_round_trip_equals_the_frame(tmp_path):
    df = pd.DataFrame({
        "id": ["01", "02", "03"], "user": ["a", "b", "a"],
        "t": pd.to_datetime(["2021-01-01 00:00:01.250", "2021-01-01 00:00:02", "2021-01-01"],
                            utc=True, format="ISO8601"),
        "tags": pd.Series([["HK"], [], ["a", "b"]], dtype=pd.ArrowDtype(pa.list_(pa.string()))),
        "urls": ["x.org/1", None, "https://y.org"],
        "n": pd.array([1, None, 3], dtype="Int64"),
    })
    path = tmp_path / "posts.parquet"
    df.to_parquet(path, index=False)
    mapping = dict(post_id="id", account_id="user", timestamp="t", hashtags="tags")
    from_file = read_table(path, **mapping)
    direct = from_frame(df, **mapping)
    assert from_file.posts.equals(direct.posts)
    p = from_file.posts
    assert p["timestamp"].iloc[1] == pd.Timestamp("2021-01-01 00:00:01.250", tz="UTC")
    assert p["post_id"].tolist() == ["03", "01", "02"]
    assert _lists(p["hashtags"]) == [["a", "b"], ["hk"], []]
    assert _lists(p["urls"]) == [["https://y.org"], ["http://x.org/1"], []]
    assert p["n"].tolist() == [3, 1, pd.NA]


def test_several_files_and_compressions_with_rejects_naming_file_and_row(tmp_path):
    header = "object_id,account_id,content_id,timestamp_share\n"
    (tmp_path / "a.csv").write_text(header + "o1,a,c1,100\no1,b,c2,oops\n")
    with gzip.open(tmp_path / "b.csv.gz", "wt") as fh:
        fh.write(header + "o2,c,c3,101\no2,c,c4,102,extra\n")
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as zf:
        zf.writestr("inner.csv", header + "o3,d,c5,103\n")
    (tmp_path / "d.tsv").write_text(header.replace(",", "\t") + "o3\te\tc6\t104\n")
    ds = read_table(sorted(tmp_path.iterdir()), preset="coortweet")
    assert sorted(ds.posts["post_id"].tolist()) == ["c1", "c3", "c5", "c6"]
    rej = ds.rejects.sort_values("source").reset_index(drop=True)
    assert rej["source"].tolist() == [str(tmp_path / "a.csv"), str(tmp_path / "b.csv.gz")]
    assert rej["row"].tolist() == [2, 2]
    assert "'oops'" in rej["reason"].iloc[0]
    assert "malformed CSV row" in rej["reason"].iloc[1]


def test_a_file_lacking_a_mapped_column_is_named(tmp_path):
    (tmp_path / "a.csv").write_text("post_id,account_id,timestamp\n1,a,0\n")
    (tmp_path / "b.csv").write_text("post_id,user,timestamp\n2,b,0\n")
    with pytest.raises(SchemaError, match=r"b\.csv: the column mapping names.*'account_id'"):
        read_table([tmp_path / "a.csv", tmp_path / "b.csv"])
    with pytest.raises(ParameterError, match="'format'"):
        read_table(tmp_path / "a.csv", format="xlsx")


# ---------------------------------------------------------------------------------------------
# Invariant
# ---------------------------------------------------------------------------------------------

_cells = st.one_of(st.none(), st.sampled_from(["", " ", "x", "007", BIG, "1", "a b"]))
_times = st.one_of(st.none(), st.sampled_from(["2021-01-01", "1609459200", "garbage", "",
                                               "2021-01-01T00:00:05+01:00", "1609459200123"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_cells, _cells, _times, _cells), min_size=0, max_size=25),
       group=st.booleans())
@example(rows=[("x", "x", "garbage", None), (None, None, None, None), ("x", None, None, None),
               ("x", None, None, None)], group=False)
@example(rows=[(None, None, "garbage", None)], group=True)
def test_every_row_is_kept_or_listed(rows, group):
    df = pd.DataFrame(rows, columns=["id", "user", "t", "tag"], dtype=object)
    ds = from_frame(df, post_id="id", account_id="user", timestamp="t", hashtags="tag",
                    group_by_post=group)
    dropped = int((ds.rejects["action"] == "dropped").sum())
    if group:
        # Rows of one post that agree are folded in: the posts count their distinct ids.
        ok = ds.posts["post_id"].nunique()
        assert len(ds.posts) == ok
        assert len(ds.posts) + dropped <= len(df)
    else:
        assert len(ds.posts) + dropped == len(df)
    assert ds.posts["post_id"].is_unique
    assert set(ds.rejects["row"].dropna().astype(int)) <= set(range(1, len(df) + 1))


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3"]), st.sampled_from(["a", "b"]),
                               st.sampled_from([0, 60]), st.sampled_from(["u1", "u2", "u3", None])),
                     min_size=1, max_size=20))
@example(rows=[("p1", "a", 0, "u1"), ("p1", "a", 0, None)])
def test_grouping_equals_a_brute_force_fold(rows):
    df = pd.DataFrame(rows, columns=["pid", "acc", "t", "url"])
    ds = from_frame(df, post_id="pid", account_id="acc", timestamp="t", urls="url",
                    group_by_post=True)
    first = df.groupby("pid", sort=False).first()
    expected, n_conflicts = {}, 0
    for i, r in df.iterrows():
        f = first.loc[r["pid"]]
        if (r["acc"], r["t"]) != (f["acc"], f["t"]):
            n_conflicts += 1
            continue
        lst = expected.setdefault(r["pid"], [])
        if pd.notna(r["url"]) and r["url"] not in lst:
            lst.append(r["url"])
        del i
    got = {k: list(v) for k, v in _by_id(ds)["urls"].items()}
    assert got == expected
    assert len(ds.rejects) == n_conflicts


# ---------------------------------------------------------------------------------------------
# Real data (CooRTweet)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def russian():
    if not RUSSIAN.exists():
        pytest.skip(f"real CooRTweet data not found at {RUSSIAN}")
    return read_table(RUSSIAN, preset="coortweet")


@pytest.fixture(scope="module")
def german():
    if not GERMAN.exists():
        pytest.skip(f"real CooRTweet data not found at {GERMAN}")
    return read_table(GERMAN, preset="coortweet-multimodal")


def test_russian_coord_tweets(russian):
    p = russian.posts
    assert len(russian.rejects) == 0
    # 35,125 rows; 40 repeat a content_id (39 add a second object, 1 is an exact repeat).
    assert len(p) == 35_085
    assert int(p["object_ids"].list.len().sum()) == 35_124
    assert p["account_id"].nunique() == 9_509
    assert len(russian.accounts) == 9_509
    assert pd.Series(np.concatenate([np.asarray(v) for v in p["object_ids"]])).nunique() == 7_285
    # 30 objects only ever come second in a two-object post (checked with a plain pandas fold).
    assert p["ref_post_id"].nunique() == 7_255
    assert (p["kind"] == "repost").all()
    assert (p["timestamp_precision"] == "s").all()
    assert p["timestamp"].min() == pd.Timestamp("2021-01-17 07:56:33", tz="UTC")
    assert p["timestamp"].max() == pd.Timestamp("2021-08-30 10:21:00", tz="UTC")
    for col, dtype in POST_COLUMNS.items():
        assert p[col].dtype == dtype, col
    assert p["object_ids"].dtype == LIST_DTYPE
    row = p.set_index("post_id").loc["114e22f1b2b648528277b76f0b0224e7"]
    assert row["account_id"] == "0fb4232d1b7b37069c13ee17579bd10e"
    assert row["ref_post_id"] == "85d2d12251a735ce05255061f7f231e2"
    assert row["timestamp"] == pd.Timestamp(1623881091, unit="s", tz="UTC")
    two = p.set_index("post_id").loc["10913182ca382815a1187cd00bc019fb"]
    assert list(two["object_ids"]) == ["0430ccce4323f81a663a40bf743680dc",
                                       "2b4351449b75e1a58b69b6c956f6dc87"]
    assert two["ref_post_id"] == "0430ccce4323f81a663a40bf743680dc"
    shares = p[["account_id", "object_ids"]].explode("object_ids")
    assert shares.groupby("object_ids")["account_id"].nunique().max() == 1_047  # README


def test_german_elections(german):
    p = german.posts
    # 218,971 rows for 194,323 posts; 3 rows carry no post id and are listed, not dropped silently.
    assert len(p) == 194_323
    rej = german.rejects
    assert rej["row"].tolist() == [41_001, 50_976, 72_319]
    assert set(rej["reason"]) == {"missing post_id"}
    assert set(rej["action"]) == {"dropped"}
    assert len(p) + 24_645 + 3 == 218_971  # posts + rows folded in + rejects
    for col, dtype in POST_COLUMNS.items():
        assert p[col].dtype == dtype, col
    assert p["domain_ids"].dtype == LIST_DTYPE
    assert p["platform"].value_counts().to_dict() == {"twitter": 112_757, "facebook": 81_566}
    assert (p["kind"] == "post").all()
    by = p.set_index("post_id")
    first = by.loc["129235"]
    assert first["account_id"] == "fb_12670" and first["platform"] == "facebook"
    assert list(first["urls"]) == ["23678"] and list(first["domain_ids"]) == ["3498"]
    assert list(first["hashtags"]) == [] and list(first["media"]) == []
    assert first["timestamp"] == pd.Timestamp(1629589836, unit="s", tz="UTC")
    many = by.loc["39764"]  # 20 rows: one hashtag and four images, repeated five times
    assert list(many["hashtags"]) == ["60259"]
    assert list(many["media"]) == ["27601", "19934", "36153", "36811"]
    assert many["platform"] == "twitter"
    # Totals of distinct objects per post agree with a plain pandas fold of the raw file.
    raw = pd.read_csv(GERMAN, dtype=str).dropna(subset=["post_id"])
    for src, col in (("url_id", "urls"), ("hashtag_id", "hashtags"), ("phash_id", "media"),
                     ("domain_id", "domain_ids")):
        pairs = raw[["post_id", src]].dropna().drop_duplicates()
        assert int(p[col].list.len().sum()) == len(pairs), col
