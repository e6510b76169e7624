"""Audio checks on real speech with defects of known size: noise at a known SNR, mains hum, a room of
known reverberation time, clipping, dropouts, a dead channel."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from scipy import signal

from selftape_check import analyze
from tests.synth import pink_noise

from .conftest import real

SR = 48000
VOICES = ["speech_hdtf_rd_radio31.wav", "speech_psf_english.wav", "speech_fsdd_jackson_digits0-9.wav"]
NOISES = ["noise_cafe.wav", "noise_street_traffic1.wav", "noise_kitchen_dishes.wav"]


def load(name: str) -> np.ndarray:
    x, rate = sf.read(real(name), dtype="float64")
    x = x.mean(axis=1) if x.ndim > 1 else x
    return signal.resample_poly(x, SR, rate) if rate != SR else x


def active_rms(x: np.ndarray) -> float:
    """RMS over the louder half of 20 ms frames: the speech, not the pauses."""
    n = SR // 50
    p = (x[: len(x) // n * n].reshape(-1, n) ** 2).mean(axis=1)
    return float(np.sqrt(p[p >= np.median(p)].mean()))


def voice(name: str, seconds: float = 10.0) -> np.ndarray:
    """Real speech at -24 dBFS (active), repeated with short pauses to fill `seconds`."""
    x = load(name)
    x = x / active_rms(x) * 10 ** (-24 / 20)
    out = np.zeros(int(seconds * SR))
    pos = int(0.4 * SR)
    while pos < len(out) - int(0.6 * SR):
        m = min(len(x), len(out) - int(0.6 * SR) - pos)
        out[pos:pos + m] = x[:m]
        pos += m + int(0.35 * SR)
    return out


def check(tmp_path, x: np.ndarray, name: str = "a.wav"):
    path = tmp_path / name
    sf.write(path, x, SR, subtype="FLOAT")
    r = analyze(path)
    return r, {f.check for f in r.findings if f.severity in ("warn", "fail")}


def with_room_tone(x: np.ndarray) -> np.ndarray:
    return x + pink_noise(len(x) / SR, SR, -64.0, seed=2)


@pytest.mark.parametrize("voice_name", VOICES)
def test_clean_speech_raises_no_audio_finding(tmp_path, voice_name):
    import pyloudnorm

    x = with_room_tone(voice(voice_name))
    r, fired = check(tmp_path, x)
    assert fired == set()
    # the voice's loudness measured over its speech matches BS.1770 (pyloudnorm) on the whole track,
    # whose relative gate leaves the pauses out too (ours keeps pauses under 0.3 s: it may read lower)
    ref = pyloudnorm.Meter(SR).integrated_loudness(x)
    assert r.metrics["audio"]["speech_lufs"] == pytest.approx(ref, abs=2.0)


NOISES_MORE = ["noise_babble_2m1f_english.wav", "noise_car_interior_60mph.wav"]
# measured error bounds per true SNR (bench/snr.py: 7 voices x 5 noises, 235 of 245 within +-3 dB);
# the misses are the noise read from a few short pauses (30 dB) or a voice whose quiet parts hide in a
# babble (10 dB). 0 dB reads within +-3 dB (it read 3-8 dB high before the P.56-style level).
SNR_BOUNDS = {30.0: (-4.5, 3.5), 20.0: (-3.0, 3.0), 10.0: (-4.5, 3.0), 0.0: (-3.0, 3.0)}


@pytest.mark.parametrize("voice_name,noise_name", list(zip(VOICES, NOISES)) + list(zip(VOICES, NOISES_MORE)))
def test_snr_of_real_noise_at_known_levels(tmp_path, voice_name, noise_name):
    v = voice(voice_name)
    n0 = np.resize(load(noise_name), len(v))
    for snr_db, (lo, hi) in SNR_BOUNDS.items():
        n = n0 / np.sqrt(np.mean(n0 ** 2)) * active_rms(v) * 10 ** (-snr_db / 20)
        r, fired = check(tmp_path, v + n)
        assert snr_db + lo <= r.metrics["audio"]["snr_db"] <= snr_db + hi, (snr_db, r.metrics["audio"]["snr_db"])
        if snr_db != 20.0:  # 20 dB is the warning threshold itself
            assert ("audio.noisy" in fired) == (snr_db < 20.0), snr_db
    # at 0 dB the voice is drowned: a fail (it once read as no speech at all, and no finding)
    assert {f.severity for f in r.findings if f.check == "audio.noisy"} == {"fail"}


@pytest.mark.parametrize("noise_name,snr_db", [("noise_car_interior_60mph.wav", 5.0),
                                                 ("noise_car_interior_60mph.wav", 10.0),
                                                 ("noise_kitchen_dishes.wav", 10.0),
                                                 ("noise_street_traffic1.wav", 10.0)])
def test_snr_of_a_voice_that_hardly_pauses_under_loud_noise(tmp_path, noise_name, snr_db):
    """A radio voice that hardly pauses, 5-10 dB over a car, kitchen or traffic: the whole-band
    detection misses its quiet parts, which then count as background (it read 4.4-5.4 dB low); found
    in the octave where the voice stands out most, they are kept out, and the SNR reads within 3 dB."""
    v = voice("speech_hdtf_rd_radio31.wav")
    n0 = np.resize(load(noise_name), len(v))
    r, _ = check(tmp_path, v + n0 / np.sqrt(np.mean(n0 ** 2)) * active_rms(v) * 10 ** (-snr_db / 20))
    assert abs(r.metrics["audio"]["snr_db"] - snr_db) <= 3.0, r.metrics["audio"]["snr_db"]


# 15 dB, not nearer the 10 dB fail threshold than the estimate's error (a radio voice with its own
# studio floor reads 2.5 dB low at 10 dB); 25 dB is 5 dB over the 20 dB warn level: must not fire
@pytest.mark.parametrize("snr_db,severity", [(5.0, {"warn", "fail"}), (15.0, {"warn"}), (25.0, set())])
def test_noisy_speech_is_reported(tmp_path, snr_db, severity):
    v = voice(VOICES[0])
    n = np.resize(load("noise_street_traffic1.wav"), len(v))
    n = n / np.sqrt(np.mean(n ** 2)) * active_rms(v) * 10 ** (-snr_db / 20)
    r, fired = check(tmp_path, v + n)
    # within 3 dB, except at 5 dB, where this voice under traffic reads 1.9 (bench/snr.py: the 0-5 dB misses)
    assert abs(r.metrics["audio"]["snr_db"] - snr_db) <= (3.5 if snr_db < 10 else 3.0), r.metrics["audio"]["snr_db"]
    assert {f.severity for f in r.findings if f.check == "audio.noisy"} <= severity
    assert ("audio.noisy" in fired) == bool(severity)


@pytest.mark.parametrize("mains", [50, 60])
def test_hum_at_minus_40_dbfs_under_speech(tmp_path, mains):
    v = with_room_tone(voice(VOICES[1]))
    t = np.arange(len(v)) / SR
    hum = np.sin(2 * np.pi * mains * t) + 0.5 * np.sin(2 * np.pi * 2 * mains * t)
    hum *= 10 ** (-40 / 20) / np.sqrt(np.mean(hum ** 2))
    r, fired = check(tmp_path, v + hum)
    assert "audio.hum" in fired and r.metrics["audio"]["hum_mains_hz"] == mains


def room_response(rt60: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(rt60 * 1.5 * SR)
    h = rng.standard_normal(n) * np.exp(-6.9078 * np.arange(n) / SR / rt60)  # -60 dB at rt60
    h[0] = np.abs(h).max() * 3
    return h / np.sqrt(np.sum(h ** 2))


@pytest.mark.parametrize("voice_name", VOICES)
@pytest.mark.parametrize("rt60", [0.8, 1.4])
def test_reverberant_room_is_told_from_a_dry_one(tmp_path, voice_name, rt60):
    """The issue's bar: an RT60 of 0.8 s and more is told from a dry recording (the estimate reads
    about 0.5 of the RT60; docs/checks.md)."""
    dry = voice(voice_name)
    wet = signal.fftconvolve(dry, room_response(rt60))[: len(dry)]
    wet = wet / active_rms(wet) * 10 ** (-24 / 20)
    r_dry, fired_dry = check(tmp_path, with_room_tone(dry), "dry.wav")
    r_wet, fired_wet = check(tmp_path, with_room_tone(wet), "wet.wav")
    assert "audio.echo" in fired_wet and "audio.echo" not in fired_dry
    assert r_wet.metrics["audio"]["reverb_s"] > r_dry.metrics["audio"]["reverb_s"] + 0.1


def test_echo_over_a_noisy_floor(tmp_path):
    """The floor's power is taken out before the decay rates are read, so the estimate hardly moves
    when the speech stands 40 dB or only 20-30 dB over a pink-noise floor (here 0.28 -> 0.31 s dry,
    0.47 -> 0.51 s in a 0.8 s room; reading the levels as they are, the dry voice rose to 0.41 s). The
    room fires over both floors, the dry voice over neither."""
    dry = voice("speech_fsdd_jackson_digits0-9.wav")
    wet = signal.fftconvolve(dry, room_response(0.8, seed=3))[: len(dry)]
    wet = wet / active_rms(wet) * 10 ** (-24 / 20)
    for name, x in (("dry", dry), ("wet", wet)):
        estimates = []
        for floor_dbfs, ranges in ((-64.0, (35.0, 60.0)), (-46.0, (20.0, 30.0))):
            r, fired = check(tmp_path, x + pink_noise(len(x) / SR, SR, floor_dbfs, seed=5), f"{name}.wav")
            a = r.metrics["audio"]
            assert ranges[0] <= a["reverb_range_db"] < ranges[1]
            assert ("audio.echo" in fired) == (name == "wet")
            estimates.append(a["reverb_s"])
        assert abs(estimates[1] - estimates[0]) <= 0.05, (name, estimates)


def test_clipping_dropouts_and_dead_channel(tmp_path):
    v = with_room_tone(voice(VOICES[0]))
    _, fired = check(tmp_path, np.clip(v * 10 ** (20 / 20), -1, 1), "clip.wav")
    assert "audio.clipping" in fired
    gaps = v.copy()
    for at in (2.0, 4.5, 7.0):
        gaps[int(at * SR): int((at + 0.15) * SR)] = 0.0
    r, fired = check(tmp_path, gaps, "gaps.wav")
    assert "audio.dropouts" in fired
    assert [round(a, 1) for a, _ in next(f for f in r.findings if f.check == "audio.dropouts").ranges] == \
        [2.0, 4.5, 7.0]
    _, fired = check(tmp_path, np.stack([v, np.zeros_like(v)], axis=1), "dead.wav")
    assert "audio.channel_imbalance" in fired


def loud_moments(x: np.ndarray, count: int) -> list[float]:
    """`count` times (s) well apart where the voice is strong (its 50 ms RMS within 10 dB of the
    loudest)."""
    n = int(0.05 * SR)
    rms = np.sqrt(np.convolve(x ** 2, np.ones(n) / n, "same"))
    loud = np.flatnonzero(rms >= rms.max() * 10 ** (-10 / 20)) / SR
    picks: list[float] = []
    for t in loud:
        if 0.5 < t < len(x) / SR - 0.5 and all(abs(t - p) > 1.5 for p in picks):
            picks.append(float(t))
    return picks[:count]


def test_cuts_to_near_silence_mid_phrase_are_dropouts_but_a_noise_gate_is_not(tmp_path):
    """A wireless link that drops out mutes the receiver: 120 ms of near-silence (-95 dBFS, not
    digital zero) cutting into a phrase, 30 dB and more under the room's -64 dBFS floor. A hard noise
    gate that silences the room in every pause (the same depth, switching within a millisecond) is
    not a dropout, nor is one that gates to digital silence: it closes after the voice has faded."""
    dry = voice(VOICES[1])
    v = with_room_tone(dry)
    at = loud_moments(dry, 3)
    assert len(at) == 3
    cut = v.copy()
    hiss = pink_noise(len(v) / SR, SR, -95.0, seed=9)
    for t in at:
        i = int(t * SR)
        cut[i: i + int(0.12 * SR)] = hiss[i: i + int(0.12 * SR)]
    r, fired = check(tmp_path, cut, "cut.wav")
    assert "audio.dropouts" in fired
    found = next(f for f in r.findings if f.check == "audio.dropouts").ranges
    assert len(found) == 3
    for (start, end), t in zip(found, at):
        assert abs(start - t) <= 0.03 and abs(end - (t + 0.12)) <= 0.03
    # the gate: open where the dry voice's 20 ms envelope is over -50 dBFS (held 60 ms), else -95 dBFS
    n = int(0.02 * SR)
    env = np.sqrt(np.convolve(dry ** 2, np.ones(n) / n, "same"))
    open_ = np.convolve((env > 10 ** (-50 / 20)).astype(float), np.ones(3 * n), "same") > 0
    gated = np.where(open_, v, hiss)
    r, fired = check(tmp_path, gated, "gated.wav")
    assert "audio.dropouts" not in fired, r.metrics["audio"]["noise_floor_dbfs"]
    # a gate (or an app's noise suppression) that shuts the room out to digital silence, as the ALSA
    # sample voices do between words; the digital silence that cuts into phrases is still found
    r, fired = check(tmp_path, np.where(open_, v, 0.0), "gated_to_zero.wav")
    assert "audio.dropouts" not in fired, next(f for f in r.findings if f.check == "audio.dropouts").ranges
    zeros = np.where(open_, v, 0.0)
    for t in at:
        zeros[int(t * SR): int((t + 0.12) * SR)] = 0.0
    r, fired = check(tmp_path, zeros, "gated_and_cut.wav")
    found = next(f for f in r.findings if f.check == "audio.dropouts").ranges
    assert [round(s, 1) for s, _ in found] == [round(t, 1) for t in at]


def test_voice_levels_quiet_and_loud(tmp_path):
    v = voice(VOICES[2])
    _, fired = check(tmp_path, with_room_tone(v * 10 ** (-22 / 20)), "quiet.wav")  # speech at -46 dBFS
    assert "audio.too_quiet" in fired
    r, fired = check(tmp_path, with_room_tone(0.9 * np.tanh(v * 10 ** (22 / 20))), "loud.wav")  # a hard limiter
    assert r.metrics["audio"]["speech_lufs"] > -11
    assert "audio.too_loud" in fired
