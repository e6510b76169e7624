"""Summary figures of a tape (`metrics` in the JSON report), derived once from the series.

Names carry their unit. Values JSON cannot hold (NaN, inf) are None.
"""

from __future__ import annotations

import math

import numpy as np

from ..measure.acoustics import Hum, mains_hum, rt60_from_decay_rates
from ..measure.audio import band_voice_activity
from ..model import AudioSeries, Measurements, VideoSeries
from ..units import energy_mean_db


def _num(x, nd: int = 3) -> float | None:
    if x is None:
        return None
    x = float(x)
    return round(x, nd) if math.isfinite(x) else None


def _median(a: np.ndarray) -> float | None:
    a = np.asarray(a, dtype=float)
    a = a[np.isfinite(a)]
    return float(np.median(a)) if a.size else None


def pause_mask(a: AudioSeries, speech: np.ndarray | None = None) -> np.ndarray:
    """Hops that are background, not speech: away (0.2 s) from any speech (`a.speech` unless given),
    and not digital silence."""
    speech = a.speech if speech is None else speech
    guard = int(round(0.2 / a.hop_s))
    full = np.convolve(speech.astype(np.int32), np.ones(2 * guard + 1, dtype=np.int32), "full")
    near_speech = full[guard: guard + len(speech)] > 0  # dilated by `guard` hops, same length
    return ~near_speech & (a.digital_zero_ratio < 0.5)


ACTIVE_BELOW_DB = 15.9  # ITU-T P.56: speech is active where its envelope is within 15.9 dB of the active level
GAPS_FROM_SNR_DB = 25.0  # from this SNR on, the gaps between words count as background too
ENVELOPE_S = 0.3  # the envelope that decides activity: noise-subtracted power averaged over 0.3 s


def active_speech_db(band_dbfs: np.ndarray, noise_db: float, hop_s: float) -> float | None:
    """Active speech level (ITU-T P.56 style) of speech under noise of a known mean power: the mean of
    the noise-subtracted hop powers where their 0.3 s envelope stands within 15.9 dB of that mean
    (solved by iteration). Subtracting the noise before choosing the active hops keeps the choice from
    favouring noise peaks: choosing the hops 3 dB over the noise read a 0 dB mixture 3-8 dB high.
    None when under half a second is active."""
    live = band_dbfs > -119.0  # digital silence holds neither speech nor noise
    clean = np.where(live, 10 ** (band_dbfs.astype(np.float64) / 10) - 10 ** (noise_db / 10), 0.0)
    n = max(1, int(round(ENVELOPE_S / hop_s)))
    envelope = np.convolve(clean, np.ones(n) / n, "same")
    active = envelope > 0
    level = clean[active].mean() if active.sum() >= 25 else 0.0
    for _ in range(50):
        if level <= 0:
            return None
        active = envelope > level * 10 ** (-ACTIVE_BELOW_DB / 10)
        if active.sum() * hop_s < 0.5:
            return None
        new = clean[active].mean()
        converged = abs(new - level) <= 1e-4 * abs(level)
        level = new
        if converged:
            break
    return float(10 * np.log10(level)) if level > 0 else None


def _background_db(levels_db: np.ndarray) -> float | None:
    """Energy mean of background hops below their 90th percentile (a breath or a click is not the
    background)."""
    return energy_mean_db(levels_db[levels_db <= np.percentile(levels_db, 90)])


def speech_to_noise_db(band_dbfs: np.ndarray, pauses: np.ndarray, voiced: bool, hop_s: float) -> float | None:
    """Speech-to-noise ratio in the speech band (100-4000 Hz): the active speech level over the noise.
    Noise: `_background_db` of the pause hops (away from detected speech: `audio_metrics` also keeps
    away from speech found in the clearest octave), or, with under half a second of pauses, of the hops
    within 3 dB of the 10th percentile. Speech: `active_speech_db` with that noise taken out. With a
    voice 25 dB or more over the noise, the gaps between words join the pauses as background.
    On 7 real voices x 5 real noises (bench/snr.py): 235 of 245 mixtures from 0 to 30 dB within +-3 dB
    (errors -4.4..+4.6; the misses: cafe or babble noise read from few pauses at 0-5 dB, a voice's
    quiet parts hidden in a babble).
    `voiced`: whether there is a voice to rate at all (else None)."""
    live = band_dbfs > -119.0
    if not voiced or live.sum() < 50:
        return None
    quiet = band_dbfs[pauses & live]
    if quiet.size >= 25:
        noise = _background_db(quiet)
    else:
        values = band_dbfs[live]
        floor = float(np.percentile(values, 10))
        noise = energy_mean_db(values[values <= floor + 3.0])
    speech = active_speech_db(band_dbfs, noise, hop_s)
    if speech is not None and speech - noise >= GAPS_FROM_SNR_DB:
        # a voice well over the noise: the gaps between its words (hops 20 dB under the active level
        # and within 6 dB of the noise) are background too, where long pauses are few
        noise = _background_db(band_dbfs[(pauses | (band_dbfs < min(speech - 20.0, noise + 6.0))) & live])
        speech = active_speech_db(band_dbfs, noise, hop_s)
    return None if speech is None else speech - noise


