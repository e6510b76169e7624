"""Who speaks when, and the reader louder than the actor (audio.reader_louder)."""

from __future__ import annotations

import numpy as np
import pytest

from selftape_check import analyze
from selftape_check.measure.voices import loudness_of, mouth_evidence

from .conftest import REAL, load_bench


def test_loudness_of_a_known_power():
    # momentary loudness of -20 LUFS around every hop: -20 LUFS, whatever the hops chosen
    momentary = np.full(500, -20.0, dtype=np.float32)
    assert loudness_of(momentary, np.arange(100, 400)) == pytest.approx(-20.0, abs=1e-3)
    # every other block 10 dB quieter: the energy mean (the -10 LU relative gate keeps both)
    momentary[::2] = -30.0
    expected = 10 * np.log10((10 ** -2 + 10 ** -3) / 2)
    assert loudness_of(momentary, np.arange(0, 400)) == pytest.approx(expected, abs=0.05)
    # blocks 20 dB below the rest are gated out (BS.1770 relative gate)
    momentary[::2] = -40.0
    assert loudness_of(momentary, np.arange(0, 400)) == pytest.approx(-20.0, abs=0.05)
    assert loudness_of(momentary, np.arange(0, 10)) is None  # shorter than one 400 ms block


def test_turns_split_by_mouth_movement():
    # still mouths (0.02-0.12) against speaking ones (0.3-2): evidence < 0 (reader) and > 0 (actor)
    ev = mouth_evidence([0.8, 0.05, 1.2, None, 0.12, 0.6, 2.0, 0.02, 0.3])
    assert [int(np.sign(x)) for x in ev] == [1, -1, 1, 0, -1, 1, 1, -1, 1]
    # about +-1 at the two groups' medians, clipped at +-2
    assert ev[0] == pytest.approx(1.0, abs=0.1) and ev[1] == pytest.approx(-1.0, abs=0.1)
    assert max(map(abs, mouth_evidence([0.02, 0.03, 0.05, 1.0, 1.5, 50.0]))) == 2.0
    # one voice whose mouth moves more and less: no reader
    assert mouth_evidence([0.5, 0.9, 1.4, 0.35, 2.2]) is None
    # a mouth that never moves much is not split into two people either
    assert mouth_evidence([0.1, 0.12, 0.15, 0.09]) is None
    assert mouth_evidence([0.5, None]) is None  # one reading tells nothing
    # a still photo swaying: some turns sway more than others, but none moves like speech
    assert mouth_evidence([0.035, 0.175, 0.254, 0.223, 0.236, 0.04]) is None


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not present on this machine")
@pytest.mark.parametrize("clip", ["video_talking_vr_face4_woman_bluebg.mp4", "video_talking_wda_aoc.mp4"])
def test_reader_loudness_is_measured_and_judged(clip, tmp_path):
    """A real talking-head clip as the actor, another real voice as the reader in the actor's pauses
    (the actor listening, mouth still), at +0/+6/+12 dB: the difference within +-2 dB, the finding at
    +6 and +12 only. All four clips and --thorough: bench/voices.py."""
    corpus = load_bench("corpus")
    for level in (0.0, 6.0, 12.0):
        path = tmp_path / f"reader{level:+.0f}.mp4"
        truth = corpus.two_voice_tape(str(path), clip, "speech_hdtf_rd_radio34.wav", level)
        report = analyze(path, pictures=level == 12.0)
        a = report.metrics["audio"]
        assert a["actor_lufs"] is not None and a["reader_lufs"] is not None, level
        assert a["reader_lufs"] - a["actor_lufs"] == pytest.approx(level, abs=2.0)
        found = [f for f in report.findings if f.check == "audio.reader_louder"]
        assert bool(found) == (level >= 6.0), (level, a)
        if found:  # the ranges are the reader's lines (within 0.3 s), and cover each of them
            truth_ranges = truth["reader_ranges"]
            for a0, b0 in found[0].ranges:
                assert any(a0 >= s - 0.3 and b0 <= e + 0.3 for s, e in truth_ranges), (found[0].ranges, truth_ranges)
            for s, e in truth_ranges:
                assert any(a0 < e and b0 > s for a0, b0 in found[0].ranges)
        if level == 12.0:  # the HTML timeline's band: the reader's turns are the reader's lines
            readers = [(s, e) for s, e, who in report.timeline.turns if who == "reader"]
            assert readers and all(any(s >= a0 - 0.3 and e <= b0 + 0.3 for a0, b0 in truth["reader_ranges"])
                                   for s, e in readers)


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not present on this machine")
def test_one_voice_has_no_reader():
    for clip in ("video_talking_vr_face3_aoc.mp4", "video_talking_wda_aoc.mp4"):
        report = analyze(REAL / clip)
        assert report.metrics["audio"]["reader_lufs"] is None, clip
        assert report.metrics["audio"]["actor_lufs"] is not None, clip


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not present on this machine")
def test_a_frozen_picture_is_not_a_listening_actor(tmp_path):
    """The picture freezes for 2.5 s while the actor goes on speaking: the still mouth of a frozen
    picture must not turn the actor's own voice into a 'reader'."""
    from tests.synth import write_tape

    corpus = load_bench("corpus")
    frames, fps, audio, n = corpus.clip_frames("video_talking_vr_face4_woman_bluebg.mp4", (960, 540))
    f0, f1 = int(1.2 * fps), int(3.9 * fps)
    frames = frames[:f0] + [frames[f0]] * (f1 - f0) + frames[f1:]
    audio = audio[: int(n / fps * corpus.SR)]
    path = tmp_path / "frozen.mp4"
    write_tape(str(path), frames, fps, np.stack([audio, audio], axis=1), corpus.SR, gop=int(round(fps)))
    for thorough in (False, True):
        report = analyze(path, thorough=thorough)
        assert report.metrics["audio"]["reader_lufs"] is None, thorough
        assert "audio.reader_louder" not in [f.check for f in report.findings]
