"""Probe a media file: container, duration, video and audio stream parameters, display rotation."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import av

from ..errors import AnalysisError
from ..model import AudioInfo, DecodeLayout, MediaInfo, VideoInfo
from .frames import configure_decoder, keyframe_times

# A decompression bomb is refused before any frame is decoded: 16K x 16K is far beyond any camera.
MAX_PIXELS = 8192 * 8192  # DCI 8K (8192x4320) fits; a 16000x16000 frame (768 MB as RGB) is refused unread
LARGE_PIXELS = 4096 * 2304
# decoding every frame in order, more frame threads than cores keep frames decoding while the
# measurement works on the last one: 1080p 60 s --thorough 5.59 s -> 5.0 s with 8. Not above 1080p:
# at 4K it gained 2% for 130 MB more (389 MB peak)
DEEP_THREADS = 8
DEEP_PIXELS = 1920 * 1088
# Tapes this long (up to 4K) decode their video in two parts side by side, each on one decoder
# thread (measure.run), when the decoder threads are left to the tool: at 4K, 60 s, default mode
# 5.99 -> 5.34 s and 261 -> 322 MB peak; with each part's decoder on 2-3 frame threads it was no
# faster and peaked at 410-430 MB. Under 20 s the gain is lost in the second part's start-up (an 8 s
# 720p tape: 0.43 s either way).
TWO_PARTS_MIN_S = 20.0


SPLIT_SHARE = 0.5  # the second half starts at the keyframe nearest this share of the duration
SPLIT_RANGE = (0.2, 0.8)  # ... which must lie within this share of it (else one pass)


def decode_layout(path: str, width: int, height: int, duration_s: float, key_times_s: list[float],
                  decoder_threads: int, every_frame: bool) -> DecodeLayout:
    """The one split policy. Two parts side by side, each on one decoder thread: a tape of 20 s and
    more, up to 4K, a regular file (the second part opens it again), the decoder threads left to the
    tool (a folder scan running files in parallel sets 1), and a keyframe between a fifth and four
    fifths of the tape to start the second part at. Otherwise one pass: one thread above 4K (memory),
    DEEP_THREADS frame threads when every frame is a coverage frame up to 1080p, else the caller's."""
    if width * height > LARGE_PIXELS:
        return DecodeLayout(threads=1)  # each frame in flight in a frame-threaded decoder costs 50 MB and more
    if decoder_threads == 0 and duration_s >= TWO_PARTS_MIN_S and os.path.isfile(path) and len(key_times_s) >= 2:
        k = min(range(1, len(key_times_s)), key=lambda i: abs(key_times_s[i] - SPLIT_SHARE * duration_s))
        if SPLIT_RANGE[0] * duration_s <= key_times_s[k] <= SPLIT_RANGE[1] * duration_s:
            return DecodeLayout(threads=1, split_key=k)
    if every_frame and decoder_threads == 0 and width * height <= DEEP_PIXELS:
        return DecodeLayout(threads=DEEP_THREADS)
    return DecodeLayout(threads=decoder_threads)


def _mp4_without_index(path: str) -> bool:
    """An ISO media file (MP4/MOV/3GP: top-level boxes, 'ftyp' first) whose top level has no 'moov'
    box: the index phones write last, so a recording or a copy cut off leaves the file without it."""
    from .source import is_url, open_url, url_size_bytes

    try:
        with (open_url(path) if is_url(path) else open(path, "rb")) as f:
            size_total = url_size_bytes(path) if is_url(path) else os.fstat(f.fileno()).st_size
            pos, kinds = 0, []
            while pos + 8 <= size_total and len(kinds) < 1000:
                f.seek(pos)
                head = f.read(16)
                size, kind = int.from_bytes(head[:4], "big"), head[4:8]
                if size == 1 and len(head) == 16:
                    size = int.from_bytes(head[8:16], "big")  # 64-bit box size
                elif size == 0:
                    size = size_total - pos  # the box runs to the end of the file
                if size < 8 or not kind.isascii():
                    break
                kinds.append(kind)
                pos += size
    except (OSError, AnalysisError):
        return False
    return bool(kinds) and kinds[0] == b"ftyp" and b"moov" not in kinds


@contextmanager
def open_container(path: str) -> Iterator[av.container.InputContainer]:
    """Open `path` read-only with PyAV, mapping every failure to an `AnalysisError`. A URL
    (`s3://`, `file://`: media.source) is read through fsspec's file object, streamed."""
    from .source import is_url, open_url

    if is_url(path):
        with open_url(path) as fh:
            with _open_av(path, fh) as container:
                yield container
        return
    if not os.path.exists(path):
        raise AnalysisError("not_found", f"{path}: no such file")
    if os.path.isdir(path):
        raise AnalysisError("not_media", f"{path}: is a folder, not a media file")
    if not os.path.isfile(path):  # a pipe, a device (/dev/zero behind a link), a socket: never read
        raise AnalysisError("not_media", f"{path}: not a regular file (a pipe or a device); give a video "
                            "or audio file")
    if not os.access(path, os.R_OK):
        raise AnalysisError("unreadable", f"{path}: permission denied")
    if os.path.getsize(path) == 0:
        raise AnalysisError("not_media", f"{path}: the file is empty")
    with _open_av(path, path) as container:
        yield container


