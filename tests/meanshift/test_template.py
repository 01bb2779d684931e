"""The pattern cue (template.py): its filter finds a moved pattern, says when it sees
none, and the tracker with it follows a gray target on gray ground."""

import cv2
import numpy as np
import pytest

from tracker import MeanShiftTracker
from tracker.evaluation.otb import iou
from tracker.meanshift.state import Window
from tracker.meanshift.template import CorrelationFilter, DriftCheck


def texture(shape, seed, blur=2.0):
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 256, shape + (1,), dtype=np.uint8).repeat(3, axis=2)
    smooth = cv2.GaussianBlur(noise, (0, 0), blur)
    return cv2.normalize(smooth, None, 0, 255, cv2.NORM_MINMAX)


@pytest.mark.parametrize("dx, dy", [(5, 0), (0, -4), (-6, 3)])
def test_filter_peaks_where_the_pattern_moved(dx, dy):
    frame = texture((240, 320), 0)
    cf = CorrelationFilter()
    cf.init(frame, 160, 120, 40, 30)
    moved = cv2.warpAffine(frame, np.float32([[1, 0, dx], [0, 1, dy]]), (320, 240))
    cf.respond(moved, 160, 120, 40, 30)
    j, i = np.unravel_index(np.argmax(cf.response), cf.response.shape)
    x, y = cf.to_frame(i, j)
    # One patch pixel is 40 * CONTEXT / SIZE = 3.1 px wide.
    assert abs(x - (160 + dx)) <= 2.0 and abs(y - (120 + dy)) <= 2.0
    assert cf.psr >= 2 * cf.PSR_CLEAR


def test_filter_is_unclear_about_a_pattern_it_never_saw():
    cf = CorrelationFilter()
    cf.init(texture((240, 320), 0), 160, 120, 40, 30)
    cf.respond(texture((240, 320), 1), 160, 120, 40, 30)
    assert cf.psr < cf.PSR_CLEAR


def test_filter_vouches_only_for_a_box_on_its_clear_peak():
    """It learns (`agrees`) and vouches only where its own peak is: on the moved
    pattern, not a box beside it, and never where it saw no pattern it knows."""
    frame = texture((240, 320), 0)
    cf = CorrelationFilter()
    cf.init(frame, 160, 120, 40, 30)
    moved = cv2.warpAffine(frame, np.float32([[1, 0, 6], [0, 1, -3]]), (320, 240))
    cf.respond(moved, 160, 120, 40, 30)
    assert cf.agrees(166, 117, 40, 30) and cf.vouches(166, 117, 40, 30)
    box = np.sqrt(40 * 30)
    assert not cf.agrees(166 + 0.5 * box, 117, 40, 30) and not cf.vouches(166, 117 - 0.5 * box, 40, 30)
    cf.respond(texture((240, 320), 1), 160, 120, 40, 30)
    assert not cf.vouches(*cf.peak, 40, 30)


def gray_clip(n=60):
    """A 40 x 30 gray target of one texture gliding over gray ground of another, both
    of the same gray levels: colour alone weighs target and ground alike."""
    ground = texture((240, 320), 5, blur=1.0)
    target = texture((30, 40), 6, blur=3.0)
    frames, boxes = [], []
    for k in range(n):
        x, y = 60 + 3 * k, 100 + int(20 * np.sin(k / 8))
        f = ground.copy()
        f[y:y + 30, x:x + 40] = target
        frames.append(f)
        boxes.append((x, y, 40, 30))
    return frames, np.array(boxes, float)


def track_with_pattern(frames, first_box):
    """The states and boxes of a tracker with the pattern cue on, over frames[1:]."""
    t = MeanShiftTracker(pattern_filter=True)
    t.init(frames[0], first_box)
    states = [t.update(f) for f in frames[1:]]
    return states, np.array([s.box for s in states])


def test_gray_target_on_gray_ground_is_followed_with_the_pattern_cue():
    frames, truth = gray_clip()
    _, boxes = track_with_pattern(frames, truth[0])
    overlap = iou(boxes, truth[1:])
    assert overlap.mean() >= 0.6
    assert (boxes[:, 2] * boxes[:, 3] <= 2 * 40 * 30).all()      # never balloons


