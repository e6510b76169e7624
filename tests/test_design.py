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


# ---- measure/: one registered class per measurement, one split policy -------------------------------

def _registered():
    from selftape_check.measure.meters import PER_COVERAGE, PER_FRAME

    return PER_FRAME, PER_COVERAGE


def test_every_registered_series_has_one_owner_and_is_read_as_an_attribute():
    from selftape_check import api  # noqa: F401  (the package as a run imports it)
    from selftape_check.media.frames import SamplingSettings
    from selftape_check.media.probe import open_container, probe_container
    from selftape_check.measure.run import measure_container

    per_frame, per_coverage = _registered()
    names = [s.name for cls in (*per_frame, *per_coverage) for s in cls.series]
    assert len(names) == len(set(names)), "two measurements fill one series"
    path = str(Path(__file__).parent.parent / "samples" / "clean_take.mp4")
    with open_container(path) as c:
        media = probe_container(path, c)
        v = measure_container(c, media, SamplingSettings()).video
    for cls in per_frame:
        for s in cls.series:
            assert len(getattr(v, s.name)) == len(v.frame_t_s) == 125, s.name
    for cls in per_coverage:
        for s in cls.series:
            assert len(getattr(v, s.name)) == len(v.t_s) == 10, s.name


def test_every_registered_metric_is_in_the_report_schema():
    import json

    schema = json.loads((Path(__file__).parent.parent / "docs" / "report.schema.json").read_text())
    video = schema["$defs"]["report"]["properties"]["metrics"]["properties"]["video"]["properties"]
    per_frame, per_coverage = _registered()
    for cls in (*per_frame, *per_coverage):
        for m in cls.metrics:
            assert m.name in video and video[m.name].get("description") == m.doc, \
                f"{m.name}: run python docs/update_thresholds.py"


def test_a_new_measurement_is_one_registered_class(tmp_path):
    """Registering one class is all it takes: its series is measured on every frame and its figure is in
    the report (here: the share of each frame's thumbnail brighter than 0.5, against the sample's known
    bright wall and face)."""
    import numpy as np

    from selftape_check import analyze
    from selftape_check.measure import meters
    from selftape_check.measure.meters import Metric, Series

    class BrightShare(meters.Meter):
        series = (Series("frame_bright_share"),)
        metrics = (Metric("bright_share_median", 3, meters.median, "test"),)

        def measure(self, v):
            return float((v.thumb > 0.5).mean())

    meters.per_frame(BrightShare)
    try:
        r = analyze(str(Path(__file__).parent.parent / "samples" / "clean_take.mp4"))
    finally:
        meters.PER_FRAME.remove(BrightShare)
    share = r.metrics["video"]["bright_share_median"]
    # the sample's frame luma is about 0.5 (metrics.video.frame_luma_median): neither all dark nor all bright
    assert 0.2 < share < 0.8 and np.isfinite(share)
    assert "bright_share_median" not in analyze(str(Path(__file__).parent.parent / "samples" / "clean_take.mp4")).metrics["video"]


def test_the_split_policy_is_one_function():
    """A 24 s tape with one keyframe cannot be split: it decodes in one pass on the decoder's own threads
    (before, the probe chose one thread for two parts and the run then found no keyframe to split at);
    with a keyframe every 2 s it splits at the one nearest the middle, each part on one thread."""
    import selftape_check.measure.run as run
    from selftape_check.media import probe

    path = str(Path(__file__).parent.parent / "samples" / "clean_take.mp4")  # a regular file
    one_key = probe.decode_layout(path, 1920, 1080, 24.0, [0.0], 0, every_frame=True)
    assert one_key.split_key is None and one_key.threads == probe.DEEP_THREADS
    keys = [2.0 * i for i in range(12)]
    two = probe.decode_layout(path, 1920, 1080, 24.0, keys, 0, every_frame=True)
    assert two.split_key == 6 and two.threads == 1
    assert probe.decode_layout(path, 1920, 1080, 24.0, keys, 1, every_frame=True).split_key is None  # a scan's worker
    assert probe.decode_layout(path, 1920, 1080, 12.0, keys, 0, every_frame=True).split_key is None  # short
    assert probe.decode_layout(path, 7680, 4320, 24.0, keys, 0, every_frame=True) == probe.DecodeLayout(threads=1)
    assert not hasattr(run, "_split_at") and not hasattr(probe, "two_parts")
    # one demux loop: the later part and the main pass both go through _Pump
    src = Path(run.__file__).read_text()
    assert src.count("container.demux(") == 1
