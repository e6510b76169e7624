"""Motion over runs of consecutive frames: brightness flicker and camera shake (checked by judge.motion).

Each run (every keyframe interval when every frame is decoded; a burst in --fast mode) gives one figure:

* flicker: the mean luma of the background (outside the person) less its running median over 0.5 s
  (which follows slow exposure drift and steps, not pulsing); its standard deviation, as 1.4826 x the
  median absolute deviation so a couple of odd frames do not count, in percent of the mean; runs are
  cut at edits (a frame-to-frame difference above half the picture's contrast), except where the
  brightness swings periodically: strong fast flicker (28 % at 7 Hz) changes every frame by as much
  as a cut does, but a cut happens once and flicker repeats, so a run whose brightness residual holds
  most of its power in one spectral peak at `PERIODIC_MIN_HZ` or more (periodogram of the
  Hann-windowed residual) is not cut. A 1-2 % change in luminance is at the visibility threshold
  (Weber fraction); light flicker and exposure hunting are several percent.
* shake: the median translation of the background between consecutive frames (phase correlation
  weighted to exclude the person), in percent of the frame width per frame. A tripod reads ~0;
  handheld phones jitter 0.3-1 % per frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import VideoSeries

MIN_RUN_FRAMES = 10
TREND_S = 0.5  # the running median that takes out drift and steps spans this long
CUT_DIFF = 0.5  # relative difference between consecutive frames that marks an edit cut
PERIODIC_MIN_HZ = 2.0  # brightness swinging this fast or faster, periodically, is flicker (not cuts)
PERIODIC_SHARE = 0.5  # share of the residual's power in its strongest spectral peak that makes it periodic
PERIODIC_MIN_S = 1.0  # a periodicity is judged on at least this much of a run


@dataclass(frozen=True)
class RunStats:
    start_s: np.ndarray
    end_s: np.ndarray
    flicker_pct: np.ndarray
    shake_pct: np.ndarray


def run_stats(v: VideoSeries, fps: float) -> RunStats:
    starts, ends, flicker, shake = [], [], [], []
    for run_id in np.unique(v.frame_run[v.frame_run >= 0]):
        idx = np.flatnonzero(v.frame_run == run_id)
        width = max(5, int(round(fps * TREND_S)) | 1)
        if not periodic_brightness(v.frame_background_luma[idx].astype(np.float64), fps, width):
            idx = _longest_without_cut(idx, v.frame_diff)
        if len(idx) < MIN_RUN_FRAMES:
            continue
        t = v.frame_t_s[idx]
        luma = v.frame_background_luma[idx].astype(np.float64)
        if luma.mean() < 0.03:  # black: nothing to flicker
            continue
        trend = _running_median(luma, width)
        starts.append(float(t[0]))
        ends.append(float(t[-1]) + 1.0 / fps)
        resid = luma - trend
        mad_sd = 1.4826 * float(np.median(np.abs(resid - np.median(resid))))  # robust to a few odd frames
        flicker.append(mad_sd / max(luma.mean(), 1e-3) * 100.0)
        shifts = v.frame_shift_px[idx]
        shifts = shifts[np.isfinite(shifts)]
        shake.append(float(np.median(shifts)) if shifts.size else float("nan"))
    arr = lambda x: np.asarray(x, dtype=float)  # noqa: E731
    return RunStats(arr(starts), arr(ends), arr(flicker), arr(shake))


def periodic_brightness(luma: np.ndarray, fps: float, width: int) -> bool:
    """Whether a run's brightness swings periodically at PERIODIC_MIN_HZ or faster: the residual from
    its running median (`width` frames), Hann-windowed, has PERIODIC_SHARE or more of its power in its
    strongest periodogram peak (the peak bin and its two neighbours, where a windowed sinusoid's power
    lies). A cut is a step (taken out by the median) and motion spreads its power over the spectrum."""
    n = len(luma)
    # a second's worth of frames: a 1 s keyframe interval at 22.13 fps holds 22 frames, not 22.13
    if n < max(MIN_RUN_FRAMES, np.floor(PERIODIC_MIN_S * fps + 1e-6)) or luma.mean() < 0.03:
        return False
    resid = luma - _running_median(luma, width)
    resid = resid - resid.mean()
    power = np.abs(np.fft.rfft(resid * np.hanning(n))) ** 2
    freqs = np.fft.rfftfreq(n, 1.0 / fps)
    band = freqs >= PERIODIC_MIN_HZ
    total = float(power[1:].sum())
    if total <= 1e-12 or not band.any():
        return False
    k = int(np.flatnonzero(band)[np.argmax(power[band])])
    return float(power[max(1, k - 1): k + 2].sum()) / total >= PERIODIC_SHARE


def _running_median(x: np.ndarray, width: int) -> np.ndarray:
    """Median over a sliding window (edges padded): follows slow drift and steps, not pulsing."""
    half = width // 2
    padded = np.concatenate([np.full(half, x[0]), x, np.full(half, x[-1])])
    return np.median(np.lib.stride_tricks.sliding_window_view(padded, width), axis=1)


def _longest_without_cut(idx: np.ndarray, frame_diff: np.ndarray) -> np.ndarray:
    """The longest stretch of a run with no picture cut (a frame differing by more than CUT_DIFF)."""
    cuts = np.flatnonzero(np.nan_to_num(frame_diff[idx]) > CUT_DIFF)
    bounds = [0, *cuts.tolist(), len(idx)]
    a, b = max(zip(bounds, bounds[1:]), key=lambda p: p[1] - p[0])
    return idx[a:b]


