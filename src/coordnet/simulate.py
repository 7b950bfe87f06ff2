"""Synthetic scenarios with ground truth: an organic background, coordinated campaigns and decoys.

:func:`simulate` writes a social-media collection that looks like a real one (heavy-tailed
activity, people in several time zones with human daily rhythms, organic reposting of popular
posts, viral cascades, trending hashtags, news links with tracking-parameter variants, replies,
quotes, ordinary account metadata) and plants in it coordinated campaigns that use known tactics,
plus decoys: organic or openly automated behaviour that looks coordinated at first sight and must
not be flagged. It returns a :class:`Scenario`: the :class:`~coordnet.dataset.Dataset` and the
truth (which account belongs to which campaign or decoy group).

Everything is drawn from one :class:`numpy.random.Generator` seeded by `seed`, so a scenario is
reproducible exactly. Generation is vectorized (NumPy and Arrow compute): a million posts take
seconds, not minutes. The knobs and their defaults are documented in ``docs/simulate.md``.
"""

from __future__ import annotations

import logging
import time
import zoneinfo
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .dataset import Dataset
from .errors import ParameterError
from .normalize import TWITTER_EPOCH_MS
from .schema import LIST_DTYPE, STRING_DTYPE, TIMESTAMP_DTYPE

logger = logging.getLogger(__name__)

__all__ = [
    "DECOY_KINDS",
    "SIZES",
    "TACTICS",
    "Campaign",
    "Decoy",
    "Scenario",
    "default_campaigns",
    "default_decoys",
    "simulate",
]

#: Named sizes: the number of posts they aim at.
SIZES = {"tiny": 2_000, "small": 20_000, "medium": 100_000, "large": 1_000_000}

#: Coordinated tactics a :class:`Campaign` can use (see ``docs/simulate.md``).
TACTICS = (
    "fast_repost",
    "copy_paste",
    "link_push",
    "hashtag_sequence",
    "office_hours",
    "low_and_slow",
    "dormant_repurposed",
    "batch_created",
    "reply_swarm",
)

#: Kinds of decoy (behaviour that looks coordinated and is not).
DECOY_KINDS = ("fan_community", "news_bots", "event_crowd")

_DAY = 86_400
_HOUR = 3_600
_KIND_NAMES = np.array(["post", "repost", "reply", "quote"], dtype=object)
_POST, _REPOST, _REPLY, _QUOTE = 0, 1, 2, 3
_STR = pa.string()

# ---------------------------------------------------------------------------------------------
# Vocabulary: words, names, tags, domains. Lists are ordered from frequent to rare (Zipf draws).
# ---------------------------------------------------------------------------------------------

_LEX = {
    "en": (
        "the to a and of in is it you that for on this i we are be with not have they just so "
        "all what about people can get now at like one today from more time will do new no my "
        "our city hong kong police government protest march freedom please see know going really "
        "still great news right world think day back good need vote first week here way make "
        "want years last love life work thanks everyone watch happening support read long story "
        "live tonight morning big country china team home tomorrow again said while market "
        "students airport train street night open free rights rain weather coffee music game "
        "year family friends why how never always someone everything already maybe better best "
        "hope sad happy crazy amazing video photo thread update breaking via must look wow lol "
        "omg finally weekend office meeting lunch dinner traffic summer phone book movie show "
        "song election law court bill media press reporters crowd peaceful democracy voice"
    ).split(),
    "zh": (
        "的 是 在 我 了 有 不 人 這 他 們 香港 今天 政府 市民 警察 自由 遊行 大家 支持 我們 一起 "
        "新聞 時間 問題 已經 現在 看到 真的 朋友 城市 晚上 機場 地鐵 學生 社會 世界 希望 可以 "
        "沒有 知道 覺得 發生 為什麼 和平 民主 記者 天氣 工作 生活 吃飯 週末 好 很 也 都 就 "
        "說 要 去 來 會 還 但是 因為 所以 如果 明天 昨天 下雨 咖啡 電影 音樂 加油 謝謝"
    ).split(),
    "ja": (
        "の に は を た が で て と し れ さ ある いる も する から な こと ない この ため その "
        "よう また もの という あり まで なる へ か だ これ です ます 今日 東京 天気 仕事 "
        "ニュース 香港 ライブ 最高 ありがとう 明日 週末 ごはん 電車 映画 音楽 写真 楽しい 本当"
    ).split(),
    "de": (
        "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch "
        "es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über "
        "einen so zum war haben nur oder aber vor zur bis mehr durch man heute berlin regierung "
        "polizei nachrichten woche menschen leben arbeit wetter spiel morgen wirklich gut"
    ).split(),
    "es": (
        "de la que el en y a los se del las un por con no una su para es al lo como más pero "
        "sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde "
        "desde todo nos durante todos uno les ni contra otros hoy gobierno policía noticias "
        "semana vida trabajo partido mañana gracias"
    ).split(),
    "pt": (
        "de a o que e do da em um para é com não uma os no se na por mais as dos como mas foi "
        "ao ele das tem à seu sua ou ser quando muito há nos já está eu também só pelo pela até "
        "isso hoje governo polícia notícias semana vida trabalho jogo amanhã obrigado"
    ).split(),
    "id": (
        "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga saya ke karena ada "
        "bisa oleh kita sudah mereka atau hari orang kami jadi lagi apa ya aku sama mau kalau "
        "banget gak udah selamat pagi malam teman kerja makan rumah sekolah jakarta bola musik"
    ).split(),
    "tr": (
        "bir ve bu da de için ne çok ben ama daha gibi var o mi sen en kadar olan sonra her şey "
        "değil bana şimdi güzel iyi gün akşam sabah hayat aşk maç futbol haber istanbul ankara"
    ).split(),
    "ru": (
        "и в не на я что он с как а то все она так его но да ты к у же вы за бы по только ее "
        "мне было вот от меня еще нет о из ему теперь когда даже ну ли если уже или сегодня "
        "москва новости жизнь работа футбол"
    ).split(),
}
_NOSPACE = frozenset({"zh", "ja"})

_CAMPAIGN_LEX = {
    "en": (
        "the rioters violence hong kong police support order restore peace stability foreign "
        "forces behind chaos radicals truth protesters attack innocent citizens law must stop "
        "destroy economy people want shame on them enough is are of to and we stand with our "
        "city brave officers black hand western media lies fake riots mobs thugs real story "
        "silent majority safe streets rule"
    ).split(),
    "zh": (
        "暴徒 支持 香港警察 止暴制亂 恢復秩序 外國勢力 黑手 亂港 和平 穩定 繁榮 真相 謊言 法治 "
        "守護香港 市民 受夠了 暴力 破壞 經濟 我們 的 是 不 要 祖國 同胞 可恥 嚴懲 反對 安寧"
    ).split(),
}

_CAMPAIGN_TAGS = {
    "en": ["hongkongriots", "supporthkpolice", "stophkviolence", "truthabouthk", "hkrioters",
           "peaceforhk", "restoreorder", "blackhandsoffhk", "silentmajorityhk", "hkterrorists",
           "saveourcity", "lawandorderhk", "foreignmeddling", "realhongkong", "hkneedspeace"],
    "zh": ["止暴制亂", "撐警", "守護香港", "反暴力", "香港加油", "還港安寧", "反對外國干預",
           "撐香港警察", "香港要和平", "揭露真相"],
}

_PUNCT = {"en": ["", "", ".", "!", "?", "...", "!!"], "zh": ["", "。", "！", "？"],
          "ja": ["", "。", "！"], "default": ["", ".", "!"]}

_EMOJI = ["😂", "❤️", "🙏", "👍", "😍", "🔥", "😭", "💪", "✨", "👏", "😡", "🤔", "💯", "🙄", "😅"]

_ORGANIC_TAGS = (
    "hongkong hk news china breaking hkprotests standwithhongkong antielab freedomhk "
    "football music travel photography love tbt art food nba bitcoin tech weather london nyc "
    "tokyo taiwan democracy mondaymotivation fridayfeeling throwbackthursday coffee books movies "
    "gaming kpop fashion fitness health science climate economy politics trump brexit uk usa "
    "japan germany startup ai crypto design photo summer weekend family travelgram instafood "
    "hkairport hkpolice 香港 反送中 自由 東京 sport premierleague"
).split()

_TRENDING = (
    "hkairportsitin antielabmarch generalstrikehk 721yuenlong 831prince hkwayhk "
    "standwithhk freehongkong eyeforhk hkgeneralstrike tsuenwanclash hkbaptistu "
    "fifthdemand lennonwallhk hkhumanchain kwuntongmarch shamshuipo fanlingprotest "
    "backtoschoolhk hkfansofarsenal iphone11 newmusicfriday appleevent gameofthrones "
    "blackfriday bigbrother loveisland worldcup ufc nba2k20"
).split()

_NEWS_DOMAINS = [
    "scmp.com", "hongkongfp.com", "rthk.hk", "bbc.co.uk", "nytimes.com", "theguardian.com",
    "reuters.com", "cnn.com", "washingtonpost.com", "wsj.com", "bloomberg.com", "apnews.com",
    "ft.com", "hk01.com", "thestandnews.com", "mingpao.com", "news.yahoo.com", "aljazeera.com",
    "abc.net.au", "dw.com", "japantimes.co.jp", "taipeitimes.com", "straitstimes.com",
    "youtube.com", "instagram.com", "medium.com", "vox.com", "axios.com", "npr.org",
    "economist.com", "independent.co.uk", "telegraph.co.uk", "spiegel.de", "lemonde.fr",
    "elpais.com", "globo.com", "nhk.or.jp", "cnbc.com", "foxnews.com", "politico.com",
    "time.com", "theatlantic.com", "buzzfeednews.com", "vice.com", "hket.com", "on.cc",
    "appledaily.com", "theinitium.com", "channelnewsasia.com", "sbs.com.au",
]
_SECTIONS = ["news", "world", "article", "politics", "hong-kong", "asia", "china", "business",
             "opinion", "video", "sport", "tech"]

_FAKE_DOMAINS = ["hk-truthdaily.com", "asiapatriotnews.net", "realhknews.info",
                 "globalvoice-today.com", "thetruthherald.net", "eastwind-report.com",
                 "dailyasiareview.org", "peace-news24.com", "hkfactcheck.info",
                 "orientpost-daily.com"]

_OUTLETS = [
    ("metrotribune.com", "MetroTribune", "The Metro Tribune"),
    ("harbourdaily.com.hk", "HarbourDailyHK", "Harbour Daily"),
    ("pacificwiretimes.com", "PacWireTimes", "Pacific Wire Times"),
    ("citygazette.co.uk", "CityGazetteUK", "City Gazette"),
    ("valleycourier.com", "ValleyCourier", "Valley Courier"),
    ("eveningpost-online.com", "EvePostOnline", "Evening Post"),
    ("northernledger.com", "NorthLedger", "Northern Ledger"),
    ("bayareasentinel.com", "BaySentinelNews", "Bay Area Sentinel"),
    ("asiabusinessbrief.com", "AsiaBizBrief", "Asia Business Brief"),
    ("dailyregister-news.com", "DailyRegisterNw", "Daily Register"),
    ("coastalobserver.com", "CoastalObserver", "Coastal Observer"),
    ("capitalherald.net", "CapitalHerald", "Capital Herald"),
    ("midlandsexpress.co.uk", "MidlandsExpress", "Midlands Express"),
    ("islandtimes-news.com", "IslandTimesNews", "Island Times"),
    ("riverdalegazette.com", "RiverdaleGazette", "Riverdale Gazette"),
    ("globaltradewire.com", "GlobalTradeWire", "Global Trade Wire"),
]
_BOT_CLIENTS = ["dlvr.it", "IFTTT", "Buffer", "SocialFlow", "WordPress.com", "Hootsuite Inc."]

_NEWS_LEX = (
    "minister says report shows new plan talks over rise fall record year market police city "
    "court ruling election vote protest leaders warn deal trade prices storm health officials "
    "study finds school after amid first major global local economy bank rates crisis "
    "government opposition airport strike tariffs growth shares talks summit"
).split()

_FAN_LEX = ("love you so proud best queen amazing vote stream new song comeback album concert "
            "today happy thank you forever always our star beautiful legend").split()

_EVENTS = {
    "match": {
        "tags": ["engger", "threelions", "football"],
        "phrases": ["GOAL!!!", "GOOOAL", "What a save!", "COME ON ENGLAND", "Penalty!!",
                    "Unbelievable", "⚽⚽⚽", "VAR again...", "What a game", "Get in!!"],
        "lex": ("goal what a save come on penalty referee var ref unbelievable england germany "
                "keeper shot corner half time second boys lads pitch chance miss yes game").split(),
        "timezone": "Europe/London", "start_hour": 19.75, "hours": 2.0,
        "broadcaster": ("FootballLiveTV", "Football Live TV", "Live football, every goal."),
    },
    "debate": {
        "tags": ["demdebate", "debatenight", "debates2019"],
        "phrases": ["Who won tonight?", "Strong answer", "That was a dodge", "Fact check that",
                    "Best moment of the night", "Wow."],
        "lex": ("debate candidate answer question healthcare climate plan stage moderator tonight "
                "economy jobs president taxes won lost strong weak best moment policy").split(),
        "timezone": "America/New_York", "start_hour": 21.0, "hours": 2.5,
        "broadcaster": ("DebateNightLive", "Debate Night Live", "Live coverage of the debates."),
    },
}

