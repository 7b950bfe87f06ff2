"""The HTML report: one self-contained file an analyst can read, check and hand on.

The file holds everything it shows: styles inline, figures as inline SVG, no script, no font,
no image or style fetched from anywhere (a Content-Security-Policy in the page forbids it as
well). Every value that comes from the data (post text, names, targets, even numbers) is
HTML-escaped, so a post or a screen name carrying ``<script>`` or ``"><img onerror=...>`` shows as
that text and runs nothing.

What it holds: the collection at a glance; the networks ranked by score; per network its
members, the evidence per signal in plain sentences with numbers, the top shared targets,
example posts side by side with their timestamps, a drawing of its ties, a timeline raster
(accounts by time, one mark per post, plus a zoom on its busiest ten minutes) and an hour-of-day heat
map; the candidate groups; and the parameters of the run.
"""

from __future__ import annotations

import datetime as _dt
import html
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..result import Result
from . import _data

logger = logging.getLogger(__name__)

__all__ = ["render_report", "write_report"]

#: No fetch of any kind; inline styles and data: images only; no script at all.
_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
        "form-action 'none'")
_MAX_MEMBERS_TABLE = 500
_MAX_DRAWN = 300
_ROW_LABEL = 28  # characters of an account name beside a raster or heat-map row
_MAX_TEXT = 600
_MAX_TARGET = 160

_CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d1d9e0; --soft:#f6f8fa; --accent:#0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
       "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 60px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-top: 12px; border-top: 2px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
.muted { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 130px; background: var(--soft); }
.card b { display: block; font-size: 18px; }
.note { border-left: 4px solid #d29922; background: #fff8e5; padding: 8px 12px; margin: 12px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); position: sticky; top: 0; z-index: 1; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:nth-child(even) td { background: #fbfcfd; }
.scroll { max-height: 420px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: minmax(0, 1fr); } }
.chip { display: inline-block; padding: 0 7px; margin: 1px 2px; border-radius: 10px; background: #e7eef7;
        font-size: 12px; white-space: nowrap; }
