"""MeanShiftTracker: colour-histogram mean shift tracking with CamShift-style size and angle.

Per frame, only a search region around the predicted position is touched:

1. quantise the region's colours into histogram bins (numba);
2. back-project the *ratio* model P(target | colour) = q / (q + rho * b), where q is the
   target's kernel-weighted histogram and b the histogram of a ring of background around
   it: colours shared with the surroundings weigh little, so the window neither drifts
   into similar background nor balloons the way hue-only CamShift does;
3. mean shift the window to the centroid of that weight image (numba);
4. measure size and orientation from the second moments of the weights around the
   window, *relative to the same measurement on the first frame* (so an object whose
   weights are uneven keeps its size), and adapt slowly and only while the match is good;
5. score the match with the Bhattacharyya coefficient between the target histogram and
   the candidate's; below ``lost_threshold`` the target is lost: the model stays frozen
   and the search widens until the target is matched again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._colour_kernels import (bhattacharyya, blend_into, kernel_histogram, lut_project, ratio_table,
                              ring_histogram)
from ._meanshift_kernels import centroid_iterate, densest_window, window_moments
from .colour import ColourQuantizer, colour_space as make_colour_space
from ..errors import InputError
from ..io.frames import as_bgr8, parse_box
from .camshift import ellipse_from_moments


@dataclass(frozen=True)
class TrackState:
    """Result of one tracker step.

    ``box`` is the axis-aligned (x, y, w, h) bounding box of ``rotated``, clipped to the
    frame; ``rotated`` is ((cx, cy), (w, h), angle_deg) as ``cv2.CamShift`` returns;
    ``score`` the similarity of the candidate to the target model in [0, 1]; ``lost``
    whether the target is judged lost.
    """

    box: tuple[float, float, float, float]
    rotated: tuple[tuple[float, float], tuple[float, float], float]
    score: float
    lost: bool


def _rotated_bounds(w, h, angle_rad):
    cs, sn = abs(math.cos(angle_rad)), abs(math.sin(angle_rad))
    return w * cs + h * sn, w * sn + h * cs


class MeanShiftTracker:
    """Track one object by its colours (OpenCV-style ``init`` / ``update``).

    Parameters
    ----------
    colour_space : {"bgr", "hsv", "hs"}
        Histogram colour space (see ``tracker.colour.colour_space``).
    bins : int
        Bins on each main channel of the colour space.
    adapt_scale, adapt_angle : bool
        Follow size and in-plane rotation from the weight moments (CamShift-style).
    adapt_brightness : bool
        Follow global brightness changes by rescaling the colour bins.
    lost_threshold : float
        Bhattacharyya score under which the target counts as lost.
    model_update : float
        Fraction of the target histogram renewed each confidently tracked frame, which
        lets the model follow slow lighting changes.
    eps, max_iter : float, int
        Mean shift stops when the window moves less than ``eps`` px or after ``max_iter``.
    """

    # Background ring: the box grown by this factor per side, minus the box.
    CONTEXT = 3.5
    # Moments are measured in the box grown by this factor, so growth can be seen.
    MOMENT_WINDOW = 1.5
    # Search region: the box grown by this factor (and more while lost).
    SEARCH = 3.5
    GLOBAL_START = True
    JUMP_MARGIN = 0.03    # similarity a distant candidate must add to win over the local one
    SCALE_RATE = 0.5      # fraction of the measured size change taken per frame
    SCALE_STEP = 0.05     # largest relative size change per frame
    OCCLUSION_DROP = 0.05  # similarity drop (from its running mean) read as occlusion
    SCALE_LIMITS = (0.25, 4.0)  # relative to the initial box
    ANGLE_RATE = 0.3
    BACKGROUND_RATE = 0.3
    BACKGROUND_STEP = 1   # sample every pixel of the ring (2 costs Couple 0.05 AUC)
    VELOCITY_DAMPING = 0.6
    MODEL_ANCHOR = 0.5    # share of the first frame's histogram kept in the target model
    GAIN_STEP = 0.03      # brightness step tried each frame
    GAIN_MARGIN = 0.005   # similarity a step must gain to be taken
    GAIN_LIMITS = (0.2, 5.0)

    def __init__(self, colour_space: str = "bgr", bins: int = 16, adapt_scale: bool = True,
                 adapt_angle: bool = True, adapt_brightness: bool = True, lost_threshold: float = 0.5,
                 model_update: float = 0.02, eps: float = 0.5, max_iter: int = 20):
        self.space = make_colour_space(colour_space, bins)
        self.adapt_scale = adapt_scale
        self.adapt_angle = adapt_angle
        self.adapt_brightness = adapt_brightness
        self.lost_threshold = float(lost_threshold)
        self.model_update = float(model_update)
        self.eps = float(eps)
        self.max_iter = int(max_iter)
        self._quantizer = ColourQuantizer(self.space)
        self._probe_quantizer = ColourQuantizer(self.space)
        self._view_quantizer = None
        n = self.space.size
        self._q = np.zeros(n)          # target model
        self._q0 = np.zeros(n)         # first frame's target histogram (the anchor)
        self._q_learnt = np.zeros(n)   # target histogram following the target's looks
        self._b = np.zeros(n)          # background model
        self._p = np.zeros(n)          # candidate histogram (scratch)
        self._ring = np.zeros(n)       # ring histogram (scratch)
        self._table = np.zeros(n, np.float32)
        self._weights = np.empty(0, np.float32)
        self._integral = np.empty(0, np.float64)
        self._initialized = False

    # ------------------------------------------------------------------ public API
    @property
    def initialized(self) -> bool:
        return self._initialized

    def back_projection(self, frame, out: np.ndarray | None = None) -> np.ndarray:
        """The whole frame weighted by the current model: P(target | colour), float32 0..1.

        What the tracker sees (it only computes it around the target); for display.
        """
        if not self._initialized:
            raise InputError("tracker.back_projection() called before tracker.init()")
        frame = as_bgr8(frame)
        if self._view_quantizer is None:
            self._view_quantizer = ColourQuantizer(self.space)
        bins = self._view_quantizer.bin_map(frame, self._gain)
        if out is None or out.shape != bins.shape or out.dtype != np.float32:
            out = np.empty(bins.shape, np.float32)
        return lut_project(bins, self._table, out)

    def model_histogram(self) -> tuple[np.ndarray, np.ndarray]:
        """The target model: weights of its non-empty bins and their colours (BGR uint8)."""
        occupied = np.flatnonzero(self._q > 0)
        return self._q[occupied].copy(), self.space.bin_colours(occupied)

    def init(self, frame, box) -> TrackState:
        """Learn the target from ``box`` = (x, y, w, h) in ``frame`` (uint8 BGR)."""
        frame = as_bgr8(frame)
        x, y, w, h = parse_box(box, frame.shape)
        self._frame_size = (frame.shape[1], frame.shape[0])
        self._cx, self._cy = x + (w - 1) / 2, y + (h - 1) / 2
        self._w0, self._h0 = w, h
        self._scale, self._angle = 1.0, 0.0
        self._vx = self._vy = 0.0
        self._misses = 0
        self._gain = 1.0
        region, bins, ox, oy = self._region_bins(frame, self.CONTEXT + 0.5)
        total = kernel_histogram(bins, self._cx - ox, self._cy - oy, w / 2, h / 2, 0.0, self._q)
        self._b[:] = 0.0
        if total <= 0:
            raise InputError(f"box {x:g},{y:g},{w:g},{h:g} holds no pixel usable in colour space "
                             f"{self.space.name!r} (too small, or all masked as too dull or dark)")
        self._q0[:] = self._q
        self._q_learnt[:] = self._q
        self._update_background(bins, ox, oy, blend=1.0)
        weights = self._project(bins)
        self._shape0 = self._measure(weights, ox, oy)
        self._initialized = True
        self._score, self._lost = 1.0, False
        self._typical_score = 1.0
        return self._state()

    def update(self, frame) -> TrackState:
        """Find the target in the next frame and return its state."""
        if not self._initialized:
            raise InputError("tracker.update() called before tracker.init()")
        frame = as_bgr8(frame)
        if (frame.shape[1], frame.shape[0]) != self._frame_size:
            raise InputError(f"frame size changed from {self._frame_size[0]}x{self._frame_size[1]} "
                             f"to {frame.shape[1]}x{frame.shape[0]}; call init() again")
        px, py = self._cx + self._vx, self._cy + self._vy
        search = self.SEARCH * (1.0 + min(self._misses, 8) * 0.5)
        region, bins, ox, oy = self._region_bins(frame, search, px, py)
        weights = self._project(bins)
        bw, bh = self._bounds()
        win_w, win_h = max(1, int(round(bw))), max(1, int(round(bh)))
        # Two starts: the predicted position (the usual case) and the densest window of
        # the region (the target jumped beyond the window, or is being re-found); the
        # candidate whose colours match the model best wins.
        starts = [(px - ox, py - oy)]
        if self.GLOBAL_START:
            dx, dy, _ = densest_window(weights, win_w, win_h, self._integral_for(bins.shape))
            starts.append((dx, dy))
        best = None
        for sx, sy in starts:
            cx, cy, _, _, _, _ = centroid_iterate(weights, sx, sy, win_w, win_h, self.eps,
                                                  self.max_iter)
            score = self._candidate_score(bins, cx, cy)
            if best is None or score > best[0] + self.JUMP_MARGIN:
                best = (score, cx, cy)
        score, cx, cy = best
        self._follow_brightness(region, cx, cy, score)
        score = self._candidate_score(bins, cx, cy)  # leaves this candidate's histogram in _p
        lost = score < self.lost_threshold
        cx, cy = cx + ox, cy + oy
        if lost:
            self._misses += 1
            self._vx = self._vy = 0.0
        else:
            self._misses = 0
            self._vx = self.VELOCITY_DAMPING * (cx - self._cx)
            self._vy = self.VELOCITY_DAMPING * (cy - self._cy)
            self._cx, self._cy = cx, cy
            self._score = score
            self._adapt_shape(weights, ox, oy)
            self._update_background(bins, ox, oy, self.BACKGROUND_RATE)
            if self.model_update > 0:
                # The learnt part follows the target's looks; the anchor, the first
                # frame's histogram, keeps background that leaks into the window from
                # slowly becoming the model (the drift that makes windows balloon).
                blend_into(self._q_learnt, self._p, self.model_update)
                self._q[:] = self._q0
                blend_into(self._q, self._q_learnt, 1.0 - self.MODEL_ANCHOR)
        self._score, self._lost = score, lost
        return self._state()

    def expect_jump(self) -> None:
        """The next frame does not follow the last one (a seek): search for the target
        afresh instead of assuming it moved a few pixels."""
        if self._initialized:
            self._vx = self._vy = 0.0
            self._misses = max(self._misses, 8)

    # ------------------------------------------------------------------ internals
    def _bounds(self, grow: float = 1.0):
        return _rotated_bounds(self._w0 * self._scale * grow, self._h0 * self._scale * grow,
                               math.radians(self._angle))

    def _region_bins(self, frame, grow, cx=None, cy=None):
        """The box grown by ``grow`` around (cx, cy): pixels, bin map and origin."""
        cx = self._cx if cx is None else cx
        cy = self._cy if cy is None else cy
        bw, bh = self._bounds(grow)
        H, W = frame.shape[:2]
        x0 = min(max(int(math.floor(cx - bw / 2)), 0), W - 1)
        y0 = min(max(int(math.floor(cy - bh / 2)), 0), H - 1)
        x1 = max(min(int(math.ceil(cx + bw / 2)) + 1, W), x0 + 1)
        y1 = max(min(int(math.ceil(cy + bh / 2)) + 1, H), y0 + 1)
        region = frame[y0:y1, x0:x1]
        return region, self._quantizer.bin_map(region, self._gain), x0, y0

    def _integral_for(self, shape):
        n = (shape[0] + 1) * (shape[1] + 1)
        if self._integral.size < n:
            self._integral = np.empty(n, np.float64)
        return self._integral[:n].reshape(shape[0] + 1, shape[1] + 1)

    def _project(self, bins):
        n = bins.size
        if self._weights.size < n:
            self._weights = np.empty(n, np.float32)
        return lut_project(bins, self._table, self._weights[:n].reshape(bins.shape))

    def _update_background(self, bins, ox, oy, blend):
        bw, bh = self._bounds()
        cw, ch = self._bounds(self.CONTEXT)
        cx, cy = self._cx - ox, self._cy - oy
        count = ring_histogram(bins, int(round(cx - cw / 2)), int(round(cy - ch / 2)),
                               int(round(cx + cw / 2)) + 1, int(round(cy + ch / 2)) + 1,
                               int(round(cx - bw / 2)), int(round(cy - bh / 2)),
                               int(round(cx + bw / 2)) + 1, int(round(cy + bh / 2)) + 1, self._ring,
                               self.BACKGROUND_STEP)
        if count > 0:
            blend_into(self._b, self._ring, blend)
        # P(target | colour) with the ring's area as prior weight of the background.
        self._target_weight, self._background_weight = ratio_table(
            self._q, self._b, self.CONTEXT * self.CONTEXT - 1.0, self._table)

    def _window(self, weights, ox, oy, grow):
        """Clipped window of the box grown by ``grow`` (region coordinates) and its moments."""
        bw, bh = self._bounds(grow)
        cx, cy = self._cx - ox, self._cy - oy
        H, W = weights.shape
        x0, y0 = max(int(round(cx - bw / 2)), 0), max(int(round(cy - bh / 2)), 0)
        x1, y1 = min(int(round(cx + bw / 2)) + 1, W), min(int(round(cy + bh / 2)) + 1, H)
        area = max(x1 - x0, 0) * max(y1 - y0, 0)
        return area, window_moments(weights, x0, y0, x1, y1)

    def _measure(self, weights, ox, oy):
        """Shape of the weights around the box, and how many target pixels they hold.

        The zeroth moment of the window, less what the background model predicts for its
        area, divided by the weight a target pixel has on average, counts the target's
        pixels: the quantity CamShift reads its size from, without the background leak
        that makes CamShift balloon, and right even when the window is too small.
        """
        area, moments = self._window(weights, ox, oy, self.MOMENT_WINDOW)
        contrast = self._target_weight - self._background_weight
        pixels = (moments[0] - self._background_weight * area) / contrast if contrast > 0.05 else 0.0
        return ellipse_from_moments(*moments), pixels

    def _follow_brightness(self, region, cx, cy, score):
        """Follow global brightness: keep a slightly brighter or darker binning if it fits better.

        Like Comaniciu's +-10% scale test, applied to the bin edges: the candidate
        window is re-binned at the gain one step either side, and the gain whose
        histogram matches the model best is kept. Only a clear gain in similarity
        moves it, so noise does not make it wander.
        """
        if not self.adapt_brightness:
            return
        bw, bh = self._bounds()
        x0, y0 = max(int(cx - bw / 2), 0), max(int(cy - bh / 2), 0)
        window = region[y0:int(math.ceil(cy + bh / 2)) + 1, x0:int(math.ceil(cx + bw / 2)) + 1]
        best_gain, best_score = self._gain, score + self.GAIN_MARGIN
        for gain in (self._gain / (1 + self.GAIN_STEP), self._gain * (1 + self.GAIN_STEP)):
            bins = self._probe_quantizer.bin_map(window, gain)
            candidate = self._candidate_score(bins, cx - x0, cy - y0)
            if candidate > best_score:
                best_gain, best_score = gain, candidate
        self._gain = min(max(best_gain, self.GAIN_LIMITS[0]), self.GAIN_LIMITS[1])

    def _candidate_score(self, bins, cx, cy):
        w, h = self._w0 * self._scale, self._h0 * self._scale
        kernel_histogram(bins, cx, cy, w / 2, h / 2, math.radians(self._angle), self._p)
        return float(bhattacharyya(self._p, self._q))

    def _adapt_shape(self, weights, ox, oy):
        e0, mass0 = self._shape0
        e, mass = self._measure(weights, ox, oy)
        # A sudden drop in similarity means an occluder, not a shrinking target.
        occluded = self._score < self._typical_score - self.OCCLUSION_DROP
        self._typical_score += 0.1 * (self._score - self._typical_score)
        if self.adapt_scale and mass > 0 and mass0 > 0 and not occluded:
            measured = math.sqrt(mass / mass0)
            step = min(max(measured / self._scale, 1 - self.SCALE_STEP), 1 + self.SCALE_STEP)
            self._scale *= step ** self.SCALE_RATE
            lo, hi = self.SCALE_LIMITS
            W, H = self._frame_size
            # Never shrink below a pixel nor grow beyond the frame.
            lo = max(lo, 1.0 / min(self._w0, self._h0))
            hi = max(min(hi, W / self._w0, H / self._h0), 1.0)
            self._scale = min(max(self._scale, lo), hi)
        # Orientation is only defined for elongated weight blobs.
        if (self.adapt_angle and e is not None and e0 is not None
                and e.length > 1.3 * e.width and e0.length > 1.3 * e0.width):
            delta = math.degrees(e.theta - e0.theta)
            delta = (delta + 90.0) % 180.0 - 90.0
            diff = (delta - self._angle + 90.0) % 180.0 - 90.0
            self._angle += self.ANGLE_RATE * diff

    def _state(self) -> TrackState:
        W, H = self._frame_size
        w, h = self._w0 * self._scale, self._h0 * self._scale
        bw, bh = self._bounds()
        cx, cy = self._cx, self._cy
        x0, y0 = max(cx - (bw - 1) / 2, 0.0), max(cy - (bh - 1) / 2, 0.0)
        x1, y1 = min(cx + (bw + 1) / 2, float(W)), min(cy + (bh + 1) / 2, float(H))
        box = (x0, y0, max(x1 - x0, 0.0), max(y1 - y0, 0.0))
        return TrackState(box, ((cx + 0.5, cy + 0.5), (w, h), self._angle), self._score, self._lost)
