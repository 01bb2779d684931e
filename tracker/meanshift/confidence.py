"""When a candidate is the target: the tests a match must pass to be tracked or taken back.

A drop in similarity alone is no proof that the target is gone (half the target hidden
drops it as much as a similar-coloured stand-in does), so a candidate must also be
target-like pixel by pixel, and a far jump is believed only from a typical match.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .search import Candidate
from .state import Window


@dataclass(frozen=True)
class Confidence:
    """The thresholds that decide whether a candidate is the target.

    Parameters
    ----------
    lost_threshold : float
        Similarity under which the target counts as lost.
    foreground_lost : float
        The box's target-likeness, relative to the first frame's, under which it counts as lost.
    reacquire_margin : float
        Similarity above ``lost_threshold`` a lost target must be matched with to be taken back.
    contrast_lost : float
        How much better than its surroundings (the background model) a candidate must
        match the model: a box whose colours are as common around the target as on it is
        no evidence of the target (a gray car's model fits any gray road or sky).
    far_jump, far_jump_drop : float
        A move of more than ``far_jump`` boxes (the square root of the box's area) by a match
        ``far_jump_drop`` worse than typical is doubtful.
    """

    lost_threshold: float
    foreground_lost: float
    reacquire_margin: float
    contrast_lost: float
    far_jump: float
    far_jump_drop: float

    def plausible(self, found: Candidate, margin: float = 0.0) -> bool:
        """Do the candidate's colours match the model (by ``margin`` more than the
        threshold) and are its pixels target-like?"""
        return found.score >= self.lost_threshold + margin and found.foreground >= self.foreground_lost

    def distinct(self, found: Candidate, vouched: bool = False) -> bool:
        """Does the candidate match the model clearly better than the target's surroundings
        do? A tracked target may be indistinct for a few frames (the light changing faster
        than the models follow); a lost one is taken back only where it is distinct.
        ``vouched``: another cue than colour says it is the target (the pattern filter, on
        a target whose colours its surroundings share), which stands in for the contrast."""
        return vouched or found.contrast >= self.contrast_lost

    def acceptable(self, found: Candidate, vouched: bool = False) -> bool:
        """Is the candidate clearly enough the target to take a lost target back?
        ``vouched`` as in `distinct`."""
        return self.plausible(found, self.reacquire_margin) and self.distinct(found, vouched)

    def doubtful_jump(self, found: Candidate, px, py, window: Window, typical_score) -> bool:
        """A match more than a box away from where the target should be, (px, py), and
        worse than the target typically matches, is more likely something else of its
        colours (the target being hidden) than the target having jumped."""
        jump = math.hypot(found.cx - px, found.cy - py) / math.sqrt(window.w * window.h)
        return jump > self.far_jump and found.score < typical_score - self.far_jump_drop
