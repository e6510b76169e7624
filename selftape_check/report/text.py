"""The terminal report: verdict first, then each finding with where, how much, and what to do."""

from __future__ import annotations

from ..model import Report
from ..timeline import format_time

CHANNEL_LAYOUTS = {1: "mono", 2: "stereo", 6: "5.1", 8: "7.1"}


def channels_label(channels: int) -> str:
    """How a sound engineer names a channel count: mono, stereo, 5.1, else '4 channels'."""
    return CHANNEL_LAYOUTS.get(channels, f"{channels} channels")

_COLOURS = {"pass": "32", "warn": "33", "fail": "31", "error": "31", "info": "36", "dim": "2", "bold": "1"}
_LABEL = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "info": "INFO"}


def format_ranges(ranges, limit: int = 4) -> str:
    """Time ranges as people read them, to the second: ranges that meet at that precision read as one
    (0:00.1-0:03.5 and 0:04.1-0:06.6 are "0:00\u20130:07", not "0:00\u20130:04, 0:04\u20130:07"), and a
    range within one second reads as one time ("0:04")."""
    shown: list[list[int]] = []
    for a, b in ranges:
        start, end = int(round(a)), max(int(round(a)), int(round(b)))
        if shown and start <= shown[-1][1]:
            shown[-1][1] = max(shown[-1][1], end)
        else:
            shown.append([start, end])
    parts = [format_time(a) if a == b else f"{format_time(a)}\u2013{format_time(b)}" for a, b in shown[:limit]]
    more = len(shown) - limit
    return ", ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def render_text(report: Report, colour: bool = False) -> str:
    def c(code: str, text: str) -> str:
        return f"\x1b[{_COLOURS[code]}m{text}\x1b[0m" if colour else text

    from .json import terminal_safe

    lines: list[str] = []
    if report.status == "error":
        lines.append(f"{c('bold', terminal_safe(report.path))}  {c('error', 'ERROR')}  "
                     f"{terminal_safe(report.error.message)}")
        return "\n".join(lines) + "\n"
    m = report.media
    desc = [format_time(m.duration_s)]
    if m.video is not None:
        fps = f" {m.video.fps:.0f} fps" if m.video.fps else ""
        desc.append(f"{m.video.display_width}x{m.video.display_height}{fps}")
    if m.audio is not None:
        desc.append(f"{m.audio.sample_rate / 1000:g} kHz {channels_label(m.audio.channels)}"
                    + (f", sound track {m.audio.track} of {m.audio.tracks}" if m.audio.tracks > 1 else ""))
    verdict = report.verdict
    lines.append(f"{c('bold', terminal_safe(report.path))}  ({', '.join(desc)})")
    headline = {"pass": "Casting can see your eyes and hear your voice.",
                "warn": "Worth fixing before you send it.",
                "fail": "Casting is likely to pass on this tape as it is."}[verdict]
    lines.append(f"{c(verdict, _LABEL[verdict])}  {headline}")
    for f in report.findings:
        lines.append("")
        measured = ""
        if f.value is not None and f.threshold is not None:
            measured = c("dim", f"  [{f.value:g} vs {f.threshold:g} {f.unit or ''}]".rstrip())
        lines.append(f"  {c(f.severity, _LABEL[f.severity])} {f.check}: {f.message}{measured}")
        if f.ranges:
            lines.append(f"       where: {format_ranges(list(f.ranges))}")
        lines.append(f"       fix:   {f.advice}")
    vm, am = report.metrics.get("video", {}), report.metrics.get("audio", {})
    figures = []
    if m.video is not None and vm.get("face_visible_ratio") is not None:
        figures.append(f"face visible {vm['face_visible_ratio'] * 100:.0f}%")
        if vm.get("face_luma_median") is not None:
            figures.append(f"face brightness {vm['face_luma_median']:.2f}")
    if am.get("actor_lufs") is not None and am.get("reader_lufs") is not None:  # two voices told apart
        figures.append(f"you {am['actor_lufs']:.1f} LUFS, reader {am['reader_lufs']:.1f} LUFS")
    elif am.get("speech_lufs") is not None:
        figures.append(f"voice {am['speech_lufs']:.1f} LUFS")
    if am.get("snr_db") is not None:
        figures.append(f"voice/noise {am['snr_db']:.0f} dB")
    if figures:
        lines.append("")
        lines.append(c("dim", "  measured: " + ", ".join(figures)))
    for note in report.skipped:
        lines.append(c("dim", f"  note: {note}"))
    return "\n".join(lines) + "\n"
