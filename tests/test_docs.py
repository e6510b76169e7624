"""The docs describe what the code does: every check id and threshold key is documented."""

from __future__ import annotations

from selftape_check.judge import CHECKS, SETTINGS

from .conftest import ROOT

DOC = (ROOT / "docs" / "checks.md").read_text()


def test_every_registered_check_is_documented():
    missing = [c for c in CHECKS if f"`{c}`" not in DOC]
    assert missing == []


def test_every_threshold_is_documented_with_its_source():
    missing = [k for k in SETTINGS if f"`{k}`" not in DOC]
    assert missing == []
    assert all(s.source for s in SETTINGS.values())
