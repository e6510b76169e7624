"""Summary figures of a tape, derived once from the series: typed, at full precision. The checks read
them as they are; `Summary.to_json()` rounds each to the precision its field declares, where the report
is written (`metrics` in the JSON report).

Names carry their unit. Values JSON cannot hold (NaN, inf) are None there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from ..model import AudioSeries, Measurements, VideoSeries
from ..units import energy_mean_db, median
from .acoustics import mains_hum, rt60_from_decay_rates
from .meters import metric_values
from .framing import EYE_LINE, backlight_ratio, face_boxes
from .motion import RunStats
from .slate import Slate, speech_span_s
from .speech import pause_mask, snr_pauses, speech_to_noise_db
from .voices import Voices


def nd(digits: int | None, *, omit_none: bool = False, json: bool = True) -> Any:
    """A summary field rounded to `digits` in the JSON (None: as it is), left out of it when None and
    `omit_none`, or kept out of it altogether (`json=False`: for the checks and notes only)."""
    return field(default=None, metadata={"nd": digits, "omit_none": omit_none, "json": json})


def _json_value(x: Any, digits: int | None) -> Any:
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, (int, np.integer)):
        return int(x)
    x = float(x)
    if not math.isfinite(x):
        return None
    return round(x, digits) if digits is not None else x


class _Group:
    """A JSON object of `metrics`: the declared fields in order, rounded as declared."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if not f.metadata.get("json", True) or (value is None and f.metadata.get("omit_none")):
                continue
            out[f.name] = _json_value(value, f.metadata.get("nd"))
        return out


@dataclass(frozen=True)
class VideoSummary(_Group):
    face_visible_ratio: float | None = nd(3)
    face_luma_median: float | None = nd(3)
    face_luma_p95_median: float | None = nd(3)
    face_clipped_ratio_median: float | None = nd(3)
    face_lr_balance_db_median: float | None = nd(2)
    background_face_ratio_median: float | None = nd(2)
    eyes_visible_ratio: float | None = nd(3)
    face_height_median: float | None = nd(3)
    face_center_x_median: float | None = nd(3)
    eye_line_median: float | None = nd(3)
    frame_luma_median: float | None = nd(3)
    sharpness_median: float | None = nd(1)
    noise_sigma_median: float | None = nd(2)
    color_cast_deg_median: float | None = nd(2)
    skin_cast_distance_median: float | None = nd(2)
    frames_analyzed: int | None = nd(None)
    frames_decoded: int | None = nd(None)
    sampling_mode: str | None = nd(None)
    # how much was seen (coverage)
    frames_in_tape: int | None = nd(None)
    decoded_ratio: float | None = nd(3)
    unseen_ratio: float | None = nd(3)
    longest_undecoded_s: float | None = nd(2)
    longest_unmeasured_s: float | None = nd(2)
    # motion runs (measure.motion)
    flicker_pct_median: float | None = nd(2)
    shake_pct_median: float | None = nd(3)
    motion_runs: int | None = nd(None)
    # the registered measurements' own figures (measure.meters: Metric): ((name, value, digits), ...)
    measured: tuple = nd(None, json=False)

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        for name, value, digits in self.measured or ():
            out[name] = _json_value(value, digits)
        return out

    def metric(self, name: str) -> float | None:
        """A registered measurement's figure at full precision (what a check reads)."""
        return dict((n, v) for n, v, _ in self.measured or ()).get(name)


@dataclass(frozen=True)
class AudioSummary(_Group):
    integrated_lufs: float | None = nd(2)
    speech_lufs: float | None = nd(2)
    true_peak_dbtp: float | None = nd(2)
    sample_peak_dbfs: float | None = nd(2)
    noise_floor_dbfs: float | None = nd(1)
    snr_db: float | None = nd(1)
    speech_ratio: float | None = nd(3)
    actor_lufs: float | None = nd(2)
    reader_lufs: float | None = nd(2)
    duration_s: float | None = nd(2)
    hum_mains_hz: float | None = nd(None)
    hum_ratio_db: float | None = nd(1)
    hum_level_dbfs: float | None = nd(1)
    reverb_s: float | None = nd(2)
    reverb_windows: int | None = nd(None)
    reverb_range_db: float | None = nd(1)
    actor_speech_s: float | None = nd(None, omit_none=True)
    reader_speech_s: float | None = nd(None, omit_none=True)
    hum_skip_reason: str | None = nd(None, json=False)  # why audio.hum could not be judged (a skipped note)


