"""Audio/video sync (lip sync): how late the sound is against the picture, from the actor's mouth.

API
---
`measure_sync(mouth_t, mouth_open, audio, sr, audio_start_s=0.0) -> SyncResult`: `mouth_t` frame times (s,
the picture's clock), `mouth_open` the lip opening per frame (NaN where no face), `audio` mono float
samples at `sr` Hz whose first sample is at `audio_start_s` on the picture's clock. `SyncResult.offset_s`
> 0 means the SOUND IS LATE (heard after the mouth makes it), < 0 early; None when not confident, with
`reason`. `mouth_series(path)` decodes a file (PyAV) into those inputs: every frame of the first
ANALYSE_S (20 s) -> the stored Y' plane at the analysis size (640 px long side) -> face mesh (tracked
from the previous frame's landmarks, detected again only when the mesh's face presence drops) ->
`lip_opening` (three inner-lip gaps over the mouth width); and the whole audio, mono, 16 kHz.

Limits (what a check built on this should fire on)
--------------------------------------------------
ITU-R BT.1359-1 (1998), "Relative timing of sound and vision for broadcasting": the sound's offset is
detectable from 45 ms early / 125 ms late and acceptable down to 90 ms early / 185 ms late (this
module's sign: -90 ms .. +185 ms). EBU R37 (2007), "The relative timing of the sound and vision
components of a television signal", asks a broadcast chain for no more than 40 ms early / 60 ms late
at its output: a tolerance for the chain, tighter than what this measurement can tell on a self-tape
(see the results below), so the check fires on the BT.1359 acceptability limits only.

Algorithm
---------
Cues that are locked in time rather than in level: the mouth's opening VELOCITY (the derivative of the
lip opening, 100 Hz grid, band-limited to BAND_HZ = 1-8 Hz, the syllable rate) against the audio's
ONSET strength (positive spectral flux of the log power in 300-4000 Hz, 32 ms window, 10 ms hop,
band-limited the same way). A release of the lips (after a closure, a bilabial, a pause) is a peak of
the one and a burst / voice onset a peak of the other, so every syllable votes in their normalised
cross-correlation, taken at lags of +-600 ms; the lag of its peak (parabolic interpolation between the
10 ms lags) minus the visual lead is the offset. A plain correlation of the opening's LEVEL with a
40 ms audio envelope was tried before: 0-5 of 20 known shifts within a frame, a per-speaker bias of
+110..+280 ms and peaks of 0.15-0.35.

Time bases: the flux of a frame is the change from the one before (half a hop earlier), and the log
flux rises as soon as a burst enters the window's leading edge, 20 ms before its onset (ONSET_DELAY_S,
measured on synthetic bursts at known times, the same at every lag from -400 to +400 ms and 3 seeds);
both are put back. Frame times are the video stream's presentation times (variable frame rates and
an audio stream starting before or after the picture are honoured).

Visual lead: VISUAL_LEAD_S = +15 ms, the mean in-sync raw lag of the two tuning clips
(video_talking_vr_face3_aoc +49 ms, video_talking_vr_face4_woman_bluebg -19 ms; the others were not
used). It agrees with Schwartz & Savariaux (2014, PLoS Comput Biol 10(7): e1003743, "No, there is no
150 ms lead of visual speech on auditory speech"): in chained syllables sound and mouth are in sync
within 20 ms audio lead .. 70 ms audio lag (the 150 ms lead holds only for preparatory gestures,
before an utterance); they put natural material's range at 40 ms audio lead .. 200 ms audio lag. That
range is also this measurement's floor: a speaker's (or a clip's) own timing is not told apart from an
offset.

Confidence: the cross-correlation's sums are kept per 2 s block; BOOTSTRAP (200) resamples of the
blocks give as many peak lags, and `confidence` is the share within 40 ms of the measured one. Not
confident (offset None) when confidence < 0.8, the peak correlation < 0.25, fewer than 12 mouth
openings (opening-velocity peaks 100 ms apart), a mouth that hardly moves (MIN_MOUTH_RANGE) or the
peak within 50 ms of the lags' end. MIN_PEAK
0.25: each clip's mouth against every other clip's audio (20 pairs, 15-20 s) gave 3 confident offsets
at peaks 0.17-0.23 with the earlier 0.15, none now; the true pairs peak at 0.27-0.50.

Measured (bench/sync.py; clips shorter than 8 s looped 3x, series and audio together, to 15-20 s;
the sound shifted in memory by -400, 0, +150, +200, +400 ms): the error is the same at every shift,
within 4 ms, i.e. it is each clip's in-sync reading: face3 +34 ms, face4 -34 ms (tuned on), face1
-59..-60 ms, wda +115..+118 ms (held out); hamilton (a stage performance, the face small, cut away 40 % of the
time) is not confident at every shift (bootstrap 0.47-0.67). Looping repeats the blocks the bootstrap
draws from (its confidence is then optimistic) but hardly moves the offset: the short clips unlooped
read face3 +29, face1 -61, face4 -36 ms in sync (face4 150 ms late: not confident). So: 400 ms late within 60 ms on face3,
face4 and face1 (-59, at the limit); not on wda (+518). In sync and 150 ms late inside the limits on
face3 (+184 at 150 late: 1 ms from the limit), face4, face1; wda at 150 ms late reads +266 (fires).
wda reads +115..+150 ms in sync whatever the audio band (80 Hz-7 kHz) or the mouth measure (inner,
outer lips, jaw, lip area, level or velocity). wda and face3 turn out to be the same footage (their
sound matches, r 0.986, 15 ms apart): aligned directly (sound by its envelope, picture by the lip
opening, bench/sync.cross_offset), wda's sound is +87 ms later against its picture than face3's, and
measure_sync's in-sync readings of the two differ by +81 ms. So at least one of these two "in sync"
clips is not (by 87 ms between them); the measurement follows the real difference within 6 ms, and
the visual lead (from face3 and face4) holds only as far as face3 is in sync.

Cost: the landmark work (mesh per frame, detector when the face is lost, on every 4th frame while
none is found) is 60-85 ms per analysed second on these clips (2 shared cores), 100-115 ms on one
where the face is often lost; decoding a 1080p H.264 picture and taking its luma adds 37-54 ms per
second; measure_sync itself about 1 ms per analysed second. 20 s of a tape: about 1.7 s of landmarks.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import cv2
import numpy as np
import soxr

from ..media.frames import analysis_luma, luma_plane
from ..model import SyncResult
from ..timeline import runs
from . import landmarks as lm

AUDIO_SR = 16000
# inner-lip pairs (upper, lower) in MediaPipe's topology: centre and either side of it
LIP_PAIRS = ((13, 14), (82, 87), (312, 317))
ANALYSE_S = 20.0  # mouth_series reads at most this much of the picture by default (the cost budget)
MIN_STEP_S = 0.025  # the main pass reads frames at most 40 a second (every other frame of a 50/60 fps tape)
LOST_EVERY = 4  # with no face, the detector looks again on every 4th frame only (its search costs 3-10 meshes)


def _mesh_from_points(gained: np.ndarray, pts: np.ndarray) -> tuple[np.ndarray, float]:
    """The face mesh run on the crop built from the landmarks of the frame before (MediaPipe's
    tracking: face_landmark_landmarks_to_roi), one network run instead of a detection and two."""
    angle = np.arctan2(pts[lm.L_EYE[0], 1] - pts[lm.R_EYE[0], 1], pts[lm.L_EYE[0], 0] - pts[lm.R_EYE[0], 0])
    c, s = np.cos(-angle), np.sin(-angle)
    rot = pts @ np.array([[c, -s], [s, c]]).T
    lo, hi = rot.min(0), rot.max(0)
    centre = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) @ ((lo + hi) / 2)
    m = lm._roi_affine(centre[0], centre[1], float(max(hi - lo)) * lm.MESH_ROI_SCALE, angle)
    return lm._run_mesh(gained, m)


def lip_opening(pts: np.ndarray) -> float:
    """Mean inner-lip gap of three pairs (centre and either side) over the mouth width."""
    width = float(np.linalg.norm(pts[lm.MOUTH_L] - pts[lm.MOUTH_R]))
    if width <= 0:
        return float("nan")
    return float(np.mean([np.linalg.norm(pts[u] - pts[d]) for u, d in LIP_PAIRS])) / width


class MouthTracker:
    """Per-frame face mesh: detect once, then track from the previous frame's landmarks; detect again
    when the mesh's face presence drops under landmarks.MIN_PRESENCE."""

    def __init__(self) -> None:
        self.pts: np.ndarray | None = None
        self.detections = 0
        self.meshes = 0
        self._skip = 0

    def feed(self, luma: np.ndarray) -> tuple[float, np.ndarray | None]:
        gain = lm.gain_for(luma)
        gained = luma if gain == 1.0 else cv2.convertScaleAbs(luma, alpha=gain)
        if self.pts is not None:
            pts, presence = _mesh_from_points(gained, self.pts)
            self.meshes += 1
            if presence >= lm.MIN_PRESENCE:
                self.pts = pts
                return lip_opening(pts), pts
        self.pts = None
        if self._skip > 0:  # no face lately: the detector's full search runs on every LOST_EVERY-th frame
            self._skip -= 1
            return float("nan"), None
        self.detections += 1
        dets = lm.detect_faces(gained)
        if not dets:
            self._skip = LOST_EVERY - 1
            return float("nan"), None
        det = max(dets, key=lambda d: d.w * d.h)
        pts, presence = lm.face_mesh(gained, det)
        self.meshes += 2
        if presence < lm.MIN_PRESENCE:
            self._skip = LOST_EVERY - 1
            return float("nan"), None
        self.pts = pts
        return lip_opening(pts), pts


