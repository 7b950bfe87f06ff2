"""A small, bundled sample collection with two planted coordinated networks, for trying coordnet.

:func:`make_sample` generates about 3,500 tweets by 400 accounts over three days of August 2019,
in the layout of Twitter's information-operations (IO) archive: a tweets table and a users table,
every cell text exactly as the archive's CSV files write it. The same files ship with coordnet
(:func:`sample_paths`), so a first session needs no data of its own::

    from coordnet.io.twitter_io import read_twitter_io
    ds = read_twitter_io(*sample_paths())

What is in it (seed 0; every number below is for that seed, see :func:`sample_truth`):

- **Organic background** (374 accounts). Activity is heavy-tailed (a few accounts post dozens of
  tweets, most post a handful); each account lives in one of six time zones (Hong Kong, Taipei,
  London, New York, Los Angeles, Sydney) and posts on a day-night rhythm in its local time.
  Tweets carry trending hashtags (``#HongKong``, ``#antiELAB``, ``#香港``... in varying case), news
  links from several domains (some with tracking parameters), replies, quotes and retweets of
  earlier tweets. One **viral tweet** (a journalist's, at 2019-08-12 09:47 UTC) is retweeted by
  about 300 organic accounts, most of them within ten minutes (log-normal delays, median 2.5
  minutes): a crowd that acts together without being coordinated, the usual false positive.
- **Network "retweet_ring"** (18 accounts), after the state-backed network Twitter disclosed in
  August 2019: 3 *seed* accounts post messages about Hong Kong, and 15 *amplifier* accounts, all
  created on 17-18 June 2019 with default-style handles (name + 8 digits), no description and
  a handful of followers, retweet most seed tweets within 30 seconds. All 18 work office hours in
  Asia/Shanghai (09:00-18:00 UTC+8 with a lunch break) on the three weekdays.
- **Network "copypasta"** (8 accounts): older accounts that, in waves, post lightly edited copies
  of the same text (a word changed, an exclamation mark, an emoji, a prefix) with the same link to
  a fictional fake-news site (``truthdaily-hk.news``), each copy a few minutes apart and with its
  own tracking parameter on the link.

Ids are as in the archive: numeric user ids, and tweet ids that are Twitter "snowflakes" holding
the tweet's creation time to the millisecond (``id = (ms - 1288834974657) << 22 | worker << 12 |
sequence``), while ``tweet_time`` is truncated to the minute (``2019-08-12 09:47``).
"""

from __future__ import annotations

import gzip
import logging
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .normalize import TWITTER_EPOCH_MS

logger = logging.getLogger(__name__)

__all__ = [
    "SAMPLE_TWEET_COLUMNS",
    "SAMPLE_USER_COLUMNS",
    "make_sample",
    "sample_paths",
    "sample_truth",
    "write_sample",
]

#: Columns of the IO archive's tweets file, in order.
SAMPLE_TWEET_COLUMNS = (
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions",
    "poll_choices",
)
#: Columns of the IO archive's users file, in order.
SAMPLE_USER_COLUMNS = (
    "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language",
)

TWEETS_FILE = "sample_tweets.csv.gz"
USERS_FILE = "sample_users.csv.gz"

