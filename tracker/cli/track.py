"""``mstrack track`` and ``mstrack segment``: the frame loops of the command line.

``track`` runs the app layer's `track_to_files`, which drives the `Session` (the frame
loop the desktop app drives too, so a run here records what the app records for the
same calls); each task of ``mstrack batch`` runs the same function.
"""

from __future__ import annotations

import os
import sys
import time

from ..errors import InputError, printable
from .options import (VIDEO_CONTAINERS, check_csv_name, check_max_frames, segment_options, target_boxes,
                      tracker_options)
from .report import frames_until_stop, progress_bar, run_status, say, warn


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


def cmd_track(args) -> int:
    from ..app import VIDEO_CODECS, check_distinct, check_output_path
    from ..app.tracking_run import track_to_files

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
    targets = target_boxes(args)
    started = _process_start_time() if os.environ.get("MSTRACK_REPORT_STARTUP") else None
    progress = None

    def on_frame(done, source):
        nonlocal progress
        if progress is None:
            progress = progress_bar(source, args, "tracking", args.start_frame)
        if done == 2 and started is not None:
            say(f"first frame after {time.time() - started:.3f} s", sys.stderr)
        progress.update(done)

    run = track_to_files(args.source, targets, args.out_csv, args.out_video, start=args.start_frame,
                         frames=args.max_frames, resize=args.resize, timeout=args.timeout,
                         max_pixels=args.max_pixels, segment=args.segment,
                         segment_options=segment_options(args),
                         tracker_options=tracker_options(args), stop=args.stop, on_frame=on_frame,
                         note=warn)
    if progress is not None:
        progress.close()
    summary = f"tracked {run.frames} frames in {run.seconds:.2f} s"
    if run.fps:
        summary += f" ({run.fps:.0f} fps)"
    lost_what = "frame" if run.targets == 1 else "target-frame"
    parts = [summary, f"{run.lost} {lost_what}{'s' if run.lost != 1 else ''} lost"]
    if run.frames_dropped:
        parts.append(f"{run.frames_dropped} live frames skipped to keep up")
    if run.frames and args.out_csv is not None:
        parts.append(f"csv: {printable(outputs[0])}")
    if run.frames and args.out_video is not None:
        parts.append(f"video: {printable(outputs[-1])}")
    say("; ".join(parts))
    return run_status(run, run.problems, args)   # the run keeps the source's account


def cmd_segment(args) -> int:
    from ..app import IMAGE_SUFFIXES, VIDEO_CODECS, VideoOutput, check_distinct, check_output_path, write_image
    from ..io.sources import open_source
    from ..segmentation.segment import SegmentationStream

    out_path = check_output_path(args.out, "output", set(VIDEO_CODECS) | IMAGE_SUFFIXES)
    check_distinct(args.input, [out_path])
    check_max_frames(args)
    stream = SegmentationStream(**segment_options(args))
    source = open_source(args.input, timeout=args.timeout, max_pixels=args.max_pixels,
                         cancelled=args.stop.requested)
    video_out = None
    done = 0
    t0 = time.perf_counter()
    try:
        single_image = source.frame_count == 1 and out_path.suffix.lower() in IMAGE_SUFFIXES
        if out_path.suffix.lower() in IMAGE_SUFFIXES and not single_image:
            raise InputError(f"{printable(args.input)} has several frames: write a video "
                             f"({', '.join(VIDEO_CONTAINERS)}), not {printable(out_path.name)}")
        if source.frame_count == 1:
            # One frame: search it whole, there is no next frame to spread the search to;
            # as segment_frame does, whatever the output (a budget cut an image's clusters
            # from 10 to 6 when it was written as a video).
            stream.search_budget = None
        if not single_image:
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
        if video_out is not None:
            video_out.close()
    problems = [video_out.error] if video_out is not None and video_out.error else []
    seconds = time.perf_counter() - t0
    if done:
        say(f"segmented {done} frame{'s' if done != 1 else ''} in {seconds:.2f} s "
            f"(bandwidth {stream.bandwidth:.1f}, {seg.n_clusters} "
            f"cluster{'s' if seg.n_clusters != 1 else ''} in the last); output: {printable(out_path)}")
    return run_status(source, problems, args)
