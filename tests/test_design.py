"""The stages keep to their jobs (issue #20): judge/ compares measurements with settings, it does not
decode or do signal processing, and its limits live in judge/settings.py with their sources."""

from __future__ import annotations

import ast
from pathlib import Path

from selftape_check.judge import CHECKS, Context
from selftape_check.judge.registry import Check

JUDGE = Path(__file__).resolve().parents[1] / "selftape_check" / "judge"
BANNED = {"cv2", "av", "scipy", "soxr", "soundfile"}
# half (the centre of the frame, half a box) and two (a pair to compare, two channels), beside the
# unit conversions and identities: not limits
NOT_LIMITS = {0, 1, -1, 0.5, 2, 8, 10, 20, 60, 90, 100, 180, 270, 360, 1000, 1e6}


def _modules():
    return [p for p in sorted(JUDGE.glob("*.py")) if p.name != "settings.py"]


def numeric_literals(source: str) -> list[tuple[int, float]]:
    """Numbers written in code that are not a rounding precision, an index or a unit conversion."""
    tree = ast.parse(source)
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            skip |= {id(n) for n in ast.walk(node.slice)}
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "round" and len(node.args) == 2:
            skip.add(id(node.args[1]))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and type(n.value) in (int, float) and id(n) not in skip
            and n.value not in NOT_LIMITS]


def test_judge_imports_no_decoder_and_no_signal_library():
    for p in _modules():
        for node in ast.walk(ast.parse(p.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            bad = {n.split(".")[0] for n in names} & BANNED
            assert not bad, f"{p.name} imports {bad}"


def test_no_numeric_limit_outside_the_settings_table():
    found = {p.name: numeric_literals(p.read_text()) for p in _modules()}
    assert not {k: v for k, v in found.items() if v}, found


def test_the_literal_scan_can_fail():
    assert numeric_literals("x = a > 0.35\ny = round(z, 3)\nw = b[:, 3]\n") == [(1, 0.35)]


def test_a_check_cannot_write_a_finding_under_another_id():
    import pytest

    from selftape_check.model import Finding

    def rogue(ctx):
        yield Finding("audio.hum", "warn", "m", "a")

    def honest(ctx):
        yield ctx.finding("warn", "m", "a")

    ctx = Context(m=None, t=None, d=None)  # type: ignore[arg-type]
    assert [f.check for f in Check("audio.echo", "audio", honest).run(ctx)] == ["audio.echo"]
    with pytest.raises(ValueError, match="audio.echo wrote a finding of audio.hum"):
        list(Check("audio.echo", "audio", rogue).run(ctx))
    assert len(CHECKS) >= 30
