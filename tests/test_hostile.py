"""Hostile input and interrupted runs (docs/robustness.md): names and metadata from strangers, paths that
are not files, options out of range, signals, closed pipes, dead workers, full disks. Each asserts what
the user sees: the exit code, one line on stderr, the report files left behind."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import av
import numpy as np
import pytest
import soundfile as sf
from click.testing import CliRunner

from selftape_check import cli, runner
from tests.synth import remux, sine

from .conftest import ROOT, SAMPLES

CLEAN = SAMPLES / "clean_take.mp4"


def cli_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "selftape_check.cli", *args]


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    r = subprocess.run(cli_cmd(*args), capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def tape_folder(tmp_path, n: int):
    folder = tmp_path / "tapes"
    folder.mkdir()
    for i in range(n):
        shutil.copy(CLEAN, folder / f"take{i:02d}.mp4")
    return folder


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(x) for x in out]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


# ------------------------------------------------------------------ interrupted runs
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_mid_scan_keeps_the_earlier_report_and_leaves_no_worker(tmp_path, sig, code):
    """Old code: SIGINT replaced a complete report.html with a partial one; SIGTERM left workers running."""
    folder = tape_folder(tmp_path, 8)
    html, csv_path = tmp_path / "report.html", tmp_path / "tapes.csv"
    html.write_text("the complete report of yesterday")
    csv_path.write_text("yesterday's rows")
    p = subprocess.Popen(cli_cmd(str(folder), "--jsonl", "--jobs", "2", "--html", str(html), "--csv",
                                 str(csv_path)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = p.stdout.readline()  # one file finished: the scan is under way
    assert json.loads(first)["status"] == "ok"
    workers = children(p.pid)
    assert workers, "a folder scan runs its files in worker processes"
    p.send_signal(sig)
    sent = time.monotonic()
    out, err = p.communicate(timeout=60)
    assert p.returncode == code, err
    assert time.monotonic() - sent < 10
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert html.read_text() == "the complete report of yesterday"
    assert csv_path.read_text() == "yesterday's rows"
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".selftape-")], "a temporary file was left"
    time.sleep(0.5)
    assert not [w for w in workers if alive(w)], "a worker outlived the scan"


def test_a_closed_stdout_stops_the_scan_quietly_with_141(tmp_path):
    """Old code: `| head -1` ran every file, then exited 1 (click's broken-pipe handling)."""
    folder = tape_folder(tmp_path, 6)
    r = subprocess.run(f"{' '.join(cli_cmd())} {folder} --jsonl --jobs 1 | head -1 >/dev/null; "
                       "echo ${PIPESTATUS[0]}", shell=True, executable="/bin/bash", capture_output=True, text=True,
                       timeout=240)
    assert r.stdout.split()[-1] == "141", r.stderr
    assert r.stderr.strip() == ""


def test_a_worker_killed_mid_scan_costs_one_retry_not_the_scan(tmp_path):
    """Old code: one SIGKILLed worker (the out-of-memory killer) ended the scan: BrokenProcessPool, exit 2."""
    folder = tape_folder(tmp_path, 6)
    errors = tmp_path / "stderr.txt"
    with open(errors, "w") as err_file:
        p = subprocess.Popen(cli_cmd(str(folder), "--jsonl", "--jobs", "2"), stdout=subprocess.PIPE,
                             stderr=err_file, text=True)
        lines = [p.stdout.readline()]
        os.kill(children(p.pid)[0], signal.SIGKILL)
        # the rest through the same buffered reader (communicate() would read the pipe under it and lose
        # whatever readline had already buffered: a report that came out with the first one)
        lines += p.stdout.read().splitlines()
        p.wait(timeout=240)
    err = errors.read_text()
    reports = [json.loads(x) for x in lines if x.strip()]
    assert p.returncode == 0, err
    assert sorted(r["file"]["path"] for r in reports) == sorted(str(folder / f) for f in os.listdir(folder))
    assert all(r["status"] == "ok" for r in reports)


def _kill_own_worker(path, options):
    if "doomed" in path:
        os.kill(os.getpid(), signal.SIGKILL)
    from selftape_check.api import analyze

    return analyze(path, **options)


def test_a_file_that_kills_its_worker_twice_is_one_worker_lost_report(tmp_path, monkeypatch):
    folder = tape_folder(tmp_path, 3)
    shutil.copy(CLEAN, folder / "doomed.mp4")
    monkeypatch.setattr(runner, "_analyze", _kill_own_worker)
    paths = sorted(str(p) for p in folder.iterdir())
    got = dict(runner.analyze_files(paths, {"timeout_s": 120.0}, jobs=2))
    assert sorted(got) == [0, 1, 2, 3]
    lost = [r for r in got.values() if r.status == "error"]
    assert [r.error.type for r in lost] == ["worker_lost"] and "doomed" in lost[0].path
    assert "died" in lost[0].error.message
    assert sum(r.status == "ok" for r in got.values()) == 3


# ------------------------------------------------------------------ report files
@pytest.mark.parametrize("target", ["missing/dir/r.html", "a_folder", "/proc/r.html", "a_pipe", "TAPE"])
def test_an_unwritable_report_path_is_refused_before_any_analysis(tmp_path, target):
    """Old code: the whole analysis ran, then 'internal error: FileNotFoundError' (or a device replaced)."""
    (tmp_path / "a_folder").mkdir()
    os.mkfifo(tmp_path / "a_pipe")  # stands for a device: the old code renamed its report over /dev/null
    tape = tmp_path / "take.mp4"
    shutil.copy(CLEAN, tape)
    path = str(tape) if target == "TAPE" else target if target.startswith("/") else str(tmp_path / target)
    t = time.monotonic()
    r = run_cli(str(tape), "--html", path)
    assert r.returncode == 2
    assert r.stdout == "", "the tape was analyzed before the output path was checked"
    assert len(r.stderr.strip().splitlines()) == 1 and "--html" in r.stderr or "refusing" in r.stderr
    assert time.monotonic() - t < 20
    assert tape.read_bytes() == CLEAN.read_bytes()
    assert not os.path.isfile(tmp_path / "a_pipe")


def test_a_full_disk_keeps_the_old_report_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    out = tmp_path / "report.csv"
    out.write_text("old rows")

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    r = CliRunner().invoke(cli.main, [str(CLEAN), "--csv", str(out), "-q"])
    assert r.exit_code == 2
    assert "No space left on device" in r.output and "unchanged" in r.output
    assert out.read_text() == "old rows"
    assert sorted(os.listdir(tmp_path)) == ["report.csv"]


@pytest.mark.parametrize("name", ['=HYPERLINK("x.example","y").mp4', "+1+2.mp4", "@SUM(A1).mp4", "-2+3.mp4"])
def test_csv_cells_that_would_run_as_formulas_are_neutralised(tmp_path, monkeypatch, name):
    """OWASP CSV injection: a text cell starting with = + - @ gets a leading quote; old code wrote it raw."""
    tape = tmp_path / name
    shutil.copy(CLEAN, tape)
    monkeypatch.chdir(tmp_path)
    r = run_cli("--csv", "-", "--", name)  # a name with a leading dash is a path after --
    rows = list(csv.reader(io.StringIO(r.stdout)))
    path = rows[1][rows[0].index("path")]
    assert path == "'" + name
    lufs = rows[1][rows[0].index("integrated_lufs")]
    assert float(lufs) < 0, "a negative number stays a number"


def test_two_outputs_on_stdout_are_refused():
    r = run_cli(str(CLEAN), "--json", "--csv", "-")
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ names and paths
def test_escape_sequences_and_newlines_in_names_never_reach_the_terminal(tmp_path):
    name = "take\x1b[2J\x1b]0;pwned\x07\nsecond line.mp4"
    tape = tmp_path / name
    shutil.copy(CLEAN, tape)
    broken = tmp_path / "bad\x1b[31m\nname.mp4"
    broken.write_bytes(b"not a video at all" * 10)
    r = run_cli(str(tmp_path), "--no-color")
    assert "\x1b" not in r.stdout + r.stderr and "\x07" not in r.stdout + r.stderr
    assert "take\\x1b[2J" in r.stdout
    assert len(r.stderr.strip().splitlines()) == 1  # the broken file's one error line stays one line
    doc = json.loads(run_cli(str(tape), "--json").stdout)
    assert doc["file"]["path"] == str(tape)  # JSON keeps the true name, escaped by JSON itself


def test_pipes_and_devices_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "take.mp4"
    os.mkfifo(fifo)
    (tmp_path / "zero.mp4").symlink_to("/dev/zero")
    t = time.monotonic()
    r = run_cli(str(fifo), str(tmp_path / "zero.mp4"), "--json", timeout=60)
    assert time.monotonic() - t < 30
    doc = json.loads(r.stdout)
    assert r.returncode == 2
    assert [x["error"]["type"] for x in doc["reports"]] == ["not_media", "not_media"]
    assert all("not a regular file" in x["error"]["message"] for x in doc["reports"])  # old: 'the file is empty'


def test_an_unreadable_subfolder_is_an_error_not_a_silent_gap(tmp_path, monkeypatch):
    folder = tape_folder(tmp_path, 1)
    locked = folder / "locked"
    locked.mkdir()
    shutil.copy(CLEAN, locked / "hidden_take.mp4")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)  # as root, chmod 000 would not stop the walk
    r = CliRunner().invoke(cli.main, [str(folder), "--json", "-q"])
    doc = json.loads(r.stdout)
    assert r.exit_code == 2  # old code: 0, the folder skipped without a word
    errors = [x for x in doc["reports"] if x["status"] == "error"]
    assert [e["error"]["type"] for e in errors] == ["unreadable"] and errors[0]["file"]["path"] == str(locked)
    assert sum(x["status"] == "ok" for x in doc["reports"]) == 1


