"""Accuracy benchmark: analyze the labeled corpus (bench/corpus.py, v2) through the public API and score
every check, on each half of the sources.

For each tape, the checks that fired at warn or fail are compared with its labels: a must-fire check
that fired is a true positive, one that did not is a miss; a check that fired and is neither must
nor may is a false alarm. The corpus' sources are split in two (people, voices, noises, rooms): the
thresholds were set on material like the "tune" half; the "held" half is the honest score. Per graded
defect, the detection rate against the strength (0 clearly fine .. 1 clearly bad, drawn at random) shows
where each check turns, next to the threshold it runs at (judge/settings.py) and its source.
Writes docs/accuracy.md; exits 1 when on the held half a check is under recall 0.9 or precision 0.9,
or a clean tape raises a finding (the gaps are listed with their curves as known limits).

    python bench/corpus.py && python bench/accuracy.py [--corpus DIR] [--no-write] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

TARGET_RECALL = 0.9
TARGET_PRECISION = 0.9
BINS = ((0.0, 0.15), (0.15, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0001))


def _fired(path: str) -> tuple[str, list[str], str | None]:
    from selftape_check import analyze

    r = analyze(path)
    if r.status != "ok":
        return path, [], r.error.type
    return path, sorted({f.check for f in r.findings if f.severity in ("warn", "fail")}), None


def score(labels: list[dict], fired: dict[str, list[str]]) -> tuple[dict, list[tuple[str, list[str]]], list]:
    stats: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "miss": 0, "fa": 0})
    clean_alarms: list[tuple[str, list[str]]] = []
    details = []
    for lab in labels:
        got = set(fired[lab["name"]])
        must, may = set(lab["must"]), set(lab["may"])
        for c in must:
            stats[c]["tp" if c in got else "miss"] += 1
        for c in got - must - may:
            stats[c]["fa"] += 1
        if lab["defect"] == "clean" and got - may:
            clean_alarms.append((lab["name"], sorted(got - may)))
        if (must - got) or (got - must - may):
            details.append((lab["name"], sorted(must - got), sorted(got - must - may)))
    return stats, clean_alarms, details


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def table(stats: dict) -> tuple[list[str], list[str]]:
    """The per-check table and the checks under target."""
    lines = ["| check | true positives | misses | false alarms | recall | precision |",
             "|---|---|---|---|---|---|"]
    under = []
    for check in sorted(stats):
        s = stats[check]
        recall = _ratio(s["tp"], s["tp"] + s["miss"])
        precision = _ratio(s["tp"], s["tp"] + s["fa"])
        if (recall is not None and recall < TARGET_RECALL) or (precision is not None and precision < TARGET_PRECISION):
            under.append(check)
        fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
        lines.append(f"| `{check}` | {s['tp']} | {s['miss']} | {s['fa']} | {fmt(recall)} | {fmt(precision)} |")
    return lines, under


def operating_point(check: str) -> str:
    """The check's thresholds from judge/settings.py, with their sources."""
    from selftape_check.judge.settings import SETTINGS

    keys = [s for k, s in SETTINGS.items() if k.startswith(check + ".")]
    return "; ".join(f"`{s.key}` = {s.default:g} {s.unit} ({s.source})" for s in keys) or "-"


