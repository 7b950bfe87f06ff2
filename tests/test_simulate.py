"""simulate(): determinism, sizes, validity, and that each tactic and decoy does what it promises."""

import re
from difflib import SequenceMatcher

import numpy as np
import pandas as pd
import pytest

from coordnet.dataset import Dataset
from coordnet.errors import ParameterError
from coordnet.normalize import normalize_text, registered_domain_of
from coordnet.schema import ACCOUNT_COLUMNS, POST_COLUMNS
from coordnet.simulate import (
    _REGIONS,
    DECOY_KINDS,
    TACTICS,
    Campaign,
    Decoy,
    Scenario,
    default_campaigns,
    default_decoys,
    simulate,
)

WINDOW_START = pd.Timestamp("2019-08-01", tz="UTC")


@pytest.fixture(scope="module")
def small() -> Scenario:
    return simulate(size="small", seed=0)


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    return simulate(size="tiny", seed=0)


@pytest.fixture(scope="module")
def posts(small) -> pd.DataFrame:
    """Posts with each author's truth (role, group, tactic, seeder)."""
    return small.dataset.posts.merge(small.truth, on="account_id", how="left", validate="m:1")


def members(sc: Scenario, group: str) -> set:
    return set(sc.truth.loc[sc.truth["group"] == group, "account_id"])


def seeds_of(sc: Scenario, posts: pd.DataFrame, group: str) -> pd.DataFrame:
    """Original posts by the group's seeders that carry the campaign's own hashtags."""
    tags = set(sc.params["campaign_hashtags"][group])
    s = posts.loc[(posts["group"] == group) & posts["seeder"] & (posts["kind"] == "post")]
    return s.loc[s["hashtags"].map(lambda h: bool(tags & set(h)))]


def reposts_of(posts: pd.DataFrame, seed_ids, by: set) -> pd.DataFrame:
    r = posts.loc[(posts["kind"] == "repost") & posts["ref_post_id"].isin(seed_ids)]
    return r.loc[r["account_id"].isin(by)]


# ---- determinism, sizes, validity ------------------------------------------------------------


def test_same_seed_same_scenario(tiny):
    again = simulate(size="tiny", seed=0)
    pd.testing.assert_frame_equal(again.dataset.posts, tiny.dataset.posts)
    pd.testing.assert_frame_equal(again.dataset.accounts, tiny.dataset.accounts)
    pd.testing.assert_frame_equal(again.truth, tiny.truth)
    assert again.params == tiny.params


def test_different_seed_different_scenario(tiny):
    other = simulate(size="tiny", seed=1)
    assert not other.dataset.posts["post_id"].equals(tiny.dataset.posts["post_id"])
    assert not other.truth["account_id"].equals(tiny.truth["account_id"])
    assert set(other.dataset.posts["text"]) != set(tiny.dataset.posts["text"])


@pytest.mark.parametrize(("size", "lo", "hi"), [("tiny", 1_600, 2_800), (5_000, 4_000, 6_200)])
def test_sizes(size, lo, hi):
    assert lo <= len(simulate(size=size, seed=3).dataset) <= hi


def test_small_size_and_population(small):
    assert 17_000 <= len(small.dataset) <= 23_000
    roles = small.truth["role"].value_counts()
    assert roles["organic"] > 5 * roles["campaign"]
    assert small.params["n_posts"] == len(small.dataset)


