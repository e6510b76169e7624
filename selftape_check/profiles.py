"""Upload targets (`--profile NAME`): the limits casting platforms publish for a self-tape file.

Each profile holds only what the platform's own help pages state, with the page as its source; sizes
are decimal megabytes (1 MB = 1,000,000 bytes), the reading that is safe whichever one the platform
means. The checks `upload.file_size` and `upload.format` (judge/upload.py) run only with a profile.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    max_mb: float | None = None  # hard limit per file: above it the platform refuses the upload
    ideal_mb_per_min: float | None = None  # a size the platform asks for, not a limit (info)
    extensions: tuple[str, ...] | None = None  # accepted file name extensions, lower case with the dot
    source: str = ""


PROFILES: dict[str, Profile] = {p.name: p for p in [
    Profile("ecocast", "Eco Cast (Breakdown Services / Actors Access)", max_mb=100.0,
            source="https://casting.breakdownexpress.com/help/ecocast/Responding_to_a_self-taped_invitation.htm "
                   "(\"Each video clip can be no larger than 100 mb\"; up to five clips per actor)"),
    Profile("castit", "Cast It Talent", max_mb=100.0, extensions=(".mov", ".mp4"),
            source="https://www.castittalent.com/imovieecl.aspx (\"encoded in Quicktime as either .mov or .mp4 "
                   "files only\"; \"The size of an individual video file should not exceed 100 megabytes\")"),
    Profile("castify", "Castify (free basic account)", max_mb=200.0,
            source="https://www.castify.co.uk/faq/ (a basic account \"will restrict the maximum file size you "
                   "can upload to 200mb\")"),
    Profile("spotlight", "Spotlight casting media platform", ideal_mb_per_min=70.0,
            extensions=(".avi", ".mp4", ".m4v", ".webm", ".mov"),
            source="https://app.spotlight.com/help-and-faqs/spotlight-casting-media-platform-faqs (formats "
                   ".AVI .MP4 .m4v .WEBM .MOV and Apple ProRes; \"A five minute video should ideally be no bigger "
                   "than 350MB\", i.e. 70 MB a minute)"),
]}


def get(name: str | None) -> Profile | None:
    if name is None:
        return None
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile '{name}' (known: {', '.join(PROFILES)})") from None
