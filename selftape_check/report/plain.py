"""The report in an actor's words: what casting will notice, in units a person knows (stops of light,
decibels, seconds, shares of the frame), with the engineering value kept beside it for support.

Used by the text and HTML reports. The JSON report keeps each finding's own message; nothing here
changes a finding, it only says it another way. Nothing here claims what was not measured: a file
without a picture says so instead of "casting can see your eyes".

Conversions, each from its standard:
- stops (doublings of light) from luma: luma is gamma-encoded (ITU-R BT.709 OETF), so two lumas are
  turned back into scene light by the inverse OETF, L = ((V + 0.099) / 1.099) ** (1 / 0.45) (V / 4.5
  under 0.081), before their ratio is taken in powers of two;
- how much louder a sound seems: loudness doubles every 10 dB (Stevens' sone scale, ISO 532), so a
  difference of d dB sounds 2 ** (d / 10) times as loud.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

from ..model import Finding, Report

# what each check catches, for --list-checks and docs (the contract's "fires when", in plain words)
CATCHES: dict[str, str] = {
    "face.missing": "no face on camera for a noticeable share or stretch of the scene",
    "face.eyes_hidden": "a face is seen but not its eyes (shadow, glasses, hair, turned away)",
    "face.multiple": "another person's face is in the frame for much of the tape",
    "face.underexposed": "the face is too dark to read",
    "face.overexposed": "the face is too bright or burns out to white",
    "face.backlit": "a window or lamp behind you is much brighter than your face",
    "face.uneven_light": "one side of the face much darker than the other",
    "face.too_small": "framed too wide: the face is small in the picture",
    "face.cropped": "the face is cut off by the edge of the frame, or framed too tight",
    "face.off_center": "the face sits far from the usual self-tape position",
    "image.blurry": "the face (or the picture) is out of focus or smeared",
    "image.noisy": "a grainy picture (usually too little light)",
    "image.color_cast": "colours tinted: skin tones look wrong (white balance off)",
    "image.flicker": "the brightness pulses (flickering lights, exposure hunting)",
    "camera.shaky": "the camera moves: handheld shake or drift",
    "video.portrait": "the tape plays vertical",
    "video.low_resolution": "a picture smaller than casting sites expect (720p)",
    "video.low_frame_rate": "too few frames a second: choppy motion",
    "video.black_frames": "the picture goes black inside the tape",
    "video.frozen": "the picture freezes while the sound goes on",
    "edit.dead_air": "long silence before the first line or after the last",
    "edit.slate": "the slate, found and timed (for the record, never a problem)",
    "audio.missing": "the file has no sound track",
    "audio.silent": "the sound track is silent",
    "audio.too_quiet": "the voice is too quiet",
    "audio.too_loud": "the sound is too loud",
    "audio.clipping": "the sound distorts (clips) at its loudest",
    "audio.noisy": "background noise close to the voice's level",
    "audio.hum": "an electrical (mains) hum under the sound",
    "audio.echo": "an echoing room: the voice rings on after each phrase",
    "audio.dropouts": "the sound cuts out for moments",
    "audio.channel_imbalance": "the sound plays in one ear only",
    "audio.reader_louder": "the off-camera reader is louder than you",
    "av.sync_offset": "sound and picture out of sync",
    "file.damaged": "a file damaged in places, or cut off before its end",
    "upload.file_size": "with --profile: a file larger than the platform takes",
    "upload.format": "with --profile: a file type the platform does not take",
}

# a few words for each problem: the summary table and the HTML timeline's lanes
SHORT: dict[str, str] = {
    "face.missing": "face not seen", "face.eyes_hidden": "eyes hidden",
    "face.multiple": "a second face", "face.underexposed": "face too dark",
    "face.overexposed": "face too bright", "face.backlit": "backlit", "face.uneven_light": "uneven light",
    "face.too_small": "face small", "face.cropped": "face cut off", "face.off_center": "off centre",
    "image.blurry": "blurry", "image.noisy": "grainy", "image.color_cast": "colour tint",
    "image.flicker": "flicker", "camera.shaky": "shaky camera", "video.portrait": "vertical",
    "video.low_resolution": "low resolution", "video.low_frame_rate": "low frame rate",
    "video.black_frames": "black frames", "video.frozen": "frozen picture", "edit.dead_air": "dead air",
    "edit.slate": "slate", "audio.missing": "no sound", "audio.silent": "silent sound",
    "audio.too_quiet": "voice quiet", "audio.too_loud": "too loud", "audio.clipping": "distortion",
    "audio.noisy": "background noise", "audio.hum": "hum", "audio.echo": "echo",
    "audio.dropouts": "sound drops out", "audio.channel_imbalance": "one ear only",
    "audio.reader_louder": "reader louder", "av.sync_offset": "out of sync", "file.damaged": "damaged file",
    "upload.file_size": "file too big", "upload.format": "file type",
}

VOICE_FOUND_RATIO = 0.05  # share of the track with voice activity under which no voice is claimed
AIM_LUFS = (-20.0, -16.0)  # the voice level the findings advise (AES TD1004 streaming range)


@dataclass(frozen=True)
class Plain:
    """One finding for a person: what casting will notice, and the measured value for support."""

    what: str
    measured: str  # engineering figures: "face luma 0.11 (limit 0.25)"; "" when there are none


def scene_light(luma: float) -> float:
    """Relative scene light of a luma value (0-1), by the inverse ITU-R BT.709 OETF."""
    v = min(max(float(luma), 0.0), 1.0)
    return v / 4.5 if v < 0.081 else ((v + 0.099) / 1.099) ** (1 / 0.45)


def stops(brighter_luma: float, darker_luma: float) -> float:
    """How many stops (doublings of light) one luma is over another."""
    lo = max(scene_light(darker_luma), 1e-4)
    return math.log2(max(scene_light(brighter_luma), 1e-4) / lo)


def _half(x: float) -> str:
    """A figure to the nearest half: "1.5", "2", never "0"."""
    h = max(0.5, round(x * 2) / 2)
    return f"{h:g}"


def _stops_text(x: float) -> str:
    h = _half(x)
    return f"about {h} stop{'' if h == '1' else 's'}"


def _times_as_loud(db: float) -> str:
    """'twice as loud', 'about 1.5 times as loud', from a level difference (sone scale)."""
    r = 2 ** (abs(db) / 10)
    if 1.8 <= r < 2.2:
        return "about twice"
    if r < 1.15:
        return "about as"
    return f"about {r:.1f} times" if r < 10 else f"about {r:.0f} times"


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _num(x: float | None) -> str:
    return "?" if x is None else f"{x:g}"


def _eng(f: Finding) -> str:
    """The finding's own value against its limit, in its own unit."""
    if f.value is None:
        return ""
    unit = f" {f.unit}" if f.unit else ""
    if f.threshold is None:
        return f"{f.value:g}{unit}"
    return f"{f.value:g}{unit} (limit {f.threshold:g})"