def test_dataset_is_valid_and_canonical(small):
    ds = small.dataset
    assert ds.rejects.empty
    for col, dtype in POST_COLUMNS.items():
        assert ds.posts[col].dtype == dtype, col
    for col, dtype in ACCOUNT_COLUMNS.items():
        assert ds.accounts[col].dtype == dtype, col
    # Rebuilding from the frames through validation changes nothing and rejects nothing.
    again = Dataset(ds.posts, ds.accounts)
    assert again.rejects.empty and len(again) == len(ds)
    p = ds.posts
    assert p["post_id"].is_unique
    assert set(p["account_id"]) == set(ds.accounts["account_id"])
    ref = p.loc[p["ref_post_id"].notna()]
    by_id = p.set_index("post_id")
    assert ref["ref_post_id"].isin(by_id.index).all()
    assert (ref["ref_account_id"].to_numpy() == by_id.loc[ref["ref_post_id"], "account_id"].to_numpy()).all()
    assert (ref["timestamp"].to_numpy() > by_id.loc[ref["ref_post_id"], "timestamp"].to_numpy()).all()
    assert (p["kind"] != "repost").sum() and ref.equals(p.loc[p["kind"] != "post"])
    # Nobody reposts the same post twice, and nobody reposts themselves.
    reposts = p.loc[p["kind"] == "repost"]
    assert not reposts.duplicated(["account_id", "ref_post_id"]).any()
    assert (reposts["account_id"] != reposts["ref_account_id"]).all()
    # The window holds everything but the old posts of repurposed dormant accounts.
    end = WINDOW_START + pd.Timedelta(days=7)
    assert (p["timestamp"] < end).all()
    before = p.loc[p["timestamp"] < WINDOW_START, "account_id"]
    assert set(small.truth.set_index("account_id").loc[before, "tactic"]) == {"dormant_repurposed"}


def test_truth_lines_up_with_accounts(small):
    t = small.truth
    assert t["account_id"].tolist() == small.dataset.accounts["account_id"].tolist()
    assert set(t["role"]) == {"organic", "campaign", "decoy"}
    assert t.loc[t["role"] == "organic", ["group", "tactic"]].isna().all().all()
    assert t.loc[t["role"] != "organic", ["group", "tactic"]].notna().all().all()
    assert set(t.loc[t["role"] == "campaign", "tactic"]) == set(TACTICS)
    assert set(t.loc[t["role"] == "decoy", "tactic"]) == set(DECOY_KINDS)
    for c in small.params["campaigns"]:
        assert (t["group"] == c["name"]).sum() == c["n_accounts"]


def test_repr(tiny):
    assert repr(tiny).startswith("<Scenario seed=0: ")
    assert "9 campaigns" in repr(tiny) and "3 decoys" in repr(tiny)


# ---- the organic background ------------------------------------------------------------------


def test_organic_viral_cascade_thousands_within_minutes(small, posts):
    reposts = posts.loc[posts["kind"] == "repost"]
    top = reposts["ref_post_id"].value_counts().index[0]
    root = posts.set_index("post_id").loc[top]
    assert root["role"] == "organic"
    wave = reposts.loc[reposts["ref_post_id"] == top]
    delay = (wave["timestamp"] - root["timestamp"]).dt.total_seconds()
    assert wave["account_id"].is_unique
    assert (delay <= 600).sum() >= 1_000
    assert (delay <= 60).sum() >= 20  # the first reposts arrive within seconds
    assert delay.median() < 300


def test_organic_activity_heavy_tailed_in_many_timezones(small, posts):
    org = posts.loc[posts["role"] == "organic"]
    per_account = org.groupby("account_id").size()
    assert per_account.max() >= 20 * per_account.median()
    # A human daily cycle in each region: quiet at 3-5 am local time, busy in the evening.
    accounts = small.dataset.accounts.set_index("account_id")
    events = {"demdebate", "debatenight", "debates2019", "engger", "threelions", "football"}
    own = org.loc[(org["kind"] == "post") & org["hashtags"].map(lambda h: not events & set(h))]
    seen = 0
    for tz, _, _, places in _REGIONS:
        ids = accounts.index[accounts["location"].isin(places)]
        hours = own.loc[own["account_id"].isin(ids), "timestamp"].dt.tz_convert(tz).dt.hour
        if len(hours) >= 150:
            seen += 1
            night = hours.isin([3, 4, 5]).mean()
            evening = hours.isin([19, 20, 21]).mean()
            assert night < 0.06 < 0.12 < evening, tz
    assert seen >= 3


