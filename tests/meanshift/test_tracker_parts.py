"""The tracker's parts, each on its own: the target model and its cue, size and angle
estimation, the brightness probe, the tests of a match, the local search and the
re-detector, against direct formulas, NumPy references and planted targets."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

import tests.support.reference as ref
from tracker import MeanShiftTracker
from tracker.errors import InputError
from tracker.meanshift.adaptation import (BrightnessProbe, edge_threshold, fit_size, frame_ellipse, moment_window,
                                          next_size, turned,
                                          weight_ellipse)
from tracker.meanshift.colour import ColourQuantizer, colour_space
from tracker.meanshift.confidence import Confidence
from tracker.meanshift.cues import BinnedRegion, ColourRatioCue, fuse
from tracker.meanshift.model import TargetModel, background_ring, box_histogram
from tracker.meanshift.redetection import LostTarget, Redetector
from tracker.meanshift.region import Region
from tracker.meanshift.search import Candidate, LocalSearch, sampling
from tracker.meanshift.state import Track, Window, rotated_bounds

RHO = 3.5 * 3.5 - 1.0
SPACE = colour_space("bgr", 16)
CONFIDENCE = Confidence(lost_threshold=0.5, foreground_lost=0.35, reacquire_margin=0.1, contrast_lost=0.06,
                        far_jump=1.0, far_jump_drop=0.1)


def random_bins(seed, shape=(40, 50), nbins=64, masked=0.1):
    rng = np.random.default_rng(seed)
    bins = rng.integers(0, nbins, shape).astype(np.int32)
    bins[rng.random(shape) < masked] = -1
    return bins


def learnt_model(bins, cx, cy, bounds, context_bounds, nbins=64):
    """A model learnt as the tracker learns it: the box's histogram, the ring's."""
    region = Region(None, 0, 0, 1.0, 1.0)
    model = TargetModel(nbins)
    q, total = box_histogram(bins, region, cx, cy, *bounds, nbins)
    assert total > 0
    model.learn(q)
    outer, inner, step = background_ring(region, cx, cy, bounds, context_bounds, 1e9)
    model.learn_background(bins, outer, inner, step, 1.0)
    return model, (outer, inner)


# --- the target model and its cue ------------------------------------------------------------

def test_background_model_is_the_ring_histogram_sampled_at_the_budget():
    bins = random_bins(0)
    region = Region(None, 0, 0, 1.0, 1.0)
    cx, cy, bounds, context = 24.5, 19.0, (10.0, 8.0), (35.0, 28.0)
    outer, inner, step = background_ring(region, cx, cy, bounds, context, 1e9)
    assert step == 1
    # The ring is the context box less the box, both about the centre: the box's pixels
    # are x 20..29, y 15..22, the context's x 7..41, y 5..32 (each to a pixel more).
    for box, (x0, y0, x1, y1) in ((inner, (20, 15, 29, 22)), (outer, (7, 5, 41, 32))):
        assert box[0] <= x0 and box[1] <= y0 and box[2] > x1 and box[3] > y1
        assert box[2] - box[0] <= x1 - x0 + 2 and box[3] - box[1] <= y1 - y0 + 2
    model = TargetModel(64)
    model.learn(np.full(64, 1 / 64))
    model.learn_background(bins, outer, inner, step, 1.0)
    ring, _ = ref.ring_histogram(bins, outer, inner, 64)
    np.testing.assert_allclose(model.b, ring)
    # Blending: b = (1 - rate) b + rate * ring, here with a sparser sample of the ring.
    outer, inner, step = background_ring(region, cx, cy, bounds, context, 100)
    sparse, count = ref.ring_histogram(bins, outer, inner, 64, step)
    assert step == 3 and 0.7 * 100 < count / 0.9 < 1.3 * 100     # about the budget (10 % masked)
    before = model.b.copy()
    model.learn_background(bins, outer, inner, step, 0.3)
    np.testing.assert_allclose(model.b, 0.7 * before + 0.3 * sparse)


def test_colour_ratio_cue_is_the_target_to_background_ratio():
    bins = random_bins(1)
    model, _ = learnt_model(bins, 24.5, 19.0, (12.0, 10.0), (42.0, 35.0))
    cue = ColourRatioCue(64, RHO)
    levels = cue.learn(model)
    q, b = model.q, model.b
    t = q / (q + RHO * b + 1e-12)
    np.testing.assert_allclose(cue.table, t.astype(np.float32), rtol=1e-6)
    assert levels == pytest.approx(((q * t).sum(), (b * t).sum()), rel=1e-9)
    assert cue.levels == levels
    view = BinnedRegion(Region(None, 0, 0, 1.0, 1.0), bins)
    out = cue.weights(view, np.empty(bins.shape, np.float32))
    np.testing.assert_array_equal(out, ref.back_project(bins, cue.table))
    # The anchored cue learns from the first frame's histogram, not the model.
    model.follow_looks(np.eye(64)[0], 0.5, 0.5)
    anchored = ColourRatioCue(64, RHO, anchored=True)
    anchored.learn(model)
    t0 = model.q0 / (model.q0 + RHO * b + 1e-12)
    np.testing.assert_allclose(anchored.table, t0.astype(np.float32), rtol=1e-6)
    cue.learn(model)
    assert not np.allclose(anchored.table, cue.table)


def test_model_follows_the_targets_looks_around_its_anchor():
    rng = np.random.default_rng(2)
    q0 = rng.random(64)
    q0 /= q0.sum()
    model = TargetModel(64)
    model.learn(q0)
    learnt = q0.copy()
    for _ in range(3):
        hist = rng.random(64)
        hist /= hist.sum()
        model.follow_looks(hist, 0.1, 0.5)
        learnt = 0.9 * learnt + 0.1 * hist
        np.testing.assert_allclose(model.q, 0.5 * q0 + 0.5 * learnt)
        np.testing.assert_allclose(model.q0, q0)


def test_model_scores_a_box_by_its_kernel_histogram():
    bins = random_bins(3, (60, 80))
    model, _ = learnt_model(bins, 40.0, 30.0, (20.0, 14.0), (70.0, 49.0))
    region = Region(None, 0, 0, 2.0, 1.0)       # region pixels twice as wide as frame pixels
    angle = 20.0
    hist, _ = ref.epanechnikov_histogram(bins, 33.0, 28.0, 30.0 / 2 / 2, 16.0 / 2, math.radians(angle), 64)
    assert model.score(bins, region, 33.0, 28.0, 30.0, 16.0, angle) == pytest.approx(
        ref.bhattacharyya(hist, model.q), rel=1e-9)
    measured, similarity = model.measure(bins, region, 33.0, 28.0, 30.0, 16.0, angle)
    np.testing.assert_allclose(measured, hist, rtol=1e-9, atol=1e-15)
    assert similarity == model.score(bins, region, 33.0, 28.0, 30.0, 16.0, angle)


def test_background_similarity_is_the_bhattacharyya_of_the_two_models():
    rng = np.random.default_rng(5)
    q0, b = rng.random(64), rng.random(64)
    b[::3] = 0.0
    model = TargetModel(64)
    model.learn(q0 / q0.sum())
    model.b[:] = b / b.sum()
    assert model.background_similarity() == pytest.approx(ref.bhattacharyya(model.b, model.q), rel=1e-12)
    model.b[:] = model.q
    assert model.background_similarity() == pytest.approx(1.0)      # surroundings of the target's colours


def test_fused_cue_weighs_with_the_shares_of_its_cues():
    bins = random_bins(4)
    model, _ = learnt_model(bins, 24.5, 19.0, (12.0, 10.0), (42.0, 35.0))
    model.follow_looks(np.eye(64)[5], 0.5, 0.5)
    colour, anchored = ColourRatioCue(64, RHO), ColourRatioCue(64, RHO, anchored=True)
    fused = fuse([colour, anchored], [3.0, 1.0])
    levels = fused.learn(model)
    view = BinnedRegion(Region(None, 0, 0, 1.0, 1.0), bins)
    out = fused.weights(view, np.empty(bins.shape, np.float32))
    expected = 0.75 * ref.back_project(bins, colour.table) + 0.25 * ref.back_project(bins, anchored.table)
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)
    assert levels == pytest.approx(tuple(0.75 * a + 0.25 * b for a, b in zip(colour.levels, anchored.levels)))
    assert fuse([colour]) is colour
    for cues, shares in (([], None), ([colour, anchored], [1.0]), ([colour, anchored], [1.0, -1.0]),
                         ([colour, anchored], [0.0, 0.0])):
        with pytest.raises(InputError):
            fuse(cues, shares)


# --- size and angle --------------------------------------------------------------------------

def slow_fit(weights, u, v, w, h, theta, factors, tau):
    """Brute force: every candidate box's weight less tau per pixel, summed pixel by pixel."""
    ys, xs = np.mgrid[:weights.shape[0], :weights.shape[1]]
    a = np.abs((xs - u) * np.cos(theta) + (ys - v) * np.sin(theta))
    b = np.abs((ys - v) * np.cos(theta) - (xs - u) * np.sin(theta))
    scores = {(fw, fh): ((weights - tau) * ((a <= w * fw / 2) & (b <= h * fh / 2))).sum()
              for fw in factors for fh in factors}
    return max(scores, key=scores.get)


