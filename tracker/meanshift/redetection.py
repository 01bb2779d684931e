"""Re-finding a lost target: where to look, and when a candidate is the target again.

A mixin of `MeanShiftTracker` (tracker.py), kept apart so each file reads as one concern.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ._meanshift_kernels import densest_windows

if TYPE_CHECKING:     # annotations only: tracker.py imports this module
    from .tracker import TrackState, _Candidate


class Redetection:
    """While the target is lost: the whole-frame search and the tests a match must pass."""

    def _search_lost(self, frame) -> TrackState:
        """While lost: look where the target was last seen and at the densest target-like
        spots of the whole frame, under the light it was last seen in (and, after a seek,
        also under the light it was learnt in: the frames sought to need not be lit like
        the last); take it back only on a clearly good match, so that background is never
        reported as the target."""
        frozen = self._gain
        best, best_try, closest, last_try = None, None, 0.0, None
        for gain in (frozen, 1.0) if self._jumped and frozen != 1.0 else (frozen,):
            self._gain = gain
            for start in [(self._cx, self._cy)] + self._global_starts(frame):
                found = self._local_search(frame, *start)
                last_try = (start, gain)
                closest = max(closest, found.score)
                far = not self._jumped and self._doubtful_jump(found, self._cx, self._cy)
                if self._acceptable(found) and not far and (best is None or found.score > best.score):
                    best, best_try = found, last_try
        if best is None:
            self._gain = frozen
            self._score = closest      # the best match seen, still not good enough
            return self._state()
        start, self._gain = best_try
        if best_try != last_try:
            self._local_search(frame, *start)   # its region becomes the one to adapt on
        self._jumped = False
        self._follow(frame, best)
        self._vx = self._vy = 0.0       # where it was found again says nothing of its motion
        return self._state()

    def _plausible(self, found: _Candidate, margin: float) -> bool:
        """Is this candidate the target? Its colours must match the model and its pixels
        must be target-like (a drop in similarity alone is no proof: half the target
        hidden drops it as much as a similar-coloured stand-in does), unless the box
        clearly looks like the target (the scene's colours shifted, not the target)."""
        return found.score >= self.lost_threshold + margin and (
            found.foreground >= self.FOREGROUND_LOST or found.appearance >= self.APPEARANCE_VOUCHES)

    def _doubtful_jump(self, found: _Candidate, px, py) -> bool:
        """A match more than a box away from where the target should be, and worse than
        the target typically matches, is more likely something else of its colours (the
        target being hidden) than the target having jumped."""
        jump = math.hypot(found.cx - px, found.cy - py) / math.sqrt(self._w * self._h)
        return jump > self.FAR_JUMP and found.score < self._typical_score - self.FAR_JUMP_DROP

    def _acceptable(self, found: _Candidate) -> bool:
        return self._plausible(found, self.REACQUIRE_MARGIN)

    def _global_starts(self, frame):
        """Centres of the frame's densest target-sized windows, at reduced resolution."""
        H, W = frame.shape[:2]
        step = min(1.0, math.sqrt(self.GLOBAL_PIXELS / (W * H)))
        region = self._global_sampler.sample(frame, (W - 1) / 2, (H - 1) / 2, W, H, step)
        bins = self._probe_quantizer.bin_map(region.image, self._gain)
        weights = self._project(bins)
        bw, bh = self._bounds()
        win_w = max(1, int(round(bw / region.step_x)))
        win_h = max(1, int(round(bh / region.step_y)))
        n = densest_windows(weights, win_w, win_h, self._integral_for(bins.shape),
                            self.GLOBAL_CANDIDATES, self._candidates)
        return [region.to_frame(u, v) for u, v, mass in self._candidates[:n] if mass > 0]
