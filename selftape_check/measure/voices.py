"""Measure who speaks when: the actor on camera or the reader off it, and how loud each voice is.

1. The voice-active stretches are cut into turns of at most `MAX_TURN_S` (a reader answering inside a
   short pause stays a separate turn).
2. Mouth evidence: each turn's mouth movement, the 90th percentile of its frames' figures
   (`measure.mouth`; frames of a frozen picture left out): speech moves the mouth in bursts, a still
   face only by its sway and noise, so the upper tail separates them where the median did not. The
   turns split in two by the logarithm of that figure (the split of least within-group variance);
   when the lower group's mouths are still (their median below `STILL_MAX`) and the upper group's
   move like speech (median at least `MOVING_MIN`) and at least `SPLIT_RATIO` times as much, there
   are two voices, and each turn gets its log distance from the split over half the distance between
   the groups' medians (about -1 at the still group, +1 at the moving one); otherwise one voice
   speaks, the actor's.
3. Voice evidence: each turn's mean spectral shape (octave-band levels 125 Hz-8 kHz less their mean,
   so level does not count), z-scored; the actor's and the reader's voices are averaged over the turns
   the mouth is fairly sure of, and each turn gets (d_reader - d_actor) / (d_reader + d_actor) from
   its squared distances to them (+1 the actor's voice, -1 the reader's).
   A turn is the actor's when the two add up above 0: an actor's line said with little mouth movement
   is told by the voice, and a turn without mouth readings (no face) by the voice alone.
4. Each voice's loudness is BS.1770 gated loudness over its turns: the 400 ms momentary-loudness
   blocks (libebur128, every 100 ms) centred inside the voice's turns, with the absolute (-70 LUFS) and
   relative (-10 LU) gates of integrated loudness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Measurements
from ..timeline import close_gaps, runs
from ..units import energy_mean_db

MAX_TURN_S = 4.0
MIN_TURN_S = 0.3
TURN_QUANTILE = 90
# per turn (TURN_QUANTILE), on the 4 real clips as actor in bench/voices.py's tapes: the reader's turns
# (a still, swaying face) read 0.05-0.33, the actor's 0.7-2.6 (medians of the groups 0.05-0.24 and 1.3-2.6)
STILL_MAX = 0.35
# and the moving group must move like speech: still photos swaying in the accuracy corpus read 0.14-0.33
# in their "moving" turns and were split into an actor and a quieter "reader"
MOVING_MIN = 0.5
SPLIT_RATIO = 3.0
STILL_FLOOR = 0.03  # below this a mouth is simply still: no finer split
MIN_MOUTH_READINGS = 2
FROZEN_MIN_FRAMES = 5  # identical frames in a row: a frozen picture (a still person still has sensor noise)
FROZEN_EDGE_FRAMES = 3
BLOCK_HOPS = 20  # 400 ms at 20 ms hops, the BS.1770 gating block


@dataclass(frozen=True)
class Turn:
    start_s: float
    end_s: float
    speaker: str | None  # "actor", "reader", or None when it cannot be told
    mouth: float | None  # mouth movement during the turn (TURN_QUANTILE), None without readings
    by: str  # "picture", "voice" or "none"


@dataclass(frozen=True)
class Voices:
    turns: tuple[Turn, ...]
    actor_lufs: float | None
    reader_lufs: float | None
    actor_s: float
    reader_s: float


def _turns(speech: np.ndarray, hop_s: float) -> list[tuple[int, int]]:
    out = []
    max_hops = int(round(MAX_TURN_S / hop_s))
    for s, e in runs(speech):
        if (e - s) * hop_s < MIN_TURN_S:
            continue
        pieces = int(np.ceil((e - s) / max_hops))
        edges = np.linspace(s, e, pieces + 1).astype(int)
        out.extend(zip(edges[:-1], edges[1:]))
    return out


def loudness_of(momentary_lufs: np.ndarray, hops: np.ndarray) -> float | None:
    """BS.1770 gated loudness of the 400 ms blocks centred on the given hops. `momentary_lufs` is read
    every 5 hops and held (measure.audio), and each value covers the 400 ms (20 hops) ending at its
    group's end, so a block centred on hop i is found BLOCK_HOPS // 2 hops later."""
    idx = hops + BLOCK_HOPS // 2
    idx = idx[idx < len(momentary_lufs)]
    if len(idx) < BLOCK_HOPS:
        return None
    blocks = momentary_lufs[idx].astype(np.float64)
    blocks = blocks[blocks > -70.0]  # the absolute gate
    if not len(blocks):
        return None
    return energy_mean_db(blocks[blocks > energy_mean_db(blocks) - 10.0])  # the relative gate


