"""Speed of the tracker against OpenCV's CamShift recipe, measured in the same process.

``bench_tracking`` times ``MeanShiftTracker.update`` and OpenCV's per-frame tracking
pipeline from its ``camshift.py`` sample (``cvtColor`` to HSV, ``calcBackProject`` of a
hue histogram, ``CamShift``) on the same in-memory frames, so the ratio between the two
means something on whatever machine runs it; once per frame size and target size, from
a distant car (8 % of the frame wide) to a face near a webcam (45 %). ``startup_time`` measures how long the
command line takes to reach its first frame with and without numba's on-disk cache.

Without a clip, both benchmarks render one (`synthetic_clip`: the demo scene of
``synthetic.py``, a ball on a textured, panning background), so that they run from any
install; the repository's scripts pass the real traffic clip, `DEFAULT_VIDEO`.

Both tools leave ``cv2.setNumThreads`` at its default: OpenCV may spread ``cvtColor``
and ``calcBackProject`` over the cores (two on the reference machines), while our
kernels run on one.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from ..errors import SourceError, TrackerError
from ..meanshift.tracker import MeanShiftTracker

__all__ = ["bench_tracking", "format_table", "startup_time", "synthetic_clip", "target_boxes",
           "DEFAULT_VIDEO", "TARGET_BOX", "TARGET_WIDTHS"]

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The real clip the repository's benchmark scripts use (relative to a checkout; an
#: installed package has no such folder and renders `synthetic_clip` instead).
DEFAULT_VIDEO = "../shared/data/video/traffic-360p.mp4"
#: The scene and frame size of `synthetic_clip`.
SYNTHETIC_SCENE, SYNTHETIC_SIZE = "demo", (640, 360)

#: The target in frame 0 of traffic-360p.mp4, in its 640x360 pixels: the blue pick-up
#: with the white cab roof near the top of the bridge, which stays in view (and grows
#: as it approaches) for the first 300 frames. It is scaled to each benchmark size.
TARGET_BOX = (260.0, 78.0, 48.0, 44.0)
TARGET_BOX_SIZE = (640, 360)

#: Target sizes measured, as a share of the frame's width. Small is the pick-up itself
#: (7.5 %); the others are regions centred on it (see `target_boxes`).
TARGET_WIDTHS = {"small": 0.08, "medium": 0.16, "large": 0.30, "very large": 0.45}

# OpenCV's camshift.py sample: 16 hue bins, pixels with saturation < 60 or value < 32
# left out of the model, and CamShift stopping after 10 iterations or a 1 px move.
_HUE_BINS = 16
_HSV_LOW, _HSV_HIGH = (0, 60, 32), (180, 255, 255)
_TERM = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 10, 1)


def _resolve(path) -> Path:
    path = Path(path)
    return path if path.is_absolute() else REPO_ROOT / path


def _read_frames(video, count: int) -> list[np.ndarray]:
    """The first ``count`` frames of ``video`` as uint8 BGR arrays; None: `synthetic_clip`'s."""
    if video is None:
        return synthetic_clip(count)[0]
    path = _resolve(video)
    if not path.is_file():
        raise SourceError(f"cannot open benchmark clip '{path}': no such file")
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise SourceError(f"cannot open benchmark clip '{path}': OpenCV cannot decode it")
        frames = []
        while len(frames) < count:
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            frames.append(frame)
    finally:
        cap.release()
    if len(frames) < 2:
        raise SourceError(f"benchmark clip '{path}' has {len(frames)} readable frame(s); "
                          f"need at least 2")
    return frames


def synthetic_clip(count: int):
    """``(frames, box)``: ``count`` frames of the demo scene at `SYNTHETIC_SIZE` (a
    red-and-yellow ball on a smooth path over a textured background that pans, an
    occluder passing, the light dimming) and the ball's box in the first frame. The
    frames are rendered once per ``count`` (300 take seconds; ``mstrack bench`` asks
    for them once per measurement) and are not to be written to."""
    frames, box = _rendered(count)
    return list(frames), box


@functools.lru_cache(maxsize=2)
def _rendered(count: int):
    from .synthetic import render_clip

    clip = render_clip(SYNTHETIC_SCENE, count, SYNTHETIC_SIZE)
    for frame in clip.frames:
        frame.flags.writeable = False
    return tuple(clip.frames), tuple(float(v) for v in clip.boxes[0])


