"""Audio checks: is there sound, is the voice loud enough, clean, undistorted, on both channels."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..model import Finding
from ..timeline import close_gaps, runs, time_ranges
from .registry import Context, check


def _hop_ranges(ctx: Context, mask: np.ndarray, *, min_s: float = 0.0, merge_s: float | None = None):
    a = ctx.m.audio
    t = np.arange(len(mask)) * a.hop_s
    merge_s = ctx.t["ranges.merge_s"] if merge_s is None else merge_s
    return time_ranges(t, mask, step_s=a.hop_s, min_duration_s=min_s, merge_gap_s=merge_s, end_s=a.duration_s)


def _is_silent(ctx: Context) -> bool:
    a = ctx.m.audio
    return a.integrated_lufs is None or a.integrated_lufs < ctx.t["audio.silent.lufs"]


@check("audio.missing", needs="media")
def missing(ctx: Context) -> Iterator[Finding]:
    if ctx.m.media.audio is not None or ctx.m.media.video is None:
        return
    yield ctx.finding(
        "fail", "The file has no sound track.",
        "Check the camera app records sound (microphone permission) and export with audio.",
    )


@check("audio.silent", needs="audio")
def silent(ctx: Context) -> Iterator[Finding]:
    if not _is_silent(ctx):
        return
    a, info = ctx.m.audio, ctx.m.media.audio
    message = ("The sound track is silent." if a.sample_peak_dbfs is None else
               f"The sound track is practically silent (peak {a.sample_peak_dbfs:.0f} dBFS).")
    advice = "Check the microphone is connected, unmuted and selected in the camera app; record a test first."
    voiced = [o for o in ctx.m.other_audio if o.speech_s >= ctx.t["audio.silent.voiced_track_s"] and o.integrated_lufs is not None
              and o.integrated_lufs >= ctx.t["audio.silent.lufs"]]
    if voiced and info is not None:
        where = ", ".join(f"track {o.track} ({o.integrated_lufs:.0f} LUFS)" for o in voiced)
        message = (f"The sound track players play (track {info.track} of {info.tracks}) is silent; "
                   f"the voice is on {where}.")
        advice = ("Players and casting sites play only the first sound track: export again with the track "
                  "that has your voice as the only one (or set it first in your editor).")
    yield ctx.finding(
        "fail", message, advice,
        value=None if ctx.s.audio.integrated_lufs is None else round(ctx.s.audio.integrated_lufs, 2), threshold=ctx.t["audio.silent.lufs"], unit="LUFS",
    )


def _voice_lufs(ctx: Context) -> float | None:
    s = ctx.s.audio
    return s.speech_lufs if s.speech_lufs is not None else s.integrated_lufs


@check("audio.too_quiet", needs="audio")
def too_quiet(ctx: Context) -> Iterator[Finding]:
    if _is_silent(ctx):
        return
    t = ctx.t
    level = _voice_lufs(ctx)
    if level is None or level >= t["audio.too_quiet.warn_lufs"]:
        return
    severity = "fail" if level < t["audio.too_quiet.fail_lufs"] else "warn"
    yield ctx.finding(
        severity,
        f"Your voice is too quiet ({level:.1f} LUFS; aim for about -20 to -16).",
        "Bring the microphone closer (an external or lavalier mic on you), speak at performance level, "
        "or raise the input gain.",
        value=round(level, 2), threshold=t["audio.too_quiet.warn_lufs"], unit="LUFS (speech)",
        ranges=tuple(_hop_ranges(ctx, ctx.m.audio.speech & (ctx.m.audio.momentary_lufs <
                                                             t["audio.too_quiet.warn_lufs"]), min_s=t["audio.too_quiet.min_s"])),
    )


@check("audio.too_loud", needs="audio")
def too_loud(ctx: Context) -> Iterator[Finding]:
    if _is_silent(ctx):
        return
    t = ctx.t
    level = _voice_lufs(ctx)
    if level is None or level <= t["audio.too_loud.warn_lufs"]:
        return
    a = ctx.m.audio
    yield ctx.finding(
        "warn",
        f"The sound is too loud ({level:.1f} LUFS; aim for about -20 to -16).",
        "Lower the input gain or move the microphone a little further away; don't boost it in editing.",
        value=round(level, 2), threshold=t["audio.too_loud.warn_lufs"], unit="LUFS (speech)",
        ranges=tuple(_hop_ranges(ctx, a.speech & (a.momentary_lufs > t["audio.too_loud.warn_lufs"]),
                                 min_s=t["audio.too_loud.min_s"])),
    )


@check("audio.clipping", needs="audio")
def clipping(ctx: Context) -> Iterator[Finding]:
    """Samples at full scale (>= -0.1 dBFS); each 20 ms hop with any counts as one clipping event."""
    a, t = ctx.m.audio, ctx.t
    clipped = a.clipped_samples > 0
    events = len(runs(clipped))
    if events < t["audio.clipping.min_events"]:
        return
    speech_hops = max(1, int(a.speech.sum()))
    share = float((clipped & a.speech).sum() / speech_hops)
    severity = "fail" if share > t["audio.clipping.fail_share"] else "warn"
    yield ctx.finding(
        severity,
        f"The sound distorts (clips) {events} times" + (f", on {share * 100:.0f}% of the speech." if round(share * 100) >= 1
                                                       else "."),
        "Lower the microphone's input gain (or turn off auto-gain and set it so your loudest line peaks "
        "around -6 dB), or move the mic back a little.",
        value=round(share, 4), threshold=t["audio.clipping.fail_share"], unit="share of speech clipped",
        ranges=tuple(_hop_ranges(ctx, close_gaps(clipped, int(t["audio.clipping.merge_s"] / a.hop_s)),
                                 merge_s=t["ranges.shown_gap_s"])),
    )


@check("audio.noisy", needs="audio")
def noisy(ctx: Context) -> Iterator[Finding]:
    if _is_silent(ctx):
        return
    t = ctx.t
    snr = ctx.s.audio.snr_db
    if snr is None or snr >= t["audio.noisy.warn_snr_db"]:
        return
    severity = "fail" if snr < t["audio.noisy.fail_snr_db"] else "warn"
    floor = ctx.s.audio.noise_floor_dbfs
    yield ctx.finding(
        severity,
        "Background noise is high: " + (f"your voice is only {snr:.0f} dB above it" if round(snr) > 0 else
                                        "it is as loud as your voice" if round(snr) == 0 else
                                        f"it is {-snr:.0f} dB louder than your voice")
        + (f" (noise floor {floor:.0f} dBFS)." if floor is not None else "."),
        "Record in a quiet room: turn off fans, AC and the fridge, close windows; put the mic closer to you.",
        value=round(snr, 1), threshold=t["audio.noisy.warn_snr_db"], unit="dB SNR",
    )


@check("audio.channel_imbalance", needs="audio")
def channel_imbalance(ctx: Context) -> Iterator[Finding]:
    a, t = ctx.m.audio, ctx.t
    if a.channels < 2 or _is_silent(ctx):
        return
    sel = a.speech if a.speech.sum() * a.hop_s >= t["audio.channel_imbalance.min_speech_s"] \
        else a.rms_dbfs > np.median(a.rms_dbfs)  # without speech: the louder half of the tape
    if not sel.any():
        return
    levels = [10 * np.log10(np.mean(10 ** (a.channel_rms_dbfs[sel, c] / 10))) for c in range(a.channels)]
    diff = float(abs(levels[0] - levels[1]))
    if diff < t["audio.channel_imbalance.db"]:
        return
    quiet = "left" if levels[0] < levels[1] else "right"
    dead = min(levels) < t["audio.channel_imbalance.dead_dbfs"]
    yield ctx.finding(
        "warn",
        f"The {quiet} channel is {'silent' if dead else f'{diff:.0f} dB quieter'}: the voice plays in one ear.",
        "Record or export as mono (or 'dual mono') when using a single microphone.",
        value=round(min(diff, t["audio.channel_imbalance.max_db"]), 1), threshold=t["audio.channel_imbalance.db"], unit="dB between channels",
    )


@check("audio.dropouts", needs="audio")
def dropouts(ctx: Context) -> Iterator[Finding]:
    """Gaps inside the sound: runs of all-zero hops (digital silence) that cut sound off, or
    sudden cuts: runs far under the room's own noise floor (a room never falls silent below its floor)
    entered and left from sound 15 dB or more over the floor, as when a wireless link or a recording
    drops out mid-phrase and the receiver mutes. A noise gate closing in a pause does not count, even
    to digital silence: it closes after the voice has faded to the floor and opens on the voice."""
    a, t = ctx.m.audio, ctx.t
    if _is_silent(ctx):
        return
    zero = a.digital_zero_ratio >= t["audio.dropouts.zero_ratio"]
    live = ~zero & (a.rms_dbfs > t["audio.dropouts.live_dbfs"])
    idx_live = np.flatnonzero(live)
    if idx_live.size == 0:
        return
    first, last = idx_live[0], idx_live[-1]
    min_s, max_s = t["audio.dropouts.min_s"], t["audio.dropouts.max_s"]
    k = int(t["audio.dropouts.edge_hops"])

    def inside(s: int, e: int) -> bool:  # not leading / trailing silence, and gap-sized
        return first < s and e <= last and min_s <= (e - s) * a.hop_s <= max_s

    floor = ctx.s.audio.noise_floor_dbfs
    edge = None if floor is None else floor + t["audio.dropouts.cut_edge_over_floor_db"]

    def before(s: int) -> float:  # the level just before a run (`inside` keeps s >= 1)
        return float(a.rms_dbfs[max(0, s - k):s].max())

    def after(e: int) -> float:  # the level just after a run (`inside` keeps e before the end)
        return float(a.rms_dbfs[e:e + k].max())

    # digital silence that cuts sound off: not a noise gate (or an app's noise suppression) shutting the
    # room out, which closes only once the sound has faded to the floor, nor a splice in a pause. Where
    # a gate hides the room, the floor read from what is left is too high: sound within 15 dB of the
    # voice's median level counts as cut off too
    voice_db = float(np.median(a.rms_dbfs[a.speech])) if a.speech.any() else None
    cut_off = edge
    if voice_db is not None and edge is not None:
        cut_off = min(edge, voice_db - t["audio.dropouts.cut_edge_over_floor_db"])
    taken = [(s, e) for s, e in runs(zero) if inside(s, e) and (cut_off is None or before(s) >= cut_off)]
    if floor is not None:
        quiet = zero | (a.rms_dbfs <= min(floor - t["audio.dropouts.cut_below_floor_db"],
                                               t["audio.dropouts.near_silence_dbfs"]))
        for s, e in runs(quiet):
            if not inside(s, e) or any(s < te and ts < e for ts, te in taken):
                continue
            # a cut to near-silence: sound well over the floor on both sides
            if before(s) >= edge and after(e) >= edge:
                taken.append((s, e))
    gaps = [(round(s * a.hop_s, 2), round(e * a.hop_s, 2)) for s, e in sorted(taken)]
    if not gaps:
        return
    yield ctx.finding(
        "warn",
        f"The sound drops out {len(gaps)} time{'s' if len(gaps) > 1 else ''} (gaps of silence cutting into the "
        "sound).",
        "Check the wireless mic's range and battery, or the cable; record again if a line is cut.",
        value=float(len(gaps)), threshold=1.0, unit="dropouts", ranges=tuple(gaps),
    )


@check("audio.hum", needs="audio")
def hum(ctx: Context) -> Iterator[Finding]:
    s, t = ctx.s.audio, ctx.t
    if s.hum_ratio_db is None or s.hum_level_dbfs is None or _is_silent(ctx):
        return
    if s.hum_ratio_db < t["audio.hum.ratio_db"] or s.hum_level_dbfs < t["audio.hum.level_dbfs"]:
        return
    yield ctx.finding(
        "warn",
        f"There is a {s.hum_mains_hz} Hz mains hum under the sound ({s.hum_level_dbfs:.0f} dBFS).",
        "Plug the mic or interface into a different socket, away from dimmers and chargers; use a "
        "battery-powered recorder or the phone's own mic; keep audio cables away from power cables.",
        value=round(s.hum_ratio_db, 1), threshold=t["audio.hum.ratio_db"], unit="dB line over neighbourhood",
    )


@check("audio.echo", needs="audio")
def echo(ctx: Context) -> Iterator[Finding]:
    t = ctx.t
    rt60 = ctx.s.audio.reverb_s
    if rt60 is None:
        return
    limit = t["audio.echo.rt60_s"]
    if rt60 < limit:
        return
    yield ctx.finding(
        "warn",
        "The room echoes: your voice rings on after each phrase.",
        "Record in a smaller, furnished room (sofa, curtains, rugs), hang blankets out of shot, and put "
        "the mic closer to you.",
        value=round(rt60, 2), threshold=limit, unit="s decay-rate reverberation estimate",
    )
