"""The one exception the library raises for a file it cannot analyze, with a stable `type`."""

from __future__ import annotations

from typing import Literal

ErrorType = Literal[
    "not_found", "unreadable", "not_media", "no_streams", "truncated", "timeout", "too_large", "worker_lost",
    "corrupt_audio", "internal"
]


class AnalysisError(Exception):
    """A file could not be analyzed. `type` is part of the JSON contract (`error.type`)."""

    def __init__(self, type: ErrorType, message: str) -> None:
        super().__init__(message)
        self.type = type
        self.message = message
