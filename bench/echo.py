"""Echo: the reverberation estimate on real voices, dry and in synthetic rooms, over noise floors.

Each real voice of bench/corpus.py (7 speech recordings and the sound of the 4 talking-head clips,
10 s at -24 dBFS active level) is played dry and through exponential rooms of RT60 0.6, 0.8 and
1.1 s (corpus.rir), over pink noise at -64 (a quiet room) to -42 dBFS. For each, the speech-band range
over the floor, the decay-rate estimate (`reverb_s`), and whether `audio.echo` fired. Prints, per
range band, the estimates of dry and reverberant voices and the check's false alarms (dry) and
detections (RT60 >= 0.8 s). Then the same voices and rooms over 5 real noises (street, cafe, car,
kitchen, babble) at 15, 20 and 30 dB under the speech's active level: false alarms and detections per
SNR (at 15 dB `audio.noisy` warns as well). This is the calibration of the threshold
`audio.echo.rt60_s`. Last, rooms simulated by another method: shoebox rooms (a bedroom, a living
room, a hall) from pyroomacoustics' image sources plus ray tracing, absorption set by Sabine's
formula for 0.3-1.1 s, the voice 1.5 m from the mic; the room's RT60 as measured on its impulse
response (Schroeder integration, T20), and how many of the 11 voices fired. The ray tracing draws its
rays at random (pyroomacoustics seeds it itself), so these rooms differ a little from run to run.
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
from tests.synth import pink_noise  # noqa: E402

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
    voices_ = voices()
    for name, v in voices_.items():
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
    simulated_rooms(voices_)
    return 0


SHOEBOXES = {"bedroom": (3.5, 3.0, 2.5), "living room": (5.0, 4.0, 2.6), "hall": (8.0, 6.0, 3.0)}


def shoebox_rir(dims: tuple[float, float, float], sabine_rt60: float, distance_m: float = 1.5) -> np.ndarray:
    """An impulse response of a shoebox room (image sources to order 3, then ray tracing), the voice
    standing `distance_m` in front of the mic."""
    import pyroomacoustics as pra

    absorption, _ = pra.inverse_sabine(sabine_rt60, list(dims))
    room = pra.ShoeBox(list(dims), fs=corpus.SR, materials=pra.Material(absorption, 0.1), max_order=3,
                       ray_tracing=True, air_absorption=True)
    room.set_ray_tracing(receiver_radius=0.5, n_rays=20000, energy_thres=1e-7)
    source = np.array([dims[0] * 0.5, dims[1] * 0.6, 1.6])
    room.add_source(source.tolist())
    room.add_microphone((source + np.array([0.0, -distance_m, -0.3])).tolist())
    room.compute_rir()
    return np.asarray(room.rir[0][0])


def simulated_rooms(voices_: dict[str, np.ndarray]) -> None:
    try:
        import pyroomacoustics as pra
    except ImportError:
        print("\nsimulated rooms: skipped (pip install pyroomacoustics, or the project's [bench] extra)")
        return
    from scipy import signal
    from snr import measure

    limit = SETTINGS["audio.echo.rt60_s"].default
    print("\nsimulated rooms (image sources + ray tracing), 11 voices each, pink floor at -60 dBFS")
    print("| room | Sabine RT60 s | measured RT60 s (T20) | estimates (s) | echo fired |")
    print("|---|---|---|---|---|")
    for room, dims in SHOEBOXES.items():
        for rt in (0.3, 0.5, 0.8, 1.1):
            h = shoebox_rir(dims, rt)
            measured = pra.experimental.measure_rt60(h, fs=corpus.SR, decay_db=20)
            ests = []
            for v in voices_.values():
                x = corpus.at_speech_level(signal.fftconvolve(v, h)[: len(v)])
                ests.append(measure(x + pink_noise(len(x) / corpus.SR, corpus.SR, -60, 5))["reverb_s"])
            shown = " ".join("-" if e is None else f"{e:.2f}" for e in sorted(ests, key=lambda e: (e is None, e)))
            fired = sum(e is not None and e >= limit for e in ests)
            print(f"| {room} | {rt} | {measured:.2f} | {shown} | {fired}/{len(ests)} |")


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