.sentences li { margin: 3px 0; }
.posts { display: flex; gap: 10px; overflow-x: auto; padding: 4px 2px 10px; }
.post { flex: 0 0 260px; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; }
.post .since { color: var(--muted); font-size: 12px; }
.post .when { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.post .who { font-weight: 600; margin: 2px 0 4px; overflow-wrap: anywhere; }
.post .text { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 13px; }
.target { overflow-wrap: anywhere; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
          font-size: 12px; }
figure { margin: 8px 0 14px; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 2px; }
svg { max-width: 100%; height: auto; display: block; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
a { color: var(--accent); }
details > summary { cursor: pointer; color: var(--accent); margin: 6px 0; }
code { font-size: 12px; background: var(--soft); padding: 0 3px; border-radius: 3px; white-space: nowrap; }
"""


# ---------------------------------------------------------------------------------------------
# Escaping and formatting
# ---------------------------------------------------------------------------------------------


def _e(value) -> str:
    """Any value as escaped HTML text ('' for missing)."""
    if _missing(value):
        return ""
    return html.escape(str(value), quote=True)


def _cut(text, width: int) -> str:
    text = "" if _missing(text) else str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _num(value, fmt: str = "{:,}") -> str:
    if _missing(value):
        return ""
    return _e(fmt.format(value))


def _test_label(r) -> str:
    """" (niche test of co_repost)" when a niche view, not fusion, gave the group's q."""
    test = getattr(r, "group_test", None)
    if not isinstance(test, str) or test in ("", "fused"):
        return ""
    return f" (niche test of {_e(test.removeprefix('niche_'))})"


def _q(value) -> str:
    v = float(value)
    if np.isnan(v):
        return ""
    return "&lt; 1e-300" if v <= 1e-300 else _e(f"{v:.1e}") if v < 0.001 else _e(f"{v:.3f}")


def _ts(value, *, seconds: bool = True) -> str:
    if _missing(value):
        return ""
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    if not seconds:
        return _e(ts.strftime("%Y-%m-%d %H:%M"))
    frac = f".{ts.microsecond // 1000:03d}" if ts.microsecond else ""
    return _e(ts.strftime("%Y-%m-%d %H:%M:%S") + frac)


def _chips(values: Iterable[str]) -> str:
    return "".join(f'<span class="chip">{_e(v)}</span>' for v in values if v)


def _table(header: Sequence[tuple[str, str]], rows: Iterable[Sequence[str]], *, scroll: bool = False) -> str:
    """An HTML table; `header` is (label, css class); cells are already-escaped HTML."""
    def attr(cls: str) -> str:
        return f' class="{cls}"' if cls else ""

    head = "".join(f"<th{attr(cls)}>{_e(label)}</th>" for label, cls in header)
    body = "".join("<tr>" + "".join(f"<td{attr(cls)}>{cell}</td>" for (_, cls), cell in
                                     zip(header, row, strict=True)) + "</tr>" for row in rows)
    t = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{t}</div>' if scroll else t


def _missing(value) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _split(signals) -> list[str]:
    return [] if _missing(signals) else [s for s in str(signals).split(",") if s]


# ---------------------------------------------------------------------------------------------
# Inline SVG figures
# ---------------------------------------------------------------------------------------------


def _svg(width: int, height: int, body: str, label: str) -> str:
    return (f'<svg viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{_e(label)}">{body}</svg>')


def _svg_network(nodes: pd.DataFrame, edges: pd.DataFrame, *, by: str, labels: bool, size: int = 560) -> str:
    """Nodes (x, y in [0, 1]) and edges drawn as SVG; colour by network or by role."""
    if nodes.empty:
        return '<p class="muted">No ties to draw.</p>'
    pad = 30
    pad_right = 120 if by == "role" else 30  # room for names written right of the dots
    span = size - pad - pad_right
    x0, y0 = float(nodes["x"].min()), float(nodes["y"].min())
    ext = max(float(nodes["x"].max()) - x0, float(nodes["y"].max()) - y0, 1e-9)
    height = int(round(2 * pad + (float(nodes["y"].max()) - y0) / ext * span)) + (24 if by == "role" else 0)

    def px(v: float) -> float:
        return round(pad + float(v) * span, 1)

    nodes = nodes.assign(x=(nodes["x"] - x0) / ext, y=(nodes["y"] - y0) / ext)
    if len(edges):
        edges = edges.assign(xa=(edges["xa"] - x0) / ext, xb=(edges["xb"] - x0) / ext,
                             ya=(edges["ya"] - y0) / ext, yb=(edges["yb"] - y0) / ext)
    parts = []
    if len(edges):
        ev = edges["evidence"].astype(float).to_numpy()
        rel = np.clip(ev / max(float(ev.max()), 1e-9), 0, 1)
        bucket = np.minimum((rel * 4).astype(int), 3)
        for b in range(4):
            sel = edges[bucket == b]
            if sel.empty:
                continue
            d = " ".join(f"M{px(r.xa)} {px(r.ya)}L{px(r.xb)} {px(r.yb)}" for r in sel.itertuples())
            parts.append(f'<path d="{d}" stroke="#57606a" stroke-opacity="{0.12 + 0.14 * b:.2f}" '
                         'stroke-width="0.8" fill="none"/>')
    for r in nodes.itertuples():
        colour = _data.network_colour(r.network_id) if by == "network" else \
            _data.ROLE_COLOURS.get(r.role, _data.ROLE_COLOURS["member"])
        radius = 3.0 + 4.0 * min(max(float(r.score), 0.0), 1.0)
        tip = f"{r.label} · network {r.network_id} · {r.role} · score {float(r.score):.2f}"
        parts.append(f'<circle cx="{px(r.x)}" cy="{px(r.y)}" r="{radius:.1f}" fill="{colour}" '
                     f'stroke="#fff" stroke-width="0.8"><title>{_e(tip)}</title></circle>')
        if labels or (by == "role" and r.role == "seeder"):
            parts.append(f'<text x="{px(r.x) + radius + 2:.1f}" y="{px(r.y) + 3:.1f}" font-size="10" '
                         f'fill="#1f2328">{_e(r.label)}</text>')
    if by == "network":
        for nid, grp in nodes.groupby("network_id", sort=True):
            parts.append(f'<text x="{px(grp["x"].mean()):.1f}" y="{max(px(grp["y"].min()) - 9, 10):.1f}" '
                         f'font-size="11" font-weight="600" text-anchor="middle" '
                         f'fill="{_data.network_colour(nid)}">network {_e(nid)}</text>')
    else:
        y = height - 8
        for i, (role, colour) in enumerate(_data.ROLE_COLOURS.items()):
            parts.append(f'<circle cx="{12 + i * 90}" cy="{y - 4}" r="5" fill="{colour}"/>'
                         f'<text x="{20 + i * 90}" y="{y}" font-size="11" fill="#1f2328">{_e(role)}</text>')
    return _svg(size, height, "".join(parts), "network drawing")


def _nice_step(span_s: float, max_ticks: int = 8) -> float:
    steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
             86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 182 * 86400, 365 * 86400]
    for s in steps:
        if span_s / s <= max_ticks:
            return float(s)
    return span_s / max_ticks


def _svg_raster(mem: pd.DataFrame, acts: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, *,
                label: str) -> str:
    """Accounts by time, one tick per post (ticks closer than a pixel merge), coloured by kind."""
    left, right, top, row_h, plot_w = 190, 14, 22, 13, 900
    n = max(len(mem), 1)
    height = top + n * row_h + 34
    width = left + plot_w + right
    t0 = start.value
    span = max(end.value - t0, 1)
    parts = []
    for i, lab in enumerate(mem["label"]):
        y = top + i * row_h
        if i % 2 == 0:
            parts.append(f'<rect x="{left}" y="{y}" width="{plot_w}" height="{row_h}" fill="#f6f8fa"/>')
        parts.append(f'<text x="{left - 6}" y="{y + row_h - 3}" font-size="10" text-anchor="end" '
                     f'fill="#1f2328">{_e(_cut(lab, _ROW_LABEL))}<title>{_e(lab)}</title></text>')
    step = _nice_step(span / 1e9)
    first_tick = np.ceil(t0 / 1e9 / step) * step
    fmt = "%H:%M:%S" if step < 60 else "%m-%d %H:%M" if step < 86400 else "%Y-%m-%d"
    for s in np.arange(first_tick, (t0 + span) / 1e9 + 1e-9, step):
        x = left + (s * 1e9 - t0) / span * plot_w
        stamp = pd.Timestamp(int(s * 1e9), tz="UTC").strftime(fmt)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + n * row_h}" stroke="#d1d9e0"/>'
                     f'<text x="{x:.1f}" y="{top + n * row_h + 14}" font-size="10" text-anchor="middle" '
                     f'fill="#59636e">{_e(stamp)}</text>')
    if len(acts):
        ns = acts["timestamp"].dt.as_unit("ns").astype("int64").to_numpy()
        x = np.clip(np.floor((ns - t0) / span * plot_w), 0, plot_w - 1).astype(np.int64)
        marks = pd.DataFrame({"x": x, "row": acts["row"].to_numpy(), "kind": acts["kind"].to_numpy()})
        marks = marks.drop_duplicates()
        for kind, colour in _data.KIND_COLOURS.items():
            sel = marks[marks["kind"] == kind]
            if sel.empty:
                continue
            d = "".join(f"M{left + xx + 0.5} {top + rr * row_h + 1}v{row_h - 2}"
                        for xx, rr in zip(sel["x"].tolist(), sel["row"].tolist(), strict=True))
            parts.append(f'<path d="{d}" stroke="{colour}" stroke-width="1.6" fill="none"/>')
    else:
        parts.append(f'<text x="{left + plot_w / 2}" y="{top + n * row_h / 2}" text-anchor="middle" '
                     'font-size="12" fill="#59636e">no posts in this interval</text>')
    lx = left
    counts = acts["kind"].value_counts() if len(acts) else pd.Series(dtype=int)
    for kind, colour in _data.KIND_COLOURS.items():
        text = f"{kind} ({int(counts.get(kind, 0)):,})"
        parts.append(f'<rect x="{lx}" y="5" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="14" font-size="11" fill="#1f2328">{_e(text)}</text>')
        lx += 30 + 7 * len(text)
    parts.append(f'<text x="{left + plot_w}" y="{top + n * row_h + 30}" font-size="10" text-anchor="end" '
                 'fill="#59636e">time (UTC)</text>')
    return _svg(width, height, "".join(parts), label)


