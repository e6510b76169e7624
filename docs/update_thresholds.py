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


def video_metrics(schema: dict) -> dict:
    return schema["$defs"]["report"]["properties"]["metrics"]["properties"]["video"]["properties"]


if __name__ == "__main__":
    text = DOC.read_text()
    head = text.split(MARK)[0]
    DOC.write_text(head + MARK + table())
    schema = json.loads(SCHEMA.read_text())
    video_metrics(schema).update(meter_schema())
    SCHEMA.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
