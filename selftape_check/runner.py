"""Many files on this machine: each analyzed in a worker process, the reports handed back as they finish.

The pool is pebble's `ProcessPool`, which knows which task a dead worker was running: a worker killed
mid-file (the kernel's out-of-memory killer, a crash in a decoder) costs that file one retry and then a
`worker_lost` error report, never the scan. A file that hangs past its time limit inside a decoder (where
the cooperative deadline of `analyze` cannot reach) is stopped by killing its worker: a `timeout` report.
Workers ignore Ctrl-C: the caller decides, and closing the iterator stops the pool and its processes.
"""

from __future__ import annotations

import gc
import os
import signal
import time
from typing import Any, Iterator, Mapping, Sequence

from .model import Report, ReportError

RETRIES_AFTER_WORKER_LOSS = 1


def error_report(path: str, type: str, message: str, elapsed_s: float | None = None) -> Report:
    size = os.path.getsize(path) if os.path.isfile(path) else None
    return Report(path=path, size_bytes=size, status="error", error=ReportError(type, message), elapsed_s=elapsed_s)


def hard_limit_s(timeout_s: float | None) -> float | None:
    """When a worker is killed: past the cooperative deadline, with room for a slow last step."""
    return None if timeout_s is None else timeout_s * 1.25 + 30.0


def _before_fork() -> None:
    """Workers are forked from this process. Garbage that holds FFmpeg objects (a decoder or scaler with
    threads of its own) is freed here, where those threads exist, and what is left is frozen so that a
    worker's collector never frees an inherited one: freeing it there waits forever for threads that
    were not forked (seen: a worker forked from a test process that had decoded in-process hung in
    sws_freeContext, and its file timed out)."""
    gc.collect()
    gc.freeze()


os.register_at_fork(before=_before_fork, after_in_parent=gc.unfreeze)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C and stops the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _analyze(path: str, options: Mapping[str, Any]) -> Report:
    from .api import analyze

    return analyze(path, **options)


def analyze_files(paths: Sequence[str], options: Mapping[str, Any], jobs: int) -> Iterator[tuple[int, Report]]:
    """Yield `(index into paths, report)` in the order the files finish; every path exactly once.

    One file runs in this process (no start-up cost); several run in `jobs` worker processes, each file's
    decoder getting its share of the cores.
    """
    if len(paths) == 1:
        yield 0, _analyze(paths[0], options)
        return
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures import TimeoutError as FutureTimeout

    from pebble import ProcessExpired, ProcessPool

    workers = max(1, min(jobs, len(paths)))
    options = {**options, "decoder_threads": max(1, (os.cpu_count() or 1) // workers)}
    limit = hard_limit_s(options.get("timeout_s"))
    pool = ProcessPool(max_workers=workers, initializer=_worker_init)
    tries = [0] * len(paths)
    started = [0.0] * len(paths)

    def submit(i: int):
        tries[i] += 1
        started[i] = time.monotonic()
        return pool.schedule(_analyze, args=(paths[i], options), timeout=limit)

    pending = {submit(i): i for i in range(len(paths))}
    finished_cleanly = False
    try:
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                i = pending.pop(future)
                try:
                    report = future.result()
                except ProcessExpired as exc:
                    if tries[i] <= RETRIES_AFTER_WORKER_LOSS:
                        pending[submit(i)] = i
                        continue
                    how = f"signal {-exc.exitcode}" if exc.exitcode and exc.exitcode < 0 else f"exit {exc.exitcode}"
                    report = error_report(paths[i], "worker_lost",
                                          f"{paths[i]}: the process analyzing this file died ({how}) twice, "
                                          "as when the machine runs out of memory", time.monotonic() - started[i])
                except FutureTimeout:
                    report = error_report(paths[i], "timeout",
                                          f"{paths[i]}: analysis took longer than the time limit and was stopped",
                                          time.monotonic() - started[i])
                except Exception as exc:  # a bug, or a report that could not come back: one file's error
                    report = error_report(paths[i], "internal",
                                          f"{paths[i]}: internal error ({type(exc).__name__}: {exc})")
                yield i, report
        finished_cleanly = True
    finally:
        if finished_cleanly:
            pool.close()
        else:  # interrupted, or the caller stopped reading: no file goes on in the background
            pool.stop()
        pool.join(timeout=10)
