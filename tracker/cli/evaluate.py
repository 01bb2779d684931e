"""``mstrack eval`` and ``mstrack bench``: accuracy on sequences with ground truth, and
speed against OpenCV in the same run."""

from __future__ import annotations

import functools
import json
import os
import sys

from ..checks import as_count
from ..errors import InputError, printable
from .report import warn
from .options import tracker_options


def cmd_eval(args) -> int:
    from ..app import check_output_path, warm_up
    from ..evaluation.otb import (PERTURBED_STARTS, evaluate_starts, lost_flag_figures, otb_curves, starts_figures,
                                  throughput_fps)
    from ..meanshift.tracker import MeanShiftTracker

    # Check every input and output before the first sequence, so a typo costs no time.
    # All the starts or the first alone: a part of them would weigh some directions of
    # error more than others.
    if args.starts not in (1, len(PERTURBED_STARTS)):
        raise InputError(f"--starts must be 1 or {len(PERTURBED_STARTS)}, got {args.starts}")
    starts = PERTURBED_STARTS[:args.starts]
    if args.plot:
        from ..evaluation.plots import require_matplotlib, save_otb_plots
        check_output_path(args.plot, "plot", {".png"})
        require_matplotlib()
    csv_paths = _track_csv_paths(args.csv_dir, args.sequences) if args.csv_dir else {}
    options = tracker_options(args)
    if args.workers or args.scheduler:
        runs = _evaluate_on_dask(args, options, csv_paths, starts)
    else:
        warm_up(segment=False, **options)        # so no sequence's fps counts compiling
        runs = []
        for seq in args.sequences:
            runs.append(evaluate_starts(seq, lambda: MeanShiftTracker(**options), starts))
            _sequence_ended(runs[-1], csv_paths.get(seq))
    # The table, the plot and the CSVs: the runs from the first ground-truth box.
    results = [run[0] for run in runs]
    summaries = [r.summary() for r in results]
    over_starts = None
    if len(starts) > 1:
        over_starts = starts_figures(runs)
        for summary, row in zip(summaries, over_starts.pop("sequences")):
            summary.update(row)
    lost_flag = lost_flag_figures(summaries)
    # The mean row's AUC and precision are those of the plot's mean line (the last curve),
    # and every figure is rounded once, where it is printed: table and plot agree.
    curves = otb_curves(results)
    mean = {"sequence": "mean", "frames": sum(r["frames"] for r in summaries),
            "mean_iou": sum(r["mean_iou"] for r in summaries) / len(summaries),
            "success_auc": curves[-1].auc, "precision20": curves[-1].precision20,
            # Throughput over all frames tracked, not the mean of the sequences' rates.
            "fps": round(throughput_fps(results), 1)}
    if args.plot:
        save_otb_plots(curves, args.plot)
    if args.json:
        files = {"plot": args.plot} if args.plot else {}
        if csv_paths:
            files["csv_files"] = [str(p) for p in csv_paths.values()]
        extra = {"over_starts": over_starts} if over_starts is not None else {}
        print(json.dumps({"sequences": summaries, "mean": mean, **lost_flag, **extra, **files}, indent=2))
        return 0
    n = len(starts)
    header = f"{f'AUC {n} starts':>14}" if over_starts is not None else ""
    print(f"{'sequence':<16}{'frames':>7}{'mean IoU':>10}{'AUC':>8}{'prec@20':>9}{'fps':>9}{header}")
    for r in summaries + [mean]:
        over = ""
        if over_starts is not None:
            auc = over_starts["success_auc"] if r is mean else r["success_auc_over_starts"]
            over = f"{auc:>14.3f}"
        print(f"{r['sequence']:<16}{r['frames']:>7}{r['mean_iou']:>10.3f}{r['success_auc']:>8.3f}"
              f"{r['precision20']:>9.3f}{r['fps']:>9.0f}{over}")
    print(f"(mean: AUC and precision averaged over sequences, fps over all {mean['frames'] - len(summaries)} "
          f"tracked frames)")
    print(_honesty_line("", lost_flag))
    if over_starts is not None:
        print(_honesty_line(f"over all {n} starts: ", over_starts))
    if args.plot:
        print(f"plot: {args.plot}")
    if csv_paths:
        print(f"tracks: {len(csv_paths)} CSV file{'s' if len(csv_paths) != 1 else ''} in {args.csv_dir}")
    return 0


def _honesty_line(prefix, figures) -> str:
    share = lambda v: "n/a" if v is None else f"{100 * v:.1f} %"  # noqa: E731
    return (f"{prefix}false confidence (IoU 0 reported tracked): {share(figures['false_confidence'])}; "
            f"false alarm (IoU >= 0.5 reported lost): {share(figures['false_alarm'])}; "
            f"box over 4x the target's area: {share(figures['oversized'])}")


