"""The text report an actor reads: a plain headline, each problem in the actor's words with its time
and what to do, the engineering value after it, and no claim about what was not checked. And the
command line's conventions: NO_COLOR / FORCE_COLOR / --color, progress with N/total and time left,
--list-checks, -v, python -m selftape_check."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from .conftest import SAMPLES

HEADLINES = {"clean_take.mp4": "Ready to send", "dark_take.mp4": "Fix before sending: 1 problem",
             "no_sound_take.mp4": "Fix before sending: 1 problem"}


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "selftape_check", *args], capture_output=True, text=True,
                          timeout=300, env=full_env)


@pytest.fixture(scope="module")
def sample_texts():
    from selftape_check import analyze
    from selftape_check.report import render_text

    reports = {p.name: analyze(p) for p in sorted(SAMPLES.glob("*.mp4"))}
    return {name: render_text(r) for name, r in reports.items()}, reports


def test_every_shipped_sample_has_a_plain_headline(sample_texts):
    texts, _ = sample_texts
    assert set(texts) == set(HEADLINES)
    for name, text in texts.items():
        lines = text.splitlines()
        assert lines[1] == HEADLINES[name], text
        # the old headline read "FAIL  Casting is likely to pass": 'pass' read as 'fine'
        assert "likely to pass" not in text and not lines[1].startswith(("PASS", "WARN", "FAIL"))


def test_a_problem_reads_as_what_casting_notices_then_when_then_what_to_do(sample_texts):
    texts, reports = sample_texts
    lines = texts["dark_take.mp4"].splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("  1. "))
    assert lines[i].startswith("  1. Your face is too dark")
    assert "stops more light" in lines[i]  # a unit a person knows, not "luma"
    assert "luma" not in lines[i] and "face.underexposed" not in lines[i]
    assert lines[i + 1] == "     when: the whole tape (0:00\u20130:05)"
    assert lines[i + 2].startswith("     do:   Put a soft light in front of you")
    # then the engineering value and the check id, for support and scripts
    assert re.search(r"face luma 0\.1[01]\d? on 0-1", lines[i + 3]) and "(limit 0.25)" in lines[i + 3]
    assert "face.underexposed" in lines[i + 3]
    f = reports["dark_take.mp4"].findings[0]
    assert f.check == "face.underexposed" and f.severity == "fail"


def test_no_claim_about_what_was_not_checked(sample_texts, tmp_path):
    import soundfile as sf

    from selftape_check import analyze
    from selftape_check.report import render_text
    from tests.synth import pink_noise, syllables

    texts, _ = sample_texts
    no_sound = texts["no_sound_take.mp4"]
    assert "voice" not in no_sound.lower().replace("no sound", "")  # nothing heard, nothing said of a voice
    assert "No sound track" in no_sound
    assert "eyes seen in 100%" in texts["clean_take.mp4"]  # measured there, so it may say so

    sr = 48000
    voice = tmp_path / "voice.wav"  # sound only: a voice, no picture
    sf.write(voice, (syllables(6.0, sr, rms_dbfs=-24.0) + pink_noise(6.0, sr, -70.0)).astype(np.float32), sr)
    text = render_text(analyze(voice))
    assert text.splitlines()[1] == "Ready to send"
    assert "No picture in this file" in text
    body = text.lower().replace("no picture in this file: face, eyes, light and framing were not checked", "")
    assert "eyes" not in body and "face" not in body  # the old report said casting "can see your eyes"

    noise = tmp_path / "noise.wav"  # sound only: room noise, nobody speaking
    sf.write(noise, pink_noise(6.0, sr, -30.0, seed=3).astype(np.float32), sr)
    r = analyze(noise)
    assert r.metrics["audio"]["speech_ratio"] < 0.05
    text = render_text(r)
    assert "your voice" not in text.lower() and "no voice was found" in text.lower()


def test_stops_count_doublings_of_scene_light():
    from selftape_check.report.plain import stops

    def oetf(light: float) -> float:  # ITU-R BT.709 camera encoding, written out here
        return 4.5 * light if light < 0.018 else 1.099 * light ** 0.45 - 0.099

    for light in (0.02, 0.05, 0.1, 0.2, 0.4):
        assert stops(oetf(2 * light), oetf(light)) == pytest.approx(1.0, abs=1e-6)
        assert stops(oetf(4 * light), oetf(light)) == pytest.approx(2.0, abs=1e-6) if 4 * light <= 1 else True
    assert stops(0.5, 0.5) == 0.0


def test_reader_louder_in_decibels_and_how_much_louder_it_sounds():
    from selftape_check.model import Finding, MediaInfo, Report
    from selftape_check.report.plain import describe

    media = MediaInfo("t.mp4", 1, "mp4", 60.0, None, None)
    report = Report("t.mp4", 1, "ok", media=media, metrics={"audio": {"reader_lufs": -14.0, "actor_lufs": -23.0}})
    f = Finding("audio.reader_louder", "fail", "msg", "advice", value=9.0, threshold=3.0, unit="dB reader over actor")
    p = describe(f, report)
    # 10 dB is heard as twice as loud (sone scale): 9 dB reads 2^0.9 = 1.87, said as "about twice"
    assert p.what.startswith("The reader is louder than you: 9 dB, about twice as loud")
    assert "reader -14 LUFS, you -23 LUFS: +9 dB (limit 3)" == p.measured
    assert math.isclose(2 ** 0.9, 1.866, abs_tol=1e-3)


def test_profile_within_its_limits_says_so():
    r = run_cli(str(SAMPLES / "clean_take.mp4"), "--profile", "castit")
    assert r.returncode == 0
    assert "Cast It Talent: within its limits (0.2 MB of the 100 MB it takes, MP4 is a type it takes)." in r.stdout


# ---------------------------------------------------------------- colour, progress, listing, -v
ESC = "\x1b["


def test_colour_env_and_flags():
    clean = str(SAMPLES / "clean_take.mp4")
    assert ESC not in run_cli(clean).stdout  # piped: no colour by default
    assert ESC in run_cli(clean, "--color").stdout  # the flag wins, even piped (click used to strip it)
    assert ESC in run_cli(clean, env={"FORCE_COLOR": "1"}).stdout
    assert ESC not in run_cli(clean, env={"FORCE_COLOR": "0"}).stdout
    assert ESC not in run_cli(clean, "--no-color", env={"FORCE_COLOR": "1"}).stdout
    assert ESC in run_cli(clean, "--color", env={"NO_COLOR": "1"}).stdout
    assert ESC not in run_cli(clean, env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout


def test_colour_wanted_on_a_terminal(monkeypatch):
    from selftape_check.cli import colour_wanted

    class Tty:
        def isatty(self):
            return True

    for k in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(k, raising=False)
    assert colour_wanted(None, Tty()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert colour_wanted(None, Tty()) is False and colour_wanted(True, Tty()) is True
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert colour_wanted(None, Tty()) is False


def test_progress_counts_files_with_time_left(tmp_path):
    for name in ("clean_take.mp4", "dark_take.mp4", "no_sound_take.mp4"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    r = run_cli(str(tmp_path), "--progress", "--jobs", "1")
    lines = [x for x in r.stderr.splitlines() if "files checked" in x]
    assert lines[0] == "selftape-check: 0/3 files checked"
    assert lines[1].startswith("selftape-check: 1/3 files checked, about ") and " left (" in lines[1]
    assert lines[-1].startswith("selftape-check: 3/3 files checked")
    assert "files checked" not in run_cli(str(tmp_path), "--jobs", "1").stderr  # not a terminal: off
    assert "files checked" not in run_cli(str(tmp_path), "--progress", "-q", "--jobs", "1").stderr


def test_summary_table_keeps_long_names_and_says_problems_in_words(tmp_path):
    long_name = "a very long file name for take three of the scene, the one with the good ending.mp4"
    shutil.copy(SAMPLES / "clean_take.mp4", tmp_path / long_name)
    shutil.copy(SAMPLES / "dark_take.mp4", tmp_path / "dark_take.mp4")
    out = run_cli(str(tmp_path)).stdout
    table = out[out.index("verdict "):].splitlines()
    assert any(long_name in line for line in table)  # the old table cut names at 48 characters
    assert any(line.startswith("fix first") and "face too dark" in line for line in table)
    assert table[-1] == "2 files: 1 ready, 1 fix first"


def test_list_checks_names_every_check_and_threshold():
    from selftape_check.judge import CHECKS, SETTINGS

    r = run_cli("--list-checks")
    assert r.returncode == 0
    for check in CHECKS:
        assert f"\n{check} " in "\n" + r.stdout
    for key in SETTINGS:
        assert f"{key} = {SETTINGS[key].default:g}" in r.stdout


def test_every_check_has_plain_words():
    from selftape_check.judge import CHECKS
    from selftape_check.report.plain import CATCHES, SHORT

    assert [c for c in CHECKS if c not in CATCHES or c not in SHORT] == []


def test_verbose_says_why_each_check_passed_or_was_skipped(tmp_path):
    import soundfile as sf

    from selftape_check.judge import CHECKS
    from tests.synth import syllables

    path = tmp_path / "voice.wav"
    sf.write(path, syllables(5.0, 48000, rms_dbfs=-24.0).astype(np.float32), 48000)
    out = run_cli(str(path), "-v", "--disable", "audio.hum").stdout
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in out.splitlines()
            if line.startswith("    ") and line.split()[0] in CHECKS}
    assert set(rows) == set(CHECKS)
    assert rows["face.underexposed"] == ["skipped", "no picture in the file"]
    assert rows["audio.hum"] == ["skipped", "turned off (--disable or config)"]
    assert rows["upload.file_size"] == ["skipped", "only with --profile"]
    assert rows["audio.too_quiet"][0] == "passed" and "LUFS (limit -30)" in rows["audio.too_quiet"][1]


def test_python_dash_m_runs_the_command():
    r = run_cli("--version")
    assert r.returncode == 0 and "selftape-check" in r.stdout


def test_the_checks_doc_holds_the_whole_contract_itself():
    from selftape_check.report.plain import CATCHES

    from .conftest import ROOT

    doc = (ROOT / "docs" / "checks.md").read_text()
    assert "../shared" not in doc  # it used to send readers outside the project for the list of checks
    contract = doc[doc.index("## The contract"):doc.index("## How frames and sound are measured")]
    assert [c for c in CATCHES if f"| `{c}` |" not in contract] == []
    assert "### JSON report" in contract and "### Exit codes" in contract
