"""Local search: mean shift on the weight image of a region around the target.

Only a region around the predicted position is touched, and it is sampled at a fixed
pixel budget (``region.py``), so a step costs the same for any target size. The window
is mean-shifted to the centroid of the region's weights from the predicted position
and from the densest window near it (which catches a target that jumped beyond
the window's reach); the better match to the target model wins, a distant one only by
a clear margin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._meanshift_kernels import best_box_mean, centroid_iterate, densest_window, summed_area
from .buffers import Scratch
from .colour import ColourQuantizer, ColourSpace
from .cues import BinnedRegion, Cue
from .model import TargetModel
from .region import Region, RegionSampler
from .state import Window


@dataclass
class Candidate:
    """Where one start of the search converged, and how well it matches."""

    cx: float          # frame coordinates
    cy: float
    score: float       # Bhattacharyya coefficient against the target model
    u: float           # region coordinates
    v: float
    foreground: float = 1.0   # how target-like the box's pixels are, relative to frame 1
    contrast: float = 1.0     # score less the score of the target's surroundings (the background model)


class Search(NamedTuple):
    """A search's best candidate, with the region it searched and its weights.

    ``view`` and ``weights`` are views of the searcher's reused buffers: valid until
    its next search.
    """

    found: Candidate
    view: BinnedRegion
    weights: np.ndarray


def sampling(w, h, target_pixels) -> float:
    """Resampling factor that keeps a ``w`` x ``h`` target within ``target_pixels``."""
    return min(1.0, math.sqrt(target_pixels / max(w * h, 1.0)))


class LocalSearch:
    """Samples, bins and weighs regions of frames, and mean-shifts windows in them.

    Parameters
    ----------
    space : ColourSpace
        The colour space regions are binned in.
    context : float
        The region is the box's bounds grown by this factor.
    target_pixels : float
        Pixels of the box sampled at most (the pixel budget).
    jump_margin : float
        Similarity the densest window's match must add to win over the predicted one.
    jump_reach : float
        The densest window is sought at most this many boxes (the square root of the
        box's area) from the predicted position on each axis.
    eps, max_iter : float, int
        Mean shift stops when the window moves less than ``eps`` frame pixels or after
        ``max_iter`` iterations.
    foreground_sizes : sequence of float
        Box sizes (relative) at which the candidate's target-likeness is measured (kept
        as a float64 array, as `best_box_mean` takes them).
    """

    def __init__(self, space: ColourSpace, context: float, target_pixels: float, jump_margin: float,
                 jump_reach: float, eps: float, max_iter: int, foreground_sizes):
        self.context = context
        self.target_pixels = target_pixels
        self.jump_margin = jump_margin
        self.jump_reach = jump_reach
        self.eps = eps
        self.max_iter = max_iter
        self.foreground_sizes = np.array(foreground_sizes, np.float64)
        self._sampler = RegionSampler()
        self._quantizer = ColourQuantizer(space)
        self._weights = Scratch(np.float32)
        self._integral = Scratch(np.float64)
        self._summed = None        # the weights whose summed-area table the integral buffer holds

    def look(self, frame, cx, cy, width, height, step, gain) -> BinnedRegion:
        """The ``width`` x ``height`` region at (cx, cy) resampled by ``step``, binned at ``gain``."""
        region = self._sampler.sample(frame, cx, cy, width, height, step)
        return BinnedRegion(region, self._quantizer.bin_map(region.image, gain))

    def rebin(self, view: BinnedRegion, gain) -> BinnedRegion:
        """The region of the last `look`, binned at another gain (in the same buffer)."""
        return BinnedRegion(view.region, self._quantizer.bin_map(view.region.image, gain))

    def weigh(self, view: BinnedRegion, cue: Cue) -> np.ndarray:
        self._summed = None        # the buffer's weights change: a table of them is stale
        return cue.weights(view, self._weights.take(view.bins.shape))

    def integral(self, shape) -> np.ndarray:
        """A buffer for the summed-area table of an image of ``shape``."""
        self._summed = None        # the caller fills it with what it likes
        return self._integral.take((shape[0] + 1, shape[1] + 1))

    def summed_area(self, weights) -> np.ndarray:
        """The summed-area table of ``weights``, made only if the last search's (of the
        same weights) is not at hand."""
        if weights is not self._summed:
            table = summed_area(weights, self.integral(weights.shape))
            self._summed = weights
            return table
        return self._integral.take((weights.shape[0] + 1, weights.shape[1] + 1))

    def foreground(self, weights, region: Region, u, v, bounds, integral=None) -> float:
        """How target-like the box of upright size ``bounds`` (frame pixels) at region point
        (u, v) is: the mean weight of its pixels, or of a box smaller by a factor of
        ``foreground_sizes`` about its centre if that is higher (a box grown larger than a
        shrinking target is not a lost target). ``integral``: the weights' summed-area
        table if already made."""
        bw, bh = bounds
        if integral is None:
            integral = self.summed_area(weights)
        return best_box_mean(integral, u, v, bw / region.step_x, bh / region.step_y, self.foreground_sizes)

    def run(self, frame, px, py, window: Window, gain, model: TargetModel, cue: Cue,
            foreground0: float) -> Search:
        """Mean shift from (px, py) and from the region's densest window; the best match.

        ``window`` is the target's box, ``gain`` the brightness the frame is binned at and
        ``foreground0`` the first frame's target-likeness (the candidate's is relative to it).
        """
        bw, bh = window.bounds()
        view = self.look(frame, px, py, bw * self.context, bh * self.context,
                         sampling(window.w, window.h, self.target_pixels), gain)
        region, bins = view
        weights = self.weigh(view, cue)
        win_w = max(1, int(round(bw / region.step_x)))
        win_h = max(1, int(round(bh / region.step_y)))
        su, sv = region.to_region(px, py)
        integral = self.integral(bins.shape)      # densest_window fills it
        # The second start is the densest window near the prediction, not anywhere in
        # the region: a tall target's region reaches 1.75 heights up and down, where
        # something of its colours may be denser than the target itself (blurred by a
        # shaking camera) one box to the side; a jump farther than a box and a half in
        # one frame is rarer than such a look-alike (dev set: reach 1, 1.25, 1.5, 2 boxes
        # and unbounded: 0.4996 / 0.5048 / 0.5048 / 0.5044 / 0.5031).
        reach = self.jump_reach * math.sqrt(bw * bh)
        du, dv, _ = densest_window(weights, win_w, win_h, integral, su, sv,
                                   reach / region.step_x, reach / region.step_y)
        self._summed = weights     # densest_window left their whole table in the buffer
        best = None
        for start_u, start_v in ((su, sv), (du, dv)):
            u, v, _, _, _, _ = centroid_iterate(weights, start_u, start_v, win_w, win_h,
                                                self.eps / region.step_x, self.max_iter)
            if best is not None and abs(u - best.u) + abs(v - best.v) < 1.0:
                break     # both starts reached the same place (the usual case)
            score = model.score(bins, region, u, v, window.w, window.h, window.angle)
            if best is None or score > best.score + self.jump_margin:
                x, y = region.to_frame(u, v)
                best = Candidate(x, y, score, u, v)
        best.contrast = best.score - model.background_similarity()
        best.foreground = self.foreground(weights, region, best.u, best.v, (bw, bh), integral) / foreground0
        return Search(best, view, weights)