@dataclass(frozen=True)
class MouthSeries:
    t: np.ndarray  # frame times, s from the video stream's start
    opening: np.ndarray  # lip_opening per frame (NaN: no face)
    audio: np.ndarray  # mono float32, AUDIO_SR, from the audio stream's start
    sr: int
    audio_start_s: float  # the audio stream's start minus the video stream's start
    cost_s: float  # wall time of the landmark work (decoding excluded)
    decode_s: float
    lips: np.ndarray | None = None  # (n, k, 2) lip landmarks per frame, when asked for


def mouth_series(path: str, max_s: float | None = ANALYSE_S, start_s: float = 0.0,
                 keep_lips: bool = False) -> MouthSeries:
    """Decode `path` with PyAV: every video frame of [start_s, start_s + max_s) -> grey luma at the
    analysis size (640 px long side) -> face mesh -> lip opening; and the whole audio, mono, AUDIO_SR."""
    import av

    ts, ops, lips = [], [], []
    tracker = MouthTracker()
    cost = 0.0
    t_dec = time.perf_counter()
    with av.open(path) as c:
        vs = c.streams.video[0]
        vs.thread_type = "AUTO"
        v0 = float(vs.start_time * vs.time_base) if vs.start_time is not None else 0.0
        for frame in c.decode(vs):
            t = float(frame.pts * frame.time_base) - v0 if frame.pts is not None else float(frame.time)
            if t < start_s:
                continue
            if max_s is not None and t >= start_s + max_s:
                break
            luma = analysis_luma(luma_plane(frame))  # the Y' plane as the main pass reads it
            t1 = time.perf_counter()
            op, pts = tracker.feed(luma)
            cost += time.perf_counter() - t1
            ts.append(t)
            ops.append(op)
            if keep_lips:
                lips.append(pts[list(range(0, 468))][:, :2] if pts is not None else np.full((468, 2), np.nan))
    chunks, a0 = [], v0
    with av.open(path) as c:
        if c.streams.audio:  # no audio stream: an empty audio (measure_sync says why it cannot measure)
            ast = c.streams.audio[0]
            a0 = float(ast.start_time * ast.time_base) if ast.start_time is not None else 0.0
            res = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_SR)
            for frame in c.decode(ast):
                for f in res.resample(frame):
                    chunks.append(f.to_ndarray().reshape(-1))
            for f in res.resample(None):
                chunks.append(f.to_ndarray().reshape(-1))
    audio = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    decode_s = time.perf_counter() - t_dec - cost
    return MouthSeries(np.array(ts), np.array(ops), audio, AUDIO_SR, a0 - v0, cost, decode_s,
                       np.array(lips) if keep_lips else None)


