import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coordnet.normalize import (
    TWITTER_EPOCH_MS,
    canonical_url,
    canonicalize_urls,
    normalize_tag,
    normalize_text,
    parse_list_cells,
    parse_timestamps,
    registered_domain_of,
    snowflake_timestamps,
    text_fingerprint,
)

UTC = "UTC"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-08-19 14:05", "2019-08-19 14:05:00"),
        ("2019-08-19T14:05:07Z", "2019-08-19 14:05:07"),
        ("2019-08-19T16:05:07+02:00", "2019-08-19 14:05:07"),
        ("2019-08-19T14:05:07.123456Z", "2019-08-19 14:05:07.123456"),
        ("Wed Aug 27 13:08:45 +0000 2008", "2008-08-27 13:08:45"),
        ("Mon, 19 Aug 2019 10:05:00 -0400", "2019-08-19 14:05:00"),
        ("1566223500", "2019-08-19 14:05:00"),
        ("1566223500123", "2019-08-19 14:05:00.123"),
        ("1566223500.5", "2019-08-19 14:05:00.5"),
        ("19 August 2019 14:05", "2019-08-19 14:05:00"),
    ],
)
def test_parse_timestamps_mixed_formats(raw, expected):
    got = parse_timestamps(pd.Series([raw]))
    assert got.dtype == pd.DatetimeTZDtype("ns", UTC)
    assert got.iloc[0] == pd.Timestamp(expected, tz=UTC)


def test_parse_timestamps_mixed_in_one_column_and_failures():
    raw = pd.Series(["2019-08-19 14:05", 1566223500, None, "garbage", "", "Wed Aug 27 13:08:45 +0000 2008"],
                    dtype=object)
    got = parse_timestamps(raw)
    assert got.iloc[0] == got.iloc[1] == pd.Timestamp("2019-08-19 14:05", tz=UTC)
    assert got.iloc[2:5].isna().all()
    assert got.iloc[5] == pd.Timestamp("2008-08-27 13:08:45", tz=UTC)


def test_parse_timestamps_epoch_units_by_magnitude():
    got = parse_timestamps(pd.Series([1566223500, 1566223500123, 1566223500123456, 1566223500123456789]))
    assert got.iloc[0] == pd.Timestamp("2019-08-19 14:05:00", tz=UTC)
    assert got.iloc[1] == pd.Timestamp("2019-08-19 14:05:00.123", tz=UTC)
    assert got.iloc[2] == pd.Timestamp("2019-08-19 14:05:00.123456", tz=UTC)
    assert got.iloc[3] == pd.Timestamp("2019-08-19 14:05:00.123456789", tz=UTC)


def test_parse_timestamps_default_tz_for_naive_values():
    got = parse_timestamps(pd.Series(["2019-08-19 14:05", "2019-08-19 14:05Z"]), default_tz="Asia/Shanghai")
    assert got.iloc[0] == pd.Timestamp("2019-08-19 06:05", tz=UTC)
    assert got.iloc[1] == pd.Timestamp("2019-08-19 14:05", tz=UTC)


def test_parse_timestamps_keeps_aware_datetimes_exact():
    s = pd.Series(pd.to_datetime(["2019-08-19 14:05:00.000001"]).tz_localize("Asia/Hong_Kong"))
    assert parse_timestamps(s).iloc[0] == pd.Timestamp("2019-08-19 06:05:00.000001", tz=UTC)


@given(st.integers(min_value=86_400_000, max_value=2**41 - 1), st.integers(min_value=0, max_value=2**22 - 1))
def test_snowflake_round_trip(ms_since_epoch, low_bits):
    tweet_id = (ms_since_epoch << 22) | low_bits
    got = snowflake_timestamps(pd.Series([str(tweet_id)])).iloc[0]
    assert got == pd.Timestamp(ms_since_epoch + TWITTER_EPOCH_MS, unit="ms", tz=UTC)


