"""The picture's series: feeds every decoded frame to the registered measurements (measure.meters).

Per decoded frame: a 160 px luma thumbnail (`FrameView`) for the cheap figures; per coverage frame
(every 0.5 s by default, every frame with --thorough) the face is looked for first (measure.faces), then
the coverage measurements read the frame at analysis size (`CoverageView`). The driver keeps what the
measurements share: the face box in force, the background mask around the person, the frame before,
and a bounded set of small pictures for the HTML report.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..media.frames import DecodedFrame
from ..model import FaceBox, VideoSeries
from .faces import FaceTracker
from .meters import PER_COVERAGE, PER_FRAME, CoverageView, FrameView
from .picture import normalised_luma

MASK_SOFTEN = 0.04  # the background mask's edges are blurred over this share of the width (Gaussian sigma)
MAX_FRAME_GAP_S = 0.1  # frames closer than this are consecutive (10 fps and faster)
MAX_THUMBNAILS = 240  # small pictures (JPEG) kept for the HTML report (about 1.5 MB at most)


class _Gatherer:
    """The registered meters of one kind, and the lists their values go to, by series name."""

    def __init__(self, classes: list) -> None:
        self.meters = [cls() for cls in classes]
        self.values: dict[str, list] = {s.name: [] for m in self.meters for s in m.series}

    def feed(self, view) -> None:
        for m in self.meters:
            out = m.measure(view)
            if len(m.series) == 1:
                self.values[m.series[0].name].append(out)
            else:
                for s, value in zip(m.series, out):
                    self.values[s.name].append(value)

    def retake_first(self, before: np.ndarray, first: np.ndarray) -> None:
        """At the seam of two halves: each meter's value at the later half's first frame, given the
        thumbnail before it (only meters reading the frame before take it again)."""
        for m in self.meters:
            value = m.across_seam(before, first)
            if value is not None and self.values[m.series[0].name]:
                self.values[m.series[0].name][0] = value

    def extend(self, later: _Gatherer) -> None:
        for name, values in later.values.items():
            self.values[name].extend(values)

    def arrays(self, order: np.ndarray | None = None) -> dict[str, np.ndarray]:
        out = {}
        for m in self.meters:
            for s in m.series:
                a = np.asarray(self.values[s.name], dtype=s.dtype)
                out[s.name] = a[order] if order is not None else a
        return out


class VideoMeter:
    """Feed `DecodedFrame`s in time order; `finish()` returns the `VideoSeries`."""

    def __init__(self, coverage_interval_s: float, mode: str) -> None:
        self.tracker = FaceTracker()
        self.coverage_interval_s = coverage_interval_s
        self.mode = mode
        self.per_frame = _Gatherer(PER_FRAME)
        self.per_coverage = _Gatherer(PER_COVERAGE)
        self.cov_t: list[float] = []
        self.found: list[bool] = []
        self.boxes: list[FaceBox | None] = []
        self.frame_t: list[float] = []
        self.frame_run: list[int] = []
        self._last_face: FaceBox | None = None
        self._prev_run = -2
        self._run_len = 0
        self._prev_thumb: np.ndarray | None = None
        self._prev_t: float | None = None
        self._prev_cov_thumb: np.ndarray | None = None
        self._thumbs: list[tuple[float, bytes]] = []
        self._weights_key: tuple | None = None
        self._weights: np.ndarray | None = None
        self._thumb_stride = 1
        self._thumb_count = 0
        self._first: tuple[float, np.ndarray] | None = None  # time and thumbnail of the first frame
        self._first_cov_thumb: np.ndarray | None = None

    def feed(self, f: DecodedFrame) -> None:
        thumb = normalised_luma(f.thumb, f.full_range)
        frame_mean = float(thumb.mean())
        if self._first is None:
            self._first = (f.t_s, thumb)
        if f.coverage:  # first, so the background mask below follows the face found in this frame
            self._measure_coverage(f, thumb, frame_mean)
        same_run = f.run >= 0 and f.run == self._prev_run
        self._run_len = self._run_len + 1 if same_run else 1
        # the frame just before in time, even across a keyframe (every frame is decoded back to back)
        follows = same_run or (self._prev_t is not None and 0 < f.t_s - self._prev_t <= MAX_FRAME_GAP_S)
        self.per_frame.feed(FrameView(
            frame=f, thumb=thumb, mean=frame_mean, prev_thumb=self._prev_thumb, follows=follows,
            same_run=same_run, run_len=self._run_len, face=self._last_face,
            background=self._background_weights(thumb.shape)))
        self._prev_run, self._prev_thumb, self._prev_t = f.run, thumb, f.t_s
        self.frame_t.append(f.t_s)
        self.frame_run.append(f.run)

    def _measure_coverage(self, f: DecodedFrame, thumb: np.ndarray, frame_mean: float) -> None:
        h, w = f.luma.shape
        box = self.tracker.detect(f.luma)
        self._last_face = None if box is None else FaceBox(box.x / w, box.y / h, box.w / w, box.h / h)
        self.cov_t.append(f.t_s)
        self.found.append(box is not None)
        self.boxes.append(self._last_face)
        if f.rgb_small is not None:
            self._keep_thumbnail(f.t_s, f.rgb_small)
        if self._prev_cov_thumb is None:
            self._first_cov_thumb = thumb
        self.per_coverage.feed(CoverageView(
            frame=f, luma=normalised_luma(f.luma, f.full_range), thumb=thumb, mean=frame_mean, box=box,
            face=self._last_face, reading=self.tracker.reading,
            eyes_visible=lambda: self.tracker.eyes_visible(f.luma, box),
            native=f.native_luma if f.native_luma is not None else f.luma, prev_thumb=self._prev_cov_thumb))
        self._prev_cov_thumb = thumb

    def extend(self, later: VideoMeter) -> None:
        """Append what `later` measured on the part of the tape right after this one (measure.run
        decodes two halves side by side). What neither meter could take alone, the measurements that
        read the frame before, is taken again here from the frames either side of the seam: per decoded
        frame when the two frames follow each other, per coverage frame always."""
        if later._first is None:
            return
        t0, thumb0 = later._first
        prev, prev_t = self._prev_thumb, self._prev_t
        if prev is not None and prev_t is not None and 0 < t0 - prev_t <= MAX_FRAME_GAP_S \
                and later.frame_t and later.frame_t[0] == t0:
            later.per_frame.retake_first(prev, thumb0)
        if later._first_cov_thumb is not None and self._prev_cov_thumb is not None:
            later.per_coverage.retake_first(self._prev_cov_thumb, later._first_cov_thumb)
        self.per_frame.extend(later.per_frame)
        self.per_coverage.extend(later.per_coverage)
        self.cov_t.extend(later.cov_t)
        self.found.extend(later.found)
        self.boxes.extend(later.boxes)
        self.frame_t.extend(later.frame_t)
        self.frame_run.extend(later.frame_run)
        self._thumbs.extend(later._thumbs)
        while len(self._thumbs) >= MAX_THUMBNAILS:
            self._thumbs = self._thumbs[::2]
        self._prev_thumb, self._prev_t = later._prev_thumb, later._prev_t
        self._prev_cov_thumb = later._prev_cov_thumb

    def _keep_thumbnail(self, t_s: float, rgb: np.ndarray) -> None:
        """A bounded, evenly spread set of small pictures for the HTML report: when full, every other
        one is dropped and only every second new one is kept from then on."""
        self._thumb_count += 1
        if (self._thumb_count - 1) % self._thumb_stride:
            return
        # kept as JPEG (quality 95, about 6 KB against 43 KB of pixels): the report's pictures are JPEG
        # anyway, and 240 raw ones were 10 MB of the 25 MB a 30-minute tape held more than a 1-minute one
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])
        if ok:
            self._thumbs.append((t_s, jpeg.tobytes()))
        if len(self._thumbs) >= MAX_THUMBNAILS:
            self._thumbs = self._thumbs[::2]
            self._thumb_stride *= 2
    def _background_weights(self, shape: tuple[int, int]) -> np.ndarray | None:
        """1 outside the person (the last face box widened, and everything below it), 0 on the person;
        None when less than a fifth of the frame is background (nothing reliable to read motion on).
        Computed again only when the face box or the frame size changes."""
        key = (shape, self._last_face)
        if self._weights_key != key:
            self._weights_key, self._weights = key, self._make_background_weights(shape)
        return self._weights
    def _make_background_weights(self, shape: tuple[int, int]) -> np.ndarray | None:
        box = self._last_face
        h, w = shape
        weights = np.ones(shape, dtype=np.float32)
        if box is not None:
            x0, x1 = int((box.x - 0.5 * box.w) * w), int(np.ceil((box.x + 1.5 * box.w) * w))
            y0 = int((box.y - 0.3 * box.h) * h)
            weights[max(0, y0):, max(0, x0):max(0, x1)] = 0.0
        if weights.mean() < 0.2:
            return None
        # soft edges: a hard-edged mask is the same in both frames and its edges correlate at zero shift,
        # which pulled a 0.6 % shake down to 0.2-0.4 % on plain walls
        return cv2.GaussianBlur(weights, (0, 0), MASK_SOFTEN * w)
    def finish(self, decoded_frames: int) -> VideoSeries:
        order = np.argsort(np.asarray(self.frame_t, dtype=float), kind="stable")
        frames = self.per_frame.arrays(order)
        coverage = self.per_coverage.arrays()
        return VideoSeries(
            t_s=np.asarray(self.cov_t, dtype=np.float64), face_found=np.asarray(self.found, dtype=bool),
            face_boxes=tuple(self.boxes),
            frame_t_s=np.asarray(self.frame_t, dtype=np.float64)[order],
            frame_run=np.asarray(self.frame_run, dtype=np.int32)[order],
            coverage=coverage, frames=frames, thumbnails=tuple(self._thumbs),
            coverage_interval_s=self.coverage_interval_s, decoded_frames=decoded_frames, mode=self.mode,
        )
