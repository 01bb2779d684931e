#!/usr/bin/env python3
"""Time MeanShiftTracker against OpenCV's CamShift recipe, and the CLI's start-up.

    .venv/bin/python scripts/bench_tracking.py [--frames N] [--repeats R] [--targets NAME ...] [--json]

Tracking speed is measured on ../shared/data/video/traffic-360p.mp4 resized to 640x480
and 1280x720, for targets 8 %, 16 %, 30 % and 45 % of the frame wide (see
``tracker.evaluation.bench``); start-up on videos/demo/demo.mp4 with its first
ground-truth box, when the demo clip and the command line are there.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Runnable from a checkout without installing the package.
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import cv2  # noqa: E402

from tracker.evaluation.bench import (DEFAULT_VIDEO, TARGET_WIDTHS, bench_tracking,  # noqa: E402
                                     format_table, startup_time)
from tracker.errors import TrackerError  # noqa: E402

DEMO_DIR = REPO_ROOT / "videos" / "demo"


def _first_box(groundtruth: Path):
    line = groundtruth.read_text().splitlines()[0]
    return tuple(float(v) for v in line.replace(",", " ").replace("\t", " ").split())


def _size(text):
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 640x480, got {text!r}") from None
    return w, h


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300, help="frames per run (default 300)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs, best counts (default 3)")
    parser.add_argument("--video", default=DEFAULT_VIDEO, help="clip to track in")
    parser.add_argument("--sizes", type=_size, nargs="+", default=[(640, 480), (1280, 720)])
    parser.add_argument("--targets", nargs="+", choices=list(TARGET_WIDTHS), default=list(TARGET_WIDTHS),
                        metavar="NAME", help=f"target sizes to measure: {', '.join(TARGET_WIDTHS)} (default: all)")
    parser.add_argument("--no-startup", action="store_true", help="skip the CLI start-up timing")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.frames < 2 or args.repeats < 1:
        parser.error("--frames must be at least 2 and --repeats at least 1")

    steps = len(args.sizes) * len(args.targets)
    done = []

    def progress(size, target):
        done.append(target)
        print(f"bench_tracking: [{len(done)}/{steps}] {size[0]}x{size[1]}, {target} target ...",
              file=sys.stderr, flush=True)

    try:
        rows = bench_tracking(args.video, sizes=args.sizes, frames=args.frames,
                              repeats=args.repeats, targets=args.targets, progress=progress)
    except TrackerError as exc:
        print(f"bench_tracking: {exc}", file=sys.stderr)
        return 1

    startup, startup_note = None, None
    demo, groundtruth = DEMO_DIR / "demo.mp4", DEMO_DIR / "groundtruth_rect.txt"
    if args.no_startup:
        startup_note = "skipped (--no-startup)"
    elif not (demo.is_file() and groundtruth.is_file()):
        startup_note = f"skipped: {demo} or its groundtruth_rect.txt is missing"
    else:
        try:
            startup = startup_time(demo, _first_box(groundtruth))
        except TrackerError as exc:
            startup_note = f"skipped: {exc}"

    if args.json:
        print(json.dumps({"tracking": rows, "startup": startup, "startup_note": startup_note,
                          "cv2_threads": cv2.getNumThreads(), "frames": args.frames,
                          "repeats": args.repeats}, indent=2))
        return 0
    print(f"Tracking, ms per frame (best of {args.repeats} runs of total/frames; "
          f"cv2 threads: {cv2.getNumThreads()})")
    print(format_table(rows))
    for size in dict.fromkeys(r["size"] for r in rows):
        ratios = [r["ratio"] for r in rows if r["size"] == size]
        worst = max((r for r in rows if r["size"] == size), key=lambda r: r["ratio"])
        print(f"  {size}: ours takes {min(ratios):.2f}-{max(ratios):.2f}x the time of OpenCV's "
              f"cvtColor + calcBackProject + CamShift (most for the {worst['target']} target)")
    if startup is not None:
        print(f"Start-up to first frame: cold {startup['cold_s']:.2f} s (numba compiles), "
              f"warm {startup['warm_s']:.2f} s (numba cache)")
    else:
        print(f"Start-up: {startup_note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
