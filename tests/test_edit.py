"""The slate and the trims at each end (edit.slate, metrics.edit), on voice-like signals whose speech
times are set by construction."""

from __future__ import annotations

import re

import numpy as np
import pytest
import soundfile as sf

from selftape_check import analyze
from tests.synth import pink_noise, syllables

SR = 48000


def _tape(tmp_path, parts: list[tuple[float, float]], total_s: float, name: str = "t.wav"):
    """Voice-like speech in the given (start, end) stretches over a quiet room tone."""
    x = pink_noise(total_s, SR, -62.0)
    for k, (s, e) in enumerate(parts):
        a = int(s * SR)
        v = syllables(e - s, SR, -24.0, f0=140.0, seed=k)
        x[a:a + len(v)] += v
    path = tmp_path / name
    sf.write(path, x.astype(np.float32), SR)
    return path


def test_slate_set_apart_by_a_pause_is_found(tmp_path):
    path = _tape(tmp_path, [(0.8, 4.3), (6.8, 12.0), (12.4, 19.0)], 21.0)
    r = analyze(path)
    slate = [f for f in r.findings if f.check == "edit.slate"]
    assert len(slate) == 1 and slate[0].severity == "info"
    (s0, e0), = slate[0].ranges
    assert s0 == pytest.approx(0.8, abs=0.15) and e0 == pytest.approx(4.3, abs=0.25)
    assert r.metrics["edit"]["slate_start_s"] == s0
    # a slate is information, not a problem (the synthetic syllables' soft decays read as a slightly
    # reverberant room, so the verdict itself is not asserted here)
    assert all(f.severity == "info" for f in r.findings if f.check.startswith("edit."))


def test_no_slate_without_a_pause(tmp_path):
    r = analyze(_tape(tmp_path, [(0.8, 6.0), (6.3, 14.0)], 15.0))
    assert not [f for f in r.findings if f.check == "edit.slate"]
    assert r.metrics["edit"]["slate_start_s"] is None


def test_trims_leave_one_beat(tmp_path):
    r = analyze(_tape(tmp_path, [(5.5, 12.0)], 20.0))
    e = r.metrics["edit"]
    assert e["lead_silence_s"] == pytest.approx(5.5, abs=0.15)
    assert e["tail_silence_s"] == pytest.approx(8.0, abs=0.25)
    assert e["trim_start_s"] == pytest.approx(4.5, abs=0.15)
    assert e["trim_end_s"] == pytest.approx(7.0, abs=0.25)
    dead = [f for f in r.findings if f.check == "edit.dead_air"]
    said = re.findall(r"trim ([\d.]+) s at the start and ([\d.]+) s at the end", dead[0].message)
    assert said and [float(x) for x in said[0]] == pytest.approx([e["trim_start_s"], e["trim_end_s"]], abs=0.051)
