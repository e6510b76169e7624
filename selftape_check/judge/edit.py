"""Edit checks: dead air at the start and end of the tape (silence before the first line, after the
last), and the slate (the actor's introduction before the scene, found by measure.slate), reported with
its time range."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..measure.summary import BEAT_S
from ..model import Finding
from .registry import Context, check


@check("edit.slate", needs="audio")
def slate(ctx: Context) -> Iterator[Finding]:
    if ctx.slate is None:
        return
    s0, e0, how = ctx.slate.start_s, ctx.slate.end_s, ctx.slate.how
    yield ctx.finding(
        "info",
        f"Slate found at {s0:.1f}-{e0:.1f} s (set apart from the scene by {how}).",
        "Check the slate says what the breakdown asks for (usually name, height, location, agent) and that "
        "casting can jump past it: keep it short and the pause after it to a beat.",
        value=round(e0 - s0, 2), unit="s of slate", ranges=((s0, e0),),
    )


@check("edit.dead_air", needs="audio")
def dead_air(ctx: Context) -> Iterator[Finding]:
    t = ctx.t
    e = ctx.s.edit
    if e is None or e.last_line_end_s is None:
        return
    last_line_end, duration, lead, tail = e.last_line_end_s, e.duration_s, e.lead_silence_s, e.tail_silence_s
    limit = t["edit.dead_air.max_s"]
    ranges, parts = [], []
    # leave a natural beat (1 s) when trimming
    if lead > limit:
        ranges.append((0.0, round(lead, 2)))
        parts.append(f"{lead - BEAT_S:.1f} s at the start")
    if tail > limit:
        ranges.append((round(last_line_end, 2), round(duration, 2)))
        parts.append(f"{tail - BEAT_S:.1f} s at the end")
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
        if diffs.size and float(np.median(diffs)) < t["edit.dead_air.still_diff"]:
            still = " with nothing happening on screen"
    yield ctx.finding(
        "warn",
        f"The tape has silence{still} before the first line or after the last: trim {' and '.join(parts)}.",
        "Trim the tape so it starts a beat before your first line and ends a beat after your last.",
        value=round(max(lead, tail), 2), threshold=limit, unit="s of silence at an end", ranges=tuple(ranges),
    )
