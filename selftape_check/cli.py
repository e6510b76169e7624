"""`selftape-check`: the command line, a thin controller over `selftape_check.analyze`.

The library never prints or exits; this module does both. Reports go to stdout, progress and errors
to stderr. Exit codes (CHECKS.md): 0 nothing at fail, 1 a fail finding (or warn with --strict),
2 a file could not be analyzed or the command line was wrong.
"""

from __future__ import annotations

import json
import os
import sys

import click

from . import __version__

MEDIA_EXTENSIONS = {
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mts", ".m2ts", ".ts", ".3gp", ".wmv", ".flv",
    ".mpg", ".mpeg", ".gif", ".wav", ".flac", ".m4a", ".mp3", ".aac", ".ogg", ".opus", ".wma", ".aif", ".aiff",
}

EXAMPLES = """
\b
Examples:
  selftape-check take3.mp4              verdict and advice for one take
  selftape-check ~/tapes/               every take in a folder, with a summary
  selftape-check take3.mp4 --json       the JSON report (schema in docs/report.schema.json)
  selftape-check take3.mp4 --thorough   decode every frame (slower; catches short glitches)
"""


def find_media(paths: tuple[str, ...]) -> tuple[list[str], int]:
    """Files to analyze: files as given; folders searched recursively for media by extension.
    Returns (files, skipped count: hidden or non-media files inside folders)."""
    files: list[str] = []
    skipped = 0
    for p in paths:
        if not os.path.isdir(p):
            files.append(p)
            continue
        seen_dirs: set[tuple[int, int]] = set()
        for root, dirs, names in os.walk(p, followlinks=True):
            st = os.stat(root)
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:  # a symlink loop
                dirs[:] = []
                continue
            seen_dirs.add(key)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith(".") or os.path.splitext(name)[1].lower() not in MEDIA_EXTENSIONS:
                    skipped += 1
                    continue
                files.append(os.path.join(root, name))
    return files, skipped


def exit_code(reports, strict: bool) -> int:
    if any(r.status == "error" for r in reports):
        return 2
    worst = {r.verdict for r in reports}
    if "fail" in worst or (strict and "warn" in worst):
        return 1
    return 0


@click.command(epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report (one document) instead of text.")
@click.option("--thorough", is_flag=True, help="Decode every frame: slower, sees short black flashes and freezes.")
@click.option("--strict", is_flag=True, help="Warnings count as failures for the exit code.")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=1), default=600.0, show_default=True,
              help="Give up on a file after this many seconds (reported as a 'timeout' error).")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages on stderr.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when on a terminal).")
@click.version_option(__version__, prog_name="selftape-check")
def main(paths, as_json, thorough, strict, timeout_s, quiet, color) -> None:
    """Check audition self-tapes before you send them: can casting see your eyes and hear your voice?

    PATHS are video or audio files, or folders to scan for them.
    """
    from .api import analyze
    from .report import render_text, report_to_dict, reports_document

    files, skipped = find_media(paths)
    if not files:
        click.echo(f"selftape-check: no video or audio files found in {', '.join(paths)}", err=True)
        sys.exit(2)
    colour = sys.stdout.isatty() if color is None else color
    progress = not quiet and sys.stderr.isatty() and len(files) > 1
    reports = []
    for i, path in enumerate(files, 1):
        if progress:
            click.echo(f"\r[{i}/{len(files)}] {os.path.basename(path)[:60]:<60}", err=True, nl=False)
        report = analyze(path, thorough=thorough, timeout_s=timeout_s)
        reports.append(report)
        if report.status == "error":
            if progress:
                click.echo("", err=True)
            click.echo(f"selftape-check: {report.error.message}", err=True)
    if progress:
        click.echo("\r" + " " * 72 + "\r", err=True, nl=False)

    if as_json:
        doc = report_to_dict(reports[0]) if len(files) == 1 and not any(os.path.isdir(p) for p in paths) \
            else reports_document(reports)
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        for r in reports:
            if r.status == "ok":
                click.echo(render_text(r, colour))
        if len(reports) > 1:
            click.echo(_summary_table(reports, skipped, colour))
    sys.exit(exit_code(reports, strict))


def _summary_table(reports, skipped: int, colour: bool) -> str:
    from .report.text import _COLOURS

    def c(code: str, text: str) -> str:
        return f"\x1b[{_COLOURS[code]}m{text}\x1b[0m" if colour else text

    name_w = min(48, max(len(os.path.basename(r.path)) for r in reports))
    lines = [f"{'file':<{name_w}}  verdict  top problems"]
    for r in reports:
        name = os.path.basename(r.path)[:name_w]
        if r.status == "error":
            lines.append(f"{name:<{name_w}}  {c('error', 'ERROR  ')}  {r.error.type}")
            continue
        top = ", ".join(f.check for f in r.findings if f.severity != "info")[:70] or "-"
        lines.append(f"{name:<{name_w}}  {c(r.verdict, f'{r.verdict.upper():<7}')}  {top}")
    counts = {k: sum(1 for r in reports if (r.verdict or "error") == k) for k in ("pass", "warn", "fail", "error")}
    total = f"{len(reports)} files: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    if skipped:
        total += f" ({skipped} non-media or hidden files skipped)"
    lines.append(total)
    return "\n".join(lines)


def run() -> None:
    """Console-script entry point: never a traceback, always an exit code."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("selftape-check: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except SystemExit:
        raise
    except Exception as exc:  # a bug: one clear line, not a traceback
        click.echo(f"selftape-check: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    run()
