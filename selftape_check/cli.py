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
  selftape-check take3.mp4 --fast          sample the picture (faster; says how much it did not see)
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
        if "://" in p:  # a URL (s3://, gs://, file://): a folder there is listed through fsspec
            from .media.source import is_url, list_url

            listed = list_url(p, MEDIA_EXTENSIONS) if is_url(p) else None
            files.extend([p] if listed is None else listed)
            continue
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
        kw["type"] = click.Choice(o.choices() if callable(o.choices) else o.choices)
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
@click.option("--thorough", **_opt("thorough"))
@click.option("--fast", **_opt("fast"))
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
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run the files on a Dask cluster: a scheduler's address (tcp://host:8786) or local:N for N "
              "local worker processes (needs selftape-check[distributed]; docs/scale.md).")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages on stderr.")
@click.option("--progress/--no-progress", "show_progress", default=None,
              help="Files done / total with the time left, on stderr (default: on a terminal, several files).")
@click.option("--verbose", "-v", is_flag=True, help="Also say why each check passed or was skipped.")
@click.option("--color/--no-color", default=None,
              help="Colour the text report (default: on a terminal; NO_COLOR and FORCE_COLOR are honoured).")
@click.option("--list-checks", is_flag=True, is_eager=True, expose_value=False, callback=_list_checks,
              help="List every check: what it catches and its thresholds, then exit.")
@click.version_option(__version__, prog_name="selftape-check")
@_pipe_safe
def main(paths, as_json, as_jsonl, csv_path, html_path, thorough, fast, strict, fail_on, jobs, timeout_s, disable,
         thresholds, profile, config_path, scheduler, quiet, show_progress, verbose, color) -> None:
    """Check audition self-tapes before you send them: can casting see your eyes and hear your voice?

    PATHS are video or audio files, or folders to scan for them.
    """
    from .config import ConfigError, load
    from .judge import CHECKS
    from .options import DEFAULT_TIMEOUT_S
    from .report import report_to_dict, reports_document
    from .report.table import csv_text
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
        "fast": bool(fast if fast is not None else cfg.fast),
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
    colour = colour_wanted(color, sys.stdout)
    progress = Progress(len(files), progress_wanted(show_progress, quiet, len(files)), sys.stderr.isatty())
    progress.start()

    reports: list = [None] * len(files)
    folder_errors = [error_report(d, "unreadable", f"{d}: cannot read this folder (permission denied); "
                                  "the files in it were not checked") for d in unreadable]

    def finished(i: int, report) -> None:
        if i >= 0:
            reports[i] = report
        if report.status == "error":
            progress.clear()
            click.echo(f"selftape-check: {terminal_safe(report.error.message)}", err=True)
        if as_jsonl:
            click.echo(json.dumps(report_to_dict(report), ensure_ascii=False))
            sys.stdout.flush()

    for r in folder_errors:
        finished(-1, r)
    if files:
        if len(files) == 1 and not scheduler:
            progress.working(files[0])
        try:
            if scheduler:
                _run_on_cluster(scheduler, files, options, progress, finished)
            else:
                for i, report in analyze_files(files, options, jobs):
                    finished(i, report)
                    progress.step(files[i])
        finally:
            progress.clear()
    done_reports = folder_errors + [r for r in reports if r is not None]

    if as_json:
        single = len(files) == 1 and not unreadable and not any(os.path.isdir(p) for p in paths)
        doc = report_to_dict(done_reports[0]) if single else reports_document(done_reports)
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif not as_jsonl and csv_path != "-":
        _echo_text(done_reports, len(done_reports) > 1, skipped, colour, limits if verbose else None,
                   disabled)
    if csv_path == "-":
        click.echo(csv_text(done_reports), nl=False)
    elif csv_path:
        write_atomic(csv_path, csv_text(done_reports), files)
    if html_path:
        from .report.html import render_html

        write_atomic(html_path, render_html(done_reports), files)
    sys.exit(exit_code(done_reports, fail_on))


def _run_on_cluster(address: str, files: list[str], options: dict, progress, finished) -> None:
    """--scheduler: the files as Dask tasks (selftape_check.distributed), reports as they finish."""
    from .api import analyze_each
    from .distributed import SchedulerError, connect

    try:
        client, close = connect(address)
    except SchedulerError as exc:
        click.echo(f"selftape-check: {terminal_safe(exc)}", err=True)
        sys.exit(2)
    try:
        for i, report in analyze_each(files, client=client, **options):
            finished(i, report)
            progress.step(files[i])
    finally:
        close()


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
        label = terminal_safe(label)
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
