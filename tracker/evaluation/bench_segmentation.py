"""Speed of the live segmentation against OpenCV and scikit-learn, measured in one run.

``SegmentationStream.update`` is timed per frame on frames of a clip (the synthetic one
of ``bench.synthetic_clip`` unless one is given; the repository's script gives the
traffic clip) resized to each size; ``cv2.pyrMeanShiftFiltering(sp=10, sr=20)`` and scikit-learn's
``MeanShift(bin_seeding=True)`` (the classic tutorial recipe) are timed on the same
frames. scikit-learn is far too slow for whole frames, so it runs on two random samples
of pixels and its time is extrapolated to the frame with the power law that fits them
(its cost is not linear in the pixels). scikit-learn is a benchmark reference only:
without it that column is left out.

``bench_frame_costs`` measures what the mode search's budget is for: the median and the
worst frame of a stream on inputs that used to stall single frames for seconds (noise,
the Gaussian kernel, tiny bandwidths), with the budget and without it.
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from .bench import DEFAULT_VIDEO, _read_frames
from ..segmentation.segment import SegmentationStream

SKLEARN_SAMPLES = (2000, 8000)


def _best(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _sklearn_seconds(frame, bandwidth, rng):
    """Seconds scikit-learn's recipe would take on the whole frame (extrapolated)."""
    try:
        from sklearn.cluster import MeanShift
    except ImportError:
        return None
    lab = cv2.cvtColor(frame.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab).reshape(-1, 3)
    times = []
    for n in SKLEARN_SAMPLES:
        sample = lab[rng.choice(len(lab), min(n, len(lab)), replace=False)]
        times.append(_best(lambda: MeanShift(bandwidth=bandwidth, bin_seeding=True).fit(sample), 1))
    (n1, n2), (t1, t2) = SKLEARN_SAMPLES, times
    exponent = np.log(t2 / t1) / np.log(n2 / n1)
    return t2 * (len(lab) / n2) ** exponent


def bench_segmentation(video=None, sizes=((640, 480), (1280, 720)), frames: int = 100,
                       repeats: int = 2) -> list[dict]:
    """Frames per second of the live segmentation and the references at each size.

    Returns one dict per size: ``size``, ``ours_ms`` (mean per frame over ``frames``
    consecutive frames, best of ``repeats`` passes after a warm-up), ``ours_fps``,
    ``pyr_ms`` (cv2.pyrMeanShiftFiltering, best of 3 frames), ``sklearn_ms`` (scaled
    estimate, or None), ``pyr_ratio`` and ``sklearn_ratio`` (their time / ours),
    ``bandwidth`` and ``clusters`` (of the last frame).
    """
    if frames < 2:
        raise ValueError(f"frames must be at least 2, got {frames!r}")
    clip = _read_frames(video, frames)
    rng = np.random.default_rng(0)
    rows = []
    for width, height in sizes:
        resized = [cv2.resize(f, (int(width), int(height))) for f in clip]
        stream = SegmentationStream()
        stream.update(resized[0])          # warm-up: compile or load numba's cache
        best = float("inf")
        for _ in range(repeats):
            times = []
            for f in resized:
                t0 = time.perf_counter()
                seg = stream.update(f)
                times.append(time.perf_counter() - t0)
            if sum(times) / len(times) < best:
                best, per_frame = sum(times) / len(times), times
        pyr = min(_best(lambda: cv2.pyrMeanShiftFiltering(f, 10, 20), 1) for f in resized[:3])
        sk = _sklearn_seconds(resized[0], stream.bandwidth, rng)
        rows.append({
            "size": f"{width}x{height}", "ours_ms": best * 1e3, "ours_fps": 1.0 / best,
            "pyr_ms": pyr * 1e3, "pyr_ratio": pyr / best,
            "sklearn_ms": None if sk is None else sk * 1e3,
            "sklearn_ratio": None if sk is None else sk / best,
            "bandwidth": stream.bandwidth, "clusters": seg.n_clusters, "frames": len(resized),
            "median_ms": float(np.median(per_frame)) * 1e3, "worst_ms": max(per_frame) * 1e3,
        })
    return rows


def _noise(n, size, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8) for _ in range(n)]


