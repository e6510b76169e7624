"""Speech-to-noise ratio: measured `audio.snr_db` on real speech mixed with real noise at known SNRs.

Each real voice (looped to 10 s with short pauses, as the corpus does) is mixed with each real noise
scaled so that the voice's active level (RMS over the louder half of its 20 ms frames) stands a known
number of dB over the noise's RMS. Prints the error per mixture level and the count within +-3 dB.
Target (issue #5): within +-3 dB from 0 to 30 dB.

Two references show where the error comes from. The tool's speech level computed with the exact mean
power of the noise (measured on the noise track alone): what is left is the speech-level estimate. And
with the exact noise in the pauses the tool reads the background from: how far a perfect reading of
those pauses can get, since a noise that changes (a cafe's clatter, a babble) is not the same in the
pauses as under the speech.

With --continuous the voices are connected speech with no pauses: every quiet stretch (30 dB under the
voice's median 20 ms level) is cut to 0.12 s, the gaps between words, so there are no pauses to read the
background from (issue #22).

    python bench/snr.py [--levels 0 5 10 15 20 25 30] [--detail] [--continuous]
"""

from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import corpus  # noqa: E402
import numpy as np  # noqa: E402

from selftape_check.measure.speech import active_speech_db, snr_pauses  # noqa: E402
from selftape_check.measure.summary import audio_summary  # noqa: E402
from selftape_check.units import energy_mean_db  # noqa: E402
from selftape_check.measure.audio import AudioMeter  # noqa: E402

NOISES = corpus.NOISES + ["noise_babble_2m1f_english.wav"]


def series(x: np.ndarray):
    meter = AudioMeter(corpus.SR, 1)
    for i in range(0, len(x), corpus.SR):
        meter.feed(x[i:i + corpus.SR, None].astype(np.float32))
    return meter.finish()


def measure(x: np.ndarray) -> dict:
    return audio_summary(series(x)).to_json()


def continuous_voice(voice: str, seconds: float = 10.0) -> np.ndarray:
    """The voice as connected speech: quiet runs (30 dB under its median 20 ms power) cut to 0.12 s, looped
    to `seconds` with no pauses, at the corpus' speech level."""
    x = corpus._wav(voice)
    n = corpus.SR // 50
    frames = x[: len(x) // n * n].reshape(-1, n)
    p = (frames ** 2).mean(axis=1)
    quiet = p < np.median(p) * 10 ** (-30 / 10)
    keep = np.ones(len(p), bool)
    run = 0
    for i, q in enumerate(quiet):
        run = run + 1 if q else 0
        keep[i] = run <= 6
    return corpus.at_speech_level(np.resize(frames[keep].reshape(-1), int(seconds * corpus.SR)))


def references(mix, noise) -> tuple[float, float]:
    """The SNR read with the exact noise power, and with the exact noise in the pauses the tool uses."""
    out = []
    for noise_db in (energy_mean_db(noise.band_dbfs), energy_mean_db(noise.band_dbfs[snr_pauses(mix)])):
        if noise_db is None:  # no pauses to read
            out.append(float("nan"))
            continue
        speech = active_speech_db(mix.band_dbfs, noise_db, mix.hop_s)
        out.append(float("nan") if speech is None else speech - noise_db)
    return out[0], out[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", type=float, nargs="+", default=[0, 5, 10, 15, 20, 25, 30])
    ap.add_argument("--detail", action="store_true", help="print every mixture")
    ap.add_argument("--continuous", action="store_true", help="connected speech, no pauses")
    args = ap.parse_args()
    if corpus.real_data_missing():
        return 0
    errors: dict[float, list[float]] = {lv: [] for lv in args.levels}
    by_noise: dict[str, list[float]] = {}
    ref_errors: dict[str, list[float]] = {"exact noise power": [], "exact noise in the pauses read": []}
    for voice in corpus.VOICES:
        v = continuous_voice(voice) if args.continuous else corpus.voice_track(voice, 10.0)
        level = corpus.active_rms(v)
        for noise in NOISES:
            n0 = np.resize(corpus._wav(noise), len(v))
            n0 = n0 / np.sqrt(np.mean(n0 ** 2))
            for lv in args.levels:
                n = n0 * level * 10 ** (-lv / 20)
                mix = series(v + n)
                got = audio_summary(mix).snr_db
                err = float("nan") if got is None else got - lv
                errors[lv].append(err)
                exact, in_pauses = references(mix, series(n))
                ref_errors["exact noise power"].append(exact - lv)
                ref_errors["exact noise in the pauses read"].append(in_pauses - lv)
                by_noise.setdefault(noise, []).append(err)
                if args.detail:
                    print(f"{voice:38s} {noise:32s} {lv:5.1f} dB  read {got}  error {err:+.1f}")
    print("| true SNR dB | mixtures | within +-3 dB | error min | median | max |")
    print("|---|---|---|---|---|---|")
    total = inside = 0
    for lv, e in errors.items():
        e = np.array(e)
        ok = int(np.sum(np.abs(e) <= 3.0))
        total += len(e)
        inside += ok
        print(f"| {lv:g} | {len(e)} | {ok} | {np.nanmin(e):+.1f} | {np.nanmedian(e):+.1f} | {np.nanmax(e):+.1f} |")
    print(f"\nwithin +-3 dB: {inside} of {total}")
    for name, e in ref_errors.items():
        e = np.array(e)
        print(f"  reference, the tool's speech level with the {name}: {int(np.sum(np.abs(e) <= 3.0))} of {len(e)} "
              f"(errors {np.nanmin(e):+.1f}..{np.nanmax(e):+.1f})")
    print("\n| noise | within +-3 dB | error min | median | max |")
    print("|---|---|---|---|---|")
    for noise, e in by_noise.items():
        e = np.array(e)
        print(f"| {noise} | {int(np.sum(np.abs(e) <= 3.0))}/{len(e)} | {np.nanmin(e):+.1f} | "
              f"{np.nanmedian(e):+.1f} | {np.nanmax(e):+.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
