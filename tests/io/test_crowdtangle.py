"""Tests for the CrowdTangle / Meta Content Library CSV reader."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile

import pandas as pd
import pytest

from coordnet.errors import ParameterError, ReadError, SchemaError
from coordnet.io.crowdtangle import read_crowdtangle
from coordnet.normalize import extract_hashtags

# The header of a CrowdTangle historical-data export (Facebook pages), in its order.
CT_HEADER = [
    "Page Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country",
    "Page Description", "Page Created", "Likes at Posting", "Followers at Posting", "Post Created",
    "Post Created Date", "Post Created Time", "Type", "Total Interactions", "Likes", "Comments",
    "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Care", "Video Share Status", "Is Video Owner?",
    "Post Views", "Total Views", "Total Views For All Crossposts", "Video Length", "URL", "Message",
    "Link", "Final Link", "Image Text", "Link Text", "Description", "Sponsor Id", "Sponsor Name",
    "Sponsor Category", "Overperforming Score (weighted  —  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x Angry 1x Care 1x )",
]

PAGE_A = "112233445566778899"  # above 2^53: must not go through a float
PAGE_B = "100044187349041"


def ct_row(**kw):
    row = dict.fromkeys(CT_HEADER, "")
    row.update(kw)
    return row


def ct_rows():
    return [
        ct_row(**{  # row 1
            "Page Name": "香港新聞 HK News", "User Name": "hknews", "Facebook Id": PAGE_A,
            "Page Category": "MEDIA_NEWS_COMPANY", "Page Admin Top Country": "HK",
            "Page Description": "News, views\nand more", "Page Created": "2012-05-14 16:26:44",
            "Likes at Posting": "1,000", "Followers at Posting": "1,500",
            "Post Created": "2021-03-01 10:15:00 EST", "Post Created Date": "2021-03-01",
            "Post Created Time": "10:15:00", "Type": "Link", "Total Interactions": "1,234",
            "Likes": "1,000", "Shares": "34", "URL": "https://www.facebook.com/hknews/posts/4001",
            "Message": 'Breaking, "quoted" 🔥\n#香港 #HongKong #2021 C#sharp &#39;x https://x.com/#frag',
            "Link": "https://bit.ly/3abc", "Final Link": "https://www.news.example.com/a/?utm_source=fb",
            "Link Text": "Headline, with comma",
        }),
        ct_row(**{  # row 2: same page two weeks later, after the DST switch; photo post
            "Page Name": "香港新聞 HK News (renamed)", "User Name": "hknews", "Facebook Id": PAGE_A,
            "Page Category": "MEDIA_NEWS_COMPANY", "Page Admin Top Country": "HK",
            "Page Created": "2012-05-14 16:26:44", "Followers at Posting": "2,000",
            "Post Created": "2021-03-14 10:15:00 EDT", "Type": "Photo",
            "URL": "https://www.facebook.com/hknews/posts/4002", "Message": "写真 #写真",
            "Link": "https://www.facebook.com/hknews/photos/a.1/4002/",
        }),
        ct_row(**{  # row 3: a shared video
            "Page Name": "Mirror Page", "User Name": "", "Facebook Id": PAGE_B,
            "Followers at Posting": "10", "Post Created": "2021-03-01 07:00:00 PST",
            "Type": "Native Video", "Video Share Status": "share", "Is Video Owner?": "No",
            "URL": "https://www.facebook.com/mirror/posts/77",
            "Link": "https://www.facebook.com/hknews/videos/999/", "Message": "",
        }),
        ct_row(**{  # row 4: exported by a user in Central Europe
            "Page Name": "Mirror Page", "Facebook Id": PAGE_B, "Post Created": "2021-07-01 12:00:00 CEST",
            "Type": "Status", "URL": "https://www.facebook.com/mirror/posts/78", "Message": "Status only",
            "Total Interactions": "n/a",
        }),
        ct_row(**{  # row 5: a zone abbreviation nobody mapped
            "Page Name": "Mirror Page", "Facebook Id": PAGE_B, "Post Created": "2021-03-01 10:15:00 IST",
            "Type": "Status", "URL": "https://www.facebook.com/mirror/posts/79", "Message": "India?",
        }),
        ct_row(**{  # row 6: Post Created missing; date and time only (no zone): default_tz
            "Page Name": "Mirror Page", "Facebook Id": PAGE_B, "Post Created Date": "2021-03-02",
            "Post Created Time": "08:30:00", "Type": "Status",
            "URL": "https://www.facebook.com/mirror/posts/80", "Message": "late",
        }),
        ct_row(**{  # row 7: an Instagram post in the same export
            "Page Name": "insta", "User Name": "insta_acc", "Facebook Id": "17841400000000001",
            "Post Created": "2021-03-01 09:00:00 UTC", "Type": "Photo",
            "URL": "https://www.instagram.com/p/CLxyz123/", "Message": "#InstaTag ✨",
        }),
        ct_row(**{  # row 8: no Facebook Id
            "Page Name": "Ghost", "Post Created": "2021-03-01 09:00:00 GMT",
            "URL": "https://www.facebook.com/ghost/posts/1", "Message": "who",
        }),
    ]


def write_csv(path, header, rows, *, opener=open):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    with opener(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())
    return path


def utc(s):
    return pd.Timestamp(s, tz="UTC")


def by_id(ds, pid):
    rows = ds.posts.loc[ds.posts["post_id"] == pid]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.fixture
def ct_path(tmp_path):
    return write_csv(tmp_path / "ct.csv", CT_HEADER, ct_rows())


def test_crowdtangle_posts_exact(ct_path):
    ds = read_crowdtangle(ct_path)
    p1 = by_id(ds, "https://www.facebook.com/hknews/posts/4001")
    assert p1["account_id"] == PAGE_A
    assert p1["timestamp"] == utc("2021-03-01 15:15:00") and p1["timestamp_precision"] == "s"
    assert p1["text"] == 'Breaking, "quoted" 🔥\n#香港 #HongKong #2021 C#sharp &#39;x https://x.com/#frag'
    assert p1["hashtags"] == ["香港", "hongkong"]  # not #2021, C#sharp, &#39; or the URL fragment
    assert p1["urls"] == ["https://news.example.com/a"]  # Final Link preferred over Link
    assert (p1["kind"], p1["platform"], p1["Type"]) == ("post", "facebook", "Link")
    assert p1["Total Interactions"] == 1234 and p1["Likes"] == 1000 and pd.isna(p1["Comments"])
    assert p1["Link"] == "https://bit.ly/3abc" and p1["Link Text"] == "Headline, with comma"
    assert p1["Page Name"] == "香港新聞 HK News"  # source columns kept as extras
    assert pd.isna(p1["ref_post_id"]) and p1["mentions"] == [] and p1["media"] == []

    p2 = by_id(ds, "https://www.facebook.com/hknews/posts/4002")
    assert p2["timestamp"] == utc("2021-03-14 14:15:00")  # EDT = UTC-4
    assert p2["urls"] == ["https://facebook.com/hknews/photos/a.1/4002"] and p2["hashtags"] == ["写真"]

    p3 = by_id(ds, "https://www.facebook.com/mirror/posts/77")
    assert (p3["kind"], p3["timestamp"]) == ("repost", utc("2021-03-01 15:00:00"))
    assert p3["Type"] == "Native Video" and pd.isna(p3["text"]) and p3["hashtags"] == []

    p4 = by_id(ds, "https://www.facebook.com/mirror/posts/78")
    assert p4["timestamp"] == utc("2021-07-01 10:00:00") and pd.isna(p4["Total Interactions"])

    p6 = by_id(ds, "https://www.facebook.com/mirror/posts/80")
    assert p6["timestamp"] == utc("2021-03-02 08:30:00")

    p7 = by_id(ds, "https://www.instagram.com/p/CLxyz123/")
    assert (p7["platform"], p7["hashtags"], p7["timestamp"]) == ("instagram", ["instatag"], utc("2021-03-01 09:00"))

    assert len(ds.posts) == 6
    assert str(ds.posts["Total Interactions"].dtype) == "Int64"


def test_crowdtangle_rejects_name_file_and_row(ct_path):
    rej = read_crowdtangle(ct_path).rejects.sort_values("row").reset_index(drop=True)
    assert rej[["row", "column", "action"]].values.tolist() == [
        [4, "Total Interactions", "cleared"],
        [5, "Post Created", "dropped"],
        [8, "account_id", "dropped"],
    ]
    assert set(rej["source"]) == {str(ct_path)}
    assert rej.loc[1, "value"] == "2021-03-01 10:15:00 IST"
    assert "unknown time zone abbreviation 'IST'" in rej.loc[1, "reason"]
    assert rej.loc[1, "post_id"] == "https://www.facebook.com/mirror/posts/79"
    assert rej.loc[2, "reason"] == "missing account_id"


def test_crowdtangle_unknown_zone_raises(ct_path):
    with pytest.raises(SchemaError, match=r"ct\.csv, row 5: unknown time zone abbreviation 'IST'") as err:
        read_crowdtangle(ct_path, errors="raise")
    assert err.value.row == 5 and err.value.column == "Post Created"


def test_zones_and_default_tz(ct_path):
    ds = read_crowdtangle(ct_path, zones={"ist": "+05:30"}, default_tz="Asia/Hong_Kong")
    assert by_id(ds, "https://www.facebook.com/mirror/posts/79")["timestamp"] == utc("2021-03-01 04:45")
    assert by_id(ds, "https://www.facebook.com/mirror/posts/80")["timestamp"] == utc("2021-03-02 00:30")
    a = ds.accounts.set_index("account_id")
    assert a.loc[PAGE_A, "created_at"] == utc("2012-05-14 08:26:44")  # naive Page Created in default_tz
    with pytest.raises(ParameterError, match="zones"):
        read_crowdtangle(ct_path, zones={"IST": "5:30"})


def test_other_time_forms_are_never_guessed(tmp_path):
    rows = [
        ct_row(**{"Facebook Id": "1", "URL": "u1", "Post Created": "03/01/2021 10:15 PM EST",
                  "Page Created": "2010-01-01 00:00:00 BST", "Followers at Posting": "n/a"}),
        ct_row(**{"Facebook Id": "2", "URL": "u2", "Post Created": "Mon, 01 Mar 2021 10:15:00 GMT",
                  "Page Created": "2010-01-01T00:00:00+02:00"}),
        ct_row(**{"Facebook Id": "3", "URL": "u3", "Post Created": "03/01/2021 10:15 AM"}),
    ]
    ds = read_crowdtangle(write_csv(tmp_path / "forms.csv", CT_HEADER, rows))
    assert ds.posts.set_index("post_id")["timestamp"].to_dict() == {
        "u1": utc("2021-03-02 03:15"), "u2": utc("2021-03-01 10:15"), "u3": utc("2021-03-01 10:15")}
    a = ds.accounts.set_index("account_id")
    assert pd.isna(a.loc["1", "created_at"]) and pd.isna(a.loc["1", "followers"])  # BST: not guessed
    assert a.loc["2", "created_at"] == utc("2009-12-31 22:00")
    cleared = ds.rejects.loc[ds.rejects["action"] == "cleared", ["table", "column", "value"]]
    assert cleared.values.tolist() == [["posts", "Followers at Posting", "n/a"],
                                       ["accounts", "followers", "n/a"]]


def test_crowdtangle_accounts(ct_path):
    a = read_crowdtangle(ct_path).accounts.set_index("account_id")
    assert sorted(a.index) == sorted([PAGE_A, PAGE_B, "17841400000000001"])
    # the latest post's row describes the page
    assert a.loc[PAGE_A, "followers"] == 2000
    assert a.loc[PAGE_A, "display_name"] == "香港新聞 HK News (renamed)"
    assert a.loc[PAGE_A, "screen_name"] == "hknews"
    assert a.loc[PAGE_A, "created_at"] == utc("2012-05-14 16:26:44")
    assert a.loc[PAGE_A, "description"] == "News, views\nand more"
    assert a.loc[PAGE_A, "Page Category"] == "MEDIA_NEWS_COMPANY"
    assert a.loc[PAGE_A, "Page Admin Top Country"] == "HK"
    assert a.loc[PAGE_A, "Likes at Posting"] == 1000
    assert a.loc[PAGE_B, "followers"] == 10 and pd.isna(a.loc[PAGE_B, "screen_name"])


def test_malformed_csv_row(tmp_path):
    rows = ct_rows()[:2]
    path = write_csv(tmp_path / "bad.csv", CT_HEADER, rows)
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    # a third data row with one field too many
    lines.insert(-1, ",".join(["x"] * (len(CT_HEADER) + 1)))
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    ds = read_crowdtangle(path)
    assert len(ds.posts) == 2
    assert ds.rejects[["source", "row"]].values.tolist() == [[str(path), 3]]
    assert ds.rejects["reason"].iloc[0].startswith("malformed CSV row")
    with pytest.raises(ReadError, match=r"bad\.csv, row 3"):
        read_crowdtangle(path, errors="raise")


def test_gz_and_zip(tmp_path):
    rows = ct_rows()
    gz = write_csv(tmp_path / "part1.csv.gz", CT_HEADER, rows[:2], opener=gzip.open)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CT_HEADER)
    w.writeheader()
    w.writerows(rows[2:4])
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("2021-03/posts.csv", buf.getvalue())
    ds = read_crowdtangle([gz, zpath])
    assert len(ds.posts) == 4
    assert by_id(ds, "https://www.facebook.com/mirror/posts/78")["Total Interactions"] is pd.NA
    src = ds.rejects.set_index("row")["source"]
    assert src.loc[2] == f"{zpath}:2021-03/posts.csv"  # row 4 of the original = row 2 of this member


# ---------------------------------------------------------------------------------------------
# Meta Content Library
# ---------------------------------------------------------------------------------------------

MCL_HEADER = [
    "id", "creation_time", "modified_time", "lang", "text", "content_type", "is_branded_content",
    "mcl_url", "post_owner.type", "post_owner.id", "post_owner.name", "post_owner.username",
    "link_attachment.link", "link_attachment.name", "shared_post_id", "statistics.like_count",
    "statistics.share_count", "statistics.views", "multimedia", "hashtags",
]


def mcl_rows():
    return [
        {"id": "1234567890123456789", "creation_time": "2024-01-15T10:00:00+0000", "lang": "de",
         "text": "Wahl 2024, #Klima 🌍\nZeile zwei", "content_type": "link", "post_owner.type": "page",
         "post_owner.id": "987654321987654321", "post_owner.name": "Klima Seite",
         "post_owner.username": "klimaseite", "link_attachment.link": "https://www.klima.example.de/x?fbclid=abc",
         "statistics.like_count": "1,024", "statistics.share_count": "3", "statistics.views": "",
         "multimedia": '[{"type": "photo", "id": "555"}, {"type": "video", "url": "https://cdn/v.mp4"}]'},
        {"id": "1234567890123456790", "creation_time": "1705316460", "text": "", "content_type": "reshare",
         "post_owner.type": "profile", "post_owner.id": "111", "post_owner.name": "Max",
         "shared_post_id": "1234567890123456789", "statistics.like_count": "many"},
        {"id": "1234567890123456791", "creation_time": "2024-01-15 11:02:03", "text": "インスタ",
         "post_owner.type": "creator", "post_owner.id": "222", "post_owner.username": "ig_creator",
         "hashtags": "['Tokyo', '東京']", "multimedia": "['m1', 'm2']"},
    ]


def test_meta_content_library(tmp_path):
    path = write_csv(tmp_path / "mcl.csv", MCL_HEADER, mcl_rows())
    ds = read_crowdtangle(path)
    p = ds.posts.set_index("post_id")
    first = p.loc["1234567890123456789"]
    assert first["account_id"] == "987654321987654321"
    assert first["timestamp"] == utc("2024-01-15 10:00:00")
    assert first["text"] == "Wahl 2024, #Klima 🌍\nZeile zwei" and first["lang"] == "de"
    assert (first["hashtags"], first["urls"]) == (["klima"], ["https://klima.example.de/x"])
    assert first["media"] == ["555", "https://cdn/v.mp4"]
    assert (first["kind"], first["platform"]) == ("post", "facebook")
    assert first["statistics.like_count"] == 1024 and pd.isna(first["statistics.views"])
    assert first["content_type"] == "link" and first["mcl_url"] is pd.NA

    share = p.loc["1234567890123456790"]
    assert (share["kind"], share["ref_post_id"]) == ("repost", "1234567890123456789")
    assert share["timestamp"] == utc("2024-01-15 11:01:00")  # epoch seconds

    ig = p.loc["1234567890123456791"]
    assert (ig["platform"], ig["hashtags"], ig["media"]) == ("instagram", ["tokyo", "東京"], ["m1", "m2"])
    assert ig["timestamp"] == utc("2024-01-15 11:02:03")

    a = ds.accounts.set_index("account_id")
    assert a.loc["987654321987654321", ["screen_name", "display_name", "account_type"]].tolist() == [
        "klimaseite", "Klima Seite", "page"]
    assert a.loc["222", "screen_name"] == "ig_creator"
    assert ds.rejects[["row", "column", "value", "action"]].values.tolist() == [
        [2, "statistics.like_count", "many", "cleared"]]


def test_columns_override_for_another_layout(tmp_path):
    header = ["Post Id", "Owner", "When", "Body", "Shared Link", "Other Link"]
    rows = [{"Post Id": "p1", "Owner": "o1", "When": "2021-03-01 10:15:00 PDT", "Body": "#Zażółć",
             "Shared Link": "", "Other Link": "https://a.example/x"}]
    path = write_csv(tmp_path / "custom.csv", header, rows)
    with pytest.raises(SchemaError, match=r"custom\.csv: no column for 'account_id'"):
        read_crowdtangle(path)
    ds = read_crowdtangle(path, columns={"post_id": "Post Id", "account_id": "Owner", "timestamp": "When",
                                         "text": "Body", "urls": ["Shared Link", "Other Link"]},
                          platform="instagram")
    p = ds.posts.iloc[0]
    assert (p["post_id"], p["account_id"], p["timestamp"]) == ("p1", "o1", utc("2021-03-01 17:15"))
    assert (p["hashtags"], p["urls"], p["platform"]) == (["zażółć"], ["https://a.example/x"], "instagram")
    assert p["Shared Link"] is pd.NA  # unconsumed source columns stay
    with pytest.raises(SchemaError, match="'Nope'"):
        read_crowdtangle(path, columns={"post_id": "Nope"})
    with pytest.raises(ParameterError, match="columns"):
        read_crowdtangle(path, columns={"nonsense": "Body"})
    with pytest.raises(ParameterError, match="platform"):
        read_crowdtangle(path, platform="myspace")


def test_header_only_file(tmp_path):
    path = write_csv(tmp_path / "empty.csv", CT_HEADER, [])
    ds = read_crowdtangle(path)
    assert len(ds.posts) == 0 and len(ds.rejects) == 0


# ---------------------------------------------------------------------------------------------
# Hashtags in text
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "tags"), [
    ("#भारत की #जय", ["भारत", "जय"]),                  # Devanagari: combining vowel signs stay in
    ("#مصر و #السعودية", ["مصر", "السعودية"]),
    ("＃全角 and #tag🔥x #under_score", ["全角", "tag", "under_score"]),
    ("#2021 #1a C#sharp a#b &#39; x", ["1a"]),          # digits-only, mid-word and entities are not tags
    ("see https://ex.com/page#section and www.x.org/#/a #real", ["real"]),
    ("#Ελλάδα #ZWNJ\u200cword", ["Ελλάδα", "ZWNJ\u200cword"]),
    ("", []),
])
def test_extract_hashtags(text, tags):
    assert extract_hashtags(pd.Series([text])).iloc[0] == tags


def test_extract_hashtags_missing_values():
    assert extract_hashtags(pd.Series([None, pd.NA, "#a"], dtype=object)).tolist() == [[], [], ["a"]]
