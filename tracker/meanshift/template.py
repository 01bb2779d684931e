"""A correlation-filter cue: where the target's *pattern* (its gray levels and edges) is, beside
where its *colours* are.

Colour cannot tell a gray car from a gray road, nor a building from the roofs around
it; a template can, and it fails elsewhere (fast deformation, blur) than colour does,
which is why Staple (Bertinetto et al., CVPR 2016) merges the two. This is a MOSSE
filter (Bolme et al., CVPR 2010) on a patch that covers `CONTEXT` times the box,
resampled to ``SIZE`` x ``SIZE`` pixels so that it costs the same for any target, with
`CHANNELS` channels (the multi-channel filter of DSST and of KCF's linear kernel: one
numerator per channel, one denominator summed over them): the normalised gray patch and
four channels of its edges by orientation (HOG's idea at a fraction of its cost: the
gradient's magnitude in half-wave lobes of cos 2t and sin 2t, averaged over 3 x 3 pixels;
`_template_kernels.orientation_channels`). A look costs five forward and one inverse
32 x 32 DFT.

The edge channels let the pattern hold where the light on the target changes or its
gray levels are shared: the gray patch alone, normalised as it is, follows shading. Run
alone (position only, at the ground truth's size; a scratch prototype), a gray-patch
filter kept 56 % of the dev set's frames within 20 px of the target, the five channels
64 % (Jumping 0.50 -> 0.99, Woman 0.19 -> 0.98, Bird2 0.52 -> 0.96), at a third to a half
higher peak-to-sidelobe ratios. In the tracker (dev set, 19 sequences, by default, with
`confirms` on gray footage): mean AUC 0.5558 -> 0.5707 from the annotated start, 0.5425
-> 0.5481 over seven starts and 0.5134 -> 0.5231 over seventeen (truck4_1 0.08 -> 0.27,
wakeboard7 0.60 -> 0.64, ball1 0.81 -> 0.83, Jumping 0.72 -> 0.74; truck4_1 is chaotic:
the summation order of the edge channels alone moved it between 0.27 and 0.40; Car1 is
still lost at frame ~190, where the car darkens and its gray levels drag the box onto
the bright road beside it). The thresholds below were measured again with them
(`PSR_CLEAR` 9 / 10 / 12, `PSR_CLEAR_COLOUR` 6 / 8 / 9: none better).

The filter never decides alone. After mean shift has converged on the colours, the
filter answers around that place (on gray footage, around the predicted position:
below); where its answer is clear (its peak-to-sidelobe ratio, `psr`, at least
`PSR_CLEAR`; `PSR_CLEAR_COLOUR` on colour footage), the position moves to the peak of
Staple's merged score: the filter's response and the mean colour weight of a box there,
`COLOUR_SHARE` of it the colours'. On colour footage the move is taken only if the
colour model scores the box there at least as well as where mean shift left it, and the
tests of a match (score, contrast with the surroundings) then judge it as any other.
That veto is what lets a less clear response propose a move on colour footage: there
the colour model tells target from background (forced on, PSR 5 / 6 / 7 / 8 / 10 on
colour footage: dev set 0.529 / 0.529 / 0.529 / 0.517 / 0.505, seven starts 0.514 /
0.511 / 0.513 / 0.510 / 0.500).

On gray footage the pattern leads, as the gray levels hardly tell a target from its
background and change with the light on it: the filter looks about the predicted
position, not where mean shift went, and the colours' score does not veto its move
(Car1, frame 183: the car darkening, mean shift 20 px off on the bright road at a score
of 0.93, the filter's peak on the car at PSR 19 seen from the prediction, 5 seen from
the road, the colours scoring the car 0.81). Its size has a say too: half of it, in
logs (`size_weight`). Dev set, 17 starts (the seven of `mstrack eval --starts 7` and
0.8 / 1.2 scales, corner and half shifts): 0.5231 before, 0.5358 with all three (Car1
0.18 -> 0.40 over seven starts, Dog1 and Jumping within 0.01); without the look from the
prediction 0.5239; with a veto of 0.05 0.5250; with the colours' size alone 0.5240 (and
boxes over four times the target in 5.7 % of frames: Car1's shrinking car), with the
filter's alone 0.5224 (Dog1 0.80 -> 0.56). A move at PSR 4 / 6 instead of `PSR_CLEAR`:
0.5369 / 0.5372. (The fixes to `size_change` and the edge channels since: 0.5352.)

While tracking, the filter vouches for a match in one case only: a frame whose colours
are indistinct from the surroundings still counts as distinct when the filter answers
clearly (PSR at least `PSR_CLEAR`) with its own peak within `AGREE` of the box
(`vouches`: Dog1 on a dull floor, contrast 0.06 at IoU 0.8, was declared lost and never
taken back on some starts). On gray footage it also has a say in re-detection: its
confirmation (`confirms`) is required of a candidate and stands in for the colours'
contrast, and where it sees the lost target (`sighting`) the search starts too; and a
second, slowly learning filter checks the tracked box for drift (`DriftCheck`). The
filter learns (at the box's final place) only from confidently tracked frames where its
own response peak is within `AGREE` of that place: taught where it does not point
(colour drifting onto background while the filter's PSR fell to 4, Car1), it learns the
background; taught at every tracked frame, Panda and Dog1 fell from 0.56 / 0.69 to
0.36 / 0.23 AUC. The colour model, for its part, learns where the colours alone put
the target (``tracker._follow``).

On by default (``pattern_filter=None``) for grayscale footage (there, when it came, the
dev set's Jumping 0.56 -> 0.70, Car1 0.22 -> 0.28, all nineteen 0.505 -> 0.514, seven
starts 0.493 -> 0.503; with a veto margin since, Jumping 0.72, Dog1 0.69 -> 0.78, Car1
0.17; with the lead above, Car1 0.29, 0.40 over seven starts) and for frames of 1280 x
720 or more, where its fixed cost is small beside the frame's
(``tracker.PATTERN_AUTO_PIXELS``; the dev set's five 1280 x 720 sequences: all
nineteen 0.5145 -> 0.5200, seven starts 0.5045 -> 0.5114; building5 0.38 -> 0.46,
truck4_1 0.04 -> 0.08, wakeboard10 0.48 -> 0.45; with `size_change` since, building5
0.79, wakeboard7 0.60, wakeboard10 0.66). On all footage
(``MeanShiftTracker(pattern_filter=True)``) over the nineteen dev sequences the mean AUC
is 0.628 against 0.606 by default and 0.505 with colours alone (seven perturbed starts
0.587 / 0.571 / 0.490; gray footage's `DriftCheck` and re-detection on the pattern's
word included), but it costs about 0.15 ms of CPU an update at 640 x 480: the
response (one numba call: patch, edges, five forward DFTs, filter, inverse DFT, peak and
PSR) 27 us, two more for the size, the merged score, the colour check of the move and
learning the rest. That takes a small target's update from 0.48x to 1.07x of OpenCV's
CamShift time, over the 0.5x budget (with the gray-patch filter: 0.75x). Evaluated
on fewer frames (every other one, or only where the colour contrast is low) it lost its
gain (measured: 0.498 / 0.494, 0.502 / 0.492).
"""

