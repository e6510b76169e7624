"""What a person should look at: each picture finding's worst moment (as a small JPEG with the face box
drawn), and the series thinned for plotting. Used by the HTML report."""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ..judge.settings import SETTINGS
from ..measure.framing import backlight_ratio
from ..measure.slate import Slate
from ..measure.voices import Voices
from ..model import Finding, Measurements, Moment, Timeline

MAX_POINTS = 600


def _worst_time(check: str, m: Measurements, finding: Finding) -> float | None:
    v = m.video
    found = v.face_found
    t = v.t_s

    def pick(values: np.ndarray, where: np.ndarray, lowest: bool) -> float | None:
        vals = np.where(where & np.isfinite(values), values, np.nan)
        if not np.isfinite(vals).any():
            return None
        return float(t[int(np.nanargmin(vals) if lowest else np.nanargmax(vals))])

    if check == "face.underexposed":
        return pick(v.face_luma_mean, found, lowest=True)
    if check == "face.overexposed":
        return pick(v.face_clipped_ratio + v.face_luma_mean, found, lowest=False)
    if check == "face.backlit":
        return pick(backlight_ratio(m.video), found, lowest=False)
    if check == "face.uneven_light":
        return pick(v.face_lr_ratio_db, found, lowest=False)
    if check == "face.eyes_hidden" and (found & ~v.eyes_found).any():
        return float(t[int(np.flatnonzero(found & ~v.eyes_found)[0])])
    if check == "image.blurry":
        return pick(v.sharpness, found if found.any() else np.ones_like(found), lowest=True)
    if check == "image.noisy":
        return pick(v.noise_sigma, found if found.any() else np.ones_like(found), lowest=False)
    if check == "image.color_cast":
        return pick(v.skin_cast_distance if found.mean() >= 0.5 else v.color_cast_deg,
                    found if found.mean() >= 0.5 else np.ones_like(found), lowest=False)
    if finding.ranges:
        a, b = finding.ranges[0]
        return (a + b) / 2
    return float(t[len(t) // 2]) if len(t) else None


def moments(m: Measurements, findings: list[Finding], width: int = 320) -> tuple[Moment, ...]:
    """A picture for every picture finding, at its worst moment (nearest kept thumbnail)."""
    import cv2

    v = m.video
    if v is None or not v.thumbnails:
        return ()
    times = np.array([t for t, _ in v.thumbnails])
    out = []
    for f in findings:
        if f.check.split(".")[0] not in ("face", "image", "video", "camera", "edit"):
            continue
        at = _worst_time(f.check, m, f)
        if at is None:
            continue
        t_s, small = v.thumbnails[int(np.argmin(np.abs(times - at)))]
        rgb = cv2.cvtColor(cv2.imdecode(np.frombuffer(small, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        img = cv2.resize(rgb, (width, round(rgb.shape[0] * width / rgb.shape[1])), interpolation=cv2.INTER_CUBIC)
        i = int(np.argmin(np.abs(v.t_s - t_s))) if len(v.t_s) else -1
        box = v.face_boxes[i] if i >= 0 else None
        if box is not None:
            h, w = img.shape[:2]
            cv2.rectangle(img, (int(box.x * w), int(box.y * h)), (int((box.x + box.w) * w), int((box.y + box.h) * h)),
                          (255, 210, 0), 2)
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 82])
        if ok:
            out.append(Moment(check=f.check, t_s=round(float(t_s), 2), jpeg=jpeg.tobytes()))
    return tuple(out)


def _thin(n: int) -> np.ndarray:
    """Bucket edges that split n samples into at most MAX_POINTS groups."""
    return np.linspace(0, n, min(n, MAX_POINTS) + 1).astype(int)


GUIDES = ("face.underexposed.warn_luma", "face.overexposed.warn_luma", "audio.guide.voice_max_lufs",
          "audio.too_quiet.warn_lufs")  # the settings the HTML charts draw as dashed lines


def timeline(m: Measurements, voices: Voices | None = None, found: Slate | None = None,
             limits: Mapping[str, float] | None = None) -> Timeline:
    """The series for the HTML charts; with `voices` (measure.voices) each speech turn marked as the
    actor's or the reader's when a reader was found, and the slate (measure.slate); `limits`: the run's
    thresholds, for the charts' guide lines (the settings' defaults without)."""
    vt, fl, at, lufs, sp = (), (), (), (), ()
    if m.video is not None and len(m.video.t_s):
        v = m.video
        edges = _thin(len(v.t_s))
        vt = tuple(round(float(v.t_s[a]), 2) for a in edges[:-1])
        fl = tuple(None if not v.face_found[a:b].any() else round(float(np.nanmean(v.face_luma_mean[a:b])), 3)
                   for a, b in zip(edges[:-1], edges[1:]))
    if m.audio is not None and len(m.audio.momentary_lufs):
        a = m.audio
        edges = _thin(len(a.momentary_lufs))
        at = tuple(round(float(i * a.hop_s), 2) for i in edges[:-1])
        lufs = tuple(round(float(10 * np.log10(np.mean(10 ** (a.momentary_lufs[i:j] / 10)))), 1)
                     for i, j in zip(edges[:-1], edges[1:]))
        sp = tuple(bool(a.speech[i:j].any()) for i, j in zip(edges[:-1], edges[1:]))
    turns: tuple[tuple[float, float, str], ...] = ()
    if voices is not None and voices.reader_lufs is not None:
        turns = tuple((t.start_s, t.end_s, t.speaker) for t in voices.turns if t.speaker in ("actor", "reader"))
    slate = (found.start_s, found.end_s) if found is not None else None
    guides = tuple((k, float(limits[k] if limits is not None else SETTINGS[k].default))
                   for k in GUIDES)
    return Timeline(video_t_s=vt, face_luma=fl, audio_t_s=at, loudness_lufs=lufs, speech=sp, turns=turns,
                    slate=slate, guides=guides)
