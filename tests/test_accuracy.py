"""The accuracy corpus (bench/corpus.py v2, bench/accuracy.py): its labels follow the drawn strengths,
its two halves share no source, and a small form of it (real faces and voices with one clearly bad
defect each, from the held-back half) is judged right: every must-fire check fires, nothing unlabeled
fires, clean tapes pass."""

from __future__ import annotations

import json
import os

import pytest

from selftape_check import analyze

from .conftest import load_bench

corpus = load_bench("corpus")
needs_real = pytest.mark.skipif(not os.path.isdir(corpus.REAL),
                                reason="../shared/data/real is not present on this machine")


def test_halves_share_no_person_voice_noise_or_room():
    tune, held = corpus.HALVES["tune"], corpus.HALVES["held"]
    for kind in tune:
        assert not set(tune[kind]) & set(held[kind]), kind
    # every tape's sources come from its own half
    for spec in corpus.specs():
        src = corpus.HALVES[spec.half]
        assert spec.face in src["photos"] + src["clips"], spec.name
        assert spec.voice is None or spec.voice in src["voices"], spec.name
        assert spec.extra.get("noise") is None or spec.extra["noise"] in src["noises"], spec.name


def test_labels_follow_the_strength_zones():
    g = corpus.GRADES["noisy"]
    assert g.param(0.0) == 40.0 and g.param(1.0) == 0.0 and g.param(0.8) == pytest.approx(8.0)
    assert corpus.GRADES["dark"].param(0.5) == pytest.approx(0.12 ** 0.5)  # geometric
    fine = corpus.label(corpus.Spec("a", "held", corpus.PHOTOS[0], None, {"noisy": 0.1}))
    mid = corpus.label(corpus.Spec("b", "held", corpus.PHOTOS[0], None, {"noisy": 0.5}))
    bad = corpus.label(corpus.Spec("c", "held", corpus.PHOTOS[0], None, {"noisy": 0.9}))
    assert "audio.noisy" not in fine.must + fine.may
    assert "audio.noisy" in mid.may and "audio.noisy" not in mid.must
    assert bad.must == ["audio.noisy"]


def test_every_graded_defect_is_drawn_fine_and_bad_in_both_halves():
    items = corpus.specs()
    for d in corpus.GRADES:
        for half in ("tune", "held"):
            s = [sp.defects[d] for sp in items if sp.half == half and set(sp.defects) == {d}]
            assert min(s) <= corpus.FINE_UPTO and max(s) >= corpus.BAD_FROM, (d, half, s)


@needs_real
def test_faces_are_placed_where_the_annotation_says():
    # the tool measures the face height the corpus set from the alt2 annotation (0.24 of the frame)
    items = [s for s in corpus.specs(small=True) if s.defect == "clean" and s.face in corpus.PHOTOS]
    place = corpus.place_face(items[0].face, corpus.SIZE, 0.24, (0.5, 0.42))
    x, y, w, h = place.face_box(items[0].face, corpus.SIZE)
    assert h / corpus.SIZE[1] == pytest.approx(0.24, abs=0.01)
    assert (x + w / 2) / corpus.SIZE[0] == pytest.approx(0.5, abs=0.01)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    items = corpus.build(str(out), small=True)
    files = {lab["name"]: lab["file"] for lab in json.load(open(out / "labels.json"))}
    fired = {}
    for spec in items:
        report = analyze(out / files[spec.name])
        assert report.status == "ok", (spec.name, report.error)
        fired[spec.name] = sorted({f.check for f in report.findings if f.severity in ("warn", "fail")})
    return items, fired


@needs_real
def test_small_corpus_defects_are_found(small_corpus):
    items, fired = small_corpus
    missed = {s.name: sorted(set(s.must) - set(fired[s.name])) for s in items if set(s.must) - set(fired[s.name])}
    assert missed == {}


@needs_real
def test_small_corpus_raises_no_unlabeled_finding(small_corpus):
    items, fired = small_corpus
    extra = {s.name: sorted(set(fired[s.name]) - set(s.must) - set(s.may)) for s in items
             if set(fired[s.name]) - set(s.must) - set(s.may)}
    assert extra == {}


@needs_real
def test_small_corpus_clean_tapes_pass(small_corpus):
    items, fired = small_corpus
    clean = [s for s in items if s.defect == "clean"]
    assert len(clean) == 3
    assert {s.name: fired[s.name] for s in clean if set(fired[s.name]) - set(s.may)} == {}
