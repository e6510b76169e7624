"""Boolean masks over time and the time ranges they describe: the one place this is done.

A check says "frames (or hops) where X"; these helpers close short gaps, drop short blips and turn the
mask into `[start_s, end_s]` ranges, so one missed detection is not a finding but ten seconds are.
"""

from __future__ import annotations

import numpy as np


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[(start, end_exclusive)] of the True runs in a 1-D boolean mask."""
    m = np.asarray(mask, dtype=bool)
    if m.size == 0:
        return []
    edges = np.diff(np.concatenate([[0], m.view(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), ends.tolist()))


def close_gaps(mask: np.ndarray, max_gap: int) -> np.ndarray:
    """Fill False runs of at most `max_gap` samples that lie between two True runs."""
    m = np.asarray(mask, dtype=bool).copy()
    if max_gap <= 0:
        return m
    r = runs(m)
    for (_, e0), (s1, _) in zip(r, r[1:]):
        if s1 - e0 <= max_gap:
            m[e0:s1] = True
    return m


def drop_short(mask: np.ndarray, min_len: int) -> np.ndarray:
    """Remove True runs shorter than `min_len` samples."""
    m = np.asarray(mask, dtype=bool).copy()
    for s, e in runs(m):
        if e - s < min_len:
            m[s:e] = False
    return m


def time_ranges(
    t_s: np.ndarray,
    mask: np.ndarray,
    *,
    step_s: float,
    min_duration_s: float = 0.0,
    merge_gap_s: float = 0.0,
    end_s: float | None = None,
) -> list[tuple[float, float]]:
    """Ranges `[start_s, end_s]` where `mask` holds, for samples at times `t_s` each covering `step_s`.

    Runs separated by less than `merge_gap_s` merge; ranges shorter than `min_duration_s` are dropped.
    Irregular sample times (sampled frames) are fine: a run spans from its first sample's time to its
    last sample's time plus `step_s`, capped at `end_s`.
    """
    t = np.asarray(t_s, dtype=float)
    m = np.asarray(mask, dtype=bool)
    out: list[list[float]] = []
    for s, e in runs(m):
        start, stop = float(t[s]), float(t[e - 1]) + step_s
        if end_s is not None:
            stop = min(stop, end_s)
        if out and start - out[-1][1] <= merge_gap_s + 1e-9:
            out[-1][1] = max(out[-1][1], stop)
        else:
            out.append([start, stop])
    return [(round(a, 2), round(b, 2)) for a, b in out if b - a >= min_duration_s - 1e-9]


def sampled_ranges(
    t_s: np.ndarray, mask: np.ndarray, interval_s: float, end_s: float, min_duration_s: float = 2.0
) -> list[tuple[float, float]]:
    """Ranges over frames sampled about every `interval_s` (coverage frames): each covers its interval,
    and runs less than 2.5 intervals apart merge (a missed detection or two does not split a range)."""
    return time_ranges(t_s, mask, step_s=interval_s, min_duration_s=min_duration_s,
                       merge_gap_s=2.5 * interval_s, end_s=end_s)


def merge_ranges(ranges: list[tuple[float, float]], gap_s: float = 0.0) -> list[tuple[float, float]]:
    """Union of possibly overlapping ranges (and of ranges less than `gap_s` apart), sorted."""
    out: list[list[float]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + gap_s:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def total_s(ranges: list[tuple[float, float]]) -> float:
    return float(sum(b - a for a, b in ranges))


def format_time(seconds: float) -> str:
    """0:12, 1:04:09."""
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
