"""Echo: the reverberation estimate on real voices, dry and in synthetic rooms, over noise floors.

Each real voice of bench/corpus.py (7 speech recordings and the sound of the 4 talking-head clips,
10 s at -24 dBFS active level) is played dry and through exponential rooms of RT60 0.6, 0.8 and
1.1 s (corpus.rir), over pink noise at -64 (a quiet room) to -42 dBFS. For each, the speech-band range
over the floor, the decay-rate estimate (`reverb_s`), and whether `audio.echo` fired. Prints, per
range band, the estimates of dry and reverberant voices and the check's false alarms (dry) and
detections (RT60 >= 0.8 s). Then the same voices and rooms over 5 real noises (street, cafe, car,
kitchen, babble) at 15, 20 and 30 dB under the speech's active level: false alarms and detections per
SNR (at 15 dB `audio.noisy` warns as well). This is the calibration of the threshold
`audio.echo.rt60_s`.
Target (issue #5): echo told apart from a dry recording for RT60 >= 0.8 s; no dry voice fires.

    python bench/echo.py [--out bench/.cache/echo]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import corpus  # noqa: E402

from selftape_check import analyze  # noqa: E402
from selftape_check.judge.settings import SETTINGS  # noqa: E402
from selftape_check.testing import pink_noise  # noqa: E402

ROOMS = (0.0, 0.6, 0.8, 1.1)
FLOORS_DBFS = (-64, -54, -50, -46, -42)
REAL_NOISE_SNR_DB = (15, 20, 30)
BANDS = ((20, 25), (25, 30), (30, 35), (35, 60))


def voices() -> dict[str, np.ndarray]:
    out = {v[7:-4]: corpus.voice_track(v, 10.0) for v in corpus.VOICES}
    for c in corpus.CLIPS:
        _, _, audio, _ = corpus.clip_frames(c, (320, 180))
        out[c[14:-4]] = corpus.at_speech_level(audio)
    return out


def main() -> int:
    import soundfile as sf
    from scipy import signal

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(HERE, ".cache", "echo"))
    args = ap.parse_args()
    if corpus.real_data_missing():
        return 0
    os.makedirs(args.out, exist_ok=True)
    rows = []
    rooms = {}
    for name, v in voices().items():
        for rt in ROOMS:
            x = v if rt == 0 else signal.fftconvolve(v, corpus.rir(rt, 3))[: len(v)]
            x = rooms[(name, rt)] = corpus.at_speech_level(x)
            for floor in FLOORS_DBFS:
                path = os.path.join(args.out, f"{name}_rt{rt}_n{-floor}.wav")
                if not os.path.exists(path):
                    y = x + pink_noise(len(x) / corpus.SR, corpus.SR, floor, 5)
                    sf.write(path, np.stack([y, y], 1).astype(np.float32), corpus.SR)
                r = analyze(path)
                a = r.metrics["audio"]
                fired = any(f.check == "audio.echo" and f.severity in ("warn", "fail") for f in r.findings)
                rows.append((name, rt, a.get("reverb_range_db"), a.get("reverb_s"), fired))
    table: dict[tuple, list] = defaultdict(list)
    fired_n: dict[tuple, list] = defaultdict(list)
    for name, rt, rng, est, fired in rows:
        band = next((b for b in BANDS if rng is not None and b[0] <= rng < b[1]), None)
        key = (rt, band)
        table[key].append(est)
        fired_n[key].append(fired)
    print("| RT60 s | range dB | voices | estimates (s; - = none) | echo fired |")
    print("|---|---|---|---|---|")
    for rt in ROOMS:
        for band in (*BANDS, None):
            ests = table.get((rt, band))
            if not ests:
                continue
            shown = " ".join("-" if e is None else f"{e:.2f}" for e in sorted(ests, key=lambda e: (e is None, e)))
            label = "under 20" if band is None else f"{band[0]}-{band[1]}"
            print(f"| {'dry' if rt == 0 else rt} | {label} | {len(ests)} | {shown} | "
                  f"{sum(fired_n[(rt, band)])}/{len(ests)} |")
    dry = [f for _, rt, _, _, f in rows if rt == 0]
    wet = [f for _, rt, _, _, f in rows if rt >= 0.8]
    print(f"\ndry voices that fired: {sum(dry)}/{len(dry)}; RT60 >= 0.8 s that fired: {sum(wet)}/{len(wet)}")
    over_real_noises(rooms)
    return 0


def over_real_noises(rooms: dict[tuple[str, float], np.ndarray]) -> None:
    """The voices and rooms over real noises at known SNRs (the measurement path of bench/snr.py)."""
    from snr import NOISES, measure

    limit = SETTINGS["audio.echo.rt60_s"].default
    fired: dict[tuple[float, float], list[bool]] = defaultdict(list)
    for (_, rt), x in rooms.items():
        level = corpus.active_rms(x)
        for noise in NOISES:
            n0 = np.resize(corpus._wav(noise), len(x))
            n0 = n0 / np.sqrt(np.mean(n0 ** 2))
            for snr in REAL_NOISE_SNR_DB:
                est = measure(x + n0 * level * 10 ** (-snr / 20))["reverb_s"]
                fired[(rt, snr)].append(est is not None and est >= limit)
    print("\nover real noises (5 noises x 11 voices per cell): echo fired")
    print("| RT60 s | " + " | ".join(f"SNR {s} dB" for s in REAL_NOISE_SNR_DB) + " |")
    print("|---|" + "---|" * len(REAL_NOISE_SNR_DB))
    for rt in ROOMS:
        cells = [f"{sum(fired[(rt, s)])}/{len(fired[(rt, s)])}" for s in REAL_NOISE_SNR_DB]
        print(f"| {'dry' if rt == 0 else rt} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