def curves(labels: list[dict], fired: dict[str, list[str]]) -> list[str]:
    """Per graded defect: detection rate by strength bin (both halves: tune | held), the parameter at
    the bins' edges."""
    import corpus

    by_defect: dict[str, list[tuple[str, float, bool]]] = defaultdict(list)
    for lab in labels:
        for d, s in lab["defects"].items():
            if d in corpus.GRADES:
                by_defect[d].append((lab["half"], s, corpus.GRADES[d].check in fired[lab["name"]]))
    head = "| defect (check) | parameter at s = 0 / 0.15 / 0.4 / 0.6 / 0.8 / 1 | " + " | ".join(
        f"s {lo:.2f}-{min(hi, 1):.2f}" for lo, hi in BINS) + " |"
    out = [head, "|---|---|" + "---|" * len(BINS)]
    for d, g in corpus.GRADES.items():
        rows = by_defect.get(d, [])
        cells = []
        for lo, hi in BINS:
            parts = []
            for half in ("tune", "held"):
                inbin = [f for h, s, f in rows if h == half and lo <= s < hi]
                parts.append(f"{sum(inbin)}/{len(inbin)}" if inbin else "-")
            cells.append(" \\| ".join(parts))
        edges = " / ".join(f"{g.param(s):.3g}" for s in (0, 0.15, 0.4, 0.6, 0.8, 1))
        out.append(f"| {d} (`{g.check}`) | {edges} {g.unit} | " + " | ".join(cells) + " |")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(HERE, ".cache", "corpus2"))
    ap.add_argument("--no-write", action="store_true", help="do not rewrite docs/accuracy.md")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args()
    labels = json.load(open(os.path.join(args.corpus, "labels.json")))
    paths = {lab["name"]: os.path.join(args.corpus, lab["file"]) for lab in labels}
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(_fired, paths.values()))
    elapsed = time.perf_counter() - t0
    by_path = {p: (f, e) for p, f, e in results}
    errors = [(n, by_path[p][1]) for n, p in paths.items() if by_path[p][1]]
    fired = {n: by_path[p][0] for n, p in paths.items()}
    halves = {}
    for half in ("tune", "held"):
        labs = [lab for lab in labels if lab["half"] == half]
        stats, clean_alarms, details = score(labs, fired)
        lines, under = table(stats)
        halves[half] = (labs, stats, clean_alarms, details, lines, under)
    ok = not halves["held"][5] and not halves["held"][2] and not errors
    curve_lines = curves(labels, fired)
    build = {}
    if os.path.exists(os.path.join(args.corpus, "build.json")):
        build = json.load(open(os.path.join(args.corpus, "build.json")))
    built = (f"Built in {build['seconds']:.0f} s with {build['jobs']} processes (load average "
             f"{build['load_average']} on the shared 2-core machine); ") if build else ""
    n_tune = sum(lab["half"] == "tune" for lab in labels)
    summary = [f"{built}{len(labels)} tapes ({n_tune} tune, {len(labels) - n_tune} held back), analyzed in "
               f"{elapsed:.0f} s with {args.jobs} processes (default sampling mode)."]
    if errors:
        summary.append("Could not analyze: " + ", ".join(f"{n} ({e})" for n, e in errors))
    for half, (labs, stats, clean_alarms, details, lines, under) in halves.items():
        print(f"\n== {half} half ==")
        print("\n".join(lines))
        print(f"clean tapes with a finding: {clean_alarms or 'none'}")
        print(f"under target: {under or 'none'}")
        for name, miss, fa in details:
            print(f"  {name}: missed {miss or '-'}; false alarms {fa or '-'}")
    print("\n" + "\n".join(curve_lines))
    print("\n" + "\n".join(summary))
    print("\nTARGETS MET (held half)" if ok else "\nBELOW TARGET on the held half (listed as known limits)")
    if not args.no_write:
        write_doc(labels, halves, curve_lines, summary)
    return 0 if ok else 1


# what the misses were, looked into on the run of 2026-12-07 (tape names are stable: the corpus is seeded)
NOTES = {
    "av.sync_offset": "one tape per half, 5-6 s long (the target is set for 8 s and more). Held: "
    "`held_audio_shift` (face3, 400 ms late) reads +432 ms and fires; the false alarm is `held_shake_2`, a "
    "still photo with a microphone before the mouth shaken 8.7 px a frame over 6 s of spoken digits: the lip "
    "landmarks jump about under the motion, and 12+ of those jumps lined up by chance with the digits at "
    "-353 ms (bootstrap agreement 0.92). The other 11 shake tapes (both halves) read the mouth as still and "
    "skip. Tune: `tune_audio_shift` (face1, 22 fps, 6.1 s) holds 10 mouth openings, under the 12 asked for: "
    "skipped, not measured.",
    "audio.reader_louder": "alone, every reader at +13..14 dB is found (near or far, in a 0.3 or 0.6 s room) "
    "and one at +7.5 dB; the two at +1.4-1.7 dB, whose lines overlap the actor's by 0.4 s, rightly raise "
    "nothing. With the whole scene in a 1.1-1.2 s room (`*_reader_louder+reverb_0`) the reader's echo spills "
    "into the actor's turns and the actor reads -14 to -16 LUFS against the reader's -14 to -16: no finding. "
    "The same set-up on the other clip (`_1`) is found.",
    "image.flicker": "found from depth 0.019 up on every clip and photo since a run of a second's frames at "
    "22.13 fps (22) counts as long enough to judge periodicity (`tune_flicker_2` was missed before).",
    "video.frozen": "found on the photos and clips since every frame's thumbnail is made the same way "
    "(`tune_frozen_1`, `_3` were missed before: coverage frames broke the freeze every 0.5 s).",
    "face.backlit": "`tune_backlit_1` (person at 0.41x in front of a 244 grey wall): the people0 photo carries "
    "its own grey backdrop, darkened with the person, so the bright wall is only at the frame's sides "
    "(background / face 3.36, limit 3.5).",
}


