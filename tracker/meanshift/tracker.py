"""MeanShiftTracker: colour-histogram mean shift tracking with CamShift-style size and angle.

Per frame, only a search region around the predicted position is touched, and it is
sampled at a fixed pixel budget (``region.py``), so a step costs the same for any
target size:

1. quantise the region's colours into histogram bins (numba);
2. back-project the *ratio* model P(target | colour) = q / (q + rho * b), where q is the
   target's kernel-weighted histogram and b the histogram of a ring of background around
   it: colours shared with the surroundings weigh little, so the window neither drifts
   into similar background nor balloons the way hue-only CamShift does;
3. mean shift the window to the centroid of that weight image (numba), from the
   predicted position and from the densest window of the region;
4. size: the box that holds the most weight less a threshold per pixel (a tenth of the
   way from a background pixel's typical weight to a target pixel's), searched among
   sizes 10 % either side of the current one in one pass over the pixels and taken at a
   fifth of the step per frame (while the match is poor, only if the new size restores
   it; growth past the first frame's area only if the larger box matches as well, while
   the match is worse than usual or past ``GROW_CAP`` times that area; with the pattern
   cue, the size its filter answers clearest, the fit's shape kept, on gray footage
   averaged with the fit's: ``template.CorrelationFilter.size_change``); orientation
   from the second moments of the weights under the first frame's model, relative to
   the first frame, for elongated targets and clear turns only;
5. confidence: the Bhattacharyya coefficient between the target model and the candidate,
   how target-like the box's pixels are compared with the first frame, whether a
   far match is as good as the target's typical one, and whether the match beats the
   surroundings' colours (the background model's score) by ``CONTRAST_LOST``, which may
   fail for ``INDISTINCT_FRAMES`` frames in a row at most (the box then goes back to
   where the run began). When any fails the target is lost:
   nothing adapts, the reported box stays where the target was last seen, and every
   frame the last position, and every other frame (every frame after a seek, until
   found; every fourth once lost for ``LONG_LOST`` frames) also the densest
   target-like spots of the whole frame (at reduced
   resolution), are tried until a candidate matches the model well again, and
   matches it clearly better than any look-alike found elsewhere (a target among others
   of its colours stays lost rather than be swapped for one of them); on gray footage,
   a candidate counts only if the pattern cue confirms it (`_pattern_witness`), and
   that confirmation stands in for the colours' contrast with the surroundings; the
   search also starts where the pattern sees the target (`_pattern_sightings`). On gray
   footage a tracked target is also lost when a slowly learning second filter no longer
   finds it on the box (`template.DriftCheck`).

The tracker composes parts, each in a module of its own and each given the values it
needs: the state (``state.Track``), the target model (``model.TargetModel``), the cue
that makes the weight image (``cues``), the local search (``search.LocalSearch``), size,
angle and brightness (``adaptation``), the tests of a match (``confidence.Confidence``)
and the re-detector (``redetection.Redetector``). Only the tracker changes its state and
model, from what the parts return.
"""

from __future__ import annotations

import math

import numpy as np

from .adaptation import (BrightnessProbe, edge_threshold, fit_size, frame_ellipse, gain_ladder, looks_gray,
                         moment_window, next_size, oriented, scene_brightness, turned, weight_ellipse)
from .colour import ColourQuantizer, colour_space as make_colour_space
from .confidence import Confidence
from .cues import BinnedRegion, ColourRatioCue, fuse
from .model import TargetModel, background_ring, box_histogram, space_for_samples
from .redetection import LostTarget, Redetector
from .region import Region
from .search import LocalSearch, Search, sampling
from .state import Track, TrackState, Window
from .template import CorrelationFilter, DriftCheck
from ..checks import as_flag, as_real
from ..errors import InputError
from ..io.frames import as_bgr8, parse_box


#: Whether the pattern cue (template.py) is on unless asked: None, automatic: on for
#: grayscale footage, where colour carries least, and for frames of `PATTERN_AUTO_PIXELS`
#: or more, where its fixed cost is within the speed budget (the README's "How tracking
#: works").
PATTERN_FILTER_DEFAULT = None

