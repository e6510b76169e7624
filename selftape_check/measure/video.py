"""Picture measurements per decoded frame: cheap ones on every frame, face and quality on coverage frames.

* exposure: luma inside the face box (Rec. 601/709 Y', normalised to 0-1 of the nominal range),
  its 95th percentile and share of clipped pixels, and the left/right balance of the face;
* sharpness: variance of the Laplacian on the face (Pech-Pacheco et al., 2000) over the face's own
  variance, at a fixed face width (128 px)
  so it does not depend on framing;
* noise: Immerkaer (1996) fast noise variance estimation on the face at native resolution;
* colour: the face's chroma against the skin locus (Chai & Ngan, 1999); without a face, the gray-edge
  illuminant estimate (van de Weijer et al., 2007) and its angle from neutral;
* motion (runs of consecutive frames): mean absolute frame difference, and global translation by
  phase correlation (Kuglin & Hines, 1975) on a small thumbnail; mouth movement (`measure.mouth`).
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from ..media.frames import THUMB_W, DecodedFrame
from ..model import FaceBox, VideoSeries
from .faces import FaceTracker
from .mouth import MouthMeter

SHIFT_FRAMES_PER_RUN = 16
MASK_SOFTEN = 0.04  # the background mask's edges are blurred over this share of the width (Gaussian sigma)
MAX_FRAME_GAP_S = 0.1  # frames closer than this are consecutive (10 fps and faster)
MAX_THUMBNAILS = 240  # small pictures (JPEG) kept for the HTML report (about 1.5 MB at most)
SHARPNESS_WIDTH = 128  # the face is resampled to this width before the Laplacian: framing-independent
CLIP_LEVEL = 0.98
BACKGROUND_PERCENTILE = 90  # face.backlit compares the bright part of the background with the face
NOISE_MAX_SIDE = 1024  # the noise estimate reads at most this square of its region (immerkaer_sigma)


def normalised_luma(y: np.ndarray, full_range: bool) -> np.ndarray:
    """uint8 Y' to float32 0-1: limited range (16-235) unless the stream says full range."""
    y = y.astype(np.float32)
    if full_range:
        return y / 255.0
    return np.clip((y - 16.0) / 219.0, 0.0, 1.0)


def laplacian_variance(gray: np.ndarray) -> float:
    """Focus measure: variance of the 3x3 Laplacian (Pech-Pacheco et al., 2000), divided by the
    variance of the image itself (x1000) so that a dim, low-contrast face does not read as blurred."""
    g = gray.astype(np.float32)
    return float(cv2.Laplacian(g, cv2.CV_32F).var() / max(float(g.var()), 1.0) * 1000.0)


def immerkaer_sigma(gray: np.ndarray) -> float:
    """Noise standard deviation by Immerkaer (1996): the image convolved with the difference of two
    Laplacians, sigma = sqrt(pi/2) / (6 (W-2)(H-2)) * sum |I * N|. Gray levels 0-255.
    Edges are excluded (Sobel magnitude above its 90th percentile) so texture is not read as noise.
    A region larger than NOISE_MAX_SIDE square is read in its centre: a million pixels pin sigma down,
    and the whole centre of an 8K frame took 200 MB of temporaries."""
    h, w = gray.shape
    y0, x0 = max(0, (h - NOISE_MAX_SIDE) // 2), max(0, (w - NOISE_MAX_SIDE) // 2)
    g = gray[y0: y0 + NOISE_MAX_SIDE, x0: x0 + NOISE_MAX_SIDE].astype(np.float32)
    if g.shape[0] < 8 or g.shape[1] < 8:
        return float("nan")
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)
    conv = np.abs(cv2.filter2D(g, -1, kernel, borderType=cv2.BORDER_REFLECT))[1:-1, 1:-1]
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0)[1:-1, 1:-1]
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1)[1:-1, 1:-1]
    mag = np.abs(gx) + np.abs(gy)
    flat = mag <= np.percentile(mag, 90)
    if flat.sum() < 16:
        return float("nan")
    return float(np.sqrt(np.pi / 2.0) / 6.0 * conv[flat].mean())