# ------------------------------------------------------------------ options
@pytest.mark.parametrize("args, names", [
    (["--jobs", "0"], "--jobs"), (["--jobs", "-3"], "--jobs"), (["--timeout", "0"], "--timeout"),
    (["--timeout", "nan"], "--timeout"), (["--timeout", "inf"], "--timeout"), (["--timeout", "-5"], "--timeout"),
    (["--threshold", "face.nonexistent=1"], "face.nonexistent"),
    (["--threshold", "audio.noisy.warn_snr_db=nan"], "audio.noisy.warn_snr_db"),
    (["--threshold", "face.underexposed.warn_luma=0.10"], "face.underexposed.fail_luma"),
    (["--threshold", "audio.reader_louder.fail_db=2"], "audio.reader_louder.fail_db"),
])
def test_bad_options_are_one_line_naming_the_option_before_any_analysis(args, names):
    """Old code: --timeout nan switched the timeout off; a warn level under its fail level turned a FAIL
    into a PASS."""
    r = run_cli(str(CLEAN), *args)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and names in r.stderr, r.stderr


@pytest.mark.parametrize("body, words", [
    ("jobs = 0", "jobs"), ("jobs = -2", "jobs"), ("timeout = 0", "timeout"), ("timeout = -5", "timeout"),
    ("timeout = nan", "timeout"), ("jobs = 1.5", "jobs"), ("colour = true", "unknown key 'colour'"),
    ("strict = 'yes'", "strict"), ("[thresholds]\n'face.underexposed.warn_luma' = 0.1", "fail_luma"),
    ("jobs = [", "not valid TOML"),
])
def test_the_config_file_obeys_the_same_table_as_the_command_line(tmp_path, body, words):
    """Old code: jobs = 0, timeout = 0 and timeout = -5 were accepted from the file (-2 crashed later)."""
    cfg = tmp_path / "selftape.toml"
    cfg.write_text(body + "\n")
    r = run_cli(str(CLEAN), "--config", str(cfg))
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and words in r.stderr, r.stderr