def _audio(r: Report) -> dict:
    return (r.metrics or {}).get("audio", {}) or {}


def _video(r: Report) -> dict:
    return (r.metrics or {}).get("video", {}) or {}


def voice_found(r: Report) -> bool:
    """Whether voice activity was found on a meaningful share of the sound (not noise alone)."""
    ratio = _audio(r).get("speech_ratio")
    return ratio is not None and ratio >= VOICE_FOUND_RATIO


# ---------------------------------------------------------------- one sentence per check
def _underexposed(f: Finding, r: Report) -> str:
    gap = stops(f.threshold or 0.25, f.value or 0.0)
    return (f"Your face is too dark to read well: it needs {_stops_text(gap)} more light "
            f"({_light_factor(gap)}).")


def _light_factor(stops_: float) -> str:
    k = 2 ** max(0.5, round(stops_ * 2) / 2)
    return "twice as much" if abs(k - 2) < 0.05 else f"about {k:.1f} times as much" if k < 10 else \
        f"about {k:.0f} times as much"


def _overexposed(f: Finding, r: Report) -> str:
    return f"Your face burns out to white: {_pct(f.value or 0)} of it has no detail left."


def _backlit(f: Finding, r: Report) -> str:
    face = _video(r).get("face_luma_median")
    ratio = f.value or 1.0
    if face is not None and face > 0:
        gap = stops(min(1.0, face * ratio), face)
        how = f"the background behind you is {_stops_text(gap)} brighter than your face"
    else:
        how = f"the background behind you is {ratio:.1f} times as bright as your face"
    return f"You are backlit: {how}, so the camera darkens you."


