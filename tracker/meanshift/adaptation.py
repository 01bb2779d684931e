"""How a confidently tracked target's size, orientation and brightness gain follow it.

Functions (and one probe with its buffers) that take values and return values; the
tracker gives the results to its `Track` and `TargetModel`.

- size: the box that holds the most weight less a threshold per pixel (`edge_threshold`,
  a tenth of the way from a background pixel's typical weight to a target pixel's), among
  sizes 10 % either side of the current one (`fit_size`), taken at a fifth of the step per
  frame and kept near the first frame's shape, within limits and the frame (`next_size`);
- orientation: from the second moments of the weights (`weight_ellipse`), relative to the
  first frame's, a share of the way per frame, only for elongated blobs and turns past
  the tilt of an upright target's weights (`turned`);
- brightness: the bin edges scaled a step either way, kept if the match gets clearly
  better (`BrightnessProbe.best_gain`); when the match fails, or the frames were sought,
  the gain that fits the box best over a range of light (`BrightnessProbe.fit`,
  `gain_ladder`): a target whose light changed is not a lost target.
"""

from __future__ import annotations

import math

import numpy as np

from ._meanshift_kernels import best_box_size, window_moments
from .camshift import Ellipse, ellipse_from_moments
from .buffers import Scratch
from .colour import ColourQuantizer, ColourSpace
from .model import TargetModel
from .region import Region
from .state import Window


def edge_threshold(levels, edge_level) -> float:
    """The weight at which the box edge goes: ``edge_level`` of the way from a background
    pixel's mean weight to a target pixel's (``levels`` = (target, background))."""
    target_weight, background_weight = levels
    return background_weight + edge_level * (target_weight - background_weight)


def fit_size(weights, region: Region, u, v, window: Window, factors, tau, cells):
    """Size factors (fw, fh), among ``factors``, of the box about region point (u, v) that
    holds the most weight less ``tau`` per pixel: target pixels in, the rest out. The
    rotated box is fitted (upright unless rotation is followed). ``cells`` is
    (n, n) float64 scratch for n factors."""
    fw, fh, _ = best_box_size(weights, u, v, window.w / region.step_x, window.h / region.step_y,
                              math.radians(window.angle), factors, tau, cells)
    return fw, fh


def next_size(w, h, fw, fh, first_size, frame_size, rate, aspect_limit, limits):
    """The size after a step towards ``(w * fw, h * fh)``: ``rate`` of the way (in scale),
    the aspect ratio within ``aspect_limit`` of the first frame's, the scale relative to
    the first size within ``limits``, at least a pixel and at most the frame."""
    w = w * fw ** rate
    h = h * fh ** rate
    w0, h0 = first_size
    aspect0 = w0 / h0
    aspect = min(max(w / h, aspect0 / aspect_limit), aspect0 * aspect_limit)
    area = w * h
    w, h = math.sqrt(area * aspect), math.sqrt(area / aspect)
    lo, hi = limits
    W, H = frame_size
    s = math.sqrt(w * h / (w0 * h0))
    s_clamped = min(max(s, lo, 1.0 / min(w, h) * s), max(min(hi, W / w * s, H / h * s), 1.0))
    return w * s_clamped / s, h * s_clamped / s


def moment_window(region: Region, cx, cy, bounds) -> tuple[int, int, int, int]:
    """The region pixels ``[v0:v1, u0:u1]`` (u0, v0, u1, v1) of the upright box of size
    ``bounds`` about frame point (cx, cy): where `weight_ellipse` looks. Not clipped:
    the moment kernels clip to the image."""
    bw, bh = bounds
    u, v = region.to_region(cx, cy)
    hw, hh = bw / region.step_x / 2, bh / region.step_y / 2
    return int(round(u - hw)), int(round(v - hh)), int(round(u + hw)) + 1, int(round(v + hh)) + 1


