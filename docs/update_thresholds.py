"""Rewrite the thresholds table at the end of docs/checks.md from selftape_check/judge/settings.py."""

from __future__ import annotations

import pathlib

from selftape_check.judge.settings import SETTINGS

DOC = pathlib.Path(__file__).with_name("checks.md")
MARK = "## Thresholds\n"


def table() -> str:
    rows = ["| key | default | unit | source |", "|---|---|---|---|"]
    rows += [f"| `{s.key}` | {s.default:g} | {s.unit} | {s.source} |" for s in SETTINGS.values()]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    text = DOC.read_text()
    head = text.split(MARK)[0]
    DOC.write_text(head + MARK + table())
