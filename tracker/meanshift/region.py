"""Frame regions sampled at a pixel budget, so that a step costs the same for any target size.

A region is a crop of the frame resampled by ``scale`` (<= 1) with nearest-neighbour
sampling: every sample is a real pixel colour, so histograms of a sampled region are
fair estimates of the full-resolution ones, and the cost of everything downstream is
set by the number of samples rather than by the size of the target.
"""

from __future__ import annotations

import math

import numpy as np

from ._region_kernels import gather_rows, nearest_sample


class Region:
    """A resampled crop: ``image`` plus the mapping between its pixels and the frame's.

    A region pixel ``(u, v)`` samples the frame at ``(x0 + (u + 0.5) * step_x - 0.5,
    y0 + (v + 0.5) * step_y - 0.5)``.
    """

    __slots__ = ("image", "x0", "y0", "step_x", "step_y")

    def __init__(self, image, x0, y0, step_x, step_y):
        self.image, self.x0, self.y0, self.step_x, self.step_y = image, x0, y0, step_x, step_y

    def to_region(self, x, y):
        return (x - self.x0 + 0.5) / self.step_x - 0.5, (y - self.y0 + 0.5) / self.step_y - 0.5

    def to_frame(self, u, v):
        return self.x0 + (u + 0.5) * self.step_x - 0.5, self.y0 + (v + 0.5) * self.step_y - 0.5


class RegionSampler:
    """Crops and resamples frame regions into reused buffers."""

    # A contiguous frame's sampled rows are always copied first (see `sample`; the
    # tracker's frames are always contiguous: `as_bgr8`); a non-contiguous frame's crop
    # is copied whole at this scale or more, else sampled in place.
    COPY_SCALE = 0.5

    def __init__(self):
        self._buffer = np.empty(0, np.uint8)
        self._crop = np.empty(0, np.uint8)

    def sample(self, frame: np.ndarray, cx: float, cy: float, width: float, height: float,
               scale: float) -> Region:
        """The ``width`` x ``height`` region centred at (cx, cy), clipped to the frame,
        resampled by ``scale`` (1 keeps every pixel and returns a view of the frame)."""
        H, W = frame.shape[:2]
        x0 = min(max(int(math.floor(cx - width / 2)), 0), W - 1)
        y0 = min(max(int(math.floor(cy - height / 2)), 0), H - 1)
        x1 = max(min(int(math.ceil(cx + width / 2)) + 1, W), x0 + 1)
        y1 = max(min(int(math.ceil(cy + height / 2)) + 1, H), y0 + 1)
        crop = frame[y0:y1, x0:x1]
        if scale >= 1.0:
            return Region(crop, x0, y0, 1.0, 1.0)
        cw, ch = x1 - x0, y1 - y0
        dw, dh = max(1, int(round(cw * scale))), max(1, int(round(ch * scale)))
        n = dw * dh * 3
        if self._buffer.size < n:
            self._buffer = np.empty(n, np.uint8)
        out = self._buffer[:n].reshape(dh, dw, 3)
        step_x, step_y = cw / dw, ch / dh
        if frame.flags.c_contiguous:
            # A frame fresh from the decoder is not in the cache: the rows sampled are
            # copied first, whole, then sampled in the cache. A contiguous copy streams
            # them in, where sampling in place waits on the memory at every row it starts,
            # and rows not sampled are not read. Cold 640x480 frames, us per 640x480 crop
            # sampled at scales 0.1 / 0.2 / 0.3 / 0.4, in place 12 / 35 / 77 / 118, rows
            # gathered first 9 / 23 / 41 / 66 (320x240 crops: 4 / 11 / 27 / 44 against
            # 4 / 7 / 13 / 19; 1280x720 frames alike): never slower, so at every scale
            # (it once started at 0.25, where an older machine measured both alike below;
            # a 640x480 update of a target 16 % of the frame wide then spent 38 us here
            # instead of about 15).
            n = dh * cw * 3
            if self._crop.size < n:
                self._crop = np.empty(n, np.uint8)
            rows = self._crop[:n].reshape(dh, cw * 3)
            gather_rows(frame.reshape(H, W * 3), x0 * 3, x1 * 3, y0, ch, step_y, rows)
            nearest_sample(rows.reshape(dh, cw, 3), step_x, 1.0, out)
            return Region(out, x0, y0, step_x, step_y)
        if scale >= self.COPY_SCALE:
            # Most rows are sampled: copy the crop whole first (see above).
            if self._crop.size < crop.size:
                self._crop = np.empty(crop.size, np.uint8)
            dense = self._crop[:crop.size].reshape(crop.shape)
            np.copyto(dense, crop)
            crop = dense
        nearest_sample(crop, step_x, step_y, out)
        return Region(out, x0, y0, step_x, step_y)
