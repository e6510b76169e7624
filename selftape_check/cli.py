"""`selftape-check`: the command line, a thin controller over `selftape_check.analyze`.

The library never prints or exits; this module does both. Reports go to stdout, progress and errors
to stderr. Exit codes (CHECKS.md): 0 nothing at fail, 1 a fail finding (or a warning with --strict /
--fail-on warn), 2 a file could not be analyzed or the command line was wrong.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

import click

from . import __version__
from .profiles import PROFILES

MEDIA_EXTENSIONS = {
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mts", ".m2ts", ".ts", ".3gp", ".wmv", ".flv",
    ".mpg", ".mpeg", ".gif", ".wav", ".flac", ".m4a", ".mp3", ".aac", ".ogg", ".opus", ".wma", ".aif", ".aiff",
}

EXAMPLES = """
\b
Examples:
  selftape-check take3.mp4                 verdict and advice for one take
  selftape-check ~/tapes/                  every take in a folder, with a summary table
  selftape-check take3.mp4 --json          the JSON report (schema: docs/report.schema.json)
  selftape-check ~/tapes/ --jsonl          one JSON report per line, as each file finishes
  selftape-check ~/tapes/ --csv tapes.csv  a spreadsheet row per file
  selftape-check ~/tapes/ --html rep.html  a page with pictures of the worst moments and timelines
  selftape-check take3.mp4 --thorough      decode every frame (slower; catches short glitches)
  selftape-check take3.mp4 --profile ecocast   also check Eco Cast's 100 MB file limit
