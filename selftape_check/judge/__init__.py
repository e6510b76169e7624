"""Stage 2, judge: checks compare the measurements and their derived figures (measure.derive) with the
settings and emit findings (id, severity, message, advice, value vs threshold, time ranges). Check
modules are imported here so they register."""

from __future__ import annotations

from typing import Collection

from ..measure.derive import Derived
from ..model import SEVERITY_ORDER, Finding, Measurements
from ..profiles import Profile
from . import audio, damage, edit, face, motion, picture, sync, upload, voices  # noqa: F401  (registration)
from .registry import CHECKS, Context
from .settings import SETTINGS, Thresholds

__all__ = ["judge", "CHECKS", "SETTINGS", "Thresholds"]


def judge(
    m: Measurements, d: Derived, thresholds: Thresholds | None = None, only: Collection[str] | None = None,
    profile: Profile | None = None,
) -> tuple[list[Finding], list[str]]:
    """Run every registered check that applies. Returns (findings, notes on what was skipped and why)."""
    thresholds = thresholds or Thresholds()
    ctx = Context(m=m, t=thresholds, d=d, profile=profile)
    findings: list[Finding] = []
    skipped: list[str] = []
    if m.video is None:
        skipped.append("picture checks skipped: the file has no video" if m.media.video is None
                       else "picture checks skipped: no frame could be decoded")
    if d.summary.audio is not None and d.summary.audio.hum_skip_reason:
        skipped.append(d.summary.audio.hum_skip_reason)
    v = d.summary.video
    if v is not None and v.sampling_mode == "fast" and v.unseen_ratio:
        skipped.append(f"--fast: {v.unseen_ratio * 100:.0f}% of the picture was not looked at (the longest "
                       f"stretch unseen {v.longest_undecoded_s:.1f} s, without face measurements "
                       f"{v.longest_unmeasured_s:.1f} s); run without --fast to see every frame")
    if d.summary.av.skip_reason and (only is None or "av.sync_offset" in only):
        skipped.append(d.summary.av.skip_reason)
    for c in CHECKS.values():
        if only is not None and c.id not in only:
            continue
        if c.needs == "video" and m.video is None:
            continue
        if c.needs == "audio" and m.audio is None:
            continue
        if c.needs == "av" and (m.audio is None or m.video is None):
            continue
        findings.extend(c.run(ctx))
    findings.sort(key=lambda f: (-SEVERITY_ORDER[f.severity], f.check))
    return findings, skipped