@pytest.mark.parametrize("seed", range(4))
def test_size_fit_matches_brute_force_on_a_sampled_region(seed):
    rng = np.random.default_rng(seed)
    weights = (0.2 * rng.random((50, 60))).astype(np.float32)
    weights[15:35, 18:42] += 0.7
    levels = (0.8, 0.1)
    tau = edge_threshold(levels, 0.1)
    assert tau == pytest.approx(0.1 + 0.1 * 0.7)
    region = Region(None, 100, 50, 2.0, 1.5)       # the region samples every 2nd / 1.5th pixel
    window = Window(40.0 + 10 * rng.random(), 24.0 + 10 * rng.random(), 25.0 if seed % 2 else 0.0)
    factors = np.array([0.9, 0.95, 1.0, 1.05, 1.1])
    u, v = 30 + rng.uniform(-2, 2), 25 + rng.uniform(-2, 2)
    fw, fh = fit_size(weights, region, u, v, window, factors, tau, np.empty((5, 5)))
    assert (fw, fh) == slow_fit(weights.astype(np.float64), u, v, window.w / 2.0, window.h / 1.5,
                                math.radians(window.angle), factors, tau)


def test_size_fit_finds_a_planted_target():
    weights = np.full((60, 80), 0.1, np.float32)
    weights[20:40, 25:55] = 0.9                       # 30 x 20 region pixels = 60 x 30 frame pixels
    region = Region(None, 0, 0, 2.0, 1.5)
    factors = np.array([0.8, 0.9, 1.0, 1.1, 1.25])
    fw, fh = fit_size(weights, region, 39.5, 29.5, Window(48.0, 24.0, 0.0), factors,
                      edge_threshold((0.9, 0.1), 0.1), np.empty((5, 5)))
    assert (48.0 * fw, 24.0 * fh) == pytest.approx((60.0, 30.0))


