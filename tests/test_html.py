"""The HTML report: self-contained (no network), one section per tape with pictures of the worst
moments and a timeline; it renders in a real browser (headless Chromium, where installed)."""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pytest

from .conftest import SAMPLES


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.sections, self.svgs, self.external = [], 0, 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        if tag == "section":
            self.sections += 1
        if tag == "svg":
            self.svgs += 1
        for key in ("src", "href"):
            v = a.get(key) or ""
            if v.startswith(("http:", "https:", "//")) or (tag in ("script", "link") and v):
                self.external.append(v)


@pytest.fixture(scope="module")
def report_html(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tapes")
    for name in ("clean_take.mp4", "dark_take.mp4", "no_sound_take.mp4"):
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "broken.mp4").write_bytes(b"not a video" * 50)
    out = folder.parent / "report.html"
    r = subprocess.run([sys.executable, "-m", "selftape_check.cli", str(folder), "--html", str(out), "-q"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "Traceback" not in r.stderr  # the broken file
    return out


def test_html_is_self_contained_with_a_section_per_tape(report_html):
    p = Collect()
    p.feed(report_html.read_text())
    assert p.sections == 4 and p.svgs == 3  # the broken file has no timeline
    assert p.external == []
    assert len(p.imgs) == 1  # the dark take's underexposed face
    assert p.imgs[0].startswith("data:image/jpeg;base64,")
    import cv2

    jpeg = np.frombuffer(base64.b64decode(p.imgs[0].split(",", 1)[1]), np.uint8)
    picture = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    assert picture is not None and picture.shape[1] == 320
    assert picture.mean() < 60  # it is the dark frame


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium on this machine (Debian package 'chromium')")
def test_html_renders_in_headless_chromium(report_html, tmp_path):
    import cv2

    shot = tmp_path / "shot.png"
    subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600",
                    f"--screenshot={shot}", report_html.as_uri()], capture_output=True, timeout=120)
    img = cv2.imread(str(shot))
    assert img is not None and img.shape[:2] == (1600, 1200)
    assert img.std() > 20  # not a blank page: header, text, badges, pictures
    # the dark header band is there, and the page below it is mostly light
    assert img[:40].mean() < 60 and img[200:].mean() > 150


def test_html_marks_who_speaks_and_the_slate():
    import dataclasses

    from selftape_check import analyze
    from selftape_check.report.html import render_html

    report = analyze(SAMPLES / "clean_take.mp4", pictures=True)
    assert report.timeline.turns == ()  # one voice: no actor/reader band
    timeline = dataclasses.replace(report.timeline, turns=((0.4, 1.2, "actor"), (2.0, 3.0, "reader")),
                                   slate=(0.2, 1.4))
    page = render_html([dataclasses.replace(report, timeline=timeline)])
    assert "<title>actor 0:00-0:01</title>" in page and "<title>reader 0:02-0:03</title>" in page
    assert "<title>slate 0:00-0:01</title>" in page
    assert "off-camera reader (orange)" in page and "Green bar: the slate" in page
