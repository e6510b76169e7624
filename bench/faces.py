"""Face perception benchmark (issue #25): the landmark path (MediaPipe models on cv2.dnn) against the
Haar cascade path it replaced, in one run.

1. Cost: `analyze()` on the 60 s 1080p30 speed tape (bench/speed.py's, from bench/.cache), each path
   in turn, best of `--repeat`; prints wall seconds, x real time, and the face stage's cost per
   analysed second (the difference of the two paths, and the per-call time of `FaceTracker.detect`
   on the tape's coverage frames).
2. Darkness: the real talking clips (../shared/data/real, skipped without) darkened by a gain and
   gamma 1.3, every 6th frame at 640x360: share of frames with a face and with visible eyes, per path.

    python bench/faces.py [--repeat 2] [--no-dark]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

CLIPS = ["video_talking_vr_face4_woman_bluebg.mp4", "video_talking_vr_face1_man_suit.mp4",
         "video_talking_vr_face3_aoc.mp4", "video_talking_wda_aoc.mp4", "video_talking_hamilton_clip.mp4"]
GAINS = (1.0, 0.22, 0.1, 0.05, 0.02)


def _path(use_model: bool):
    from selftape_check.measure import landmarks

    landmarks._available = None
    if not use_model:
        landmarks._available = False
    return landmarks


def cost(repeat: int) -> None:
    import cv2
    from speed import make_tape

    from selftape_check import analyze
    from selftape_check.measure import faces

    path = make_tape("t1080_60.mp4", 60, (1920, 1080))
    best = {}
    for _ in range(repeat):
        for use_model in (True, False):
            _path(use_model)
            t0 = time.perf_counter()
            r = analyze(path)
            wall = time.perf_counter() - t0
            key = "landmarks" if use_model else "haar"
            best[key] = min(wall, best.get(key, wall))
            best[key + "_face"] = r.metrics["video"]["face_visible_ratio"]
    _path(True)
    print(f"{'path':<10} {'wall s':>7} {'x real time':>11} {'face found':>10}")
    for key in ("landmarks", "haar"):
        print(f"{key:<10} {best[key]:7.2f} {60.0 / best[key]:11.1f} {best[key + '_face']:10.2f}")
    print(f"landmark path costs {best['landmarks'] - best['haar']:+.2f} s per 60 s tape "
          f"({(best['landmarks'] - best['haar']) / 60 * 1000:+.1f} ms per analysed second)")
    # per call, on the tape's own pictures at analysis size (one a second, as coverage frames are)
    import av

    lumas = []
    with av.open(path) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i % 30 == 0:
                y = f.to_ndarray(format="gray")
                lumas.append(cv2.resize(y, (640, 360), interpolation=cv2.INTER_AREA))
    for use_model in (True, False):
        _path(use_model)
        tracker = faces.FaceTracker()
        t0 = time.perf_counter()
        for y in lumas:
            b = tracker.detect(y)
            if b is not None:
                tracker.eyes_visible(y, b)
        per = (time.perf_counter() - t0) / len(lumas)
        print(f"FaceTracker.detect + eyes_visible, {'landmarks' if use_model else 'haar'}: {per * 1000:.1f} ms "
              f"per coverage frame (= per analysed second at one coverage frame a second)")
    _path(True)


def dark() -> None:
    import cv2
    from corpus import clip_frames, real_data_missing

    from selftape_check.measure import faces

    if real_data_missing():
        return
    print("\nshare of frames with a face / with visible eyes (of those with a face), gain then gamma 1.3")
    print(f"{'clip':<40} " + " ".join(f"{'gain ' + str(g):>22}" for g in GAINS))
    for clip in CLIPS:
        frames = clip_frames(clip, (960, 540))[0][::6]
        cells = []
        for gain in GAINS:
            gamma = 1.3 if gain < 1 else 1.0
            lut = np.clip(255.0 * gain * (np.arange(256) / 255.0) ** gamma, 0, 255).astype(np.uint8)
            cell = []
            for use_model in (True, False):
                _path(use_model)
                tracker = faces.FaceTracker()
                found = eyes = 0
                for f in frames:
                    g = cv2.resize(cv2.cvtColor(lut[f], cv2.COLOR_RGB2GRAY), (640, 360), interpolation=cv2.INTER_AREA)
                    b = tracker.detect(g)
                    found += b is not None
                    eyes += bool(b is not None and tracker.eyes_visible(g, b))
                tag = "L" if use_model else "H"
                cell.append(f"{tag} {100 * found // len(frames):3d}/{100 * eyes // max(1, found):3d}")
            cells.append(" ".join(cell))
        print(f"{clip:<40} " + " ".join(f"{c:>22}" for c in cells))
    _path(True)
    print("L: landmark path, H: Haar path; figures: % frames with a face / % of those with eyes seen")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-dark", action="store_true")
    args = ap.parse_args()
    cost(args.repeat)
    if not args.no_dark:
        dark()
    return 0


if __name__ == "__main__":
    sys.exit(main())
