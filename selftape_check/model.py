"""Plain data passed between the stages: media info, measurements, findings, report.

Everything here is a frozen dataclass (or a numpy array inside one). Serialisation to JSON lives in
`selftape_check.report`, never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, Mapping

import numpy as np

Severity = Literal["info", "warn", "fail"]
Verdict = Literal["pass", "warn", "fail"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "warn": 1, "fail": 2}


# --------------------------------------------------------------------------- media (probe)
@dataclass(frozen=True)
class DecodeLayout:
    """How the video is decoded, decided once, before the decoder opens (its threads cannot change
    after): `threads` for the decoder of the main pass (0: as many as the machine has), and
    `split_key`, the index in `key_times_s` where a second part starts that measure.run decodes side by
    side on its own demuxer and decoder (one thread each), or None for one pass."""

    threads: int = 0
    split_key: int | None = None


@dataclass(frozen=True)
class VideoInfo:
    codec: str
    width: int  # coded (stored) size
    height: int
    rotation: int  # degrees the picture is turned for display: 0, 90, 180, 270
    fps: float | None
    frame_count: int | None
    pixel_aspect: float = 1.0  # sample aspect ratio: a stored pixel is shown this many times as wide as tall
    key_times_s: tuple[float, ...] = ()  # keyframe times (container index, else a demux pass)
    layout: DecodeLayout = DecodeLayout()  # how the video is decoded (media.probe.decode_layout)

    @property
    def _shown_width(self) -> int:  # the stored picture's width on screen, before rotation
        return max(1, round(self.width * self.pixel_aspect))

    @property
    def display_width(self) -> int:
        return self.height if self.rotation in (90, 270) else self._shown_width

    @property
    def display_height(self) -> int:
        return self._shown_width if self.rotation in (90, 270) else self.height


@dataclass(frozen=True)
class AudioInfo:
    codec: str
    sample_rate: int
    channels: int
    track: int = 1  # the audio track analyzed (1-based, in file order): the one players play
    tracks: int = 1  # audio tracks in the file


@dataclass(frozen=True)
class OtherTrack:
    """An audio track beside the one analyzed, measured only for whether it holds a voice."""

    track: int  # 1-based, in file order
    integrated_lufs: float | None  # BS.1770; None when silent
    speech_s: float  # seconds of detected speech


@dataclass(frozen=True)
class MediaInfo:
    path: str
    size_bytes: int
    container: str
    duration_s: float
    video: VideoInfo | None
    audio: AudioInfo | None


# --------------------------------------------------------------------------- measure
@dataclass(frozen=True)
class FaceBox:
    """A face in analysis-image coordinates, normalised to 0-1 of the displayed frame."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class VideoSeries:
    """Per-sampled-frame measurements (coverage frames) and per-decoded-frame ones (all frames).

    Coverage frames are spread over the whole tape (one every `coverage_interval_s` or so) and carry the
    expensive measurements (face, eyes, exposure inside the face, sharpness, noise). `frames` hold cheap
    measurements for every decoded frame, including the runs of consecutive frames used for motion
    (flicker, shake, freeze); `frame_run` numbers the run each frame belongs to.

    The measured series are filled by the measurements registered in `measure.meters`, one array per
    series name, and read as attributes (`series.face_luma_mean`, `series.frame_luma`); each
    measurement's `series` declaration says what its arrays hold.
    """

    t_s: np.ndarray  # time of each coverage frame
    face_found: np.ndarray  # bool, per coverage frame
    face_boxes: tuple[FaceBox | None, ...]  # per coverage frame
    frame_t_s: np.ndarray  # time of each decoded frame
    frame_run: np.ndarray  # int run id, -1 for isolated keyframes
    coverage: Mapping[str, np.ndarray]  # per coverage frame, by series name
    frames: Mapping[str, np.ndarray]  # per decoded frame, by series name
    thumbnails: tuple  # ((t_s, JPEG bytes of a 160 px wide picture), ...): at most a few hundred, evenly spread
    coverage_interval_s: float
    decoded_frames: int
    mode: str

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("__"):  # pickling and copying look for these before the fields exist
            raise AttributeError(name)
        d = self.__dict__
        for group in ("frames", "coverage"):
            series = d.get(group)
            if series is not None and name in series:
                return series[name]
        raise AttributeError(f"VideoSeries has no series {name!r}")

    def later_by(self, offset_s: float) -> VideoSeries:
        """The same series with every time `offset_s` later (the picture starts after the sound)."""
        if offset_s == 0:
            return self
        return replace(self, t_s=self.t_s + offset_s, frame_t_s=self.frame_t_s + offset_s,
                       thumbnails=tuple((t + offset_s, jpeg) for t, jpeg in self.thumbnails))


