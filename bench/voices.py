"""Reader louder than the actor: measured reader-over-actor loudness on constructed two-voice tapes.

Each real talking-head clip is the actor; another real voice is the reader, answering in the actor's
pauses while the actor listens (bench/corpus.py `two_voice_tape`), at +0, +6 and +12 dB relative to the
actor, the scene played four times (50-60 s). Prints the measured difference, its error and whether
`audio.reader_louder` fired, in default and --thorough mode.
Targets (issue #9): error within +-2 dB; fires at +6 and +12, not at +0.

    python bench/voices.py [--out bench/.cache/voices]
"""

from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import corpus  # noqa: E402

from selftape_check import analyze  # noqa: E402

READER = corpus.READER_VOICE
LEVELS = (0.0, 6.0, 12.0)
CYCLES = 4  # the scene four times: 50-60 s tapes, where default mode samples


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(HERE, ".cache", "voices"))
    args = ap.parse_args()
    if corpus.real_data_missing():
        return 0
    os.makedirs(args.out, exist_ok=True)
    print("| actor clip | set dB | mode | actor LUFS | reader LUFS | measured dB | error dB | fired |")
    print("|---|---|---|---|---|---|---|---|")
    misses = 0
    for clip in corpus.CLIPS:
        for level in LEVELS:
            path = os.path.join(args.out, f"{clip[:-4]}_reader{int(level):+d}_x{CYCLES}.mp4")
            if not os.path.exists(path):
                corpus.two_voice_tape(path, clip, READER, level, cycles=CYCLES)
            for thorough in (False, True):
                r = analyze(path, thorough=thorough)
                a = r.metrics["audio"]
                fired = any(f.check == "audio.reader_louder" for f in r.findings)
                both = a["actor_lufs"] is not None and a["reader_lufs"] is not None
                diff = a["reader_lufs"] - a["actor_lufs"] if both else None
                err = None if diff is None else diff - level
                ok = err is not None and abs(err) <= 2.0 and fired == (level >= 6.0)
                misses += not ok
                fmt = lambda x: "-" if x is None else f"{x:+.1f}"  # noqa: E731
                mode = "thorough" if thorough else "default"
                verdict = ("yes" if fired else "no") + ("" if ok else " (MISS)")
                print(f"| {clip} | {level:+.0f} | {mode} | {a['actor_lufs']} | {a['reader_lufs']} | {fmt(diff)} | "
                      f"{fmt(err)} | {verdict} |")
    print(f"\n{misses} of {len(corpus.CLIPS) * len(LEVELS) * 2} outside the targets")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
