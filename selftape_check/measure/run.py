"""One pass over the file: demux once, decode the planned video packets and all audio, measure."""

from __future__ import annotations

import time

import av

from ..errors import AnalysisError
from ..media.audio import AudioDecoder
from ..media.frames import SamplingSettings, VideoSampler, keyframe_times, plan_decode
from ..media.memory import release_free_memory
from ..model import Measurements, MediaInfo
from .audio import AudioMeter
from .video import VideoMeter

TRIM_EVERY_PACKETS = 4096  # about 20-40 s of a typical tape


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
    packets = 0
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
                    video_meter.feed(frame)
            elif packet.stream is astream and audio_dec is not None:
                if packet.size == 0:
                    continue
                for block in audio_dec.feed(packet):
                    audio_meter.feed(block)
    except av.error.FFmpegError as exc:
        # a damaged stream mid-file: keep what was measured if there is enough of it
        if packets < 2:
            raise AnalysisError("truncated", f"{media.path}: the file is damaged ({exc})") from exc
    if sampler is not None:
        for frame in sampler.flush():
            video_meter.feed(frame)
    if audio_dec is not None:
        for block in audio_dec.feed(None):
            audio_meter.feed(block)

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