from __future__ import annotations

import math

import numpy as np

from ._fft_kernels import fft_plan
from ._template_kernels import filter_learn, filter_response, merge_colour_bounded, response_near
from .region import Region
from .search import Candidate, Search


def _within(point, x, y, w, h, share) -> bool:
    """Is frame ``point`` within ``share`` of a w x h box (of the square root of its
    area) of the box's centre (x, y)?"""
    return math.hypot(point[0] - x, point[1] - y) <= share * math.sqrt(w * h)


def _parabola(a, b, c):
    """Offset (-0.5..0.5) of the top of the parabola through (-1, a), (0, b), (1, c)."""
    d = a - 2 * b + c
    return 0.5 * (a - c) / d if d < 0 else 0.0


class CorrelationFilter:
    """MOSSE filter on a ``SIZE`` x ``SIZE`` patch of `CHANNELS` channels covering `CONTEXT` times the box."""

    SIZE = 32            # patch side, pixels (a fast DFT size)
    CHANNELS = 5         # the gray patch and four edge orientations (`_template_kernels.sample_features`)
    CONTEXT = 2.5        # patch extent relative to the box: the target and a ring around it (KCF's padding 1.5)
    SIGMA = 0.1          # the label's Gaussian width, relative to the box (KCF, DSST)
    RATE = 0.025         # share of the filter renewed per frame it learns from (MOSSE 0.125, Staple 0.01)
    REG = 0.1            # regularisation, relative to the first patch's mean spectral energy
    PEAK_RATE = 0.1      # how fast the typical peak follows the peaks at the target
    COLOUR_SHARE = 0.3   # Staple's merge factor: the colour score's share of the merged score
    PSR_RADIUS = 2       # the peak's square left out of the sidelobe (MOSSE: 11 px of 64)
    PSR_CLEAR = 8.0      # a response this clear moves the box (MOSSE: 20-60 tracking, < 7 failing)
    PSR_CLEAR_COLOUR = 7.0   # ... on colour footage, where the colour model vetoes a move it scores worse
    # (Gray footage had a veto too, with a margin of 0.01: mean shift stops on the colours'
    # own peak, so a box a few pixels off almost always scores a hair lower. With the
    # filter looking from the prediction, any veto kept Car1's box on the road.)

    AGREE = 0.1          # the filter learns where it and the colours agree within this share of the box
    # A re-detection on gray footage is the target only if the filter, looking afresh
    # about it, answers at least this clearly with its own peak within WITNESS_REACH of a
    # box of it (`confirms`): stricter than `vouches` on clarity, as the filter is then
    # frozen and a look-alike of the target's pattern (Car1: another white car) answers
    # it at PSR 8-11, and looser on place, as a colour candidate settles where its gray
    # levels are densest, not on the pattern's centre: half a box (the gray demo ball,
    # sought to from frame 0: its candidate 0.45 box off, the filter's peak on the ball at
    # PSR 24; within a quarter box it was found after 27 of 60 frames, within half at
    # once). Dev set, 17 starts: PSR 8 / 12 / 15 and reach 0.1 / 0.25 / 0.5 give
    # 0.5217-0.5236 mean AUC, false confidence 13.8-17.4 % (with the gray lead since:
    # reach 0.25 and 0.5 the same, 0.5352); PSR 8 within 0.1 never took back the gray
    # demo ball after its dimming.
    WITNESS_PSR = 12.0
    WITNESS_REACH = 0.5
    # A lost gray target is also sought where the filter, looking about its last place,
    # answers this clearly (`sighting`): at the witness's PSR, what it sights there it
    # would confirm. At PSR 8 (`PSR_CLEAR`) the dev set scored a little higher (seven
    # starts 0.5735 against 0.5707) with more of Car1's frames wrongly claimed (false
    # confidence over seven starts 19.3 against 17.8 %).
    SIGHTING_PSR = WITNESS_PSR
    # Sizes the filter is asked about, either side of the box's (`size_change`; SAMF's
    # scale pool): 1 + SIZE_STEP times larger and smaller. The dev set's five 1280 x 720
    # sequences: 0.05 / 0.1 / 0.15 / 0.2 / 0.25 give a mean AUC of 0.533 / 0.585 / 0.588 /
    # 0.587 / 0.585 (0.456 without).
    SIZE_STEP = 0.15
    # On gray footage a probe must be this much clearer (its PSR this share higher) than
    # the box's own size for a whole step; a probe barely clearer moves the size to the
    # top of the parabola through the three, at most a step. Scale drift: there the colour
    # model's score, which checks growth (`MeanShiftTracker._adapt_size`), hardly tells the
    # target from its surroundings, and on Car1's 1.1x-scaled start both the gray levels'
    # fit and the filter kept asking for a slightly larger box until it was 2.9 times the
    # receding car's side. Dev set, 17 starts: 0.5352 without, 0.5364 with it (seven
    # starts 0.5603 -> 0.5637, Car1 0.385 -> 0.447; boxes over four times the target over
    # seven starts 2.2 -> 1.6 %; the annotated boxes' mean unchanged). On colour footage
    # too: 0.5371 over 17 starts, but with the cue on all footage Couple fell 0.66 -> 0.60
    # over seven starts and the annotated boxes' mean 0.603 -> 0.573.
    SIZE_MARGIN = 0.05

    def __init__(self, rate: float | None = None):
        # The share of the filter renewed per frame it learns from; `DriftCheck`'s is lower.
        self.rate = self.RATE if rate is None else rate
        n = self.SIZE
        hann = np.hanning(n + 2)[1:-1]
        self._window = np.outer(hann, hann).astype(np.float32)   # tapers the patch's edges
        c = self.CHANNELS
        self._patch = np.empty((c, n, n), np.float32)
        self._columns = np.empty((3, n))               # sample_features' scratch
        self._gray = np.empty((n, n), np.float32)      # ...
        self._lobes = np.empty((4, n, n), np.float32)  # ...
        self._ramp = np.empty(n // 2 + 1, np.complex128)   # filter_learn's scratch
        self._plan = fft_plan(n)
        self._work = np.empty((4, n, c * (n // 2 + 1)))   # the DFTs' scratch (`rfft2_channels`)
        # Half spectra (np.fft.rfft2's layout): the patch's, the filter's and the label's.
        half = (n, n // 2 + 1)
        self._spectrum = np.zeros((c,) + half, np.complex128)
        self._num = np.zeros((c,) + half, np.complex128)
        self._den = np.zeros(half)
        self._label = np.zeros(half, np.complex128)
        self._merged = np.zeros((n, n), np.float32)
        # `size_change`'s own patch, spectrum and response: probing leaves the filter's
        # last look (`response`, `psr`, the spectrum `learn` reads) as it was.
        self._probe_patch = np.empty((c, n, n), np.float32)
        self._probe_spectrum = np.zeros((c,) + half, np.complex128)
        self._probe_response = np.zeros((n, n), np.float32)
        self._colour = False
        self.response = np.zeros((n, n), np.float32)
        self.psr = 0.0
        self.peak = (0.0, 0.0)     # frame position of the response's highest pixel
        self._peak_index = (0, 0)  # and its patch pixel (i, j)
        self._centre = (0.0, 0.0)
        self._step = (1.0, 1.0)
        self._reg = 1.0
        self.typical_peak = 1.0
        self.colour_place = (0.0, 0.0)     # where the colours alone put the target last (`correct`)

    # ------------------------------------------------------------------ learning
    def init(self, frame, cx, cy, w, h, colour=False):
        """Learn the w x h target centred at (cx, cy) in ``frame`` (uint8 BGR); ``colour``:
        the footage is in colour (the colour model can veto a move, see `correct`).

        From the one patch at the box. MOSSE's own start, the mean of that patch and
        perturbed ones, was measured and left out: patches at 0.9 and 1.1 times the box,
        or shifted by 5 % of it each way, or both, gave seven-start means of 0.5430 /
        0.5415 / 0.5406 against 0.5425 (the dev set's 19 sequences): Car1 lost 0.010-0.015
        in all three and truck4_1 moved either way (started from the one patch, its filter
        fades from PSR 28 to 8 in four frames as the tiny truck passes behind palms)."""
        n = self.SIZE
        self._colour = colour
        # The label: a Gaussian at the patch centre, SIGMA of the box wide.
        sx = max(self.SIGMA * n / self.CONTEXT, 0.5)
        ys, xs = np.mgrid[:n, :n] - n // 2
        label = np.exp(-0.5 * ((xs / sx) ** 2 + (ys / sx) ** 2))
        self._label[:] = np.fft.rfft2(label)
        self._num[:] = 0
        self._den[:] = 0
        self._reg = 1.0
        self.typical_peak = 1.0
        self.respond(frame, cx, cy, w, h)       # for its patch's spectrum
        filter_learn(self._num, self._den, self._spectrum, self._label, 0.0, 0.0, 1.0, self._ramp)
        # The mean over the whole spectrum: the half's inner columns stand for two.
        d = self._den
        self._reg = self.REG * float(d.sum() + d[:, 1:n // 2].sum()) / (n * n) + 1e-6
        self.respond(frame, cx, cy, w, h)
        self.typical_peak = max(float(self.response.max()), 1e-3)
        self.response /= self.typical_peak

    def learn(self, x, y):
        """Blend in the last patch `respond` sampled, the target having been at frame
        point (x, y) in it."""
        i, j = self.to_patch(x, y)
        n = self.SIZE
        filter_learn(self._num, self._den, self._spectrum, self._label, i - n // 2, j - n // 2, self.rate,
                     self._ramp)
        peak = self.value_at(x, y) * self.typical_peak
        self.typical_peak = max(self.typical_peak + self.PEAK_RATE * (peak - self.typical_peak), 1e-3)

    def adopt(self, other: "CorrelationFilter") -> None:
        """Take ``other``'s learnt filter (of the same target, size and channels) as this
        one's, in place of all this one has learnt (`DriftCheck`: the tracking filter, which
        learnt the background its box drifted onto, is given the long-term filter's)."""
        self._num[:] = other._num
        self._den[:] = other._den
        self._reg = other._reg
        self.typical_peak = other.typical_peak

    @property
    def _move_psr(self) -> float:
        """The PSR that lets `correct` move the box: lower on colour footage, where the
        colour model vetoes a move it scores worse."""
        return self.PSR_CLEAR_COLOUR if self._colour else self.PSR_CLEAR

    # ------------------------------------------------------------------ looking
    def respond(self, frame, cx, cy, w, h):
        """The filter's response around (cx, cy) for a w x h box, in units of the typical
        peak (1 where the target looks as it usually does): ``self.response``; its
        peak-to-sidelobe ratio: ``self.psr``."""
        self._centre = (cx, cy)
        self._step = self._patch_step(w, h)
        i, j, self.psr = self._look(frame, cx, cy, self._step, self._patch, self._spectrum, self.response)
        self._peak_index = (i, j)
        self.peak = self.to_frame(i, j)
        return self.response

    def _patch_step(self, w, h):
        """Frame pixels per patch pixel for a w x h box: the patch covers `CONTEXT` times it."""
        return w * self.CONTEXT / self.SIZE, h * self.CONTEXT / self.SIZE

    def _look(self, frame, cx, cy, step, patch, spectrum, response):
        """`filter_response` about (cx, cy) with the patch's ``step`` (`_patch_step`) into
        the given patch, spectrum and response (in units of the typical peak): the peak's
        (i, j) and the PSR."""
        frame = np.ascontiguousarray(frame)     # the kernel reads rows of 3W bytes (a no-op for frames)
        i, j, psr = filter_response(frame, cx, cy, *step, self._window, self._columns, self._gray, self._lobes,
                                    patch, spectrum, self._num, self._den, self._reg, 1.0 / self.typical_peak,
                                    self.PSR_RADIUS, *self._plan, self._work, response)
        return i, j, float(psr)

    def correct(self, frame, search: Search, window, model, local_search, foreground0, predicted) -> Search:
        """`search`, the mean-shift result, moved to the peak of the filter's and the
        colours' merged score where the filter answers clearly (else `search` as it is):
        on colour footage about the mean-shift result, and only if the colour model scores
        the box there no worse; on gray footage about the ``predicted`` (x, y), whatever
        the colours score there. Keeps where the colours alone put the target in
        ``colour_place``: the colour model learns there."""
        found, view, weights = search
        bw, bh = window.bounds()
        self.colour_place = (found.cx, found.cy)
        self.respond(frame, *((found.cx, found.cy) if self._colour else predicted), bw, bh)
        if self.psr < self._move_psr:
            return search
        # The search's summed-area table of these weights serves the merged score and
        # the moved box's foreground alike.
        integral = local_search.summed_area(weights)
        x, y = self.merged_peak(integral, view.region, bw, bh, 1.0 / foreground0)
        if abs(x - found.cx) + abs(y - found.cy) < 0.5:
            return search
        region = view.region
        u, v = region.to_region(x, y)
        score = model.score(view.bins, region, u, v, window.w, window.h, window.angle)
        if self._colour and score < found.score:
            return search      # the colours do not follow the filter there
        moved = Candidate(x, y, score, u, v)
        moved.contrast = score - model.background_similarity()
        moved.foreground = local_search.foreground(weights, region, u, v, (bw, bh), integral) / foreground0
        return Search(moved, view, weights)

    def size_change(self, frame, cx, cy, w, h) -> float | None:
        """How much larger (a factor of the side) the target at (cx, cy) in ``frame`` is
        than a w x h box, by its pattern; None where the pattern is no witness.

        The filter is asked about the box 1 + `SIZE_STEP` times larger and smaller (its
        patch then shows the target smaller or larger than it learnt it), beside its last look at
        the box's own size (`respond`, which must have been at this frame); the size
        whose response is clearest (the highest peak-to-sidelobe ratio) wins, between the
        three by a parabola through their ratios (SAMF's scale pool: Li and Zhu, "A scale
        adaptive kernel correlation filter tracker with feature integration", ECCV 2014
        workshops, which compares peak heights). A pattern's extent does not leak into
        surroundings of its colours (the colour fit's bias: the dev set's building5, a
        tower among roofs of its colours, grew to 2.4 times its area) nor stop short of
        its parts of background colours (a wakeboarder's board).

        The ratio, not the peak's height: on a still texture the height peaks at 0.95 of
        the learnt size for a 40 x 30 box and at 1.2 for an 11 x 8 one (the height follows
        the patch's spectrum, which the size changes), the ratio at 1.0 for both. With
        heights the dev set's tiny truck (truck4_1) grew onto roofs and was claimed there
        in two of seven starts (pooled false confidence over seven starts 19.3 % against
        16.3 % with ratios, both measured with a third probe at the box's size).

        Only when the last response (`respond`) was clear enough to move the box. On
        colour footage it sets the size (all nineteen with the cue forced on 0.531 ->
        0.577, seven starts 0.514 -> 0.555); on gray footage it has half the say
        (`size_weight`). The size is worth something only where the filter also placed
        the box: asked for the size alone on colour footage, the box left where the colours
        put it, the dev set fell well below the cue that places and sizes it (seven starts
        0.5207 by default, 0.5185 with the cue forced on, against 0.5425 and 0.5559), so a
        cheaper scale-only estimator would not carry the gain."""
        if self.psr < self._move_psr:
            return None
        step = 1.0 + self.SIZE_STEP
        # The probes' own patch, spectrum and response: the last look stays as it was.
        smaller, larger = (self._look(frame, cx, cy, self._patch_step(w * f, h * f), self._probe_patch,
                                      self._probe_spectrum, self._probe_response)[2] for f in (1.0 / step, step))
        # The box's own size: the last look, if it was about this box (on colour footage it
        # is about where the colours put the target, mostly within a pixel or two; a probe
        # there too gave the same figures within noise, at a third more cost). Else (on gray
        # footage the filter looks from the prediction) a probe too: the ratio falls
        # steeply off-centre, and the box's own size would lose to a probe at its place
        # (a still texture seen half a box off: 0.87 or 1.15, a whole step).
        if _within(self._centre, cx, cy, w, h, self.AGREE):
            same = self.psr
        else:
            same = self._look(frame, cx, cy, self._patch_step(w, h), self._probe_patch, self._probe_spectrum,
                              self._probe_response)[2]
        if same >= smaller and same >= larger:
            return step ** _parabola(smaller, same, larger)
        if not self._colour and same * (1.0 + self.SIZE_MARGIN) >= max(smaller, larger):
            # Barely clearer, on gray footage: the parabola's top, at most a step away.
            return step ** max(-1.0, min(1.0, _parabola(smaller, same, larger)))
        return 1.0 / step if smaller > larger else step

    @property
    def size_weight(self) -> float:
        """How far the box's size goes to `size_change`'s answer, in logs, from the
        colours' fit: all the way on colour footage, half on gray footage. With the gray
        levels' fit alone, boxes stayed as large as the first on Car1's receding car (over
        four times it in 5.7 % of the dev set's frames over 17 starts); with the filter's
        alone, Dog1 lost its dog (0.80 -> 0.56 AUC): neither is trusted alone there."""
        return 1.0 if self._colour else 0.5

    def agrees(self, x, y, w, h) -> bool:
        """Is the last response's own peak within `AGREE` of a w x h box at frame point
        (x, y)? Only then does the filter learn there: taught where it does not point, it
        learns the background."""
        return _within(self.peak, x, y, w, h, self.AGREE)

    def confirms(self, frame, x, y, window) -> bool:
        """Is a re-detected box of ``window``'s size at frame point (x, y) the target by
        its pattern? The filter looks afresh at ``frame`` about it and must answer with a
        PSR of at least `WITNESS_PSR`, its peak within `WITNESS_REACH` of the box. Asked
        on gray footage (`MeanShiftTracker._pattern_witness`), where colour alone cannot
        tell the target from a look-alike of its gray levels."""
        peak = self._clear_peak(frame, x, y, window, self.WITNESS_PSR)
        return peak is not None and _within(peak, x, y, window.w, window.h, self.WITNESS_REACH)

    def sighting(self, frame, x, y, window):
        """Where the filter, looking afresh at ``frame`` about frame point (x, y) for a box
        of ``window``'s size, sees the target clearly (a PSR of at least `SIGHTING_PSR`): its
        peak, or None. Asked on gray footage about where a lost target was last seen
        (`MeanShiftTracker._pattern_sightings`): mean shift on the gray levels from there
        need not reach a target that has moved on a little, while the road it left shares
        its gray levels."""
        return self._clear_peak(frame, x, y, window, self.SIGHTING_PSR)

    def _clear_peak(self, frame, x, y, window, psr):
        """A fresh look at ``frame`` about frame point (x, y) for a box of ``window``'s size:
        the response's peak if its PSR is at least ``psr``, else None."""
        self.respond(frame, x, y, *window.bounds())
        return self.peak if self.psr >= psr else None

    @property
    def colour(self) -> bool:
        """The footage is in colour (`init`)."""
        return self._colour

    def vouches(self, x, y, w, h) -> bool:
        """Does the last response tell the w x h box at (x, y) from its surroundings: clear
        (PSR at least `PSR_CLEAR`) with its peak on the box? A target whose colours are
        common around it (Dog1 on a dull floor, colour contrast 0.06) is still distinct
        by its pattern (Staple: the two cues fail in different places)."""
        return self.psr >= self.PSR_CLEAR and self.agrees(x, y, w, h)

    def to_patch(self, x, y):
        """Patch coordinates of frame point (x, y) in the last patch."""
        n = self.SIZE
        return ((x - self._centre[0]) / self._step[0] + n // 2,
                (y - self._centre[1]) / self._step[1] + n // 2)

    def to_frame(self, i, j):
        n = self.SIZE
        return self._centre[0] + (i - n // 2) * self._step[0], self._centre[1] + (j - n // 2) * self._step[1]

    def value_at(self, x, y, radius=1):
        """The response's highest value within ``radius`` patch pixels of frame point (x, y)."""
        i, j = self.to_patch(x, y)
        return float(response_near(self.response, int(round(i)), int(round(j)), radius))

    def merged_peak(self, integral, region: Region, w, h, colour_scale):
        """Frame position of the highest merged score (Staple): the last response and,
        `COLOUR_SHARE` of it, ``colour_scale`` times the mean colour weight of a w x h
        box (frame pixels) at each point of the patch, read from ``integral``, the
        summed-area table of the colour weight image of ``region`` (only points that
        can beat the response's peak are scored). Sub-pixel, by a parabola along each axis."""
        x0, y0 = self.to_frame(0, 0)
        ou, ov = region.to_region(x0, y0)
        su, sv = self._step[0] / region.step_x, self._step[1] / region.step_y
        m = self._merged
        i, j = merge_colour_bounded(self.response, integral, ou, ov, su, sv, w / region.step_x, h / region.step_y,
                                    self.COLOUR_SHARE, colour_scale, *self._peak_index, m)
        n = self.SIZE
        di = _parabola(m[j, i - 1], m[j, i], m[j, i + 1]) if 0 < i < n - 1 else 0.0
        dj = _parabola(m[j - 1, i], m[j, i], m[j + 1, i]) if 0 < j < n - 1 else 0.0
        # Python floats: a float32 position would reach the kernels downstream as a second
        # numba specialisation of each, and the box in float32 arithmetic. (The box's last
        # bits matter to chaotic sequences only: Dog1's single start 0.654 -> 0.730 AUC with
        # this, seven starts 0.720 -> 0.731.)
        return self.to_frame(float(i + di), float(j + dj))


class DriftCheck:
    """Has the box on gray footage drifted off its target onto background? Asked of a
    second filter that learns slowly and only from clear answers, so that it keeps the
    target's look of long ago: the long-term filter of LCT (Ma et al., "Long-term
    correlation tracking", CVPR 2015), which judges the tracking filter's answers the
    same way.

    On gray footage colour cannot tell a box on the target from a box beside it, and the
    tracking filter, which learns at the box, follows a box that drifts: on Car1 (the
    dev set's gray car, receding down a road) the box grew a third larger than the car
    over a hundred frames, and then both the gray levels and the tracking filter (PSR 15
    to 20) followed the road's edge away from it, reported as tracked for the last 250
    frames. This filter, asked every `EVERY` tracked frames, answers on the car at PSR 12
    to 25 and on that edge at 8 to 11; `STRIKES` answers in a row below `LOST_PSR` (or
    with the peak off the box) call the target lost. It learns only from answers that
    would confirm a re-detection (`CorrelationFilter.WITNESS_PSR`, peak within
    `CorrelationFilter.WITNESS_REACH`) with its peak on the box, at a fifth of the
    tracking filter's rate. The tracker then gives the tracking filter this one's memory
    of the target (`CorrelationFilter.adopt`): left as it was, it would confirm the
    road's edge as the target again on the next frame. The count starts afresh whenever
    the target is lost (`reset`).

    Dev set (19 sequences; with the re-detection that takes a gray target back on its
    pattern's word, `Redetector.search`, which alone claimed the drifted box): Car1 and
    Jumping only change; over seven starts mean AUC 0.5637 -> 0.569, false confidence
    18.7 -> 14.3 %, boxes over four times the target 1.6 -> 0.5 % (17 starts: 0.5364 ->
    0.540, false confidence 19.0 -> 16.1 %). Lost at PSR 9 / 10 / 11 / 12 (before the
    filter was handed over and the count reset): false confidence over seven starts
    17.5 / 16.1 / 16.2 / 16.5 %; without this check, 22.5 %. Without the hand-over the
    box went back onto the road's edge on the frame after each loss (Car1, 1.1x start:
    lost and taken back every 13 frames).
    """

    RATE = CorrelationFilter.RATE / 5
    EVERY = 4          # tracked frames between looks: drift takes tens of frames (a look costs about 27 us)
    LOST_PSR = 11.0    # an answer below this (or with its peak off the box) is a strike
    STRIKES = 3        # strikes in a row that call the target lost

    def __init__(self):
        self.filter = CorrelationFilter(rate=self.RATE)
        self._frames = 0
        self._strikes = 0

    def init(self, frame, cx, cy, w, h):
        """Learn the w x h target centred at (cx, cy) in ``frame``."""
        self.filter.init(frame, cx, cy, w, h, colour=False)
        self.reset()

    def reset(self) -> None:
        """Start counting afresh (the target was lost: what follows is another stretch)."""
        self._frames = self._strikes = 0

    def drifted(self, frame, cx, cy, w, h, bounds) -> bool:
        """Called on each confidently followed frame the pattern filter looked at (the
        tracker's main path, not a relit match), with the final w x h box at (cx, cy)
        (``bounds``: its upright size): True when the last `STRIKES` looks did not find the
        target on it."""
        self._frames += 1
        if self._frames % self.EVERY:
            return False
        f = self.filter
        f.respond(frame, cx, cy, *bounds)
        if f.psr >= self.LOST_PSR and _within(f.peak, cx, cy, w, h, CorrelationFilter.WITNESS_REACH):
            self._strikes = 0
            if f.psr >= CorrelationFilter.WITNESS_PSR and f.agrees(cx, cy, w, h):
                f.learn(cx, cy)
            return False
        self._strikes += 1
        if self._strikes < self.STRIKES:
            return False
        self._strikes = 0
        return True