def test_snowflake_rejects_non_snowflakes():
    got = snowflake_timestamps(pd.Series(["12345", "a3f9" * 16, None, "99999999999999999999999"]))
    assert got.isna().all()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://WWW.Example.COM/Path/", "http://example.com/Path"),
        ("https://example.com:443/a?utm_source=x&utm_medium=y&id=3#frag", "https://example.com/a?id=3"),
        ("https://example.com/a?fbclid=abc&b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("http://example.com:8080/", "http://example.com:8080"),
        ("example.com/a", "http://example.com/a"),
        ("  https://news.example.org/x  ", "https://news.example.org/x"),
        ("12345", "12345"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_url(raw, expected):
    assert canonical_url(raw) == expected


def test_canonicalize_urls_vectorized_equals_scalar():
    s = pd.Series(["https://www.a.com/x?utm_campaign=1", None, "https://www.a.com/x?utm_campaign=1"])
    got = canonicalize_urls(s)
    assert got.tolist() == ["https://a.com/x", pd.NA, "https://a.com/x"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [("https://news.bbc.co.uk/x", "bbc.co.uk"), ("http://www.example.com", "example.com"),
     ("https://a.b.example.github.io/", "example.github.io"), ("", None)],
)
def test_registered_domain(url, expected):
    assert registered_domain_of(url) == expected


def test_tags_casefold_and_nfkc():
    assert normalize_tag("#ＨＫ") == "hk"
    assert normalize_tag("@CNN") == "cnn"
    assert normalize_tag("#香港") == "香港"
    assert normalize_tag("#") is None


def test_normalize_text_strips_what_campaigns_vary():
    a = normalize_text("RT @someone: Stop the   RIOTERS now! https://t.co/abc @x")
    b = normalize_text("stop the rioters now! https://bit.ly/zz")
    assert a == b == "stop the rioters now!"


def test_text_fingerprint_short_texts_get_none():
    fp = text_fingerprint(pd.Series(["ok", "a longer message here", None]), min_chars=5)
    assert fp.tolist() == [pd.NA, "a longer message here", pd.NA]


def test_parse_list_cells_never_evaluates_code():
    evil = "[__import__('os').system('echo pwned')]"
    got = parse_list_cells(pd.Series([evil]))
    assert got.iloc[0] == ["__import__('os').system('echo pwned')"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("['hk', 'news']", ["hk", "news"]), ('["a", "b"]', ["a", "b"]), ("[hk, news]", ["hk", "news"]),
     ("[]", []), ("", []), ("[https://t.co/a, https://t.co/b]", ["https://t.co/a", "https://t.co/b"]),
     ("[123, 456]", ["123", "456"])],
)
def test_parse_list_cells_shapes(cell, expected):
    assert parse_list_cells(pd.Series([cell])).iloc[0] == expected


def test_zone_abbreviations_read_or_refused():
    got = parse_timestamps(pd.Series(["2021-03-01 10:15:00 EST", "2021-03-01 10:15:00 CEST",
                                      "2021-03-01 10:15:00 XYZT"]))
    assert got.iloc[0] == pd.Timestamp("2021-03-01 15:15", tz=UTC)
    assert got.iloc[1] == pd.Timestamp("2021-03-01 08:15", tz=UTC)
    assert pd.isna(got.iloc[2])  # an unknown zone is refused, not read as UTC


def test_out_of_range_years_are_unreadable_not_a_crash():
    got = parse_timestamps(pd.Series(["0001-01-01 00:00", "9999-12-31", "2019-08-19 14:05"]))
    assert got.isna().tolist() == [True, True, False]


def test_normalize_text_strips_whole_hashtags_in_any_script():
    from coordnet.normalize import normalize_text

    assert normalize_text("नमस्ते दुनिया #हिन्दी समाचार", strip_hashtags=True) == "नमस्ते दुनिया समाचार"
    assert normalize_text("Stop it #HongKong now", strip_hashtags=True) == "stop it now"


def test_epochs_past_2262_are_missing_not_wrapped_around():
    # 1e10 s is the year 2286: it does not fit in nanoseconds and must not wrap to 1702.
    got = parse_timestamps(pd.Series([10**10, 1_600_000_000, 99 * 10**12, -(10**10)]))
    assert got.isna().tolist() == [True, False, True, True]
    assert got.iloc[1] == pd.Timestamp("2020-09-13 12:26:40", tz="UTC")
    floats = parse_timestamps(pd.Series([1e10, 1.6e9]))
    assert floats.isna().tolist() == [True, False]
