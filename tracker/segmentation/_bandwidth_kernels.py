"""Numba kernel of the bandwidth estimate: every point's distance to its k-th nearest point."""

import math

import numpy as np
from .._numba import njit


@njit(cache=True, nogil=True)
def _select(a, n, k, b):
    """k-th smallest (0-based) of ``a[:n]``; ``a`` and ``b`` (as long) are scratch.

    Quickselect whose partitions are branch-free copies into the other buffer: with
    random distances a branchy partition mispredicts about every other element, which
    made it several times slower.
    """
    while n > 8:
        x, y, z = a[0], a[n // 2], a[n - 1]
        pivot = max(min(x, y), min(max(x, y), z))  # median of three
        below = 0
        equal = 0
        for j in range(n):
            v = a[j]
            b[below] = v
            below += v < pivot
            equal += v == pivot
        if k < below:
            n = below
        elif k < below + equal:
            return pivot
        else:
            above = 0
            for j in range(n):
                v = a[j]
                b[above] = v
                above += v > pivot
            k -= below + equal
            n = above
        a, b = b, a
    for i in range(1, n):  # insertion sort of the last few
        v = a[i]
        j = i - 1
        while j >= 0 and a[j] > v:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = v
    return a[k]


@njit(cache=True, nogil=True)
def kth_neighbour_distances(points, k):
    """Distance of every point to its k-th nearest point, the point itself counting as
    its first (the distances scikit-learn's ``estimate_bandwidth`` averages). Squared
    distances are summed in dimension order, as its KD-tree does, so they are the same
    bits."""
    n, d = points.shape
    buf = np.empty(n)
    scratch = np.empty(n)
    out = np.empty(n)
    for i in range(n):
        for j in range(n):
            d2 = 0.0
            for c in range(d):
                u = points[i, c] - points[j, c]
                d2 += u * u
            buf[j] = d2
        out[i] = math.sqrt(_select(buf, n, k - 1, scratch))
    return out
