"""Rewrite the generated parts of the docs: the thresholds table at the end of docs/checks.md from
selftape_check/judge/settings.py, and the registered measurements' figures in docs/report.schema.json
(`metrics.video`) from selftape_check/measure/meters.py."""

from __future__ import annotations

import json
import pathlib

from selftape_check.judge.settings import SETTINGS
from selftape_check.measure.meters import PER_COVERAGE, PER_FRAME

DOC = pathlib.Path(__file__).with_name("checks.md")
SCHEMA = pathlib.Path(__file__).with_name("report.schema.json")
MARK = "## Thresholds\n"


def table() -> str:
    rows = ["| key | default | unit | source |", "|---|---|---|---|"]
    rows += [f"| `{s.key}` | {s.default:g} | {s.unit} | {s.source} |" for s in SETTINGS.values()]
    return "\n".join(rows) + "\n"


def meter_schema() -> dict[str, dict]:
    """Each registered measurement's figures, as `metrics.video` properties."""
    return {m.name: {"type": ["number", "null"], "description": m.doc}
            for cls in (*PER_FRAME, *PER_COVERAGE) for m in cls.metrics}


SCHEMA_ANCHOR = '"longest_unmeasured_s":'  # the last hand-written metrics.video property; the generated follow


def with_meters(text: str) -> str:
    """The schema text with one line per registered figure after SCHEMA_ANCHOR's line (the lines there
    before are replaced); the rest of the file is left as written."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if SCHEMA_ANCHOR in line)
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    end = at + 1
    while lines[end].strip().startswith('"'):  # the generated lines of the last run
        end += 1
    generated = [f"{indent}{json.dumps(k)}: {json.dumps(v)}" for k, v in meter_schema().items()]
    block = [lines[at].rstrip(",") + ("," if generated else "")]
    block += [g + ("," if i + 1 < len(generated) else "") for i, g in enumerate(generated)]
    return "\n".join(lines[:at] + block + lines[end:])


if __name__ == "__main__":
    text = DOC.read_text()
    head = text.split(MARK)[0]
    DOC.write_text(head + MARK + table())
    SCHEMA.write_text(with_meters(SCHEMA.read_text()))
    json.loads(SCHEMA.read_text())  # still JSON
