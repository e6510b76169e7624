"""Streaming audio decoder: packets in, float32 blocks (samples, channels) out, at the stream's rate,
placed on the tape's timeline.

Audio is never held whole: a two-hour tape streams through in blocks. More than two channels are
downmixed to stereo (a voice check needs at most left/right).

The blocks are laid out as players play them. Sound that starts after the picture (an edit, a
screen recorder, a browser's recording) is preceded by digital silence, and a gap in the timestamps
(packets lost by the recorder) becomes digital silence of the same length, so that every time range
of the sound is a time of the tape. A gap is a jump between one frame's end and the next frame's
start, so a recorder whose clock drifts slowly against its sample count adds nothing.
"""

from __future__ import annotations

from typing import Iterator

import av
import numpy as np

MAX_SAMPLE = 1e3  # a float sample past 60 dB over full scale is not sound: the file's data is garbage
GAP_S = 0.015  # a jump in the timestamps this long or longer is a gap (an AAC frame is 21 ms)
MAX_GAP_S = 600.0  # a jump longer than this is a broken timestamp, not a gap


class AudioDecoder:
    def __init__(self, stream: av.AudioStream, origin_s: float | None = None) -> None:
        """`origin_s`: the tape's time zero in seconds of this stream's timestamps (where the first of
        the picture and the sound starts); None: this stream's own first timestamp."""
        self.stream = stream
        self.sample_rate = int(stream.rate)
        self.bad_packets = 0  # packets the decoder refused or flagged as damaged
        self.inserted_s = 0.0  # digital silence put in for a late start and for gaps in the timestamps
        src_channels = int(stream.channels or 1)
        self.channels = 1 if src_channels == 1 else 2
        self._resampler = av.AudioResampler(
            format="fltp", layout="mono" if self.channels == 1 else "stereo", rate=self.sample_rate
        )
        self._origin = origin_s
        self._next_s: float | None = None  # where the previous frame ended, s of tape time
        self._drop = 0  # samples still to drop (sound before the tape's time zero)

    def _place(self, frame: av.AudioFrame) -> int:
        """Silence to put before this frame (samples), from its timestamp; sets samples to drop when
        the first frame starts before the tape's time zero."""
        if frame.pts is None or frame.time_base is None:
            return 0
        t = float(frame.pts * frame.time_base)
        if self._origin is None:
            self._origin = t
        t -= self._origin
        first, expected = self._next_s is None, self._next_s or 0.0
        self._next_s = t + frame.samples / (frame.sample_rate or self.sample_rate)
        if first and t <= -GAP_S:
            self._drop = int(round(-t * self.sample_rate))  # encoder priming before time zero
        jump = t - expected
        if GAP_S <= jump <= MAX_GAP_S:
            self.inserted_s += jump
            return int(round(jump * self.sample_rate))
        return 0

    def feed(self, packet: av.Packet | None) -> Iterator[np.ndarray]:
        """Decode one packet (None flushes); yield float32 arrays of shape (samples, channels)."""
        try:
            frames = self.stream.codec_context.decode(packet)
        except av.error.FFmpegError:
            self.bad_packets += 1
            return  # a damaged packet: skip it, the rest of the stream still counts
        for frame in frames:
            self.bad_packets += bool(frame.is_corrupt)
            silence = self._place(frame)
            for start in range(0, silence, self.sample_rate):  # in 1 s blocks: memory stays bounded
                yield np.zeros((min(self.sample_rate, silence - start), self.channels), dtype=np.float32)
            frame.pts = None  # let the resampler run on sample counts alone (no drift compensation)
            for out in self._resampler.resample(frame):
                yield from self._emit(out)
        if packet is None:
            for out in self._resampler.resample(None):
                yield from self._emit(out)

    def _emit(self, out: av.AudioFrame) -> Iterator[np.ndarray]:
        arr = out.to_ndarray()  # (channels, samples) for planar
        if self._drop and arr.size:
            cut = min(self._drop, arr.shape[1])
            arr, self._drop = arr[:, cut:], self._drop - cut
        if arr.size:
            _check_finite(arr, self.stream)
            yield np.ascontiguousarray(arr.T, dtype=np.float32)


def _check_finite(arr: np.ndarray, stream: av.AudioStream) -> None:
    """Float audio (WAV, FLAC-in-float, some editors' exports) can hold NaN, infinities or absurd values
    that no microphone made; measured as sound they give a normal-looking true peak or NaN loudness.
    Such a track is corrupt: say so rather than judge it (`corrupt_audio`)."""
    peak = float(np.max(np.abs(arr)))  # NaN propagates: max of anything with a NaN is NaN
    if not (peak <= MAX_SAMPLE):
        from ..errors import AnalysisError

        what = "NaN or infinite" if not np.isfinite(peak) else f"impossible ({peak:.3g} x full scale)"
        raise AnalysisError("corrupt_audio", f"{stream.container.name}: the sound track holds {what} sample "
                            "values: the audio data is corrupt; export the tape again from the original")