_NAMES = {  # romanized first and last names per language (handles and display names)
    "en": ("james mary john patricia robert jennifer michael linda william elizabeth david "
           "barbara richard susan joseph jessica thomas sarah charles karen chris nancy daniel "
           "lisa matthew betty anthony sandra mark ashley paul emily steven donna andrew michelle "
           "josh kim kevin amanda brian melissa george rebecca tim laura ryan emma jacob olivia "
           "ethan sophia noah ava liam mia lucas chloe ben grace sam anna tom kate alex ella jack "
           "amy dan zoe",
           "smith johnson williams brown jones garcia miller davis wilson anderson taylor thomas "
           "moore jackson martin lee thompson white harris clark lewis robinson walker young "
           "allen king wright scott hill green adams baker nelson carter mitchell roberts turner "
           "phillips campbell parker evans edwards collins stewart morris murphy cook rogers "
           "morgan cooper reed bailey bell kelly howard ward cox"),
    "zh": ("ka wing man chi wai ho yan kit tsz hei sum yee hiu lok siu mei ling fai ming kin tak "
           "yuk jason kelvin carmen winnie ivan janice",
           "chan wong lee cheung lau ng leung ho lam chow tsang yip tang fung kwok lai mak yeung "
           "chu lo poon wu tam ma kwan"),
    "ja": ("haruto yui sota hina yuto yuna riku sakura ren aoi kenji yuki takumi mai hiroshi",
           "sato suzuki takahashi tanaka watanabe ito yamamoto nakamura kobayashi kato yoshida "
           "yamada sasaki yamaguchi matsumoto"),
    "de": ("lukas leon finn jonas paul felix anna lea lena hannah marie laura julia sophie max "
           "tim jan", "mueller schmidt schneider fischer weber meyer wagner becker schulz "
           "hoffmann koch richter klein wolf"),
    "es": ("maria jose juan ana luis carlos pedro lucia sofia diego pablo camila javier elena",
           "garcia martinez lopez gonzalez perez sanchez romero torres ramirez flores"),
    "pt": ("joao maria ana pedro lucas gabriel rafael bruno julia beatriz larissa felipe",
           "silva santos oliveira souza rodrigues ferreira alves pereira lima gomes"),
    "id": ("budi siti agus dewi andi rina eko sri putri adi dian wahyu",
           "santoso wijaya saputra hidayat kusuma pratama nugroho rahman"),
    "tr": ("mehmet ayse mustafa fatma ahmet emine ali zeynep emre elif burak merve",
           "yilmaz kaya demir sahin celik yildiz aydin ozturk arslan dogan"),
    "ru": ("aleksandr dmitry sergey andrey olga elena natalia ivan maria anna pavel tatiana",
           "ivanov smirnov kuznetsov popov sokolov lebedev kozlov novikov morozov petrov"),
}
_NAMES = {k: (f.split(), s.split()) for k, (f, s) in _NAMES.items()}
_ZH_DISPLAY = ("陳 黃 李 張 劉 吳 梁 何 林 周 曾 葉 鄧 馮 郭 黎 麥 楊 朱 羅".split(),
               "家明 詠欣 志強 嘉儀 子軒 曉彤 偉文 美玲 浩然 卓琳 俊傑 雅婷 文傑 佩珊 嘉豪 凱欣".split())
_HANDLE_WORDS = ("sunny happy real its im mr ms daily official hk cool blue red lucky little big "
                 "wild dream star moon cat dog coffee music travel tech news life").split()

_BIOS = {
    "en": ["Dad of two", "Mum. Teacher. Runner.", "Coffee first", "Opinions my own",
           "RT ≠ endorsement", "Journalist", "Photographer", "Software engineer", "Football fan",
           "Proud Hongkonger", "Student", "Traveller", "Foodie", "she/her", "he/him", "Writer",
           "Nurse", "Living my best life", "Tech and politics", "News junkie", "Music lover",
           "Gamer", "Investor", "Cat person", "Lawyer", "Designer", "Love my family"],
    "zh": ["香港人", "熱愛生活", "攝影愛好者", "學生", "記者", "自由", "咖啡控", "喜歡旅行", "愛貓",
           "打工仔"],
    "ja": ["会社員", "写真が好き", "猫", "旅行", "音楽", "東京"],
    "de": ["Vater", "Fotograf", "Kaffee", "Fußball", "Student", "Berlin"],
    "es": ["Periodista", "Estudiante", "Fútbol", "Café", "Música", "Viajes"],
    "pt": ["Jornalista", "Estudante", "Futebol", "Café", "Música", "Viagens"],
    "id": ["Mahasiswa", "Pecinta kopi", "Bola", "Musik", "Jakarta"],
    "tr": ["Öğrenci", "Futbol", "Kahve", "Müzik", "İstanbul"],
    "ru": ["Студент", "Футбол", "Кофе", "Музыка", "Москва"],
}
_BATCH_BIOS = ["Love my country. Love peace.", "Peace and stability.", "Truth matters.",
               "愛國愛港", "Just a normal person who loves Hong Kong.", "Say no to violence."]

#: Organic regions: time zone, weight, language mix, locations.
_REGIONS = [
    ("Asia/Hong_Kong", 0.24, {"zh": 0.55, "en": 0.45}, ["Hong Kong", "香港", "HK", "Kowloon"]),
    ("America/New_York", 0.17, {"en": 1.0}, ["New York, NY", "Boston, MA", "Washington, DC"]),
    ("America/Los_Angeles", 0.08, {"en": 0.85, "es": 0.15}, ["Los Angeles, CA", "San Francisco"]),
    ("America/Chicago", 0.04, {"en": 1.0}, ["Chicago, IL", "Texas, USA"]),
    ("Europe/London", 0.12, {"en": 1.0}, ["London", "Manchester", "UK"]),
    ("Europe/Berlin", 0.06, {"de": 0.7, "en": 0.3}, ["Berlin", "München", "Deutschland"]),
    ("Asia/Taipei", 0.07, {"zh": 0.8, "en": 0.2}, ["Taipei", "台北", "Taiwan"]),
    ("Asia/Tokyo", 0.06, {"ja": 0.85, "en": 0.15}, ["Tokyo", "東京", "Osaka"]),
    ("Australia/Sydney", 0.05, {"en": 1.0}, ["Sydney", "Melbourne"]),
    ("Asia/Singapore", 0.05, {"en": 0.7, "zh": 0.3}, ["Singapore"]),
    ("America/Sao_Paulo", 0.06, {"pt": 0.9, "en": 0.1}, ["São Paulo", "Rio de Janeiro"]),
]
_LOCATIONS = {"Asia/Shanghai": ["Hong Kong", "香港", "HK", "Kowloon", "Shenzhen"],
              "Asia/Seoul": ["Seoul"]}
_LANG_LOCATIONS = {"id": ["Jakarta", "Indonesia", "Bandung"], "tr": ["İstanbul", "Türkiye", "Ankara"],
                   "es": ["Madrid", "México", "Buenos Aires"], "pt": ["Brasil", "Lisboa"],
                   "ru": ["Москва", "Россия", "Saint Petersburg"]}

_ORGANIC_CLIENTS = {"Twitter for iPhone": 0.42, "Twitter for Android": 0.32,
                    "Twitter Web App": 0.14, "Twitter Web Client": 0.04, "Twitter for iPad": 0.03, "TweetDeck": 0.03,
                    "Hootsuite Inc.": 0.01, "Instagram": 0.01}
_CAMPAIGN_CLIENTS = {"Twitter Web Client": 0.35, "Twitter Web App": 0.2,
                     "Twitter for Android": 0.3, "Twitter for iPhone": 0.15}

#: Share of posts per local hour of day (a typical human daily cycle, quiet at 2-6 am).
_DIURNAL = np.array([3.0, 1.8, 1.1, 0.7, 0.5, 0.6, 1.2, 2.4, 3.6, 4.3, 4.6, 4.8,
                     5.0, 4.9, 4.8, 4.8, 4.9, 5.1, 5.5, 6.0, 6.4, 6.5, 5.8, 4.4])
_DIURNAL = _DIURNAL / _DIURNAL.sum()
_B62 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", np.uint8)

# ---------------------------------------------------------------------------------------------
# Public specifications
# ---------------------------------------------------------------------------------------------

#: Tactic defaults: intensity (actions per day, see docs), participation, window (s), cover,
#: time zone and language of the campaign.
_TACTIC_DEFAULTS: dict[str, dict[str, Any]] = {
    "fast_repost": dict(intensity=2.5, participation=0.7, window=20.0, cover=0.8,
                        timezone="Asia/Shanghai", lang="zh"),
    "copy_paste": dict(intensity=2.0, participation=0.6, window=900.0, cover=0.8,
                       timezone="Asia/Shanghai", lang="en"),
    "link_push": dict(intensity=2.0, participation=0.5, window=3600.0, cover=0.8,
                      timezone="Asia/Shanghai", lang="en"),
    "hashtag_sequence": dict(intensity=2.0, participation=0.6, window=1800.0, cover=0.8,
                             timezone="Asia/Shanghai", lang="en"),
    "office_hours": dict(intensity=3.0, participation=0.5, window=2400.0, cover=0.5,
                         timezone="Asia/Shanghai", lang="zh"),
    "low_and_slow": dict(intensity=3.0, participation=0.4, window=3600.0, cover=5.0,
                         timezone="Asia/Shanghai", lang="en"),
    "dormant_repurposed": dict(intensity=2.0, participation=0.6, window=300.0, cover=0.3,
                               timezone="Asia/Shanghai", lang="zh"),
    "batch_created": dict(intensity=2.0, participation=0.6, window=180.0, cover=0.3,
                          timezone="Asia/Shanghai", lang="en"),
    "reply_swarm": dict(intensity=2.0, participation=0.6, window=600.0, cover=0.8,
                        timezone="Asia/Shanghai", lang="en"),
}
_DECOY_DEFAULTS: dict[str, dict[str, Any]] = {
    "fan_community": dict(intensity=3.0, participation=0.25, timezone="Asia/Seoul"),
    "news_bots": dict(intensity=None, participation=0.7, timezone="Europe/London"),
    "event_crowd": dict(intensity=2.5, participation=0.15, timezone="Europe/London"),
}
_ORGANIC_DEFAULTS: dict[str, Any] = {
    "posts_per_account": 3.0,
    "activity_sigma": 1.5,
    "kinds": {"post": 0.40, "repost": 0.38, "reply": 0.14, "quote": 0.08},
    "regions": None,
    "repost_delay": 1500.0,
    "cascades": None,
    "cascade_size": None,
    "cascade_delay": 150.0,
    "trending_per_day": 2,
    "events": 1,
    "url_share": 0.18,
    "tracking_share": 0.3,
    "hashtag_share": 0.3,
    "media_share": 0.12,
    "default_handle_share": 0.10,
}


def _scale(n_posts: int) -> float:
    return n_posts / SIZES["small"]


def _default_members(n_posts: int) -> int:
    return int(np.clip(round(20 * _scale(n_posts) ** 0.6), 4, 500))


