"""CSV (one row per file, the key metrics) and the terminal summary table of a folder scan."""

from __future__ import annotations

import csv
import io
import os
from typing import Sequence

from ..model import Report
from .json import display_path

CSV_COLUMNS = [
    "path", "status", "verdict", "error_type", "duration_s", "display_width", "display_height", "fps",
    "face_visible_ratio", "face_luma_median", "eyes_visible_ratio", "sharpness_median", "integrated_lufs",
    "speech_lufs", "true_peak_dbtp", "noise_floor_dbfs", "snr_db", "actor_lufs", "reader_lufs", "findings",
]


def csv_text(reports: Sequence[Report]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in reports:
        w.writerow(csv_row(r))
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


VERDICT_WORDS = {"pass": "ready", "warn": "worth fixing", "fail": "fix first", "error": "not checked"}


def summary_table(reports: Sequence[Report], skipped: int, colour: bool, width: int | None = None) -> str:
    """One line per file: verdict in a word, the file name in full, its problems in a few words each
    (plain.SHORT, must-fix first); wrapped to `width` with a hanging indent instead of cut off."""
    import textwrap

    from .plain import SHORT
    from .text import _COLOURS

    def c(code: str, text: str) -> str:
        return f"\x1b[{_COLOURS[code]}m{text}\x1b[0m" if colour else text

    verdict_w = max(len(v) for v in VERDICT_WORDS.values())
    names = [display_path(os.path.basename(r.path)) for r in reports]
    name_w = max(4, *(len(n) for n in names)) if names else 4
    if width is not None and verdict_w + 2 + name_w + 2 + 20 > width:
        name_w = 0  # a narrow screen: the problems go on the line under the name
    lines = [f"{'verdict':<{verdict_w}}  {'file':<{name_w}}  problems" if name_w else
             f"{'verdict':<{verdict_w}}  file, then its problems"]
    for r, name in zip(reports, names):
        verdict = r.verdict or "error"
        if r.status == "error":
            why = display_path(r.error.message).split(": ", 1)[-1]
            detail = f"{r.error.type}: {why}"
        else:
            detail = ", ".join(SHORT.get(f.check, f.check) for f in r.findings if f.severity != "info") or "-"
        head = f"{VERDICT_WORDS[verdict]:<{verdict_w}}  "
        indent = " " * (verdict_w + 2)
        if name_w:
            first = f"{name:<{name_w}}  "
            text = detail if width is None else textwrap.fill(
                detail, width=max(30, width), initial_indent=" " * len(head + first),
                subsequent_indent=" " * len(head + first), break_long_words=False).lstrip()
            lines.append(c(verdict, head) + first + text)
        else:
            lines.append(c(verdict, head) + name)
            lines.append(textwrap.fill(detail, width=max(30, width), initial_indent=indent,
                                       subsequent_indent=indent, break_long_words=False))
    counts = {k: sum(1 for r in reports if (r.verdict or "error") == k) for k in ("pass", "warn", "fail", "error")}
    total = f"{len(reports)} file{'s' if len(reports) != 1 else ''}: " + ", ".join(
        f"{v} {VERDICT_WORDS[k]}" for k, v in counts.items() if v)
    if skipped:
        total += f" ({skipped} non-media or hidden files skipped)"
    lines.append(total)
    return "\n".join(lines)
