"""Every file a user or an upload form can throw at it: a report or one clear error line, never a
traceback or a hang; JSON always parses; inputs are never changed."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import av
import numpy as np
import pytest
import soundfile as sf

from tests.synth import pink_noise, sine, syllables, write_tape

from .conftest import SAMPLES

ERROR_TYPES = {"not_found", "unreadable", "not_media", "no_streams", "truncated", "timeout", "too_large"}


def run_json(*args: str, timeout: float = 240) -> tuple[int, dict | None, str]:
    r = subprocess.run([sys.executable, "-m", "selftape_check.cli", "--json", *args], capture_output=True,
                       text=True, timeout=timeout)
    assert "Traceback" not in r.stderr, r.stderr
    doc = json.loads(r.stdout) if r.stdout.strip() else None
    return r.returncode, doc, r.stderr


def check_outcome(path, expect: str | set[str] = "ok") -> dict:
    """Run the CLI on `path`; the file's bytes and mtime must not change; JSON must parse."""
    before = (open(path, "rb").read(), os.stat(path).st_mtime_ns)
    code, doc, err = run_json(str(path))
    assert (open(path, "rb").read(), os.stat(path).st_mtime_ns) == before, "the input file was changed"
    assert doc is not None
    if doc["status"] == "error":
        assert code == 2 and len(err.strip().splitlines()) == 1
        assert doc["error"]["type"] in ERROR_TYPES
    else:
        assert code in (0, 1)
    outcome = doc["status"] if doc["status"] == "ok" else doc["error"]["type"]
    allowed = {expect} if isinstance(expect, str) else expect
    assert outcome in allowed, (outcome, doc.get("error"))
    return doc


def frames(n: int, w: int = 320, h: int = 240, seed: int = 0):
    rng = np.random.default_rng(seed)
    base = rng.integers(40, 200, (h, w, 3), dtype=np.uint8)
    for i in range(n):
        yield np.roll(base, i, axis=1)


def tone(seconds: float, sr: int = 48000, channels: int = 2) -> np.ndarray:
    x = sine(440, seconds, sr, -12.0)
    return np.stack([x] * channels, axis=1)


# ------------------------------------------------------------------ broken containers
@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_truncated_mp4(tmp_path, cut):
    """A phone's MP4 writes its index ('moov') last: cut off, it has none, and says so."""
    data = (SAMPLES / "clean_take.mp4").read_bytes()
    assert data.find(b"moov") > data.find(b"mdat")
    path = tmp_path / f"cut{int(cut * 100)}.mp4"
    path.write_bytes(data[: int(len(data) * cut)])
    doc = check_outcome(path, "truncated")
    assert "incomplete" in doc["error"]["message"] and "moov" in doc["error"]["message"]


