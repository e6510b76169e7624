"""CSV (one row per file, the key metrics) and the terminal summary table of a folder scan."""

from __future__ import annotations

import csv
import io
import os
from typing import Sequence

from ..model import Report
from .json import display_path, terminal_safe

CSV_COLUMNS = [
    "path", "status", "verdict", "error_type", "duration_s", "display_width", "display_height", "fps",
    "face_visible_ratio", "face_luma_median", "eyes_visible_ratio", "sharpness_median", "integrated_lufs",
    "speech_lufs", "true_peak_dbtp", "noise_floor_dbfs", "snr_db", "actor_lufs", "reader_lufs", "findings",
]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(cell):
    """A text cell a spreadsheet would run as a formula (`=HYPERLINK(...)` in a stranger's file name) is
    prefixed with a single quote, as OWASP's CSV-injection guidance says; numbers are left as numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def csv_text(reports: Sequence[Report]) -> str:
    """One row per file, every cell quoted (OWASP), text cells neutralised against formulas."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    w.writerow(CSV_COLUMNS)
    for r in reports:
        w.writerow([neutralise(c) for c in csv_row(r)])
    return out.getvalue()


def csv_row(r: Report) -> list:
    m = r.media
    vm = r.metrics.get("video", {}) if r.metrics else {}
    am = r.metrics.get("audio", {}) if r.metrics else {}
    v = m.video if m is not None else None
    cells = {
        "path": display_path(r.path), "status": r.status, "verdict": r.verdict or "",
        "error_type": r.error.type if r.error else "",
        "duration_s": round(m.duration_s, 3) if m else "",
        "display_width": v.display_width if v else "", "display_height": v.display_height if v else "",
        "fps": round(v.fps, 3) if v and v.fps else "",
        "findings": ";".join(f"{f.check}:{f.severity}" for f in r.findings),
    }
    for key in ("face_visible_ratio", "face_luma_median", "eyes_visible_ratio", "sharpness_median"):
        cells[key] = "" if vm.get(key) is None else vm[key]
    for key in ("integrated_lufs", "speech_lufs", "true_peak_dbtp", "noise_floor_dbfs", "snr_db", "actor_lufs",
                "reader_lufs"):
        cells[key] = "" if am.get(key) is None else am[key]
    return [cells[c] for c in CSV_COLUMNS]


def summary_table(reports: Sequence[Report], skipped: int, colour: bool) -> str:
    from .text import _COLOURS

    def c(code: str, text: str) -> str:
        return f"\x1b[{_COLOURS[code]}m{text}\x1b[0m" if colour else text

    name_w = min(48, max(4, *(len(os.path.basename(r.path)) for r in reports)))
    lines = [f"{'file':<{name_w}}  verdict  top problems"]
    for r in reports:
        name = terminal_safe(os.path.basename(r.path))[:name_w]
        if r.status == "error":
            why = terminal_safe(r.error.message.split(": ", 1)[-1])
            lines.append(f"{name:<{name_w}}  {c('error', 'ERROR  ')}  {r.error.type}: {why[:60]}")
            continue
        top = ", ".join(f.check for f in r.findings if f.severity != "info")
        top = (top[:67] + "...") if len(top) > 70 else (top or "-")
        lines.append(f"{name:<{name_w}}  {c(r.verdict, f'{r.verdict.upper():<7}')}  {top}")
    counts = {k: sum(1 for r in reports if (r.verdict or "error") == k) for k in ("pass", "warn", "fail", "error")}
    total = f"{len(reports)} file{'s' if len(reports) != 1 else ''}: " + ", ".join(
        f"{v} {k}" for k, v in counts.items() if v)
    if skipped:
        total += f" ({skipped} non-media or hidden files skipped)"
    lines.append(total)
    return "\n".join(lines)
