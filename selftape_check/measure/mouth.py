"""Is the mouth moving? A per-frame figure for telling the actor's lines from the reader's.

The mouth region (the lower part of the face box: lips and the top of the chin) is described by the
quantiles of its luma, divided by the region's median: an opening mouth shows a dark cavity, teeth and
moving lip edges, which move the outer quantiles; the whole head swaying a few pixels, a slow change of
light or the camera's exposure barely do (the region still holds the same mouth, and the ratio to the
median cancels a gain). The figure is the mean absolute change of that descriptor from the frame before,
x100, per 1/30 s.

Measured on the real talking-head clips (speaking) against still pictures of the same faces swaying as a
person standing does (3 px at 960x540): speaking reads 0.6-1.4 (median per half second), a still mouth
0.07-0.12; the smoothing before the quantiles halved the still reading (sub-pixel shifts of sharp lip
edges) and kept the speaking one. On one clip (a bearded man, 22 fps) the two overlap (0.2-0.6): there the
voices decide (measure.voices).
"""

from __future__ import annotations

import cv2
import numpy as np

from ..media.frames import DecodedFrame
from ..model import FaceBox

QUANTILES = (2, 5, 10, 25, 50, 75, 90, 95, 98)
REGION = (0.22, 0.62, 0.78, 1.02)  # x0, y0, x1, y1 as shares of the face box (Haar boxes end at the lips' foot)
SIZE = (24, 16)  # the region is resampled to this size first: independent of resolution and framing
BLUR_SIGMA = 1.0  # then smoothed (in SIZE pixels) so that a sub-pixel sway barely moves the lip edges' pixels
FRAME_S = 1.0 / 30.0
# np.percentile's linear interpolation, precomputed for SIZE (the descriptor is taken on every frame)
_POS = np.array(QUANTILES) / 100.0 * (SIZE[0] * SIZE[1] - 1)
_LO = np.floor(_POS).astype(int)
_HI = np.minimum(_LO + 1, SIZE[0] * SIZE[1] - 1)
_FRAC = (_POS - _LO).astype(np.float32)


def mouth_descriptor(frame: DecodedFrame, face: FaceBox) -> np.ndarray | None:
    x0, y0, x1, y1 = REGION
    crop = frame.crop(face.x + x0 * face.w, face.y + y0 * face.h, face.x + x1 * face.w, face.y + y1 * face.h)
    if crop is None or crop.shape[0] < 8 or crop.shape[1] < 8:
        return None
    small = cv2.GaussianBlur(cv2.resize(crop, SIZE, interpolation=cv2.INTER_AREA).astype(np.float32),
                             (0, 0), BLUR_SIGMA)
    values = np.sort(small, axis=None)
    q = values[_LO] + (values[_HI] - values[_LO]) * _FRAC  # == np.percentile(small, QUANTILES)
    return q / (q[len(q) // 2] + 8.0)


class MouthMeter:
    """Feed frames in order with the face box in force; `feed` returns the change from the frame before
    (NaN when there is no frame just before with the same face box, and between a keyframe and the
    frame after it: a keyframe is coded on its own, and on a still face its different compression
    noise reads as much change as a slowly moving mouth)."""

    def __init__(self) -> None:
        self._prev: tuple[float, FaceBox, np.ndarray] | None = None

    def feed(self, frame: DecodedFrame, face: FaceBox | None, follows: bool) -> float:
        desc = mouth_descriptor(frame, face) if face is not None else None
        prev, self._prev = self._prev, (None if desc is None or frame.key else (frame.t_s, face, desc))
        if desc is None or prev is None or frame.key or not follows or prev[1] != face:
            return float("nan")
        dt = frame.t_s - prev[0]
        if dt <= 0:
            return float("nan")
        return float(np.abs(desc - prev[2]).mean() * 100.0 * FRAME_S / dt)
