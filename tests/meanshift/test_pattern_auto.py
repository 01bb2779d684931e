"""The pattern cue by default on grayscale footage and on large frames (pattern_filter=None)."""

import math

import cv2
import numpy as np
import pytest

from tests.support.paths import DEMO
from tracker import MeanShiftTracker, open_source
from tracker.evaluation.otb import load_groundtruth
from tracker.meanshift.adaptation import GRAY_CHROMA, looks_gray


@pytest.fixture(scope="module")
def demo():
    with open_source(DEMO / "demo.mp4") as source:
        frames = [f.copy() for _, f in zip(range(40), source)]
    return frames, tuple(load_groundtruth(DEMO / "groundtruth_rect.txt")[0])


def slow_chroma(frame):
    f = frame.astype(float)
    return np.mean(np.abs(f[..., 0] - f[..., 1]) + np.abs(f[..., 1] - f[..., 2]))


def test_looks_gray_tells_gray_from_colour_footage(demo):
    frames, _ = demo
    colour = frames[0]
    gray = cv2.cvtColor(cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    rng = np.random.default_rng(1)
    noisy = np.clip(gray + rng.integers(-1, 2, gray.shape), 0, 255).astype(np.uint8)  # a codec's noise
    assert slow_chroma(colour) > 3 * GRAY_CHROMA and not looks_gray(colour)
    assert looks_gray(gray) and slow_chroma(noisy) < GRAY_CHROMA and looks_gray(noisy)


def boxes(tracker, frames, box):
    tracker.init(frames[0], box)
    return [tuple(np.round(tracker.update(f).box, 6)) for f in frames[1:]]


def test_the_default_adds_the_pattern_cue_on_gray_frames_only(demo):
    frames, box = demo
    gray = [cv2.cvtColor(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR) for f in frames]
    tracker = MeanShiftTracker()
    assert boxes(tracker, gray, box) == boxes(MeanShiftTracker(pattern_filter=True), gray, box)
    assert boxes(tracker, gray, box) != boxes(MeanShiftTracker(pattern_filter=False), gray, box)
    # The same tracker, given colour footage next, tracks by colour alone again.
    assert boxes(tracker, frames, box) == boxes(MeanShiftTracker(pattern_filter=False), frames, box)


def test_a_less_clear_response_moves_the_box_on_colour_footage_only(demo):
    """On colour footage the colour model vetoes a move it scores worse, so the filter
    moves the box from PSR_CLEAR_COLOUR; on gray footage it needs PSR_CLEAR."""
    from tracker.meanshift.template import CorrelationFilter
    assert CorrelationFilter.PSR_CLEAR_COLOUR < CorrelationFilter.PSR_CLEAR
    frames, box = demo
    gray = cv2.cvtColor(cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    tracker = MeanShiftTracker(pattern_filter=True)
    tracker.init(frames[0], box)
    assert tracker._template._move_psr == CorrelationFilter.PSR_CLEAR_COLOUR
    tracker.init(gray, box)
    assert tracker._template._move_psr == CorrelationFilter.PSR_CLEAR


def test_the_default_adds_the_pattern_cue_on_large_colour_frames(demo):
    """Frames of PATTERN_AUTO_PIXELS or more get the cue (its fixed cost is small there);
    the demo's 640x480 colour frames do not (checked above), the same frames at 1280x720 do."""
    from tracker.meanshift.tracker import PATTERN_AUTO_PIXELS
    frames, (x, y, w, h) = demo
    large = [cv2.resize(f, (1280, 720), interpolation=cv2.INTER_LINEAR) for f in frames[:15]]
    assert 640 * 480 < PATTERN_AUTO_PIXELS <= 1280 * 720
    sx, sy = 1280 / frames[0].shape[1], 720 / frames[0].shape[0]
    box = (x * sx, y * sy, w * sx, h * sy)
    tracker = MeanShiftTracker()
    assert boxes(tracker, large, box) == boxes(MeanShiftTracker(pattern_filter=True), large, box)
    assert tracker._template is not None       # (the ball's colours are clear: the filter moves nothing)
    tracker.init(frames[0], (x, y, w, h))
    assert tracker._template is None
    tracker.init(large[0], box)
    assert tracker._template is not None


class _ScoreAt:
    """A colour model that scores any box ``value`` (and the surroundings 0)."""

    def __init__(self, value):
        self.value = value

    def score(self, *args):
        return self.value

    def background_similarity(self):
        return 0.0


@pytest.mark.parametrize("gray, drop, moves", [(True, 0.0, True), (True, 0.2, True), (False, 0.0, True),
                                               (False, 0.005, False)])
def test_the_colours_veto_a_clear_filters_move_on_colour_footage_only(demo, gray, drop, moves):
    """The box the colours left 4 px right of the ball, the filter clear about the ball: on
    colour footage any drop of the colour score vetoes the move; on gray footage, where
    the gray levels hardly tell target from background and change with its light, the
    pattern leads and no score of the colours vetoes it."""
    from tracker.meanshift.search import Candidate, Search
    from tracker.meanshift.template import CorrelationFilter
    frames, (x, y, w, h) = demo
    frame = cv2.cvtColor(cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR) if gray else frames[0]
    tracker = MeanShiftTracker(pattern_filter=True)
    tracker.init(frame, (x, y, w, h))
    window = tracker._track.window
    cx, cy = x + (w - 1) / 2 + 4, y + (h - 1) / 2
    view = tracker._search.look(frame, cx, cy, *window.bounds(tracker.CONTEXT), 1.0, 1.0)
    weights = tracker._search.weigh(view, tracker._cue)
    found = Candidate(cx, cy, 0.9, *view.region.to_region(cx, cy))
    search = tracker._template.correct(frame, Search(found, view, weights), window, _ScoreAt(0.9 - drop),
                                       tracker._search, 1.0, (cx, cy))
    assert tracker._template.psr >= CorrelationFilter.PSR_CLEAR
    assert (search.found is not found) == moves
    if moves:
        assert abs(search.found.cx - (x + (w - 1) / 2)) < 2      # onto the ball


@pytest.mark.parametrize("gray", [True, False])
def test_on_gray_footage_the_filter_looks_from_the_prediction(demo, gray):
    """The colours left the box a box and a half right of the ball, the prediction is on
    it: on gray footage the filter looks from the prediction and moves the box onto the
    ball; on colour footage it looks from the colours' place, where the ball is at the
    patch's tapered edge, and the box stays."""
    from tracker.meanshift.search import Candidate, Search
    frames, (x, y, w, h) = demo
    frame = cv2.cvtColor(cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR) if gray else frames[0]
    tracker = MeanShiftTracker(pattern_filter=True)
    tracker.init(frame, (x, y, w, h))
    window = tracker._track.window
    ball = (x + (w - 1) / 2, y + (h - 1) / 2)
    cx, cy = ball[0] + 1.5 * w, ball[1]
    view = tracker._search.look(frame, *ball, *window.bounds(tracker.CONTEXT + 2), 1.0, 1.0)
    weights = tracker._search.weigh(view, tracker._cue)
    found = Candidate(cx, cy, 0.9, *view.region.to_region(cx, cy))
    search = tracker._template.correct(frame, Search(found, view, weights), window, _ScoreAt(0.9),
                                       tracker._search, 1.0, ball)
    moved = math.hypot(search.found.cx - ball[0], search.found.cy - ball[1]) < 2
    assert moved == gray