def test_organic_content_links_tags_replies_quotes(small, posts):
    org = posts.loc[posts["role"] == "organic"]
    assert set(org["kind"]) == {"post", "repost", "reply", "quote"}
    domains = {registered_domain_of(u) for u in set(org["urls"].explode().dropna())}
    assert len(domains) >= 30
    # Reposts carry the original's text, tags and links, like the platform's own data.
    rp = org.loc[org["kind"] == "repost"].head(200)
    src = posts.set_index("post_id").loc[rp["ref_post_id"]]
    assert rp["text"].str.startswith("RT @").all()
    assert [list(a) for a in rp["hashtags"]] == [list(b) for b in src["hashtags"]]
    # Replies mention whom they answer.
    rep = org.loc[org["kind"] == "reply"].head(200)
    handles = small.dataset.accounts.set_index("account_id")["screen_name"].str.lower()
    assert all(handles[a] in m for a, m in zip(rep["ref_account_id"], rep["mentions"], strict=True))
    # Trending hashtags peak: some tag has most of its uses within 3 hours.
    tags = org[["timestamp", "hashtags"]].explode("hashtags").dropna()
    peaks = [ts.dt.floor("3h").value_counts().iloc[0] / len(ts)
             for _, ts in tags.groupby("hashtags")["timestamp"] if len(ts) >= 30]
    assert max(peaks) > 0.4
    assert sum(p < 0.2 for p in peaks) >= 5  # ordinary tags spread over the week


def test_organic_account_metadata(small):
    acc = small.dataset.accounts.merge(small.truth, on="account_id")
    org = acc.loc[acc["role"] == "organic"]
    years = org["created_at"].dt.year
    assert years.min() <= 2009 and years.max() == 2019 and years.nunique() >= 10
    default_like = org["screen_name"].str.fullmatch(r"[A-Z][a-z]+\d{8}")
    assert 0.03 < default_like.mean() < 0.2  # organic people keep default handles too
    assert org["screen_name"].str.lower().is_unique
    assert org["followers"].max() > 100 * org["followers"].median()
    assert 0.5 < org["description"].notna().mean() < 0.9
    assert org["lang"].nunique() >= 5
    assert small.dataset.posts["client"].nunique() >= 6


# ---- campaigns ---------------------------------------------------------------------------------


def test_every_campaign_member_posts_and_some_ordinary_content(small, posts):
    for c in small.params["campaigns"]:
        mine = posts.loc[posts["group"] == c["name"]]
        assert mine["account_id"].nunique() == c["n_accounts"], c["name"]
        tags = set(small.params["campaign_hashtags"][c["name"]])
        ordinary = mine.loc[mine["hashtags"].map(lambda h, t=tags: not (t & set(h)))]
        assert len(ordinary) >= 0.15 * len(mine), c["name"]


def test_fast_repost_within_seconds(small, posts):
    group = "fast_repost"
    seeds = seeds_of(small, posts, group)
    amps = members(small, group) - set(small.truth.loc[small.truth["seeder"], "account_id"])
    r = reposts_of(posts, seeds["post_id"], amps)
    assert len(seeds) >= 10 and len(r) >= 8 * len(seeds)
    seed_time = seeds.set_index("post_id")["timestamp"]
    lag = (r["timestamp"] - r["ref_post_id"].map(seed_time)).dt.total_seconds()
    span = r.groupby("ref_post_id")["timestamp"].agg(lambda s: (s.max() - s.min()).total_seconds())
    assert span.max() <= 20
    assert lag.max() <= 60
    assert r.groupby("ref_post_id").size().min() >= 3


def test_copy_paste_same_message_light_edits_same_link(small, posts):
    cp = posts.loc[(posts["group"] == "copy_paste") & (posts["kind"] == "post")]
    cp = cp.loc[cp["urls"].map(lambda u: any("youtube.com/watch" in x for x in u))]
    assert len(cp) >= 50
    link = cp["urls"].map(lambda u: u[0]).to_numpy()
    assert len(set(link)) <= 4  # tracking variants canonicalize to a handful of links
    core = [normalize_text(t, strip_hashtags=True) for t in cp["text"]]
    t = (cp["timestamp"] - WINDOW_START).dt.total_seconds().to_numpy()
    who = cp["account_id"].to_numpy()
    copied, identical, pairs = 0, 0, 0
    for i in range(len(cp)):
        near = np.flatnonzero((link == link[i]) & (np.abs(t - t[i]) <= 900) & (who != who[i]))
        similar = 0
        for j in near:
            m = SequenceMatcher(None, core[i], core[j], autojunk=False).find_longest_match()
            similar += m.size >= 0.6 * min(len(core[i]), len(core[j]))
            pairs += 1
            identical += core[i] == core[j]
        copied += similar >= 2
    assert copied >= 0.9 * len(cp)  # the same message, posted by others with the same link
    assert identical < 0.6 * pairs  # ... with light edits


