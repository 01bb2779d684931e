"""A correlation-filter cue: where the target's *appearance* (its gray-level pattern) is,
beside where its *colours* are.

Colour cannot tell a gray car from a gray road, nor a 10 px wakeboarder from spray of
the same colours once he turns; a template can, and it fails elsewhere (blur, fast
deformation) than colour does, which is why Staple (Bertinetto et al., CVPR 2016) fuses
the two. This is a MOSSE filter (Bolme et al., CVPR 2010) on a gray patch that covers
`CONTEXT` times the box, resampled to ``SIZE`` x ``SIZE`` pixels so that it costs the
same for any target (a forward and an inverse DFT of 48 x 48 per look). The tracker uses
it three ways:

- `fuse`: its response, cut at `FLOOR` of the typical peak (the broad low sidelobes
  would pull a window's centroid off the peak), is added to the colour weights before
  the mean shift iteration, scaled so that the blob at the target weighs about as much
  as the target's colour weights (Staple's linear fusion, on the weight image);
- `peak` gives mean shift a start where the target looks most like itself, and
  `value_at` how much a candidate does (relative to the typical peak: 1 is as usual);
- `scale_factor`: under which of `SCALES` times the patch extent the target matches
  best (DSST's idea, by the translation filter's peak), a second opinion on the size.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ._template_kernels import filter_apply, filter_learn, fuse_response, response_peak, sample_patch


class CorrelationFilter:
    """MOSSE filter on a ``SIZE`` x ``SIZE`` gray patch covering `CONTEXT` times the box."""

    SIZE = 32            # patch side, pixels (a fast DFT size)
    CONTEXT = 2.5        # patch extent relative to the box: the target and a ring of its surroundings
    SIGMA = 0.1          # the label's Gaussian width, relative to the box
    RATE = 0.04          # share of the filter renewed per frame it learns from
    REG = 0.1            # regularisation, relative to the first patch's mean spectral energy
    PEAK_RATE = 0.1      # how fast the typical peak follows the peaks at the target
    FLOOR = 0.5          # response (relative to the typical peak) that counts zero when fused
    SCALES = np.array([1 / 1.04, 1.0, 1.04])   # extents tried for the size
    INDIFFERENT = 0.02   # peaks this close (relative to the highest): no opinion on the size

    def __init__(self):
        n = self.SIZE
        hann = np.hanning(n + 2)[1:-1]
        self._window = np.outer(hann, hann).astype(np.float32)   # tapers the patch's edges
        self._patch = np.empty((n, n), np.float32)
        self._spectrum = np.zeros((n, n), np.complex64)
        self._num = np.zeros((n, n), np.complex64)
        self._den = np.zeros((n, n), np.float32)
        self._label = np.zeros((n, n), np.complex64)
        self._product = np.zeros((n, n), np.complex64)
        self._scale_patch = np.empty((n, n), np.float32)
        self._scale_spectrum = np.zeros((n, n), np.complex64)
        self._scale_peaks = np.zeros(len(self.SCALES))
        self.response = np.zeros((n, n), np.float32)
        self._centre = (0.0, 0.0)
        self._step = (1.0, 1.0)
        self._reg = 1.0
        self.typical_peak = 1.0

    # ------------------------------------------------------------------ learning
    def init(self, frame, cx, cy, w, h):
        """Learn the w x h target centred at (cx, cy) in ``frame`` (uint8 BGR)."""
        n = self.SIZE
        # The label: a Gaussian at the patch centre, SIGMA of the box wide.
        sx = max(self.SIGMA * n / self.CONTEXT, 0.5)
        ys, xs = np.mgrid[:n, :n] - n // 2
        label = np.exp(-0.5 * ((xs / sx) ** 2 + (ys / sx) ** 2)).astype(np.float32)
        self._label[:] = cv2.dft(label, flags=cv2.DFT_COMPLEX_OUTPUT).view(np.complex64)[..., 0]
        self._sample(frame, cx, cy, w, h)
        filter_learn(self._num, self._den, self._spectrum, self._label, 0.0, 0.0, 1.0)
        self._reg = self.REG * float(self._den.mean()) + 1e-6
        self.typical_peak = 1.0
        self.respond(frame, cx, cy, w, h)
        self.typical_peak = max(float(self.response.max()), 1e-3)
        self.response /= self.typical_peak

    def learn(self, x, y):
        """Blend in the last patch `respond` sampled, the target having been at frame
        point (x, y) in it."""
        i, j = self.to_patch(x, y)
        n = self.SIZE
        filter_learn(self._num, self._den, self._spectrum, self._label, i - n // 2, j - n // 2, self.RATE)
        peak = self.value_at(x, y) * self.typical_peak
        self.typical_peak = max(self.typical_peak + self.PEAK_RATE * (peak - self.typical_peak), 1e-3)

    # ------------------------------------------------------------------ looking
    def _sample(self, frame, cx, cy, w, h):
        """The spectrum of the patch centred at (cx, cy) for a w x h box."""
        self._centre = (cx, cy)
        self._step = (w * self.CONTEXT / self.SIZE, h * self.CONTEXT / self.SIZE)
        sample_patch(frame, cx, cy, self._step[0], self._step[1], self._window, self._patch)
        self._spectrum[:] = cv2.dft(self._patch, flags=cv2.DFT_COMPLEX_OUTPUT).view(np.complex64)[..., 0]

    def _correlate(self, spectrum):
        filter_apply(self._num, self._den, spectrum, self._reg, self._product)
        return cv2.idft(self._product.view(np.float32).reshape(self.SIZE, self.SIZE, 2),
                        flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)

    def respond(self, frame, cx, cy, w, h):
        """The filter's response around (cx, cy) for a w x h box, in units of the typical
        peak (1 where the target looks as it usually does): ``self.response``."""
        self._sample(frame, cx, cy, w, h)
        np.multiply(self._correlate(self._spectrum), 1.0 / self.typical_peak, out=self.response)
        return self.response

    def to_patch(self, x, y):
        """Patch coordinates of frame point (x, y) in the last patch."""
        n = self.SIZE
        return ((x - self._centre[0]) / self._step[0] + n // 2,
                (y - self._centre[1]) / self._step[1] + n // 2)

    def value_at(self, x, y, radius=1):
        """The response's highest value within ``radius`` patch pixels of frame point (x, y)."""
        i, j = self.to_patch(x, y)
        i, j = int(round(i)), int(round(j))
        n = self.SIZE
        if not (0 <= i < n and 0 <= j < n):
            return 0.0
        return float(self.response[max(j - radius, 0):j + radius + 1, max(i - radius, 0):i + radius + 1].max())

    def peak(self):
        """Frame position of the response's highest value (sub-pixel, by a parabola
        through it and its neighbours along each axis)."""
        r, n = self.response, self.SIZE
        i, j, _ = response_peak(r)
        di = dj = 0.0
        if 0 < i < n - 1:
            d = r[j, i - 1] - 2 * r[j, i] + r[j, i + 1]
            di = 0.5 * (r[j, i - 1] - r[j, i + 1]) / d if d < 0 else 0.0
        if 0 < j < n - 1:
            d = r[j - 1, i] - 2 * r[j, i] + r[j + 1, i]
            dj = 0.5 * (r[j - 1, i] - r[j + 1, i]) / d if d < 0 else 0.0
        return (self._centre[0] + (i + di - n // 2) * self._step[0],
                self._centre[1] + (j + dj - n // 2) * self._step[1])

    def scale_factor(self, frame, cx, cy, w, h):
        """Which of `SCALES` times the w x h box at (cx, cy) the target matches best:
        the filter's peak at the centre of a patch of each extent (for the present
        extent, the last response near (cx, cy); that patch, which `learn` uses, is left
        as it was). None when all extents match about alike.
        """
        n, c = self.SIZE, self.SIZE // 2
        for k, f in enumerate(self.SCALES):
            if f == 1.0:      # the present extent: the last response, at (cx, cy)
                self._scale_peaks[k] = self.value_at(cx, cy) * self.typical_peak
                continue
            step_x, step_y = w * f * self.CONTEXT / n, h * f * self.CONTEXT / n
            sample_patch(frame, cx, cy, step_x, step_y, self._window, self._scale_patch)
            self._scale_spectrum[:] = cv2.dft(self._scale_patch,
                                              flags=cv2.DFT_COMPLEX_OUTPUT).view(np.complex64)[..., 0]
            self._scale_peaks[k] = self._correlate(self._scale_spectrum)[c - 1:c + 2, c - 1:c + 2].max()
        peaks = self._scale_peaks
        if peaks.max() - peaks.min() < self.INDIFFERENT * abs(peaks.max()):
            return None     # a pattern-less target: every extent matches alike
        return float(self.SCALES[int(np.argmax(peaks))])

    def fuse(self, weights, region, target_weight, out):
        """``out`` = the colour ``weights`` of ``region`` plus the last response above
        `FLOOR`, resampled onto the region's pixels and scaled so that a peak of the
        typical height weighs about as much as the target's colour weights
        (``target_weight``: a target pixel's mean weight)."""
        # A Gaussian blob of height 1 and width SIGMA * box holds 2 pi SIGMA^2 box areas.
        gain = target_weight / (2 * math.pi * self.SIGMA ** 2)
        ox, oy = self.to_patch(region.x0 + 0.5 * region.step_x - 0.5, region.y0 + 0.5 * region.step_y - 0.5)
        return fuse_response(weights, self.response, ox, oy, region.step_x / self._step[0],
                             region.step_y / self._step[1], gain, self.FLOOR, out)