@contextmanager
def _open_av(path: str, source) -> Iterator[av.container.InputContainer]:
    """PyAV on `source`: the path itself (FFmpeg's own file I/O) or a binary file object."""
    try:
        container = av.open(source, mode="r", metadata_errors="ignore")
    except PermissionError as exc:
        raise AnalysisError("unreadable", f"{path}: permission denied") from exc
    except (av.error.InvalidDataError, av.error.EOFError) as exc:
        if _mp4_without_index(path):
            raise AnalysisError("truncated", f"{path}: the file is incomplete: an MP4/MOV without its index "
                                "('moov'), as when a recording or a copy is cut off; copy it again from the "
                                "original") from exc
        raise AnalysisError("not_media", f"{path}: not a video or audio file this tool can read") from exc
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise AnalysisError("unreadable", f"{path}: cannot open ({exc})") from exc
    try:
        yield container
    finally:
        container.close()


def _rotation_of_first_frame(container: av.container.InputContainer, stream: av.VideoStream,
                             threads: int = 0) -> int:
    """Decode the first video frame and return its display rotation, normalised to 0/90/180/270.

    Phones store orientation as a display matrix; PyAV exposes its angle as `frame.rotation`
    (counter-clockwise degrees). Raises `truncated` when not a single frame decodes.
    """
    configure_decoder(stream, threads)  # threads and decoder options: before the codec opens
    try:
        for frame in container.decode(stream):
            return int(round(-frame.rotation / 90.0)) % 4 * 90
    except av.error.FFmpegError as exc:
        raise AnalysisError("truncated", f"{container.name}: the video stream is damaged ({exc})") from exc
    raise AnalysisError("truncated", f"{container.name}: the video stream has no decodable frame")


def video_stream(container: av.container.InputContainer) -> av.VideoStream | None:
    """The picture: the first video stream with a decoder that is not cover art (a still attached to
    an audio file)."""
    for s in container.streams.video:
        if s.codec_context is not None and not (s.disposition & av.stream.Disposition.attached_pic):
            return s
    return None


def audio_stream(container: av.container.InputContainer) -> av.AudioStream | None:
    """The sound: the first audio stream with a decoder, one marked default before the others. iPhone
    15/16 Pro videos carry a spatial-audio track (APAC) that FFmpeg cannot decode beside the stereo AAC
    track; the AAC track is the sound."""
    usable = [s for s in container.streams.audio if s.codec_context is not None]
    default = [s for s in usable if s.disposition & av.stream.Disposition.default]
    return (default or usable or [None])[0]


MAX_OTHER_TRACKS = 3  # audio tracks measured beside the one analyzed, at most


def other_audio_streams(container: av.container.InputContainer) -> list[av.AudioStream]:
    """The decodable audio streams beside `audio_stream`'s (at most MAX_OTHER_TRACKS), in file order:
    a screen recorder or a camera writing two tracks can leave the one players play silent."""
    chosen = audio_stream(container)
    return [s for s in container.streams.audio
            if s is not chosen and s.codec_context is not None and s.rate and s.channels][:MAX_OTHER_TRACKS]


def probe(path: str) -> MediaInfo:
    """Read the container's headers (and the first video frame, for rotation) without analysing."""
    with open_container(path) as container:
        return probe_container(path, container)


