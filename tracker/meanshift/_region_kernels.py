"""Numba kernel of region.py: nearest-neighbour resampling."""

import numpy as np
from .._numba import njit


@njit(cache=True, nogil=True)
def nearest_sample(image, step_x, step_y, out):
    """Fill ``out`` (h, w, 3) with the pixels of ``image`` nearest to the sample points
    ``((u + 0.5) * step_x - 0.5, (v + 0.5) * step_y - 0.5)``, that is pixel
    ``(floor((u + 0.5) * step_x), floor((v + 0.5) * step_y))``, clipped to the image."""
    h, w = out.shape[0], out.shape[1]
    ih, iw = image.shape[0], image.shape[1]
    xs = np.empty(w, np.int64)
    for u in range(w):
        xs[u] = min(int(np.floor((u + 0.5) * step_x)), iw - 1)
    for v in range(h):
        y = min(int(np.floor((v + 0.5) * step_y)), ih - 1)
        for u in range(w):
            x = xs[u]
            out[v, u, 0] = image[y, x, 0]
            out[v, u, 1] = image[y, x, 1]
            out[v, u, 2] = image[y, x, 2]
    return out


@njit(cache=True, nogil=True)
def gather_rows(pixels, x0, x1, y0, height, step_y, out):
    """Copy the rows of the crop ``pixels[y0:y0 + height, x0:x1]`` that `nearest_sample`
    with ``step_y`` reads, row v of ``out`` being crop row
    ``min(floor((v + 0.5) * step_y), height - 1)``. ``pixels`` is a frame as (H, W * 3)
    bytes, ``x0:x1`` in bytes; ``out`` is (out rows, x1 - x0)."""
    n = x1 - x0
    for v in range(out.shape[0]):
        # A slice of the row, indexed from 0: the copy loop then vectorizes (indexing
        # the whole row at x0 + k runs 5x slower).
        src = pixels[y0 + min(int(np.floor((v + 0.5) * step_y)), height - 1), x0:x1]
        dst = out[v]
        for k in range(n):
            dst[k] = src[k]
    return out