def _uneven(f: Finding, r: Report) -> str:
    gap = stops(10 ** ((f.value or 0) / 20), 1.0) if f.value else 0
    return f"One side of your face is {_stops_text(gap)} darker than the other."


def _eyes(f: Finding, r: Report) -> str:
    return f"Casting can't make out your eyes in {_pct(f.value or 0)} of the shots where your face is seen."


def _missing_face(f: Finding, r: Report) -> str:
    if f.value is not None and f.value < 0.999:
        return (f"Casting can't see your face for {_pct(1 - f.value)} of "
                f"{'the scene' if 'scene' in f.message else 'the tape'}.")
    return "Your face leaves the frame for a noticeable stretch."


def _too_small(f: Finding, r: Report) -> str:
    return (f"You are framed too wide: your face fills only {_pct(f.value or 0)} of the picture's height "
            "(a self-tape shows it at about a quarter).")


def _blurry(f: Finding, r: Report) -> str:
    where = "face" if "face" in f.message else "picture"
    return f"Your {where} looks soft: out of focus or smeared by movement."


def _noisy_picture(f: Finding, r: Report) -> str:
    return "The picture is grainy, the sign of too little light."


def _flicker(f: Finding, r: Report) -> str:
    return f"The brightness pulses by about {f.value or 0:.0f}% from moment to moment (flickering light)."


def _shaky(f: Finding, r: Report) -> str:
    width = r.media.video.display_width if r.media and r.media.video else None
    if width and f.value:
        px = f.value / 100 * width
        return f"The camera moves: the picture jumps about {px:.0f} pixel{'s' if round(px) != 1 else ''} every frame."
    return "The camera moves: the picture shakes or drifts."


def _low_res(f: Finding, r: Report) -> str:
    v = r.media.video if r.media else None
    size = f"{v.display_width}x{v.display_height}" if v else f"{_num(f.value)} px high"
    return f"The picture is small ({size}): casting sites expect at least 720p (1280x720), ideally 1080p."


def _low_fps(f: Finding, r: Report) -> str:
    return f"Motion looks choppy: the video runs at {f.value or 0:.0f} frames a second (24, 25 or 30 is normal)."


def _too_quiet(f: Finding, r: Report) -> str:
    if not voice_found(r):
        return "No clear voice: what little sound there is is very quiet."
    under = AIM_LUFS[0] - (f.value or AIM_LUFS[0])
    return (f"Your voice is quiet: about {under:.0f} dB under a comfortable level, so it sounds "
            f"{_fraction_as_loud(under)} as it should; casting has to turn the volume up.")


def _fraction_as_loud(db_under: float) -> str:
    r = 2 ** (-max(0.0, db_under) / 10)
    if r < 0.45:
        return "less than half as loud"
    if r < 0.6:
        return "about half as loud"
    return f"about {r * 100:.0f}% as loud"


def _too_loud(f: Finding, r: Report) -> str:
    over = (f.value or AIM_LUFS[1]) - AIM_LUFS[1]
    return f"The sound is loud: about {over:.0f} dB over a comfortable level; it may blare on casting's speakers."


def _clipping(f: Finding, r: Report) -> str:
    return f.message.replace("The sound distorts (clips)", "The sound crackles and distorts (clips)")


def _noisy_sound(f: Finding, r: Report) -> str:
    snr = f.value or 0.0
    if not voice_found(r):
        return ("No voice was found on this track, only background noise: if you speak on it, you are lost "
                "in the noise.")
    if snr < 6:
        return (f"Background noise is as loud as your voice (the voice stands only {snr:.0f} dB over it): "
                "casting will struggle to make out your lines.")
    return (f"Background noise is easy to hear under your voice: the voice stands only {snr:.0f} dB over it "
            "(a quiet room gives 20 dB or more).")