def test_next_size_steps_part_way_and_keeps_shape_and_limits():
    first, frame = (40.0, 30.0), (640, 480)
    rule = dict(rate=0.2, aspect_limit=1.2, limits=(0.2, 5.0))
    w, h = next_size(40.0, 30.0, 1.1, 1.05, first, frame, **rule)
    assert (w, h) == pytest.approx((40 * 1.1 ** 0.2, 30 * 1.05 ** 0.2))
    # Stretched again and again: the aspect ratio stops 1.2 times from the first frame's.
    w, h = first
    for _ in range(200):
        w, h = next_size(w, h, 1.1, 0.9, first, frame, **rule)
    assert w / h == pytest.approx(40 / 30 * 1.2)
    # Grown again and again: at most 5 times the first size.
    w, h = first
    for _ in range(500):
        w, h = next_size(w, h, 1.1, 1.1, first, frame, **rule)
    assert math.sqrt(w * h / (40 * 30)) == pytest.approx(5.0)
    # ...and never beyond the frame; shrunk, at least a fifth and a pixel.
    w, h = 200.0, 150.0
    for _ in range(500):
        w, h = next_size(w, h, 1.1, 1.1, (200.0, 150.0), frame, **rule)
    assert w <= 640 + 1e-9 and h <= 480 + 1e-9 and max(w / 640, h / 480) == pytest.approx(1.0)
    w, h = first
    for _ in range(500):
        w, h = next_size(w, h, 0.9, 0.9, first, frame, **rule)
    assert math.sqrt(w * h / (40 * 30)) == pytest.approx(0.2)
    w, h = 3.0, 3.0
    for _ in range(100):
        w, h = next_size(w, h, 0.9, 0.9, (3.0, 3.0), frame, **rule)
    assert min(w, h) == pytest.approx(1.0)


