"""The media layer: probe figures, display rotation, the sampling plan."""

from __future__ import annotations

import numpy as np
import pytest

from selftape_check import analyze
from selftape_check.measure.faces import cascade
from selftape_check.media.frames import SamplingSettings, plan_decode
from selftape_check.media.probe import probe
from selftape_check.testing import place_on_wall, write_tape

from .conftest import SAMPLES, load_rgb


def test_haar_cascades_ship_with_opencv():
    # opencv 5.x no longer ships them; this pin (<5) is what keeps face detection working
    for name in ("haarcascade_frontalface_default.xml", "haarcascade_eye.xml"):
        assert not cascade(name).empty()


def test_probe_reads_sample_parameters():
    m = probe(str(SAMPLES / "clean_take.mp4"))
    assert (m.video.width, m.video.height, m.video.rotation) == (1280, 720, 0)
    assert m.video.fps == pytest.approx(25.0)
    assert m.duration_s == pytest.approx(5.0, abs=0.1)
    assert (m.audio.sample_rate, m.audio.channels) == (48000, 2)


@pytest.mark.parametrize("rotation", [90, 270])
def test_rotation_metadata_gives_displayed_portrait_and_upright_face(tmp_path, rotation):
    face = load_rgb("photo_fr_obama.jpg")
    # stored sideways as a phone does: the picture content is turned, the display matrix turns it back
    upright = place_on_wall(face, (720, 1280), height_share=0.7)
    stored = np.ascontiguousarray(np.rot90(upright, k=1 if rotation == 90 else -1))
    path = tmp_path / "phone.mp4"
    write_tape(str(path), [stored] * 30, 30, None, gop=30, rotation=rotation)
    report = analyze(path)
    v = report.media.video
    assert (v.width, v.height, v.rotation) == (1280, 720, rotation)
    assert (v.display_width, v.display_height) == (720, 1280)
    assert "video.portrait" in [f.check for f in report.findings]
    assert report.metrics["video"]["face_visible_ratio"] >= 0.9  # the face is upright after rotation


def test_plan_samples_keyframes_and_bursts_not_everything():
    keys = [float(k) for k in range(0, 60)]  # a phone-like keyframe every second
    plan = plan_decode(keys, 60.0, 30.0, SamplingSettings())
    runs = [(k, e) for k, e in zip(plan.key_times_s, plan.run_end_s) if e > k]
    bursts = [(k, e) for k, e in runs if e - k > SamplingSettings().glance_s + 1e-9]
    assert 3 <= len(bursts) <= 6  # a few bursts of consecutive frames
    glance = SamplingSettings().glance_s
    assert 0.1 <= glance <= 0.25  # a few frames (3-7 at 30 fps) after each keyframe
    assert all(e - k == pytest.approx(glance) for k, e in runs if (k, e) not in bursts)  # glances
    decoded_s = sum(e - k for k, e in runs)
    assert decoded_s <= 60 * glance + 4.0  # a glance per keyframe and 4 bursts of 1 s
    assert len(plan.coverage_times_s) >= 55


def test_plan_fills_sparse_keyframes_within_budget():
    keys = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]  # an encoder default: a keyframe every 10 s
    plan = plan_decode(keys, 60.0, 30.0, SamplingSettings())
    decoded_s = sum(e - k for k, e in zip(plan.key_times_s, plan.run_end_s))
    assert decoded_s <= 0.15 * 60 + 6  # fill budget plus bursts
    assert len(plan.coverage_times_s) >= 12


def test_thorough_plan_decodes_everything():
    keys = [0.0, 2.0, 4.0]
    plan = plan_decode(keys, 6.0, 30.0, SamplingSettings(thorough=True))
    assert plan.run_end_s == [2.0, 4.0, float("inf")]
