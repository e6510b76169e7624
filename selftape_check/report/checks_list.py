"""`--list-checks`: every registered check, what it catches (in plain words), what it needs, and its
thresholds with their defaults, units and sources, from the one settings table."""

from __future__ import annotations

from .plain import CATCHES

NEEDS = {"video": "picture", "audio": "sound", "av": "picture and sound", "media": "the file"}


def checks_text(with_sources: bool = False) -> str:
    from ..judge import CHECKS, SETTINGS

    width = max(len(c) for c in CHECKS)
    lines: list[str] = []
    used: set[str] = set()
    for c in CHECKS.values():
        lines.append(f"{c.id:<{width}}  {CATCHES.get(c.id, '')}  (needs {NEEDS[c.needs]})")
        for key, s in SETTINGS.items():
            if key.startswith(c.id + "."):
                used.add(key)
                lines.append(f"{'':<{width}}    {key} = {s.default:g}  ({s.unit})"
                             + (f"  source: {s.source}" if with_sources else ""))
    shared = [s for k, s in SETTINGS.items() if k not in used]
    if shared:
        lines.append("")
        lines.append("shared by several checks:")
        for s in shared:
            lines.append(f"    {s.key} = {s.default:g}  ({s.unit})")
    planned = [k for k in CATCHES if k not in CHECKS]
    if planned:
        lines.append("")
        lines.append("not implemented yet: " + ", ".join(f"{k} ({CATCHES[k]})" for k in planned))
    lines.append("")
    lines.append("Change a threshold with --threshold KEY=VALUE, skip a check with --disable ID; "
                 "sources: docs/checks.md.")
    return "\n".join(lines) + "\n"
