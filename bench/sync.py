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
    rows, costs, signal, tapes, decoded = [], [], [], {}, {}
    for name in clips:
        path = real / name
        if not path.exists():
            print(f"{name}: absent, skipped")
            continue
        t, op, audio, sr, a0, cost = load(str(path), cache)
        decoded[name] = (t, op, audio, sr, a0)
        dur0 = float(t[-1] - t[0] + np.median(np.diff(t)))
        costs.append((name, 1000 * cost / dur0))
        loops = loops_for(dur0)
        tt, oo, aa, dur = tape(t, op, audio, sr, a0, loops)
        tapes[name] = (tt, oo, aa, dur, sr)
        for d in shifts:
            a = shifted(aa, sr, d)
            t0 = time.perf_counter()
            res = sync.measure_sync(tt, oo, a, sr)
            signal.append(1000 * (time.perf_counter() - t0) / dur)
            rows.append((name, dur0, loops, dur, d, res))
    return rows, costs, signal, tapes, decoded


# the two clips of the same speaker hold the same footage (their audio matches, r 0.98, within 15 ms):
# their difference in sync is measured independently of measure_sync by aligning the two copies
SAME_FOOTAGE = ("video_talking_vr_face3_aoc.mp4", "video_talking_wda_aoc.mp4")


def cross_offset(ref, other) -> tuple[float, float, float, float, float]:
    """How much later the sound is against the picture in `other` than in `ref`, two copies of the
    same footage, each (t, opening, audio, sr, a0) as decoded: the sound aligned by its log envelope
    (1 ms blocks, +-100 ms), the picture by the lip opening (1 ms grid, +-200 ms in 2 ms steps).
    Returns (difference, sound delay, picture advance, r sound, r picture), seconds."""
    (t1, o1, a1, sr, p1), (t2, o2, a2, _, p2) = ref, other

    def env(a, a0):
        n = sr // 1000
        x = a[: len(a) // n * n].astype(np.float64).reshape(-1, n)
        return np.log((x * x).mean(1) + 1e-9), a0

    (e1, s1), (e2, s2) = env(a1, p1), env(a2, p2)
    tg = np.arange(0.5, min(len(e1), len(e2)) / 1000 - 0.6, 0.001)
    x1 = np.interp(tg, s1 + np.arange(len(e1)) / 1000, e1)
    best_a = max((np.corrcoef(x1, np.interp(tg + d, s2 + np.arange(len(e2)) / 1000, e2))[0, 1], d)
                 for d in np.arange(-0.1, 0.1005, 0.001))
    ok1, ok2 = np.isfinite(o1), np.isfinite(o2)
    tv = np.arange(max(t1[0], t2[0]) + 0.3, min(t1[-1], t2[-1]) - 0.3, 0.001)
    v1 = np.interp(tv, t1[ok1], o1[ok1])
    best_v = max((np.corrcoef(v1, np.interp(tv + d, t2[ok2], o2[ok2]))[0, 1], d)
                 for d in np.arange(-0.2, 0.2005, 0.002))
    # an event at t in ref is heard at t + da and seen at t + dv in other
    da, dv = best_a[1], best_v[1]
    return da - dv, da, -dv, best_a[0], best_v[0]


def mismatched(tapes):
    """Each clip's mouth against every other clip's audio (cut or repeated to the tape's length): what
    a confident offset on unrelated sound looks like (it should be none). The SAME_FOOTAGE pair is left
    out: its sound is the same speech."""
    out = []
    for n1, (t, op, _, dur, sr) in tapes.items():
        for n2, (_, _, a, _, _) in tapes.items():
            if n1 != n2 and not {n1, n2} <= set(SAME_FOOTAGE):
                out.append((n1, n2, sync.measure_sync(t, op, np.resize(a, int(round(dur * sr))), sr)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=os.environ.get("SELFTAPE_REAL_DATA",
                                                     str(ROOT.parent / "shared" / "data" / "real")))
    ap.add_argument("--shifts", default=",".join(str(s) for s in SHIFTS))
    ap.add_argument("--cache", default=None, help="folder (under /tmp) for the decoded series")
    args = ap.parse_args()
    shifts = [float(s) for s in args.shifts.split(",")]
    rows, costs, signal, tapes, decoded = run(Path(args.real), shifts, args.cache)
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
    if all(n in decoded for n in SAME_FOOTAGE):
        diff, da, dv, ra, rv = cross_offset(decoded[SAME_FOOTAGE[0]], decoded[SAME_FOOTAGE[1]])
        m = {n: next(r.offset_s for nn, *_, d, r in rows if nn == n and d == 0.0) for n in SAME_FOOTAGE}
        print(f"same footage: {SAME_FOOTAGE[1][14:]} against {SAME_FOOTAGE[0][14:]}: sound {da * 1000:+.0f} ms "
              f"(r {ra:.3f}), picture {dv * 1000:+.0f} ms earlier (r {rv:.3f}): its sound is {diff * 1000:+.0f} ms "
              f"later against the picture; measure_sync in sync reads "
              + (f"{(m[SAME_FOOTAGE[1]] - m[SAME_FOOTAGE[0]]) * 1000:+.0f} ms" if None not in m.values() else "n/a"))
    mism = mismatched(tapes)
    bad = [(a, b, r) for a, b, r in mism if r.offset_s is not None]
    print(f"mouth of one clip against another clip's audio: {len(bad)} confident of {len(mism)} pairs; "
          f"their peaks {max((r.peak for _, _, r in mism), default=0):.2f} at most")
    for a, b, r in bad:
        print(f"  confident on unrelated sound: {a[14:]} x {b[14:]}: {r}")
    print(f"cost of measure_sync itself (signal work, bootstrap): {np.median(signal):.1f} ms per analysed second "
          f"(median of {len(signal)} runs)")


if __name__ == "__main__":
    main()