def test_link_push_to_fake_news_domains(small, posts):
    lp = posts.loc[(posts["group"] == "link_push") & (posts["urls"].map(len) > 0)].copy()
    lp["domain"] = lp["urls"].map(lambda u: registered_domain_of(u[0]))
    others = posts.loc[posts["role"] != "campaign", "urls"].explode().dropna()
    outside = {registered_domain_of(u) for u in set(others)}
    fake = set(lp["domain"]) - outside
    assert 1 <= len(fake) <= 3
    pushed = lp.loc[lp["domain"].isin(fake)]
    assert len(pushed) >= 0.7 * len(lp)  # most of their links go to the fake sites
    per_article = pushed.groupby(pushed["urls"].map(lambda u: u[0]))
    assert per_article["account_id"].nunique().median() >= 4
    span = per_article["timestamp"].agg(lambda s: (s.max() - s.min()).total_seconds())
    assert span.max() <= 3600


def test_hashtag_sequence_same_order(small, posts):
    hs = posts.loc[(posts["group"] == "hashtag_sequence") & (posts["hashtags"].map(len) >= 3)]
    seqs = hs.groupby(pd.Series([tuple(h) for h in hs["hashtags"]], index=hs.index))
    sizes = seqs["account_id"].nunique()
    assert (sizes >= 4).sum() >= 8
    for seq, group in seqs:
        if group["account_id"].nunique() < 4:
            continue
        span = (group["timestamp"].max() - group["timestamp"].min()).total_seconds()
        assert span <= 1800
        pattern = ".*".join("#" + re.escape(t) for t in seq)
        assert group["text"].str.lower().str.contains(pattern).all()


def test_office_hours_shift_work(small, posts):
    oh = posts.loc[posts["tactic"] == "office_hours"]
    local = oh["timestamp"].dt.tz_convert("Asia/Shanghai")
    assert len(oh) >= 200
    assert local.dt.day_of_week.lt(5).all()
    hour = local.dt.hour + local.dt.minute / 60
    assert hour.between(9, 18, inclusive="left").all()
    assert hour.between(12, 13.5, inclusive="left").mean() < 0.05  # the lunch dip
    assert hour.between(9, 12, inclusive="left").mean() > 0.25


def test_low_and_slow_spread_with_filler(small, posts):
    group = "low_and_slow"
    seeds = seeds_of(small, posts, group)
    r = reposts_of(posts, seeds["post_id"], members(small, group))
    seed_time = seeds.set_index("post_id")["timestamp"]
    lag = (r["timestamp"] - r["ref_post_id"].map(seed_time)).dt.total_seconds()
    assert lag.min() >= 30 and lag.max() <= 3600 + 120
    assert lag.median() > 600  # minutes to an hour, not seconds
    mine = posts.loc[posts["group"] == group]
    assert len(r) < 0.3 * len(mine)  # mostly unrelated filler


def test_dormant_accounts_repurposed(small, posts):
    group = "dormant_repurposed"
    acc = small.dataset.accounts.set_index("account_id").loc[sorted(members(small, group))]
    assert (acc["created_at"].dt.year <= 2013).all()
    mine = posts.loc[posts["group"] == group]
    old = mine.loc[mine["timestamp"] < WINDOW_START]
    new = mine.loc[mine["timestamp"] >= WINDOW_START]
    assert old["account_id"].nunique() == len(acc)
    assert old["lang"].isin(["id", "tr", "es", "pt", "ru"]).all()
    assert (new["lang"] == "zh").mean() > 0.6
    last_old = old.groupby("account_id")["timestamp"].max()
    assert (WINDOW_START - last_old).min() > pd.Timedelta(days=365)
    assert (acc["lang"] != "zh").all()  # the profile still speaks the old language


