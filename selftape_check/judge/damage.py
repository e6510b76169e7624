"""A file damaged in places (`file.damaged`): the decoder met broken data and concealed it (smears,
blocks, clicks) or refused packets outright; or the file stops before the end its index states (a
recording or a copy cut off: players stop there). Casting platforms transcode uploads; a damaged file
glitches there too, or is refused."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..model import Finding
from ..timeline import format_time, merge_ranges
from .registry import Context, check

INDEXED_CONTAINERS = ("mp4", "mov", "matroska", "webm")  # formats whose duration comes from an index


@check("file.damaged", needs="media")
def damaged(ctx: Context) -> Iterator[Finding]:
    m = ctx.m
    yield from _missing_end(ctx, m.media.container, m.media.duration_s, m.data_end_s)
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
        step = 1.0 / (m.media.video.fps or ctx.t["picture.default_fps"])
        ranges = merge_ranges([(round(float(t), 2), round(float(t) + step, 2))
                               for t in v.frame_t_s[np.flatnonzero(v.frame_corrupt)]], gap_s=1.0)
    yield ctx.finding(
        "warn",
        "The file is damaged in places: " + "; ".join(parts) + " (the player hides it as smears, blocks or "
        "clicks, and an upload may glitch or be refused).",
        "Export or copy the take again from the original on the phone or camera (not a messenger copy), "
        "and play it through once before you send it.",
        value=float(bad_frames + bad_video_packets + bad_audio), unit="damaged frames and sound packets",
        ranges=tuple(ranges),
    )


def _missing_end(ctx: Context, container: str, duration_s: float, data_end_s: float | None) -> Iterator[Finding]:
    """The index states a duration (MP4/MOV/Matroska), but the packets stop more than `min_s` (and 2 %
    of the tape) before it."""
    if data_end_s is None or not duration_s or not any(c in container for c in INDEXED_CONTAINERS):
        return
    missing = duration_s - data_end_s
    if missing <= max(ctx.t["file.damaged.missing_end_s"], ctx.t["file.damaged.missing_end_share"] * duration_s):
        return
    yield ctx.finding(
        "fail",
        f"The file is cut off: its data stops at {format_time(data_end_s)} of the {format_time(duration_s)} it "
        f"should last, so the rest of the take is missing (players stop or freeze there).",
        "The recording or the copy was interrupted: copy or export the take again from the original "
        "(let the transfer finish, keep the phone awake and the storage not full), then play it to the end.",
        value=round(missing, 2), unit="s missing at the end",
        ranges=((round(data_end_s, 2), round(duration_s, 2)),),
    )

