"""The media layer: probe figures, display rotation, the sampling plan."""

from __future__ import annotations

from fractions import Fraction

import cv2
import numpy as np
import pytest

from selftape_check import analyze
from selftape_check.measure.faces import cascade
from selftape_check.media.frames import SamplingSettings, plan_decode
from selftape_check.media.probe import probe
from selftape_check.report import report_to_dict
from tests.synth import place_on_wall, room, write_tape

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
    plan = plan_decode(keys, 60.0, 30.0, SamplingSettings(fast=True))
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
    plan = plan_decode(keys, 60.0, 30.0, SamplingSettings(fast=True))
    decoded_s = sum(e - k for k, e in zip(plan.key_times_s, plan.run_end_s))
    assert decoded_s <= 0.15 * 60 + 6  # fill budget plus bursts
    assert len(plan.coverage_times_s) >= 12


def test_thorough_plan_decodes_everything():
    keys = [0.0, 2.0, 4.0]
    plan = plan_decode(keys, 6.0, 30.0, SamplingSettings(thorough=True))
    assert plan.run_end_s == [2.0, 4.0, float("inf")]
    assert plan.every_coverage


def test_default_plan_decodes_everything_and_measures_every_half_second():
    keys = [0.0, 10.0, 20.0]
    plan = plan_decode(keys, 30.0, 30.0, SamplingSettings())
    assert plan.run_end_s == [10.0, 20.0, float("inf")]
    assert not plan.every_coverage
    assert np.diff(plan.coverage_times_s).max() == pytest.approx(0.5)
    assert plan.coverage_times_s[0] == 0.0 and plan.coverage_times_s[-1] == pytest.approx(29.5)


def _hdr_signal(sdr: np.ndarray, trc: str) -> np.ndarray:
    """SDR signal (0-1, BT.1886 gamma 2.4, reference white at 1.0) -> the HDR signal that shows the same
    light with reference white at 203 cd/m2 (ITU-R BT.2408), by the forward functions of BT.2100: the PQ
    inverse EOTF; for HLG the inverse OOTF of a 1000 cd/m2 display (gamma 1.2), then the OETF."""
    nits = 203.0 * np.power(np.clip(sdr, 0, 1), 2.4)
    if trc == "pq":
        m1, m2 = 2610 / 16384, 2523 / 4096 * 128
        c1, c2, c3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
        y = np.power(nits / 10000.0, m1)
        return np.power((c1 + c2 * y) / (1 + c3 * y), m2)
    a, b, c = 0.17883277, 0.28466892, 0.55991073
    scene = np.power(nits / 1000.0, 1 / 1.2)
    return np.where(scene <= 1 / 12, np.sqrt(3 * scene), a * np.log(np.maximum(12 * scene - b, 1e-12)) + c)