def test_batch_created_accounts(small):
    group = "batch_created"
    acc = small.dataset.accounts.set_index("account_id").loc[sorted(members(small, group))]
    span = acc["created_at"].max() - acc["created_at"].min()
    assert span <= pd.Timedelta(days=3)
    assert acc["created_at"].max() < WINDOW_START
    templates = [r"[a-z]+_[a-z]+\d{4}", r"[a-z]+\d{5}", r"[a-z]+\d{3}_"]
    assert any(acc["screen_name"].str.fullmatch(t).all() for t in templates)
    assert acc["followers"].median() < 30


def test_reply_swarm(small, posts):
    group = "reply_swarm"
    rp = posts.loc[(posts["group"] == group) & (posts["kind"] == "reply")]
    per_target = rp.groupby("ref_post_id")
    swarmed = per_target["account_id"].nunique()
    swarmed = swarmed[swarmed >= 5]
    assert len(swarmed) >= 8

    def most_in_ten_minutes(ts: pd.Series) -> int:
        t = np.sort((ts - WINDOW_START).dt.total_seconds().to_numpy())
        return int((np.searchsorted(t, t + 600, side="right") - np.arange(len(t))).max())

    burst = per_target["timestamp"].agg(most_in_ten_minutes)[swarmed.index]
    assert (burst >= 0.8 * per_target.size()[swarmed.index]).all()  # (a few are cover replies)
    authors = posts.set_index("post_id").loc[swarmed.index, "role"]
    assert (authors == "organic").all()


# ---- decoys -----------------------------------------------------------------------------------


def test_fan_community_fast_but_independent(small, posts):
    group = "fan_community"
    t = small.truth
    idol = t.loc[(t["group"] == group) & t["seeder"], "account_id"]
    assert len(idol) == 1
    idol_posts = posts.loc[(posts["account_id"] == idol.iloc[0]) & (posts["kind"] == "post")]
    fans = members(small, group) - set(idol)
    r = reposts_of(posts, idol_posts["post_id"], fans)
    lag = (r["timestamp"] - r["ref_post_id"].map(idol_posts.set_index("post_id")["timestamp"]))
    lag = lag.dt.total_seconds()
    assert lag.median() < 600  # within minutes ...
    span = r.groupby("ref_post_id")["timestamp"].agg(lambda s: (s.max() - s.min()).total_seconds())
    assert span.min() > 300  # ... but not in lockstep
    per_fan = r.groupby("account_id").size().reindex(sorted(fans), fill_value=0)
    n = len(idol_posts)
    assert per_fan.max() >= 0.8 * n  # a few fans repost everything ...
    assert per_fan.median() <= 0.3 * n  # ... most now and then (heavy-tailed participation)
    assert (per_fan == 0).mean() > 0.05


def test_news_bots_post_own_outlet_on_schedule(small, posts):
    bots = posts.loc[posts["tactic"] == "news_bots"]
    assert bots["kind"].eq("post").all()
    domains = bots.groupby("account_id")["urls"].agg(
        lambda u: {registered_domain_of(x[0]) for x in u})
    assert domains.map(len).eq(1).all()
    assert len(set().union(*domains)) == len(domains)  # one outlet per bot
    for _, b in bots.groupby("account_id"):
        gaps = b["timestamp"].sort_values().diff().dt.total_seconds().dropna()
        regular = gaps[gaps < 3 * gaps.median()]
        assert regular.std() / regular.mean() < 0.2
    heads = bots["text"].str.replace(r" https://t\.co/\S+$", "", regex=True)
    shared = bots.groupby(heads)["account_id"].nunique()
    assert (shared >= 2).sum() >= 5  # wire stories carried by several outlets


