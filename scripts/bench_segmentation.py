#!/usr/bin/env python3
"""Live segmentation speed against cv2.pyrMeanShiftFiltering and scikit-learn, one run.

    .venv/bin/python scripts/bench_segmentation.py [--frames N] [--json]
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.evaluation.bench_segmentation import bench_segmentation, format_segmentation_table  # noqa: E402
from tracker.errors import TrackerError  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        rows = bench_segmentation(frames=args.frames)
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
