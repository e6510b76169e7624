"""Benchmark of measure.sync on the real talking-head clips with the sound shifted by known amounts.

    python bench/sync.py [--real DIR] [--shifts -0.4,0,0.15,0.2,0.4] [--cache DIR]

Each clip is decoded once (measure.sync.mouth_series: every frame's face mesh, its cost timed); clips
shorter than LOOP_UNDER_S are looped (the per-frame series and the audio together, back to back) to at
least LOOP_TO_S. The audio is then shifted in memory: sound late by d = d s of silence put in front
(and as much cut at the end), early = the first d s cut (silence at the end). Nothing is written
except, with --cache, the decoded series (numpy .npz) in the given folder (keep it under /tmp: derived
from the clips, never to be committed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selftape_check.measure import sync  # noqa: E402

CLIPS = ("video_talking_wda_aoc.mp4", "video_talking_vr_face3_aoc.mp4", "video_talking_vr_face1_man_suit.mp4",
         "video_talking_vr_face4_woman_bluebg.mp4", "video_talking_hamilton_clip.mp4")
SHIFTS = (-0.4, 0.0, 0.15, 0.2, 0.4)
LOOP_UNDER_S, LOOP_TO_S = 8.0, 15.0
LIMIT_LATE, LIMIT_EARLY = 0.185, -0.090  # ITU-R BT.1359-1 acceptability (sound late / early)


def load(path: str, cache: str | None):
    if cache:
        f = Path(cache) / (Path(path).stem + ".npz")
        if f.exists():
            d = np.load(f)
            return d["t"], d["op"], d["audio"], int(d["sr"]), float(d["a0"]), float(d["cost"])
    m = sync.mouth_series(path)
    if cache:
        Path(cache).mkdir(parents=True, exist_ok=True)
        np.savez(Path(cache) / (Path(path).stem + ".npz"), t=m.t, op=m.opening, audio=m.audio, sr=m.sr,
                 a0=m.audio_start_s, cost=m.cost_s)
    return m.t, m.opening, m.audio, m.sr, m.audio_start_s, m.cost_s


def aligned_audio(audio: np.ndarray, sr: int, a0: float, dur: float) -> np.ndarray:
    """The audio for picture time 0..dur (zeros where the stream has none)."""
    n = int(round(dur * sr))
    out = np.zeros(n, np.float32)
    i0 = int(round(-a0 * sr))  # audio index at picture time 0
    src = audio[max(0, i0): max(0, i0) + n - max(0, -i0)]
    out[max(0, -i0): max(0, -i0) + len(src)] = src
    return out


def tape(t, op, audio, sr, a0, loops):
    """Picture time series and audio from picture time 0, looped `loops` times."""
    frame = float(np.median(np.diff(t)))
    dur = float(t[-1] + frame)
    a = aligned_audio(audio, sr, a0, dur)
    return (np.concatenate([t + k * dur for k in range(loops)]), np.tile(op, loops), np.tile(a, loops), dur * loops)


def shifted(a: np.ndarray, sr: int, d: float) -> np.ndarray:
    k = int(round(abs(d) * sr))
    if k == 0:
        return a
    z = np.zeros(k, a.dtype)
    return np.concatenate([z, a[:-k]]) if d > 0 else np.concatenate([a[k:], z])


def loops_for(dur: float) -> int:
    return 1 if dur >= LOOP_UNDER_S else int(np.ceil(LOOP_TO_S / dur))


def run(real: Path, shifts, cache: str | None, clips=CLIPS):
    rows, costs, signal = [], [], []
    for name in clips:
        path = real / name
        if not path.exists():
            print(f"{name}: absent, skipped")
            continue
        t, op, audio, sr, a0, cost = load(str(path), cache)
        dur0 = float(t[-1] - t[0] + np.median(np.diff(t)))
        costs.append((name, 1000 * cost / dur0))
        loops = loops_for(dur0)
        tt, oo, aa, dur = tape(t, op, audio, sr, a0, loops)
        for d in shifts:
            a = shifted(aa, sr, d)
            t0 = time.perf_counter()
            res = sync.measure_sync(tt, oo, a, sr)
            signal.append(1000 * (time.perf_counter() - t0) / dur)
            rows.append((name, dur0, loops, dur, d, res))
    return rows, costs, signal


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=os.environ.get("SELFTAPE_REAL_DATA", str(ROOT.parent / "shared" / "data" / "real")))
    ap.add_argument("--shifts", default=",".join(str(s) for s in SHIFTS))
    ap.add_argument("--cache", default=None, help="folder (under /tmp) for the decoded series")
    args = ap.parse_args()
    shifts = [float(s) for s in args.shifts.split(",")]
    rows, costs, signal = run(Path(args.real), shifts, args.cache)
    print(f"visual lead taken off: {sync.VISUAL_LEAD_S * 1000:+.0f} ms")
    print(f"{'clip':40s} {'tape':>11s} {'shift':>6s} {'meas':>6s} {'err':>5s} {'raw':>6s} {'conf':>5s} "
          f"{'peak':>5s} {'prom':>5s} {'ev':>3s} verdict")
    for name, dur0, loops, dur, d, r in rows:
        tape_s = f"{dur0:.1f}s" + (f"x{loops}" if loops > 1 else "")
        if r.offset_s is None:
            meas, err, verdict = "  none", "    -", f"not confident: {r.reason}"
        else:
            meas, err = f"{r.offset_s * 1000:+6.0f}", f"{(r.offset_s - d) * 1000:+5.0f}"
            fires = r.offset_s > LIMIT_LATE or r.offset_s < LIMIT_EARLY
            verdict = "fires (outside BT.1359)" if fires else "inside BT.1359"
        raw = f"{r.lag_s * 1000:+6.0f}" if r.lag_s is not None else "     -"
        print(f"{name[14:54]:40s} {tape_s:>11s} {d * 1000:+6.0f} {meas} {err} {raw} {r.confidence:5.2f} "
              f"{r.peak:5.2f} {r.prominence:5.2f} {r.events:3d} {verdict}")
    for name, c in costs:
        print(f"cost {name[14:]}: {c:.0f} ms of landmark work per analysed second (decoding excluded)")
    print(f"cost of measure_sync itself (signal work, bootstrap): {np.median(signal):.1f} ms per analysed second "
          f"(median of {len(signal)} runs)")


if __name__ == "__main__":
    main()
