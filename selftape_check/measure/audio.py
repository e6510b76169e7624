"""Audio measurements, computed while the audio streams through (memory does not grow with length).

* Loudness: ITU-R BS.1770-4 integrated and momentary loudness (K-weighting, 400 ms blocks, absolute
  and relative gates) from libebur128 through `pyebur128`, which measures in a stream; pyloudnorm
  implements the same standard but needs the whole signal in memory.
* True peak: BS.1770-4 Annex 2, 4x oversampling, with libsoxr's linear-phase resampler (`soxr`, the
  resampler librosa uses) run as a stream, so block edges are seamless. Within `TRUE_PEAK_EDGE_SAMPLES`
  of the file's first and last sample the interpolation reaches past the file (the filter's taps see the
  silence outside it) and rings on the abrupt edge (up to +1.1 dB on a sine that starts at full
  amplitude): there only the samples count, as a meter whose filter history is full of signal, and as
  EBU Tech 3341 cases 15-19 expect (the steady tone's peak).
* Per 20 ms hop: RMS (mono mix and per channel), speech-band level (100-4000 Hz, from the
  hop's spectrum), share of samples at digital zero, count of samples at full scale.
* Per 20 ms hop, the levels of the octave bands 125 Hz-8 kHz (from the hop's spectrum): the shape of
  the voice's spectrum, for telling two voices apart, and the band where speech stands out most from
  the noise, for finding the pauses under loud noise.
* Long-term spectrum up to 1 kHz at 1 Hz resolution (Welch average of 1 s Hann blocks), for mains hum.
* Voice activity: energy-based detection on the speech-band level against the track's own noise floor
  (percentile estimate), with hangover, after the stream ends.
"""

from __future__ import annotations

import numpy as np

from ..model import AudioSeries
from ..timeline import close_gaps, drop_short

HOP_S = 0.02
MOMENTARY_HOPS = 5  # momentary loudness is read every 5 hops (100 ms)
LOWFREQ_MAX_HZ = 1000
FULL_SCALE = 10 ** (-0.1 / 20)  # a sample at or above -0.1 dBFS counts as full scale
FLOOR_DB = -120.0
OCTAVES_HZ = (125, 250, 500, 1000, 2000, 4000, 8000)  # centre frequencies (bands up to Nyquist)
# input samples at each end of the file where the 4x interpolation is not counted: soxr HQ's ringing on
# an abrupt edge, worst over sines 100 Hz-20 kHz at any phase, is +1.1 dB at the edge, +0.20 dB 12
# samples in, +0.04 dB at 32, +0.009 dB at 48 (measured, 48 kHz)
TRUE_PEAK_EDGE_SAMPLES = 48
OVERSAMPLE = 4


def db(power_or_amp: np.ndarray | float, power: bool = True) -> np.ndarray:
    """10*log10 for powers (20*log10 for amplitudes), floored at FLOOR_DB instead of -inf."""
    x = np.maximum(np.asarray(power_or_amp, dtype=np.float64), 1e-30)
    out = (10.0 if power else 20.0) * np.log10(x)
    return np.maximum(out, FLOOR_DB)


