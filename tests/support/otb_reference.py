"""OTB's scores the slow way, one box pair at a time in plain Python, from their definitions
(Wu, Lim and Yang, "Online Object Tracking: A Benchmark", 2013), to check what
`mstrack eval` reports without going through tracker.evaluation.

Boxes are x, y, w, h with x, y the top-left corner. OTB's own code counts pixels
(right = x + w - 1, overlap width = min(right) - max(left) + 1) and puts the centre at
x + (w - 1) / 2; both come to the same numbers as the continuous forms used here.
"""

from __future__ import annotations

import math

#: The success plot's overlap thresholds, 0 to 1 in steps of 0.05.
OVERLAP_THRESHOLDS = [k / 20 for k in range(21)]


def overlap(a, b) -> float:
    """Intersection over union of two boxes (0 when both are empty)."""
    (ax, ay, aw, ah), (bx, by, bw, bh) = a, b
    width = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    height = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = width * height
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def success_auc(overlaps) -> float:
    """Area under the success plot: for each threshold the share of frames whose overlap is
    above it, averaged over the thresholds."""
    shares = [sum(1 for o in overlaps if o > t) / len(overlaps) for t in OVERLAP_THRESHOLDS]
    return sum(shares) / len(shares)


def centre_error(a, b) -> float:
    """Distance in pixels between the centres of two boxes."""
    (ax, ay, aw, ah), (bx, by, bw, bh) = a, b
    return math.hypot(ax + aw / 2 - bx - bw / 2, ay + ah / 2 - by - bh / 2)


def precision(errors, pixels=20.0) -> float:
    """Share of frames whose box centre is at most `pixels` from the ground truth's."""
    return sum(1 for e in errors if e <= pixels) / len(errors)