def _hum(f: Finding, r: Report) -> str:
    hz = _audio(r).get("hum_mains_hz")
    return f"A low electrical hum{f' ({hz} Hz)' if hz else ''} runs under the sound."


def _echo(f: Finding, r: Report) -> str:
    return "The room echoes: your voice rings on after each phrase, as in a bathroom or an empty room."


def _no_sound(f: Finding, r: Report) -> str:
    return "The file has no sound: casting won't hear you at all."


def _reader(f: Finding, r: Report) -> str:
    d = f.value or 0.0
    return (f"The reader is louder than you: {d:.0f} dB, {_times_as_loud(d)} as loud. Casting hears the "
            "reader's lines over your performance.")


SENTENCES: Mapping[str, Callable[[Finding, Report], str]] = {
    "face.underexposed": _underexposed, "face.overexposed": _overexposed, "face.backlit": _backlit,
    "face.uneven_light": _uneven, "face.eyes_hidden": _eyes, "face.missing": _missing_face,
    "face.too_small": _too_small, "image.blurry": _blurry, "image.noisy": _noisy_picture,
    "image.flicker": _flicker, "camera.shaky": _shaky, "video.low_resolution": _low_res,
    "video.low_frame_rate": _low_fps, "audio.too_quiet": _too_quiet, "audio.too_loud": _too_loud,
    "audio.clipping": _clipping, "audio.noisy": _noisy_sound, "audio.hum": _hum, "audio.echo": _echo,
    "audio.reader_louder": _reader, "audio.missing": _no_sound,
}

# engineering figures that read better than the finding's own value/unit
def _measured(f: Finding, r: Report) -> str:
    a = _audio(r)
    if f.check == "face.underexposed":
        return f"face luma {_num(f.value)} on 0-1 (limit {_num(f.threshold)})"
    if f.check == "audio.too_quiet" or f.check == "audio.too_loud":
        return f"speech loudness {_num(f.value)} LUFS (limit {_num(f.threshold)}; aim -20 to -16)"
    if f.check == "audio.noisy":
        floor = a.get("noise_floor_dbfs")
        return (f"speech-to-noise {_num(f.value)} dB (limit {_num(f.threshold)})"
                + (f", noise floor {floor:g} dBFS" if floor is not None else ""))
    if f.check == "audio.reader_louder":
        return (f"reader {_num(a.get('reader_lufs'))} LUFS, you {_num(a.get('actor_lufs'))} LUFS: "
                f"+{_num(f.value)} dB (limit {_num(f.threshold)})")
    if f.check == "audio.hum":
        return (f"line {_num(f.value)} dB over its neighbourhood (limit {_num(f.threshold)}), "
                f"{_num(a.get('hum_level_dbfs'))} dBFS")
    if f.value is not None and (f.unit or "").startswith("share") and f.threshold is not None:
        return f"{f.unit} {f.value * 100:.0f}% (limit {f.threshold * 100:.0f}%)"
    return _eng(f)


def _share_of_tape(f: Finding, r: Report) -> str:
    """' for 62% of the tape' from the finding's ranges, '' for the whole tape or without ranges."""
    duration = r.media.duration_s if r.media else 0.0
    if not f.ranges or duration <= 0:
        return ""
    covered = sum(b - a for a, b in f.ranges) / duration
    return "" if covered >= 0.95 else f" for {_pct(covered)} of the tape"


def describe(f: Finding, r: Report) -> Plain:
    """A finding for a person: the sentence of its check (else its own message) and its figures."""
    sentence = SENTENCES.get(f.check)
    what = sentence(f, r) if sentence is not None else f.message
    return Plain(what=what, measured=_measured(f, r))


# ---------------------------------------------------------------- the verdict and what was checked
def problems(r: Report) -> list[Finding]:
    return [f for f in r.findings if f.severity != "info"]


