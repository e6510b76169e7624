"""A small form of the accuracy benchmark (bench/corpus.py, bench/accuracy.py): real faces and voices
with one known defect each; every must-fire check fires, nothing unlabeled fires, clean tapes pass."""

from __future__ import annotations

import pytest

from selftape_check import analyze

from .conftest import REAL, load_bench

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not present on this machine")


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    corpus = load_bench("corpus")
    out = tmp_path_factory.mktemp("corpus")
    items = corpus.build(str(out), small=True)
    fired = {}
    for spec in items:
        report = analyze(out / f"{spec.name}.mp4")
        assert report.status == "ok", (spec.name, report.error)
        fired[spec.name] = sorted({f.check for f in report.findings if f.severity in ("warn", "fail")})
    return items, fired


def test_small_corpus_defects_are_found(small_corpus):
    items, fired = small_corpus
    missed = {s.name: sorted(set(s.must) - set(fired[s.name])) for s in items if set(s.must) - set(fired[s.name])}
    assert missed == {}


def test_small_corpus_raises_no_unlabeled_finding(small_corpus):
    items, fired = small_corpus
    extra = {s.name: sorted(set(fired[s.name]) - set(s.must) - set(s.may)) for s in items
             if set(fired[s.name]) - set(s.must) - set(s.may)}
    assert extra == {}


def test_small_corpus_clean_tapes_pass(small_corpus):
    items, fired = small_corpus
    clean = [s for s in items if s.defect == "clean"]
    assert len(clean) == 3
    assert {s.name: fired[s.name] for s in clean if set(fired[s.name]) - set(s.may)} == {}