# --------------------------------------------------------------------------- the offset
GRID_S = 0.01  # both signals are compared on a 100 Hz grid
BAND_HZ = (1.0, 8.0)  # syllable-rate band: below, drifts of posture and level; above, frame-rate noise
SPEECH_HZ = (300.0, 4000.0)  # the audio's spectral flux is taken in this band
WIN_S = 0.032
# the log flux rises as soon as a burst enters the window's leading edge: it reads a sharp onset from
# silence 20 ms early (measured: bursts of speech-band noise at known times, tests/test_sync.synthetic,
# -20 ms at every lag from -400 to +400 ms and 3 seeds); its times are put back by that much
ONSET_DELAY_S = 0.020
MAX_LAG_S = 0.6  # lags searched: +-600 ms (an upload 400 ms off is found inside)
MAX_GAP_FRAMES = 3  # a face lost this many frames or fewer is interpolated over; longer: left out
MIN_RUN_S = 2.0  # stretches with a face shorter than this are not used
BLOCK_S = 2.0  # the bootstrap resamples blocks of this length
BOOTSTRAP = 200
AGREE_S = 0.04  # a bootstrap peak within this of the measured lag agrees
VISUAL_LEAD_S = 0.015  # the mouth ahead of the sound in sync (mean in-sync raw lag of face3 +49, face4 -19 ms)
MIN_CONFIDENCE = 0.8
MIN_PEAK = 0.25  # true pairs 0.28-0.52, the confident mismatched pairs 0.17-0.23 (docstring)
MIN_EVENTS = 12
# the mouth must open and close: the 5-95 % range of the lip opening (over the mouth's width) of a
# still mouth (photos swaying in the accuracy corpus, the shipped samples) is 0.015-0.036, of the real
# talking clips 0.092 (face1) to 0.25; a still face correlated with the sound gave a confident -96 ms
MIN_MOUTH_RANGE = 0.06
EDGE_S = 0.05  # a peak this close to the end of the lags searched may be beyond it