def colour_texture(shape, seed, blur=2.0):
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 256, shape + (3,), dtype=np.uint8)
    return cv2.normalize(cv2.GaussianBlur(noise, (0, 0), blur), None, 0, 255, cv2.NORM_MINMAX)


def zoomed(frame, factor, centre=(160, 120)):
    return cv2.warpAffine(frame, cv2.getRotationMatrix2D(centre, 0, factor), frame.shape[1::-1])


def test_filter_tells_a_grown_pattern_from_a_shrunk_one():
    frame = colour_texture((240, 320), 0)
    cf = CorrelationFilter()
    cf.init(frame, 160, 120, 40, 30, colour=True)
    answers = {}
    for factor in (0.83, 1.2):
        seen = zoomed(frame, factor)
        cf.respond(seen, 160, 120, 40, 30)
        answers[factor] = cf.size_change(seen, 160, 120, 40, 30)
    assert answers[0.83] < 0.95 and answers[1.2] > 1.05
    # Probing leaves the last look as it was: the spectrum `learn` reads, the response.
    before = cf._spectrum.copy(), cf.response.copy(), cf.psr, cf.peak
    cf.size_change(seen, 160, 120, 40, 30)
    assert np.array_equal(cf._spectrum, before[0]) and np.array_equal(cf.response, before[1])
    assert (cf.psr, cf.peak) == before[2:]


@pytest.mark.parametrize("w, h", [(40, 30), (11, 8)])
def test_filter_sees_no_size_change_in_a_still_pattern(w, h):
    """By the responses' clarity, not their peaks' height: on this texture the heights
    would answer 0.95 for the 40 x 30 box and a whole step up (1.15) for the 11 x 8 one."""
    frame = colour_texture((240, 320), 0)
    cf = CorrelationFilter()
    cf.init(frame, 160, 120, w, h, colour=True)
    cf.respond(frame, 160, 120, w, h)
    assert abs(cf.size_change(frame, 160, 120, w, h) - 1.0) <= 0.02


def test_filter_gives_no_size_without_a_clear_pattern():
    frame = colour_texture((240, 320), 0)
    cf = CorrelationFilter()
    cf.init(frame, 160, 120, 40, 30, colour=True)
    foreign = colour_texture((240, 320), 1)
    cf.respond(foreign, 160, 120, 40, 30)
    assert cf.psr < cf.PSR_CLEAR_COLOUR and cf.size_change(foreign, 160, 120, 40, 30) is None


def test_filter_sizes_gray_footage_with_half_the_say():
    """On gray footage the filter's size is asked too, and weighs half (in logs) against
    the colours' fit (`size_weight`); on colour footage it sets the size."""
    gray = texture((240, 320), 0)
    cf = CorrelationFilter()
    cf.init(gray, 160, 120, 40, 30, colour=False)
    seen = zoomed(gray, 0.83)
    cf.respond(seen, 160, 120, 40, 30)
    assert cf.psr >= cf.PSR_CLEAR and cf.size_change(seen, 160, 120, 40, 30) < 0.95
    assert cf.size_weight == 0.5
    cf.init(colour_texture((240, 320), 0), 160, 120, 40, 30, colour=True)
    assert cf.size_weight == 1.0


def shrinking_colour_clip(n=60, shrink=0.6):
    """A colour-textured target shrinking to ``shrink`` of its sides over ground of
    another texture of the same colours: the colours cannot say where it ends."""
    ground = colour_texture((240, 320), 5, blur=1.5)
    target = colour_texture((60, 80), 6, blur=3.0)
    frames, boxes = [], []
    for k in range(n):
        s = shrink ** (k / (n - 1))
        w, h = int(round(40 * s)), int(round(30 * s))
        x, y = 140 - w // 2 + k, 120 - h // 2
        f = ground.copy()
        f[y:y + h, x:x + w] = cv2.resize(target, (w, h), interpolation=cv2.INTER_AREA)
        frames.append(f)
        boxes.append((x, y, w, h))
    return frames, np.array(boxes, float)


def test_shrinking_target_among_its_colours_is_sized_by_its_pattern():
    frames, truth = shrinking_colour_clip()
    states, boxes = track_with_pattern(frames, truth[0])
    area_ratio = boxes[:, 2] * boxes[:, 3] / (truth[1:, 2] * truth[1:, 3])
    # Sized by the colours alone the last box is 1.67 times the target's area (IoU 0.81).
    assert 0.75 <= area_ratio[-1] <= 1.33
    assert iou(boxes, truth[1:]).mean() >= 0.88
    assert not any(s.lost for s in states)


