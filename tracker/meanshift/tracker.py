"""MeanShiftTracker: colour-histogram mean shift tracking with CamShift-style size and angle.

Per frame, only a search region around the predicted position is touched, and it is
sampled at a fixed pixel budget (``region.py``), so a step costs the same for any
target size:

1. quantise the region's colours into histogram bins (numba);
2. back-project the *ratio* model P(target | colour) = q / (q + rho * b), where q is the
   target's kernel-weighted histogram and b the histogram of a ring of background around
   it: colours shared with the surroundings weigh little, so the window neither drifts
   into similar background nor balloons the way hue-only CamShift does;
3. add a correlation filter's response (``template.py``: where the target's gray-level
   pattern is, Staple-style) to that weight image, and mean shift the window to its
   centroid (numba), from the predicted position, from the densest window of the region
   and from the filter's peak;
4. size: the box that holds the most weight less a threshold per pixel (a tenth of the
   way from a background pixel's typical weight to a target pixel's), searched among
   sizes 10 % either side of the current one in one pass over the pixels and taken at a
   fifth of the step per frame (while the match is poor, only if the new size restores
   it), and only as far as the filter agrees (its best of three patch extents); orientation (on request) from the second moments of the weights under the first
   frame's model, relative to the first frame;
5. confidence: the Bhattacharyya coefficient between the target model and the candidate,
   how target-like the box's pixels are compared with the first frame (unless the
   filter vouches for the box), and whether a far match is as good as the target's
   typical one. When any fails the target is lost:
   nothing adapts, the reported box stays where the target was last seen, and every
   frame the last position and the densest target-like spots of the whole frame (at
   reduced resolution) are tried until a candidate matches the model well again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from ._colour_kernels import (bhattacharyya, blend_into, kernel_histogram, lut_project, ratio_table,
                              ring_histogram)
from ._meanshift_kernels import box_sum, centroid_iterate, densest_window, summed_area, window_moments
from .adaptation import Adaptation
from .camshift import ellipse_from_moments
from .colour import ColourQuantizer, colour_space as make_colour_space
from .redetection import Redetection
from .region import RegionSampler
from .template import CorrelationFilter
from ..errors import InputError
from ..io.frames import as_bgr8, parse_box


@dataclass(frozen=True)
class TrackState:
    """Result of one tracker step.

    ``box`` is the axis-aligned (x, y, w, h) bounding box of ``rotated``, clipped to the
    frame; ``rotated`` is ((cx, cy), (w, h), angle_deg) as ``cv2.CamShift`` returns;
    ``score`` the similarity of the candidate to the target model in [0, 1]; ``lost``
    whether the target is judged lost (the box is then where it was last seen).
    """

    box: tuple[float, float, float, float]
    rotated: tuple[tuple[float, float], tuple[float, float], float]
    score: float
    lost: bool


def _rotated_bounds(w, h, angle_rad):
    cs, sn = abs(math.cos(angle_rad)), abs(math.sin(angle_rad))
    return w * cs + h * sn, w * sn + h * cs


def _check_number(name, value, low, high, integer=False, low_open=False):
    kind = Integral if integer else Real
    if isinstance(value, bool) or not isinstance(value, kind) or not math.isfinite(value) \
            or value < low or value > high or (low_open and value == low):
        bound = f"({low:g}" if low_open else f"[{low:g}"
        raise InputError(f"{name} must be {'an integer' if integer else 'a number'} in "
                         f"{bound}, {high:g}], got {value!r}")
    return int(value) if integer else float(value)


@dataclass
class _Candidate:
    """Where one start of the search converged, and how well it matches."""

    cx: float          # frame coordinates
    cy: float
    score: float       # Bhattacharyya coefficient against the target model
    u: float           # region coordinates
    v: float
    foreground: float = 1.0   # how target-like the box's pixels are, relative to frame 1
    appearance: float = 1.0   # how much it looks like the target (template response, 1 as usual)


class MeanShiftTracker(Adaptation, Redetection):
    """Track one object by its colours (OpenCV-style ``init`` / ``update``).

    Parameters
    ----------
    colour_space : {"bgr", "hsv", "hs"}
        Histogram colour space (see ``tracker.meanshift.colour.colour_space``).
    bins : int
        Bins on each main channel of the colour space (2 to 64).
    adapt_scale, adapt_angle : bool
        Follow size, and in-plane rotation (CamShift-style, from the second moments of
        the weights). Rotation is off by default: on real footage of mostly upright
        targets its estimates are noisy enough to cost accuracy (OTB dev set: mean AUC
        0.45 with it, 0.63 without).
    adapt_brightness : bool
        Follow global brightness changes by rescaling the colour bins.
    lost_threshold : float
        Bhattacharyya score (0 to 1) under which the target counts as lost.
    model_update : float
        Fraction (0 to 1) of the target histogram renewed each confidently tracked
        frame, which lets the model follow slow changes of the target's looks.
    eps, max_iter : float, int
        Mean shift stops when the window moves less than ``eps`` px (> 0) or after
        ``max_iter`` iterations (1 to 1000).
    """

    # Target pixels sampled per frame at most (the pixel budget), and the same for the
    # whole-frame search while lost: the cost of a step does not depend on the target.
    TARGET_PIXELS = 1600
    RING_PIXELS = 4800      # background ring samples counted per frame, about
    GLOBAL_PIXELS = 160 * 120
    GLOBAL_CANDIDATES = 4   # densest spots of the frame tried while the target is lost
    # Background ring: the box grown by this factor per side, minus the box; the search
    # region is the same area.
    CONTEXT = 3.5
    # Moments (for the orientation) are measured in the box grown by this factor.
    MOMENT_WINDOW = 1.5
    JUMP_MARGIN = 0.03    # similarity a distant candidate must add to win over the local one
    SCALE_FACTORS = np.array([0.9, 0.95, 1.0, 1.05, 1.1])   # sizes tried around the current one
    SCALE_RATE = 0.2      # share of the chosen size change taken per frame
    # The weight, from a background pixel's typical (0) to a target pixel's (1), at which
    # the size search puts the box edge: low, because a box's rim mixes both.
    EDGE_LEVEL = 0.1
    SCALE_LIMITS = (0.2, 5.0)  # relative to the initial box
    ASPECT_LIMIT = 1.2    # how far the aspect ratio may move from the first frame's
    OCCLUSION_DROP = 0.05  # similarity drop (from its running mean) read as occlusion
    RESIZE_GAIN = 0.02     # similarity a size change must add while the match is poor
    ANGLE_RATE = 0.3
    BACKGROUND_RATE = 0.3
    VELOCITY_DAMPING = 0.6
    MODEL_ANCHOR = 0.5    # share of the first frame's histogram kept in the target model
    GAIN_STEP = 0.03      # brightness step tried each frame
    GAIN_MARGIN = 0.005   # similarity a step must gain to be taken
    GAIN_LIMITS = (0.2, 5.0)
    FOREGROUND_SIZES = (0.5, 0.75, 1.0)
    FAR_JUMP = 1.0          # a move of more than a box (sqrt of its area) in one frame...
    FAR_JUMP_DROP = 0.1     # ...by a match this much worse than typical is read as lost
    FOREGROUND_LOST = 0.35  # box's target-likeness, relative to the first frame, read as lost
    REACQUIRE_MARGIN = 0.1  # similarity above lost_threshold needed to take a target back
    APPEARANCE_LEARN = 0.4  # the template learns only from boxes that look at least this much like it
    APPEARANCE_VOUCHES = 0.6  # a box that looks this much like the target needs no target-like colours

    def __init__(self, colour_space: str = "bgr", bins: int = 16, adapt_scale: bool = True,
                 adapt_angle: bool = False, adapt_brightness: bool = True, lost_threshold: float = 0.5,
                 model_update: float = 0.02, eps: float = 0.5, max_iter: int = 20):
        self.space = make_colour_space(colour_space, bins)
        for name, flag in (("adapt_scale", adapt_scale), ("adapt_angle", adapt_angle),
                           ("adapt_brightness", adapt_brightness)):
            if not isinstance(flag, (bool, np.bool_)):
                raise InputError(f"{name} must be True or False, got {flag!r}")
        self.adapt_scale = bool(adapt_scale)
        self.adapt_angle = bool(adapt_angle)
        self.adapt_brightness = bool(adapt_brightness)
        self.lost_threshold = _check_number("lost_threshold", lost_threshold, 0.0, 1.0)
        self.model_update = _check_number("model_update", model_update, 0.0, 1.0)
        self.eps = _check_number("eps", eps, 0.0, 1e6, low_open=True)
        self.max_iter = _check_number("max_iter", max_iter, 1, 1000, integer=True)
        self._quantizer = ColourQuantizer(self.space)
        self._probe_quantizer = ColourQuantizer(self.space)
        self._view_quantizer = None
        self._sampler = RegionSampler()
        self._global_sampler = RegionSampler()
        n = self.space.size
        self._q = np.zeros(n)          # target model
        self._q0 = np.zeros(n)         # first frame's target histogram (the anchor)
        self._q_learnt = np.zeros(n)   # target histogram following the target's looks
        self._b = np.zeros(n)          # background model
        self._p = np.zeros(n)          # candidate histogram (scratch)
        self._ring = np.zeros(n)       # ring histogram (scratch)
        self._table = np.zeros(n, np.float32)
        self._anchor_table = np.zeros(n, np.float32)     # the first frame's model, for the angle
        self._anchor_weights = np.empty(0, np.float32)
        self._weights = np.empty(0, np.float32)
        self._located = np.empty(0, np.float32)       # colour weights with the template's added
        self._template = CorrelationFilter()
        self._integral = np.empty(0, np.float64)
        self._candidates = np.empty((self.GLOBAL_CANDIDATES, 3))
        self._cells = np.empty((len(self.SCALE_FACTORS), len(self.SCALE_FACTORS)))
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
        """Learn the target from ``box`` = (x, y, w, h) in ``frame`` (uint8 BGR).

        A box that cannot be tracked raises InputError and leaves the tracker as it was.
        """
        frame = as_bgr8(frame)
        x, y, w, h = parse_box(box, frame.shape)
        cx, cy = x + (w - 1) / 2, y + (h - 1) / 2
        step = self._sampling(w, h)
        region = self._sampler.sample(frame, cx, cy, w * (self.CONTEXT + 0.5),
                                      h * (self.CONTEXT + 0.5), step)
        bins = self._quantizer.bin_map(region.image, 1.0)
        u, v = region.to_region(cx, cy)
        q = np.zeros_like(self._q)
        total = kernel_histogram(bins, u, v, w / 2 / region.step_x, h / 2 / region.step_y, 0.0, q)
        if total <= 0:
            raise InputError(f"box {x:g},{y:g},{w:g},{h:g} holds no pixel usable in colour space "
                             f"{self.space.name!r} (too small, or all masked as too dull or dark)")
        # The box is usable: only now does the tracker forget its previous target.
        self._frame_size = (frame.shape[1], frame.shape[0])
        self._cx, self._cy = cx, cy
        self._w0, self._h0 = w, h
        self._w, self._h, self._angle = float(w), float(h), 0.0
        self._before = (self._cx, self._cy, self._w, self._h, self._angle)
        self._vx = self._vy = 0.0
        self._gain = 1.0
        self._q[:] = q
        self._q0[:] = q
        self._q_learnt[:] = q
        self._b[:] = 0.0
        self._update_background(region, bins, blend=1.0)
        weights = self._project(bins)
        self._foreground0 = max(self._foreground(weights, region, u, v), 1e-6)
        self._shape0 = self._ellipse(weights, region)
        self._template.init(frame, cx, cy, *self._bounds())
        self._initialized = True
        self._score, self._lost = 1.0, False
        self._jumped = False
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
        # Where the target was before this frame, for `mark_lost`.
        self._before = (self._cx, self._cy, self._w, self._h, self._angle)
        if self._lost:
            return self._search_lost(frame)
        px, py = self._cx + self._vx, self._cy + self._vy
        found = self._local_search(frame, px, py)
        if not self._plausible(found, 0.0) or self._doubtful_jump(found, px, py):
            self._lose(found.score)
        else:
            self._follow(frame, found)
        return self._state()

    def mark_lost(self) -> TrackState:
        """Overrule the last `update`: the target is lost, and it was last seen where it
        was before that frame (another tracker holds the place this one moved to)."""
        if not self._initialized:
            raise InputError("tracker.mark_lost() called before tracker.init()")
        self._cx, self._cy, self._w, self._h, self._angle = self._before
        self._lose(self._score)
        return self._state()

    def expect_jump(self) -> None:
        """The next frame does not follow the last one (a seek): search the whole frame
        for the target instead of assuming it moved a few pixels."""
        if self._initialized:
            self._vx = self._vy = 0.0
            self._lost = True
            self._jumped = True      # a match far from the last position is no surprise

    # ------------------------------------------------------------------ steps
    def _sampling(self, w, h):
        """Resampling factor that keeps the target within the pixel budget."""
        return min(1.0, math.sqrt(self.TARGET_PIXELS / max(w * h, 1.0)))

    def _local_search(self, frame, px, py) -> _Candidate:
        """Mean shift from (px, py) and from the region's densest window; the best match.

        Leaves the region, its bin map and weights in ``self._last`` for the follow-up.
        """
        bw, bh = self._bounds()
        region = self._sampler.sample(frame, px, py, bw * self.CONTEXT, bh * self.CONTEXT,
                                      self._sampling(self._w, self._h))
        bins = self._quantizer.bin_map(region.image, self._gain)
        weights = self._project(bins)
        # Mean shift runs on the colour weights with the template's response added;
        # size and target-likeness are measured on the colour weights alone.
        self._template.respond(frame, px, py, bw, bh)
        located = self._fuse(weights, region)
        win_w = max(1, int(round(bw / region.step_x)))
        win_h = max(1, int(round(bh / region.step_y)))
        # Starts: the prediction; the densest window, which catches a target that jumped
        # beyond the window's reach; where the target looks most like itself.
        integral = self._integral_for(bins.shape)      # densest_window fills it
        du, dv, _ = densest_window(located, win_w, win_h, integral)
        best, reached = None, []
        for start_u, start_v in (region.to_region(px, py), (du, dv), region.to_region(*self._template.peak())):
            u, v, _, _, _, _ = centroid_iterate(located, start_u, start_v, win_w, win_h,
                                                self.eps / region.step_x, self.max_iter)
            if any(abs(u - a) + abs(v - b) < 1.0 for a, b in reached):
                continue     # a place already scored (the usual case: all starts agree)
            reached.append((u, v))
            score = self._kernel_score(bins, u, v, region)
            if best is None or score > best.score + self.JUMP_MARGIN:
                x, y = region.to_frame(u, v)
                best = _Candidate(x, y, score, u, v, appearance=self._template.value_at(x, y))
        best.foreground = self._foreground(weights, region, best.u, best.v) / self._foreground0
        self._last = (region, bins, weights)
        return best

    def _follow(self, frame, found: _Candidate):
        """A confident match: move there and let size, angle, brightness and models adapt."""
        region, bins, weights = self._last
        self._vx = self.VELOCITY_DAMPING * (found.cx - self._cx)
        self._vy = self.VELOCITY_DAMPING * (found.cy - self._cy)
        self._cx, self._cy = found.cx, found.cy
        occluded = found.score < self._typical_score - self.OCCLUSION_DROP
        self._typical_score += 0.1 * (found.score - self._typical_score)
        if self.adapt_scale:
            self._adapt_size(weights, region, found, bins if occluded else None, frame)
        if self.adapt_angle:
            self._adapt_angle(bins, region)
        if self.adapt_brightness and self._follow_brightness(region, found):
            # The new binning moves background colours between bins too: the models
            # must learn from the frame binned as the next frames will be.
            bins = self._quantizer.bin_map(region.image, self._gain)
        self._score, self._lost = self._kernel_score(bins, found.u, found.v, region), False
        if self.model_update > 0 and not occluded:
            # The learnt part follows the target's looks; the anchor, the first
            # frame's histogram, keeps background that leaks into the window from
            # slowly becoming the model (the drift that makes windows balloon).
            blend_into(self._q_learnt, self._p, self.model_update)
            self._q[:] = self._q0
            blend_into(self._q, self._q_learnt, 1.0 - self.MODEL_ANCHOR)
        self._update_background(region, bins, self.BACKGROUND_RATE)   # and the ratio table
        if not occluded and found.appearance >= self.APPEARANCE_LEARN:
            # The template learns only what still looks like the target, so that a box
            # drifting onto something else does not teach it that something.
            self._template.learn(found.cx, found.cy)

    def _lose(self, score):
        """The target is gone: freeze everything where it was last seen."""
        self._lost = True
        self._score = score
        self._vx = self._vy = 0.0

    # ------------------------------------------------------------------ measurements
    def _bounds(self, grow: float = 1.0):
        return _rotated_bounds(self._w * grow, self._h * grow, math.radians(self._angle))

    def _integral_for(self, shape):
        n = (shape[0] + 1) * (shape[1] + 1)
        if self._integral.size < n:
            self._integral = np.empty(n, np.float64)
        return self._integral[:n].reshape(shape[0] + 1, shape[1] + 1)

    def _project(self, bins, anchor=False):
        """The bin map's weights under the current model, or (``anchor``) under the
        first frame's histogram (``_anchor_table``), in a reused buffer of each."""
        n = bins.size
        buffer = self._anchor_weights if anchor else self._weights
        if buffer.size < n:
            buffer = np.empty(n, np.float32)
            if anchor:
                self._anchor_weights = buffer
            else:
                self._weights = buffer
        table = self._anchor_table if anchor else self._table
        return lut_project(bins, table, buffer[:n].reshape(bins.shape))

    def _fuse(self, weights, region):
        """The colour weights with the template's response added, in a reused buffer."""
        n = weights.size
        if self._located.size < n:
            self._located = np.empty(n, np.float32)
        return self._template.fuse(weights, region, self._target_weight,
                                   self._located[:n].reshape(weights.shape))

    def _update_background(self, region, bins, blend):
        """Blend the ring around the box into the background model; renew the ratio table."""
        if blend > 0:
            bw, bh = self._bounds()
            cw, ch = self._bounds(self.CONTEXT)
            u, v = region.to_region(self._cx, self._cy)
            sx, sy = region.step_x, region.step_y
            # The background needs a fair sample, not every pixel of the ring.
            ring_samples = (cw * ch - bw * bh) / (sx * sy)
            step = max(1, int(round(math.sqrt(ring_samples / self.RING_PIXELS))))
            count = ring_histogram(bins, int(round(u - cw / sx / 2)), int(round(v - ch / sy / 2)),
                                   int(round(u + cw / sx / 2)) + 1, int(round(v + ch / sy / 2)) + 1,
                                   int(round(u - bw / sx / 2)), int(round(v - bh / sy / 2)),
                                   int(round(u + bw / sx / 2)) + 1, int(round(v + bh / sy / 2)) + 1,
                                   self._ring, step)
            if count > 0:
                blend_into(self._b, self._ring, blend)
        self._target_weight, self._background_weight = self._ratio(self._q, self._table)

    def _ratio(self, q, table):
        """Fill ``table`` with P(target | colour) for target histogram ``q`` against the
        background model, the ring's area as the background's prior weight; returns the
        mean weights of a target and of a background pixel."""
        return ratio_table(q, self._b, self.CONTEXT * self.CONTEXT - 1.0, table)

    def _foreground(self, weights, region, u, v, integral=None):
        """How target-like the box's colours are: the mean weight of its pixels, or of a
        smaller box about its centre if that is higher (a box grown larger than a
        shrinking target is not a lost target). ``integral``: the weights' summed-area
        table when the caller has it already."""
        bw, bh = self._bounds()
        w, h = bw / region.step_x, bh / region.step_y
        if integral is None:
            integral = summed_area(weights, self._integral_for(weights.shape))
        return max(box_sum(integral, u, v, w * f, h * f) / max(w * h * f * f, 1e-9)
                   for f in self.FOREGROUND_SIZES)

    def _ellipse(self, weights, region):
        bw, bh = self._bounds(self.MOMENT_WINDOW)
        u, v = region.to_region(self._cx, self._cy)
        hw, hh = bw / region.step_x / 2, bh / region.step_y / 2
        moments = window_moments(weights, int(round(u - hw)), int(round(v - hh)),
                                 int(round(u + hw)) + 1, int(round(v + hh)) + 1)
        e = ellipse_from_moments(*moments)
        if e is None:
            return None
        # Back to frame pixels, so shapes measured at different samplings compare.
        return e._replace(length=e.length * region.step_x, width=e.width * region.step_y)

    def _kernel_score(self, bins, u, v, region, w=None, h=None):
        """Similarity to the model of the box of size (w, h) (the current one by default) at (u, v)."""
        w, h = self._w if w is None else w, self._h if h is None else h
        kernel_histogram(bins, u, v, w / region.step_x / 2, h / region.step_y / 2,
                         math.radians(self._angle), self._p)
        return float(bhattacharyya(self._p, self._q))

    def _state(self) -> TrackState:
        W, H = self._frame_size
        bw, bh = self._bounds()
        cx, cy = self._cx, self._cy
        x0, y0 = max(cx - (bw - 1) / 2, 0.0), max(cy - (bh - 1) / 2, 0.0)
        x1, y1 = min(cx + (bw + 1) / 2, float(W)), min(cy + (bh + 1) / 2, float(H))
        box = (x0, y0, max(x1 - x0, 0.0), max(y1 - y0, 0.0))
        return TrackState(box, ((cx + 0.5, cy + 0.5), (self._w, self._h), self._angle),
                          self._score, self._lost)