def write_doc(labels, halves, curve_lines, summary) -> None:
    import corpus

    enc = defaultdict(int)
    for lab in labels:
        enc[lab["encode"]] += 1
    doc = [
        "# Accuracy",
        "",
        "Regenerated by `python bench/corpus.py && python bench/accuracy.py` (the corpus is built from",
        "`../shared/data/real/` into `bench/.cache/corpus2`, never committed). Corpus v2 (issue #22):",
        "",
        f"- every graded defect is drawn at a random (seeded) strength s from 0 (clearly fine) to 1 (clearly "
        f"bad), mapped to a physical parameter (table below); per defect and half one tape in the fine zone, two "
        f"in the bad zone, three anywhere. The check must fire from s = {corpus.BAD_FROM} on, must not fire up to "
        f"{corpus.FINE_UPTO} (a finding there is a false alarm), may fire in between;",
        "- defects together (dark + noisy; a reader +12-15 dB in a 1.0-1.3 s room), readers set up "
        "differently (0 to +15 dB, near or far, dry or in a 0.3/0.6 s room, lines overlapping by 0.4 s);",
        "- encodes: " + ", ".join(f"{k} {v}" for k, v in sorted(enc.items())) + " (h264: a keyframe a second; "
        "long_gop: one keyframe in the tape; vfr: a phone's variable frame rate; vp9 in WebM with Opus);",
        "- faces are placed by an annotation of each source (OpenCV's alt2 cascade, not the tool's detector, "
        "run once on the source photo or clip frame) and the compositing geometry, never by the tool;",
        "- the sources are split in two halves that share no person, voice, noise or room "
        "(`bench/corpus.py` HALVES). No threshold was changed to fit this corpus. The thresholds in use were "
        "calibrated before v2 on the v1 corpus, made from all of these sources: the held half is new in "
        "strengths, set-ups and encodes, not yet in people, so its figures are an upper bound for unseen "
        "people. From here on, tune on the tune half only; the held half then stays the honest score. "
        "Changed since, from tune-half misses only: two bugs (a coverage frame's thumbnail made differently "
        "from its neighbours', which broke freezes apart; periodic flicker judged only on runs of more than "
        "fps frames, which a 1 s keyframe interval at 22.13 fps is not), no threshold;",
        "- issue #25's cases: a real talking clip with its sound 400 ms late (`audio_shift`, one a half: "
        "`av.sync_offset` reads the first 20 s of every tape, docs/checks.md), sunglasses (`eyes_covered`), "
        "and a second, smaller face in an upper corner (`second_face`, on a photo and on a clip: no finding "
        "about the actor may change; `face.multiple` may say so).",
        "",
        "Real material can carry properties we did not put there, listed as may-fire per source in "
        "`bench/corpus.py` (SOURCE_MAY).",
        "",
        *summary,
        "",
    ]
    for half, title in (("held", "Held-back half (the score)"), ("tune", "Tune half")):
        labs, stats, clean_alarms, details, lines, under = halves[half]
        doc += [f"## {title}", "",
                f"Warn/fail findings on its {sum(lab['defect'] == 'clean' for lab in labs)} clean tapes: "
                + (("; ".join(f"{n}: {', '.join(c)}" for n, c in clean_alarms)) if clean_alarms else "none") + ".",
                "", *lines, "",
                "Under recall 0.9 or precision 0.9: " + (", ".join(f"`{c}`" for c in under) or "none") + ".", "",
                "Per tape, where a label was missed or a check fired unlabeled:", "",
                *([f"- `{n}`: missed {', '.join(m) or '-'}; false alarm {', '.join(f) or '-'}"
                   for n, m, f in details] or ["- none"]), ""]
    doc += ["## Detection rate against strength", "",
            "Fired / tapes per strength bin, tune \\| held. s < 0.15 should read 0, s >= 0.8 all.", "",
            *curve_lines, "",
            "## Operating points", "", "| check | thresholds (judge/settings.py) and source |", "|---|---|"]
    import corpus as _c

    for d, g in _c.GRADES.items():
        doc.append(f"| `{g.check}` | {operating_point(g.check)} |")
    under = halves["held"][5]
    doc += ["", "## Known limits (held half under target)", ""]
    doc += [f"- `{c}`: {NOTES.get(c, 'see its row above and its curve')}" for c in under] or ["- none"]
    tune_only = [c for c in halves["tune"][5] if c not in under]
    doc += ["", "Under target on the tune half only: " + (", ".join(f"`{c}`" for c in tune_only) or "none") + ".",
            ""]
    doc += [f"- `{c}`: {NOTES[c]}" for c in tune_only if c in NOTES]
    doc.append("")
    with open(os.path.join(ROOT, "docs", "accuracy.md"), "w") as fh:
        fh.write("\n".join(doc))


if __name__ == "__main__":
    sys.exit(main())
