"""Picture measures on one frame: pure functions of pixels (numpy and OpenCV), no state.

* exposure: Rec. 601/709 Y' normalised to 0-1 of the nominal range;
* sharpness: variance of the Laplacian (Pech-Pacheco et al., 2000) over the region's own variance, at a
  fixed width so it does not depend on framing;
* noise: Immerkaer (1996) fast noise variance estimation at native resolution;
* colour: the face's chroma against the skin locus (Chai & Ngan, 1999); without a face, the gray-edge
  illuminant estimate (van de Weijer et al., 2007) and its angle from neutral;
* change: mean absolute difference of two frames over the picture's contrast.

The registered measurements that apply them to each frame are in `measure.meters`.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from ..model import FaceBox

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


@functools.lru_cache(maxsize=8)
def hanning(shape: tuple[int, int]) -> np.ndarray:
    return cv2.createHanningWindow(shape[::-1], cv2.CV_32F)


def fixed_width(gray: np.ndarray, width: int) -> np.ndarray:
    if gray.size == 0:
        return np.zeros((8, 8), np.uint8)
    h, w = gray.shape
    return cv2.resize(gray, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
