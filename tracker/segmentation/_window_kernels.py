"""Numba kernels of one mean shift window: the kernel-weighted sums of the points in reach.

The flat kernel's test of whether a point is in reach is strict IEEE arithmetic, the
squares summed in dimension order like scikit-learn's KD-tree, so it picks exactly the
same neighbours; the sums themselves may be re-associated (vectorised), which changes
them by rounding only.
"""

import math

from .._numba import njit

FLAT = 0
EPANECHNIKOV = 1
GAUSSIAN = 2
# The bandwidth is every kernel's reach. The gaussian has sigma = bandwidth / 2 (cut off
# at two sigmas, 13.5 % of its peak): at one bandwidth the three kernels then smooth
# about as much and find about as many clusters (on the campus clip at bandwidth 10:
# flat 25, Epanechnikov 24, gaussian 23; sigma = bandwidth / 3 found half as many again).
# Used as sigma with a 3-sigma reach, the bandwidth made the gaussian smooth over three
# times the distance of the others, merging a frame into one or two clusters.
GAUSSIAN_SIGMAS = 2.0
# The gaussian's weight exp(-a u), a = sigmas^2 / 2, u = (d / h)^2 in [0, 1], as its
# Taylor series about u = 1/2 to degree 17: within 1e-15 of math.exp, and a polynomial
# vectorises where a call to exp does not (several times faster a point).
_A = 0.5 * GAUSSIAN_SIGMAS * GAUSSIAN_SIGMAS
(_C0, _C1, _C2, _C3, _C4, _C5, _C6, _C7, _C8, _C9, _C10, _C11, _C12, _C13, _C14, _C15, _C16,
 _C17) = (math.exp(-_A / 2) * (-_A) ** k / math.factorial(k) for k in range(18))


@njit(cache=True, nogil=True)
def _gaussian_weight(u):
    # Horner's rule written out: a loop here would be the innermost loop, and LLVM would
    # vectorise it instead of the loop over the points.
    t = u - 0.5
    p = _C17
    p = p * t + _C16
    p = p * t + _C15
    p = p * t + _C14
    p = p * t + _C13
    p = p * t + _C12
    p = p * t + _C11
    p = p * t + _C10
    p = p * t + _C9
    p = p * t + _C8
    p = p * t + _C7
    p = p * t + _C6
    p = p * t + _C5
    p = p * t + _C4
    p = p * t + _C3
    p = p * t + _C2
    p = p * t + _C1
    p = p * t + _C0
    return p


@njit(cache=True, nogil=True)
def _profile(r2, kernel):
    """Kernel weight at squared distance ``r2`` bandwidths^2 (<= 1, inside the reach)."""
    if kernel == EPANECHNIKOV:
        return 1.0 - r2
    if kernel == GAUSSIAN:
        return _gaussian_weight(r2)
    return 1.0


@njit(cache=True, nogil=True)
def window_sums(pts, wts, lo, hi, runs, x, h2, kernel, acc):
    """Kernel-weighted coordinate sums (into ``acc``), their total kernel weight and the
    point weight within sqrt(h2), over the points of the runs within sqrt(h2) of ``x``."""
    d = x.shape[0]
    for k in range(d):
        acc[k] = 0.0
    total = 0.0
    within = 0.0
    for t in range(runs):
        for j in range(lo[t], hi[t]):
            d2 = 0.0
            for k in range(d):
                u = pts[j, k] - x[k]
                d2 += u * u
            if d2 <= h2:
                w = wts[j]
                within += w
                w *= _profile(d2 / h2, kernel)
                for k in range(d):
                    acc[k] += w * pts[j, k]
                total += w
    return total, within


@njit(cache=True, nogil=True)
def _in_reach3(u0, u1, u2, r2):
    """Squared distance test in strict IEEE arithmetic, summed in dimension order like
    the KD-tree's, so the flat kernel picks exactly scikit-learn's neighbours: compiled
    without fast-math and returning a bool, it stays strict when inlined into the
    fast-math loop below (LLVM's fast-math flags are per instruction)."""
    return u0 * u0 + u1 * u1 + u2 * u2 <= r2


@njit(cache=True, nogil=True)
def _sqdist3(u0, u1, u2):
    return u0 * u0 + u1 * u1 + u2 * u2


# Re-association lets LLVM vectorise the sums (several times faster); they then differ
# from a sequential sum by rounding only (about 1e-16 relative), and weights of 1 (the
# unweighted case) still sum to exact counts. Each run is read through views indexed
# from 0: with ``range(lo, hi)`` numba must allow for negative indices, and the loop
# then does not vectorise (5 ns a point instead of under 1).
@njit(cache=True, nogil=True, fastmath={"reassoc", "nsz"})
def flat_sums3(xs, ys, zs, wts, lo, hi, runs, x0, x1, x2, r2):
    """Flat-kernel window sums for D = 3 (colours) over coordinate columns: the
    weighted coordinate sums and the total weight of the points within sqrt(r2)."""
    s0 = s1 = s2 = total = 0.0
    for t in range(runs):
        a = xs[lo[t]:hi[t]]
        b = ys[lo[t]:hi[t]]
        c = zs[lo[t]:hi[t]]
        w = wts[lo[t]:hi[t]]
        for j in range(a.size):
            p0 = a[j]
            p1 = b[j]
            p2 = c[j]
            # Branch-free, so it vectorises (whether a point is in the ball is hard to
            # predict anyway); adding an exact zero changes no sum.
            inside = 1.0 if _in_reach3(p0 - x0, p1 - x1, p2 - x2, r2) else 0.0
            wj = w[j] * inside
            s0 += wj * p0
            s1 += wj * p1
            s2 += wj * p2
            total += wj
    return s0, s1, s2, total


@njit(cache=True, nogil=True, fastmath={"reassoc", "nsz"})
def smooth_sums3(xs, ys, zs, wts, lo, hi, runs, x0, x1, x2, h2, kernel):
    """``window_sums`` over coordinate columns for the Epanechnikov or Gaussian kernel,
    branch-free like ``flat_sums3`` (both weights are polynomials, which vectorise)."""
    s0 = s1 = s2 = total = within = 0.0
    gaussian = kernel == GAUSSIAN
    for t in range(runs):
        a = xs[lo[t]:hi[t]]
        b = ys[lo[t]:hi[t]]
        c = zs[lo[t]:hi[t]]
        w = wts[lo[t]:hi[t]]
        # One loop per kernel: a test of the kernel inside would stop the vectorising.
        if gaussian:
            for j in range(a.size):
                d2 = _sqdist3(a[j] - x0, b[j] - x1, c[j] - x2)
                inside = 1.0 if d2 <= h2 else 0.0
                within += w[j] * inside
                # Clipped to the reach: points beyond it (weight 0) cannot overflow.
                wj = w[j] * inside * _gaussian_weight(min(d2 / h2, 1.0))
                s0 += wj * a[j]
                s1 += wj * b[j]
                s2 += wj * c[j]
                total += wj
        else:
            for j in range(a.size):
                d2 = _sqdist3(a[j] - x0, b[j] - x1, c[j] - x2)
                inside = 1.0 if d2 <= h2 else 0.0
                within += w[j] * inside
                wj = w[j] * inside * (1.0 - min(d2 / h2, 1.0))
                s0 += wj * a[j]
                s1 += wj * b[j]
                s2 += wj * c[j]
                total += wj
    return s0, s1, s2, total, within
