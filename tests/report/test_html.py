"""The HTML report: self-contained, every value escaped, every network shown; and rendered in
headless Chromium, where nothing hostile runs and nothing is fetched."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hostile_data import (
    HOSTILE_DISPLAY,
    HOSTILE_NAMES,
    HOSTILE_TEXT,
    HOSTILE_TEXT_2,
    SAFE_TITLE,
)

from coordnet.errors import ParameterError
from coordnet.report.html import render_report, write_report


class _Collector(HTMLParser):
    """Start tags with their attributes, and the text, of an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._title = False
        self._body = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._body = self._body or tag == "body"
        self._title = tag == "title" and not self._body  # the page's title, not an SVG tooltip

    def handle_endtag(self, tag):
        self._title = False

    def handle_data(self, data):
        self.text.append(data)
        if self._title:
            self.title += data


def _parse(page: str) -> _Collector:
    c = _Collector()
    c.feed(page)
    c.close()
    return c


@pytest.fixture(scope="module")
def page(hostile_result) -> str:
    return render_report(hostile_result, title=SAFE_TITLE)


# ---------------------------------------------------------------------------------------------
# The file
# ---------------------------------------------------------------------------------------------


def test_hostile_result_has_the_planted_network(hostile_result):
    nets = hostile_result.networks[hostile_result.networks["status"] == "network"]
    assert len(nets) == 1
    assert hostile_result.members(int(nets["network_id"].iloc[0])) == sorted(
        [f"ring{i}" for i in range(8)] + ["seeder"])


