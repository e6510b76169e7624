"""The one table of run options: each with its type, default, valid range and help.

The same table drives the command line's options (`cli.py`), the config file's keys (`config.py`) and the
API's keyword arguments (`api.analyze`), so a value the command line refuses is refused everywhere, with
the same words. Thresholds of the checks are a separate table (`judge.settings.SETTINGS`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable


class OptionError(ValueError):
    """A run option has a value it cannot take. `name` is the option's key (config / API name)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class Option:
    name: str  # config key and API keyword
    kind: type  # bool, int, float, str, list
    default: Any
    help: str
    lo: float | None = None  # inclusive bounds for numbers
    hi: float | None = None
    choices: "tuple[str, ...] | Callable[[], tuple[str, ...]] | None" = None
    flag: str | None = None  # the command line's spelling, when it differs from --name

    def check(self, value: Any, where: str = "") -> Any:
        """`value` converted to this option's kind, or an OptionError naming the option and the rule."""
        label = f"{where}'{self.name}'" if where else f"'{self.name}'"
        if value is None:
            return None
        if self.kind is bool:
            if not isinstance(value, bool):
                raise OptionError(self.name, f"{label} must be true or false")
            return value
        if self.kind in (int, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                if isinstance(value, str):
                    try:
                        value = float(value)
                    except ValueError:
                        raise OptionError(self.name, f"{label} must be a number, not '{value}'") from None
                else:
                    raise OptionError(self.name, f"{label} must be a number")
            if not math.isfinite(value):
                raise OptionError(self.name, f"{label} must be a finite number, not {value}")
            if self.kind is int and value != int(value):
                raise OptionError(self.name, f"{label} must be a whole number, not {value}")
            if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
                raise OptionError(self.name, f"{label} must be within {_range(self)}, not {value:g}")
            return int(value) if self.kind is int else float(value)
        if self.kind is str:
            if not isinstance(value, str):
                raise OptionError(self.name, f"{label} must be a string")
            choices = self.choices() if callable(self.choices) else self.choices  # profiles: read at call time
            if choices is not None and value not in choices:
                raise OptionError(self.name, f"{label}: unknown {self.name} '{value}' (known: {', '.join(choices)})")
            return value
        if self.kind is list:
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise OptionError(self.name, f"{label} must be a list of strings")
            return tuple(value)
        raise TypeError(self.kind)  # pragma: no cover - the table is fixed


def _range(o: Option) -> str:
    if o.hi is None:
        return f">= {o.lo:g}"
    return f"{o.lo:g}..{o.hi:g}"


def _profiles() -> tuple[str, ...]:
    from .profiles import PROFILES

    return tuple(sorted(PROFILES))


DEFAULT_TIMEOUT_S = 600.0

OPTIONS: dict[str, Option] = {o.name: o for o in [
    Option("strict", bool, False, "Warnings count as failures (same as --fail-on warn)."),
    Option("fail_on", str, "fail", "Lowest severity that makes the exit code 1 (default: fail).",
           choices=("warn", "fail")),
    Option("jobs", int, None, "Files analyzed in parallel (default: the machine's cores).", lo=1, hi=256),
    Option("timeout", float, DEFAULT_TIMEOUT_S,
           f"Give up on a file after this many seconds (a 'timeout' error; default {DEFAULT_TIMEOUT_S:g}).",
           lo=0.001, hi=7 * 24 * 3600, flag="--timeout"),
    Option("thorough", bool, False, "Face, sharpness and noise on every frame, not every 0.5 s (slower)."),
    Option("fast", bool, False, "Sample the picture instead of decoding every frame; the report says how much "
           "went unseen."),
    Option("disable", list, (), "Do not run this check (repeatable)."),
    Option("profile", str, None, "Also check the file against an upload target's published limits (size, format).",
           choices=_profiles),
]}


def check(name: str, value: Any, where: str = "") -> Any:
    """Validate one option by name (an unknown name is an OptionError too)."""
    if name not in OPTIONS:
        raise OptionError(name, f"unknown option '{name}' (known: {', '.join(sorted(OPTIONS))})")
    return OPTIONS[name].check(value, where)
