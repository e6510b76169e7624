"""audio.reader_louder: the off-camera reader louder than the actor, from the voices that
`measure.voices` tells apart (who speaks when, and each voice's BS.1770 loudness)."""

from __future__ import annotations

from typing import Iterator

from ..model import Finding
from ..timeline import merge_ranges
from .registry import Context, check


@check("audio.reader_louder", needs="av")
def reader_louder(ctx: Context) -> Iterator[Finding]:
    voices, t = ctx.voices, ctx.t
    if voices is None or voices.actor_lufs is None or voices.reader_lufs is None:
        return
    if min(voices.actor_s, voices.reader_s) < t["audio.reader_louder.min_s"]:
        return
    diff = voices.reader_lufs - voices.actor_lufs
    if diff <= t["audio.reader_louder.warn_db"]:
        return
    severity = "fail" if diff > t["audio.reader_louder.fail_db"] else "warn"
    # a line cut by a breath is one line: turns less than a second apart are shown together
    ranges = merge_ranges([(x.start_s, x.end_s) for x in voices.turns if x.speaker == "reader"], gap_s=1.0)
    yield ctx.finding(
        severity,
        f"The reader is {diff:.1f} dB louder than you ({voices.reader_lufs:.1f} vs {voices.actor_lufs:.1f} LUFS): "
        "casting hears the reader's lines over your performance.",
        "Have the reader stand behind the camera a few steps further away and speak softer than you; put the "
        "mic on you (a lavalier clipped to your collar, or the phone closer to you than to the reader).",
        value=round(diff, 1), threshold=t["audio.reader_louder.warn_db"], unit="dB reader over actor",
        ranges=tuple(ranges),
    )