def test_the_api_raises_a_typed_error_for_bad_options():
    from selftape_check import OptionError, analyze

    for kwargs in ({"timeout_s": float("nan")}, {"timeout_s": 0}, {"thresholds": {"nope": 1}},
                   {"thresholds": {"face.underexposed.warn_luma": 0.1}}, {"profile": "myspace"}):
        with pytest.raises(OptionError):
            analyze(CLEAN, **kwargs)


# ------------------------------------------------------------------ media
def _float_wav(path, x, sr=48000):
    sf.write(str(path), x.astype(np.float32), sr, subtype="FLOAT")


@pytest.mark.parametrize("poison", ["nan", "inf", "1e30"])
def test_float_audio_with_impossible_samples_is_corrupt_not_judged(tmp_path, poison):
    """Old code: NaN samples passed with a normal true peak and numpy warnings; 1e30 was an internal error."""
    x = sine(440, 3.0, 48000, -20.0)
    x[24000:24010] = float(poison)
    path = tmp_path / f"{poison}.wav"
    _float_wav(path, x)
    r = run_cli(str(path), "--json")

    def no_constants(token):
        raise AssertionError(f"{token} in the JSON")

    doc = json.loads(r.stdout, parse_constant=no_constants)
    assert r.returncode == 2 and doc["error"]["type"] == "corrupt_audio"
    assert len(r.stderr.strip().splitlines()) == 1 and "RuntimeWarning" not in r.stderr


