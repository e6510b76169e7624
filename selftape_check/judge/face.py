"""Face checks: is there a face, can the eyes be seen, is it lit and framed for a self-tape."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..measure.framing import EYE_LINE, backlight_ratio, face_boxes
from ..model import Finding
from ..timeline import sampled_ranges, total_s
from .registry import Context, check


def _ranges(ctx: Context, mask: np.ndarray, min_s: float | None = None) -> list[tuple[float, float]]:
    v = ctx.m.video
    min_s = ctx.t["face.ranges.min_s"] if min_s is None else min_s
    return sampled_ranges(v.t_s, mask, v.coverage_interval_s, ctx.m.media.duration_s, min_s)


def _box_ranges(ctx: Context, idx: np.ndarray, rows: np.ndarray) -> tuple[tuple[float, float], ...]:
    """Ranges of the coverage frames `idx[rows]` (rows picked among the frames with a face)."""
    mask = np.zeros(len(ctx.m.video.t_s), bool)
    mask[idx[rows]] = True
    return tuple(_ranges(ctx, mask))


def _share(mask: np.ndarray, among: np.ndarray) -> float:
    return float(mask[among].mean()) if among.any() else 0.0


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _scene(ctx: Context) -> np.ndarray | None:
    """Coverage frames from a beat before the first line to a beat after the last, or None (the whole
    tape) without speech. Before and after the lines an actor may show a title card, walk into frame
    or reach for the phone: time that edit.dead_air judges, not the face checks."""
    e = ctx.s.edit
    if e is None or e.first_line_s is None:
        return None
    span = (e.first_line_s, e.last_line_end_s)
    t = ctx.m.video.t_s
    margin = ctx.t["scene.margin_s"]
    scene = (t >= span[0] - margin) & (t <= span[1] + margin)
    return scene if scene.sum() >= ctx.t["scene.min_frames"] and not scene.all() else None


@check("face.missing", needs="video")
def face_missing(ctx: Context) -> Iterator[Finding]:
    v, t = ctx.m.video, ctx.t
    if len(v.t_s) == 0:
        return
    scene = _scene(ctx)
    judged = np.ones(len(v.t_s), bool) if scene is None else scene
    missing = judged & ~v.face_found
    ratio = 1.0 - float(missing.sum()) / float(judged.sum())
    ranges = _ranges(ctx, missing, min_s=t["face.missing.min_gap_s"])
    if ratio >= t["face.missing.warn_ratio"] and not ranges:
        return
    severity = "fail" if ratio < t["face.missing.fail_ratio"] else "warn"
    dark = float(np.median(v.frame_luma_mean[missing])) < t["face.underexposed.dark_frame_luma"] if missing.any() else False
    of = "the tape" if scene is None else "the scene (from your first line to your last)"
    message = (f"The picture is too dark to find a face in {_pct(1 - ratio)} of {of}." if dark else
               f"No face is visible for {_pct(1 - ratio)} of {of}.")
    yield ctx.finding(
        severity, message,
        "Face the camera and stay in frame; light your face so it reads clearly." if dark else
        "Stay in frame, facing the camera (a slight three-quarter angle is fine).",
        value=round(ratio, 3), threshold=t["face.missing.warn_ratio"], unit="share of frames with a face",
        ranges=tuple(ranges or _ranges(ctx, missing, min_s=t["ranges.shown_gap_s"])),
    )


@check("face.eyes_hidden", needs="video")
def eyes_hidden(ctx: Context) -> Iterator[Finding]:
    v, t = ctx.m.video, ctx.t
    found = v.face_found
    if found.sum() < t["ranges.min_searched_frames"]:
        return
    hidden = found & ~v.eyes_found
    share = _share(hidden, found)
    if share <= t["face.eyes_hidden.ratio"]:
        return
    yield ctx.finding(
        "warn",
        f"Your eyes can't be made out in {_pct(share)} of the shots where your face is visible.",
        "Light your eyes from the front (no deep shadows from a ceiling light), take off sunglasses or "
        "tinted glasses, keep hair off your face and look near the lens.",
        value=round(share, 3), threshold=t["face.eyes_hidden.ratio"], unit="share of face frames",
        ranges=tuple(_ranges(ctx, hidden)),
    )


@check("face.underexposed", needs="video")
def underexposed(ctx: Context) -> Iterator[Finding]:
    v, t = ctx.m.video, ctx.t
    found = v.face_found
    if not found.any():
        return
    luma = np.where(found, v.face_luma_mean, np.nan)
    dark = found & (luma < t["face.underexposed.warn_luma"])
    share = _share(dark, found)
    median = float(np.nanmedian(luma[dark])) if dark.any() else float(np.nanmedian(luma))
    min_s = t["face.underexposed.min_s"]
    if share < t["face.min_share"] and total_s(_ranges(ctx, dark, min_s)) < min_s:
        return
    severity = "fail" if median < t["face.underexposed.fail_luma"] else "warn"
    yield ctx.finding(
        severity,
        f"Your face is too dark for {_pct(share)} of the tape (face brightness {median:.2f}).",
        "Put a soft light in front of you, slightly above eye level (a window in front of you, a ring "
        "light or a lamp with a white shade).",
        value=round(median, 3), threshold=t["face.underexposed.warn_luma"], unit="face luma (0-1)",
        ranges=tuple(_ranges(ctx, dark)),
    )


@check("face.overexposed", needs="video")
def overexposed(ctx: Context) -> Iterator[Finding]:
    v, t = ctx.m.video, ctx.t
    found = v.face_found
    if not found.any():
        return
    clipped = found & (np.nan_to_num(v.face_clipped_ratio) > t["face.overexposed.clip_ratio"])
    bright = found & (np.nan_to_num(v.face_luma_mean) > t["face.overexposed.warn_luma"])
    hot = clipped | bright
    share = _share(hot, found)
    min_s = t["face.overexposed.min_s"]
    if share < t["face.min_share"] and total_s(_ranges(ctx, hot, min_s)) < min_s:
        return
    clip = float(np.nanmedian(v.face_clipped_ratio[hot]))
    yield ctx.finding(
        "warn",
        f"Your face is too bright or its highlights burn out for {_pct(share)} of the tape "
        f"({_pct(clip)} of the face clipped).",
        "Move the light further away or diffuse it (bounce it off a wall, add a sheet); lock the "
        "camera's exposure on your face.",
        value=round(clip, 3), threshold=t["face.overexposed.clip_ratio"], unit="share of face pixels clipped",
        ranges=tuple(_ranges(ctx, hot)),
    )


@check("face.backlit", needs="video")
def backlit(ctx: Context) -> Iterator[Finding]:
    v, t = ctx.m.video, ctx.t
    found = v.face_found
    if not found.any():
        return
    ratio = backlight_ratio(v)
    lit = found & (ratio > t["face.backlit.ratio"])
    share = _share(lit, found)
    if share < t["face.min_share"]:
        return
    value = float(np.median(ratio[lit]))
    yield ctx.finding(
        "warn",
        f"The background is {value:.1f}x brighter than your face: you are backlit.",
        "Don't stand with a window or lamp behind you: face the window, or close the curtain behind "
        "you and add a light in front.",
        value=round(value, 2), threshold=t["face.backlit.ratio"], unit="background/face luma",
        ranges=tuple(_ranges(ctx, lit)),
    )


@check("face.uneven_light", needs="video")
def uneven_light(ctx: Context) -> Iterator[Finding]:
    v, t = ctx.m.video, ctx.t
    found = v.face_found
    if not found.any():
        return
    uneven = found & (np.nan_to_num(v.face_lr_ratio_db) > t["face.uneven_light.warn_db"])
    share = _share(uneven, found)
    if share < t["face.min_share"]:
        return
    value = float(np.median(v.face_lr_ratio_db[uneven]))
    yield ctx.finding(
        "warn",
        f"One side of your face is much darker than the other ({value:.1f} dB).",
        "Light from the front, or add a second light (or a white board) on the darker side.",
        value=round(value, 2), threshold=t["face.uneven_light.warn_db"], unit="dB between face halves",
        ranges=tuple(_ranges(ctx, uneven)),
    )


@check("face.too_small", needs="video")
def too_small(ctx: Context) -> Iterator[Finding]:
    t = ctx.t
    idx, b = face_boxes(ctx.m.video)
    if len(idx) < t["ranges.min_face_frames"]:
        return
    small_rows = b[:, 3] < t["face.too_small.height"]
    if small_rows.mean() < t["face.min_share"]:
        return
    value = float(np.median(b[:, 3]))
    yield ctx.finding(
        "warn",
        f"You are framed too wide: your face fills only {_pct(value)} of the frame height.",
        "Move the camera closer (or step towards it): frame from mid-chest to just above your head.",
        value=round(value, 3), threshold=t["face.too_small.height"], unit="face height / frame height",
        ranges=_box_ranges(ctx, idx, small_rows),
    )


@check("face.cropped", needs="video")
def cropped(ctx: Context) -> Iterator[Finding]:
    t = ctx.t
    idx, b = face_boxes(ctx.m.video)
    if len(idx) < t["ranges.min_face_frames"]:
        return
    e = t["face.cropped.edge"]
    touching = (b[:, 0] < e) | (b[:, 1] < e) | (b[:, 0] + b[:, 2] > 1 - e) | (b[:, 1] + b[:, 3] > 1 - e)
    tight = b[:, 3] > t["face.cropped.height"]
    bad = touching | tight
    if bad.mean() < t["face.min_share"]:
        return
    value = float(np.median(b[:, 3]))
    what = "framed too tight" if tight.mean() >= touching.mean() else "cut off by the edge of the frame"
    yield ctx.finding(
        "warn",
        f"Your face is {what}.",
        "Move the camera back a little: leave a little space above your head and frame to mid-chest.",
        value=round(value, 3), threshold=t["face.cropped.height"], unit="face height / frame height",
        ranges=_box_ranges(ctx, idx, bad),
    )


@check("face.off_center", needs="video")
def off_center(ctx: Context) -> Iterator[Finding]:
    t = ctx.t
    idx, b = face_boxes(ctx.m.video)
    if len(idx) < t["ranges.min_face_frames"]:
        return
    cx = b[:, 0] + b[:, 2] / 2
    eyes = b[:, 1] + EYE_LINE * b[:, 3]
    side = np.abs(cx - 0.5) > t["face.off_center.x"]
    vert = (eyes < t["face.off_center.eyes_lo"]) | (eyes > t["face.off_center.eyes_hi"])
    bad = side | vert
    if bad.mean() < t["face.min_share"]:
        return
    if side.mean() >= vert.mean():
        value, thr, unit = float(np.median(np.abs(cx - 0.5))), t["face.off_center.x"], "offset from centre / width"
        msg = f"Your face sits far to the {'left' if np.median(cx) < 0.5 else 'right'} of the frame."
    else:
        value, thr, unit = float(np.median(eyes)), t["face.off_center.eyes_hi"], "eye line / frame height"
        msg = "Your eyes are too low in the frame (too much space above your head)." if np.median(eyes) > 0.5 \
            else "Your eyes are too close to the top of the frame."
    yield ctx.finding(
        "warn", msg,
        "Centre yourself and put your eyes about a third of the way down the frame.",
        value=round(value, 3), threshold=thr, unit=unit, ranges=_box_ranges(ctx, idx, bad),
    )


@check("face.multiple", needs="video")
def multiple(ctx: Context) -> Iterator[Finding]:
    """A second face beside the actor's for a long part of the tape: information (the actor's own
    checks follow the actor's face whatever else is in frame)."""
    v, t = ctx.m.video, ctx.t
    found = v.face_found
    if len(v.other_face_ratio) != len(found):
        return
    searched = found & np.isfinite(v.other_face_ratio)  # faces of every size are counted on some frames
    if searched.sum() < t["ranges.min_searched_frames"]:
        return
    two = searched & (np.nan_to_num(v.other_face_ratio) >= t["face.multiple.min_height"])
    share = _share(two, searched)
    if share < t["face.multiple.share"]:
        return
    yield ctx.finding(
        "info",
        f"Another face is in frame beside yours in {_pct(share)} of the shots. Your checks follow your face "
        "(the largest, most central one).",
        "Casting expects you alone in frame: keep the reader off camera and take down photos or posters "
        "with faces behind you.",
        value=round(share, 3), threshold=t["face.multiple.share"], unit="share of face frames",
        ranges=tuple(_ranges(ctx, found & (_held(v.other_face_ratio) >= t["face.multiple.min_height"]))),
    )


def _held(x: np.ndarray) -> np.ndarray:
    """Each NaN replaced by the last value before it (0 before the first)."""
    idx = np.where(np.isfinite(x), np.arange(len(x)), -1)
    idx = np.maximum.accumulate(idx) if len(x) else idx
    return np.where(idx >= 0, x[np.maximum(idx, 0)], 0.0)
