"""Tests for the Telegram Desktop export reader."""

from __future__ import annotations

import gzip
import json
import zipfile

import pandas as pd
import pytest

from coordnet.errors import ParameterError, ReadError, SchemaError
from coordnet.io.telegram import read_telegram

CHAN = 9007199254740993  # 2^53 + 1: a chat id that a float would round
CHAN_S = str(CHAN)
PLACEHOLDER = "(File not included. Change data exporting settings to download.)"


def utc(s):
    return pd.Timestamp(s, tz="UTC")


def unix(s):
    return str(int(utc(s).timestamp()))


def channel_export():
    parts = [
        "Привет 🇺🇦 ", {"type": "hashtag", "text": "#Київ"}, " ",
        {"type": "link", "text": "https://t.me/s/x"}, " ",
        {"type": "text_link", "text": "here", "href": "https://www.example.com/a?utm_source=tg"}, " ",
        {"type": "mention", "text": "@SomeUser"}, {"type": "bold", "text": " bold"}, " ",
        {"type": "mention_name", "text": "Ivan", "user_id": 42},
    ]
    entities = [{"type": "plain", "text": p} if isinstance(p, str) else p for p in parts]
    return {
        "name": "Новости 中文 News", "type": "public_channel", "id": CHAN,
        "messages": [
            {"id": 1, "type": "service", "date": "2021-03-01T09:00:00", "date_unixtime": unix("2021-03-01 08:00"),
             "actor": "Новости", "actor_id": f"channel{CHAN}", "action": "create_channel",
             "title": "Новости", "text": "", "text_entities": []},
            {"id": 2, "type": "message", "date": "2021-03-01T11:15:00", "date_unixtime": unix("2021-03-01 10:15"),
             "edited": "2021-03-01T11:20:00", "edited_unixtime": unix("2021-03-01 10:20"),
             "from": "Новости 中文 News", "from_id": f"channel{CHAN}", "author": "Editor",
             "photo": "photos/photo_1@01-03-2021_11-15-00.jpg", "width": 1280, "height": 720,
             "text": parts, "text_entities": entities},
            {"id": 3, "type": "message", "date": "2021-03-01T11:16:00", "date_unixtime": unix("2021-03-01 10:16"),
             "from": "Новости 中文 News", "from_id": f"channel{CHAN}", "forwarded_from": "Other 中文 channel",
             "text": "中文 text #中文 and #2021", "text_entities": [{"type": "plain", "text": "中文 text #中文 and #2021"}]},
            {"id": 4, "type": "message", "date": "2021-03-01T11:17:00", "date_unixtime": unix("2021-03-01 10:17"),
             "reply_to_message_id": 2, "text": "reply without from_id", "text_entities": [
                 {"type": "plain", "text": "reply without from_id"}]},
            {"id": 5, "type": "message", "date": "2021-03-01T11:18:00",  # old export: local time only
             "from": "Новости (renamed)", "from_id": f"channel{CHAN}", "file": PLACEHOLDER,
             "media_type": "video_file", "mime_type": "video/mp4", "text": ""},
            {"id": 6, "type": "message", "date": "2021-03-01T11:19:00", "date_unixtime": unix("2021-03-01 10:19"),
             "from": "Новости (renamed)", "from_id": f"channel{CHAN}", "forwarded_from": None,
             "text": "hidden forward", "text_entities": [{"type": "plain", "text": "hidden forward"}]},
            {"id": 7, "type": "unsupported"},
            {"id": 8, "type": "message", "date": "2021-03-01T11:20:00", "date_unixtime": unix("2021-03-01 10:20"),
             "from": "Новости (renamed)", "from_id": f"channel{CHAN}", "reply_to_message_id": 5,
             "reply_to_peer_id": "channel777", "file": "files/doc.pdf", "via_bot": "@gif",
             "text": [{"type": "hashtag", "text": "#Tag"}, " ", {"type": "hashtag", "text": "#tag"}]},
        ],
    }


