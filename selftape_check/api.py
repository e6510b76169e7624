"""The public API: `analyze(path) -> Report`. The pipeline is probe -> measure -> judge; the CLI and
the report writers only wrap it."""

from __future__ import annotations

import os
import time
from typing import Collection, Iterable, Iterator, Mapping

from .errors import AnalysisError
from .model import Report, ReportError
from .options import OptionError
from .options import check as check_option


def analyze(
    path: str | os.PathLike,
    *,
    thorough: bool = False,
    fast: bool = False,
    thresholds: Mapping[str, float] | None = None,
    checks: Collection[str] | None = None,
    timeout_s: float | None = None,
    pictures: bool = False,
    decoder_threads: int = 0,
    profile: str | None = None,
) -> Report:
    """Analyze one tape. Never raises for a bad file: returns a Report with `status == "error"`.

    `path` is a local path or a URL that fsspec opens (`s3://`, `gs://`, `file://`; media.source),
    read as a stream.

    Every frame is decoded and its cheap figures taken (luma, black, freeze, flicker, motion), the face
    and picture quality every 0.5 s; `thorough` takes those on every frame too (slower); `fast` samples
    the picture instead (the old default: keyframes and short runs; the report says how much it saw);
    `thresholds` overrides defaults by key (see `selftape_check.judge.SETTINGS`); `checks` limits which
    checks run; `timeout_s` bounds the work on one file; `profile` names an upload target
    (`selftape_check.profiles.PROFILES`) whose file size and format limits are checked.
    An option out of its range (a timeout of 0 or NaN, an unknown threshold, a warn level past its fail
    level) raises `OptionError` (a ValueError) before any work.
    """
    import av

    from .judge import Thresholds, judge
    from .measure.derive import derive
    from .measure.run import measure_container
    from .media.frames import SamplingSettings
    from .media.probe import open_container, probe_container
    from .media.source import size_bytes
    from .profiles import get as get_profile

    path = os.fspath(path)
    started = time.monotonic()
    timeout_s = check_option("timeout", timeout_s)  # the caller's mistakes are OptionErrors, not reports
    check_option("thorough", thorough)
    check_option("fast", fast)
    check_option("profile", profile)
    try:
        limits = Thresholds(thresholds)
    except (KeyError, ValueError) as exc:
        raise OptionError("thresholds", str(exc.args[0])) from None
    deadline = started + timeout_s if timeout_s else None
    size = size_bytes(path)
    target = get_profile(profile)
    try:
        with open_container(path) as container:
            sampling = SamplingSettings(thorough=thorough, fast=fast)
            media = probe_container(path, container, decoder_threads, every_frame=sampling.every_frame)
            measurements = measure_container(container, media, sampling, deadline)
        # a frozen picture's still mouth is not a listening actor: the same limit as video.frozen's frames
        derived = derive(measurements, still_mouth_diff=limits["video.frozen.diff"] * limits["video.frozen.still_factor"])
        findings, skipped = judge(measurements, derived, limits, checks, target)
        metrics = derived.summary.to_json()  # rounded here, at the report's edge
        extras = {}
        if pictures:
            from .report.moments import moments, timeline

            extras = {"timeline": timeline(measurements, derived.voices, derived.slate, limits),
                      "moments": moments(measurements, findings)}
    except AnalysisError as exc:
        return Report(path=path, size_bytes=size, status="error", error=ReportError(exc.type, exc.message),
                      elapsed_s=time.monotonic() - started)
    except av.error.FFmpegError as exc:
        return Report(path=path, size_bytes=size, status="error",
                      error=ReportError("truncated", f"{path}: the file is damaged ({exc})"),
                      elapsed_s=time.monotonic() - started)
    except MemoryError:
        return Report(path=path, size_bytes=size, status="error",
                      error=ReportError("too_large", f"{path}: not enough memory to analyze this file"),
                      elapsed_s=time.monotonic() - started)
    except Exception as exc:  # a bug in this tool: one file's report, not a crashed folder scan
        return Report(path=path, size_bytes=size, status="error",
                      error=ReportError("internal", f"{path}: internal error ({type(exc).__name__}: {exc})"),
                      elapsed_s=time.monotonic() - started)
    return Report(path=path, size_bytes=size, status="ok", media=media, findings=tuple(findings),
                  metrics=metrics, skipped=tuple(skipped), elapsed_s=time.monotonic() - started, profile=profile,
                  other_audio=measurements.other_audio, **extras)


def _analyze_task(path: str, options: Mapping) -> Report:
    """One file, in a worker process (top level, so a process pool can pickle it)."""
    return analyze(path, **options)


def analyze_each(
    paths: Iterable[str | os.PathLike],
    *,
    jobs: int | None = None,
    client=None,
    **options,
) -> Iterator[tuple[int, Report]]:
    """Analyze many tapes in parallel; yield `(index into paths, Report)` as each file finishes
    (completion order), exactly one per path. `options` are `analyze`'s.

    Without `client`: a pool of `jobs` processes on this machine (default: its cores), each file's
    decoder given its share of the cores. With a `dask.distributed.Client`: one task per file on the
    cluster (selftape_check.distributed; the workers must see the paths: shared storage or URLs).
    A file that cannot be analyzed is an error report, never an exception.
    """
    files = [os.fspath(p) for p in paths]
    if client is not None:
        from .distributed import analyze_on_cluster

        yield from analyze_on_cluster(client, files, options)
        return
    from .runner import analyze_files

    # worker processes that survive a dead worker (one retry, then worker_lost) and stop with the caller
    yield from analyze_files(files, options, jobs or os.cpu_count() or 1)


def analyze_many(
    paths: Iterable[str | os.PathLike],
    *,
    jobs: int | None = None,
    client=None,
    **options,
) -> Iterator[Report]:
    """Analyze many tapes in parallel, yielding each Report as its file finishes (completion order;
    `Report.path` says which). `client`: a `dask.distributed.Client` to run them on a cluster, one task
    per file (`pip install 'selftape-check[distributed]'`); otherwise a local process pool of `jobs`.

        >>> from dask.distributed import Client
        >>> for report in analyze_many(["s3://tapes/a.mp4", "s3://tapes/b.mp4"], client=Client("tcp://sched:8786")):
        ...     print(report.path, report.verdict)
    """
    for _, report in analyze_each(paths, jobs=jobs, client=client, **options):
        yield report
