#!/usr/bin/env python3
"""The classic scikit-learn mean shift tutorials, run with scikit-learn and with tracker.

    .venv/bin/python scripts/bench_cluster.py [--case NAME ...] [--repeats R] [--json]

Each case runs the tutorial's own lines (``estimate_bandwidth``, ``MeanShift(...).fit``,
``predict``) twice in this process, once with ``from sklearn.cluster import ...`` and
once with ``from tracker import ...``, checks that the results are the same (bandwidth,
number of clusters, centres, labels, ``n_iter_``, ``predict``) and prints both times
and their ratio. Ours is run once first so numba's compilation (or cache load) is not
timed; each side's best of ``--repeats`` runs counts. A last row times the clustering
primitive ``mean_shift_cluster`` on 20 000 CIE Lab pixels of china.jpg against
``MeanShift(bin_seeding=True)``.

Cases: blobs (10 000 points around four centres, quantile .1, n_samples 500, bin
seeding), 3d (150 3-D points, every default), predict (1 000 points, quantile .2,
n_samples 500, every point a seed, then predict), photo (a 512x512 photo's RGB colours,
quantile .2, n_samples 500, bin seeding), lab (the primitive). scikit-learn takes about
20 s for all of them on the reference machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

# Runnable from a checkout without installing the package.
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

import tracker  # noqa: E402
from tracker.segmentation.cluster import mean_shift_cluster  # noqa: E402


def _best_time(fn, repeats):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _sklearn_image(name):
    import sklearn

    path = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "images", name)
    bgr = cv2.imread(path)
    if bgr is None:
        raise FileNotFoundError(f"cannot read {path}")
    return bgr


def tutorial_cases():
    """name -> (description, X, estimate options or None, MeanShift options, points to predict)."""
    from sklearn.datasets import make_blobs

    blobs, _ = make_blobs(n_samples=10000, centers=[[1, 1], [-1, -1], [1, -1], [-1, 1]],
                          cluster_std=0.6, random_state=0)
    three, _ = make_blobs(n_samples=150, centers=[[1, 1, 1], [5, 5, 5], [3, 10, 10]],
                          cluster_std=1.5, random_state=0)
    thousand, _ = make_blobs(n_samples=1000, centers=3, cluster_std=1.0, random_state=0)
    new = np.random.default_rng(1).uniform(thousand.min(), thousand.max(), (400, 2))
    bgr = cv2.resize(_sklearn_image("china.jpg"), (512, 512), interpolation=cv2.INTER_AREA)
    colours = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).reshape(-1, 3)
    wide, _ = make_blobs(n_samples=300, n_features=24, centers=4, cluster_std=1.5, random_state=0)
    widest, _ = make_blobs(n_samples=2000, n_features=64, centers=5, cluster_std=2.0,
                           random_state=0)
    return {
        "blobs": ("10 000 blob points, bin seeding", blobs,
                  dict(quantile=0.1, n_samples=500), dict(bin_seeding=True), None),
        "3d": ("150 3-D points, all defaults", three, None, {}, None),
        "predict": ("1 000 points, a seed each, predict", thousand,
                    dict(quantile=0.2, n_samples=500), {}, new),
        "photo": ("512x512 photo colours, bin seeding", colours,
                  dict(quantile=0.2, n_samples=500), dict(bin_seeding=True), colours[::7]),
        # Past a few features no grid pays: every window scans the points, as
        # scikit-learn's search does past 15 features.
        "24d": ("300 points in 24-D, a seed each", wide, dict(quantile=0.1), {}, wide[::3]),
        "64d": ("2 000 points in 64-D, a seed each", widest, dict(quantile=0.1), {}, widest[::7]),
    }


def _run(module, X, estimate, options, new):
    """The tutorial's lines with ``module``'s MeanShift and estimate_bandwidth."""
    bandwidth = None if estimate is None else module.estimate_bandwidth(X, **estimate)
    ms = module.MeanShift(bandwidth=bandwidth, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ms.fit(X)
    return bandwidth, ms, None if new is None else ms.predict(new)


def bench_tutorial(name, repeats=1) -> dict:
    import sklearn.cluster
    from sklearn.metrics import adjusted_rand_score

    description, X, estimate, options, new = tutorial_cases()[name]
    _run(tracker, X, estimate, options, new)            # compile, or load numba's cache
    ours_s, (bw, ours, pred) = _best_time(lambda: _run(tracker, X, estimate, options, new),
                                          repeats)
    sk_s, (sk_bw, theirs, sk_pred) = _best_time(
        lambda: _run(sklearn.cluster, X, estimate, options, new), repeats)
    same_shape = ours.cluster_centers_.shape == theirs.cluster_centers_.shape
    return {
        "case": name, "description": description, "points": len(X),
        "bandwidth": None if bw is None else float(bw),
        "same_bandwidth": bool(bw == sk_bw),
        "clusters": len(ours.cluster_centers_), "sklearn_clusters": len(theirs.cluster_centers_),
        "max_centre_gap": float(np.abs(ours.cluster_centers_ - theirs.cluster_centers_).max())
        if same_shape else None,
        "ari": float(adjusted_rand_score(theirs.labels_, ours.labels_)),
        "same_labels": bool(np.array_equal(ours.labels_, theirs.labels_)),
        "same_n_iter": bool(ours.n_iter_ == theirs.n_iter_),
        "same_predict": None if new is None else bool(np.array_equal(pred, sk_pred)),
        "ours_ms": ours_s * 1e3, "sklearn_ms": sk_s * 1e3, "speedup": sk_s / ours_s,
    }


def bench_lab_pixels(n_points=20000, quantile=0.2, repeats=1, seed=0) -> dict:
    """mean_shift_cluster against MeanShift(bin_seeding=True) on CIE Lab pixels."""
    from sklearn.cluster import MeanShift, estimate_bandwidth
    from sklearn.metrics import adjusted_rand_score

    lab = cv2.cvtColor(_sklearn_image("china.jpg").astype(np.float32) / 255,
                       cv2.COLOR_BGR2Lab).reshape(-1, 3)
    picks = np.random.default_rng(seed).choice(len(lab), min(n_points, len(lab)), replace=False)
    points = lab[picks].astype(np.float64)
    bandwidth = estimate_bandwidth(points, quantile=quantile, n_samples=500, random_state=0)
    mean_shift_cluster(points, bandwidth)
    ours_s, (labels, modes) = _best_time(lambda: mean_shift_cluster(points, bandwidth), repeats)
    sk_s, model = _best_time(
        lambda: MeanShift(bandwidth=bandwidth, bin_seeding=True).fit(points), repeats)
    same_shape = model.cluster_centers_.shape == modes.shape
    return {
        "case": "lab", "description": f"mean_shift_cluster, {len(points)} Lab pixels",
        "points": len(points), "bandwidth": float(bandwidth), "same_bandwidth": True,
        "clusters": len(modes), "sklearn_clusters": len(model.cluster_centers_),
        "max_centre_gap": float(np.abs(model.cluster_centers_ - modes).max()) if same_shape else None,
        "ari": float(adjusted_rand_score(model.labels_, labels)),
        "same_labels": bool(np.array_equal(model.labels_, labels)), "same_n_iter": None,
        "same_predict": None, "ours_ms": ours_s * 1e3, "sklearn_ms": sk_s * 1e3,
        "speedup": sk_s / ours_s,
    }


CASES = ("blobs", "3d", "predict", "photo", "24d", "64d", "lab")


def _yes(value):
    return "n/a" if value is None else ("yes" if value else "NO")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=CASES,
                        help="run only this case (repeatable; default: all)")
    parser.add_argument("--repeats", type=int, default=1, help="timed runs, best counts (default 1)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per case")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        print(f"bench_cluster: needs scikit-learn as the reference ({exc})", file=sys.stderr)
        return 1
    if not args.json:
        print("case     points  clusters  same bw/labels/n_iter/predict  max gap  ARI     "
              "ours ms  sklearn ms  speed-up")
    rows = []
    for name in args.case or CASES:
        row = bench_lab_pixels(repeats=args.repeats) if name == "lab" \
            else bench_tutorial(name, args.repeats)
        rows.append(row)
        if args.json:
            print(json.dumps(row))
            continue
        gap = "n/a" if row["max_centre_gap"] is None else f"{row['max_centre_gap']:.0e}"
        same = "/".join(_yes(row[k]) for k in ("same_bandwidth", "same_labels", "same_n_iter",
                                                "same_predict"))
        print(f"{name:<8} {row['points']:6d}  {row['clusters']:3d} {row['sklearn_clusters']:3d}  "
              f"{same:<29}  {gap:>7}  {row['ari']:.4f}  {row['ours_ms']:7.1f}  "
              f"{row['sklearn_ms']:10.0f}  {row['speedup']:7.0f}x")
    if not args.json:
        worst = min(r["speedup"] for r in rows)
        print(f"slowest speed-up {worst:.0f}x (target >= 20x); one process, both timed alike")
    return 0


if __name__ == "__main__":
    sys.exit(main())
