"""One pass over the file: demux once, decode the planned video packets and all audio, measure.

This thread demuxes and decodes; a second thread measures what was decoded, in order, through a short
queue. The decoder's own threads then keep working while a frame is measured (the measuring is numpy and
OpenCV, which release the GIL): decoding every frame of a 1080p tape kept 1.6 of 2 cores busy when the
two took turns. When the probe's layout says so (`media.probe.decode_layout`, the one split policy) a
third thread (`_LaterPart`) decodes and measures the video of the second half on its own demuxer and
decoder, and its series are appended at the end: a keyframe decoded on its own keeps one core busy,
and two halves keep both. Both parts read the file through the same loop (`_Pump`).
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Any, Callable

import av

from ..errors import AnalysisError
from ..media.audio import AudioDecoder
from ..media.frames import DecodePlan, SamplingSettings, VideoSampler, configure_decoder, plan_decode
from ..media.memory import release_free_memory
from ..media.probe import audio_stream, open_container, other_audio_streams, packet_end_s, video_stream
from ..model import Measurements, MediaInfo, OtherTrack
from .audio import AudioMeter
from .sync import LipSyncMeter
from .video import VideoMeter

TRIM_EVERY_PACKETS = 4096  # about 20-40 s of a typical tape
QUEUE_BYTES = 32 * 2**20  # decoded pictures waiting to be measured, at most (bounded memory at any size)
QUEUE_ITEMS = 64  # and at most this many frames or sound blocks
EARLY_SOUND_S = 0.1  # sound starting this much before the picture starts the tape (less is encoder priming)


class _Measurer:
    """Runs `fn(item)` jobs in submission order on one thread. `put` blocks while the jobs waiting hold
    `QUEUE_ITEMS` items or, with the new one, more than `QUEUE_BYTES` of pictures (one job is always
    let in). Sound blocks weigh nothing here: at 4K two pictures fill the bytes, and when sound blocks
    counted as items the decoder waited for the measuring 1.5 s of a 6 s run.
    An exception in a job stops the jobs and is raised again by the next `put` or by `close`."""

    def __init__(self) -> None:
        self._jobs: collections.deque = collections.deque()
        self._bytes = 0
        self._cond = threading.Condition()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="selftape-measure", daemon=True)
        self._thread.start()

    def put(self, fn: Callable[[Any], None], item: Any, nbytes: int = 0) -> None:
        with self._cond:
            while self._jobs and (len(self._jobs) >= QUEUE_ITEMS or self._bytes + nbytes > QUEUE_BYTES) \
                    and self._error is None:
                self._cond.wait()
            if self._error is not None:
                raise self._error
            self._jobs.append((fn, item, nbytes))
            self._bytes += nbytes
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._jobs:
                    self._cond.wait()
                fn, item, nbytes = self._jobs[0]
            if fn is None:
                return
            if self._error is None:
                try:
                    fn(item)
                except BaseException as exc:  # handed to the decoding thread
                    self._error = exc
            with self._cond:
                self._jobs.popleft()
                self._bytes -= nbytes
                self._cond.notify_all()

    def close(self, raise_error: bool = True) -> None:
        with self._cond:  # the end marker goes in whatever the queue holds
            self._jobs.append((None, None, 0))
            self._cond.notify_all()
        self._thread.join()
        if raise_error and self._error is not None:
            raise self._error


class _Pump:
    """The one demux loop: reads the packets of `streams` in file order and hands each non-empty one to
    `route`; every 64 packets checks the deadline (a `timeout` error) and `cancel`, and with `trim` gives
    freed memory back to the system now and then. `packets` and `data_end_s` (where the packets end, s
    from their stream's start) stay readable when the loop ends on an error."""

    def __init__(self, media: MediaInfo, deadline: float | None, trim: bool = False,
                 cancel: threading.Event | None = None) -> None:
        self.media, self.deadline, self.trim, self.cancel = media, deadline, trim, cancel
        self.packets = 0
        self.data_end_s = 0.0

    def run(self, container: av.container.InputContainer, streams: list, route: Callable[[av.Packet], None]) -> None:
        for packet in container.demux(streams):
            self.packets += 1
            if self.packets % 64 == 0:
                if self.cancel is not None and self.cancel.is_set():
                    return
                if self.deadline is not None and time.monotonic() > self.deadline:
                    raise AnalysisError("timeout", f"{self.media.path}: analysis took longer than the time limit")
                if self.trim and self.packets % TRIM_EVERY_PACKETS == 0:
                    release_free_memory()
            self.data_end_s = max(self.data_end_s, packet_end_s(packet))
            if packet.size:
                route(packet)


class _LaterPart(threading.Thread):
    """Decodes and measures the video of the later part of the tape (the GOPs in `keys`) on its own
    demuxer and decoder, beside the main pass, which decodes the earlier part and all the sound. It
    demuxes from the start and passes over the packets before its first keyframe (counting keyframes
    as the main pass does, so the two parts meet exactly); see docs/performance.md for the gain."""

    def __init__(self, media: MediaInfo, plan: DecodePlan, keys: range, sampling: SamplingSettings,
                 deadline: float | None) -> None:
        super().__init__(name="selftape-later-part", daemon=True)
        self.media, self.plan, self.keys, self.deadline = media, plan, keys, deadline
        self.meter = VideoMeter(_interval_s(sampling, media), sampling.mode)
        self.sampler: VideoSampler | None = None
        self.error: BaseException | None = None
        self.cancel = threading.Event()

    def run(self) -> None:
        try:
            with open_container(self.media.path) as container:
                stream = video_stream(container)
                configure_decoder(stream, self.media.video.layout.threads)
                self.sampler = sampler = VideoSampler(stream, self.plan, self.media.video, self.keys)

                def route(packet: av.Packet) -> None:
                    for frame in sampler.feed(packet):
                        self.meter.feed(frame.decoded())

                try:
                    _Pump(self.media, self.deadline, cancel=self.cancel).run(container, [stream], route)
                except av.error.FFmpegError:
                    pass  # a damaged stream mid-file: keep what was measured, as the main pass does
                if self.cancel.is_set():
                    return
                for frame in sampler.flush():
                    self.meter.feed(frame.decoded())
        except BaseException as exc:  # handed to the main pass
            self.error = exc

    def stop(self) -> None:
        self.cancel.set()
        self.join()


class _OtherAudio:
    """An audio track beside the analyzed one: decoded and metered like it, kept only as a summary."""

    def __init__(self, stream: av.AudioStream, track: int, origin_s: float | None) -> None:
        self.stream, self.track = stream, track
        self.decoder = AudioDecoder(stream, origin_s)
        self.meter = AudioMeter(self.decoder.sample_rate, self.decoder.channels)

    def finish(self) -> OtherTrack:
        a = self.meter.finish()
        return OtherTrack(track=self.track, integrated_lufs=a.integrated_lufs,
                          speech_s=float(a.speech.sum() * a.hop_s))


def _interval_s(sampling: SamplingSettings, media: MediaInfo) -> float:
    """Spacing of the coverage frames: the mode's, or one frame when every frame is one (thorough)."""
    fps = (media.video.fps if media.video is not None else None) or 30.0
    return sampling.interval_s or 1.0 / fps


def measure_container(
    container: av.container.InputContainer,
    media: MediaInfo,
    sampling: SamplingSettings,
    deadline: float | None = None,
) -> Measurements:
    """Decode what the sampling plan asks for and return the measurement series.

    `deadline` is a `time.monotonic()` value after which the work stops with a `timeout` error; how the
    video is decoded (its threads, one pass or two parts side by side) is the probe's `media.video.layout`
    (`media.probe.decode_layout`).
    """
    vstream = video_stream(container) if media.video is not None else None
    astream = audio_stream(container) if media.audio is not None else None
    streams = [s for s in (vstream, astream) if s is not None]
    # one timeline, as players lay it out: time zero is where the first stream starts (the sound, when
    # it starts well before the picture; a few ms of encoder priming do not count), and the sound is
    # placed against it from its timestamps
    starts = {s: float((s.start_time or 0) * s.time_base) for s in streams}
    origin_s = starts[vstream] if vstream is not None else None
    if vstream is not None and astream is not None and starts[astream] < origin_s - EARLY_SOUND_S:
        origin_s = starts[astream]
    picture_late_s = starts[vstream] - origin_s if vstream is not None else 0.0
    # other audio tracks: decoded and measured only to tell whether the voice is there instead
    tracks = list(container.streams.audio)
    others = {s.index: _OtherAudio(s, tracks.index(s) + 1, origin_s)
              for s in (other_audio_streams(container) if astream is not None else [])}

    sampler = video_meter = later = None
    if vstream is not None and media.video is not None:
        plan = plan_decode(list(media.video.key_times_s), media.duration_s, media.video.fps or 30.0, sampling)
        split = media.video.layout.split_key
        sampler = VideoSampler(vstream, plan, media.video, None if split is None else range(0, split))
        if split is not None:
            later = _LaterPart(media, plan, range(split, len(plan.key_times_s)), sampling, deadline)
        video_meter = VideoMeter(_interval_s(sampling, media), sampling.mode)
    audio_dec = audio_meter = None
    if astream is not None and media.audio is not None:
        audio_dec = AudioDecoder(astream, origin_s)
        audio_meter = AudioMeter(audio_dec.sample_rate, audio_dec.channels)

    container.seek(0)
    if vstream is not None:
        vstream.codec_context.flush_buffers()
    frame_bytes = int(media.video.width * media.video.height * 1.5) if media.video is not None else 0
    # lip sync reads every frame of the first stretch: not in --fast, which does not decode them all
    lips = LipSyncMeter(picture_late_s=picture_late_s) \
        if video_meter is not None and audio_meter is not None and sampling.mode != "fast" else None

    def measure_frame(sampled) -> None:
        lip_frame = lips is not None and lips.wants(sampled.t_s)
        f = sampled.decoded(with_luma=lip_frame)
        video_meter.feed(f)
        if lip_frame:
            lips.feed_frame(f.t_s, f.luma)

    def measure_audio(block) -> None:
        audio_meter.feed(block)
        if lips is not None:
            lips.feed_audio(block, audio_dec.sample_rate)

    def route(packet: av.Packet) -> None:
        if packet.stream is vstream and sampler is not None:
            for frame in sampler.feed(packet):
                measurer.put(measure_frame, frame, frame_bytes)
        elif packet.stream is astream and audio_dec is not None:
            for block in audio_dec.feed(packet):
                measurer.put(measure_audio, block)
        elif packet.stream.index in others:
            other = others[packet.stream.index]
            for block in other.decoder.feed(packet):
                measurer.put(other.meter.feed, block)

    measurer = _Measurer()
    pump = _Pump(media, deadline, trim=True)
    if later is not None:
        later.start()
    try:
        try:
            pump.run(container, streams + [o.stream for o in others.values()], route)
        except av.error.FFmpegError as exc:
            # a damaged stream mid-file: keep what was measured if there is enough of it
            if pump.packets < 2:
                raise AnalysisError("truncated", f"{media.path}: the file is damaged ({exc})") from exc
        if sampler is not None:
            for frame in sampler.flush():
                measurer.put(measure_frame, frame, frame_bytes)
        if audio_dec is not None:
            for block in audio_dec.feed(None):
                measurer.put(measure_audio, block)
        for other in others.values():
            for block in other.decoder.feed(None):
                measurer.put(other.meter.feed, block)
    except BaseException:
        measurer.close(raise_error=False)  # this error is the one to report
        if later is not None:
            later.stop()
        raise
    try:
        measurer.close()
    finally:
        if later is not None:
            later.join()
    decoded = sampler.decoded_frames if sampler is not None else 0
    bad_video = sampler.bad_packets if sampler is not None else 0
    if later is not None:
        if later.error is not None:
            raise later.error
        video_meter.extend(later.meter)
        decoded += later.sampler.decoded_frames
        bad_video += later.sampler.bad_packets

    video = video_meter.finish(decoded).later_by(picture_late_s) if video_meter is not None else None
    audio = audio_meter.finish() if audio_meter is not None else None
    if video is not None and len(video.t_s) == 0 and (audio is None or audio.duration_s == 0):
        raise AnalysisError("truncated", f"{media.path}: no frame or sound could be decoded")
    if video is None and audio is not None and audio.duration_s == 0:
        raise AnalysisError("truncated", f"{media.path}: the sound track holds no samples")
    return Measurements(media=media, video=video, audio=audio,
                        bad_video_packets=bad_video,
                        bad_audio_packets=audio_dec.bad_packets if audio_dec is not None else 0,
                        data_end_s=pump.data_end_s if streams else None,
                        other_audio=tuple(o.finish() for o in others.values()),
                        sync=lips.finish() if lips is not None else None)
