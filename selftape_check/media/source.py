"""Where a tape's bytes come from: a local path (opened by FFmpeg itself) or a URL that fsspec opens
(`s3://`, `gs://`, `file://`, ...), read through a Python file object, block by block.

A URL is streamed: PyAV asks the file object for small reads and seeks (its I/O buffer is 32 KB), and
fsspec's remote files fetch and cache blocks of `BLOCK_BYTES` (read-ahead), so a tape is never copied
whole into memory nor onto disk. fsspec (and the package for the protocol: `s3fs`, `gcsfs`) is an
optional dependency, imported only when a URL is given.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from typing import IO, Iterator

from ..errors import AnalysisError

# fsspec's own default block for remote files is 5 MB; one block is read ahead of the decoder
BLOCK_BYTES = 5 * 2**20
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def is_url(path: str) -> bool:
    """`s3://bucket/take.mp4`, `file:///mnt/tapes/take.mp4`: a path with a protocol (fsspec's form)."""
    return bool(_URL.match(path))


def _filesystem(url: str):
    try:
        from fsspec.core import url_to_fs
    except ImportError as exc:
        raise AnalysisError("unreadable", f"{url}: reading a URL needs fsspec: "
                            "pip install 'selftape-check[distributed]'") from exc
    try:
        return url_to_fs(url)
    except (ImportError, ValueError) as exc:  # an unknown protocol, or its package (s3fs, gcsfs) missing
        raise AnalysisError("unreadable", f"{url}: cannot read this kind of URL ({exc})") from exc


def url_size_bytes(url: str) -> int:
    """The size of the file at `url`; AnalysisError (not_found / not_media / unreadable) otherwise."""
    fs, inner = _filesystem(url)
    try:
        info = fs.info(inner)
    except FileNotFoundError as exc:
        raise AnalysisError("not_found", f"{url}: no such file") from exc
    except PermissionError as exc:
        raise AnalysisError("unreadable", f"{url}: permission denied") from exc
    except OSError as exc:
        raise AnalysisError("unreadable", f"{url}: cannot read ({exc})") from exc
    if info.get("type") == "directory":
        raise AnalysisError("not_media", f"{url}: is a folder, not a media file")
    size = int(info.get("size") or 0)
    if size == 0:
        raise AnalysisError("not_media", f"{url}: the file is empty")
    return size


def size_bytes(path: str) -> int | None:
    """The file's size in bytes (local or URL); None where it cannot be read (the report says why)."""
    if is_url(path):
        try:
            return url_size_bytes(path)
        except AnalysisError:
            return None
    return os.path.getsize(path) if os.path.isfile(path) else None


@contextmanager
def open_url(url: str) -> Iterator[IO[bytes]]:
    """A read-only, seekable binary file object on `url`, fetched in blocks as it is read."""
    fs, inner = _filesystem(url)
    url_size_bytes(url)  # not found, a folder or empty: the same errors as a local path
    try:
        fh = fs.open(inner, "rb", block_size=BLOCK_BYTES)
    except PermissionError as exc:
        raise AnalysisError("unreadable", f"{url}: permission denied") from exc
    except OSError as exc:
        raise AnalysisError("unreadable", f"{url}: cannot open ({exc})") from exc
    try:
        yield fh
    finally:
        fh.close()


def list_url(url: str, extensions: set[str]) -> list[str] | None:
    """The media files (by extension) under a URL that is a folder, sorted, hidden names left out;
    None when `url` is not a folder (a file, or nothing there: analysis will say which)."""
    fs, inner = _filesystem(url)
    try:
        if not fs.isdir(inner):
            return None
        found = fs.find(inner)
    except OSError:
        return None
    protocol = url.split("://", 1)[0]
    out = []
    for name in sorted(found):
        parts = name.rstrip("/").split("/")
        if any(p.startswith(".") for p in parts[len(inner.rstrip("/").split("/")):]):
            continue
        if os.path.splitext(name)[1].lower() in extensions:
            full = fs.unstrip_protocol(name)
            out.append(full if full.startswith(protocol + "://") else f"{protocol}://{name}")
    return out
