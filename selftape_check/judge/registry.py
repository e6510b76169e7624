"""Where checks register. A check is a function `(ctx) -> iterable of Finding` with an id and the
stream it needs; adding one is a new decorated function in a check module, nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Literal

from ..model import Finding, Measurements
from .settings import Thresholds

if TYPE_CHECKING:
    from ..measure.voices import Voices
    from ..profiles import Profile
    from .motion import RunStats

Needs = Literal["media", "video", "audio", "av"]


@dataclass(frozen=True)
class Context:
    m: Measurements
    t: Thresholds
    metrics: dict  # {"video": {...}, "audio": {...}, "av": {...}}, computed before the checks
    motion: "RunStats | None" = None  # per-run flicker and shake (judge.motion), computed once
    voices: "Voices | None" = None  # who speaks when, and each voice's loudness (measure.voices)
    profile: "Profile | None" = None  # the upload target's limits (--profile), for the upload checks
    slate: "tuple[float, float, str] | None" = None  # (start, end, how it was told apart): judge.edit


CheckFn = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    id: str
    needs: Needs
    fn: CheckFn


CHECKS: dict[str, Check] = {}


def check(id: str, needs: Needs) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        if id in CHECKS:
            raise ValueError(f"check {id} registered twice")
        CHECKS[id] = Check(id, needs, fn)
        return fn
    return register
