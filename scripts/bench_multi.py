#!/usr/bin/env python3
"""Per-frame cost of tracking several targets at once, relative to one target.

    .venv/bin/python scripts/bench_multi.py [--frames N] [--repeats R]

On ../shared/data/video/traffic-360p.mp4 resized to 640x480 and 1280x720, `MultiTracker`
follows 1, 2, 4 and 8 targets, each a box 10 % of the frame wide on a 4 x 2 grid over
the frame (whatever is there: road, cars, verges). Each count's best time over R
repeats, its ratio to one target measured in the same run (the machine may be loaded:
read the ratios, not the milliseconds), and the share of target-frames reported lost,
which cost more (a lost target is searched for over the whole frame).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import cv2  # noqa: E402

from tracker import MultiTracker  # noqa: E402
from tracker.evaluation.bench import DEFAULT_VIDEO, _read_frames, _resolve  # noqa: E402

COUNTS = (1, 2, 4, 8)


def boxes(size, n):
    """``n`` boxes 10 % of the frame wide, spread over a 4 x 2 grid."""
    width, height = size
    w, h = 0.10 * width, 0.10 * width
    spots = [((i % 4 + 0.5) * width / 4, (i // 4 + 0.5) * height / 2) for i in range(8)]
    return [(cx - w / 2, cy - h / 2, w, h) for cx, cy in spots[:n]]


def time_per_frame(frames, n, repeats):
    """Best milliseconds per frame over ``repeats`` runs, and the share of target-frames lost."""
    best, lost = float("inf"), 0
    for _ in range(repeats):
        multi = MultiTracker()
        for box in boxes((frames[0].shape[1], frames[0].shape[0]), n):
            multi.add(frames[0], box)
        t0 = time.perf_counter()
        lost = 0
        for frame in frames[1:]:
            lost += sum(s.lost for s in multi.update(frame).values())
        best = min(best, (time.perf_counter() - t0) / (len(frames) - 1))
    return best * 1e3, lost / (n * (len(frames) - 1))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=150)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    source = _read_frames(_resolve(DEFAULT_VIDEO), args.frames)
    print("| frame | " + " | ".join(f"{n} target{'s' if n > 1 else ''}" for n in COUNTS) + " |")
    print("|---|" + "---|" * len(COUNTS))
    for size in ((640, 480), (1280, 720)):
        frames = [cv2.resize(f, size, interpolation=cv2.INTER_LINEAR) for f in source]
        time_per_frame(frames[:5], max(COUNTS), 1)          # compile / load the kernels
        runs = {n: time_per_frame(frames, n, args.repeats) for n in COUNTS}
        one = runs[1][0]
        cells = [f"{ms:.2f} ms ({ms / one:.1f}x; {lost:.0%} lost)" for ms, lost in runs.values()]
        print(f"| {size[0]}x{size[1]} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
