"""A labeled corpus of self-tapes made from real faces and voices (v2: graded, split, varied encodes).

Material comes from ../shared/data/real (never committed; the corpus is written to bench/.cache):
face photos placed as a medium close-up in a room with slight natural sway, the real talking-head
clips (their own voices), real speech over a quiet room tone, real noises.

* Every graded defect is drawn at a random (seeded) strength s from 0 (clearly fine) to 1 (clearly
  bad), each mapped to a physical parameter (`GRADES`: a gain, a blur sigma, an SNR, an RT60...): one
  tape in the fine zone, two in the bad zone, three anywhere, per defect and half. Labels: the check must
  fire from s = 0.8 on, must not fire up to 0.15, may fire in between; the bench shows where it turns.
* Defects together (dark and noisy; a loud reader in an echoing room), readers set up differently
  (+0..15 dB, near or far, dry or in a room, lines overlapping), several encodes (phone H.264 with a
  keyframe a second, one keyframe in the tape, HEVC, VP9 WebM, a phone's variable frame rate, 25 and
  60 fps, portrait and rotated).
* Faces are placed by an annotation of the source, not by the detector under test: OpenCV's alt2
  cascade finds the face once on each source photo (or clip frame), and the compositing geometry
  carries that box into the frame.
* Sources are split in two (`HALVES`): people, voices, noises and rooms of the "tune" half are never in
  the "held" half; the score is reported for both.

    python bench/corpus.py [--out bench/.cache/corpus2] [--small] [--jobs 2]

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

from tests.synth import pink_noise, place_on_wall, room, write_tape  # noqa: E402


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
DURATION_S = 6.0

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

READER_VOICE = "speech_hdtf_rd_radio34.wav"


# --------------------------------------------------------------------------- the two halves
# Sources (people, voices, noises, rooms) are split in two: the checks' thresholds were set on material
# of the first kind (tune) and the second half (held back) is what the score is reported on. People in
# one half never appear in the other (the two AOC clips are the same woman: both held back).
HALVES: dict[str, dict[str, list[str]]] = {
    "tune": {
        "photos": ["photo_fr_obama.jpg", "photo_st_people0_woman.png", "photo_fn_paul_rudd_studio.jpg",
                   "photo_fr_alex_lacamoire.png"],
        "clips": ["video_talking_vr_face1_man_suit.mp4", "video_talking_vr_face4_woman_bluebg.mp4"],
        "voices": ["speech_hdtf_rd_radio31.wav", "speech_psf_english.wav", "speech_fsdd_george_digits0-9.wav",
                   "speech_fsdd_lucas_digits0-9.wav"],
        "noises": ["noise_cafe.wav", "noise_car_interior_60mph.wav"],
        "rooms": ["0", "2", "4"],
    },
    "held": {
        "photos": ["photo_df_img24_glasses.jpg", "photo_az_family2_lady1.jpg",
                   "photo_az_detection1_woman_glasses.jpg", "photo_fr_lin_manuel_miranda_mic.png"],
        "clips": ["video_talking_vr_face3_aoc.mp4", "video_talking_wda_aoc.mp4"],
        "voices": ["speech_hdtf_rd_radio34.wav", "speech_fsdd_jackson_digits0-9.wav",
                   "speech_fsdd_nicolas_digits0-9.wav"],
        "noises": ["noise_street_traffic1.wav", "noise_kitchen_dishes.wav", "noise_babble_2m1f_english.wav"],
        "rooms": ["1", "3", "5"],
    },
}

# a strength s in 0..1 runs from clearly fine (0) to clearly bad (1); the check must fire from BAD_FROM
# on, must not fire up to FINE_UPTO, and may fire in between (where each check turns is what the
# per-check curves show)
FINE_UPTO = 0.15
BAD_FROM = 0.8


@dataclass(frozen=True)
class Grade:
    """One graded defect: its parameter at s = 0 and s = 1, mapped as fine + (bad - fine) * s**gamma
    (`log`: geometrically), the check it labels and what may fire with it once it is visible."""
    check: str
    unit: str
    fine: float
    bad: float
    gamma: float = 1.0
    log: bool = False
    may: tuple[str, ...] = ()

    def param(self, s: float) -> float:
        u = s ** self.gamma
        if self.log:
            return float(self.fine * (self.bad / self.fine) ** u)
        return float(self.fine + (self.bad - self.fine) * u)


GRADES: dict[str, Grade] = {
    "dark": Grade("face.underexposed", "gain", 1.0, 0.12, log=True,
                  may=("image.noisy", "image.blurry", "face.eyes_hidden", "face.missing")),
    "overexposed": Grade("face.overexposed", "gain", 1.0, 2.8, log=True,
                         may=("image.blurry", "face.eyes_hidden", "face.missing")),
    "backlit": Grade("face.backlit", "person gain (wall 200-252)", 1.0, 0.35, log=True,
                     may=("face.underexposed", "image.noisy", "face.eyes_hidden")),
    "split_light": Grade("face.uneven_light", "dark side gain", 1.0, 0.15,
                         may=("face.underexposed", "face.eyes_hidden")),
    "too_small": Grade("face.too_small", "face height share", 0.25, 0.07, log=True,
                       may=("face.eyes_hidden", "face.missing", "image.blurry", "face.off_center")),
    "blur": Grade("image.blurry", "Gaussian sigma px", 0.0, 8.0, may=("face.eyes_hidden", "face.missing")),
    "grain": Grade("image.noisy", "noise sd (0-255)", 0.0, 24.0, may=("image.blurry", "face.eyes_hidden")),
    "color_cast": Grade("image.color_cast", "R+/B- gain offset", 0.0, 0.45),
    "flicker": Grade("image.flicker", "7 Hz modulation depth", 0.0, 0.12, gamma=2.6),
    "shake": Grade("camera.shaky", "AR(1) step px", 0.0, 9.0, gamma=1.5, may=("image.blurry",)),
    "black_frames": Grade("video.black_frames", "s of black", 0.0, 2.0, gamma=2.0,
                          may=("video.frozen", "face.missing")),
    "frozen": Grade("video.frozen", "s frozen", 0.0, 3.5, gamma=2.0),
    # a voice at -45 dBFS and under stands 20 dB or less over the room tone: where it falls quiet the
    # tape is as good as silent (edit.dead_air may fire)
    "too_quiet": Grade("audio.too_quiet", "speech dBFS RMS", -24.0, -50.0, may=("audio.noisy", "edit.dead_air")),
    # the level going into a phone's limiter (tanh): -3.2 dBFS in (s = 0.8) comes out at about -9.7 LUFS,
    # -8.4 (s = 0.6) at -13.3
    "too_loud": Grade("audio.too_loud", "speech dBFS RMS into the limiter", -24.0, 2.0, may=("audio.clipping",)),
    "clipped": Grade("audio.clipping", "dB gain into the clip", 0.0, 26.0, may=("audio.too_loud",)),
    "noisy": Grade("audio.noisy", "dB SNR", 40.0, 0.0, may=("audio.echo", "edit.dead_air")),
    # a hum 15-20 dB under the voice can read as a room: one -38.5 dBFS hum read 0.43 s of reverberation
    # (audio.echo) where another at -39.7 read 0.21 (measured; the echo check is not tuned to this)
    "hum": Grade("audio.hum", "hum dBFS", -85.0, -35.0, may=("audio.noisy", "audio.echo")),
    "reverb": Grade("audio.echo", "RT60 s", 0.15, 1.3, may=("audio.noisy",)),
    "off_center": Grade("face.off_center", "centre offset (share of width)", 0.0, 0.38, may=("face.cropped",)),
    "cropped": Grade("face.cropped", "face height share", 0.30, 0.80,
                     may=("face.off_center", "face.eyes_hidden", "face.too_small")),
    "reader_louder": Grade("audio.reader_louder", "reader dB over actor", 0.0, 15.0, may=("audio.echo",)),
}
# defects on or off: (must, may)
BINARY: dict[str, tuple[list[str], list[str]]] = {
    "portrait": (["video.portrait"], ["face.cropped", "face.too_small", "face.off_center"]),
    "rotated_meta": (["video.portrait"], ["face.cropped", "face.too_small", "face.off_center"]),
    "no_face": (["face.missing"], ["image.blurry", "video.frozen"]),
    "eyes_covered": (["face.eyes_hidden"], ["face.missing", "face.underexposed"]),
    "low_resolution": (["video.low_resolution"], ["image.blurry", "face.missing", "face.eyes_hidden", "image.noisy"]),
    "low_frame_rate": (["video.low_frame_rate"], []),
    "dead_air_start": (["edit.dead_air"], []),
    "dropouts": (["audio.dropouts"], []),
    "dead_channel": (["audio.channel_imbalance"], []),
    "no_audio": (["audio.missing"], []),
    "silent_audio": (["audio.silent"], []),
    # a real talking clip with its sound moved 400 ms later (av.sync_offset: the first 20 s)
    "audio_shift": (["av.sync_offset"], []),
}
# on or off too, added after the corpus was first built: their tapes come last, so that every tape
# before keeps its seed (and its cached file); each on a photo and on a clip
APPENDED: dict[str, tuple[list[str], list[str]]] = {
    # a second, smaller face in a corner (a poster, someone passing: issue #25): nothing about the actor's
    # face may change; face.multiple says a second person is in the picture (info or warn)
    "second_face": ([], ["face.multiple"]),
}
FACE_DEFECTS = {"too_small", "off_center", "cropped", "portrait", "rotated_meta", "no_face", "low_resolution",
                "low_frame_rate", "dead_air_start"}  # framed on a photo (a clip's framing is its own)
CLIP_ONLY = {"reader_louder", "audio_shift"}  # need a speaking face
# encodes: name -> (codec, container, fps, keyframe interval s, other); "vfr": phone-like variable rate
ENCODES: dict[str, dict] = {
    "h264": {},
    "long_gop": {"gop_s": 10.0},  # one keyframe in the tape, no scene cuts (screen recorders, browsers)
    "hevc": {"codec": "libx265", "options": {"preset": "ultrafast", "x265-params": "log-level=error"}},
    "vp9": {"codec": "libvpx-vp9", "format": "webm", "audio": "libopus",
            "options": {"deadline": "realtime", "cpu-used": "8"}},
    "vfr": {"vfr": True},
    "fps25": {"fps": 25},
    "fps60": {"fps": 60},
}
CHEAP_ENCODES = ["h264", "h264", "h264", "h264", "long_gop", "fps25", "vfr"]
PER_HALF = 4  # graded tapes per defect and half: one fine, two bad, one anywhere
EXTRA_PER_HALF = 2  # and two more anywhere
CORPUS_VERSION = 2
READERS = {"tune": "speech_fsdd_george_digits0-9.wav", "held": READER_VOICE}

# what real sources are known to carry (not labeled by us: measured properties we cannot rule out)
SOURCE_MAY = {
    "video_talking_vr_face4_woman_bluebg.mp4": ["audio.echo"],
    "video_talking_vr_face1_man_suit.mp4": ["video.low_frame_rate", "edit.dead_air"],
}


@dataclass
class Spec:
    name: str
    half: str  # tune | held
    face: str
    voice: str | None  # None: the clip's own sound
    defects: dict[str, float]  # defect -> strength 0..1 (binary defects: 1)
    encode: str = "h264"
    room_seed: int = 0
    extra: dict = field(default_factory=dict)  # set-up: reader rt60 / distance / overlap, noise file
    must: list[str] = field(default_factory=list)
    may: list[str] = field(default_factory=list)
    params: dict[str, float] = field(default_factory=dict)  # the defects' physical parameters

    @property
    def defect(self) -> str:
        return "clean" if not self.defects else "+".join(sorted(self.defects))


def label(spec: Spec) -> Spec:
    """Fill must / may / params from the strengths."""
    must, may = set(), set(SOURCE_MAY.get(spec.face, []))
    for d, s in spec.defects.items():
        if d in GRADES:
            g = GRADES[d]
            spec.params[d] = round(g.param(s), 4)
            if s >= BAD_FROM:
                must.add(g.check)
            elif s > FINE_UPTO:
                may.add(g.check)
            if s > FINE_UPTO:
                may.update(g.may)
        else:
            m, extra = BINARY[d] if d in BINARY else APPENDED[d]
            must.update(m)
            may.update(extra)
    if "eyes_covered" in spec.defects and spec.face in CLIPS:
        may.add("face.missing")
    spec.must, spec.may = sorted(must), sorted(may - must)
    return spec


def _strength(rng: np.random.Generator, j: int) -> float:
    """The j-th graded tape's strength: fine, bad, bad, anywhere (then repeating)."""
    zone = j % 4
    if zone == 0:
        return float(rng.uniform(0.0, FINE_UPTO))
    if zone in (1, 2):
        return float(rng.uniform(BAD_FROM, 1.0))
    return float(rng.uniform(0.0, 1.0))