def _write_luma_tape(path, luma: np.ndarray, trc: str | None, frames: int = 20) -> None:
    """A grey tape of one picture (`luma`: SDR signal 0-1): 8-bit H.264 as SDR, or 10-bit HEVC
    tagged HLG / PQ (BT.2020) carrying the same light."""
    import av

    h, w = luma.shape
    with av.open(str(path), "w") as out:
        if trc is None:
            s = out.add_stream("libx264", rate=30)
            s.pix_fmt = "yuv420p"
            y = np.round(16 + 219 * luma).astype(np.uint8)
            chroma = np.full((h // 2, w // 2), 128, np.uint8)
            fmt = "yuv420p"
        else:
            s = out.add_stream("libx265", rate=30)
            s.pix_fmt = "yuv420p10le"
            s.codec_context.color_trc = 16 if trc == "pq" else 18
            s.codec_context.color_primaries = s.codec_context.colorspace = 9  # BT.2020
            s.codec_context.options = {"x265-params": "log-level=error"}
            y = np.round(64 + 876 * _hdr_signal(luma, trc)).astype(np.uint16)
            chroma = np.full((h // 2, w // 2), 512, np.uint16)
            fmt = "yuv420p10le"
        s.width, s.height = w, h
        s.codec_context.color_range = 1  # limited
        planes = np.concatenate([y.reshape(-1), chroma.reshape(-1), chroma.reshape(-1)]).reshape(-1, w)
        for _ in range(frames):
            for packet in s.encode(av.VideoFrame.from_ndarray(planes, format=fmt)):
                out.mux(packet)
        for packet in s.encode():
            out.mux(packet)


@pytest.mark.parametrize("trc", ["hlg", "pq"])
def test_hdr_tapes_read_as_on_an_sdr_screen(tmp_path, trc):
    """Phones record HDR by default. The same light coded as HLG or PQ (10-bit HEVC) reads the same
    brightness as its SDR tape, within 0.02: PQ codes a mid-grey about 0.1 lower than SDR does."""
    ramp = np.tile(np.linspace(0.1, 0.85, 320), (240, 1))
    ramp[80:160, 120:200] = 0.6  # a patch at skin brightness
    reads = {}
    for kind in (None, trc):
        path = tmp_path / f"{kind or 'sdr'}.mp4"
        _write_luma_tape(path, ramp, kind)
        reads[kind] = analyze(path).metrics["video"]["frame_luma_median"]
    assert reads[None] == pytest.approx(float(ramp.mean()), abs=0.02)
    assert reads[trc] == pytest.approx(reads[None], abs=0.02)


def test_hdr_face_reads_as_its_sdr_tape(tmp_path):
    """A real face in PQ (the larger shift of the two): found, and its brightness within 0.02 of SDR."""
    import cv2

    luma = cv2.cvtColor(place_on_wall(load_rgb("photo_fr_obama.jpg"), (640, 360), height_share=0.6),
                        cv2.COLOR_RGB2GRAY).astype(np.float64) / 255.0
    reads = {}
    for kind in (None, "pq"):
        path = tmp_path / f"{kind or 'sdr'}.mp4"
        _write_luma_tape(path, luma, kind)
        v = analyze(path).metrics["video"]
        assert v["face_visible_ratio"] == 1.0
        reads[kind] = v["face_luma_median"]
    assert reads["pq"] == pytest.approx(reads[None], abs=0.02)


def _stamped_tape(path, audio: np.ndarray, *, start_s: float = 0.0, gap_at_s: float | None = None,
                  gap_s: float = 0.0, clock: float = 1.0, seconds: float = 6.0, picture_start_s: float = 0.0,
                  sr: int = 48000) -> None:
    """A 6 s picture (from `picture_start_s`) with mono AAC sound whose timestamps start at `start_s`,
    jump by `gap_s` at `gap_at_s` (packets a recorder lost), and run `clock` times as fast as its samples
    (a drifting clock)."""
    from fractions import Fraction

    import av

    with av.open(str(path), "w") as out:
        v = out.add_stream("libx264", rate=30)
        v.width, v.height, v.pix_fmt = 320, 240, "yuv420p"
        a = out.add_stream("aac", rate=sr)
        a.layout = "mono"
        for i in range(int(seconds * 30)):
            f = av.VideoFrame.from_ndarray(np.full((240, 320, 3), 120, np.uint8), format="rgb24")
            f.pts = i + int(round(picture_start_s * 30))
            for p in v.encode(f):
                out.mux(p)
        for p in v.encode():
            out.mux(p)
        x = audio.astype(np.float32)
        for i in range(0, len(x) - 1024, 1024):
            frame = av.AudioFrame.from_ndarray(x[None, i:i + 1024], format="fltp", layout="mono")
            t = start_s + i / sr * clock + (gap_s if gap_at_s is not None and i / sr >= gap_at_s else 0.0)
            frame.sample_rate, frame.pts, frame.time_base = sr, int(round(t * sr)), Fraction(1, sr)
            for p in a.encode(frame):
                out.mux(p)
        for p in a.encode():
            out.mux(p)


def test_sound_is_laid_out_on_the_tapes_timeline(tmp_path):
    """Sound that starts 1 s after the picture (an edit, a screen recorder) plays 1 s late; 0.1 s of lost
    packets mid-phrase play as 0.1 s of silence; a recorder clock running 0.2 % fast adds nothing.
    Truth: a 5 s track with a voice from 1.0 to 4.0 s, on a 6 s picture."""
    from tests.synth import pink_noise, syllables

    sr = 48000
    x = pink_noise(5.0, sr, -60.0)
    x[sr:4 * sr] += syllables(3.0, sr, -24.0)
    cases = {"late": dict(start_s=1.0), "gap": dict(gap_at_s=2.5, gap_s=0.1), "drift": dict(clock=1.002),
             "early": dict(picture_start_s=1.0, seconds=5.0)}
    got, pictures = {}, {}
    for name, kw in cases.items():
        _stamped_tape(tmp_path / f"{name}.mp4", x, **kw)
        r = analyze(tmp_path / f"{name}.mp4", pictures=True)
        got[name] = (r.metrics["edit"], [f for f in r.findings if f.check == "audio.dropouts"])
        pictures[name] = r.timeline.video_t_s
    edit, drops = got["late"]  # the voice at 2.0-5.0 s of the tape (the old code: 1.0-4.0)
    assert edit["lead_silence_s"] == pytest.approx(2.0, abs=0.06)
    assert edit["tail_silence_s"] == pytest.approx(1.0, abs=0.06)
    assert not drops
    edit, drops = got["gap"]  # the voice at 1.0-4.1 s: its end moved by the gap
    assert edit["lead_silence_s"] == pytest.approx(1.0, abs=0.06)
    assert edit["tail_silence_s"] == pytest.approx(1.9, abs=0.06)
    (start, end), = drops[0].ranges
    assert start == pytest.approx(2.5, abs=0.05) and end - start == pytest.approx(0.1, abs=0.04)
    edit, drops = got["drift"]
    assert edit["lead_silence_s"] == pytest.approx(1.0, abs=0.06) and not drops
    # the sound starts 1 s before the picture (a cut made without re-encoding): the tape starts with
    # the sound, as players play it, and the picture's times are 1 s later
    edit, drops = got["early"]
    assert edit["lead_silence_s"] == pytest.approx(1.0, abs=0.06) and not drops
    assert pictures["early"][0] == pytest.approx(1.0, abs=0.05) and pictures["late"][0] == pytest.approx(0.0, abs=0.05)


def test_plan_decodes_a_very_long_keyframe_interval_through():
    """One keyframe in a 3-minute tape (a browser's recording): the fill budget (15 %) alone would show
    only its first 27 s. A keyframe interval the budget leaves unseen for more than 10 s is decoded
    through; intervals of 10 s keep their share of the budget."""
    plan = plan_decode([0.0], 180.0, 30.0, SamplingSettings(fast=True))
    assert plan.run_end_s[0] == pytest.approx(180.0)
    assert plan.coverage_times_s[-1] >= 179.0 and len(plan.coverage_times_s) >= 175
    keys = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
    plan = plan_decode(keys, 60.0, 30.0, SamplingSettings(fast=True))
    assert all(e - k < 10.0 for k, e in zip(plan.key_times_s, plan.run_end_s))


def test_a_tape_with_one_keyframe_is_seen_to_its_end(tmp_path):
    """A 24 s tape with a single keyframe whose face goes dark from 16 s on (luma set to a quarter):
    default sampling finds the dark face there (the old plan decoded its first 3.6 s only)."""
    face = load_rgb("photo_fr_obama.jpg")
    lit = place_on_wall(face, (640, 360), height_share=0.6)
    dark = (lit.astype(np.float32) * 0.25).astype(np.uint8)
    frames = [lit] * (16 * 25) + [dark] * (8 * 25)
    path = tmp_path / "one_key.mp4"
    write_tape(str(path), frames, 25, None, gop=len(frames) + 1)
    report = analyze(path, fast=True)  # the sampled mode; the default decodes every frame anyway
    assert report.metrics["video"]["frames_analyzed"] >= 22
    (dark_range,) = [f for f in report.findings if f.check == "face.underexposed"][0].ranges
    assert dark_range[0] == pytest.approx(16.0, abs=1.1) and dark_range[1] == pytest.approx(24.0, abs=0.1)


def _squeezed(picture: np.ndarray, pixel_aspect: Fraction) -> np.ndarray:
    """The picture as anamorphic video stores it: as wide as shown / pixel aspect (even width)."""
    h, w = picture.shape[:2]
    return cv2.resize(picture, (round(w / pixel_aspect / 2) * 2, h), interpolation=cv2.INTER_AREA)


def test_non_square_pixels_are_measured_at_the_shape_they_play(tmp_path):
    # stored 540x720 with pixels shown 16:9 as wide as tall: it plays as 960x720, landscape
    shown = room((960, 720), seed=3)
    path = tmp_path / "anamorphic.mp4"
    write_tape(str(path), [_squeezed(shown, Fraction(16, 9))] * 10, 25, None, pixel_aspect=Fraction(16, 9))
    v = probe(str(path)).video
    assert (v.width, v.height) == (540, 720)
    assert v.pixel_aspect == pytest.approx(16 / 9)
    assert (v.display_width, v.display_height) == (960, 720)
    report = analyze(path)
    assert "video.portrait" not in [f.check for f in report.findings]  # the old code read 540x720: vertical
    assert report_to_dict(report)["media"]["video"]["pixel_aspect"] == pytest.approx(1.7778)


def test_square_is_not_vertical(tmp_path):
    path = tmp_path / "square.mp4"
    write_tape(str(path), [room((698, 700), seed=2)] * 5, 25, None)
    assert "video.portrait" not in [f.check for f in analyze(path).findings]


@pytest.mark.parametrize("pixel_aspect", [Fraction(4, 3), Fraction(16, 9), Fraction(2, 3)])
def test_anamorphic_face_is_found_and_framed_as_shown(tmp_path, pixel_aspect):
    # a 1280x720 picture stored with non-square pixels (HDV: 960x720 at 4:3): the stored face is
    # squeezed or stretched, and must be measured as it plays. The old code measured the stored
    # picture: face height 0.171 / 0.153 / 0.237 of the frame for 0.189, and at 2:3 no eyes found.
    shown = place_on_wall(load_rgb("photo_fr_obama.jpg"), (1280, 720), height_share=0.7)
    square, anamorphic = tmp_path / "square.mp4", tmp_path / "anamorphic.mp4"
    write_tape(str(square), [shown] * 25, 25, None)
    write_tape(str(anamorphic), [_squeezed(shown, pixel_aspect)] * 25, 25, None, pixel_aspect=pixel_aspect)
    a, b = analyze(square), analyze(anamorphic)
    assert (b.media.video.display_width, b.media.video.display_height) == (1280, 720)
    mv_a, mv_b = a.metrics["video"], b.metrics["video"]
    assert mv_b["face_visible_ratio"] >= 0.9
    assert mv_b["face_height_median"] == pytest.approx(mv_a["face_height_median"], abs=0.01)
    assert mv_b["face_center_x_median"] == pytest.approx(mv_a["face_center_x_median"], abs=0.01)
    assert mv_b["eyes_visible_ratio"] == pytest.approx(mv_a["eyes_visible_ratio"], abs=0.1)


def test_surround_sound_with_the_voice_on_the_centre_channel(tmp_path):
    # an editor's 5.1 export: the voice on the centre channel only. It plays from both speakers of a
    # stereo downmix, so it is neither silent nor one-sided; the header names the layout
    from selftape_check.report import render_text
    from tests.synth import syllables

    voice = syllables(6.0, 48000, rms_dbfs=-24.0)
    six = np.zeros((len(voice), 6), dtype=np.float32)
    six[:, 2] = voice  # FL FR FC LFE BL BR
    path = tmp_path / "surround.mp4"
    write_tape(str(path), [room((640, 360))] * 150, 25, six)
    report = analyze(path)
    assert report.media.audio.channels == 6
    checks = [f.check for f in report.findings]
    assert "audio.silent" not in checks and "audio.channel_imbalance" not in checks
    assert "48 kHz 5.1" in render_text(report)
