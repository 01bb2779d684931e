"""Cues: what turns a sampled region into a weight image, how target-like each pixel is.

Mean shift climbs the weight image, the size is fitted to it and re-detection looks
for its densest spots, so everything the tracker knows about the target's looks enters
through a cue. A ``Cue`` learns from the `TargetModel` and weighs a `BinnedRegion`;
`fuse` makes several cues one (a weighted mean of their weights), so a cue of another
kind (texture, a template, distractors) adds to the colours without changing the rest.

``ColourRatioCue`` is the colour model: the back-projection of the *ratio*
P(target | colour) = q / (q + rho * b), with q the target's histogram and b the
background's, rho the ring's area relative to the box's: colours shared with the
surroundings weigh little, so the window neither drifts into similar background nor
balloons the way hue-only CamShift does.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol, Sequence

import numpy as np

from ._colour_kernels import lut_moments, lut_project, ratio_table
from .buffers import Scratch
from .model import TargetModel
from .region import Region
from ..errors import InputError


class BinnedRegion(NamedTuple):
    """A sampled region and its colour bin map at the model's brightness gain."""

    region: Region
    bins: np.ndarray


class Cue(Protocol):
    """Turns a region into weights in 0..1, from what it learnt of the target."""

    levels: tuple[float, float]    # mean weight of a target pixel and of a background pixel

    def learn(self, model: TargetModel) -> tuple[float, float]:
        """Renew from the target model; returns (and keeps as ``levels``) the mean weight
        of a target pixel and of a background pixel."""

    def weights(self, view: BinnedRegion, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` (float32, the bin map's shape) with the region's weights."""


class ColourRatioCue:
    """P(target | colour) from the target and background histograms, as a lookup table.

    Parameters
    ----------
    size : int
        Number of colour bins.
    rho : float
        The background ring's area relative to the box's: the background's prior weight.
    anchored : bool
        Learn from the first frame's histogram (``model.q0``) instead of the target model.
    """

    def __init__(self, size: int, rho: float, anchored: bool = False):
        self.rho = rho
        self.anchored = anchored
        self.table = np.zeros(size, np.float32)
        self.levels = (0.0, 0.0)

    def learn(self, model: TargetModel) -> tuple[float, float]:
        self.levels = ratio_table(model.q0 if self.anchored else model.q, model.b, self.rho, self.table)
        return self.levels

    def weights(self, view: BinnedRegion, out: np.ndarray) -> np.ndarray:
        return lut_project(view.bins, self.table, out)

    def window_moments(self, view: BinnedRegion, window) -> tuple:
        """Raw moments of the weights over the region pixels ``window`` = (u0, v0, u1, v1),
        without weighing the rest of the region."""
        return lut_moments(view.bins, self.table, *window)


class FusedCue:
    """Several cues as one: the weighted mean of their weights (and so of their levels)."""

    def __init__(self, cues: Sequence[Cue], shares: Sequence[float]):
        total = float(sum(shares))
        self.cues = list(cues)
        self.shares = [float(s) / total for s in shares]
        self.levels = (0.0, 0.0)
        self._scratch = Scratch(np.float32)

    def learn(self, model: TargetModel) -> tuple[float, float]:
        target = background = 0.0
        for cue, share in zip(self.cues, self.shares):
            t, b = cue.learn(model)
            target += share * t
            background += share * b
        self.levels = (target, background)
        return self.levels

    def weights(self, view: BinnedRegion, out: np.ndarray) -> np.ndarray:
        out[...] = 0.0
        part = self._scratch.take(out.shape)
        for cue, share in zip(self.cues, self.shares):
            out += np.float32(share) * cue.weights(view, part)
        return out


def fuse(cues: Sequence[Cue], shares: Sequence[float] | None = None) -> Cue:
    """One cue from several, each weighing ``shares`` of the result (equal by default);
    a single cue is returned as it is."""
    cues = list(cues)
    if not cues:
        raise InputError("fuse() needs at least one cue")
    shares = [1.0] * len(cues) if shares is None else list(shares)
    if len(shares) != len(cues) or any(s < 0 for s in shares) or sum(shares) <= 0:
        raise InputError(f"need one non-negative share per cue, not all zero; got {shares}")
    if len(cues) == 1:
        return cues[0]
    return FusedCue(cues, shares)
