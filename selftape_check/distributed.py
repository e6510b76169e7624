"""Folder scans on a Dask cluster: one task per file, reports back as they finish (docs/scale.md).

Imported only when a cluster is asked for (`--scheduler`, `analyze_many(..., client=)`); dask itself is
an optional dependency: `pip install 'selftape-check[distributed]'`.

Each file is one `client.submit` of `api.analyze` (the workers must have selftape-check installed
and see the paths: shared storage, or URLs that fsspec opens). What a worker lost mid-file means:
- the worker process dies (killed, out of memory): the scheduler runs the task again on another worker
  (Dask's `distributed.scheduler.allowed-failures`, 3 by default); a file that kills that many workers
  is an `internal` error report naming it, and the scan goes on;
- the cluster is restarted (`client.restart()`), which cancels every task in flight: the files not yet
  reported are submitted again (up to `RESUBMITS` times each), under new task keys.
Either way each path gets exactly one report: the first one that comes back for it.
"""

from __future__ import annotations

import logging
import uuid
import warnings
from typing import Iterator, Mapping

from .api import _analyze_task
from .model import Report, ReportError

RESUBMITS = 3  # a file whose task the cluster cancels (restart) is sent again this many times at most
RETRIES = 1  # Dask's own retries for a task that raised (analyze returns error reports, so: a worker's fault)


class SchedulerError(Exception):
    """The cluster cannot be reached or started, or dask is not installed: one line for the CLI."""


def connect(address: str):
    """A `distributed.Client` for `address`, and a function that closes what this opened.

    `local:N` starts a LocalCluster of N worker processes with one thread each (a file is decoded on
    one core per worker, as the local pool shares the cores out); anything else is a scheduler's
    address (`tcp://host:8786`, `tls://...`) as `distributed.Client` takes it.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise SchedulerError("--scheduler needs Dask: pip install 'selftape-check[distributed]'") from exc
    if address.startswith("local:"):
        try:
            n_workers = int(address.split(":", 1)[1])
        except ValueError:
            n_workers = 0
        if n_workers < 1:
            raise SchedulerError(f"--scheduler {address}: expected local:N with N workers, e.g. local:2")
        with warnings.catch_warnings():  # "port 8787 is already in use": no dashboard is asked for
            warnings.simplefilter("ignore", UserWarning)
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)

        def close() -> None:
            client.close()
            cluster.close()

        return client, close
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"--scheduler {address}: cannot reach the Dask scheduler ({exc})") from exc
    return client, client.close


def _lost(path: str, why: str) -> Report:
    return Report(path=path, size_bytes=None, status="error", error=ReportError("worker_lost", f"{path}: {why}"))


def analyze_on_cluster(client, paths: list[str], options: Mapping) -> Iterator[tuple[int, Report]]:
    """Run `api.analyze(path, **options)` for each path as one task on `client`'s cluster; yield
    `(index, Report)` in completion order (`distributed.as_completed`), exactly once per path.

    A task's decoder runs on one thread unless `options` say otherwise (`decoder_threads`): a
    worker runs as many files at once as it has threads, one per core.
    """
    from distributed import as_completed

    options = {"decoder_threads": 1, **options}
    run = uuid.uuid4().hex[:8]
    owner: dict = {}  # future -> (index, attempt)

    def submit(i: int, attempt: int):
        future = client.submit(_analyze_task, paths[i], options, key=f"selftape-check-{run}-{i}-{attempt}",
                               pure=False, retries=RETRIES)
        owner[future] = (i, attempt)
        return future

    pending = as_completed([submit(i, 0) for i in range(len(paths))])
    reported: set[int] = set()
    try:
        for future in pending:
            i, attempt = owner.pop(future)
            if i in reported:  # defensive: one report per path, whatever the cluster did
                future.release()
                continue
            if future.status == "finished":
                report = future.result()
            elif future.status == "cancelled":  # the cluster was restarted under the task
                if attempt < RESUBMITS and client.status == "running":
                    pending.add(submit(i, attempt + 1))
                    continue
                report = _lost(paths[i], "the cluster cancelled its analysis each of the "
                               f"{attempt + 1} times it was sent")
            else:
                exc = future.exception()
                if type(exc).__name__ == "KilledWorker":
                    report = _lost(paths[i], "the Dask workers analyzing it died (out of memory or a crash) "
                                   "each time it was tried")
                else:
                    report = _lost(paths[i], f"internal error on the Dask worker ({type(exc).__name__}: {exc})")
            future.release()
            reported.add(i)
            yield i, report
    finally:  # the caller stopped early (break, Ctrl-C): nothing left running on the cluster
        left = list(owner)
        if left and client.status == "running":
            client.cancel(left)