def target_boxes(targets=tuple(TARGET_WIDTHS), around=None, frame_size=TARGET_BOX_SIZE) -> dict:
    """The box of each target size in frame 0 of the traffic clip, in its 640x360 pixels
    (or, with ``around``, of another clip of ``frame_size``).

    ``small`` is the blue pick-up (`TARGET_BOX`); each larger one is the region centred on
    the pick-up with its aspect ratio and `TARGET_WIDTHS` of the frame's width, clipped to
    the frame (the very large one loses its top above the frame): the pick-up with more and
    more of the bridge and the cars around it, as a close target brings its surroundings.
    ``around`` (x, y, w, h) is another target to centre the regions on; every size,
    ``small`` too, is then such a region.
    """
    x, y, w, h = TARGET_BOX if around is None else around
    cx, cy = x + w / 2, y + h / 2
    frame_w, frame_h = frame_size
    boxes = {}
    for name in targets:
        if name not in TARGET_WIDTHS:
            raise ValueError(f"unknown target size {name!r}: use {', '.join(TARGET_WIDTHS)}")
        if name == "small" and around is None:
            boxes[name] = TARGET_BOX
            continue
        bw = TARGET_WIDTHS[name] * frame_w
        bh = bw * h / w
        x0, y0 = max(0.0, cx - bw / 2), max(0.0, cy - bh / 2)
        x1, y1 = min(float(frame_w), cx + bw / 2), min(float(frame_h), cy + bh / 2)
        boxes[name] = (x0, y0, x1 - x0, y1 - y0)
    return boxes


def _scaled_box(box, from_size, to_size):
    sx, sy = to_size[0] / from_size[0], to_size[1] / from_size[1]
    x, y, w, h = box
    return (x * sx, y * sy, w * sx, h * sy)


def _run_ours(tracker, frames, box):
    """Seconds per ``update`` over ``frames[1:]`` after ``init`` on ``frames[0]``, and
    the number of those frames reported lost (a lost tracker searches the whole frame
    every other frame, every fourth once lost for long, so it says which work was timed)."""
    tracker.init(frames[0], box)
    lost = 0
    start = time.perf_counter()
    for frame in frames[1:]:
        lost += tracker.update(frame).lost
    return (time.perf_counter() - start) / (len(frames) - 1), lost


def _opencv_model(frame, box):
    """Hue histogram of ``box`` as OpenCV's camshift.py builds it, and the int window."""
    x, y, w, h = (int(round(v)) for v in box)
    hsv = cv2.cvtColor(frame, cv2.COLOR_BGR2HSV)
    mask = cv2.inRange(hsv, _HSV_LOW, _HSV_HIGH)
    hist = cv2.calcHist([hsv[y:y + h, x:x + w]], [0], mask[y:y + h, x:x + w],
                        [_HUE_BINS], [0, 180])
    cv2.normalize(hist, hist, 0, 255, cv2.NORM_MINMAX)
    return hist.reshape(-1), (x, y, w, h)


def _run_opencv(hue_hist, window, frames):
    """Seconds per frame of cvtColor + calcBackProject + CamShift over ``frames[1:]``."""
    window0 = window
    start = time.perf_counter()
    for frame in frames[1:]:
        hsv = cv2.cvtColor(frame, cv2.COLOR_BGR2HSV)
        prob = cv2.calcBackProject([hsv], [0], hue_hist, [0, 180], 1)
        _, window = cv2.CamShift(prob, window, _TERM)
        if window[2] <= 0 or window[3] <= 0:
            # CamShift lost everything; restart where the sample's user would.
            window = window0
    return (time.perf_counter() - start) / (len(frames) - 1)


_WARM_UP_FRAMES = 20


def _time_both(frames, box, repeats):
    """Best over ``repeats`` of the seconds per frame of ours and of OpenCV's recipe, and
    the frames ours reported lost.

    An untimed warm-up on the first frames comes first (numba compiles or loads its
    cache on first call); the timed runs alternate between the two so that a burst of
    load from elsewhere on the machine hits both rather than one.
    """
    tracker = MeanShiftTracker(colour_space="bgr", bins=16)
    hue_hist, window = _opencv_model(frames[0], box)
    _run_ours(tracker, frames[:_WARM_UP_FRAMES], box)
    _run_opencv(hue_hist, window, frames[:_WARM_UP_FRAMES])
    ours = ref = float("inf")
    for _ in range(repeats):
        t_ours, lost = _run_ours(tracker, frames, box)
        t_ref = _run_opencv(hue_hist, window, frames)
        ours, ref = min(ours, t_ours), min(ref, t_ref)
    return ours, ref, lost


