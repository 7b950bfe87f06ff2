"""Fixtures of the report tests: a result with hostile names and texts, and one with no network."""

from __future__ import annotations

import pytest
from hostile_data import hostile_dataset

from coordnet.detect import detect


@pytest.fixture(scope="session")
def hostile_result():
    return detect(hostile_dataset(), signals=["co_repost", "co_text", "hashtag_sequence", "rhythm"])


@pytest.fixture(scope="session")
def calm_result():
    return detect(hostile_dataset(ring=False), signals=["co_repost", "co_text", "rhythm"])