@dataclass(frozen=True)
class EditSummary(_Group):
    lead_silence_s: float | None = nd(2, omit_none=True)
    tail_silence_s: float | None = nd(2, omit_none=True)
    trim_start_s: float | None = nd(2, omit_none=True)
    trim_end_s: float | None = nd(2, omit_none=True)
    slate_start_s: float | None = nd(2)
    slate_end_s: float | None = nd(2)
    first_line_s: float | None = nd(None, json=False)  # start of the first voice-active stretch
    last_line_end_s: float | None = nd(None, json=False)  # end of the last one
    duration_s: float | None = nd(None, json=False)  # the tape's playable length (to its data's end)


@dataclass(frozen=True)
class AvSummary(_Group):
    offset_ms: float | None = nd(0)
    offset_confidence: float | None = nd(2)
    skip_reason: str | None = nd(None, json=False)  # why av.sync_offset could not be judged (a skipped note)


# Always present in `metrics` (CHECKS.md), null where they do not apply.
REQUIRED = {
    "video": ("face_visible_ratio", "face_luma_median"),
    "audio": ("integrated_lufs", "true_peak_dbtp", "noise_floor_dbfs", "snr_db", "actor_lufs", "reader_lufs"),
    "av": ("offset_ms", "offset_confidence"),
}


def empty_metrics() -> dict:
    return {group: dict.fromkeys(keys) for group, keys in REQUIRED.items()}


@dataclass(frozen=True)
class Summary:
    video: VideoSummary | None = None
    audio: AudioSummary | None = None
    edit: EditSummary | None = None
    av: AvSummary = AvSummary()

    def to_json(self) -> dict[str, dict[str, Any]]:
        out = empty_metrics()
        for name in ("video", "audio", "av"):
            group = getattr(self, name)
            if group is not None:
                out[name].update(group.to_json())
        if self.edit is not None:
            out["edit"] = self.edit.to_json()
        return out


HUM_SIGNAL_MIN_DBFS = -120.0  # below this power under 1 kHz there is nothing to read a hum from
HUM_NO_LINE_DBFS = -200.0  # hum lines with no power over their neighbourhood: no hum level (null)
LIVE_DBFS = -119.0  # band power at or under this is digital silence (holds neither speech nor noise)


def audio_summary(a: AudioSeries, voices: Voices | None = None) -> AudioSummary:
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
    # the mains hum, and where there is none to read, why: under a second of sound (no 1 Hz spectrum) or
    # no signal (digital silence, or under -120 dBFS below 1 kHz)
    hum, hum_skip = None, "audio.hum skipped: under a second of sound"
    p = a.lowfreq_power
    if p.size and (a.sample_peak_dbfs is None or 10 * np.log10(max(float(p.sum()), 1e-30)) < HUM_SIGNAL_MIN_DBFS):
        hum_skip = "audio.hum skipped: no signal (digital silence)"
    elif p.size:
        hum = mains_hum(p)
        hum_skip = None if hum else hum_skip
    rt60, offsets, reverb_range = (None, 0, None)
    if speech_band is not None:
        # the floor under the decays is the quietest moment (a reverberant room fills the pauses)
        floor = float(np.percentile(a.band_dbfs[a.band_dbfs > LIVE_DBFS], 2))
        reverb_range = speech_band - floor
        rt60, offsets = rt60_from_decay_rates(a.band_dbfs, a.hop_s, floor, speech_band)
    return AudioSummary(
        integrated_lufs=a.integrated_lufs, speech_lufs=speech_lufs, true_peak_dbtp=a.true_peak_dbtp,
        sample_peak_dbfs=a.sample_peak_dbfs, noise_floor_dbfs=noise_floor, snr_db=snr,
        speech_ratio=float(speech.mean()) if speech.size else 0.0,
        actor_lufs=voices.actor_lufs if voices else None, reader_lufs=voices.reader_lufs if voices else None,
        duration_s=a.duration_s,
        hum_mains_hz=hum.mains_hz if hum else None, hum_ratio_db=hum.ratio_db if hum else None,
        hum_level_dbfs=hum.level_dbfs if hum and hum.level_dbfs > HUM_NO_LINE_DBFS else None,
        reverb_s=rt60, reverb_windows=offsets, reverb_range_db=reverb_range,
        actor_speech_s=voices.actor_s if voices else None, reader_speech_s=voices.reader_s if voices else None,
        hum_skip_reason=hum_skip,
    )


def _longest_gap(t: np.ndarray, step: float, end: float) -> float:
    t = np.sort(np.asarray(t, dtype=float))
    if t.size == 0:
        return end
    gaps = [t[0], *(np.diff(t) - step), end - (t[-1] + step)]
    return max(0.0, float(max(gaps)))


