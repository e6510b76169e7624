"""Loudness and peaks against the standards' own test signals (EBU Tech 3341, BS.1770-4 Annex 2)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from selftape_check import analyze
from tests.synth import sine

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


# EBU Tech 3341 (2016) table 1, true-peak cases 15-19: a sine at a fraction of 48 kHz with a given peak
# amplitude and starting phase, in both channels of a 24-bit file; expected maximum true peak +0.2/-0.4 dB.
# The tones start and stop at full amplitude on the file's first and last sample, the hard case for a meter
# whose interpolation reaches past the file (the old meter read 17 at -5.60 and 18 at -5.30 dBTP).
EBU_3341_TRUE_PEAK = {
    "case15": (1 / 4, 0.50, 0.0, -6.0),
    "case16": (1 / 4, 0.50, 45.0, -6.0),
    "case17": (1 / 6, 0.50, 60.0, -6.0),
    "case18": (1 / 8, 0.50, 67.5, -6.0),
    "case19": (1 / 4, 1.41, 45.0, 3.0),
}


def ebu_true_peak_signal(case: str, seconds: float = 2.0) -> np.ndarray:
    """The Tech 3341 case's tone, stereo: amplitude * sin(2 pi (f/fs) n + phase), n = 0 .. fs*seconds-1."""
    ratio, amplitude, phase_deg, _ = EBU_3341_TRUE_PEAK[case]
    n = np.arange(round(seconds * SR))
    x = amplitude * np.sin(2 * np.pi * ratio * n + np.deg2rad(phase_deg))
    return np.stack([x, x], axis=1)


@pytest.mark.parametrize("case", sorted(EBU_3341_TRUE_PEAK))
def test_true_peak_meets_ebu_tech_3341_cases_15_to_19(case, tmp_path):
    expected = EBU_3341_TRUE_PEAK[case][3]
    path = tmp_path / f"{case}.wav"
    sf.write(path, ebu_true_peak_signal(case), SR, subtype="PCM_24")
    tp = analyze(path).metrics["audio"]["true_peak_dbtp"]
    assert expected - 0.4 <= tp <= expected + 0.2


def test_true_peak_still_counts_a_click_on_the_first_sample(tmp_path):
    # the edge is left to the sample peak, not left out: a full-scale click on sample 0 of a quiet tape reads 0 dBTP
    x = sine(1000, 2.0, SR, -30.0)
    x[0] = 1.0
    path = tmp_path / "click.wav"
    sf.write(path, np.stack([x, x], axis=1), SR, subtype="FLOAT")
    assert analyze(path).metrics["audio"]["true_peak_dbtp"] == pytest.approx(0.0, abs=0.01)


def test_true_peak_finds_an_intersample_peak_near_the_end(tmp_path):
    # case 19's tone (+3 dBTP between samples at 0 dBFS) for 20 ms, 10 ms before the end of a quiet tape
    quiet = sine(1000, 2.0, SR, -30.0)
    burst = ebu_true_peak_signal("case19", 0.02)[:, 0]
    x = np.concatenate([quiet, burst, quiet[: int(0.01 * SR)]])
    path = tmp_path / "late.wav"
    sf.write(path, np.stack([x, x], axis=1), SR, subtype="FLOAT")
    assert 2.6 <= analyze(path).metrics["audio"]["true_peak_dbtp"] <= 3.2


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


def test_hum_on_digital_silence_is_null_with_a_skip_reason(tmp_path):
    # old code: hum_level_dbfs -300.0 (log of an empty power) and hum_ratio_db 0.0, as if measured
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros((SR * 3, 2)), SR, subtype="PCM_16")
    report = analyze(path)
    audio = report.metrics["audio"]
    assert audio["hum_level_dbfs"] is None and audio["hum_ratio_db"] is None and audio["hum_mains_hz"] is None
    assert "audio.hum skipped: no signal (digital silence)" in report.skipped


def test_hum_is_still_measured_under_speech_like_sound(tmp_path):
    # a -40 dBFS 50 Hz hum and its 3rd harmonic under 330 Hz bursts (off the 50 Hz series): level within 1.5 dB
    burst = np.concatenate([sine(330, 0.4, SR, -20.0), np.zeros(int(0.3 * SR))])
    n = 10 * len(burst)
    hum = sine(50, n / SR, SR, -40.0) + sine(150, n / SR, SR, -46.0)
    path = tmp_path / "hum.wav"
    sf.write(path, np.tile(burst, 10) + hum, SR, subtype="FLOAT")
    report = analyze(path)
    audio = report.metrics["audio"]
    # power of the lines: -43 dBFS (-40 dBFS peak sine) and -49 dBFS: -42.0 dBFS together
    assert audio["hum_mains_hz"] == 50 and audio["hum_level_dbfs"] == pytest.approx(-42.0, abs=1.5)
    assert "audio.hum" in [f.check for f in report.findings]
    assert not any(s.startswith("audio.hum") for s in report.skipped)