class AudioMeter:
    """Feed float32 blocks of shape (samples, channels); call `finish()` for an `AudioSeries`."""

    def __init__(self, sample_rate: int, channels: int) -> None:
        import pyebur128
        import soxr

        self.sr = sample_rate
        self.ch = channels
        self.hop_n = max(1, round(sample_rate * HOP_S))
        self._ebu = pyebur128.R128State(
            channels, sample_rate, pyebur128.MeasurementMode.MODE_I | pyebur128.MeasurementMode.MODE_M
        )
        self._pyebur128 = pyebur128
        freqs = np.fft.rfftfreq(self.hop_n, 1.0 / sample_rate)
        self._band = (freqs >= 100.0) & (freqs <= min(4000.0, 0.45 * sample_rate))
        self._window = np.hanning(self.hop_n).astype(np.float32)
        # Parseval with a Hann window: mean power = sum |X|^2 / (N * sum w^2) for one-sided spectra x2
        self._band_scale = 2.0 / (self.hop_n * float(np.sum(self._window ** 2)))
        self._upsampler = soxr.ResampleStream(
            sample_rate, OVERSAMPLE * sample_rate, channels, dtype="float32", quality="HQ")
        self._pending = np.zeros((0, channels), dtype=np.float32)
        self._true_peak = 0.0
        self._up_seen = 0  # oversampled values produced so far
        self._up_hold = np.zeros(0, dtype=np.float32)  # the latest ones, held back: they may be the file's end
        self._sample_peak = 0.0
        self._n = 0
        self._series: dict[str, list[np.ndarray]] = {k: [] for k in (
            "momentary", "rms", "chan_rms", "band", "zero", "clip", "octaves")}
        # long-term spectrum below 1 kHz at 1 Hz resolution (Welch average of 1 s Hann blocks), for hum
        self._lf_n = sample_rate  # 1 s blocks: 1 Hz bins
        self._lf_window = np.hanning(self._lf_n).astype(np.float32)
        self._lf_bins = min(LOWFREQ_MAX_HZ, sample_rate // 2) + 1
        self._lf_sum = np.zeros(self._lf_bins)
        self._lf_blocks = 0
        self._lf_pending = np.zeros(0, dtype=np.float32)
        edges = [(f / np.sqrt(2), f * np.sqrt(2)) for f in OCTAVES_HZ if f * np.sqrt(2) <= sample_rate / 2]
        self._octaves = [(freqs >= lo) & (freqs < hi) for lo, hi in edges]

    def feed(self, block: np.ndarray) -> None:
        self._pending = np.concatenate([self._pending, block]) if len(self._pending) else block
        whole = (len(self._pending) // self.hop_n) * self.hop_n
        if whole >= self.hop_n * 25:  # process half a second or more at a time
            self._process(self._pending[:whole])
            self._pending = self._pending[whole:]

    def _oversampled_peak(self, up: np.ndarray) -> None:
        """Fold 4x-oversampled values (samples, channels) into the true peak, leaving out those within
        TRUE_PEAK_EDGE_SAMPLES of the file's start (here) and end (held back until `finish`)."""
        edge = OVERSAMPLE * TRUE_PEAK_EDGE_SAMPLES
        peak = np.abs(up).max(axis=1) if up.ndim == 2 and len(up) else np.zeros(0, dtype=np.float32)
        skip = max(0, min(len(peak), edge - self._up_seen))
        self._up_seen += len(peak)
        held = np.concatenate([self._up_hold, peak[skip:]])
        if len(held) > edge:
            self._true_peak = max(self._true_peak, float(held[:-edge].max()))
            held = held[-edge:]
        self._up_hold = held

    def _process(self, x: np.ndarray, real_n: int | None = None) -> None:
        k = len(x) // self.hop_n
        self._n += len(x)
        hops = x[: k * self.hop_n].reshape(k, self.hop_n, self.ch)
        mono = hops.mean(axis=2)
        absx = np.abs(hops)
        self._series["rms"].append(db(np.mean(mono.astype(np.float64) ** 2, axis=1)).astype(np.float32))
        self._series["chan_rms"].append(db(np.mean(hops.astype(np.float64) ** 2, axis=1)).astype(np.float32))
        self._series["zero"].append((hops == 0).all(axis=2).mean(axis=1).astype(np.float32))
        self._series["clip"].append((absx >= FULL_SCALE).any(axis=2).sum(axis=1).astype(np.int32))
        self._lf_pending = np.concatenate([self._lf_pending, mono.reshape(-1)])
        nblk = len(self._lf_pending) // self._lf_n
        if nblk:
            blocks = self._lf_pending[: nblk * self._lf_n].reshape(nblk, self._lf_n) * self._lf_window
            lf = np.fft.rfft(blocks, axis=1)[:, : self._lf_bins]
            self._lf_sum += (np.abs(lf) ** 2).sum(axis=0) * (2.0 / (self._lf_n * float(np.sum(self._lf_window ** 2))))
            self._lf_blocks += nblk
            self._lf_pending = self._lf_pending[nblk * self._lf_n:]
        spec = np.fft.rfft(mono * self._window, axis=1)
        power = np.abs(spec) ** 2
        band_power = power[:, self._band].sum(axis=1) * self._band_scale
        self._series["band"].append(db(band_power).astype(np.float32))
        octaves = [power[:, m].sum(axis=1) for m in self._octaves]
        self._series["octaves"].append(db(np.stack(octaves, axis=1)).astype(np.float16) if octaves
                                       else np.zeros((k, 0), dtype=np.float16))
        self._sample_peak = max(self._sample_peak, float(absx.max()))

        # momentary loudness (400 ms window), read every 100 ms as EBU Tech 3341 meters update it,
        # and held for the five 20 ms hops it covers
        flat = np.ascontiguousarray(x[: k * self.hop_n], dtype=np.float64).reshape(-1)
        mom = np.empty(k, dtype=np.float32)
        step = self.hop_n * self.ch
        for i in range(0, k, MOMENTARY_HOPS):
            n = min(MOMENTARY_HOPS, k - i)
            self._ebu.add_frames(flat[i * step:(i + n) * step], n * self.hop_n)
            mom[i:i + n] = max(self._pyebur128.get_loudness_momentary(self._ebu), FLOOR_DB)
        self._series["momentary"].append(mom)

        # true peak, BS.1770-4 Annex 2: 4x oversampling, continuous across blocks (a resampler stream);
        # the zeros that pad the last hop are not part of the file and are not interpolated
        real = x[: k * self.hop_n] if real_n is None else x[:real_n]
        self._oversampled_peak(self._upsampler.resample_chunk(np.ascontiguousarray(real)))

    def finish(self) -> AudioSeries:
        if len(self._pending):
            pad = (-len(self._pending)) % self.hop_n
            last = np.concatenate([self._pending, np.zeros((pad, self.ch), dtype=np.float32)])
            self._process(last, real_n=len(self._pending))
            self._n -= pad
            self._pending = self._pending[:0]
        # flush the resampler so the last samples are interpolated too; what is still held back is the
        # file's end, where the interpolation rings on the edge: the samples there count (sample peak)
        self._oversampled_peak(self._upsampler.resample_chunk(np.zeros((0, self.ch), dtype=np.float32), last=True))
        self._true_peak = max(self._true_peak, self._sample_peak)

        def cat(key: str, dtype, shape=(0,)) -> np.ndarray:
            parts = self._series[key]
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(shape, dtype=dtype)

        integrated = self._pyebur128.get_loudness_global(self._ebu) if self._n else float("-inf")
        band_db = cat("band", np.float32)
        return AudioSeries(
            sample_rate=self.sr,
            channels=self.ch,
            duration_s=self._n / self.sr,
            hop_s=self.hop_n / self.sr,
            integrated_lufs=float(integrated) if np.isfinite(integrated) else None,
            true_peak_dbtp=float(db(self._true_peak, power=False)) if self._true_peak > 0 else None,
            sample_peak_dbfs=float(db(self._sample_peak, power=False)) if self._sample_peak > 0 else None,
            momentary_lufs=cat("momentary", np.float32),
            rms_dbfs=cat("rms", np.float32),
            channel_rms_dbfs=cat("chan_rms", np.float32, (0, self.ch)),
            band_dbfs=band_db,
            clipped_samples=cat("clip", np.int32),
            digital_zero_ratio=cat("zero", np.float32),
            speech=voice_activity(band_db, self.hop_n / self.sr),
            lowfreq_power=(self._lf_sum / self._lf_blocks) if self._lf_blocks else np.zeros(0),
            octave_db=cat("octaves", np.float16, (0, len(self._octaves))),
        )


def noise_floor_db(band_db: np.ndarray) -> float:
    """Background level: the 10th percentile of the speech-band level over non-digital-silence hops."""
    live = band_db[band_db > FLOOR_DB + 1]
    return float(np.percentile(live, 10)) if len(live) else FLOOR_DB


def voice_activity(band_db: np.ndarray, hop_s: float) -> np.ndarray:
    """Energy VAD: speech where the speech-band level stands 12 dB above the track's noise floor and
    above -60 dBFS, closed over gaps < 0.3 s and held 0.1 s, runs shorter than 0.1 s dropped."""
    if len(band_db) == 0:
        return np.zeros(0, dtype=bool)
    floor = noise_floor_db(band_db)
    return _speech_runs((band_db > floor + 12.0) & (band_db > -60.0), hop_s)


def _speech_runs(active: np.ndarray, hop_s: float) -> np.ndarray:
    """Hops over a detection threshold as speech: gaps under 0.3 s bridged, runs under 0.1 s dropped."""
    return drop_short(close_gaps(active, int(round(0.3 / hop_s))), int(round(0.1 / hop_s)))


BAND_VAD_OVER_FLOOR_DB = 15.0  # speech in the most varying octave: this far over that octave's floor


def band_voice_activity(octave_db: np.ndarray | None, band_db: np.ndarray, hop_s: float) -> np.ndarray:
    """Speech as seen in one octave: the one whose level varies most over the tape (90th minus 10th
    percentile). Under a loud noise with most of its power low down (traffic, a car, a fan) the voice
    stands out there long before it does in the whole speech band, where `voice_activity` misses its
    quiet parts. Hops 15 dB over that octave's 10th percentile, gaps under 0.3 s bridged, runs under
    0.1 s dropped, as `voice_activity` does. Used to keep speech out of the background the SNR reads."""
    live = band_db > FLOOR_DB + 1
    if octave_db is None or octave_db.shape[1] == 0 or live.sum() < 50:
        return np.zeros(len(band_db), dtype=bool)
    x = octave_db[live].astype(np.float64)
    lo = np.percentile(x, 10, axis=0)
    best = int(np.argmax(np.percentile(x, 90, axis=0) - lo))
    return _speech_runs((octave_db[:, best].astype(np.float64) > lo[best] + BAND_VAD_OVER_FLOOR_DB) & live, hop_s)
