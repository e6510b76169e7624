"""One self-contained HTML page (no network: styles inline, pictures as data URIs, charts as SVG):
per tape the verdict, the worst moment of each picture finding, a timeline of face brightness and
visibility and of speech loudness with the problem ranges shaded, and the advice."""

from __future__ import annotations

import base64
import html
from typing import Sequence

from ..model import Report
from .json import display_path
from .text import channels_label, format_ranges, format_time

COLOURS = {"pass": "#1a7f37", "warn": "#b35900", "fail": "#c62828", "error": "#c62828", "info": "#0b6fa4"}
SPEAKER_COLOURS = {"actor": "#6a3d9a", "reader": "#e67e22"}

CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f4f2ef;
color:#1d1d1f}
header{background:#1d1d1f;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#c9c9c9}main{padding:16px 28px;max-width:1100px}
table.summary{border-collapse:collapse;background:#fff;margin:8px 0 20px;width:100%}
.summary td,.summary th{padding:6px 10px;border-bottom:1px solid #e4e0da;text-align:left}
section.tape{background:#fff;border-radius:10px;padding:16px 20px;margin:0 0 22px;box-shadow:0 1px 3px #0002}
.badge{display:inline-block;color:#fff;border-radius:6px;padding:2px 10px;font-weight:700;font-size:13px}
.meta{color:#555;font-size:13px}
.finding{border-left:4px solid #ccc;padding:6px 12px;margin:10px 0;display:flex;gap:14px}
.finding img{width:240px;border-radius:6px;flex:none}.finding .what{font-weight:600}
.finding .where,.finding .measured{color:#555;font-size:13px}.finding .fix{margin-top:4px}
svg{background:#faf9f7;border:1px solid #e4e0da;border-radius:6px}.legend{font-size:12px;color:#555}
"""


def _badge(verdict: str) -> str:
    return f'<span class="badge" style="background:{COLOURS[verdict]}">{verdict.upper()}</span>'


def _chart(r: Report, width: int = 1000, height: int = 150) -> str:
    """Face brightness (line) and face visibility (marks) over time; speech loudness below; problem
    ranges shaded in their severity's colour."""
    tl = r.timeline
    duration = max(r.media.duration_s if r.media else 0.0, 1e-3)
    x = lambda t: 40 + (width - 50) * min(max(t / duration, 0.0), 1.0)  # noqa: E731
    parts = [f'<svg viewBox="0 0 {width} {height * 2 + 20}" width="100%" role="img" '
             f'aria-label="timeline of face brightness and speech loudness">']
    for f in r.findings:
        for a, b in f.ranges:
            parts.append(f'<rect x="{x(a):.1f}" y="0" width="{max(1.0, x(b) - x(a)):.1f}" height="{height * 2 + 20}" '
                         f'fill="{COLOURS[f.severity]}" opacity="0.12"><title>{html.escape(f.check)} '
                         f'{format_time(a)}-{format_time(b)}</title></rect>')
    # face brightness 0-1 in the upper panel
    y1 = lambda v: 10 + (height - 20) * (1 - v)  # noqa: E731
    parts.append('<text x="4" y="14" font-size="11" fill="#555">face</text>')
    for level, label in ((0.25, "0.25"), (0.85, "0.85")):
        parts.append(f'<line x1="40" x2="{width - 10}" y1="{y1(level):.1f}" y2="{y1(level):.1f}" stroke="#bbb" '
                     f'stroke-dasharray="4 4"/><text x="4" y="{y1(level) + 4:.1f}" font-size="10" fill="#777">'
                     f'{label}</text>')
    if tl is not None and tl.video_t_s:
        segs, cur = [], []
        for t, v in zip(tl.video_t_s, tl.face_luma):
            if v is None:
                if cur:
                    segs.append(cur)
                cur = []
                parts.append(f'<rect x="{x(t):.1f}" y="{height - 12}" width="3" height="6" fill="#c62828">'
                             f'<title>no face at {format_time(t)}</title></rect>')
            else:
                cur.append(f"{x(t):.1f},{y1(v):.1f}")
        if cur:
            segs.append(cur)
        for seg in segs:
            if len(seg) == 1:
                px, py = seg[0].split(",")
                parts.append(f'<circle cx="{px}" cy="{py}" r="2.5" fill="#0b6fa4"/>')
            else:
                parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="#0b6fa4" stroke-width="2"/>')
    # speech loudness -60..0 LUFS in the lower panel
    top = height + 20
    y2 = lambda v: top + (height - 20) * min(max(-v / 60.0, 0.0), 1.0)  # noqa: E731
    parts.append(f'<text x="4" y="{top + 4}" font-size="11" fill="#555">LUFS</text>')
    for level in (-16, -30):
        parts.append(f'<line x1="40" x2="{width - 10}" y1="{y2(level):.1f}" y2="{y2(level):.1f}" stroke="#bbb" '
                     f'stroke-dasharray="4 4"/><text x="4" y="{y2(level) + 4:.1f}" font-size="10" fill="#777">'
                     f'{level}</text>')
    if tl is not None and tl.slate is not None:  # the slate, bracketed over the face panel
        a, b = tl.slate
        parts.append(f'<rect x="{x(a):.1f}" y="2" width="{max(2.0, x(b) - x(a)):.1f}" height="6" fill="#2e7d32">'
                     f'<title>slate {format_time(a)}-{format_time(b)}</title></rect>'
                     f'<text x="{x(a):.1f}" y="20" font-size="10" fill="#2e7d32">slate</text>')
    if tl is not None and tl.turns:  # who speaks when: a band under the loudness, actor and reader
        for a, b, who in tl.turns:
            parts.append(f'<rect x="{x(a):.1f}" y="{top + height - 24}" width="{max(1.0, x(b) - x(a)):.1f}" '
                         f'height="6" fill="{SPEAKER_COLOURS[who]}"><title>{who} {format_time(a)}-{format_time(b)}'
                         f'</title></rect>')
    if tl is not None and tl.audio_t_s:
        pts = " ".join(f"{x(t):.1f},{y2(v):.1f}" for t, v in zip(tl.audio_t_s, tl.loudness_lufs))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="#6a3d9a" stroke-width="1.5"/>')
        for t, s in zip(tl.audio_t_s, tl.speech):
            if s:
                parts.append(f'<rect x="{x(t):.1f}" y="{top + height - 14}" width="2" height="4" fill="#6a3d9a"/>')
    for k in range(0, int(duration) + 1, max(1, int(duration // 8) or 1)):
        parts.append(f'<text x="{x(k):.1f}" y="{height * 2 + 16}" font-size="10" fill="#777" '
                     f'text-anchor="middle">{format_time(k)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _tape(r: Report, index: int) -> str:
    name = html.escape(display_path(r.path))
    if r.status == "error":
        return (f'<section class="tape" id="t{index}"><h2>{name} {_badge("error")}</h2>'
                f"<p>{html.escape(display_path(r.error.message))}</p></section>")
    m = r.media
    desc = [format_time(m.duration_s)]
    if m.video is not None:
        desc.append(f"{m.video.display_width}x{m.video.display_height}"
                    + (f" {m.video.fps:.0f} fps" if m.video.fps else ""))
    if m.audio is not None:
        desc.append(f"{m.audio.sample_rate / 1000:g} kHz {channels_label(m.audio.channels)}"
                    + (f", sound track {m.audio.track} of {m.audio.tracks}" if m.audio.tracks > 1 else ""))
    pics = {mo.check: mo for mo in r.moments}
    out = [f'<section class="tape" id="t{index}"><h2>{name} {_badge(r.verdict)}</h2>',
           f'<div class="meta">{html.escape(" · ".join(desc))}</div>']
    if not r.findings:
        out.append("<p>Casting can see your eyes and hear your voice: nothing to fix.</p>")
    for f in r.findings:
        img = ""
        if f.check in pics:
            data = base64.b64encode(pics[f.check].jpeg).decode("ascii")
            img = (f'<img alt="{html.escape(f.check)} at {format_time(pics[f.check].t_s)}" '
                   f'src="data:image/jpeg;base64,{data}">')
        measured = ""
        if f.value is not None and f.threshold is not None:
            unit = html.escape(f.unit or "")
            measured = f'<div class="measured">measured {f.value:g} against {f.threshold:g} {unit}</div>'
        where = f'<div class="where">where: {html.escape(format_ranges(list(f.ranges), 6))}</div>' if f.ranges else ""
        out.append(f'<div class="finding" style="border-color:{COLOURS[f.severity]}">{img}<div>'
                   f'<div class="what">{_badge(f.severity)} {html.escape(f.check)}: {html.escape(f.message)}</div>'
                   f'{where}{measured}<div class="fix">What to do: {html.escape(f.advice)}</div></div></div>')
    out.append(_chart(r))
    tl = r.timeline
    extra = ""
    if tl is not None and tl.turns:
        extra += " Band under the loudness: who speaks, the actor (purple) or the off-camera reader (orange)."
    if tl is not None and tl.slate is not None:
        extra += " Green bar: the slate."
    out.append('<div class="legend">Blue: face brightness (0-1; dashed lines at 0.25 and 0.85), red marks: no '
               'face. Purple: loudness (LUFS; dashed at -16 and -30), ticks: speech. Shaded: problem ranges.'
               f'{extra}</div>')
    for note in r.skipped:
        out.append(f'<p class="meta">{html.escape(note)}</p>')
    out.append("</section>")
    return "".join(out)


def render_html(reports: Sequence[Report]) -> str:
    from .. import __version__

    rows = []
    for i, r in enumerate(reports):
        verdict = r.verdict or "error"
        top = ", ".join(f.check for f in r.findings if f.severity != "info") or "-"
        rows.append(f'<tr><td><a href="#t{i}">{html.escape(display_path(r.path))}</a></td>'
                    f"<td>{_badge(verdict)}</td><td>{html.escape(top)}</td></tr>")
    body = "".join(_tape(r, i) for i, r in enumerate(reports))
    counts = {k: sum(1 for r in reports if (r.verdict or "error") == k) for k in ("pass", "warn", "fail", "error")}
    summary = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>selftape-check report</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{CSS}</style></head><body>'
            f"<header><h1>Self-tape check</h1><p>{len(reports)} tape{'s' if len(reports) != 1 else ''}: "
            f"{html.escape(summary)} · selftape-check {__version__}</p></header><main>"
            f'<table class="summary"><tr><th>tape</th><th>verdict</th><th>problems</th></tr>{"".join(rows)}</table>'
            f"{body}</main></body></html>")
