"""Folder scans on a Dask cluster (selftape_check.distributed): the same reports as the local run, a
broken file is one error among the others, a worker lost mid-run loses and duplicates nothing, and URLs
are read as streams through fsspec. One LocalCluster (2 worker processes, 1 thread each) for the module.
Without dask installed these tests skip; the one that checks dask stays unimported runs anyway."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from selftape_check.api import analyze, analyze_each
from selftape_check.report import report_to_dict

from .conftest import ROOT, SAMPLES

SAMPLE_FILES = sorted(str(p) for p in SAMPLES.glob("*.mp4"))
EXPECTED = {"clean_take.mp4": "pass", "dark_take.mp4": "fail", "no_sound_take.mp4": "fail"}


def _comparable(report) -> dict:
    """A report's JSON without its timing (the only field that may differ between two runs)."""
    doc = report_to_dict(report)
    doc.pop("elapsed_s")
    return doc


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    import logging

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       silence_logs=logging.ERROR)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The shipped samples, a cut-off MP4 and a text file named .mp4."""
    d = tmp_path_factory.mktemp("tapes")
    for p in SAMPLE_FILES:
        shutil.copy(p, d)
    (d / "cut.mp4").write_bytes((SAMPLES / "clean_take.mp4").read_bytes()[:20000])
    (d / "notes.mp4").write_text("not a video\n")
    return d


def test_a_normal_run_does_not_import_dask():
    """A folder scan on the local pool (analyze_many, then the CLI) leaves dask and fsspec unimported."""
    code = (
        "import os, sys\n"
        "from selftape_check.cli import main\n"
        "from selftape_check.api import analyze_many\n"
        f"reports = list(analyze_many({SAMPLE_FILES!r}, jobs=2))\n"
        "print('VERDICTS', sorted((os.path.basename(r.path), r.verdict) for r in reports))\n"
        "try:\n"
        f"    main([{SAMPLE_FILES[0]!r}, '--json', '-q'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'fsspec'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "LOADED []" in out.stdout, out.stdout[-500:] + out.stderr[-2000:]
    # analyze_many yields each file's report once
    assert f"VERDICTS {sorted(EXPECTED.items())}" in out.stdout


def test_cluster_gives_the_same_json_as_the_local_run(client, folder):
    files = sorted(str(p) for p in folder.iterdir())
    local = {files[i]: _comparable(r) for i, r in analyze_each(files, jobs=1)}
    on_cluster = list(analyze_each(files, client=client))
    assert sorted(i for i, _ in on_cluster) == list(range(len(files)))  # every file once
    for i, report in on_cluster:
        assert report.path == files[i]
        assert _comparable(report) == local[files[i]]
    verdicts = {os.path.basename(r.path): r.verdict for _, r in on_cluster if r.status == "ok"}
    assert verdicts == EXPECTED
    # the broken ones are one error each among the others, with their local meaning
    errors = {os.path.basename(r.path): r.error.type for _, r in on_cluster if r.status == "error"}
    assert errors == {"cut.mp4": "truncated", "notes.mp4": "not_media"}


def test_cluster_reads_file_urls_through_fsspec(client):
    pytest.importorskip("fsspec")
    urls = ["file://" + p for p in SAMPLE_FILES]
    reports = dict(analyze_each(urls, client=client))
    for i, url in enumerate(urls):
        got = _comparable(reports[i])
        want = _comparable(analyze(SAMPLE_FILES[i]))
        assert got["file"]["path"] == url
        assert got["file"]["size_bytes"] == os.path.getsize(SAMPLE_FILES[i])
        got.pop("file"), want.pop("file")
        assert got == want


def _tapes(tmp_path, count: int) -> list[str]:
    files = []
    for k in range(count):
        src = SAMPLE_FILES[k % len(SAMPLE_FILES)]
        dst = tmp_path / f"{k:02d}_{os.path.basename(src)}"
        os.link(src, dst)
        files.append(str(dst))
    return files


def _verdict_of(path: str) -> str:
    return EXPECTED[os.path.basename(path)[3:]]


def _busy_worker(client, timeout_s: float = 20.0) -> str:
    """A worker the scheduler has a file running on."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        busy = [w for w, keys in client.processing().items() if keys]
        if busy:
            return busy[0]
        time.sleep(0.05)
    raise AssertionError("no worker was busy")


def test_a_worker_killed_mid_run_still_gives_every_report_exactly_once(client, tmp_path):
    files = _tapes(tmp_path, 8)
    client.wait_for_workers(2, timeout=60)
    pids = client.run(os.getpid)
    seen, killed = [], None
    for i, report in analyze_each(files, client=client):
        seen.append(i)
        assert report.status == "ok", report.error
        assert report.verdict == _verdict_of(files[i])
        if killed is None:
            killed = _busy_worker(client)
            assert client.processing()[killed], "the worker to kill has a file in hand"
            os.kill(pids[killed], signal.SIGKILL)  # the nanny starts a new one; its file runs again
    assert sorted(seen) == list(range(len(files)))
    client.wait_for_workers(2, timeout=60)
    assert killed not in client.scheduler_info()["workers"]  # that worker really went


