"""Face perception on real pictures (issue #25): the landmark model ships and loads, a dark real face is
found and called dark, a second smaller face leaves the actor's findings alone, covered eyes are seen as
hidden. Real material from ../shared/data/real (skipped without it)."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np
import pytest

from selftape_check import analyze
from selftape_check.measure import faces, landmarks
from tests.synth import write_tape

from .conftest import ROOT, load_bench, load_rgb, real

CLIP = "video_talking_vr_face4_woman_bluebg.mp4"  # a woman speaking to camera before a plain wall
SIZE = (960, 540)


def warned(report) -> set[str]:
    return {f.check for f in report.findings if f.severity in ("warn", "fail")}


def test_the_model_files_are_the_documented_ones_and_load():
    doc = (ROOT / "docs" / "perception.md").read_text()
    for name in (landmarks.DETECTOR, landmarks.MESH, landmarks.IRIS):
        data = open(landmarks.model_path(name), "rb").read()
        assert hashlib.sha256(data).hexdigest() in doc, name
    assert landmarks.available()


@pytest.fixture(scope="module")
def clip():
    real(CLIP)
    corpus = load_bench("corpus")
    frames, fps, audio, _ = corpus.clip_frames(CLIP, SIZE)
    return frames, fps, audio, corpus.SR


def _tape(tmp_path, clip, name, transform=lambda i, f: f):
    frames, fps, audio, sr = clip
    path = tmp_path / name
    write_tape(str(path), (transform(i, f) for i, f in enumerate(frames)), fps, audio, sr=sr,
               gop=int(round(fps)), crf=20)
    return analyze(path)


@pytest.fixture(scope="module")
def clean(tmp_path_factory, clip):
    return _tape(tmp_path_factory.mktemp("clean"), clip, "clean.mp4")


def test_the_clean_real_clip_is_found_with_its_eyes(clean):
    v = clean.metrics["video"]
    assert v["face_visible_ratio"] >= 0.95
    assert v["eyes_visible_ratio"] >= 0.9
    assert not {c for c in warned(clean) if c.startswith("face.")}
    assert "face.multiple" not in {f.check for f in clean.findings}


@pytest.mark.parametrize("gain", [0.22, 0.2, 0.05])
def test_a_darkened_real_clip_reads_underexposed_not_missing(tmp_path, clip, clean, gain):
    """The clip darkened as a dim room does (gain, then gamma 1.3): the face must be found in as many
    frames as on the clean clip and its brightness read as that of the darkened face. The Haar path
    (CLAHE) held this clip at 0.22 but lost it at 0.05 (face found on 0 % of the frames: face.missing)."""
    lut = np.clip(255.0 * gain * (np.arange(256) / 255.0) ** 1.3, 0, 255).astype(np.uint8)
    r = _tape(tmp_path, clip, "dark.mp4", lambda i, f: lut[f])
    v, v0 = r.metrics["video"], clean.metrics["video"]
    assert v["face_visible_ratio"] >= v0["face_visible_ratio"] - 0.05
    assert "face.missing" not in warned(r) and "face.underexposed" in warned(r)
    assert v["face_luma_median"] < 0.6 * v0["face_luma_median"]


def test_a_picture_too_dark_for_a_face_says_so(tmp_path, clip):
    lut = np.clip(255.0 * 0.02 * (np.arange(256) / 255.0), 0, 255).astype(np.uint8)
    r = _tape(tmp_path, clip, "black.mp4", lambda i, f: lut[f])
    missing = [f for f in r.findings if f.check == "face.missing"]
    if r.metrics["video"]["face_visible_ratio"] < 0.8:  # not found: it must not say "no face"
        assert missing and "too dark to find a face" in missing[0].message
    else:  # found at 2 % of normal: then it is called dark
        assert "face.underexposed" in warned(r)


def _face_patch(actor_h_px: float, share: float) -> np.ndarray:
    """Obama's head from the real portrait, scaled so that its face box is `share` of `actor_h_px`."""
    rgb = load_rgb("photo_fr_obama.jpg")
    rgb = cv2.resize(rgb, None, fx=640 / max(rgb.shape), fy=640 / max(rgb.shape), interpolation=cv2.INTER_AREA)
    box = faces.FaceTracker().detect(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    x0, y0 = max(0, box.x - box.w // 4), max(0, box.y - box.h // 4)
    crop = rgb[y0: box.y + box.h + box.h // 4, x0: box.x + box.w + box.w // 4]
    k = share * actor_h_px / box.h
    return cv2.resize(crop, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize("share", [0.7, 0.9])
def test_a_second_smaller_face_in_a_corner_changes_no_finding_about_the_actor(tmp_path, clip, clean, share):
    """A second person's head, 0.7 or 0.9 of the actor's face height, in the top left corner for the
    whole clip: the actor's face height and centre stay within 10 % of the clean tape, no face.* warning
    is added, and face.multiple says a second face is there."""
    frames = clip[0]
    actor = faces.FaceTracker().detect(cv2.cvtColor(frames[0], cv2.COLOR_RGB2GRAY))
    patch = _face_patch(actor.h, share)

    def pasted(i, f):
        g = f.copy()
        g[10: 10 + patch.shape[0], 10: 10 + patch.shape[1]] = patch
        return g
    r = _tape(tmp_path, clip, "two.mp4", pasted)
    v, v0 = r.metrics["video"], clean.metrics["video"]
    assert v["face_height_median"] == pytest.approx(v0["face_height_median"], rel=0.1)
    assert v["face_center_x_median"] == pytest.approx(v0["face_center_x_median"], rel=0.1)
    assert {c for c in warned(r) if c.startswith("face.")} == {c for c in warned(clean) if c.startswith("face.")}
    assert "face.multiple" in {f.check for f in r.findings if f.severity == "info"}


def _eyes(pts: np.ndarray) -> tuple[np.ndarray, float]:
    centre = (pts[33] + pts[263]) / 2
    return centre, float(np.linalg.norm(pts[33] - pts[263]))


def _landmarks_per_frame(frames):
    tracker = faces.FaceTracker()
    out = []
    for f in frames:
        tracker.detect(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY))
        out.append(None if tracker.reading is None else tracker.reading.landmarks)
    return out


@pytest.mark.parametrize("cover", ["hand", "sunglasses"])
def test_covered_eyes_are_hidden(tmp_path, clip, clean, cover):
    """A flat hand (the colour of the cheek below) or dark glasses over both eyes, placed on each frame
    where the eyes are: face.eyes_hidden fires. The landmarks alone still draw open lids under a cover
    (the mesh's lid gap fell by only 20-30 %): the pupil's contrast is what tells."""
    frames = clip[0]
    pts = _landmarks_per_frame(frames)
    assert sum(p is not None for p in pts) >= 0.9 * len(pts)

    def covered(i, f):
        if pts[i] is None:
            return f
        g = f.copy()
        (cx, cy), d = _eyes(pts[i])
        x0, x1, y0, y1 = int(cx - 0.8 * d), int(cx + 0.8 * d), int(cy - 0.3 * d), int(cy + 0.3 * d)
        if cover == "hand":
            cheek = f[int(cy + 0.6 * d): int(cy + 0.8 * d), x0 + int(0.3 * d): x1 - int(0.3 * d)]
            g[y0:y1, x0:x1] = np.median(cheek.reshape(-1, 3), axis=0).astype(np.uint8)
        else:
            for ex in (cx - 0.5 * d, cx + 0.5 * d):
                cv2.ellipse(g, (int(ex), int(cy)), (int(0.3 * d), int(0.2 * d)), 0, 0, 360, (18, 18, 22), -1)
        return g
    r = _tape(tmp_path, clip, f"{cover}.mp4", covered)
    assert "face.eyes_hidden" in warned(r)
    assert r.metrics["video"]["eyes_visible_ratio"] < 0.3
    assert r.metrics["video"]["face_visible_ratio"] >= 0.9


def test_the_haar_fallback_still_finds_the_face_when_the_model_cannot_load(monkeypatch):
    rgb = load_rgb("photo_fr_obama.jpg")
    gray = cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    with_model = faces.FaceTracker().detect(gray)
    monkeypatch.setattr(landmarks, "available", lambda: False)
    tracker = faces.FaceTracker()
    assert not tracker.model
    box = tracker.detect(gray)
    assert box is not None and tracker.reading is None
    # the landmark box keeps the Haar geometry: same height and centre within 10 %
    assert box.h == pytest.approx(with_model.h, rel=0.1)
    assert box.x + box.w / 2 == pytest.approx(with_model.x + with_model.w / 2, abs=0.1 * box.w)