def twin_clip(n=90, gone=(25, 55)):
    """Gray footage: a 36 x 36 textured target glides over duller ground, vanishes for
    frames ``gone`` and comes back farther on its path; all along, its twin (the same
    pixels turned half round: the same gray levels, another pattern) sits elsewhere."""
    ground = cv2.normalize(texture((240, 320), 5, blur=1.0), None, 70, 150, cv2.NORM_MINMAX)
    target = texture((36, 36), 6, blur=3.0)
    twin = target[::-1, ::-1].copy()
    frames, boxes = [], []
    for k in range(n):
        frame = ground.copy()
        frame[170:206, 240:276] = twin
        x, y = 40 + 2 * k, 60 + int(10 * np.sin(k / 8))
        if not gone[0] <= k < gone[1]:
            frame[y:y + 36, x:x + 36] = target
        frames.append(frame)
        boxes.append((x, y, 36, 36))
    return frames, np.array(boxes, float)


def test_gray_target_is_not_swapped_for_a_twin_of_its_gray_levels():
    """While the target is gone, the whole-frame search finds its twin, which matches the
    gray levels as well as the target does: the pattern cue must not confirm it, so the
    target stays lost; back in view, it is confirmed and found again within a few frames."""
    frames, truth = twin_clip()
    tracker = MeanShiftTracker()           # gray footage: the pattern cue is on by default
    tracker.init(frames[0], truth[0])
    states = [tracker.update(f) for f in frames[1:]]
    boxes = np.array([s.box for s in states])
    lost = np.array([s.lost for s in states])
    on_twin = (np.abs(boxes[:, 0] - 240) < 18) & (np.abs(boxes[:, 1] - 170) < 18)
    assert not (on_twin & ~lost).any()
    assert lost[30:54].all()                       # frames 31-54: the target is gone
    overlap = iou(boxes, truth[1:])
    back = np.arange(1, len(frames)) >= 60
    assert (~lost[back]).all() and overlap[back].min() > 0.7


def test_size_is_judged_about_the_box_even_when_the_last_look_was_elsewhere():
    """On gray footage the filter looks from the prediction; asked then about the size of
    a box half a box away, it probes the box's own size too: a still texture is still
    its size (a ratio seen off-centre is far lower, and would lose to either probe)."""
    gray = texture((240, 320), 0)
    for w, h in ((40, 30), (24, 18)):
        cf = CorrelationFilter()
        cf.init(gray, 160, 120, w, h, colour=False)
        cf.respond(gray, 160 - 0.5 * w, 120, w, h)
        assert abs(cf.size_change(gray, 160, 120, w, h) - 1.0) <= 0.02


@pytest.mark.parametrize("gray, expected", [(True, 1.15 ** -0.5), (False, 1.15 ** -1)])
def test_the_filter_s_size_has_half_the_say_on_gray_footage(monkeypatch, gray, expected):
    """The colours' fit says the size is right, the filter a step smaller: the size asked
    of the next step is the filter's on colour footage and the geometric mean on gray."""
    import tracker.meanshift.tracker as tracker_module
    frame = texture((240, 320), 0) if gray else colour_texture((240, 320), 0)
    tracker = MeanShiftTracker(pattern_filter=True)
    tracker.init(frame, (140, 105, 40, 30))
    asked = []
    monkeypatch.setattr(tracker_module, "fit_size", lambda *args: (1.0, 1.0))
    monkeypatch.setattr(CorrelationFilter, "size_change", lambda self, *args: 1.0 / 1.15)
    real_next_size = tracker_module.next_size
    monkeypatch.setattr(tracker_module, "next_size",
                        lambda w, h, fw, fh, *rest: asked.append((fw, fh)) or real_next_size(w, h, fw, fh, *rest))
    tracker.update(frame)
    assert asked and asked[0] == pytest.approx((expected, expected))


@pytest.mark.parametrize("smaller, larger, whole_step", [(9.0, 10.6, True), (9.0, 10.3, False), (10.3, 9.0, False),
                                                         (10.8, 9.0, True)])
