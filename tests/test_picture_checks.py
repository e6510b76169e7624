"""Picture checks against properties set by construction: a real face photo in a room, darkened by a
known factor, blurred by a known sigma, with known noise, shake, flicker, colour gains. Each check must
fire on the defect and stay quiet on the clean version."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from selftape_check import analyze
from tests.synth import place_on_wall, room, write_tape

from .conftest import load_bench, load_rgb

SIZE = (640, 360)
FPS = 25


@pytest.fixture(scope="module")
def scene():
    """A real portrait standing in a room (as RGB float32), and where the face is."""
    from selftape_check.measure.faces import FaceTracker

    frame = place_on_wall(load_rgb("photo_fr_obama.jpg"), SIZE, height_share=0.95, wall=room(SIZE, seed=2))
    box = FaceTracker().detect(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY))
    assert box is not None
    return frame.astype(np.float32), box


def tape(tmp_path, scene, transform=lambda i, f: f, seconds=3.0, size=SIZE, fps=FPS, name="t.mp4", **kw):
    """Encode the scene (with sub-pixel sway, as a person standing still) through `transform`."""
    base, _ = scene
    rng = np.random.default_rng(5)

    def frames():
        for i in range(int(seconds * fps)):
            m = np.float32([[1, 0, 0.8 * np.sin(i / 9.0)], [0, 1, 0.4 * np.sin(i / 7.0)]])
            f = cv2.warpAffine(base, m, (base.shape[1], base.shape[0]), borderMode=cv2.BORDER_REPLICATE)
            f = transform(i, f) + rng.normal(0, 1.0, f.shape).astype(np.float32)
            f = np.clip(f, 0, 255).astype(np.uint8)
            yield f if f.shape[:2] == (size[1], size[0]) else cv2.resize(f, size, interpolation=cv2.INTER_AREA)

    path = tmp_path / name
    write_tape(str(path), frames(), fps, None, gop=fps, crf=20, **kw)
    return analyze(path)


def fired(report) -> set[str]:
    return {f.check for f in report.findings if f.severity in ("warn", "fail")}


@pytest.fixture(scope="module")
def clean(tmp_path_factory, scene):
    return tape(tmp_path_factory.mktemp("clean"), scene)


def test_clean_scene_raises_no_picture_finding(clean):
    # 640x360 keeps the tests fast; it is below the 720p casting platforms ask for
    assert fired(clean) - {"audio.missing", "video.low_resolution"} == set()
    assert clean.metrics["video"]["face_visible_ratio"] == 1.0


def test_frame_of_known_brightness_reads_its_luma(tmp_path, scene):
    # RGB 128 gray is Y' = 16 + 219 * 128/255 = 125.9 in limited range: 0.502 on the 0-1 scale
    r = tape(tmp_path, scene, lambda i, f: np.full_like(f, 128.0))
    assert r.metrics["video"]["frame_luma_median"] == pytest.approx(0.502, abs=0.01)


def test_face_darkened_by_known_factor_reads_that_factor_and_is_underexposed(tmp_path, scene, clean):
    r = tape(tmp_path, scene, lambda i, f: f * 0.3)
    ratio = r.metrics["video"]["face_luma_median"] / clean.metrics["video"]["face_luma_median"]
    assert ratio == pytest.approx(0.3, abs=0.04)  # Y' scales with R'G'B' (less the 16 offset)
    assert "face.underexposed" in fired(r) and "face.missing" not in fired(r)


def test_overexposed_face(tmp_path, scene, clean):
    """Brightened x2.6 the face clips (Y' scales with R'G'B'): overexposed. Brightened x1.15 it reads
    1.15 x the clean face's luma, still under the 0.85 warn level with few clipped pixels: no finding."""
    hot = tape(tmp_path, scene, lambda i, f: f * 2.6)
    assert "face.overexposed" in fired(hot)
    assert hot.metrics["video"]["face_luma_median"] > 0.85
    mild = tape(tmp_path, scene, lambda i, f: f * 1.15, name="mild.mp4")
    ratio = mild.metrics["video"]["face_luma_median"] / clean.metrics["video"]["face_luma_median"]
    assert ratio == pytest.approx(1.15, abs=0.04)
    assert mild.metrics["video"]["face_luma_median"] < 0.85
    assert "face.overexposed" not in fired(mild)