def test_a_float_wav_just_over_full_scale_is_still_sound(tmp_path):
    x = sine(440, 3.0, 48000, 0.0) * 1.5  # +3.5 dBFS float overs: a hot export, not corruption
    path = tmp_path / "hot.wav"
    _float_wav(path, x)
    doc = json.loads(run_cli(str(path), "--json").stdout)
    assert doc["status"] == "ok"
    assert doc["metrics"]["audio"]["true_peak_dbtp"] == pytest.approx(3.5, abs=0.3)


def test_a_wav_with_no_samples_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.wav"
    _float_wav(path, np.zeros(0))
    r = run_cli(str(path), "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 2 and doc["error"]["type"] == "truncated"  # old code: internal ValueError
    assert "no samples" in doc["error"]["message"]


def test_a_huge_claimed_picture_is_refused_before_allocating(tmp_path):
    """A 16000x16000 stream header with no data (as a hostile upload): too_large, not truncated."""
    path = tmp_path / "huge.y4m"
    path.write_bytes(b"YUV4MPEG2 W16000 H16000 F25:1 Ip A1:1 C420jpeg\nFRAME\n" + bytes(4096))
    r = run_cli(str(path), "--json")
    doc = json.loads(r.stdout)
    assert doc["error"]["type"] == "too_large" and "16000x16000" in doc["error"]["message"]


def test_a_folder_of_hard_links_reports_every_file_once(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    src = tmp_path / "voice.wav"
    sf.write(str(src), sine(300, 1.0, 16000, -20.0), 16000)
    for i in range(40):
        os.link(src, folder / f"take{i:03d}.wav")
    r = run_cli(str(folder), "--jsonl", "-q")
    paths = [json.loads(x)["file"]["path"] for x in r.stdout.splitlines()]
    assert sorted(paths) == sorted(str(folder / f"take{i:03d}.wav") for i in range(40))


def _audio_streams(path, n: int, sr: int = 48000, seconds: float = 1.0, quiet_first: bool = False) -> None:
    import av

    with av.open(str(path), "w") as c:
        streams = [c.add_stream("flac", rate=sr, layout="mono") for _ in range(n)]
        x = sine(440, seconds, sr, -20.0)
        for k, s in enumerate(streams):
            gain = 0.0 if (quiet_first and k == 0) else 1.0
            for start in range(0, len(x), 4096):
                chunk = (x[start:start + 4096] * gain * 32767).astype(np.int16).reshape(1, -1)
                f = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
                f.sample_rate, f.pts = sr, start
                for p in s.encode(f):
                    c.mux(p)
            for p in s.encode():
                c.mux(p)


def test_twenty_audio_streams_measure_the_first_and_stay_bounded(tmp_path):
    path = tmp_path / "twenty.mka"
    _audio_streams(path, 20)
    t = time.monotonic()
    doc = json.loads(run_cli(str(path), "--json").stdout)
    assert time.monotonic() - t < 60
    assert doc["status"] == "ok" and doc["media"]["audio"]["tracks"] == 20 and doc["media"]["audio"]["track"] == 1
    assert len(doc["media"]["audio"]["other_tracks"]) == 3  # at most 3 others decoded
    assert doc["metrics"]["audio"]["integrated_lufs"] == pytest.approx(-23.7, abs=0.3)  # 440 Hz at -20 dBFS


@pytest.mark.parametrize("sr", [8000, 384000])
def test_extreme_sample_rates_read_the_level_they_hold(tmp_path, sr):
    """A -20 dBFS sine's BS.1770 loudness is -23 LUFS (mono, 0.691 dB offset aside: -23.0 +- 0.7)."""
    path = tmp_path / f"voice_{sr}.wav"
    sf.write(str(path), sine(997, 3.0, sr, -20.0), sr)
    doc = json.loads(run_cli(str(path), "--json").stdout)
    assert doc["status"] == "ok" and doc["media"]["audio"]["sample_rate"] == sr
    assert doc["metrics"]["audio"]["integrated_lufs"] == pytest.approx(-23.0, abs=0.7)
    assert doc["metrics"]["audio"]["true_peak_dbtp"] == pytest.approx(-20.0, abs=0.5)


def test_a_wav_claiming_ten_hours_but_cut_off_is_read_for_what_it_holds(tmp_path):
    """A RIFF header saying 10 h of 8 kHz mono (576 MB) over 2 s of data: bounded time, a clear answer."""
    import struct

    sr, seconds = 8000, 2.0
    pcm = (sine(440, seconds, sr, -20.0) * 32767).astype("<i2").tobytes()
    claimed = sr * 2 * 36000
    fmt = struct.pack("<IHHIIHH", 16, 1, 1, sr, sr * 2, 2, 16)
    header = b"RIFF" + struct.pack("<I", 36 + claimed) + b"WAVEfmt " + fmt + b"data" + struct.pack("<I", claimed)
    path = tmp_path / "ten_hours.wav"
    path.write_bytes(header + pcm)
    t = time.monotonic()
    r = run_cli(str(path), "--json")
    assert time.monotonic() - t < 60
    doc = json.loads(r.stdout)
    if doc["status"] == "ok":
        assert doc["metrics"]["audio"]["integrated_lufs"] == pytest.approx(-23.0, abs=0.7)
        assert doc["media"]["duration_s"] < 3600  # the data's length, not the header's 10 h ...
    else:
        assert doc["error"]["type"] == "truncated"  # ... or said to be cut off


def test_a_folder_named_like_a_tape_and_names_with_spaces_unicode_and_dashes(tmp_path):
    (tmp_path / "take.mp4").mkdir()
    for name in ["my take 3.mp4", "prise\u00e9 \u6f14\u6280.mp4", "-take.mp4"]:
        shutil.copy(CLEAN, tmp_path / name)
    r = run_cli(str(tmp_path / "take.mp4"), "--json")  # a folder is scanned, whatever its name: empty
    assert r.returncode == 2 and r.stdout == "" and "no video or audio files" in r.stderr
    doc = json.loads(run_cli(str(tmp_path), "--json").stdout)
    names = sorted(os.path.basename(x["file"]["path"]) for x in doc["reports"])
    assert names == sorted(["my take 3.mp4", "prise\u00e9 \u6f14\u6280.mp4", "-take.mp4"])  # the folder skipped
    assert all(x["status"] == "ok" for x in doc["reports"])


def test_names_and_tags_with_markup_are_escaped_in_the_html(tmp_path):
    name = "<img src=x onerror=alert(1)>\"'&.mp4"
    tape = tmp_path / name
    remux(CLEAN, tape, {"title": "<script>document.title='pwned'</script>", "comment": "=HYPERLINK(\"x\")"})
    html_path = tmp_path / "r.html"
    r = run_cli(str(tape), "--html", str(html_path), "-q")
    assert r.returncode == 0, r.stderr
    page = html_path.read_text()
    assert "<img src=x" not in page and "<script>document" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_two_runs_writing_the_same_report_never_interleave(tmp_path):
    folder = tape_folder(tmp_path, 2)
    out = tmp_path / "r.html"
    procs = [subprocess.Popen(cli_cmd(str(folder), "--html", str(out), "-q", "--jobs", "1"), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        p.wait(timeout=240)
        assert p.returncode == 0
    page = out.read_text()
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>") and page.count("<html") == 1
    assert sorted(os.listdir(tmp_path)) == ["r.html", "tapes"]


def test_a_container_with_a_video_track_and_zero_frames(tmp_path):
    """A Matroska header announcing an H.264 track, no frame after it (a recorder stopped at once):
    one clear line and exit 2, also as one broken file in a folder scan beside a good tape."""
    path = tmp_path / "zero.mkv"
    o = av.open(str(path), "w")
    s = o.add_stream("libx264", rate=25)
    s.width, s.height, s.pix_fmt = 320, 180, "yuv420p"
    o.start_encoding()
    o.close()
    assert path.stat().st_size > 0
    r = run_cli(str(path))
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r
    shutil.copy(ROOT / "samples" / "clean_take.mp4", tmp_path / "good.mp4")
    r = run_cli(str(tmp_path), "--json")
    doc = json.loads(r.stdout)
    status = {os.path.basename(x["file"]["path"]): x["status"] for x in doc["reports"]}
    assert status == {"zero.mkv": "error", "good.mp4": "ok"}, status


@pytest.mark.parametrize("tag, shown", [(45, 0), (135, 180), (60, 90), (-100, 270)])
def test_a_rotation_tag_off_the_quarter_turns(tmp_path, tag, shown):
    """A display matrix at an angle that is not a quarter turn: read as the nearest quarter turn (ties
    to the one nearer upright), analysed, never an error."""
    from tests.synth import write_tape

    path = tmp_path / f"rot{tag}.mp4"
    write_tape(str(path), [np.full((180, 320, 3), 100, np.uint8)] * 10, 25, None, rotation=tag)
    r = run_cli(str(path), "--json")
    doc = json.loads(r.stdout)
    assert doc["status"] == "ok", doc["error"]
    v = doc["media"]["video"]
    assert v["rotation"] == shown
    assert (v["display_width"], v["display_height"]) == ((180, 320) if shown in (90, 270) else (320, 180))


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no Chromium on this machine (Debian package 'chromium')")
def test_a_planted_script_does_not_run_in_the_html_report(tmp_path):
    """A file name and a title tag that would mark the page if their script ran, in a real browser:
    headless Chromium's DOM after the scripts have run holds no mark. A page with the same script
    unescaped does get the mark (the check can fail)."""
    mark = "document.documentElement.setAttribute('data-pwned','yes')"
    name = f"<img src=x onerror=\"{mark}\">.mp4"
    tape = tmp_path / name
    remux(CLEAN, tape, {"title": f"<script>{mark}</script>", "comment": f"</textarea><svg onload=\"{mark}\">"})
    html_path = tmp_path / "r.html"
    r = run_cli(str(tape), "--html", str(html_path), "-q")
    assert r.returncode == 0, r.stderr
    control = tmp_path / "control.html"
    control.write_text(f"<!doctype html><html><body><script>{mark}</script></body></html>")

    def dom_after_scripts(page) -> str:
        return subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", f"--user-data-dir={tmp_path / 'profile'}",
             "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120).stdout

    assert 'data-pwned="yes"' in dom_after_scripts(control)
    dom = dom_after_scripts(html_path)
    assert "</html>" in dom and 'data-pwned="yes"' not in dom
