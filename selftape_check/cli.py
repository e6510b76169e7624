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
from .report.json import terminal_safe

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


def find_media(paths: tuple[str, ...]) -> tuple[list[str], int, list[str]]:
    """Files to analyze: files as given; folders searched recursively (symlinks followed, loops cut)
    for media by extension or content. Returns (files, skipped count: hidden or non-media files, folders
    that could not be read: each becomes an `unreadable` error, not a silent gap in the scan)."""
    files: list[str] = []
    skipped = 0
    unreadable: list[str] = []
    for p in paths:
        if not os.path.isdir(p):
            files.append(p)
            continue
        seen_dirs: set[tuple[int, int]] = set()

        def walk_error(exc: OSError) -> None:
            unreadable.append(exc.filename or p)

        for root, dirs, names in os.walk(p, followlinks=True, onerror=walk_error):
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
    return files, skipped, unreadable


def exit_code(reports, fail_on: str) -> int:
    if any(r.status == "error" for r in reports):
        return 2
    verdicts = {r.verdict for r in reports}
    if "fail" in verdicts or (fail_on == "warn" and "warn" in verdicts):
        return 1
    return 0


class OutputError(click.ClickException):
    """A report file that cannot be written: one line, exit 2 (a usage problem, not a tape's)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"selftape-check: {self.message}", err=True)


def check_output_path(path: str, inputs: list[str], option: str) -> str:
    """Before any analysis: the report file at `path` can be written by a rename into its folder, and is
    neither one of the tapes, a folder, nor a device or pipe (a rename would replace the device node)."""
    target = os.path.abspath(path)
    folder = os.path.dirname(target) or "."
    if os.path.isdir(target):
        raise OutputError(f"{option} {terminal_safe(path)}: is a folder; give a file name")
    if os.path.lexists(target) and not os.path.isfile(target):
        raise OutputError(f"{option} {terminal_safe(path)}: exists and is not a regular file "
                          "(use '-' for standard output)")
    for p in inputs:
        if os.path.exists(target) and os.path.exists(p) and os.path.samefile(target, p):
            raise OutputError(f"refusing to write {terminal_safe(path)}: it is one of the files being checked")
    if not os.path.isdir(folder):
        raise OutputError(f"{option} {terminal_safe(path)}: the folder {terminal_safe(folder)} does not exist")
    try:  # the one real test: a temporary file in that folder (read-only folders, /proc, full quota...)
        fd, tmp = tempfile.mkstemp(prefix=".selftape-", dir=folder)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise OutputError(f"{option} {terminal_safe(path)}: cannot write in {terminal_safe(folder)} "
                          f"({exc.strerror or exc})") from None
    return target


def write_atomic(path: str, text: str, inputs: list[str]) -> None:
    """Write `text` to `path` via a temporary file, flushed to disk, and a rename; never over one of the
    inputs. A failed write (a full disk) leaves the old file as it was and no temporary file behind."""
    target = check_output_path(path, inputs, "output")
    folder = os.path.dirname(target) or "."
    fd, tmp = tempfile.mkstemp(prefix=".selftape-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a report is an ordinary file
        os.replace(tmp, target)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise OutputError(f"could not write {terminal_safe(path)}: {exc.strerror or exc}; "
                          "any earlier file there is unchanged") from None
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


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


def _opt(name: str) -> dict:
    """click keyword arguments for a run option, from the one options table (`options.OPTIONS`)."""
    from .options import OPTIONS, OptionError

    o = OPTIONS[name]

    def validate(ctx, param, value):
        if value is None or value == ():
            return None if value is None else value
        try:
            return o.check(list(value) if o.kind is list else value)
        except OptionError as exc:
            raise click.BadParameter(exc.message.replace(f"'{name}' ", ""), ctx, param) from None

    kw: dict = {"help": o.help, "default": None, "callback": validate}
    if o.kind is bool:
        kw["is_flag"] = True
    elif o.choices is not None:
        kw["type"] = click.Choice(o.choices)
    elif o.kind is int:
        kw["type"] = int
    elif o.kind is float:
        kw["type"] = float
    elif o.kind is list:
        kw["multiple"] = True
    return kw


class StdoutClosed(Exception):
    """Standard output's reader went away (`| head -1`): stop the scan, quietly."""


def _pipe_safe(command):
    """click turns a broken pipe into exit 1 after the whole run; stop at once instead (see `run`)."""
    import functools

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            raise StdoutClosed() from None

    return wrapper


