"""A folder of 200 files (hard links of the shipped clean sample) with the default jobs: every file
reported once, the wall time, and the peak memory of the main process and of the largest worker.

    python bench/load.py [--files 200]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tapes"
        folder.mkdir()
        src = ROOT / "samples" / "clean_take.mp4"
        for i in range(args.files):
            os.link(src, folder / f"take{i:04d}.mp4") if os.stat(src).st_dev == os.stat(tmp).st_dev else \
                (folder / f"take{i:04d}.mp4").write_bytes(src.read_bytes())
        # a small wrapper reports the main process's own peak; RUSAGE_CHILDREN of the wrapper then holds
        # the largest descendant (the workers are the main process's children, reaped by it)
        code = ("import resource, runpy, sys; sys.argv = ['selftape-check', *sys.argv[1:]];\n"
                "try:\n    from selftape_check.cli import run; run()\n"
                "finally:\n    sys.stderr.write('MAXRSS_SELF %d MAXRSS_CHILDREN %d\\n' % ("
                "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
                "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))")
        t = time.monotonic()
        r = subprocess.run([sys.executable, "-c", code, str(folder), "--jsonl", "-q"], capture_output=True,
                           text=True)
        wall = time.monotonic() - t
        reports = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
        paths = [x["file"]["path"] for x in reports]
        line = [x for x in r.stderr.splitlines() if x.startswith("MAXRSS_SELF")][-1].split()
        print(f"files: {args.files}, reports: {len(reports)}, distinct: {len(set(paths))}, "
              f"ok: {sum(x['status'] == 'ok' for x in reports)}, exit {r.returncode}")
        print(f"wall: {wall:.1f} s ({args.files / wall * 60:.0f} files/min with {os.cpu_count()} cores)")
        print(f"peak RSS: main process {int(line[1]) / 1024:.0f} MB, largest worker {int(line[3]) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