def _bandpass(x: np.ndarray, lo: float, hi: float, fs: float) -> np.ndarray:
    x = x - x.mean()
    n = 1 << int(np.ceil(np.log2(max(2, len(x) * 2))))
    f = np.fft.rfftfreq(n, 1 / fs)
    spec = np.fft.rfft(x, n)
    # smooth band edges (raised cosine over 0.5 Hz) to keep the filter's ringing short
    g = np.clip((f - lo + 0.5) / 1.0, 0, 1) * np.clip((hi + 0.5 - f) / 1.0, 0, 1)
    return np.fft.irfft(spec * g, n)[: len(x)]


def audio_onsets(audio: np.ndarray, sr: int, start_s: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(times, onset strength): the positive spectral flux of the log power in SPEECH_HZ, mean over bins,
    on a GRID_S hop; times at the window centres, on the picture's clock (start_s: the audio's start)."""
    a = np.asarray(audio, np.float32)
    if a.ndim > 1:
        a = a.mean(axis=1)
    n, hop = int(round(WIN_S * sr)), int(round(GRID_S * sr))
    if len(a) < n + 2 * hop:
        return np.zeros(0), np.zeros(0)
    nfr = (len(a) - n) // hop + 1
    f = np.fft.rfftfreq(n, 1 / sr)
    band = (f >= SPEECH_HZ[0]) & (f <= SPEECH_HZ[1])
    win = np.hanning(n).astype(np.float32)
    out = np.empty(nfr, np.float32)
    prev = None
    floor = 1e-10 + 1e-6 * float(np.mean(a * a))
    for i0 in range(0, nfr, 512):  # in chunks: bounded memory on a long tape
        idx = np.arange(n)[None, :] + hop * np.arange(i0, min(nfr, i0 + 512))[:, None]
        logp = np.log(np.abs(np.fft.rfft(a[idx] * win, axis=1))[:, band] ** 2 + floor)
        d = np.diff(logp, axis=0, prepend=logp[:1] if prev is None else prev[None])
        out[i0:i0 + len(idx)] = np.maximum(d, 0).mean(axis=1)
        prev = logp[-1]
    # the flux of frame i is the change from frame i-1: it belongs half a hop before frame i's centre
    t = start_s + (hop * np.arange(nfr) + n / 2 - hop / 2) / sr + ONSET_DELAY_S
    return t, out


def _mouth_grid(t: np.ndarray, op: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The opening on the GRID_S grid: frames lost for MAX_GAP_FRAMES or fewer interpolated over,
    longer gaps NaN."""
    ok = np.isfinite(op)
    tg = np.arange(t[0], t[-1], GRID_S)
    v = np.interp(tg, t[ok], op[ok])
    bad = ~ok
    for a, b in runs(bad):
        if b - a > MAX_GAP_FRAMES or a == 0 or b == len(t):
            lo = t[a - 1] if a > 0 else -np.inf
            hi = t[b] if b < len(t) else np.inf
            v[(tg > lo) & (tg < hi)] = np.nan
    return tg, v


