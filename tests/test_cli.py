"""The command line end to end: verdicts of the shipped samples, JSON against the schema, exit codes,
and broken files."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import jsonschema
import pytest

from .conftest import ROOT, SAMPLES

SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text())


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "selftape_check.cli", *args], capture_output=True, text=True,
                          timeout=300)


def test_clean_sample_passes_with_exit_0():
    r = run_cli(str(SAMPLES / "clean_take.mp4"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1] == "Ready to send"


def test_dark_sample_fails_on_underexposed_face():
    r = run_cli(str(SAMPLES / "dark_take.mp4"), "--json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["verdict"] == "fail"
    assert [f["check"] for f in doc["findings"]] == ["face.underexposed"]
    assert doc["metrics"]["video"]["face_visible_ratio"] == 1.0
    # the generator scaled the picture by 0.16: the face reads far below the 0.25 threshold
    assert doc["metrics"]["video"]["face_luma_median"] < 0.14


def test_sample_without_sound_gets_audio_missing():
    r = run_cli(str(SAMPLES / "no_sound_take.mp4"), "--json")
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert r.returncode == 1
    assert [f["check"] for f in doc["findings"]] == ["audio.missing"]
    assert doc["metrics"]["audio"]["integrated_lufs"] is None
    assert doc["media"]["audio"] is None


def _always_present(schema: dict) -> dict[str, list[str]]:
    metrics = schema["$defs"]["report"]["properties"]["metrics"]["properties"]
    return {group: metrics[group]["required"] for group in ("video", "audio", "av")}


def test_clean_sample_json_has_required_metrics(tmp_path):
    """The schema names the metrics that are always present; every kind of report carries them: a tape, a
    tape without sound, an audio-only file (nulls for the picture) and a file that could not be read."""
    required = _always_present(SCHEMA)
    assert "integrated_lufs" in required["audio"] and "face_luma_median" in required["video"]
    doc = json.loads(run_cli(str(SAMPLES / "clean_take.mp4"), "--json").stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["status"] == "ok" and doc["verdict"] == "pass" and doc["findings"] == []
    assert doc["media"]["video"]["width"] == 1280 and doc["media"]["video"]["fps"] == 25
    # the generator mixed the voice at -22 dBFS RMS over a -62 dBFS room tone: 40 dB
    assert doc["metrics"]["audio"]["snr_db"] > 30
    import numpy as np
    import soundfile as sf

    wav = tmp_path / "voice.wav"
    sf.write(str(wav), 0.1 * np.sin(np.arange(48000 * 3) * 2 * np.pi * 997 / 48000), 48000)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video" * 50)
    for path in (SAMPLES / "clean_take.mp4", SAMPLES / "no_sound_take.mp4", wav, junk):
        doc = json.loads(run_cli(str(path), "--json").stdout)
        jsonschema.validate(doc, SCHEMA)
        for group, keys in required.items():
            assert set(keys) <= set(doc["metrics"][group]), (path.name, group)
    assert doc["status"] == "error" and doc["metrics"]["audio"]["integrated_lufs"] is None
    no_sound = json.loads(run_cli(str(SAMPLES / "no_sound_take.mp4"), "--json").stdout)
    assert no_sound["metrics"]["audio"]["integrated_lufs"] is None
    assert no_sound["metrics"]["video"]["face_luma_median"] > 0.3
    audio_only = json.loads(run_cli(str(wav), "--json").stdout)
    assert audio_only["metrics"]["video"]["face_luma_median"] is None
    assert audio_only["metrics"]["audio"]["integrated_lufs"] == pytest.approx(-23.0, abs=0.3)  # 997 Hz -20 dBFS


@pytest.mark.parametrize("content,kinds", [
    (b"", {"not_media"}),
    (random.Random(7).randbytes(20000), {"not_media", "no_streams"}),
    (b"this is a text file, not a video\n" * 40, {"not_media"}),
])
def test_broken_file_gives_one_line_and_exit_2(tmp_path, content, kinds):
    path = tmp_path / "take.mp4"
    path.write_bytes(content)
    r = run_cli(str(path))
    assert r.returncode == 2
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    j = run_cli(str(path), "--json")
    doc = json.loads(j.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert j.returncode == 2 and doc["status"] == "error" and doc["error"]["type"] in kinds
    assert doc["verdict"] is None and doc["findings"] == []


def test_truncated_mp4_is_an_error_not_a_traceback(tmp_path):
    data = (SAMPLES / "clean_take.mp4").read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 2])  # moov sits at the end: the index is gone
    r = run_cli(str(path), "--json")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert json.loads(r.stdout)["error"]["type"] in ("not_media", "truncated")


def test_missing_file_and_bad_option_exit_2(tmp_path):
    assert run_cli(str(tmp_path / "nope.mp4")).returncode == 2
    assert run_cli("--no-such-option", str(SAMPLES / "clean_take.mp4")).returncode == 2


def test_folder_scan_reports_every_file_and_keeps_going(tmp_path):
    import shutil

    for name in ("clean_take.mp4", "dark_take.mp4"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    (tmp_path / "broken.mp4").write_bytes(b"garbage" * 100)
    (tmp_path / "notes.txt").write_text("not media")
    r = run_cli(str(tmp_path), "--json")
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert r.returncode == 2  # one file could not be analyzed
    by_name = {os.path.basename(x["file"]["path"]): x for x in doc["reports"]}
    assert set(by_name) == {"clean_take.mp4", "dark_take.mp4", "broken.mp4"}
    assert by_name["clean_take.mp4"]["verdict"] == "pass"
    assert by_name["dark_take.mp4"]["verdict"] == "fail"
    assert by_name["broken.mp4"]["status"] == "error"
    assert doc["summary"] == {"files": 3, "pass": 1, "warn": 0, "fail": 1, "error": 1}


def test_strict_makes_warnings_fail(tmp_path):
    import numpy as np
    import soundfile as sf

    from tests.synth import sine

    x = sine(1000, 3.0, 48000, -2.0)  # a loud tone: speech loudness about -5 LUFS, too loud (warn)
    path = tmp_path / "loud.wav"
    sf.write(path, np.stack([x, x], axis=1), 48000)
    assert run_cli(str(path)).returncode == 0
    assert run_cli(str(path), "--strict").returncode == 1


def _folder(tmp_path):
    import shutil

    for name in ("clean_take.mp4", "dark_take.mp4"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    return tmp_path


def test_jsonl_gives_one_valid_report_per_line(tmp_path):
    folder = _folder(tmp_path)
    r = run_cli(str(folder), "--jsonl", "--jobs", "2")
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 2
    docs = [json.loads(line) for line in lines]
    for d in docs:
        jsonschema.validate(d, SCHEMA)
    assert sorted(d["verdict"] for d in docs) == ["fail", "pass"]
    assert r.returncode == 1


def test_csv_is_written_atomically_with_a_row_per_file(tmp_path):
    import csv

    folder = _folder(tmp_path / "tapes" if (tmp_path / "tapes").mkdir() is None else tmp_path)
    out = tmp_path / "report.csv"
    r = run_cli(str(folder), "--csv", str(out), "--quiet")
    assert r.returncode == 1
    rows = list(csv.DictReader(out.open()))
    assert [os.path.basename(x["path"]) for x in rows] == ["clean_take.mp4", "dark_take.mp4"]
    assert rows[1]["verdict"] == "fail" and "face.underexposed:fail" in rows[1]["findings"]
    assert float(rows[0]["face_visible_ratio"]) == 1.0
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".selftape-")]  # no temp file left


def test_csv_never_overwrites_an_input(tmp_path):
    folder = _folder(tmp_path)
    target = folder / "clean_take.mp4"
    before = target.read_bytes()
    r = run_cli(str(target), "--csv", str(target))
    assert r.returncode == 2
    assert target.read_bytes() == before


def test_threshold_precedence_flag_over_config_over_default(tmp_path):
    sample = str(SAMPLES / "dark_take.mp4")  # face luma about 0.11
    cfg = tmp_path / "selftape.toml"
    cfg.write_text('[thresholds]\n"face.underexposed.warn_luma" = 0.05\n"face.underexposed.fail_luma" = 0.02\n')
    # default: fails; config lowers the limit below the measured face: passes; the flag raises it again
    assert run_cli(sample).returncode == 1
    assert run_cli(sample, "--config", str(cfg)).returncode == 0
    assert run_cli(sample, "--config", str(cfg), "--threshold", "face.underexposed.warn_luma=0.25",
                   "--threshold", "face.underexposed.fail_luma=0.14").returncode == 1


def test_pyproject_table_is_found_upward_from_the_working_directory(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.selftape-check]\ndisable = ["face.underexposed"]\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    r = subprocess.run([sys.executable, "-m", "selftape_check.cli", str(SAMPLES / "dark_take.mp4")],
                       capture_output=True, text=True, cwd=sub, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_bad_config_is_a_usage_error(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[thresholds]\n"no.such.key" = 1\n')
    r = run_cli(str(SAMPLES / "clean_take.mp4"), "--config", str(cfg))
    assert r.returncode == 2 and "no.such.key" in r.stderr and "Traceback" not in r.stderr


def test_fail_on_warn(tmp_path):
    import numpy as np
    import soundfile as sf

    from tests.synth import sine

    path = tmp_path / "loud.wav"
    x = sine(1000, 3.0, 48000, -2.0)
    sf.write(path, np.stack([x, x], axis=1), 48000)
    assert run_cli(str(path), "--fail-on", "warn").returncode == 1
    assert run_cli(str(path), "--fail-on", "fail").returncode == 0


def test_time_ranges_read_to_the_second_without_touching_twins():
    from selftape_check.report.text import format_ranges

    assert format_ranges([(0.1, 3.54), (4.14, 6.56)]) == "0:00\u20130:07"  # they meet at 0:04
    assert format_ranges([(12.3, 12.4)]) == "0:12"  # a click
    assert format_ranges([(1.0, 3.0), (5.0, 9.0), (70.2, 75.9)]) == "0:01\u20130:03, 0:05\u20130:09, 1:10\u20131:16"
    assert format_ranges([(k * 10.0, k * 10.0 + 2) for k in range(6)]) == \
        "0:00\u20130:02, 0:10\u20130:12, 0:20\u20130:22, 0:30\u20130:32 (+2 more)"
