"""``mstrack track`` and ``mstrack segment``: the frame loops of the command line.

``track`` drives the app layer's `Session`, the frame loop the desktop app drives too,
so a run here records what the app records for the same calls.
"""

from __future__ import annotations

import os
import sys
import time

from ..errors import InputError, printable
from .options import (VIDEO_CONTAINERS, check_csv_name, check_max_frames, check_start, clipped_to_frame, first_boxes,
                      segment_options, target_boxes, tracker_options)
from .report import frames_until_stop, progress_bar, run_status, say


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
    from ..app import VIDEO_CODECS, RecordPlan, Session, check_distinct, check_output_path

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
    views = ("track", "segment") if args.segment else ("track",)
    plan = RecordPlan(args.out_video or "", args.out_csv or "", views)   # the segmentation beside
    session = Session(segment=args.segment, segment_options=segment_options(args), **tracker_options(args))
    session.set_views(views)             # every frame segmented with --segment, recorded or not
    started = _process_start_time() if os.environ.get("MSTRACK_REPORT_STARTUP") else None
    processed = lost = 0
    t0 = None
    source = session.open(args.source, resize=args.resize, timeout=args.timeout,
                          max_pixels=args.max_pixels, cancelled=args.stop.requested)
    problems, rois = [], []
    try:
        check_start(source, args.start_frame)
        session.start_at(args.start_frame)
        rois = first_boxes(targets, args.start_frame, source.size, args.resize)
        progress = progress_bar(source, args, "tracking", args.start_frame)
        for result in frames_until_stop(_results(session, rois, plan), args):
            if processed == 0:
                t0 = time.perf_counter()
            if processed == 1 and started is not None:
                say(f"first frame after {time.time() - started:.3f} s", sys.stderr)
            processed += 1
            lost += sum(state.lost for state in result.states.values())
            progress.update(processed)
        progress.close()
    finally:
        recorded = session.recording
        problems = session.close()
    if processed == 0 and not args.stop:
        raise InputError(f"{printable(args.source)}: no frames could be read")
    seconds = time.perf_counter() - t0 if t0 else 0.0
    summary = f"tracked {processed} frames in {seconds:.2f} s"
    if processed > 1 and seconds > 0:
        summary += f" ({(processed - 1) / seconds:.0f} fps)"
    lost_what = "frame" if len(rois) == 1 else "target-frame"
    parts = [summary, f"{lost} {lost_what}{'s' if lost != 1 else ''} lost"]
    if getattr(source, "frames_dropped", 0):
        parts.append(f"{source.frames_dropped} live frames skipped to keep up")
    if recorded and args.out_csv is not None:
        parts.append(f"csv: {printable(outputs[0])}")
    if recorded and args.out_video is not None:
        parts.append(f"video: {printable(outputs[-1])}")
    say("; ".join(parts))
    return run_status(source, problems, args)


def _results(session, rois, plan):
    """The session's results, frame by frame: on the first frame every target is learnt,
    in the order given (ids 0, 1, ...; the frame segmented once, with the last), and the
    recording starts with it."""
    if session.read() is None:
        return
    last = len(rois) - 1
    result = session.set_target(clipped_to_frame(rois[0], session.frame), segment=last == 0)
    for n, roi in enumerate(rois[1:], 1):
        result = session.add_target(clipped_to_frame(roi, session.frame), segment=n == last)
    if plan.files():
        session.start_recording(plan)      # the first frame, with every target's init row
    yield result
    while (result := session.step()) is not None:
        yield result


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
