"""The picture's measurements, one registered class each.

A measurement is a class with `series` (the names of the arrays it fills in `VideoSeries`, with their
dtype), a `measure(view)` that returns one value per series for one frame (a single value when it fills
one), and optionally `metrics` (its figures in the report's `metrics.video`, with the schema entry
written into docs/report.schema.json) and `across_seam` (its value at the first frame of the second
half, when the tape was decoded in two halves side by side: measure.run). Registered with `@per_frame`
it sees every decoded frame (`FrameView`: cheap work on a 160 px thumbnail); with `@per_coverage` it
sees the coverage frames (`CoverageView`: every 0.5 s by default, every frame with --thorough), after
the face was looked for. `measure.video.VideoMeter` drives them and gathers the series; nothing else
needs to change to add one (docs/design.md shows the diff of one).

The picture measures themselves (focus, noise, colour, change) are pure functions in `measure.picture`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, NamedTuple

import cv2
import numpy as np

from ..media.frames import THUMB_W, DecodedFrame
from ..model import FaceBox
from ..units import median
from .faces import FaceReading
from .mouth import MouthMeter
from .picture import (
    fixed_width, gray_edge_cast_deg, hanning, immerkaer_sigma, laplacian_variance, relative_difference,
    skin_cast_distance,
)

SHIFT_FRAMES_PER_RUN = 16  # camera motion: half a second per run is enough for a steady property
SHARPNESS_WIDTH = 128  # the face is resampled to this width before the Laplacian: framing-independent
CLIP_LEVEL = 0.98
BACKGROUND_PERCENTILE = 90  # face.backlit compares the bright part of the background with the face
NAN = float("nan")


class Series(NamedTuple):
    name: str  # the VideoSeries attribute (`series.<name>`)
    dtype: Any = np.float32
    doc: str = ""


class Metric(NamedTuple):
    """A figure of `metrics.video`: `of(values)` gets the meter's first series over the tape."""

    name: str
    digits: int | None
    of: Callable[[np.ndarray], float | None]
    doc: str  # the schema's description


@dataclass(frozen=True)
class FrameView:
    """What a per-frame measurement sees of one decoded frame."""

    frame: DecodedFrame
    thumb: np.ndarray  # 160 px wide luma, 0-1
    mean: float  # its mean
    prev_thumb: np.ndarray | None  # the thumbnail of the frame decoded before this one
    follows: bool  # ... which is the frame just before in time (same run, or at most 0.1 s before)
    same_run: bool  # ... of the same run of consecutive frames decoded from one keyframe
    run_len: int  # frames of this run so far, this one included
    face: FaceBox | None  # the face box in force (found on the last coverage frame)
    background: np.ndarray | None  # weights on the thumbnail: 1 outside the person, 0 on it