#: Frames of at least this many pixels (1280 x 720, HD) get the pattern cue by default. The
#: cue (its response and two more that size the box) costs a roughly fixed 0.15-0.2 ms an
#: update with its five channels (its patches are read from a frame no longer in cache),
#: while the per-frame budget, half of OpenCV's cvtColor + calcBackProject + CamShift on the
#: same frames (~1.4 ms per megapixel here), grows with the frame. A small target's update
#: with the cue takes 1.07x OpenCV's time at 640 x 480 (0.48x without) and 0.39-0.48x at
#: 1280 x 720 (with the gray-patch filter of one channel: 0.75x at 640 x 480, 0.50-0.51x at
#: 960 x 540, 0.43-0.52x at 1024 x 576, too close to the budget on a busy machine). The dev
#: set's figures were the same for any threshold from 720 x 400 up to 1280 x 720.
PATTERN_AUTO_PIXELS = 1280 * 720


class MeanShiftTracker:
    """Track one object by its colours (OpenCV-style ``init`` / ``update``).

    Parameters
    ----------
    colour_space : {"bgr", "hsv", "hs"}
        Histogram colour space (see ``tracker.meanshift.colour.colour_space``).
    bins : int
        Bins on each main channel of the colour space (2 to 64); a small target gets
        fewer, so that its histogram has at most ``BINS_PER_SAMPLE`` bins per pixel
        sampled from it (a 10 x 9 px target: 7 per channel, see `space_for_samples`).
    adapt_scale, adapt_angle : bool
        Follow size, and in-plane rotation (CamShift-style, from the second moments of
        the weights). Rotation is followed only for a target whose weights are at least
        ``ANGLE_ELONGATION`` times as long as wide (a round blob's orientation is noise)
        and only for turns of ``LEAST_TURN`` degrees or more (an upright walking person
        tilts by a few); the box returned is upright around the turned box's ellipse
        (OTB dev set, 19 x 7 starts: 0.5145 / 0.5045 with it, 0.5136 / 0.5028 without;
        following every turn of every blob: 0.4623 / 0.4478).
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
    pattern_filter : bool or None
        Let a correlation filter on the target's gray levels and edges move the box where it and
        the colours together score best (Staple's fusion, ``template.py``). None (the
        default): when the first frame is grayscale (`looks_gray`), where colour tells
        least, or has `PATTERN_AUTO_PIXELS` or more, where its cost fits the speed budget;
        on all footage it gains about 0.023 AUC on the dev set but costs about 0.15 ms an
        update, over the speed budget at 640 x 480 (see ``template.py``).
    """

    # Target pixels sampled per frame at most (the pixel budget), and the same for the
    # whole-frame search while lost: the cost of a step does not depend on the target.
    TARGET_PIXELS = 1600
    RING_PIXELS = 4800      # background ring samples counted per frame, about
    GLOBAL_PIXELS = 160 * 120
    GLOBAL_CANDIDATES = 4   # densest spots of the frame tried while the target is lost
    # ...in every this many frames while lost (every frame after a seek, until found); the
    # place it was last seen, in every frame (a target found there is no guess; one found
    # farther, on a frame that sought no rivals, waits for the next whole-frame search). A
    # whole-frame search costs about 0.3 ms: every 2nd frame, the nineteen dev sequences
    # are tracked in 11 % less time (2.73 s against 3.08 s, four alternating runs), mean
    # AUC 0.5582, seven starts 0.5412, against 0.5587 / 0.5431 every frame (a difference
    # within the noise of a few thousandths); every 3rd frame: 0.5495 / 0.5379.
    WHOLE_FRAME_EVERY = 2
    # A target lost for LONG_LOST frames (2 s of 30 fps video) is one the search has not
    # found in 30 tries: from then on the whole frame is searched every
    # WHOLE_FRAME_EVERY_LONG_LOST frames, a few frames' delay in taking it back. Long losses
    # are most of the lost frames (Car1 is lost for 700 frames): the nineteen are
    # tracked in 4 % less time (1.69 s against 1.77 s, medians of ten alternating runs),
    # mean AUC and seven starts unchanged (0.5580 / 0.5412 against 0.5582 / 0.5412; after 45
    # frames 0.5522 / 0.5396, every 6th after 60 0.5580 / 0.5410).
    LONG_LOST = 60
    WHOLE_FRAME_EVERY_LONG_LOST = 4
    # Background ring: the box grown by this factor per side, minus the box; the search
    # region is the same area.
    CONTEXT = 3.5
    # A histogram of a small target has at most this many bins per pixel sampled from it
    # (fewer bins than the colour space asks for, if need be): see `space_for_samples`.
    BINS_PER_SAMPLE = 5.0
    # Moments (for the orientation) are measured in the box grown by this factor.
    MOMENT_WINDOW = 1.5
    JUMP_MARGIN = 0.03    # similarity a distant candidate must add to win over the local one
    JUMP_REACH = 1.5      # boxes from the prediction the distant candidate is sought within
    SCALE_FACTORS = np.array([0.9, 0.95, 1.0, 1.05, 1.1])   # sizes tried around the current one
    SCALE_RATE = 0.2      # share of the chosen size change taken per frame
    # The weight, from a background pixel's typical (0) to a target pixel's (1), at which
    # the size search puts the box edge: low, because a box's rim mixes both.
    EDGE_LEVEL = 0.1
    SCALE_LIMITS = (0.2, 5.0)  # relative to the initial box
    ASPECT_LIMIT = 1.2    # how far the aspect ratio may move from the first frame's
    OCCLUSION_DROP = 0.05  # similarity drop (from its running mean) read as occlusion
    RESIZE_GAIN = 0.02     # similarity a size change must add while the match is poor
    # Growth past the first frame's area needs evidence (the larger box matches the model
    # at least as well) while the match is worse than usual, and always past GROW_CAP
    # times that area: a box whose colours are everywhere would grow into the scene.
    GROW_CAP = 2.0
    ANGLE_RATE = 0.3
    # The angle follows only weights at least this many times as long as wide (an
    # eigenvalue ratio of 4; dev set 1.6 / 2 / 2.5: mean AUC 0.5144 / 0.5145 / 0.5145;
    # 1.3, without LEAST_TURN and with the turned box's corners as its bounds, let
    # Panda's round blob turn 45 degrees and be lost: 0.4623), and turns of at least
    # LEAST_TURN degrees (5 / 7.5 / 10: 0.5139 / 0.5145 / 0.5143; none: 0.5134): above
    # the tilt of an upright walking person's weights (dev set: 4-5 degrees on
    # average, sd 3-6). Angle off: 0.5136.
    ANGLE_ELONGATION = 2.0
    LEAST_TURN = 7.5
    BACKGROUND_RATE = 0.3
    VELOCITY_DAMPING = 0.6
    SCORE_MEMORY = 0.1    # share of a tracked frame's similarity taken into its running mean
    MODEL_ANCHOR = 0.5    # share of the first frame's histogram kept in the target model
    GAIN_STEP = 0.03      # brightness step tried each frame
    GAIN_MARGIN = 0.005   # similarity a step must gain to be taken
    GAIN_LIMITS = (0.2, 5.0)
    # A match that fails is tried again at the gain that fits it best, this many bins of
    # a mid-level colour brighter or darker: the probe's small steps follow smooth light,
    # but a flat-coloured target's match does not move until its colour crosses a bin
    # edge, and then it falls at once (a target dimming under its box is not lost).
    RELIGHT_BINS = 2.0
    FOREGROUND_SIZES = (0.5, 0.75, 1.0)
    FAR_JUMP = 1.0          # a move of more than a box (sqrt of its area) in one frame...
    FAR_JUMP_DROP = 0.1     # ...by a match this much worse than typical is read as lost
    FOREGROUND_LOST = 0.35  # box's target-likeness, relative to the first frame, read as lost
    REACQUIRE_MARGIN = 0.1  # similarity above lost_threshold needed to take a target back
    CONTRAST_LOST = 0.07    # similarity a match must have above its surroundings'...
    INDISTINCT_FRAMES = 8   # ...in all but this many frames in a row, else the target is lost

    def __init__(self, colour_space: str = "bgr", bins: int = 16, adapt_scale: bool = True,
                 adapt_angle: bool = True, adapt_brightness: bool = True, lost_threshold: float = 0.5,
                 model_update: float = 0.02, eps: float = 0.5, max_iter: int = 20,
                 pattern_filter: bool | None = PATTERN_FILTER_DEFAULT):
        self.space = make_colour_space(colour_space, bins)
        self._asked_bins = bins      # the bins asked for; a small target gets fewer (`init`)
        self.adapt_scale = as_flag(adapt_scale, "adapt_scale")
        self.adapt_angle = as_flag(adapt_angle, "adapt_angle")
        self.adapt_brightness = as_flag(adapt_brightness, "adapt_brightness")
        self.lost_threshold = as_real(lost_threshold, "lost_threshold", 0.0, 1.0)
        self.model_update = as_real(model_update, "model_update", 0.0, 1.0)
        self.eps = as_real(eps, "eps", 0.0, 1e6, low_open=True)
        self.max_iter = as_real(max_iter, "max_iter", 1, 1000, integer=True)
        self.pattern_filter = None if pattern_filter is None else as_flag(pattern_filter, "pattern_filter")
        self._build(self.space)
        self._cells = np.empty((len(self.SCALE_FACTORS), len(self.SCALE_FACTORS)))   # size search scratch
        self._filter = None           # the pattern cue's filter, made when first used
        self._template = None         # it, while the target being tracked uses it (`init`)
        self._drift_check = None      # the pattern's drift check on gray footage, made when first used
        self._active_drift_check = None   # it, while the target being tracked uses it (`init`)
        self._track: Track | None = None     # the state, from the first init on

    def _build(self, space) -> None:
        """Make the parts that depend on the colour space's bins (the model, cues,
        searches); `init` rebuilds them when the target's size calls for other bins."""
        self.space = space
        n = space.size
        rho = self.CONTEXT * self.CONTEXT - 1.0      # the ring's area relative to the box's
        self._model = TargetModel(n)
        self._cue = fuse([ColourRatioCue(n, rho)])
        # The orientation is measured on the first frame's colours: a box lagging a
        # turning target holds background, the learnt model takes some of it in, and
        # its weights would round the blob until the angle stopped following.
        self._anchor_cue = ColourRatioCue(n, rho, anchored=True)
        self._search = LocalSearch(space, self.CONTEXT, self.TARGET_PIXELS, self.JUMP_MARGIN,
                                   self.JUMP_REACH, self.eps, self.max_iter, self.FOREGROUND_SIZES)
        self._confidence = Confidence(self.lost_threshold, self.FOREGROUND_LOST, self.REACQUIRE_MARGIN,
                                      self.CONTRAST_LOST, self.FAR_JUMP, self.FAR_JUMP_DROP)
        self._brightness = BrightnessProbe(space, self.GAIN_STEP, self.GAIN_MARGIN, self.GAIN_LIMITS)
        # A mid-level colour sits in bin nbins / 2 of a brightness channel, where a bin is
        # 2 / nbins of its value; counted in the bins asked for, not a small target's
        # coarser ones, so that a small target is not allowed a larger change of light
        # (dev set, 7 starts: 0.4910 against 0.4906).
        self._relight_span = 1.0 + self.RELIGHT_BINS * 2.0 / self._asked_bins if self.adapt_brightness else 1.0
        self._redetector = Redetector(space, self.GLOBAL_PIXELS, self.GLOBAL_CANDIDATES, self._search,
                                      self._confidence, self._brightness if self.adapt_brightness else None,
                                      self._relight_span, self.RING_PIXELS)
        self._view_quantizer = None      # for back_projection, made on first use

    # ------------------------------------------------------------------ public API
    @property
    def initialized(self) -> bool:
        return self._track is not None

    def back_projection(self, frame, out: np.ndarray | None = None) -> np.ndarray:
        """The whole frame weighted by the current model: P(target | colour), float32 0..1.

        What the tracker sees (it only computes it around the target); for display.
        """
        if self._track is None:
            raise InputError("tracker.back_projection() called before tracker.init()")
        frame = as_bgr8(frame)
        if self._view_quantizer is None:
            self._view_quantizer = ColourQuantizer(self.space)
        bins = self._view_quantizer.bin_map(frame, self._model.gain)
        if out is None or out.shape != bins.shape or out.dtype != np.float32:
            out = np.empty(bins.shape, np.float32)
        return self._cue.weights(BinnedRegion(Region(frame, 0, 0, 1.0, 1.0), bins), out)

    def model_histogram(self) -> tuple[np.ndarray, np.ndarray]:
        """The target model: weights of its non-empty bins and their colours (BGR uint8)."""
        q = self._model.q
        occupied = np.flatnonzero(q > 0)
        return q[occupied].copy(), self.space.bin_colours(occupied)

    def init(self, frame, box) -> TrackState:
        """Learn the target from ``box`` = (x, y, w, h) in ``frame`` (uint8 BGR).

        A box that cannot be tracked raises InputError and leaves the tracker as it was.
        """
        frame = as_bgr8(frame)
        x, y, w, h = parse_box(box, frame.shape)
        step = sampling(w, h, self.TARGET_PIXELS)
        space = space_for_samples(self.space.name, self._asked_bins, w * h * step * step, self.BINS_PER_SAMPLE)
        if space != self.space:
            parts = dict(self.__dict__)
            self._build(space)
            try:
                return self._learn(frame, x, y, w, h, step)
            except InputError:
                self.__dict__.update(parts)      # an unusable box leaves the tracker as it was
                raise
        return self._learn(frame, x, y, w, h, step)

    def _learn(self, frame, x, y, w, h, step) -> TrackState:
        """`init`'s work once the colour space is settled."""
        cx, cy = x + (w - 1) / 2, y + (h - 1) / 2
        view = self._search.look(frame, cx, cy, w * (self.CONTEXT + 0.5), h * (self.CONTEXT + 0.5), step, 1.0)
        region = view.region
        u, v = region.to_region(cx, cy)
        q, total = box_histogram(view.bins, region, u, v, w, h, self.space.size)
        if total <= 0:
            raise InputError(f"box {x:g},{y:g},{w:g},{h:g} holds no pixel usable in colour space "
                             f"{self.space.name!r} (too small, or all masked as too dull or dark)")
        # The box is usable: only now does the tracker forget its previous target.
        window = Window(float(w), float(h), 0.0)
        self._model.learn(q)
        self._learn_background(view, cx, cy, window.bounds(), window.bounds(self.CONTEXT), 1.0)
        weights = self._search.weigh(view, self._cue)
        foreground0 = max(self._search.foreground(weights, region, u, v, window.bounds()), 1e-6)
        ellipse0 = weight_ellipse(weights, region, cx, cy, window.bounds(self.MOMENT_WINDOW))
        self._track = Track((frame.shape[1], frame.shape[0]), cx, cy, window.w, window.h, window.angle, w, h,
                            foreground0, ellipse0, scene_brightness(frame))
        gray = looks_gray(frame)
        use = self.pattern_filter if self.pattern_filter is not None else (
            gray or frame.shape[0] * frame.shape[1] >= PATTERN_AUTO_PIXELS)
        if use and self._filter is None:
            self._filter = CorrelationFilter()
        self._template = self._filter if use else None
        if self._template is not None:
            self._template.init(frame, cx, cy, w, h, colour=not gray)
        # On gray footage the pattern also checks for drift (`DriftCheck`).
        checks_drift = self._gray_pattern is not None
        if checks_drift and self._drift_check is None:
            self._drift_check = DriftCheck()
        self._active_drift_check = self._drift_check if checks_drift else None
        if checks_drift:
            self._drift_check.init(frame, cx, cy, w, h)
        return self._track.result()

    def update(self, frame) -> TrackState:
        """Find the target in the next frame and return its state."""
        if self._track is None:
            raise InputError("tracker.update() called before tracker.init()")
        frame = as_bgr8(frame)
        track = self._track
        if (frame.shape[1], frame.shape[0]) != track.frame_size:
            raise InputError(f"frame size changed from {track.frame_size[0]}x{track.frame_size[1]} "
                             f"to {frame.shape[1]}x{frame.shape[0]}; call init() again")
        track.remember()      # where the target was before this frame, for `mark_lost`
        if track.lost:
            if self._active_drift_check is not None:
                self._active_drift_check.reset()
            self._redetect(frame)
            return track.result()
        px, py = track.predicted()
        window = track.window
        search = self._search.run(frame, px, py, window, self._model.gain, self._model, self._cue,
                                  track.foreground0)
        if self._template is not None:
            search = self._template.correct(frame, search, window, self._model, self._search, track.foreground0,
                                            (px, py))
        found = search.found
        # A match whose colours are indistinct may be distinct by its pattern (template.py).
        vouched = self._template is not None and self._template.vouches(found.cx, found.cy, track.w, track.h)
        distinct = self._confidence.distinct(found, vouched)
        if not self._confidence.plausible(found) \
                or self._confidence.doubtful_jump(found, px, py, window, track.typical_score):
            relit = self._relit(frame, found, window)
            if relit is None:
                track.lose(found.score)
            elif track.note_distinct(self._confidence.distinct(relit[0].found)) > self.INDISTINCT_FRAMES:
                track.lose_indistinct(relit[0].found.score)
            else:
                self._model.set_gain(relit[1])
                self._follow(relit[0])
        elif track.note_distinct(distinct) > self.INDISTINCT_FRAMES:
            track.lose_indistinct(found.score)
        else:
            self._follow(search, pattern_frame=frame)
            drift_check = self._active_drift_check
            if drift_check is not None and drift_check.drifted(frame, track.cx, track.cy, track.w, track.h,
                                                               track.bounds()):
                track.lose(track.score)
                # The tracking filter learnt what the box drifted onto, and as the
                # re-detection's witness would take it back on the next frame.
                self._template.adopt(drift_check.filter)
        return track.result()

    def mark_lost(self) -> TrackState:
        """Overrule the last `update`: the target is lost, and it was last seen where it
        was before that frame (another tracker holds the place this one moved to)."""
        if self._track is None:
            raise InputError("tracker.mark_lost() called before tracker.init()")
        self._track.restore()
        self._track.lose(self._track.score)
        return self._track.result()

    def expect_jump(self) -> None:
        """The next frame does not follow the last one (a seek): search the whole frame
        for the target instead of assuming it moved a few pixels."""
        if self._track is not None:
            self._track.expect_jump()

    # ------------------------------------------------------------------ steps
    def _relit(self, frame, found, window) -> tuple[Search, float] | None:
        """A failed match tried at the gain that fits it best, near the light the target was
        last seen in: the search at that gain and the gain if the target is there, else None."""
        if self._relight_span <= 1.0:
            return None
        gain = self._model.gain
        gains = gain_ladder(gain / self._relight_span, gain * self._relight_span, self.GAIN_STEP)
        px, py = self._track.predicted()
        relit = self._redetector.relight(frame, found, window, gain, gains, self._model, self._cue,
                                         self._track.foreground0, same_scene=True, at=(px, py))
        if relit is None:
            return None
        search, gain = relit
        # The light must explain the whole failure: relit, the target matches as well as
        # it typically does (less what a partial occlusion costs).
        if search.found.score < self._track.typical_score - self.OCCLUSION_DROP \
                or self._confidence.doubtful_jump(search.found, px, py, window, self._track.typical_score):
            return None
        return search, gain

    def _redetect(self, frame) -> None:
        """While lost: take the target back where the re-detector finds it, if it does."""
        track, model = self._track, self._model
        # After a seek, the scene's light relative to the first frame's (see `Redetector.gains`).
        scene_gain = scene_brightness(frame) / max(track.brightness0, 1.0) if track.jumped else 1.0
        every = self.WHOLE_FRAME_EVERY if track.lost_frames < self.LONG_LOST else self.WHOLE_FRAME_EVERY_LONG_LOST
        whole_frame = track.jumped or track.lost_frames % every == 0
        lost = LostTarget(track.cx, track.cy, track.window, model.gain, track.jumped, track.typical_score,
                          track.foreground0, scene_gain, whole_frame)
        found = self._redetector.search(frame, lost, model, self._cue, self._pattern_witness(frame),
                                        self._pattern_sightings(frame))
        if found.search is None:
            # The score shown while lost: the best match of the last whole-frame search.
            track.missed(found.closest if whole_frame else track.score)
            return
        model.set_gain(found.gain)
        self._follow(found.search)
        track.found_again()

    @property
    def _gray_pattern(self) -> CorrelationFilter | None:
        """The pattern filter where it also has a say in re-detection and drift: on gray
        footage (`init`); None on colour footage or without the cue."""
        template = self._template
        return template if template is not None and not template.colour else None

    def _pattern_witness(self, frame):
        """On gray footage, the pattern filter's say on a re-detection (`Redetector.search`'s
        ``witness``, `CorrelationFilter.confirms`): gray levels are all that colour can
        match there, and a look-alike of them elsewhere (Car1: another white car, taken
        back as the target and then learnt by the filter, which vouched for it for 300
        frames) is told from the target by its pattern only. None on colour footage
        (asked there too, the dev set scored no better: 17 starts 0.5216 against 0.5222)
        or without the cue."""
        template = self._gray_pattern
        if template is None:
            return None
        window = self._track.window
        return lambda c: template.confirms(frame, c.cx, c.cy, window)

    def _pattern_sightings(self, frame) -> list:
        """On gray footage, where the pattern filter sees the lost target about the place
        it was last seen (`CorrelationFilter.sighting`), as a start for the re-detection;
        none on colour footage or without the cue. Car1, lost when the drift check found
        the box on the road's edge while the car drove on, was never taken back: mean shift
        on the gray levels from the box's last place did not reach the car 10-40 px away.
        Dev set: the annotated starts' mean AUC 0.596 -> 0.606 (Car1 0.59 -> 0.77), seven
        starts 0.5686 -> 0.5707, 17 starts 0.5399 -> 0.5400; false confidence over seven
        starts 14.3 -> 17.8 % (more of Car1's frames found again, some of them wrongly).
        Sighted at PSR 8 (`PSR_CLEAR`): 0.607 / 0.5735 / 0.5417, false confidence 19.3 %."""
        template = self._gray_pattern
        if template is None:
            return []
        track = self._track
        peak = template.sighting(frame, track.cx, track.cy, track.window)
        return [] if peak is None else [peak]

    def _follow(self, search: Search, pattern_frame=None):
        """A confident match: move there and let size, angle, brightness and models adapt.
        ``pattern_frame``: the frame, if the pattern filter looked at it about the match."""
        found, view, weights = search
        track, model = self._track, self._model
        track.move_to(found.cx, found.cy, self.VELOCITY_DAMPING)
        occluded = found.score < track.typical_score - self.OCCLUSION_DROP
        pattern = self._template if pattern_frame is not None else None
        # The pattern's size is asked of the filter that placed the box, before it learns.
        pattern_size = None if pattern is None or not self.adapt_scale else pattern.size_change(
            pattern_frame, found.cx, found.cy, *track.bounds())
        if pattern is not None and not occluded and track.indistinct == 0:
            # Taught only where its own peak is on the final box (``template.py``).
            if pattern.agrees(found.cx, found.cy, track.w, track.h):
                pattern.learn(found.cx, found.cy)
        track.note_score(found.score, self.SCORE_MEMORY)
        if self.adapt_scale:
            self._adapt_size(found, view, weights, occluded, pattern_size)
        if self.adapt_angle:
            self._adapt_angle(view)
        if self.adapt_brightness:
            gain = self._brightness.best_gain(view.region, found.u, found.v, track.window, model.gain,
                                              found.score, model)
            if gain != model.gain:
                # The new binning moves background colours between bins too: the models
                # must learn from the frame binned as the next frames will be.
                model.set_gain(gain)
                view = self._search.rebin(view, gain)
        # The colour model learns where the colours alone put the target: taught at
        # the place the pattern filter moved the box to, its trajectory (and with it
        # the contrast the lost test reads) drifted from what colour alone would do.
        hu, hv = found.u, found.v
        if pattern is not None:
            hu, hv = view.region.to_region(*pattern.colour_place)
        hist, similarity = model.measure(view.bins, view.region, hu, hv, track.w, track.h, track.angle)
        track.tracked(similarity)
        if self.model_update > 0 and not occluded:
            # The learnt part follows the target's looks; the anchor, the first
            # frame's histogram, keeps background that leaks into the window from
            # slowly becoming the model (the drift that makes windows balloon).
            model.follow_looks(hist, self.model_update, self.MODEL_ANCHOR)
        self._learn_background(view, track.cx, track.cy, track.bounds(), track.bounds(self.CONTEXT),
                               self.BACKGROUND_RATE)

    def _adapt_size(self, found, view, weights, occluded, pattern_size=None):
        """Grow or shrink towards the box that holds target pixels and leaves out the rest.

        A partly hidden target (``occluded``: the match is worse than usual) must not
        shrink to its visible part, but a box left larger than a shrinking target matches
        badly too: the size changes then only if the chosen box matches the model clearly
        better, and as well as usual again. Growth past the first frame's area is
        `unproven` while the match is worse than usual, or past `GROW_CAP` times that area:
        it is taken only if the larger box matches the model at least as well, so that
        a box whose colours are everywhere does not grow into the scene.

        ``pattern_size``, the pattern filter's answer (`CorrelationFilter.size_change`),
        if any, sets the size in place of the colours' fit, whose shape is kept (the
        colours' extent is biased by whatever shares them around the target); on gray
        footage the two are averaged in logs (`CorrelationFilter.size_weight`).
        """
        track = self._track
        tau = edge_threshold(self._cue.levels, self.EDGE_LEVEL)
        fw, fh = fit_size(weights, view.region, found.u, found.v, track.window, self.SCALE_FACTORS, tau,
                          self._cells)
        if pattern_size is not None:
            k = (pattern_size / math.sqrt(fw * fh)) ** self._template.size_weight
            fw, fh = fw * k, fh * k
        area = track.w * track.h * fw * fh / (track.w0 * track.h0)      # relative to the first box
        unproven = fw * fh > 1.0 and area > 1.0 and (found.score < track.typical_score or area > self.GROW_CAP)
        if occluded or unproven:
            score = self._model.score(view.bins, view.region, found.u, found.v, track.w * fw, track.h * fh,
                                      track.angle)
            if occluded and score < max(found.score + self.RESIZE_GAIN, track.typical_score - self.OCCLUSION_DROP):
                return
            if unproven and score < found.score:
                return
        track.resize(*next_size(track.w, track.h, fw, fh, (track.w0, track.h0), track.frame_size,
                                self.SCALE_RATE, self.ASPECT_LIMIT, self.SCALE_LIMITS))

    def _adapt_angle(self, view):
        """Turn towards the orientation of the weights under the first frame's model."""
        track = self._track
        if not oriented(track.ellipse0, self.ANGLE_ELONGATION):
            return      # a target whose first blob has no orientation never turns (`turned`)
        self._anchor_cue.learn(self._model)
        # The moments straight from the bins: no weight image is made for them.
        window = moment_window(view.region, track.cx, track.cy, track.bounds(self.MOMENT_WINDOW))
        e = frame_ellipse(self._anchor_cue.window_moments(view, window), view.region)
        track.turn(turned(track.angle, e, track.ellipse0, self.ANGLE_RATE, self.ANGLE_ELONGATION, self.LEAST_TURN))

    def _learn_background(self, view, cx, cy, bounds, context_bounds, rate):
        """Blend the ring between the box and the context box about (cx, cy), of upright
        sizes ``bounds`` and ``context_bounds``, into the background model; renew the cue."""
        if rate > 0:
            outer, inner, step = background_ring(view.region, cx, cy, bounds, context_bounds, self.RING_PIXELS)
            self._model.learn_background(view.bins, outer, inner, step, rate)
        self._cue.learn(self._model)
