"""``mstrack``: the pipeline headless: track, segment, eval, bench.

Bad input ends with one line on stderr and a non-zero exit (2 for usage and input
errors, 1 when a source stopped early, 130 when interrupted); result files written so
far are always closed properly.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time

from .errors import InputError, TrackerError

EXIT_USAGE, EXIT_EARLY_END, EXIT_INTERRUPTED = 2, 1, 130


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line instead of usage plus message."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def parse_roi(text: str) -> tuple[float, float, float, float]:
    parts = text.replace(" ", "").split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"--roi must be X,Y,W,H (four numbers), got {text!r}")
    return values


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
    group.add_argument("--quantile", type=float, default=0.1,
                       help="quantile for the bandwidth estimate (default: 0.1)")
    p.add_argument("--kernel", default="flat", choices=("flat", "epanechnikov", "gaussian"),
                   help="mean shift kernel (default: flat)")


def _segment_options(args) -> dict:
    return {"bandwidth": args.bandwidth, "quantile": args.quantile, "kernel": args.kernel}


def _tracker_options(args) -> dict:
    return {"colour_space": args.colour_space, "bins": args.bins}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mstrack", description="Mean shift colour tracking, headless.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("track", help="track a target through a video, image sequence or camera")
    p.add_argument("source", help="video file, image folder, printf pattern (img/%%04d.jpg) or camera:N")
    p.add_argument("--roi", required=True, type=parse_roi, help="target box X,Y,W,H on the first frame")
    p.add_argument("--out-csv", help="write the track as CSV (frame,x,y,w,h,angle,score,lost)")
    p.add_argument("--out-video", help="write the annotated video (.mp4 or .avi)")
    p.add_argument("--max-frames", type=int, default=None, help="stop after this many frames")
    p.add_argument("--segment", action="store_true",
                   help="also segment every frame; the video shows it beside the track")
    _add_tracker_options(p)
    _add_segment_options(p)

    p = sub.add_parser("segment", help="mean shift colour segmentation of an image or a video")
    p.add_argument("input", help="image, video, image folder or printf pattern")
    p.add_argument("--out", required=True, help="output image (for an image input) or video")
    p.add_argument("--boundaries", action="store_true", help="draw cluster boundaries in white")
    p.add_argument("--max-frames", type=int, default=None, help="stop after this many frames")
    _add_segment_options(p)

    p = sub.add_parser("eval", help="OTB one-pass evaluation on sequence folders")
    p.add_argument("sequences", nargs="+", help="folders with img/ (or one video) and groundtruth_rect.txt")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _add_tracker_options(p)

    p = sub.add_parser("bench", help="speed against OpenCV's CamShift pipeline in the same run")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--frames", type=int, default=300, help="frames per measurement (default: 300)")
    return parser


def _early_end_status(source) -> int:
    """Exit status after a run: say so if the source stopped before its end."""
    if getattr(source, "truncated", False):
        print(f"mstrack: stopped early: {source.error or 'the source ended before its last frame'}",
              file=sys.stderr)
        return EXIT_EARLY_END
    return 0


def cmd_track(args) -> int:
    from .outputs import TrackCsvWriter, VideoOutput, check_distinct, check_output_path
    from .pipeline import TrackingPipeline
    from .progress import Progress
    from .io.sources import open_source

    # Check every output before opening anything, so a typo costs no time.
    outputs = []
    if args.out_csv:
        outputs.append(check_output_path(args.out_csv, "CSV"))
    if args.out_video:
        from .outputs import VIDEO_CODECS
        outputs.append(check_output_path(args.out_video, "video", VIDEO_CODECS))
    check_distinct(args.source, outputs)
    if args.max_frames is not None and args.max_frames < 1:
        raise InputError(f"--max-frames must be at least 1, got {args.max_frames}")
    if not args.segment and (args.bandwidth is not None or args.kernel != "flat"):
        raise InputError("--bandwidth and --kernel set the segmentation: add --segment")
    pipeline = TrackingPipeline(segment=args.segment, segment_options=_segment_options(args),
                                **_tracker_options(args))
    started = _process_start_time() if os.environ.get("MSTRACK_REPORT_STARTUP") else None
    csv_out = video_out = None
    processed = lost = 0
    t0 = None
    source = open_source(args.source)
    try:
        total = source.frame_count
        if args.max_frames:
            total = min(total, args.max_frames) if total else args.max_frames
        progress = Progress(None if source.is_live else total, "tracking")
        for frame in source:
            if processed == 0:
                result = pipeline.set_target(frame, args.roi)
                t0 = time.perf_counter()
                if args.out_csv:
                    csv_out = TrackCsvWriter(args.out_csv)
                if args.out_video:
                    video_out = VideoOutput(args.out_video, source.fps)
            else:
                result = pipeline.process(frame)
            if processed == 1 and started is not None:
                print(f"first frame after {time.time() - started:.3f} s", file=sys.stderr)
            processed += 1
            lost += result.state.lost
            if csv_out:
                csv_out.write(result.index, result.state)
            if video_out:
                video_out.write(result.side_by_side())
            progress.update(processed)
            if args.max_frames and processed >= args.max_frames:
                break
        progress.close()
    finally:
        source.close()
        for out in (csv_out, video_out):
            if out is not None:
                out.close()
    if processed == 0:
        raise InputError(f"{args.source}: no frames could be read")
    seconds = time.perf_counter() - t0 if t0 else 0.0
    summary = f"tracked {processed} frames in {seconds:.2f} s"
    if processed > 1 and seconds > 0:
        summary += f" ({(processed - 1) / seconds:.0f} fps)"
    parts = [summary, f"lost in {lost}"]
    if csv_out:
        parts.append(f"csv: {csv_out.path}")
    if video_out:
        parts.append(f"video: {video_out.path}")
    print("; ".join(parts))
    return _early_end_status(source)


def cmd_segment(args) -> int:
    import cv2

    from .outputs import IMAGE_SUFFIXES, VIDEO_CODECS, VideoOutput, check_distinct, check_output_path
    from .progress import Progress
    from .segmentation.segment import SegmentationStream
    from .io.sources import open_source

    out_path = check_output_path(args.out, "output", set(VIDEO_CODECS) | IMAGE_SUFFIXES)
    check_distinct(args.input, [out_path])
    if args.max_frames is not None and args.max_frames < 1:
        raise InputError(f"--max-frames must be at least 1, got {args.max_frames}")
    stream = SegmentationStream(**_segment_options(args))
    source = open_source(args.input)
    video_out = None
    done = 0
    t0 = time.perf_counter()
    try:
        single_image = source.frame_count == 1 and out_path.suffix.lower() in IMAGE_SUFFIXES
        if out_path.suffix.lower() in IMAGE_SUFFIXES and not single_image:
            raise InputError(f"{args.input} has several frames: write a video (.mp4 or .avi), not {out_path.name}")
        if single_image:
            stream.search_budget = None    # one frame: search it whole, nothing to spread to
        else:
            video_out = VideoOutput(out_path, source.fps)
        total = source.frame_count
        if args.max_frames:
            total = min(total, args.max_frames) if total else args.max_frames
        progress = Progress(None if source.is_live else total, "segmenting")
        for frame in source:
            seg = stream.update(frame)
            view = seg.recolored()
            if args.boundaries:
                view[seg.boundaries()] = (255, 255, 255)
            if single_image:
                if not cv2.imwrite(str(out_path), view):
                    raise InputError(f"cannot write image {str(out_path)!r}")
            else:
                video_out.write(view)
            done += 1
            progress.update(done)
            if args.max_frames and done >= args.max_frames:
                break
        progress.close()
    finally:
        source.close()
        if video_out is not None:
            video_out.close()
    seconds = time.perf_counter() - t0
    print(f"segmented {done} frame{'s' if done != 1 else ''} in {seconds:.2f} s "
          f"(bandwidth {stream.bandwidth:.1f}, {seg.n_clusters} clusters in the last); output: {out_path}")
    return _early_end_status(source)


def cmd_eval(args) -> int:
    from .evaluation.otb import evaluate_sequence
    from .meanshift.tracker import MeanShiftTracker

    options = _tracker_options(args)
    results = [evaluate_sequence(seq, lambda: MeanShiftTracker(**options)).summary()
               for seq in args.sequences]
    keys = ("mean_iou", "success_auc", "precision20", "fps")
    mean = {"sequence": "mean", "frames": sum(r["frames"] for r in results),
            **{k: round(sum(r[k] for r in results) / len(results), 4) for k in keys}}
    if args.json:
        print(json.dumps({"sequences": results, "mean": mean}, indent=2))
        return 0
    print(f"{'sequence':<16}{'frames':>7}{'mean IoU':>10}{'AUC':>8}{'prec@20':>9}{'fps':>9}")
    for r in results + [mean]:
        print(f"{r['sequence']:<16}{r['frames']:>7}{r['mean_iou']:>10.3f}{r['success_auc']:>8.3f}"
              f"{r['precision20']:>9.3f}{r['fps']:>9.0f}")
    return 0


def cmd_bench(args) -> int:
    from .evaluation.bench import bench_tracking, format_table
    from .evaluation.bench_segmentation import bench_segmentation, format_segmentation_table

    if args.frames < 2:
        raise InputError(f"--frames must be at least 2, got {args.frames}")
    tracking = bench_tracking(frames=args.frames)
    segmentation = bench_segmentation(frames=min(args.frames, 100))
    if args.json:
        print(json.dumps({"tracking": tracking, "segmentation": segmentation}, indent=2))
    else:
        print("Tracking, ms per frame against OpenCV's cvtColor + calcBackProject + CamShift:")
        print(format_table(tracking))
        print("\nSegmentation of every frame:")
        print(format_segmentation_table(segmentation))
    return 0


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


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
    # A kill (SIGTERM) unwinds like Ctrl+C, so the finally blocks close the files.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        commands = {"track": cmd_track, "segment": cmd_segment, "eval": cmd_eval, "bench": cmd_bench}
        return commands[args.command](args)
    except TrackerError as e:
        print(f"mstrack: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        # A disk full, a permission, a vanished folder: say which file and why.
        where = f": {e.filename}" if e.filename else ""
        print(f"mstrack: error: {e.strerror or e}{where}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("mstrack: interrupted; files written so far are complete", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