@dataclass(frozen=True)
class CoverageView:
    """What a coverage measurement sees: the frame at analysis size and the face found on it."""

    frame: DecodedFrame
    luma: np.ndarray  # analysis-size luma, 0-1
    thumb: np.ndarray  # 160 px wide luma, 0-1
    mean: float  # mean of the thumbnail
    box: Any  # the face box in analysis pixels (x, y, w, h), None without a face
    face: FaceBox | None  # the same in shares of the frame
    reading: FaceReading | None  # the landmarks' extra readings (None without a face or on the fallback)
    eyes_visible: Callable[[], bool]  # the tracker's answer for this box
    native: np.ndarray  # full-resolution luma (stored pixels)
    prev_thumb: np.ndarray | None  # the thumbnail of the coverage frame before

    @property
    def inner(self) -> tuple[int, int, int, int]:
        """The inner part of the face box (skin, not hair or background): x0, y0, x1, y1 in analysis px."""
        b = self.box
        return b.x + b.w // 6, b.y + b.h // 6, b.x + b.w * 5 // 6, b.y + b.h * 5 // 6

    def native_region(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        """Analysis-pixel region at native resolution (the two differ for non-square pixels)."""
        h, w = self.frame.luma.shape
        ky, kx = self.native.shape[0] / h, self.native.shape[1] / w
        return self.native[round(y0 * ky): round(y1 * ky), round(x0 * kx): round(x1 * kx)]


class Meter:
    """The base of every measurement: its `series`, `measure(view)` (one value per series, a single value
    when it fills one), and by default no metric of its own and nothing to retake at a seam."""

    series: ClassVar[tuple[Series, ...]] = ()
    metrics: ClassVar[tuple[Metric, ...]] = ()

    def across_seam(self, before: np.ndarray, first: np.ndarray) -> Any:
        """The value of the meter's first series at the later half's first frame, given the thumbnail of
        the frame before it (`before`) and of that frame (`first`); None keeps what the later half read.
        Only a measurement that compares a frame with the one before needs it."""
        return None


PER_FRAME: list[type[Meter]] = []
PER_COVERAGE: list[type[Meter]] = []


def per_frame(cls: type[Meter]) -> type[Meter]:
    PER_FRAME.append(cls)
    return cls


def per_coverage(cls: type[Meter]) -> type[Meter]:
    PER_COVERAGE.append(cls)
    return cls


def _difference(prev: np.ndarray | None, thumb: np.ndarray) -> float:
    """`relative_difference` of two thumbnails, NaN without a comparable one before."""
    return relative_difference(prev, thumb) if prev is not None and prev.shape == thumb.shape else NAN


# ---- every decoded frame ------------------------------------------------------------------------------

@per_frame
class FrameLuma(Meter):
    """Mean luma of the frame: black frames, flicker, the exposure over time."""

    series = (Series("frame_luma", doc="0-1 mean luma of each decoded frame"),)

    def measure(self, v: FrameView) -> float:
        return v.mean


@per_frame
class BackgroundLuma(Meter):
    """Mean luma outside the person (the whole frame when no face is known): flicker from the lights."""

    series = (Series("frame_background_luma", doc="0-1 mean luma outside the person"),)

    def measure(self, v: FrameView) -> float:
        if v.background is None:
            return v.mean
        return float((v.thumb * v.background).sum() / v.background.sum())


@per_frame
class FrameDifference(Meter):
    """Change from the frame just before (mean abs difference / (std + 0.02)): cuts, freezes."""

    series = (Series("frame_diff", doc="relative difference to the frame just before, NaN when none"),)

    def measure(self, v: FrameView) -> float:
        return _difference(v.prev_thumb, v.thumb) if v.follows else NAN

    def across_seam(self, before: np.ndarray, first: np.ndarray) -> float:
        return _difference(before, first)


@per_frame
class CameraShift(Meter):
    """Global translation of the background from the frame before (phase correlation, Kuglin & Hines
    1975), % of the width: the actor's own movement is not shake. The first 16 frames of each run."""

    series = (Series("frame_shift_px", doc="background motion to the previous frame of the run, % of width"),)

    def measure(self, v: FrameView) -> float:
        prev = v.prev_thumb
        if not (v.same_run and prev is not None and prev.shape == v.thumb.shape and v.background is not None
                and v.run_len <= SHIFT_FRAMES_PER_RUN):
            return NAN
        # copies: cv2.phaseCorrelate applies the window to its inputs in place
        (dx, dy), _ = cv2.phaseCorrelate(prev.copy(), v.thumb.copy(), hanning(v.thumb.shape) * v.background)
        return float(np.hypot(dx, dy) / THUMB_W * 100.0)


@per_frame
class MouthChange(Meter):
    """Mouth movement since the frame before (measure.mouth): who speaks, actor or reader."""

    series = (Series("frame_mouth_change", doc="mouth movement since the frame before; NaN unknown"),)

    def __init__(self) -> None:
        self._mouth = MouthMeter()

    def measure(self, v: FrameView) -> float:
        return self._mouth.feed(v.frame, v.face, v.follows)


@per_frame
class Corruption(Meter):
    """The decoder met damaged data in this frame and concealed it."""

    series = (Series("frame_corrupt", bool, "the decoder concealed damaged data in this frame"),)

    def measure(self, v: FrameView) -> bool:
        return v.frame.corrupt


@per_frame
class FrameContrast(Meter):
    """RMS contrast of the frame (standard deviation of its luma, 0-1; Peli 1990): a hazy, washed-out
    picture (a dirty lens, flare, fog) reads low, a lit face against a darker room 0.15-0.25."""

    series = (Series("frame_contrast", doc="RMS contrast (std of luma, 0-1) of each decoded frame"),)
    metrics = (Metric("frame_contrast_median", 3, median,
                      "median over the decoded frames of the RMS contrast (std of luma, 0-1)"),)

    def measure(self, v: FrameView) -> float:
        return float(v.thumb.std())


# ---- coverage frames (after the face was looked for) ---------------------------------------------------

@per_coverage
class LandmarkReadings(Meter):
    """From the face landmarks: a second face beside the actor's, and how open the mouth is."""

    series = (Series("other_face_ratio", doc="the largest other face's height / the actor's: 0 alone"),
              Series("mouth_openness", doc="inner lip gap / mouth width, NaN without landmarks"))

    def measure(self, v: CoverageView) -> tuple[float, float]:
        r = v.reading
        return (r.other_ratio, r.mouth_openness) if r is not None else (0.0, NAN)


@per_coverage
class CoverageLuma(Meter):
    series = (Series("frame_luma_mean", doc="0-1 mean luma of the coverage frame"),)

    def measure(self, v: CoverageView) -> float:
        return v.mean


@per_coverage
class ColourCast(Meter):
    """Gray-edge illuminant estimate's angle from neutral (van de Weijer et al., 2007)."""

    series = (Series("color_cast_deg", doc="angle of the gray-edge illuminant from neutral, degrees"),)

    def measure(self, v: CoverageView) -> float:
        return gray_edge_cast_deg(v.frame.rgb_small) if v.frame.rgb_small is not None else NAN


@per_coverage
class FaceExposure(Meter):
    """Luma inside the face (its inner part: skin): mean, 95th percentile, share clipped, and the
    balance of its two halves in dB."""

    series = (Series("face_luma_mean"), Series("face_luma_p95"), Series("face_clipped_ratio"),
              Series("face_lr_ratio_db"))

    def measure(self, v: CoverageView) -> tuple[float, float, float, float]:
        if v.box is None:
            return NAN, NAN, NAN, NAN
        x0, y0, x1, y1 = v.inner
        face = v.luma[y0:y1, x0:x1]
        half = face.shape[1] // 2
        left, right = float(face[:, :half].mean()), float(face[:, half:].mean())
        lr_db = 20.0 * np.log10((max(left, right) + 0.02) / (min(left, right) + 0.02))
        return (float(face.mean()), float(np.percentile(face, 95)), float((face >= CLIP_LEVEL).mean()),
                float(lr_db))


@per_coverage
class BackgroundBrightness(Meter):
    """The bright part of the background (90th percentile outside the face and body): a window or lamp
    behind the actor sets the camera's exposure even when it fills only part of the background."""

    series = (Series("background_luma_p90", doc="0-1, frame mean without a face"),)

    def measure(self, v: CoverageView) -> float:
        if v.box is None:
            return v.mean
        b, luma = v.box, v.luma
        mask = np.ones_like(luma, dtype=bool)
        ex, ey = b.w // 2, b.h // 2
        mask[max(0, b.y - ey): b.y + b.h + 3 * ey, max(0, b.x - ex): b.x + b.w + ex] = False
        return float(np.percentile(luma[mask], BACKGROUND_PERCENTILE)) if mask.any() else v.mean


@per_coverage
class SkinCast(Meter):
    series = (Series("skin_cast_distance", doc="Mahalanobis distance of face chroma from neutral-lit skin"),)

    def measure(self, v: CoverageView) -> float:
        if v.face is None or v.frame.rgb_small is None:
            return NAN
        return skin_cast_distance(v.frame.rgb_small, v.face)


@per_coverage
class Eyes(Meter):
    series = (Series("eyes_found", bool, "both eyes seen open (False without a face)"),)

    def measure(self, v: CoverageView) -> bool:
        return v.eyes_visible() if v.box is not None else False


@per_coverage
class Sharpness(Meter):
    """Focus on the face (the centre of the frame without one) at 128 px width (Pech-Pacheco et al.)."""

    series = (Series("sharpness", doc="variance of Laplacian / variance x1000 at 128 px width"),)

    def measure(self, v: CoverageView) -> float:
        luma = v.frame.luma
        if v.box is None:
            h, w = luma.shape
            region = luma[h // 4: 3 * h // 4, w // 4: 3 * w // 4]
        else:
            b = v.box
            region = luma[b.y: b.y + b.h, b.x: b.x + b.w]
        return laplacian_variance(fixed_width(region, SHARPNESS_WIDTH))


@per_coverage
class Noise(Meter):
    """Sensor noise on the face (the centre without one) at native resolution (Immerkaer 1996)."""

    series = (Series("noise_sigma", doc="Immerkaer noise sigma, luma 0-255"),)

    def measure(self, v: CoverageView) -> float:
        if v.box is None:
            nh, nw = v.native.shape
            return immerkaer_sigma(v.native[nh // 4: 3 * nh // 4, nw // 4: 3 * nw // 4])
        return immerkaer_sigma(v.native_region(*v.inner))


@per_coverage
class CoverageDifference(Meter):
    """Change since the coverage frame before (frames 0.5 s apart): freezes."""

    series = (Series("coverage_diff", doc="relative difference to the previous coverage frame, NaN first"),)

    def measure(self, v: CoverageView) -> float:
        return _difference(v.prev_thumb, v.thumb)

    def across_seam(self, before: np.ndarray, first: np.ndarray) -> float:
        return _difference(before, first)


def metric_values(series: Any) -> tuple[tuple[str, float | None, int | None], ...]:
    """Every registered meter's figures for `metrics.video` from a `VideoSeries`: (name, value, digits)."""
    return tuple((m.name, m.of(getattr(series, cls.series[0].name)), m.digits)
                 for cls in (*PER_FRAME, *PER_COVERAGE) for m in cls.metrics)
