"""Make test tapes with known properties: signals, frames and an H.264/AAC writer (PyAV).

Used by `samples/generate.py`, the tests and the benchmarks; not by the analysis itself, so it lives here
(out of the wheel): scripts outside tests/ put the project root on sys.path to import it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable

import numpy as np


def sine(freq_hz: float, seconds: float, sr: int, dbfs: float, phase: float = 0.0) -> np.ndarray:
    """A sine whose peak is `dbfs` (float64, mono)."""
    t = np.arange(int(round(seconds * sr))) / sr
    return 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq_hz * t + phase)


def pink_noise(seconds: float, sr: int, rms_dbfs: float, seed: int = 0) -> np.ndarray:
    """Pink (1/f) noise at a given RMS level, by spectral shaping of white noise."""
    rng = np.random.default_rng(seed)
    n = int(round(seconds * sr))
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / sr)
    spec[1:] /= np.sqrt(f[1:])
    spec[0] = 0
    x = np.fft.irfft(spec, n)
    return x * (10 ** (rms_dbfs / 20) / np.sqrt(np.mean(x ** 2)))


def syllables(seconds: float, sr: int, rms_dbfs: float = -24.0, f0: float = 140.0, rate_hz: float = 4.0,
              seed: int = 0) -> np.ndarray:
    """A voice-like signal: a harmonic complex (f0 and its harmonics up to 3.5 kHz, falling 6 dB per
    octave) gliding in pitch, switched on and off at syllable rate (raised-cosine syllables with short
    gaps). Its voice activity is known exactly: it starts at 0 and ends at `seconds`."""
    rng = np.random.default_rng(seed)
    n = int(round(seconds * sr))
    t = np.arange(n) / sr
    pitch = f0 * (1 + 0.08 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)))
    phase = 2 * np.pi * np.cumsum(pitch) / sr
    x = sum(np.sin(k * phase) / k for k in range(1, int(3500 // f0) + 1))
    syll = 0.5 - 0.5 * np.cos(2 * np.pi * rate_hz * t)  # one syllable per 1/rate_hz
    x = x * (0.3 + 0.7 * syll)
    return scale_to_rms(x, rms_dbfs)


def scale_to_rms(x: np.ndarray, rms_dbfs: float) -> np.ndarray:
    r = np.sqrt(np.mean(np.asarray(x, dtype=np.float64) ** 2))
    return x * (10 ** (rms_dbfs / 20) / max(r, 1e-12))


def place_on_wall(subject_rgb: np.ndarray, size: tuple[int, int], *, height_share: float = 0.85,
                  dx: int = 0, dy: int = 0, wall=(150, 140, 128)) -> np.ndarray:
    """A subject picture standing at the bottom centre of a wall (uint8 RGB, `size` = (w, h)). `wall` is
    a colour (a plain wall, shaded top to bottom) or an (h, w, 3) picture of the room."""
    import cv2

    w, h = size
    if isinstance(wall, np.ndarray) and wall.ndim == 3:
        frame = cv2.resize(wall, (w, h), interpolation=cv2.INTER_AREA).astype(np.uint8)
    else:
        frame = np.empty((h, w, 3), dtype=np.uint8)
        shade = np.linspace(1.05, 0.9, h)[:, None, None]
        frame[:] = np.clip(np.array(wall, dtype=np.float32)[None, None, :] * shade, 0, 255).astype(np.uint8)
    sh = int(h * height_share)
    sw = int(subject_rgb.shape[1] * sh / subject_rgb.shape[0])
    if sh < 1 or sw < 1:  # nobody in the picture: the empty wall
        return frame
    subject = cv2.resize(subject_rgb, (sw, sh), interpolation=cv2.INTER_AREA)
    x0 = (w - sw) // 2 + dx
    y0 = h - sh + dy
    xs0, ys0 = max(0, -x0), max(0, -y0)
    xd0, yd0 = max(0, x0), max(0, y0)
    cw = min(sw - xs0, w - xd0)
    ch = min(sh - ys0, h - yd0)
    frame[yd0:yd0 + ch, xd0:xd0 + cw] = subject[ys0:ys0 + ch, xs0:xs0 + cw]
    return frame


def room(size: tuple[int, int], seed: int = 0, colour=(150, 140, 128)) -> np.ndarray:
    """A plausible room behind the actor: a shaded wall with plaster texture, a picture frame, a door
    edge and a shelf (uint8 RGB, `size` = (w, h)). Texture is what a camera's motion shows against."""
    import cv2

    w, h = size
    rng = np.random.default_rng(seed)
    texture = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 3)
    texture /= texture.std() + 1e-6
    shade = np.linspace(1.05, 0.88, h)[:, None] * np.linspace(0.95, 1.05, w)[None, :]
    img = np.array(colour, np.float32)[None, None, :] * shade[..., None] * (1 + 0.035 * texture[..., None])
    x0, y0 = int(rng.uniform(0.05, 0.2) * w), int(rng.uniform(0.1, 0.25) * h)
    cv2.rectangle(img, (x0, y0), (x0 + w // 7, y0 + h // 5), (60, 50, 40), thickness=max(2, w // 200))
    cv2.rectangle(img, (x0 + w // 60, y0 + h // 40), (x0 + w // 7 - w // 60, y0 + h // 5 - h // 40),
                  (120, 150, 170), thickness=-1)
    door = int(rng.uniform(0.78, 0.92) * w)
    cv2.line(img, (door, 0), (door, h), (110, 100, 90), thickness=max(2, w // 150))
    cv2.line(img, (door + w // 40, int(0.55 * h)), (w, int(0.55 * h)), (90, 70, 55), thickness=max(3, h // 60))
    return np.clip(img, 0, 255).astype(np.uint8)


def swaying(picture: np.ndarray, count: int, fps: float, freeze: tuple[float, float] | None = None,
             seed: int = 0) -> list[np.ndarray]:
    """`count` frames of an RGB picture swaying a few pixels as a seated person does, with sensor noise
    (sigma 1); between `freeze` times (s) the picture is held still (a frozen camera)."""
    import cv2

    base = picture.astype(np.float32)
    h, w = base.shape[:2]
    rng = np.random.default_rng(seed)
    frames, held = [], None
    for i in range(count):
        t = i / fps
        m = np.float32([[1, 0, 3 * np.sin(2 * np.pi * 0.3 * t)], [0, 1, 1.5 * np.sin(2 * np.pi * 0.2 * t)]])
        f = cv2.warpAffine(base, m, (w, h), borderMode=cv2.BORDER_REPLICATE) + rng.normal(0, 1.0, base.shape)
        f = np.clip(f, 0, 255).astype(np.uint8)
        if freeze and freeze[0] <= t < freeze[1]:
            held = f if held is None else held
            f = held
        frames.append(f)
    return frames


def write_tape(
    path: str,
    frames: Iterable[np.ndarray] | None,
    fps: float,
    audio: np.ndarray | None = None,
    sr: int = 48000,
    *,
    size: tuple[int, int] | None = None,
    crf: int = 26,
    gop: int | None = None,
    rotation: int = 0,
    pixel_aspect: Fraction | None = None,
    video_codec: str = "libx264",
    pix_fmt: str = "yuv420p",
    audio_codec: str = "aac",
    audio_bitrate: int = 128000,
    timestamps: list[int] | None = None,
    container_format: str | None = None,
    codec_options: dict[str, str] | None = None,
    x264_params: str | None = None,
) -> None:
    """Encode RGB uint8 frames and float audio (samples,) or (samples, channels) in -1..1.

    `rotation` stores a display matrix (what phones do): the picture plays turned by that many
    degrees clockwise. `pixel_aspect` stores a sample aspect ratio (anamorphic video: the frames given
    are the stored, squeezed pictures). `gop` is the keyframe interval in frames (phones: about one second).
    `codec_options` are passed to the video encoder (e.g. {"preset": "ultrafast"} for libx265).
    `x264_params` goes to libx264 as such (e.g. "keyint=300:min-keyint=300:scenecut=0": the `keyint` and
    `scenecut` options above are not libx264's own, and x264 still places keyframes at scene cuts).
    """
    import av

    container = av.open(path, mode="w", format=container_format)
    vstream = astream = None
    frame_list = frames
    if frames is not None:
        it = iter(frames)
        first = next(it)
        h, w = first.shape[:2]
        rate = Fraction(fps).limit_denominator(1001)
        vstream = container.add_stream(video_codec, rate=rate)
        vstream.width, vstream.height = w, h
        vstream.pix_fmt = pix_fmt
        opts = {"crf": str(crf), "preset": "veryfast"} if video_codec == "libx264" else {}
        if gop:
            vstream.codec_context.gop_size = gop
            if video_codec == "libx264":
                opts["keyint"] = str(gop)
                opts["min-keyint"] = str(gop)
                opts["scenecut"] = "0"
        opts.update(codec_options or {})
        if x264_params and video_codec == "libx264":
            opts["x264-params"] = x264_params
        vstream.codec_context.options = opts
        if rotation:
            vstream.set_display_rotation(-rotation)
        if pixel_aspect:
            vstream.codec_context.sample_aspect_ratio = pixel_aspect

        def chain() -> Iterable[np.ndarray]:
            yield first
            yield from it
        frame_list = chain()
    if audio is not None:
        a = np.asarray(audio, dtype=np.float32)
        if a.ndim == 1:
            a = a[:, None]
        layout = {1: "mono", 2: "stereo"}.get(a.shape[1], f"{a.shape[1]}c")
        astream = container.add_stream(audio_codec, rate=sr, layout=layout)
        if audio_codec == "aac":
            astream.bit_rate = audio_bitrate
    if vstream is not None:
        for i, rgb in enumerate(frame_list):
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            vf.pts = i if timestamps is None else timestamps[i]
            vf.time_base = 1 / rate
            for packet in vstream.encode(vf):
                container.mux(packet)
        for packet in vstream.encode():
            container.mux(packet)
    if astream is not None:
        fmt = astream.codec_context.format.name if astream.codec_context.format else "fltp"
        frame_n = astream.codec_context.frame_size or 1024
        planar = a.T.copy()  # (channels, samples)
        for start in range(0, planar.shape[1], frame_n):
            chunk = planar[:, start:start + frame_n]
            if fmt == "fltp":
                af = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="fltp", layout=layout)
            elif fmt == "s16":
                pcm = (np.clip(chunk.T, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
                af = av.AudioFrame.from_ndarray(pcm, format="s16", layout=layout)
            elif fmt == "s32":
                pcm = (np.clip(chunk.T, -1, 1) * 2147483647).astype(np.int32).reshape(1, -1)
                af = av.AudioFrame.from_ndarray(pcm, format="s32", layout=layout)
            elif fmt == "s16p":
                pcm = (np.clip(chunk, -1, 1) * 32767).astype(np.int16)
                af = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm), format="s16p", layout=layout)
            else:
                af = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk.T.reshape(1, -1)), format="flt",
                                                layout=layout)
            af.sample_rate = sr
            af.pts = start
            af.time_base = Fraction(1, sr)
            for packet in astream.encode(af):
                container.mux(packet)
        for packet in astream.encode():
            container.mux(packet)
    container.close()


def espeak(text: str, sr: int = 48000, voice: str = "en-us", speed: int = 150) -> np.ndarray:
    """Speech synthesized by espeak-ng (a Debian package, needed only to generate material)."""
    import io
    import subprocess

    import soundfile as sf
    from scipy import signal

    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
                         check=True, capture_output=True).stdout
    x, rate = sf.read(io.BytesIO(wav), dtype="float64")
    if x.ndim > 1:
        x = x.mean(axis=1)
    if rate != sr:
        x = signal.resample_poly(x, sr, rate)
    return x


def remux(src: str, dst: str, tags: dict[str, str] | None = None, audio_shift_s: float = 0.0) -> None:
    """Copy `src` into `dst` packet by packet (no re-encoding), with container `tags` set and the sound's
    timestamps moved by `audio_shift_s` (> 0: the sound plays later against the picture)."""
    import av

    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        out.metadata.update(tags or {})
        streams = {s.index: out.add_stream_from_template(s) for s in inp.streams}
        for packet in inp.demux():
            if packet.dts is None:
                continue
            if audio_shift_s and packet.stream.type == "audio":
                d = int(round(audio_shift_s / packet.stream.time_base))
                packet.pts, packet.dts = packet.pts + d, packet.dts + d
            packet.stream = streams[packet.stream.index]
            out.mux(packet)