@dataclass(frozen=True)
class Campaign:
    """One coordinated campaign: a tactic, its members and how hard they push.

    Any field left ``None`` takes the tactic's default (``docs/simulate.md`` lists them); the
    resolved values are recorded in :attr:`Scenario.params`.

    Parameters
    ----------
    tactic : str
        One of :data:`TACTICS`.
    n_accounts : int, optional
        Members (at least 2). Default grows with the scenario size: 20 at "small".
    intensity : float, optional
        Coordinated actions per day (seed posts, messages, articles, hashtag waves or swarm
        targets per day; for "office_hours", campaign posts per member per working day).
    participation : float, optional
        Chance that a member joins one action (0 to 1]; for "office_hours", the share of
        campaign posts that are reposts of the team's seed posts.
    window : float or str, optional
        Time over which members act on one action, in seconds or a pandas duration string
        (``"20s"``): the spread of fast co-reposts, the posting window of a copy-paste wave, etc.
    cover : float, optional
        Ordinary (non-campaign) posts per campaign post, so that members are not trivially
        separable: reposts of popular posts, replies, own posts on ordinary topics.
    timezone : str, optional
        IANA zone the operators live in (their daily rhythm).
    lang : str, optional
        Language of campaign content (``"en"`` or ``"zh"`` have campaign vocabularies; others use
        ordinary words).
    name : str, optional
        Group name in the truth; default the tactic, numbered when repeated.

    Examples
    --------
    >>> Campaign("fast_repost", n_accounts=12).tactic
    'fast_repost'
    """

    tactic: str
    n_accounts: int | None = None
    intensity: float | None = None
    participation: float | None = None
    window: float | str | None = None
    cover: float | None = None
    timezone: str | None = None
    lang: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Decoy:
    """Behaviour that looks coordinated but is organic or openly automated: must not be flagged.

    Parameters
    ----------
    kind : str
        One of :data:`DECOY_KINDS`.
    n_accounts : int, optional
        Fans, bots or crowd members. Default grows with the scenario size.
    intensity : float, optional
        "fan_community": the idol's posts per day (3). "news_bots": posts per bot per hour
        (about 1 at "small"). "event_crowd": mean posts per crowd member during the event (2.5).
    participation : float, optional
        "fan_community": mean chance that a fan reposts an idol post (0.25; heavy-tailed over
        fans). "news_bots": chance that a bot carries a given wire story (0.7). "event_crowd":
        chance that a member reposts a broadcaster's highlight (0.15).
    timezone : str, optional
        The idol's, the outlets' or the event's zone.
    name : str, optional
        Group name in the truth; default the kind, numbered when repeated.

    Examples
    --------
    >>> Decoy("news_bots", n_accounts=4).kind
    'news_bots'
    """

    kind: str
    n_accounts: int | None = None
    intensity: float | None = None
    participation: float | None = None
    timezone: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A simulated collection and its ground truth.

    Attributes
    ----------
    dataset : Dataset
        Posts and accounts, validated (no rejects).
    truth : DataFrame
        One row per account of ``dataset.accounts``, same order: ``account_id``, ``role``
        ("organic", "campaign" or "decoy"), ``group`` (campaign or decoy name; missing for
        organic accounts), ``tactic`` (the campaign's tactic or the decoy's kind; missing for
        organic accounts) and ``seeder`` (True for accounts whose posts the group amplifies:
        campaign seeders, the idol, the event broadcaster).
    params : dict
        Every resolved knob: size, seed, window, organic settings, campaigns and decoys.

    Examples
    --------
    >>> sc = simulate(size="tiny", seed=0)
    >>> sc.truth.columns.tolist()
    ['account_id', 'role', 'group', 'tactic', 'seeder']
    >>> len(sc.truth) == len(sc.dataset.accounts)
    True
    """

    dataset: Dataset
    truth: pd.DataFrame
    params: dict = field(repr=False)

    def __repr__(self) -> str:
        t = self.truth
        camp = t["role"] == "campaign"
        dec = t["role"] == "decoy"
        return (f"<Scenario seed={self.params['seed']}: {len(self.dataset):,} posts, {len(t):,} "
                f"accounts; {t.loc[camp, 'group'].nunique()} campaigns ({int(camp.sum()):,} "
                f"accounts), {t.loc[dec, 'group'].nunique()} decoys ({int(dec.sum()):,} accounts)>")


def default_campaigns(size: str | int = "small") -> list[Campaign]:
    """One campaign per tactic, sized for a scenario of `size`.

    Examples
    --------
    >>> [c.tactic for c in default_campaigns("tiny")][:3]
    ['fast_repost', 'copy_paste', 'link_push']
    >>> default_campaigns("small")[0].n_accounts
    20
    """
    n = _members_for(size)
    return [Campaign(t, n_accounts=n) for t in TACTICS]


def default_decoys(size: str | int = "small") -> list[Decoy]:
    """One decoy of each kind, sized for a scenario of `size`.

    Examples
    --------
    >>> [(d.kind, d.n_accounts) for d in default_decoys("small")]
    [('fan_community', 100), ('news_bots', 4), ('event_crowd', 600)]
    """
    n_posts = _n_posts(size)
    f = _scale(n_posts)
    return [
        Decoy("fan_community", n_accounts=int(np.clip(round(100 * f ** 0.85), 8, 5000))),
        Decoy("news_bots", n_accounts=int(np.clip(round(4 * f ** 0.4), 3, len(_OUTLETS)))),
        Decoy("event_crowd", n_accounts=int(np.clip(round(600 * f ** 0.85), 30, 30000))),
    ]


def _n_posts(size: str | int) -> int:
    if isinstance(size, str) and size in SIZES:
        return SIZES[size]
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool) and size >= 500:
        return int(size)
    raise ParameterError(
        f"The 'size' parameter of simulate must be one of {list(SIZES)} or a number of posts "
        f">= 500. Got {size!r} instead.", name="size", value=size,
    )


def _members_for(size: str | int) -> int:
    return _default_members(_n_posts(size))


# ---------------------------------------------------------------------------------------------
# Small vectorized helpers (Arrow strings and lists)
# ---------------------------------------------------------------------------------------------


def _take(arr: pa.Array, idx) -> pa.Array:
    return arr.take(pa.array(np.asarray(idx, dtype=np.int64)))


def _join(*parts) -> pa.Array:
    """Element-wise concatenation of string arrays and scalars (null in, null out)."""
    return pc.binary_join_element_wise(*parts, "")


def _lists(lengths, flat: pa.Array) -> pa.ListArray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), flat)


def _empty_lists(n: int) -> pa.ListArray:
    return _lists(np.zeros(n, dtype=np.int64), pa.array([], _STR))


def _list_parts(arr: pa.ListArray) -> tuple[np.ndarray, pa.Array]:
    """Offsets starting at 0 and the values they index, for any (possibly sliced) list array."""
    offsets = np.asarray(arr.offsets, dtype=np.int64)
    values = arr.values.slice(offsets[0], offsets[-1] - offsets[0])
    return offsets - offsets[0], values


def _prepend(lists: pa.ListArray, head: pa.Array, has: np.ndarray) -> pa.ListArray:
    """``[head[i]] + lists[i]`` where `has`, ``lists[i]`` elsewhere."""
    off, vals = _list_parts(lists)
    lens = np.diff(off)
    has = has.astype(np.int64)
    new_off = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens + has, out=new_off[1:])
    n_vals = len(vals)
    src = np.empty(new_off[-1], dtype=np.int64)
    rows = np.flatnonzero(has)
    src[new_off[rows]] = n_vals + rows
    parent = np.repeat(np.arange(len(lens)), lens)
    within = np.arange(n_vals) - off[parent]
    src[new_off[parent] + has[parent] + within] = np.arange(n_vals)
    pool = pa.concat_arrays([vals.cast(_STR), head.cast(_STR)])
    return pa.ListArray.from_arrays(pa.array(new_off.astype(np.int32)), _take(pool, src))


def _codes(rng: np.random.Generator, n: int, k: int) -> pa.Array:
    """`n` random base-62 strings of length `k`."""
    chars = _B62[rng.integers(0, len(_B62), (n, k))]
    offsets = np.arange(0, n * k + 1, k, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes()))


def _digits(values, width: int = 0) -> pa.Array:
    s = pa.array(np.asarray(values, dtype=np.int64)).cast(_STR)
    return pc.utf8_lpad(s, width, "0") if width else s


def _choice(rng: np.random.Generator, options, n: int, p=None) -> pa.Array:
    pool = pa.array(list(options), _STR)
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return _take(pool, rng.choice(len(pool), n, p=p))


def _zipf_p(k: int, s: float = 1.0) -> np.ndarray:
    w = 1.0 / (np.arange(k) + 1.5) ** s
    return w / w.sum()


def _with_suffix(text: pa.Array, suffix: pa.Array, mask: np.ndarray, sep: str = " ") -> pa.Array:
    joined = _join(text, sep, suffix)
    return pc.if_else(pa.array(mask, pa.bool_()), joined, text)


def _tag_text(tags: pa.ListArray) -> pa.Array:
    off, vals = _list_parts(tags)
    hashed = pa.ListArray.from_arrays(pa.array(off.astype(np.int32)), _join("#", vals))
    return pc.binary_join(hashed, " ")


def _words(rng, n: int, lang: str, *, median: float = 10.0, sigma: float = 0.5,
           lex: list[str] | None = None, punct: bool = True) -> pa.Array:
    """Word-salad sentences: Zipf-distributed words of `lang` (or of `lex`)."""
    lex = lex if lex is not None else _LEX.get(lang, _LEX["en"])
    k = np.clip(np.round(rng.lognormal(np.log(median), sigma, n)), 2, 45).astype(np.int64)
    idx = rng.choice(len(lex), int(k.sum()), p=_zipf_p(len(lex)))
    lists = _lists(k, _take(pa.array(lex, _STR), idx))
    text = pc.binary_join(lists, "" if lang in _NOSPACE else " ")
    if punct:
        text = _join(text, _choice(rng, _PUNCT.get(lang, _PUNCT["default"]), n))
    return text


def _words_by_lang(rng, langs: np.ndarray, **kwargs) -> pa.Array:
    """:func:`_words` for posts of several languages, in the order of `langs`."""
    n = len(langs)
    if n == 0:
        return pa.array([], _STR)
    parts, order = [], []
    for lang in sorted(set(langs.tolist())):
        idx = np.flatnonzero(langs == lang)
        parts.append(_words(rng, len(idx), lang, **kwargs))
        order.append(idx)
    allidx = np.concatenate(order)
    inv = np.empty(n, dtype=np.int64)
    inv[allidx] = np.arange(n)
    return _take(pa.concat_arrays(parts), inv)


# ---------------------------------------------------------------------------------------------
# Accumulators
# ---------------------------------------------------------------------------------------------


class _Accounts:
    """Account attributes, appended in chunks and concatenated once."""

    def __init__(self):
        self.chunks: list[dict] = []
        self.n = 0

    def add(self, **cols) -> np.ndarray:
        n = len(cols["created"])
        self.chunks.append(cols)
        idx = np.arange(self.n, self.n + n)
        self.n += n
        return idx

    def finalize(self) -> dict:
        out = {}
        for key in self.chunks[0]:
            vals = [c[key] for c in self.chunks]
            if isinstance(vals[0], pa.Array):
                out[key] = pa.concat_arrays(vals)
            else:
                out[key] = np.concatenate([np.asarray(v) for v in vals])
        return out


class _Posts:
    """Post rows, appended in chunks; refs are global row numbers."""

    def __init__(self):
        self.chunks: list[dict] = []
        self.n = 0

    def add(self, acc, ts, kind, *, ref=None, text=None, hashtags=None, urls=None,
            mentions=None, media=None, lang=None, client=None, drop=None) -> np.ndarray:
        acc = np.asarray(acc, dtype=np.int64)
        n = len(acc)
        chunk = {
            "acc": acc,
            "ts": np.asarray(ts, dtype=np.int64),
            "kind": np.broadcast_to(np.asarray(kind, dtype=np.int8), (n,)).copy(),
            "ref": np.full(n, -1, np.int64) if ref is None else np.asarray(ref, dtype=np.int64),
            "drop": np.zeros(n, bool) if drop is None else np.asarray(drop, dtype=bool),
            "text": pa.nulls(n, _STR) if text is None else text,
            "lang": pa.nulls(n, _STR) if lang is None else (
                pa.array([lang] * n, _STR) if isinstance(lang, str) else lang),
            "client": pa.nulls(n, _STR) if client is None else (
                pa.array([client] * n, _STR) if isinstance(client, str) else client),
        }
        for col, val in (("hashtags", hashtags), ("urls", urls), ("mentions", mentions),
                         ("media", media)):
            chunk[col] = _empty_lists(n) if val is None else val
        for key, val in chunk.items():
            if len(val) != n:
                raise AssertionError(f"simulate: column {key} has {len(val)} rows, expected {n}")
        self.chunks.append(chunk)
        idx = np.arange(self.n, self.n + n)
        self.n += n
        return idx


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


class _Sim:
    def __init__(self, *, n_posts: int, seed: int, start: pd.Timestamp, days: int,
                 organic: dict, campaigns: list[Campaign], decoys: list[Decoy]):
        self.rng = np.random.default_rng(seed)
        self.n_target = n_posts
        self.f = _scale(n_posts)
        self.start = start
        self.start_s = int(start.value // 1_000_000_000)
        self.days = days
        self.end_s = self.start_s + days * _DAY
        self.day0 = (self.start_s // _DAY) * _DAY
        self.org = organic
        self.campaigns = campaigns
        self.decoys = decoys
        self.A = _Accounts()
        self.P = _Posts()
        self.bg_orig = self.bg_orig_acc = self.bg_orig_ts = np.zeros(0, np.int64)
        self.tags_of: dict[str, list[str]] = {}
        regions = organic["regions"] or _REGIONS
        self.regions = regions
        tzs = [r[0] for r in regions]
        for extra in ["Asia/Shanghai", "Asia/Seoul", "Europe/London", "America/New_York"] + \
                [c.timezone for c in campaigns] + [d.timezone for d in decoys]:
            if extra not in tzs:
                tzs.append(extra)
        self.tzs = tzs
        self._offsets()

    # -- time ----------------------------------------------------------------------------------
    def _offsets(self) -> None:
        """UTC offset (seconds) of each zone for each hour from 3 days before to 3 days after."""
        t0 = self.start_s - 3 * _DAY
        hours = pd.date_range(pd.Timestamp(t0, unit="s", tz="UTC"),
                              periods=(self.days + 6) * 24, freq="h")
        off = np.empty((len(self.tzs), len(hours)), dtype=np.int64)
        for i, tz in enumerate(self.tzs):
            local = hours.tz_convert(tz).tz_localize(None)
            off[i] = ((local - hours.tz_localize(None)) // pd.Timedelta(seconds=1)).to_numpy()
        self._t0 = t0
        self._off = off

    def tz_index(self, name: str) -> int:
        return self.tzs.index(name)

    def to_utc(self, local, tz) -> np.ndarray:
        """Wall-clock seconds (local time read as if UTC) in zone index `tz` to UTC seconds."""
        local = np.asarray(local, dtype=np.int64)
        tz = np.broadcast_to(np.asarray(tz, dtype=np.int64), local.shape)
        H = self._off.shape[1]
        h0 = np.clip((local - self._t0) // _HOUR, 0, H - 1)
        u0 = local - self._off[tz, h0]
        h1 = np.clip((u0 - self._t0) // _HOUR, 0, H - 1)
        return local - self._off[tz, h1]

    def to_local(self, utc, tz) -> np.ndarray:
        utc = np.asarray(utc, dtype=np.int64)
        H = self._off.shape[1]
        h = np.clip((utc - self._t0) // _HOUR, 0, H - 1)
        return utc + self._off[np.broadcast_to(np.asarray(tz, dtype=np.int64), utc.shape), h]

    def diurnal(self, n: int, tz, chrono=0.0, *, lo=None, hi=None) -> np.ndarray:
        """`n` instants in [lo, hi) (default the window) following a human daily cycle."""
        rng = self.rng
        lo = self.start_s if lo is None else lo
        hi = self.end_s if hi is None else hi
        tz = np.broadcast_to(np.asarray(tz, dtype=np.int64), (n,))
        chrono = np.broadcast_to(np.asarray(chrono, dtype=float), (n,))
        out = np.empty(n, dtype=np.int64)
        todo = np.arange(n)
        d_lo = (lo - self.day0) // _DAY - 1
        d_hi = (hi - self.day0) // _DAY + 1
        for _ in range(200):
            m = len(todo)
            if m == 0:
                break
            day = rng.integers(d_lo, d_hi + 1, m)
            sec = (rng.choice(24, m, p=_DIURNAL) + rng.random(m) + chrono[todo]) * _HOUR
            utc = self.to_utc(self.day0 + day * _DAY + sec.astype(np.int64), tz[todo])
            ok = (utc >= lo) & (utc < hi)
            out[todo[ok]] = utc[ok]
            todo = todo[~ok]
        if len(todo):  # pragma: no cover - only for windows far shorter than a day
            out[todo] = rng.integers(lo, hi, len(todo))
        return out

    def office(self, n: int, tz: int) -> np.ndarray:
        """`n` instants on weekdays 9:00-18:00 local, with a lunch dip 12:00-13:30."""
        rng = self.rng
        out = np.empty(n, dtype=np.int64)
        todo = np.arange(n)
        for _ in range(500):
            m = len(todo)
            if m == 0:
                break
            day = rng.integers(-1, self.days + 1, m)
            sod = rng.integers(9 * _HOUR, 18 * _HOUR, m)
            local = self.day0 + day * _DAY + sod
            weekday = ((local // _DAY) + 3) % 7
            lunch = (sod >= 12 * _HOUR) & (sod < 13 * _HOUR + 1800)
            keep = (weekday < 5) & (~lunch | (rng.random(m) < 0.15))
            utc = self.to_utc(local, tz)
            ok = keep & (utc >= self.start_s) & (utc < self.end_s)
            out[todo[ok]] = utc[ok]
            todo = todo[~ok]
        if len(todo):
            raise ParameterError(
                "The 'office_hours' tactic needs at least one weekday in the simulated window; "
                f"got start={self.start.isoformat()} and days={self.days}.", name="days",
                value=self.days)
        return out

    def in_office(self, utc, tz: int) -> np.ndarray:
        """Whether each instant falls in office hours (lunch thinned as :meth:`office` does)."""
        local = self.to_local(utc, tz)
        sod = local % _DAY
        weekday = ((local // _DAY) + 3) % 7
        lunch = (sod >= 12 * _HOUR) & (sod < 13 * _HOUR + 1800)
        keep = ~lunch | (self.rng.random(len(sod)) < 0.15)
        return (weekday < 5) & (sod >= 9 * _HOUR) & (sod < 18 * _HOUR) & keep

    # -- accounts ------------------------------------------------------------------------------
    def handles(self, langs: np.ndarray, *, default_share: float, template: int | None = None):
        """Screen names and display names, organic style or one campaign template."""
        rng = self.rng
        n = len(langs)
        first = np.empty(n, dtype=object)
        last = np.empty(n, dtype=object)
        for lang in sorted(set(langs.tolist())):
            idx = np.flatnonzero(langs == lang)
            fn, ln = _NAMES.get(lang, _NAMES["en"])
            first[idx] = np.asarray(fn, dtype=object)[rng.integers(0, len(fn), len(idx))]
            last[idx] = np.asarray(ln, dtype=object)[rng.integers(0, len(ln), len(idx))]
        first_a, last_a = pa.array(first, _STR), pa.array(last, _STR)
        First, Last = pc.utf8_capitalize(first_a), pc.utf8_capitalize(last_a)
        word = _choice(rng, _HANDLE_WORDS, n)
        word2 = _choice(rng, _HANDLE_WORDS, n)
        d2 = _digits(rng.integers(0, 100, n), 2)
        d3 = _digits(rng.integers(0, 1000, n), 3)
        d4 = _digits(rng.integers(0, 10000, n), 4)
        d5 = _digits(rng.integers(0, 100000, n), 5)
        d8 = _digits(rng.integers(10_000_000, 100_000_000, n))
        if template is None:
            cap = rng.random(n) < 0.3
            f_ = pc.if_else(pa.array(cap), First, first_a)
            l_ = pc.if_else(pa.array(cap), Last, last_a)
            patterns = [
                _join(f_, l_), _join(f_, "_", l_), _join(f_, l_, d2), _join(f_, d4),
                _join(word, f_), _join(f_, "_", word), _join(First, pc.utf8_slice_codeunits(Last, 0, 1), d3),
                _join(First, d8), _join(word, word2, d2), _join("the", word, l_),
            ]
            p = np.array([0.16, 0.12, 0.14, 0.10, 0.08, 0.08, 0.08, default_share, 0.08, 0.06])
            p[7] = default_share
            p[[0, 1, 2, 3, 4, 5, 6, 8, 9]] *= (1 - default_share) / p[[0, 1, 2, 3, 4, 5, 6, 8, 9]].sum()
            which = rng.choice(len(patterns), n, p=p / p.sum())
        else:
            cut = pc.utf8_slice_codeunits
            patterns = [_join(cut(first_a, 0, 6), "_", cut(word, 0, 4), d4),
                        _join(cut(first_a, 0, 5), cut(last_a, 0, 5), d5),
                        _join(cut(word, 0, 5), cut(first_a, 0, 6), d3, "_")]
            which = np.full(n, template)
        screen = pc.utf8_slice_codeunits(pc.choose(pa.array(which.astype(np.int8)), *patterns), 0, 15)
        display = _join(First, " ", Last)
        zh = langs == "zh"
        if zh.any():
            zlast, zfirst = _ZH_DISPLAY
            chinese = _join(_choice(rng, zlast, n), _choice(rng, zfirst, n))
            display = pc.if_else(pa.array(zh & (rng.random(n) < 0.6)), chinese, display)
        emoji = rng.random(n) < 0.08
        display = _with_suffix(display, _choice(rng, _EMOJI + ["🇭🇰", "🌸", "⚽"], n), emoji)
        return screen, display

    def bios(self, langs: np.ndarray, empty_share: float = 0.3) -> pa.Array:
        rng = self.rng
        n = len(langs)
        out = np.empty(n, dtype=object)
        for lang in sorted(set(langs.tolist())):
            idx = np.flatnonzero(langs == lang)
            frags = np.asarray(_BIOS.get(lang, _BIOS["en"]), dtype=object)
            a = frags[rng.integers(0, len(frags), len(idx))]
            b = frags[rng.integers(0, len(frags), len(idx))]
            two = rng.random(len(idx)) < 0.4
            out[idx] = np.where(two & (a != b), a + " | " + b, a)
        out[rng.random(n) < empty_share] = None
        return pa.array(out, _STR)

    def new_accounts(self, n: int, *, tz, lang, created, role: str, group=None, tactic=None,
                     seeder=None, followers=(180.0, 1.7), following=(250.0, 1.1),
                     clients=_ORGANIC_CLIENTS, chrono_sd: float = 1.2, activity=None,
                     template: int | None = None, bio=None, location=None,
                     default_share: float | None = None, post_lang=None) -> np.ndarray:
        rng = self.rng
        tz = np.broadcast_to(np.asarray(tz, dtype=np.int64), (n,)).copy()
        langs = np.broadcast_to(np.asarray(lang, dtype=object), (n,)).copy()
        screen, display = self.handles(
            langs, template=template,
            default_share=self.org["default_handle_share"] if default_share is None else default_share)
        if bio is None:
            bio = self.bios(langs)
        if location is None:
            loc = np.empty(n, dtype=object)
            for t in np.unique(tz):
                idx = np.flatnonzero(tz == t)
                name = self.tzs[t]
                opts = next((r[3] for r in self.regions if r[0] == name), None) or \
                    _LOCATIONS.get(name, [name.split("/")[-1].replace("_", " ")])
                loc[idx] = np.asarray(opts, dtype=object)[rng.integers(0, len(opts), len(idx))]
            loc[rng.random(n) < 0.35] = None
            location = pa.array(loc, _STR)
        fol = np.round(rng.lognormal(np.log(followers[0]), followers[1], n)).astype(np.int64)
        fng = np.round(rng.lognormal(np.log(following[0]), following[1], n)).astype(np.int64)
        act = rng.lognormal(0.0, self.org["activity_sigma"], n) if activity is None else \
            np.broadcast_to(np.asarray(activity, dtype=float), (n,)).copy()
        base = np.array([self.org["kinds"][k] for k in ("post", "repost", "reply", "quote")])
        props = rng.gamma(4.0 * base / base.sum(), size=(n, 4)) + 1e-9
        props /= props.sum(1, keepdims=True)
        return self.A.add(
            created=np.asarray(created, dtype=np.int64).reshape(-1)[:n] if np.ndim(created) else
            np.full(n, int(created), np.int64),
            screen=screen, display=display, bio=bio, location=location,
            lang=langs, post_lang=langs.copy() if post_lang is None else
            np.broadcast_to(np.asarray(post_lang, dtype=object), (n,)).copy(),
            tz=tz, chrono=rng.normal(0.0, chrono_sd, n) if chrono_sd else np.zeros(n),
            followers=fol, following=fng, activity=act, kindprob=props,
            client=_choice(rng, list(clients), n, p=list(clients.values())),
            role=np.full(n, role, dtype=object), group=np.full(n, group, dtype=object),
            tactic=np.full(n, tactic, dtype=object),
            seeder=np.zeros(n, bool) if seeder is None else np.broadcast_to(seeder, (n,)).copy(),
        )

    def created_between(self, n: int, lo: str | int, hi: str | int, shape: float = 1.0) -> np.ndarray:
        lo_s = _secs(lo) if isinstance(lo, str) else int(lo)
        hi_s = _secs(hi) if isinstance(hi, str) else int(hi)
        hi_s = min(hi_s, self.start_s - _DAY)
        lo_s = min(lo_s, hi_s - _DAY)
        u = self.rng.beta(shape, 1.0, n) if shape != 1.0 else self.rng.random(n)
        return (lo_s + u * (hi_s - lo_s)).astype(np.int64)

    # -- posts helpers -------------------------------------------------------------------------
    def urls_news(self, n: int) -> pa.Array:
        """News links from many domains, with www/tracking/trailing-slash variants."""
        rng = self.rng
        dom = rng.choice(len(_NEWS_DOMAINS), n, p=_zipf_p(len(_NEWS_DOMAINS), 1.1))
        art = np.minimum(rng.zipf(1.5, n), 5_000_000) + dom * 7_919
        sec = _take(pa.array(_SECTIONS, _STR), (art * 2_654_435_761) % len(_SECTIONS))
        lex = _LEX["en"]
        w1 = _take(pa.array(lex, _STR), (art * 40_503) % len(lex))
        w2 = _take(pa.array(lex, _STR), (art * 97_777 + 13) % len(lex))
        host = _take(pa.array(_NEWS_DOMAINS, _STR), dom)
        www = pc.if_else(pa.array(rng.random(n) < 0.5), pa.scalar("www."), pa.scalar(""))
        base = _join("https://", www, host, "/", sec, "/", w1, "-", w2, "-", _digits(art))
        return self._variants(base, n)

    def _variants(self, base: pa.Array, n: int, *, has_query: bool = False) -> pa.Array:
        """The same pages shared with tracking parameters or a trailing slash now and then."""
        rng = self.rng
        track = rng.random(n) < self.org["tracking_share"]
        q = _choice(rng, ["utm_source=twitter&utm_medium=social", "utm_source=dlvr.it",
                          "utm_medium=Social&utm_source=Twitter#Echobox=1"], n)
        fb = _join("fbclid=IwAR", _codes(rng, n, 12))
        q = pc.if_else(pa.array(rng.random(n) < 0.25), fb, q)
        url = _with_suffix(base, q, track, sep="&" if has_query else "?")
        if has_query:
            return url
        slash = (rng.random(n) < 0.15) & ~track
        return _with_suffix(url, pa.array([""] * n, _STR), slash, sep="/")

    def tco(self, n: int) -> pa.Array:
        return _join("https://t.co/", _codes(self.rng, n, 10))

    def media(self, n: int) -> pa.Array:
        return _join("https://pbs.twimg.com/media/", _codes(self.rng, n, 15), ".jpg")

    def compose(self, body: pa.Array, *, tags: pa.ListArray | None = None,
                has_url: np.ndarray | None = None) -> pa.Array:
        """Text = body, then ``#tags``, then a t.co link when the post carries a URL."""
        n = len(body)
        text = body
        if tags is not None:
            lens = np.asarray(pc.list_value_length(tags).fill_null(0))
            text = _with_suffix(text, _tag_text(tags), lens > 0)
        if has_url is not None and has_url.any():
            text = _with_suffix(text, self.tco(n), has_url)
        return text

    def single_lists(self, values: pa.Array, mask: np.ndarray) -> pa.ListArray:
        lens = mask.astype(np.int64)
        return _lists(lens, values.filter(pa.array(mask)))

    # -- organic background --------------------------------------------------------------------
    def background(self, counts: np.ndarray, acc_info: dict, organic_mask: np.ndarray) -> None:
        rng = self.rng
        acc = np.repeat(np.arange(len(counts)), counts)
        n = len(acc)
        if n == 0:
            return
        props = acc_info["kindprob"][acc]
        kind = (rng.random(n)[:, None] > np.cumsum(props, 1)).sum(1).astype(np.int8)
        kind = np.minimum(kind, 3)
        tz, chrono = acc_info["tz"][acc], acc_info["chrono"][acc]
        ts = np.zeros(n, dtype=np.int64)
        orig = np.flatnonzero(kind == _POST)
        if len(orig) == 0:
            kind[:] = _POST
            orig = np.arange(n)
        ts[orig] = self.diurnal(len(orig), tz[orig], chrono[orig])
        # Popularity: heavy-tailed, larger for authors with many followers.
        pop = (rng.pareto(1.2, len(orig)) + 1.0) * (acc_info["followers"][acc[orig]] + 10.0) ** 0.5
        der = np.flatnonzero(kind != _POST)
        tgt = orig[rng.choice(len(orig), len(der), p=pop / pop.sum())]
        delay_median = {_REPOST: self.org["repost_delay"], _REPLY: 900.0, _QUOTE: 2400.0}
        med = np.array([0.0, delay_median[_REPOST], delay_median[_REPLY], delay_median[_QUOTE]])
        sig = np.array([0.0, 1.6, 1.5, 1.5])
        k = kind[der]
        ts[der] = ts[tgt] + 5 + rng.lognormal(np.log(med[k]), sig[k]).astype(np.int64)
        ref = np.full(n, -1, np.int64)
        ref[der] = self.P.n + tgt  # global row numbers
        drop = np.zeros(n, bool)
        drop[der] = acc[tgt] == acc[der]  # no self-reposts
        rep = der[k == _REPOST]
        dup = pd.DataFrame({"a": acc[rep], "t": ref[rep]}).duplicated().to_numpy()
        drop[rep[dup]] = True
        # Content of own posts (originals, replies, quotes).
        langs = acc_info["post_lang"][acc].astype(object)
        other = (langs != "en") & (rng.random(n) < 0.1)
        langs = np.where(other, "en", langs)
        own = kind != _REPOST
        body = _words_by_lang(rng, langs[own])
        n_own = int(own.sum())
        tags = self.hashtags(ts[own], kind[own] == _POST, n_own)
        has_url = (kind[own] != _REPLY) & (rng.random(n_own) < self.org["url_share"])
        urls = self.single_lists(self.urls_news(n_own), has_url)
        has_media = rng.random(n_own) < self.org["media_share"]
        text = self.compose(body, tags=tags, has_url=has_url)
        ment = (kind[own] == _POST) & (rng.random(n_own) < 0.08)
        popular = np.flatnonzero(organic_mask)
        mention_acc = popular[rng.integers(0, len(popular), n_own)] if len(popular) else \
            np.zeros(n_own, np.int64)
        mention_names = _take(acc_info["screen"], mention_acc)
        text = _with_suffix(text, _join("@", mention_names), ment)
        pos = np.flatnonzero(own)
        self.P.add(
            acc, ts, kind, ref=ref, drop=drop,
            text=_scatter(text, pos, n),
            hashtags=_scatter_lists(tags, pos, n),
            urls=_scatter_lists(urls, pos, n),
            mentions=_scatter_lists(self.single_lists(mention_names, ment), pos, n),
            media=_scatter_lists(self.single_lists(self.media(n_own), has_media),
                                 pos, n),
            lang=_scatter(pa.array(langs[own], _STR), pos, n),
        )
        self.bg_orig = (self.P.n - n) + orig
        self.bg_orig_acc = acc[orig]
        self.bg_orig_ts = ts[orig]

    def hashtags(self, ts: np.ndarray, allow_trend: np.ndarray, n: int) -> pa.ListArray:
        """Organic hashtags: Zipf over a vocabulary, plus trending tags around their peaks."""
        rng = self.rng
        has = rng.random(n) < self.org["hashtag_share"]
        k = has * (1 + (rng.random(n) < 0.3) + (rng.random(n) < 0.1))
        flat = _take(pa.array(_ORGANIC_TAGS, _STR),
                     rng.choice(len(_ORGANIC_TAGS), int(k.sum()), p=_zipf_p(len(_ORGANIC_TAGS), 0.9)))
        tags = _lists(k, flat)
        trend = self.trends
        if len(trend["tag"]):
            chosen = np.full(n, -1)
            for j in range(len(trend["tag"])):
                z = (ts - trend["center"][j]) / trend["width"][j]
                hit = allow_trend & (chosen < 0) & (rng.random(n) < 0.45 * np.exp(-0.5 * z * z))
                chosen[hit] = j
            got = chosen >= 0
            tags = _prepend(tags, _take(pa.array(trend["tag"], _STR), np.maximum(chosen, 0)), got)
        return tags

    def make_trends(self) -> None:
        rng = self.rng
        per_day = int(self.org["trending_per_day"])
        n = per_day * self.days
        pool = list(_TRENDING)
        names = [pool[i % len(pool)] + ("" if i < len(pool) else str(i // len(pool)))
                 for i in rng.permutation(max(n, 1))[:n]]
        self.trends = {
            "tag": names,
            "center": self.start_s + rng.random(n) * (self.end_s - self.start_s),
            "width": rng.uniform(1.0, 3.0, n) * _HOUR,
        }

    def cascades(self, acc_info: dict, pool: np.ndarray, sizes: list[int], *,
                 roots_from: np.ndarray) -> None:
        """Viral posts that thousands repost within minutes (lognormal arrival delays).

        The roots are the organic accounts with most followers; reposters come from `pool`.
        """
        rng = self.rng
        eligible = pool[roots_from[pool]]
        if not sizes or len(pool) < 3 or len(eligible) == 0:
            return
        fol = acc_info["followers"][eligible]
        roots = eligible[np.argsort(-fol, kind="stable")[: len(sizes)]]
        for root, size in zip(roots, sizes, strict=False):  # fewer roots on tiny pools
            tz = acc_info["tz"][root]
            t0 = int(self.diurnal(1, tz, lo=self.start_s, hi=self.end_s - 6 * _HOUR)[0])
            lang = str(acc_info["lang"][root])
            body = _words(rng, 1, lang)
            media = rng.random() < 0.6
            tags = self.hashtags(np.array([t0]), np.array([True]), 1)
            text = self.compose(body, tags=tags)
            root_idx = self.P.add([root], [t0], _POST, text=text, lang=lang, hashtags=tags,
                                  media=self.single_lists(self.media(1), np.array([media])))
            cand = pool[pool != root]
            size = min(int(size), len(cand))
            w = acc_info["activity"][cand] ** 0.3
            keys = np.log(w) - np.log(-np.log(rng.random(len(cand))))  # Gumbel top-k
            who = cand[_top(keys, size)]
            delay = 2 + rng.lognormal(np.log(self.org["cascade_delay"]), 1.3, size)
            self.P.add(who, t0 + delay.astype(np.int64), _REPOST, ref=np.full(size, root_idx[0]))
            n_rep = max(1, size // 12)
            rep_who = cand[rng.integers(0, len(cand), n_rep)]
            rep_lang = acc_info["lang"][rep_who].astype(object)
            self.P.add(rep_who, t0 + 5 + rng.lognormal(np.log(400.0), 1.2, n_rep).astype(np.int64),
                       _REPLY, ref=np.full(n_rep, root_idx[0]),
                       text=_words_by_lang(rng, rep_lang, median=7),
                       lang=pa.array(rep_lang, _STR), drop=rep_who == root)

    # -- campaign building blocks --------------------------------------------------------------
    def camp_tags(self, c: Campaign) -> list[str]:
        """The campaign's own hashtags (drawn once per campaign, recorded in the params)."""
        if c.name not in self.tags_of:
            pool = _CAMPAIGN_TAGS.get(c.lang, _CAMPAIGN_TAGS["en"])
            pick = self.rng.choice(len(pool), min(5, len(pool)), replace=False)
            self.tags_of[c.name] = [pool[i] for i in pick]
        return self.tags_of[c.name]

    def camp_text(self, n: int, lang: str, median: float = 12.0) -> pa.Array:
        lex = _CAMPAIGN_LEX.get(lang)
        return _words(self.rng, n, lang, median=median, lex=lex) if lex else \
            _words(self.rng, n, lang, median=median)

    def tag_lists(self, n: int, pool: list[str], lo: int = 1, hi: int = 2) -> pa.ListArray:
        rng = self.rng
        k = rng.integers(lo, hi + 1, n)
        # distinct tags within a post: a random rotation of the pool
        start = rng.integers(0, len(pool), n)
        parent = np.repeat(np.arange(n), k)
        within = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
        return _lists(k, _take(pa.array(pool, _STR), (start[parent] + within) % len(pool)))

    def seeds(self, c: Campaign, seeders: np.ndarray, n: int, tags: list[str], *,
              times: np.ndarray | None = None, url_share: float = 0.2):
        rng = self.rng
        who = seeders[rng.integers(0, len(seeders), n)]
        tz = self.tz_index(c.timezone)
        ts = self.diurnal(n, tz, lo=self.start_s, hi=self.end_s - _HOUR) if times is None else times
        body = self.camp_text(n, c.lang)
        tl = self.tag_lists(n, tags, 1, 2)
        has_url = rng.random(n) < url_share
        urls = self.single_lists(self.urls_news(n), has_url)
        has_media = rng.random(n) < 0.4
        idx = self.P.add(who, ts, _POST, text=self.compose(body, tags=tl, has_url=has_url),
                         hashtags=tl, urls=urls, lang=c.lang,
                         media=self.single_lists(self.media(n), has_media))
        return idx, ts, who

    def participants(self, n_actions: int, members: np.ndarray, p: float):
        """(action, member) pairs: each member joins each action with about probability p."""
        rng = self.rng
        pm = np.clip(p * rng.uniform(0.75, 1.25, len(members)), 0.02, 1.0)
        hit = rng.random((n_actions, len(members))) < pm[None, :]
        a, m = np.nonzero(hit)
        return a, members[m]

    def amplify(self, seed_idx, seed_ts, members, p, *, lag=(2.0, 40.0), spread: float) -> int:
        """Members repost seeds: a lag per seed plus a uniform per-member delay within `spread`."""
        rng = self.rng
        a, who = self.participants(len(seed_idx), members, p)
        if len(a) == 0:
            return 0
        wave_lag = rng.uniform(lag[0], lag[1], len(seed_idx))
        d = rng.uniform(0, spread, len(a))
        ts = seed_ts[a] + (wave_lag[a] + d).astype(np.int64)
        self.P.add(who, ts, _REPOST, ref=seed_idx[a])
        return len(a)

    def edited(self, base: pa.Array, n: int, lang: str, extra_tags: list[str]) -> pa.Array:
        """Light edits of a message: a prefix, an emoji or punctuation suffix, an extra tag."""
        rng = self.rng
        pre = ["", "", "", "Truth: ", "Look: ", "Must read! ", "Share: ", "Wake up. ", "RT "]
        if lang == "zh":
            pre = ["", "", "", "真相：", "轉發：", "大家看看！", "【必看】"]
        suf = ["", "", " !!", " 👍", " 🙏", " 😡", " 💯", " …", "!!!", " 👉"]
        text = _join(_choice(rng, pre, n), base, _choice(rng, suf, n))
        add_tag = rng.random(n) < 0.3
        if extra_tags:
            text = _with_suffix(text, _join("#", _choice(rng, extra_tags, n)), add_tag)
        return text

    # -- campaigns -----------------------------------------------------------------------------
    def campaign(self, c: Campaign, members: np.ndarray, seeders: np.ndarray, acc_info: dict) -> None:
        getattr(self, "_t_" + c.tactic)(c, members, seeders, acc_info)

    def _repost_campaign(self, c, members, seeders, *, lag):
        n_seeds = max(2, int(round(c.intensity * self.days)))
        tags = self.camp_tags(c)
        idx, ts, _ = self.seeds(c, seeders, n_seeds, tags)
        amps = np.setdiff1d(members, seeders)
        return self.amplify(idx, ts, amps, c.participation, lag=lag, spread=float(c.window))

    def _t_fast_repost(self, c, members, seeders, acc_info):
        self._repost_campaign(c, members, seeders, lag=(2.0, 40.0))

    def _t_low_and_slow(self, c, members, seeders, acc_info):
        self._repost_campaign(c, members, seeders, lag=(30.0, 120.0))

    def _t_dormant_repurposed(self, c, members, seeders, acc_info):
        self._repost_campaign(c, members, seeders, lag=(5.0, 60.0))
        self._hashtag_posts(c, members, acc_info, share=0.5)
        self._dormant_history(members, acc_info)

    def _t_batch_created(self, c, members, seeders, acc_info):
        self._repost_campaign(c, members, seeders, lag=(3.0, 30.0))
        self._hashtag_posts(c, members, acc_info, share=0.5)

    def _hashtag_posts(self, c, members, acc_info, share: float) -> None:
        """Members post own texts with the campaign's tags in bursts (same hour)."""
        rng = self.rng
        n_waves = max(1, int(round(c.intensity * self.days * share)))
        tags = self.camp_tags(c)
        t0 = self.diurnal(n_waves, self.tz_index(c.timezone), lo=self.start_s,
                          hi=self.end_s - _HOUR)
        a, who = self.participants(n_waves, members, c.participation)
        ts = t0[a] + rng.integers(0, 1800, len(a))
        tl = self.tag_lists(len(a), tags, 1, 3)
        body = self.camp_text(len(a), c.lang)
        self.P.add(who, ts, _POST, text=self.compose(body, tags=tl), hashtags=tl, lang=c.lang)

    def _dormant_history(self, members, acc_info) -> None:
        """Years of posts in another language, ending years before the window."""
        rng = self.rng
        median = 40 * min(1.0, self.f ** 0.5)
        n_hist = np.clip(np.round(rng.lognormal(np.log(median), 0.8, len(members))), 5, 400).astype(int)
        created = acc_info["created"][members]
        stop = np.maximum(created + 180 * _DAY,
                          _secs("2015-01-01") + rng.integers(0, 2 * 365 * _DAY, len(members)))
        stop = np.minimum(stop, self.start_s - 400 * _DAY)
        begin = np.maximum(created + rng.integers(0, 60 * _DAY, len(members)),
                           _secs("2011-01-01"))
        begin = np.minimum(begin, stop - 30 * _DAY)
        who = np.repeat(members, n_hist)
        lo, hi = np.repeat(begin, n_hist), np.repeat(stop, n_hist)
        ts = lo + (rng.random(len(who)) * (hi - lo)).astype(np.int64)
        old = acc_info["lang"][who].astype(object)  # the accounts keep their old profile language
        body = _words_by_lang(rng, old)
        self.P.add(who, ts, _POST, text=body, lang=pa.array(old, _STR),
                   client=_choice(rng, ["Twitter for Android", "Twitter Web Client",
                                        "Twitter for BlackBerry®"], len(who)))

    def _t_copy_paste(self, c, members, seeders, acc_info):
        rng = self.rng
        n_msg = max(2, int(round(c.intensity * self.days)))
        tags = self.camp_tags(c)
        base = self.camp_text(n_msg, c.lang, median=16)
        links = _join("https://www.youtube.com/watch?v=", _codes(rng, 4, 11))
        msg_link = rng.integers(0, 4, n_msg)
        msg_tags = self.tag_lists(n_msg, tags, 1, 2)
        t0 = self.diurnal(n_msg, self.tz_index(c.timezone), lo=self.start_s, hi=self.end_s - _HOUR)
        a, who = self.participants(n_msg, members, c.participation)
        n = len(a)
        ts = t0[a] + rng.uniform(0, float(c.window), n).astype(np.int64)
        text = self.edited(_take(base, a), n, c.lang, tags)
        has_url = np.ones(n, bool)
        tl = _take(msg_tags, a)
        url = self._variants(_take(links, msg_link[a]), n, has_query=True)
        self.P.add(who, ts, _POST, text=self.compose(text, tags=tl, has_url=has_url),
                   hashtags=tl, urls=self.single_lists(url, has_url), lang=c.lang)

    def _t_link_push(self, c, members, seeders, acc_info):
        rng = self.rng
        n_art = max(2, int(round(c.intensity * self.days)))
        doms = [_FAKE_DOMAINS[i] for i in rng.choice(len(_FAKE_DOMAINS), 3, replace=False)]
        art_dom = _take(pa.array(doms, _STR), rng.integers(0, 3, n_art))
        title = _words(rng, n_art, "en", median=9, lex=_CAMPAIGN_LEX["en"], punct=False)
        slug = pc.replace_substring(title, " ", "-")
        art_url = _join("https://", art_dom, "/", _digits(rng.integers(2019, 2020, n_art)), "/",
                        pc.utf8_slice_codeunits(slug, 0, 60), "-", _digits(rng.integers(1000, 99999, n_art)))
        t0 = self.diurnal(n_art, self.tz_index(c.timezone), lo=self.start_s, hi=self.end_s - _HOUR)
        a, who = self.participants(n_art, members, c.participation)
        n = len(a)
        ts = t0[a] + np.minimum(rng.lognormal(np.log(float(c.window) / 5), 0.9, n),
                                float(c.window)).astype(np.int64)
        use_title = rng.random(n) < 0.4
        body = pc.if_else(pa.array(use_title), _take(title, a), self.camp_text(n, c.lang))
        tags = self.camp_tags(c)
        has_tag = rng.random(n) < 0.5
        tl = self.tag_lists(n, tags, 1, 2)
        tl = _lists(np.where(has_tag, np.asarray(pc.list_value_length(tl)), 0),
                    tl.filter(pa.array(has_tag)).flatten())
        url = self._variants(_take(art_url, a), n)
        has_url = np.ones(n, bool)
        self.P.add(who, ts, _POST, text=self.compose(body, tags=tl, has_url=has_url),
                   hashtags=tl, urls=self.single_lists(url, has_url), lang=c.lang)

    def _t_hashtag_sequence(self, c, members, seeders, acc_info):
        rng = self.rng
        n_w = max(2, int(round(c.intensity * self.days)))
        pool = self.camp_tags(c) + ["hongkong", "hk", "china", "news"]
        L = rng.integers(3, 6, n_w)
        seq_flat = np.concatenate([rng.choice(len(pool), k, replace=False) for k in L])
        seqs = _lists(L, _take(pa.array(pool, _STR), seq_flat))
        t0 = self.diurnal(n_w, self.tz_index(c.timezone), lo=self.start_s, hi=self.end_s - _HOUR)
        a, who = self.participants(n_w, members, c.participation)
        n = len(a)
        ts = t0[a] + rng.uniform(0, float(c.window), n).astype(np.int64)
        tl = _take(seqs, a)
        body = self.camp_text(n, c.lang, median=8)
        self.P.add(who, ts, _POST, text=self.compose(body, tags=tl), hashtags=tl, lang=c.lang)

    def _t_office_hours(self, c, members, seeders, acc_info):
        rng = self.rng
        tz = self.tz_index(c.timezone)
        workdays = self._workdays(tz)
        n_seeds = max(2, int(round(c.intensity * workdays * 1.5)))
        tags = self.camp_tags(c)
        s_idx, s_ts, s_who = self.seeds(c, seeders, n_seeds, tags,
                                        times=np.sort(self.office(n_seeds, tz)))
        per = rng.poisson(c.intensity * workdays, len(members))
        who = np.repeat(members, per)
        n = len(who)
        is_rep = rng.random(n) < c.participation
        rep = np.flatnonzero(is_rep)
        pick = rng.integers(0, n_seeds, len(rep))
        ts_rep = s_ts[pick] + rng.uniform(60, float(c.window), len(rep)).astype(np.int64)
        drop = ~self.in_office(ts_rep, tz) | (who[rep] == s_who[pick])
        dup = pd.DataFrame({"a": who[rep], "s": pick}).duplicated().to_numpy()
        self.P.add(who[rep], ts_rep, _REPOST, ref=s_idx[pick], drop=drop | dup)
        own = np.flatnonzero(~is_rep)
        m = len(own)
        tl = self.tag_lists(m, tags, 0, 2)
        body = self.camp_text(m, c.lang)
        self.P.add(who[own], self.office(m, tz), _POST, text=self.compose(body, tags=tl),
                   hashtags=tl, lang=c.lang)
        # Cover: ordinary posts, also at the office.
        n_cover = rng.poisson(c.cover * per)
        cw = np.repeat(members, n_cover)
        k = len(cw)
        langs = acc_info["lang"][cw].astype(object)
        body = _words_by_lang(rng, langs)
        ctags = self.hashtags(np.zeros(k, np.int64), np.zeros(k, bool), k)
        self.P.add(cw, self.office(k, tz), _POST, text=self.compose(body, tags=ctags),
                   hashtags=ctags, lang=pa.array(langs, _STR))

    def _workdays(self, tz: int) -> int:
        local_days = (self.to_local(np.arange(self.start_s, self.end_s, _HOUR), tz) // _DAY)
        days = np.unique(local_days)
        return int(max(1, (((days + 3) % 7) < 5).sum()))

    def reply_swarm(self, c: Campaign, members: np.ndarray, acc_info: dict,
                    organic_mask: np.ndarray) -> None:
        rng = self.rng
        n_t = max(2, int(round(c.intensity * self.days)))
        ok = organic_mask[self.bg_orig_acc] & (self.bg_orig_ts < self.end_s - 3 * _HOUR)
        cand = np.flatnonzero(ok)
        if len(cand) == 0:
            cand = np.arange(len(self.bg_orig))
        fol = acc_info["followers"][self.bg_orig_acc[cand]]
        top = cand[np.argsort(-fol, kind="stable")[: max(n_t * 3, 10)]]
        tgt = rng.choice(top, min(n_t, len(top)), replace=False)
        t_idx, t_ts = self.bg_orig[tgt], self.bg_orig_ts[tgt]
        swarm0 = t_ts + rng.integers(60, 1800, len(tgt))
        a, who = self.participants(len(tgt), members, c.participation)
        n = len(a)
        ts = swarm0[a] + np.minimum(rng.lognormal(np.log(float(c.window) / 5), 0.8, n),
                                    float(c.window)).astype(np.int64)
        slogans = self.camp_text(6, c.lang, median=9)
        body = self.edited(_take(slogans, rng.integers(0, 6, n)), n, c.lang, self.camp_tags(c))
        self.P.add(who, ts, _REPLY, ref=t_idx[a], text=body, lang=c.lang)

    # -- decoys --------------------------------------------------------------------------------
    def fan_community(self, d: Decoy, idol: int, fans: np.ndarray, acc_info: dict) -> None:
        rng = self.rng
        tz = self.tz_index(d.timezone)
        n_posts = max(2, int(round(d.intensity * self.days)))
        ts = np.sort(self.diurnal(n_posts, tz, lo=self.start_s, hi=self.end_s - _HOUR))
        fan_tags = ["nova", "novaofficial", "nova_comeback", "streamnova"]
        tl = self.tag_lists(n_posts, fan_tags, 1, 2)
        body = _words(rng, n_posts, "en", median=8, lex=_FAN_LEX)
        has_media = rng.random(n_posts) < 0.7
        idx = self.P.add(np.full(n_posts, idol), ts, _POST, text=self.compose(body, tags=tl),
                         hashtags=tl, lang="en", media=self.single_lists(self.media(n_posts), has_media))
        # Heavy-tailed participation: a few fans repost everything, most now and then.
        a_ = 0.4
        b_ = a_ * (1 - d.participation) / d.participation
        p_fan = rng.beta(a_, b_, len(fans))
        scale = rng.lognormal(np.log(240.0), 0.8, len(fans))  # each fan's own reaction time
        hit = rng.random((n_posts, len(fans))) < p_fan[None, :]
        pi, fi = np.nonzero(hit)
        delay = 3 + scale[fi] * rng.lognormal(0.0, 1.0, len(pi))
        self.P.add(fans[fi], ts[pi] + delay.astype(np.int64), _REPOST, ref=idx[pi])
        # Replies with love, and fandom tags in fans' own posts.
        rp = rng.random((n_posts, len(fans))) < 0.12 * p_fan[None, :]
        ri, rf = np.nonzero(rp)
        k = len(ri)
        rbody = _join(_words(rng, k, "en", median=4, lex=_FAN_LEX, punct=False), " ",
                      _choice(rng, _EMOJI[:8], k))
        self.P.add(fans[rf], ts[ri] + (5 + rng.lognormal(np.log(600.0), 1.0, k)).astype(np.int64),
                   _REPLY, ref=idx[ri], text=rbody, lang="en")
        own = rng.poisson(4 * p_fan)
        who = np.repeat(fans, own)
        m = len(who)
        otl = self.tag_lists(m, fan_tags, 1, 2)
        obody = _words(rng, m, "en", median=8, lex=_FAN_LEX)
        self.P.add(who, self.diurnal(m, acc_info["tz"][who], acc_info["chrono"][who]), _POST,
                   text=self.compose(obody, tags=otl), hashtags=otl, lang="en")

    def news_bots(self, d: Decoy, bots: np.ndarray, outlets: list[tuple], acc_info: dict) -> None:
        rng = self.rng
        per_hour = d.intensity
        n_wire = max(1, int(round(8 * self.days)))
        wire_t = np.sort(rng.integers(self.start_s, self.end_s - _HOUR, n_wire))
        wire_title = _words(rng, n_wire, "en", median=9, lex=_NEWS_LEX, punct=False)
        wire_title = pc.utf8_capitalize(wire_title)
        for b, (domain, _, _) in zip(bots, outlets, strict=True):
            interval = 3600.0 / per_hour * rng.uniform(0.7, 1.5)
            phase = rng.uniform(0, interval)
            slots = self.start_s + phase + np.arange(0, (self.end_s - self.start_s) / interval) * interval
            slots = (slots + rng.normal(0, 20, len(slots))).astype(np.int64)
            slots = np.sort(slots[(slots >= self.start_s) & (slots < self.end_s)])
            if rng.random() < 0.5:  # some outlets sleep at night
                local = self.to_local(slots, self.tz_index(d.timezone)) % _DAY
                slots = slots[(local >= 6 * _HOUR)]
            n = len(slots)
            if n == 0:
                continue
            title = pc.utf8_capitalize(_words(rng, n, "en", median=9, lex=_NEWS_LEX, punct=False))
            # Wire stories: carried at the bot's next slot after release, same headline.
            take = rng.random(n_wire) < d.participation
            pos = np.searchsorted(slots, wire_t[take])
            okw = pos < n
            pos, wsel = pos[okw], np.flatnonzero(take)[okw]
            _, first = np.unique(pos, return_index=True)
            pos, wsel = pos[first], wsel[first]
            is_wire = np.zeros(n, bool)
            is_wire[pos] = True
            src = np.arange(n)
            src[pos] = n + wsel
            title = _take(pa.concat_arrays([title, wire_title]), src)
            slug = pc.utf8_lower(pc.replace_substring(pc.utf8_slice_codeunits(title, 0, 50), " ", "-"))
            section = _choice(rng, ["news", "world", "business", "local"], n)
            section = pc.if_else(pa.array(is_wire), pa.scalar("wire"), section)
            url = _join("https://", domain, "/", section, "/", slug, "-",
                        _digits(rng.integers(100000, 999999, n)),
                        "?utm_source=twitter&utm_medium=social")
            has_url = np.ones(n, bool)
            self.P.add(np.full(n, b), slots, _POST, text=self.compose(title, has_url=has_url),
                       urls=self.single_lists(url, has_url), lang="en")

    def event(self, members: np.ndarray, spec: dict, *, day: int, intensity: float,
              participation: float, broadcaster: int, acc_info: dict, tz_name: str) -> None:
        rng = self.rng
        tz = self.tz_index(tz_name)
        day = int(np.clip(day, 0, self.days - 1))
        local0 = self.day0 + day * _DAY + int(spec["start_hour"] * _HOUR)
        t0 = int(self.to_utc(np.array([local0]), tz)[0])
        dur = int(spec["hours"] * _HOUR)
        if t0 < self.start_s:
            t0 += _DAY
        if t0 + dur > self.end_s:
            t0 = max(self.start_s, self.end_s - dur - _HOUR)
        moments = np.sort(rng.integers(t0 + 600, t0 + dur - 300, 4))
        # Broadcaster highlights at each moment; crowd reposts some within minutes.
        bt = moments + rng.integers(10, 40, len(moments))
        btl = _lists(np.ones(len(bt), np.int64), pa.array([spec["tags"][0]] * len(bt), _STR))
        bbody = _choice(rng, spec["phrases"], len(bt))
        b_idx = self.P.add(np.full(len(bt), broadcaster), bt, _POST,
                           text=self.compose(bbody, tags=btl), hashtags=btl, lang="en",
                           media=_lists(np.ones(len(bt), np.int64), self.media(len(bt))))
        a, who = self.participants(len(bt), members, participation)
        rt = bt[a] + (3 + rng.lognormal(np.log(60.0), 1.0, len(a))).astype(np.int64)
        self.P.add(who, rt, _REPOST, ref=b_idx[a], drop=who == broadcaster)
        # Crowd posts: heavy-tailed counts, half in bursts after moments.
        k = np.maximum(1, np.round(rng.lognormal(np.log(intensity) - 0.5, 1.0, len(members)))).astype(int)
        who = np.repeat(members, k)
        n = len(who)
        burst = rng.random(n) < 0.45
        ts = rng.integers(t0 - 1800, t0 + dur + 1800, n)
        mom = moments[rng.integers(0, len(moments), n)]
        ts = np.where(burst, mom + rng.exponential(100.0, n).astype(np.int64), ts)
        phrase = rng.random(n) < 0.35
        body = pc.if_else(pa.array(phrase), _choice(rng, spec["phrases"], n),
                          _words(rng, n, "en", median=7, lex=spec["lex"]))
        body = _with_suffix(body, _choice(rng, _EMOJI, n), rng.random(n) < 0.3)
        tags = spec["tags"]
        k_t = (rng.random(n) < 0.95).astype(np.int64) + (rng.random(n) < 0.3)
        first = np.where(rng.random(n) < 0.8, 0, rng.integers(1, len(tags), n))
        parent = np.repeat(np.arange(n), k_t)
        within = np.arange(int(k_t.sum())) - np.repeat(np.cumsum(k_t) - k_t, k_t)
        tl = _lists(k_t, _take(pa.array(tags, _STR), (first[parent] + within) % len(tags)))
        self.P.add(who, ts, _POST, text=self.compose(body, tags=tl), hashtags=tl, lang="en",
                   drop=(ts < self.start_s) | (ts >= self.end_s))


def _scatter(values: pa.Array, positions: np.ndarray, n: int) -> pa.Array:
    """A length-`n` array with `values` at `positions` and nulls elsewhere."""
    src = np.full(n, len(values), dtype=np.int64)
    src[positions] = np.arange(len(values))
    pool = pa.concat_arrays([values.cast(_STR), pa.nulls(1, _STR)])
    return _take(pool, src)


def _scatter_lists(values: pa.ListArray, positions: np.ndarray, n: int) -> pa.ListArray:
    """A length-`n` list array with `values` at (ascending) `positions`, empty lists elsewhere."""
    off, vals = _list_parts(values)
    lens = np.zeros(n, dtype=np.int64)
    lens[positions] = np.diff(off)
    return _lists(lens, vals)


def _top(keys: np.ndarray, k: int) -> np.ndarray:
    """Positions of the `k` largest keys (weighted sampling without replacement by Gumbel keys)."""
    if k >= len(keys):
        return np.argsort(-keys, kind="stable")
    part = np.argpartition(-keys, k - 1)[:k]
    return part[np.argsort(-keys[part], kind="stable")]


def _secs(ts: str) -> int:
    return int(pd.Timestamp(ts, tz="UTC").value // 1_000_000_000)


# ---------------------------------------------------------------------------------------------
# Spec resolution
# ---------------------------------------------------------------------------------------------


def _as_spec(item, cls, what: str, kinds: tuple[str, ...]):
    key = "tactic" if cls is Campaign else "kind"
    names = [f.name for f in fields(cls)]
    if isinstance(item, cls):
        spec = item
    elif isinstance(item, dict):
        unknown = sorted(set(item) - set(names))
        if unknown:
            raise ParameterError(
                f"simulate: a {what} given as a dict has unknown key(s) {unknown}; the keys are "
                f"{names}.", name=what, value=item)
        if key not in item:
            raise ParameterError(f"simulate: a {what} needs a '{key}', one of {list(kinds)}. "
                                 f"Got {item!r}.", name=what, value=item)
        spec = cls(**item)
    else:
        raise ParameterError(f"simulate: each {what} must be a {cls.__name__} or a dict. Got "
                             f"{type(item).__name__} instead.", name=what, value=item)
    if getattr(spec, key) not in kinds:
        raise ParameterError(f"The '{key}' of a {what} must be one of {list(kinds)}. Got "
                             f"{getattr(spec, key)!r} instead.", name=key, value=getattr(spec, key))
    return spec


def _check(value, name: str, owner: str, *, low=None, high=None, integer=False, low_open=False):
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    ok = ok and np.isfinite(value) and (not integer or float(value).is_integer())
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value <= high
    if not ok:
        rng = []
        if low is not None:
            rng.append(f"{'>' if low_open else '>='} {low}")
        if high is not None:
            rng.append(f"<= {high}")
        what = "an integer" if integer else "a number"
        raise ParameterError(f"The '{name}' of {owner} must be {what} {' and '.join(rng)}. "
                             f"Got {value!r} instead.", name=name, value=value)
    return int(value) if integer else float(value)


def _check_tz(tz, owner: str) -> str:
    try:
        zoneinfo.ZoneInfo(str(tz))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ParameterError(f"The 'timezone' of {owner} must be an IANA zone such as "
                             f"'Asia/Shanghai'. Got {tz!r} instead.", name="timezone", value=tz) from exc
    return str(tz)


def _rate_factor(n_posts: int, days: int) -> float:
    """Default rates shrink for scenarios below "small" and for windows beyond a week, so that
    the planted behaviour keeps its share of the posts."""
    return min(1.0, _scale(n_posts) ** 0.3) * min(1.0, 7 / days)


def _resolve_campaign(c: Campaign, n_posts: int, name: str, days: int) -> Campaign:
    d = _TACTIC_DEFAULTS[c.tactic]
    owner = f"campaign {name!r}"
    out = replace(
        c,
        name=name,
        n_accounts=_check(c.n_accounts if c.n_accounts is not None else _default_members(n_posts),
                          "n_accounts", owner, low=2, integer=True),
        intensity=_check(c.intensity if c.intensity is not None else
                         d["intensity"] * _rate_factor(n_posts, days), "intensity",
                         owner, low=0, low_open=True),
        participation=_check(c.participation if c.participation is not None else d["participation"],
                             "participation", owner, low=0, high=1, low_open=True),
        cover=_check(c.cover if c.cover is not None else d["cover"], "cover", owner, low=0),
        timezone=_check_tz(c.timezone or d["timezone"], owner),
        lang=str(c.lang or d["lang"]),
    )
    w = c.window if c.window is not None else d["window"]
    try:
        secs = pd.Timedelta(w).total_seconds() if isinstance(w, str) else float(w)
    except (ValueError, TypeError):
        secs = float("nan")
    if not np.isfinite(secs) or secs < 1:
        raise ParameterError(f"The 'window' of {owner} must be a duration of at least 1s, e.g. "
                             f"'30s', '15min' or 900. Got {w!r} instead.", name="window", value=w)
    if out.lang not in _LEX:
        raise ParameterError(f"The 'lang' of {owner} must be one of {sorted(_LEX)}. Got "
                             f"{out.lang!r} instead.", name="lang", value=out.lang)
    return replace(out, window=secs)


def _resolve_decoy(d: Decoy, n_posts: int, name: str, days: int) -> Decoy:
    defaults = {x.kind: x.n_accounts for x in default_decoys(n_posts)}
    dd = _DECOY_DEFAULTS[d.kind]
    owner = f"decoy {name!r}"
    intensity = d.intensity
    if intensity is None and d.kind == "news_bots":
        intensity = float(np.clip(_scale(n_posts) ** 0.3, 0.25, 4.0)) * min(1.0, 7 / days)
    elif intensity is None:
        intensity = dd["intensity"] * (min(1.0, 7 / days) if d.kind == "fan_community" else 1.0)
    n_acc = d.n_accounts if d.n_accounts is not None else defaults[d.kind]
    out = replace(
        d, name=name,
        n_accounts=_check(n_acc, "n_accounts", owner, low=2 if d.kind != "news_bots" else 1,
                          integer=True),
        intensity=_check(intensity, "intensity", owner, low=0, low_open=True),
        participation=_check(d.participation if d.participation is not None else dd["participation"],
                             "participation", owner, low=0, high=1, low_open=True),
        timezone=_check_tz(d.timezone or dd["timezone"], owner),
    )
    if d.kind == "news_bots" and out.n_accounts > len(_OUTLETS):
        raise ParameterError(f"The 'n_accounts' of {owner} can be at most {len(_OUTLETS)} (one "
                             f"bot per outlet). Got {out.n_accounts}.", name="n_accounts",
                             value=out.n_accounts)
    return out


def _names(specs, key: str) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for s in specs:
        if s.name is not None:
            out.append(str(s.name))
            continue
        base = getattr(s, key)
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}_{seen[base]}")
    if len(set(out)) != len(out):
        raise ParameterError(f"simulate: group names must be unique. Got {out}.", name="name", value=out)
    return out


def _resolve_organic(organic: dict | None, n_posts: int) -> dict:
    org = dict(_ORGANIC_DEFAULTS)
    if organic:
        unknown = sorted(set(organic) - set(org))
        if unknown:
            raise ParameterError(f"simulate: unknown organic setting(s) {unknown}; the settings "
                                 f"are {sorted(org)}.", name="organic", value=organic)
        org.update(organic)
    f = _scale(n_posts)
    if org["cascades"] is None:
        org["cascades"] = 1 + n_posts // 15_000
    if org["cascade_size"] is None:
        org["cascade_size"] = int(max(30, round(0.07 * n_posts)))
    kinds = org["kinds"]
    if set(kinds) != {"post", "repost", "reply", "quote"} or min(kinds.values()) < 0 or \
            kinds["post"] <= 0:
        raise ParameterError("The organic 'kinds' must give a share to each of post, repost, "
                             f"reply and quote (post > 0). Got {kinds!r}.", name="kinds", value=kinds)
    for key in ("url_share", "tracking_share", "hashtag_share", "media_share", "default_handle_share"):
        _check(org[key], key, "organic settings", low=0, high=1)
    for key in ("posts_per_account", "activity_sigma", "repost_delay", "cascade_delay"):
        _check(org[key], key, "organic settings", low=0, low_open=True)
    for key in ("cascades", "cascade_size", "trending_per_day", "events"):
        _check(org[key], key, "organic settings", low=0, integer=True)
    if org["regions"] is not None:
        regions = []
        for r in org["regions"]:
            ok = isinstance(r, (tuple, list)) and len(r) == 4 and isinstance(r[2], dict) and \
                set(r[2]) <= set(_LEX) and len(r[2]) and len(r[3])
            if not ok:
                raise ParameterError(
                    "Each organic region must be (timezone, weight, {lang: share}, [locations]) "
                    f"with languages from {sorted(_LEX)}, e.g. ('Europe/Paris', 0.1, {{'en': 1.0}}, "
                    f"['Paris']). Got {r!r} instead.", name="regions", value=r)
            _check_tz(r[0], "an organic region")
            _check(r[1], "weight", "an organic region", low=0, low_open=True)
            regions.append((str(r[0]), float(r[1]), dict(r[2]), list(r[3])))
        org["regions"] = regions
    org["_scale"] = f
    return org


def _expected(c: Campaign, days: int) -> float:
    """Rough campaign posts per member (own actions), for sizing the background."""
    if c.tactic == "office_hours":
        return c.intensity * days * 5 / 7 * (1 + c.cover)
    mult = {"dormant_repurposed": 1.5, "batch_created": 1.5}.get(c.tactic, 1.0)
    return c.intensity * days * c.participation * mult


# ---------------------------------------------------------------------------------------------
# simulate()
# ---------------------------------------------------------------------------------------------


def simulate(
    *,
    size: str | int = "small",
    seed: int = 0,
    campaigns: list[Campaign | dict] | None = None,
    decoys: list[Decoy | dict] | None = None,
    start: str | pd.Timestamp = "2019-08-01",
    days: int = 7,
    organic: dict | None = None,
) -> Scenario:
    """Generate a realistic collection with planted coordinated campaigns and decoys.

    Parameters
    ----------
    size : {"tiny", "small", "medium", "large"} or int, default="small"
        About 2,000, 20,000, 100,000 or 1,000,000 posts, or a number of posts (>= 500).
    seed : int, default=0
        Seed of the random generator: the same seed gives the same scenario.
    campaigns : list of Campaign or dict, optional
        Coordinated campaigns. Default :func:`default_campaigns` (one per tactic). ``[]`` for
        none. A dict is read as ``Campaign(**dict)``.
    decoys : list of Decoy or dict, optional
        Decoys. Default :func:`default_decoys` (a fan community, news bots, an event crowd).
    start : str or Timestamp, default="2019-08-01"
        Start of the window (UTC).
    days : int, default=7
        Length of the window. Posts lie in ``[start, start + days)``, except the years of old
        posts of repurposed dormant accounts.
    organic : dict, optional
        Organic-background settings (see ``docs/simulate.md``), e.g. ``{"cascades": 3}``.

    Returns
    -------
    Scenario
        ``dataset``, ``truth`` (one row per account) and ``params`` (every resolved knob).

    Examples
    --------
    >>> sc = simulate(size="tiny", seed=1)
    >>> sc.dataset.rejects.empty
    True
    >>> sorted(sc.truth["role"].unique())
    ['campaign', 'decoy', 'organic']
    >>> sc.truth.loc[sc.truth["role"] == "campaign", "tactic"].nunique()
    9
    """
    t_start = time.perf_counter()
    n_posts = _n_posts(size)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"The 'seed' parameter of simulate must be a non-negative integer. "
                             f"Got {seed!r} instead.", name="seed", value=seed)
    days = _check(days, "days", "simulate", low=1, high=3660, integer=True)
    try:
        start_ts = pd.Timestamp(start)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"The 'start' parameter of simulate must be a timestamp such as "
                             f"'2019-08-01'. Got {start!r} instead.", name="start", value=start) from exc
    start_ts = start_ts.tz_localize("UTC") if start_ts.tzinfo is None else start_ts.tz_convert("UTC")
    if start_ts < pd.Timestamp("2016-01-01", tz="UTC"):
        raise ParameterError("The 'start' parameter of simulate must be 2016-01-01 or later "
                             f"(accounts need a history before it). Got {start!r}.", name="start",
                             value=start)
    org = _resolve_organic(organic, n_posts)
    camp_in = default_campaigns(n_posts) if campaigns is None else \
        [_as_spec(c, Campaign, "campaign", TACTICS) for c in campaigns]
    dec_in = default_decoys(n_posts) if decoys is None else \
        [_as_spec(d, Decoy, "decoy", DECOY_KINDS) for d in decoys]
    camp = [_resolve_campaign(c, n_posts, nm, days)
            for c, nm in zip(camp_in, _names(camp_in, "tactic"), strict=True)]
    dec = [_resolve_decoy(d, n_posts, nm, days)
           for d, nm in zip(dec_in, _names(dec_in, "kind"), strict=True)]
    if len({c.name for c in camp} | {d.name for d in dec}) != len(camp) + len(dec):
        raise ParameterError("simulate: campaign and decoy names must differ.", name="name",
                             value=[c.name for c in camp] + [d.name for d in dec])

    sim = _Sim(n_posts=n_posts, seed=int(seed), start=start_ts, days=days, organic=org,
               campaigns=camp, decoys=dec)
    posts, accounts, truth = _build(sim)
    ds = Dataset(posts, accounts, source="simulate")
    truth = truth.set_index("account_id").loc[ds.accounts["account_id"]].reset_index()
    truth = truth.astype({"account_id": STRING_DTYPE, "role": STRING_DTYPE, "group": STRING_DTYPE,
                          "tactic": STRING_DTYPE, "seeder": bool})
    params = {
        "size": size, "n_posts_target": n_posts, "n_posts": len(ds), "seed": int(seed),
        "start": start_ts.isoformat(), "days": days,
        "organic": {k: v for k, v in org.items() if not k.startswith("_")},
        "campaigns": [asdict(c) for c in camp],
        "decoys": [asdict(d) for d in dec],
        "campaign_hashtags": dict(sim.tags_of),
    }
    logger.info("simulate: %d posts, %d accounts (%d campaign, %d decoy) in %.2fs", len(ds),
                len(truth), int((truth["role"] == "campaign").sum()),
                int((truth["role"] == "decoy").sum()), time.perf_counter() - t_start)
    return Scenario(dataset=ds, truth=truth, params=params)


def _build(sim: _Sim) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = sim.rng
    org = sim.org
    f = org["_scale"]
    N = sim.n_target
    camp, dec = sim.campaigns, sim.decoys
    sim.make_trends()

    # ---- plan the organic population ----------------------------------------------------------
    special = sum(c.n_accounts * _expected(c, sim.days) * (1 + (0 if c.tactic == "office_hours"
                                                                 else c.cover)) for c in camp)
    special += sum(c.n_accounts * 55 * min(1.0, f ** 0.5) for c in camp
                   if c.tactic == "dormant_repurposed")
    for d in dec:
        if d.kind == "fan_community":
            special += d.intensity * sim.days * (1 + d.n_accounts * d.participation * 1.2) + \
                d.n_accounts * 4 * d.participation
        elif d.kind == "news_bots":
            special += d.n_accounts * d.intensity * 24 * sim.days * 0.8
        else:
            special += d.n_accounts * (d.intensity + 4 * d.participation)
    event_sizes = [int(np.clip(round(400 * f ** 0.85), 20, 20000)) for _ in range(org["events"])]
    cascade_sizes = [max(10, int(org["cascade_size"] / (k + 1))) for k in range(org["cascades"])]
    special += sum(event_sizes) * 2.5 + sum(cascade_sizes) * 1.08
    bg_est = max(N - special, 0.3 * N)
    pool_need = sum(d.n_accounts for d in dec if d.kind != "news_bots") + sum(event_sizes)
    # Viral cascades reach far beyond the regular posters: most of their reposters are light
    # users who appear only there, so the pool grows with the cascades.
    n_org = int(max(bg_est / org["posts_per_account"], 1.6 * pool_need, 50)
                + 0.8 * sum(cascade_sizes))

    region_w = np.array([r[1] for r in sim.regions], dtype=float)
    reg = rng.choice(len(sim.regions), n_org, p=region_w / region_w.sum())
    tz = np.array([sim.tz_index(sim.regions[r][0]) for r in range(len(sim.regions))])[reg]
    langs = np.empty(n_org, dtype=object)
    for r in range(len(sim.regions)):
        idx = np.flatnonzero(reg == r)
        mix = sim.regions[r][2]
        langs[idx] = np.asarray(list(mix), dtype=object)[
            rng.choice(len(mix), len(idx), p=np.array(list(mix.values())) / sum(mix.values()))]
    created = sim.created_between(n_org, "2007-03-01", sim.start_s, shape=1.6)
    org_idx = sim.new_accounts(n_org, tz=tz, lang=langs, created=created, role="organic")

    # ---- decoy groups -------------------------------------------------------------------------
    available = np.ones(n_org, bool)
    dec_members: list[tuple[Decoy, np.ndarray, Any]] = []
    A = sim.A
    for d in dec:
        tzd = sim.tz_index(d.timezone)
        if d.kind == "news_bots":
            picks = rng.choice(len(_OUTLETS), d.n_accounts, replace=False)
            outlets = [_OUTLETS[i] for i in sorted(picks)]
            n = len(outlets)
            bots = sim.new_accounts(
                n, tz=tzd, lang="en", created=sim.created_between(n, "2009-06-01", "2016-01-01"),
                role="decoy", group=d.name, tactic=d.kind, followers=(8000.0, 1.0),
                following=(40.0, 1.0), chrono_sd=0.0, activity=0.0,
                clients={c: 1.0 for c in _BOT_CLIENTS},
                bio=pa.array([f"Automated feed of {o[2]} headlines. Not monitored." for o in outlets], _STR),
                location=pa.array(["London"] * n, _STR))
            bots_screen = pa.array([o[1] for o in outlets], _STR)
            bots_display = pa.array([f"{o[2]} (bot)" for o in outlets], _STR)
            ch = A.chunks[-1]
            ch["screen"], ch["display"] = bots_screen, bots_display
            ch["client"] = _choice(rng, _BOT_CLIENTS, n)
            dec_members.append((d, bots, outlets))
            continue
        weights = np.where(tz == tzd, 8.0, 1.0) * available
        if d.kind == "fan_community":
            weights = weights * np.where(langs == "en", 2.0, 1.0)
        k = min(d.n_accounts, int(available.sum()))
        keys = np.log(weights + 1e-300) - np.log(-np.log(rng.random(n_org)))
        chosen = _top(keys, k)
        available[chosen] = False
        members = org_idx[chosen]
        ch0 = A.chunks[0]  # the organic pool: these people now belong to the decoy group
        ch0["role"][chosen], ch0["group"][chosen], ch0["tactic"][chosen] = "decoy", d.name, d.kind
        if d.kind == "fan_community":
            lead = sim.new_accounts(1, tz=tzd, lang="en", created=_secs("2016-05-01"), role="decoy",
                                    group=d.name, tactic=d.kind, seeder=True,
                                    followers=(2_400_000.0, 0.01), following=(12.0, 0.01),
                                    chrono_sd=0.5, bio=pa.array(["Official account of NOVA ✨"], _STR),
                                    default_share=0.0)
            A.chunks[-1]["screen"] = pa.array(["NOVA_official"], _STR)
            A.chunks[-1]["display"] = pa.array(["NOVA ✨"], _STR)
        else:
            spec = _EVENTS["match"]
            lead = sim.new_accounts(1, tz=tzd, lang="en", created=_secs("2012-02-01"), role="decoy",
                                    group=d.name, tactic=d.kind, seeder=True,
                                    followers=(850_000.0, 0.01), following=(300.0, 0.01),
                                    bio=pa.array([spec["broadcaster"][2]], _STR), default_share=0.0,
                                    clients={"TweetDeck": 1.0})
            A.chunks[-1]["screen"] = pa.array([spec["broadcaster"][0]], _STR)
            A.chunks[-1]["display"] = pa.array([spec["broadcaster"][1]], _STR)
        dec_members.append((d, members, lead[0]))

    # ---- campaign accounts --------------------------------------------------------------------
    camp_members: list[tuple[Campaign, np.ndarray, np.ndarray]] = []
    created_spans = {
        "fast_repost": ("2017-01-01", None, 1.5), "copy_paste": ("2014-01-01", None, 1.3),
        "link_push": ("2016-01-01", None, 1.3), "hashtag_sequence": ("2015-01-01", None, 1.3),
        "office_hours": ("2018-01-01", None, 1.0), "low_and_slow": ("2011-01-01", "2018-06-01", 1.0),
        "dormant_repurposed": ("2010-06-01", "2013-12-31", 1.0),
        "reply_swarm": ("2018-01-01", None, 1.2),
    }
    for c in camp:
        n = c.n_accounts
        tzc = sim.tz_index(c.timezone)
        template = None
        bio = None
        location = None
        followers = (35.0, 1.3)
        clients = _CAMPAIGN_CLIENTS
        if c.tactic == "batch_created":
            b0 = sim.start_s - int(rng.integers(14, 45)) * _DAY
            created = b0 + rng.integers(0, 3 * _DAY, n)
            template = int(rng.integers(0, 3))
            bio = _choice(rng, _BATCH_BIOS + [""] * 2, n)
            bio = pc.if_else(pc.equal(bio, ""), pa.nulls(n, _STR), bio)
            followers = (6.0, 0.9)
        else:
            lo, hi, shape = created_spans[c.tactic]
            created = sim.created_between(n, lo, hi or sim.start_s - 30 * _DAY, shape)
        if c.tactic == "low_and_slow":
            followers = (260.0, 1.0)
        if c.tactic == "dormant_repurposed":
            lang = np.asarray(["id", "tr", "es", "pt", "ru"], dtype=object)[rng.integers(0, 5, n)]
            clients = {"Twitter for Android": 0.6, "Twitter Web Client": 0.4}
            followers = (120.0, 1.0)
            loc = np.array([_LANG_LOCATIONS[x][rng.integers(0, len(_LANG_LOCATIONS[x]))]
                            for x in lang], dtype=object)
            loc[rng.random(n) < 0.4] = None
            location = pa.array(loc, _STR)
        else:
            lang = np.where(rng.random(n) < 0.8, c.lang, "en" if c.lang != "en" else "zh")
        n_seed = max(1, int(round(0.08 * n))) if c.tactic not in (
            "copy_paste", "link_push", "hashtag_sequence", "reply_swarm") else 0
        seeder = np.zeros(n, bool)
        seeder[:n_seed] = True
        members = sim.new_accounts(
            n, tz=tzc, lang=lang, created=created, role="campaign", group=c.name, tactic=c.tactic,
            seeder=seeder, followers=followers, following=(180.0, 0.8), clients=clients,
            chrono_sd=0.0 if c.tactic == "office_hours" else 0.8, template=template, bio=bio,
            location=location, default_share=0.2,
            post_lang=c.lang if c.tactic == "dormant_repurposed" else None)
        camp_members.append((c, members, members[:n_seed]))

    acc = A.finalize()
    acc["screen"] = _unique_handles(rng, acc["screen"])
    sim.acc = acc
    people = np.zeros(len(acc["created"]), bool)  # the organic pool, decoy members included
    people[org_idx] = True
    organic_mask = acc["role"] == "organic"

    # ---- special behaviour --------------------------------------------------------------------
    for d, members, extra in dec_members:
        if d.kind == "news_bots":
            sim.news_bots(d, members, extra, acc)
        elif d.kind == "fan_community":
            sim.fan_community(d, extra, members, acc)
        else:
            sim.event(members, _EVENTS["match"], day=min(2, sim.days - 1), intensity=d.intensity,
                      participation=d.participation, broadcaster=extra, acc_info=acc,
                      tz_name=d.timezone)
    free = org_idx[available]
    for k, size_k in enumerate(event_sizes):
        spec = _EVENTS["debate"]
        tze = sim.tz_index(spec["timezone"])
        w = np.where(acc["tz"][free] == tze, 8.0, 1.0)
        keys = np.log(w) - np.log(-np.log(rng.random(len(free))))
        members = free[_top(keys, min(size_k, len(free)))]
        bc = free[np.argmax(acc["followers"][free])] if len(free) else org_idx[0]
        sim.event(members, spec, day=(4 + 2 * k) % sim.days, intensity=2.0, participation=0.1,
                  broadcaster=bc, acc_info=acc, tz_name=spec["timezone"])
    camp_posts = np.zeros(acc["tactic"].shape[0], np.float64)
    for c, members, seeders in camp_members:
        if c.tactic != "reply_swarm":
            before = len(sim.P.chunks)
            sim.campaign(c, members, seeders, acc)
            for ch in sim.P.chunks[before:]:
                camp_posts += np.bincount(ch["acc"], minlength=len(camp_posts))
        else:
            camp_posts[members] += c.intensity * sim.days * c.participation

    # ---- background ---------------------------------------------------------------------------
    n_cascade = int(sum(min(s, int(people.sum()) - 1) * 1.08 for s in cascade_sizes))
    cover = np.zeros(len(camp_posts))
    for c, members, _ in camp_members:
        if c.tactic != "office_hours":
            cover[members] = c.cover * np.maximum(camp_posts[members], 1.0)
    so_far = sum(ch["ts"].size for ch in sim.P.chunks)  # decoys, events, campaigns
    budget = N - so_far - n_cascade - sum(c.intensity * sim.days * c.participation *
                                                c.n_accounts for c, _, _ in camp_members
                                                if c.tactic == "reply_swarm")
    cover_counts = rng.poisson(cover)
    logger.debug("simulate: n_org=%d so_far=%d cascade=%d budget=%d cover=%d", len(org_idx), so_far,
                 n_cascade, budget, int(cover_counts.sum()))
    n_org_posts = int(budget * 1.04) - int(cover_counts.sum())
    if n_org_posts < 0.3 * N:
        logger.warning("simulate: campaigns and decoys take most of the %d posts asked for; the "
                       "organic background is kept at 30%% of them and the scenario will be larger "
                       "(fewer or smaller campaigns, or a larger size, avoid this)", N)
        n_org_posts = int(0.3 * N)
    w = acc["activity"] * people
    counts = rng.multinomial(n_org_posts, w / w.sum()) + cover_counts
    sim.background(counts, acc, people)

    # ---- cascades and reply swarms ------------------------------------------------------------
    sim.cascades(acc, np.flatnonzero(people), cascade_sizes, roots_from=organic_mask)
    for c, members, _ in camp_members:
        if c.tactic == "reply_swarm":
            sim.reply_swarm(c, members, acc, organic_mask)
    return _assemble(sim, acc)


def _assemble(sim: _Sim, acc: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = sim.rng
    P = sim.P.chunks
    cat = lambda k: np.concatenate([c[k] for c in P])  # noqa: E731
    cata = lambda k: pa.concat_arrays([c[k] for c in P])  # noqa: E731
    a, ts, kind, ref, drop = cat("acc"), cat("ts"), cat("kind"), cat("ref"), cat("drop")
    drop |= ts >= sim.end_s
    has = ref >= 0
    # a derived post of a dropped post goes too (refs are one level deep)
    drop[has] |= drop[ref[has]]
    keep = np.flatnonzero(~drop)
    newpos = np.full(len(ts), -1, np.int64)
    newpos[keep] = np.arange(len(keep))
    a, ts, kind, ref = a[keep], ts[keep], kind[keep], ref[keep]
    has = ref >= 0
    ref[has] = newpos[ref[has]]
    cols = {k: _take(cata(k), keep) for k in ("text", "lang", "client", "hashtags", "urls",
                                               "mentions", "media")}
    n = len(ts)
    screen = acc["screen"]
    # account ids (old accounts: small sequential-looking ids; newer: snowflakes)
    created = acc["created"]
    n_acc = len(created)
    cutoff = _secs("2013-11-01")
    seq = np.interp(created, [_secs("2006-03-21"), cutoff], [12, 2_100_000_000]).astype(np.int64) \
        + rng.integers(0, 5_000, n_acc)
    snow = ((created * 1000 + rng.integers(0, 1000, n_acc) - TWITTER_EPOCH_MS) << 22) | \
        rng.integers(0, 1 << 22, n_acc)
    acc_id = np.where(created < cutoff, seq, snow)
    acc_id = _unique_ids(acc_id)
    acc_id_s = pa.array(acc_id).cast(_STR)

    ri = np.where(has, ref, 0)
    author = a[ri]
    sn_ref = _take(screen, author)
    text = cols["text"]
    t_ref = _take(text, ri)
    rt = _join("RT @", sn_ref, ": ", t_ref)
    rp = _join("@", sn_ref, " ", text)
    which = np.zeros(n, np.int8)
    which[kind == _REPOST] = 1
    which[kind == _REPLY] = 2
    text = pc.choose(pa.array(which), text, rt, rp)
    is_rep = kind == _REPOST
    def from_ref(arr):
        both = pa.concat_arrays([arr, _take(arr, ri)])
        return _take(both, np.where(is_rep, n + np.arange(n), np.arange(n)))
    hashtags, urls, media = from_ref(cols["hashtags"]), from_ref(cols["urls"]), from_ref(cols["media"])
    mentions = _prepend(from_ref(cols["mentions"]), sn_ref, (kind == _REPOST) | (kind == _REPLY))
    lang = from_ref(pc.coalesce(cols["lang"], pa.array(acc["lang"][a].astype(object), _STR)))
    client = pc.coalesce(cols["client"], _take(acc["client"], a))

    ms = ts * 1000 + rng.integers(0, 1000, n)
    pid = _unique_ids(((ms - TWITTER_EPOCH_MS) << 22) | rng.integers(0, 1 << 22, n))
    pid_s = pa.array(pid).cast(_STR)
    ref_pid = pc.if_else(pa.array(has), _take(pid_s, ri), pa.nulls(n, _STR))
    ref_acc = pc.if_else(pa.array(has), _take(acc_id_s, author), pa.nulls(n, _STR))

    def ser(arr):
        return pd.Series(pd.arrays.ArrowExtensionArray(arr))

    posts = pd.DataFrame({
        "post_id": ser(pid_s).astype(STRING_DTYPE),
        "account_id": ser(_take(acc_id_s, a)).astype(STRING_DTYPE),
        "timestamp": pd.Series(pd.to_datetime(ts, unit="s", utc=True)).astype(TIMESTAMP_DTYPE),
        "kind": pd.Categorical.from_codes(kind, categories=list(_KIND_NAMES)),
        "ref_post_id": ser(ref_pid).astype(STRING_DTYPE),
        "ref_account_id": ser(ref_acc).astype(STRING_DTYPE),
        "text": ser(text).astype(STRING_DTYPE),
        "urls": pd.Series(pd.arrays.ArrowExtensionArray(urls), dtype=LIST_DTYPE),
        "hashtags": pd.Series(pd.arrays.ArrowExtensionArray(hashtags), dtype=LIST_DTYPE),
        "mentions": pd.Series(pd.arrays.ArrowExtensionArray(mentions), dtype=LIST_DTYPE),
        "media": pd.Series(pd.arrays.ArrowExtensionArray(media), dtype=LIST_DTYPE),
        "lang": ser(lang).astype(STRING_DTYPE),
        "client": ser(client).astype(STRING_DTYPE),
        "platform": "twitter",
        "timestamp_precision": "s",
    })
    posting = np.zeros(n_acc, bool)
    posting[a] = True
    sel = np.flatnonzero(posting)
    accounts = pd.DataFrame({
        "account_id": ser(_take(acc_id_s, sel)).astype(STRING_DTYPE),
        "screen_name": ser(_take(screen, sel)).astype(STRING_DTYPE),
        "display_name": ser(_take(acc["display"], sel)).astype(STRING_DTYPE),
        "created_at": pd.Series(pd.to_datetime(created[sel], unit="s", utc=True)).astype(TIMESTAMP_DTYPE),
        "followers": pd.array(acc["followers"][sel], dtype="Int64"),
        "following": pd.array(acc["following"][sel], dtype="Int64"),
        "description": ser(_take(acc["bio"], sel)).astype(STRING_DTYPE),
        "location": ser(_take(acc["location"], sel)).astype(STRING_DTYPE),
        "lang": pd.array(acc["lang"][sel].astype(object), dtype=STRING_DTYPE),
    })
    truth = pd.DataFrame({
        "account_id": accounts["account_id"],
        "role": acc["role"][sel],
        "group": pd.array(acc["group"][sel], dtype=STRING_DTYPE),
        "tactic": pd.array(acc["tactic"][sel], dtype=STRING_DTYPE),
        "seeder": acc["seeder"][sel].astype(bool),
    })
    return posts, accounts, truth


def _unique_ids(ids: np.ndarray) -> np.ndarray:
    ids = ids.copy()
    for _ in range(100):
        _, first = np.unique(ids, return_index=True)
        dup = np.ones(len(ids), bool)
        dup[first] = False
        if not dup.any():
            return ids
        ids[dup] += 1
    raise AssertionError("simulate: could not make ids unique")  # pragma: no cover


def _unique_handles(rng, screen: pa.Array) -> pa.Array:
    """Screen names made unique (case-insensitively) by re-numbering the repeats."""
    s = pd.Series(np.asarray(screen.to_pylist(), dtype=object))
    for _ in range(50):
        dup = s.str.lower().duplicated().to_numpy()
        if not dup.any():
            break
        k = int(dup.sum())
        s[dup] = (s[dup].str.slice(0, 10) + pd.Series(
            rng.integers(10000, 100000, k).astype(str), index=s.index[dup])).to_numpy()
    return pa.array(s.to_numpy(dtype=object), _STR)