def gray_edge_cast_deg(rgb: np.ndarray, p: float = 6.0, sigma: float = 1.0) -> float:
    """Colour cast as the angle (degrees) between the illuminant estimated by the gray-edge hypothesis
    (van de Weijer, Gevers & Gijsenij, 2007: the Minkowski p-norm of each channel's gradient magnitude
    is achromatic) and neutral gray. Uniform coloured walls have no edges and do not bias it."""
    img = cv2.GaussianBlur(rgb.astype(np.float32), (0, 0), sigma)
    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1)
    mag = np.sqrt(gx ** 2 + gy ** 2).reshape(-1, 3).astype(np.float64)
    px = rgb.reshape(-1, 3).astype(np.float32)
    hi, lo = px.max(axis=1), px.min(axis=1)
    # clipped highlights carry no colour information, and edges of strongly coloured surfaces (a blue
    # backdrop) carry the surface's colour, not the light's: keep unclipped, moderately saturated pixels
    unclipped = (hi < 250) & ((hi - lo) < 0.6 * np.maximum(hi, 1.0))
    if unclipped.sum() < 16:
        return float("nan")
    e = (mag[unclipped] ** p).mean(axis=0) ** (1.0 / p)
    norm = np.linalg.norm(e)
    if norm < 1e-6:
        return float("nan")
    cos = float(np.clip(e.sum() / (norm * np.sqrt(3.0)), -1.0, 1.0))
    return float(np.degrees(np.arccos(cos)))


# Skin under neutral light, in luma-normalised chroma (100 (Cr-128)/Y', 100 (Cb-128)/Y'): mean and
# covariance measured on 13 real portraits of varied skin tones (darker to lighter, four continents).
SKIN_MEAN = np.array([16.71, -11.90])
SKIN_COV_INV = np.linalg.inv(np.array([[28.86, -11.60], [-11.60, 11.75]]))


