"""Speed and memory benchmark: the default mode (every frame decoded) against a bare full decode.

Generates (into bench/.cache, never the repo) 1-minute and 3-minute 1080p30 tapes, a 1-minute 4K tape
(a face with slight motion, speech over room tone, H.264 + AAC, a keyframe every 2 s as phones do) and
a 30-minute low-resolution tape; then, alternating in one run, times:

  * selftape-check (default)      the CLI, a new process: start-up included
  * selftape-check --fast         the sampled mode
  * selftape-check --thorough     (with --thorough: face and quality on every frame, slow)
  * ffmpeg bare decode            `ffmpeg -i tape -f null -` (imageio-ffmpeg's binary, a benchmark-only
                                  dependency): every video frame and the sound decoded, nothing else
  * bare PyAV decode of every frame (threads on)

and prints wall seconds, CPU seconds (user + system, from GNU time), real-time factors, peak RSS, and
the default's time as a ratio to ffmpeg's bare decode of the same file. On a shared machine the wall
ratio moves with the other load; the CPU ratio moves less.

    pip install ".[bench]"      # imageio-ffmpeg, scikit-image
    python bench/speed.py [--repeat 2] [--quick] [--thorough]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, ".cache")
sys.path.insert(0, os.path.dirname(HERE))

from tests.synth import pink_noise, place_on_wall, write_tape  # noqa: E402


def subject() -> np.ndarray:
    from skimage import data

    return data.astronaut()


def speech_like(seconds: float, sr: int, seed: int = 0) -> np.ndarray:
    """Syllable-rate modulated voiced sound (harmonics of a wandering pitch) over room tone."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    t = np.arange(n) / sr
    f0 = 140 + 25 * np.sin(2 * np.pi * 0.3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / sr
    voice = sum(np.sin(k * phase) / k for k in range(1, 12))
    env = (np.sin(2 * np.pi * 4 * t) > -0.2) * (np.sin(2 * np.pi * 0.25 * t) > -0.6)
    x = 0.1 * voice * env + pink_noise(seconds, sr, -60.0, seed)
    return np.stack([x, x], axis=1) + rng.normal(0, 1e-5, (n, 2))


def make_tape(name: str, seconds: float, size: tuple[int, int], fps: int = 30, crf: int = 20) -> str:
    path = os.path.join(CACHE, name)
    if os.path.exists(path):
        return path
    os.makedirs(CACHE, exist_ok=True)
    subj = subject()
    base = place_on_wall(subj, (size[0] + 32, size[1] + 32), height_share=0.9).astype(np.int16)
    rng = np.random.default_rng(1)
    # sensor grain, as a phone records it: it is what makes real footage cost its bitrate to decode
    grain = [rng.normal(0, 3.0, (size[1], size[0], 1)).astype(np.int16) for _ in range(7)]

    def frames():
        for i in range(int(seconds * fps)):
            t = i / fps
            dx = int(16 + 10 * np.sin(2 * np.pi * 0.2 * t))
            dy = int(16 + 6 * np.sin(2 * np.pi * 0.13 * t))
            f = base[dy:dy + size[1], dx:dx + size[0]] + grain[i % len(grain)]
            yield np.clip(f, 0, 255).astype(np.uint8)

    tmp = path + ".part.mp4"
    write_tape(tmp, frames(), fps, speech_like(seconds, 48000), 48000, gop=2 * fps, crf=crf)
    os.replace(tmp, path)
    return path


def timed(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of a command, the last two from GNU
    time (a fresh small parent, so the RSS is not inflated by this process's own memory, which a fork
    would carry into ru_maxrss)."""
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *cmd], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} exited {proc.returncode}: {proc.stderr[-300:]}")
    user, system, rss = proc.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(rss) / 1024.0


BARE_DECODE = """
import av, sys
c = av.open(sys.argv[1]); s = c.streams.video[0]; s.codec_context.thread_type = 'AUTO'
n = 0
for f in c.decode(s): n += 1
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="only the 1-minute 1080p and 4K tapes")
    ap.add_argument("--memory", action="store_true", help="only the 1-minute and 30-minute 360p tapes")
    ap.add_argument("--thorough", action="store_true", help="also time --thorough (face on every frame: slow)")
    ap.add_argument("--only", default="", help="only the tapes whose label starts with this (e.g. 1080p)")
    args = ap.parse_args()
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    exe = [sys.executable, "-m", "selftape_check.cli"]
    tapes = [] if args.memory else [("1080p30 60 s", make_tape("t1080_60.mp4", 60, (1920, 1080)), 60.0),
                                    ("2160p30 60 s", make_tape("t2160_60.mp4", 60, (3840, 2160), crf=20), 60.0)]
    if not args.quick and not args.memory:
        tapes.insert(1, ("1080p30 180 s", make_tape("t1080_180.mp4", 180, (1920, 1080)), 180.0))
    if not args.quick:  # memory against duration: the same picture size, 1 and 30 minutes
        tapes += [
            ("360p30 60 s", make_tape("t360_60.mp4", 60, (640, 360), crf=30), 60.0),
            ("360p30 1800 s", make_tape("t360_1800.mp4", 1800, (640, 360), crf=30), 1800.0),
        ]
    tapes = [t for t in tapes if t[0].startswith(args.only)]
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start; repeat {args.repeat}; "
          "best wall of the runs, tools alternating\n")
    header = f"{'tape':<15} {'tool':<26} {'wall s':>7} {'cpu s':>7} {'x real time':>11} {'peak RSS MB':>11}"
    print(header)
    print("-" * len(header))
    results = {}
    for label, path, dur in tapes:
        runs = {
            "selftape-check": exe + [path, "--json", "--quiet"],
            "selftape-check --fast": exe + [path, "--json", "--quiet", "--fast"],
            "ffmpeg bare decode": [ffmpeg, "-v", "error", "-nostats", "-i", path, "-f", "null", "-"],
            "bare PyAV decode": [sys.executable, "-c", BARE_DECODE, path],
        }
        if args.thorough:
            runs["selftape-check --thorough"] = exe + [path, "--json", "--quiet", "--thorough"]
        if label.startswith("360p"):  # these are there for memory; full decodes of 30 min take minutes
            runs = {k: v for k, v in runs.items() if k in ("selftape-check", "ffmpeg bare decode")}
        best: dict[str, tuple[float, float, float]] = {}
        pairs: list[float] = []  # default / ffmpeg of runs taken back to back
        for _ in range(args.repeat):
            walls = {}
            for name, cmd in runs.items():
                wall, cpu, rss = timed(cmd)
                walls[name] = wall
                prev = best.get(name)
                best[name] = (min(wall, prev[0]), min(cpu, prev[1]), max(rss, prev[2])) if prev else (wall, cpu, rss)
            pairs.append(walls["selftape-check"] / walls["ffmpeg bare decode"])
        for name, (wall, cpu, rss) in best.items():
            print(f"{label:<15} {name:<26} {wall:7.2f} {cpu:7.2f} {dur / wall:11.1f} {rss:11.0f}")
        results[label] = best
        d, f = best["selftape-check"], best["ffmpeg bare decode"]
        print(f"{label:<15} default / ffmpeg bare decode: {d[0] / f[0]:.2f}x wall (best of each), "
              f"{d[1] / f[1]:.2f}x CPU; per round: {', '.join(f'{r:.2f}' for r in pairs)}")
        if "selftape-check --fast" in best:
            print(f"{label:<15} default / --fast: {d[0] / best['selftape-check --fast'][0]:.2f}x wall")
        print()
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    for short in ("1080p30 60 s", "360p30 60 s"):
        if short in results and "360p30 1800 s" in results:
            a = results[short]["selftape-check"][2]
            b = results["360p30 1800 s"]["selftape-check"][2]
            print(f"peak RSS 1-min {short.split()[0]} {a:.0f} MB vs 30-min 360p {b:.0f} MB ({(b / a - 1) * 100:+.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
