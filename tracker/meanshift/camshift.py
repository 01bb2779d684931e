"""Mean shift and CamShift on a weight (back-projection) image.

``mean_shift`` and ``cam_shift`` follow the contracts of ``cv2.meanShift`` and
``cv2.CamShift`` so users of OpenCV find what they expect; the tracker uses the same
kernels with its own guards (see ``tracking.py``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._meanshift_kernels import centroid_iterate, window_moments
from ..errors import InputError


class Ellipse(NamedTuple):
    """Weight distribution summarised by its moments (the CamShift box before rounding)."""

    cx: float
    cy: float
    length: float  # 4 standard deviations along the major axis, as CamShift measures it
    width: float   # 4 standard deviations along the minor axis
    theta: float   # major-axis direction, radians from +x towards +y (image coordinates)
    mass: float    # m00


def ellipse_from_moments(m00, m10, m01, m20, m11, m02) -> Ellipse | None:
    """Centroid, principal axes and orientation from raw moments; None if empty."""
    if m00 <= 1e-12:
        return None
    cx, cy = m10 / m00, m01 / m00
    a = m20 / m00 - cx * cx   # central second moments per unit mass
    b = m11 / m00 - cx * cy
    c = m02 / m00 - cy * cy
    root = math.sqrt(4 * b * b + (a - c) * (a - c))
    major = max((a + c + root) * 0.5, 0.0)
    minor = max((a + c - root) * 0.5, 0.0)
    theta = 0.5 * math.atan2(2 * b, a - c)
    return Ellipse(cx, cy, 4 * math.sqrt(major), 4 * math.sqrt(minor), theta, m00)


# cv2.meanShift moves the window by round(centroid - size/2) with the centroid at pixel
# centres: half a pixel up/left of the unbiased rule the tracker uses.
OPENCV_BIAS = 0.5


def _as_weights(prob) -> np.ndarray:
    prob = np.asarray(prob)
    if prob.ndim != 2 or prob.size == 0:
        raise InputError(f"weight image must be a non-empty 2-D array, got shape {prob.shape}")
    return prob


def _check_window(window, shape):
    x, y, w, h = (int(round(v)) for v in window)
    if w <= 0 or h <= 0:
        raise InputError(f"window must have positive size, got {tuple(window)}")
    # Like OpenCV, work on the part of the window inside the image.
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, shape[1]), min(y + h, shape[0])
    if x1 <= x0 or y1 <= y0:
        raise InputError(f"window {tuple(window)} lies outside the {shape[1]}x{shape[0]} image")
    return x0, y0, x1 - x0, y1 - y0


def mean_shift(prob, window, eps: float = 1.0, max_iter: int = 10):
    """Move ``window`` to a local mode of ``prob`` (``cv2.meanShift`` contract).

    Parameters
    ----------
    prob : (H, W) array
        Non-negative weights, e.g. a back-projection.
    window : (x, y, w, h)
        Initial window in pixels.
    eps, max_iter : float, int
        Stop when the window moves less than ``eps`` pixels or after ``max_iter`` moves.

    Returns
    -------
    iterations : int
    window : (x, y, w, h) ints, the converged window (same size, inside the image).
    """
    prob = _as_weights(prob)
    x, y, w, h = _check_window(window, prob.shape)
    _, _, x, y, it, _ = centroid_iterate(prob, x + (w - 1) * 0.5, y + (h - 1) * 0.5,
                                         w, h, float(eps), int(max_iter), OPENCV_BIAS)
    return it, (x, y, w, h)


def cam_shift(prob, window, eps: float = 1.0, max_iter: int = 10, margin: int = 10):
    """Mean shift, then size and orientation from the moments (``cv2.CamShift`` contract).

    The moments are taken in the converged window grown by ``margin`` pixels on each
    side, so the window can grow with the object. Returns ``(rotated, window)`` with
    ``rotated = ((cx, cy), (width, length), angle_deg)`` as OpenCV's RotatedRect and
    ``window`` the next search window (the bounding box of the ellipse, inside the image).
    """
    prob = _as_weights(prob)
    _, (x, y, w, h) = mean_shift(prob, window, eps, max_iter)
    H, W = prob.shape
    x0, y0 = max(x - margin, 0), max(y - margin, 0)
    x1, y1 = min(x + w + margin, W), min(y + h + margin, H)
    e = ellipse_from_moments(*window_moments(prob, x0, y0, x1, y1))
    if e is None:
        return ((0.0, 0.0), (0.0, 0.0), 0.0), (x, y, w, h)
    cs, sn = abs(math.cos(e.theta)), abs(math.sin(e.theta))
    box_w = int(round(max(e.length * cs, e.width * sn))) + 2
    box_h = int(round(max(e.length * sn, e.width * cs))) + 2
    box_w = min(box_w, int(round((W - e.cx) * 2)))
    box_h = min(box_h, int(round((H - e.cy) * 2)))
    nx, ny = max(0, int(round(e.cx)) - box_w // 2), max(0, int(round(e.cy)) - box_h // 2)
    box_w, box_h = max(1, min(W - nx, box_w)), max(1, min(H - ny, box_h))
    # OpenCV reports the angle of the major axis from the vertical, in [0, 180).
    angle = (math.degrees(e.theta) + 90.0) % 180.0
    rotated = ((nx + box_w * 0.5, ny + box_h * 0.5), (e.width, e.length), angle)
    return rotated, (nx, ny, box_w, box_h)