def _voice_shapes(octave_db: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """Each turn's mean spectral shape: octave-band levels less their mean per hop."""
    out = []
    for s, e in spans:
        x = octave_db[s:e].astype(np.float64)
        out.append((x - x.mean(axis=1, keepdims=True)).mean(axis=0))
    return np.array(out).reshape(len(spans), octave_db.shape[1])


def mouth_evidence(scores: list[float | None]) -> list[float] | None:
    """Per turn, how strongly the mouth says "actor" (> 0) or "reader" (< 0), about +-1 at the two
    groups' medians (0 without readings); None when the turns do not split into a still-mouth group
    and a moving one (see the module's step 2): then one voice speaks."""
    known = sorted(x for x in scores if x is not None)
    if len(known) < 2:
        return None
    logs = np.log(np.maximum(known, STILL_FLOOR))
    best, split = np.inf, 1
    for i in range(1, len(logs)):  # the two-group split of least within-group variance
        cost = logs[:i].var() * i + logs[i:].var() * (len(logs) - i)
        if cost < best:
            best, split = cost, i
    low, high = float(np.median(logs[:split])), float(np.median(logs[split:]))
    if np.exp(low) >= STILL_MAX or np.exp(high) < MOVING_MIN or high - low < np.log(SPLIT_RATIO):
        return None
    boundary, half = (logs[split - 1] + logs[split]) / 2, (high - low) / 2
    return [0.0 if x is None else float(np.clip((np.log(max(x, STILL_FLOOR)) - boundary) / half, -2, 2))
            for x in scores]


def voice_evidence(shapes: np.ndarray, mouth: list[float]) -> list[float]:
    """Per turn, how much nearer its voice is to the actor's than to the reader's (+1: the actor's, -1:
    the reader's), the two voices being averaged over the turns the mouth is fairly sure of (|m| >= 0.5).
    Zeros when either voice has no such turn."""
    z = (shapes - shapes.mean(axis=0)) / (shapes.std(axis=0) + 1e-6)
    m = np.asarray(mouth)
    actor, reader = z[m >= 0.5], z[m <= -0.5]
    if not len(actor) or not len(reader):
        return [0.0] * len(mouth)
    d_actor = ((z - actor.mean(axis=0)) ** 2).sum(axis=1)
    d_reader = ((z - reader.mean(axis=0)) ** 2).sum(axis=1)
    return list((d_reader - d_actor) / np.maximum(d_reader + d_actor, 1e-9))


def _frozen_frames(frame_diff: np.ndarray, limit: float) -> np.ndarray:
    """Frames of a frozen picture: runs of at least FROZEN_MIN_FRAMES frames practically identical to
    the one before (1-2 frame gaps bridged), widened by FROZEN_EDGE_FRAMES each side, because an encoder
    refines a frozen picture over its first few frames."""
    still = close_gaps(np.nan_to_num(frame_diff, nan=np.inf) < limit, 2)
    out = np.zeros(len(frame_diff), dtype=bool)
    for s, e in runs(still):
        if e - s >= FROZEN_MIN_FRAMES:
            out[max(0, s - FROZEN_EDGE_FRAMES): e + FROZEN_EDGE_FRAMES] = True
    return out


def who_speaks(m: Measurements, frozen_diff: float = 0.0) -> Voices | None:
    """`frozen_diff`: a frame that differs from the one before by less than this is a frozen picture,
    whose still mouth says nothing about who speaks (its reading is left out)."""
    a, v = m.audio, m.video
    if a is None or v is None or a.octave_db is None or not a.speech.any():
        return None
    spans = _turns(a.speech, a.hop_s)
    if not spans:
        return None
    mouth_t = v.frame_t_s
    mouth = v.frame_mouth_change
    known = np.isfinite(mouth) & ~_frozen_frames(v.frame_diff, frozen_diff)
    scores: list[float | None] = []
    for s, e in spans:
        sel = known & (mouth_t >= s * a.hop_s) & (mouth_t < e * a.hop_s)
        scores.append(round(float(np.percentile(mouth[sel], TURN_QUANTILE)), 3)
                      if sel.sum() >= MIN_MOUTH_READINGS else None)
    mouth_ev = mouth_evidence(scores)
    if mouth_ev is None:  # one voice: the actor's (turns without any reading cannot be told)
        labels = [None if x is None else "actor" for x in scores]
        by = ["picture" if x is not None else "none" for x in scores]
    else:
        voice_ev = voice_evidence(_voice_shapes(a.octave_db, spans), mouth_ev)
        labels = ["actor" if mv + vv > 0 else "reader" for mv, vv in zip(mouth_ev, voice_ev)]
        by = ["voice" if x is None else "picture and voice" for x in scores]
    turns = tuple(Turn(round(float(s * a.hop_s), 2), round(float(e * a.hop_s), 2), lab, sc, b)
                  for (s, e), lab, sc, b in zip(spans, labels, scores, by))

    def hops_of(who: str) -> np.ndarray:
        idx = [np.arange(s, e) for (s, e), lab in zip(spans, labels) if lab == who]
        return np.concatenate(idx) if idx else np.zeros(0, dtype=int)

    actor, reader = hops_of("actor"), hops_of("reader")
    return Voices(
        turns=turns,
        actor_lufs=loudness_of(a.momentary_lufs, actor) if len(actor) else None,
        reader_lufs=loudness_of(a.momentary_lufs, reader) if len(reader) else None,
        actor_s=round(len(actor) * a.hop_s, 2),
        reader_s=round(len(reader) * a.hop_s, 2),
    )
