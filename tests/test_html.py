"""The HTML report: self-contained (no network), one section per tape with pictures of the worst
moments and a timeline with one track per series and one lane per problem; laid out for a phone
(390x844) and a laptop (1280x800), measured in a real browser (headless Chromium, where installed):
no horizontal scroll, no text cut off or tiny, pictures at their own aspect, lanes whose ranges do
not overlap. Screenshots are written to the test's tmp_path (never the repository)."""

from __future__ import annotations

import base64
import json
import re
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
        self.img_attrs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a.get("src", ""))
            self.img_attrs.append(a)
        if tag == "section":
            self.sections += 1
        if tag == "svg":
            self.svgs += 1
        for key in ("src", "href"):
            v = a.get(key) or ""
            if v.startswith(("http:", "https:", "//")) or (tag in ("script", "link") and v):
                self.external.append(v)


def _voice_wav(path):
    """A 6 s sound-only take: syllable-like voice at -24 dBFS over a -70 dBFS room."""
    import soundfile as sf

    from tests.synth import pink_noise, syllables

    sr = 48000
    x = syllables(6.0, sr, rms_dbfs=-24.0) + pink_noise(6.0, sr, -70.0)
    sf.write(path, x.astype(np.float32), sr)


@pytest.fixture(scope="module")
def report_html(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tapes")
    for name in ("clean_take.mp4", "dark_take.mp4", "no_sound_take.mp4"):
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "broken.mp4").write_bytes(b"not a video" * 50)
    _voice_wav(folder / "voice_only.wav")
    out = folder.parent / "report.html"
    r = subprocess.run([sys.executable, "-m", "selftape_check", str(folder), "--html", str(out), "-q"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "Traceback" not in r.stderr  # the broken file
    return out


def _sections(page: str) -> dict[str, str]:
    """Each tape's section by file name."""
    out = {}
    for m in re.finditer(r'<section class="tape" id="t\d+"><h2>([^<]*)</h2>(.*?)</section>', page, re.S):
        out[m.group(1).rsplit("/", 1)[-1]] = m.group(2)
    return out


def test_html_is_self_contained_with_a_section_per_tape(report_html):
    page = report_html.read_text()
    p = Collect()
    p.feed(page)
    # clean and dark: face + loudness; no sound: face only; sound only: loudness only; broken: none
    assert p.sections == 5 and p.svgs == 6
    assert p.external == []
    assert len(p.imgs) == 1  # the dark take's underexposed face
    assert p.imgs[0].startswith("data:image/jpeg;base64,")
    import cv2

    jpeg = np.frombuffer(base64.b64decode(p.imgs[0].split(",", 1)[1]), np.uint8)
    picture = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    assert picture is not None and picture.shape[1] == 320
    assert picture.mean() < 60  # it is the dark frame
    # the page states the picture's own size, so the browser keeps its aspect before it loads
    assert (int(p.img_attrs[0]["width"]), int(p.img_attrs[0]["height"])) == (picture.shape[1], picture.shape[0])
    assert '<meta name="viewport" content="width=device-width,initial-scale=1">' in page
    assert "@media (min-width:" in page


def test_html_shows_nothing_empty_and_claims_nothing_unchecked(report_html):
    s = _sections(report_html.read_text())
    assert 'data-track="face"' not in s["voice_only.wav"]  # no picture: no face panel
    assert 'data-track="sound"' in s["voice_only.wav"]
    assert "No picture in this file" in s["voice_only.wav"] and "eyes seen" not in s["voice_only.wav"]
    assert 'data-track="sound"' not in s["no_sound_take.mp4"] and 'data-track="face"' in s["no_sound_take.mp4"]
    assert "Ready to send" in s["clean_take.mp4"] and 'data-track="problem"' not in s["clean_take.mp4"]
    assert "Fix before sending: 1 problem" in s["dark_take.mp4"]
    assert "Could not check this file" in s["broken.mp4"]


def test_html_problem_links_to_its_lane_and_back(report_html):
    dark = _sections(report_html.read_text())["dark_take.mp4"]
    anchor = re.search(r'<li class="finding" id="(t\d+-f1)"', dark).group(1)
    assert f'href="#{anchor}-lane"' in dark  # the problem's times and picture lead to its lane
    lane = re.search(rf'<div class="track" id="{anchor}-lane" data-track="problem">(.*?)</div></div>', dark, re.S)
    assert lane and f'href="#{anchor}"' in lane.group(1)  # the lane, its ranges and the moment lead back
    assert "face too dark" in lane.group(1) and 'class="moment"' in lane.group(1)
    page = report_html.read_text()
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert [h for h in re.findall(r'href="#([^"]+)"', page) if h not in ids] == []  # no link leads nowhere


def test_html_face_line_reaches_the_end_of_the_tape(report_html):
    """Each face sample covers the stretch to the next one: the line ends at the tape's end, not at the
    last sample's time (the old chart stopped about a second early on a 5 s tape)."""
    dark = _sections(report_html.read_text())["dark_take.mp4"]
    points = re.search(r'<polyline class="face-line" points="([^"]+)"', dark).group(1).split()
    last_x = float(points[-1].split(",")[0])
    assert last_x >= 0.97 * 1000


def test_jpeg_size_reads_the_frame_header():
    import cv2

    from selftape_check.report.html import jpeg_size

    ok, data = cv2.imencode(".jpg", np.zeros((123, 321, 3), np.uint8))
    assert ok and jpeg_size(data.tobytes()) == (321, 123)


def test_html_marks_who_speaks_and_the_slate():
    import dataclasses

    from selftape_check import analyze
    from selftape_check.report.html import render_html

    report = analyze(SAMPLES / "clean_take.mp4", pictures=True)
    assert report.timeline.turns == ()  # one voice: no actor/reader band
    timeline = dataclasses.replace(report.timeline, turns=((0.4, 1.2, "actor"), (2.0, 3.0, "reader")),
                                   slate=(0.2, 1.4))
    page = render_html([dataclasses.replace(report, timeline=timeline)])
    assert 'title="actor 0:00-0:01"' in page and 'title="reader 0:02-0:03"' in page
    assert 'title="slate 0:00-0:01"' in page
    assert 'data-track="voices"' in page and "the off-camera reader" in page


# ------------------------------------------------------------------ in a real browser
# measured in the page once it has loaded; returns what the assertions read
PROBE = """(function () {
  var vw = document.documentElement.clientWidth, out = {vw: vw, iw: window.innerWidth,
    scrollW: document.documentElement.scrollWidth, docH: document.documentElement.scrollHeight,
    offscreen: [], clipped: [], small: [], images: [], overlaps: [], lanes: 0, unlabelled: 0};
  function name(el) { return el.tagName + '.' + el.className + ':' + (el.textContent || '').slice(0, 30); }
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (var n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim() || n.parentElement.closest('svg,title,style,script')) continue;
    var el = n.parentElement, cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    var range = document.createRange(); range.selectNodeContents(n);
    var rects = range.getClientRects();
    for (var i = 0; i < rects.length; i++) {
      var r = rects[i];
      if (r.left < -0.5 || r.right > vw + 0.5) { out.offscreen.push(name(el)); break; }
      for (var a = el; a && a !== document.body; a = a.parentElement) {  // cut off by a box hiding overflow
        var acs = getComputedStyle(a);
        if (acs.overflowX !== 'visible' || acs.overflowY !== 'visible') {
          var ar = a.getBoundingClientRect();
          if (r.left < ar.left - 0.5 || r.right > ar.right + 0.5 || r.top < ar.top - 0.5 || r.bottom > ar.bottom + 0.5)
            out.clipped.push(name(el));
        }
      }
    }
    if (parseFloat(cs.fontSize) < 12) out.small.push(name(el) + ' ' + cs.fontSize);
  }
  document.querySelectorAll('img').forEach(function (img) {
    var r = img.getBoundingClientRect();
    out.images.push({natural: img.naturalWidth / img.naturalHeight, shown: r.width / r.height, w: r.width,
                     right: r.right});
  });
  document.querySelectorAll('.lane').forEach(function (lane) {
    out.lanes += 1;
    var rs = Array.prototype.map.call(lane.querySelectorAll('.range'), function (e) {
      if (!e.getAttribute('aria-label')) out.unlabelled += 1;
      return e.getBoundingClientRect(); }).sort(function (p, q) { return p.left - q.left; });
    for (var i = 1; i < rs.length; i++) if (rs[i].left < rs[i - 1].right - 0.5) out.overlaps.push('ranges');
    var label = lane.parentElement.querySelector('.name');
    if (!label || !label.textContent.trim()) out.unlabelled += 1;
  });
  document.querySelectorAll('.timeline').forEach(function (tl) {
    var tr = Array.prototype.map.call(tl.querySelectorAll(':scope > .track'), function (e) {
      return e.getBoundingClientRect(); });
    for (var i = 1; i < tr.length; i++) if (tr[i].top < tr[i - 1].bottom - 0.5) out.overlaps.push('tracks');
  });
  return out;
})()"""


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class DevTools:
    """Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands
    in on fd 3, answers out on fd 4, each JSON message ended by a NUL), so the page is laid out at an
    exact viewport (a headless window is at least 500 px wide) with no client library."""

    def __init__(self, profile):
        import os

        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()

        def on_fds_3_and_4():  # in the child, before exec: where Chromium looks for the pipe
            a, b = os.dup(to_r), os.dup(from_w)  # out of the way of 3 and 4 first
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=on_fds_3_and_4, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def _read(self, timeout_s: float = 60.0) -> dict:
        import os
        import select

        while b"\0" not in self._buf:
            ready, _, _ = select.select([self._from_r], [], [], timeout_s)
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_r, 1 << 20)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, session: bool = False, **params):
        import os

        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str) -> None:
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._read())

    def open(self, url: str, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride", True, width=width, height=height, deviceScaleFactor=1,
                  mobile=width < 700)
        self.call("Page.enable", True)
        self.events.clear()
        self.call("Page.navigate", True, url=url)
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", True, expression=expression, returnByValue=True)["result"]["value"]

    def screenshot(self, path, width: int, height: int | None = None) -> None:
        params = {"format": "png"}
        if height is not None:  # the whole page
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": width, "height": height,
                                                           "scale": 1})
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", True, **params)["data"]))

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (EOFError, OSError, RuntimeError, TimeoutError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def browser(tmp_path):
    b = DevTools(tmp_path / "profile")
    yield b
    b.close()


@pytest.mark.skipif(_chromium() is None, reason="no Chromium on this machine (Debian package 'chromium')")
@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_html_layout_in_headless_chromium(report_html, tmp_path, browser, width, height):
    import cv2

    browser.open(report_html.as_uri(), width, height)
    out = browser.evaluate(PROBE)
    assert out["vw"] == width
    assert out["scrollW"] <= out["vw"], out  # no horizontal scroll
    assert out["offscreen"] == [] and out["clipped"] == [], out  # no text off the page or cut off
    assert out["small"] == [], out["small"]  # every label 12 px or more
    assert len(out["images"]) == 1
    for img in out["images"]:  # pictures at their own aspect, inside the page
        assert abs(img["shown"] / img["natural"] - 1) < 0.02 and img["right"] <= width
        assert img["w"] >= min(0.6 * width, 280)  # a picture big enough to see the face
    assert out["lanes"] >= 1 and out["overlaps"] == [] and out["unlabelled"] == 0, out

    # screenshots for people to look at: the first screen and the whole page (artefacts of this test)
    first, whole = tmp_path / f"report-{width}x{height}.png", tmp_path / f"report-{width}-full.png"
    browser.screenshot(first, width)
    browser.screenshot(whole, width, min(int(out["docH"]), 12000))
    img = cv2.imread(str(first))
    assert img is not None and img.shape[:2] == (height, width)
    assert img.std() > 20  # not a blank page: header, text, badges
    assert img[:30].mean() < 60 and img[200:].mean() > 150  # the dark header band, a light page below
    full = cv2.imread(str(whole))
    assert full is not None and full.shape[1] == width and full.shape[0] == min(int(out["docH"]), 12000)


@pytest.mark.skipif(_chromium() is None, reason="no Chromium on this machine (Debian package 'chromium')")
def test_html_dense_ranges_never_overlap_on_a_phone(tmp_path, browser):
    """100 clicks 0.01 s long every 0.05 s of a 5 s tape, and 12 problems: on a 390 px phone each lane's
    bars (at least 4 px wide) still do not overlap, and the lanes do not overlap each other."""
    import dataclasses

    from selftape_check import analyze
    from selftape_check.model import Finding
    from selftape_check.report.html import render_html

    report = analyze(SAMPLES / "clean_take.mp4", pictures=True)
    clicks = tuple((k * 0.05, k * 0.05 + 0.01) for k in range(100))
    spread = tuple((k * 0.4, k * 0.4 + 0.05) for k in range(12))
    findings = (Finding("audio.clipping", "warn", "m", "a", ranges=clicks),) + tuple(
        Finding(c, "warn", "m", "a", ranges=spread) for c in ("face.backlit", "image.flicker", "camera.shaky",
                                                             "video.frozen", "audio.dropouts", "audio.too_loud",
                                                             "face.cropped", "face.off_center", "image.blurry",
                                                             "face.too_small", "face.eyes_hidden"))
    page = tmp_path / "dense.html"
    page.write_text(render_html([dataclasses.replace(report, findings=findings, moments=())]))
    browser.open(page.as_uri(), 390, 844)
    out = browser.evaluate(PROBE)
    assert out["lanes"] == 12 and out["overlaps"] == [] and out["unlabelled"] == 0, out
    assert out["scrollW"] <= out["vw"] and out["offscreen"] == [] and out["clipped"] == [], out


def test_html_links_lead_somewhere_for_a_picture_without_times():
    """A finding about the whole file (low resolution) has a picture but no lane: its picture links
    nowhere instead of to a missing lane (a real 640x360 clip's page had such a dead link)."""
    import dataclasses

    from selftape_check import analyze
    from selftape_check.model import Finding, Moment
    from selftape_check.report.html import render_html

    report = analyze(SAMPLES / "clean_take.mp4", pictures=True)
    jpeg = _tiny_jpeg()
    f = Finding("video.low_resolution", "warn", "m", "a", value=360.0, threshold=720.0, unit="px, short side")
    page = render_html([dataclasses.replace(report, findings=(f,), moments=(Moment(f.check, 2.0, jpeg),))])
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert [h for h in re.findall(r'href="#([^"]+)"', page) if h not in ids] == []
    assert 'data-track="problem"' not in page and "<img" in page


def _tiny_jpeg() -> bytes:
    import cv2

    ok, data = cv2.imencode(".jpg", np.full((90, 160, 3), 128, np.uint8))
    return data.tobytes()


def test_html_guide_lines_follow_the_runs_thresholds():
    """The dashed guide lines are drawn at the thresholds the run used: --threshold moves them (the
    face chart's y is 4 + 92 (1 - luma) on a 0-100 viewBox; the sound chart's 4 + 92 (-LUFS / 60))."""
    from selftape_check import analyze
    from selftape_check.report.html import render_html

    def dashed_ys(report, track):
        page = render_html([report])
        chart = page.split(f'data-track="{track}"', 1)[1].split("</svg>", 1)[0]
        return sorted(float(y) for y in re.findall(r'<line [^>]*y1="([0-9.]+)"[^>]*stroke-dasharray', chart))

    default = analyze(SAMPLES / "clean_take.mp4", pictures=True)
    moved = analyze(SAMPLES / "clean_take.mp4", pictures=True,
                    thresholds={"face.underexposed.warn_luma": 0.4, "audio.too_quiet.warn_lufs": -36.0})
    assert dashed_ys(default, "face") == [round(4 + 92 * (1 - 0.85), 1), round(4 + 92 * (1 - 0.25), 1)]
    assert dashed_ys(moved, "face") == [round(4 + 92 * (1 - 0.85), 1), round(4 + 92 * (1 - 0.4), 1)]
    assert dashed_ys(moved, "sound")[-1] == round(4 + 92 * 36 / 60, 1)
    assert dashed_ys(default, "sound")[-1] == round(4 + 92 * 30 / 60, 1)
