"""The JSON report, as specified in CHECKS.md (schema version 1) and `docs/report.schema.json`."""

from __future__ import annotations

import math
from typing import Any, Sequence

from ..measure.summary import empty_metrics
from ..model import Report

SCHEMA_VERSION = 1
TOOL_NAME = "selftape-check"


def _clean(x: Any) -> Any:
    """JSON has no NaN or infinity: write null."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    return x


def display_path(path: str) -> str:
    """A file name that is not valid UTF-8 (bytes decoded with surrogateescape) with U+FFFD in place of
    the bad bytes, so JSON and CSV stay valid UTF-8."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}


def terminal_safe(text: str) -> str:
    """A name or message as printable text: control characters (escape sequences, newlines, carriage
    returns in a stranger's file name or tags) shown as \\xNN instead of acting on the terminal."""
    return display_path(str(text)).translate(_CONTROL)


def report_to_dict(report: Report) -> dict[str, Any]:
    from .. import __version__

    media = None
    if report.media is not None:
        m = report.media
        media = {
            "duration_s": round(m.duration_s, 3),
            "container": m.container,
            "video": None if m.video is None else {
                "codec": m.video.codec, "width": m.video.width, "height": m.video.height,
                "rotation": m.video.rotation, "pixel_aspect": round(m.video.pixel_aspect, 4),
                "display_width": m.video.display_width,
                "display_height": m.video.display_height,
                "fps": None if m.video.fps is None else round(m.video.fps, 3),
            },
            "audio": None if m.audio is None else {
                "codec": m.audio.codec, "sample_rate": m.audio.sample_rate, "channels": m.audio.channels,
                "track": m.audio.track, "tracks": m.audio.tracks,
                "other_tracks": [{"track": o.track, "speech_s": round(o.speech_s, 2),
                                  "integrated_lufs": None if o.integrated_lufs is None else round(o.integrated_lufs, 2)}
                                 for o in report.other_audio],
            },
        }
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "file": {"path": display_path(report.path), "size_bytes": report.size_bytes},
        "status": report.status,
        "error": None if report.error is None else {"type": report.error.type,
                                                    "message": display_path(report.error.message)},
        "verdict": report.verdict,
        "media": media,
        "findings": [
            {"check": f.check, "severity": f.severity, "message": f.message, "advice": f.advice,
             "value": f.value, "threshold": f.threshold, "unit": f.unit,
             "ranges": [[a, b] for a, b in f.ranges]}
            for f in report.findings
        ],
        "metrics": report.metrics if report.status == "ok" else empty_metrics(),
        "skipped": list(report.skipped),
        "elapsed_s": None if report.elapsed_s is None else round(report.elapsed_s, 3),
        "profile": report.profile,
    }
    return _clean(doc)


def summary(reports: Sequence[Report]) -> dict[str, Any]:
    verdicts = [r.verdict for r in reports]
    return {
        "files": len(reports),
        "pass": verdicts.count("pass"),
        "warn": verdicts.count("warn"),
        "fail": verdicts.count("fail"),
        "error": sum(r.status == "error" for r in reports),
    }


def reports_document(reports: Sequence[Report]) -> dict[str, Any]:
    """Several inputs: one object with every report and a summary."""
    return {"schema_version": SCHEMA_VERSION, "reports": [report_to_dict(r) for r in reports],
            "summary": summary(reports)}
