"""``mstrack``: the pipeline headless: track, eval, bench.

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
    _add_tracker_options(p)

    p = sub.add_parser("eval", help="OTB one-pass evaluation on sequence folders")
    p.add_argument("sequences", nargs="+", help="folders with img/ (or one video) and groundtruth_rect.txt")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _add_tracker_options(p)

    p = sub.add_parser("bench", help="speed against OpenCV's CamShift pipeline in the same run")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--frames", type=int, default=300, help="frames per measurement (default: 300)")
    return parser


def cmd_track(args) -> int:
    from .outputs import TrackCsvWriter, VideoOutput, check_distinct, check_output_path
    from .pipeline import TrackingPipeline
    from .progress import Progress
    from .sources import open_source

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
    pipeline = TrackingPipeline(**_tracker_options(args))
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
                video_out.write(result.annotated())
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
    if getattr(source, "truncated", False):
        print(f"mstrack: stopped early: {source.error or 'the source ended before its last frame'}",
              file=sys.stderr)
        return EXIT_EARLY_END
    return 0


def cmd_eval(args) -> int:
    from .evaluation import evaluate_sequence
    from .tracking import MeanShiftTracker

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
    from .bench import bench_tracking, format_table

    if args.frames < 2:
        raise InputError(f"--frames must be at least 2, got {args.frames}")
    rows = bench_tracking(frames=args.frames)
    print(json.dumps(rows, indent=2) if args.json else format_table(rows))
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
        return {"track": cmd_track, "eval": cmd_eval, "bench": cmd_bench}[args.command](args)
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