def test_report_is_self_contained(page):
    doc = _parse(page)
    tags = {t for t, _ in doc.tags}
    assert not tags & {"script", "link", "iframe", "img", "object", "embed", "base", "form", "video", "audio"}
    for tag, attrs in doc.tags:
        for name, value in attrs.items():
            if name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
                assert not re.match(r"\s*(https?:|//|ftp:)", value or "", re.I), (tag, name, value)
            if name == "href":
                assert (value or "").startswith("#"), (tag, value)  # in-page anchors only
    style = "".join(re.findall(r"<style>(.*?)</style>", page, re.S))
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    csp = [a.get("content", "") for t, a in doc.tags if t == "meta" and a.get("http-equiv") ==
           "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]


def test_hostile_values_show_as_text_and_inject_nothing(page):
    doc = _parse(page)
    for tag, attrs in doc.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "data-pwned" not in attrs
    text = "".join(doc.text)
    assert doc.title == SAFE_TITLE
    for payload in (HOSTILE_TEXT, HOSTILE_TEXT_2, HOSTILE_DISPLAY, "@" + HOSTILE_NAMES[0], "@" + HOSTILE_NAMES[1],
                    "@" + HOSTILE_NAMES[4]):
        assert payload in text, payload  # shown verbatim, as text
    # and the raw markup is nowhere in the source
    for raw in ("<script>document.title", "<img src=x", "<svg onload", "<b onmouseover"):
        assert raw not in page, raw


def test_every_network_has_its_section(hostile_result, page):
    nets = hostile_result.networks[hostile_result.networks["status"] == "network"]
    doc = _parse(page)
    ids = {a.get("id") for _, a in doc.tags}
    for nid in nets["network_id"]:
        assert f"network-{nid}" in ids
        assert f'href="#network-{nid}"' in page
    section = page[page.index('id="network-0"'):page.index('id="run"')]
    for heading in ("Evidence", "Members", "Timeline", "Hours of activity", "Top shared targets",
                    "Example posts, side by side"):
        assert f"<h3>{heading}</h3>" in section, heading
    assert section.count("<svg ") == 4  # drawing, timeline, busiest ten minutes, hour heat map
    # the evidence sentences, and the example posts with their timestamps to the millisecond
    sentences = hostile_result.evidence(0).sentences
    assert len(sentences) >= 3
    for sentence in sentences:
        assert f"<li>{html.escape(sentence, quote=True)}</li>" in section
    ex = hostile_result.evidence(0).examples
    assert len(ex) > 0
    first = ex.sort_values("timestamp").iloc[0]["timestamp"]
    assert first.strftime("%Y-%m-%d %H:%M:%S") in section


def test_members_are_listed_seeders_first(hostile_result, page):
    section = page[page.index('id="network-0"'):page.index('id="run"')]
    members = section[section.index("<h3>Members</h3>"):section.index("<h3>Timeline</h3>")]
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td><td[^>]*><code>(.*?)</code></td><td[^>]*>(.*?)</td>", members)
    assert sorted(r[1] for r in rows) == sorted([f"ring{i}" for i in range(8)] + ["seeder"])
    roles = [r[2] for r in rows]
    assert roles == sorted(roles, key=lambda x: {"seeder": 0, "amplifier": 1, "member": 2}[x])
    assert roles[0] == "seeder"


def test_overview_ranks_networks_by_score(hostile_result, page):
    overview = page[page.index('id="overview"'):page.index('id="network-0"')]
    assert "Networks ranked by score" in overview
    assert '<a href="#network-0">network 0</a>' in overview


def test_no_network_says_so(calm_result):
    page = render_report(calm_result)
    assert "No coordinated network found" in page
    assert 'id="network-' not in page
    assert "<title>coordnet report</title>" in page


def test_write_report_writes_one_file(hostile_result, tmp_path):
    p = write_report(hostile_result, tmp_path / "deep" / "folder" / "report.html", title="<x>")
    assert p == tmp_path / "deep" / "folder" / "report.html"
    text = p.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<title>&lt;x&gt;</title>" in text
    assert sorted(x.name for x in p.parent.iterdir()) == ["report.html"]


def test_render_report_rejects_other_objects():
    with pytest.raises(ParameterError, match="Result"):
        render_report("not a result")


# ---------------------------------------------------------------------------------------------
# In a browser
# ---------------------------------------------------------------------------------------------

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell")


def _browser() -> str | None:
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


needs_browser = pytest.mark.skipif(
    _browser() is None, reason="no Chromium binary found (apt-get install chromium); the browser checks "
                               "are skipped, the file checks above still run")


def _chromium(html_file: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
           f"--user-data-dir={tmp / 'profile'}", "--enable-logging=stderr", "--v=0",
           f"--log-net-log={tmp / 'net.json'}", "--virtual-time-budget=3000", *extra, html_file.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def _page_requests(net_log: Path) -> list[str]:
    """URLs the page itself asked for (the browser's own background requests are not the page's)."""
    doc = json.loads(net_log.read_text())
    start = doc["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for e in doc["events"]:
        p = e.get("params", {})
        if e["type"] == start and "file://" in str(p.get("network_isolation_key", "")):
            urls.append(p.get("url", ""))
    return urls


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@needs_browser
def test_browser_check_catches_injection_in_a_control_page(tmp_path):
    """The checks below can fail: an unescaped page runs its payload, fetches, and logs."""
    page = tmp_path / "control.html"
    page.write_text("<!DOCTYPE html><html><head><title>safe</title></head><body>"
                    "<img src=x onerror=\"document.title='pwned'\">"
                    "<script>document.body.appendChild(document.createElement('b')).id='injected';"
                    "console.log('ran')</script><img src=\"http://example.invalid/a.png\"></body></html>")
    run = _chromium(page, tmp_path, "--dump-dom")
    dom = _parse(run.stdout)
    assert dom.title == "pwned"
    assert any(a.get("id") == "injected" for _, a in dom.tags)
    assert _console(run.stderr)
    assert "http://example.invalid/a.png" in _page_requests(tmp_path / "net.json")


@needs_browser
def test_report_in_chromium_runs_nothing_fetches_nothing(hostile_result, tmp_path):
    report = write_report(hostile_result, tmp_path / "report.html", title=SAFE_TITLE)
    run = _chromium(report, tmp_path, "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    dom = _parse(run.stdout)
    assert dom.title == SAFE_TITLE  # no payload set document.title
    for tag, attrs in dom.tags:
        assert tag not in ("script", "img", "iframe"), (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "data-pwned" not in attrs and attrs.get("id") != "injected"
    text = "".join(dom.text)
    assert HOSTILE_TEXT in text and HOSTILE_TEXT_2 in text and "@" + HOSTILE_NAMES[1] in text
    ids = {a.get("id") for _, a in dom.tags}
    nets = hostile_result.networks[hostile_result.networks["status"] == "network"]
    assert all(f"network-{n}" in ids for n in nets["network_id"])
    assert _console(run.stderr) == []  # no error, no CSP violation, nothing logged
    assert [u for u in _page_requests(tmp_path / "net.json") if not u.startswith(("file:", "data:"))] == []


@needs_browser
def test_report_screenshot(hostile_result, tmp_path):
    report = write_report(hostile_result, tmp_path / "report.html", title=SAFE_TITLE)
    shot = tmp_path / "shot.png"
    run = _chromium(report, tmp_path, "--hide-scrollbars", "--window-size=1366,2400", f"--screenshot={shot}")
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1366, 2400)
    assert len(data) > 50_000  # a page of tables and figures, not a blank one (a blank PNG is ~10 kB)


def test_declared_automation_is_shown_not_flagged(hostile_result):
    import dataclasses

    nets = hostile_result.networks.copy()
    nets.loc[nets["network_id"] == 0, "status"] = "declared_automation"
    page = render_report(dataclasses.replace(hostile_result, networks=nets))
    assert "No coordinated network found" in page  # no covert network left
    assert 'id="network-0"' in page and "(declared automation)</h2>" in page
    overview = page[page.index('id="overview"'):page.index('id="network-0"')]
    assert "<td>declared automation</td>" in overview