def snr_pauses(a: AudioSeries, pauses: np.ndarray | None = None) -> np.ndarray:
    """The pauses the SNR reads the background from: away from speech found in the whole band or in
    its clearest octave, while half a second of them is left (under a babble the octave finds speech
    everywhere); else `pauses` (`pause_mask(a)`)."""
    clear = pause_mask(a, a.speech | band_voice_activity(a.octave_db, a.band_dbfs, a.hop_s))
    if clear.sum() * a.hop_s >= 0.5:
        return clear
    return pause_mask(a) if pauses is None else pauses


HUM_SIGNAL_MIN_DBFS = -120.0  # below this power under 1 kHz there is nothing to read a hum from
HUM_NO_LINE_DBFS = -200.0  # hum lines with no power over their neighbourhood: no hum level (null)


def audio_hum(a: AudioSeries) -> tuple[Hum | None, str | None]:
    """The mains hum (`acoustics.mains_hum`) and, where there is none to read, why: under a second of
    sound (no 1 Hz spectrum) or no signal (digital silence, or under -120 dBFS below 1 kHz)."""
    p = a.lowfreq_power
    if p.size == 0:
        return None, "audio.hum skipped: under a second of sound"
    if a.sample_peak_dbfs is None or 10 * np.log10(max(float(p.sum()), 1e-30)) < HUM_SIGNAL_MIN_DBFS:
        return None, "audio.hum skipped: no signal (digital silence)"
    hum = mains_hum(p)
    return hum, None if hum else "audio.hum skipped: under a second of sound"


def audio_metrics(a: AudioSeries) -> dict:
    speech = a.speech
    pauses = pause_mask(a)
    speech_lufs = energy_mean_db(a.momentary_lufs[speech]) if speech.any() else None
    if pauses.sum() * a.hop_s >= 0.5:  # the median: a cough or a door in a pause is not the background
        noise_floor = float(np.median(a.rms_dbfs[pauses]))
    else:  # hardly any pause: the quietest hops stand for the background
        live = a.rms_dbfs[a.digital_zero_ratio < 0.5]
        noise_floor = float(np.percentile(live, 5)) if live.size else None
    speech_band = energy_mean_db(a.band_dbfs[speech]) if speech.any() else None
    snr = speech_to_noise_db(a.band_dbfs, snr_pauses(a, pauses),
                             speech.any() or (noise_floor is not None and noise_floor > -50.0), a.hop_s)
    hum, hum_skip = audio_hum(a)
    rt60, offsets, reverb_range = (None, 0, None)
    if speech_band is not None:
        # the floor under the decays is the quietest moment (a reverberant room fills the pauses)
        live = a.band_dbfs[a.band_dbfs > -119.0]
        floor = float(np.percentile(live, 2))
        reverb_range = speech_band - floor
        rt60, offsets = rt60_from_decay_rates(a.band_dbfs, a.hop_s, floor, speech_band)
    return {
        "integrated_lufs": _num(a.integrated_lufs, 2),
        "speech_lufs": _num(speech_lufs, 2),
        "true_peak_dbtp": _num(a.true_peak_dbtp, 2),
        "sample_peak_dbfs": _num(a.sample_peak_dbfs, 2),
        "noise_floor_dbfs": _num(noise_floor, 1),
        "snr_db": _num(snr, 1),
        "speech_ratio": _num(speech.mean() if speech.size else 0.0),
        "actor_lufs": None,
        "reader_lufs": None,
        "duration_s": _num(a.duration_s, 2),
        "hum_mains_hz": hum.mains_hz if hum else None,
        "hum_ratio_db": _num(hum.ratio_db, 1) if hum else None,
        "hum_level_dbfs": _num(hum.level_dbfs, 1) if hum and hum.level_dbfs > HUM_NO_LINE_DBFS else None,
        "hum_skip_reason": hum_skip,
        "reverb_s": _num(rt60, 2),
        "reverb_windows": offsets,
        "reverb_range_db": _num(reverb_range, 1),
    }


EYE_LINE = 0.38  # eyes sit this far down a Haar face box


def backlight_ratio(v: VideoSeries) -> np.ndarray:
    """The background's bright part (its 90th percentile luma) over the face luma per coverage frame
    (face luma floored at 0.02)."""
    return v.background_luma_p90 / np.maximum(np.nan_to_num(v.face_luma_mean), 0.02)


