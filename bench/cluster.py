"""Folder scan throughput: the local process pool against a Dask LocalCluster, same folder, one run.
(Named cluster.py: a bench/distributed.py would shadow the `distributed` package on the script's path.)

Needs the distributed extra (`pip install ".[bench,distributed]"`). Measured, alternating, best of N:
- CLI, local pool:        selftape-check DIR --jobs W            (what a user runs today)
- CLI, LocalCluster:      selftape-check DIR --scheduler local:W  (starts and stops the cluster itself)
- API, warm LocalCluster: analyze_each(paths, client=...) on a cluster already up, as a long-lived
  cluster serves a stream of folders (no start-up, the workers' imports done)
- API, warm LocalCluster, file:// URLs: the same files read through fsspec file objects
Wall time depends on what else runs on the machine; CPU seconds per file (all processes, user + sys)
do much less, and give files/minute per dedicated core. Also printed: each worker's peak memory
(ru_maxrss) after the runs, for sizing workers (docs/scale.md).

    python bench/cluster.py [--tapes 8] [--seconds 60] [--height 1080] [--workers 2] [--repeat 2]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from speed import make_tape  # noqa: E402


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s(who: int) -> float:
    import resource

    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _worker_cpu_s() -> float:
    import resource

    return _cpu_s(resource.RUSAGE_SELF)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tapes", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--height", type=int, default=1080, choices=(720, 1080))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    from distributed import Client, LocalCluster

    from selftape_check.api import analyze_each

    size = (1920, 1080) if args.height == 1080 else (1280, 720)
    src = make_tape(f"t{args.height}_{int(args.seconds)}.mp4", args.seconds, size)
    folder = tempfile.mkdtemp(prefix="selftape-dist-")
    w = args.workers
    try:
        for i in range(args.tapes):  # hard links: N files, one copy on disk
            os.link(src, os.path.join(folder, f"take{i}.mp4"))
        paths = sorted(os.path.join(folder, n) for n in os.listdir(folder))
        cli = [sys.executable, "-m", "selftape_check.cli", folder, "-q", "--jsonl"]
        cluster = LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
        list(analyze_each(paths[:w], client=client))  # warm: each worker has imported the tool once

        def api(urls: bool) -> None:
            todo = ["file://" + p for p in paths] if urls else paths
            reports = [r for _, r in analyze_each(todo, client=client)]
            assert len(reports) == len(paths) and all(r.status == "ok" for r in reports), reports

        runs = {
            f"CLI, local pool --jobs {w}": lambda: subprocess.run([*cli, "--jobs", str(w)], stdout=subprocess.DEVNULL),
            f"CLI, --scheduler local:{w}": lambda: subprocess.run([*cli, "--scheduler", f"local:{w}"],
                                                                  stdout=subprocess.DEVNULL),
            f"API, warm LocalCluster ({w} workers)": lambda: api(False),
            "API, warm LocalCluster, file:// URLs": lambda: api(True),
        }
        import resource

        def cpu_now() -> float:
            """CPU seconds so far of this process, its finished children (a CLI run and its pool or
            cluster, reaped) and the warm cluster's workers: the work, whatever else loads the machine."""
            workers = sum(client.run(_worker_cpu_s).values())
            return _cpu_s(resource.RUSAGE_SELF) + _cpu_s(resource.RUSAGE_CHILDREN) + workers

        best: dict[str, float] = {}
        cpu: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, fn in runs.items():
                c0, t0 = cpu_now(), time.perf_counter()
                fn()
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - t0)
                cpu[name] = min(cpu.get(name, float("inf")), cpu_now() - c0)
        worker_mb = sorted(client.run(_peak_rss_mb).values())
        client.close()
        cluster.close()
        load = os.getloadavg()[0]
        print(f"{args.tapes} x {args.seconds:.0f} s {size[0]}x{size[1]} 30 fps tapes, {w} workers, "
              f"{os.cpu_count()} cores, load {load:.1f} at the end (best of {args.repeat}):")
        base = best[f"CLI, local pool --jobs {w}"]
        base_cpu = cpu[f"CLI, local pool --jobs {w}"]
        for name, wall in best.items():
            print(f"  {name:40s} {wall:6.2f} s  {60 * args.tapes / wall:6.1f} files/min  "
                  f"({args.tapes * args.seconds / wall:5.1f}x real time, {wall / base:.2f} of the local pool)")
        print("  CPU seconds per file (user + sys, all processes; what a dedicated core spends):")
        for name, total in cpu.items():
            per_file = total / args.tapes
            print(f"  {name:40s} {per_file:6.2f} CPU s/file  -> {60 / per_file:5.1f} files/min per core  "
                  f"({total / base_cpu:.2f} of the local pool)")
        print("  peak memory per worker (ru_maxrss): " + ", ".join(f"{mb:.0f} MB" for mb in worker_mb))
    finally:
        shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