def bench_tracking(video=None, sizes=((640, 480), (1280, 720)), frames: int = 300,
                   repeats: int = 3, targets=tuple(TARGET_WIDTHS), box=None, box_size=None,
                   progress=None) -> list[dict]:
    """Per-frame tracking time of ``MeanShiftTracker`` and of OpenCV's CamShift recipe.

    For each frame size, the first ``frames`` frames of ``video`` are decoded and resized
    once (not timed); for each target size both trackers are initialised on frame 0 with
    the same box and timed over the remaining ``frames - 1`` frames. Each figure is the
    best of ``repeats`` runs of (total time / frames), measured with ``time.perf_counter``
    after an untimed warm-up (so numba's compilation is not counted) and with the garbage
    collector paused.

    Parameters
    ----------
    video : str or path, optional
        Clip to track in; a relative path is taken from the repository root. None
        renders `synthetic_clip` (the target sizes are then regions around its ball).
    sizes : sequence of (width, height)
        Frame sizes to measure at (frames are resized with ``cv2.resize``).
    frames : int
        Frames to use, including the initial one.
    repeats : int
        Timed runs per measurement; the fastest counts.
    targets : sequence of str
        Target sizes to measure, names of `TARGET_WIDTHS`; their boxes are
        `target_boxes`, given in the 640x360 traffic clip (or around the synthetic
        clip's ball) and scaled to each size.
    box, box_size : (x, y, w, h), (width, height), optional
        One target box in frame 0 instead, and the frame size it is given in (default:
        the clip's); its rows are named ``custom``.
    progress : callable, optional
        Called as ``progress((width, height), target)`` before each measurement.

    Returns
    -------
    rows : list of dict
        One per frame size and target, in that order: ``size`` ("640x480"), ``target``
        ("small"), ``width_pct`` (the box's share of the frame's width, %), ``box`` (in
        the resized frame), ``ours_ms``, ``opencv_ms`` (ms per frame), ``ratio`` (ours /
        opencv; below 1 means we are faster), ``ours_fps``, ``frames`` (frames timed per
        run) and ``lost_frames`` (of those, how many ours reported lost in its last run).

    Raises
    ------
    SourceError
        If the clip is missing or unreadable.
    """
    if frames < 2:
        raise ValueError(f"frames must be at least 2, got {frames!r}")
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats!r}")
    if video is None:
        clip, ball = synthetic_clip(frames)
    else:
        clip = _read_frames(video, frames)
    if box is not None:
        boxes = {"custom": tuple(box)}
    elif video is None:
        boxes, box_size = target_boxes(targets, ball, SYNTHETIC_SIZE), SYNTHETIC_SIZE
    else:
        boxes, box_size = target_boxes(targets), TARGET_BOX_SIZE
    box_size = box_size or (clip[0].shape[1], clip[0].shape[0])
    rows = []
    for width, height in sizes:
        resized = [cv2.resize(f, (int(width), int(height))) for f in clip]
        for name, target_box in boxes.items():
            if progress is not None:
                progress((width, height), name)
            target = _scaled_box(target_box, box_size, (width, height))
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                ours, ref, lost = _time_both(resized, target, repeats)
            finally:
                if was_enabled:
                    gc.enable()
            rows.append({
                "size": f"{width}x{height}",
                "target": name,
                "width_pct": round(100 * target[2] / width, 1),
                "box": [round(v, 1) for v in target],
                "ours_ms": ours * 1e3,
                "opencv_ms": ref * 1e3,
                "ratio": ours / ref,
                "ours_fps": 1.0 / ours,
                "frames": len(resized) - 1,
                "lost_frames": lost,
            })
        del resized
    return rows


def format_table(rows) -> str:
    """Rows of `bench_tracking` as a small aligned text table."""
    header = ("size", "target", "width", "ours ms", "opencv ms", "ours/opencv", "ours fps", "lost", "frames")
    lines = [header] + [
        (r["size"], r["target"], f"{r['width_pct']:.0f} %", f"{r['ours_ms']:.3f}", f"{r['opencv_ms']:.3f}",
         f"{r['ratio']:.2f}x", f"{r['ours_fps']:.0f}", str(r["lost_frames"]), str(r["frames"]))
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    fmt = lambda line: "  ".join(  # noqa: E731
        cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))
    out = [fmt(lines[0]), "  ".join("-" * w for w in widths)]
    out += [fmt(line) for line in lines[1:]]
    return "\n".join(out)


_STARTUP_LINE = re.compile(r"first frame after\s+([0-9]+(?:\.[0-9]*)?)\s*s")


def _run_startup(source, roi_text, cache_dir, timeout):
    env = dict(os.environ)
    env["MSTRACK_REPORT_STARTUP"] = "1"
    env["NUMBA_CACHE_DIR"] = str(cache_dir)
    # Run the checkout's package, installed or not.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "tracker", "track", str(source), "--roi", roi_text]
    try:
        proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TrackerError(f"'{' '.join(cmd[1:])}' took more than {timeout:g} s") from None
    match = _STARTUP_LINE.search(proc.stderr)
    if match is None:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise TrackerError(f"'mstrack track' did not report its first frame "
                           f"(exit code {proc.returncode}): {last}")
    return float(match.group(1))


def startup_time(source, roi, timeout: float = 600.0) -> dict:
    """Seconds from process start to the first processed frame of ``mstrack track``.

    Runs ``python -m tracker track SOURCE --roi X,Y,W,H`` twice with
    ``MSTRACK_REPORT_STARTUP=1``, which makes the CLI print ``first frame after X.XXX s``
    on stderr: first with an empty ``NUMBA_CACHE_DIR`` (cold: numba compiles every
    kernel), then with the same folder (warm: kernels load from that cache).

    Returns
    -------
    times : dict
        ``{"cold_s": ..., "warm_s": ...}``.

    Raises
    ------
    TrackerError
        If the CLI fails, times out or does not report its first frame.
    """
    x, y, w, h = (float(v) for v in roi)
    roi_text = ",".join(f"{v:g}" for v in (x, y, w, h))
    with tempfile.TemporaryDirectory(prefix="mstrack-numba-cache-") as cache_dir:
        cold = _run_startup(source, roi_text, cache_dir, timeout)
        warm = _run_startup(source, roi_text, cache_dir, timeout)
    return {"cold_s": cold, "warm_s": warm}