def weight_ellipse(weights, region: Region, cx, cy, bounds) -> Ellipse | None:
    """The ellipse of the weights' moments in the upright box of size ``bounds`` about
    frame point (cx, cy), in frame pixels; None if the box holds no weight."""
    return frame_ellipse(window_moments(weights, *moment_window(region, cx, cy, bounds)), region)


def frame_ellipse(moments, region: Region) -> Ellipse | None:
    """The ellipse of raw moments taken in ``region`` pixels, its axes in frame pixels."""
    e = ellipse_from_moments(*moments)
    if e is None:
        return None
    # Back to frame pixels, so shapes measured at different samplings compare.
    return e._replace(length=e.length * region.step_x, width=e.width * region.step_y)


def oriented(ellipse: Ellipse | None, elongation) -> bool:
    """Whether ``ellipse`` is at least ``elongation`` times as long as wide: only then has
    it an orientation worth following (see `turned`)."""
    return ellipse is not None and ellipse.length > elongation * ellipse.width


def turned(angle, ellipse: Ellipse | None, ellipse0: Ellipse | None, rate, elongation, least_turn) -> float:
    """The angle (degrees) after a step of ``rate`` towards the turn of ``ellipse`` from the
    first frame's ``ellipse0``, a turn of less than ``least_turn`` degrees counting as none.

    Unchanged unless both ellipses are at least ``elongation`` times as long as wide: the
    orientation of a round blob's weights is noise (dev set, angle followed from a length
    ratio of 1.3 up: Panda, ratio 1.32, turns 45 degrees in 60 frames and is lost for good).
    A small measured turn is no turn either: an upright walking person's weights tilt by
    a few degrees (dev set: 4-5 degrees on average, sd 3-6) and every degree followed
    widens the upright box the caller reports."""
    e, e0 = ellipse, ellipse0
    if oriented(e, elongation) and oriented(e0, elongation):
        delta = math.degrees(e.theta - e0.theta)
        delta = (delta + 90.0) % 180.0 - 90.0
        if abs(delta) < least_turn:
            delta = 0.0
        diff = (delta - angle + 90.0) % 180.0 - 90.0
        return angle + rate * diff
    return angle


def gain_ladder(low, high, step) -> list[float]:
    """Gains from ``low`` to ``high`` (both included) in relative steps of at most ``step``."""
    if high <= low:
        return [low]
    n = max(1, int(math.ceil(math.log(high / low) / math.log(1 + step))))
    return [low * (high / low) ** (k / n) for k in range(n + 1)]


#: Mean |B - G| + |G - R| (of 255) under which a frame is grayscale: 0 for gray footage
#: (1.8 for a gray video's compression noise), 11 or more for the dev set's colour footage.
GRAY_CHROMA = 4.0


def _sampled(frame, samples: int) -> np.ndarray:
    """About ``samples`` of the frame's pixels, on a regular grid (a view, no copy)."""
    H, W = frame.shape[:2]
    step = max(1, int(math.sqrt(H * W / samples)))
    return frame[::step, ::step]


def looks_gray(frame, samples=4800) -> bool:
    """Whether the frame is grayscale (its channels nearly equal), from about ``samples`` pixels."""
    pixels = _sampled(frame, samples).astype(np.int16)
    chroma = np.abs(pixels[..., 0] - pixels[..., 1]) + np.abs(pixels[..., 1] - pixels[..., 2])
    return float(chroma.mean()) < GRAY_CHROMA


def scene_brightness(frame, samples=4800) -> float:
    """The mean of about ``samples`` of the frame's pixel values: a scene lit k times as
    brightly has k times this mean (up to saturation), whatever its colours."""
    return float(_sampled(frame, samples).mean())


