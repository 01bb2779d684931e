"""The target model: colour histograms of the target and its surroundings, and the gain.

The target's histogram ``q`` is the first frame's (the anchor ``q0``) blended with one
that follows the target's looks; ``b`` is the histogram of a ring of background around
the box. The cues turn these into weight images (``cues.py``); the model only keeps and
updates the histograms, and scores candidate boxes against ``q`` (Bhattacharyya).
"""

from __future__ import annotations

import math

import numpy as np

from ._colour_kernels import (bhattacharyya, binned_scores, blend_into, block_marks, kernel_histogram,
                              kernel_score, ring_histogram)
from .colour import ColourSpace, colour_space


def space_for_samples(name: str, bins: int, samples: float, bins_per_sample: float) -> ColourSpace:
    """The colour space ``name`` with ``bins`` bins per channel, or fewer if its histogram
    would have more than ``bins_per_sample`` bins per sampled pixel of the target.

    A histogram of few pixels over many bins is mostly empty bins and single counts: the
    same target seen twice then shares few bins, its Bhattacharyya score falls near the
    lost threshold from sampling noise alone, and a look-alike's score is as good. A 10 px
    target (about 90 pixels) in 16^3 = 4096 bins is such a case; in 7^3 = 343 bins its
    colours are counted, not scattered. Targets of about 820 sampled pixels or more keep
    the bins asked for (16^3 at 5 bins per sample).
    """
    b = bins
    while b > 2 and colour_space(name, b).size > bins_per_sample * samples:
        b -= 1
    return colour_space(name, b)


def box_histogram(bins, region, u, v, w, h, size) -> tuple[np.ndarray, float]:
    """The upright ``w`` x ``h`` box's (frame pixels) kernel-weighted histogram at region
    point (u, v), and its total weight (0 when no pixel of the box is usable)."""
    q = np.zeros(size)
    total = kernel_histogram(bins, u, v, w / 2 / region.step_x, h / 2 / region.step_y, 0.0, q)
    return q, total


def background_ring(region, cx, cy, bounds, context_bounds, samples):
    """The ring between the box and the context box around it, both centred at frame
    point (cx, cy) with upright sizes ``bounds`` and ``context_bounds``, in region
    pixels: ``(outer, inner, step)`` with half-open integer boxes (x0, y0, x1, y1) and
    the sampling step that counts about ``samples`` of its pixels (a background model
    needs a fair sample, not every pixel)."""
    bw, bh = bounds
    cw, ch = context_bounds
    u, v = region.to_region(cx, cy)
    sx, sy = region.step_x, region.step_y
    ring_samples = (cw * ch - bw * bh) / (sx * sy)
    step = max(1, int(round(math.sqrt(ring_samples / samples))))
    outer = (int(round(u - cw / sx / 2)), int(round(v - ch / sy / 2)),
             int(round(u + cw / sx / 2)) + 1, int(round(v + ch / sy / 2)) + 1)
    inner = (int(round(u - bw / sx / 2)), int(round(v - bh / sy / 2)),
             int(round(u + bw / sx / 2)) + 1, int(round(v + bh / sy / 2)) + 1)
    return outer, inner, step


class TargetModel:
    """Target, anchor, learnt and background histograms over one colour space's bins, and
    the brightness gain the frames are binned with.

    Parameters
    ----------
    size : int
        Number of histogram bins.
    """

    def __init__(self, size: int):
        self.q = np.zeros(size)          # the target model
        self.q0 = np.zeros(size)         # the first frame's target histogram (the anchor)
        self.q_learnt = np.zeros(size)   # target histogram following the target's looks
        self.b = np.zeros(size)          # background model
        self.gain = 1.0                  # scene brightness relative to the first frame
        self._candidate = np.zeros(size)   # scratch: the histogram of the box last measured
        self._ring = np.zeros(size)        # scratch: the ring's histogram
        self._ring_counts = np.zeros(size, np.int32)   # scratch: its counts (`ring_histogram`)
        self._marks = block_marks(size)    # scratch: the bin blocks a histogram touched

    def learn(self, q: np.ndarray) -> None:
        """Start afresh from the first frame's target histogram ``q``."""
        self.q[:] = q
        self.q0[:] = q
        self.q_learnt[:] = q
        self.b[:] = 0.0
        self.gain = 1.0

    def set_gain(self, gain: float) -> None:
        self.gain = gain

    def score(self, bins, region, u, v, w, h, angle) -> float:
        """Similarity to the model of the box (see `measure`)."""
        return self.measure(bins, region, u, v, w, h, angle)[1]

    def measure(self, bins, region, u, v, w, h, angle) -> tuple[np.ndarray, float]:
        """The kernel-weighted histogram of the ``w`` x ``h`` box (frame pixels) turned by
        ``angle`` degrees at region point (u, v), and its Bhattacharyya coefficient with the
        target model, in one kernel (it runs several times a frame); the histogram is a
        scratch array, valid until the next call."""
        similarity = kernel_score(bins, u, v, w / region.step_x / 2, h / region.step_y / 2,
                                  math.radians(angle), self._candidate, self.q, self._marks)
        return self._candidate, float(similarity)

    def binned_scores(self, pixels, tables, region, u, v, w, h, angle, bins, out) -> np.ndarray:
        """`score` of the box (as in `measure`) at (u, v) of ``pixels``, a window of the
        region's pixels in the colour space's channels ((u, v) in the window's pixel
        coordinates), binned through each of ``tables`` (k x 3 x 256) in turn: ``out[k]``,
        all in one kernel. ``bins`` is scratch of the window's height and width."""
        return binned_scores(pixels, tables, u, v, w / region.step_x / 2, h / region.step_y / 2,
                             math.radians(angle), bins, self._candidate, self.q, self._marks, out)

    def background_similarity(self) -> float:
        """Bhattacharyya coefficient of the background model and the target model: the
        score the target's surroundings would get, the floor a true match must clear."""
        return float(bhattacharyya(self.b, self.q))

    def ring_similarity(self, bins, outer, inner, step, background: bool = False) -> float:
        """Bhattacharyya coefficient of a ring's histogram (see `background_ring`) and the
        target model (or, with ``background``, the background model), the models left as
        they are: how well the surroundings of a candidate, binned as they were, match the
        model (0 for a ring with no usable pixel)."""
        count = ring_histogram(bins, *outer, *inner, self._ring, step, self._marks, self._ring_counts)
        return float(bhattacharyya(self._ring, self.b if background else self.q)) if count > 0 else 0.0

    def follow_looks(self, hist: np.ndarray, rate: float, anchor_share: float) -> None:
        """Take ``rate`` of ``hist`` into the learnt histogram; the model is the anchor
        blended with it, the anchor's share kept.

        The anchor, the first frame's histogram, keeps background that leaks into the
        window from slowly becoming the model (the drift that makes windows balloon).
        """
        blend_into(self.q_learnt, hist, rate)
        self.q[:] = self.q0
        blend_into(self.q, self.q_learnt, 1.0 - anchor_share)

    def learn_background(self, bins, outer, inner, step, rate: float) -> None:
        """Blend the histogram of the ring (see `background_ring`) into the background
        model at ``rate``; a ring with no usable pixel changes nothing."""
        count = ring_histogram(bins, *outer, *inner, self._ring, step, self._marks, self._ring_counts)
        if count > 0:
            blend_into(self.b, self._ring, rate)
