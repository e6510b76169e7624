"""One pass over the file: demux once, decode the planned video packets and all audio, measure.

This thread demuxes and decodes; a second thread measures what was decoded, in order, through a short
queue. The decoder's own threads then keep working while a frame is measured (the measuring is numpy and
OpenCV, which release the GIL): decoding every frame of a 1080p tape kept 1.6 of 2 cores busy when the
two took turns.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any, Callable

import av

from ..errors import AnalysisError
from ..media.audio import AudioDecoder
from ..media.frames import SamplingSettings, VideoSampler, keyframe_times, plan_decode
from ..media.memory import release_free_memory
from ..model import Measurements, MediaInfo
from .audio import AudioMeter
from .video import VideoMeter

TRIM_EVERY_PACKETS = 4096  # about 20-40 s of a typical tape
QUEUE_BYTES = 32 * 2**20  # decoded pictures waiting to be measured, at most (bounded memory at any size)
QUEUE_ITEMS = 16  # and at most this many frames or sound blocks


class _Measurer:
    """Runs `fn(item)` jobs in submission order on one thread; `put` blocks while the queue is full.
    An exception in a job stops the jobs and is raised again by the next `put` or by `close`."""

    def __init__(self, depth: int) -> None:
        self._q: queue.Queue = queue.Queue(maxsize=max(1, depth))
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="selftape-measure", daemon=True)
        self._thread.start()

    def put(self, fn: Callable[[Any], None], item: Any) -> None:
        if self._error is not None:
            raise self._error
        self._q.put((fn, item))

    def _run(self) -> None:
        while (job := self._q.get()) is not None:
            if self._error is None:
                try:
                    job[0](job[1])
                except BaseException as exc:  # handed to the decoding thread
                    self._error = exc

    def close(self, raise_error: bool = True) -> None:
        self._q.put(None)
        self._thread.join()
        if raise_error and self._error is not None:
            raise self._error


def measure_container(
    container: av.container.InputContainer,
    media: MediaInfo,
    sampling: SamplingSettings,
    deadline: float | None = None,
) -> Measurements:
    """Decode what the sampling plan asks for and return the measurement series.

    `deadline` is a `time.monotonic()` value after which the work stops with a `timeout` error.
    """
    vstream = _first(container.streams.video, media.video is not None)
    astream = _first(container.streams.audio, media.audio is not None)
    streams = [s for s in (vstream, astream) if s is not None]

    sampler = video_meter = None
    if vstream is not None and media.video is not None:
        keys = keyframe_times(container, vstream)
        plan = plan_decode(keys, media.duration_s, media.video.fps or 30.0, sampling)
        sampler = VideoSampler(vstream, plan, media.video.rotation)
        video_meter = VideoMeter(sampling.coverage_interval_s, "thorough" if sampling.thorough else "default")
    audio_dec = audio_meter = None
    if astream is not None and media.audio is not None:
        audio_dec = AudioDecoder(astream)
        audio_meter = AudioMeter(audio_dec.sample_rate, audio_dec.channels, voices=video_meter is not None)

    container.seek(0)
    if vstream is not None:
        vstream.codec_context.flush_buffers()
    frame_bytes = media.video.width * media.video.height * 1.5 if media.video is not None else 1.0
    measurer = _Measurer(min(QUEUE_ITEMS, int(QUEUE_BYTES // max(frame_bytes, 1.0))))
    measure_frame = (lambda sampled: video_meter.feed(sampled.decoded())) if video_meter is not None else None
    packets = 0
    try:
        try:
            for packet in container.demux(streams):
                packets += 1
                if packets % 64 == 0:
                    if deadline is not None and time.monotonic() > deadline:
                        raise AnalysisError("timeout", f"{media.path}: analysis took longer than the time limit")
                    if packets % TRIM_EVERY_PACKETS == 0:
                        release_free_memory()
                if packet.stream is vstream and sampler is not None:
                    if packet.size == 0:
                        continue
                    for frame in sampler.feed(packet):
                        measurer.put(measure_frame, frame)
                elif packet.stream is astream and audio_dec is not None:
                    if packet.size == 0:
                        continue
                    for block in audio_dec.feed(packet):
                        measurer.put(audio_meter.feed, block)
        except av.error.FFmpegError as exc:
            # a damaged stream mid-file: keep what was measured if there is enough of it
            if packets < 2:
                raise AnalysisError("truncated", f"{media.path}: the file is damaged ({exc})") from exc
        if sampler is not None:
            for frame in sampler.flush():
                measurer.put(measure_frame, frame)
        if audio_dec is not None:
            for block in audio_dec.feed(None):
                measurer.put(audio_meter.feed, block)
    except BaseException:
        measurer.close(raise_error=False)  # this error is the one to report
        raise
    measurer.close()

    video = video_meter.finish(sampler.decoded_frames) if video_meter is not None else None
    audio = audio_meter.finish() if audio_meter is not None else None
    if video is not None and len(video.t_s) == 0 and (audio is None or audio.duration_s == 0):
        raise AnalysisError("truncated", f"{media.path}: no frame or sound could be decoded")
    return Measurements(media=media, video=video, audio=audio,
                        bad_video_packets=sampler.bad_packets if sampler is not None else 0,
                        bad_audio_packets=audio_dec.bad_packets if audio_dec is not None else 0)


def _first(streams, wanted: bool):
    if not wanted:
        return None
    for s in streams:
        if s.type == "video" and (s.disposition & av.stream.Disposition.attached_pic):
            continue
        return s
    return None
