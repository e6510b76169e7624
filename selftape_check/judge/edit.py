"""Edit checks: dead air at the start and end of the tape (silence before the first line, after the last)."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..model import Finding
from ..timeline import runs
from .registry import Context, check


def speech_span_s(ctx: Context) -> tuple[float, float] | None:
    """Start of the first and end of the last voice-active stretch (>= 0.3 s), in seconds."""
    a = ctx.m.audio
    spans = [(s, e) for s, e in runs(a.speech) if (e - s) * a.hop_s >= 0.3]
    if not spans:
        return None
    return spans[0][0] * a.hop_s, spans[-1][1] * a.hop_s


@check("edit.dead_air", needs="audio")
def dead_air(ctx: Context) -> Iterator[Finding]:
    t = ctx.t
    span = speech_span_s(ctx)
    if span is None:
        return
    duration = ctx.m.media.duration_s or ctx.m.audio.duration_s
    lead, tail = span[0], max(0.0, duration - span[1])
    limit = t["edit.dead_air.max_s"]
    ranges, parts = [], []
    # leave a natural beat (1 s) when trimming
    if lead > limit:
        ranges.append((0.0, round(lead, 2)))
        parts.append(f"{lead - 1.0:.1f} s at the start")
    if tail > limit:
        ranges.append((round(span[1], 2), round(duration, 2)))
        parts.append(f"{tail - 1.0:.1f} s at the end")
    if not ranges:
        return
    still = ""
    v = ctx.m.video
    if v is not None and len(v.t_s):
        in_dead = np.zeros(len(v.t_s), bool)
        for a, b in ranges:
            in_dead |= (v.t_s >= a) & (v.t_s < b)
        diffs = v.coverage_diff[in_dead]
        diffs = diffs[np.isfinite(diffs)]
        if diffs.size and float(np.median(diffs)) < 0.01:
            still = " with nothing happening on screen"
    yield Finding(
        "edit.dead_air", "warn",
        f"The tape has silence{still} before the first line or after the last: trim {' and '.join(parts)}.",
        "Trim the tape so it starts a beat before your first line and ends a beat after your last.",
        value=round(max(lead, tail), 2), threshold=limit, unit="s of silence at an end", ranges=tuple(ranges),
    )
