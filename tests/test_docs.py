"""The docs describe what the code does: every check id and threshold key is documented."""

from __future__ import annotations

from selftape_check.judge import CHECKS, SETTINGS

from .conftest import ROOT

DOC = (ROOT / "docs" / "checks.md").read_text()


def test_every_registered_check_is_documented():
    missing = [c for c in CHECKS if f"`{c}`" not in DOC]
    assert missing == []


def _threshold_rows() -> dict[str, list[str]]:
    table = DOC.split("## Thresholds\n", 1)[1]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells
    return rows


def test_every_threshold_is_documented_with_its_value_unit_and_source():
    """Each threshold's row in docs/checks.md holds the value the code uses, its unit and a source of more
    than a few words (run docs/update_thresholds.py after changing settings.py)."""
    rows = _threshold_rows()
    assert sorted(rows) == sorted(SETTINGS)
    for key, s in SETTINGS.items():
        _, default, unit, source = rows[key][:4]
        assert float(default) == s.default, (key, default, s.default)
        assert unit == s.unit and source == s.source, key
        assert len(s.source.split()) >= 4, f"{key}: '{s.source}' does not say where the value comes from"
