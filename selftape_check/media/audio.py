"""Streaming audio decoder: packets in, float32 blocks (samples, channels) out, at the stream's rate.

Audio is never held whole: a two-hour tape streams through in blocks. More than two channels are
downmixed to stereo (a voice check needs at most left/right).
"""

from __future__ import annotations

from typing import Iterator

import av
import numpy as np


class AudioDecoder:
    def __init__(self, stream: av.AudioStream) -> None:
        self.stream = stream
        self.sample_rate = int(stream.rate)
        self.bad_packets = 0  # packets the decoder refused or flagged as damaged
        src_channels = int(stream.channels or 1)
        self.channels = 1 if src_channels == 1 else 2
        self._resampler = av.AudioResampler(
            format="fltp", layout="mono" if self.channels == 1 else "stereo", rate=self.sample_rate
        )

    def feed(self, packet: av.Packet | None) -> Iterator[np.ndarray]:
        """Decode one packet (None flushes); yield float32 arrays of shape (samples, channels)."""
        try:
            frames = self.stream.codec_context.decode(packet)
        except av.error.FFmpegError:
            self.bad_packets += 1
            return  # a damaged packet: skip it, the rest of the stream still counts
        for frame in frames:
            self.bad_packets += bool(frame.is_corrupt)
            frame.pts = None  # let the resampler run on sample counts alone (no drift compensation)
            for out in self._resampler.resample(frame):
                arr = out.to_ndarray()  # (channels, samples) for planar
                if arr.size:
                    yield np.ascontiguousarray(arr.T, dtype=np.float32)
        if packet is None:
            for out in self._resampler.resample(None):
                arr = out.to_ndarray()
                if arr.size:
                    yield np.ascontiguousarray(arr.T, dtype=np.float32)