@dataclass(frozen=True)
class AudioSeries:
    """Audio measurements: whole-track figures plus time series at `hop_s` resolution."""

    sample_rate: int
    channels: int
    duration_s: float
    hop_s: float
    integrated_lufs: float | None  # BS.1770 integrated loudness, None when gated out (silence)
    true_peak_dbtp: float | None
    sample_peak_dbfs: float | None
    momentary_lufs: np.ndarray  # per hop, 400 ms window (BS.1770 momentary), -inf-free: -120 floor
    rms_dbfs: np.ndarray  # per hop, mono mix
    channel_rms_dbfs: np.ndarray  # shape (hops, channels)
    band_dbfs: np.ndarray  # per hop: level in the speech band (100-4000 Hz)
    clipped_samples: np.ndarray  # per hop: samples at or above -0.1 dBFS
    digital_zero_ratio: np.ndarray  # per hop: share of samples exactly 0 (all channels)
    speech: np.ndarray  # bool per hop: voice activity
    lowfreq_power: np.ndarray  # long-term power spectrum, 1 Hz bins from 0 Hz (mean power per bin)
    octave_db: np.ndarray | None = None  # per hop: octave-band levels 125 Hz-8 kHz (float16), the voice's timbre


@dataclass(frozen=True)
class SyncResult:
    """The sound's offset from the picture, read from the actor's mouth (measure.sync)."""

    offset_s: float | None  # > 0: the sound is late (after the picture); None: not confident
    confidence: float  # share of bootstrap resamples whose peak lag agrees with the measured one (0-1)
    events: int  # mouth openings (opening-velocity peaks) in the analysed stretch
    reason: str | None  # why offset_s is None
    lag_s: float | None = None  # the raw peak lag before the visual lead is taken off
    peak: float = 0.0  # the correlation at the peak
    prominence: float = 0.0  # the peak over the highest other local maximum more than 150 ms away
    start_s: float = 0.0  # the stretch of the tape analysed (s of the tape's timeline)
    end_s: float = 0.0


@dataclass(frozen=True)
class Measurements:
    media: MediaInfo
    video: VideoSeries | None
    audio: AudioSeries | None
    bad_video_packets: int = 0  # video packets the decoder refused outright
    bad_audio_packets: int = 0  # audio packets refused or flagged as damaged by the decoder
    data_end_s: float | None = None  # where the packets of the file actually end (the stated duration may be longer)
    other_audio: tuple[OtherTrack, ...] = ()  # the other decodable audio tracks
    sync: SyncResult | None = None  # lip sync, from every frame of the first stretch (None: not measured)


# --------------------------------------------------------------------------- judge / report
@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    message: str
    advice: str
    value: float | None = None
    threshold: float | None = None
    unit: str | None = None
    ranges: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class ReportError:
    type: str
    message: str


@dataclass(frozen=True)
class Moment:
    """A picture of a finding's worst moment, for people to look at (HTML report)."""

    check: str
    t_s: float
    jpeg: bytes


@dataclass(frozen=True)
class Timeline:
    """Series for plotting, thinned to a few hundred points."""

    video_t_s: tuple[float, ...] = ()
    face_luma: tuple[float | None, ...] = ()  # None where no face
    audio_t_s: tuple[float, ...] = ()
    loudness_lufs: tuple[float, ...] = ()
    speech: tuple[bool, ...] = ()
    turns: tuple[tuple[float, float, str], ...] = ()  # (start_s, end_s, "actor" | "reader") when two voices
    slate: tuple[float, float] | None = None
    # the guide lines drawn on the charts, at this run's thresholds (a --threshold moves them): setting -> value
    guides: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Report:
    path: str
    size_bytes: int | None
    status: Literal["ok", "error"]
    media: MediaInfo | None = None
    findings: tuple[Finding, ...] = ()
    metrics: dict = field(default_factory=dict)  # {"video": {...}, "audio": {...}, "av": {...}}
    skipped: tuple[str, ...] = ()  # human notes: what could not be checked and why
    error: ReportError | None = None
    elapsed_s: float | None = None
    profile: str | None = None  # the upload target checked against (--profile), if any
    timeline: Timeline | None = None  # for the HTML report; not in the JSON
    moments: tuple[Moment, ...] = ()  # for the HTML report; not in the JSON
    other_audio: tuple[OtherTrack, ...] = ()  # audio tracks beside the one analyzed (JSON: media.audio)

    def to_dict(self) -> dict:
        """The report as the JSON document of one file (docs/report.schema.json), ready for `json.dumps`."""
        from .report.json import report_to_dict

        return report_to_dict(self)

    @property
    def verdict(self) -> Verdict | None:
        if self.status != "ok":
            return None
        worst = max((SEVERITY_ORDER[f.severity] for f in self.findings), default=0)
        return "fail" if worst == 2 else "warn" if worst == 1 else "pass"
