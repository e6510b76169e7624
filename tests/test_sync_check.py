"""av.sync_offset end to end: the lip-sync meter fed by the main pass (time base, sound blocks at the
file's rate), the check against ITU-R BT.1359-1's limits, and real clips remuxed with the sound moved
by known amounts (skipped when the clips are absent; the remuxed files live in tmp_path only)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import soxr

from selftape_check import api
from selftape_check.judge import judge
from selftape_check.measure import sync
from selftape_check.measure.derive import derive
from selftape_check.model import SyncResult
from tests.synth import remux

from .conftest import ROOT, real
from .test_sync import synthetic


def _fed_meter(lag_s: float, picture_late_s: float, sr: int = 48000) -> SyncResult:
    """A LipSyncMeter fed as measure.run feeds it: frames on the picture's clock, stereo sound blocks at
    `sr` on the tape's timeline (the picture starting `picture_late_s` into it). The mouth tracker is
    replaced by the synthetic mouth (the landmarks are tested on real clips below)."""
    t, op, audio16, _ = synthetic(lag_s, sr=16000)
    meter = sync.LipSyncMeter(picture_late_s=picture_late_s)
    opening = iter(op)
    meter.tracker.feed = lambda luma: (next(opening), None)
    for ti in t:
        meter.feed_frame(float(ti), np.zeros((4, 4), np.uint8))
    sound = soxr.resample(audio16, 16000, sr).astype(np.float32)
    sound = np.r_[np.zeros(int(round(picture_late_s * sr)), np.float32), sound]  # the picture starts later
    stereo = np.stack([sound, sound], axis=1)
    for i in range(0, len(stereo), 1024):
        meter.feed_audio(stereo[i:i + 1024], sr)
    return meter.finish()


@pytest.mark.parametrize("lag, late", [(0.0, 0.0), (0.4, 0.0), (-0.2, 0.3), (0.25, 1.0)])
def test_meter_time_base_and_resampling(lag, late):
    r = _fed_meter(lag, late)
    assert r.offset_s is not None, r.reason
    assert abs(r.offset_s + sync.VISUAL_LEAD_S - lag) <= 0.02, r
    assert r.start_s == pytest.approx(late) and r.end_s > late + 15


@pytest.mark.parametrize("fps, read", [(60.0, 0.5), (50.0, 0.5), (30.0, 1.0), (25.0, 1.0), (22.13, 1.0)])
def test_meter_reads_at_most_40_frames_a_second(fps, read):
    """A 50 or 60 fps tape is read on every other frame (25 or 30 a second: the mouth is compared in the
    1-8 Hz band, and every frame read costs a face mesh); 30 fps and slower, every frame. The offset of a
    60 fps mouth read that way is found as at 25 fps."""
    t, op, audio16, _ = synthetic(0.25, fps=fps, sr=16000)
    meter = sync.LipSyncMeter()
    meter.tracker.feed = lambda luma: (float(op[int(luma[0, 0])]), None)
    for i, ti in enumerate(t):
        if meter.wants(float(ti)):
            meter.feed_frame(float(ti), np.array([[i]], np.int64))
    assert len(meter._t) == pytest.approx(len(t) * read, abs=1)
    stereo = np.stack([audio16, audio16], axis=1)
    for i in range(0, len(stereo), 1024):
        meter.feed_audio(stereo[i:i + 1024], 16000)
    r = meter.finish()
    assert r.offset_s is not None and abs(r.offset_s + sync.VISUAL_LEAD_S - 0.25) <= 0.02, r


def test_meter_keeps_a_bounded_stretch_of_sound():
    meter = sync.LipSyncMeter(window_s=20.0)
    block = np.zeros((48000, 2), np.float32)
    for _ in range(600):  # ten minutes of sound
        meter.feed_audio(block, 48000)
    assert meter._audio_n == int((20.0 + sync.MAX_LAG_S + 0.5) * 48000)


@pytest.fixture(scope="module")
def sample():
    """Measurements and derived figures of a shipped sample, to judge with a sync reading put in."""
    from selftape_check.judge.settings import Thresholds
    from selftape_check.media.frames import SamplingSettings
    from selftape_check.media.probe import open_container, probe_container
    from selftape_check.measure.run import measure_container

    path = str(ROOT / "samples" / "clean_take.mp4")
    with open_container(path) as c:
        media = probe_container(path, c)
        m = measure_container(c, media, SamplingSettings())
    return m, Thresholds()


@pytest.mark.parametrize("offset_ms, fires", [(0, False), (180, False), (190, True), (-85, False),
                                              (-95, True), (400, True)])
def test_check_fires_outside_bt1359_limits(sample, offset_ms, fires):
    m, t = sample
    m = dataclasses.replace(m, sync=SyncResult(offset_ms / 1000, 0.95, 20, None, start_s=0.0, end_s=5.0))
    findings, _ = judge(m, _derive(m, t), t)
    got = [f for f in findings if f.check == "av.sync_offset"]
    assert bool(got) == fires
    if got:
        assert got[0].value == offset_ms and got[0].severity == "fail" and got[0].ranges == ((0.0, 5.0),)
    assert _derive(m, t).summary.to_json()["av"]["offset_ms"] == offset_ms


def _derive(m, t):
    return derive(m, still_mouth_diff=t["video.frozen.diff"] * t["video.frozen.still_factor"])


def test_not_confident_is_a_skipped_note_not_a_finding(sample):
    m, t = sample
    m = dataclasses.replace(m, sync=SyncResult(None, 0.4, 20, "bootstrap agreement 0.40 under 0.8",
                                               start_s=0.0, end_s=5.0))
    findings, skipped = judge(m, _derive(m, t), t)
    assert not [f for f in findings if f.check == "av.sync_offset"]
    assert any("sync not checked" in s and "0.40" in s for s in skipped)


def test_fast_says_sync_was_not_checked():
    r = api.analyze(ROOT / "samples" / "clean_take.mp4", fast=True).to_dict()
    assert r["metrics"]["av"]["offset_ms"] is None
    assert any("sync not checked" in s and "--fast" in s for s in r["skipped"])


# the clip's own in-sync reading is +29 ms (measure.sync's docstring); 150 ms late stays inside the limits
@pytest.mark.parametrize("shift, fires", [(0.0, False), (0.15, False), (0.4, True), (-0.2, True)])
def test_real_clip_with_the_sound_moved(tmp_path, shift, fires):
    src = real("video_talking_vr_face3_aoc.mp4")
    dst = tmp_path / "moved.mp4"
    remux(src, dst, audio_shift_s=shift)
    r = api.analyze(dst).to_dict()
    got = [f for f in r["findings"] if f["check"] == "av.sync_offset"]
    assert bool(got) == fires, r["metrics"]["av"]
    assert abs(r["metrics"]["av"]["offset_ms"] - 1000 * shift) <= 60, r["metrics"]["av"]