@click.command(epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of text.")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="Print one JSON report per line, as each file finishes.")
@click.option("--csv", "csv_path", metavar="PATH", help="Write a CSV row per file to PATH ('-' for stdout).")
@click.option("--html", "html_path", metavar="PATH",
              help="Write a self-contained HTML report (pictures of the worst moments, timelines) to PATH.")
@click.option("--thorough", **_opt("thorough"))
@click.option("--strict", **_opt("strict"))
@click.option("--fail-on", **_opt("fail_on"))
@click.option("--jobs", "-j", **_opt("jobs"))
@click.option("--timeout", "timeout_s", **_opt("timeout"))
@click.option("--disable", metavar="CHECK", **_opt("disable"))
@click.option("--threshold", "thresholds", multiple=True, metavar="KEY=VALUE",
              help="Override a threshold (see docs/checks.md), e.g. face.underexposed.warn_luma=0.2.")
@click.option("--profile", **_opt("profile"))
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="TOML settings file (default: [tool.selftape-check] in the nearest pyproject.toml).")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages on stderr.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when on a terminal).")
@click.version_option(__version__, prog_name="selftape-check")
@_pipe_safe
def main(paths, as_json, as_jsonl, csv_path, html_path, thorough, strict, fail_on, jobs, timeout_s, disable, thresholds,
         profile, config_path, quiet, color) -> None:
    """Check audition self-tapes before you send them: can casting see your eyes and hear your voice?

    PATHS are video or audio files, or folders to scan for them.
    """
    from .config import ConfigError, load
    from .judge import CHECKS
    from .options import DEFAULT_TIMEOUT_S
    from .report import render_text, report_to_dict, reports_document
    from .report.json import display_path
    from .report.table import csv_text, summary_table
    from .runner import analyze_files, error_report

    if as_json and as_jsonl:
        raise click.UsageError("--json and --jsonl are alternatives: pick one")
    if csv_path == "-" and (as_json or as_jsonl):
        raise click.UsageError("--csv - and --json/--jsonl would both write to standard output: pick one")
    try:
        cfg = load(config_path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    unknown = [c for c in disable or () if c not in CHECKS]
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
    disabled = set(disable or ()) | set(cfg.disable)
    options = {
        "thorough": bool(thorough if thorough is not None else cfg.thorough),
        "thresholds": limits or None,
        "checks": [c for c in CHECKS if c not in disabled] if disabled else None,
        "timeout_s": timeout_s or cfg.timeout or DEFAULT_TIMEOUT_S,
        "pictures": bool(html_path),
        "profile": profile or cfg.profile,
    }

    files, skipped, unreadable = find_media(paths)
    if not files and not unreadable:
        click.echo(f"selftape-check: no video or audio files found in {terminal_safe(', '.join(paths))}", err=True)
        sys.exit(2)
    # report files are checked before the analysis, not found unwritable after it
    for option, out in (("--csv", csv_path), ("--html", html_path)):
        if out and out != "-":
            check_output_path(out, files, option)
    colour = sys.stdout.isatty() if color is None else color
    progress = not quiet and sys.stderr.isatty() and len(files) > 1

    reports: list = [None] * len(files)
    folder_errors = [error_report(d, "unreadable", f"{d}: cannot read this folder (permission denied); "
                                  "the files in it were not checked") for d in unreadable]

    def finished(i: int, report) -> None:
        if i >= 0:
            reports[i] = report
        if report.status == "error":
            _clear_progress(progress)
            click.echo(f"selftape-check: {terminal_safe(display_path(report.error.message))}", err=True)
        if as_jsonl:
            click.echo(json.dumps(report_to_dict(report), ensure_ascii=False))
            sys.stdout.flush()

    for r in folder_errors:
        finished(-1, r)
    if files:
        for done, (i, report) in enumerate(analyze_files(files, options, jobs), 1):
            _show_progress(progress, done, len(files), files[i])
            finished(i, report)
    _clear_progress(progress)
    done_reports = folder_errors + [r for r in reports if r is not None]

    if as_json:
        single = len(files) == 1 and not unreadable and not any(os.path.isdir(p) for p in paths)
        doc = report_to_dict(done_reports[0]) if single else reports_document(done_reports)
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif not as_jsonl and csv_path != "-":
        for r in done_reports:
            if r.status == "ok":
                click.echo(render_text(r, colour))
        if len(done_reports) > 1:
            click.echo(summary_table(done_reports, skipped, colour))
    if csv_path == "-":
        click.echo(csv_text(done_reports), nl=False)
    elif csv_path:
        write_atomic(csv_path, csv_text(done_reports), files)
    if html_path:
        from .report.html import render_html

        write_atomic(html_path, render_html(done_reports), files)
    sys.exit(exit_code(done_reports, fail_on))


def _show_progress(on: bool, i: int, n: int, path: str) -> None:
    if on:
        width = 24
        filled = int(width * i / n)
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r[{bar}] {i}/{n} {os.path.basename(path)[:40]:<40}", err=True, nl=False)


def _clear_progress(on: bool) -> None:
    if on:
        click.echo("\r" + " " * 78 + "\r", err=True, nl=False)


class Terminated(Exception):
    """SIGTERM: stop as Ctrl-C does (no report file written, workers stopped), exit 143."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def run() -> None:
    """Console-script entry point: never a traceback, always an exit code.

    Interrupted (Ctrl-C: 130, SIGTERM: 143): the file in flight is discarded, no worker is left running,
    and no report file is written, so an earlier complete report stays as it was. Standard output closed
    early (`| head -1`): stop at once, quietly, with 141 as a shell gives a program killed by SIGPIPE.
    """
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        main(standalone_mode=False)
    except KeyboardInterrupt:
        _quiet_exit("selftape-check: interrupted; no report was written", 130)
    except Terminated:
        _quiet_exit("selftape-check: stopped (SIGTERM); no report was written", 143)
    except (BrokenPipeError, StdoutClosed):
        _stdout_gone()
        sys.exit(141)
    except click.exceptions.Abort:
        _quiet_exit("selftape-check: interrupted; no report was written", 130)
    except click.UsageError as exc:  # one line naming the option, not click's four
        click.echo(f"selftape-check: {terminal_safe(exc.format_message())} (see --help)", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # a bug: one clear line, not a traceback
        click.echo(f"selftape-check: internal error: {type(exc).__name__}: {terminal_safe(exc)}", err=True)
        sys.exit(2)


def _quiet_exit(message: str, code: int) -> None:
    try:
        click.echo(message, err=True)
    except OSError:
        pass
    sys.exit(code)


def _stdout_gone() -> None:
    """stdout's reader went away: point it at /dev/null so the interpreter's last flush says nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


if __name__ == "__main__":
    run()
