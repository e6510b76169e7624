"""Folder-scan benchmark: 8 one-minute 1080p tapes with --jobs 1 and --jobs 2, alternating, best of N.

Target (issue): --jobs 2 takes at most 0.6 of the --jobs 1 time on 2 cores.

For context it also prints what the machine allows: the same ratio for a pure CPU task (8 pieces of
pure-Python work in one process, then in two), and how much of the --jobs 1 time a single file's decoder
threads already overlap (--jobs 1 with the decoder on one thread).

    python bench/batch.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from speed import make_tape  # noqa: E402


def _cpu_piece(_: int) -> float:
    """About a second of single-threaded work (pure Python: no library threads to oversubscribe)."""
    t0 = time.perf_counter()
    total = 0
    for i in range(12_000_000):
        total += i * i % 7
    return time.perf_counter() - t0


def _cpu_ratio() -> float:
    from concurrent.futures import ProcessPoolExecutor

    walls = {}
    for workers in (1, 2):
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_cpu_piece, range(workers)))  # warm the workers up
            t0 = time.perf_counter()
            list(pool.map(_cpu_piece, range(8)))
            walls[workers] = time.perf_counter() - t0
    return walls[2] / walls[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    src = make_tape("t1080_60.mp4", 60, (1920, 1080))
    folder = tempfile.mkdtemp(prefix="selftape-batch-")
    try:
        for i in range(8):  # hard links: eight files, one copy on disk
            os.link(src, os.path.join(folder, f"take{i}.mp4"))
        best = {}
        one_thread = ("import glob, sys; from selftape_check import analyze; "
                      "[analyze(p, decoder_threads=1) for p in sorted(glob.glob(sys.argv[1] + '/*.mp4'))]")
        runs = {"--jobs 1": ["-m", "selftape_check.cli", folder, "-q", "--jsonl", "--jobs", "1"],
                "--jobs 2": ["-m", "selftape_check.cli", folder, "-q", "--jsonl", "--jobs", "2"],
                "--jobs 1, decoder on one thread": ["-c", one_thread, folder]}
        for _ in range(args.repeat):
            for name, argv in runs.items():
                t0 = time.perf_counter()
                subprocess.run([sys.executable, *argv], stdout=subprocess.DEVNULL, check=False)
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - t0)
        print(f"8 x 60 s 1080p30 tapes on {os.cpu_count()} cores (best of {args.repeat}):")
        for name, wall in best.items():
            print(f"  {name:32s} {wall:6.2f} s  ({8 * 60 / wall:5.1f}x real time)")
        print(f"  ratio jobs 2 / jobs 1: {best['--jobs 2'] / best['--jobs 1']:.2f} (target <= 0.6)")
        print(f"  one file's own use of the second core: --jobs 1 is "
              f"{best['--jobs 1'] / best['--jobs 1, decoder on one thread']:.2f} of its one-thread time")
        print(f"  machine ceiling, pure CPU work in 2 processes / 1: {_cpu_ratio():.2f}")
    finally:
        shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