def _count_events(vel: np.ndarray) -> int:
    """Mouth openings: peaks of the opening velocity above a third of its 95th percentile, at least
    100 ms apart."""
    x = np.nan_to_num(vel)
    thr = np.percentile(x[x > 0], 95) / 3 if np.any(x > 0) else np.inf
    pk = np.flatnonzero((x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:]) & (x[1:-1] > thr)) + 1
    n, last = 0, -10 ** 9
    for p in pk:
        if p - last >= int(0.1 / GRID_S):
            n, last = n + 1, p
    return n


def lag_curve(mouth_t: np.ndarray, mouth_open: np.ndarray, audio: np.ndarray, sr: int,
              audio_start_s: float = 0.0):
    """Per-block sums for the normalised cross-correlation of the mouth's opening velocity with the
    audio's onset strength, both band-limited to BAND_HZ, at lags -MAX_LAG_S..+MAX_LAG_S (positive:
    the audio comes later). Returns (lags_s, num, vv, aa, events), num/vv/aa of shape (blocks, lags)."""
    t = np.asarray(mouth_t, float)
    op = np.asarray(mouth_open, float)
    L = int(round(MAX_LAG_S / GRID_S))
    lags = np.arange(-L, L + 1)
    empty = (lags * GRID_S, np.zeros((0, len(lags))), np.zeros((0, len(lags))), np.zeros((0, len(lags))), 0)
    if len(t) < 10 or np.isfinite(op).sum() < 10:
        return empty
    tg, v = _mouth_grid(t, op)
    ta, onset = audio_onsets(audio, sr, audio_start_s)
    if len(ta) == 0:
        return empty
    a = np.interp(tg, ta, onset, left=np.nan, right=np.nan)
    fs = 1 / GRID_S
    vel = np.full_like(v, np.nan)
    af = np.full_like(v, np.nan)
    ok = np.isfinite(v) & np.isfinite(a)
    for i0, i1 in runs(ok):
        if (i1 - i0) * GRID_S < MIN_RUN_S:
            continue
        vel[i0:i1] = np.gradient(_bandpass(v[i0:i1], *BAND_HZ, fs))
        af[i0:i1] = _bandpass(a[i0:i1], *BAND_HZ, fs)
    events = _count_events(vel)
    blk = int(round(BLOCK_S / GRID_S))
    nb = int(np.ceil(len(tg) / blk))
    num = np.zeros((nb, len(lags)))
    vv = np.zeros((nb, len(lags)))
    aa = np.zeros((nb, len(lags)))
    vz, az = np.nan_to_num(vel), np.nan_to_num(af)
    vm, am = np.isfinite(vel), np.isfinite(af)
    n = len(tg)
    for j, lag in enumerate(lags):
        # pair vel[i] with af[i + lag]
        i = np.arange(max(0, -lag), min(n, n - lag))
        m = vm[i] & am[i + lag]
        x, y = vz[i] * m, az[i + lag] * m
        b = i // blk
        num[:, j] = np.bincount(b, x * y, nb)
        vv[:, j] = np.bincount(b, x * x, nb)
        aa[:, j] = np.bincount(b, y * y, nb)
    keep = vv.sum(1) > 0
    return lags * GRID_S, num[keep], vv[keep], aa[keep], events


