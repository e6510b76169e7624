"""Edit checks: dead air at the start and end of the tape (silence before the first line, after the
last), and the slate (the actor's introduction before the scene), reported with its time range."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..model import Finding, Measurements
from ..timeline import close_gaps, runs
from .metrics import face_boxes
from .registry import Context, check

BEAT_S = 1.0  # what trimming leaves before the first line and after the last
SLATE_GAP_S = 1.2  # a pause at least this long separates the slate from the scene
SLATE_MAX_START_S = 15.0
SLATE_S = (1.0, 20.0)  # how long a slate lasts (name, height, location, role)
FRAMING_CHANGE = 1.3  # face height ratio between slate and scene that marks a change of framing


def speech_span_s(ctx: Context) -> tuple[float, float] | None:
    """Start of the first and end of the last voice-active stretch (>= 0.3 s), in seconds."""
    a = ctx.m.audio
    spans = [(s, e) for s, e in runs(a.speech) if (e - s) * a.hop_s >= 0.3]
    if not spans:
        return None
    return spans[0][0] * a.hop_s, spans[-1][1] * a.hop_s


def _ends(ctx: Context) -> tuple[float, float, float, float] | None:
    """(end of the last line, duration, silence before the first line, silence after the last line)."""
    span = speech_span_s(ctx)
    if span is None:
        return None
    duration = ctx.m.media.duration_s or ctx.m.audio.duration_s
    if ctx.m.data_end_s:  # a file cut off plays only up to where its data stops
        duration = min(duration, ctx.m.data_end_s)
    return span[1], duration, span[0], max(0.0, duration - span[1])


def trims(ctx: Context) -> dict:
    """Silence at each end and how much to trim to leave a one-beat lead-in and tail (`metrics.edit`)."""
    ends = _ends(ctx)
    if ends is None:
        return {}
    _, _, lead, tail = ends
    return {"lead_silence_s": round(lead, 2), "tail_silence_s": round(tail, 2),
            "trim_start_s": round(max(0.0, lead - BEAT_S), 2), "trim_end_s": round(max(0.0, tail - BEAT_S), 2)}


def find_slate(m: Measurements) -> tuple[float, float, str] | None:
    """The slate: the first block of speech, starting in the first 15 s and lasting 1-20 s, that is set
    apart from the rest (a pause of 1.2 s or more, or a change of framing: the face a different size),
    when the rest (the scene) speaks longer. Returns (start, end, how it was told apart). Found once per
    tape (judge) and kept in `Context.slate`."""
    a = m.audio
    if a is None:
        return None
    blocks = [(s * a.hop_s, e * a.hop_s) for s, e in runs(close_gaps(a.speech, int(round(SLATE_GAP_S / a.hop_s))))
              if (e - s) * a.hop_s >= 0.3]
    if len(blocks) < 2:
        return None
    (s0, e0), rest = blocks[0], blocks[1:]
    scene_s = sum(e - s for s, e in rest)
    if s0 > SLATE_MAX_START_S or not (SLATE_S[0] <= e0 - s0 <= SLATE_S[1]) or scene_s < 1.5 * (e0 - s0):
        return None
    how = f"a {rest[0][0] - e0:.1f} s pause"
    v = m.video
    if v is not None:
        idx, boxes = face_boxes(v)
        t = v.t_s[idx]
        slate_h, scene_h = boxes[(t >= s0) & (t < e0), 3], boxes[t >= rest[0][0], 3]
        if slate_h.size and scene_h.size:
            ratio = float(np.median(slate_h) / np.median(scene_h))
            if max(ratio, 1 / ratio) >= FRAMING_CHANGE:
                how += ", then a change of framing"
    return round(s0, 2), round(e0, 2), how


def edit_metrics(ctx: Context) -> dict:
    """`metrics.edit`: silence at the ends, suggested trims, and the slate's range (null without one)."""
    found = ctx.slate
    return {**trims(ctx), "slate_start_s": found[0] if found else None, "slate_end_s": found[1] if found else None}


@check("edit.slate", needs="audio")
def slate(ctx: Context) -> Iterator[Finding]:
    if ctx.slate is None:
        return
    s0, e0, how = ctx.slate
    yield Finding(
        "edit.slate", "info",
        f"Slate found at {s0:.1f}-{e0:.1f} s (set apart from the scene by {how}).",
        "Check the slate says what the breakdown asks for (usually name, height, location, agent) and that "
        "casting can jump past it: keep it short and the pause after it to a beat.",
        value=round(e0 - s0, 2), unit="s of slate", ranges=((s0, e0),),
    )


@check("edit.dead_air", needs="audio")
def dead_air(ctx: Context) -> Iterator[Finding]:
    t = ctx.t
    ends = _ends(ctx)
    if ends is None:
        return
    last_line_end, duration, lead, tail = ends
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
        if diffs.size and float(np.median(diffs)) < 0.01:
            still = " with nothing happening on screen"
    yield Finding(
        "edit.dead_air", "warn",
        f"The tape has silence{still} before the first line or after the last: trim {' and '.join(parts)}.",
        "Trim the tape so it starts a beat before your first line and ends a beat after your last.",
        value=round(max(lead, tail), 2), threshold=limit, unit="s of silence at an end", ranges=tuple(ranges),
    )