STRESS_SCENES = (("noise 640x360", "gaussian", 9.0), ("noise 640x360", "epanechnikov", 1.0),
                 ("traffic 640x360", "gaussian", 8.0), ("traffic 640x360", "flat", None))


def bench_frame_costs(video=DEFAULT_VIDEO, frames: int = 24, scenes=STRESS_SCENES) -> list[dict]:
    """Median and worst frame of a stream, with the mode search's budget and without.

    Returns one dict per scene and setting: ``scene``, ``kernel``, ``bandwidth``,
    ``budget`` (visits per pixel, or None), ``first_ms`` (the first frame, which also
    allocates the stream's buffers and estimates the bandwidth), then over the frames
    after it ``median_ms``, ``worst_ms``, ``ratio`` (worst / median), ``median_visits``
    and ``worst_visits`` (``SearchWork.visits``, over all frames).
    """
    clip = None
    rows = []
    for scene, kernel, bandwidth in scenes:
        if scene.startswith("noise"):
            source = _noise(frames, (640, 360))
        else:
            clip = clip if clip is not None else [cv2.resize(f, (640, 360))
                                                  for f in _read_frames(video, frames)]
            source = clip
        for budget in (SegmentationStream().search_budget, None):
            SegmentationStream(bandwidth, kernel=kernel).update(source[0][:40, :40])  # compile
            stream = SegmentationStream(bandwidth, kernel=kernel, search_budget=budget)
            times, visits = [], []
            for f in source:
                t0 = time.perf_counter()
                stream.update(f)
                times.append(time.perf_counter() - t0)
                visits.append(stream.last_work.visits)
            later = times[1:]
            rows.append({
                "scene": scene, "kernel": kernel, "bandwidth": bandwidth, "budget": budget,
                "first_ms": times[0] * 1e3, "median_ms": float(np.median(later)) * 1e3,
                "worst_ms": max(later) * 1e3, "ratio": max(later) / float(np.median(later)),
                "median_visits": int(np.median(visits)), "worst_visits": max(visits),
            })
    return rows


def format_frame_costs(rows) -> str:
    lines = ["scene            kernel        bandwidth  budget  first ms  median ms  worst ms  "
             "worst/median  worst visits",
             "---------------  ------------  ---------  ------  --------  ---------  --------  "
             "------------  ------------"]
    for r in rows:
        bw = "auto" if r["bandwidth"] is None else f"{r['bandwidth']:g}"
        budget = "none" if r["budget"] is None else f"{r['budget']:g}/px"
        lines.append(f"{r['scene']:<15}  {r['kernel']:<12}  {bw:>9}  {budget:>6}  {r['first_ms']:8.1f}  "
                     f"{r['median_ms']:9.1f}  {r['worst_ms']:8.1f}  {r['ratio']:11.1f}x  "
                     f"{r['worst_visits']:12d}")
    lines.append("(first frame apart: it also allocates the buffers and estimates the bandwidth; "
                 "machine load moves single frames)")
    return "\n".join(lines)


def format_segmentation_table(rows) -> str:
    lines = ["size      ours ms  worst ms  ours fps  pyrMeanShift ms  (x ours)  sklearn ms*  (x ours)  clusters",
             "--------  -------  --------  --------  ---------------  --------  -----------  --------  --------"]
    for r in rows:
        sk = "n/a" if r["sklearn_ms"] is None else f"{r['sklearn_ms']:.0f}"
        skr = "n/a" if r["sklearn_ratio"] is None else f"{r['sklearn_ratio']:.0f}x"
        lines.append(f"{r['size']:<8}  {r['ours_ms']:7.2f}  {r['worst_ms']:8.2f}  {r['ours_fps']:8.0f}  "
                     f"{r['pyr_ms']:15.1f}  {r['pyr_ratio']:7.0f}x  {sk:>11}  {skr:>8}  {r['clusters']:8d}")
    lines.append(f"* scikit-learn MeanShift(bin_seeding=True) timed on {SKLEARN_SAMPLES[0]} and "
                 f"{SKLEARN_SAMPLES[1]} sampled pixels, extrapolated to the frame by the power law they fit")
    return "\n".join(lines)
