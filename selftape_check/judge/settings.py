"""The one table of thresholds: each default with its unit, valid range and source.

`docs/checks.md` documents the same table; `Thresholds` is what a check reads (defaults, overridable
by key, e.g. from a config file).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class Setting:
    key: str
    default: float
    unit: str
    lo: float
    hi: float
    source: str


_S = Setting
SETTINGS: Mapping[str, Setting] = MappingProxyType({s.key: s for s in [
    # ---- face presence and exposure
    _S("face.missing.warn_ratio", 0.80, "share of sampled frames with a face", 0, 1,
       "self-tape guidance: the actor is on camera for the whole scene"),
    _S("face.missing.fail_ratio", 0.50, "share of sampled frames with a face", 0, 1,
       "half the tape without a visible face: casting cannot see the performance"),
    _S("face.missing.min_gap_s", 4.0, "s", 0, 60, "a stretch without face that a viewer notices"),
    _S("face.underexposed.warn_luma", 0.25, "face luma 0-1 (0 = 0 IRE, 1 = 100 IRE)", 0, 1,
       "broadcast skin-tone exposure: deep skin tones 35-45 IRE, light 60-70 IRE; below 25 IRE is dark "
       "for every skin tone"),
    _S("face.underexposed.fail_luma", 0.14, "face luma 0-1", 0, 1,
       "below 14 IRE facial features are lost in shadow on consumer displays"),
    _S("face.underexposed.min_s", 3.0, "s of dark face (in stretches of at least this long)", 0, 60,
       "a line or two lost in the dark mid-tape (about 3 words a second); with the face measured every "
       "0.5 s such a stretch is placed to within 0.5 s (it was 5 s when the picture was sampled)"),
    _S("face.overexposed.clip_ratio", 0.08, "share of face pixels at >= 98% luma", 0, 1,
       "zebra practice: highlights above ~98 IRE on skin show as clipped; more than a small hot spot"),
    _S("face.overexposed.warn_luma", 0.85, "face luma 0-1", 0, 1,
       "broadcast skin-tone exposure: light skin peaks around 70-80 IRE"),
    _S("face.backlit.ratio", 3.5, "background's 90th-percentile luma / face luma", 1, 20,
       "lighting practice: a window behind the subject is 2-4 stops over an indoor face and turns it into a "
       "silhouette; read on the bright tenth of the background, 3.5x (1.8 stops) lies between the accuracy "
       "corpus's clean real tapes (0.8-1.9) and split-lit faces (up to 3.0) and a window behind (4.0-5.3)"),
    _S("face.uneven_light.warn_db", 6.0, "dB between face halves (luma)", 0, 40,
       "a luma ratio of 2:1 (about a 4:1 lighting ratio in linear light, two stops): dramatic, not "
       "the even front light self-tape guides ask for"),
    _S("face.eyes_hidden.ratio", 0.5, "share of face frames without detectable eyes", 0, 1,
       "casting: 'if I can't see your eyes, it's a problem'; half the tape"),
    _S("face.multiple.share", 0.3, "share of face frames with a second face", 0, 1,
       "a second person (a reader in shot, someone passing behind) in a third of the shots is there for "
       "long, not a moment; casting expects the actor alone in frame"),
    _S("face.multiple.min_height", 0.5, "other face's height / actor's face height", 0, 1,
       "a face half the actor's size or more (a person at up to about twice the distance); smaller ones, "
       "a photo on the wall or a face far behind, are not counted"),
    # ---- framing
    _S("face.too_small.height", 0.12, "face box height / frame height", 0, 1,
       "medium close-up (chest up): face about 20-35% of frame height; 12% is a wide shot"),
    _S("face.cropped.height", 0.65, "face box height / frame height", 0, 1,
       "tighter than a close-up: forehead or chin leave the frame (0.62 on the Haar box; the landmark box "
       "reads a face 0.90-1.12x the Haar box, and a clean tight studio portrait at 0.633, Haar 0.578)"),
    _S("face.cropped.edge", 0.01, "share of frame size from the edge", 0, 0.2,
       "a face box touching the edge is cut off"),
    _S("face.off_center.x", 0.22, "horizontal distance of face centre from frame centre, share of width",
       0, 0.5, "self-tape framing: face roughly centred"),
    _S("face.off_center.eyes_lo", 0.18, "eye line, share of frame height from the top", 0, 1,
       "rule of thirds: eyes around the upper third line"),
    _S("face.off_center.eyes_hi", 0.58, "eye line, share of frame height from the top", 0, 1,
       "eyes well below the middle: too much headroom"),
    _S("face.min_share", 0.6, "share of the tape a framing/exposure condition must cover", 0, 1,
       "a condition for most of the tape, not a moment"),
    # ---- picture
    _S("video.low_resolution.warn_short_side", 720, "px (short side as displayed)", 0, 10000,
       "casting platforms ask for HD: 720p minimum, 1080p preferred (Actors Access, Casting Networks)"),
    _S("video.low_resolution.fail_short_side", 360, "px", 0, 10000, "below 360p faces are a few pixels"),
    _S("video.low_frame_rate.warn_fps", 23.0, "frames per second", 0, 240,
       "cinema and broadcast rates start at 23.976 fps"),
    _S("video.low_frame_rate.fail_fps", 15.0, "frames per second", 0, 240,
       "below 15 fps motion looks choppy and lip sync suffers"),
    _S("video.black_frames.luma", 0.06, "frame luma 0-1", 0, 1,
       "ffmpeg blackdetect: pixel threshold 0.10 with 98% of pixels black; mean luma below 6%"),
    _S("video.black_frames.min_s", 0.04, "s", 0, 10, "one frame at 25 fps"),
    _S("video.frozen.diff", 0.002, "mean abs difference / (picture std + 0.02), frames 1 s apart", 0, 10,
       "ffmpeg freezedetect noise tolerance 0.001 (-60 dB); calibrated on the corpus: frozen frames read "
       "0-0.0003, a person standing still 0.007 and up; consecutive frames use a tenth of it"),
    _S("video.frozen.min_s", 1.0, "s", 0, 60, "a still picture while the sound goes on, a second or more"),
    _S("image.blurry.sharpness", 14.0, "Laplacian variance / face variance x1000, face at 128 px width", 0, 10000,
       "Pech-Pacheco et al. (2000) focus measure, contrast-normalised; calibrated on the real portraits: "
       "sharp faces read 28-230, faces blurred by a 6 px Gaussian at 720p read 1-8"),
    _S("image.noisy.sigma", 3.0, "Immerkaer noise sigma, 0-255 luma, face at native resolution", 0, 100,
       "Immerkaer (1996); calibrated on the real portraits after H.264 encoding: clean faces read 0.3-1.8, "
       "visible grain (RGB sigma 8-15) 2.4-7.6"),
    _S("image.color_cast.skin_distance", 4.0, "Mahalanobis distance of face chroma from neutral-lit skin", 0, 100,
       "skin chroma locus (Chai & Ngan, 1999); calibrated on 13 real portraits of varied skin tones: neutral "
       "0.3-2.2 (real talking-head clips 0.7-3.6), 15% white-balance error 1.7-4.1, 25% warm 3.6-5.7, "
       "blue 3.0-6.8, green 3.9-7.1: a 25% error is borderline, a stronger one fires"),
    _S("image.flicker.pct", 1.5, "% luma pulsing (robust std of the residual / mean)", 0, 100,
       "luminance changes of 1-2% are at the visibility threshold (Weber fraction)"),
    _S("camera.shaky.pct_per_frame", 0.25, "% of frame width per frame (median)", 0, 100,
       "handheld phones jitter 0.3-1% of the width per frame; a tripod reads under 0.05%"),
    _S("edit.dead_air.max_s", 3.0, "s of silence at the start or end", 0, 60,
       "self-tape guides: start the scene within a beat or two of the camera rolling; trim the rest"),
    # ---- audio
    _S("audio.silent.lufs", -70.0, "LUFS", -120, 0, "EBU R128 absolute gate: -70 LUFS is treated as silence"),
    _S("audio.too_quiet.warn_lufs", -30.0, "LUFS, speech", -70, 0,
       "EBU R128 targets -23 LUFS, AES TD1004 -16 to -20 LUFS for streaming: 7 dB under broadcast is quiet"),
    _S("audio.too_quiet.fail_lufs", -40.0, "LUFS, speech", -70, 0,
       "17 dB below EBU R128: a listener at normal volume strains to hear"),
    _S("audio.too_loud.warn_lufs", -11.0, "LUFS, speech", -70, 0,
       "louder than the loudest streaming targets (-14 LUFS, Spotify 'loud' -11 LUFS)"),
    _S("audio.clipping.min_events", 3, "clipped 20 ms hops", 0, 1000, "a click here and there vs repeated"),
    _S("audio.clipping.fail_share", 0.02, "share of speech hops with clipping", 0, 1,
       "distortion on more than 2% of the speech is heard throughout"),
    _S("audio.noisy.warn_snr_db", 20.0, "dB speech over noise floor", 0, 80,
       "ACX: noise floor -60 dBFS under -18..-23 dB RMS speech (~40 dB); below 20 dB noise is obvious"),
    _S("audio.noisy.fail_snr_db", 10.0, "dB", 0, 80, "below 10 dB intelligibility drops (ANSI S3.5 SII)"),
    _S("audio.channel_imbalance.db", 10.0, "dB between channels during speech", 0, 80,
       "a 10 dB imbalance moves the voice to one ear; a dead channel is common with mono mics"),
    _S("audio.hum.ratio_db", 20.0, "dB, mains line over the spectrum +-4..16 Hz around it", 0, 80,
       "a stationary line 20 dB over its neighbourhood in a 1 Hz-resolution long-term spectrum; calibrated: "
       "clean real speech and room noises read 2-17 dB, a -40 dBFS hum under speech 30-60 dB"),
    _S("audio.hum.level_dbfs", -65.0, "dBFS, power of the hum lines", -120, 0,
       "ACX: noise floor at most -60 dBFS; a hum is more annoying than broadband noise at the same level"),
    _S("audio.echo.rt60_s", 0.38, "s, decay-rate reverberation estimate (reads ~0.5 of RT60 at 0.8-1.1 s)", 0, 10,
       "rooms for speech 0.3-0.5 s RT60 (EBU Tech 3276 ~0.3 s); calibrated with bench/echo.py on 11 real "
       "voices in synthetic exponential rooms over 5 pink-noise floors (speech 20-45 dB over the floor): "
       "dry 0.13-0.35 (the top ones digit recordings that carry their own small room), RT60 0.6 s "
       "0.31-0.53, 0.8 s 0.36-0.63, 1.1 s 0.40-0.72; over 5 real noises at 20-30 dB SNR no dry voice "
       "reaches 0.38; in simulated shoebox rooms (image sources + ray tracing) measured RT60 0.23 s reads "
       "0.22-0.29, 0.4 s 0.29-0.43, 0.6 s 0.40-0.56, 0.8 s 0.45-0.68; the clean real tapes of the accuracy "
       "corpus read 0.13-0.32"),
    _S("audio.dropouts.min_s", 0.02, "s", 0, 5, "a gap of digital silence one AAC frame long is audible"),
    _S("audio.dropouts.cut_below_floor_db", 20.0, "dB under the noise floor (and under -60 dBFS)", 0, 80,
       "a room never falls below its own floor: 20 dB under it is a mute, not a pause; test: mutes to -95 "
       "dBFS over a -64 dBFS room found, a hard noise gate to the same depth not"),
    _S("audio.dropouts.cut_edge_over_floor_db", 15.0, "dB over the noise floor, either side of a cut", 0, 80,
       "a cut into a phrase has sound on both sides; a noise gate closes after the voice has faded to the "
       "floor (before digital silence, sound within this of the voice's median level counts too: a gate to "
       "zero hides the room's floor)"),
    _S("file.damaged.missing_end_s", 0.5, "s missing at the end (and 2 % of the tape)", 0, 3600,
       "less is the rounding of a stated duration; more is a take that players stop short of its end"),
    _S("audio.reader_louder.warn_db", 3.0, "dB, reader's speech loudness over the actor's", -20, 40,
       "casting directors' most common sound complaint is a reader louder than the actor; self-tape guides "
       "ask for the reader softer than the actor. 3 dB is three loudness JNDs (about 1 dB, Zwicker & Fastl, "
       "Psychoacoustics) and above the measurement's +-2 dB error, so equal voices do not fire"),
    _S("audio.reader_louder.fail_db", 8.0, "dB", -20, 40,
       "8-10 dB is heard as about twice as loud (Stevens' sone scale): the reader dominates the scene"),
    _S("audio.reader_louder.min_s", 2.0, "s of each voice's speech", 0, 60,
       "a single word is not enough to compare two voices' loudness (BS.1770 gating needs 400 ms blocks)"),
    # ---- sound against picture
    _S("av.sync_offset.late_ms", 185.0, "ms the sound comes after the picture", 0, 1000,
       "ITU-R BT.1359-1 (1998): sound later than 185 ms behind the picture is unacceptable to viewers "
       "(detectable from 125 ms); the measurement reads clips taken as in sync at -60..+116 ms, so the "
       "detectability limit would fire on them"),
    _S("av.sync_offset.early_ms", 90.0, "ms the sound comes before the picture", 0, 1000,
       "ITU-R BT.1359-1 (1998): sound more than 90 ms ahead of the picture is unacceptable (detectable "
       "from 45 ms); sound ahead of lips never happens in nature, so viewers tolerate it less"),
    # ---- where findings point and what they are judged on (the supports of the limits above)
    _S("ranges.merge_s", 0.5, "s between two flagged stretches that are shown as one", 0, 10,
       "a half-second gap is shorter than a spoken phrase: one problem, not two"),
    _S("ranges.shown_gap_s", 1.0, "s: shortest stretch a share-based finding points at", 0, 10,
       "a viewer notices a second, not a frame: shorter stretches add noise to the timeline"),
    _S("ranges.min_face_frames", 2, "coverage frames with a face", 1, 100,
       "a median of face boxes needs at least two to say anything about framing"),
    _S("ranges.min_searched_frames", 3, "coverage frames", 1, 100,
       "a share over fewer than three frames is one frame deciding"),
    _S("runs.majority", 0.5, "share of motion runs over the limit", 0, 1,
       "flicker and shake are judged on most of the tape (half its runs), not one bad moment"),
    _S("scene.margin_s", 1.0, "s before the first line and after the last", 0, 10,
       "a beat, as trimming leaves one (edit.dead_air): what the face checks judge is the scene"),
    _S("scene.min_frames", 3, "coverage frames in the scene", 1, 100,
       "with fewer the scene is not told from the whole tape"),
    _S("audio.silent.voiced_track_s", 1.0, "s of detected speech on another track", 0, 60,
       "a second of speech is a voice (more than a cough or a click): that track holds the actor"),
    _S("audio.too_quiet.min_s", 2.0, "s of quiet speech shown as a stretch", 0, 60,
       "about one line (3 words a second): a quiet word is not a quiet tape"),
    _S("audio.too_loud.min_s", 1.0, "s of loud speech shown as a stretch", 0, 60,
       "a loud second is heard (a shout that hurts), shorter peaks are audio.clipping's"),
    _S("audio.clipping.merge_s", 0.5, "s between clipping events shown as one", 0, 10,
       "clips within half a second are one distorted word"),
    _S("audio.channel_imbalance.min_speech_s", 1.0, "s of speech to compare the channels on", 0, 60,
       "with less, the louder half of the tape stands for the voice"),
    _S("audio.channel_imbalance.dead_dbfs", -80.0, "dBFS", -200, 0,
       "under -80 dBFS a channel holds no signal (16-bit dither sits near -96 dBFS, rooms above -70)"),
    _S("audio.channel_imbalance.max_db", 120.0, "dB shown at most", 0, 300,
       "a dead channel is infinitely quieter: shown as 120 dB, about the range of 20-bit audio"),
    _S("audio.dropouts.zero_ratio", 0.9, "share of a 20 ms hop's samples at exactly zero", 0, 1,
       "digital silence: a hop almost wholly zero (a codec or link delivering nothing)"),
    _S("audio.dropouts.live_dbfs", -70.0, "dBFS: sound over this is live", -200, 0,
       "a quiet room reads -70 to -50 dBFS on a phone; under -70 is the quiet the ends of a tape hold"),
    _S("audio.dropouts.max_s", 3.0, "s: longest gap that is a dropout", 0, 60,
       "a wireless link re-connects within a few seconds; a longer silence is a pause or an edit"),
    _S("audio.dropouts.near_silence_dbfs", -60.0, "dBFS: a cut is at least this quiet", -200, 0,
       "a mute falls under any room's floor (rooms read -70 to -50 dBFS)"),
    _S("audio.dropouts.edge_hops", 2, "20 ms hops read on each side of a gap", 1, 50,
       "40 ms: the sound just before and after a cut, shorter than a syllable"),
    _S("video.frozen.still_factor", 0.1, "share of the limit for consecutive frames", 0, 1,
       "consecutive frames of a still person differ far less than frames a second apart: a tenth"),
    _S("video.frozen.silent_factor", 0.2, "share of the limit without speech", 0, 1,
       "without speech to tell a still scene from a stopped picture only practically identical frames count"),
    _S("video.frozen.bridge_frames", 2, "frames", 0, 10,
       "a keyframe inside a freeze re-encodes the same picture slightly differently for 1-2 frames"),
    _S("video.frozen.gap_frames", 3, "frame steps", 1, 100,
       "decoded frames further apart than this are not consecutive: no freeze is read across the gap"),
    _S("video.frozen.speech_share", 0.3, "share of a frozen stretch with speech", 0, 1,
       "someone speaks through it (lips must move): a still picture in silence is a static shot"),
    _S("video.black_frames.step_tolerance", 1e-6, "s", 0, 1, "float tolerance when joining frame periods"),
    _S("picture.on_face_share", 0.5, "share of coverage frames with a face", 0, 1,
       "sharpness, noise and colour are read on the face when it is there most of the time"),
    _S("picture.default_fps", 30.0, "frames per second", 1, 240,
       "the frame period used when a file states no rate (30 fps is the most common phone rate)"),
    _S("video.portrait.square_tolerance", 1.02, "aspect ratio", 1, 2,
       "sizes are rounded to even pixels: within 2 % of square is square"),
    _S("edit.dead_air.still_diff", 0.01, "median frame difference (0-1)", 0, 1,
       "under 1 % of the picture changing between coverage frames, nothing happens on screen"),
    _S("face.underexposed.dark_frame_luma", 0.08, "frame luma 0-1", 0, 1,
       "the landmark detector finds a face down to about a fifth of normal exposure: a frame mean of 0.08 "
       "(a well-exposed 0.4 at gain 0.2) without a face is called too dark, not empty"),
    _S("face.ranges.min_s", 2.0, "s: shortest stretch a face finding points at", 0, 60,
       "a couple of seconds is a line seen in bad light; shorter is a turn of the head"),
    _S("face.overexposed.min_s", 5.0, "s of hot face in stretches this long", 0, 60,
       "a hot face under the share limit still counts when it lasts 5 s (a scene's worth)"),
    _S("file.damaged.missing_end_share", 0.02, "share of the stated duration", 0, 1,
       "container indexes and last packets differ by a few frames; 2 % of the tape missing is not rounding"),
    _S("upload.audio_kbps", 128, "kbit/s", 0, 1000, "AAC at 128 kbit/s, what phones and editors export by default"),
    _S("upload.margin", 0.95, "share of the size limit to export for", 0, 1,
       "encoders overshoot their target bitrate by a few percent"),
    # ---- guide lines (the HTML report's charts)
    _S("audio.guide.voice_max_lufs", -16.0, "LUFS, speech", -70, 0,
       "AES TD1004 (loudness for streamed and network audio): -16 LUFS for speech; the top of the range "
       "the messages ask for (-20 to -16), drawn with audio.too_quiet.warn_lufs as its bottom"),
    _S("upload.min_video_mbps", 0.1, "Mbit/s", 0, 100, "the least video bitrate ever advised (a floor for very long tapes)"),
]})


def _severity_pairs() -> tuple[tuple[str, str], ...]:
    """(warn key, fail key) of every check with two levels: `x.warn_<what>` beside `x.fail_<what>`."""
    pairs = []
    for key in SETTINGS:
        head, _, tail = key.rpartition(".")
        if tail.startswith("warn_") and f"{head}.fail_{tail[5:]}" in SETTINGS:
            pairs.append((key, f"{head}.fail_{tail[5:]}"))
    return tuple(pairs)


SEVERITY_PAIRS = _severity_pairs()


def _check_order(values: Mapping[str, float], warn_key: str, fail_key: str) -> None:
    """A fail level must be at least as severe as its warn level, on the side the defaults put it: a warn
    threshold set past the fail one would let a worse tape read better (a FAIL turned into a PASS)."""
    fail_above = SETTINGS[fail_key].default > SETTINGS[warn_key].default  # e.g. reader louder by more dB
    warn, fail = values[warn_key], values[fail_key]
    if (fail < warn) if fail_above else (fail > warn):
        side = "at or above" if fail_above else "at or below"
        raise ValueError(f"threshold '{fail_key}' ({fail:g}) must be {side} '{warn_key}' ({warn:g}): "
                         "a fail is the worse case")


class Thresholds:
    """Threshold values by key: defaults from `SETTINGS`, overridden where given."""

    def __init__(self, overrides: Mapping[str, float] | None = None) -> None:
        values = {k: s.default for k, s in SETTINGS.items()}
        for key, value in (overrides or {}).items():
            if key not in SETTINGS:
                raise KeyError(f"unknown threshold '{key}'")
            s = SETTINGS[key]
            if not (s.lo <= float(value) <= s.hi):
                raise ValueError(f"threshold '{key}' must be within {s.lo}..{s.hi} ({s.unit})")
            values[key] = float(value)
        for warn_key, fail_key in SEVERITY_PAIRS:
            _check_order(values, warn_key, fail_key)
        self._values = values

    def __getitem__(self, key: str) -> float:
        return self._values[key]
