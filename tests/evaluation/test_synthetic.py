"""The synthetic scene renderer: determinism, exact ground truth, scenario contents, demo files."""

from __future__ import annotations

import importlib.util
import math

import cv2
import numpy as np
import pytest

from tests.support.paths import ROOT
from tracker.evaluation import synthetic as sy

DEMO_DIR = ROOT / "videos" / "demo"
SMALL = (320, 240)


def _target_pixels(scene: sy.Scene, i: int) -> np.ndarray:
    """Mask of pixels the target changes, found by rendering with and without it."""
    hide = ("occluder", "distractor")
    with_target = scene.render(i, without=hide, noise=False).astype(np.int16)
    without = scene.render(i, without=hide + ("target",), noise=False).astype(np.int16)
    return np.abs(with_target - without).max(axis=2) > 0


def _load_script():
    spec = importlib.util.spec_from_file_location("make_demo_video", ROOT / "scripts" / "make_demo_video.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_same_seed_gives_same_frames_in_any_order():
    a = sy.make_scene("demo", 40, (160, 120), seed=3)
    b = sy.make_scene("demo", 40, (160, 120), seed=3)
    # Frame 20 rendered first in one scene and after frame 0 in the other.
    f20 = a.render(20)
    b.render(0)
    np.testing.assert_array_equal(f20, b.render(20))
    np.testing.assert_array_equal(a.render(0), b.render(0))
    clip = sy.render_clip("demo", 40, (160, 120), seed=3)
    np.testing.assert_array_equal(clip.frames[20], b.render(20))
    other = sy.make_scene("demo", 40, (160, 120), seed=4)
    assert np.abs(other.render(0).astype(int) - a.render(0)).mean() > 5


def test_noise_is_mild_and_changes_every_frame():
    scene = sy.make_scene("brightness", 10, SMALL)
    clean = scene.render(0, noise=False).astype(float)
    d0 = scene.render(0).astype(float) - clean
    d1 = scene.render(1, noise=False).astype(float) - scene.render(1).astype(float)
    assert 1.0 < d0.std() < 4.0
    assert abs(np.corrcoef(d0.ravel(), d1.ravel())[0, 1]) < 0.05


@pytest.mark.parametrize("scenario", sy.SCENARIOS)
def test_every_scenario_renders_requested_size_and_count(scenario):
    clip = sy.render_clip(scenario, 5, (160, 120), seed=1)
    assert len(clip.frames) == len(clip.boxes) == len(clip.rotated) == 5
    for frame in clip.frames:
        assert frame.shape == (120, 160, 3) and frame.dtype == np.uint8
    for (x, y, w, h), ((cx, cy), (rw, rh), _) in zip(clip.boxes, clip.rotated):
        assert w > 0 and h > 0
        assert x + w / 2 == pytest.approx(cx, abs=0.1) and y + h / 2 == pytest.approx(cy, abs=0.1)


def test_unknown_scenario_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown scenario"):
        sy.make_scene("nope", 10)


@pytest.mark.parametrize("scenario", sy.SCENARIOS)
def test_ground_truth_box_is_the_tight_box_of_the_drawn_target(scenario):
    n = 60
    scene = sy.make_scene(scenario, n, SMALL)
    for i in (0, 17, 31, 44, n - 1):
        ys, xs = np.nonzero(_target_pixels(scene, i))
        x, y, w, h = scene.box(i)
        # Pixel j spans [j, j+1): the drawn extent is [min, max + 1).
        assert abs(xs.min() - x) <= 2 and abs(xs.max() + 1 - (x + w)) <= 2, (i, x, w, xs.min(), xs.max())
        assert abs(ys.min() - y) <= 2 and abs(ys.max() + 1 - (y + h)) <= 2, (i, y, h, ys.min(), ys.max())
        # Fully inside the frame, so a tracker can be scored on every frame.
        assert x >= 0 and y >= 0 and x + w <= SMALL[0] and y + h <= SMALL[1]


@pytest.mark.parametrize("n_frames", [30, 300, 900])
def test_target_stays_inside_the_frame_for_any_clip_length(n_frames):
    for scenario in sy.SCENARIOS:
        scene = sy.make_scene(scenario, n_frames, (160, 120))
        for i in range(0, n_frames, 3):
            x, y, w, h = scene.box(i)
            assert x >= 0 and y >= 0 and x + w <= 160 and y + h <= 120, (scenario, i)


def test_rotated_rect_follows_the_drawn_orientation():
    n = 40
    scene = sy.make_scene("rotation", n, SMALL)
    angles = [scene.rotated(i)[2] for i in range(n)]
    assert angles[-1] - angles[0] == pytest.approx(180, abs=1)
    for i in range(0, n, 6):
        mask = _target_pixels(scene, i).astype(np.uint8)
        m = cv2.moments(mask, binaryImage=True)
        # Orientation of the major axis from second moments, independent of the renderer.
        drawn = 0.5 * math.degrees(math.atan2(2 * m["mu11"], m["mu20"] - m["mu02"]))
        (cx, cy), (w, h), angle = scene.rotated(i)
        assert w / h == pytest.approx(3, rel=0.01)
        diff = (drawn - angle + 90) % 180 - 90
        assert abs(diff) < 2, (i, drawn, angle)
        # Moment centres put pixel centres on integers: half a pixel left of ours.
        assert m["m10"] / m["m00"] + 0.5 == pytest.approx(cx, abs=0.3)
        assert m["m01"] / m["m00"] + 0.5 == pytest.approx(cy, abs=0.3)


@pytest.mark.parametrize("scenario", ["demo", "rotation"])
def test_target_colours_are_rare_in_the_background(scenario):
    scene = sy.make_scene(scenario, 30, SMALL)
    mask = _target_pixels(scene, 0)
    frame = cv2.cvtColor(scene.render(0, without=("occluder", "distractor")), cv2.COLOR_BGR2HSV)
    background = cv2.cvtColor(scene.render(0, without=("target", "occluder", "distractor")), cv2.COLOR_BGR2HSV)
    hist = cv2.calcHist([frame], [0, 1], mask.astype(np.uint8), [30, 32], [0, 180, 0, 256])
    hist /= hist.sum()
    # Bins that hold at least 1% of the target's pixels: its colour signature.
    signature = (hist >= 0.01).astype(np.float32)
    hits = cv2.calcBackProject([background], [0, 1], signature, [0, 180, 0, 256], 1)
    assert (hits > 0).mean() < 0.01


def test_demo_motion_is_smooth_and_slow():
    scene = sy.make_scene("demo", 300)
    centres = np.array([scene.rotated(i)[0] for i in range(300)])
    speed = np.linalg.norm(np.diff(centres, axis=0), axis=1)
    assert speed.max() <= 6.0
    assert np.abs(np.diff(speed)).max() < 0.5  # no jerks
    assert np.ptp(centres[:, 0]) > 200  # and it does go places
    occluded = [i for i in range(0, 300, 2) if scene.occlusion(i) > 0.05]
    assert 20 <= 2 * len(occluded) <= 45  # about a second at 30 fps
    assert max(scene.occlusion(i) for i in occluded) < 0.7


def test_occlusion_hides_about_half_for_about_20_frames():
    scene = sy.make_scene("occlusion", 100, SMALL)
    cover = np.array([scene.occlusion(i) for i in range(100)])
    assert 16 <= np.count_nonzero((cover >= 0.4) & (cover <= 0.65)) <= 30
    assert cover.max() <= 0.65
    assert cover[:20].max() == 0 and cover[-20:].max() == 0


def test_distractor_passes_close_but_never_overlaps():
    scene = sy.make_scene("distractor", 100, SMALL)
    gaps = []
    for i in range(100):
        t, d = scene.target.path(i), scene.distractor.path(i)
        tx, ty, tw, th = sy.bounding_box("ellipse", t)
        dx, dy, dw, dh = sy.bounding_box("box", d)
        overlap_x = min(tx + tw, dx + dw) - max(tx, dx)
        overlap_y = min(ty + th, dy + dh) - max(ty, dy)
        assert overlap_x <= 0 or overlap_y <= 0, i
        gaps.append(math.dist(t.center, d.center) / t.size[0])
    assert min(gaps) <= 1.55
    # Similar colours: the distractor is drawn from the same reds and yellows family.
    hsv = cv2.cvtColor(np.array([scene.distractor.sprite.colors], np.uint8), cv2.COLOR_BGR2HSV)[0]
    assert all(h <= 35 and s > 150 for h, s, _ in hsv)


def test_brightness_dips_to_half_and_recovers():
    n = 50
    scene = sy.make_scene("brightness", n, SMALL)
    means = [scene.render(i, noise=False).mean() for i in (0, n // 2, n - 1)]
    assert means[1] / means[0] == pytest.approx(0.5, abs=0.03)
    assert means[2] / means[0] == pytest.approx(1.0, abs=0.03)


def test_scale_grows_to_twice_and_shrinks_to_six_tenths():
    scene = sy.make_scene("scale", 100, SMALL)
    widths = np.array([scene.box(i)[2] for i in range(100)]) / scene.box(0)[2]
    assert widths.max() == pytest.approx(2.0, abs=0.05)
    assert widths.min() == pytest.approx(0.6, abs=0.05)
    assert widths.argmax() < widths.argmin()


def test_committed_demo_files_match_a_fresh_render():
    script = _load_script()
    gt = (DEMO_DIR / "groundtruth_rect.txt").read_text().splitlines()
    scene = sy.make_scene("demo", script.N_FRAMES, script.SIZE, script.SEED)
    assert gt == [script.format_box(scene.box(i)) for i in range(script.N_FRAMES)]

    cap = cv2.VideoCapture(str(DEMO_DIR / "demo.mp4"))
    ok, first = cap.read()
    assert ok and first.shape == (script.SIZE[1], script.SIZE[0], 3)
    count = 1
    while cap.grab():
        count += 1
    cap.release()
    assert count == script.N_FRAMES == len(gt)
    # Lossy codec: close on average, and the target region in particular.
    fresh = scene.render(0).astype(float)
    assert np.abs(first - fresh).mean() < 5
    x, y, w, h = (int(round(v)) for v in scene.box(0))
    assert np.abs(first[y:y + h, x:x + w] - fresh[y:y + h, x:x + w]).mean() < 8
    assert (DEMO_DIR / "demo.mp4").stat().st_size < 3_000_000
