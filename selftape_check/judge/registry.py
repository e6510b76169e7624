"""Where checks register. A check is a function `(ctx) -> iterable of Finding` with an id and the
stream it needs; adding one is a new decorated function in a check module, nothing else. It writes its
findings with `ctx.finding(...)`, which stamps the id it registered under."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Literal

from ..model import Finding, Measurements, Severity
from .settings import Thresholds

if TYPE_CHECKING:
    from ..measure.derive import Derived
    from ..measure.motion import RunStats
    from ..measure.slate import Slate
    from ..measure.summary import Summary
    from ..measure.voices import Voices
    from ..profiles import Profile

Needs = Literal["media", "video", "audio", "av"]


@dataclass(frozen=True)
class Context:
    m: Measurements
    t: Thresholds
    d: "Derived"  # what measure.derive computed once from the series: summary, motion, voices, slate
    profile: "Profile | None" = None  # the upload target's limits (--profile), for the upload checks
    check_id: str = ""  # the check being run (set by Check.run)

    @property
    def s(self) -> "Summary":
        return self.d.summary

    @property
    def motion(self) -> "RunStats | None":
        return self.d.motion

    @property
    def voices(self) -> "Voices | None":
        return self.d.voices

    @property
    def slate(self) -> "Slate | None":
        return self.d.slate

    def finding(self, severity: Severity, message: str, advice: str, **kw: Any) -> Finding:
        """A finding of the check being run (its id stamped from the registration)."""
        return Finding(self.check_id, severity, message, advice, **kw)


CheckFn = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    id: str
    needs: Needs
    fn: CheckFn

    def run(self, ctx: Context) -> Iterator[Finding]:
        for f in self.fn(replace(ctx, check_id=self.id)):
            if f.check != self.id:
                raise ValueError(f"check {self.id} wrote a finding of {f.check}")
            yield f


CHECKS: dict[str, Check] = {}


def check(id: str, needs: Needs) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        if id in CHECKS:
            raise ValueError(f"check {id} registered twice")
        CHECKS[id] = Check(id, needs, fn)
        return fn
    return register
