"""Upload targets (--profile): the file's size and format against a platform's published limits."""

from __future__ import annotations

import json
import os
import shutil

import jsonschema
import pytest

from selftape_check import analyze, profiles
from selftape_check.profiles import PROFILES, Profile

from .conftest import SAMPLES
from .test_cli import SCHEMA, run_cli

CLEAN = SAMPLES / "clean_take.mp4"


def test_every_profile_names_its_source_and_a_limit():
    for p in PROFILES.values():
        assert p.source.startswith("https://"), p.name
        assert p.max_mb or p.ideal_mb_per_min or p.extensions, p.name


def test_size_over_the_limit_fails_with_the_bitrate_that_would_fit(monkeypatch):
    size_mb = os.path.getsize(CLEAN) / 1e6
    monkeypatch.setitem(PROFILES, "tiny", Profile("tiny", "Tiny", max_mb=round(size_mb / 2, 3), source="https://x"))
    report = analyze(CLEAN, profile="tiny")
    (f,) = [f for f in report.findings if f.check.startswith("upload.")]
    assert (f.check, f.severity) == ("upload.file_size", "fail")
    assert f.value == pytest.approx(size_mb, abs=0.05) and f.threshold == pytest.approx(size_mb / 2, abs=1e-3)
    # the advice: (limit x 95 % x 8 bits / duration) less 128 kbit/s of audio, floored at 0.1 Mbit/s
    duration = report.media.duration_s
    expected = max(0.1, size_mb / 2 * 0.95 * 8 / duration - 0.128)
    assert f"{expected:.1f} Mbit/s" in f.advice
    assert report.verdict == "fail"
    # under the limit: nothing
    monkeypatch.setitem(PROFILES, "roomy", Profile("roomy", "Roomy", max_mb=size_mb * 2, source="https://x"))
    assert not [f for f in analyze(CLEAN, profile="roomy").findings if f.check.startswith("upload.")]


def test_size_above_an_ideal_is_only_information(monkeypatch):
    size_mb = os.path.getsize(CLEAN) / 1e6
    duration_min = analyze(CLEAN).media.duration_s / 60
    per_min = size_mb / duration_min
    monkeypatch.setitem(PROFILES, "ideal", Profile("ideal", "Ideal", ideal_mb_per_min=per_min * 0.8, source="x"))
    (f,) = [f for f in analyze(CLEAN, profile="ideal").findings if f.check == "upload.file_size"]
    assert f.severity == "info" and f.threshold == pytest.approx(size_mb * 0.8, abs=0.05)
    monkeypatch.setitem(PROFILES, "ideal", Profile("ideal", "Ideal", ideal_mb_per_min=per_min * 1.2, source="x"))
    assert not [f for f in analyze(CLEAN, profile="ideal").findings if f.check == "upload.file_size"]


def test_format_by_extension_and_no_upload_checks_without_a_profile(tmp_path):
    mkv = tmp_path / "take.MKV"
    shutil.copy(CLEAN, mkv)
    (f,) = [f for f in analyze(mkv, profile="castit").findings if f.check.startswith("upload.")]
    assert (f.check, f.severity) == ("upload.format", "fail") and "MKV" in f.message
    upper = tmp_path / "take.MP4"  # extensions compare case-insensitively
    shutil.copy(CLEAN, upper)
    assert not [f for f in analyze(upper, profile="castit").findings if f.check.startswith("upload.")]
    assert not [f for f in analyze(mkv).findings if f.check.startswith("upload.")]
    with pytest.raises(ValueError, match="unknown profile"):
        profiles.get("nosuch")


def test_profile_from_flag_and_config_flag_wins(tmp_path):
    mkv = tmp_path / "take.mkv"
    shutil.copy(CLEAN, mkv)
    cfg = tmp_path / "selftape.toml"
    cfg.write_text('profile = "castit"\n')
    r = run_cli(str(mkv), "--json", "--config", str(cfg))
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["profile"] == "castit" and r.returncode == 1
    assert [f["check"] for f in doc["findings"]] == ["upload.format"]
    r = run_cli(str(mkv), "--json", "--config", str(cfg), "--profile", "ecocast")  # no format list: passes
    assert json.loads(r.stdout)["profile"] == "ecocast" and r.returncode == 0
    assert run_cli(str(mkv), "--profile", "nosuch").returncode == 2
    cfg.write_text('profile = "nosuch"\n')
    r = run_cli(str(mkv), "--config", str(cfg))
    assert r.returncode == 2 and "unknown profile" in r.stderr
