#!/usr/bin/env python3
"""Time mean_shift_cluster against scikit-learn's MeanShift(bin_seeding=True).

    .venv/bin/python scripts/bench_cluster.py [--points N] [--quantile Q] [--repeats R] [--json]

Both cluster the same CIE Lab pixels of china.jpg (the photo that ships with
scikit-learn), sampled with a fixed seed, at the bandwidth scikit-learn's
``estimate_bandwidth`` gives them (the classic tutorial's ``quantile=0.2,
n_samples=500`` by default). Ours is called once first so numba's compilation (or
cache load) is not timed; each side's best of ``--repeats`` runs counts. Prints the
speed ratio and the adjusted Rand index between the two labellings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# Runnable from a checkout without installing the package.
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from tracker.segmentation.cluster import mean_shift_cluster  # noqa: E402


def _best_time(fn, repeats):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def lab_pixels(n_points: int, seed: int = 0) -> np.ndarray:
    """``n_points`` distinct pixels of scikit-learn's china.jpg as float64 CIE Lab."""
    import sklearn

    path = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "images", "china.jpg")
    bgr = cv2.imread(path)
    if bgr is None:
        raise FileNotFoundError(f"cannot read {path}")
    lab = cv2.cvtColor(bgr.astype(np.float32) / 255, cv2.COLOR_BGR2Lab).reshape(-1, 3)
    n_points = min(n_points, len(lab))
    picks = np.random.default_rng(seed).choice(len(lab), n_points, replace=False)
    return lab[picks].astype(np.float64)


def bench_cluster(n_points: int = 20000, quantile: float = 0.2, repeats: int = 3,
                  seed: int = 0) -> dict:
    """Time both implementations on the same pixels; return the figures as a dict."""
    from sklearn.cluster import MeanShift, estimate_bandwidth
    from sklearn.metrics import adjusted_rand_score

    points = lab_pixels(n_points, seed)
    bandwidth = float(estimate_bandwidth(points, quantile=quantile, n_samples=500,
                                         random_state=0))
    mean_shift_cluster(points, bandwidth)  # compile, or load numba's cache
    ours_s, (labels, modes) = _best_time(lambda: mean_shift_cluster(points, bandwidth), repeats)
    sk_s, model = _best_time(
        lambda: MeanShift(bandwidth=bandwidth, bin_seeding=True).fit(points), repeats)
    gaps = np.sqrt(((model.cluster_centers_[:, None] - modes[None]) ** 2).sum(-1))
    return {
        "points": len(points),
        "bandwidth": bandwidth,
        "clusters": len(modes),
        "sklearn_clusters": len(model.cluster_centers_),
        "ours_ms": ours_s * 1e3,
        "sklearn_ms": sk_s * 1e3,
        "speedup": sk_s / ours_s,
        "ari": float(adjusted_rand_score(model.labels_, labels)),
        "max_mode_gap": float(gaps.min(axis=1).max()),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20000, help="pixels (default 20000)")
    parser.add_argument("--quantile", type=float, default=0.2,
                        help="estimate_bandwidth quantile (default 0.2)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs, best counts (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.points < 1 or args.repeats < 1 or not 0 < args.quantile <= 1:
        parser.error("--points and --repeats must be positive and --quantile in (0, 1]")
    try:
        row = bench_cluster(args.points, args.quantile, args.repeats)
    except ImportError as exc:
        print(f"bench_cluster: needs scikit-learn as the reference ({exc})", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(row))
        return 0
    print(f"{row['points']} Lab pixels of china.jpg, bandwidth {row['bandwidth']:.3f}")
    print(f"  mean_shift_cluster   {row['ours_ms']:9.1f} ms   {row['clusters']} clusters")
    print(f"  sklearn MeanShift    {row['sklearn_ms']:9.1f} ms   {row['sklearn_clusters']} clusters")
    print(f"  speed ratio          {row['speedup']:9.1f}x   (target >= 20x)")
    print(f"  adjusted Rand index  {row['ari']:9.4f}    largest mode gap {row['max_mode_gap']:.2g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
