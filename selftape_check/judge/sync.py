"""av.sync_offset: sound and picture out of sync, from the offset `measure.sync` read between the
actor's mouth and the sound (only where that reading is confident)."""

from __future__ import annotations

from typing import Iterator

from ..model import Finding
from .registry import Context, check


@check("av.sync_offset", needs="av")
def sync_offset(ctx: Context) -> Iterator[Finding]:
    s, t = ctx.m.sync, ctx.t
    if s is None or s.offset_s is None:
        return
    ms = s.offset_s * 1000.0
    late, early = t["av.sync_offset.late_ms"], t["av.sync_offset.early_ms"]
    if -early <= ms <= late:
        return
    when = "after" if ms > 0 else "before"
    fix = "later" if ms < 0 else "earlier"
    yield ctx.finding(
        "fail",
        f"The sound comes about {abs(ms):.0f} ms {when} your lips move: casting sees the words and the mouth "
        "apart, and out-of-sync sound is the first thing that makes them stop a tape.",
        f"In your editor, slide the sound track about {abs(ms):.0f} ms {fix} (or sync it again on a clap), then "
        "export at a constant frame rate. If the sound was recorded on a separate device, sync it to the "
        "camera's own sound before exporting; a phone's screen recorder or a video call recording is often "
        "the cause: record with the camera app instead.",
        value=round(ms), threshold=late if ms > 0 else -early, unit="ms, sound after picture (negative: before)",
        ranges=((s.start_s, s.end_s),),
    )
