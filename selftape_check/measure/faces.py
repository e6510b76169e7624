"""Face and eye detection with the Haar cascades that ship inside opencv-python-headless.

Viola & Jones (2001) boosted cascades, OpenCV's `haarcascade_frontalface_default.xml` and
`haarcascade_eye.xml`. Detection runs on a contrast-normalised (CLAHE) copy of the luma, so a face
that is present but dark is still found (and judged `face.underexposed`, not `face.missing`).
A found face is tracked: the next sampled frame is searched first in a window around it.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from dataclasses import dataclass
from typing import Iterator

import cv2
import numpy as np

DETECT_LONG_SIDE = 640  # detection resolution; the smallest face found is MIN_FACE_PX at this size
MIN_FACE_PX = 24
EYE_FACE_WIDTH = 120  # the face is resampled to this width for the eye search
FACES, EYES = "haarcascade_frontalface_default.xml", "haarcascade_eye.xml"


def cascade(name: str) -> cv2.CascadeClassifier:
    """Load a cascade shipped with OpenCV (`cv2.data.haarcascades`); raise if it is missing."""
    path = cv2.data.haarcascades + name
    clf = cv2.CascadeClassifier(path)
    if clf.empty():
        raise RuntimeError(f"OpenCV cascade {name} could not be loaded from {path}")
    return clf


_spare: dict[str, list[cv2.CascadeClassifier]] = collections.defaultdict(list)
_spare_lock = threading.Lock()


@contextlib.contextmanager
def _borrowed(name: str) -> Iterator[cv2.CascadeClassifier]:
    """A loaded cascade that no other thread uses meanwhile: an OpenCV classifier is not safe to share
    (two threads detecting with one raised vector::_M_range_check). Loaded once per thread that needs
    one at the same time, then kept for the next."""
    with _spare_lock:
        clf = _spare[name].pop() if _spare[name] else None
    if clf is None:
        clf = cascade(name)
    try:
        yield clf
    finally:
        with _spare_lock:
            _spare[name].append(clf)


def _clahe() -> cv2.CLAHE:
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int


def _largest(rects: np.ndarray | tuple) -> Box | None:
    if rects is None or len(rects) == 0:
        return None
    x, y, w, h = max((tuple(int(v) for v in r) for r in rects), key=lambda r: r[2] * r[3])
    return Box(x, y, w, h)


def _structure(luma: np.ndarray, b: Box) -> float:
    """Coefficient of variation of the box's central 60 %: eyes, brows, nostrils and mouth make a face
    vary (0.13-0.63 on the real faces of the accuracy corpus, dark or light); a patch of wall or an
    empty picture frame that the cascade mistakes for a face reads 0.03-0.13."""
    r = luma[b.y + b.h // 5: b.y + b.h * 4 // 5, b.x + b.w // 5: b.x + b.w * 4 // 5].astype(np.float32)
    return float(r.std() / (r.mean() + 8.0)) if r.size else 0.0


def _best(rects, neighbours, luma: np.ndarray) -> Box | None:
    """Of several candidates, the one the cascade is surest of (its count of overlapping detections)
    weighted by how much structure it holds; the largest alone picked a picture frame on the wall over
    a small real face."""
    if rects is None or len(rects) == 0:
        return None
    boxes = [Box(*(int(v) for v in r)) for r in rects]
    if len(boxes) == 1:
        return boxes[0]
    return max(zip(boxes, neighbours), key=lambda bn: int(bn[1]) * _structure(luma, bn[0]))[0]


class FaceTracker:
    """Finds the main frontal face in successive frames of one tape (see `_best`), then tracks it."""

    def __init__(self) -> None:
        self.clahe = _clahe()
        self.last: Box | None = None

    def detect(self, luma: np.ndarray) -> Box | None:
        """The main face in `luma` (analysis-size uint8), in `luma` pixel coordinates."""
        h, w = luma.shape
        scale = min(1.0, DETECT_LONG_SIDE / max(h, w))
        small = luma if scale == 1.0 else cv2.resize(luma, (round(w * scale), round(h * scale)),
                                                    interpolation=cv2.INTER_AREA)
        norm = self.clahe.apply(small)
        box = None
        if self.last is not None:  # track: search a window around the previous face first
            lb = Box(*(round(v * scale) for v in (self.last.x, self.last.y, self.last.w, self.last.h)))
            mx, my = lb.w // 2, lb.h // 2
            x0, y0 = max(0, lb.x - mx), max(0, lb.y - my)
            x1, y1 = min(norm.shape[1], lb.x + lb.w + mx), min(norm.shape[0], lb.y + lb.h + my)
            roi = norm[y0:y1, x0:x1]
            with _borrowed(FACES) as faces:
                found = faces.detectMultiScale(roi, scaleFactor=1.1, minNeighbors=5,
                                               minSize=(max(MIN_FACE_PX, lb.w * 2 // 3),) * 2)
            b = _largest(found)
            if b is not None:
                box = Box(b.x + x0, b.y + y0, b.w, b.h)
        if box is None:
            with _borrowed(FACES) as faces:
                found, neighbours = faces.detectMultiScale2(norm, scaleFactor=1.1, minNeighbors=5,
                                                            minSize=(MIN_FACE_PX, MIN_FACE_PX))
            box = _best(found, neighbours, small)
        if box is None:
            self.last = None
            return None
        full = Box(*(round(v / scale) for v in (box.x, box.y, box.w, box.h)))
        self.last = full
        return full

    def eyes_visible(self, luma: np.ndarray, face: Box) -> bool:
        """True when at least one eye is detected in the upper part of the face."""
        y0, y1 = face.y + face.h // 6, face.y + face.h * 3 // 5
        roi = luma[y0:y1, face.x:face.x + face.w]
        if roi.size == 0:
            return False
        # at a 120 px face width an open eye is about 20-35 px: search only those sizes
        scale = EYE_FACE_WIDTH / max(1, roi.shape[1])
        roi = cv2.resize(roi, (EYE_FACE_WIDTH, max(1, round(roi.shape[0] * scale))), interpolation=cv2.INTER_AREA)
        roi = self.clahe.apply(roi)
        with _borrowed(EYES) as eyes:
            found = eyes.detectMultiScale(roi, scaleFactor=1.12, minNeighbors=4, minSize=(15, 15),
                                          maxSize=(48, 48))
        return len(found) > 0