def test_a_probe_must_be_clearly_clearer_for_a_whole_step_on_gray_footage(monkeypatch, smaller, larger,
                                                                          whole_step):
    """The box's own size at PSR 10: on gray footage a probe more than SIZE_MARGIN clearer
    takes a whole step, one barely clearer the parabola's top, less than a step (scale
    drift); on colour footage any clearer probe takes the whole step."""
    gray, colour = CorrelationFilter(), CorrelationFilter()
    frame = texture((240, 320), 0)
    gray.init(frame, 160, 120, 40, 30, colour=False)
    colour.init(colour_texture((240, 320), 0), 160, 120, 40, 30, colour=True)
    for cf in (gray, colour):
        cf.respond(frame, 160, 120, 40, 30)
        cf.psr = 10.0
    # The probes' ratios: (i, j, psr) of the smaller, then the larger.
    answers = []
    monkeypatch.setattr(CorrelationFilter, "_look", lambda self, *args: (0, 0, answers.pop(0)))
    step = 1.0 + CorrelationFilter.SIZE_STEP
    full = step if larger > smaller else 1.0 / step
    answers[:] = [smaller, larger]
    change = gray.size_change(frame, 160, 120, 40, 30)
    assert (change == pytest.approx(full)) == whole_step
    assert (change > 1.0) == (larger > smaller)      # towards the clearer probe
    assert 1.0 / step - 1e-9 <= change <= step + 1e-9
    answers[:] = [smaller, larger]
    assert colour.size_change(frame, 160, 120, 40, 30) == pytest.approx(full)


def centre(box):
    """The tracker's centre of an (x, y, w, h) box."""
    return box[0] + (box[2] - 1) / 2, box[1] + (box[3] - 1) / 2


def drift_check_on(frames, truth):
    """A DriftCheck learnt on the gray clip's first frame and asked on the rest, on the target."""
    check = DriftCheck()
    check.init(frames[0], *centre(truth[0]), 40, 30)
    assert not any(check.drifted(f, *centre(b), 40, 30, (40, 30)) for f, b in zip(frames[1:], truth[1:]))
    check.reset()
    return check


def test_drift_check_holds_on_the_target_and_loses_a_box_left_on_ground():
    """The long-term filter answers on the gliding target frame after frame; a box left on
    the ground (the same gray levels, another pattern) is called drifted at the
    `STRIKES`-th look, `EVERY` frames apart, and not before."""
    frames, truth = gray_clip()
    check = drift_check_on(frames, truth)
    every, strikes = DriftCheck.EVERY, DriftCheck.STRIKES
    on_ground = [check.drifted(frames[-1], 60, 190, 40, 30, (40, 30)) for _ in range(every * strikes)]
    assert on_ground == [False] * (every * strikes - 1) + [True]


def test_a_clear_answer_on_the_target_clears_the_strikes():
    frames, truth = gray_clip()
    check = drift_check_on(frames, truth)
    every, strikes = DriftCheck.EVERY, DriftCheck.STRIKES
    ground = [(frames[-1], 60, 190)] * (every * (strikes - 1))
    target = [(frames[-1], *centre(truth[-1]))] * every
    assert not any(check.drifted(f, x, y, 40, 30, (40, 30)) for f, x, y in ground + target + ground)


def test_a_clear_answer_off_the_box_is_a_strike():
    """The target in the patch but 22 px (more than half a 40 x 30 box, 17 px) off the box's
    centre: the box is not on it, however clear the answer."""
    frames, truth = gray_clip()
    check = drift_check_on(frames, truth)
    x, y = centre(truth[-1])
    calls = DriftCheck.EVERY * DriftCheck.STRIKES
    off = [check.drifted(frames[-1], x + 22, y, 40, 30, (40, 30)) for _ in range(calls)]
    assert check.filter.psr >= DriftCheck.LOST_PSR and off[-1]


