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
        if "://" in p:  # a URL (s3://, gs://, file://): a folder there is listed through fsspec
            from .media.source import is_url, list_url

            listed = list_url(p, MEDIA_EXTENSIONS) if is_url(p) else None
            files.extend([p] if listed is None else listed)
            continue
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
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run the files on a Dask cluster: a scheduler's address (tcp://host:8786) or local:N for N "
              "local worker processes (needs selftape-check[distributed]; docs/scale.md).")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages on stderr.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when on a terminal).")
@click.version_option(__version__, prog_name="selftape-check")
def main(paths, as_json, as_jsonl, csv_path, html_path, thorough, strict, fail_on, jobs, timeout_s, disable, thresholds,
         profile, config_path, scheduler, quiet, color) -> None:
    """Check audition self-tapes before you send them: can casting see your eyes and hear your voice?

    PATHS are video or audio files, or folders to scan for them.
    """
    from .config import ConfigError, load
    from .judge import CHECKS
    from .report import render_text, report_to_dict, reports_document
    from .report.json import display_path
    from .report.table import csv_text, summary_table

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
    colour = sys.stdout.isatty() if color is None else color
    progress = not quiet and sys.stderr.isatty() and len(files) > 1

    reports: list = [None] * len(files)
    interrupted = False

    def finished(i: int, report) -> None:
        reports[i] = report
        if report.status == "error":
            _clear_progress(progress)
            click.echo(f"selftape-check: {display_path(report.error.message)}", err=True)
        if as_jsonl:
            click.echo(json.dumps(report_to_dict(report), ensure_ascii=False))
            sys.stdout.flush()

    try:
        if scheduler:
            _run_on_cluster(scheduler, files, options, progress, finished)
        elif len(files) == 1 or jobs == 1:
            for i, path in enumerate(files):
                _show_progress(progress, i, len(files), path)
                finished(i, _analyze_one((path, options)))
        else:
            from concurrent.futures import ProcessPoolExecutor, as_completed

            workers = min(jobs, len(files))
            # the cores are shared out: each file's decoder gets its part instead of all of them
            options = {**options, "decoder_threads": max(1, (os.cpu_count() or 1) // workers)}
            pool = ProcessPoolExecutor(max_workers=workers)
            try:
                futures = {pool.submit(_analyze_one, (p, options)): i for i, p in enumerate(files)}
                for done, future in enumerate(as_completed(futures), 1):
                    i = futures[future]
                    _show_progress(progress, done, len(files), files[i])
                    finished(i, future.result())
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            pool.shutdown()
    except KeyboardInterrupt:
        interrupted = True
    _clear_progress(progress)
    done_reports = [r for r in reports if r is not None]
    if interrupted:
        click.echo(f"selftape-check: interrupted; {len(done_reports)} of {len(files)} files were checked",
                   err=True)

    if as_json:
        single = len(files) == 1 and not any(os.path.isdir(p) for p in paths)
        doc = report_to_dict(done_reports[0]) if single and done_reports else reports_document(done_reports)
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif not as_jsonl and csv_path != "-":
        for r in done_reports:
            if r.status == "ok":
                click.echo(render_text(r, colour))
        if len(files) > 1:
            click.echo(summary_table(done_reports, skipped, colour))
    if csv_path == "-":
        click.echo(csv_text(done_reports), nl=False)
    elif csv_path:
        write_atomic(csv_path, csv_text(done_reports), files)
    if html_path:
        from .report.html import render_html

        write_atomic(html_path, render_html(done_reports), files)
    sys.exit(130 if interrupted else exit_code(done_reports, fail_on))


def _run_on_cluster(address: str, files: list[str], options: dict, progress: bool, finished) -> None:
    """--scheduler: the files as Dask tasks (selftape_check.distributed), reports as they finish."""
    from .api import analyze_each
    from .distributed import SchedulerError, connect

    try:
        client, close = connect(address)
    except SchedulerError as exc:
        click.echo(f"selftape-check: {exc}", err=True)
        sys.exit(2)
    try:
        for done, (i, report) in enumerate(analyze_each(files, client=client, **options), 1):
            _show_progress(progress, done, len(files), files[i])
            finished(i, report)
    finally:
        close()


def _show_progress(on: bool, i: int, n: int, path: str) -> None:
    if on:
        width = 24
        filled = int(width * i / n)
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r[{bar}] {i}/{n} {os.path.basename(path)[:40]:<40}", err=True, nl=False)


def _clear_progress(on: bool) -> None:
    if on:
        click.echo("\r" + " " * 78 + "\r", err=True, nl=False)


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
