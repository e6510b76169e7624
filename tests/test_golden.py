"""Behaviour is pinned: the JSON report of every shipped sample (default and --fast) equals the one saved
before the measure/judge/report redesign (tests/golden/, written by tests/golden/make.py): the same check
ids, severities, time ranges, skipped notes and metrics, every number to its printed precision."""

from __future__ import annotations

import json
import math

import pytest

from .conftest import ROOT
from .golden.make import HERE as GOLDEN, MODES, report

CASES = sorted(GOLDEN.glob("*.json"))


def _decimals(x: float) -> int:
    s = repr(x)
    return len(s.split(".")[1]) if "." in s and "e" not in s else 0


def same(golden, now, where: str = "") -> list[str]:
    """Differences between two JSON values; a number may move by less than one unit of its last printed digit
    (another CPU's float rounding), nothing else may change."""
    if isinstance(golden, dict) and isinstance(now, dict):
        out = [f"{where}/{k}: missing now" for k in golden if k not in now]
        out += [f"{where}/{k}: new" for k in now if k not in golden]
        for k in golden.keys() & now.keys():
            out += same(golden[k], now[k], f"{where}/{k}")
        return out
    if isinstance(golden, list) and isinstance(now, list):
        if len(golden) != len(now):
            return [f"{where}: {len(golden)} items then, {len(now)} now: {now}"]
        return [d for i, (g, n) in enumerate(zip(golden, now)) for d in same(g, n, f"{where}/{i}")]
    if isinstance(golden, float) and isinstance(now, (int, float)) and not isinstance(now, bool):
        if math.isclose(golden, now, abs_tol=10 ** -_decimals(golden) * 1.01):
            return []
    elif golden == now and type(golden) is type(now):
        return []
    return [f"{where}: {golden!r} then, {now!r} now"]


def test_there_is_a_golden_report_per_sample_and_mode():
    samples = sorted((ROOT / "samples").glob("*.mp4"))
    assert len(CASES) == len(samples) * len(MODES) >= 6


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_report_matches_the_one_saved_before_the_redesign(path):
    stem, mode = path.stem.rsplit(".", 1)
    golden = json.loads(path.read_text())
    now = report(ROOT / "samples" / f"{stem}.mp4", MODES[mode])
    diffs = same(golden, now)
    assert not diffs, "\n".join(diffs)


def test_the_comparison_can_fail():
    g = {"a": 0.671, "f": [{"check": "face.underexposed", "severity": "fail"}], "n": 125}
    assert same(g, {"a": 0.6714, "f": [{"check": "face.underexposed", "severity": "fail"}], "n": 125}) == []
    assert same(g, {"a": 0.673, "f": g["f"], "n": 125})
    assert same(g, {"a": 0.671, "f": [{"check": "face.underexposed", "severity": "warn"}], "n": 125})
    assert same(g, {"a": 0.671, "f": [], "n": 125}) and same(g, {"a": 0.671, "f": g["f"], "n": 124})


def test_the_api_report_is_the_same_document_as_the_cli_json():
    from selftape_check import api

    from .golden.make import VOLATILE

    doc = api.analyze(ROOT / "samples" / "dark_take.mp4").to_dict()
    for k in VOLATILE:
        doc.pop(k)
    golden = json.loads((GOLDEN / "dark_take.default.json").read_text())
    golden.pop("exit_code")
    assert doc["findings"][0]["check"] == "face.underexposed"
    assert not same(golden, json.loads(json.dumps(doc)))
