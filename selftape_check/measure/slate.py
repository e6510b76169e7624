"""The tape's structure in time: where the lines start and end (voice activity), and the slate (the
actor's introduction before the scene), found from the speech and the face's framing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import AudioSeries, Measurements
from ..timeline import close_gaps, runs
from .framing import face_boxes

LINE_MIN_S = 0.3  # a voice-active stretch this long or longer is a line (shorter: a breath, a click)
SLATE_GAP_S = 1.2  # a pause at least this long separates the slate from the scene
SLATE_MAX_START_S = 15.0
SLATE_S = (1.0, 20.0)  # how long a slate lasts (name, height, location, role)
SCENE_OVER_SLATE = 1.5  # the scene speaks at least this many times longer than the slate
FRAMING_CHANGE = 1.3  # face height ratio between slate and scene that marks a change of framing


@dataclass(frozen=True)
class Slate:
    start_s: float
    end_s: float
    how: str  # how it was told apart from the scene ("a 1.6 s pause, then a change of framing")


def speech_span_s(a: AudioSeries) -> tuple[float, float] | None:
    """Start of the first and end of the last voice-active stretch (>= 0.3 s), in seconds."""
    spans = [(s, e) for s, e in runs(a.speech) if (e - s) * a.hop_s >= LINE_MIN_S]
    if not spans:
        return None
    return spans[0][0] * a.hop_s, spans[-1][1] * a.hop_s


def find_slate(m: Measurements) -> Slate | None:
    """The slate: the first block of speech, starting in the first 15 s and lasting 1-20 s, that is set
    apart from the rest (a pause of 1.2 s or more, or a change of framing: the face a different size),
    when the rest (the scene) speaks longer."""
    a = m.audio
    if a is None:
        return None
    blocks = [(s * a.hop_s, e * a.hop_s) for s, e in runs(close_gaps(a.speech, int(round(SLATE_GAP_S / a.hop_s))))
              if (e - s) * a.hop_s >= LINE_MIN_S]
    if len(blocks) < 2:
        return None
    (s0, e0), rest = blocks[0], blocks[1:]
    scene_s = sum(e - s for s, e in rest)
    if s0 > SLATE_MAX_START_S or not (SLATE_S[0] <= e0 - s0 <= SLATE_S[1]) or scene_s < SCENE_OVER_SLATE * (e0 - s0):
        return None
    how = f"a {rest[0][0] - e0:.1f} s pause"
    v = m.video
    if v is not None:
        idx, boxes = face_boxes(v)
        t = v.t_s[idx]
        slate_h, scene_h = boxes[(t >= s0) & (t < e0), 3], boxes[t >= rest[0][0], 3]
        if slate_h.size and scene_h.size:
            ratio = float(np.median(slate_h) / np.median(scene_h))
            if max(ratio, 1 / ratio) >= FRAMING_CHANGE:
                how += ", then a change of framing"
    return Slate(round(s0, 2), round(e0, 2), how)