def _shade(v: float, vmax: float) -> str:
    """White to dark blue."""
    t = 0.0 if vmax <= 0 else min(max(v / vmax, 0.0), 1.0)
    lo, hi = np.array([255, 255, 255]), np.array([8, 48, 107])
    r, g, b = (lo + (hi - lo) * t).round().astype(int)
    return f"#{r:02x}{g:02x}{b:02x}"


def _svg_hours(m: pd.DataFrame, *, label: str) -> str:
    left, top, cell_w, cell_h = 190, 8, 26, 13
    n = len(m)
    width = left + 24 * cell_w + 16
    height = top + n * cell_h + 40
    vals = m.to_numpy(float)
    vmax = float(vals.max()) if vals.size else 1.0
    posts = m.attrs.get("posts", [0] * n)
    parts = []
    for i, (lab, row) in enumerate(zip(m.index, vals, strict=True)):
        y = top + i * cell_h + (4 if i == n - 1 else 0)
        parts.append(f'<text x="{left - 6}" y="{y + cell_h - 3}" font-size="10" text-anchor="end" '
                     f'fill="#1f2328">{_e(_cut(lab, _ROW_LABEL))}<title>{_e(lab)}</title></text>')
        for h in range(24):
            tip = f"{lab}, {h:02d}:00-{h:02d}:59: {row[h]:.0%} of {posts[i]:,} posts"
            parts.append(f'<rect x="{left + h * cell_w}" y="{y}" width="{cell_w - 1}" height="{cell_h - 1}" '
                         f'fill="{_shade(row[h], vmax)}"><title>{_e(tip)}</title></rect>')
    base = top + n * cell_h + 4
    for h in range(0, 24, 2):
        parts.append(f'<text x="{left + h * cell_w + cell_w / 2}" y="{base + 14}" font-size="10" '
                     f'text-anchor="middle" fill="#59636e">{h}</text>')
    parts.append(f'<text x="{left + 12 * cell_w}" y="{base + 30}" font-size="10" text-anchor="middle" '
                 f'fill="#59636e">hour of day ({_e(m.attrs.get("tz", "UTC"))}); darker = larger share of '
                 'the account\'s posts</text>')
    return _svg(width, height, "".join(parts), label)