def face_boxes(v: VideoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Indices of coverage frames with a face, and their boxes as rows (x, y, w, h), 0-1 of the frame."""
    idx = np.flatnonzero(v.face_found)
    return idx, np.array([[b.x, b.y, b.w, b.h] for b in (v.face_boxes[i] for i in idx)]).reshape(-1, 4)


def video_metrics(v: VideoSeries) -> dict:
    found = v.face_found
    _, boxes = face_boxes(v)
    heights = boxes[:, 3]
    cx = boxes[:, 0] + boxes[:, 2] / 2
    eye_line = boxes[:, 1] + EYE_LINE * boxes[:, 3]
    backlight = backlight_ratio(v)
    return {
        "face_visible_ratio": _num(found.mean() if found.size else 0.0),
        "face_luma_median": _num(_median(v.face_luma_mean)),
        "face_luma_p95_median": _num(_median(v.face_luma_p95)),
        "face_clipped_ratio_median": _num(_median(v.face_clipped_ratio)),
        "face_lr_balance_db_median": _num(_median(v.face_lr_ratio_db), 2),
        "background_face_ratio_median": _num(_median(backlight[found]) if found.any() else None, 2),
        "eyes_visible_ratio": _num(v.eyes_found[found].mean() if found.any() else None),
        "face_height_median": _num(_median(heights)),
        "face_center_x_median": _num(_median(cx)),
        "eye_line_median": _num(_median(eye_line)),
        "frame_luma_median": _num(_median(v.frame_luma_mean)),
        "sharpness_median": _num(_median(v.sharpness), 1),
        "noise_sigma_median": _num(_median(v.noise_sigma), 2),
        "color_cast_deg_median": _num(_median(v.color_cast_deg), 2),
        "skin_cast_distance_median": _num(_median(v.skin_cast_distance), 2),
        "frames_analyzed": int(len(v.t_s)),
        "frames_decoded": int(v.decoded_frames),
        "sampling_mode": v.mode,
    }


def coverage_metrics(v: VideoSeries, duration_s: float, fps: float | None) -> dict:
    """How much of the picture was seen: frames decoded against the frames the tape holds, the share
    of its time no decoded frame covers (each covers one frame period), and the longest stretches with
    no decoded frame and with no coverage frame (face, exposure, sharpness, noise), in seconds."""
    step = 1.0 / (fps or 30.0)
    end = max(float(duration_s), 0.0)

    def longest_gap(t: np.ndarray) -> float:
        t = np.sort(np.asarray(t, dtype=float))
        if t.size == 0:
            return end
        gaps = [t[0], *(np.diff(t) - step), end - (t[-1] + step)]
        return max(0.0, float(max(gaps)))

    t = np.sort(np.asarray(v.frame_t_s, dtype=float))
    covered = float(np.minimum(np.diff(t), step).sum() + step) if t.size else 0.0
    in_tape = int(round(end / step)) if end > 0 else 0
    return {
        "frames_in_tape": in_tape,
        "decoded_ratio": _num(min(1.0, v.decoded_frames / in_tape) if in_tape else None),
        "unseen_ratio": _num(max(0.0, 1.0 - covered / end) if end > 0 else None),
        "longest_undecoded_s": _num(longest_gap(v.frame_t_s), 2),
        "longest_unmeasured_s": _num(longest_gap(v.t_s), 2),
    }


# Always present in `metrics` (CHECKS.md), null where they do not apply.
REQUIRED = {
    "video": ("face_visible_ratio", "face_luma_median"),
    "audio": ("integrated_lufs", "true_peak_dbtp", "noise_floor_dbfs", "snr_db", "actor_lufs", "reader_lufs"),
    "av": ("offset_ms", "offset_confidence"),
}


def empty_metrics() -> dict:
    return {group: dict.fromkeys(keys) for group, keys in REQUIRED.items()}


def summarize(m: Measurements, motion=None, voices=None) -> dict:
    out = empty_metrics()
    if m.video is not None:
        out["video"].update(video_metrics(m.video))
        fps = m.media.video.fps if m.media.video is not None else None
        out["video"].update(coverage_metrics(m.video, m.media.duration_s, fps))
        if motion is not None:
            out["video"]["flicker_pct_median"] = _num(_median(motion.flicker_pct), 2)
            out["video"]["shake_pct_median"] = _num(_median(motion.shake_pct), 3)
            out["video"]["motion_runs"] = int(len(motion.flicker_pct))
    if m.audio is not None:
        out["audio"].update(audio_metrics(m.audio))
    if voices is not None:
        out["audio"]["actor_lufs"] = _num(voices.actor_lufs, 2)
        out["audio"]["reader_lufs"] = _num(voices.reader_lufs, 2)
        out["audio"]["actor_speech_s"] = voices.actor_s
        out["audio"]["reader_speech_s"] = voices.reader_s
    return out
