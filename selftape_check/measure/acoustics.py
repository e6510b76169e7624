"""Room and mains: estimates derived from the audio series (pure functions, no decoding).

* Mains hum: narrow peaks at 50 or 60 Hz and their harmonics in the long-term spectrum (1 Hz
  resolution), each compared with the spectrum a few hertz either side. Speech harmonics wander with
  the pitch and average out into a smooth spectrum; a hum is stationary and stays a line.
* Reverberation: blind estimate from the distribution of decay rates of the speech envelope (after
  Wen, Habets & Naylor, 2008, and Eaton et al., ACE challenge 2016): the room bounds how fast the
  level can fall. The floor's power is subtracted first, so the estimate hardly depends on how far the
  speech stands over the floor. Limits: it needs six steadily falling 100 ms stretches (a few seconds
  of speech) and the speech 20 dB over the floor (no estimate under that); the 20 ms hop puts dry
  speech at about 0.15-0.3 s, and a recording that carries its own small room at up to 0.36 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Hum:
    mains_hz: int  # 50 or 60
    ratio_db: float  # strongest harmonic line over its neighbourhood
    level_dbfs: float  # power of the hum lines, dBFS


def mains_hum(lowfreq_power: np.ndarray, max_harmonic: int = 8) -> Hum | None:
    """The stronger of a 50 Hz or 60 Hz harmonic series in a 1 Hz-resolution power spectrum."""
    p = np.asarray(lowfreq_power, dtype=float)
    if p.size < 130:
        return None
    best: Hum | None = None
    for f0 in (50, 60):
        ratios, powers = [], []
        for k in range(1, max_harmonic + 1):
            f = k * f0
            if f + 20 >= p.size:
                break
            line = p[f - 1: f + 2].sum()  # a Hann-windowed line spreads over 3 bins
            around = np.concatenate([p[f - 16: f - 3], p[f + 4: f + 17]])
            base = float(np.median(around)) * 3
            ratios.append(10 * np.log10(max(line, 1e-30) / max(base, 1e-30)))
            powers.append(max(line - base, 0.0))
        if not ratios:
            continue
        hum = Hum(
            mains_hz=f0,
            ratio_db=float(max(ratios)),
            level_dbfs=float(10 * np.log10(max(sum(powers), 1e-30))),
        )
        if best is None or hum.ratio_db > best.ratio_db:
            best = hum
    return best


FAST_PERCENTILE = 10  # the fast end of the decay-slope distribution: the room, not the voice
WINDOW_S = 0.10  # a decaying stretch: 5 hops of 20 ms
MIN_RANGE_DB = 20.0  # below this no reverberation estimate


def rt60_from_decay_rates(
    band_db: np.ndarray, hop_s: float, noise_floor_db: float, speech_db: float, window_s: float = WINDOW_S,
    min_windows: int = 6,
) -> tuple[float | None, int]:
    """Blind reverberation estimate (s) from the distribution of level decay rates, and the number of
    decaying windows it used.

    The floor's power is taken out of every hop first (power subtraction), so a decay keeps its slope
    down to a few dB over the floor instead of bending into it. Every window of `window_s` in which the
    speech-band level then falls steadily, staying at least twice the floor's power (3 dB over it
    before the subtraction), gives a slope (dB/s, least squares). Speech can stop abruptly, but the
    room cannot decay faster than 60 dB per RT60, so the fast end of the slope distribution
    (FAST_PERCENTILE) reads the room: estimate = 60 / |slope|. It reads about 0.5 of the RT60 at
    0.8-1.1 s (the direct sound drops at once), and hardly moves with the noise floor (bench/echo.py:
    the same voice in the same room within about 0.05 s from 45 to 20 dB of range); the threshold is
    set on this estimate, calibrated on real speech in synthetic rooms.
    """
    if speech_db - noise_floor_db < MIN_RANGE_DB:
        return None, 0  # too little range: the decays are too short to measure
    floor_power = 10.0 ** (noise_floor_db / 10.0)
    power = 10.0 ** (np.asarray(band_db, dtype=float) / 10.0) - floor_power
    level = 10.0 * np.log10(np.maximum(power, floor_power * 1e-3))
    w = max(3, int(round(window_s / hop_s)))
    if level.size < w + 1:
        return None, 0
    windows = np.lib.stride_tricks.sliding_window_view(level, w)
    falling = (np.all(np.diff(windows, axis=1) < 0.5, axis=1)
               & (windows.min(axis=1) >= noise_floor_db))  # twice the floor's power before subtraction
    if falling.sum() < min_windows:
        return None, int(falling.sum())
    tc = (np.arange(w) - (w - 1) / 2) * hop_s
    sel = windows[falling]
    slopes = ((sel - sel.mean(axis=1, keepdims=True)) * tc).sum(axis=1) / float((tc ** 2).sum())
    slopes = slopes[slopes < 0]
    if slopes.size < min_windows:
        return None, int(slopes.size)
    return float(60.0 / -np.percentile(slopes, FAST_PERCENTILE)), int(slopes.size)
