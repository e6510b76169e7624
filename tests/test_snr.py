"""audio.snr_db on connected speech with no pauses (issue #22): real voices with the gaps between words
kept (each quiet stretch cut to 0.12 s) and no pause to read the background from, mixed with real noise
at a known SNR (bench/snr.py's truth: the voice's active RMS over the noise's RMS)."""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import load_bench

snr = load_bench("snr")
corpus = snr.corpus
pytestmark = pytest.mark.skipif(not __import__("os").path.isdir(corpus.REAL),
                                reason="../shared/data/real is not present on this machine")


def _read(voice: str, noise: str | None, snr_db: float) -> float | None:
    from selftape_check.measure.summary import audio_summary

    v = snr.continuous_voice(voice)
    if noise is None:
        n = corpus.room_tone(len(v) / corpus.SR, 1)
    else:
        n = np.resize(corpus._wav(noise), len(v))
        n = n / np.sqrt(np.mean(n ** 2)) * corpus.active_rms(v) * 10 ** (-snr_db / 20)
    return audio_summary(snr.series(v + n)).snr_db


@pytest.mark.parametrize("voice", corpus.VOICES)
def test_a_clean_read_with_no_pauses_is_not_noisy(voice):
    # a -64 dBFS room tone under a -24 dBFS voice: measured 30.6-42.7 dB over the 7 voices (threshold 20)
    got = _read(voice, None, 0.0)
    assert got is not None and got > 25.0


@pytest.mark.parametrize("voice", corpus.VOICES)
def test_connected_speech_at_20_db_under_car_noise_reads_within_3_db(voice):
    # measured 18.1-20.3 dB over the 7 voices
    assert _read(voice, "noise_car_interior_60mph.wav", 20.0) == pytest.approx(20.0, abs=3.0)


@pytest.mark.xfail(strict=True, reason="known limit: with no pauses the background is read from hops that "
                   "hold speech; radio31 under car noise at 3 dB reads -1.2 dB (bench/snr.py --continuous)")
def test_connected_speech_at_3_db_under_car_noise_reads_within_3_db():
    assert _read("speech_hdtf_rd_radio31.wav", "noise_car_interior_60mph.wav", 3.0) == pytest.approx(3.0, abs=3.0)