def specs(small: bool = False, per_half: int = PER_HALF, seed: int = 22) -> list[Spec]:
    """The corpus (both halves), or (small) a handful of tapes for the test suite: clean tapes and clearly
    bad ones of a few defects, from the held-back half."""
    rng = np.random.default_rng(seed)
    extra_rng = np.random.default_rng(seed + 1)
    out: list[Spec] = []
    later: list[Spec] = []
    last: list[Spec] = []  # APPENDED's tapes
    for half, src in HALVES.items():
        if small and half != "held":
            continue
        photos, clips, voices = src["photos"], src["clips"], src["voices"]
        faces = photos + clips
        k = 0

        def voice_for(face: str, i: int) -> str | None:
            return None if face in CLIPS else voices[i % len(voices)]

        # clean tapes: each face once in the phone encode, then the photos in other encodes
        encodes = ["h264"] * len(faces) + ["long_gop", "hevc", "vp9", "vfr", "fps25", "fps60"]
        for i, enc in enumerate(encodes):
            if small and (i >= 3 or enc != "h264"):
                continue
            face = faces[i] if i < len(faces) else photos[i % len(photos)]
            out.append(label(Spec(f"{half}_clean_{i:02d}_{enc}", half, face, voice_for(face, i), {}, enc,
                                  int(src["rooms"][i % len(src["rooms"])]))))
        small_defects = ("dark", "blur", "too_quiet", "hum", "noisy")

        def graded(d: str, k: int, j: int, s: float, rng: np.random.Generator, enc: str | None = None) -> Spec:
            face = faces[(k * 5 + j * 3) % len(faces)]
            if d in FACE_DEFECTS and face in CLIPS:
                face = photos[(k + j) % len(photos)]
            if d in CLIP_ONLY:
                face = clips[j % len(clips)]
            enc = enc or CHEAP_ENCODES[int(rng.integers(len(CHEAP_ENCODES)))]
            extra = {"noise": src["noises"][(k + j) % len(src["noises"])]}
            if d == "reader_louder":  # reader set-ups: near/far, dry/reverberant, lines overlapping
                extra.update(reader_rt60=float(rng.choice([0.0, 0.3, 0.6])),
                             reader_far=bool(rng.integers(2)), overlap_s=float(rng.choice([0.0, 0.0, 0.4])))
            return label(Spec(f"{half}_{d}_{j}", half, face, voice_for(face, k + j), {d: round(s, 3)},
                              enc, int(src["rooms"][(k + j) % len(src["rooms"])]), extra))

        for d in GRADES:
            if small and d not in small_defects:
                continue
            if not small:  # more tapes anywhere on the scale, for the curves (appended at the end, their own
                # random draws: the tapes before them keep their strengths and seeds)
                later.extend(graded(d, k, j, float(extra_rng.uniform(0, 1)), extra_rng)
                             for j in range(per_half, per_half + EXTRA_PER_HALF))
            for j in range(1 if small else per_half):
                s = float(rng.uniform(BAD_FROM, 1.0)) if small else _strength(rng, j)
                out.append(graded(d, k, j, s, rng, "h264" if small else None))
            k += 1
        if small:
            continue
        for d in BINARY:
            face = clips[k % len(clips)] if d in CLIP_ONLY else photos[k % len(photos)] \
                if d in FACE_DEFECTS else faces[k % len(faces)]
            out.append(label(Spec(f"{half}_{d}", half, face, voice_for(face, k), {d: 1.0}, "h264",
                                  int(src["rooms"][k % len(src["rooms"])]))))
            k += 1
        # defects together: a dark and noisy room; a loud reader in an echoing room
        for j in range(2):
            face = photos[(k + j) % len(photos)]
            out.append(label(Spec(f"{half}_dark+noisy_{j}", half, face, voice_for(face, k + j),
                                  {"dark": round(float(rng.uniform(BAD_FROM, 1)), 3),
                                   "noisy": round(float(rng.uniform(0.0, 1.0)), 3)},
                                  "h264", int(src["rooms"][j % 3]), {"noise": src["noises"][j % len(src["noises"])]})))
            out.append(label(Spec(f"{half}_reader_louder+reverb_{j}", half, clips[j % len(clips)], None,
                                  {"reader_louder": round(float(rng.uniform(BAD_FROM, 1)), 3),
                                   "reverb": round(float(rng.uniform(BAD_FROM, 1)), 3)},
                                  "h264", 0, {"reader_rt60": 0.0, "reader_far": False, "overlap_s": 0.0})))
        for d in APPENDED:
            last.extend(label(Spec(f"{half}_{d}_{j}", half, face, voice_for(face, k + j), {d: 1.0}, "h264",
                                   int(src["rooms"][(k + j) % len(src["rooms"])])))
                        for j, face in enumerate((photos[k % len(photos)], clips[k % len(clips)])))
    return out + later + last

