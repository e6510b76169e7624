"""Room and mains: estimates derived from the audio series (pure functions, no decoding).

* Mains hum: narrow peaks at 50 or 60 Hz and their harmonics in the long-term spectrum (1 Hz
  resolution), each compared with the spectrum a few hertz either side. Speech harmonics wander with
  the pitch and average out into a smooth spectrum; a hum is stationary and stays a line.
* Reverberation: blind estimate from the distribution of decay rates of the speech envelope (after
  Wen, Habets & Naylor, 2008, and Eaton et al., ACE challenge 2016): the room bounds how fast the
  level can fall. Limits: with speech 30 dB or more over the floor it needs six steadily falling
  120 ms stretches (a few seconds of speech); the 20 ms hop puts dry speech at about 0.1-0.4 s. From
  20 to 30 dB the fast decays vanish into the floor and dry speech reads high, so it needs 15 stretches
  and the judgement allows `low_range_allowance_s` more; under 20 dB there is no estimate.
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
FULL_RANGE_DB = 30.0  # speech this far over the floor: dry speech reads 0.19-0.37 s
MIN_RANGE_DB = 20.0  # below this no reverberation estimate
LOW_RANGE_WINDOWS = 15  # decaying stretches needed between MIN_RANGE_DB and FULL_RANGE_DB
LOW_RANGE_S_PER_DB = 0.03  # how much more a dry voice may read per dB of range under FULL_RANGE_DB


def low_range_allowance_s(range_db: float) -> float:
    """How much higher the estimate may read on a dry voice whose speech stands only `range_db` over the
    floor (FULL_RANGE_DB or more: 0). Calibrated with bench/echo.py: 11 real voices, dry and in
    synthetic rooms, over pink-noise floors from -64 to -42 dBFS."""
    return max(0.0, FULL_RANGE_DB - range_db) * LOW_RANGE_S_PER_DB


def rt60_from_decay_rates(
    band_db: np.ndarray, hop_s: float, noise_floor_db: float, speech_db: float, window_s: float = 0.12,
    min_windows: int = 6,
) -> tuple[float | None, int]:
    """Blind reverberation estimate (s) from the distribution of level decay rates, and the number of
    decaying windows it used.

    Every window of `window_s` in which the speech-band level falls steadily, staying 10 dB above the
    noise floor, gives a slope (dB/s, least squares). Speech can stop abruptly, but the room cannot decay
    faster than 60 dB per RT60, so the fast end of the slope distribution (FAST_PERCENTILE) reads the
    room: estimate = 60 / |slope|. It reads about 0.55 of the RT60 at 0.8-1.2 s (the direct sound
    drops at once); the threshold is set on this estimate, calibrated on real speech in synthetic rooms.
    """
    level = np.asarray(band_db, dtype=float)
    if speech_db - noise_floor_db < MIN_RANGE_DB:
        return None, 0  # too little range: fast decays vanish into the noise and only slow ones remain
    if speech_db - noise_floor_db < FULL_RANGE_DB:
        min_windows = max(min_windows, LOW_RANGE_WINDOWS)
    w = max(3, int(round(window_s / hop_s)))
    if level.size < w + 1:
        return None, 0
    windows = np.lib.stride_tricks.sliding_window_view(level, w)
    # steadily falling, staying 10 dB above the noise floor
    falling = np.all(np.diff(windows, axis=1) < 0.5, axis=1) & (windows.min(axis=1) >= noise_floor_db + 10.0)
    if falling.sum() < min_windows:
        return None, int(falling.sum())
    tc = (np.arange(w) - (w - 1) / 2) * hop_s
    sel = windows[falling]
    slopes = ((sel - sel.mean(axis=1, keepdims=True)) * tc).sum(axis=1) / float((tc ** 2).sum())
    slopes = slopes[slopes < 0]
    if slopes.size < min_windows:
        return None, int(slopes.size)
    return float(60.0 / -np.percentile(slopes, FAST_PERCENTILE)), int(slopes.size)
