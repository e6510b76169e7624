"""The terminal report: a plain headline first, then each problem as what casting will notice, when,
and what to do; the measured figures and the check id after it (see `plain`)."""

from __future__ import annotations

import textwrap

from ..model import Report
from ..timeline import format_time
from . import plain

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


def _wrap(text: str, width: int | None, first: str, rest: str) -> list[str]:
    """`text` wrapped to `width` (no wrapping when None) with a first-line and a hanging indent."""
    if width is None:
        return [first + text]
    return textwrap.wrap(text, width=max(40, width), initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first]


def media_line(m) -> str:
    """0:05, 1280x720 25 fps, 48 kHz stereo; 'sound only' without a picture."""
    desc = [format_time(m.duration_s)]
    if m.video is not None:
        fps = f" {m.video.fps:.0f} fps" if m.video.fps else ""
        desc.append(f"{m.video.display_width}x{m.video.display_height}{fps}")
    else:
        desc.append("sound only")
    if m.audio is not None:
        desc.append(f"{m.audio.sample_rate / 1000:g} kHz {channels_label(m.audio.channels)}"
                    + (f", sound track {m.audio.track} of {m.audio.tracks}" if m.audio.tracks > 1 else ""))
    else:
        desc.append("no sound")
    return ", ".join(desc)


def when_text(f, report: Report) -> str:
    """Where a finding is, for a person: 'the whole tape (0:00-0:05)', '0:01-0:04, 0:08-0:10'."""
    if not f.ranges:
        return ""
    times = format_ranges(list(f.ranges))
    return f"the whole tape ({times})" if plain.whole_tape(f, report) else times


def render_text(report: Report, colour: bool = False, width: int | None = None) -> str:
    """The report for a person: a plain headline, then each problem as what casting will notice, when,
    and what to do, with the measured figures (and the check id, for scripts and support) after it."""
    def c(code: str, text: str) -> str:
        return f"\x1b[{_COLOURS[code]}m{text}\x1b[0m" if colour else text

    from .json import terminal_safe

    lines: list[str] = []
    if report.status == "error":
        lines.append(f"{c('bold', terminal_safe(report.path))}")
        lines.append(f"{c('error', plain.headline(report))}: {terminal_safe(report.error.message)}")
        return "\n".join(lines) + "\n"
    m = report.media
    verdict = report.verdict
    path, media = terminal_safe(report.path), f"({media_line(m)})"
    if width is not None and len(path) + 2 + len(media) > width:
        lines.append(c("bold", path))
        lines.extend(_wrap(media, width, "  ", "   "))
    else:
        lines.append(f"{c('bold', path)}  {media}")
    lines.append(c(verdict, c("bold", plain.headline(report))))
    issues = plain.problems(report)
    for n, f in enumerate(issues, 1):
        p = plain.describe(f, report)
        lines.append("")
        lines.extend(_wrap(p.what, width, f"  {n}. ", "     "))
        when = when_text(f, report)
        if when:
            lines.extend(_wrap(when, width, "     when: ", "           "))
        lines.extend(_wrap(f.advice, width, "     do:   ", "           "))
        words = plain.severity_words(f.severity)
        tail = " \u00b7 ".join(x for x in (words, p.measured, f.check) if x)
        for k, line in enumerate(_wrap(tail, width, "     ", "       ")):
            if k == 0:  # the severity in its colour, the figures dimmed
                line = "     " + c(f.severity, words) + c("dim", line[5 + len(words):])
            else:
                line = c("dim", line)
            lines.append(line)
    notes = [f for f in report.findings if f.severity == "info"]
    summary = plain.checked(report)
    profile = plain.profile_line(report)
    if notes or summary or profile or report.skipped:
        lines.append("")
    for f in notes:
        lines.extend(_wrap(f"Note: {plain.describe(f, report).what} {f.advice}", width, "  ", "    "))
    for s in summary:
        lines.extend(_wrap(s, width, "  ", "    "))
    if profile:
        lines.extend(_wrap(profile, width, "  ", "    "))
    for note in report.skipped:
        if m.video is None and note.startswith("picture checks skipped: the file has no video"):
            continue  # said above in plain words
        lines.extend(c("dim", x) for x in _wrap(f"note: {note}", width, "  ", "    "))
    return "\n".join(lines) + "\n"


def render_check_list(report: Report, thresholds, disabled=frozenset(), colour: bool = False) -> str:
    """-v: every registered check, and why it found something, passed or was skipped."""
    from ..judge import CHECKS

    def c(code: str, text: str) -> str:
        return f"\x1b[{_COLOURS[code]}m{text}\x1b[0m" if colour else text

    if report.status != "ok":
        return ""
    colours = {"found": "fail", "passed": "pass", "skipped": "dim"}
    width = max(len(k) for k in CHECKS)
    out = ["", "  every check:"]
    for check in CHECKS.values():
        state, why = plain.check_status(check.id, check.needs, report, thresholds, frozenset(disabled))
        out.append(f"    {check.id:<{width}}  {c(colours[state], f'{state:<7}')}  {why}")
    return "\n".join(out) + "\n"