def headline(r: Report) -> str:
    """The verdict in plain words: 'Ready to send', 'Fix before sending: 2 problems', ..."""
    if r.status != "ok":
        return "Could not check this file"
    n = len(problems(r))
    count = f"{n} problem{'s' if n != 1 else ''}"
    if r.verdict == "fail":
        return f"Fix before sending: {count}"
    if r.verdict == "warn":
        return f"Worth fixing before sending: {count}"
    return "Ready to send"


def severity_words(severity: str) -> str:
    return {"fail": "must fix", "warn": "worth fixing", "info": "note"}[severity]


def whole_tape(f: Finding, r: Report) -> bool:
    duration = r.media.duration_s if r.media else 0.0
    return bool(f.ranges) and duration > 0 and sum(b - a for a, b in f.ranges) >= 0.95 * duration


def checked(r: Report) -> list[str]:
    """What was measured and found fine, and what could not be checked, one plain line each."""
    if r.status != "ok" or r.media is None:
        return []
    out: list[str] = []
    vm, am = _video(r), _audio(r)
    flagged = {f.check for f in problems(r)}
    if r.media.video is None:
        out.append("No picture in this file: face, eyes, light and framing were not checked.")
    elif vm.get("face_visible_ratio") is not None:
        bits = []
        if "face.missing" not in flagged:
            bits.append(f"face seen {_pct(vm['face_visible_ratio'])} of the time")
        if vm.get("eyes_visible_ratio") is not None and vm["face_visible_ratio"] > 0 \
                and "face.eyes_hidden" not in flagged:
            bits.append(f"eyes seen in {_pct(vm['eyes_visible_ratio'])} of the shots with your face")
        if vm.get("face_luma_median") is not None and not flagged & {"face.underexposed", "face.overexposed",
                                                                        "face.backlit"}:
            bits.append(f"face brightness {vm['face_luma_median'] * 100:.0f} of 100")
        if bits:
            out.append("Picture: " + ", ".join(bits) + ".")
    if r.media.audio is None:
        out.append("No sound track: nothing could be heard or checked.")
    elif am.get("integrated_lufs") is None:
        pass  # silent: the finding says so
    elif not voice_found(r):
        out.append("Sound: no voice was found on the track.")
    else:
        bits = []
        if am.get("actor_lufs") is not None and am.get("reader_lufs") is not None:
            d = am["reader_lufs"] - am["actor_lufs"]
            bits.append(f"the reader {abs(d):.0f} dB {'louder' if d > 0 else 'quieter'} than you")
        level = am.get("speech_lufs")
        if level is not None and "audio.too_quiet" not in flagged and "audio.too_loud" not in flagged:
            mid = sum(AIM_LUFS) / 2
            bits.append("voice at a comfortable level" if abs(level - mid) <= 4 else
                        f"voice {abs(level - mid):.0f} dB {'under' if level < mid else 'over'} the usual level")
        if am.get("snr_db") is not None and "audio.noisy" not in flagged:
            bits.append(f"background {am['snr_db']:.0f} dB under the voice")
        if bits:
            out.append("Sound: " + ", ".join(bits) + ".")
    return out


def profile_line(r: Report) -> str | None:
    """With --profile and the file within the platform's limits: say so, with the figures."""
    if r.profile is None or r.status != "ok":
        return None
    from ..profiles import PROFILES

    p = PROFILES.get(r.profile)
    if p is None or any(f.check.startswith("upload.") and f.severity != "info" for f in r.findings):
        return None
    bits = []
    if p.max_mb is not None and r.size_bytes is not None:
        bits.append(f"{r.size_bytes / 1e6:.1f} MB of the {p.max_mb:.0f} MB it takes")
    if p.extensions:
        import os

        bits.append(f"{os.path.splitext(r.path)[1][1:].upper()} is a type it takes")
    return f"{p.title}: within its limits" + (f" ({', '.join(bits)})." if bits else ".")


# ---------------------------------------------------------------- why a check passed or was skipped (-v)
def _f(x, fmt: str = "g") -> str:
    return "?" if x is None else format(x, fmt)


