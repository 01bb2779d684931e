"""``mstrack batch``: every video of a manifest tracked, one task each, on Dask.

Exit status: 0 when every row is ok or skipped, 1 when any failed, 2 for a bad
manifest or option (before any work), 130 when interrupted (what finished is kept,
and listed in the summary with the rest marked cancelled).
"""

from __future__ import annotations

import argparse
import time

from ..errors import InputError, printable
from .options import segment_options, tracker_options
from .progress import TaskProgress
from .report import EXIT_EARLY_END, EXIT_INTERRUPTED, say, warn


def worker_count(text: str) -> int:
    """``--workers N``: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of workers 1, 2, ..., got {text!r}")
    return value


def add_engine_options(p) -> None:
    """``--workers N | --scheduler ADDRESS``: where the tasks run."""
    group = p.add_mutually_exclusive_group()
    group.add_argument("--workers", type=worker_count, metavar="N",
                       help="worker processes of the local Dask cluster, one thread each "
                            "(default: one per core)")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on an existing Dask cluster instead, e.g. tcp://HOST:8786 "
                            "(its workers need this package installed)")


def cmd_batch(args) -> int:
    from ..app.outputs import check_distinct, output_folder
    from ..app.batch import SUMMARY_NAME, BatchSettings, done_result, write_summary
    from ..app.manifest import read_manifest

    if not args.segment and (args.bandwidth is not None or args.quantile is not None
                             or args.kernel is not None):
        raise InputError("--bandwidth, --quantile and --kernel set the segmentation: add --segment")
    tasks = read_manifest(args.manifest)
    out_dir = output_folder(args.out, "--out")
    settings = BatchSettings(str(out_dir), video=args.video, segment=args.segment,
                             segment_options=segment_options(args), tracker_options=tracker_options(args))
    for task in tasks:      # no output may land on a source (an image folder holding DIR)
        check_distinct(task.path, [p for p in settings.outputs(task) if p is not None])
    results = [None if args.force else done_result(task, settings) for task in tasks]
    todo = [i for i, result in enumerate(results) if result is None]
    if len(todo) < len(tasks):
        say(f"{len(tasks) - len(todo)} of {len(tasks)} videos already done in {printable(out_dir)}: "
            "skipped (--force runs them again)")
    t0, began = time.perf_counter(), time.time()
    if todo:
        _run(args, [tasks[i] for i in todo], settings, results, todo)
    # A task that ended just as the batch was interrupted has its outputs in DIR, though
    # its result never came back: it counts as done.
    results = [r or done_result(task, settings, since=began - 1.0) or _cancelled(task)
               for r, task in zip(results, tasks)]
    write_summary(out_dir / SUMMARY_NAME, results)
    return _report(results, time.perf_counter() - t0, out_dir / SUMMARY_NAME, args)


def _run(args, tasks, settings, results, slots) -> None:
    """Run `tasks` on Dask; each result goes to ``results[slots[i]]`` as it ends."""
    from ..app.batch import TaskResult, one_line, remove_partials, run_task
    from ..app.cluster import cluster_size, dashboard_address, dask_client, run_tasks

    progress = TaskProgress(len(tasks))
    counts = {"ok": 0, "failed": 0, "frames": 0}
    threads = {"count": 0, "asked": float("-inf")}     # a question to the scheduler: now and then

    def show(force=False):
        if not progress.enabled:
            return
        if time.monotonic() - threads["asked"] > 2.0:
            threads.update(count=cluster_size(client)[1], asked=time.monotonic())
        running = min(len(tasks) - counts["ok"] - counts["failed"], threads["count"])
        progress.show(counts["ok"], counts["failed"], running, counts["frames"], force)

    def on_done(i, outcome):
        task = tasks[i]
        result = outcome.value if outcome.error is None else TaskResult(
            task.name, task.source, "failed", error=one_line(outcome.error))
        results[slots[i]] = result
        counts["ok" if result.status == "ok" else "failed"] += 1
        counts["frames"] += result.frames or 0
        if result.status != "ok":
            progress.clear()
            warn(f"failed: {task.name} ({printable(task.source)}): {result.error}")
        show(force=True)

    priorities = longest_first([task.path for task in tasks])
    try:
        with dask_client(args.workers, args.scheduler) as client:
            where = (f"the Dask scheduler at {args.scheduler}" if args.scheduler
                     else "a local Dask cluster")
            n_workers, n_threads = cluster_size(client)
            size = f"{n_workers} worker{'s' if n_workers != 1 else ''}" + (
                f", {n_threads} threads" if n_threads != n_workers else "")
            say(f"tracking {len(tasks)} video{'s' if len(tasks) != 1 else ''} on {where} ({size})")
            if not n_workers:
                warn("the scheduler has no workers yet: the videos wait until one connects")
            dashboard = dashboard_address(client)
            if dashboard:
                say(f"Dask dashboard: {dashboard}")
            try:
                run_tasks(client, run_task, tasks, settings, priorities=priorities, stop=args.stop,
                          on_done=on_done, on_wait=show)
            finally:
                progress.close()
    finally:
        # What attempts cut short left (a killed worker's; after Ctrl+C the local cluster's,
        # whose workers are gone once it is closed).
        remove_partials(tasks, settings)


def longest_first(paths) -> list[int]:
    """Task priorities (higher first) that start the biggest sources first, so that no
    long video is left to run alone at the end."""
    from ..app.batch import cost_estimate

    priorities = [0] * len(paths)
    for rank, i in enumerate(sorted(range(len(paths)), key=lambda i: cost_estimate(paths[i]))):
        priorities[i] = rank
    return priorities


def _cancelled(task):
    from ..app.batch import TaskResult

    return TaskResult(task.name, task.source, "cancelled", error="interrupted before it ended")


def _report(results, seconds, summary_path, args) -> int:
    count = {status: sum(r.status == status for r in results)
             for status in ("ok", "failed", "skipped", "cancelled")}
    frames = sum(r.frames or 0 for r in results if r.status in ("ok", "failed"))
    parts = [f"{n} {status}" for status, n in count.items() if n]
    pace = f", {frames / seconds:.0f} fps over all" if frames and seconds > 0 else ""
    say(f"batch: {', '.join(parts)} in {seconds:.1f} s ({frames} frames tracked{pace}); "
        f"summary: {printable(summary_path)}")
    if args.stop:
        warn("interrupted; videos finished are kept, the others are marked cancelled")
        return EXIT_INTERRUPTED
    return EXIT_EARLY_END if count["failed"] else 0
