"""CSV (one row per file, the key metrics) and the terminal summary table of a folder scan."""

from __future__ import annotations

import csv
import io
import os
from typing import Sequence

from ..model import Report
from .json import report_to_dict, terminal_safe

# The CSV is a projection of the JSON report: each column is one field of it, named by its path
# (docs/checks.md lists them); `findings` joins "check:severity" of every finding with ";".
CSV_COLUMNS: dict[str, str] = {
    "path": "file.path", "status": "status", "verdict": "verdict", "error_type": "error.type",
    "duration_s": "media.duration_s", "display_width": "media.video.display_width",
    "display_height": "media.video.display_height", "fps": "media.video.fps",
    **{k: f"metrics.video.{k}" for k in ("face_visible_ratio", "face_luma_median", "eyes_visible_ratio",
                                         "sharpness_median")},
    **{k: f"metrics.audio.{k}" for k in ("integrated_lufs", "speech_lufs", "true_peak_dbtp", "noise_floor_dbfs",
                                         "snr_db", "actor_lufs", "reader_lufs")},
    "findings": "findings",
}

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(cell):
    """A text cell a spreadsheet would run as a formula (`=HYPERLINK(...)` in a stranger's file name) is
    prefixed with a single quote, as OWASP's CSV-injection guidance says; numbers are left as numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def csv_text(reports: Sequence[Report]) -> str:
    """One row per file, every text cell quoted (OWASP) and neutralised against formulas."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    w.writerow(list(CSV_COLUMNS))
    for r in reports:
        w.writerow([neutralise(c) for c in csv_row(report_to_dict(r))])
    return out.getvalue()


def csv_row(doc: dict) -> list:
    """The CSV cells of one JSON report (`report_to_dict`): missing or null fields are empty cells."""
    cells = []
    for column, pointer in CSV_COLUMNS.items():
        if column == "findings":
            cells.append(";".join(f"{f['check']}:{f['severity']}" for f in doc["findings"]))
            continue
        value = doc
        for part in pointer.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        cells.append("" if value is None else value)
    return cells


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
