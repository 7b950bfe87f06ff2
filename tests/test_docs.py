"""The documentation site builds without a warning, and every page is in the navigation."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"
_MISSING = [m for m in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers")
            if importlib.util.find_spec(m) is None]


def _nav_pages(nav) -> list[str]:
    out = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        out += _nav_pages(value) if isinstance(value, list) else [value]
    return out


def test_every_page_is_in_the_nav_and_exists():
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (it comes with the 'docs' extra)")
    nav = _nav_pages(yaml.safe_load(CONFIG.read_text())["nav"])
    pages = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(set(nav)) == sorted(nav), "a page appears twice in the nav"
    assert [p for p in pages if p not in nav] == [], "pages missing from mkdocs.yml's nav"
    assert [p for p in nav if not (DOCS / p).is_file()] == [], "nav entries without a page in docs/"


@pytest.mark.skipif(bool(_MISSING), reason=f"the docs tools are not installed ({', '.join(_MISSING)}): "
                                          "pip install 'coordnet[docs]'")
def test_mkdocs_build_strict(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(CONFIG),
                          "-d", str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, env=env, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert (tmp_path / "site" / "api" / "index.html").is_file()
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert "write_report" in api and "Detector" in api  # the reference is generated from docstrings
