"""Loudness and peaks against the standards' own test signals (EBU Tech 3341, BS.1770-4 Annex 2)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from selftape_check import analyze
from selftape_check.testing import sine

SR = 48000


def stereo_sequence(parts: list[tuple[float, float]]) -> np.ndarray:
    """EBU Tech 3341 signals: a 1 kHz sine in both channels, `(dBFS, seconds)` after one another."""
    x = np.concatenate([sine(1000, sec, SR, level) for level, sec in parts])
    return np.stack([x, x], axis=1)


# EBU Tech 3341 (2016) table 1, minimum requirements, cases 1-5: expected integrated loudness +-0.1 LU
EBU_3341 = {
    "case1": ([(-23.0, 20.0)], -23.0),
    "case2": ([(-33.0, 20.0)], -33.0),
    "case3": ([(-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0)], -23.0),
    "case4": ([(-72.0, 10.0), (-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0), (-72.0, 10.0)], -23.0),
    "case5": ([(-26.0, 20.0), (-20.0, 20.1), (-26.0, 20.0)], -23.0),
}


@pytest.mark.parametrize("case", sorted(EBU_3341))
def test_integrated_loudness_meets_ebu_tech_3341(case, tmp_path):
    parts, expected = EBU_3341[case]
    path = tmp_path / f"{case}.wav"
    sf.write(path, stereo_sequence(parts), SR, subtype="FLOAT")
    report = analyze(path)
    assert report.status == "ok"
    assert report.metrics["audio"]["integrated_lufs"] == pytest.approx(expected, abs=0.1)


@pytest.mark.parametrize("freq", [1000, 3000, 6000, 8000])
@pytest.mark.parametrize("phase", [0.0, 0.5, 1.3, np.pi / 4])
def test_true_peak_of_sines_within_bs1770_annex2_tolerance(freq, phase, tmp_path):
    level = -6.0
    x = sine(freq, 2.0, SR, level, phase)
    # steady state, as the standard's test tones: 20 ms raised-cosine ramps so the onset is not a click
    ramp = np.sin(np.linspace(0, np.pi / 2, int(0.02 * SR))) ** 2
    x[: len(ramp)] *= ramp
    x[-len(ramp):] *= ramp[::-1]
    path = tmp_path / "tp.wav"
    sf.write(path, np.stack([x, x], axis=1), SR, subtype="FLOAT")
    tp = analyze(path).metrics["audio"]["true_peak_dbtp"]
    assert level - 0.4 <= tp <= level + 0.2


def test_silence_is_reported_silent_with_null_loudness(tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros((SR * 3, 2)), SR, subtype="PCM_16")
    report = analyze(path)
    assert report.metrics["audio"]["integrated_lufs"] is None
    assert [f.check for f in report.findings] == ["audio.silent"]


def test_quiet_voice_like_signal_is_too_quiet(tmp_path):
    # speech-like: 300 Hz tone bursts (0.4 s on, 0.3 s off) at -45 dBFS peak, over -80 dBFS noise
    rng = np.random.default_rng(0)
    burst = np.concatenate([sine(300, 0.4, SR, -45.0), np.zeros(int(0.3 * SR))])
    x = np.tile(burst, 10) + rng.normal(0, 10 ** (-80 / 20), 10 * len(burst))
    path = tmp_path / "quiet.wav"
    sf.write(path, x, SR, subtype="FLOAT")
    report = analyze(path)
    quiet = [f for f in report.findings if f.check == "audio.too_quiet"]
    assert quiet and quiet[0].severity == "fail"
    # a -45 dBFS peak 300 Hz sine: RMS -48 dBFS, K-weighting about -0.7 dB at 300 Hz: -48.7 LUFS while on;
    # pauses under 0.3 s count as part of the speech, so on 4/7 of the time: -48.7 + 10 log10(4/7) = -51.1
    assert quiet[0].value == pytest.approx(-51.1, abs=0.5)
