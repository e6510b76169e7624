"""The actor's face in each coverage frame: where it is, whether the eyes are open, how open the mouth is.

Main path (`FaceTracker`): MediaPipe's BlazeFace detector and 468-point face mesh on OpenCV's DNN
module (`measure.landmarks`, docs/perception.md). Every coverage frame is searched afresh (no drift);
of the faces found, the actor's is the largest and most central one, with a bonus for the face that
was the actor's in the frame before (a second, smaller face elsewhere, a poster or a passer-by, is
never taken for the actor). The box handed on keeps the Haar cascade's geometry (square, eyes 0.38
down, about 1.5x the eye-to-chin distance high, measured on 13 real portraits) so framing thresholds
keep their meaning; eyes and mouth come from the landmarks.

Fallback (`HaarTracker`, used when the models cannot be loaded): Viola & Jones (2001) boosted cascades,
OpenCV's `haarcascade_frontalface_default.xml` and `haarcascade_eye.xml`, on a contrast-normalised
(CLAHE) copy of the luma; a found face is tracked in a window around it.
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


class HaarTracker:
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


# --------------------------------------------------------------------------- landmark path
BOX_EYE_CHIN = 1.53  # Haar box height / eye-to-chin distance (median of 13 real portraits, 1.36-1.70)
BOX_EYE_DIST = 2.78  # Haar box height / distance between the eye centres (median, 2.24-3.05)
BOX_EYE_LINE = 0.38  # the eyes' height in the box (judge.metrics.EYE_LINE)
CENTRE_SIGMA = 0.3  # centrality weight: a Gaussian of this share of the frame size around its centre
KEEP_BONUS = 2.0  # the face that was the actor's in the frame before counts this much more
KEEP_IOU = 0.2
OTHERS_EVERY = 4  # every 4th coverage frame (and the first OTHERS_FIRST) is searched at two scales, to count
OTHERS_FIRST = 8  # faces smaller than the actor's (a short tape is searched so throughout)
# landmarks.eye_contrast of a visible eye (open: 0.34-0.85 on 14 real portraits; covered by skin 0-0.29)
EYE_CONTRAST_MIN = 0.30


@dataclass(frozen=True)
class FaceReading:
    """What the landmark path read on one coverage frame (analysis-luma pixels)."""

    box: Box  # Haar geometry (see BOX_*)
    eye_openness: float  # the more open eye's lid gap / eye width (face mesh)
    eye_contrast: float  # the clearer eye's pupil against the white of the eye (landmarks.eye_contrast)
    eyes_visible: bool
    mouth_openness: float  # inner lip gap / mouth width
    other_ratio: float  # the largest other face's height / the actor's (0 alone, NaN on a frame not searched so)
    gain: float  # the gain the detector's picture needed (1 = none)
    landmarks: np.ndarray  # (468, 2)


def box_from_landmarks(pts: np.ndarray) -> Box:
    """A Haar-like square box from the eyes and chin: centred on the eyes horizontally, the eyes at
    BOX_EYE_LINE of its height, its height the mean of two estimates (from the eye-to-chin distance,
    which turning the head barely changes, and from the eye distance, which nodding barely changes)."""
    r_eye = (pts[33] + pts[133]) / 2
    l_eye = (pts[263] + pts[362]) / 2
    eyes = (r_eye + l_eye) / 2
    h = 0.5 * (BOX_EYE_CHIN * float(np.linalg.norm(pts[152] - eyes))
               + BOX_EYE_DIST * float(np.linalg.norm(l_eye - r_eye)))
    return Box(round(eyes[0] - h / 2), round(eyes[1] - BOX_EYE_LINE * h), max(1, round(h)), max(1, round(h)))


class FaceTracker:
    """The actor's face, frame after frame (see the module docstring). `detect` returns its box (or
    None); `reading` holds what else was read on that frame; `eyes_visible` answers for that box."""

    def __init__(self) -> None:
        from . import landmarks

        self._lm = landmarks
        self.model = landmarks.available()
        self._haar: HaarTracker | None = None if self.model else HaarTracker()
        self.reading: FaceReading | None = None
        self._prev = None  # the actor's detection in the frame before
        self._count = 0

    @property
    def haar(self) -> HaarTracker:
        if self._haar is None:
            self._haar = HaarTracker()
        return self._haar

    def detect(self, luma: np.ndarray) -> Box | None:
        """The actor's face in `luma` (analysis-size uint8), in `luma` pixel coordinates."""
        if not self.model:
            return self.haar.detect(luma)
        lm = self._lm
        gain = lm.gain_for(luma)
        gained = luma if gain == 1.0 else cv2.convertScaleAbs(luma, alpha=gain)
        dets = []
        prev = self._prev
        wide = self._count < OTHERS_FIRST or self._count % OTHERS_EVERY == 0
        self._count += 1
        if prev is not None and prev.h < min(luma.shape) / 5 and not wide:  # a small face: look where it was
            dets = lm.detect_faces(gained, [lm.around(*luma.shape, prev.cx - prev.w / 2, prev.cy - prev.h / 2,
                                                      prev.w, prev.h)])
        if not dets:
            dets = lm.detect_faces(gained, wide=wide)
        self.reading = None
        if not dets:
            self._prev = None
            return None
        h, w = luma.shape

        def weight(d) -> float:
            dx, dy = (d.cx - w / 2) / w, (d.cy - h / 2) / h
            centrality = np.exp(-0.5 * (dx * dx + dy * dy) / CENTRE_SIGMA ** 2)
            keep = KEEP_BONUS if prev is not None and d.iou(prev) > KEEP_IOU else 1.0
            return d.h * d.h * centrality * keep

        ranked = sorted(dets, key=weight, reverse=True)
        for det in ranked[:2]:  # the mesh confirms the face; a detector's false face is passed over
            pts, presence = lm.face_mesh(gained, det)
            if presence >= lm.MIN_PRESENCE:
                break
        else:
            self._prev = None
            return None
        self._prev = det
        box = box_from_landmarks(pts)
        eyes = max(lm.eye_openness(pts, lm.R_EYE), lm.eye_openness(pts, lm.L_EYE))
        contrast = np.nan_to_num(np.array([lm.eye_contrast(gained, pts, lm.R_EYE, False),
                                           lm.eye_contrast(gained, pts, lm.L_EYE, True)]), nan=0.0).max()
        others = max((d.h / det.h for d in dets if d is not det), default=0.0) if wide else float("nan")
        self.reading = FaceReading(box, round(eyes, 3), round(float(contrast), 3), bool(contrast >= EYE_CONTRAST_MIN),
                                   round(lm.mouth_openness(pts), 3), round(float(others), 3), round(gain, 2), pts)
        return box

    def eyes_visible(self, luma: np.ndarray, face: Box) -> bool:
        """True when an eye of `face` can be seen: its pupil stands out from the white of the eye where
        the landmarks put it (the Haar eye cascade on the fallback path)."""
        if self.model and self.reading is not None and self.reading.box == face:
            return self.reading.eyes_visible
        return self.haar.eyes_visible(luma, face)
