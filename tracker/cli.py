"""``mstrack``: the pipeline headless: track, segment, eval, bench.

Bad input ends with one line on stderr and a non-zero exit (2 for usage and input
errors; 1 when the run could not read or write everything: a source stopped early or
had damaged frames, an output could not be written; 130 when interrupted by Ctrl+C, a
kill or a closed terminal); result files written so far are always closed properly.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from .cli_options import (VIDEO_CONTAINERS, SequenceFolders, TargetOption, TargetBox, check_csv_name,
                          clipped_to_frame, interrupted_message, non_negative_int, parse_roi,
                          parse_size, positive_seconds, resized_frames, start_at)
from .cli_run import (EXIT_INCOMPLETE, EXIT_INTERRUPTED, EXIT_USAGE, check_max_frames,
                      close_outputs, frames_until_stop, progress_bar, run_status, say, warn)
from .errors import InputError, OutputError, TrackerError, printable
from .interrupts import StopRequest, caused_by_interrupt

_POLLING_COMMANDS = ("track", "segment")  # their frame loops stop cleanly on a signal


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line instead of usage plus message."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


__all__ = ["main", "build_parser", "parse_roi", "parse_size"]


def _process_start_time() -> float | None:
    """Wall-clock time this process started (Linux), for the start-up report."""
    try:
        with open("/proc/self/stat") as f:
            start_ticks = float(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return time.time() - uptime + start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _add_tracker_options(p):
    p.add_argument("--colour-space", default="bgr", choices=("bgr", "hsv", "hs"),
                   help="histogram colour space (default: bgr)")
    p.add_argument("--bins", type=int, default=16, help="bins per main channel (default: 16)")


def _add_segment_options(p):
    group = p.add_mutually_exclusive_group()
    group.add_argument("--bandwidth", type=float, default=None,
                       help="segmentation bandwidth in CIE Lab units (default: estimated)")
    group.add_argument("--quantile", type=float, default=None,
                       help="quantile for the bandwidth estimate (default: 0.1)")
    p.add_argument("--kernel", default=None, choices=("flat", "epanechnikov", "gaussian"),
                   help="mean shift kernel (default: flat)")


def _segment_options(args) -> dict:
    """The segmentation options given on the command line (the others keep their defaults)."""
    given = {"bandwidth": args.bandwidth, "quantile": args.quantile, "kernel": args.kernel}
    return {name: value for name, value in given.items() if value is not None}


def _tracker_options(args) -> dict:
    return {"colour_space": args.colour_space, "bins": args.bins}


_SOURCE_HELP = ("video file, image folder, OTB sequence folder (with img/), printf pattern "
                "(img/%%04d.jpg), camera:N or stream URL (rtsp://, http(s):// including MJPEG, udp://)")
_CONTAINERS = ", ".join(VIDEO_CONTAINERS)


def _add_target_options(p):
    p.add_argument("--roi", type=parse_roi, action=TargetOption, metavar="X,Y,W,H",
                   help="a target's box on the first frame (after --resize); commas, tabs or spaces "
                        "between the numbers, so an OTB ground-truth line works as it is. Give it once "
                        "per target: each is tracked under its own id (0, 1, ... in the order given)")
    p.add_argument("--roi-from", metavar="FILE", action=TargetOption,
                   help="a target's box on the first tracked frame from a ground-truth file (x,y,w,h "
                        "per line, in the source's pixels) or a sequence folder; may be given several "
                        "times and mixed with --roi. A sequence folder as SOURCE needs neither option")


def _add_stream_options(p):
    p.add_argument("--timeout", type=positive_seconds, default=None, metavar="S",
                   help="network streams: seconds to open, and without a frame before the stream "
                        "counts as dead (default: 10 to open, 5 between frames)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mstrack", description="Mean shift colour tracking, headless.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("track", help="track a target through a video, image sequence, camera or stream")
    p.add_argument("source", help=_SOURCE_HELP)
    _add_target_options(p)
    p.add_argument("--out-csv", metavar="F.csv", help="write the track as CSV (frame,id,x,y,w,h,angle,score,lost)")
    p.add_argument("--out-video", metavar="F", help=f"write the annotated video: {_CONTAINERS} "
                   "(.mkv keeps what was written if the run is killed; .mp4 only once closed)")
    p.add_argument("--max-frames", type=int, default=None, metavar="N", help="stop after N frames")
    p.add_argument("--start-frame", type=non_negative_int, default=0, metavar="N",
                   help="start at frame N (0-based) of a file or image sequence; the CSV numbers "
                        "frames as the source does")
    p.add_argument("--resize", type=parse_size, metavar="WxH",
                   help="resize frames to WxH before tracking (boxes are in resized pixels)")
    p.add_argument("--segment", action="store_true",
                   help="also segment every frame; the video shows it beside the track")
    _add_stream_options(p)
    _add_tracker_options(p)
    _add_segment_options(p)

    p = sub.add_parser("segment", help="mean shift colour segmentation of an image or a video")
    p.add_argument("input", help="image, video, image folder, printf pattern, camera:N or stream URL")
    p.add_argument("--out", required=True, help=f"output image (for an image input) or video ({_CONTAINERS})")
    p.add_argument("--boundaries", action="store_true", help="draw cluster boundaries in white")
    p.add_argument("--max-frames", type=int, default=None, help="stop after this many frames")
    _add_stream_options(p)
    _add_segment_options(p)

    p = sub.add_parser("eval", help="OTB one-pass evaluation on sequence folders")
    p.add_argument("sequences", nargs="+", action=SequenceFolders,
                   help="folders with img/ (or one video) and groundtruth_rect.txt, or folders of them")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--plot", metavar="F.png",
                   help="draw the OTB success and precision plots of each sequence and of their mean "
                        "(needs matplotlib: pip install 'meanshift-tracker[plot]')")
    p.add_argument("--csv-dir", metavar="DIR",
                   help="write each sequence's track as DIR/NAME.csv, as 'mstrack track --out-csv' "
                        "writes it (DIR is created if needed)")
    _add_tracker_options(p)

    p = sub.add_parser("bench", help="speed against OpenCV's CamShift pipeline in the same run")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--frames", type=int, default=300, help="frames per measurement (default: 300)")
    return parser


def cmd_track(args) -> int:
    from .outputs import VIDEO_CODECS, TrackCsvWriter, VideoOutput, check_distinct, check_output_path
    from .pipeline import TrackingPipeline
    from .io.sources import open_source

    # Check every output before opening anything, so a typo costs no time.
    outputs = []
    if args.out_csv is not None:
        outputs.append(check_output_path(args.out_csv, "CSV"))
    if args.out_video is not None:
        outputs.append(check_output_path(args.out_video, "video", VIDEO_CODECS))
    check_distinct(args.source, outputs)
    check_csv_name(args.out_csv)
    check_max_frames(args)
    if not args.segment and (args.bandwidth is not None or args.quantile is not None
                             or args.kernel is not None):
        raise InputError("--bandwidth, --quantile and --kernel set the segmentation: add --segment")
    targets = TargetBox.all_from_args(args)
    pipeline = TrackingPipeline(segment=args.segment, segment_options=_segment_options(args),
                                **_tracker_options(args))
    started = _process_start_time() if os.environ.get("MSTRACK_REPORT_STARTUP") else None
    csv_out = video_out = None
    processed = lost = 0
    t0 = None
    source = open_source(args.source, timeout=args.timeout)
    try:
        start_at(source, args.start_frame)
        rois = [t.for_frame(args.start_frame, source.size, args.resize) for t in targets]
        progress = progress_bar(source, args, "tracking", args.start_frame)
        previous = None
        for frame in frames_until_stop(resized_frames(source, args.resize), args):
            index = source.position - 1     # the frame's own index, also past skipped frames
            if processed == 0:
                result = _start_targets(pipeline, frame, rois)
                t0 = time.perf_counter()
                if args.out_csv is not None:
                    csv_out = TrackCsvWriter(args.out_csv)
                if args.out_video is not None:
                    video_out = VideoOutput(args.out_video, source.fps)
            else:
                if index != previous + 1:
                    pipeline.jumped()   # damaged frames were skipped: the target may be further
                result = pipeline.process(frame)
            previous = index
            if processed == 1 and started is not None:
                say(f"first frame after {time.time() - started:.3f} s", sys.stderr)
            processed += 1
            lost += sum(state.lost for state in result.states.values())
            if csv_out:
                csv_out.write_states(index, result.states)
            if video_out:
                video_out.write(result.side_by_side())
            progress.update(processed)
        progress.close()
    finally:
        source.close()
        problems = close_outputs(csv_out, video_out)
    if processed == 0 and not args.stop:
        raise InputError(f"{printable(args.source)}: no frames could be read")
    seconds = time.perf_counter() - t0 if t0 else 0.0
    summary = f"tracked {processed} frames in {seconds:.2f} s"
    if processed > 1 and seconds > 0:
        summary += f" ({(processed - 1) / seconds:.0f} fps)"
    lost_what = "frame" if len(targets) == 1 else "target-frame"
    parts = [summary, f"{lost} {lost_what}{'s' if lost != 1 else ''} lost"]
    if getattr(source, "frames_dropped", 0):
        parts.append(f"{source.frames_dropped} live frames skipped to keep up")
    if csv_out:
        parts.append(f"csv: {printable(csv_out.path)}")
    if video_out:
        parts.append(f"video: {printable(video_out.path)}")
    say("; ".join(parts))
    return run_status(source, problems, args)


def _start_targets(pipeline, frame, rois):
    """Learn every target on the first frame, in the order given (ids 0, 1, ...); the
    frame is segmented once, with the last."""
    last = len(rois) - 1
    result = pipeline.set_target(frame, clipped_to_frame(rois[0], frame), segment=last == 0)
    for n, roi in enumerate(rois[1:], 1):
        result = pipeline.add_target(frame, clipped_to_frame(roi, frame), segment=n == last)
    return result


def cmd_segment(args) -> int:
    from .outputs import (IMAGE_SUFFIXES, VIDEO_CODECS, VideoOutput, check_distinct,
                          check_output_path, write_image)
    from .segmentation.segment import SegmentationStream
    from .io.sources import open_source

    out_path = check_output_path(args.out, "output", set(VIDEO_CODECS) | IMAGE_SUFFIXES)
    check_distinct(args.input, [out_path])
    check_max_frames(args)
    stream = SegmentationStream(**_segment_options(args))
    source = open_source(args.input, timeout=args.timeout)
    video_out = None
    done = 0
    t0 = time.perf_counter()
    try:
        single_image = source.frame_count == 1 and out_path.suffix.lower() in IMAGE_SUFFIXES
        if out_path.suffix.lower() in IMAGE_SUFFIXES and not single_image:
            raise InputError(f"{printable(args.input)} has several frames: write a video "
                             f"({_CONTAINERS}), not {printable(out_path.name)}")
        if single_image:
            stream.search_budget = None    # one frame: search it whole, nothing to spread to
        else:
            video_out = VideoOutput(out_path, source.fps)
        progress = progress_bar(source, args, "segmenting")
        for frame in frames_until_stop(source, args):
            seg = stream.update(frame)
            view = seg.recolored()
            if args.boundaries:
                view[seg.boundaries()] = (255, 255, 255)
            if single_image:
                write_image(out_path, view)
            else:
                video_out.write(view)
            done += 1
            progress.update(done)
        progress.close()
    finally:
        source.close()
        problems = close_outputs(video_out)
    seconds = time.perf_counter() - t0
    if done:
        say(f"segmented {done} frame{'s' if done != 1 else ''} in {seconds:.2f} s "
             f"(bandwidth {stream.bandwidth:.1f}, {seg.n_clusters} "
             f"cluster{'s' if seg.n_clusters != 1 else ''} in the last); output: {printable(out_path)}")
    return run_status(source, problems, args)


def cmd_eval(args) -> int:
    from .evaluation.otb import evaluate_sequence, lost_flag_figures, otb_curves, throughput_fps, warm_up
    from .meanshift.tracker import MeanShiftTracker
    from .outputs import check_output_path

    # Check every output before the first sequence, so a typo costs no time.
    if args.plot:
        from .evaluation.plots import require_matplotlib, save_otb_plots
        check_output_path(args.plot, "plot", {".png"})
        require_matplotlib()
    csv_paths = _track_csv_paths(args.csv_dir, args.sequences) if args.csv_dir else {}
    options = _tracker_options(args)
    warm_up(lambda: MeanShiftTracker(**options))        # so no sequence's fps counts compiling
    results = []
    for seq in args.sequences:
        results.append(evaluate_sequence(seq, lambda: MeanShiftTracker(**options)))
        if seq in csv_paths:        # written as each sequence ends: Ctrl+C keeps those done
            _write_track_csv(csv_paths[seq], results[-1].states)
    summaries = [r.summary() for r in results]
    lost_flag = lost_flag_figures(summaries)
    keys = ("mean_iou", "success_auc", "precision20")
    mean = {"sequence": "mean", "frames": sum(r["frames"] for r in summaries),
            **{k: round(sum(r[k] for r in summaries) / len(summaries), 4) for k in keys},
            # Throughput over all frames tracked, not the mean of the sequences' rates.
            "fps": round(throughput_fps(results), 1)}
    if args.plot:
        save_otb_plots(otb_curves(results), args.plot)
    if args.json:
        files = {"plot": args.plot} if args.plot else {}
        if csv_paths:
            files["csv_files"] = [str(p) for p in csv_paths.values()]
        print(json.dumps({"sequences": summaries, "mean": mean, **lost_flag, **files}, indent=2))
        return 0
    print(f"{'sequence':<16}{'frames':>7}{'mean IoU':>10}{'AUC':>8}{'prec@20':>9}{'fps':>9}")
    for r in summaries + [mean]:
        print(f"{r['sequence']:<16}{r['frames']:>7}{r['mean_iou']:>10.3f}{r['success_auc']:>8.3f}"
              f"{r['precision20']:>9.3f}{r['fps']:>9.0f}")
    share = lambda v: "n/a" if v is None else f"{100 * v:.1f} %"  # noqa: E731
    print(f"(mean: AUC and precision averaged over sequences, fps over all {mean['frames'] - len(summaries)} "
          f"tracked frames)")
    print(f"false confidence (IoU 0 reported tracked): {share(lost_flag['false_confidence'])}; "
          f"false alarm (IoU >= 0.5 reported lost): {share(lost_flag['false_alarm'])}; "
          f"box over 4x the target's area: {share(lost_flag['oversized'])}")
    if args.plot:
        print(f"plot: {args.plot}")
    if csv_paths:
        print(f"tracks: {len(csv_paths)} CSV file{'s' if len(csv_paths) != 1 else ''} in {args.csv_dir}")
    return 0


def _track_csv_paths(csv_dir, sequences) -> dict:
    """``DIR/NAME.csv`` for each sequence, DIR made if missing; refused before any work
    if two sequences share a name or a CSV would land inside a sequence folder."""
    from pathlib import Path

    from .outputs import check_distinct, check_output_path

    folder = Path(csv_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--csv-dir {str(folder)!r} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot make --csv-dir {str(folder)!r}: {e.strerror or e}") from None
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
    from .outputs import TrackCsvWriter

    with TrackCsvWriter(path) as writer:
        for index, state in enumerate(states):
            writer.write(index, state)


def cmd_bench(args) -> int:
    from .evaluation.bench import bench_tracking, format_table
    from .evaluation.bench_segmentation import bench_segmentation, format_segmentation_table

    if args.frames < 2:
        raise InputError(f"--frames must be at least 2, got {args.frames}")
    tracking, segmentation = _bench_with_progress([(bench_tracking, args.frames, "tracking"),
                                                   (bench_segmentation, min(args.frames, 100), "segmentation")])
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


def _join_negative_roi(argv):
    """``--roi -10,-5,40,40`` -> ``--roi=-10,-5,40,40``: argparse takes a value that starts
    with '-' for an option, and a box partly left of or above the frame is legitimate."""
    out = []
    for arg in argv:
        if out and out[-1] == "--roi" and arg.startswith("-") and arg[1:2].isdigit():
            out[-1] = f"--roi={arg}"
        else:
            out.append(arg)
    return out


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(_join_negative_roi(sys.argv[1:] if argv is None else list(argv)))
    commands = {"track": cmd_track, "segment": cmd_segment, "eval": cmd_eval, "bench": cmd_bench}
    # Ctrl+C, a kill (SIGTERM) and a closed terminal (SIGHUP) end the frame loops after the
    # frame in hand; the files are closed and stay valid.
    with StopRequest(polled=args.command in _POLLING_COMMANDS) as stop:
        args.stop = stop
        try:
            return commands[args.command](args)
        except KeyboardInterrupt:
            return _interrupted(args)
        except SystemError as e:
            if caused_by_interrupt(e):   # a second signal, or one in eval or bench
                return _interrupted(args)
            raise
        except OutputError as e:
            warn(f"error: {e}")
            return EXIT_INCOMPLETE
        except TrackerError as e:
            warn(f"error: {e}")
            return EXIT_USAGE
        except BrokenPipeError:
            return 0
        except OSError as e:
            # A permission, a vanished folder: say which file and why.
            where = f": {printable(e.filename)}" if e.filename else ""
            warn(f"error: {e.strerror or e}{where}")
            return EXIT_USAGE


def _interrupted(args) -> int:
    warn(interrupted_message(args))
    return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