def probe_container(path: str, container: av.container.InputContainer, decoder_threads: int = 0,
                    every_frame: bool = False) -> MediaInfo:
    """`decoder_threads`: 0 lets the decoder choose; `every_frame` (--thorough) with 0 asks for more
    frame threads than cores up to 1080p (see DEEP_THREADS)."""
    vs, a = video_stream(container), audio_stream(container)
    if vs is None and a is None:
        if len(container.streams.video) + len(container.streams.audio):
            raise AnalysisError("no_streams", f"{path}: no video or audio stream this tool can decode")
        raise AnalysisError("no_streams", f"{path}: no video or audio stream in the file")

    duration_s = _duration_s(container, [x for x in (vs, a) if x is not None])

    video = None
    if vs is not None:
        cc = vs.codec_context
        width, height = int(cc.width or 0), int(cc.height or 0)
        if width <= 0 or height <= 0:
            raise AnalysisError("truncated", f"{path}: the video stream has no picture size")
        if width * height > MAX_PIXELS:
            raise AnalysisError("too_large", f"{path}: {width}x{height} video is larger than this tool accepts")
        fps = float(vs.average_rate) if vs.average_rate else None
        if fps is None or not (MIN_FPS <= fps <= MAX_FPS):
            fps = _fps_from_packets(container, vs)
        keys = keyframe_times(container, vs)
        layout = decode_layout(path, width, height, duration_s, keys, decoder_threads, every_frame)
        rotation = _rotation_of_first_frame(container, vs, layout.threads)
        video = VideoInfo(
            codec=cc.name, width=width, height=height, rotation=rotation, fps=fps,
            frame_count=int(vs.frames) if vs.frames else None, pixel_aspect=_pixel_aspect(vs),
            key_times_s=tuple(keys), layout=layout,
        )

    audio = None
    if a is not None:
        tracks = list(container.streams.audio)
        audio = AudioInfo(codec=a.codec_context.name, sample_rate=int(a.rate or 0), channels=int(a.channels or 0),
                          track=tracks.index(a) + 1, tracks=len(tracks))
        if audio.sample_rate <= 0 or audio.channels <= 0:
            raise AnalysisError("truncated", f"{path}: the audio stream has no sample rate or channels")

    return MediaInfo(
        path=path, size_bytes=_size_bytes(path), container=container.format.name,
        duration_s=duration_s, video=video, audio=audio,
    )


def _size_bytes(path: str) -> int:
    from .source import is_url, url_size_bytes

    return url_size_bytes(path) if is_url(path) else os.path.getsize(path)


def packet_end_s(packet: av.Packet) -> float:
    """Where a packet's media ends, in seconds from its stream's start (0.0 without a timestamp)."""
    ts = packet.pts if packet.pts is not None else packet.dts
    if ts is None or packet.time_base is None:
        return 0.0
    return float((ts - (packet.stream.start_time or 0) + (packet.duration or 0)) * packet.time_base)


MIN_SAR, MAX_SAR = 0.25, 4.0  # a stated pixel aspect outside this is not believed (broken headers)


def _pixel_aspect(stream: av.VideoStream) -> float:
    """The sample (pixel) aspect ratio the picture is shown with: the container's, else the codec's,
    as players choose (FFmpeg's av_guess_sample_aspect_ratio). Anamorphic video stores a wide picture
    in fewer columns: HDV 1440x1080 and DVCPRO HD 1280x1080 play as 1920x1080, DV 720x480 as 640x480 or
    (widescreen) 853x480, and some phone apps and editors export non-square pixels. 1.0 when unset."""
    for sar in (stream.sample_aspect_ratio, stream.codec_context.sample_aspect_ratio):
        if sar and sar > 0:
            value = float(sar)
            return value if MIN_SAR <= value <= MAX_SAR else 1.0
    return 1.0


MIN_FPS, MAX_FPS = 0.1, 480.0  # a stated average frame rate outside this is not believed
FPS_PACKETS = 300  # packets whose timestamps give the frame rate when the container states none


def _fps_from_packets(container: av.container.InputContainer, stream: av.VideoStream) -> float | None:
    """The average frame rate over the first FPS_PACKETS video packets (about 10 s): frames over the
    span of their timestamps. A WebM written live (browsers' MediaRecorder) states no average rate, and
    its nominal rate is its 1 ms time base (1000 fps); a phone that drops frames in low light records a
    variable rate. Demux only, no decoding; None without two timestamps."""
    stamps: list[int] = []
    try:
        for packet in container.demux(stream):
            ts = packet.pts if packet.pts is not None else packet.dts
            if ts is not None and packet.size:
                stamps.append(ts)
                if len(stamps) >= FPS_PACKETS:
                    break
    except av.error.FFmpegError:
        pass  # a damaged stream: the packets before the damage say enough
    container.seek(0)
    if len(stamps) < 2 or max(stamps) <= min(stamps) or stream.time_base is None:
        return None
    span_s = float((max(stamps) - min(stamps)) * stream.time_base)
    fps = (len(stamps) - 1) / span_s
    return fps if MIN_FPS <= fps <= MAX_FPS else None


def _duration_s(container: av.container.InputContainer, streams: list) -> float:
    """Duration from the container, else from the longest stream, else from where the packets end (a
    WebM written live, as browsers' MediaRecorder does, states none: one demux-only pass, no decoding);
    0.0 when there are no packets."""
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    best = 0.0
    for s in streams:
        if s.duration and s.time_base:
            best = max(best, float(s.duration * s.time_base))
    if best > 0 or not streams:
        return best
    try:
        for packet in container.demux(streams):
            best = max(best, packet_end_s(packet))
    except av.error.FFmpegError:
        pass  # a damaged end: the packets before it say how long the tape is
    container.seek(0)
    return best
