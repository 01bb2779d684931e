#!/usr/bin/env python3
"""Live segmentation speed against cv2.pyrMeanShiftFiltering and scikit-learn, one run.

    .venv/bin/python scripts/bench_segmentation.py [--frames N] [--json]
    .venv/bin/python scripts/bench_segmentation.py --frame-costs [--frames N] [--json]

``--frame-costs`` instead shows the median and the worst frame on inputs that used to
stall single frames (noise, the Gaussian kernel, a tiny bandwidth), with the mode
search's per-frame budget and without it.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.evaluation.bench import DEFAULT_VIDEO  # noqa: E402
from tracker.evaluation.bench_segmentation import (bench_frame_costs, bench_segmentation,  # noqa: E402
                                                   format_frame_costs, format_segmentation_table)
from tracker.errors import TrackerError  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=None,
                        help="frames per size (default 100; 24 with --frame-costs)")
    parser.add_argument("--frame-costs", action="store_true",
                        help="median and worst frame with and without the search budget")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        if args.frame_costs:
            rows = bench_frame_costs(frames=args.frames or 24)
            print(json.dumps(rows, indent=2) if args.json else format_frame_costs(rows))
            return 0
        rows = bench_segmentation(DEFAULT_VIDEO, frames=args.frames or 100)
    except (TrackerError, ValueError) as e:
        print(f"bench_segmentation: error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(rows, indent=2) if args.json else format_segmentation_table(rows))
    for r in rows:
        verdict = "meets" if r["ours_fps"] >= 60 else "misses"
        print(f"  {r['size']}: {r['ours_fps']:.0f} fps ({verdict} the 60 fps target at 640x480)"
              if r["size"] == "640x480" else f"  {r['size']}: {r['ours_fps']:.0f} fps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
