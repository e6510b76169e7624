"""The motion checks: brightness flicker and camera shake, on the per-run figures of measure.motion."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..measure.motion import RunStats
from ..model import Finding
from ..timeline import time_ranges
from .registry import Context, check


def _ranges(rs: RunStats, mask: np.ndarray) -> tuple[tuple[float, float], ...]:
    out = []
    for s, e in zip(rs.start_s[mask], rs.end_s[mask]):
        out += time_ranges(np.array([s]), np.array([True]), step_s=e - s)
    return tuple(out)


@check("image.flicker", needs="video")
def flicker(ctx: Context) -> Iterator[Finding]:
    rs, t = ctx.motion, ctx.t
    if rs is None or len(rs.flicker_pct) == 0:
        return
    bad = rs.flicker_pct > t["image.flicker.pct"]
    if bad.mean() < t["runs.majority"]:
        return
    value = float(np.median(rs.flicker_pct))
    yield ctx.finding(
        "warn",
        f"The brightness pulses (flicker {value:.1f}% of the picture level).",
        "Use steady lights (LED panels or daylight, not old fluorescent or cheap dimmed LEDs), set the "
        "camera to 25 fps with 50 Hz mains or 30 fps with 60 Hz, and lock exposure.",
        value=round(value, 2), threshold=t["image.flicker.pct"], unit="% luma variation within a second",
        ranges=_ranges(rs, bad),
    )


@check("camera.shaky", needs="video")
def shaky(ctx: Context) -> Iterator[Finding]:
    rs, t = ctx.motion, ctx.t
    if rs is None or len(rs.shake_pct) == 0:
        return
    shake = np.nan_to_num(rs.shake_pct)
    bad = shake > t["camera.shaky.pct_per_frame"]
    if bad.mean() < t["runs.majority"]:
        return
    value = float(np.median(shake))
    yield ctx.finding(
        "warn",
        f"The camera moves: the picture shifts {value:.2f}% of its width from frame to frame.",
        "Put the phone on a tripod (or wedge it on a shelf with books); don't hold it.",
        value=round(value, 3), threshold=t["camera.shaky.pct_per_frame"], unit="% of width per frame",
        ranges=_ranges(rs, bad),
    )
