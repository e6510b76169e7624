"""Settings from a config file: `--config selftape.toml`, else a `[tool.selftape-check]` table in the
nearest pyproject.toml upward from the working directory. Command-line flags override both.

    [tool.selftape-check]            # or, in selftape.toml, the same keys at the top level
    strict = false
    fail_on = "fail"                 # "warn" or "fail"
    jobs = 2
    timeout = 600
    thorough = false
    profile = "ecocast"              # an upload target (selftape_check/profiles.py)
    disable = ["video.portrait"]     # check ids not to run
    [tool.selftape-check.thresholds]
    "face.underexposed.warn_luma" = 0.22
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .options import OPTIONS, OptionError

KEYS = (*OPTIONS, "thresholds")  # the run options' table, and the checks' thresholds


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    source: str | None = None
    strict: bool | None = None
    fail_on: str | None = None
    jobs: int | None = None
    timeout: float | None = None
    thorough: bool | None = None
    fast: bool | None = None
    disable: tuple[str, ...] = ()
    thresholds: dict = field(default_factory=dict)
    profile: str | None = None


def find_pyproject(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(path: str | None, cwd: str | None = None) -> Config:
    """Read `path`, or the nearest pyproject's `[tool.selftape-check]`; an empty Config if neither."""
    if path is not None:
        table = _read(Path(path))
        source = path
    else:
        pyproject = find_pyproject(Path(cwd or os.getcwd()).resolve())
        if pyproject is None:
            return Config()
        table = _read(pyproject).get("tool", {}).get("selftape-check")
        if table is None:
            return Config()
        source = f"{pyproject} [tool.selftape-check]"
    return _validate(table, source)


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _validate(table: dict, source: str) -> Config:
    """Each key checked against the one options table (`options.OPTIONS`) and the thresholds table, with
    the same rules as the command line (a jobs = 0 or a timeout = nan is refused here too)."""
    from .judge import CHECKS, SETTINGS, Thresholds

    values = {}
    for key, value in table.items():
        if key == "thresholds":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: 'thresholds' must be a table of KEY = number")
            continue
        if key not in OPTIONS:
            raise ConfigError(f"{source}: unknown key '{key}' (known: {', '.join(sorted(KEYS))})")
        try:
            values[key] = OPTIONS[key].check(value)
        except OptionError as exc:
            raise ConfigError(f"{source}: {exc.message}") from None
    unknown = [c for c in values.get("disable", ()) if c not in CHECKS]
    if unknown:
        raise ConfigError(f"{source}: unknown check id(s) in disable: {', '.join(unknown)}")
    thresholds = table.get("thresholds", {})
    for key, value in thresholds.items():
        if key not in SETTINGS:
            raise ConfigError(f"{source}: unknown threshold '{key}'")
        s = SETTINGS[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (s.lo <= value <= s.hi):
            raise ConfigError(f"{source}: threshold '{key}' must be a number within {s.lo:g}..{s.hi:g} ({s.unit})")
    try:
        Thresholds(thresholds)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"{source}: {exc.args[0]}") from None
    return Config(
        source=source, strict=values.get("strict"), fail_on=values.get("fail_on"), jobs=values.get("jobs"),
        timeout=values.get("timeout"), thorough=values.get("thorough"), fast=values.get("fast"),
        disable=tuple(values.get("disable", ())),
        thresholds=dict(thresholds), profile=values.get("profile"),
    )