\b
Exit codes: 0 nothing at fail, 1 a fail (or a warning with --strict), 2 a file could not be analyzed.
Settings: --config FILE, or [tool.selftape-check] in the nearest pyproject.toml (flags win).
"""


def _looks_like_media(path: str) -> bool:
    """By extension, else by the first bytes (an MP4/MOV 'ftyp', Matroska, RIFF, ...) when it lies."""
    if os.path.splitext(path)[1].lower() in MEDIA_EXTENSIONS:
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return (head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide") or head[:4] in (b"\x1aE\xdf\xa3", b"RIFF", b"fLaC",
            b"OggS", b"ID3\x03", b"ID3\x04", b"GIF8") or head[:3] == b"ID3")


def find_media(paths: tuple[str, ...]) -> tuple[list[str], int]:
    """Files to analyze: files as given; folders searched recursively (symlinks followed, loops cut)
    for media by extension or content. Returns (files, skipped count: hidden or non-media files)."""
    files: list[str] = []
    skipped = 0
    for p in paths:
        if not os.path.isdir(p):
            files.append(p)
            continue
        seen_dirs: set[tuple[int, int]] = set()
        for root, dirs, names in os.walk(p, followlinks=True):
            try:
                st = os.stat(root)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop
                dirs[:] = []
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                full = os.path.join(root, name)
                if name.startswith(".") or not os.path.isfile(full) or not _looks_like_media(full):
                    skipped += 1
                    continue
                files.append(full)
    return files, skipped


def exit_code(reports, fail_on: str) -> int:
    if any(r.status == "error" for r in reports):
        return 2
    verdicts = {r.verdict for r in reports}
    if "fail" in verdicts or (fail_on == "warn" and "warn" in verdicts):
        return 1
    return 0


def write_atomic(path: str, text: str, inputs: list[str]) -> None:
    """Write `text` to `path` via a temporary file and a rename; never over one of the inputs."""
    target = os.path.abspath(path)
    for p in inputs:
        if os.path.exists(target) and os.path.exists(p) and os.path.samefile(target, p):
            raise click.UsageError(f"refusing to write {path}: it is one of the files being checked")
    folder = os.path.dirname(target) or "."
    fd, tmp = tempfile.mkstemp(prefix=".selftape-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a report is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _analyze_one(args: tuple) -> object:
    """Worker entry point (top level, so a process pool can pickle it)."""
    from .api import analyze

    path, options = args
    return analyze(path, **options)


def _parse_thresholds(items: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got '{item}'", param_hint="--threshold")
        try:
            out[key.strip()] = float(value)
        except ValueError as exc:
            raise click.BadParameter(f"'{value}' is not a number", param_hint="--threshold") from exc
    return out


def _list_checks(ctx: click.Context, _param, value: bool) -> None:
    """--list-checks: every check id, what it catches, its thresholds with their defaults and units."""
    if not value or ctx.resilient_parsing:
        return
    from .report.checks_list import checks_text

    click.echo(checks_text(), nl=False)
    ctx.exit(0)


@click.command(epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of text.")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="Print one JSON report per line, as each file finishes.")
@click.option("--csv", "csv_path", metavar="PATH", help="Write a CSV row per file to PATH ('-' for stdout).")
@click.option("--html", "html_path", metavar="PATH",
              help="Write a self-contained HTML report (pictures of the worst moments, timelines) to PATH.")
@click.option("--thorough", is_flag=True, default=None, help="Decode every frame: slower, sees short glitches.")
@click.option("--strict", is_flag=True, default=None, help="Warnings count as failures (same as --fail-on warn).")
@click.option("--fail-on", type=click.Choice(["warn", "fail"]), default=None,
              help="Lowest severity that makes the exit code 1 (default: fail).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Files analyzed in parallel (default: the machine's cores).")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=1), default=None,
              help="Give up on a file after this many seconds (a 'timeout' error; default 600).")
@click.option("--disable", multiple=True, metavar="CHECK", help="Do not run this check (repeatable).")
@click.option("--threshold", "thresholds", multiple=True, metavar="KEY=VALUE",
              help="Override a threshold (see docs/checks.md), e.g. face.underexposed.warn_luma=0.2.")
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default=None,
              help="Also check the file against an upload target's published limits (size, format).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="TOML settings file (default: [tool.selftape-check] in the nearest pyproject.toml).")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages on stderr.")
@click.option("--progress/--no-progress", "show_progress", default=None,
              help="Files done / total with the time left, on stderr (default: on a terminal, several files).")
@click.option("--verbose", "-v", is_flag=True, help="Also say why each check passed or was skipped.")
@click.option("--color/--no-color", default=None,
              help="Colour the text report (default: on a terminal; NO_COLOR and FORCE_COLOR are honoured).")
@click.option("--list-checks", is_flag=True, is_eager=True, expose_value=False, callback=_list_checks,
              help="List every check: what it catches and its thresholds, then exit.")
@click.version_option(__version__, prog_name="selftape-check")
def main(paths, as_json, as_jsonl, csv_path, html_path, thorough, strict, fail_on, jobs, timeout_s, disable, thresholds,
         profile, config_path, quiet, show_progress, verbose, color) -> None:
    """Check audition self-tapes before you send them: can casting see your eyes and hear your voice?

    PATHS are video or audio files, or folders to scan for them.
    """
    from .config import ConfigError, load
    from .judge import CHECKS
    from .report import report_to_dict, reports_document
    from .report.json import display_path
    from .report.table import csv_text

    if as_json and as_jsonl:
        raise click.UsageError("--json and --jsonl are alternatives: pick one")
    try:
        cfg = load(config_path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    unknown = [c for c in disable if c not in CHECKS]
    if unknown:
        raise click.BadParameter(f"unknown check id(s): {', '.join(unknown)}", param_hint="--disable")
    limits = {**cfg.thresholds, **_parse_thresholds(thresholds)}
    try:
        from .judge import Thresholds

        Thresholds(limits)
    except (KeyError, ValueError) as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--threshold") from exc
    fail_on = fail_on or ("warn" if strict else None) or ("warn" if cfg.strict else None) or cfg.fail_on or "fail"
    jobs = jobs or cfg.jobs or os.cpu_count() or 1
    options = {
        "thorough": bool(thorough if thorough is not None else cfg.thorough),
        "thresholds": limits or None,
        "checks": [c for c in CHECKS if c not in set(disable) | set(cfg.disable)] if (disable or cfg.disable)
        else None,
        "timeout_s": timeout_s or cfg.timeout or 600.0,
        "pictures": bool(html_path),
        "profile": profile or cfg.profile,
    }

    files, skipped = find_media(paths)
    if not files:
        click.echo(f"selftape-check: no video or audio files found in {', '.join(paths)}", err=True)
        sys.exit(2)
    colour = colour_wanted(color, sys.stdout)
    progress = Progress(len(files), progress_wanted(show_progress, quiet, len(files)), sys.stderr.isatty())
    progress.start()

    reports: list = [None] * len(files)
    interrupted = False

    def finished(i: int, report) -> None:
        reports[i] = report
        if report.status == "error":
            progress.clear()
            click.echo(f"selftape-check: {display_path(report.error.message)}", err=True)
        if as_jsonl:
            click.echo(json.dumps(report_to_dict(report), ensure_ascii=False))
            sys.stdout.flush()

    try:
        if len(files) == 1 or jobs == 1:
            for i, path in enumerate(files):
                progress.working(path)
                finished(i, _analyze_one((path, options)))
                progress.step(path)
        else:
            from concurrent.futures import ProcessPoolExecutor, as_completed

            workers = min(jobs, len(files))
            # the cores are shared out: each file's decoder gets its part instead of all of them
            options = {**options, "decoder_threads": max(1, (os.cpu_count() or 1) // workers)}
            pool = ProcessPoolExecutor(max_workers=workers)
            try:
                futures = {pool.submit(_analyze_one, (p, options)): i for i, p in enumerate(files)}
                for future in as_completed(futures):
                    i = futures[future]
                    finished(i, future.result())
                    progress.step(files[i])
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            pool.shutdown()
    except KeyboardInterrupt:
        interrupted = True
    progress.clear()
    done_reports = [r for r in reports if r is not None]
    if interrupted:
        click.echo(f"selftape-check: interrupted; {len(done_reports)} of {len(files)} files were checked",
                   err=True)

    if as_json:
        single = len(files) == 1 and not any(os.path.isdir(p) for p in paths)
        doc = report_to_dict(done_reports[0]) if single and done_reports else reports_document(done_reports)
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif not as_jsonl and csv_path != "-":
        _echo_text(done_reports, len(files) > 1, skipped, colour, limits if verbose else None,
                   set(disable) | set(cfg.disable))
    if csv_path == "-":
        click.echo(csv_text(done_reports), nl=False)
    elif csv_path:
        write_atomic(csv_path, csv_text(done_reports), files)
    if html_path:
        from .report.html import render_html

        write_atomic(html_path, render_html(done_reports), files)
    sys.exit(130 if interrupted else exit_code(done_reports, fail_on))


def colour_wanted(flag: bool | None, stream) -> bool:
    """--color/--no-color wins; else NO_COLOR (any value: no colour, no-color.org), else FORCE_COLOR
    (any value but 0/false: colour, force-color.org), else TERM=dumb (none), else whether `stream` is a
    terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force:
        return force.strip().lower() not in ("0", "false", "no")
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def progress_wanted(flag: bool | None, quiet: bool, files: int) -> bool:
    """--progress/--no-progress wins (-q is --no-progress); else on a terminal (stderr) for several files."""
    if quiet:
        return False
    if flag is not None:
        return flag
    return files > 1 and sys.stderr.isatty()


