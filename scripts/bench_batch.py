#!/usr/bin/env python3
"""Many videos on Dask: ``mstrack batch``'s engine with one worker and with two.

    .venv/bin/python scripts/bench_batch.py [SEQ_DIR ...] [--segment] [--repeat R] [--json]

The nineteen dev sequences (../shared/data/otb/*, or the folders given) are tracked
whole, each one task as ``mstrack batch`` runs it (its own first box, CSV written and
renamed), four ways in the same run:

- in this process, one after another, without Dask: the work itself;
- in a plain pool of two processes (no Dask): what two cores give this work now, the
  reference for the speed-up (other jobs on a shared machine take their share);
- on a local cluster of one single-threaded worker process, then of two.

Each way runs R times, interleaved with the others, and its best run counts (a shared
machine's other jobs come and go). Printed: each way's time, apart from its start-up
(the cluster's start, and each process importing the package and loading the compiled
kernels, done before the clock starts for the pool and the clusters alike), the sum of
its tasks' own times, the speed-up of two workers over one (the target on a 2-core
machine: 1.7x or more), and the engine's overhead per video: one worker's time less
the work itself, over the number of videos (scheduling and moving results, the part
outside the tasks, and whatever a task costs more on a worker than in this process).
The machine may be shared: the load average is printed before and after; read the
ratios. Every output of the other runs is checked against the serial one, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tracker.app.batch import BatchSettings, run_task  # noqa: E402
from tracker.app.manifest import read_manifest  # noqa: E402

DEV_SEQUENCES = REPO_ROOT.parent / "shared" / "data" / "otb"


def run_serial(tasks, settings) -> tuple[float, float, float]:
    """(0, seconds for the batch, the tasks' own seconds) in this process, one after another."""
    t0 = time.perf_counter()
    own = 0.0
    for task in tasks:
        result = run_task(task, settings)
        assert result.status == "ok", (task.name, result.error)
        own += result.seconds
    return 0.0, time.perf_counter() - t0, own


def _pool_start(segment):
    from tracker.app.batch import one_thread
    from tracker.app.warmup import warm_up

    one_thread()
    warm_up(segment=segment)


def _pool_task(item):
    task, settings = item
    return run_task(task, settings)


def run_in_pool(tasks, settings, processes, segment) -> tuple[float, float, float]:
    """The reference for what the machine gives now: a plain process pool (no Dask), its
    processes started and warmed up before the clock starts, the longest videos first."""
    import multiprocessing

    from tracker.app.batch import cost_estimate

    ordered = sorted(tasks, key=lambda t: -cost_estimate(t.path))
    with multiprocessing.get_context("spawn").Pool(processes, _pool_start, (segment,)) as pool:
        pool.map(abs, range(processes * 4))        # every process started (and warmed up)
        t0 = time.perf_counter()
        results = list(pool.imap_unordered(_pool_task, [(t, settings) for t in ordered], chunksize=1))
        seconds = time.perf_counter() - t0
    assert all(r.status == "ok" for r in results)
    return 0.0, seconds, sum(r.seconds for r in results)


def run_on_dask(tasks, settings, workers, segment) -> tuple[float, float, float]:
    """(seconds to start the cluster and have each worker import the package and load its
    kernels, seconds for the batch, the tasks' own seconds on their workers) with
    ``workers`` workers: warmed up like the pool's processes, before the clock starts."""
    from tracker.app.cluster import dask_client, run_tasks
    from tracker.cli.batch import longest_first

    t0 = time.perf_counter()
    with dask_client(workers=workers) as client:
        client.run(_pool_start, segment)
        started = time.perf_counter() - t0
        t1 = time.perf_counter()
        outcomes = run_tasks(client, run_task, tasks, settings,
                             priorities=longest_first([task.path for task in tasks]))
        seconds = time.perf_counter() - t1
    for task, outcome in zip(tasks, outcomes):
        assert outcome.error is None and outcome.value.status == "ok", (task.name, outcome)
    return started, seconds, sum(outcome.value.seconds for outcome in outcomes)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sequences", nargs="*", help="sequence folders (default: the nineteen dev sequences)")
    p.add_argument("--segment", action="store_true", help="also segment every frame (heavier tasks)")
    p.add_argument("--repeat", type=int, default=3,
                   help="runs of each way, interleaved; the best counts (default: 3)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    sequences = [Path(s) for s in args.sequences] or sorted(DEV_SEQUENCES.iterdir())
    if not sequences:
        print(f"no sequences in {DEV_SEQUENCES}", file=sys.stderr)
        return 2
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        manifest = tmp / "manifest.csv"
        manifest.write_text("source,roi\n" + "".join(f"{s.resolve()},\n" for s in sequences))
        tasks = read_manifest(manifest)
        frames = sum(len(os.listdir(s / "img")) if (s / "img").is_dir() else 0 for s in sequences)
        runs = {}
        for repeat in range(args.repeat):
            for label in ("serial", "2 processes", "1 worker", "2 workers"):
                out = tmp / f"{label.replace(' ', '-')}-{repeat}"
                out.mkdir()
                settings = BatchSettings(str(out), segment=args.segment)
                if label == "serial":
                    from tracker.app.batch import one_thread
                    from tracker.app.warmup import warm_up

                    one_thread()                          # as each worker process has it
                    warm_up(segment=args.segment)         # the work itself, not compiling
                    run = run_serial(tasks, settings)
                elif label == "2 processes":
                    run = run_in_pool(tasks, settings, 2, args.segment)
                else:
                    run = run_on_dask(tasks, settings, int(label.split()[0]), args.segment)
                for task in tasks:
                    same = (out / f"{task.name}.csv").read_bytes() == \
                        (tmp / "serial-0" / f"{task.name}.csv").read_bytes()
                    assert same, f"{label}: {task.name}.csv differs from the serial run's"
                print(f"{label}: {run[1]:.2f} s", file=sys.stderr, flush=True)
                if label not in runs or run[1] < runs[label][1]:
                    runs[label] = run                     # the best of the repeats
    serial = runs["serial"][1]
    one, two = runs["1 worker"][1], runs["2 workers"][1]
    report = {
        "videos": len(tasks), "frames": frames, "segment": args.segment,
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "runs": {label: {"cluster_start_s": round(start, 2), "batch_s": round(seconds, 2),
                         "tasks_s": round(own, 2), "fps": round(frames / seconds, 1)}
                 for label, (start, seconds, own) in runs.items()},
        "speedup_2_over_1": round(one / two, 2),
        # What two cores give this work now, without Dask (the machine may be shared).
        "speedup_2_processes_over_serial": round(serial / runs["2 processes"][1], 2),
        "speedup_2_over_1_with_start": round((one + runs["1 worker"][0]) / (two + runs["2 workers"][0]), 2),
        "overhead_per_video_ms": round((one - serial) / len(tasks) * 1e3, 1),
        # The part of it outside the tasks: submitting, scheduling, sending results back.
        "scheduling_per_video_ms": round((one - runs["1 worker"][2]) / len(tasks) * 1e3, 1),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{len(tasks)} videos, {frames} frames{' (with segmentation)' if args.segment else ''}; "
          f"load average before {report['load_average_before']}, after {report['load_average_after']}")
    print(f"{'':<12}{'start s':>9}{'batch s':>9}{'tasks s':>9}{'fps':>8}")
    for label, row in report["runs"].items():
        start = f"{row['cluster_start_s']:>9.2f}" if label != "serial" else f"{'-':>9}"
        print(f"{label:<12}{start}{row['batch_s']:>9.2f}{row['tasks_s']:>9.2f}{row['fps']:>8.0f}")
    print(f"speed-up of 2 workers over 1: {report['speedup_2_over_1']:.2f}x "
          f"({report['speedup_2_over_1_with_start']:.2f}x counting the cluster's start); "
          f"2 plain processes over the serial run, what the machine gives now: "
          f"{report['speedup_2_processes_over_serial']:.2f}x")
    print(f"engine overhead per video (1 worker less the serial run): {report['overhead_per_video_ms']:.0f} ms, "
          f"of which {report['scheduling_per_video_ms']:.0f} ms outside the tasks; once per batch: the "
          f"cluster's start, each worker importing the package and loading its kernels "
          f"({report['runs']['1 worker']['cluster_start_s']:.1f} s, in the 'start s' column)")
    return 0


if __name__ == "__main__":     # the guard Dask's worker processes need (they import this)
    sys.exit(main())