def test_backlit_face(tmp_path, scene):
    _, box = scene

    def backlight(i, f):
        g = f * 0.35
        g[:, : box.x - box.w] = 250.0  # a bright window either side of the person
        g[:, box.x + 2 * box.w:] = 250.0
        g[: max(0, box.y - box.h // 2)] = 250.0
        return g
    assert "face.backlit" in fired(tape(tmp_path, scene, backlight))


def test_light_from_one_side(tmp_path, scene):
    _, box = scene
    ramp = np.ones(SIZE[0], np.float32)
    ramp[: box.x + box.w // 2] = 0.3
    assert "face.uneven_light" in fired(tape(tmp_path, scene, lambda i, f: f * ramp[None, :, None]))


@pytest.mark.parametrize("sigma,fires", [(6.0, True), (0.0, False)])
def test_blur_of_known_sigma(tmp_path, scene, sigma, fires):
    blur = (lambda i, f: cv2.GaussianBlur(f, (0, 0), sigma)) if sigma else (lambda i, f: f)
    assert ("image.blurry" in fired(tape(tmp_path, scene, blur))) is fires


def test_known_noise_level(tmp_path, scene, clean):
    rng = np.random.default_rng(1)
    r = tape(tmp_path, scene, lambda i, f: f + rng.normal(0, 20.0, f.shape).astype(np.float32))
    assert "image.noisy" in fired(r)
    assert r.metrics["video"]["noise_sigma_median"] > 3 * clean.metrics["video"]["noise_sigma_median"]


def test_colour_cast(tmp_path, scene):
    gains = np.array([1.45, 1.0, 0.55], np.float32)
    assert "image.color_cast" in fired(tape(tmp_path, scene, lambda i, f: f * gains))


def test_flicker(tmp_path, scene, clean):
    r = tape(tmp_path, scene, lambda i, f: f * (1 + 0.08 * np.sin(2 * np.pi * 7.0 * i / FPS)))
    assert "image.flicker" in fired(r)
    # an 8% sine: its median absolute deviation is 8 sin(pi/4) = 5.66%, times 1.4826 = 8.4% of the level
    assert r.metrics["video"]["flicker_pct_median"] == pytest.approx(8.4, abs=1.5)
    assert clean.metrics["video"]["flicker_pct_median"] < 0.5


def test_known_shake(tmp_path, scene, clean):
    rng = np.random.default_rng(3)
    jitter = rng.normal(0, 4.0, (400, 2))  # 4 px per frame at 640 px: 0.6-0.9% of the width

    def shake(i, f):
        m = np.float32([[1, 0, jitter[i, 0]], [0, 1, jitter[i, 1]]])
        return cv2.warpAffine(f, m, (f.shape[1], f.shape[0]), borderMode=cv2.BORDER_REFLECT)
    r = tape(tmp_path, scene, shake)
    assert "camera.shaky" in fired(r)
    # frame-to-frame displacement: the difference of two independent jitters, sigma 4 x sqrt(2) px per
    # axis, so its length has a Rayleigh median of 1.177 x 5.66 = 6.7 px = 1.04 % of the width
    print("shake read", r.metrics["video"]["shake_pct_median"])
    assert r.metrics["video"]["shake_pct_median"] == pytest.approx(1.04, rel=0.2)
    assert clean.metrics["video"]["shake_pct_median"] < 0.1


def test_known_shake_of_a_real_clip_in_a_plain_room(tmp_path):
    """A real talking-head clip on a room's wall (as in the accuracy corpus), shaken by a known jitter of
    3 px per axis at 1280 px: the frame-to-frame displacement has a Rayleigh median of
    1.177 x 3 x sqrt(2) = 5.0 px = 0.39 % of the width. With a hard-edged person mask, whose edges are
    the same in both frames and correlate at zero shift, this read 0.13 %, under the 0.25 % threshold."""
    from .conftest import real

    real("video_talking_vr_face1_man_suit.mp4")
    corpus = load_bench("corpus")
    frames, fps, _, _ = corpus.clip_frames("video_talking_vr_face1_man_suit.mp4", (1280, 720))
    jitter = np.random.default_rng(3).normal(0, 3.0, (len(frames), 2))

    def shaken(shake: bool):
        for i, f in enumerate(frames):
            if shake:
                m = np.float32([[1, 0, jitter[i, 0]], [0, 1, jitter[i, 1]]])
                f = cv2.warpAffine(f, m, (f.shape[1], f.shape[0]), borderMode=cv2.BORDER_REFLECT)
            yield f
    values = []
    for shake in (True, False):
        path = tmp_path / f"clip_{shake}.mp4"
        write_tape(str(path), shaken(shake), fps, None, gop=int(round(fps)), crf=23)
        values.append(analyze(path).metrics["video"]["shake_pct_median"])
    print("real clip shake read", values)
    assert values[0] == pytest.approx(0.39, rel=0.25)
    assert values[1] < 0.1


def test_black_frames_inside_the_tape(tmp_path, scene):
    r = tape(tmp_path, scene, lambda i, f: f * 0 if 1.6 <= i / FPS < 2.8 else f, seconds=4.0)
    found = [f for f in r.findings if f.check == "video.black_frames"]
    assert found and found[0].ranges[0][0] == pytest.approx(1.6, abs=0.45)


def test_portrait_low_resolution_and_low_frame_rate(tmp_path, scene):
    assert "video.portrait" in fired(tape(tmp_path, scene, size=(360, 640), name="p.mp4"))
    assert "video.low_resolution" in fired(tape(tmp_path, scene, size=(320, 180), name="lr.mp4"))
    assert "video.low_frame_rate" in fired(tape(tmp_path, scene, fps=12, name="fps.mp4"))


def test_face_too_small_and_cropped(tmp_path):
    photo = load_rgb("photo_fr_obama.jpg")
    wide = place_on_wall(photo, (1280, 720), height_share=0.3, wall=room((1280, 720), 1))
    path = tmp_path / "wide.mp4"
    write_tape(str(path), [wide] * 50, 25, None, gop=25)
    assert "face.too_small" in fired(analyze(path))
    h, w = photo.shape[:2]
    tight = cv2.resize(photo[int(0.08 * h): int(0.4 * h), int(0.2 * w): int(0.8 * w)], (640, 360))
    path = tmp_path / "tight.mp4"
    write_tape(str(path), [tight] * 50, 25, None, gop=25)
    assert "face.cropped" in fired(analyze(path))


def test_no_face_in_an_empty_room(tmp_path):
    path = tmp_path / "empty.mp4"
    write_tape(str(path), [room(SIZE, 4)] * 50, 25, None, gop=25)
    r = analyze(path)
    assert "face.missing" in fired(r) and r.metrics["video"]["face_visible_ratio"] == 0.0


def _card_or_face(tmp_path, scene, name, no_face, speech):
    """10 s at 25 fps: the scene, with a title card (white text on black) over `no_face` (s), and a
    voice over `speech` (s)."""
    from tests.synth import pink_noise, syllables

    base, _ = scene
    card = np.zeros_like(base, dtype=np.uint8)
    cv2.putText(card, "JANE DOE  AGENCY X", (60, 180), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2)
    face = base.astype(np.uint8)
    frames = [card if no_face[0] <= i / FPS < no_face[1] else face for i in range(10 * FPS)]
    sr = 48000
    audio = pink_noise(10.0, sr, -60.0).astype(np.float32)  # the room's tone
    start, end = int(speech[0] * sr), int(speech[1] * sr)
    audio[start:end] += syllables(speech[1] - speech[0], sr)[: end - start]
    path = tmp_path / name
    write_tape(str(path), frames, FPS, audio, sr, gop=FPS, crf=20)
    return analyze(path)


def test_a_title_card_before_the_first_line_is_not_a_missing_face(tmp_path, scene):
    # 3 s of title card, then the actor from the first line (3.2 s) to the end: the old code judged the
    # face over the whole tape, 70 % < 80 %, and warned without saying where
    r = _card_or_face(tmp_path, scene, "card.mp4", (0.0, 3.0), (3.2, 9.6))
    assert "face.missing" not in fired(r)
    assert r.metrics["video"]["face_visible_ratio"] == pytest.approx(0.7, abs=0.1)  # the whole tape


def test_a_face_missing_during_the_lines_is_found_and_placed(tmp_path, scene):
    # the face gone for 2.5 s in the middle of the lines: shorter than the 4 s that fires on its own,
    # but 25 % of the scene; the finding says where (the old code gave no range for it)
    r = _card_or_face(tmp_path, scene, "gone.mp4", (5.0, 7.5), (0.4, 9.6))
    f = next(f for f in r.findings if f.check == "face.missing")
    assert f.severity == "warn" and f.value == pytest.approx(0.75, abs=0.1)
    assert len(f.ranges) == 1
    assert f.ranges[0][0] == pytest.approx(5.0, abs=1.0) and f.ranges[0][1] == pytest.approx(7.5, abs=1.0)


@pytest.mark.parametrize("low, high", [(0.3, 0.7), (0.45, 0.55), (0.5, 0.5)])
def test_frame_contrast_reads_the_rms_contrast_set(tmp_path, low, high):
    """A frame whose two halves sit at luma `low` and `high` (0-1, Rec. 709 limited range) has an RMS
    contrast of (high - low) / 2: the report's frame_contrast_median reads it within 0.01 (a grey's RGB
    level v/255 becomes luma v/255 once the limited range is undone)."""
    h, w = 360, 640
    frame = np.empty((h, w, 3), np.uint8)
    frame[:, : w // 2] = round(255 * low)
    frame[:, w // 2:] = round(255 * high)
    path = str(tmp_path / "halves.mp4")
    write_tape(path, [frame] * 25, 25, crf=10)
    r = analyze(path)
    assert abs(r.metrics["video"]["frame_contrast_median"] - (high - low) / 2) <= 0.01