class Progress:
    """Files done out of the total on stderr, with the time left (from the pace so far): a bar redrawn
    in place on a terminal, one plain line per file otherwise (--progress into a log)."""

    def __init__(self, total: int, on: bool, tty: bool) -> None:
        import time

        self.total, self.on, self.tty = total, on, tty
        self.done = 0
        self.started = time.monotonic()
        self.shown = False

    def _eta(self) -> str:
        import time

        from .timeline import format_time

        if self.done == 0 or self.done >= self.total:
            return ""
        left = (time.monotonic() - self.started) / self.done * (self.total - self.done)
        return f", about {format_time(max(1.0, left))} left"

    def _show(self, label: str) -> None:
        if not self.on:
            return
        count = f"{self.done}/{self.total}"
        if self.tty:
            width = 20
            filled = int(width * self.done / max(1, self.total))
            line = f"[{'#' * filled}{'-' * (width - filled)}] {count} files{self._eta()}  {label}"
            cols = max(20, _terminal_columns() - 1)
            click.echo("\r\x1b[2K" + line[:cols], err=True, nl=False)
            self.shown = True
        else:
            click.echo(f"selftape-check: {count} files checked{self._eta()}" + (f" ({label})" if label else ""),
                       err=True)

    def start(self) -> None:
        self._show("")

    def working(self, path: str) -> None:
        if self.tty:
            self._show(f"checking {os.path.basename(path)}")

    def step(self, path: str) -> None:
        self.done += 1
        self._show(os.path.basename(path))

    def clear(self) -> None:
        if self.on and self.tty and self.shown:
            click.echo("\r\x1b[2K", err=True, nl=False)
            self.shown = False


def _terminal_columns() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


def _echo_text(reports, several: bool, skipped: int, colour: bool, verbose_limits, disabled) -> None:
    """The text reports (and the summary table of several files) on stdout; with -v (`verbose_limits`
    the thresholds in force) every check's outcome after each report."""
    from .report import render_text
    from .report.table import summary_table
    from .report.text import render_check_list

    width = _terminal_columns() if sys.stdout.isatty() else None
    for r in reports:
        if r.status == "ok":
            text = render_text(r, colour, width)
            if verbose_limits is not None:
                from .judge import Thresholds

                text += render_check_list(r, Thresholds(verbose_limits or None), frozenset(disabled), colour)
            click.echo(text, color=colour)
    if several:
        click.echo(summary_table(reports, skipped, colour, width), color=colour)


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
