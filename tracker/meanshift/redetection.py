"""Re-finding a lost target: where to look, and which candidate is the target again.

While the target is lost nothing adapts; every frame the place it was last seen, and
every other frame (every frame after a seek, until found; the tracker's
``WHOLE_FRAME_EVERY``, and ``WHOLE_FRAME_EVERY_LONG_LOST`` once it has been lost for
``LONG_LOST`` frames) the densest target-like spots of the whole frame (at reduced
resolution) are searched (a frame that seeks no rivals takes the target back only where
it vanished), and
the target is taken back only on a clearly good match (`Confidence.acceptable`), so
that background is never reported as the target. The `Redetector` is given a snapshot
of the lost target (`LostTarget`) and returns what it found (`Redetection`); it changes
nothing of the tracker's.

After a seek the frames may be lit otherwise than the last: every candidate is also
tried at the brightness gain that fits it best (`relight`) within a bin of the scene's
light (the frame's brightness relative to the first frame's; see `gains`). A gain is
one more degree of freedom for background to match the model with, so a relit candidate
must also stand out from its own surroundings binned at that gain. The tracker relights
a tracked target whose match fails the same way before calling it lost (a target that
dims under its box is not lost), with the surroundings' light as a witness.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._meanshift_kernels import densest_windows
from .buffers import Scratch
from .colour import ColourQuantizer, ColourSpace
from .adaptation import BrightnessProbe, gain_ladder
from .confidence import Confidence
from .cues import BinnedRegion, Cue
from .model import TargetModel, background_ring
from .region import RegionSampler
from .search import LocalSearch, Search, sampling
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
    scene_gain: float = 1.0   # after a seek: the scene's brightness relative to the first frame's
    whole_frame: bool = True  # search the frame's densest spots too, not only where it was last seen


class Redetection(NamedTuple):
    """The outcome of a search for a lost target."""

    search: Search | None  # the best acceptable match and its region (None: not found)
    gain: float            # the brightness it was found at
    closest: float         # the best similarity seen, acceptable or not


def ambiguous(best, candidates, window: Window, margin: float, last=None, all_sought: bool = True) -> bool:
    """Is there a look-alike: an acceptable candidate more than a box (the square root of
    its area) away from the best that matches within ``margin`` as well? Then which one
    is the target is a guess, and a lost target stays lost rather than be swapped
    silently for another thing of its colours (a truck among trucks). One exception: the
    best is within a box of where the target was last seen, ``last`` (frame point; None
    after a seek), and the look-alike a box farther: a target found again where it
    vanished is no guess (DAT weighs candidates by such a motion prior: Possegger et al.,
    "In defense of color-based model-free tracking", CVPR 2015). Where look-alikes were
    not sought (``all_sought`` False: only the place it was last seen was searched), only
    a best found where the target vanished can be told from one."""
    box = math.sqrt(window.w * window.h)

    def away(c):
        return math.inf if last is None else math.hypot(c.cx - last[0], c.cy - last[1])

    where_it_vanished = away(best) <= box
    if not all_sought and not where_it_vanished:
        return True
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
    brightness : BrightnessProbe or None
        Fits a candidate's gain (None: the light is assumed unchanged).
    relight_span : float
        How much brighter or darker (a factor) than the light it was last seen in a
        candidate is tried at.
    ring_pixels : int
        Samples of a relit candidate's surroundings counted, about.
    """

    WITNESS_STEPS = 3       # the surroundings' light is read in thirds of the gain step

    def __init__(self, space: ColourSpace, global_pixels: int, global_candidates: int,
                 search: LocalSearch, confidence: Confidence, brightness: BrightnessProbe | None = None,
                 relight_span: float = 1.0, ring_pixels: int = 4800):
        self.global_pixels = global_pixels
        self.relight_span = relight_span
        self.ring_pixels = ring_pixels
        self._search = search
        self._confidence = confidence
        self._brightness = brightness
        self._sampler = RegionSampler()
        self._quantizer = ColourQuantizer(space)
        self._weights = Scratch(np.float32)
        self._integral = Scratch(np.float64)
        self._sums = Scratch(np.float64)       # every window's weight (`densest_windows`)
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
        n = densest_windows(weights, win_w, win_h, integral, len(self._candidates), self._candidates,
                            self._sums.take((bins.shape[0] * bins.shape[1],)))
        return [region.to_frame(u, v) for u, v, mass in self._candidates[:n] if mass > 0]

    def relight(self, frame, found, window: Window, gain, gains, model: TargetModel, cue: Cue,
                foreground0, same_scene: bool = False, at=None,
                vouched: bool = False) -> tuple[Search, float] | None:
        """``found``, a candidate at ``gain`` (or the box at ``at`` = (cx, cy), where a
        tracked target should be: a search at the wrong gain may have wandered off it), at
        the gain among ``gains`` that fits the box best: the search from there at that
        gain, and the gain, if its match is acceptable and stands out from its own
        surroundings binned at that gain; else None.

        ``same_scene``: the target was tracked until this frame, so the background model
        is of these surroundings and the match must clear it too; and a change of light
        must show in the surroundings as well (the gain at which they match the background
        model best moved the same way): the light of a scene changes, not that of one box,
        and a box on background that some gain makes look like the target is not a target
        whose light changed. ``vouched``: the caller's witness will judge the match in place
        of its contrast (`Confidence.distinct`)."""
        if self._brightness is None:
            return None
        cx, cy = (found.cx, found.cy) if at is None else at
        view = self._search.look(frame, cx, cy, *window.bounds(),
                                 sampling(window.w, window.h, self._search.target_pixels), gain)
        u, v = view.region.to_region(cx, cy)
        best_gain, score = self._brightness.fit(view.region, u, v, window, gains, model)
        if best_gain is None or best_gain == gain or score <= found.score:
            return None
        search = self._search.run(frame, cx, cy, window, best_gain, model, cue, foreground0)
        relit = search.found
        ring = background_ring(search.view.region, relit.cx, relit.cy, window.bounds(),
                               window.bounds(self._search.context), self.ring_pixels)
        ring_contrast = relit.score - model.ring_similarity(search.view.bins, *ring)
        # Tracked, the background model is of these surroundings: both must be cleared. A
        # lost target's model is of the place and light it was lost in: its own
        # surroundings under the light it is found in are what it must stand out from.
        relit.contrast = min(relit.contrast, ring_contrast) if same_scene else ring_contrast
        if not self._confidence.acceptable(relit, vouched):
            return None
        if same_scene:
            # The surroundings must show the change of light too: the gain at which they
            # match their learnt histogram best (ties to the old gain) moved the same way.
            ring_gain, ring_best = gain, model.ring_similarity(self._search.rebin(search.view, gain).bins, *ring,
                                                               background=True)
            # On a finer ladder than the target's: light that moved less than a step since
            # the gain last did (the target's colour just crossed a bin edge) still shows.
            for g in gain_ladder(gains[0], gains[-1], self._brightness.step / self.WITNESS_STEPS):
                match = model.ring_similarity(self._search.rebin(search.view, g).bins, *ring, background=True)
                if match > ring_best:
                    ring_gain, ring_best = g, match
            view = self._search.rebin(search.view, best_gain)     # the buffer back to the new gain
            if ring_gain == gain or (ring_gain > gain) != (best_gain > gain):
                return None
            search = Search(relit, view, search.weights)
        return search, best_gain

    def gains(self, lost: LostTarget) -> tuple[list[float], list[float]]:
        """The gains the frame is searched at, and those candidates are fitted over (none:
        not relit): the light the target was last seen in, and after a seek also the
        light it was learnt in and, if more than a bin from both, the scene's (clamped to
        the brightness limits). Only after a seek are candidates relit, and only to the
        light of the scene (``lost.scene_gain``, the frame's brightness relative to the
        first frame's), within a bin of a mid-level colour either way (the square root
        of ``relight_span``), as the scene's brightness also changes with what it shows:
        a gain is one more freedom for background to match the model with."""
        if not lost.jumped:
            return [lost.gain], []
        starts = [lost.gain] if lost.gain == 1.0 else [lost.gain, 1.0]
        if self._brightness is None:
            return starts, []
        span = math.sqrt(self.relight_span)
        # The scene's light too, where relighting (within a bin of it) cannot reach from
        # the others: binned at the light the target was learnt in, a gray target in a
        # scene 1.7 times as bright falls into other bins, so the frame's densest spots
        # of its gray levels are elsewhere (the demo turned gray, learnt on frame 224 and
        # sought back to frames 0-59: never found). Each start gain is a whole-frame pass
        # on every lost frame after a seek, until the target is found.
        lo, hi = self._brightness.limits
        scene = min(max(lost.scene_gain, lo), hi)
        if all(abs(math.log(scene / g)) > math.log(span) for g in starts):
            starts.append(scene)
        return starts, gain_ladder(lost.scene_gain / span, lost.scene_gain * span, self._brightness.step)

    def search(self, frame, lost: LostTarget, model: TargetModel, cue: Cue, witness=None,
               sightings=()) -> Redetection:
        """Look where the target was last seen and (if ``lost.whole_frame``) at the frame's
        densest spots, under the light it was last seen in (and, after a seek, also under
        the light it was learnt in and the scene's: the frames sought to need not be lit
        like the last), each candidate also at the gain that fits it best; the best
        acceptable match, if any. Its ``search`` holds the current region of the local
        search. ``witness``, if given, is asked of each candidate that matches the model
        (a `Candidate`) whether it is the target by another cue than colour; only those it
        confirms count, as the target or as its look-alikes, and its word stands in for the
        colours' contrast with the surroundings (`Confidence.distinct`): on gray footage the
        road shares the car's gray levels, and Car1, lost at frame 314 with its candidate on
        the car at a score of 0.91, was never taken back for want of that contrast.
        ``sightings``: frame points where another cue sees the target, searched from
        too, after the place it was last seen."""
        best, best_try, closest = None, None, 0.0
        rivals = []     # every acceptable match: the target is taken back only if one stands out
        start_gains, fit_gains = self.gains(lost)
        for gain in start_gains:
            tried = []
            starts = self.starts(frame, lost.window, gain, cue) if lost.whole_frame else []
            for start in [(lost.cx, lost.cy), *sightings] + starts:
                found = self._search.run(frame, *start, lost.window, gain, model, cue, lost.foreground0).found
                try_ = (start, gain)
                # With a witness, whose word stands in for the colours' contrast, only a match
                # that fails the model is relit (and the witness is still asked below).
                if not self._confidence.acceptable(found, vouched=witness is not None) and fit_gains \
                        and all(math.hypot(found.cx - x, found.cy - y) > 1.0 for x, y in tried):
                    tried.append((found.cx, found.cy))
                    relit = self.relight(frame, found, lost.window, gain, fit_gains, model, cue, lost.foreground0,
                                         vouched=witness is not None)
                    if relit is not None:
                        found, try_ = relit[0].found, ((found.cx, found.cy), relit[1])
                closest = max(closest, found.score)
                far = not lost.jumped and self._confidence.doubtful_jump(found, lost.cx, lost.cy, lost.window,
                                                                         lost.typical_score)
                # A witness stands in for the colours' contrast with the surroundings, as
                # the pattern does for a tracked target (`CorrelationFilter.vouches`): the
                # candidate is acceptable as vouched for, if the witness does vouch (asked
                # last: each asking is a look of the filter).
                taken = not far and (self._confidence.acceptable(found) if witness is None else
                                     self._confidence.acceptable(found, vouched=True) and witness(found))
                if taken:
                    rivals.append(found)
                    if best is None or found.score > best.score:
                        best, best_try = found, try_
        # Without a whole-frame search no rivals were sought: a target found away from
        # where it vanished waits for the next one.
        if best is None or ambiguous(best, rivals, lost.window, self._search.jump_margin,
                                     None if lost.jumped else (lost.cx, lost.cy), lost.whole_frame):
            return Redetection(None, lost.gain, closest)
        start, gain = best_try
        # The search's buffers hold the last start's region: search the best one again (the
        # candidate is the one accepted, with the contrast it was accepted on).
        last = self._search.run(frame, *start, lost.window, gain, model, cue, lost.foreground0)
        return Redetection(Search(best, last.view, last.weights), gain, closest)