def video_summary(v: VideoSeries, duration_s: float, fps: float | None, motion: RunStats | None) -> VideoSummary:
    """The picture's medians, and how much of it was seen: frames decoded against the frames the tape
    holds, the share of its time no decoded frame covers (each covers one frame period), and the longest
    stretches with no decoded frame and with no coverage frame (face, exposure, sharpness, noise)."""
    found = v.face_found
    _, boxes = face_boxes(v)
    heights = boxes[:, 3]
    cx = boxes[:, 0] + boxes[:, 2] / 2
    eye_line = boxes[:, 1] + EYE_LINE * boxes[:, 3]
    backlight = backlight_ratio(v)
    step = 1.0 / (fps or 30.0)
    end = max(float(duration_s), 0.0)
    t = np.sort(np.asarray(v.frame_t_s, dtype=float))
    covered = float(np.minimum(np.diff(t), step).sum() + step) if t.size else 0.0
    in_tape = int(round(end / step)) if end > 0 else 0
    return VideoSummary(
        face_visible_ratio=float(found.mean()) if found.size else 0.0,
        face_luma_median=median(v.face_luma_mean),
        face_luma_p95_median=median(v.face_luma_p95),
        face_clipped_ratio_median=median(v.face_clipped_ratio),
        face_lr_balance_db_median=median(v.face_lr_ratio_db),
        background_face_ratio_median=median(backlight[found]) if found.any() else None,
        eyes_visible_ratio=float(v.eyes_found[found].mean()) if found.any() else None,
        face_height_median=median(heights),
        face_center_x_median=median(cx),
        eye_line_median=median(eye_line),
        frame_luma_median=median(v.frame_luma_mean),
        sharpness_median=median(v.sharpness),
        noise_sigma_median=median(v.noise_sigma),
        color_cast_deg_median=median(v.color_cast_deg),
        skin_cast_distance_median=median(v.skin_cast_distance),
        frames_analyzed=int(len(v.t_s)),
        frames_decoded=int(v.decoded_frames),
        sampling_mode=v.mode,
        frames_in_tape=in_tape,
        decoded_ratio=min(1.0, v.decoded_frames / in_tape) if in_tape else None,
        unseen_ratio=max(0.0, 1.0 - covered / end) if end > 0 else None,
        longest_undecoded_s=_longest_gap(v.frame_t_s, step, end),
        longest_unmeasured_s=_longest_gap(v.t_s, step, end),
        flicker_pct_median=median(motion.flicker_pct) if motion is not None else None,
        shake_pct_median=median(motion.shake_pct) if motion is not None else None,
        motion_runs=int(len(motion.flicker_pct)) if motion is not None else None,
        measured=metric_values(v),
    )


BEAT_S = 1.0  # what trimming leaves before the first line and after the last


def edit_summary(m: Measurements, slate: Slate | None) -> EditSummary:
    """Silence at each end of the tape, how much to trim to leave a one-beat lead-in and tail, and the
    slate's range (null without one)."""
    a = m.audio
    span = speech_span_s(a)
    s0, e0 = (slate.start_s, slate.end_s) if slate else (None, None)
    if span is None:
        return EditSummary(slate_start_s=s0, slate_end_s=e0)
    duration = m.media.duration_s or a.duration_s
    if m.data_end_s:  # a file cut off plays only up to where its data stops
        duration = min(duration, m.data_end_s)
    lead, tail = span[0], max(0.0, duration - span[1])
    return EditSummary(lead_silence_s=lead, tail_silence_s=tail, trim_start_s=max(0.0, lead - BEAT_S),
                       trim_end_s=max(0.0, tail - BEAT_S), slate_start_s=s0, slate_end_s=e0,
                       first_line_s=span[0], last_line_end_s=span[1], duration_s=duration)


def summarize(m: Measurements, motion: RunStats | None = None, voices: Voices | None = None,
              slate: Slate | None = None) -> Summary:
    video = None
    if m.video is not None:
        fps = m.media.video.fps if m.media.video is not None else None
        video = video_summary(m.video, m.media.duration_s, fps, motion)
    audio = audio_summary(m.audio, voices) if m.audio is not None else None
    edit = edit_summary(m, slate) if m.audio is not None else None
    return Summary(video=video, audio=audio, edit=edit, av=av_summary(m, video))


def av_summary(m: Measurements, video: VideoSummary | None) -> AvSummary:
    """The lip-sync reading; its confidence is reported whenever it was measured (confident or not)."""
    s = m.sync
    skip = None
    if m.video is not None and m.audio is not None:
        if s is None and video is not None and video.sampling_mode == "fast":
            skip = "sound/picture sync not checked: --fast does not look at every frame"
        elif s is not None and s.offset_s is None:
            skip = (f"sound/picture sync not checked: your mouth and the words in the first "
                    f"{s.end_s - s.start_s:.0f} s did not line up clearly enough to measure ({s.reason})")
    if s is None or not s.events:
        return AvSummary(skip_reason=skip)
    return AvSummary(offset_ms=s.offset_s * 1000.0 if s.offset_s is not None else None,
                     offset_confidence=s.confidence, skip_reason=skip)
