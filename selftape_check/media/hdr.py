"""HDR video (HLG or PQ, ITU-R BT.2100) seen as on an SDR screen, so the picture checks read it on
the scale they were set on.

Phones record HDR by default (iPhones: HLG in Dolby Vision 8.4; many Androids: HDR10/HDR10+, PQ). Its
code values are not SDR brightness: a face at SDR 0.60 is coded near 0.53 in HLG and 0.45 in PQ, so a
well-lit HDR face would read dim. Each decoded frame's luma is mapped through a look-up table:
code -> display light (PQ: the EOTF; HLG: the inverse OETF and the OOTF of a 1000 cd/m2 display,
system gamma 1.2) -> relative to HDR reference white (203 cd/m2, ITU-R BT.2408) -> a soft knee above
0.75 for highlights -> the SDR code of that light on a BT.1886 (gamma 2.4) display. Reference white
becomes SDR 100 %, as BT.2408 maps it. Chroma is left as coded (the colour checks read hue, which the
transfer function does not turn)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

TRC_PQ = 16  # AVColorTransferCharacteristic: SMPTE ST 2084
TRC_HLG = 18  # ARIB STD-B67
REFERENCE_WHITE_NITS = 203.0  # ITU-R BT.2408: HDR reference (diffuse) white
HLG_PEAK_NITS = 1000.0  # the nominal HLG display of BT.2100 (system gamma 1.2)
KNEE = 0.75  # SDR light above this share of reference white is compressed smoothly into the rest
SDR_GAMMA = 2.4  # ITU-R BT.1886


def pq_to_nits(e: np.ndarray) -> np.ndarray:
    """PQ EOTF (SMPTE ST 2084 / BT.2100): non-linear signal 0-1 -> display light, cd/m2."""
    m1, m2 = 2610 / 16384, 2523 / 4096 * 128
    c1, c2, c3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
    p = np.power(np.clip(e, 0.0, 1.0), 1.0 / m2)
    return 10000.0 * np.power(np.maximum(p - c1, 0.0) / (c2 - c3 * p), 1.0 / m1)


def hlg_to_nits(e: np.ndarray) -> np.ndarray:
    """HLG (ARIB STD-B67 / BT.2100): inverse OETF to scene light, then the OOTF of a 1000 cd/m2
    display (system gamma 1.2), applied to the luma signal as to a grey."""
    a, b, c = 0.17883277, 0.28466892, 0.55991073
    e = np.clip(e, 0.0, 1.0)
    scene = np.where(e <= 0.5, e * e / 3.0, (np.exp((e - c) / a) + b) / 12.0)
    return HLG_PEAK_NITS * np.power(scene, 1.2)


def sdr_signal(nits: np.ndarray) -> np.ndarray:
    """Display light -> the SDR signal (0-1) that shows it, reference white at 1.0, highlights over
    KNEE compressed (tanh) into what is left below 1.0."""
    rel = np.asarray(nits, dtype=np.float64) / REFERENCE_WHITE_NITS
    rest = 1.0 - KNEE
    rel = np.where(rel <= KNEE, rel, KNEE + rest * np.tanh((rel - KNEE) / rest))
    return np.power(np.clip(rel, 0.0, 1.0), 1.0 / SDR_GAMMA)


@lru_cache(maxsize=8)
def luma_lut(trc: int, full_range: bool) -> np.ndarray | None:
    """A 256-entry uint8 table from 8-bit HDR luma codes to SDR-equivalent codes in the same range
    convention; None when `trc` is not HDR."""
    if trc not in (TRC_PQ, TRC_HLG):
        return None
    code = np.arange(256, dtype=np.float64)
    lo, span = (0.0, 255.0) if full_range else (16.0, 219.0)
    e = np.clip((code - lo) / span, 0.0, 1.0)
    nits = pq_to_nits(e) if trc == TRC_PQ else hlg_to_nits(e)
    out = lo + span * sdr_signal(nits)
    return np.clip(np.round(out), 0, 255).astype(np.uint8)
