"""Write the golden reports of the shipped samples (default and --fast) that tests/test_golden.py compares
against: run it only when a change of behaviour is intended, and say so in the commit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODES = {"default": [], "fast": ["--fast"]}
VOLATILE = ("elapsed_s", "tool", "file")  # time taken, version, where the file sits


def report(sample: Path, extra: list[str]) -> dict:
    r = subprocess.run([sys.executable, "-m", "selftape_check", str(sample), "--json", *extra],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    doc = json.loads(r.stdout)
    for k in VOLATILE:
        doc.pop(k, None)
    doc["exit_code"] = r.returncode
    return doc


def main() -> None:
    for sample in sorted((ROOT / "samples").glob("*.mp4")):
        for mode, extra in MODES.items():
            out = HERE / f"{sample.stem}.{mode}.json"
            out.write_text(json.dumps(report(sample, extra), indent=1, sort_keys=True) + "\n")
            print(out.relative_to(ROOT))


if __name__ == "__main__":
    main()
