"""Stage 2, judge: checks read the measurement series and emit findings (id, severity, message,
advice, value vs threshold, time ranges). Check modules are imported here so they register."""

from __future__ import annotations

from typing import Collection

from ..measure.voices import Voices, who_speaks
from ..model import SEVERITY_ORDER, Finding, Measurements
from ..profiles import Profile
from . import audio, damage, edit, face, motion, picture, upload, voices  # noqa: F401  (registration)
from .metrics import summarize
from .registry import CHECKS, Context
from .settings import SETTINGS, Thresholds

__all__ = ["judge", "CHECKS", "SETTINGS", "Thresholds"]


def judge(
    m: Measurements, thresholds: Thresholds | None = None, only: Collection[str] | None = None,
    profile: Profile | None = None,
) -> tuple[list[Finding], dict, list[str], Voices | None]:
    """Run every registered check that applies. Returns (findings, metrics, skipped notes, who speaks
    when)."""
    thresholds = thresholds or Thresholds()
    motion_stats = None
    if m.video is not None:
        motion_stats = motion.run_stats(m.video, m.media.video.fps or 30.0)
    # a frozen picture's still mouth is not a listening actor: the same limit as video.frozen's frames
    who = who_speaks(m, thresholds["video.frozen.diff"] / 10)
    metrics = summarize(m, motion_stats, who)
    ctx = Context(m=m, t=thresholds, metrics=metrics, motion=motion_stats, voices=who, profile=profile,
                  slate=edit.find_slate(m))
    if m.audio is not None:
        metrics["edit"] = edit.edit_metrics(ctx)
    findings: list[Finding] = []
    skipped: list[str] = []
    if m.video is None:
        skipped.append("picture checks skipped: the file has no video" if m.media.video is None
                       else "picture checks skipped: no frame could be decoded")
    if m.audio is not None and metrics["audio"].get("hum_skip_reason"):
        skipped.append(metrics["audio"].pop("hum_skip_reason"))
    elif m.audio is not None:
        metrics["audio"].pop("hum_skip_reason", None)
    if m.video is not None and m.video.mode == "fast" and metrics["video"].get("unseen_ratio"):
        v = metrics["video"]
        skipped.append(f"--fast: {v['unseen_ratio'] * 100:.0f}% of the picture was not looked at (the longest "
                       f"stretch unseen {v['longest_undecoded_s']:.1f} s, without face measurements "
                       f"{v['longest_unmeasured_s']:.1f} s); run without --fast to see every frame")
    for c in CHECKS.values():
        if only is not None and c.id not in only:
            continue
        if c.needs == "video" and m.video is None:
            continue
        if c.needs == "audio" and m.audio is None:
            continue
        if c.needs == "av" and (m.audio is None or m.video is None):
            continue
        findings.extend(c.fn(ctx))
    findings.sort(key=lambda f: (-SEVERITY_ORDER[f.severity], f.check))
    return findings, metrics, skipped, who