def faststart_copy(src, dst) -> None:
    """The same packets with the index first (as editors export and players stream)."""
    with av.open(str(src)) as inp, av.open(str(dst), "w", options={"movflags": "faststart"}) as out:
        streams = {s.index: out.add_stream_from_template(s) for s in inp.streams}
        for packet in inp.demux():
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                out.mux(packet)


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_file_cut_off_after_its_index_says_where_it_stops(tmp_path, cut):
    """An index-first MP4 cut off still opens: the tape stops where the bytes stop. The truth: the end
    of the last packet whose bytes lie wholly before the cut (from the index's byte positions)."""
    whole = tmp_path / "faststart.mp4"
    faststart_copy(SAMPLES / "clean_take.mp4", whole)
    data = whole.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")
    keep = int(len(data) * cut)
    truth = 0.0
    with av.open(str(whole)) as c:
        for packet in c.demux():
            if packet.pts is not None and packet.pos is not None and packet.pos + packet.size <= keep:
                truth = max(truth, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    path = tmp_path / f"cut{int(cut * 100)}.mp4"
    path.write_bytes(data[:keep])
    doc = check_outcome(path, "ok")
    cutoff = [f for f in doc["findings"] if f["check"] == "file.damaged" and "cut off" in f["message"]]
    assert len(cutoff) == 1 and cutoff[0]["severity"] == "fail"
    (start, end), = cutoff[0]["ranges"]
    assert abs(start - truth) <= 0.1 and end == pytest.approx(doc["media"]["duration_s"], abs=0.01)
    assert "file.damaged" not in [f["check"] for f in check_outcome(whole, "ok")["findings"]]


def _tape_with_tracks(path, tracks_audio: list[np.ndarray]) -> None:
    """A 3 s MOV with one AAC stereo track per array (the first is the default one players play)."""
    with av.open(str(path), "w") as out:
        v = out.add_stream("libx264", rate=30)
        v.width, v.height, v.pix_fmt = 320, 240, "yuv420p"
        tracks = [out.add_stream("aac", rate=48000) for _ in tracks_audio]
        for track in tracks:
            track.layout = "stereo"
        for f in frames(90):
            for packet in v.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                out.mux(packet)
        for packet in v.encode():
            out.mux(packet)
        for track, x in zip(tracks, tracks_audio):
            x = x.astype(np.float32)
            for i in range(0, len(x) - 1024, 1024):
                block = av.AudioFrame.from_ndarray(np.stack([x[i:i + 1024]] * 2), format="fltp", layout="stereo")
                block.sample_rate, block.pts = 48000, i
                for packet in track.encode(block):
                    out.mux(packet)
            for packet in track.encode():
                out.mux(packet)


def test_an_audio_track_without_a_decoder_is_passed_over(tmp_path):
    """iPhone 15/16 Pro videos carry a spatial-audio track (APAC) that FFmpeg cannot decode beside the
    stereo AAC one. Here the first of two AAC tracks is made unknown (its sample entry renamed 'apac',
    its decoder configuration dropped); the second carries a 1 kHz stereo sine at -20 dBFS peak, which
    BS.1770 reads as -20 LUFS (EBU Tech 3341)."""
    path = tmp_path / "two_tracks.mov"
    x = sine(1000, 3.0, 48000, -20.0)
    _tape_with_tracks(path, [x * 0.0, x])
    data = bytearray(path.read_bytes())
    entry = data.find(b"mp4a")
    data[entry:entry + 4] = b"apac"
    config = data.find(b"esds", entry)
    data[config:config + 4] = b"free"
    path.write_bytes(bytes(data))
    with av.open(str(path)) as c:
        assert [s.codec_context is None for s in c.streams.audio] == [True, False]
    doc = check_outcome(path, "ok")
    assert doc["metrics"]["audio"]["integrated_lufs"] == pytest.approx(-20.0, abs=0.3)
    assert "audio.silent" not in [f["check"] for f in doc["findings"]]


def test_a_silent_first_track_says_which_track_has_the_voice(tmp_path):
    """Players and upload sites play the first (default) sound track. A screen recorder or a camera
    writing two tracks can leave the first silent and the voice on the second: casting hears nothing,
    and the report says where the voice is, with that track's BS.1770 loudness (the voice's, measured
    by pyloudnorm before encoding, within 0.5 LU). With the voice on the first track nothing is said."""
    import pyloudnorm

    voice = pink_noise(3.0, 48000, -62.0)  # a quiet room, a voice from 0.5 to 2.5 s
    voice[24000:120000] += syllables(2.0, 48000, -24.0)
    truth = pyloudnorm.Meter(48000).integrated_loudness(np.stack([voice, voice], axis=1))
    path = tmp_path / "voice_second.mov"
    _tape_with_tracks(path, [voice * 0.0, voice])
    doc = check_outcome(path, "ok")
    audio = doc["media"]["audio"]
    assert (audio["track"], audio["tracks"]) == (1, 2)
    (other,) = audio["other_tracks"]
    assert other["track"] == 2 and other["integrated_lufs"] == pytest.approx(truth, abs=0.5)
    assert other["speech_s"] > 1.5
    (silent,) = [f for f in doc["findings"] if f["check"] == "audio.silent"]
    assert silent["severity"] == "fail" and "track 2" in silent["message"]

    path = tmp_path / "voice_first.mov"
    _tape_with_tracks(path, [voice, voice * 0.0])
    doc = check_outcome(path, "ok")
    assert doc["metrics"]["audio"]["integrated_lufs"] == pytest.approx(truth, abs=0.5)
    assert "audio.silent" not in [f["check"] for f in doc["findings"]]
    assert doc["media"]["audio"]["other_tracks"][0]["integrated_lufs"] is None


def test_webm_written_live_without_a_duration(tmp_path):
    """Browsers' MediaRecorder writes WebM live: no Duration in its header. The tape's length then comes
    from its packets, and the whole tape is analyzed as when the header states it."""
    path = tmp_path / "stated.webm"
    write_tape(str(path), frames(150), 30, tone(5.0), video_codec="libvpx-vp9", audio_codec="libopus")
    data = bytearray(path.read_bytes())
    at = data.find(b"\x44\x89")  # the Duration element (EBML id 0x4489) of the Info element
    assert at > 0 and data[at + 2] in (0x84, 0x88)
    size = 4 if data[at + 2] == 0x84 else 8
    data[at:at + 3 + size] = bytes([0xEC, 0x80 | (size + 1)]) + bytes(size + 1)  # the same bytes as a Void element
    live = tmp_path / "live.webm"
    live.write_bytes(bytes(data))
    with av.open(str(live)) as c:
        assert c.duration is None
    stated, written_live = check_outcome(path), check_outcome(live)
    assert written_live["media"]["duration_s"] == pytest.approx(stated["media"]["duration_s"], abs=0.05)
    assert written_live["media"]["duration_s"] == pytest.approx(5.0, abs=0.1)
    assert written_live["metrics"]["video"]["frames_analyzed"] == stated["metrics"]["video"]["frames_analyzed"]


def _live_webm(path, intervals_ms: list[int]) -> float:
    """A VP9 WebM as a browser writes it live: 1 ms timestamps, frames at the given intervals (a
    variable rate), no default frame duration in the track header. Returns the true average frame rate
    (frames over the span of their timestamps)."""
    from fractions import Fraction

    with av.open(str(path), "w") as out:
        v = out.add_stream("libvpx-vp9", rate=1000)
        v.width, v.height, v.pix_fmt = 320, 240, "yuv420p"
        t = 0
        for i, step in enumerate(intervals_ms):
            f = av.VideoFrame.from_ndarray(np.full((240, 320, 3), (60 + 3 * i) % 255, np.uint8), format="rgb24")
            f.pts, f.time_base = t, Fraction(1, 1000)
            for packet in v.encode(f):
                out.mux(packet)
            t += step
        for packet in v.encode():
            out.mux(packet)
    data = bytearray(path.read_bytes())
    at = data.find(b"\x23\xe3\x83")  # DefaultDuration (EBML id 0x23E383): gone, as in MediaRecorder's files
    total = 4 + (data[at + 3] & 0x7F)
    data[at:at + total] = bytes([0xEC, 0x80 | (total - 2)]) + bytes(total - 2)  # a Void element of its size
    path.write_bytes(bytes(data))
    return (len(intervals_ms) - 1) / (sum(intervals_ms[:-1]) / 1000)


def test_frame_rate_of_a_webm_written_live(tmp_path):
    """A browser's WebM states no average frame rate, and its nominal one is its 1 ms time base: the
    tape read as 1000 fps (a low rate never found, one frame taken as 1 ms long). The rate is counted
    from the packets' timestamps: 24.2 fps (variable) and 12.0 fps within 0.2 of the truth; only the
    second is too low."""
    rng = np.random.default_rng(0)
    fine = _live_webm(tmp_path / "fine.webm", [int(x) for x in rng.choice([33, 50, 50, 33, 42], 120)])
    choppy = _live_webm(tmp_path / "choppy.webm", [83] * 60)
    with av.open(str(tmp_path / "fine.webm")) as c:
        assert c.streams.video[0].average_rate is None and float(c.streams.video[0].guessed_rate) == 1000
    doc = check_outcome(tmp_path / "fine.webm")
    assert doc["media"]["video"]["fps"] == pytest.approx(fine, abs=0.2) and 23.5 < fine < 25
    assert "video.low_frame_rate" not in [f["check"] for f in doc["findings"]]
    doc = check_outcome(tmp_path / "choppy.webm")
    assert doc["media"]["video"]["fps"] == pytest.approx(choppy, abs=0.2)
    (low,) = [f for f in doc["findings"] if f["check"] == "video.low_frame_rate"]
    assert low["severity"] == "fail"


def test_keyframes_counted_from_the_packets_include_the_first(tmp_path):
    """WebM's cues list few keyframes, so they are counted from the packets, after the probe has read
    the first frame: counted from there, the first keyframe was lost and every run of the plan started
    one keyframe late (a 5 s VP9 tape with a keyframe each second: 4 pictures measured, not 5; a
    WebM with keyframes at 0 and 4.3 s: 1 instead of 3)."""
    path = tmp_path / "vp9.webm"
    write_tape(str(path), frames(150), 30, tone(5.0), gop=30, video_codec="libvpx-vp9", audio_codec="libopus")
    doc = check_outcome(path)
    assert doc["metrics"]["video"]["frames_analyzed"] >= 5


def test_mp4_without_moov_atom(tmp_path):
    data = (SAMPLES / "clean_take.mp4").read_bytes()
    out, pos = b"", 0
    while pos + 8 <= len(data):  # walk the top-level boxes and drop the index ('moov')
        size = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        if kind != b"moov":
            out += data[pos:pos + size]
        pos += size
    assert len(out) < len(data)
    path = tmp_path / "nomoov.mp4"
    path.write_bytes(out)
    check_outcome(path, {"not_media", "truncated", "no_streams"})


def test_bit_flips_mid_file_still_report(tmp_path):
    data = bytearray((SAMPLES / "clean_take.mp4").read_bytes())
    rng = random.Random(3)
    for _ in range(200):
        pos = rng.randrange(len(data) // 4, 3 * len(data) // 4)
        data[pos] ^= 1 << rng.randrange(8)
    path = tmp_path / "flipped.mp4"
    path.write_bytes(bytes(data))
    doc = check_outcome(path, {"ok", "truncated"})
    if doc["status"] == "ok":  # the damage is said, not passed over
        assert "file.damaged" in [f["check"] for f in doc["findings"]]


def test_damage_is_reported_with_where_and_a_clean_file_is_not(tmp_path):
    from selftape_check import analyze

    data = bytearray((SAMPLES / "clean_take.mp4").read_bytes())
    # flip bits in the second half of the media data only (the index stays readable)
    mdat = data.find(b"mdat") - 4
    size = int.from_bytes(data[mdat:mdat + 4], "big")
    rng = random.Random(1)
    for _ in range(200):
        pos = rng.randrange(mdat + size // 2, mdat + size)
        data[pos] ^= 1 << rng.randrange(8)
    path = tmp_path / "damaged.mp4"
    path.write_bytes(bytes(data))
    report = analyze(path)  # every frame is decoded by default
    (f,) = [f for f in report.findings if f.check == "file.damaged"]
    assert f.severity == "warn" and f.value >= 5
    # every damaged frame lies in the flipped half (the tape is 5 s): the ranges start after 2 s
    assert f.ranges and all(a >= 2.0 for a, _ in f.ranges)
    assert "file.damaged" not in [f.check for f in analyze(SAMPLES / "clean_take.mp4").findings]


# ------------------------------------------------------------------ odd but valid media
def test_audio_only_wav_skips_picture_checks(tmp_path):
    path = tmp_path / "voice.wav"
    sf.write(path, tone(2.0), 48000)
    doc = check_outcome(path)
    assert doc["media"]["video"] is None and any("picture checks skipped" in s for s in doc["skipped"])


def test_single_frame_and_half_second(tmp_path):
    one = tmp_path / "one.mp4"
    write_tape(str(one), frames(1), 25, None)
    doc = check_outcome(one)
    assert doc["media"]["duration_s"] == pytest.approx(0.04, abs=0.01)
    assert doc["metrics"]["video"]["frames_decoded"] == 1
    half = tmp_path / "half.mp4"
    write_tape(str(half), frames(12), 25, tone(0.5))
    doc = check_outcome(half)
    assert doc["media"]["duration_s"] == pytest.approx(0.5, abs=0.05)
    # a -12 dBFS 440 Hz sine on both channels: BS.1770 reads -12.0 - 0.7 (the -0.691 offset) = -12.7 LUFS
    assert doc["metrics"]["audio"]["integrated_lufs"] == pytest.approx(-12.7, abs=0.3)


@pytest.mark.parametrize("w,h", [(16, 16), (641, 359)])
def test_tiny_and_odd_dimensions(tmp_path, w, h):
    path = tmp_path / f"{w}x{h}.mkv"
    write_tape(str(path), frames(10, w, h), 25, None, pix_fmt="yuv444p")
    doc = check_outcome(path)
    assert (doc["media"]["video"]["width"], doc["media"]["video"]["height"]) == (w, h)


def test_8k_frame_memory_stays_bounded(tmp_path):
    path = tmp_path / "8k.mp4"
    write_tape(str(path), frames(2, 7680, 4320), 1, None, crf=40)
    doc = check_outcome(path)
    assert doc["media"]["video"]["width"] == 7680
    if os.path.exists("/proc/self/status"):  # the 400 MB for any tape (measured: 264 MB)
        status, _, peak_kb = _peak_rss_kb(path)
        assert status == "ok" and peak_kb < 400 * 1024, peak_kb


def test_variable_frame_rate(tmp_path):
    path = tmp_path / "vfr.mp4"
    stamps = [0, 1, 2, 4, 5, 7, 8, 9, 12, 13, 14, 15, 17, 20, 21, 22, 25, 26, 27, 29]
    write_tape(str(path), frames(len(stamps)), 30, None, timestamps=stamps)
    doc = check_outcome(path)
    # 20 frames over 29 ticks of 1/30 s: the average rate is 20 / (29/30 s) = 20.7 fps, not the 30 of the time base
    assert doc["media"]["video"]["fps"] == pytest.approx(20 / (29 / 30), abs=0.3)
    assert doc["media"]["duration_s"] == pytest.approx(29 / 30, abs=0.04)
    assert doc["metrics"]["video"]["frames_decoded"] == 20


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_metadata(tmp_path, rotation):
    path = tmp_path / f"rot{rotation}.mp4"
    write_tape(str(path), frames(10, 320, 180), 25, None, rotation=rotation)
    doc = check_outcome(path)
    v = doc["media"]["video"]
    assert v["rotation"] == rotation
    assert (v["display_width"], v["display_height"]) == ((180, 320) if rotation in (90, 270) else (320, 180))


@pytest.mark.parametrize("name,codec,pix,audio_codec", [
    ("hevc.mp4", "libx265", "yuv420p", "aac"),
    ("vp9.webm", "libvpx-vp9", "yuv420p", "libopus"),
    ("prores.mov", "prores", "yuv422p10le", "pcm_s16le"),
    ("mjpeg.avi", "mjpeg", "yuvj420p", "pcm_s16le"),
    ("h264.mkv", "libx264", "yuv420p", "flac"),
])
def test_other_codecs_and_containers(tmp_path, name, codec, pix, audio_codec):
    path = tmp_path / name
    write_tape(str(path), frames(12, 320, 240), 24, tone(0.5), video_codec=codec, pix_fmt=pix,
               audio_codec=audio_codec)
    doc = check_outcome(path)
    assert doc["media"]["video"] is not None and doc["media"]["audio"] is not None


def test_animated_gif(tmp_path):
    path = tmp_path / "anim.gif"
    write_tape(str(path), frames(8, 160, 120), 10, None, video_codec="gif", pix_fmt="rgb8")
    check_outcome(path)


@pytest.mark.parametrize("channels,sr", [(8, 48000), (1, 8000)])
def test_many_channels_and_low_rate_audio(tmp_path, channels, sr):
    path = tmp_path / f"a{channels}_{sr}.wav"
    sf.write(path, tone(2.0, sr, channels), sr)
    doc = check_outcome(path)
    assert doc["media"]["audio"]["channels"] == channels and doc["media"]["audio"]["sample_rate"] == sr


def test_two_audio_tracks_uses_the_first(tmp_path):
    import av

    path = tmp_path / "two_tracks.mkv"
    with av.open(str(path), "w") as c:
        streams = [c.add_stream("flac", rate=48000, layout="stereo") for _ in range(2)]
        x = tone(1.0).T.astype(np.float32)
        for k, s in enumerate(streams):
            for start in range(0, x.shape[1], 4096):
                chunk = (np.clip(x[:, start:start + 4096] * (1 if k == 0 else 0.1), -1, 1) * 32767).astype(np.int16)
                f = av.AudioFrame.from_ndarray(chunk.T.reshape(1, -1).copy(), format="s16", layout="stereo")
                f.sample_rate, f.pts = 48000, start
                for p in s.encode(f):
                    c.mux(p)
            for p in s.encode():
                c.mux(p)
    doc = check_outcome(path)
    audio = doc["media"]["audio"]
    assert audio["channels"] == 2 and (audio["track"], audio["tracks"]) == (1, 2)
    # the first track is the -12 dBFS tone (-12.7 LUFS), the second the same 20 dB down (-32.7 LUFS)
    assert doc["metrics"]["audio"]["integrated_lufs"] == pytest.approx(-12.7, abs=0.3)
    assert [o["track"] for o in audio["other_tracks"]] == [2]
    assert audio["other_tracks"][0]["integrated_lufs"] == pytest.approx(-32.7, abs=0.3)


# ------------------------------------------------------------------ names, permissions, folders
def test_space_and_non_utf8_file_names(tmp_path):
    data = (SAMPLES / "clean_take.mp4").read_bytes()
    spaced = tmp_path / "my take  3 (final).mp4"
    spaced.write_bytes(data)
    check_outcome(spaced)
    raw = os.path.join(os.fsencode(tmp_path), b"take-\xff\xfe.mp4")
    with open(raw, "wb") as fh:
        fh.write(data)
    r = subprocess.run([sys.executable, "-m", "selftape_check.cli", "--json", os.fsencode(tmp_path)],
                       capture_output=True, timeout=240)
    assert b"Traceback" not in r.stderr
    doc = json.loads(r.stdout)
    assert doc["summary"]["files"] == 2 and doc["summary"]["error"] == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_file_without_read_permission(tmp_path):
    path = tmp_path / "locked.mp4"
    path.write_bytes((SAMPLES / "clean_take.mp4").read_bytes())
    path.chmod(0)
    try:
        code, doc, _ = run_json(str(path))
        assert code == 2 and doc["error"]["type"] == "unreadable"
    finally:
        path.chmod(0o644)


def test_symlink_loop_and_many_files_in_a_folder(tmp_path):
    folder = tmp_path / "roll"
    (folder / "sub").mkdir(parents=True)
    os.symlink(folder, folder / "sub" / "loop")
    x = tone(0.3, 8000, 1)
    for i in range(500):
        sf.write(folder / f"clip{i:03d}.wav", x, 8000)
    (folder / ".hidden.mp4").write_bytes(b"x")
    code, doc, _ = run_json(str(folder), "--jobs", "2", timeout=600)
    assert doc["summary"]["files"] == 500 and doc["summary"]["error"] == 0
    assert code in (0, 1)


def test_timeout_reports_and_moves_on(tmp_path):
    # a minute of sound is more than a millisecond's work: the time limit stops it
    path = tmp_path / "long.wav"
    sf.write(path, tone(60.0, 48000, 2), 48000)
    from selftape_check import analyze

    report = analyze(path, timeout_s=1e-3)
    assert report.status == "error" and report.error.type == "timeout"


# VmHWM (this process's own peak, reset at exec), not ru_maxrss (which keeps the forking parent's peak)
PEAK_RSS = """
import sys
from selftape_check import analyze
r = analyze(sys.argv[1])
hwm = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(r.status, r.media.duration_s if r.media else 0, hwm)
"""


def _peak_rss_kb(path) -> tuple[str, float, int]:
    out = subprocess.run([sys.executable, "-c", PEAK_RSS, str(path)], capture_output=True, text=True,
                         timeout=600, check=True).stdout.split()
    return out[0], float(out[1]), int(out[2])


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc for the peak memory")
def test_two_hour_tape_in_bounded_memory(tmp_path):
    """Frames and audio are never held: only the 20 ms measurement series grow with duration (about
    30 MB an hour). A 2-hour tape peaks under 400 MB and less than 100 MB above a 1-minute one."""
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (36, 64, 3), dtype=np.uint8)

    def make(path, seconds):
        x = sine(300, seconds, 8000, -20.0) + rng.normal(0, 0.001, int(seconds * 8000))
        write_tape(str(path), (np.roll(base, i % 64, axis=1) for i in range(int(seconds))), 1, x, 8000, gop=1)

    short, long = tmp_path / "1min.mp4", tmp_path / "2h.mp4"
    make(short, 60)
    make(long, 7200)
    s_status, s_dur, s_rss = _peak_rss_kb(short)
    l_status, l_dur, l_rss = _peak_rss_kb(long)
    assert (s_status, l_status) == ("ok", "ok") and l_dur == pytest.approx(7200, abs=2)
    assert l_rss - s_rss < 100 * 1024, (s_rss, l_rss)
    assert l_rss < 400 * 1024


# ------------------------------------------------------------------ fuzz
def test_mutated_media_never_crash_or_change_inputs(tmp_path):
    """Property: any mutation of a valid small file (bit flips, cuts, inserted and duplicated bytes)
    gives a report or a typed error, valid JSON, no traceback, and leaves the file unchanged."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    seed_file = tmp_path / "seed.mp4"
    write_tape(str(seed_file), frames(10, 160, 96), 10, tone(1.0, 16000, 1), 16000, gop=5)
    original = seed_file.read_bytes()
    edits = st.lists(st.tuples(st.sampled_from(["flip", "cut", "insert", "dup"]),
                               st.integers(0, len(original) - 1), st.integers(1, 400)), min_size=1, max_size=6)

    @settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(edits)
    def run(ops):
        data = bytearray(original)
        for op, pos, n in ops:
            pos %= max(1, len(data))
            if op == "flip":
                data[pos] ^= 0xFF
            elif op == "cut":
                del data[pos:pos + n]
            elif op == "insert":
                data[pos:pos] = bytes((pos * 7 + i) % 256 for i in range(n))
            else:
                data[pos:pos] = data[pos:pos + n]
        path = tmp_path / "mutant.mp4"
        path.write_bytes(bytes(data))
        check_outcome(path, {"ok"} | ERROR_TYPES)

    run()