def _peak(lags_s: np.ndarray, r: np.ndarray) -> float:
    j = int(np.argmax(r))
    if 0 < j < len(r) - 1:  # parabolic interpolation between grid lags
        d = r[j - 1] - 2 * r[j] + r[j + 1]
        if d < 0:
            return float(lags_s[j] + 0.5 * (r[j - 1] - r[j + 1]) / d * GRID_S)
    return float(lags_s[j])


def measure_sync(mouth_t: np.ndarray, mouth_open: np.ndarray, audio: np.ndarray, sr: int,
                 audio_start_s: float = 0.0, seed: int = 0) -> SyncResult:
    """The sound's offset from the picture (s, > 0: sound late), from the mouth's opening per frame
    (`mouth_t` s on the picture's clock, NaN where no face) and the mono audio (`audio_start_s`: the
    time of its first sample on that clock). See the module docstring."""
    lags_s, num, vv, aa, events = lag_curve(mouth_t, mouth_open, audio, sr, audio_start_s)
    if len(num) == 0:
        return SyncResult(None, 0.0, 0, "no stretch of MIN_RUN_S with a face and sound")
    r = num.sum(0) / np.sqrt(vv.sum(0) * aa.sum(0) + 1e-30)
    lag = _peak(lags_s, r)
    peak = float(r.max())
    j = int(np.argmax(r))
    loc = np.flatnonzero((r[1:-1] > r[:-2]) & (r[1:-1] >= r[2:])) + 1
    others = [r[k] for k in loc if abs(lags_s[k] - lags_s[j]) > 0.15]
    prominence = peak - max(others, default=0.0)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(num), (BOOTSTRAP, len(num)))
    rb = num[pick].sum(1) / np.sqrt(vv[pick].sum(1) * aa[pick].sum(1) + 1e-30)
    boot = lags_s[np.argmax(rb, axis=1)]
    confidence = float(np.mean(np.abs(boot - lag) <= AGREE_S))
    offset = lag - VISUAL_LEAD_S
    reason = None
    op = np.asarray(mouth_open, float)
    op = op[np.isfinite(op)]
    span = float(np.percentile(op, 95) - np.percentile(op, 5)) if len(op) else 0.0
    if span < MIN_MOUTH_RANGE:
        reason = f"the mouth hardly moves (lip opening range {span:.3f} of its width, under {MIN_MOUTH_RANGE})"
    elif events < MIN_EVENTS:
        reason = f"{events} mouth openings (fewer than {MIN_EVENTS})"
    elif peak < MIN_PEAK:
        reason = f"correlation peak {peak:.3f} under {MIN_PEAK}"
    elif confidence < MIN_CONFIDENCE:
        reason = f"bootstrap agreement {confidence:.2f} under {MIN_CONFIDENCE}"
    elif abs(lag) >= MAX_LAG_S - EDGE_S:
        reason = "peak at the edge of the lags searched"
    return SyncResult(None if reason else round(offset, 3), round(confidence, 3), events, reason,
                      round(lag, 3), round(peak, 3), round(float(prominence), 3))


