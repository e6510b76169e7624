"""Where the face sits in the frame and how it is lit against the background, per coverage frame,
from the face boxes and lumas of measure.video."""

from __future__ import annotations

import numpy as np

from ..model import VideoSeries

EYE_LINE = 0.38  # eyes sit this far down a Haar face box
BACKLIGHT_FACE_FLOOR = 0.02  # face luma floor of the backlight ratio (a black face is not infinitely backlit)


def backlight_ratio(v: VideoSeries) -> np.ndarray:
    """The background's bright part (its 90th percentile luma) over the face luma per coverage frame
    (face luma floored at 0.02)."""
    return v.background_luma_p90 / np.maximum(np.nan_to_num(v.face_luma_mean), BACKLIGHT_FACE_FLOOR)


def face_boxes(v: VideoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Indices of coverage frames with a face, and their boxes as rows (x, y, w, h), 0-1 of the frame."""
    idx = np.flatnonzero(v.face_found)
    return idx, np.array([[b.x, b.y, b.w, b.h] for b in (v.face_boxes[i] for i in idx)]).reshape(-1, 4)