def test_event_crowd_posts_event_hashtag(small, posts):
    crowd = members(small, "event_crowd")
    tagged = posts.loc[posts["hashtags"].map(lambda h: "engger" in h) & (posts["kind"] == "post")]
    by_crowd = tagged.loc[tagged["account_id"].isin(crowd)]
    assert by_crowd["account_id"].nunique() >= 0.85 * (len(crowd) - 1)
    span = by_crowd["timestamp"].max() - by_crowd["timestamp"].min()
    assert span <= pd.Timedelta(hours=4)
    assert by_crowd["text"].duplicated().mean() > 0.2  # "GOAL!!!" by hundreds


# ---- parameters -------------------------------------------------------------------------------


def test_custom_campaigns_and_decoys():
    sc = simulate(size="tiny", seed=5,
                  campaigns=[{"tactic": "fast_repost", "n_accounts": 9, "window": "10s"},
                             Campaign("fast_repost", n_accounts=5, name="second")],
                  decoys=[Decoy("news_bots", n_accounts=2)])
    t = sc.truth
    assert sorted(t["group"].dropna().unique()) == ["fast_repost", "news_bots", "second"]
    assert (t["group"] == "fast_repost").sum() == 9
    assert sc.params["campaigns"][0]["window"] == 10.0
    none = simulate(size="tiny", seed=5, campaigns=[], decoys=[])
    assert set(none.truth["role"]) == {"organic"}


def test_default_specs():
    assert [c.tactic for c in default_campaigns("small")] == list(TACTICS)
    assert [d.kind for d in default_decoys("medium")] == list(DECOY_KINDS)
    assert default_campaigns("medium")[0].n_accounts > default_campaigns("small")[0].n_accounts


@pytest.mark.parametrize("kwargs, match", [
    ({"size": "huge"}, "size"),
    ({"size": 10}, "size"),
    ({"seed": -1}, "seed"),
    ({"days": 0}, "days"),
    ({"start": "not a date"}, "start"),
    ({"campaigns": [{"tactic": "mind_control"}]}, "tactic"),
    ({"campaigns": [{"tactic": "copy_paste", "colour": "red"}]}, "colour"),
    ({"campaigns": [{"tactic": "copy_paste", "n_accounts": 1}]}, "n_accounts"),
    ({"campaigns": [{"tactic": "copy_paste", "participation": 1.5}]}, "participation"),
    ({"campaigns": [{"tactic": "copy_paste", "window": "-5s"}]}, "window"),
    ({"campaigns": [{"tactic": "copy_paste", "timezone": "Mars/Olympus"}]}, "timezone"),
    ({"campaigns": [Campaign("copy_paste", name="x"), Campaign("link_push", name="x")]}, "unique"),
    ({"decoys": [{"kind": "flash_mob"}]}, "kind"),
    ({"decoys": [Decoy("news_bots", n_accounts=99)]}, "n_accounts"),
    ({"organic": {"cascades": -1}}, "cascades"),
    ({"organic": {"weather": "rain"}}, "weather"),
    ({"campaigns": ["fast_repost"]}, "Campaign"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        simulate(**{"size": "tiny", **kwargs})


def test_organic_knobs():
    sc = simulate(size="tiny", seed=2, campaigns=[], decoys=[],
                  organic={"cascades": 0, "events": 0, "url_share": 0.0, "hashtag_share": 0.0,
                           "trending_per_day": 0})
    p = sc.dataset.posts
    assert p["urls"].map(len).sum() == 0
    assert p["hashtags"].map(len).sum() == 0
    assert p.loc[p["kind"] == "repost", "ref_post_id"].value_counts().max() < 100


def test_window_start_and_days():
    sc = simulate(size="tiny", seed=4, start="2020-03-02T06:00Z", days=3, campaigns=[], decoys=[])
    ts = sc.dataset.posts["timestamp"]
    assert ts.min() >= pd.Timestamp("2020-03-02T06:00Z")
    assert ts.max() < pd.Timestamp("2020-03-05T06:00Z")
    assert np.isclose(len(sc.dataset), 2_000, rtol=0.3)