def test_a_cluster_restart_mid_run_still_gives_every_report_exactly_once(client, tmp_path):
    files = _tapes(tmp_path, 4)
    client.wait_for_workers(2, timeout=60)
    seen, restarted = [], False
    for i, report in analyze_each(files, client=client):
        seen.append(i)
        assert report.status == "ok", report.error
        assert report.verdict == _verdict_of(files[i])
        if not restarted:
            _busy_worker(client)
            # cancels every task in flight: they are sent again (not waiting here for the new workers:
            # on a loaded machine their start can outlast restart's own timeout; the tasks wait for them)
            client.restart(wait_for_workers=False)
            restarted = True
    assert sorted(seen) == list(range(len(files)))


def test_a_file_that_kills_its_worker_is_an_error_report_not_an_exception(client, tmp_path):
    """A worker plugin (test-only fault) kills the worker process as it starts the file's task; with
    the scheduler's allowed-failures at 0 that is Dask's KilledWorker at once: one `internal` error
    report for that file. (Alone: with allowed-failures 0, a file queued on the same worker would be
    failed with it, which is why Dask's default is 3.)"""
    from distributed.diagnostics.plugin import WorkerPlugin

    files = _tapes(tmp_path, 1)

    class KillOnStart(WorkerPlugin):
        name = "selftape-test-kill"

        def transition(self, key, start, finish, **kwargs):
            if finish == "executing" and str(key).endswith("-0-0"):
                os._exit(1)

    client.wait_for_workers(2, timeout=60)
    before = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.allowed_failures)
    client.run_on_scheduler(lambda dask_scheduler: setattr(dask_scheduler, "allowed_failures", 0))
    client.register_plugin(KillOnStart())
    try:
        got = list(analyze_each(files, client=client))
    finally:
        client.unregister_worker_plugin(KillOnStart.name)
        client.run_on_scheduler(lambda dask_scheduler: setattr(dask_scheduler, "allowed_failures", before))
    assert [i for i, _ in got] == [0]
    report = got[0][1]
    assert report.status == "error" and report.error.type == "worker_lost"
    assert "died" in report.error.message and files[0] in report.error.message


def test_cli_scheduler_address_gives_the_local_jsonl(client, folder):
    """`--scheduler tcp://...` (the module's cluster, reached by its address) prints what -j 1 prints."""
    from click.testing import CliRunner

    from selftape_check.cli import main

    def run(*extra):
        result = CliRunner().invoke(main, [str(folder), "--jsonl", "-q", *extra])
        docs = [json.loads(line) for line in result.stdout.splitlines()]
        for d in docs:
            d.pop("elapsed_s")
        return result.exit_code, sorted(docs, key=lambda d: d["file"]["path"])

    local = run("-j", "1")
    assert run("--scheduler", client.scheduler.address) == local
    assert local[0] == 2 and len(local[1]) == 5  # the two broken files make the exit code 2


def test_cli_scheduler_errors_are_one_line_and_exit_2():
    pytest.importorskip("distributed")
    from click.testing import CliRunner

    from selftape_check.cli import main

    result = CliRunner().invoke(main, [SAMPLE_FILES[0], "--scheduler", "local:0"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["selftape-check: --scheduler local:0: expected local:N with N "
                                                  "workers, e.g. local:2"]


def test_a_url_is_read_in_blocks_never_whole(monkeypatch):
    """A remote-like fsspec filesystem (the block-cached file s3fs and gcsfs use) records every range it
    fetches: with 64 KB blocks a 236 KB tape is read in pieces, and the report is the local one."""
    fsspec = pytest.importorskip("fsspec")
    from fsspec.spec import AbstractBufferedFile, AbstractFileSystem

    from selftape_check.media import source

    fetched: list[tuple[int, int]] = []

    class RangeFile(AbstractBufferedFile):
        def _fetch_range(self, start, end):
            fetched.append((start, end))
            with open(self.path, "rb") as fh:
                fh.seek(start)
                return fh.read(end - start)

    class RangeFS(AbstractFileSystem):
        protocol = "ranges"

        def info(self, path, **kwargs):
            path = self._strip_protocol(path)
            if not os.path.exists(path):
                raise FileNotFoundError(path)
            return {"name": path, "size": os.path.getsize(path),
                    "type": "directory" if os.path.isdir(path) else "file"}

        def _open(self, path, mode="rb", block_size=None, **kwargs):
            return RangeFile(self, path, mode, block_size=block_size, cache_type="readahead", **kwargs)

    fsspec.register_implementation("ranges", RangeFS, clobber=True)
    monkeypatch.setattr(source, "BLOCK_BYTES", 64 * 1024)
    path = SAMPLE_FILES[0]
    got = _comparable(analyze("ranges://" + path))
    want = _comparable(analyze(path))
    got.pop("file"), want.pop("file")
    assert got == want
    size = os.path.getsize(path)
    assert max(end - start for start, end in fetched) <= 96 * 1024 < size  # a 32 KB read + one block ahead
    assert sum(end - start for start, end in fetched) < 3 * size
