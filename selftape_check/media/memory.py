"""Keep the process small on long tapes: hand freed heap memory back to the system.

Decoder threads allocate frame buffers in their own glibc malloc arenas; freed, those pages stay with
the process, and over a two-hour tape the resident size creeps up (measured here: 324 MB for a 2-hour
tape against 146 MB for 30 minutes). `malloc_trim(0)` now and then returns them (157 MB). Elsewhere
(musl, macOS, Windows) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