def write_json(path, doc, *, opener=open):
    with opener(path, "wt", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
    return path


def by_id(ds, pid):
    rows = ds.posts.loc[ds.posts["post_id"] == pid]
    assert len(rows) == 1, pid
    return rows.iloc[0]


def test_channel_export_exact(tmp_path):
    path = write_json(tmp_path / "result.json", channel_export())
    ds = read_telegram(path)
    # sorted by time: message 5 carries only its local date, read as UTC, so it comes last
    assert ds.posts["post_id"].tolist() == [f"{CHAN_S}:{i}" for i in (2, 3, 4, 6, 8, 5)]
    assert set(ds.posts["platform"]) == {"telegram"} and set(ds.posts["timestamp_precision"]) == {"s"}

    m2 = by_id(ds, f"{CHAN_S}:2")
    assert m2["account_id"] == f"channel{CHAN_S}" and m2["kind"] == "post"
    assert m2["timestamp"] == utc("2021-03-01 10:15")  # date_unixtime, not the local 'date'
    assert m2["text"] == "Привет 🇺🇦 #Київ https://t.me/s/x here @SomeUser bold Ivan"
    assert m2["hashtags"] == ["київ"] and m2["mentions"] == ["someuser"]
    assert m2["urls"] == ["https://t.me/s/x", "https://example.com/a"]
    assert m2["media"] == ["photos/photo_1@01-03-2021_11-15-00.jpg"]
    assert (m2["chat_id"], m2["chat_name"], m2["chat_type"], m2["message_id"]) == (
        CHAN_S, "Новости 中文 News", "public_channel", "2")
    assert (m2["author_name"], m2["signature"]) == ("Новости 中文 News", "Editor")
    assert by_id(ds, f"{CHAN_S}:5")["author_name"] == "Новости (renamed)"
    assert m2["edited"] == utc("2021-03-01 10:20")

    m3 = by_id(ds, f"{CHAN_S}:3")
    assert (m3["kind"], m3["ref_account_id"], m3["forwarded_from"]) == (
        "repost", "Other 中文 channel", "Other 中文 channel")
    assert pd.isna(m3["ref_post_id"])
    assert m3["hashtags"] == ["中文"]  # not marked as an entity: found in the text; #2021 is no tag

    m4 = by_id(ds, f"{CHAN_S}:4")
    assert m4["account_id"] == f"channel{CHAN_S}"  # no from_id: the channel itself
    assert (m4["kind"], m4["ref_post_id"], m4["ref_account_id"]) == ("reply", f"{CHAN_S}:2", f"channel{CHAN_S}")

    m5 = by_id(ds, f"{CHAN_S}:5")
    assert m5["timestamp"] == utc("2021-03-01 11:18")  # local time read in default_tz (UTC)
    assert m5["media"] == [] and m5["media_type"] == "video_file" and pd.isna(m5["text"])

    m6 = by_id(ds, f"{CHAN_S}:6")
    assert m6["kind"] == "repost" and pd.isna(m6["ref_account_id"])

    m8 = by_id(ds, f"{CHAN_S}:8")
    assert (m8["kind"], m8["ref_post_id"]) == ("reply", "777:5")
    assert pd.isna(m8["ref_account_id"])  # message 5 of chat 777 is not in the export
    assert m8["hashtags"] == ["tag", "tag"] and m8["media"] == ["files/doc.pdf"] and m8["via_bot"] == "@gif"


def test_channel_rejects_and_accounts(tmp_path):
    path = write_json(tmp_path / "result.json", channel_export())
    ds = read_telegram(path)
    rej = ds.rejects
    assert rej[["source", "row", "column", "value", "action", "post_id"]].values.tolist() == [
        [str(path), 1, "type", "create_channel", "dropped", f"{CHAN_S}:1"],
        [str(path), 7, "type", "unsupported", "dropped", f"{CHAN_S}:7"],
    ]
    assert rej["reason"].tolist()[0] == "service message"
    acc = ds.accounts
    assert acc["account_id"].tolist() == [f"channel{CHAN_S}"]
    assert acc["display_name"].tolist() == ["Новости (renamed)"]  # the latest name


def test_default_tz_for_local_dates(tmp_path):
    path = write_json(tmp_path / "result.json", channel_export())
    ds = read_telegram(path, default_tz="Europe/Kyiv")
    assert by_id(ds, f"{CHAN_S}:5")["timestamp"] == utc("2021-03-01 09:18")
    assert by_id(ds, f"{CHAN_S}:2")["timestamp"] == utc("2021-03-01 10:15")  # unixtime unaffected


def full_export():
    group = {"name": "群组 Group", "type": "private_supergroup", "id": 5550001, "messages": [
        {"id": 1, "type": "message", "date": "2022-01-01T00:00:00", "date_unixtime": unix("2022-01-01"),
         "from": "Alice", "from_id": "user111", "text": "hi #Hello", "text_entities": [
             {"type": "plain", "text": "hi "}, {"type": "hashtag", "text": "#Hello"}]},
        {"id": 2, "type": "message", "date": "2022-01-01T00:01:00", "date_unixtime": unix("2022-01-01 00:01"),
         "from": "Bob", "from_id": "user222", "reply_to_message_id": 1, "text": "hey"},
        {"id": 3, "type": "service", "date": "2022-01-01T00:02:00", "date_unixtime": unix("2022-01-01 00:02"),
         "actor": "Carol", "actor_id": "user333", "action": "join_group_by_link", "text": ""},
        {"id": 4, "type": "message", "date_unixtime": "", "from": "Alice", "from_id": "user111", "text": "no date"},
        {"id": 5, "type": "message", "date": "yesterday-ish", "from": "Alice", "from_id": "user111", "text": "?"},
        {"id": 6, "type": "message", "date": "2022-01-01T00:03:00", "date_unixtime": unix("2022-01-01 00:03"),
         "from": "Deleted Account", "text": "no sender id in a group"},
        ["not", "a", "message"],
    ]}
    personal = {"name": "Bob", "type": "personal_chat", "id": 222, "messages": [
        {"id": 1, "type": "message", "date": "2022-01-02T00:00:00", "date_unixtime": unix("2022-01-02"),
         "from": "Me", "from_id": "user999", "text": "same message id, other chat"}]}
    left = {"name": "Old channel", "type": "private_channel", "id": 4440001, "messages": [
        {"id": 10, "type": "message", "date": "2020-05-05T05:05:05", "date_unixtime": unix("2020-05-05 05:05:05"),
         "text": "channel post with no from"}]}
    return {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 999, "first_name": "Me"},
        "contacts": {"about": "...", "list": []},
        "chats": {"about": "...", "list": [group, personal, {"name": "empty", "type": "saved_messages", "id": 1}]},
        "left_chats": {"about": "...", "list": [left]},
    }


