"""Video decoder: which frames to decode and measure, and the analysis-size luma of each.

Three modes (`SamplingSettings`):

* **default**: every frame is decoded and gets the cheap per-frame figures (luma, black, frozen,
  flicker, motion, mouth movement: `measure.video`); the expensive ones (face, eyes, exposure, sharpness,
  noise, colour) are taken on a *coverage* frame every `measure_interval_s` (0.5 s), so no stretch of
  the picture longer than that goes unmeasured. Decoding every frame costs close to a bare decode
  (bench/speed.py prints the ratio against `ffmpeg -i tape -f null -`).
* **thorough**: the same, with the expensive figures on every frame.
* **fast** (the old default): samples. Coverage frames about one per `coverage_interval_s`: every
  keyframe (cheap: decoded on its own), and where keyframes are sparse the frames just after a
  keyframe, found by decoding forward from it within a frame budget; a keyframe interval the budget
  would leave unseen for more than `max_unseen_s` (10 s) is decoded through. **Runs** of consecutive
  frames at a few points (`burst_count` runs of `burst_s`), started at a keyframe, for flicker, shake,
  freeze; a **glance** of `glance_s` after every keyframe for whether the mouth moves. On a tape with
  long keyframe intervals most of the picture is never looked at (a 60 s tape with x264's default
  interval of 250 frames: 18 pictures measured, 86 % of the time unseen); the report says how much
  (judge.metrics, `video.unseen_ratio`).

Packets are demuxed once, in order; a packet is sent to the decoder only when it belongs to a planned
run, so nothing is decoded that is not used, and nothing is decoded twice. The luma is the decoded
Y plane downscaled once to the analysis size (long side `ANALYSIS_LONG_SIDE`), without colour
conversion; chroma means come from the U/V planes.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterator

import av
import cv2
import numpy as np

from ..model import VideoInfo
from .hdr import luma_lut

ANALYSIS_LONG_SIDE = 640
# The H.264/HEVC loop filter (deblocking, SAO) is skipped on frames no other frame refers to: nothing
# drifts (no reference picture changes) and the decoder does less (bench/speed.py). What it changes in
# the figures measured is in docs/performance.md. Skipping it on every frame saves more but changes
# every later frame of the keyframe interval (a reference chain decoded off the encoder's).
SKIP_LOOP_FILTER = "noref"


def configure_decoder(stream: av.VideoStream, threads: int) -> None:
    """Decoder threads (frame + slice; 0: as many as the machine has) and SKIP_LOOP_FILTER, before the
    codec opens."""
    stream.codec_context.thread_type = "AUTO"
    stream.codec_context.thread_count = threads
    if SKIP_LOOP_FILTER:
        stream.codec_context.options = {**stream.codec_context.options, "skip_loop_filter": SKIP_LOOP_FILTER}
THUMB_W = 160  # width of the per-frame thumbnail used for frame statistics and motion


@dataclass(frozen=True)
class SamplingSettings:
    thorough: bool = False  # every frame decoded, and every frame a coverage frame
    fast: bool = False  # sample the picture (the plan below) instead of decoding every frame
    measure_interval_s: float = 0.5  # default mode: spacing of coverage frames (longest stretch unmeasured)
    coverage_interval_s: float = 1.0  # fast mode: wanted spacing of coverage frames
    max_keyframe_gap_s: float = 2.5  # keyframes further apart than this get gap fills (within budget)
    burst_count_per_min: float = 4.0  # runs of consecutive frames per minute of tape (min 3, max 24)
    burst_s: float = 1.0  # length of each run
    fill_budget_ratio: float = 0.15  # share of all frames we may decode to fill sparse-keyframe gaps
    max_unseen_s: float = 10.0  # a keyframe interval that the budget leaves unseen longer than this is decoded whole
    glance_s: float = 0.15  # consecutive frames decoded after every keyframe (mouth movement)

    @property
    def every_frame(self) -> bool:
        """Every frame is decoded (default and thorough modes)."""
        return self.thorough or not self.fast

    @property
    def mode(self) -> str:
        return "thorough" if self.thorough else "fast" if self.fast else "default"

    @property
    def interval_s(self) -> float:
        """Spacing of the coverage frames (0: every frame)."""
        return 0.0 if self.thorough else self.coverage_interval_s if self.fast else self.measure_interval_s


@dataclass(frozen=True)
class DecodedFrame:
    """One decoded frame, in display orientation. Every frame has a thumbnail; coverage frames also
    carry the analysis-size and full-size luma and a small RGB copy."""

    t_s: float
    thumb: np.ndarray  # uint8, THUMB_W wide
    full_range: bool  # luma is 0-255 (JPEG range) rather than 16-235
    run: int  # run id (consecutive frames); -1 for an isolated keyframe
    coverage: bool  # chosen as a coverage sample
    luma: np.ndarray | None = None  # uint8, long side <= ANALYSIS_LONG_SIDE
    native_luma: np.ndarray | None = None  # uint8, full resolution (stored pixels: not made square)
    rgb_small: np.ndarray | None = None  # uint8 (h, THUMB_W, 3) RGB, for colour balance
    plane: np.ndarray | None = None  # the decoded Y plane as stored (a view: valid while this frame is used)
    rotation: int = 0
    key: bool = False  # a keyframe (coded on its own: its compression noise differs from the frames after)
    corrupt: bool = False  # the decoder met errors in this frame's data and concealed them

    def crop(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray | None:
        """Full-resolution luma of a region given in 0-1 display coordinates, in display orientation;
        only the region is copied and rotated, never the whole frame."""
        if self.plane is None:
            return None
        h, w = self.plane.shape
        x0, x1, y0, y1 = max(0.0, x0), min(1.0, x1), max(0.0, y0), min(1.0, y1)
        if self.rotation == 90:  # display column u is stored row (1 - u), display row v is stored column v
            rows, cols = (1 - x1, 1 - x0), (y0, y1)
        elif self.rotation == 270:
            rows, cols = (x0, x1), (1 - y1, 1 - y0)
        elif self.rotation == 180:
            rows, cols = (1 - y1, 1 - y0), (1 - x1, 1 - x0)
        else:
            rows, cols = (y0, y1), (x0, x1)
        r0, r1 = int(rows[0] * h), int(np.ceil(rows[1] * h))
        c0, c1 = int(cols[0] * w), int(np.ceil(cols[1] * w))
        if r1 - r0 < 2 or c1 - c0 < 2:
            return None
        return _to_display(self.plane[r0:r1, c0:c1], self.rotation)


@dataclass(frozen=True)
class SampledFrame:
    """A frame the plan asked for, as the decoder gave it; `decoded()` makes the pictures measured."""

    frame: av.VideoFrame
    t_s: float
    coverage: bool
    run: int
    rotation: int
    pixel_aspect: float = 1.0

    def decoded(self, with_luma: bool = False) -> DecodedFrame:
        """The thumbnail (and, for a coverage frame, the analysis luma and small RGB copy), in display
        orientation and shape (non-square pixels made square). Separate from decoding so that it can
        run beside the decoder (measure.run). `with_luma`: the analysis luma on any frame (the lip-sync
        stretch reads every frame's)."""
        frame, t, rot, aspect = self.frame, self.t_s, self.rotation, self.pixel_aspect
        y = _y_plane(frame)
        full = frame.format.name.startswith("yuvj") or int(getattr(frame, "color_range", 0) or 0) == 2
        if not self.coverage:
            luma = _to_display(analysis_luma(y, aspect), rot) if with_luma else None
            return DecodedFrame(t_s=t, thumb=_to_display(thumbnail(y, aspect), rot), full_range=full,
                                run=self.run, coverage=False, luma=luma, plane=y, rotation=rot,
                                key=bool(frame.key_frame), corrupt=bool(frame.is_corrupt))
        small = analysis_luma(y, aspect)
        # the thumbnail from the stored plane, as for every other frame: taken from the analysis-size
        # copy, a coverage frame's thumbnail differed from its neighbours' by 0.013 (relative difference)
        # on a still 1080p picture, twice every 0.5 s, and that broke a 2.9 s freeze into pieces
        return DecodedFrame(
            t_s=t, thumb=_to_display(thumbnail(y, aspect), rot), full_range=full, run=self.run, coverage=True,
            luma=_to_display(small, rot), native_luma=y if rot == 0 else _to_display(y, rot),
            rgb_small=_to_display(_rgb_thumbnail(frame, y, full, aspect), rot), plane=y, rotation=rot,
            key=bool(frame.key_frame), corrupt=bool(frame.is_corrupt),
        )


@dataclass(frozen=True)
class DecodePlan:
    """Per keyframe (by index in `key_times_s`), decode from it up to `run_end_s[i]` (exclusive)."""

    key_times_s: list[float]
    run_end_s: list[float]  # == key time: decode only the keyframe
    coverage_times_s: list[float]
    every_coverage: bool = False  # every decoded frame is a coverage frame (thorough)


def keyframe_times(container: av.container.InputContainer, stream: av.VideoStream) -> list[float]:
    """Keyframe times from the container index (MP4/MOV/MKV cues), else from a demux-only pass."""
    tb = float(stream.time_base)
    start = stream.start_time or 0
    entries = stream.index_entries
    times: list[float] = []
    if entries is not None and len(entries) > 0:
        times = [(e.timestamp - start) * tb for e in entries if e.is_keyframe]
    if len(times) < 1 or (entries is not None and len(entries) <= len(times)):
        # no index, or an index that lists only keyframes (cues): count from the packets themselves,
        # from the start (the probe has already read the first frame)
        times = []
        container.seek(0)
        for packet in container.demux(stream):
            if packet.is_keyframe and packet.pts is not None:
                times.append((packet.pts - start) * tb)
        container.seek(0)
    return sorted(set(round(t, 6) for t in times))


def plan_decode(key_times_s: list[float], duration_s: float, fps: float, s: SamplingSettings) -> DecodePlan:
    """Choose which stretches to decode: keyframes, gap fills where keyframes are sparse, and bursts."""
    if not key_times_s:
        key_times_s = [0.0]
    n = len(key_times_s)
    ends = list(key_times_s)
    if s.every_frame:
        ends = key_times_s[1:] + [float("inf")]
        if s.thorough:
            return DecodePlan(key_times_s, ends, [], every_coverage=True)
        # every frame is decoded: the coverage grid needs no snapping into decoded runs
        grid = np.arange(0.0, max(duration_s, 1e-3), s.measure_interval_s)
        return DecodePlan(key_times_s, ends, [round(float(t), 6) for t in grid])

    gop_end = key_times_s[1:] + [max(duration_s, key_times_s[-1])]
    # gap fill: where the keyframe interval exceeds the coverage interval, decode forward from the
    # keyframe, each gap getting an equal share of the frame budget (plus a short minimum)
    sparse = [i for i in range(n) if gop_end[i] - key_times_s[i] > s.max_keyframe_gap_s]
    if sparse:
        budget_s = max(s.fill_budget_ratio * duration_s, 2.0)
        per_gap_s = budget_s / len(sparse)
        for i in sparse:
            ends[i] = min(gop_end[i], key_times_s[i] + per_gap_s)
            if gop_end[i] - ends[i] > s.max_unseen_s:
                # a very long keyframe interval (a browser's or a screen recorder's file may have one
                # keyframe in all): decoding it through is the only way to see what it holds
                ends[i] = gop_end[i]

    # glances: a few frames after every keyframe
    for i in range(n):
        ends[i] = max(ends[i], min(gop_end[i], key_times_s[i] + s.glance_s))

    # bursts: runs of consecutive frames at evenly spread points, each starting at a keyframe
    bursts = int(np.clip(round(duration_s / 60.0 * s.burst_count_per_min), 3, 24))
    for j in range(bursts):
        target = duration_s * (j + 0.5) / bursts
        i = max(0, bisect.bisect_right(key_times_s, target) - 1)
        ends[i] = max(ends[i], min(gop_end[i], key_times_s[i] + s.burst_s))
    return DecodePlan(key_times_s, ends, _coverage_times(key_times_s, ends, duration_s, s))


def _coverage_times(keys: list[float], ends: list[float], duration_s: float, s: SamplingSettings) -> list[float]:
    """Wanted coverage times: a grid at `coverage_interval_s`, snapped into what the plan decodes."""
    grid = np.arange(0.0, max(duration_s, 1e-3), s.interval_s)
    wanted: list[float] = []
    for t in grid:
        i = max(0, bisect.bisect_right(keys, t) - 1)
        # the decodable time closest to t inside this GOP's run, else the next keyframe
        candidate = min(max(t, keys[i]), max(keys[i], ends[i]))
        if i + 1 < len(keys) and abs(keys[i + 1] - t) < abs(candidate - t):
            candidate = keys[i + 1]
        wanted.append(candidate)
    return sorted(set(wanted))


def _yuv(frame: av.VideoFrame) -> av.VideoFrame:
    """8-bit planar YUV as decoded; other pixel formats (RGB, palette, 10-bit, alpha) converted once.
    HDR (HLG, PQ) luma is mapped to what an SDR screen shows (media.hdr), on the converted copy."""
    fmt = frame.format.name
    lut = luma_lut(int(frame.color_trc or 0), fmt.startswith("yuvj") or int(frame.color_range or 0) == 2)
    if lut is None and fmt in ("yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "yuv411p",
                               "yuv440p", "yuvj440p", "yuv410p"):
        return frame
    out = frame.reformat(format="yuvj420p" if fmt.startswith("yuvj") else "yuv420p")  # a copy we own
    if lut is not None:
        plane = out.planes[0]
        y = np.frombuffer(plane, dtype=np.uint8).reshape(-1, plane.line_size)[: out.height, : out.width]
        np.take(lut, y, out=y)
    return out


def luma_plane(frame: av.VideoFrame) -> np.ndarray:
    """A decoded frame's Y' plane as the main pass reads it (8-bit planar YUV, HDR mapped), as a view."""
    return _y_plane(_yuv(frame))


def _y_plane(frame: av.VideoFrame) -> np.ndarray:
    """The Y' plane as a (height, width) uint8 view, without copying or colour conversion."""
    plane = frame.planes[0]
    return np.frombuffer(plane, dtype=np.uint8).reshape(-1, plane.line_size)[: frame.height, : frame.width]


def thumbnail(y: np.ndarray, pixel_aspect: float = 1.0) -> np.ndarray:
    """A THUMB_W-wide copy for per-frame statistics: strided subsampling to ~2x, then area averaging."""
    h, w = y.shape
    step = max(1, w // (2 * THUMB_W))
    sub = y[::step, ::step]
    th = max(1, round(h * THUMB_W / (w * pixel_aspect)))
    return cv2.resize(sub, (THUMB_W, th), interpolation=cv2.INTER_AREA)


def analysis_luma(y: np.ndarray, pixel_aspect: float = 1.0) -> np.ndarray:
    """The luma at the analysis size (long side at most ANALYSIS_LONG_SIDE), with square pixels: a face
    stored squeezed (anamorphic video) is measured as it is shown."""
    h, w = y.shape
    shown_w = w * pixel_aspect
    scale = min(1.0, ANALYSIS_LONG_SIDE / max(shown_w, h))
    if scale >= 1.0 and pixel_aspect == 1.0:
        return np.ascontiguousarray(y)
    size = (max(1, round(shown_w * scale)), max(1, round(h * scale)))
    return cv2.resize(y, size, interpolation=cv2.INTER_AREA if scale < 1.0 or pixel_aspect < 1.0 else cv2.INTER_LINEAR)


def _rgb_thumbnail(frame: av.VideoFrame, y: np.ndarray, full_range: bool, pixel_aspect: float = 1.0) -> np.ndarray:
    """A THUMB_W-wide RGB copy from the decoded planes (subsampled, then converted with OpenCV). A
    swscale conversion per frame was tried first: over a 2-hour tape it grew the heap by 60 MB."""
    h, w = y.shape
    th = max(2, round(h * THUMB_W / (w * pixel_aspect)))

    def small(plane: np.ndarray) -> np.ndarray:
        step = max(1, plane.shape[1] // (2 * THUMB_W))
        return cv2.resize(plane[::step, ::step], (THUMB_W, th), interpolation=cv2.INTER_AREA).astype(np.float32)

    def plane(i: int) -> np.ndarray:
        p = frame.planes[i]
        return np.frombuffer(p, dtype=np.uint8).reshape(-1, p.line_size)[: p.height, : p.width]

    yy, cb, cr = small(y), small(plane(1)), small(plane(2))
    if not full_range:  # limited (16-235 / 16-240) to full range, as the conversion expects
        yy = (yy - 16.0) * (255.0 / 219.0)
        cb = (cb - 128.0) * (255.0 / 224.0) + 128.0
        cr = (cr - 128.0) * (255.0 / 224.0) + 128.0
    ycrcb = np.clip(cv2.merge([yy, cr, cb]), 0, 255).astype(np.uint8)
    return cv2.cvtColor(ycrcb, cv2.COLOR_YCrCb2RGB)


def _to_display(luma: np.ndarray, rotation: int) -> np.ndarray:
    """Rotate the stored picture to how it is displayed (rotation = clockwise degrees for display)."""
    if rotation == 90:
        return cv2.rotate(luma, cv2.ROTATE_90_CLOCKWISE)
    if rotation == 180:
        return cv2.rotate(luma, cv2.ROTATE_180)
    if rotation == 270:
        return cv2.rotate(luma, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return luma


class VideoSampler:
    """Consumes video packets in demux order, decodes the planned ones, yields `SampledFrame`s.

    `keys` (indices into the plan's keyframes) limits it to part of the tape: packets of other GOPs are
    passed over, so two samplers, each on its own demuxer, can decode the two halves of a tape side by
    side (measure.run). A run is numbered by the index of the keyframe it starts at."""

    def __init__(self, stream: av.VideoStream, plan: DecodePlan, video: VideoInfo, keys: range | None = None) -> None:
        self.stream = stream
        self.plan = plan
        self.rotation = video.rotation
        self.pixel_aspect = video.pixel_aspect
        self.keys = keys if keys is not None else range(0, 1 << 62)
        self.tb = float(stream.time_base)
        self.start = stream.start_time or 0
        self._run_end = -1.0
        self._run_id = -1
        self._key_count = 0
        self._in_part = False
        self._runs: dict[int, int] = {}  # run of each packet sent to the decoder, by pts, until its frame is out
        self._coverage = list(plan.coverage_times_s)
        self._cov_i = 0
        if self.keys.start > 0 and self.keys.start < len(plan.key_times_s):
            # wanted times before this part's first keyframe belong to the part before
            self._cov_i = bisect.bisect_left(self._coverage, plan.key_times_s[self.keys.start] - 0.5 / 30 + 1e-6)
        self.decoded_frames = 0
        self.bad_packets = 0  # packets the decoder refused outright

    def _packet_time(self, packet: av.Packet) -> float | None:
        ts = packet.pts if packet.pts is not None else packet.dts
        return None if ts is None else (ts - self.start) * self.tb

    def feed(self, packet: av.Packet) -> Iterator[SampledFrame]:
        t = self._packet_time(packet)
        if packet.is_keyframe:
            # the k-th keyframe packet is the plan's k-th keyframe (index times may be DTS, not PTS)
            k = self._key_count
            self._key_count += 1
            self._in_part = k in self.keys
            if not self._in_part:
                self._run_id, self._run_end = -1, -1.0
                return
            run_s = self.plan.run_end_s[k] - self.plan.key_times_s[k] if k < len(self.plan.key_times_s) else 0.0
            if run_s > 1e-6 and t is not None:
                self._run_id = k
                self._run_end = t + run_s
            else:
                self._run_id = -1
                self._run_end = -1.0
            yield from self._decode(packet)
        elif not self._in_part:
            return
        elif t is not None and t < self._run_end:
            yield from self._decode(packet)
        elif t is None and self._run_end > 0:
            yield from self._decode(packet)

    def flush(self) -> Iterator[SampledFrame]:
        yield from self._decode(None)

    def _decode(self, packet: av.Packet | None) -> Iterator[SampledFrame]:
        if packet is not None and packet.pts is not None:
            self._runs[packet.pts] = self._run_id
            if len(self._runs) > 64:  # a packet whose frame never came out (dropped, concealed)
                del self._runs[next(iter(self._runs))]
        try:
            frames = self.stream.codec_context.decode(packet)
        except av.error.FFmpegError:
            self.bad_packets += 1
            if packet is not None and packet.pts is not None:
                self._runs.pop(packet.pts, None)
            return  # a damaged packet: skip it, the rest of the stream still counts
        for frame in frames:
            if frame.pts is None:
                continue
            # a frame comes out of the decoder a few packets after its own (reordering, frame threads):
            # it belongs to the run its packet was sent in, not to the one being sent now
            run = self._runs.pop(frame.pts, self._run_id)
            t = (frame.pts - self.start) * self.tb
            self.decoded_frames += 1
            frame = _yuv(frame)
            coverage = self.plan.every_coverage
            while self._cov_i < len(self._coverage) and self._coverage[self._cov_i] < t - 0.5 / 30:
                self._cov_i += 1  # a wanted time we could not hit exactly: the next frame takes it
                coverage = True
            if self._cov_i < len(self._coverage) and abs(self._coverage[self._cov_i] - t) <= 0.5 / 30 + 1e-6:
                self._cov_i += 1
                coverage = True
            yield SampledFrame(frame, t, coverage, run, self.rotation, self.pixel_aspect)
