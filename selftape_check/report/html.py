"""One self-contained HTML page (no network: styles inline, pictures as data URIs, charts as SVG), laid
out mobile first: readable on a 390 px phone as on a laptop.

Per tape: the verdict in plain words, each problem as what casting will notice (see `plain`) with a
picture of its worst moment (at its own aspect), when, what to do and the measured figures; what was
checked and found fine; and a timeline with one track per kind of series (face brightness, loudness,
who speaks, the slate) and one lane per problem, so shaded ranges never overlap. Each problem links to
its lane and each lane (and its ranges) back to the problem. Nothing empty is drawn: no face track for a
file without a picture, no loudness track without sound.
"""

from __future__ import annotations

import base64
import html
import struct
from typing import Sequence

from ..judge.settings import SETTINGS
from ..model import Finding, Report, Timeline
from . import plain
from .json import display_path
from .text import format_ranges, format_time, media_line, when_text

COLOURS = {"pass": "#1a7f37", "warn": "#9a4d00", "fail": "#c62828", "error": "#c62828", "info": "#0b6fa4"}
SPEAKER_COLOURS = {"actor": "#6a3d9a", "reader": "#c75a00"}
VERDICT_WORDS = {"pass": "Ready", "warn": "Worth fixing", "fail": "Fix first", "error": "Not checked"}
CHART_W = 1000  # SVG user units across; the SVG stretches to the track's width

CSS = """
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f2ef;color:#1d1d1f;
overflow-wrap:anywhere}
header{background:#1d1d1f;color:#fff;padding:14px 16px}
header h1{margin:0;font-size:1.3rem}header p{margin:4px 0 0;color:#d0d0d0;font-size:.95rem}
main{padding:12px;max-width:1180px;margin:0 auto}
h2{font-size:1.1rem;margin:0 0 4px}h3{font-size:1rem;margin:18px 0 6px}
a{color:#0b5c8a}
.summary{list-style:none;margin:0 0 16px;padding:0;background:#fff;border-radius:10px;box-shadow:0 1px 3px #0002}
.summary li{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;padding:10px 12px;
border-bottom:1px solid #e4e0da}
.summary li:last-child{border-bottom:0}.summary .problems{color:#444;font-size:.95rem;flex:1 1 100%}
.badge{display:inline-block;color:#fff;border-radius:6px;padding:1px 8px;font-weight:700;font-size:.85rem;
white-space:nowrap}
section.tape{background:#fff;border-radius:10px;padding:14px 12px;margin:0 0 18px;box-shadow:0 1px 3px #0002}
.headline{font-size:1.15rem;font-weight:700;margin:6px 0 2px}
.meta{color:#555;font-size:.9rem;margin:0}
ol.findings{list-style:none;margin:12px 0 0;padding:0}
.finding{border-left:5px solid #ccc;padding:8px 0 8px 12px;margin:0 0 14px}
.finding figure{margin:0 0 8px}
.finding img{display:block;width:100%;max-width:480px;height:auto;border-radius:6px}
.finding figcaption{font-size:.85rem;color:#555}
.finding p{margin:0 0 6px}.finding .what{font-weight:600}
.finding .label{font-weight:600;color:#444}
.finding .measured{color:#555;font-size:.85rem}.finding code{font-size:.85rem;color:#666}
.checked{margin:8px 0 0;padding-left:1.2em;color:#333}
.timeline{margin-top:8px}
.track{margin:0 0 12px}
.track .name{font-size:.9rem;color:#333;display:block;margin-bottom:2px}
.track .name a{color:inherit}
.chart{position:relative;background:#faf9f7;border:1px solid #e4e0da;border-radius:6px;height:72px}
.chart svg{display:block;width:100%;height:100%}
.lane{position:relative;background:#faf9f7;border:1px solid #e4e0da;border-radius:6px;height:22px}
.lane .range{position:absolute;top:3px;bottom:3px;border-radius:3px;min-width:4px;opacity:.85}
.lane .moment{position:absolute;top:0;bottom:0;width:3px;margin-left:-1px;background:#1d1d1f}
.axis{position:relative;height:1.4em;font-size:.8rem;color:#555;margin-top:2px}
.axis span{position:absolute;top:0;transform:translateX(-50%);white-space:nowrap}
.axis span.first{transform:none}.axis span.last{transform:translateX(-100%)}
.key{font-size:.85rem;color:#555;margin:2px 0 0}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;vertical-align:-1px;margin-right:3px}
@media (min-width:700px){
 header{padding:18px 28px}main{padding:16px 28px}section.tape{padding:18px 22px}
 .summary li{flex-wrap:nowrap}.summary .problems{flex:1 1 auto;text-align:right}
 .finding{display:flex;gap:16px;align-items:flex-start}
 .finding figure{flex:0 0 300px;max-width:300px}
 .finding .body{flex:1 1 auto;min-width:0}
 .track{display:grid;grid-template-columns:11rem minmax(0,1fr);gap:0 12px;align-items:center}
 .track .name{margin:0;text-align:right}
 .track .axis,.track .key{grid-column:2}
}
"""


