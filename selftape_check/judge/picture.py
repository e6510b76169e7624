"""Picture checks: orientation, resolution, frame rate, black frames, frozen picture."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..model import Finding
from ..timeline import close_gaps, merge_ranges, runs, sampled_ranges
from .registry import Context, check



@check("video.portrait", needs="video")
def portrait(ctx: Context) -> Iterator[Finding]:
    vi, square = ctx.m.media.video, ctx.t["video.portrait.square_tolerance"]
    if vi.display_height <= vi.display_width * square:  # square (1:1) is not vertical
        return
    by_meta = " (the phone stored it sideways and marked it rotated)" if vi.rotation in (90, 270) else ""
    yield ctx.finding(
        "warn",
        f"The tape plays vertical ({vi.display_width}x{vi.display_height}){by_meta}.",
        "Turn the phone sideways and record in landscape (16:9), unless the casting call asks for vertical.",
        value=round(vi.display_height / vi.display_width, 3), threshold=square,
        unit="height / width as displayed",
    )


@check("video.low_resolution", needs="video")
def low_resolution(ctx: Context) -> Iterator[Finding]:
    vi, t = ctx.m.media.video, ctx.t
    short = min(vi.display_width, vi.display_height)
    if short >= t["video.low_resolution.warn_short_side"]:
        return
    severity = "fail" if short < t["video.low_resolution.fail_short_side"] else "warn"
    yield ctx.finding(
        severity,
        f"The picture is only {vi.display_width}x{vi.display_height}.",
        "Record in 1080p (HD) and export or upload at that size; don't send a compressed messenger copy.",
        value=float(short), threshold=t["video.low_resolution.warn_short_side"], unit="px, short side",
    )


@check("video.low_frame_rate", needs="video")
def low_frame_rate(ctx: Context) -> Iterator[Finding]:
    vi, t = ctx.m.media.video, ctx.t
    if vi.fps is None or vi.fps >= t["video.low_frame_rate.warn_fps"]:
        return
    severity = "fail" if vi.fps < t["video.low_frame_rate.fail_fps"] else "warn"
    yield ctx.finding(
        severity,
        f"The video runs at only {vi.fps:.1f} frames per second.",
        "Record at 24, 25 or 30 fps (the camera app's video settings), and export at the same rate.",
        value=round(vi.fps, 2), threshold=t["video.low_frame_rate.warn_fps"], unit="fps",
    )


def _frame_step(ctx: Context) -> float:
    fps = ctx.m.media.video.fps or ctx.t["picture.default_fps"]
    return 1.0 / fps


@check("video.black_frames", needs="video")
def black_frames(ctx: Context) -> Iterator[Finding]:
    """Black frames inside the tape (start and end are fades, judged by edit.dead_air)."""
    v, t = ctx.m.video, ctx.t
    if len(v.frame_t_s) == 0:
        return
    step = _frame_step(ctx)
    black = v.frame_luma < t["video.black_frames.luma"]
    # contiguous in time: consecutive decoded frames closer than 1.5 frame steps, or coverage neighbours
    found: list[tuple[float, float]] = []
    for s, e in runs(black):
        start = float(v.frame_t_s[s])
        end = float(v.frame_t_s[e - 1]) + step
        before_ok = s > 0  # some non-black frame before it
        after_ok = e < len(black)
        if before_ok and after_ok and end - start >= t["video.black_frames.min_s"] - t["video.black_frames.step_tolerance"]:
            found.append((round(start, 2), round(end, 2)))
    if not found:
        return
    total = sum(b - a for a, b in found)
    yield ctx.finding(
        "warn",
        f"The picture goes black {len(found)} time{'s' if len(found) > 1 else ''} inside the tape "
        f"({total:.1f} s in all).",
        "Re-export the tape; if you edited takes together, check the cuts for black gaps.",
        value=round(total, 2), threshold=t["video.black_frames.min_s"], unit="s black",
        ranges=tuple(found),
    )


@check("video.frozen", needs="video")
def frozen(ctx: Context) -> Iterator[Finding]:
    """The picture does not change (consecutive frames of a run, or coverage frames a second apart)
    while someone speaks."""
    v, t = ctx.m.video, ctx.t
    if len(v.frame_t_s) < 2:
        return
    step = _frame_step(ctx)
    a = ctx.m.audio
    has_speech = a is not None and bool(a.speech.any())
    # without speech to tell a still scene from a stopped picture, only practically identical frames count
    limit = t["video.frozen.diff"] if has_speech else t["video.frozen.diff"] * t["video.frozen.silent_factor"]
    # consecutive frames of a still person differ far less than frames a second apart: a tenth of the limit
    still = np.nan_to_num(v.frame_diff, nan=1.0) < limit * t["video.frozen.still_factor"]
    # a keyframe inside a freeze re-encodes the same picture a little differently: bridge 1-2 frames
    # there (a run of decoded frames starts at a keyframe), and 1-2 frames that changed by less than the
    # limit (encoder wobble), not real moves: with every frame decoded, a picture swaying by whole pixels
    # at low bitrate holds still for a few frames between its moves, and bridging those read a 0.4 s
    # pause as a 1.1 s freeze (the dark sample tape: the moves differ by 0.011, 5x the limit)
    run = np.asarray(v.frame_run)
    key = np.r_[True, run[1:] != run[:-1]] if len(run) else np.zeros(0, bool)
    bridgeable = key | np.r_[False, key[:-1]] | (np.nan_to_num(v.frame_diff, nan=1.0) < limit)
    still = still | (close_gaps(still, int(t["video.frozen.bridge_frames"])) & bridgeable)
    not_black = v.frame_luma >= t["video.black_frames.luma"]
    # ... but never across time not decoded (default mode decodes short runs with gaps between them)
    gap = np.flatnonzero(np.diff(v.frame_t_s) > t["video.frozen.gap_frames"] * step) + 1
    after_gap = set(gap.tolist())
    found = []
    for s0, e0 in runs(still & not_black):
        cuts = [s0, *gap[(gap > s0) & (gap < e0)], e0]
        for s, e in zip(cuts[:-1], cuts[1:]):
            # frame s is identical to frame s-1: the freeze starts at frame s-1, unless s follows a gap
            # (then its difference is to a frame long before, and the freeze is only known from frame s)
            start = float(v.frame_t_s[s if s in after_gap else max(0, s - 1)])
            end = float(v.frame_t_s[e - 1]) + step
            if end - start >= t["video.frozen.min_s"]:
                found.append((round(start, 2), round(end, 2)))
    # across the tape: coverage frames a second or more apart that are identical (a picture that
    # changes not at all in a second, not even by sensor noise, is frozen)
    cov_still = np.nan_to_num(v.coverage_diff, nan=1.0) < limit
    cov_still &= v.frame_luma_mean >= t["video.black_frames.luma"]
    for s, e in runs(cov_still):
        start, end = float(v.t_s[max(0, s - 1)]), float(v.t_s[e - 1])
        if end - start >= t["video.frozen.min_s"]:
            found.append((round(start, 2), round(end, 2)))
    found = merge_ranges(found)
    if has_speech:
        # a freeze is the picture stopping while the tape goes on: someone speaks, so lips must move;
        # a still picture in silence is a static shot (dead air at worst), not a freeze
        def speaking(r: tuple[float, float]) -> bool:
            lo, hi = int(r[0] / a.hop_s), max(int(r[0] / a.hop_s) + 1, int(r[1] / a.hop_s))
            return float(a.speech[lo:hi].mean()) >= t["video.frozen.speech_share"] if lo < len(a.speech) else False
        found = [r for r in found if speaking(r)]
    if not found:
        return
    total = sum(b - a for a, b in found)
    yield ctx.finding(
        "warn",
        f"The picture freezes for {total:.1f} s while the tape goes on.",
        "Record again with the phone's storage and battery saver off; re-export without 'frame blending'.",
        value=round(total, 2), threshold=t["video.frozen.min_s"], unit="s frozen", ranges=tuple(found),
    )


def _median_on_face_or_frame(ctx: Context, values: np.ndarray) -> tuple[float | None, str]:
    """Median over face frames when the face is found in most frames, else over every frame (None
    when nothing was measured), and which of the two it is."""
    v = ctx.m.video
    on_face = v.face_found.mean() >= ctx.t["picture.on_face_share"]
    vals = values[v.face_found] if on_face else values
    vals = vals[np.isfinite(vals)]
    return (float(np.median(vals)) if vals.size else None), ("face" if on_face else "picture")


@check("image.blurry", needs="video")
def blurry(ctx: Context) -> Iterator[Finding]:
    v, t = ctx.m.video, ctx.t
    value, where = _median_on_face_or_frame(ctx, v.sharpness)
    if value is None or value >= t["image.blurry.sharpness"]:
        return
    mask = np.nan_to_num(v.sharpness, nan=np.inf) < t["image.blurry.sharpness"]  # unmeasured: not blurry
    yield ctx.finding(
        "warn",
        f"The {where} is out of focus or soft.",
        "Tap to focus on your face and lock focus (AE/AF lock), clean the lens, and keep still enough "
        "in low light that the picture doesn't smear.",
        value=round(value, 1), threshold=t["image.blurry.sharpness"], unit="sharpness (Laplacian variance)",
        ranges=tuple(sampled_ranges(v.t_s, mask, v.coverage_interval_s, ctx.m.media.duration_s)),
    )


@check("image.noisy", needs="video")
def noisy(ctx: Context) -> Iterator[Finding]:
    v, t = ctx.m.video, ctx.t
    value, where = _median_on_face_or_frame(ctx, v.noise_sigma)
    if value is None or value <= t["image.noisy.sigma"]:
        return
    yield ctx.finding(
        "warn",
        f"The picture is grainy (noise {value:.1f} gray levels on the {where}).",
        "Add light: grain is the camera boosting a dark picture. A soft light in front of you fixes both.",
        value=round(value, 2), threshold=t["image.noisy.sigma"], unit="noise sigma (0-255)",
    )


@check("image.color_cast", needs="video")
def color_cast(ctx: Context) -> Iterator[Finding]:
    """Judged on skin: a colour cast matters because it makes skin look wrong, and without a face a
    coloured wall cannot be told from a tinted light (the gray-edge angle stays in the metrics)."""
    v, t = ctx.m.video, ctx.t
    if len(v.t_s) == 0 or v.face_found.mean() < t["picture.on_face_share"]:
        return
    vals = v.skin_cast_distance[v.face_found]
    vals = vals[np.isfinite(vals)]
    thr = t["image.color_cast.skin_distance"]
    if vals.size == 0 or float(np.median(vals)) <= thr:
        return
    yield ctx.finding(
        "warn",
        "The colours are strongly tinted (white balance is off): skin tones look wrong.",
        "Set white balance for your light (or use lights of one colour: no daylight mixed with warm lamps).",
        value=round(float(np.median(vals)), 1), threshold=thr, unit="skin colour distance (Mahalanobis)",
    )