def skin_cast_distance(rgb: np.ndarray, face: FaceBox) -> float:
    """How far the face's colour is from skin under neutral light: the Mahalanobis distance of the face
    centre's luma-normalised chroma from the skin cluster. Skin of every tone lies in a narrow chroma
    locus (Chai & Ngan, 1999); dividing by luma makes it independent of exposure; a colour cast moves it."""
    h, w = rgb.shape[:2]
    x0, x1 = int((face.x + face.w / 4) * w), int(np.ceil((face.x + 3 * face.w / 4) * w))
    y0, y1 = int((face.y + face.h / 4) * h), int(np.ceil((face.y + 3 * face.h / 4) * h))
    patch = rgb[y0:y1, x0:x1]
    if patch.size < 12:
        return float("nan")
    y, cr, cb = cv2.cvtColor(np.ascontiguousarray(patch), cv2.COLOR_RGB2YCrCb).reshape(-1, 3).astype(np.float64).mean(0)
    if y < 8:
        return float("nan")
    d = np.array([100 * (cr - 128) / y, 100 * (cb - 128) / y]) - SKIN_MEAN
    return float(np.sqrt(d @ SKIN_COV_INV @ d))


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two frames over the picture's contrast (std + 0.02): a dim or flat
    picture changes little in absolute terms, but its changes are as visible."""
    return float(np.abs(b - a).mean() / (float(a.std()) + 0.02))


class VideoMeter:
    """Feed `DecodedFrame`s in time order; `finish()` returns the `VideoSeries`."""

    def __init__(self, coverage_interval_s: float, mode: str) -> None:
        self.tracker = FaceTracker()
        self.coverage_interval_s = coverage_interval_s
        self.mode = mode
        self.cov: dict[str, list] = {k: [] for k in (
            "t", "found", "box", "face_mean", "face_p95", "face_clip", "face_lr", "bg_bright", "eyes",
            "frame_mean", "sharp", "noise", "cast", "skin", "cov_diff", "others", "mouth_open")}
        self.frames: dict[str, list] = {k: [] for k in ("t", "run", "luma", "bg_luma", "diff", "shift", "mouth",
                                                            "corrupt")}
        self._mouth = MouthMeter()
        self._last_face: FaceBox | None = None
        self._prev_run = -2
        self._run_len = 0
        self._prev_thumb: np.ndarray | None = None
        self._prev_t: float | None = None
        self._prev_cov_thumb: np.ndarray | None = None
        self._thumbs: list[tuple[float, np.ndarray]] = []
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
            self._measure_coverage(f, normalised_luma(f.luma, f.full_range), frame_mean)
            prev = self._prev_cov_thumb
            if prev is None:
                self._first_cov_thumb = thumb
            ok = prev is not None and prev.shape == thumb.shape
            self.cov["cov_diff"].append(relative_difference(prev, thumb) if ok else float("nan"))
            self._prev_cov_thumb = thumb
        background = self._background_weights(thumb.shape)
        bg_mean = frame_mean if background is None else float((thumb * background).sum() / background.sum())
        diff = shift = float("nan")
        same_run = f.run >= 0 and f.run == self._prev_run
        self._run_len = self._run_len + 1 if same_run else 1
        # the frame just before in time, even across a keyframe (thorough mode decodes runs back to back)
        follows = same_run or (self._prev_t is not None and 0 < f.t_s - self._prev_t <= MAX_FRAME_GAP_S)
        if follows and self._prev_thumb is not None and self._prev_thumb.shape == thumb.shape:
            diff = relative_difference(self._prev_thumb, thumb)
            # camera motion is read on the background (the actor's own movement is not shake), and half
            # a second per run is enough for a steady property
            if same_run and background is not None and self._run_len <= SHIFT_FRAMES_PER_RUN:
                # copies: cv2.phaseCorrelate applies the window to its inputs in place
                (dx, dy), _ = cv2.phaseCorrelate(self._prev_thumb.copy(), thumb.copy(),
                                                 _hanning(thumb.shape) * background)
                shift = float(np.hypot(dx, dy) / THUMB_W * 100.0)
        mouth = self._mouth.feed(f, self._last_face, follows)
        self._prev_run, self._prev_thumb, self._prev_t = f.run, thumb, f.t_s
        fr = self.frames
        fr["mouth"].append(mouth)
        fr["corrupt"].append(f.corrupt)
        fr["t"].append(f.t_s)
        fr["run"].append(f.run)
        fr["luma"].append(frame_mean)
        fr["bg_luma"].append(bg_mean)
        fr["diff"].append(diff)
        fr["shift"].append(shift)

    def extend(self, later: VideoMeter) -> None:
        """Append what `later` measured on the part of the tape right after this one (measure.run
        decodes two halves side by side). The differences across the seam, which neither meter could
        take alone, are taken here: the frame difference when the two frames follow each other
        (--thorough decodes every frame) and the difference between the coverage frames either side."""
        if later._first is None:
            return
        t0, thumb0 = later._first
        prev, prev_t = self._prev_thumb, self._prev_t
        if prev is not None and prev_t is not None and 0 < t0 - prev_t <= MAX_FRAME_GAP_S \
                and prev.shape == thumb0.shape and later.frames["t"] and later.frames["t"][0] == t0:
            later.frames["diff"][0] = relative_difference(prev, thumb0)
        cov0 = later._first_cov_thumb
        if cov0 is not None and self._prev_cov_thumb is not None and self._prev_cov_thumb.shape == cov0.shape \
                and later.cov["cov_diff"]:
            later.cov["cov_diff"][0] = relative_difference(self._prev_cov_thumb, cov0)
        for mine, theirs in ((self.cov, later.cov), (self.frames, later.frames)):
            for key, values in theirs.items():
                mine[key].extend(values)
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

    def _measure_coverage(self, f: DecodedFrame, luma: np.ndarray, frame_mean: float) -> None:
        c = self.cov
        h, w = f.luma.shape
        native = f.native_luma if f.native_luma is not None else f.luma
        kx, ky = native.shape[1] / w, native.shape[0] / h  # analysis -> native pixels (differ for non-square pixels)
        box = self.tracker.detect(f.luma)
        reading = self.tracker.reading  # landmarks' extra readings (None without a face or on the fallback)
        c["others"].append(reading.other_ratio if reading is not None else 0.0)
        c["mouth_open"].append(reading.mouth_openness if reading is not None else float("nan"))
        c["t"].append(f.t_s)
        if f.rgb_small is not None:
            self._keep_thumbnail(f.t_s, f.rgb_small)
        c["frame_mean"].append(frame_mean)
        c["cast"].append(gray_edge_cast_deg(f.rgb_small) if f.rgb_small is not None else float("nan"))
        nan = float("nan")
        if box is None:
            c["found"].append(False)
            c["box"].append(None)
            self._last_face = None
            for k in ("face_mean", "face_p95", "face_clip", "face_lr", "skin"):
                c[k].append(nan)
            c["bg_bright"].append(frame_mean)
            c["eyes"].append(False)
            centre = f.luma[h // 4: 3 * h // 4, w // 4: 3 * w // 4]
            nh, nw = native.shape
            c["sharp"].append(laplacian_variance(_fixed_width(centre, SHARPNESS_WIDTH)))
            c["noise"].append(immerkaer_sigma(native[nh // 4: 3 * nh // 4, nw // 4: 3 * nw // 4]))
            return
        # inner part of the box: skin, not hair or background
        ix0, iy0 = box.x + box.w // 6, box.y + box.h // 6
        ix1, iy1 = box.x + box.w * 5 // 6, box.y + box.h * 5 // 6
        face = luma[iy0:iy1, ix0:ix1]
        half = face.shape[1] // 2
        left, right = float(face[:, :half].mean()), float(face[:, half:].mean())
        lr_db = 20.0 * np.log10((max(left, right) + 0.02) / (min(left, right) + 0.02))
        mask = np.ones_like(luma, dtype=bool)
        ex, ey = box.w // 2, box.h // 2
        mask[max(0, box.y - ey): box.y + box.h + 3 * ey, max(0, box.x - ex): box.x + box.w + ex] = False
        # the bright part of the background: a window or lamp behind the actor sets the camera's exposure
        # even when it fills only part of the background
        bg = float(np.percentile(luma[mask], BACKGROUND_PERCENTILE)) if mask.any() else frame_mean
        c["found"].append(True)
        self._last_face = FaceBox(box.x / w, box.y / h, box.w / w, box.h / h)
        c["box"].append(self._last_face)
        c["face_mean"].append(float(face.mean()))
        c["face_p95"].append(float(np.percentile(face, 95)))
        c["face_clip"].append(float((face >= CLIP_LEVEL).mean()))
        c["face_lr"].append(float(lr_db))
        c["bg_bright"].append(bg)
        c["skin"].append(skin_cast_distance(f.rgb_small, self._last_face) if f.rgb_small is not None else nan)
        c["eyes"].append(self.tracker.eyes_visible(f.luma, box))
        face_u8 = f.luma[box.y: box.y + box.h, box.x: box.x + box.w]
        c["sharp"].append(laplacian_variance(_fixed_width(face_u8, SHARPNESS_WIDTH)))
        c["noise"].append(immerkaer_sigma(native[round(iy0 * ky): round(iy1 * ky), round(ix0 * kx): round(ix1 * kx)]))

    def finish(self, decoded_frames: int) -> VideoSeries:
        c, fr = self.cov, self.frames
        arr = lambda k, d=np.float32: np.asarray(c[k], dtype=d)  # noqa: E731
        order = np.argsort(np.asarray(fr["t"], dtype=float), kind="stable")
        farr = lambda k, d=np.float32: np.asarray(fr[k], dtype=d)[order]  # noqa: E731
        return VideoSeries(
            t_s=arr("t", np.float64), face_found=arr("found", bool), face_boxes=tuple(c["box"]),
            face_luma_mean=arr("face_mean"), face_luma_p95=arr("face_p95"),
            face_clipped_ratio=arr("face_clip"), face_lr_ratio_db=arr("face_lr"),
            background_luma_p90=arr("bg_bright"), eyes_found=arr("eyes", bool),
            frame_luma_mean=arr("frame_mean"), sharpness=arr("sharp"), noise_sigma=arr("noise"),
            color_cast_deg=arr("cast"), skin_cast_distance=arr("skin"), coverage_diff=arr("cov_diff"),
            frame_t_s=farr("t", np.float64), frame_run=farr("run", np.int32), frame_luma=farr("luma"),
            frame_background_luma=farr("bg_luma"),
            frame_diff=farr("diff"), frame_shift_px=farr("shift"), frame_mouth_change=farr("mouth"),
            frame_corrupt=farr("corrupt", bool),
            thumbnails=tuple(self._thumbs),
            coverage_interval_s=self.coverage_interval_s, decoded_frames=decoded_frames, mode=self.mode,
            other_face_ratio=arr("others"), mouth_openness=arr("mouth_open"),
        )


@functools.lru_cache(maxsize=8)
def _hanning(shape: tuple[int, int]) -> np.ndarray:
    return cv2.createHanningWindow(shape[::-1], cv2.CV_32F)


def _fixed_width(gray: np.ndarray, width: int) -> np.ndarray:
    if gray.size == 0:
        return np.zeros((8, 8), np.uint8)
    h, w = gray.shape
    return cv2.resize(gray, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