def _badge(verdict: str) -> str:
    words = html.escape(VERDICT_WORDS.get(verdict, verdict))
    return f'<span class="badge" style="background:{COLOURS[verdict]}">{words}</span>'


def _severity_badge(severity: str) -> str:
    return f'<span class="badge" style="background:{COLOURS[severity]}">{plain.severity_words(severity)}</span>'


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's start-of-frame marker (ITU T.81 B.2.2), without decoding it."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        i += 2 + length
    return None


class _Scale:
    """Seconds of the tape to a share (0-100 %) of the timeline's width."""

    def __init__(self, duration_s: float) -> None:
        self.duration = max(duration_s, 1e-3)

    def pct(self, t: float) -> float:
        return 100.0 * min(max(t / self.duration, 0.0), 1.0)

    def x(self, t: float) -> float:
        return CHART_W * self.pct(t) / 100.0


def _axis(scale: _Scale) -> str:
    """Time labels under the tracks: at most 6, at round seconds, none overlapping the next."""
    d = scale.duration
    step = next((s for s in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600) if d / s <= 5), 3600)
    ticks = [float(k) for k in range(0, int(d) + 1, step)]
    if d - ticks[-1] >= step * 0.5:
        ticks.append(d)
    elif len(ticks) > 1:
        ticks[-1] = d
    out = []
    for i, t in enumerate(ticks):
        cls = ' class="first"' if i == 0 else ' class="last"' if i == len(ticks) - 1 else ""
        out.append(f'<span{cls} style="left:{scale.pct(t):.2f}%">{format_time(t)}</span>')
    return f'<div class="axis" aria-hidden="true">{"".join(out)}</div>'


def _guide(tl: Timeline, key: str) -> float:
    """A chart's guide line at the run's threshold (the setting's default for a timeline without it)."""
    return dict(tl.guides).get(key, SETTINGS[key].default)


