"""The video decoded in two parts side by side (measure.run) measures what one pass measures, also
across the seam between the parts; the face detector is safe to use from two threads at once."""

from __future__ import annotations

import threading

import av
import cv2
import numpy as np
import pytest

import selftape_check.measure.run as run
from selftape_check import analyze
from selftape_check.measure.faces import FaceTracker
from selftape_check.media import probe
from selftape_check.media.frames import SamplingSettings
from tests.synth import pink_noise, place_on_wall, room, swaying, write_tape

from .conftest import SAMPLES

SIZE = (640, 360)
FPS = 25
SECONDS = 12.0
FREEZE = (5.4, 6.6)  # across the seam: the later part starts at the keyframe at 6.0 s


def _face_picture() -> np.ndarray:
    with av.open(str(SAMPLES / "clean_take.mp4")) as c:
        frame = next(c.decode(video=0)).to_ndarray(format="rgb24")
    return place_on_wall(frame, SIZE, height_share=0.95, wall=room(SIZE, 4))


def _tape(path, freeze: tuple[float, float] | None) -> str:
    """12 s of a gently swaying picture with sensor noise, a keyframe every second, room tone."""
    frames = swaying(_face_picture(), int(SECONDS * FPS), FPS, freeze, seed=1)
    tone = pink_noise(SECONDS, 48000, -50.0, seed=3)
    write_tape(str(path), frames, FPS, np.stack([tone, tone], axis=1), 48000, gop=FPS)
    return str(path)


@pytest.fixture
def parts(monkeypatch):
    """Call with two=True/False to decode in two parts or one pass; `.started` counts later parts."""
    started = []
    original = run._LaterPart.run

    def counting(self):
        started.append(self.keys)
        original(self)

    monkeypatch.setattr(run._LaterPart, "run", counting)

    def choose(two: bool):
        monkeypatch.setattr(probe, "TWO_PARTS_MIN_S", 10.0 if two else 1e9)
        return started

    return choose


def _measure(path: str, sampling: SamplingSettings):
    with probe.open_container(path) as c:
        media = probe.probe_container(path, c, 0, every_frame=sampling.every_frame)
        return run.measure_container(c, media, sampling)


@pytest.mark.parametrize("mode", ["fast", "default", "thorough"])
def test_two_parts_measure_what_one_pass_does(tmp_path, parts, mode):
    path = _tape(tmp_path / "t.mp4", FREEZE)
    sampling = SamplingSettings(fast=mode == "fast", thorough=mode == "thorough")
    started = parts(False)
    one = _measure(path, sampling).video
    assert started == []
    parts(True)
    two = _measure(path, sampling).video
    assert started == [range(6, 12)]  # the later part began at the keyframe at 6 s
    assert two.decoded_frames == one.decoded_frames
    assert np.array_equal(two.frame_t_s, one.frame_t_s) and np.array_equal(two.t_s, one.t_s)
    assert np.array_equal(two.frame_luma, one.frame_luma)  # the same pixels decoded
    assert np.allclose(two.frame_diff, one.frame_diff, equal_nan=True, atol=1e-6)
    assert np.allclose(two.coverage_diff, one.coverage_diff, equal_nan=True, atol=1e-6)
    assert np.array_equal(two.face_found, one.face_found) and two.face_found.all()
    # a run is numbered by its keyframe (one a second here), whatever the decoder's output delay: a
    # frame once took the number of the run being sent when it came out, so differences were taken
    # across the gap between a glance and the next keyframe
    for series in (one, two):
        runs = series.frame_run
        assert np.array_equal(runs[runs >= 0], np.floor(series.frame_t_s[runs >= 0] + 1e-6).astype(int))
    # the difference across the seam is taken from the frames either side of it, as one pass takes it
    seam = int(np.flatnonzero(np.isclose(two.frame_t_s, 6.0))[0])
    assert np.isfinite(two.frame_diff[seam]) == sampling.every_frame
    assert np.isfinite(two.coverage_diff[int(np.flatnonzero(np.isclose(two.t_s, 6.0))[0])])


def test_a_freeze_across_the_seam_is_found_whole(tmp_path, parts):
    path = _tape(tmp_path / "frozen.mp4", FREEZE)
    started = parts(True)
    r = analyze(path, thorough=True)
    assert started, "the tape was not decoded in two parts"
    (a, b), = next(f for f in r.findings if f.check == "video.frozen").ranges
    assert a == pytest.approx(FREEZE[0], abs=0.1) and b == pytest.approx(FREEZE[1], abs=0.1)


def test_face_detection_from_two_threads_at_once():
    # one OpenCV classifier used by two threads at once on pictures of different sizes (a whole frame
    # here, the window around the last face there) raised vector::_M_range_check or crashed; each
    # thread now borrows its own
    luma = cv2.cvtColor(_face_picture(), cv2.COLOR_RGB2GRAY)
    small = cv2.resize(luma, (480, 270), interpolation=cv2.INTER_AREA)

    def detect_twice(picture):
        tracker = FaceTracker()
        first = tracker.detect(picture)  # the whole picture
        second = tracker.detect(picture)  # tracking: the window around the first
        return first, second, tracker.eyes_visible(picture, second)

    expected = {id(p): detect_twice(p) for p in (luma, small)}
    assert all(e[0] is not None and e[1] is not None for e in expected.values())
    results, errors = [], []

    def work(order):
        try:
            for i in range(20):
                picture = (luma, small)[(i + order) % 2]
                results.append(detect_twice(picture) == expected[id(picture)])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 60 and all(results)