@pytest.mark.parametrize("step", [1.0, 2.0])
def test_weight_ellipse_and_angle_follow_a_turning_blob(step):
    theta = 0.5
    frame_upright = ref.blob((120, 160), 80, 60, 30, 8, theta=0.0, flat=True)
    frame_turned = ref.blob((120, 160), 80, 60, 30, 8, theta=theta, flat=True)
    region = Region(None, 0, 0, step, step)
    shrink = lambda img: img[::int(step), ::int(step)].copy()    # noqa: E731  (nearest sampling)
    e0 = weight_ellipse(shrink(frame_upright), region, 80, 60, (150.0, 110.0))
    e = weight_ellipse(shrink(frame_turned), region, 80, 60, (150.0, 110.0))
    _, _, length, width, angle = ref.principal_axes(frame_turned)
    assert e.theta == pytest.approx(angle, abs=0.03)
    # In frame pixels whatever the sampling.
    assert (e.length, e.width) == pytest.approx((length, width), rel=0.05)
    rule = dict(elongation=2.0, least_turn=7.5)
    assert turned(0.0, e, e0, 1.0, **rule) == pytest.approx(math.degrees(theta), abs=2.0)
    assert turned(10.0, e, e0, 0.3, **rule) == pytest.approx(10.0 + 0.3 * (math.degrees(e.theta - e0.theta) - 10.0))
    # A turn smaller than least_turn counts as none: the angle heads back to upright.
    assert turned(10.0, e, e0, 0.3, elongation=2.0, least_turn=30.0) == pytest.approx(7.0)
    # A round blob has no orientation, nor has a blob less elongated than asked: the angle stays.
    disc = ref.blob((120, 160), 80, 60, 20, 20, flat=True)
    assert turned(7.0, weight_ellipse(shrink(disc), region, 80, 60, (150.0, 110.0)), e0, 1.0, **rule) == 7.0
    assert e.length < 4.0 * e.width and turned(7.0, e, e0, 1.0, elongation=4.0, least_turn=0.0) == 7.0
    assert turned(7.0, None, e0, 1.0, **rule) == 7.0
    assert weight_ellipse(np.zeros((60, 80), np.float32), region, 80, 60, (50.0, 50.0)) is None
    # The moments straight from a bin map are those of its back-projection's weights.
    bins = np.where(shrink(frame_turned) > 0.5, 1, 0).astype(np.int32)
    cue = ColourRatioCue(2, 1.0)
    cue.table[:] = (0.25, 1.0)
    window = moment_window(region, 80, 60, (150.0, 110.0))
    got = frame_ellipse(cue.window_moments(BinnedRegion(region, bins), window), region)
    assert got == weight_ellipse(cue.table[bins], region, 80, 60, (150.0, 110.0))


