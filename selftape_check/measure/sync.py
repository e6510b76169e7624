"""Audio/video sync (lip sync): draft, see bottom of this docstring once written."""

from __future__ import annotations

import time
from dataclasses import dataclass

import cv2
import numpy as np

from . import landmarks as lm
from ..media.frames import analysis_luma

AUDIO_SR = 16000
# inner-lip pairs (upper, lower) in MediaPipe's topology: centre and either side of it
LIP_PAIRS = ((13, 14), (82, 87), (312, 317))


def _mesh_from_points(gained: np.ndarray, pts: np.ndarray) -> tuple[np.ndarray, float]:
    """The face mesh run on the crop built from the landmarks of the frame before (MediaPipe's
    tracking: face_landmark_landmarks_to_roi), one network run instead of a detection and two."""
    angle = np.arctan2(pts[lm.L_EYE[0], 1] - pts[lm.R_EYE[0], 1], pts[lm.L_EYE[0], 0] - pts[lm.R_EYE[0], 0])
    c, s = np.cos(-angle), np.sin(-angle)
    rot = pts @ np.array([[c, -s], [s, c]]).T
    lo, hi = rot.min(0), rot.max(0)
    centre = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) @ ((lo + hi) / 2)
    m = lm._roi_affine(centre[0], centre[1], float(max(hi - lo)) * lm.MESH_ROI_SCALE, angle)
    return lm._run_mesh(gained, m)


def lip_opening(pts: np.ndarray) -> float:
    """Mean inner-lip gap of three pairs (centre and either side) over the mouth width."""
    width = float(np.linalg.norm(pts[lm.MOUTH_L] - pts[lm.MOUTH_R]))
    if width <= 0:
        return float("nan")
    return float(np.mean([np.linalg.norm(pts[u] - pts[d]) for u, d in LIP_PAIRS])) / width


class MouthTracker:
    """Per-frame face mesh: detect once, then track from the previous frame's landmarks; detect again
    when the mesh's face presence drops under landmarks.MIN_PRESENCE."""

    def __init__(self) -> None:
        self.pts: np.ndarray | None = None
        self.detections = 0
        self.meshes = 0

    def feed(self, luma: np.ndarray) -> tuple[float, np.ndarray | None]:
        gain = lm.gain_for(luma)
        gained = luma if gain == 1.0 else cv2.convertScaleAbs(luma, alpha=gain)
        if self.pts is not None:
            pts, presence = _mesh_from_points(gained, self.pts)
            self.meshes += 1
            if presence >= lm.MIN_PRESENCE:
                self.pts = pts
                return lip_opening(pts), pts
        self.pts = None
        self.detections += 1
        dets = lm.detect_faces(gained)
        if not dets:
            return float("nan"), None
        det = max(dets, key=lambda d: d.w * d.h)
        pts, presence = lm.face_mesh(gained, det)
        self.meshes += 2
        if presence < lm.MIN_PRESENCE:
            return float("nan"), None
        self.pts = pts
        return lip_opening(pts), pts


@dataclass(frozen=True)
class MouthSeries:
    t: np.ndarray  # frame times, s from the video stream's start
    opening: np.ndarray  # lip_opening per frame (NaN: no face)
    audio: np.ndarray  # mono float32, AUDIO_SR, from the audio stream's start
    sr: int
    audio_start_s: float  # the audio stream's start minus the video stream's start
    cost_s: float  # wall time of the landmark work (decoding excluded)
    decode_s: float
    lips: np.ndarray | None = None  # (n, k, 2) lip landmarks per frame, when asked for


def mouth_series(path: str, max_s: float | None = None, start_s: float = 0.0, keep_lips: bool = False) -> MouthSeries:
    """Decode `path` with PyAV: every video frame of [start_s, start_s + max_s) -> grey luma at the
    analysis size (640 px long side) -> face mesh -> lip opening; and the whole audio, mono, AUDIO_SR."""
    import av

    ts, ops, lips = [], [], []
    tracker = MouthTracker()
    cost = 0.0
    t_dec = time.perf_counter()
    with av.open(path) as c:
        vs = c.streams.video[0]
        vs.thread_type = "AUTO"
        v0 = float(vs.start_time * vs.time_base) if vs.start_time is not None else 0.0
        for frame in c.decode(vs):
            t = float(frame.pts * frame.time_base) - v0 if frame.pts is not None else float(frame.time)
            if t < start_s:
                continue
            if max_s is not None and t >= start_s + max_s:
                break
            y = frame.to_ndarray(format="gray")
            luma = analysis_luma(y)
            t1 = time.perf_counter()
            op, pts = tracker.feed(luma)
            cost += time.perf_counter() - t1
            ts.append(t)
            ops.append(op)
            if keep_lips:
                lips.append(pts[list(range(0, 468))][:, :2] if pts is not None else np.full((468, 2), np.nan))
    with av.open(path) as c:
        ast = c.streams.audio[0]
        a0 = float(ast.start_time * ast.time_base) if ast.start_time is not None else 0.0
        res = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_SR)
        chunks = []
        for frame in c.decode(ast):
            for f in res.resample(frame):
                chunks.append(f.to_ndarray().reshape(-1))
        for f in res.resample(None):
            chunks.append(f.to_ndarray().reshape(-1))
    audio = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    decode_s = time.perf_counter() - t_dec - cost
    return MouthSeries(np.array(ts), np.array(ops), audio, AUDIO_SR, a0 - v0, cost, decode_s,
                       np.array(lips) if keep_lips else None)