def _sequence_ended(run, csv_path) -> None:
    """What is said and written as each sequence ends (``run``: its results, one per
    start, the first box's first): Ctrl+C keeps the tracks done."""
    result = run[0]
    for line in result.warnings:        # e.g. ground truth and frames of other lengths
        warn(f"warning: {printable(result.name)}: {line}")
    if csv_path is not None:
        _write_track_csv(csv_path, result.states)


def _evaluate_on_dask(args, options, csv_paths, starts) -> list:
    """The sequences evaluated as tasks on Dask (`cmd_batch`'s engine): the results (a
    list per sequence, one per start) in the sequences' order, as the serial run gives
    them; the first error ends the run."""
    from ..app.batch import evaluate_task
    from ..app.cluster import dask_client, run_tasks
    from .batch import longest_first

    def on_done(i, outcome):
        if outcome.error is not None:
            raise outcome.error                  # the tasks not ended are cancelled
        _sequence_ended(outcome.value, csv_paths.get(args.sequences[i]))

    with dask_client(args.workers, args.scheduler) as client:
        outcomes = run_tasks(client, evaluate_task, args.sequences, options, starts,
                             priorities=longest_first(args.sequences), on_done=on_done)
    return [outcome.value for outcome in outcomes]


def _track_csv_paths(csv_dir, sequences) -> dict:
    """``DIR/NAME.csv`` for each sequence, DIR made if missing; refused before any work
    if two sequences share a name or a CSV would land inside a sequence folder."""
    from pathlib import Path

    from ..app.outputs import check_distinct, check_output_path, output_folder

    folder = output_folder(csv_dir, "--csv-dir")
    paths = {}
    for seq in sequences:
        path = folder / f"{Path(seq).resolve().name}.csv"
        if path in paths.values():
            raise InputError(f"two sequences are named {path.stem!r}: both tracks would be {str(path)!r}")
        check_output_path(path, "CSV")
        check_distinct(seq, [path])
        paths[seq] = path
    return paths


def _write_track_csv(path, states) -> None:
    """One sequence's track in ``mstrack track``'s CSV format; row 0 is the init box."""
    from ..app import TrackCsvWriter

    with TrackCsvWriter(path) as writer:
        for index, state in enumerate(states):
            writer.write(index, state)


def cmd_bench(args) -> int:
    from ..evaluation.bench import bench_tracking, format_table
    from ..evaluation.bench_segmentation import bench_segmentation, format_segmentation_table

    as_count(args.frames, "--frames", 2)
    if args.roi is not None and args.clip is None:
        raise InputError("--roi goes with --clip: the box of the target on the clip's first frame")
    clip = os.path.abspath(args.clip) if args.clip is not None else None   # from here, not the repository
    tracking_bench = functools.partial(bench_tracking, video=clip, box=args.roi)
    segmentation_bench = functools.partial(bench_segmentation, video=clip)
    tracking, segmentation = _bench_with_progress([(tracking_bench, args.frames, "tracking"),
                                                   (segmentation_bench, min(args.frames, 100), "segmentation")])
    if args.json:
        print(json.dumps({"tracking": tracking, "segmentation": segmentation}, indent=2))
    else:
        print("Tracking, ms per frame against OpenCV's cvtColor + calcBackProject + CamShift, "
              "per target size (its share of the frame's width):")
        print(format_table(tracking))
        print("\nSegmentation of every frame:")
        print(format_segmentation_table(segmentation))
    return 0


def _bench_with_progress(benches) -> list[list[dict]]:
    """Run each benchmark one frame size at a time (its default sizes), saying on stderr
    which step is running, per target size where the benchmark reports them through a
    ``progress`` callback: all of them take about a minute."""
    import inspect

    steps = []
    for bench, frames, label in benches:
        parameters = inspect.signature(bench).parameters
        targets = parameters["targets"].default if "progress" in parameters else [None]
        steps += [(bench, frames, label, size, targets) for size in parameters["sizes"].default]
    total, done = sum(len(targets) for *_, targets in steps), 0

    def say(label, size, target=None):
        nonlocal done
        done += 1
        what = f"{label} at {size[0]}x{size[1]}" + (f", {target} target" if target else "")
        print(f"mstrack bench: [{done}/{total}] {what} ...", file=sys.stderr, flush=True)

    results = {label: [] for _, _, label in benches}
    for bench, frames, label, size, targets in steps:
        if targets == [None]:
            say(label, size)
            results[label] += bench(frames=frames, sizes=[size])
        else:
            results[label] += bench(frames=frames, sizes=[size],
                                    progress=lambda size, target, label=label: say(label, size, target))
    return list(results.values())
