"""Re-finding a lost target: where to look, and which candidate is the target again.

While the target is lost nothing adapts; every frame the place it was last seen and the
densest target-like spots of the whole frame (at reduced resolution) are searched, and
the target is taken back only on a clearly good match (`Confidence.acceptable`), so
that background is never reported as the target. The `Redetector` is given a snapshot
of the lost target (`LostTarget`) and returns what it found (`Redetection`); it changes
nothing of the tracker's.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._meanshift_kernels import densest_windows
from .buffers import Scratch
from .colour import ColourQuantizer, ColourSpace
from .confidence import Confidence
from .cues import BinnedRegion, Cue
from .model import TargetModel
from .region import RegionSampler
from .search import LocalSearch, Search
from .state import Window


class LostTarget(NamedTuple):
    """What the re-detector needs to know of a lost target."""

    cx: float              # where it was last seen (frame pixels)
    cy: float
    window: Window         # its box
    gain: float            # the brightness it was last seen in
    jumped: bool           # the frames were sought: a match far away is no surprise
    typical_score: float   # how well it typically matched while tracked
    foreground0: float     # how target-like the first frame's box was


class Redetection(NamedTuple):
    """The outcome of a search for a lost target."""

    search: Search | None  # the best acceptable match and its region (None: not found)
    gain: float            # the brightness it was found at
    closest: float         # the best similarity seen, acceptable or not


def ambiguous(best, candidates, window: Window, margin: float, last=None) -> bool:
    """Is there a look-alike: an acceptable candidate more than a box (the square root of
    its area) away from the best that matches within ``margin`` as well? Then which one
    is the target is a guess, and a lost target stays lost rather than be swapped
    silently for another thing of its colours (a truck among trucks). One exception: the
    best is within a box of where the target was last seen, ``last`` (frame point; None
    after a seek), and the look-alike a box farther: a target found again where it
    vanished is no guess (DAT weighs candidates by such a motion prior: Possegger et al.,
    "In defense of color-based model-free tracking", CVPR 2015)."""
    box = math.sqrt(window.w * window.h)

    def away(c):
        return math.inf if last is None else math.hypot(c.cx - last[0], c.cy - last[1])

    where_it_vanished = away(best) <= box
    return any(math.hypot(c.cx - best.cx, c.cy - best.cy) > box and c.score >= best.score - margin
               and not (where_it_vanished and away(c) > away(best) + box) for c in candidates)


class Redetector:
    """Searches whole frames for a lost target.

    Parameters
    ----------
    space : ColourSpace
    global_pixels : int
        Pixels the whole frame is sampled at, at most.
    global_candidates : int
        Densest spots of the frame tried besides the last position.
    search : LocalSearch
        The search each start is refined with.
    confidence : Confidence
        Decides which candidates are the target.
    """

    def __init__(self, space: ColourSpace, global_pixels: int, global_candidates: int,
                 search: LocalSearch, confidence: Confidence):
        self.global_pixels = global_pixels
        self._search = search
        self._confidence = confidence
        self._sampler = RegionSampler()
        self._quantizer = ColourQuantizer(space)
        self._weights = Scratch(np.float32)
        self._integral = Scratch(np.float64)
        self._candidates = np.empty((global_candidates, 3))

    def starts(self, frame, window: Window, gain, cue: Cue) -> list[tuple[float, float]]:
        """Centres of the frame's densest ``window``-sized spots of weight, at reduced
        resolution, the frame binned at ``gain``."""
        H, W = frame.shape[:2]
        step = min(1.0, math.sqrt(self.global_pixels / (W * H)))
        region = self._sampler.sample(frame, (W - 1) / 2, (H - 1) / 2, W, H, step)
        bins = self._quantizer.bin_map(region.image, gain)
        weights = cue.weights(BinnedRegion(region, bins), self._weights.take(bins.shape))
        bw, bh = window.bounds()
        win_w = max(1, int(round(bw / region.step_x)))
        win_h = max(1, int(round(bh / region.step_y)))
        integral = self._integral.take((bins.shape[0] + 1, bins.shape[1] + 1))
        n = densest_windows(weights, win_w, win_h, integral, len(self._candidates), self._candidates)
        return [region.to_frame(u, v) for u, v, mass in self._candidates[:n] if mass > 0]

    def search(self, frame, lost: LostTarget, model: TargetModel, cue: Cue) -> Redetection:
        """Look where the target was last seen and at the frame's densest spots, under the
        light it was last seen in (and, after a seek, also under the light it was learnt
        in: the frames sought to need not be lit like the last); the best acceptable
        match, if any. Its ``search`` holds the current region of the local search."""
        best, best_try, closest, last_try, last = None, None, 0.0, None, None
        rivals = []     # every acceptable match: the target is taken back only if one stands out
        for gain in (lost.gain, 1.0) if lost.jumped and lost.gain != 1.0 else (lost.gain,):
            for start in [(lost.cx, lost.cy)] + self.starts(frame, lost.window, gain, cue):
                last = self._search.run(frame, *start, lost.window, gain, model, cue, lost.foreground0)
                found = last.found
                last_try = (start, gain)
                closest = max(closest, found.score)
                far = not lost.jumped and self._confidence.doubtful_jump(found, lost.cx, lost.cy, lost.window,
                                                                         lost.typical_score)
                if self._confidence.acceptable(found) and not far:
                    rivals.append(found)
                    if best is None or found.score > best.score:
                        best, best_try = found, last_try
        if best is None or ambiguous(best, rivals, lost.window, self._search.jump_margin,
                                            None if lost.jumped else (lost.cx, lost.cy)):
            return Redetection(None, lost.gain, closest)
        start, gain = best_try
        if best_try != last_try:
            # The search's buffers hold the last start's region: search the best one again.
            last = self._search.run(frame, *start, lost.window, gain, model, cue, lost.foreground0)
        return Redetection(Search(best, last.view, last.weights), gain, closest)
