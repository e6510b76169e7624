"""Upload checks (only with `--profile`): will the platform take the file? Size and format against the
limits the platform publishes (selftape_check/profiles.py, each with its source)."""

from __future__ import annotations

import os
from typing import Iterator

from ..model import Finding
from .registry import Context, check


def _video_mbps(ctx: Context, limit_mb: float, duration_s: float) -> float:
    """The video bitrate (Mbit/s) that makes a file of this length fit `limit_mb`, after the audio
    (1 MB = 8 Mbit)."""
    t = ctx.t
    return max(t["upload.min_video_mbps"],
               limit_mb * t["upload.margin"] * 8 / max(duration_s, 1.0) - t["upload.audio_kbps"] / 1000)


@check("upload.file_size", needs="media")
def file_size(ctx: Context) -> Iterator[Finding]:
    p, media = ctx.profile, ctx.m.media
    if p is None or not media.size_bytes:
        return
    mb = media.size_bytes / 1e6
    if p.max_mb is not None and mb > p.max_mb:
        yield ctx.finding(
            "fail",
            f"The file is {mb:.0f} MB; {p.title} takes at most {p.max_mb:.0f} MB per file.",
            f"Export again at a video bitrate of at most {_video_mbps(ctx, p.max_mb, media.duration_s):.1f} Mbit/s "
            "(1080p H.264 in MP4; any editor or HandBrake can set it), or trim the dead air at the ends.",
            value=round(mb, 1), threshold=p.max_mb, unit="MB (1 MB = 1,000,000 bytes)",
        )
    elif p.ideal_mb_per_min is not None and media.duration_s > 0:
        ideal = p.ideal_mb_per_min * media.duration_s / 60.0
        if mb > ideal:
            yield ctx.finding(
                "info",
                f"The file is {mb:.0f} MB; {p.title} asks for about {ideal:.0f} MB for a tape this long "
                f"({p.ideal_mb_per_min:.0f} MB a minute). It will upload, only more slowly.",
                f"For a faster upload, export at about {_video_mbps(ctx, ideal, media.duration_s):.1f} Mbit/s video.",
                value=round(mb, 1), threshold=round(ideal, 1), unit="MB (1 MB = 1,000,000 bytes)",
            )


@check("upload.format", needs="media")
def file_format(ctx: Context) -> Iterator[Finding]:
    p = ctx.profile
    if p is None or p.extensions is None:
        return
    ext = os.path.splitext(ctx.m.media.path)[1].lower()
    if ext not in p.extensions:
        yield ctx.finding(
            "fail",
            f"{p.title} takes {', '.join(e[1:].upper() for e in p.extensions)} files; this one is "
            f"{ext[1:].upper() or 'without an extension'}.",
            "Export (or save) the tape as an MP4 (H.264 video, AAC audio): every platform takes it.",
        )
