#!/usr/bin/env python3
"""Render the synthetic "demo" scene to an mp4 with OTB-style ground truth.

    .venv/bin/python scripts/make_demo_video.py [--out videos/demo]

Writes ``demo.mp4`` (640x480, 30 fps, 10 s), ``groundtruth_rect.txt`` (one ``x,y,w,h``
line per frame) and ``README.md``. The ground truth is byte-identical on every run and
the frames are a pure function of the seed (see ``tracker.synthetic``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.evaluation.synthetic import make_scene  # noqa: E402

FPS = 30
N_FRAMES = 300
SIZE = (640, 480)
SEED = 0
# H.264 would be about half the size, but this OpenCV's FFmpeg has no software H.264
# encoder (only the V4L2 hardware one); MPEG-4 Part 2 plays everywhere that matters.
FOURCC = "mp4v"

README = """\
# Synthetic demo clip

`demo.mp4` is a synthetic scene rendered by `tracker.synthetic` (scenario `"demo"`,
seed {seed}): a red-and-yellow ball moving on a smooth curve (at most ~5 px per frame)
over a slowly panning textured background. Around 35% of the clip a blue bar passes
in front of the ball and hides about half of it for about a second; in the second
half the overall brightness ramps down to 60% and back.

- `demo.mp4`: {width}x{height}, {fps} fps, {n} frames ({seconds:.0f} s), codec MPEG-4 Part 2 (`{fourcc}`).
- `groundtruth_rect.txt`: OTB format, one line per frame, `x,y,w,h` comma-separated,
  0-based pixel coordinates with one decimal: the axis-aligned box of the ball as drawn
  (before the occluder is painted over it).

Regenerate (deterministic: the ground truth is byte-identical, the frames the same):

    .venv/bin/python scripts/make_demo_video.py --out videos/demo

Track it with `mstrack track videos/demo/demo.mp4 --roi X,Y,W,H` using the first
ground-truth line as the ROI.
"""


def format_box(box) -> str:
    """One OTB ground-truth line, one decimal per value."""
    return ",".join(f"{v:.1f}" for v in box)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("videos/demo"), help="output folder (default: videos/demo)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    scene = make_scene("demo", N_FRAMES, SIZE, SEED)
    video_path = args.out / "demo.mp4"
    writer = cv2.VideoWriter(str(video_path), cv2.VideoWriter_fourcc(*FOURCC), FPS, SIZE)
    if not writer.isOpened():
        print(f"error: cannot open a {FOURCC} video writer for {video_path}", file=sys.stderr)
        return 1
    lines = []
    for i in range(N_FRAMES):
        writer.write(scene.render(i))
        lines.append(format_box(scene.box(i)))
    writer.release()

    (args.out / "groundtruth_rect.txt").write_text("\n".join(lines) + "\n")
    (args.out / "README.md").write_text(README.format(
        seed=SEED, width=SIZE[0], height=SIZE[1], fps=FPS, n=N_FRAMES,
        seconds=N_FRAMES / FPS, fourcc=FOURCC))
    size_mb = video_path.stat().st_size / 1e6
    print(f"wrote {video_path} ({size_mb:.2f} MB, {N_FRAMES} frames) and groundtruth_rect.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
