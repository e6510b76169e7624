"""A labeled corpus of self-tapes made from real faces and voices, one controlled defect per tape.

Material comes from ../shared/data/real (never committed; the corpus is written to a cache folder):
face photos placed as a medium close-up on a wall with slight natural sway, the real talking-head
clips (their own voices), real speech over a quiet room tone. Each tape gets one defect at a clear or
a borderline strength; labels say which checks must fire and which may also fire. Encoded as phones
do: H.264 + AAC in MP4, a keyframe every second.

    python bench/corpus.py [--out bench/.cache/corpus] [--small]

`build(out, small=True)` makes the handful of tapes the test suite uses.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Callable, Iterator

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from selftape_check.testing import pink_noise, place_on_wall, room, write_tape  # noqa: E402



def _real_dir() -> str:
    """../shared/data/real next to the checkout, or next to a folder above it (a git worktree lives a
    level deeper); $SELFTAPE_REAL_DATA overrides."""
    if os.environ.get("SELFTAPE_REAL_DATA"):
        return os.environ["SELFTAPE_REAL_DATA"]
    here = os.path.dirname(ROOT)
    while True:
        cand = os.path.join(here, "shared", "data", "real")
        if os.path.isdir(cand) or os.path.dirname(here) == here:
            return cand if os.path.isdir(cand) else os.path.join(os.path.dirname(ROOT), "shared", "data", "real")
        here = os.path.dirname(here)


REAL = _real_dir()
SR = 48000
FPS = 30
SIZE = (1280, 720)
DURATION_S = 8.0

# several faces and skin tones; voices of several speakers
PHOTOS = [
    "photo_fr_obama.jpg", "photo_df_img24_glasses.jpg", "photo_st_people0_woman.png",
    "photo_fn_paul_rudd_studio.jpg", "photo_az_family2_lady1.jpg", "photo_fr_alex_lacamoire.png",
    "photo_az_detection1_woman_glasses.jpg", "photo_fr_lin_manuel_miranda_mic.png",
]
CLIPS = [
    "video_talking_vr_face1_man_suit.mp4", "video_talking_vr_face3_aoc.mp4",
    "video_talking_vr_face4_woman_bluebg.mp4", "video_talking_wda_aoc.mp4",
]
VOICES = [
    "speech_hdtf_rd_radio31.wav", "speech_hdtf_rd_radio34.wav", "speech_psf_english.wav",
    "speech_fsdd_george_digits0-9.wav", "speech_fsdd_jackson_digits0-9.wav", "speech_fsdd_lucas_digits0-9.wav",
    "speech_fsdd_nicolas_digits0-9.wav",
]
NOISES = ["noise_cafe.wav", "noise_street_traffic1.wav", "noise_car_interior_60mph.wav", "noise_kitchen_dishes.wav"]

# what real sources are known to carry (not labeled by us: measured properties we cannot rule out)
SOURCE_MAY = {
    "video_talking_vr_face4_woman_bluebg.mp4": ["audio.echo"],
    "video_talking_vr_face1_man_suit.mp4": ["video.low_frame_rate", "edit.dead_air"],
}


@dataclass
class Spec:
    name: str
    face: str
    voice: str | None  # None: the clip's own sound
    defect: str
    strength: str  # clean | clear | borderline
    must: list[str] = field(default_factory=list)
    may: list[str] = field(default_factory=list)


# defect -> (clear must, clear may, borderline may)
DEFECTS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "dark": (["face.underexposed"], ["image.noisy", "image.blurry", "face.eyes_hidden", "face.missing"],
             ["face.underexposed", "image.noisy"]),
    "overexposed": (["face.overexposed"], ["image.blurry", "face.eyes_hidden", "face.missing"], ["face.overexposed"]),
    "backlit": (["face.backlit"], ["face.underexposed", "image.noisy", "face.eyes_hidden"], ["face.backlit"]),
    "split_light": (["face.uneven_light"], ["face.underexposed", "face.eyes_hidden"], ["face.uneven_light"]),
    # a small or tall frame puts the eyes low: framing findings come with it
    "too_small": (["face.too_small"], ["face.eyes_hidden", "face.missing", "image.blurry", "face.off_center"],
                  ["face.too_small"]),
    "portrait": (["video.portrait"], ["face.cropped", "face.too_small", "face.off_center"], []),
    "rotated_meta": (["video.portrait"], ["face.cropped", "face.too_small", "face.off_center"], []),
    "no_face": (["face.missing"], ["image.blurry", "video.frozen"], []),
    "eyes_covered": (["face.eyes_hidden"], ["face.missing", "face.underexposed"], ["face.eyes_hidden"]),
    "blur": (["image.blurry"], ["face.eyes_hidden", "face.missing"], ["image.blurry", "face.eyes_hidden"]),
    "grain": (["image.noisy"], ["image.blurry", "face.eyes_hidden"], ["image.noisy"]),
    "color_cast": (["image.color_cast"], [], ["image.color_cast"]),
    "flicker": (["image.flicker"], [], ["image.flicker"]),
    "shake": (["camera.shaky"], ["image.blurry"], ["camera.shaky"]),
    "low_resolution": (["video.low_resolution"], ["image.blurry", "face.missing", "face.eyes_hidden",
                                                  "image.noisy"], []),
    "low_frame_rate": (["video.low_frame_rate"], [], []),
    "black_frames": (["video.black_frames"], ["video.frozen", "face.missing"], ["video.black_frames"]),
    "frozen": (["video.frozen"], [], ["video.frozen"]),
    "dead_air_start": (["edit.dead_air"], [], []),
    "too_quiet": (["audio.too_quiet"], ["audio.noisy"], ["audio.too_quiet"]),
    "too_loud": (["audio.too_loud"], ["audio.clipping"], ["audio.too_loud"]),
    "clipped": (["audio.clipping"], ["audio.too_loud"], ["audio.clipping"]),
    # at 3 dB SNR voice activity is guesswork: where speech starts and ends is uncertain
    "noisy": (["audio.noisy"], ["audio.echo", "edit.dead_air"], ["audio.noisy"]),
    "hum": (["audio.hum"], ["audio.noisy"], ["audio.hum"]),
    "reverb": (["audio.echo"], ["audio.noisy"], ["audio.echo"]),
    "dropouts": (["audio.dropouts"], [], []),
    "dead_channel": (["audio.channel_imbalance"], [], []),
    "no_audio": (["audio.missing"], [], []),
    "silent_audio": (["audio.silent"], [], []),
    # a real talking-head clip as the actor and another real voice as the reader in the actor's pauses
    # (two_voice_tape): +12 dB clear, +4.5 dB borderline (the warning starts at 3 dB)
    "reader_louder": (["audio.reader_louder"], [], ["audio.reader_louder"]),
    # the clip's own sound moved against its picture: 400 ms clear, 80 ms borderline (sound late for
    # even tapes, early for odd); no check estimates the offset yet, so these show as misses
    "audio_shift": (["av.sync_offset"], [], ["av.sync_offset"]),
    # framing: the face's centre 0.33 (borderline 0.24) of the width from the middle; a face 0.75
    # (borderline 0.64) of the frame height, its centre at 0.45 of the height
    "off_center": (["face.off_center"], ["face.cropped"], ["face.off_center"]),
    "cropped": (["face.cropped"], ["face.off_center", "face.eyes_hidden"], ["face.cropped"]),
}
CLIP_ONLY = {"reader_louder", "audio_shift"}  # need a speaking face
BORDERLINE = {"dark", "overexposed", "backlit", "split_light", "too_small", "eyes_covered", "blur", "grain",
              "color_cast", "flicker", "shake", "black_frames", "frozen", "too_quiet", "too_loud", "clipped",
              "noisy", "hum", "reverb", "reader_louder", "audio_shift", "off_center", "cropped"}
READER_VOICE = "speech_hdtf_rd_radio34.wav"


SMALL_DEFECTS = ("dark", "blur", "no_face", "too_quiet", "hum", "dead_channel", "no_audio")


def specs(small: bool = False) -> list[Spec]:
    """The full corpus, or (small) a handful of tapes for the test suite: three clean tapes and one
    clear case of a few defects."""
    faces = PHOTOS + CLIPS
    out: list[Spec] = []
    for i, face in enumerate(faces):
        if small and face not in (PHOTOS[0], PHOTOS[2], CLIPS[3]):
            continue
        voice = None if face in CLIPS else VOICES[i % len(VOICES)]
        out.append(Spec(f"clean_{i:02d}", face, voice, "clean", "clean", [], list(SOURCE_MAY.get(face, []))))
    per_defect = 1 if small else 4
    k = 0
    for defect, (must, may, border_may) in DEFECTS.items():
        if small and defect not in SMALL_DEFECTS:
            continue
        for j in range(per_defect):
            face = faces[(k * 5 + j * 3) % len(faces)]
            if defect in ("too_small", "portrait", "rotated_meta", "no_face", "low_resolution", "low_frame_rate",
                          "dead_air_start", "off_center", "cropped") and face in CLIPS:
                face = PHOTOS[(k + j) % len(PHOTOS)]
            if defect in CLIP_ONLY:
                face = CLIPS[j % len(CLIPS)]
            voice = None if face in CLIPS else VOICES[(k + j) % len(VOICES)]
            extra = list(SOURCE_MAY.get(face, []))
            out.append(Spec(f"{defect}_clear_{j}", face, voice, defect, "clear", list(must), may + extra))
            if defect in BORDERLINE and not small:
                out.append(Spec(f"{defect}_borderline_{j}", face, voice, defect, "borderline", [],
                                border_may + may + extra))
        k += 1
    return out


# --------------------------------------------------------------------------- picture material
@lru_cache(maxsize=None)
def _photo(name: str) -> np.ndarray:
    import cv2

    bgr = cv2.imread(os.path.join(REAL, name), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _face_box(rgb: np.ndarray) -> tuple[int, int, int, int] | None:
    import cv2

    from selftape_check.measure.faces import FaceTracker

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scale = 640 / max(gray.shape)
    small = cv2.resize(gray, (round(gray.shape[1] * scale), round(gray.shape[0] * scale)))
    box = FaceTracker().detect(small)
    if box is None:
        return None
    return tuple(int(round(v / scale)) for v in (box.x, box.y, box.w, box.h))


def photo_frames(name: str, size: tuple[int, int], seconds: float, fps: float, share: float = 0.95,
                 wall=None, seed: int = 0, still: bool = False, dx: int = 0, dy: int = 0) -> Iterator[np.ndarray]:
    """The photo in a room, swaying a few pixels and breathing as a person standing and speaking does
    (the camera, on a tripod, does not move: the room stays put)."""
    import cv2

    w, h = size
    background = room((w, h), seed) if wall is None else place_on_wall(
        np.zeros((2, 2, 3), np.uint8), (w, h), height_share=0.0001, wall=wall)
    person = place_on_wall(_photo(name), (w, h), height_share=share, wall=(0, 0, 0), dx=dx, dy=dy)
    ph, pw = _photo(name).shape[:2]
    sh = int(h * share)
    sw = int(pw * sh / ph)
    x0, y0 = (w - sw) // 2 + dx, h - sh + dy
    mask = np.zeros((h, w), np.float32)
    mask[max(0, y0):, max(0, x0):min(w, x0 + sw)] = 1.0
    for i in range(int(round(seconds * fps))):
        t = i / fps
        if still:
            t = 0.0
        dx = 4.5 * np.sin(2 * np.pi * 0.23 * t) + 1.0 * np.sin(2 * np.pi * 1.1 * t)
        dy = 1.5 * np.sin(2 * np.pi * 0.17 * t + 1.0)
        s = 1.0 + 0.006 * np.sin(2 * np.pi * 0.25 * t)  # breathing
        m = np.float32([[s, 0, dx + (1 - s) * w / 2], [0, s, dy + (1 - s) * h]])
        p = cv2.warpAffine(person, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        k = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_LINEAR)[..., None]
        yield (p * k + background * (1 - k)).astype(np.uint8)


def clip_frames(name: str, size: tuple[int, int]) -> tuple[list[np.ndarray], float, np.ndarray, int]:
    """The clip's frames in a room (85% of the height, at the bottom, as a screen on the wall would be):
    its frames, rate and audio."""
    import av

    w, h = size
    frames = []
    backdrop = room((w, h), seed=len(name))
    with av.open(os.path.join(REAL, name)) as c:
        fps = float(c.streams.video[0].average_rate or 25)
        for f in c.decode(video=0):
            rgb = f.to_ndarray(format="rgb24")
            frames.append(place_on_wall(rgb, (w, h), height_share=0.85, wall=backdrop))
    with av.open(os.path.join(REAL, name)) as c:
        res = av.AudioResampler(format="flt", layout="mono", rate=SR)
        chunks = [r.to_ndarray().reshape(-1) for fr in c.decode(audio=0) for r in res.resample(fr)]
    audio = np.concatenate(chunks).astype(np.float64)
    return frames, fps, audio, len(frames)


# --------------------------------------------------------------------------- sound material
@lru_cache(maxsize=None)
def _wav(name: str) -> np.ndarray:
    import soundfile as sf
    from scipy import signal

    x, rate = sf.read(os.path.join(REAL, name), dtype="float64")
    if x.ndim > 1:
        x = x.mean(axis=1)
    if rate != SR:
        x = signal.resample_poly(x, SR, rate)
    return x


def active_rms(x: np.ndarray) -> float:
    """RMS over the louder half of 20 ms frames (speech, not pauses)."""
    n = SR // 50
    frames = x[: len(x) // n * n].reshape(-1, n)
    p = (frames ** 2).mean(axis=1)
    return float(np.sqrt(p[p >= np.median(p)].mean()))


def at_speech_level(x: np.ndarray, speech_rms_dbfs: float = -24.0) -> np.ndarray:
    """`x` scaled so that its active level (`active_rms`) is `speech_rms_dbfs`."""
    return x / max(active_rms(x), 1e-9) * 10 ** (speech_rms_dbfs / 20)


def real_data_missing() -> bool:
    """True, and says so, when ../shared/data/real is absent: the benchmarks on real recordings then
    have nothing to measure."""
    if os.path.isdir(REAL):
        return False
    print(f"{REAL} is not present: nothing to measure")
    return True


def voice_track(voice: str, seconds: float, speech_rms_dbfs: float = -24.0, lead_s: float = 0.4) -> np.ndarray:
    """Speech at a normal level, looped to fill the tape, over a quiet room tone."""
    x = _wav(voice)
    x = at_speech_level(x, speech_rms_dbfs)
    n = int(seconds * SR)
    out = np.zeros(n)
    pos = int(lead_s * SR)
    gap = int(0.35 * SR)
    while pos < n - int(0.6 * SR):
        m = min(len(x), n - int(0.6 * SR) - pos)
        out[pos:pos + m] += x[:m]
        pos += m + gap
    return out


def room_tone(seconds: float, seed: int) -> np.ndarray:
    return pink_noise(seconds, SR, -64.0, seed)


def rir(rt60: float, seed: int) -> np.ndarray:
    """An exponentially decaying noise room impulse response with a direct path."""
    rng = np.random.default_rng(seed)
    n = int(rt60 * 1.5 * SR)
    t = np.arange(n) / SR
    h = rng.standard_normal(n) * np.exp(-6.9078 * t / rt60)
    h[0] = np.abs(h).max() * 3
    return h / np.sqrt(np.sum(h ** 2))


# --------------------------------------------------------------------------- defects
def video_defect(defect: str, strength: str, face_box, seed: int, fps: float = FPS
                 ) -> Callable[[int, np.ndarray], np.ndarray]:
    """A function (frame index, RGB float32 frame) -> defective frame."""
    rng = np.random.default_rng(seed)
    clear = strength == "clear"
    import cv2

    if defect == "dark":
        k = 0.14 if clear else 0.35
        return lambda i, f: f * k
    if defect == "overexposed":
        k = 2.6 if clear else 1.6
        return lambda i, f: np.minimum(f * k, 255)
    if defect == "split_light":
        k = 0.25 if clear else 0.6

        def split(i, f):
            if face_box is None:
                return f
            x, y, w, h = face_box
            ramp = np.ones(f.shape[1], np.float32)
            cx = x + w // 2
            ramp[:cx] = k
            ramp[cx - w // 6: cx + w // 6] = np.linspace(k, 1, 2 * (w // 6))
            return f * ramp[None, :, None]
        return split
    if defect == "eyes_covered":  # dark sunglasses (clear) or a heavy shadow band (borderline)
        def cover(i, f):
            if face_box is None:
                return f
            x, y, w, h = face_box
            g = f.copy()
            if clear:
                for cx in (x + int(0.31 * w), x + int(0.69 * w)):
                    cv2.ellipse(g, (cx, y + int(0.40 * h)), (int(0.15 * w), int(0.10 * h)), 0, 0, 360,
                                (18.0, 18.0, 22.0), thickness=-1)
                cv2.line(g, (x + int(0.44 * w), y + int(0.39 * h)), (x + int(0.56 * w), y + int(0.39 * h)),
                         (18.0, 18.0, 22.0), thickness=max(2, w // 40))
            else:
                g[y + int(0.3 * h): y + int(0.48 * h), x: x + w] *= 0.25
            return g
        return cover
    if defect == "blur":
        sigma = 7.0 if clear else 2.5
        return lambda i, f: cv2.GaussianBlur(f, (0, 0), sigma)
    if defect == "grain":
        sd = 22.0 if clear else 8.0
        return lambda i, f: f + rng.normal(0, sd, f.shape).astype(np.float32)
    if defect == "color_cast":
        gains = np.array([1.45, 1.0, 0.55] if clear else [1.15, 1.0, 0.85], np.float32)
        return lambda i, f: np.minimum(f * gains, 255)
    if defect == "flicker":
        amp = 0.10 if clear else 0.02
        return lambda i, f: f * (1 + amp * np.sin(2 * np.pi * 7.0 * i / fps))
    if defect == "shake":
        step = 7.0 if clear else 2.0
        # handheld: a jittering position that keeps returning to the aim (AR(1), std 1.7 x step)
        pos = np.zeros((int(DURATION_S * FPS) + 400, 2))
        for k in range(1, len(pos)):
            pos[k] = 0.8 * pos[k - 1] + rng.normal(0, step, 2)

        def shake(i, f):
            dx, dy = np.clip(pos[min(i, len(pos) - 1)], -60, 60)
            m = np.float32([[1, 0, dx], [0, 1, dy]])
            return cv2.warpAffine(f, m, (f.shape[1], f.shape[0]), borderMode=cv2.BORDER_REFLECT)
        return shake
    if defect == "black_frames":
        start, length = (3.2, 1.6) if clear else (4.1, 0.2)
        return lambda i, f: f * 0.0 if start <= i / fps < start + length else f
    if defect == "frozen":
        start, length = (2.5, 3.5) if clear else (3.0, 0.8)
        held: dict[str, np.ndarray] = {}

        def freeze(i, f):
            t = i / fps
            if start <= t < start + length:
                held.setdefault("f", f)
                return held["f"]
            return f
        return freeze
    return lambda i, f: f


def render(spec: Spec, out_dir: str, seed: int) -> str:
    """Write one tape and return its path."""
    path = os.path.join(out_dir, spec.name + ".mp4")
    if os.path.exists(path):
        return path
    d, strength, clear = spec.defect, spec.strength, spec.strength == "clear"
    bright_wall = (252, 252, 250) if clear else (225, 225, 220)
    if d == "reader_louder":
        two_voice_tape(path + ".part.mp4", spec.face, READER_VOICE, 12.0 if clear else 4.5, size=SIZE, seed=seed,
                       cycles=2)
        os.replace(path + ".part.mp4", path)
        return path

    # 1. the picture without the defect
    if spec.face in CLIPS:
        clip, fps, clip_audio, n = clip_frames(spec.face, SIZE)
        seconds = n / fps
        face_box = _face_box(clip[n // 2])
        base: Iterator[np.ndarray] = iter(clip)
        rotation = 0
    else:
        size, fps, seconds, share, wall, rotation = SIZE, FPS, DURATION_S, 0.95, None, 0
        if d == "too_small":
            probe = _face_box(next(photo_frames(spec.face, size, 0.1, fps, seed=seed)))
            face_h = probe[3] / size[1] if probe else 0.25
            share = 0.95 * (0.085 if clear else 0.13) / face_h
        elif d in ("portrait", "rotated_meta"):
            size, share = (720, 1280), 0.6
            rotation = 90 if d == "rotated_meta" else 0
        elif d == "low_resolution":
            size = (480, 270)
        elif d == "low_frame_rate":
            fps = 12
        elif d == "backlit":
            wall = bright_wall
        elif d == "dead_air_start":
            seconds = 13.0
        dx = dy = 0
        if d in ("off_center", "cropped"):
            # where the face is at the usual framing, then scaled and moved to the wanted place
            fx, fy, fw, fh = _face_box(next(photo_frames(spec.face, size, 0.1, fps, seed=seed)))
            w, h = size
            if d == "cropped":
                share = 0.95 * (0.75 if clear else 0.64) * h / fh
            k = share / 0.95
            # the face centre relative to the photo's anchor (bottom centre), scaled with the photo
            ox, oy = (fx + fw / 2 - w / 2) * k, (fy + fh / 2 - h) * k
            off = (0.33 if clear else 0.24) * (1 if (seed // 2) % 2 else -1) if d == "off_center" else 0.0
            dx, dy = int(round((0.5 + off) * w - w / 2 - ox)), int(round(0.45 * h - h - oy))
            if d == "off_center":
                dy = 0
        first = next(photo_frames(spec.face, size, 0.1, fps, share=share, wall=wall, seed=seed, dx=dx, dy=dy))
        face_box = _face_box(first)
        base = photo_frames(spec.face, size, seconds, fps, share=share, wall=wall, seed=seed, dx=dx, dy=dy)
        if d == "no_face":  # the empty room
            base = photo_frames(spec.face, size, seconds, fps, share=0.0005, wall=wall, seed=seed)
        if d == "dead_air_start":  # standing still, silent, for the first 6 s
            base = (first if i / fps < 6.0 else f for i, f in enumerate(base))

    # 2. the defect on each frame
    vfx = video_defect(d, strength, face_box, seed, fps)

    grain_rng = np.random.default_rng(seed + 1000)
    grain: list[np.ndarray] = []

    def frames() -> Iterator[np.ndarray]:
        for i, f in enumerate(base):
            g = f.astype(np.float32)
            if d == "backlit":  # the wall is bright (a window behind), the person underlit
                if spec.face in CLIPS:
                    g *= 0.4 if clear else 0.7
                    g[:, : g.shape[1] // 5] = 250
                    g[:, -g.shape[1] // 5:] = 250
                else:
                    wall_px = np.all(np.abs(f.astype(np.int16) - np.array(bright_wall)) < 3, axis=2)
                    g = np.where(wall_px[..., None], g, g * (0.4 if clear else 0.7))
            g = vfx(i, g)
            # sensor noise, as every camera has (after exposure: a dark picture is not a clean one)
            if not grain:
                grain.extend(grain_rng.normal(0, 1.5, g.shape).astype(np.float32) for _ in range(5))
            if g.shape == grain[0].shape:
                g = g + grain[i % len(grain)]
            g = np.clip(g, 0, 255).astype(np.uint8)
            yield np.ascontiguousarray(np.rot90(g, k=1)) if rotation == 90 else g

    # 3. the sound
    if spec.face in CLIPS:
        voice = at_speech_level(clip_audio)
        n_audio = int(seconds * SR)
        voice = np.concatenate([voice[:n_audio], np.zeros(max(0, n_audio - len(voice)))])
        if d == "audio_shift":
            shift = int((0.4 if clear else 0.08) * SR)
            late = seed % 2 == 0
            voice = np.concatenate([np.zeros(shift), voice[:-shift]]) if late else \
                np.concatenate([voice[shift:], np.zeros(shift)])
    else:
        voice = voice_track(spec.voice, seconds, lead_s=6.5 if d == "dead_air_start" else 0.4)
    audio = _audio_defect(d, strength, voice, room_tone(len(voice) / SR, seed), seed)

    write_tape(path + ".part.mp4", frames(), fps, None if d == "no_audio" else audio, SR,
               gop=int(round(fps)), crf=23, rotation=rotation)
    os.replace(path + ".part.mp4", path)
    return path


def _audio_defect(d: str, strength: str, voice: np.ndarray, tone: np.ndarray, seed: int) -> np.ndarray:
    """Mix voice and room tone with the defect; returns (samples, 2)."""
    from scipy import signal

    clear = strength == "clear"
    if d == "too_quiet":
        voice = voice * 10 ** ((-46.0 if clear else -33.0) / 20 - (-24.0) / 20)
    if d == "too_loud":
        voice = voice * 10 ** ((-7.0 if clear else -11.5) / 20 - (-24.0) / 20)
        voice = np.tanh(voice * 1.2) / 1.2 * 0.95  # a limiter, as phones have
    if d == "clipped":
        voice = np.clip(voice * 10 ** ((24.0 if clear else 12.0) / 20), -1.0, 1.0)
    if d == "reverb":
        voice = signal.fftconvolve(voice, rir(1.1 if clear else 0.6, seed))[: len(voice)]
        voice = at_speech_level(voice)
    x = voice + tone
    if d == "noisy":
        noise = _wav(NOISES[seed % len(NOISES)])
        noise = np.resize(noise, len(x))
        snr = 3.0 if clear else 16.0
        noise = noise / np.sqrt(np.mean(noise ** 2)) * active_rms(voice) * 10 ** (-snr / 20)
        x = voice + noise
    if d == "hum":
        t = np.arange(len(x)) / SR
        f0 = 50 if seed % 2 else 60
        level = -38.0 if clear else -58.0
        hum = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in (1, 2, 3))
        x = x + hum / np.sqrt(np.mean(hum ** 2)) * 10 ** (level / 20)
    if d == "silent_audio":
        x = np.zeros_like(x)
    stereo = np.stack([x, x], axis=1)
    if d == "dead_channel":
        stereo[:, 1] = 0.0
    if d == "dropouts":
        # 150 ms gaps in mid-phrase: digital silence (even seeds), or a receiver that mutes to a hiss
        # at -92 dBFS (odd seeds), 25 dB and more under the room tone
        speech_idx = np.flatnonzero(np.abs(voice) > 0.02)
        gap = int(0.15 * SR)
        for c in np.linspace(0.25, 0.75, 3):
            at = speech_idx[int(c * (len(speech_idx) - 1))]
            hiss = 0.0 if seed % 2 == 0 else pink_noise(0.15, SR, -92.0, seed)[:gap, None]
            stereo[at: at + gap] = hiss
    return stereo


# --------------------------------------------------------------------------- two voices (actor + reader)
def two_voice_tape(path: str, clip: str, reader_voice: str, reader_db: float, size=(960, 540),
                   seed: int = 0, cycles: int = 1) -> dict:
    """An actor (a real talking-head clip, its own voice) and an off-camera reader (another real voice)
    who answers in the actor's pauses while the actor listens, mouth still: the clip is cut in two at
    its quietest moment near the middle, and after each half the last frame is held (swaying slightly,
    as a person listening does) while the reader speaks. The actor's audio is set to -30 LUFS and the
    reader's to -30 + `reader_db` (BS.1770 integrated loudness of each voice's own audio, pyloudnorm), so
    even +12 dB does not clip. `cycles` repeats the scene (for tapes as long as real ones).
    Returns the truth: reader_db and the reader's time ranges."""
    import cv2
    import pyloudnorm

    frames, fps, audio, n = clip_frames(clip, size)
    audio = audio[: int(n / fps * SR)]
    hop = SR // 50
    energy = np.array([np.mean(audio[i:i + hop] ** 2) for i in range(0, len(audio) - hop, hop)])
    mid = len(energy) // 2
    lo, hi = mid - len(energy) // 6, mid + len(energy) // 6
    cut_s = (lo + int(np.argmin(np.convolve(energy[lo:hi], np.ones(10), "same")))) * hop / SR
    cut_f = int(round(cut_s * fps))
    meter = pyloudnorm.Meter(SR)
    audio = audio * 10 ** ((-30.0 - meter.integrated_loudness(audio)) / 20)
    actor_lufs = meter.integrated_loudness(audio)
    reader = _wav(reader_voice)
    reader_s = 2.6
    n_chunks = int(len(reader) / SR // reader_s)
    chunks = [reader[int(k * reader_s * SR): int((k + 1) * reader_s * SR)] for k in range(n_chunks)]
    gain = 10 ** ((actor_lufs + reader_db - meter.integrated_loudness(np.concatenate(chunks))) / 20)
    pad = int(0.5 * SR)

    out_frames: list[np.ndarray] = []
    out_audio: list[np.ndarray] = []
    reader_ranges = []
    parts = [(0, cut_f), (cut_f, n)] * cycles
    for k, (f0, f1) in enumerate(parts):
        chunk = chunks[k % len(chunks)]
        out_frames.extend(frames[f0:f1])
        a0, want = int(round(f0 / fps * SR)), int(round((f1 - f0) / fps * SR))
        part = audio[a0:a0 + want]
        out_audio.append(np.concatenate([part, np.zeros(want - len(part))]))
        start_s = len(out_frames) / fps
        listen = np.concatenate([np.zeros(pad), chunk * gain, np.zeros(pad)])
        held = frames[f1 - 1]
        n_hold = int(np.ceil(len(listen) / SR * fps))
        for i in range(n_hold):
            t = i / fps
            dx, dy = 3.0 * np.sin(2 * np.pi * 0.23 * t), 1.0 * np.sin(2 * np.pi * 0.17 * t + 1.0)
            out_frames.append(cv2.warpAffine(held, np.float32([[1, 0, dx], [0, 1, dy]]), size,
                                             borderMode=cv2.BORDER_REPLICATE))
        want = int(round(n_hold / fps * SR))
        out_audio.append(np.concatenate([listen, np.zeros(max(0, want - len(listen)))])[:want])
        reader_ranges.append((round(start_s + pad / SR, 2), round(start_s + (pad + len(chunk)) / SR, 2)))
    mix = np.concatenate(out_audio)
    total = int(round(len(out_frames) / fps * SR))
    mix = np.concatenate([mix, np.zeros(max(0, total - len(mix)))])[:total]
    mix = mix + room_tone(len(mix) / SR, seed)
    write_tape(path, iter(out_frames), fps, np.stack([mix, mix], axis=1), SR, gop=int(round(fps)), crf=23)
    return {"reader_db": reader_db, "reader_ranges": reader_ranges, "actor_lufs": actor_lufs}


def build(out_dir: str, small: bool = False) -> list[Spec]:
    os.makedirs(out_dir, exist_ok=True)
    items = specs(small)
    for i, spec in enumerate(items):
        render(spec, out_dir, seed=i + 1)
    with open(os.path.join(out_dir, "labels.json"), "w") as fh:
        json.dump([asdict(s) for s in items], fh, indent=1)
    return items


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, ".cache", "corpus"))
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    if not os.path.isdir(REAL):
        print(f"corpus: {REAL} is not present", file=sys.stderr)
        return 2
    items = build(args.out, args.small)
    print(f"{len(items)} tapes in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