def patchy_image(seed, shape=(120, 160)):
    """Blocks of random colour, smoothed: colours of many bins, in large areas."""
    rng = np.random.default_rng(seed)
    small = rng.integers(30, 226, (shape[0] // 10, shape[1] // 10, 3), dtype=np.uint8)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)


def test_brightness_probe_follows_a_dimmer_scene_and_keeps_a_steady_one():
    image = patchy_image(5)
    region = Region(image, 0, 0, 1.0, 1.0)
    quantizer = ColourQuantizer(SPACE)
    bins = quantizer.bin_map(image, 1.0).copy()
    model = TargetModel(SPACE.size)
    q, _ = box_histogram(bins, region, 80, 60, 100, 80, SPACE.size)
    model.learn(q)
    probe = BrightnessProbe(SPACE, 0.03, 0.005, (0.2, 5.0))

    def gain_for(img, gain):
        r = Region(img, 0, 0, 1.0, 1.0)
        b = quantizer.bin_map(img, gain).copy()
        score = model.score(b, r, 80, 60, 100, 80, 0.0)
        return probe.best_gain(r, 80, 60, Window(100.0, 80.0, 0.0), gain, score, model)

    assert gain_for(image, 1.0) == 1.0
    dimmer = np.clip(np.rint(image * 0.97), 0, 255).astype(np.uint8)
    assert gain_for(dimmer, 1.0) == pytest.approx(1 / 1.03)
    brighter = np.clip(np.rint(image * 1.03), 0, 255).astype(np.uint8)
    assert gain_for(brighter, 1.0) == pytest.approx(1.03)
    assert gain_for(image, 0.2) >= 0.2        # the limits hold


# --- the tests of a match, the state ---------------------------------------------------------

def test_confidence_thresholds():
    def candidate(score, foreground=1.0, cx=100.0, cy=100.0, contrast=1.0):
        return Candidate(cx, cy, score, 0.0, 0.0, foreground, contrast)

    assert CONFIDENCE.plausible(candidate(0.5)) and not CONFIDENCE.plausible(candidate(0.49))
    assert not CONFIDENCE.plausible(candidate(0.9, foreground=0.3))
    assert CONFIDENCE.acceptable(candidate(0.6)) and not CONFIDENCE.acceptable(candidate(0.59))
    # Matching the model no better than the surroundings do: indistinct, never taken back.
    assert CONFIDENCE.distinct(candidate(0.9, contrast=0.06)) and not CONFIDENCE.distinct(candidate(0.9, contrast=0.05))
    assert CONFIDENCE.plausible(candidate(0.9, contrast=0.0)) and not CONFIDENCE.acceptable(candidate(0.9, contrast=0.05))
    window = Window(20.0, 20.0, 0.0)
    # More than a box away and worse than typical by 0.1: doubtful; near, or typical: not.
    assert CONFIDENCE.doubtful_jump(candidate(0.7, cx=125.0), 100.0, 100.0, window, 0.85)
    assert not CONFIDENCE.doubtful_jump(candidate(0.7, cx=115.0), 100.0, 100.0, window, 0.85)
    assert not CONFIDENCE.doubtful_jump(candidate(0.8, cx=125.0), 100.0, 100.0, window, 0.85)


def test_track_moves_remembers_and_reports_a_clipped_box():
    track = Track((100, 80), 10.0, 40.0, 30.0, 20.0, 0.0, 30, 20)
    track.remember()
    track.move_to(4.0, 42.0, 0.6)
    assert (track.vx, track.vy) == pytest.approx((-3.6, 1.2)) and track.predicted() == pytest.approx((0.4, 43.2))
    state = track.result()
    assert state.box == pytest.approx((0.0, 32.5, 4.0 + 15.5, 20.0))     # clipped at the left edge
    assert state.rotated == ((4.5, 42.5), (30.0, 20.0), 0.0)
    track.lose(0.3)
    assert track.lost and state.lost is False and (track.vx, track.vy) == (0.0, 0.0) and track.score == 0.3
    track.restore()
    assert (track.cx, track.cy) == (10.0, 40.0)


def test_rotated_bounds_of_an_upright_box_are_the_general_formula_s():
    """The upright shortcut gives what the ellipse's bounds give at angle 0, bit for bit
    and as Python floats (a float32 size must not reach the kernels as float32)."""
    def general(w, h, a):
        cs, sn = abs(math.cos(a)), abs(math.sin(a))
        return math.hypot(w * cs, h * sn), math.hypot(w * sn, h * cs)
    sizes = [(30.0, 20.0), (0.37, 1234.5), (np.float32(3.3), np.float32(7.1)), (5, 7), (-3.0, 4.0)]
    for w, h in sizes + [tuple(v) for v in np.random.default_rng(0).uniform(0.1, 2000, (200, 2))]:
        for upright in (0.0, -0.0, np.float64(0.0)):
            got = rotated_bounds(w, h, upright)
            assert got == general(w, h, upright) and all(type(v) is float for v in got)
    # Turned, the ellipse's bounds: a 3:1 box at 30 degrees.
    assert rotated_bounds(30.0, 10.0, math.radians(30)) == pytest.approx(general(30.0, 10.0, math.radians(30)))
    assert rotated_bounds(30.0, 10.0, math.radians(90)) == pytest.approx((10.0, 30.0))


def test_track_counts_indistinct_frames_and_goes_back_to_where_they_began():
    track = Track((100, 80), 10.0, 40.0, 30.0, 20.0, 0.0, 30, 20)
    assert track.note_distinct(True) == 0
    for k, x in enumerate((14.0, 18.0, 22.0), 1):
        track.remember()
        assert track.note_distinct(False) == k
        track.move_to(x, 40.0, 0.6)
        track.resize(40.0, 30.0)
    track.lose_indistinct(0.8)
    assert track.lost and (track.cx, track.cy, track.w, track.h) == (10.0, 40.0, 30.0, 20.0)
    assert track.indistinct == 0
    track.tracked(0.9)
    track.remember()
    track.note_distinct(False)
    assert track.note_distinct(True) == 0           # a distinct frame ends the run


# --- the local search and the re-detector ----------------------------------------------------

def scene(target_at=None, seed=0, size=(320, 240)):
    """Grey-green noisy background with an orange disc (radius 14) at ``target_at``."""
    rng = np.random.default_rng(seed)
    frame = np.empty((size[1], size[0], 3), np.uint8)
    frame[...] = (70, 110, 60)
    frame += rng.integers(0, 30, frame.shape, dtype=np.uint8)
    if target_at is not None:
        cv2.circle(frame, (int(target_at[0]), int(target_at[1])), 14, (30, 140, 235), -1)
    return frame


def learn_target(frame, cx, cy, w, h, search):
    """The model, the cue and the first frame's target-likeness, learnt as the tracker does."""
    view = search.look(frame, cx, cy, w * 4.0, h * 4.0, sampling(w, h, 1600), 1.0)
    u, v = view.region.to_region(cx, cy)
    model = TargetModel(SPACE.size)
    q, _ = box_histogram(view.bins, view.region, u, v, w, h, SPACE.size)
    model.learn(q)
    window = Window(w, h, 0.0)
    outer, inner, step = background_ring(view.region, cx, cy, window.bounds(), window.bounds(3.5), 4800)
    model.learn_background(view.bins, outer, inner, step, 1.0)
    cue = ColourRatioCue(SPACE.size, RHO)
    cue.learn(model)
    weights = search.weigh(view, cue)
    foreground0 = search.foreground(weights, view.region, u, v, window.bounds())
    return model, cue, foreground0


def new_search():
    return LocalSearch(SPACE, 3.5, 1600, 0.03, 1.5, 0.5, 20, (0.5, 0.75, 1.0))


def test_local_search_follows_a_moved_target():
    search = new_search()
    model, cue, foreground0 = learn_target(scene((100, 90)), 100.0, 90.0, 29.0, 29.0, search)
    result = search.run(scene((112, 97), seed=1), 100.0, 90.0, Window(29.0, 29.0, 0.0), 1.0, model, cue,
                        foreground0)
    found = result.found
    assert math.hypot(found.cx - 112, found.cy - 97) < 1.5
    assert found.score > 0.9 and found.foreground > 0.8
    assert result.view.region.to_frame(found.u, found.v) == pytest.approx((found.cx, found.cy))
    assert result.weights.shape == result.view.bins.shape


def test_redetector_finds_a_planted_target_and_nothing_without_it():
    search = new_search()
    model, cue, foreground0 = learn_target(scene((60, 60)), 60.0, 60.0, 29.0, 29.0, search)
    redetector = Redetector(SPACE, 160 * 120, 4, search, CONFIDENCE)
    lost = LostTarget(60.0, 60.0, Window(29.0, 29.0, 0.0), 1.0, False, 0.95, foreground0)
    frame = scene((250, 180), seed=2)
    starts = redetector.starts(frame, lost.window, 1.0, cue)
    assert min(math.hypot(x - 250, y - 180) for x, y in starts) < 15
    found = redetector.search(frame, lost, model, cue)
    assert found.search is not None and found.gain == 1.0
    assert math.hypot(found.search.found.cx - 250, found.search.found.cy - 180) < 2.0
    # The search it returns is current: its region holds the candidate.
    region = found.search.view.region
    assert region.to_frame(found.search.found.u, found.search.found.v) == pytest.approx(
        (found.search.found.cx, found.search.found.cy))
    empty = redetector.search(scene(None, seed=3), lost, model, cue)
    assert empty.search is None and empty.closest < 0.6 and empty.gain == 1.0
    # Told to look only where the target was last seen, it does not find it far away.
    local_only = redetector.search(frame, lost._replace(whole_frame=False), model, cue)
    assert local_only.search is None


def lost_tracker_logging_searches(monkeypatch, frames):
    """A tracker that learnt the disc on ``frames[0]`` and was then told it lost it, and
    the list to which each of its re-detector's searches appends whether it sought the
    whole frame."""
    t = MeanShiftTracker()
    t.init(frames[0], (46, 46, 29, 29))
    t.mark_lost()
    asked = []
    search = Redetector.search
    monkeypatch.setattr(Redetector, "search", lambda self, frame, lost, *a: asked.append(lost.whole_frame)
                        or search(self, frame, lost, *a))
    return t, asked


def searches_after_a_seek(t, asked, frames):
    asked.clear()
    t.expect_jump()
    for f in frames:
        t.update(f)
    return list(asked)


def test_lost_tracker_searches_the_whole_frame_every_other_frame_and_every_frame_after_a_seek(monkeypatch):
    frames = [scene((60, 60))] + [scene(None, seed=k) for k in range(1, 6)]
    t, asked = lost_tracker_logging_searches(monkeypatch, frames)
    for f in frames[1:]:
        assert t.update(f).lost
    assert asked == [True, False, True, False, True]
    assert searches_after_a_seek(t, asked, frames[1:4]) == [True, True, True]


def test_a_target_lost_for_long_is_sought_in_the_whole_frame_less_often_and_every_frame_after_a_seek(monkeypatch):
    frames = [scene((60, 60))] + [scene(None, seed=k) for k in range(1, 4)]
    t, asked = lost_tracker_logging_searches(monkeypatch, frames)
    n = t.LONG_LOST + 3 * t.WHOLE_FRAME_EVERY_LONG_LOST
    for k in range(n):
        assert t.update(frames[1 + k % 3]).lost
    every = t.WHOLE_FRAME_EVERY
    assert asked[:t.LONG_LOST] == [k % every == 0 for k in range(t.LONG_LOST)]
    # Lost that long, one frame in WHOLE_FRAME_EVERY_LONG_LOST (fewer than before).
    later = asked[t.LONG_LOST:]
    assert later == [k % t.WHOLE_FRAME_EVERY_LONG_LOST == 0 for k in range(t.LONG_LOST, n)]
    assert searches_after_a_seek(t, asked, frames[1:4]) == [True, True, True]


def test_redetector_after_a_seek_also_tries_the_light_the_target_was_learnt_in():
    search = new_search()
    model, cue, foreground0 = learn_target(scene((60, 60)), 60.0, 60.0, 29.0, 29.0, search)
    redetector = Redetector(SPACE, 160 * 120, 4, search, CONFIDENCE)
    frame = scene((250, 180), seed=2)
    # Last seen under much dimmer light (a gain of 0.6): the frame binned so misses it.
    lost = LostTarget(60.0, 60.0, Window(29.0, 29.0, 0.0), 0.6, False, 0.95, foreground0)
    assert redetector.search(frame, lost, model, cue).search is None
    found = redetector.search(frame, lost._replace(jumped=True), model, cue)
    assert found.search is not None and found.gain == 1.0
    assert math.hypot(found.search.found.cx - 250, found.search.found.cy - 180) < 2.0


@pytest.mark.parametrize("last_gain, scene_gain, expected", [
    (1.0, 1.7, [1.0, 1.7]),            # a scene brighter by more than a bin: searched under its light too
    (1.0, 1.05, [1.0]),                # within a bin: relighting reaches it
    (0.8, 1.3, [0.8, 1.0, 1.3]),       # beside both the last-seen and the learnt light
    (0.8, 0.85, [0.8, 1.0]),           # within a bin of the last-seen light
    (1.0, 9.0, [1.0, 5.0]),            # clamped to the brightness limits
])
def test_after_a_seek_the_frame_is_searched_under_the_scene_s_light_too(last_gain, scene_gain, expected):
    probe = BrightnessProbe(SPACE, 0.03, 0.005, (0.2, 5.0))
    redetector = Redetector(SPACE, 160 * 120, 4, new_search(), CONFIDENCE, probe, relight_span=1.25)
    lost = LostTarget(60.0, 60.0, Window(29.0, 29.0, 0.0), last_gain, True, 0.95, 1.0, scene_gain)
    starts, _ = redetector.gains(lost)
    assert starts == pytest.approx(expected)
    not_sought = lost._replace(jumped=False)
    assert redetector.gains(not_sought) == ([last_gain], [])