def _face_track(r: Report, scale: _Scale) -> str:
    """Face brightness (0-1, a line) over the tape, marks where no face was found; dashed: too dark and
    too bright. Each sample covers the stretch until the next, so the line reaches the last one's end."""
    tl = r.timeline
    if tl is None or not tl.video_t_s:
        return ""
    times = list(tl.video_t_s)
    steps = sorted(b - a for a, b in zip(times, times[1:]) if b > a)
    step = steps[len(steps) // 2] if steps else scale.duration
    end = min(scale.duration, times[-1] + step)
    y = lambda v: 4 + 92 * (1 - min(max(v, 0.0), 1.0))  # noqa: E731  (viewBox 0-100 high)
    parts = []
    for level in (_guide(tl, "face.underexposed.warn_luma"), _guide(tl, "face.overexposed.warn_luma")):
        parts.append(f'<line x1="0" x2="{CHART_W}" y1="{y(level):.1f}" y2="{y(level):.1f}" stroke="#aaa" '
                     'stroke-dasharray="6 6" vector-effect="non-scaling-stroke"/>')
    segs: list[list[str]] = []
    cur: list[str] = []
    for k, (t, v) in enumerate(zip(times, tl.face_luma)):
        t_next = times[k + 1] if k + 1 < len(times) else end
        if v is None:
            if cur:
                segs.append(cur)
            cur = []
            parts.append(f'<rect x="{scale.x(t):.1f}" y="88" width="{max(2.0, scale.x(t_next) - scale.x(t)):.1f}" '
                         f'height="12" fill="#c62828"><title>no face at {format_time(t)}</title></rect>')
        else:
            cur.append(f"{scale.x(t):.1f},{y(v):.1f}")
            if k + 1 == len(times):
                cur.append(f"{scale.x(end):.1f},{y(v):.1f}")
    if cur:
        segs.append(cur)
    for seg in segs:
        if len(seg) == 1:
            seg = [seg[0], f"{float(seg[0].split(',')[0]) + 4:.1f},{seg[0].split(',')[1]}"]
        parts.append(f'<polyline class="face-line" points="{" ".join(seg)}" fill="none" stroke="#0b6fa4" '
                     'stroke-width="2.5" vector-effect="non-scaling-stroke" stroke-linejoin="round"/>')
    return (f'<div class="track" data-track="face"><span class="name">Face brightness</span>'
            f'<div class="chart"><svg viewBox="0 0 {CHART_W} 100" preserveAspectRatio="none" role="img" '
            f'aria-label="face brightness over the tape">{"".join(parts)}</svg></div>'
            f'<p class="key"><span class="swatch" style="background:#0b6fa4"></span>brightness of your face '
            f'(dashed: too dark, too bright)'
            + (' <span class="swatch" style="background:#c62828"></span>no face seen' if None in tl.face_luma else "")
            + '</p></div>')


def _sound_track(r: Report, scale: _Scale) -> str:
    """Loudness (LUFS, -60..0) over the tape, ticks where speech was found; dashed: the comfortable range
    for a voice (`audio.guide.voice_max_lufs` down to `audio.too_quiet.warn_lufs`)."""
    tl = r.timeline
    if tl is None or not tl.audio_t_s:
        return ""
    y = lambda v: 4 + 92 * min(max(-v / 60.0, 0.0), 1.0)  # noqa: E731
    parts = []
    for level in (_guide(tl, "audio.guide.voice_max_lufs"), _guide(tl, "audio.too_quiet.warn_lufs")):
        parts.append(f'<line x1="0" x2="{CHART_W}" y1="{y(level):.1f}" y2="{y(level):.1f}" stroke="#aaa" '
                     'stroke-dasharray="6 6" vector-effect="non-scaling-stroke"/>')
    times = list(tl.audio_t_s)
    for k, (t, s) in enumerate(zip(times, tl.speech)):
        if s:
            t_next = times[k + 1] if k + 1 < len(times) else scale.duration
            parts.append(f'<rect x="{scale.x(t):.1f}" y="94" width="{max(1.0, scale.x(t_next) - scale.x(t)):.1f}" '
                         'height="6" fill="#6a3d9a" opacity="0.45"/>')
    pts = " ".join(f"{scale.x(t):.1f},{y(v):.1f}" for t, v in zip(times, tl.loudness_lufs))
    parts.append(f'<polyline points="{pts}" fill="none" stroke="#6a3d9a" stroke-width="1.5" '
                 'vector-effect="non-scaling-stroke"/>')
    return (f'<div class="track" data-track="sound"><span class="name">Loudness</span>'
            f'<div class="chart"><svg viewBox="0 0 {CHART_W} 100" preserveAspectRatio="none" role="img" '
            f'aria-label="loudness over the tape">{"".join(parts)}</svg></div>'
            f'<p class="key"><span class="swatch" style="background:#6a3d9a"></span>how loud the sound is '
            f'(dashed: the comfortable range for a voice)'
            + ("; band at the bottom: speech" if any(tl.speech) else "") + '</p></div>')


def _bar_lane(name: str, bars: list[tuple[float, float, str, str, str]], scale: _Scale, attrs: str = "",
              key: str = "") -> str:
    """One lane of ranges: (start_s, end_s, colour, title, href) each; adjacent ranges merge."""
    out = []
    for a, b, colour, title, href in bars:
        left, width = scale.pct(a), max(scale.pct(b) - scale.pct(a), 0.0)
        tag = "a" if href else "span"
        link = f' href="{href}"' if href else ""
        out.append(f'<{tag} class="range"{link} style="left:{left:.2f}%;width:{width:.2f}%;background:{colour}" '
                   f'title="{html.escape(title)}" aria-label="{html.escape(title)}"></{tag}>')
    return (f'<div class="track"{attrs}><span class="name">{name}</span><div class="lane">{"".join(out)}</div>'
            + (f'<p class="key">{key}</p>' if key else "") + "</div>")


LANE_MERGE_SHARE = 0.015  # ranges closer than 1.5 % of the tape share one bar


def _lane_ranges(f: Finding, duration_s: float) -> list[tuple[float, float]]:
    """A finding's ranges for its lane. Ranges closer than 1.5 % of the tape merge: a bar is drawn at
    least 4 px wide, 1.2 % of a phone's 340 px lane, so two bars never overlap at any width from
    270 px up."""
    gap = LANE_MERGE_SHARE * max(duration_s, 1e-3)
    out: list[list[float]] = []
    for a, b in sorted(f.ranges):
        if out and a <= out[-1][1] + gap:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _timeline(r: Report, index: int, numbered: list[Finding]) -> str:
    if r.media is None:
        return ""
    scale = _Scale(r.media.duration_s)
    tracks = [_face_track(r, scale), _sound_track(r, scale)]
    tl = r.timeline
    if tl is not None and tl.turns:
        bars = [(a, b, SPEAKER_COLOURS[who], f"{who} {format_time(a)}-{format_time(b)}", "") for a, b, who in tl.turns]
        tracks.append(_bar_lane("Who speaks", bars, scale, ' data-track="voices"',
                                f'<span class="swatch" style="background:{SPEAKER_COLOURS["actor"]}"></span>you '
                                f'<span class="swatch" style="background:{SPEAKER_COLOURS["reader"]}"></span>'
                                'the off-camera reader'))
    if tl is not None and tl.slate is not None:
        a, b = tl.slate
        tracks.append(_bar_lane("Slate", [(a, b, "#2e7d32", f"slate {format_time(a)}-{format_time(b)}", "")], scale,
                                ' data-track="slate"'))
    moments = {m.check: m.t_s for m in r.moments}
    for n, f in enumerate(numbered, 1):
        if not f.ranges:  # about the whole file (no sound, the size): no moment to show
            continue
        anchor = f"t{index}-f{n}"
        title = f"{n}. {plain.SHORT.get(f.check, f.check)}"
        bars = [(a, b, COLOURS[f.severity], f"{title} {format_time(a)}-{format_time(b)}", f"#{anchor}")
                for a, b in _lane_ranges(f, r.media.duration_s)]
        lane = _bar_lane(f'<a href="#{anchor}">{html.escape(title)}</a>', bars, scale,
                         f' id="{anchor}-lane" data-track="problem"')
        if f.check in moments:  # the picture's moment, a dark tick in the lane
            tick = (f'<a class="moment" href="#{anchor}" style="left:{scale.pct(moments[f.check]):.2f}%" '
                    f'title="picture at {format_time(moments[f.check])}"></a>')
            lane = lane.replace('</div></div>', tick + '</div></div>', 1)
        tracks.append(lane)
    tracks = [t for t in tracks if t]
    if not tracks:
        return ""
    return (f'<div class="timeline" id="t{index}-timeline"><h3>Timeline</h3>{"".join(tracks)}'
            f'<div class="track"><span class="name"></span>{_axis(scale)}</div></div>')


def _finding(r: Report, index: int, n: int, f: Finding, pics: dict) -> str:
    p = plain.describe(f, r)
    anchor = f"t{index}-f{n}"
    fig = ""
    if f.check in pics:
        mo = pics[f.check]
        size = jpeg_size(mo.jpeg)
        dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
        data = base64.b64encode(mo.jpeg).decode("ascii")
        img = f'<img alt="the tape at {format_time(mo.t_s)}"{dims} src="data:image/jpeg;base64,{data}">'
        if f.ranges:  # to the problem's lane in the timeline, where the picture's moment is marked
            img = f'<a href="#{anchor}-lane">{img}</a>'
        fig = f'<figure>{img}<figcaption>at {format_time(mo.t_s)}</figcaption></figure>'
    when = ""
    if f.ranges:
        when = (f'<p class="when"><span class="label">When:</span> '
                f'<a href="#{anchor}-lane">{html.escape(when_text(f, r))}</a></p>')
    measured = " \u00b7 ".join(html.escape(x) for x in (p.measured,) if x)
    return (f'<li class="finding" id="{anchor}" style="border-color:{COLOURS[f.severity]}">{fig}<div class="body">'
            f'<p class="what">{n}. {html.escape(p.what)}</p>{when}'
            f'<p class="do"><span class="label">What to do:</span> {html.escape(f.advice)}</p>'
            f'<p class="measured">{_severity_badge(f.severity)} {measured}'
            f'{" · " if measured else ""}<code>{html.escape(f.check)}</code></p></div></li>')


def _tape(r: Report, index: int) -> str:
    name = html.escape(display_path(r.path))
    if r.status == "error":
        return (f'<section class="tape" id="t{index}"><h2>{name}</h2>'
                f'<p class="headline" style="color:{COLOURS["error"]}">{html.escape(plain.headline(r))}</p>'
                f'<p>{html.escape(display_path(r.error.message))}</p></section>')
    verdict = r.verdict
    out = [f'<section class="tape" id="t{index}"><h2>{name}</h2>',
           f'<p class="headline" style="color:{COLOURS[verdict]}">{html.escape(plain.headline(r))}</p>',
           f'<p class="meta">{html.escape(media_line(r.media).replace(", ", " · "))}</p>']
    issues = plain.problems(r)
    pics = {mo.check: mo for mo in r.moments}
    if issues:
        out.append('<ol class="findings">')
        out.extend(_finding(r, index, n, f, pics) for n, f in enumerate(issues, 1))
        out.append("</ol>")
    notes = [f"{plain.describe(f, r).what} {f.advice}" for f in r.findings if f.severity == "info"]
    lines = notes + plain.checked(r) + [x for x in [plain.profile_line(r)] if x]
    lines += [n for n in r.skipped if not (r.media.video is None and n.startswith("picture checks skipped: the file "
                                                                                     "has no video"))]
    if lines:
        out.append('<ul class="checked">' + "".join(f"<li>{html.escape(x)}</li>" for x in lines) + "</ul>")
    out.append(_timeline(r, index, issues))
    out.append("</section>")
    return "".join(out)


def render_html(reports: Sequence[Report]) -> str:
    from .. import __version__

    rows = []
    for i, r in enumerate(reports):
        verdict = r.verdict or "error"
        if r.status == "error":
            detail = display_path(r.error.message).split(": ", 1)[-1]
        else:
            detail = ", ".join(plain.SHORT.get(f.check, f.check) for f in plain.problems(r)) or "nothing to fix"
        rows.append(f'<li>{_badge(verdict)} <a href="#t{i}">{html.escape(display_path(r.path))}</a>'
                    f'<span class="problems">{html.escape(detail)}</span></li>')
    body = "".join(_tape(r, i) for i, r in enumerate(reports))
    counts = {k: sum(1 for r in reports if (r.verdict or "error") == k) for k in ("pass", "warn", "fail", "error")}
    summary = ", ".join(f"{v} {VERDICT_WORDS[k].lower()}" for k, v in counts.items() if v)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>selftape-check report</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{CSS}</style></head><body>'
            f"<header><h1>Self-tape check</h1><p>{len(reports)} tape{'s' if len(reports) != 1 else ''}: "
            f"{html.escape(summary)} · selftape-check {__version__}</p></header><main>"
            f'<ul class="summary">{"".join(rows)}</ul>'
            f"{body}</main></body></html>")


__all__ = ["render_html", "jpeg_size", "format_ranges"]
