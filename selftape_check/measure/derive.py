"""Figures derived once from the series, before any check: motion per run, who speaks when, the
slate, and the summary (`metrics` in the report). The checks read these; they compute nothing of
their own from the samples or pixels."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Measurements
from .motion import RunStats, run_stats
from .slate import Slate, find_slate
from .summary import Summary, summarize
from .voices import Voices, who_speaks


@dataclass(frozen=True)
class Derived:
    motion: RunStats | None  # per-run flicker and shake, None without video
    voices: Voices | None  # actor and reader turns and loudness
    slate: Slate | None
    summary: Summary


def derive(m: Measurements, still_mouth_diff: float) -> Derived:
    """`still_mouth_diff`: the frame difference under which a mouth counts as still (a frozen picture's
    still mouth is not a listening actor)."""
    motion = run_stats(m.video, m.media.video.fps or 30.0) if m.video is not None else None
    voices = who_speaks(m, still_mouth_diff)
    slate = find_slate(m)
    return Derived(motion=motion, voices=voices, slate=slate, summary=summarize(m, motion, voices, slate))