def test_full_export(tmp_path):
    path = write_json(tmp_path / "result.json", full_export())
    ds = read_telegram(path)
    p = ds.posts.set_index("post_id")
    assert sorted(p.index) == sorted(["5550001:1", "5550001:2", "222:1", "4440001:10"])
    assert p.loc["5550001:1", "hashtags"] == ["hello"]
    assert p.loc["5550001:2", ["kind", "ref_post_id", "ref_account_id"]].tolist() == [
        "reply", "5550001:1", "user111"]
    assert p.loc["222:1", "account_id"] == "user999"
    assert p.loc["4440001:10", "account_id"] == "channel4440001"
    assert p.loc["4440001:10", "timestamp"] == utc("2020-05-05 05:05:05")

    rej = ds.rejects.sort_values("row").reset_index(drop=True)
    group_src = f"{path}:chat 5550001"
    assert rej[["source", "row", "reason"]].values.tolist() == [
        [group_src, 3, "service message"],
        [group_src, 4, "missing timestamp"],
        [group_src, 5, rej.loc[2, "reason"]],
        [group_src, 6, "missing account_id"],
        [group_src, 7, "not a message object"],
    ]
    assert "yesterday-ish" in rej.loc[2, "reason"] and rej.loc[2, "value"] == "yesterday-ish"
    acc = ds.accounts.set_index("account_id")
    assert sorted(acc.index) == ["channel4440001", "user111", "user222", "user999"]
    assert acc.loc["user111", "display_name"] == "Alice"
    assert acc.loc["channel4440001", "display_name"] == "Old channel"


def test_raise_names_file_and_message(tmp_path):
    path = write_json(tmp_path / "result.json", full_export())
    with pytest.raises(ReadError, match=r"result\.json:chat 5550001, message 7: not a message object") as err:
        read_telegram(path, errors="raise")
    assert err.value.row == 7
    doc = full_export()
    group = doc["chats"]["list"][0]
    group["messages"] = [m for m in group["messages"] if not isinstance(m, list)]
    write_json(path, doc)
    with pytest.raises(SchemaError, match=r"result\.json:chat 5550001, row 6: missing account_id"):
        read_telegram(path, errors="raise")


def test_malformed_json_names_line(tmp_path):
    path = tmp_path / "result.json"
    text = json.dumps(channel_export(), ensure_ascii=False, indent=1)
    path.write_text(text[: len(text) // 2], encoding="utf-8")  # an interrupted export
    with pytest.raises(ReadError, match=r"result\.json, line \d+, column \d+: not valid JSON") as err:
        read_telegram(path)
    assert err.value.row > 1


@pytest.mark.parametrize("doc", [[{"id": 1}], {"name": "x", "type": "personal_chat"}])
def test_not_a_telegram_export(tmp_path, doc):
    path = write_json(tmp_path / "result.json", doc)
    with pytest.raises(ReadError, match=r"result\.json: not a Telegram Desktop export"):
        read_telegram(path)


def test_gz_zip_and_duplicates(tmp_path):
    gz = write_json(tmp_path / "result.json.gz", channel_export(), opener=gzip.open)
    zpath = tmp_path / "ChatExport.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("ChatExport_2021-03-01/result.json", json.dumps(full_export()))
        zf.writestr("ChatExport_2021-03-01/photos/photo_1.jpg", b"\xff\xd8\xff")
    ds = read_telegram([gz, zpath])
    assert len(ds.posts) == 6 + 4
    assert f"{zpath}:ChatExport_2021-03-01/result.json:chat 5550001" in set(ds.rejects["source"])
    # the same channel exported twice: identical messages merged, listed once each
    twice = read_telegram([gz, gz])
    assert len(twice.posts) == 6
    assert (twice.rejects["reason"].str.contains("identical; merged")).sum() == 6


def test_bad_errors_parameter(tmp_path):
    with pytest.raises(ParameterError, match="errors"):
        read_telegram(tmp_path, errors="skip")