def _svg_scores(result: Result) -> str:
    acc = result.accounts
    score = acc["score"].astype(float).clip(0, 1).to_numpy()
    flagged = acc["network_id"].notna().to_numpy(bool)
    bins = np.linspace(0, 1, 21)
    h_no = np.histogram(score[~flagged], bins=bins)[0]
    h_yes = np.histogram(score[flagged], bins=bins)[0]
    left, top, w, h = 50, 20, 520, 150
    ymax = np.log10(max(int((h_no + h_yes).max()), 1) + 1)
    parts = []
    bw = w / 20
    for i in range(20):
        y_base = top + h
        for count, colour, below in ((h_no[i], _data.NO_NETWORK_COLOUR, 0), (h_yes[i], "#D55E00", h_no[i])):
            if count <= 0:
                continue
            y1 = top + h - np.log10(below + count + 1) / ymax * h
            y0 = top + h - np.log10(below + 1) / ymax * h
            parts.append(f'<rect x="{left + i * bw + 1:.1f}" y="{y1:.1f}" width="{bw - 2:.1f}" '
                         f'height="{max(y0 - y1, 0.5):.1f}" fill="{colour}"><title>{_e(f"{bins[i]:.2f}-{bins[i + 1]:.2f}: {count:,} accounts")}</title></rect>')
        del y_base
    for v in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<text x="{left + v * w:.1f}" y="{top + h + 14}" font-size="10" text-anchor="middle" '
                     f'fill="#59636e">{v:g}</text>')
    for k in range(int(np.floor(ymax)) + 1):
        y = top + h - np.log10(10 ** k + 1) / ymax * h
        parts.append(f'<text x="{left - 6}" y="{y + 3:.1f}" font-size="10" text-anchor="end" '
                     f'fill="#59636e">{10 ** k:,}</text>')
    parts.append(f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#57606a"/>')
    parts.append(f'<text x="{left + w / 2}" y="{top + h + 30}" font-size="11" text-anchor="middle" '
                 'fill="#1f2328">account score (accounts per bin, log scale)</text>')
    parts.append(f'<rect x="{left + 10}" y="4" width="10" height="10" fill="{_data.NO_NETWORK_COLOUR}"/>'
                 f'<text x="{left + 24}" y="13" font-size="11">{_e(f"not in a network ({int((~flagged).sum()):,})")}</text>'
                 f'<rect x="{left + 210}" y="4" width="10" height="10" fill="#D55E00"/>'
                 f'<text x="{left + 224}" y="13" font-size="11">{_e(f"in a network ({int(flagged.sum()):,})")}</text>')
    return _svg(left + w + 20, top + h + 40, "".join(parts), "distribution of account scores")


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


_STATUS_ORDER = {"network": 2, "declared_automation": 1, "organic_audience": 1}
_STATUS_LABEL = {"network": "network", "declared_automation": "declared automation",
                 "organic_audience": "organic audience"}


def _ranked(result: Result) -> pd.DataFrame:
    """Networks by score, then groups of declared automation, then candidates."""
    nets = result.networks
    nets = nets.assign(_rank=nets["status"].astype(object).map(_STATUS_ORDER).fillna(0).to_numpy())
    return nets.sort_values(["_rank", "score", "size", "network_id"], ascending=[False, False, False, True])


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"].isin(_data.SHOWN_STATUSES).to_numpy(bool)]


def _header(result: Result, title: str) -> str:
    ds = result.dataset
    p = ds.posts
    n_nets = int((result.networks["status"] == "network").sum())
    flagged = int(result.accounts["network_id"].notna().sum())
    span = (f"{_ts(p['timestamp'].min(), seconds=False)} – {_ts(p['timestamp'].max(), seconds=False)}"
            if len(p) else "")
    dropped = int((ds.rejects["action"] == "dropped").sum()) if len(ds.rejects) else 0
    cards = [("posts", f"{len(p):,}"), ("accounts", f"{len(ds.accounts):,}"), ("networks", f"{n_nets:,}"),
             ("accounts in networks", f"{flagged:,}"), ("rows set aside when reading", f"{dropped:,}")]
    made = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<header><h1>{_e(title)}</h1>"
            f'<p class="muted">coordnet {_e(result.version)} · report written {_e(made)} · '
            f"collection spans {span} (UTC)</p>"
            '<div class="cards">' + "".join(f'<div class="card"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in cards)
            + "</div></header>")


_HOW_TO_READ = """
<div class="note"><b>How to read this report.</b> A <i>network</i> is a group of accounts whose
joint behaviour (reposting the same posts within seconds, posting the same text or links, keeping
the same hours...) is far more frequent than chance would produce given how active each account is
and how popular each target is. The <i>score</i> (0 to 1) measures how strong and how certain that
evidence is; <i>group q</i> is the probability that chance alone would produce a group this size
this densely tied (after correcting for every group tried). <b>Coordination is not the same as
inauthenticity</b>: fan communities, newsrooms and activists also act together. Read the evidence,
look at the posts, and weigh the context before calling a network covert.</div>
"""


def _overview(result: Result, cache: dict) -> str:
    ranked = _ranked(result)
    nets = _shown(ranked)
    out = ['<section id="overview"><h2>Networks ranked by score</h2>']
    if (nets["status"] == "network").sum() == 0:
        out.append("<p><b>No coordinated network found</b> at the chosen significance level "
                   f"(alpha = {_e(result.params.get('alpha', ''))}).</p>")
    if (nets["status"] == "declared_automation").any():
        out.append('<p class="muted">Groups marked <i>declared automation</i> are made mostly of accounts '
                   "that say openly that they are automated (news feeds, bots that declare it): they act "
                   "together by design and are shown, not flagged as covert.</p>")
    if (nets["status"] == "organic_audience").any():
        out.append('<p class="muted">Groups marked <i>organic audience</i> amplify one account, each member '
                   "at their own pace, with no shared waves and no other shared trace (text, links, account "
                   "creation): what fans do. They are shown, not flagged as covert.</p>")
    if len(nets):
        rows = []
        for rank, r in enumerate(nets.itertuples(), start=1):
            mem = _data.members(result, int(r.network_id), max_accounts=3)
            top = ", ".join(_e(x) for x in mem["label"])
            acts = result.dataset.posts.loc[result.dataset.posts["account_id"].isin(
                result.members(int(r.network_id))), "timestamp"]
            rows.append([
                _e(rank), f'<a href="#network-{int(r.network_id)}">network {int(r.network_id)}</a>',
                _e(_STATUS_LABEL.get(str(r.status), r.status)),
                _num(int(r.size)), _num(float(r.score), "{:.2f}"), _q(r.group_q), _chips(_split(r.signals)),
                _num(int(r.n_edges)), _num(float(r.density), "{:.2f}"), _num(int(r.seeders)),
                _ts(acts.min(), seconds=False) if len(acts) else "", _ts(acts.max(), seconds=False) if len(acts) else "",
                top + ("…" if int(r.size) > 3 else ""),
            ])
        out.append(_table([("rank", "num"), ("network", ""), ("status", ""), ("accounts", "num"), ("score", "num"),
                           ("group q", "num"), ("signals", ""), ("ties", "num"), ("density", "num"),
                           ("seeders", "num"), ("first post", "num"), ("last post", "num"),
                           ("top accounts", "")], rows))
    cands = ranked[~ranked["status"].isin(_data.SHOWN_STATUSES).to_numpy(bool)]
    if len(cands):
        rows = []
        for r in cands.itertuples():
            mem = _data.members(result, int(r.network_id), max_accounts=6)
            rows.append([_e(int(r.network_id)), _num(int(r.size)), _num(float(r.score), "{:.2f}"), _q(r.group_q),
                         ", ".join(_e(x) for x in mem["label"]) + ("…" if int(r.size) > 6 else "")])
        out.append(f"<details><summary>{len(cands):,} candidate group(s): pairs and small groups tied "
                   "by significant evidence that did not pass the network test</summary>"
                   + _table([("id", "num"), ("accounts", "num"), ("score", "num"), ("group q", "num"),
                             ("accounts", "")], rows, scroll=True) + "</details>")
    out.append('<div class="grid2">')
    nodes, edges = _data.layout(result, None, max_nodes=_MAX_DRAWN, max_edges=3000, cache=cache)
    omitted = nodes.attrs.get("omitted", 0)
    out.append('<figure>' + _svg_network(nodes, edges, by="network", labels=False)
               + "<figcaption>All networks, each laid out on its own; a dot is an account (larger: "
               "higher score), a line a fused tie."
               + (f" {omitted:,} lower-scored members of large networks are not drawn." if omitted else "")
               + "</figcaption></figure>")
    out.append('<figure>' + _svg_scores(result) + "<figcaption>Scores of every account of the collection. "
               "Most accounts have none: nothing ties them to anyone beyond chance.</figcaption></figure>")
    out.append("</div></section>")
    return "".join(out)


def _members_table(result: Result, network_id: int) -> str:
    mem = _data.members(result, network_id, label_width=80)
    acc = result.accounts.set_index("account_id")
    prof = result.dataset.accounts.drop_duplicates("account_id").set_index("account_id")
    rows = []
    for r in mem.head(_MAX_MEMBERS_TABLE).itertuples():
        a = acc.loc[r.account_id] if r.account_id in acc.index else None
        pr = prof.loc[r.account_id] if r.account_id in prof.index else None

        def get(row, col):
            return row[col] if row is not None and col in row.index else None

        rows.append([_e(r.label), f"<code>{_e(r.account_id)}</code>", _e(r.role), _num(float(r.score), "{:.2f}"),
                     _num(get(a, "ties")), _chips(_split(get(a, "signals"))), _e(_cut(get(pr, "display_name"), 60)),
                     _ts(get(pr, "created_at"), seconds=False)[:10],
                     _num(get(pr, "followers"))])
    more = (f'<p class="muted">First {_MAX_MEMBERS_TABLE:,} of {len(mem):,} members; all are in accounts.csv.</p>'
            if len(mem) > _MAX_MEMBERS_TABLE else "")
    return _table([("account", ""), ("id", ""), ("role", ""), ("score", "num"), ("ties", "num"),
                   ("signals", ""), ("display name", ""), ("created", "num"), ("followers", "num")],
                  rows, scroll=True) + more


def _targets_table(shared: pd.DataFrame) -> str:
    if shared.empty:
        return '<p class="muted">No co-action signal ties these accounts (their ties are timing or profile ones).</p>'
    rows = [[_e(r.signal), f'<span class="target">{_e(_cut(r.target, _MAX_TARGET))}</span>', _num(int(r.accounts)),
             _num(int(r.actions)), _ts(r.first), _num(float(r.span_seconds), "{:,.1f} s")]
            for r in shared.itertuples()]
    return _table([("signal", ""), ("shared target", ""), ("accounts", "num"), ("posts", "num"),
                   ("first (UTC)", "num"), ("span", "num")], rows, scroll=True)


def _examples(ex: pd.DataFrame, labels: dict[str, str], kinds: pd.Series) -> str:
    if ex.empty:
        return '<p class="muted">No example posts.</p>'
    out = []
    for (signal, target), grp in ex.groupby(["signal", "target"], sort=False):
        grp = grp.sort_values("timestamp").head(12)
        t0 = pd.Timestamp(grp["timestamp"].iloc[0])
        out.append(f'<h3>{_e(signal)} · <span class="target">{_e(_cut(target, _MAX_TARGET))}</span> '
                   f'<span class="muted">({len(grp)} posts shown)</span></h3><div class="posts">')
        for r in grp.itertuples():
            dt = (pd.Timestamp(r.timestamp) - t0).total_seconds() if pd.notna(r.timestamp) else float("nan")
            kind = kinds.get(r.post_id, "") if r.post_id in kinds.index else ""
            out.append(f'<div class="post"><div class="when">{_ts(r.timestamp)} UTC</div>'
                       f'<div class="since">+{_e(f"{dt:,.1f}")} s after the first</div>'
                       f'<div class="who">{_e(labels.get(str(r.account_id), r.account_id))} '
                       f'<span class="muted">{_e(kind)}</span></div>'
                       f'<div class="text">{_e(_cut(r.text, _MAX_TEXT))}</div></div>')
        out.append("</div>")
    return "".join(out)


def _network_section(result: Result, r, cache: dict) -> str:
    nid = int(r.network_id)
    ev = result.evidence(nid)
    labels = dict(zip(ev.members["account_id"].astype(str),
                      [_data.account_label(s, a) for s, a in zip(ev.members["screen_name"],
                                                                 ev.members["account_id"], strict=True)],
                      strict=True))
    automated = str(r.status) == "declared_automation"
    audience = str(r.status) == "organic_audience"
    note = ""
    if automated:
        note = ('<p class="note">Most members say openly that they are automated: this group acts together '
                "by design and is shown, not flagged as covert.</p>")
    elif audience:
        note = ('<p class="note">This group amplifies one account, each member at their own pace and '
                "without shared waves, and leaves no other trace beyond what a slice of a big audience "
                "does: it looks like that account's audience (fans, a live crowd) and is shown, not "
                "flagged as covert.</p>")
    out = [f'<section id="network-{nid}"><h2>Network {nid}: {_num(int(r.size))} accounts, score '
           f'{_num(float(r.score), "{:.2f}")}'
           f'{" (declared automation)" if automated else " (organic audience)" if audience else ""}</h2>'
           + note
           + f'<p>{_chips(_split(r.signals))} '
           f'<span class="muted">group q {_q(r.group_q)}{_test_label(r)} · {_num(int(r.n_edges))} ties · density '
           f'{_num(float(r.density), "{:.2f}")} · <a href="#overview">back to the overview</a></span></p>']
    nodes, edges = _data.layout(result, nid, max_nodes=_MAX_DRAWN, max_edges=4000, cache=cache)
    omitted = nodes.attrs.get("omitted", 0)
    out.append('<div class="grid2"><div><h3>Evidence</h3><ul class="sentences">'
               + "".join(f"<li>{_e(s)}</li>" for s in ev.sentences) + "</ul></div>")
    out.append('<figure>' + _svg_network(nodes, edges, by="role", labels=len(nodes) <= 30)
               + "<figcaption>Ties inside the network (darker: stronger evidence). Accounts without a drawn "
               "tie (often seeders, whom the others amplify) sit on the outer ring."
               + (f" {omitted:,} lower-scored members are not drawn." if omitted else "")
               + "</figcaption></figure></div>")
    out.append("<h3>Members</h3>" + _members_table(result, nid))

    mem, acts = _data.activity(result, nid, max_accounts=60)
    more = (f" Showing the first {len(mem)} of {mem.attrs['total']:,} members (seeders first, then by score)."
            if mem.attrs["total"] > len(mem) else "")
    if len(acts):
        start, end = acts["timestamp"].min(), acts["timestamp"].max()
        pad = max((end - start) * 0.01, pd.Timedelta(seconds=1))
        out.append('<h3>Timeline</h3><figure>'
                   + _svg_raster(mem, acts, start - pad, end + pad, label=f"timeline of network {nid}")
                   + "<figcaption>One row per account, one tick per post. Coordinated amplification shows as "
                   f"vertical stripes: many accounts acting within the same minutes.{_e(more)}</figcaption></figure>")
        span = _data.busiest_window(acts, "10min")
        if span is not None:
            zoom = acts[(acts["timestamp"] >= span[0]) & (acts["timestamp"] < span[1])]
            out.append('<figure>' + _svg_raster(mem, zoom, span[0], span[1],
                                                label=f"busiest ten minutes of network {nid}")
                       + f"<figcaption>Zoom on the ten minutes in which the most members posted "
                       f"({_ts(span[0], seconds=False)} to {_ts(span[1], seconds=False)[-5:]} UTC).</figcaption></figure>")
    else:
        out.append('<h3>Timeline</h3><p class="muted">The members have no posts in the collection '
                   "(they are tied by their profiles).</p>")
    hm = _data.hour_matrix(result, nid, max_accounts=60)
    out.append('<h3>Hours of activity</h3><figure>' + _svg_hours(hm, label=f"hours of network {nid}")
               + "<figcaption>Share of each account's posts per hour of the day (UTC); the last row is the whole "
               "collection. Shift work shows as a block of hours all members share.</figcaption></figure>")
    out.append("<h3>Top shared targets</h3>" + _targets_table(ev.shared_targets))
    posts = result.dataset.posts
    kinds = posts.loc[posts["post_id"].isin(ev.examples["post_id"]) if len(ev.examples) else
                      np.zeros(len(posts), bool), ["post_id", "kind"]]
    kinds = pd.Series(kinds["kind"].astype(str).to_numpy(), index=kinds["post_id"].astype(str).to_numpy())
    kinds = kinds[~kinds.index.duplicated()]
    out.append("<h3>Example posts, side by side</h3>"
               '<p class="muted">Posts on the top shared targets, in time order; the offset is from the '
               "first post on the target.</p>" + _examples(ev.examples, labels, kinds))
    out.append("</section>")
    return "".join(out)


def _run_details(result: Result) -> str:
    params = result.params or {}
    simple = [(k, v) for k, v in params.items() if k != "signals"]
    rows = [[_e(k), f"<code>{_e(v)}</code>"] for k, v in simple]
    sig = "".join(f"<li><code>{_e(s)}</code></li>" for s in params.get("signals", []))
    stages = ""
    if len(result.stages):
        st = result.stages
        stages = _table([("stage", ""), ("seconds", "num"), ("rows", "num"), ("note", "")],
                        [[_e(r.stage), _num(float(r.seconds), "{:.2f}"), _num(int(r.rows)), _e(r.note)]
                         for r in st.itertuples()])
    return ('<section id="run"><h2>How this was computed</h2>'
            + _table([("parameter", ""), ("value", "")], rows)
            + f"<details><summary>Signals ({len(params.get('signals', []))})</summary><ul>{sig}</ul></details>"
            + f"<details><summary>Stages and timings</summary>{stages}</details></section>")


def render_report(result: Result, *, title: str | None = None) -> str:
    """The report of a result as one self-contained HTML document (a string).

    Parameters
    ----------
    result : Result
        What :func:`coordnet.detect.detect` returned.
    title : str, optional
        Heading and page title (default "coordnet report").

    Returns
    -------
    str

    Examples
    --------
    >>> from coordnet.simulate import simulate
    >>> from coordnet.detect import detect
    >>> page = render_report(detect(simulate(size="tiny", seed=0).dataset), title="<b>tiny</b>")
    >>> "<title>&lt;b&gt;tiny&lt;/b&gt;</title>" in page, "<script" in page
    (True, False)
    """
    if not isinstance(result, Result):
        raise ParameterError(f"render_report expects a coordnet Result (from coordnet.detect). Got "
                             f"{type(result).__name__} instead.", name="result", value=result)
    title = "coordnet report" if title is None else str(title)
    cache: dict = {}
    body = [_header(result, title), _HOW_TO_READ, _overview(result, cache)]
    for r in _ranked(result).itertuples():
        if r.status in _data.SHOWN_STATUSES:
            body.append(_network_section(result, r, cache))
    body.append(_run_details(result))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
            + "".join(body) + "</main></body></html>\n")


def write_report(result: Result, path: str | Path, *, title: str | None = None) -> Path:
    """Write the HTML report of a result to `path` (one self-contained file).

    Parameters
    ----------
    result : Result
    path : str or Path
        The file to write (its folder is created if needed), e.g. ``"out/report.html"``.
    title : str, optional
        Heading and page title (default "coordnet report").

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from coordnet.simulate import simulate
    >>> from coordnet.detect import detect
    >>> result = detect(simulate(size="tiny", seed=0).dataset)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_report(result, pathlib.Path(d) / "report.html")
    ...     print(p.name, p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>"))
    report.html True
    """
    text = render_report(result, title=title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    logger.info("report written: %s (%d bytes)", path, len(text.encode("utf-8")))
    return path
