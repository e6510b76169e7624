"""Every frame is seen by default: a tape with long keyframe intervals (10 s, no scene-cut keyframes)
whose defects sit between keyframes, where the sampled mode (--fast, the old default) never looks;
strong fast flicker on moving footage, which used to read as edit cuts; and the report's account of
how much of the picture was seen."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from selftape_check import analyze
from selftape_check.measure.motion import periodic_brightness
from tests.synth import write_tape

from .conftest import REAL, SAMPLES

SIZE = (640, 360)
FPS = 30
LONG_S = 60.0
KEYFRAME_S = 10.0  # fixed: keyint = min-keyint = 300 frames, scenecut off (testing.write_tape)
BLACK = (23.3, 24.8)  # 1.5 s between the keyframes at 20 and 30 s
DARK = (43.0, 47.0)  # 4 s of a dark face between the keyframes at 40 and 50 s
DARK_GAIN = 0.25


@pytest.fixture(scope="session")
def subject() -> np.ndarray:
    """The shipped sample's first picture (a face in a room, made from scikit-image's public-domain
    astronaut), at 640x360, RGB uint8."""
    import av

    with av.open(str(SAMPLES / "clean_take.mp4")) as c:
        frame = next(c.decode(video=0)).to_ndarray(format="rgb24")
    return cv2.resize(frame, SIZE, interpolation=cv2.INTER_AREA)


def _moving(picture: np.ndarray, i: int, fps: float, amplitude_px: float = 3.0) -> np.ndarray:
    """Frame i of the picture swaying as a person does (0.4 Hz and 0.2 Hz, `amplitude_px`), float32."""
    t = i / fps
    m = np.float32([[1, 0, amplitude_px * np.sin(2 * np.pi * 0.4 * t)],
                    [0, 1, 0.5 * amplitude_px * np.sin(2 * np.pi * 0.2 * t)]])
    return cv2.warpAffine(picture.astype(np.float32), m, (picture.shape[1], picture.shape[0]),
                          borderMode=cv2.BORDER_REPLICATE)


@pytest.fixture(scope="session")
def long_gop_tape(tmp_path_factory, subject) -> Path:
    """60 s at 30 fps, a keyframe every 10 s exactly (x264's scene-cut keyframes off), black
    23.3-24.8 s and the face at a quarter of its light 43-47 s. The sway repeats every 10 s (300
    pictures made once) so the tape is quick to make."""
    path = tmp_path_factory.mktemp("coverage") / "long_gop.mp4"
    rng = np.random.default_rng(0)
    cycle = [np.clip(_moving(subject, i, FPS) + rng.normal(0, 1.0, subject.shape), 0, 255).astype(np.uint8)
             for i in range(10 * FPS)]

    def frames():
        for i in range(int(LONG_S * FPS)):
            t = i / FPS
            f = cycle[i % len(cycle)]
            if BLACK[0] <= t < BLACK[1]:
                f = np.zeros_like(f)
            elif DARK[0] <= t < DARK[1]:
                f = (f * DARK_GAIN).astype(np.uint8)
            yield f

    gop = int(KEYFRAME_S * FPS)
    write_tape(str(path), frames(), FPS, None, gop=gop, crf=24,
               x264_params=f"keyint={gop}:min-keyint={gop}:scenecut=0")
    return path


@pytest.fixture(scope="session")
def long_gop_reports(long_gop_tape):
    return {"default": analyze(long_gop_tape), "fast": analyze(long_gop_tape, fast=True)}


def _ranges(report, check: str) -> tuple:
    found = [f for f in report.findings if f.check == check]
    return found[0].ranges if found else ()


def test_the_tape_has_keyframes_every_10_s_only(long_gop_tape):
    import av

    with av.open(str(long_gop_tape)) as c:
        s = c.streams.video[0]
        keys = [float(p.pts * s.time_base) for p in c.demux(s) if p.is_keyframe and p.pts is not None]
    assert keys == pytest.approx([0.0, 10.0, 20.0, 30.0, 40.0, 50.0])


def test_black_stretch_between_keyframes_is_found_by_default(long_gop_reports):
    (black,) = _ranges(long_gop_reports["default"], "video.black_frames")
    assert black[0] == pytest.approx(BLACK[0], abs=0.2) and black[1] == pytest.approx(BLACK[1], abs=0.2)
    # the sampled mode (the old default) decodes 1.5 s after each keyframe and 1 s bursts: never sees it
    assert _ranges(long_gop_reports["fast"], "video.black_frames") == ()


def test_dark_face_between_keyframes_is_found_by_default(long_gop_reports):
    ranges = _ranges(long_gop_reports["default"], "face.underexposed")
    assert len(ranges) == 1, ranges
    (a, b), = ranges
    assert a == pytest.approx(DARK[0], abs=0.6) and b == pytest.approx(DARK[1], abs=0.6)
    assert not any(a < DARK[1] and b > DARK[0] for a, b in _ranges(long_gop_reports["fast"], "face.underexposed"))


def test_report_says_how_much_was_seen(long_gop_reports):
    d = long_gop_reports["default"].metrics["video"]
    assert d["sampling_mode"] == "default"
    assert d["frames_decoded"] == d["frames_in_tape"] == int(LONG_S * FPS)
    assert d["decoded_ratio"] == 1.0 and d["unseen_ratio"] == 0.0 and d["longest_undecoded_s"] == 0.0
    assert d["longest_unmeasured_s"] <= 0.5
    assert d["frames_analyzed"] == pytest.approx(LONG_S / 0.5, abs=1)
    f = long_gop_reports["fast"].metrics["video"]
    assert f["sampling_mode"] == "fast"
    # 6 keyframes, each followed by 1.5 s of gap fill (15 % of 60 s over 6 gaps), and 3-4 bursts of 1 s
    # inside those: about 9-10 s of 60 decoded
    assert 0.12 <= f["decoded_ratio"] <= 0.2 and 0.8 <= f["unseen_ratio"] <= 0.88
    assert f["longest_undecoded_s"] == pytest.approx(KEYFRAME_S - 1.5, abs=0.1)
    assert any("not looked at" in note for note in long_gop_reports["fast"].skipped)
    assert not long_gop_reports["default"].skipped


# ---- flicker on moving footage -------------------------------------------------------------------

FLICKER_S = 3.0


def _flicker_tape(path: Path, subject: np.ndarray, hz: float, depth: float, fps: float = FPS) -> Path:
    """Moving footage (the picture swaying 12 px and walking 60 px across and back), its brightness
    multiplied by 1 + depth sin(2 pi hz t)."""
    rng = np.random.default_rng(1)

    def frames():
        for i in range(int(FLICKER_S * fps)):
            t = i / fps
            f = _moving(subject, i, fps, amplitude_px=12.0)
            f = np.roll(f, int(round(30 * np.sin(2 * np.pi * 0.4 * t))), axis=1)
            f = f * (1.0 + depth * np.sin(2 * np.pi * hz * t)) + rng.normal(0, 1.0, f.shape).astype(np.float32)
            yield np.clip(f, 0, 255).astype(np.uint8)

    write_tape(str(path), frames(), fps, None, gop=int(fps), crf=22)
    return path


def _flicker_report(tmp_path, subject, hz, depth):
    report = analyze(_flicker_tape(tmp_path / f"flicker_{hz}_{depth}.mp4", subject, hz, depth))
    return report, {f.check for f in report.findings}


def test_flicker_at_a_fractional_frame_rate_with_one_second_keyframes(tmp_path, subject):
    """At 22.13 fps (a real clip's rate) a 1 s keyframe interval holds 22 frames, under the 22.13 a second
    of periodicity asked for: every run was judged not periodic, cut at each swing, and dropped."""
    path = _flicker_tape(tmp_path / "flicker_22fps.mp4", subject, 7.0, 0.12, fps=22.13)
    report = analyze(path)
    assert report.media.video.fps == pytest.approx(22.13, abs=0.01)
    assert "image.flicker" in {f.check for f in report.findings}
    assert report.metrics["video"]["flicker_pct_median"] == pytest.approx(105 * 0.12, rel=0.35)


@pytest.mark.parametrize("hz,depth", [(7.0, 0.28), (5.0, 0.15)])
def test_strong_fast_flicker_fires(tmp_path, subject, hz, depth):
    """The issue's cases: 28 % at 7 Hz used to read as an edit cut on every frame, so no run survived."""
    report, fired = _flicker_report(tmp_path, subject, hz, depth)
    assert "image.flicker" in fired
    # a sine of depth d: its median absolute deviation is d sin(pi/4), times 1.4826 = 1.05 d of the level
    # (clipping of the brightest swings and the picture's own motion take some of it)
    assert report.metrics["video"]["flicker_pct_median"] == pytest.approx(105 * depth, rel=0.35)


@pytest.mark.parametrize("hz,depth", [(5.0, 0.10), (9.0, 0.20), (12.0, 0.10), (12.0, 0.30), (5.0, 0.30)])
def test_flicker_5_to_12_hz_10_to_30_percent_fires(tmp_path, subject, hz, depth):
    _, fired = _flicker_report(tmp_path, subject, hz, depth)
    assert "image.flicker" in fired


def test_steady_light_with_real_motion_is_not_flicker(tmp_path, subject):
    report, fired = _flicker_report(tmp_path, subject, 7.0, 0.0)
    assert "image.flicker" not in fired
    assert report.metrics["video"]["flicker_pct_median"] < 1.0


def test_periodicity_tells_flicker_from_cuts_and_motion():
    fps, n = 30.0, 90
    t = np.arange(n) / fps
    rng = np.random.default_rng(2)
    assert periodic_brightness(0.5 * (1 + 0.28 * np.sin(2 * np.pi * 7 * t)), fps, 15)
    assert periodic_brightness(0.4 * (1 + 0.10 * np.sin(2 * np.pi * 12 * t)) + rng.normal(0, 0.005, n), fps, 15)
    cuts = np.where(t < 1.0, 0.3, np.where(t < 2.0, 0.6, 0.45))  # two edit cuts: steps
    assert not periodic_brightness(cuts + rng.normal(0, 0.003, n), fps, 15)
    walk = 0.5 + np.cumsum(rng.normal(0, 0.004, n))  # motion: a random walk of the level
    assert not periodic_brightness(walk, fps, 15)


# ---- real clips (skipped where /work/shared/data/real is absent) -----------------------------------


def _real_clip(name: str) -> Path:
    for root in (REAL, Path("/work/shared/data/real")):
        if (root / name).exists():
            return root / name
    pytest.skip(f"{name} is not present on this machine")


def _reencoded_with_flicker(src: Path, dst: Path, hz: float, depth: float) -> Path:
    """The real clip's frames, brightness times 1 + depth sin(2 pi hz t), re-encoded (no sound)."""
    import av

    with av.open(str(src)) as c:
        s = c.streams.video[0]
        fps = float(s.average_rate or 25)
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(s)]
    gain = 1.0 + depth * np.sin(2 * np.pi * hz * np.arange(len(frames)) / fps)
    write_tape(str(dst), (np.clip(f * g, 0, 255).astype(np.uint8) for f, g in zip(frames, gain)), fps, None,
               gop=int(round(fps)), crf=20)
    return dst


@pytest.mark.parametrize("name", ["video_talking_vr_face4_woman_bluebg.mp4", "video_talking_hamilton_clip.mp4"])
def test_real_clips_flicker_only_when_made_to(tmp_path, name):
    """A talking head and an edited broadcast (cuts between shots): no flicker as they are; with 28 %
    at 7 Hz added, flicker."""
    src = _real_clip(name)
    assert "image.flicker" not in {f.check for f in analyze(src).findings}
    flickering = _reencoded_with_flicker(src, tmp_path / "flicker.mp4", 7.0, 0.28)
    assert "image.flicker" in {f.check for f in analyze(flickering).findings}


def test_a_freeze_in_a_large_picture_is_one_freeze(tmp_path, subject):
    """A 1280x720 picture swaying, frozen from 1.5 to 4.5 s (no sound: only identical frames count).
    Every frame's thumbnail must be made the same way: a coverage frame's (every 0.5 s) came from the
    640 px analysis copy and differed from its neighbours', breaking the freeze into 0.5 s pieces."""
    import cv2

    big = cv2.resize(subject, (1280, 720), interpolation=cv2.INTER_CUBIC)
    frames = [np.clip(_moving(big, min(i, 37) if i < 113 else i, FPS_FREEZE, amplitude_px=6.0), 0, 255)
              .astype(np.uint8) for i in range(150)]
    path = tmp_path / "frozen_720p.mp4"
    write_tape(str(path), frames, FPS_FREEZE, None, gop=FPS_FREEZE, crf=20)
    r = analyze(path)
    found = [f for f in r.findings if f.check == "video.frozen"]
    assert len(found) == 1 and len(found[0].ranges) == 1, found
    (a, b), = found[0].ranges
    assert a == pytest.approx(1.5, abs=0.2) and b == pytest.approx(4.5, abs=0.2)


FPS_FREEZE = 25