class BrightnessProbe:
    """Follows global brightness: a slightly brighter or darker binning, if it fits better.

    Like Comaniciu's +-10% scale test, applied to the bin edges: the candidate window is
    re-binned at the gain one step either side, and the gain whose histogram matches the
    model best is kept. Only a clear gain in similarity moves it, so noise does not make
    it wander.

    Parameters
    ----------
    space : ColourSpace
    step : float
        Relative brightness step tried each way.
    margin : float
        Similarity a step must gain to be taken.
    limits : (float, float)
        The gain's range.
    """

    def __init__(self, space: ColourSpace, step: float, margin: float, limits):
        self.step, self.margin, self.limits = step, margin, limits
        self._quantizer = ColourQuantizer(space)
        self._bins = Scratch(np.int32)         # the window's bin map, `binned_scores`' scratch
        self._stacks = {}                      # gains -> their bin tables, stacked (`_tables`)
        self._scores_out = np.empty(0)

    def best_gain(self, region: Region, u, v, window: Window, gain, score, model: TargetModel) -> float:
        """The gain to bin the next frames at, for the target ``window`` at region point
        (u, v), matching ``model`` with ``score`` at ``gain``."""
        best_gain, best_score = gain, score + self.margin
        for candidate_gain, candidate in self._scores(region, u, v, window,
                                                      (gain / (1 + self.step), gain * (1 + self.step)), model):
            if candidate > best_score:
                best_gain, best_score = candidate_gain, candidate
        return best_gain

    def fit(self, region: Region, u, v, window: Window, gains, model: TargetModel) -> tuple[float, float]:
        """The gain among ``gains`` (within the limits) at which the box (see `best_gain`)
        matches best, and that match. Of gains that match as well (to within the margin:
        a flat colour matches a whole bin's worth of gains), the middle one: the light may
        then change by half a bin either way before the match moves."""
        # Clamped first: rungs past a limit are that limit, counted once (several copies
        # would pull the middle of the ties towards it).
        clamped = sorted({min(max(g, self.limits[0]), self.limits[1]) for g in gains})
        scored = self._scores(region, u, v, window, clamped, model)
        if not scored:
            return None, -1.0
        best_score = max(score for _, score in scored)
        tied = [(g, score) for g, score in scored if score >= best_score - self.margin]
        return tied[len(tied) // 2]

    def _scores(self, region: Region, u, v, window: Window, gains, model: TargetModel) -> list[tuple[float, float]]:
        """(gain, score) of the box binned at each of ``gains`` (clamped to the limits):
        its window's pixels binned and scored at every gain in one kernel call."""
        if not gains:
            return []
        bw, bh = window.bounds()
        hw, hh = bw / region.step_x / 2, bh / region.step_y / 2
        H, W = region.image.shape[:2]
        x0, y0 = min(max(int(u - hw), 0), W - 1), min(max(int(v - hh), 0), H - 1)
        x1, y1 = max(int(math.ceil(u + hw)) + 1, x0 + 1), max(int(math.ceil(v + hh)) + 1, y0 + 1)
        pixels = self._quantizer.converted(region.image[y0:y1, x0:x1])
        gains = tuple(min(max(gain, self.limits[0]), self.limits[1]) for gain in gains)
        if self._scores_out.size < len(gains):
            self._scores_out = np.empty(len(gains))
        scores = model.binned_scores(pixels, self._tables(gains), region, u - x0, v - y0, window.w, window.h,
                                     window.angle, self._bins.take(pixels.shape[:2]), self._scores_out[:len(gains)])
        return list(zip(gains, scores.tolist()))

    #: Stacks of bin tables kept: a tracked target's probe asks for the same two gains
    #: frame after frame while the light holds.
    KEPT_STACKS = 4

    def _tables(self, gains) -> np.ndarray:
        """The bin tables of ``gains``, stacked (k x 3 x 256) as `binned_scores` takes them."""
        stack = self._stacks.get(gains)
        if stack is None:
            if len(self._stacks) >= self.KEPT_STACKS:
                del self._stacks[next(iter(self._stacks))]     # the oldest
            stack = self._stacks[gains] = np.stack([self._quantizer.tables_at(g) for g in gains])
        return stack