_START_MS = int(pd.Timestamp("2019-08-12 00:00", tz="UTC").value // 1_000_000)  # a Monday
_DAYS = 3
_END_MS = _START_MS + _DAYS * 86_400_000
_MINUTES = _DAYS * 24 * 60

#: Time zones of the organic accounts: (name, UTC offset in hours in August 2019, share).
#: Fixed offsets (summer time included) keep the sample free of any time-zone database.
_ZONES = (
    ("Asia/Hong_Kong", 8, 0.36), ("Asia/Taipei", 8, 0.08), ("Europe/London", 1, 0.14),
    ("America/New_York", -4, 0.2), ("America/Los_Angeles", -7, 0.1), ("Australia/Sydney", 10, 0.12),
)
_LOCATIONS = {
    "Asia/Hong_Kong": ["Hong Kong", "香港", "Kowloon", "HK", "Sha Tin", "", ""],
    "Asia/Taipei": ["Taipei", "台灣", "Taiwan", ""],
    "Europe/London": ["London", "London, England", "UK", "Manchester", ""],
    "America/New_York": ["New York, NY", "Boston", "Washington, DC", "Toronto", ""],
    "America/Los_Angeles": ["Los Angeles, CA", "San Francisco", "Vancouver", "Seattle", ""],
    "Australia/Sydney": ["Sydney", "Melbourne", "Australia", ""],
}
#: Relative activity per local hour of an ordinary user (night trough, evening peak).
_DIURNAL = (0.5, 0.3, 0.15, 0.1, 0.1, 0.15, 0.4, 0.8, 1.0, 1.0, 1.0, 1.1,
            1.3, 1.2, 1.0, 1.0, 1.0, 1.1, 1.2, 1.4, 1.6, 1.7, 1.5, 1.0)
#: Office hours in Asia/Shanghai (UTC+8): 09-12 and 13-18 local, on weekdays.
_OFFICE = tuple(1.0 if (9 <= h < 12 or 13 <= h < 18) else 0.0 for h in range(24))
_SHANGHAI = 8

_CLIENTS = ("Twitter for iPhone", "Twitter for Android", "Twitter Web App", "TweetDeck",
            "Twitter for iPad", "Hootsuite Inc.")
_CLIENT_SHARE = (0.38, 0.3, 0.22, 0.04, 0.04, 0.02)

_TRENDING = ("HongKong", "HongKongProtests", "antiELAB", "StandWithHongKong", "香港", "HK",
             "FreeHongKong", "HongKongAirport", "反送中", "news", "Breaking", "China")
_TRENDING_SHARE = (0.26, 0.18, 0.12, 0.1, 0.08, 0.07, 0.05, 0.05, 0.04, 0.02, 0.02, 0.01)

_NEWS = (
    ("https://www.scmp.com/news/hong-kong/politics/article/{n}/{slug}", 0.24),
    ("https://hongkongfp.com/2019/08/{d}/{slug}/", 0.18),
    ("https://www.bbc.co.uk/news/world-asia-china-{n}", 0.14),
    ("https://www.reuters.com/article/us-hongkong-protests/{slug}-id{N}", 0.12),
    ("https://www.theguardian.com/world/2019/aug/{d}/{slug}", 0.1),
    ("https://www.nytimes.com/2019/08/{d}/world/asia/{slug}.html", 0.08),
    ("https://news.rthk.hk/rthk/en/component/k2/{n}-20190812.htm", 0.06),
    ("https://www.theguardian.com/world/2019/aug/{d}/{slug}?CMP=share_btn_tw", 0.04),
    ("https://www.scmp.com/news/hong-kong/politics/article/{n}/{slug}?utm_source=twitter", 0.04),
)
_SLUG_WORDS = ("hong", "kong", "protest", "airport", "police", "rally", "legco", "extradition",
               "bill", "march", "strike", "court", "mtr", "tear", "gas", "chief", "executive",
               "students", "vigil", "talks")

_FIRST = ("Chris", "Karen", "Wing", "Ka", "Mei", "Jason", "Ivy", "Tom", "Alice", "Ben", "Sarah",
          "Kelvin", "Joyce", "Eric", "Fiona", "David", "Emily", "Raymond", "Cheryl", "Sam", "Anna",
          "Marco", "Lucy", "Oliver", "Grace", "Henry", "Yuki", "Priya", "Leo", "Nora")
_LAST = ("Chan", "Wong", "Lee", "Cheung", "Lau", "Ng", "Ho", "Leung", "Smith", "Brown", "Taylor",
         "Lin", "Chen", "Tsang", "Yip", "Kwok", "Miller", "Davis", "Martin", "Clarke", "Lam", "Fung")
_HANDLE_TAILS = ("", "_", "hk", "852", "_hk", "88", "x", "_news", "1997", "official", "_jr", "22")
_BIO = ("", "", "", "Views my own.", "Journalist. Hong Kong.", "Photographer 📷",
        "Student @ HKU", "Coffee, cats and politics", "RT ≠ endorsement", "Teacher. Runner.",
        "香港人", "Dad of two. Football fan.", "Tech, travel, food", "Human rights researcher",
        "Writing about Asia", "Nurse. Opinions mine.", "Designer / illustrator")

_OPENERS = ("", "", "", "Wow.", "Unbelievable:", "Just now:", "Update:", "Thread:", "Honestly,",
            "So", "Watching this:", "Again.", "Breaking:", "FYI", "Ugh.", "Hmm,")
_SUBJECTS = ("the airport", "Hong Kong", "the march", "the police", "the government",
             "the MTR", "Causeway Bay", "the students", "LegCo", "the crowd in Wan Chai",
             "the press conference", "Admiralty", "Mong Kok tonight", "the strike", "my street",
             "the flights", "Tsim Sha Tsui", "the rally", "this city", "the weather")
_PREDICATES = ("is packed again", "looks completely different today", "is all over the news",
               "just got quieter", "was chaos this afternoon", "keeps surprising me",
               "needs an answer", "is not going away", "shut down for the day",
               "made the headlines", "is trending everywhere", "was peaceful this morning",
               "is on every screen", "was tense tonight", "deserves better", "has changed",
               "is what everyone talks about", "went on for hours", "turned out huge")
_COMMENTS = ("", "", "Stay safe everyone.", "Hope everyone gets home ok.", "What a week.",
             "Who could have guessed.", "Thoughts?", "Can't sleep.", "Praying for peace.",
             "Read this.", "More soon.", "Photos later.", "This is history.", "Unreal.",
             "Take care out there.", "Long night ahead.", "Numbers keep growing.",
             "Be kind to each other.", "Worth reading in full.", "Still processing this.")
_OTHER = ("Lunch: char siu rice again 🍚", "Typhoon signal 1 is up, bring an umbrella ☔",
          "Finally finished the book, highly recommend", "Monday again 😩", "Coffee #3 ☕",
          "Anyone watching the match tonight?", "New blog post up", "Gym done 💪",
          "Traffic on the bridge is terrible", "Cat refuses to get off my keyboard",
          "Exam results tomorrow, nervous", "Sunset from the harbour tonight 🌇")
_ZH = ("今日又好多人", "香港加油", "機場今日好亂", "大家注意安全", "呢個城市變咗好多",
       "睇新聞睇到好攰", "今晚又係唔瞓得", "希望一切平安", "好多人去咗集會", "港鐵又停咗",
       "記者辛苦晒", "銅鑼灣好多人", "今日放工好難返屋企", "天氣好熱", "朋友都好擔心",
       "政府幾時回應", "學生好勇敢", "我哋都喺度", "明日再出發", "唔知點算")
_ZH_END = ("", "", "！", "…", "😢", "🙏", "。", "💪")
_TAILS = ("", "", "", "😅", "🙃", "lol", "haha", "🙏", "👀", "Anyway.", "Back to work.",
          "Night all.", "Send help.", "Such is life.")

_RING_SEEDS = ("HKPeaceVoice", "TruthAboutHK", "OrderFirstHK")
_RING_TEXTS = (
    "Hong Kong needs peace and order. Stop the violence now.",
    "The silent majority wants a safe Hong Kong. Support the police.",
    "Rioters do not represent Hong Kong. Enough is enough.",
    "支持香港警察依法執法，守護香港。",
    "暴力不能解決問題，香港需要和平。",
    "Foreign interference is hurting Hong Kong. People want stability.",
    "Hong Kong is China. Peace, order, prosperity.",
    "止暴制亂，恢復秩序。",
    "Look at the damage they did to the airport. Is this democracy?",
    "Workers, shops and families pay the price of the chaos.",
)
_RING_TAGS = (("HongKong",), ("香港",), ("HongKong", "香港"), ("HK",), ())
_AMP_NAMES = ("Wang Fang", "Li Wei", "Zhang Min", "Liu Yang", "Chen Jing", "Yang Li", "Zhao Lei",
              "Huang Yong", "Zhou Jie", "Wu Xia", "Xu Tao", "Sun Hui", "Ma Lin", "Zhu Qiang",
              "Hu Jun")
_AMP_OWN = ("早上好", "今天天气不错", "加油", "Good morning", "Have a nice day", "努力工作",
            "周末快乐", "Hello world")

_FAKE_DOMAIN = "truthdaily-hk.news"
_COPY_NAMES = (("Mark Howard", "markhoward_news"), ("Jenny Patel", "jenpatel77"),
               ("Real Talk Rob", "realtalkrob"), ("Linda K.", "lindak_official"),
               ("Patriot Pete", "patriot_pete_1"), ("Steve O'Neil", "steveoneil_says"),
               ("Kathy Grant", "kathygrant2016"), ("AsiaWatcher", "asia_watcher_x"))
_COPY_WAVES = (
    ("Leaked documents show who is really paying the airport protesters. Read it before it gets "
     "deleted", "leaked-documents-airport-protesters", ("HongKong", "truth")),
    ("The media will not show you this video from Hong Kong. Share it while you can",
     "video-media-wont-show", ("HongKongProtests",)),
    ("Foreign money behind the Hong Kong riots: the full story nobody reports",
     "foreign-money-riots-full-story", ("HongKong", "WakeUp")),
    ("Hong Kong protest leaders met with foreign agents last week, sources say",
     "protest-leaders-met-foreign-agents", ("HongKong",)),
    ("What really happened at the airport last night. They do not want you to know",
     "what-really-happened-airport", ("HongKongAirport", "truth")),
    ("Proof the Hong Kong protests were planned months ago. Must read",
     "proof-protests-planned", ("HongKong", "MustRead")),
    ("Tourists are fleeing Hong Kong and nobody is talking about it. Read now",
     "tourists-fleeing-hong-kong", ("HongKong",)),
)
_SWAPS = (("really", "actually"), ("Read", "See"), ("nobody", "no one"), ("Share", "Spread"),
          ("full story", "whole story"), ("Must read", "Must-read"), ("last week", "recently"),
          ("They do not", "They don't"), ("will not", "won't"), ("months ago", "long ago"))
_PREFIXES = ("", "", "BREAKING: ", "WOW ", "Must see: ", "!!! ", "Wake up: ")
_SUFFIXES = ("", "", "!", "!!", " 👇", " 😡", " 🔥🔥", "...", " #MustRead")

_VIRAL_TEXT = ("Thousands of people are now sitting in the arrivals hall of Hong Kong airport. "
               "All flights cancelled for the rest of the day. #HongKong #HongKongAirport")
_VIRAL_MS = int(pd.Timestamp("2019-08-12 09:47:13.512", tz="UTC").value // 1_000_000)


# ---------------------------------------------------------------------------------------------
# Randomness from uniform draws only, so that the sample is the same across NumPy versions.
# ---------------------------------------------------------------------------------------------


class _Rand:
    """Every draw derives from ``Generator.random`` (uniform doubles), whose stream is stable."""

    def __init__(self, seed: int):
        self._g = np.random.default_rng(seed)

    def u(self, n: int | None = None):
        return self._g.random() if n is None else self._g.random(n)

    def ints(self, lo: int, hi: int, n: int | None = None):
        """Integers in [lo, hi)."""
        if n is None:
            return lo + int(self.u() * (hi - lo))
        return lo + np.floor(self.u(n) * (hi - lo)).astype(np.int64)

    def pick(self, seq, n: int | None = None):
        if n is None:
            return seq[self.ints(0, len(seq))]
        return [seq[i] for i in self.ints(0, len(seq), n)]

    def weighted(self, weights, n: int):
        cum = np.cumsum(np.asarray(weights, dtype=float))
        return np.minimum(np.searchsorted(cum / cum[-1], self.u(n), side="right"), len(cum) - 1)

    def normal(self, n: int) -> np.ndarray:
        u1, u2 = self.u(n), self.u(n)
        return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)

    def lognormal(self, median: float, sigma: float, n: int) -> np.ndarray:
        return median * np.exp(sigma * self.normal(n))

    def permutation(self, n: int) -> np.ndarray:
        return np.argsort(self.u(n), kind="stable")

    def subset(self, items, k: int) -> list:
        return [items[i] for i in sorted(self.permutation(len(items))[:k])]


def _times(rand: _Rand, profile, offset_hours: int, n: int) -> np.ndarray:
    """`n` instants (UTC ms) in the window, following an hourly `profile` in local time."""
    minute = np.arange(_MINUTES)
    local_hour = ((minute // 60) + offset_hours) % 24
    w = np.asarray(profile, dtype=float)[local_hour]
    cum = np.cumsum(w)
    m = np.searchsorted(cum, rand.u(n) * cum[-1], side="right")
    return _START_MS + m * 60_000 + np.floor(rand.u(n) * 60_000).astype(np.int64)


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


def _user_id(created_ms: int, rand: _Rand) -> int:
    """A user id as Twitter would have given it: snowflakes from 2016 on, sequential before."""
    if created_ms >= int(pd.Timestamp("2016-06-01", tz="UTC").value // 1_000_000):
        return ((created_ms - TWITTER_EPOCH_MS) << 22) | (rand.ints(0, 1024) << 12) | rand.ints(0, 8)
    # Roughly how Twitter's sequential ids grew: 1e7 in early 2008 to 7.4e8 by mid 2016.
    t0 = pd.Timestamp("2008-01-01", tz="UTC").value // 1_000_000
    t1 = pd.Timestamp("2016-06-01", tz="UTC").value // 1_000_000
    frac = min(max((created_ms - t0) / (t1 - t0), 0.0), 1.0)
    return int(1e7 * (74.0 ** frac)) + rand.ints(0, 100_000)


def _accounts(rand: _Rand) -> pd.DataFrame:
    rows = []
    used_names: set[str] = set()

    def handle(base: str) -> str:
        h = base[:15]
        k = 2
        while h.lower() in used_names:
            h = f"{base[:13]}{k}"
            k += 1
        used_names.add(h.lower())
        return h

    def day_ms(date: str) -> int:
        return int(pd.Timestamp(date, tz="UTC").value // 1_000_000)

    # Organic accounts.
    n_organic = 374
    zones = rand.weighted([z[2] for z in _ZONES], n_organic)
    created = day_ms("2008-03-01") + np.floor(
        rand.u(n_organic) ** 0.8 * (day_ms("2019-07-15") - day_ms("2008-03-01"))).astype(np.int64)
    followers = np.floor(rand.lognormal(220, 1.6, n_organic)).astype(np.int64)
    following = np.floor(rand.lognormal(260, 1.0, n_organic)).astype(np.int64)
    activity = rand.lognormal(1.0, 1.25, n_organic)
    clients = rand.weighted(_CLIENT_SHARE, n_organic)
    for i in range(n_organic):
        zone, offset, _ = _ZONES[zones[i]]
        first, last = rand.pick(_FIRST), rand.pick(_LAST)
        style = rand.ints(0, 4)
        base = (f"{first}{last}", f"{first.lower()}_{last.lower()}", f"{first[0]}{last}".lower(),
                f"{last}{first}")[style] + rand.pick(_HANDLE_TAILS)
        rows.append(dict(
            group="organic", zone=zone, offset=offset, created_ms=int(created[i]),
            display=f"{first} {last}" if rand.u() < 0.8 else f"{first} {last[0]}.",
            screen=handle(base), location=rand.pick(_LOCATIONS[zone]), bio=rand.pick(_BIO),
            url="" if rand.u() < 0.85 else f"https://{first.lower()}{last.lower()}.blog",
            followers=int(followers[i]), following=int(following[i]),
            lang="zh-tw" if (zone == "Asia/Taipei" or (offset == 8 and rand.u() < 0.3)) else "en",
            client=_CLIENTS[clients[i]], activity=float(activity[i]),
        ))
    # The journalist whose tweet goes viral: an established, much-followed account.
    rows[0].update(display="Erin Ma | 馬怡", screen=handle("erinma_reports"), zone="Asia/Hong_Kong",
                   offset=8, location="Hong Kong", bio="Reporter covering Hong Kong. Views my own.",
                   followers=48_210, following=1_184, created_ms=day_ms("2010-02-11") + 41_000_000,
                   lang="en", client="Twitter for iPhone", activity=6.0, url="")
    # Retweet ring: 3 seeds, 15 amplifiers created in a batch.
    for k, name in enumerate(_RING_SEEDS):
        rows.append(dict(
            group="seed", zone="Asia/Shanghai", offset=_SHANGHAI,
            created_ms=day_ms("2019-05-20") + k * 86_400_000 + rand.ints(0, 86_400_000),
            display=("Hong Kong Peace", "Truth About HK", "Order First")[k], screen=handle(name),
            location=("Hong Kong", "", "China")[k], bio=("Love HK. Love peace.", "", "")[k], url="",
            followers=rand.ints(150, 900), following=rand.ints(40, 200), lang="zh-cn",
            client="Twitter Web Client", activity=1.0,
        ))
    for name in _AMP_NAMES:
        rows.append(dict(
            group="amplifier", zone="Asia/Shanghai", offset=_SHANGHAI,
            created_ms=day_ms("2019-06-17") + rand.ints(3_600_000, 2 * 86_400_000 - 3_600_000),
            display=name, screen=handle(name.replace(" ", "") + str(rand.ints(10_000_000, 99_999_999))),
            location="", bio="", url="", followers=rand.ints(0, 16), following=rand.ints(20, 130),
            lang="zh-cn", client="Twitter Web Client", activity=1.0,
        ))
    # Copypasta: older accounts, created years apart.
    for k, (display, screen) in enumerate(_COPY_NAMES):
        rows.append(dict(
            group="copypaster", zone="America/New_York", offset=-4,
            created_ms=day_ms(f"{2012 + k % 6}-0{1 + k}-1{k}") + rand.ints(0, 86_400_000),
            display=display, screen=handle(screen),
            location=rand.pick(("USA", "Texas", "", "Florida", "Earth")),
            bio=rand.pick(("Truth seeker.", "Patriot. Free speech.", "Question everything.", "")),
            url="", followers=rand.ints(300, 4_000), following=rand.ints(500, 4_800), lang="en",
            client="Twitter for Android", activity=1.0,
        ))
    acc = pd.DataFrame(rows)
    acc["userid"] = [_user_id(int(c), rand) for c in acc["created_ms"]]
    if acc["userid"].duplicated().any():  # pragma: no cover - astronomically unlikely
        raise RuntimeError("sample generator drew a duplicate user id")
    return acc


# ---------------------------------------------------------------------------------------------
# Tweets
# ---------------------------------------------------------------------------------------------


def _news_url(rand: _Rand) -> str:
    k = rand.weighted([w for _, w in _NEWS], 1)[0]
    slug = "-".join(rand.subset(_SLUG_WORDS, rand.ints(3, 6)))
    return _NEWS[k][0].format(n=rand.ints(3_020_000, 3_023_000), slug=slug, d=rand.ints(10, 15),
                              N=f"USKCN1V{rand.ints(100, 999)}")


def _organic_text(rand: _Rand, lang: str) -> tuple[str, str]:
    r = rand.u()
    if r < 0.06:
        return f"{rand.pick(_OTHER)} {rand.pick(_TAILS)}".strip(), "en"
    if r < 0.06 + (0.45 if lang == "zh-tw" else 0.08):
        first, second = rand.subset(_ZH, 2)
        return f"{first}，{second}{rand.pick(_ZH_END)}", "zh"
    parts = [rand.pick(_OPENERS), rand.pick(_SUBJECTS),
             rand.pick(_PREDICATES) + rand.pick((".", "!", "...", ""))]
    text = " ".join(p for p in parts if p)
    text = text[0].upper() + text[1:]
    comment = rand.pick(_COMMENTS)
    return (f"{text} {comment}".strip(), "en")


def _tags_text(tags) -> str:
    return " ".join(f"#{t}" for t in tags)


def _edit(rand: _Rand, text: str) -> str:
    """A lightly edited copy: a synonym, a prefix, a suffix, sometimes a case change."""
    for a, b in _SWAPS:
        if a in text and rand.u() < 0.35:
            text = text.replace(a, b, 1)
    text = rand.pick(_PREFIXES) + text + rand.pick(_SUFFIXES)
    if rand.u() < 0.12:
        text = text.upper()
    return text


def _generate(seed: int):
    rand = _Rand(seed)
    acc = _accounts(rand)
    n_acc = len(acc)
    tweets: list[dict] = []
    done: set[tuple[int, int]] = set()  # (retweeter, tweet) pairs already made

    def add(author: int, ms: int, text: str, lang: str, *, tags=(), urls=(), mentions=(),
            kind: str = "original", ref: int | None = None, client: str | None = None) -> int:
        tweets.append(dict(author=author, ms=int(ms), text=text, lang=lang, tags=list(tags),
                           urls=list(urls), mentions=list(mentions), kind=kind, ref=ref,
                           client=client or acc.at[author, "client"]))
        return len(tweets) - 1

    organic = np.flatnonzero(acc["group"].to_numpy() == "organic")
    # Organic originals: heavy-tailed counts per account, local day-night rhythm.
    weights = acc.loc[organic, "activity"].to_numpy()
    n_orig = 1_550
    authors = organic[rand.weighted(weights, n_orig)]
    for a in organic:
        mine = int((authors == a).sum())
        if not mine:
            continue
        for ms in np.sort(_times(rand, _DIURNAL, int(acc.at[a, "offset"]), mine)):
            text, lang = _organic_text(rand, acc.at[a, "lang"])
            tags = []
            if rand.u() < 0.42:
                idx = rand.weighted(_TRENDING_SHARE, 1 + (rand.u() < 0.35))
                tags = list(dict.fromkeys(_TRENDING[i] for i in idx))
                tags = [t.lower() if rand.u() < 0.15 else t for t in tags]
            urls = [_news_url(rand)] if rand.u() < 0.24 else []
            body = " ".join(x for x in (text, _tags_text(tags), " ".join(urls)) if x)
            add(a, ms, body, lang, tags=tags, urls=urls)

    # The viral tweet and its crowd of retweets.
    journalist = int(organic[0])
    viral = add(journalist, _VIRAL_MS, _VIRAL_TEXT, "en", tags=["HongKong", "HongKongAirport"])
    crowd = rand.subset(list(organic[1:]), 301)
    delays = np.maximum(rand.lognormal(150_000, 1.3, len(crowd)), 2_000).astype(np.int64)
    for a, d in zip(crowd, delays, strict=True):
        _retweet(add, acc, tweets, done, int(a), viral, _VIRAL_MS + int(d))

    # Organic retweets, replies and quotes of earlier organic tweets (more often of popular ones).
    originals = [i for i, t in enumerate(tweets) if t["kind"] == "original"]
    pop = np.array([np.sqrt(acc.at[tweets[i]["author"], "followers"] + 1.0) for i in originals])
    for kind, n, median in (("retweet", 640, 25 * 60_000), ("reply", 170, 12 * 60_000),
                            ("quote", 60, 30 * 60_000)):
        targets = rand.weighted(pop, n)
        who = organic[rand.weighted(acc.loc[organic, "activity"].to_numpy(), n)]
        delay = np.maximum(rand.lognormal(median, 1.4, n), 5_000).astype(np.int64)
        for ti, a, d in zip(targets, who, delay, strict=True):
            t = originals[ti]
            if tweets[t]["author"] == a:
                continue
            ms = tweets[t]["ms"] + int(d)
            if kind == "retweet":
                _retweet(add, acc, tweets, done, int(a), t, ms)
                continue
            target_author = tweets[t]["author"]
            text, lang = _organic_text(rand, acc.at[a, "lang"])
            if kind == "reply":
                add(int(a), ms, f"@{acc.at[target_author, 'screen']} {text}", lang,
                    mentions=[target_author], kind="reply", ref=t)
            else:
                add(int(a), ms, text, lang, kind="quote", ref=t)

    # Retweet ring: seeds post in office hours; most amplifiers retweet within 30 s.
    seeds = np.flatnonzero(acc["group"].to_numpy() == "seed")
    amps = np.flatnonzero(acc["group"].to_numpy() == "amplifier")
    lag = rand.ints(3_000, 14_000, len(amps))  # each bot's scheduler has its own lag
    for s in seeds:
        for ms in np.sort(_times(rand, _OFFICE, _SHANGHAI, 19)):
            text = rand.pick(_RING_TEXTS)
            tags = list(rand.pick(_RING_TAGS))
            lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
            t = add(int(s), ms, " ".join(x for x in (text, _tags_text(tags)) if x), lang, tags=tags)
            chosen = rand.u(len(amps)) < 0.8
            jitter = rand.ints(0, 16_000, len(amps))
            for a, ok, lg, j in zip(amps, chosen, lag, jitter, strict=True):
                if ok:
                    _retweet(add, acc, tweets, done, int(a), t, ms + int(min(lg + j, 29_500)))
    for a in amps:  # a little content of their own, in office hours as well
        for ms in np.sort(_times(rand, _OFFICE, _SHANGHAI, rand.ints(2, 6))):
            text = rand.pick(_AMP_OWN)
            add(int(a), ms, text, "zh" if text[0] >= "\u4e00" else "en")

    # Copypasta waves: lightly edited copies with the same link, minutes apart.
    copiers = np.flatnonzero(acc["group"].to_numpy() == "copypaster")
    wave_starts = np.sort(_START_MS + 2 * 3_600_000 + np.floor(
        rand.u(len(_COPY_WAVES)) * (_DAYS * 86_400_000 - 4 * 3_600_000)).astype(np.int64))
    for (base, slug, tags), start in zip(_COPY_WAVES, wave_starts, strict=True):
        link = f"https://{_FAKE_DOMAIN}/2019/08/{slug}"
        order = rand.permutation(len(copiers))
        offsets = np.sort(np.floor(rand.u(len(copiers)) * 11 * 60_000).astype(np.int64))
        for k, off in zip(order, offsets, strict=True):
            if rand.u() < 0.1:
                continue
            a = int(copiers[k])
            url = f"{link}?utm_source=twitter&utm_campaign=u{rand.ints(100, 999)}"
            text = _edit(rand, base)
            add(a, start + int(off), f"{text} {_tags_text(tags)} {url}", "en", tags=tags, urls=[url])
    for a in copiers:  # ordinary-looking tweets and retweets in between
        for ms in np.sort(_times(rand, _DIURNAL, -4, rand.ints(3, 8))):
            text, _ = _organic_text(rand, "en")
            add(int(a), ms, text, "en")
        for t in rand.subset(originals, rand.ints(1, 4)):
            _retweet(add, acc, tweets, done, int(a), t, tweets[t]["ms"] + rand.ints(60_000, 7_200_000))

    return _to_frames(rand, acc, tweets, n_acc)


def _retweet(add, acc: pd.DataFrame, tweets: list[dict], done: set, who: int, target: int,
             ms: int) -> int | None:
    orig = tweets[target]
    author = orig["author"]
    if (who, target) in done or who == author:  # one cannot retweet a tweet twice, or one's own
        return None
    done.add((who, target))
    return add(who, ms, f"RT @{acc.at[author, 'screen']}: {orig['text']}", orig["lang"],
               tags=orig["tags"], urls=orig["urls"], mentions=[author, *orig["mentions"]],
               kind="retweet", ref=target)


def _fmt_list(values) -> str:
    return repr([str(v) for v in values])


def _to_frames(rand: _Rand, acc: pd.DataFrame, tweets: list[dict], n_acc: int):
    t = pd.DataFrame(tweets)
    t = t.loc[(t["ms"] >= _START_MS) & (t["ms"] < _END_MS)]
    # Tweets whose reference fell outside the window are kept; references point at ids anyway.
    t = t.sort_values(["ms", "author"], kind="stable")
    # Snowflake ids: time, then 10 worker bits, then a sequence number unique within the ms.
    worker = rand.ints(0, 1024, len(t))
    ms = t["ms"].to_numpy(dtype=np.int64)
    seq = pd.Series(worker).groupby([ms, worker]).cumcount().to_numpy()
    ids = ((ms - TWITTER_EPOCH_MS) << 22) | (worker << 12) | seq
    id_of = dict(zip(t.index.to_numpy(), ids, strict=True))
    # Engagement counts: retweets seen in the sample plus some from outside it.
    rt_count = t.loc[t["kind"] == "retweet", "ref"].value_counts()
    n = len(t)
    followers = acc["followers"].to_numpy()[t["author"].to_numpy()]
    like = np.floor(rand.lognormal(1.0, 1.5, n) * np.sqrt(followers + 1) / 6).astype(np.int64)
    extra_rt = np.floor(rand.lognormal(0.5, 1.5, n) * np.sqrt(followers + 1) / 30).astype(np.int64)
    replies = np.floor(rand.u(n) ** 3 * 4).astype(np.int64)
    quotes = (rand.u(n) < 0.04).astype(np.int64)
    is_rt = (t["kind"] == "retweet").to_numpy()

    def uid(i) -> str:
        return str(int(acc.at[int(i), "userid"]))

    created = pd.to_datetime(acc["created_ms"], unit="ms", utc=True).dt.strftime("%Y-%m-%d")
    user_cols = {
        "userid": acc["userid"].astype(str),
        "user_display_name": acc["display"],
        "user_screen_name": acc["screen"],
        "user_reported_location": acc["location"],
        "user_profile_description": acc["bio"],
        "user_profile_url": acc["url"],
        "follower_count": acc["followers"].astype(str),
        "following_count": acc["following"].astype(str),
        "account_creation_date": created,
        "account_language": acc["lang"],
    }
    users = pd.DataFrame(user_cols)[list(SAMPLE_USER_COLUMNS)]
    authors = t["author"].to_numpy()
    refs = t["ref"].to_numpy()
    kinds = t["kind"].to_numpy()

    def ref_col(kind: str, what: str) -> list[str]:
        out = []
        for k, r in zip(kinds, refs, strict=True):
            if k != kind or r is None or (isinstance(r, float) and np.isnan(r)):
                out.append("")
            elif what == "tweet":
                out.append(str(id_of.get(int(r), _outside_id(tweets[int(r)]["ms"]))))
            else:
                out.append(uid(tweets[int(r)]["author"]))
        return out

    quote_urls = []
    for k, r, u in zip(kinds, refs, t["urls"], strict=True):
        if k == "quote":
            orig = tweets[int(r)]
            quote_urls.append([f"https://twitter.com/{acc.at[orig['author'], 'screen']}/status/"
                               f"{id_of.get(int(r), _outside_id(orig['ms']))}"])
        else:
            quote_urls.append(u)

    def count(values: np.ndarray) -> list[str]:
        return [f"{float(v):.1f}" for v in np.where(is_rt, 0, values)]

    own_rt = np.array([int(rt_count.get(i, 0)) for i in t.index]) + extra_rt
    tw = pd.DataFrame({
        "tweetid": [str(int(i)) for i in ids],
        **{c: users[c].to_numpy()[authors] for c in SAMPLE_USER_COLUMNS},
        "tweet_language": t["lang"].to_numpy(),
        "tweet_text": t["text"].to_numpy(),
        "tweet_time": pd.to_datetime(ms, unit="ms", utc=True).strftime("%Y-%m-%d %H:%M"),
        "tweet_client_name": t["client"].to_numpy(),
        "in_reply_to_userid": ref_col("reply", "user"),
        "in_reply_to_tweetid": ref_col("reply", "tweet"),
        "quoted_tweet_tweetid": ref_col("quote", "tweet"),
        "is_retweet": np.where(is_rt, "True", "False"),
        "retweet_userid": ref_col("retweet", "user"),
        "retweet_tweetid": ref_col("retweet", "tweet"),
        "latitude": "absent",
        "longitude": "absent",
        "quote_count": count(quotes),
        "reply_count": count(replies),
        "like_count": count(like),
        "retweet_count": count(own_rt),
        "hashtags": [_fmt_list(v) for v in t["tags"]],
        "urls": [_fmt_list(v) for v in quote_urls],
        "user_mentions": [_fmt_list(uid(m) for m in v) for v in t["mentions"]],
        "poll_choices": "",
    })[list(SAMPLE_TWEET_COLUMNS)].reset_index(drop=True)
    users = users.sort_values("userid", key=lambda s: s.str.zfill(20), kind="stable")
    users = users.reset_index(drop=True)
    truth = acc.loc[acc["group"] != "organic", ["userid", "screen", "group"]]
    truth = pd.DataFrame({
        "userid": truth["userid"].astype(str).to_numpy(),
        "user_screen_name": truth["screen"].to_numpy(),
        "network": np.where(truth["group"] == "copypaster", "copypasta", "retweet_ring"),
        "role": truth["group"].to_numpy(),
    })
    del n_acc
    return tw, users, truth


def _outside_id(ms: int) -> int:  # pragma: no cover - references all fall inside the window
    return (int(ms) - TWITTER_EPOCH_MS) << 22


@lru_cache(maxsize=4)
def _cached(seed: int):
    return _generate(seed)


def _check_seed(seed) -> int:
    from .errors import ParameterError

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"The 'seed' parameter of make_sample must be a non-negative integer. "
                             f"Got {seed!r} instead.", name="seed", value=seed)
    return int(seed)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def make_sample(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate the sample collection: ``(tweets, users)`` in the IO archive's CSV layout.

    Every cell is text exactly as :func:`write_sample` writes it (missing values are empty
    strings; lists as ``['a', 'b']``; booleans ``True``/``False``; engagement counts as
    ``12.0``; ``absent`` latitude and longitude), so the frames are the files. The same seed
    always gives the same frames. See the module documentation for what the sample holds and
    :func:`sample_truth` for the planted networks.

    Parameters
    ----------
    seed : int, default=0
        Seed of the generator. ``seed=0`` is the bundled sample.

    Returns
    -------
    (DataFrame, DataFrame)
        Tweets (columns :data:`SAMPLE_TWEET_COLUMNS`, in time order) and users (columns
        :data:`SAMPLE_USER_COLUMNS`, by user id).

    Examples
    --------
    >>> tweets, users = make_sample(seed=0)
    >>> len(users), 3_000 <= len(tweets) <= 5_000
    (400, True)
    >>> tweets.loc[0, ["tweetid", "tweet_time", "is_retweet"]].tolist()
    ['1160702785807155200', '2019-08-12 00:01', 'False']
    """
    tweets, users, _ = _cached(_check_seed(seed))
    return tweets.copy(), users.copy()


def sample_truth(seed: int = 0) -> pd.DataFrame:
    """The planted networks of :func:`make_sample`: who belongs to which, and in what role.

    Returns
    -------
    DataFrame
        One row per planted account (organic accounts are not listed): ``userid``,
        ``user_screen_name``, ``network`` (``"retweet_ring"`` or ``"copypasta"``) and ``role``:
        ``"seed"`` (posts what the ring amplifies), ``"amplifier"`` (retweets the seeds within
        30 s) or ``"copypaster"``.

    Examples
    --------
    >>> truth = sample_truth()
    >>> truth.groupby(["network", "role"]).size().to_dict()
    {('copypasta', 'copypaster'): 8, ('retweet_ring', 'amplifier'): 15, ('retweet_ring', 'seed'): 3}
    """
    return _cached(_check_seed(seed))[2].copy()


def _csv_bytes(df: pd.DataFrame) -> bytes:
    text = df.to_csv(index=False, lineterminator="\n")
    # mtime=0 and no file name in the header: the same frame always gives the same bytes.
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def write_sample(folder: str | Path, *, seed: int = 0) -> tuple[Path, Path]:
    """Write the sample as ``sample_tweets.csv.gz`` and ``sample_users.csv.gz`` in `folder`.

    The files are in the IO archive's exact CSV format and byte-identical for the same seed.

    Returns
    -------
    (Path, Path)
        The tweets file and the users file.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     tweets_path, users_path = write_sample(d)
    ...     print(tweets_path.name, users_path.name)
    sample_tweets.csv.gz sample_users.csv.gz
    """
    tweets, users = make_sample(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tp, up = folder / TWEETS_FILE, folder / USERS_FILE
    tp.write_bytes(_csv_bytes(tweets))
    up.write_bytes(_csv_bytes(users))
    logger.info("sample written: %s (%d tweets), %s (%d users)", tp, len(tweets), up, len(users))
    return tp, up


def sample_paths() -> tuple[Path, Path]:
    """Paths of the bundled sample files (tweets, users), as written by ``write_sample(seed=0)``.

    Examples
    --------
    >>> [p.name for p in sample_paths()]
    ['sample_tweets.csv.gz', 'sample_users.csv.gz']
    """
    base = resources.files("coordnet") / "data"
    paths = (Path(str(base / TWEETS_FILE)), Path(str(base / USERS_FILE)))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"the bundled sample is missing ({missing}); regenerate it with "
            "`python -m coordnet.sample src/coordnet/data`, or call make_sample()."
        )
    return paths


def _main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m coordnet.sample FOLDER\n")
        return 2
    tp, up = write_sample(argv[0])
    sys.stdout.write(f"{tp} ({tp.stat().st_size:,} bytes)\n{up} ({up.stat().st_size:,} bytes)\n")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised by the test through a subprocess
    raise SystemExit(_main(sys.argv[1:]))