def measure_file(path: str, max_s: float | None = ANALYSE_S, start_s: float = 0.0) -> SyncResult:
    """`measure_sync` on the first `max_s` seconds (from `start_s`) of a file's picture and its sound."""
    m = mouth_series(path, max_s=max_s, start_s=start_s)
    return measure_sync(m.t, m.opening, m.audio, m.sr, m.audio_start_s)


# --------------------------------------------------------------------------- in the main pass
class LipSyncMeter:
    """The lip-sync measurement fed by the main pass (measure.run), with no decoding of its own: every
    frame of the first `window_s` of picture (its analysis luma) through a `MouthTracker`, and the sound
    of the same stretch plus the lags searched, kept mono (about 1.4 MB at 48 kHz, whatever the tape's
    length). `finish()` returns the `SyncResult` on the tape's timeline."""

    def __init__(self, window_s: float = ANALYSE_S, picture_late_s: float = 0.0) -> None:
        """`picture_late_s`: where the picture starts on the tape's timeline (the sound's blocks are on
        that timeline from 0, the frames' times from the picture's start)."""
        self.window_s = window_s
        self.picture_late_s = picture_late_s
        self.tracker = MouthTracker()
        self._t: list[float] = []
        self._op: list[float] = []
        self._audio: list[np.ndarray] = []
        self._audio_n = 0
        self._sr: int | None = None
        self._last_t: float | None = None

    def wants(self, t_s: float) -> bool:
        """Whether the frame at `t_s` (s from the picture's start) is one this meter reads: inside the
        window, and MIN_STEP_S or more after the last frame read (a 50 or 60 fps tape is read at 25 or
        30 frames a second: the mouth is compared in the 1-8 Hz band, and every frame read costs a face
        mesh)."""
        return t_s < self.window_s and (self._last_t is None or t_s - self._last_t >= MIN_STEP_S)

    def feed_frame(self, t_s: float, luma: np.ndarray) -> None:
        if self.wants(t_s):  # frames past the window are ignored: the series stays bounded
            op, _ = self.tracker.feed(luma)
            self._t.append(t_s)
            self._op.append(op)
            self._last_t = t_s

    def feed_audio(self, block: np.ndarray, sr: int) -> None:
        """A block (samples, channels) of the sound on the tape's timeline, in order."""
        self._sr = sr
        keep = int((self.picture_late_s + self.window_s + MAX_LAG_S + 0.5) * sr) - self._audio_n
        if keep <= 0:
            return
        mono = block[:keep].mean(axis=1) if block.ndim > 1 else block[:keep]
        self._audio.append(np.asarray(mono, np.float32))
        self._audio_n += len(mono)

    def finish(self) -> SyncResult:
        t = np.asarray(self._t, float) + self.picture_late_s
        span = (float(t[0]), float(t[-1])) if len(t) else (0.0, 0.0)
        if len(t) == 0 or self._sr is None or not self._audio_n:
            return SyncResult(None, 0.0, 0, "no picture or no sound in the stretch analysed", None,
                              start_s=span[0], end_s=span[1])
        audio = np.concatenate(self._audio)
        if self._sr != AUDIO_SR:
            audio = soxr.resample(audio, self._sr, AUDIO_SR).astype(np.float32)
        r = measure_sync(t, np.asarray(self._op, float), audio, AUDIO_SR, 0.0)
        return dataclasses.replace(r, start_s=span[0], end_s=span[1])
