"""Reused work buffers: the per-frame arrays are allocated once and grown when needed."""

from __future__ import annotations

import math

import numpy as np


class Scratch:
    """One reused buffer handing out views of the shape asked for.

    It grows when a larger view is asked for and never shrinks, so a tracker stepping
    through frames allocates only while its search regions grow. A view is valid until
    the next `take`.
    """

    def __init__(self, dtype):
        self._data = np.empty(0, dtype)

    def take(self, shape: tuple[int, ...]) -> np.ndarray:
        n = math.prod(shape)
        if self._data.size < n:
            self._data = np.empty(n, self._data.dtype)
        return self._data[:n].reshape(shape)
