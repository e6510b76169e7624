"""A file damaged in places (`file.damaged`): the decoder met broken data and concealed it (smears,
blocks, clicks) or refused packets outright. Casting platforms transcode uploads; a damaged file
glitches there too, or is refused."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..model import Finding
from ..timeline import merge_ranges
from .registry import Context, check


@check("file.damaged", needs="media")
def damaged(ctx: Context) -> Iterator[Finding]:
    m = ctx.m
    v = m.video
    bad_frames = int(v.frame_corrupt.sum()) if v is not None else 0
    bad_video_packets, bad_audio = m.bad_video_packets, m.bad_audio_packets
    if not (bad_frames or bad_video_packets or bad_audio):
        return
    parts = []
    if bad_frames or bad_video_packets:
        checked = v.decoded_frames if v is not None else 0
        parts.append(f"{bad_frames + bad_video_packets} of the {checked} video frames checked were damaged"
                     if checked else "the video data is damaged")
    if bad_audio:
        parts.append(f"{bad_audio} pieces of the sound were damaged")
    ranges: list[tuple[float, float]] = []
    if v is not None and bad_frames:
        step = 1.0 / (m.media.video.fps or 30.0)
        ranges = merge_ranges([(round(float(t), 2), round(float(t) + step, 2))
                               for t in v.frame_t_s[np.flatnonzero(v.frame_corrupt)]], gap_s=1.0)
    yield Finding(
        "file.damaged", "warn",
        "The file is damaged in places: " + "; ".join(parts) + " (the player hides it as smears, blocks or "
        "clicks, and an upload may glitch or be refused).",
        "Export or copy the take again from the original on the phone or camera (not a messenger copy), "
        "and play it through once before you send it.",
        value=float(bad_frames + bad_video_packets + bad_audio), unit="damaged frames and sound packets",
        ranges=tuple(ranges),
    )