# --------------------------------------------------------------------------- picture material
@lru_cache(maxsize=None)
def _photo(name: str) -> np.ndarray:
    import cv2

    bgr = cv2.imread(os.path.join(REAL, name), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


ANNOTATOR = "haarcascade_frontalface_alt2.xml"  # not the tool's detector (haarcascade_frontalface_default)


@lru_cache(maxsize=None)
def photo_face(name: str) -> tuple[int, int, int, int]:
    """The face box (x, y, w, h) in the source photo, found once with OpenCV's alt2 cascade (Lienhart's
    tree-boosted frontal cascade, trained apart from the tool's default one) on the photo itself: the
    corpus places every face by this annotation and geometry, never by the detector under test."""
    import cv2

    gray = cv2.cvtColor(_photo(name), cv2.COLOR_RGB2GRAY)
    scale = 640 / max(gray.shape)
    small = cv2.equalizeHist(cv2.resize(gray, (round(gray.shape[1] * scale), round(gray.shape[0] * scale))))
    found = cv2.CascadeClassifier(cv2.data.haarcascades + ANNOTATOR).detectMultiScale(
        small, scaleFactor=1.1, minNeighbors=4, minSize=(40, 40))
    if len(found) == 0:
        raise RuntimeError(f"no face annotated in {name}")
    x, y, w, h = max(found, key=lambda b: b[2] * b[3])
    return tuple(int(round(v / scale)) for v in (x, y, w, h))


@dataclass(frozen=True)
class Placement:
    """Where a photo stands in the frame: `share` of the frame height, its bottom centre moved by (dx, dy)."""
    share: float = 0.95
    dx: int = 0
    dy: int = 0

    def person_rect(self, photo: str, size: tuple[int, int]) -> tuple[int, int, int, int]:
        ph, pw = _photo(photo).shape[:2]
        w, h = size
        sh = int(h * self.share)
        sw = int(pw * sh / ph)
        return (w - sw) // 2 + self.dx, h - sh + self.dy, sw, sh

    def face_box(self, photo: str, size: tuple[int, int]) -> tuple[int, int, int, int]:
        x0, y0, sw, sh = self.person_rect(photo, size)
        ph, pw = _photo(photo).shape[:2]
        fx, fy, fw, fh = photo_face(photo)
        k = sh / ph
        return int(x0 + fx * k), int(y0 + fy * k), int(fw * k), int(fh * k)


def place_face(photo: str, size: tuple[int, int], face_h: float, centre: tuple[float, float] | None = None
               ) -> Placement:
    """The placement that makes the annotated face `face_h` of the frame height, its centre at `centre`
    (shares of width, height; None: the photo at the bottom centre)."""
    ph = _photo(photo).shape[0]
    fx, fy, fw, fh = photo_face(photo)
    w, h = size
    share = face_h * ph / fh
    base = Placement(share)
    if centre is None:
        return base
    bx, by, bw, bh = base.face_box(photo, size)
    return Placement(share, int(round(centre[0] * w - (bx + bw / 2))), int(round(centre[1] * h - (by + bh / 2))))


def photo_frames(name: str, size: tuple[int, int], seconds: float, fps: float, place: Placement = Placement(),
                 wall=None, seed: int = 0, still: bool = False) -> Iterator[np.ndarray]:
    """The photo in a room, swaying a few whole pixels as a person standing and speaking does (the camera,
    on a tripod, does not move: the room stays put). uint8 throughout, for speed."""
    import cv2

    w, h = size
    background = room((w, h), seed) if wall is None else place_on_wall(
        np.zeros((2, 2, 3), np.uint8), (w, h), height_share=0.0001, wall=wall)
    x0, y0, sw, sh = place.person_rect(name, size)
    if sw < 1 or sh < 1:
        for _ in range(int(round(seconds * fps))):
            yield background.copy()
        return
    person = cv2.resize(_photo(name), (sw, sh), interpolation=cv2.INTER_AREA)
    for i in range(int(round(seconds * fps))):
        t = 0.0 if still else i / fps
        dx = 4.5 * np.sin(2 * np.pi * 0.23 * t) + 1.0 * np.sin(2 * np.pi * 1.1 * t)
        dy = 1.5 * np.sin(2 * np.pi * 0.17 * t + 1.0)
        s = 1.0 + 0.006 * np.sin(2 * np.pi * 0.25 * t)  # breathing
        # the person's picture mapped into the frame (sub-pixel), the room left where it does not reach
        m = np.float32([[s, 0, x0 + dx + (1 - s) * sw / 2], [0, s, y0 + dy + (1 - s) * sh]])
        yield cv2.warpAffine(person, m, (w, h), dst=background.copy(), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_TRANSPARENT)

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
@lru_cache(maxsize=None)
def clip_face(name: str, size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The face box in a clip as placed by `clip_frames` (85 % of the height, bottom centre), annotated
    with the alt2 cascade on the source clip's middle frame."""
    import av
    import cv2

    with av.open(os.path.join(REAL, name)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    rgb = frames[len(frames) // 2]
    gray = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    found = cv2.CascadeClassifier(cv2.data.haarcascades + ANNOTATOR).detectMultiScale(
        gray, scaleFactor=1.1, minNeighbors=4, minSize=(40, 40))
    if len(found) == 0:
        return None
    fx, fy, fw, fh = max(found, key=lambda b: b[2] * b[3])
    w, h = size
    ch, cw = rgb.shape[:2]
    sh = int(h * 0.85)
    sw = int(cw * sh / ch)
    k = sh / ch
    return int((w - sw) // 2 + fx * k), int(h - sh + fy * k), int(fw * k), int(fh * k)


def video_defect(defect: str, p: float, face_box, seed: int, fps: float, seconds: float
                 ) -> Callable[[int, np.ndarray], np.ndarray]:
    """A function (frame index, RGB uint8 frame) -> defective uint8 frame; `p` is the defect's parameter
    (GRADES units)."""
    import cv2

    rng = np.random.default_rng(seed)
    if defect in ("dark", "overexposed"):
        return lambda i, f: cv2.convertScaleAbs(f, alpha=p)
    if defect == "split_light":
        def split(i, f):
            if face_box is None:
                return f
            x, y, w, h = face_box
            ramp = np.ones(f.shape[1], np.float32)
            cx = x + w // 2
            ramp[:max(0, cx)] = p
            lo, hi = max(0, cx - w // 6), min(f.shape[1], cx + w // 6)
            ramp[lo:hi] = np.linspace(p, 1, hi - lo)
            return (f * ramp[None, :, None]).astype(np.uint8)
        return split
    if defect == "second_face":  # the frame's own face, half as tall, pasted in an upper corner
        def second(i, f):
            if face_box is None:
                return f
            x, y, w, h = face_box
            H, W = f.shape[:2]
            x0, y0 = max(0, x - w // 5), max(0, y - h // 5)
            crop = f[y0: min(H, y + h + h // 5), x0: min(W, x + w + w // 5)]
            small = cv2.resize(crop, (max(2, crop.shape[1] // 2), max(2, crop.shape[0] // 2)),
                               interpolation=cv2.INTER_AREA)
            g = f.copy()
            sh, sw = small.shape[:2]
            left = (seed // 2) % 2 == 0
            cx = W // 40 if left else W - sw - W // 40
            g[H // 30: H // 30 + sh, cx: cx + sw] = small[: H - H // 30, : W - cx]
            return g
        return second
    if defect == "eyes_covered":  # dark sunglasses
        def cover(i, f):
            if face_box is None:
                return f
            x, y, w, h = face_box
            g = f.copy()
            for cx in (x + int(0.31 * w), x + int(0.69 * w)):
                cv2.ellipse(g, (cx, y + int(0.40 * h)), (int(0.15 * w), int(0.10 * h)), 0, 0, 360,
                            (18, 18, 22), thickness=-1)
            cv2.line(g, (x + int(0.44 * w), y + int(0.39 * h)), (x + int(0.56 * w), y + int(0.39 * h)),
                     (18, 18, 22), thickness=max(2, w // 40))
            return g
        return cover
    if defect == "blur":
        return (lambda i, f: cv2.GaussianBlur(f, (0, 0), p)) if p > 0.05 else (lambda i, f: f)
    if defect == "grain":
        cache: dict = {}

        def grain(i, f):
            if "n" not in cache:
                cache["n"] = [signed_noise(rng, p, f.shape) for _ in range(6)]
            return add_noise(f, cache["n"][i % 6])
        return grain
    if defect == "color_cast":
        lut = np.stack([np.clip(np.arange(256) * g, 0, 255) for g in (1 + p, 1.0, 1 - p)], axis=1)
        lut = lut.astype(np.uint8).reshape(256, 1, 3)
        return lambda i, f: cv2.LUT(f, lut)
    if defect == "flicker":
        return lambda i, f: cv2.convertScaleAbs(f, alpha=1 + p * np.sin(2 * np.pi * 7.0 * i / fps))
    if defect == "shake":
        # handheld: a jittering position that keeps returning to the aim (AR(1), std 1.7 x step)
        pos = np.zeros((int(seconds * fps) + 400, 2))
        for k in range(1, len(pos)):
            pos[k] = 0.8 * pos[k - 1] + rng.normal(0, p, 2)

        def shake(i, f):
            dx, dy = np.clip(pos[min(i, len(pos) - 1)], -60, 60)
            m = np.float32([[1, 0, dx], [0, 1, dy]])
            return cv2.warpAffine(f, m, (f.shape[1], f.shape[0]), borderMode=cv2.BORDER_REFLECT)
        return shake
    if defect == "black_frames":
        n = int(round(p * fps))
        start = int(round(0.45 * seconds * fps))
        return lambda i, f: f * 0 if start <= i < start + n else f
    if defect == "frozen":
        n = int(round(p * fps))
        start = int(round(0.35 * seconds * fps))
        held: dict[str, np.ndarray] = {}

        def freeze(i, f):
            if start <= i < start + n:
                held.setdefault("f", f)
                return held["f"]
            return f
        return freeze
    return lambda i, f: f


def encode_settings(name: str, fps: float) -> tuple[dict, float]:
    """write_tape keyword arguments for an encode, and its frame rate."""
    e = ENCODES[name]
    fps = e.get("fps", fps)
    # x264's ultrafast preset: the corpus must build on a shared 2-core machine (phones' hardware
    # encoders are no better at this bit rate)
    kw: dict = {"gop": int(round(e.get("gop_s", 1.0) * fps)), "crf": 23, "codec_options": {"preset": "ultrafast"}}
    if "codec" in e:
        kw["video_codec"] = e["codec"]
        kw["codec_options"] = dict(e.get("options", {}))
        if e["codec"] != "libx264":
            kw.pop("crf")
    if "format" in e:
        kw["container_format"] = e["format"]
        kw["audio_codec"] = e["audio"]
    return kw, fps


def vfr_timestamps(n: int, fps: float, seed: int) -> tuple[list[int], float]:
    """A phone's variable frame rate: frame intervals of 1/fps +-30 % with now and then a dropped frame,
    in ticks of a 1/(8 fps) time base; returns (pts, time-base rate)."""
    rng = np.random.default_rng(seed)
    tick = 8 * fps
    steps = np.clip(rng.normal(8, 1.2, n), 5, 11).round().astype(int)
    steps[rng.random(n) < 0.03] += 8
    pts = np.concatenate([[0], np.cumsum(steps[:-1])])
    return [int(v) for v in pts], tick


def render(spec: Spec, out_dir: str, seed: int) -> str:
    """Write one tape and return its path."""
    ext = ".webm" if ENCODES[spec.encode].get("format") == "webm" else ".mp4"
    path = os.path.join(out_dir, _file(spec, seed))
    if os.path.exists(path):
        return path
    ds = spec.defects
    p = spec.params
    if "reader_louder" in ds:
        two_voice_tape(path + ".part" + ext, spec.face, READERS[spec.half], p["reader_louder"], size=SIZE,
                       seed=seed, cycles=1, reader_rt60=spec.extra.get("reader_rt60", 0.0),
                       reader_far=spec.extra.get("reader_far", False), overlap_s=spec.extra.get("overlap_s", 0.0),
                       room_rt60=p.get("reverb"))
        os.replace(path + ".part" + ext, path)
        return path
    enc_kw, fps = encode_settings(spec.encode, FPS)
    rotation = 0
    # 1. the picture without the defect
    if spec.face in CLIPS:
        clip, fps, clip_audio, n = clip_frames(spec.face, SIZE)
        enc_kw, _ = encode_settings(spec.encode, fps)
        seconds = n / fps
        face_box = clip_face(spec.face, SIZE)
        base: Iterator[np.ndarray] = iter(clip)
    else:
        size, seconds, wall = SIZE, DURATION_S, None
        place = place_face(spec.face, size, 0.24, (0.5, 0.42))
        if "too_small" in ds:
            place = place_face(spec.face, size, p["too_small"], (0.5, 0.42))
        elif "portrait" in ds or "rotated_meta" in ds:
            size = (720, 1280)
            place = place_face(spec.face, size, 0.14, (0.5, 0.42))
            rotation = 90 if "rotated_meta" in ds else 0
        elif "low_resolution" in ds:
            size = (480, 270)
            place = place_face(spec.face, size, 0.24, (0.5, 0.42))
        elif "off_center" in ds:
            side = 1 if (seed // 2) % 2 else -1
            place = place_face(spec.face, size, 0.24, (0.5 + side * p["off_center"], 0.42))
        elif "cropped" in ds:
            place = place_face(spec.face, size, p["cropped"], (0.5, 0.45))
        if "low_frame_rate" in ds:
            fps = 12
            enc_kw["gop"] = 12
        if "dead_air_start" in ds:
            seconds = 13.0
        if "backlit" in ds:
            wall = (int(200 + 52 * ds["backlit"]),) * 3
        face_box = place.face_box(spec.face, size)
        if "no_face" in ds:
            place = Placement(0.0005)
        base = photo_frames(spec.face, size, seconds, fps, place, wall=wall, seed=spec.room_seed)
        if "dead_air_start" in ds:  # standing still, silent, for the first 6 s
            frames0 = list(base)
            base = (frames0[0] if i / fps < 6.0 else f for i, f in enumerate(frames0))
        person = place.person_rect(spec.face, size)

    # 2. the defects on each frame
    vfx = [video_defect(d, p.get(d, 1.0), face_box, seed, fps, seconds) for d in ds]
    grain_rng = np.random.default_rng(seed + 1000)
    sensor: list[np.ndarray] = []

    def frames() -> Iterator[np.ndarray]:
        for i, f in enumerate(base):
            g = f
            if "backlit" in ds:  # the wall is bright (a window behind), the person underlit
                k = p["backlit"]
                if spec.face in CLIPS:
                    g = cv2_scale(g, k)
                    g[:, : g.shape[1] // 5] = int(200 + 52 * ds["backlit"])
                    g[:, -g.shape[1] // 5:] = int(200 + 52 * ds["backlit"])
                else:
                    x0, y0, sw, sh = person
                    g = g.copy()
                    sl = (slice(max(0, y0), None), slice(max(0, x0), max(0, x0 + sw)))
                    g[sl] = cv2_scale(g[sl], k)
            for fx in vfx:
                g = fx(i, g)
            # sensor noise, as every camera has (after exposure: a dark picture is not a clean one)
            if not sensor:
                sensor.extend(signed_noise(grain_rng, 1.5, g.shape) for _ in range(5))
            if g.shape == sensor[0][0].shape:
                g = add_noise(g, sensor[i % len(sensor)])
            yield np.ascontiguousarray(np.rot90(g, k=1)) if rotation == 90 else g

    # 3. the sound
    if spec.face in CLIPS:
        voice = at_speech_level(clip_audio)
        n_audio = int(seconds * SR)
        voice = np.concatenate([voice[:n_audio], np.zeros(max(0, n_audio - len(voice)))])
        if "audio_shift" in ds:
            shift = int(0.4 * SR)
            voice = np.concatenate([np.zeros(shift), voice[:-shift]]) if seed % 2 == 0 else \
                np.concatenate([voice[shift:], np.zeros(shift)])
    else:
        voice = voice_track(spec.voice, seconds, lead_s=6.5 if "dead_air_start" in ds else 0.4)
    audio = _audio_defect(spec, voice, room_tone(len(voice) / SR, seed), seed)

    timestamps = None
    if ENCODES[spec.encode].get("vfr"):
        frame_list = list(frames())
        timestamps, tick = vfr_timestamps(len(frame_list), fps, seed)
        # the sound runs as long as the pictures now do
        dur = (timestamps[-1] + 8) / tick
        audio = np.resize(audio, (int(dur * SR), audio.shape[1])) if audio is not None else None
        write_tape(path + ".part" + ext, iter(frame_list), tick, None if "no_audio" in ds else audio, SR,
                   timestamps=timestamps, rotation=rotation, **{**enc_kw, "gop": int(round(8 * fps))})
    else:
        write_tape(path + ".part" + ext, frames(), fps, None if "no_audio" in ds else audio, SR,
                   rotation=rotation, **enc_kw)
    os.replace(path + ".part" + ext, path)
    return path


def signed_noise(rng: np.random.Generator, sd: float, shape) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian noise of `sd` (0-255) as its positive and negative parts in uint8, for saturating adds."""
    n = np.round(rng.normal(0, sd, shape))
    return np.clip(n, 0, 255).astype(np.uint8), np.clip(-n, 0, 255).astype(np.uint8)


def add_noise(img: np.ndarray, noise: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    import cv2

    return cv2.subtract(cv2.add(img, noise[0]), noise[1])


def cv2_scale(img: np.ndarray, k: float) -> np.ndarray:
    import cv2

    return cv2.convertScaleAbs(img, alpha=k)


def _audio_defect(spec: Spec, voice: np.ndarray, tone: np.ndarray, seed: int) -> np.ndarray:
    """Mix voice and room tone with the defects; returns (samples, 2)."""
    from scipy import signal

    ds, p = spec.defects, spec.params
    if "too_quiet" in ds:
        voice = voice * 10 ** ((p["too_quiet"] - (-24.0)) / 20)
    if "too_loud" in ds:
        voice = voice * 10 ** ((p["too_loud"] - (-24.0)) / 20)
        voice = np.tanh(voice * 1.2) / 1.2 * 0.95  # a limiter, as phones have
    if "clipped" in ds:
        voice = np.clip(voice * 10 ** (p["clipped"] / 20), -1.0, 1.0)
    if "reverb" in ds:
        voice = signal.fftconvolve(voice, rir(p["reverb"], seed))[: len(voice)]
        voice = at_speech_level(voice)
    x = voice + tone
    if "noisy" in ds:
        noise = np.resize(_wav(spec.extra["noise"]), len(x))
        noise = noise / np.sqrt(np.mean(noise ** 2)) * active_rms(voice) * 10 ** (-p["noisy"] / 20)
        x = voice + noise
    if "hum" in ds:
        t = np.arange(len(x)) / SR
        f0 = 50 if seed % 2 else 60
        hum = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in (1, 2, 3))
        x = x + hum / np.sqrt(np.mean(hum ** 2)) * 10 ** (p["hum"] / 20)
    if "silent_audio" in ds:
        x = np.zeros_like(x)
    stereo = np.stack([x, x], axis=1)
    if "dead_channel" in ds:
        stereo[:, 1] = 0.0
    if "dropouts" in ds:
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
                   seed: int = 0, cycles: int = 1, reader_rt60: float = 0.0, reader_far: bool = False,
                   overlap_s: float = 0.0, room_rt60: float | None = None) -> dict:
    """An actor (a real talking-head clip, its own voice) and an off-camera reader (another real voice)
    who answers in the actor's pauses while the actor listens, mouth still: the clip is cut in two at
    its quietest moment near the middle, and after each half the last frame is held (swaying slightly,
    as a person listening does) while the reader speaks. The actor's audio is set to -30 LUFS and the
    reader's to -30 + `reader_db` (BS.1770 integrated loudness of each voice's own audio, pyloudnorm), so
    even +12 dB does not clip. `cycles` repeats the scene (for tapes as long as real ones).
    Reader set-ups: `reader_rt60` puts the reader in a room of that RT60 (exponential-decay impulse
    response), `reader_far` away from the mic (low-passed at 2.5 kHz and in a 0.4 s room), `overlap_s`
    starts each line that much before the actor's part ends (lines overlapping); `room_rt60` puts the
    whole scene in an echoing room. The loudness is set after these, on what the mic hears.
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
    if reader_far or reader_rt60 > 0:
        from scipy import signal

        if reader_far:
            sos = signal.butter(2, 2500, "low", fs=SR, output="sos")
            chunks = [signal.sosfilt(sos, c) for c in chunks]
        rt = max(reader_rt60, 0.4 if reader_far else 0.0)
        chunks = [signal.fftconvolve(c, rir(rt, seed + k))[: len(c)] for k, c in enumerate(chunks)]
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
        part = np.concatenate([part, np.zeros(want - len(part))])
        ov = min(int(overlap_s * SR), len(part), len(chunk))
        if ov:  # the reader comes in before the actor has finished
            part[len(part) - ov:] += chunk[:ov] * gain
        out_audio.append(part)
        start_s = len(out_frames) / fps
        lead = 0 if ov else pad
        listen = np.concatenate([np.zeros(lead), chunk[ov:] * gain, np.zeros(pad)])
        held = frames[f1 - 1]
        n_hold = int(np.ceil(len(listen) / SR * fps))
        for i in range(n_hold):
            t = i / fps
            dx, dy = 3.0 * np.sin(2 * np.pi * 0.23 * t), 1.0 * np.sin(2 * np.pi * 0.17 * t + 1.0)
            out_frames.append(cv2.warpAffine(held, np.float32([[1, 0, dx], [0, 1, dy]]), size,
                                             borderMode=cv2.BORDER_REPLICATE))
        want = int(round(n_hold / fps * SR))
        out_audio.append(np.concatenate([listen, np.zeros(max(0, want - len(listen)))])[:want])
        reader_ranges.append((round(start_s + (lead - ov) / SR, 2), round(start_s + (lead - ov + len(chunk)) / SR, 2)))
    mix = np.concatenate(out_audio)
    if room_rt60:
        from scipy import signal

        mix = signal.fftconvolve(mix, rir(room_rt60, seed))[: len(mix)]
    total = int(round(len(out_frames) / fps * SR))
    mix = np.concatenate([mix, np.zeros(max(0, total - len(mix)))])[:total]
    mix = mix + room_tone(len(mix) / SR, seed)
    write_tape(path, iter(out_frames), fps, np.stack([mix, mix], axis=1), SR, gop=int(round(fps)), crf=23)
    return {"reader_db": reader_db, "reader_ranges": reader_ranges, "actor_lufs": actor_lufs}


def _file(spec: Spec, seed: int) -> str:
    """The tape's file name: its name and a hash of everything it is made from (a changed spec or seed
    is a new file, never a stale cached one)."""
    import hashlib

    key = json.dumps({**asdict(spec), "seed": seed, "version": CORPUS_VERSION}, sort_keys=True)
    digest = hashlib.sha1(key.encode()).hexdigest()[:8]
    return f"{spec.name}-{digest}" + (".webm" if ENCODES[spec.encode].get("format") == "webm" else ".mp4")


def _render_one(args: tuple[Spec, str, int]) -> str | None:
    """Render one tape; None, or what went wrong (the build goes on and reports it)."""
    try:
        render(*args)
        return None
    except Exception as exc:  # noqa: BLE001 - a bench: report the tape and go on
        return f"{args[0].name}: {type(exc).__name__}: {exc}"


def build(out_dir: str, small: bool = False, jobs: int = 1) -> list[Spec]:
    """Render every tape not yet in `out_dir` (a cache: tapes already there are kept) and write
    labels.json."""
    import time

    t0 = time.perf_counter()
    os.makedirs(out_dir, exist_ok=True)
    items = specs(small)
    work = [(spec, out_dir, i + 1) for i, spec in enumerate(items)]
    files = {_file(spec, seed) for spec, _, seed in work}
    for old in os.listdir(out_dir):  # tapes of an earlier corpus
        if old.endswith((".mp4", ".webm")) and old not in files:
            os.remove(os.path.join(out_dir, old))
    rendered = sum(not os.path.exists(os.path.join(out_dir, f)) for f in files)
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            failed = [f for f in pool.map(_render_one, work) if f]
    else:
        failed = [f for f in map(_render_one, work) if f]
    if failed:
        raise RuntimeError("could not render: " + "; ".join(failed))
    with open(os.path.join(out_dir, "labels.json"), "w") as fh:
        json.dump([{**asdict(spec), "defect": spec.defect, "file": _file(spec, seed)}
                   for spec, _, seed in work], fh, indent=1)
    if rendered == len(items):  # a full build: how long it took (a partial one keeps the last figure)
        with open(os.path.join(out_dir, "build.json"), "w") as fh:
            json.dump({"seconds": round(time.perf_counter() - t0, 1), "tapes": rendered, "jobs": jobs,
                       "load_average": round(os.getloadavg()[0], 1)}, fh)
    return items


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, ".cache", "corpus2"))
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    if not os.path.isdir(REAL):
        print(f"corpus: {REAL} is not present", file=sys.stderr)
        return 2
    import time

    t0 = time.perf_counter()
    items = build(args.out, args.small, args.jobs)
    print(f"{len(items)} tapes in {args.out} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