def test_a_drift_loses_the_target_and_resets_the_tracking_filter(monkeypatch):
    """Wiring: on gray footage the tracker asks the check on each tracked frame; a drift
    reported lost on that frame, the tracking filter given the check's memory; on colour
    footage it is never asked."""
    frames, truth = gray_clip()
    asked, resets = [], []
    monkeypatch.setattr(DriftCheck, "drifted", lambda self, *args: asked.append(1) or len(asked) == 5)
    monkeypatch.setattr(DriftCheck, "reset", lambda self: resets.append(len(asked)))
    tracker = MeanShiftTracker()
    tracker.init(frames[0], truth[0])
    lost = [tracker.update(f).lost for f in frames[1:7]]
    assert lost[:4] == [False] * 4 and lost[4]
    tracking, long_term = tracker._template, tracker._drift_check.filter
    assert np.array_equal(tracking._num, long_term._num) and tracking._num is not long_term._num
    assert np.array_equal(tracking._den, long_term._den) and tracking._den is not long_term._den
    assert (tracking._reg, tracking.typical_peak) == (long_term._reg, long_term.typical_peak)
    assert resets[-1] == 5         # the count starts afresh once the target is lost
    colour = MeanShiftTracker(pattern_filter=True)
    colour.init(colour_texture((240, 320), 0), (140, 105, 40, 30))
    asked.clear()
    colour.update(colour_texture((240, 320), 0))
    assert not asked


def hidden_clip(n=70):
    """Gray footage: a 36 x 36 target cut from the ground itself and turned half round
    (its gray levels are its surroundings', so the colours' contrast is nil) sways about
    one place."""
    ground = texture((240, 320), 5, blur=1.5)
    target = ground[40:76, 200:236][::-1, ::-1].copy()
    frames, boxes = [], []
    for k in range(n):
        frame = ground.copy()
        x, y = 140 + int(round(3 * np.sin(k / 6))), 110
        frame[y:y + 36, x:x + 36] = target
        frames.append(frame)
        boxes.append((x, y, 36, 36))
    return frames, np.array(boxes, float)


def test_gray_target_is_found_after_a_seek_on_its_pattern_s_word():
    """After a seek a gray target whose gray levels its surroundings share (no colour
    contrast to take it back on) is found at once, on its pattern's word. (That the word
    is needed: `test_gray_target_is_not_swapped_for_a_twin_of_its_gray_levels`.)"""
    frames, truth = hidden_clip()
    tracker = MeanShiftTracker()
    tracker.init(frames[0], truth[0])
    for f in frames[1:10]:
        tracker.update(f)
    assert tracker._model.background_similarity() > 1.0 - MeanShiftTracker.CONTRAST_LOST
    tracker.expect_jump()
    states = [tracker.update(f) for f in frames[40:50]]
    assert not any(s.lost for s in states)
    assert iou(np.array([s.box for s in states]), truth[40:50]).min() > 0.7


def test_filter_sights_a_moved_target_and_nothing_where_there_is_none():
    frame = texture((240, 320), 0)
    cf = CorrelationFilter()
    cf.init(frame, 160, 120, 40, 30)
    moved = cv2.warpAffine(frame, np.float32([[1, 0, 20], [0, 1, -8]]), (320, 240))
    window = Window(40.0, 30.0, 0.0)
    x, y = cf.sighting(moved, 160, 120, window)
    assert abs(x - 180) <= 2.0 and abs(y - 112) <= 2.0
    assert cf.sighting(texture((240, 320), 1), 160, 120, window) is None


def test_a_lost_gray_target_is_sought_where_its_pattern_is_sighted(monkeypatch):
    """Wiring: on gray footage the re-detection also starts where the filter sees the lost
    target about its last place; on colour footage it is not asked."""
    from tracker.meanshift.redetection import Redetector
    from tracker.meanshift.search import LocalSearch
    sought, starts = [], []
    real_search, real_run = Redetector.search, LocalSearch.run
    monkeypatch.setattr(Redetector, "search", lambda self, *args: sought.append(args[5]) or real_search(self, *args))
    monkeypatch.setattr(LocalSearch, "run", lambda self, frame, px, py, *args: starts.append((px, py))
                        or real_run(self, frame, px, py, *args))
    frames, truth = gray_clip()
    tracker = MeanShiftTracker()
    tracker.init(frames[0], truth[0])
    tracker.update(frames[1])
    tracker.expect_jump()
    tracker.update(frames[3])
    (x, y), = sought[-1]
    tx, ty = centre(truth[3])
    assert abs(x - tx) <= 3.0 and abs(y - ty) <= 3.0
    assert (x, y) in starts          # the re-detection searched from it
    colour = MeanShiftTracker(pattern_filter=True)
    colour.init(colour_texture((240, 320), 0), (140, 105, 40, 30))
    colour.expect_jump()
    colour.update(colour_texture((240, 320), 0))
    assert sought[-1] == []
