"""Generate the shipped sample tapes (a few seconds each).

Material: scikit-image's public-domain astronaut photo (NASA, `skimage.data.astronaut()`) placed as a
medium close-up on a plain wall with slight motion, and a line spoken by espeak-ng over a quiet room
tone. Nothing from ../shared/data/real is used.

    pip install scikit-image   # plus the Debian package espeak-ng
    python samples/generate.py
"""

from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the tape writer lives with the tests, not in the wheel

from tests.synth import espeak, pink_noise, place_on_wall, scale_to_rms, write_tape  # noqa: E402
FPS = 25
SECONDS = 5.0
SIZE = (1280, 720)
SR = 48000
LINE = "Hi, I'm Alex Carter, reading for the role of Sam. I never said I would stay."


def frames(brightness: float = 1.0, noise_sigma: float = 0.0, seed: int = 1):
    from skimage import data

    subject = data.astronaut()
    rng = np.random.default_rng(seed)
    for i in range(int(SECONDS * FPS)):
        t = i / FPS
        frame = place_on_wall(subject, SIZE, height_share=0.95, dx=int(6 * np.sin(2 * np.pi * 0.2 * t)),
                              dy=int(3 * np.sin(2 * np.pi * 0.13 * t)) + 30).astype(np.float32)
        frame *= brightness
        if noise_sigma:
            frame += rng.normal(0, noise_sigma, frame.shape)
        yield np.clip(frame, 0, 255).astype(np.uint8)


def voice() -> np.ndarray:
    speech = scale_to_rms(espeak(LINE, SR), -22.0)
    out = pink_noise(SECONDS, SR, -62.0, seed=3)
    start = int(0.4 * SR)
    n = min(len(speech), len(out) - start)
    out[start:start + n] += speech[:n]
    return np.stack([out, out], axis=1)


def main() -> int:
    audio = voice()
    write_tape(os.path.join(HERE, "clean_take.mp4"), frames(), FPS, audio, SR, gop=FPS, crf=30)
    write_tape(os.path.join(HERE, "dark_take.mp4"), frames(brightness=0.16, noise_sigma=2.0), FPS, audio, SR,
               gop=FPS, crf=30)
    write_tape(os.path.join(HERE, "no_sound_take.mp4"), frames(), FPS, None, gop=FPS, crf=30)
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".mp4"):
            print(f"{name}: {os.path.getsize(os.path.join(HERE, name)) / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
