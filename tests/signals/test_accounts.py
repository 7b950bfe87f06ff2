"""Account signals: creation bursts, handle/profile templates, lifecycle. Hand-built cases with
exact answers, organic data that must stay quiet, parameter errors, invariants."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordnet.dataset import Dataset
from coordnet.errors import ParameterError
from coordnet.signals.accounts import CreationBursts, HandleTemplates, Lifecycle, _group_pairs
from coordnet.signals.base import EDGE_COLUMNS

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "coortweet"
DAY = pd.Timedelta("1D")


def make_dataset(accounts: pd.DataFrame, posts: pd.DataFrame | None = None) -> Dataset:
    if posts is None:
        posts = pd.DataFrame({"post_id": ["p0"], "account_id": [accounts["account_id"].iloc[0]],
                              "timestamp": ["2020-01-01"]})
    return Dataset(posts, accounts)


# ---------------------------------------------------------------------------------------------
# _group_pairs
# ---------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=6), st.integers(1, 60))
def test_group_pairs_bounded_connected_and_within_groups(sizes, max_pairs):
    group = np.repeat(np.arange(len(sizes)), sizes)
    i, j = _group_pairs(group, max_pairs)
    assert (i != j).all()
    assert (group[i] == group[j]).all()
    pairs = {(min(a, b), max(a, b)) for a, b in zip(i.tolist(), j.tolist(), strict=True)}
    assert len(pairs) == len(i)  # no duplicates
    for g, k in enumerate(sizes):
        members = set(np.flatnonzero(group == g).tolist())
        mine = [p for p in pairs if p[0] in members]
        if k * (k - 1) // 2 <= max_pairs:
            assert len(mine) == k * (k - 1) // 2
        else:
            assert len(mine) <= max(max_pairs, k)
        graph = nx.Graph(mine)
        graph.add_nodes_from(members)
        assert nx.is_connected(graph)


def test_group_pairs_ring_lattice_degrees():
    i, j = _group_pairs(np.zeros(10, dtype=int), max_pairs=20)  # 45 pairs > 20: ring, m = 2
    assert len(i) == 20
    deg = np.bincount(np.r_[i, j], minlength=10)
    assert (deg == 4).all()


# ---------------------------------------------------------------------------------------------
# CreationBursts
# ---------------------------------------------------------------------------------------------


def uniform_times(n, start, end, rng, avoid=None):
    lo, hi = pd.Timestamp(start, tz="UTC").value, pd.Timestamp(end, tz="UTC").value
    out = []
    while len(out) < n:
        t = rng.integers(lo, hi, size=n)
        if avoid is not None:
            a0, a1 = pd.Timestamp(avoid[0], tz="UTC").value, pd.Timestamp(avoid[1], tz="UTC").value
            t = t[(t < a0) | (t >= a1)]
        out.extend(t.tolist())
    return pd.to_datetime(np.array(out[:n]), utc=True)


def batch_dataset(seed=0, n_background=1000, n_batch=30):
    rng = np.random.default_rng(seed)
    bg = uniform_times(n_background, "2015-01-01", "2019-01-01", rng, avoid=("2017-03-08", "2017-03-13"))
    batch = pd.Timestamp("2017-03-10", tz="UTC") + pd.to_timedelta(rng.uniform(0, 2, n_batch), unit="D")
    created = np.r_[bg.to_numpy(), batch.to_numpy()]
    ids = [f"bg{i:04d}" for i in range(n_background)] + [f"batch{i:02d}" for i in range(n_batch)]
    accounts = pd.DataFrame({"account_id": ids, "created_at": pd.to_datetime(created, utc=True)})
    return make_dataset(accounts), {f"batch{i:02d}" for i in range(n_batch)}


def test_batch_created_on_two_days_is_one_burst_of_exactly_those():
    ds, batch = batch_dataset()
    sig = CreationBursts()
    bursts = sig.bursts(ds)
    assert len(bursts) == 1
    assert bursts["size"].tolist() == [30]
    assert bursts["p"].iloc[0] < 1e-10
    assert 0 < bursts["expected"].iloc[0] < 5  # background of ~0.7 accounts a day
    feats = sig.features(ds)
    assert feats.index.name == "account_id"
    assert len(feats) == 1030
    assert set(feats.index[feats["creation_burst_id"].notna()]) == batch
    assert feats.loc["batch00", "creation_burst_size"] == 30
    edges = sig.compute(ds)
    assert list(edges.columns[:5]) == list(EDGE_COLUMNS)
    assert len(edges) == 30 * 29 // 2
    assert set(edges["account_a"]) | set(edges["account_b"]) == batch
    assert (edges["account_a"] < edges["account_b"]).all()
    assert (edges["signal"] == "creation_burst").all()
    assert (edges["support"] == 1).all()
    purity = 1 - bursts["expected"].iloc[0] / 30
    assert np.allclose(edges["weight"], purity**2)
    assert edges["weight"].min() > 0.8


def test_bh_correction_finds_the_same_batch():
    ds, batch = batch_dataset(seed=1)
    feats = CreationBursts(correction="bh").features(ds)
    assert set(feats.index[feats["creation_burst_id"].notna()]) == batch


def test_uniform_creation_gives_no_burst():
    rng = np.random.default_rng(7)
    created = uniform_times(2000, "2014-01-01", "2018-01-01", rng)
    accounts = pd.DataFrame({"account_id": [f"u{i}" for i in range(2000)], "created_at": created})
    ds = make_dataset(accounts)
    sig = CreationBursts()
    assert sig.bursts(ds).empty
    assert sig.compute(ds).empty
    assert sig.features(ds)["creation_burst_id"].isna().all()


def test_organic_growth_and_weekly_cycle_stay_quiet(monkeypatch):
    # 60,000 sign-ups over three years, growing threefold, twice as many on weekdays as at
    # weekends: over-dispersed against a flat Poisson, and organic.
    rng = np.random.default_rng(3)
    days = pd.date_range("2016-01-01", "2018-12-31", freq="D", tz="UTC")
    rate = np.linspace(1, 3, len(days)) * np.where(days.day_of_week < 5, 2.0, 1.0)
    per_day = rng.poisson(rate / rate.sum() * 60_000)
    created = np.repeat(days.as_unit("ns").asi8, per_day) \
        + (rng.uniform(0, 86_400, per_day.sum()) * 1e9).astype(np.int64)
    accounts = pd.DataFrame({"account_id": [f"u{i}" for i in range(len(created))],
                             "created_at": pd.to_datetime(created, utc=True)})
    ds = make_dataset(accounts)
    assert CreationBursts().bursts(ds).empty
    # The test has teeth: without the dispersion estimate, weekdays pass for bursts.
    import coordnet.signals.accounts as module

    monkeypatch.setattr(module, "_dispersion", lambda *args: 0.0)
    assert len(CreationBursts().bursts(ds)) > 0


def test_batch_straddling_midnight_is_found_by_the_offset_grid():
    rng = np.random.default_rng(5)
    bg = uniform_times(300, "2015-01-01", "2019-01-01", rng, avoid=("2017-03-08", "2017-03-13"))
    # 4 accounts before midnight, 4 after: no calendar day holds min_size=5 of them.
    batch = pd.to_datetime(["2017-03-10 22:30", "2017-03-10 23:00", "2017-03-10 23:20",
                            "2017-03-10 23:50", "2017-03-11 00:10", "2017-03-11 00:30",
                            "2017-03-11 01:00", "2017-03-11 01:40"], utc=True)
    ids = [f"bg{i}" for i in range(300)] + [f"b{i}" for i in range(8)]
    accounts = pd.DataFrame({"account_id": ids, "created_at": np.r_[bg.to_numpy(), batch.to_numpy()]})
    accounts["created_at"] = pd.to_datetime(accounts["created_at"], utc=True)
    feats = CreationBursts(min_size=5).features(make_dataset(accounts))
    assert set(feats.index[feats["creation_burst_id"].notna()]) == {f"b{i}" for i in range(8)}


def test_two_nearby_batches_are_both_found():
    rng = np.random.default_rng(11)
    bg = uniform_times(1500, "2015-01-01", "2019-01-01", rng, avoid=("2017-03-08", "2017-03-25"))
    b1 = pd.Timestamp("2017-03-10", tz="UTC") + pd.to_timedelta(rng.uniform(0, 1, 40), unit="D")
    b2 = pd.Timestamp("2017-03-20", tz="UTC") + pd.to_timedelta(rng.uniform(0, 1, 12), unit="D")
    ids = [f"bg{i}" for i in range(1500)] + [f"x{i}" for i in range(40)] + [f"y{i}" for i in range(12)]
    created = pd.to_datetime(np.r_[bg.to_numpy(), b1.to_numpy(), b2.to_numpy()], utc=True)
    sig = CreationBursts()
    ds = make_dataset(pd.DataFrame({"account_id": ids, "created_at": created}))
    assert sig.bursts(ds)["size"].tolist() == [40, 12]
    feats = sig.features(ds)
    assert feats.loc["x0", "creation_burst_id"] == 0 and feats.loc["y0", "creation_burst_id"] == 1


def test_large_burst_gives_bounded_connected_edges():
    ds, batch = batch_dataset(n_batch=300)
    edges = CreationBursts(max_edges_per_burst=1000).compute(ds)
    assert len(edges) == 300 * 3  # ring lattice, each member linked to its next 3
    deg = pd.concat([edges["account_a"], edges["account_b"]]).value_counts()
    assert set(deg.index) == batch and (deg == 6).all()
    assert (edges["burst_size"] == 300).all()


def test_creation_bursts_ignore_row_order():
    ds, _ = batch_dataset(seed=2)
    shuffled = make_dataset(ds.accounts.sample(frac=1, random_state=0))
    a = CreationBursts().compute(ds)
    b = CreationBursts().compute(shuffled)
    pd.testing.assert_frame_equal(a, b)


def test_no_creation_times_gives_empty_tables():
    accounts = pd.DataFrame({"account_id": ["a", "b"]})
    ds = make_dataset(accounts)
    edges = CreationBursts().compute(ds)
    assert edges.empty and list(edges.columns[:5]) == list(EDGE_COLUMNS)
    assert CreationBursts().features(ds)["creation_burst_id"].isna().all()


def test_collection_too_short_for_a_background_gives_no_burst():
    created = pd.to_datetime(["2020-01-01 10:00"] * 20 + ["2020-01-02 09:00"] * 3, utc=True)
    ds = make_dataset(pd.DataFrame({"account_id": [f"a{i}" for i in range(23)], "created_at": created}))
    assert CreationBursts().bursts(ds).empty


def test_window_too_fine_for_the_span_is_refused_not_allocated():
    ds, _ = batch_dataset(n_background=50, n_batch=5)  # four years of creation dates
    with pytest.raises(ParameterError, match="'window'.*bins") as info:
        CreationBursts(window="1s", background="10s").compute(ds)
    assert info.value.name == "window"


def test_features_reject_a_non_dataset():
    with pytest.raises(ParameterError, match="coordnet.Dataset"):
        CreationBursts().features(pd.DataFrame({"account_id": ["a"]}))


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"window": -1}, "window"),
    ({"window": "soon"}, "window"),
    ({"window": 0}, "window"),
    ({"background": "2D"}, "background"),
    ({"alpha": 0}, "alpha"),
    ({"alpha": 1.5}, "alpha"),
    ({"alpha": "0.01"}, "alpha"),
    ({"correction": "holm"}, "correction"),
    ({"min_size": 1}, "min_size"),
    ({"min_size": 2.5}, "min_size"),
    ({"max_edges_per_burst": 0}, "max_edges_per_burst"),
])
def test_creation_burst_parameter_errors_name_the_parameter(kwargs, param):
    ds, _ = batch_dataset(n_background=50, n_batch=5)
    sig = CreationBursts(**kwargs)
    for call in (sig.compute, sig.features, sig.bursts):
        with pytest.raises(ParameterError, match=f"'{param}'") as info:
            call(ds)
        assert info.value.name == param


# ---------------------------------------------------------------------------------------------
# HandleTemplates
# ---------------------------------------------------------------------------------------------

FIRST = ["anna", "ben", "carla", "david", "elif", "farid", "grace", "hugo", "ines", "jonas",
         "kemal", "lucia", "marco", "nadia", "oscar", "priya", "quentin", "rosa", "samir", "tanya"]
LAST = ["adams", "brown", "castro", "dubois", "evans", "fischer", "garcia", "huang", "ivanova",
        "jensen", "kowalski", "lopez", "moreau", "nguyen", "okafor", "petrov", "quinn", "rossi",
        "schmidt", "tanaka"]
BIO_PARTS = ["coffee lover", "teacher", "dad of two", "football fan", "amateur photographer",
             "nurse", "software engineer", "cat person", "traveller", "gardener", "runner",
             "history buff", "jazz", "student", "bookworm", "mum", "chess player", "baker",
             "climber", "vegan", "sci-fi nerd", "lawyer", "retired", "surfer", "birdwatcher",
             "views my own", "podcaster", "cyclist", "knitter", "film buff"]
CITIES = ["Berlin", "Lagos", "Lima", "Osaka", "Izmir", "Quito", "Leeds", "Porto", "Pune", "Hanoi"]


def organic_accounts(n=300, seed=0, prefix="o"):
    """Ordinary people: unique first+last names, handles in human styles (years, short numbers)."""
    rng = np.random.default_rng(seed)
    combos = [(f, la) for f in FIRST for la in LAST]
    picks = rng.choice(len(combos), size=n, replace=False)
    rows = []
    for i, k in enumerate(picks):
        f, la = combos[k]
        style = i % 5
        handle = [f"{f}{la}", f"{f}_{la}", f"{f[0]}{la}{rng.integers(10, 99)}",
                  f"{f}.{la}{rng.integers(1950, 2005)}", f"{la}_{f}"][style]
        parts = rng.choice(len(BIO_PARTS), size=3, replace=False)
        bio = " | ".join(BIO_PARTS[p] for p in parts) + f", {CITIES[rng.integers(10)]}"
        bio = bio if i % 3 else ["", "I love my family"][i % 2]
        rows.append({"account_id": f"{prefix}{i:04d}", "screen_name": handle,
                     "display_name": f"{f.title()} {la.title()}", "description": bio,
                     "location": ["Berlin", "", "Lagos", "Lima"][i % 4]})
    return pd.DataFrame(rows)


def test_templated_handles_are_linked_ordinary_ones_stay_quiet():
    org = organic_accounts(200)
    maria = pd.DataFrame({"account_id": [f"m{i}" for i in range(6)],
                          "screen_name": [f"maria8374920{i}" for i in range(1, 7)],
                          "display_name": [f"Maria{i}" for i in range(6)],
                          "description": "", "location": ""})
    hk = pd.DataFrame({"account_id": [f"h{i}" for i in range(4)],
                       "screen_name": ["hk_truth_8273", "hk_truth_1192", "HK_Truth_5531", "hk_truth_3310"],
                       "display_name": ["Truth", "Truth HK", "HK", "Real"], "description": "",
                       "location": ""})
    ds = make_dataset(pd.concat([org, maria, hk], ignore_index=True))
    edges = HandleTemplates().compute(ds)
    assert list(edges.columns[:5]) == list(EDGE_COLUMNS)
    linked = set(edges["account_a"]) | set(edges["account_b"])
    assert linked == set(maria["account_id"]) | set(hk["account_id"])
    assert len(edges) == 15 + 6
    assert set(edges["templates"]) == {"handle:maria|D8", "handle:hk_truth|D4"}
    n = 210  # accounts with a (non-hashed) screen name
    m = edges.loc[edges["templates"] == "handle:maria|D8", "weight"]
    assert np.allclose(m, 1 - np.log(6) / np.log(n))
    f = HandleTemplates().features(ds)
    assert f.loc["m0", "handle_template_pattern"] == "L+D8"
    assert f.loc["m0", "handle_template_digit_suffix_len"] == 8
    assert f.loc["m0", "handle_template_id"] == "handle:maria|D8"
    assert f.loc["m0", "handle_template_size"] == 6
    assert f.loc["h2", "handle_template_pattern"] == "L+_L+_D4"
    org_f = f.loc[org["account_id"]]
    assert org_f["handle_template_id"].isna().all()
    assert not org_f["handle_template_is_default_like"].any()


def test_birth_years_and_short_numbers_are_not_templates():
    org = organic_accounts(100, seed=9)
    extra = pd.DataFrame({"account_id": ["y1", "y2", "y3", "s1", "s2", "n1", "n2"],
                          "screen_name": ["carol1987", "carol1990", "Carol_2001", "carol12", "carol34",
                                          "carol8273", "carol1192"]})
    ds = make_dataset(pd.concat([org, extra], ignore_index=True))
    edges = HandleTemplates().compute(ds)
    assert edges[["account_a", "account_b", "templates"]].values.tolist() == [
        ["n1", "n2", "handle:carol|D4"]]
    f = HandleTemplates().features(ds)
    assert f.loc[["y1", "s1"], "handle_template_id"].isna().all()
    assert f.loc["y1", "handle_template_digit_suffix_len"] == 4


def test_organic_accounts_stay_quiet():
    ds = make_dataset(organic_accounts(400, seed=4))
    assert HandleTemplates().compute(ds).empty


def test_hashed_screen_names_are_not_templates():
    hexes = [hashlib.sha256(f"user{i}".encode()).hexdigest() for i in range(60)]
    b64 = [base64.b64encode(hashlib.sha256(f"x{i}".encode()).digest()).decode() for i in range(60)]
    accounts = pd.DataFrame({"account_id": [f"a{i}" for i in range(120)], "screen_name": hexes + b64})
    ds = make_dataset(accounts)
    assert HandleTemplates().compute(ds).empty
    f = HandleTemplates().features(ds)
    assert (f["handle_template_pattern"] == "HASH").all()
    assert f["handle_template_is_hashed"].all()
    assert f["handle_template_digit_suffix_len"].isna().all()
    assert not f["handle_template_is_default_like"].any()


def test_ordinary_handles_are_not_hashes():
    names = ["maria83749201", "JohnSmith1987", "abcdef", "cafe", "deadbeef", "x" * 15]
    accounts = pd.DataFrame({"account_id": [f"a{i}" for i in range(6)], "screen_name": names})
    f = HandleTemplates().features(make_dataset(accounts))
    assert not f["handle_template_is_hashed"].any()
    assert f["handle_template_pattern"].tolist() == ["L+D8", "L+D4", "L+", "L+", "L+", "L+"]


def test_near_identical_names_and_bios_link_accounts_with_noisy_or_weight():
    org = organic_accounts(150, seed=2)
    twins = pd.DataFrame({
        "account_id": ["t1", "t2"], "screen_name": ["rosy_day", "qwerty_z"],
        "display_name": ["María López 1", "maria lopez 2 🌹"],
        "description": ["Patriot. Love my country!! #HK https://t.co/abc",
                        "patriot love my country HK 💪"],
        "location": ["", ""],
    })
    ds = make_dataset(pd.concat([org, twins], ignore_index=True))
    edges = HandleTemplates().compute(ds)
    assert edges[["account_a", "account_b"]].values.tolist() == [["t1", "t2"]]
    row = edges.iloc[0]
    assert row["support"] == 2
    assert row["templates"] == "bio:patriot love my country hk; name:maria lopez"
    n_names = 152
    n_bios = int((ds.accounts["description"].fillna("").str.strip() != "").sum())
    w_name = 1 - np.log(2) / np.log(n_names)
    w_bio = 1 - np.log(2) / np.log(n_bios)
    assert row["weight"] == pytest.approx(1 - (1 - w_name) * (1 - w_bio))
    f = HandleTemplates().features(ds)
    assert f.loc["t1", "handle_template_name_size"] == 2
    assert f.loc["t1", "handle_template_bio_size"] == 2


def test_generic_bios_do_not_link_thousands():
    n = 6000
    bios = np.array(["", "I love my family", "Proud parent, football fan and coffee addict"] * (n // 3))
    accounts = pd.DataFrame({"account_id": [f"a{i:05d}" for i in range(n)],
                             "screen_name": [f"person{i}x" for i in range(n)],
                             "description": bios})
    ds = make_dataset(accounts)
    assert HandleTemplates().compute(ds).empty
    f = HandleTemplates().features(ds)
    assert f["handle_template_bio_size"].dropna().unique().tolist() == [2000]  # recorded, not linked
    assert f.loc["a00000", "handle_template_bio_size"] is pd.NA  # empty bio: too short to count


def test_common_template_says_nothing_but_rare_one_does():
    # 40% of the collection share one stem template: no edges; a pair sharing a rare one: an edge.
    n = 500
    common = [f"user{i:08d}" for i in range(200)]
    rest = [f"{FIRST[i % 20]}{LAST[(i // 20) % 20]}{chr(97 + i % 26)}" for i in range(298)]
    names = common + rest + ["zed_news_001", "zed_news_002"]
    accounts = pd.DataFrame({"account_id": [f"a{i:03d}" for i in range(n)], "screen_name": names})
    ds = make_dataset(accounts)
    edges = HandleTemplates().compute(ds)
    assert edges[["account_a", "account_b"]].values.tolist() == [["a498", "a499"]]
    f = HandleTemplates().features(ds)
    assert f.loc["a000", "handle_template_size"] == 200
    assert f.loc["a000", "handle_template_pattern_share"] == pytest.approx(200 / 500)


def test_default_like_profiles():
    accounts = pd.DataFrame({
        "account_id": ["d1", "d2", "d3", "d4"],
        "screen_name": ["maria83749201", "maria83749202", "maria837", "anna_k"],
        "display_name": ["maria83749201", "Maria", None, None],
        "description": [None, "Mother, teacher, reader", None, None],
        "location": [None, "Madrid", None, None],
    })
    f = HandleTemplates().features(make_dataset(accounts))
    assert f["handle_template_default_signs"].tolist() == [4, 1, 3, 3]
    assert f["handle_template_is_default_like"].tolist() == [True, False, False, False]


def test_handle_templates_ignore_row_order():
    org = organic_accounts(150, seed=6)
    maria = pd.DataFrame({"account_id": [f"m{i}" for i in range(5)],
                          "screen_name": [f"maria8374920{i}" for i in range(5)]})
    acc = pd.concat([org, maria], ignore_index=True)
    a = HandleTemplates().compute(make_dataset(acc))
    b = HandleTemplates().compute(make_dataset(acc.sample(frac=1, random_state=1)))
    pd.testing.assert_frame_equal(a, b)


def test_large_template_group_is_bounded():
    n = 400
    people = [f"{f}{la}{x}{y}" for f in FIRST for la in LAST for x in "abcdefghij" for y in "xyz"]
    names = [f"bot{i:06d}" for i in range(n)] + people[: 9000 - n]
    accounts = pd.DataFrame({"account_id": [f"a{i:05d}" for i in range(len(names))], "screen_name": names})
    edges = HandleTemplates(max_edges_per_template=2000).compute(make_dataset(accounts))
    assert len(edges) == n * 5  # ring lattice: 2000 // 400 = 5 neighbours ahead


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"min_suffix_digits": 0}, "min_suffix_digits"),
    ({"min_stem_len": "3"}, "min_stem_len"),
    ({"default_digits": 1.5}, "default_digits"),
    ({"min_name_len": -1}, "min_name_len"),
    ({"min_bio_len": None}, "min_bio_len"),
    ({"max_share": 1.5}, "max_share"),
    ({"max_edges_per_template": 0}, "max_edges_per_template"),
])
def test_handle_template_parameter_errors_name_the_parameter(kwargs, param):
    ds = make_dataset(organic_accounts(20))
    sig = HandleTemplates(**kwargs)
    for call in (sig.compute, sig.features):
        with pytest.raises(ParameterError, match=f"'{param}'"):
            call(ds)


# ---------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------

ANDROID = '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>'


def repurposed_posts():
    before = pd.date_range("2017-01-01 08:00", periods=10, freq="10D", tz="UTC")  # to 2017-04-01
    after = pd.date_range("2019-05-01 12:00", periods=20, freq="6h", tz="UTC")
    ts = before.append(after)
    return pd.DataFrame({
        "post_id": [f"r{i}" for i in range(30)], "account_id": "repurposed", "timestamp": ts,
        "lang": ["in"] * 6 + ["und"] * 2 + ["id"] * 2 + ["zh"] * 18 + ["zh-cn", "und"],
        "client": [ANDROID] * 10 + ["Twitter Web App"] * 20,
    })


def organic_posts(n_accounts=40, seed=0):
    rng = np.random.default_rng(seed)
    frames = []
    for a in range(n_accounts):
        gaps = rng.uniform(0.2, 3.0, 150)
        ts = pd.Timestamp("2018-01-01", tz="UTC") + pd.to_timedelta(np.cumsum(gaps), unit="D")
        lang = ["en", "de", "es", "tr"][a % 4]
        frames.append(pd.DataFrame({
            "post_id": [f"o{a}_{i}" for i in range(150)], "account_id": f"org{a:02d}", "timestamp": ts,
            "lang": np.where(rng.uniform(size=150) < 0.1, "und", lang),
            "client": ["Twitter for iPhone", "Twitter Web App"][a % 2],
        }))
    return pd.concat(frames, ignore_index=True)


def test_dormant_account_reactivated_in_another_language_and_client():
    posts = pd.concat([repurposed_posts(), organic_posts()], ignore_index=True)
    accounts = pd.DataFrame({"account_id": ["repurposed"], "created_at": ["2012-06-01 00:00"]})
    f = Lifecycle().compute(Dataset(posts, accounts))
    assert f.index.name == "account_id"
    r = f.loc["repurposed"]
    last_before = pd.Timestamp("2017-01-01 08:00", tz="UTC") + 9 * pd.Timedelta("10D")
    first_after = pd.Timestamp("2019-05-01 12:00", tz="UTC")
    assert r["lifecycle_longest_gap_days"] == (first_after - last_before) / DAY
    assert r["lifecycle_longest_gap_days"] == pytest.approx(760 + 4 / 24)
    assert r["lifecycle_gap_start"] == last_before and r["lifecycle_gap_end"] == first_after
    assert r["lifecycle_reactivated"]
    assert r["lifecycle_share_after"] == pytest.approx(20 / 30)
    assert (r["lifecycle_lang_before"], r["lifecycle_lang_after"]) == ("id", "zh")
    assert r["lifecycle_lang_switch"]
    assert r["lifecycle_client_before"] == "Twitter for Android"
    assert r["lifecycle_client_after"] == "Twitter Web App"
    assert r["lifecycle_client_switch"] and r["lifecycle_repurposed"]
    assert r["lifecycle_n_posts"] == 30
    assert r["lifecycle_lang"] == "zh" and r["lifecycle_lang_share"] == pytest.approx(19 / 27)
    age = (pd.Timestamp("2017-01-01 08:00", tz="UTC") - pd.Timestamp("2012-06-01", tz="UTC")) / DAY
    assert r["lifecycle_age_at_first_post_days"] == pytest.approx(age)
    org = f.drop(index="repurposed")
    assert not org[["lifecycle_reactivated", "lifecycle_lang_switch", "lifecycle_client_switch",
                    "lifecycle_repurposed"]].any().any()
    assert org["lifecycle_share_after"].isna().all()
    assert (org["lifecycle_longest_gap_days"] < 3).all()


def test_gradual_language_change_uses_the_midpoint():
    ts = pd.date_range("2020-01-01", periods=10, freq="1D", tz="UTC")
    posts = pd.DataFrame({"post_id": [str(i) for i in range(10)], "account_id": "a", "timestamp": ts,
                          "lang": ["en"] * 5 + ["es"] * 5})
    r = Lifecycle().compute(Dataset(posts)).loc["a"]
    assert not r["lifecycle_reactivated"] and r["lifecycle_share_after"] is pd.NA
    assert (r["lifecycle_lang_before"], r["lifecycle_lang_after"]) == ("en", "es")
    assert r["lifecycle_lang_switch"] and not r["lifecycle_repurposed"]
    assert r["lifecycle_client_before"] is pd.NA and not r["lifecycle_client_switch"]


def test_too_few_posts_on_a_side_give_no_comparison():
    ts = ["2018-01-01", "2018-01-02", "2019-06-01", "2019-06-02", "2019-06-03", "2019-06-04"]
    posts = pd.DataFrame({"post_id": list("123456"), "account_id": "a", "timestamp": ts,
                          "lang": ["id", "id", "zh", "zh", "zh", "zh"]})
    r = Lifecycle().compute(Dataset(posts)).loc["a"]
    assert r["lifecycle_reactivated"] and r["lifecycle_lang_before"] is pd.NA
    assert not r["lifecycle_lang_switch"]
    r2 = Lifecycle(min_posts=2).compute(Dataset(posts)).loc["a"]
    assert r2["lifecycle_lang_switch"] and r2["lifecycle_repurposed"]


def test_dormancy_threshold_is_inclusive_and_single_posts_have_no_gap():
    posts = pd.DataFrame({"post_id": ["1", "2", "3"], "account_id": ["a", "a", "b"],
                          "timestamp": ["2020-01-01", "2020-03-31", "2020-01-01"]})  # 90 days
    accounts = pd.DataFrame({"account_id": ["a", "b", "silent"]})
    f = Lifecycle(dormancy="90D").compute(Dataset(posts, accounts))
    assert f.loc["a", "lifecycle_reactivated"] and f.loc["a", "lifecycle_share_after"] == 0.5
    assert not Lifecycle(dormancy="91D").compute(Dataset(posts, accounts)).loc["a", "lifecycle_reactivated"]
    assert f.loc["b", "lifecycle_longest_gap_days"] is pd.NA and not f.loc["b", "lifecycle_reactivated"]
    assert f.loc["silent", "lifecycle_n_posts"] == 0
    assert f.loc["silent", "lifecycle_first_post"] is pd.NaT
    assert not f.loc["silent", "lifecycle_repurposed"]
    assert f.index.tolist() == ["a", "b", "silent"]


def reference_lifecycle(posts: pd.DataFrame, dormancy_days: float) -> pd.DataFrame:
    """A slow, obvious per-account reference for gaps and dominant languages."""
    rows = {}
    for acc, g in posts.sort_values(["timestamp", "post_id"]).groupby("account_id"):
        t = g["timestamp"].reset_index(drop=True)
        gaps = t.diff().dt.total_seconds() / 86400
        longest = gaps.max() if len(t) > 1 else np.nan
        react = len(t) > 1 and longest >= dormancy_days
        split = int(gaps.idxmax()) if react else len(t) // 2
        langs = g["lang"].reset_index(drop=True)

        def dom(s):
            s = s.dropna()
            s = s[s != "und"]
            if len(s) < 1:
                return None
            vc = s.value_counts()
            return sorted(vc[vc == vc.max()].index)[0]

        rows[acc] = {"gap": longest, "react": react, "before": dom(langs[:split]),
                     "after": dom(langs[split:])}
    return pd.DataFrame.from_dict(rows, orient="index")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 400), st.sampled_from(["en", "fr", "und"])),
                min_size=1, max_size=40, unique_by=lambda x: (x[0], x[1])))
def test_lifecycle_matches_a_per_account_reference(rows):
    posts = pd.DataFrame(rows, columns=["account_id", "day", "lang"])
    posts["timestamp"] = pd.Timestamp("2020-01-01", tz="UTC") + pd.to_timedelta(posts["day"], unit="D")
    posts["post_id"] = [f"{i:03d}" for i in range(len(posts))]
    posts = posts.drop(columns="day")
    f = Lifecycle(dormancy="60D", min_posts=1).compute(Dataset(posts))
    ref = reference_lifecycle(Dataset(posts).posts, 60)
    for acc, r in ref.iterrows():
        got = f.loc[acc]
        if np.isnan(r["gap"]):
            assert got["lifecycle_longest_gap_days"] is pd.NA
        else:
            assert got["lifecycle_longest_gap_days"] == pytest.approx(r["gap"])
        assert bool(got["lifecycle_reactivated"]) == bool(r["react"])
        for side in ("before", "after"):
            val = got[f"lifecycle_lang_{side}"]
            assert (None if val is pd.NA else val) == (None if pd.isna(r[side]) else r[side])


def test_lifecycle_ignores_row_order():
    posts = pd.concat([repurposed_posts(), organic_posts(10)], ignore_index=True)
    a = Lifecycle().compute(Dataset(posts))
    b = Lifecycle().compute(Dataset(posts.sample(frac=1, random_state=3)))
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"dormancy": -5}, "dormancy"),
    ({"dormancy": "long"}, "dormancy"),
    ({"min_posts": 0}, "min_posts"),
    ({"min_posts": True}, "min_posts"),
])
def test_lifecycle_parameter_errors_name_the_parameter(kwargs, param):
    with pytest.raises(ParameterError, match=f"'{param}'"):
        Lifecycle(**kwargs).compute(Dataset(repurposed_posts()))


def test_lifecycle_on_real_retweets():
    path = DATA / "russian_coord_tweets.csv.gz"
    if not path.exists():
        pytest.skip(f"real data not found at {path}")
    raw = pd.read_csv(path, dtype=str)
    ds = Dataset(raw.rename(columns={"content_id": "post_id", "timestamp_share": "timestamp"}))
    f = Lifecycle().compute(ds)
    assert len(f) == ds.posts["account_id"].nunique()
    assert f["lifecycle_n_posts"].sum() == len(ds.posts)
    # No language or client in this data: nothing to compare, so nothing flagged as switched.
    assert not f["lifecycle_lang_switch"].any() and not f["lifecycle_client_switch"].any()
    gaps = f["lifecycle_longest_gap_days"].dropna()
    assert (gaps >= 0).all() and gaps.max() <= (ds.posts["timestamp"].max() - ds.posts["timestamp"].min()) / DAY