def _p(x) -> str:
    return "?" if x is None else f"{x * 100:.0f}%"


def _passed_reason(check: str, r: Report, t: Mapping[str, float]) -> str:
    """Why a check that ran raised nothing, from the report's metrics and the thresholds in force."""
    vm, am, em = _video(r), _audio(r), (r.metrics or {}).get("edit", {}) or {}
    v = r.media.video if r.media else None
    reasons: dict[str, Callable[[], str]] = {
        "face.missing": lambda: (f"face seen in {_p(vm.get('face_visible_ratio'))} of frames (fires under "
                                 f"{t['face.missing.warn_ratio'] * 100:g}%, or {t['face.missing.min_gap_s']:g} s "
                                 "without)"),
        "face.eyes_hidden": lambda: (f"eyes seen in {_p(vm.get('eyes_visible_ratio'))} of face frames (fires "
                                     f"when hidden in over {t['face.eyes_hidden.ratio'] * 100:g}%)"),
        "face.underexposed": lambda: f"face luma {_f(vm.get('face_luma_median'))} "
                                     f"(fires under {t['face.underexposed.warn_luma']:g} on most of the tape)",
        "face.overexposed": lambda: (f"face luma {_f(vm.get('face_luma_median'))} (limit "
                                     f"{t['face.overexposed.warn_luma']:g}), clipped "
                                     f"{_p(vm.get('face_clipped_ratio_median'))} "
                                     f"(limit {t['face.overexposed.clip_ratio'] * 100:g}%)"),
        "face.backlit": lambda: f"background/face {_f(vm.get('background_face_ratio_median'))} "
                                f"(limit {t['face.backlit.ratio']:g})",
        "face.uneven_light": lambda: f"{_f(vm.get('face_lr_balance_db_median'))} dB between face halves "
                                     f"(limit {t['face.uneven_light.warn_db']:g})",
        "face.too_small": lambda: f"face height {_f(vm.get('face_height_median'))} of the frame "
                                  f"(limit {t['face.too_small.height']:g})",
        "face.cropped": lambda: f"face height {_f(vm.get('face_height_median'))} of the frame "
                                f"(limit {t['face.cropped.height']:g}), clear of the edges",
        "face.off_center": lambda: f"face centre at {_f(vm.get('face_center_x_median'))} of the width, eye line "
                                   f"{_f(vm.get('eye_line_median'))} of the height (allowed "
                                   f"{t['face.off_center.eyes_lo']:g}-{t['face.off_center.eyes_hi']:g})",
        "image.blurry": lambda: f"sharpness {_f(vm.get('sharpness_median'))} (limit {t['image.blurry.sharpness']:g})",
        "image.noisy": lambda: f"noise {_f(vm.get('noise_sigma_median'))} gray levels "
                               f"(limit {t['image.noisy.sigma']:g})",
        "image.color_cast": lambda: (f"skin colour distance {_f(vm.get('skin_cast_distance_median'))} "
                                     f"(limit {t['image.color_cast.skin_distance']:g})"
                                     if vm.get("skin_cast_distance_median") is not None
                                     else "not judged without a face to read skin colour from"),
        "image.flicker": lambda: f"flicker {_f(vm.get('flicker_pct_median'))}% (limit {t['image.flicker.pct']:g}%)",
        "camera.shaky": lambda: f"shift {_f(vm.get('shake_pct_median'))}% of the width a frame "
                                f"(limit {t['camera.shaky.pct_per_frame']:g}%)",
        "video.portrait": lambda: f"plays {v.display_width}x{v.display_height}" if v else "no picture",
        "video.low_resolution": lambda: (f"short side {min(v.display_width, v.display_height)} px (limit "
                                         f"{t['video.low_resolution.warn_short_side']:g})" if v else ""),
        "video.low_frame_rate": lambda: (f"{v.fps:.2f} fps (limit {t['video.low_frame_rate.warn_fps']:g})"
                                         if v and v.fps else "frame rate not stated"),
        "video.black_frames": lambda: f"no black frame inside the tape in {_f(vm.get('frames_decoded'))} "
                                      "decoded frames",
        "video.frozen": lambda: f"no freeze of {t['video.frozen.min_s']:g} s or more found",
        "edit.dead_air": lambda: (f"{_f(em.get('lead_silence_s'))} s before the first line, "
                                  f"{_f(em.get('tail_silence_s'))} s after the last "
                                  f"(limit {t['edit.dead_air.max_s']:g})"),
        "edit.slate": lambda: "no slate found",
        "audio.missing": lambda: "the file has a sound track",
        "audio.silent": lambda: f"loudness {_f(am.get('integrated_lufs'))} LUFS (silent under "
                                f"{t['audio.silent.lufs']:g})",
        "audio.too_quiet": lambda: (f"speech {_f(am.get('speech_lufs'))} LUFS "
                                    f"(limit {t['audio.too_quiet.warn_lufs']:g})"),
        "audio.too_loud": lambda: f"speech {_f(am.get('speech_lufs'))} LUFS (limit {t['audio.too_loud.warn_lufs']:g})",
        "audio.clipping": lambda: f"peak {_f(am.get('sample_peak_dbfs'))} dBFS; fewer than "
                                  f"{t['audio.clipping.min_events']:g} clipped moments",
        "audio.noisy": lambda: (f"speech-to-noise {_f(am.get('snr_db'))} dB (limit {t['audio.noisy.warn_snr_db']:g})"
                                if am.get("snr_db") is not None else "no speech and pauses to compare"),
        "audio.hum": lambda: f"strongest mains line {_f(am.get('hum_ratio_db'))} dB over its neighbourhood "
                             f"(limit {t['audio.hum.ratio_db']:g}) at {_f(am.get('hum_level_dbfs'))} dBFS",
        "audio.echo": lambda: (f"reverberation {_f(am.get('reverb_s'))} s (limit {t['audio.echo.rt60_s']:g})"
                               if am.get("reverb_s") is not None else "too few decaying phrases to measure"),
        "audio.dropouts": lambda: "no gap of digital silence cutting into the sound",
        "audio.channel_imbalance": lambda: ("one channel" if r.media.audio and r.media.audio.channels == 1
                                            else f"channels within {t['audio.channel_imbalance.db']:g} dB"),
        "audio.reader_louder": lambda: (
            f"reader {_f(am.get('reader_lufs'))} LUFS, you {_f(am.get('actor_lufs'))} LUFS "
            f"(limit {t['audio.reader_louder.warn_db']:g} dB)" if am.get("reader_lufs") is not None
            else "one voice heard (no reader told apart)"),
        "file.damaged": lambda: "no damaged frame or sound packet, and the data reaches the stated end",
        "upload.file_size": lambda: (f"{r.size_bytes / 1e6:.1f} MB" if r.size_bytes is not None else "size unknown"),
        "upload.format": lambda: "the file type is accepted",
    }
    fn = reasons.get(check)
    try:
        return fn() if fn is not None else "nothing found"
    except (KeyError, TypeError, ValueError):
        return "nothing found"


def check_status(check: str, needs: str, r: Report, t: Mapping[str, float],
                 disabled: frozenset[str] = frozenset()) -> tuple[str, str]:
    """("found" | "passed" | "skipped", why) for one registered check on an analyzed report."""
    hits = [f for f in r.findings if f.check == check]
    if hits:
        return "found", "; ".join(f"{f.severity}: {_eng(f) or f.message}" for f in hits)
    if check in disabled:
        return "skipped", "turned off (--disable or config)"
    m = r.media
    if check.startswith("upload.") and r.profile is None:
        return "skipped", "only with --profile"
    no_picture = m is None or m.video is None
    picture_measured = (_video(r).get("frames_analyzed") or 0) > 0
    if needs in ("video", "av") and (no_picture or not picture_measured):
        return "skipped", "no picture in the file" if no_picture else "no frame could be decoded"
    if needs in ("audio", "av") and (m is None or m.audio is None):
        return "skipped", "no sound track"
    return "passed", _passed_reason(check, r, t)
