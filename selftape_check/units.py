"""Unit conversions shared by the stages (no signal processing of their own)."""

from __future__ import annotations

import numpy as np


def median(a: np.ndarray) -> float | None:
    """The median of the finite values, None without any."""
    a = np.asarray(a, dtype=float)
    a = a[np.isfinite(a)]
    return float(np.median(a)) if a.size else None


def energy_mean_db(levels_db: np.ndarray) -> float | None:
    """Mean of levels in the power domain (how loudness averages), in dB."""
    levels_db = np.asarray(levels_db, dtype=float)
    if levels_db.size == 0:
        return None
    return float(10 * np.log10(np.mean(10 ** (levels_db / 10))))
