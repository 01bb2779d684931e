"""The benchmarks run from any install: without a clip they render one, and they take a
clip by path. (An installed ``mstrack bench`` looked for a clip beside site-packages.)"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tracker.errors import SourceError
from tracker.evaluation import bench, bench_segmentation
from tracker.evaluation.synthetic import make_scene


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """As if the package were installed: no repository (and no shared data) around it."""
    monkeypatch.setattr(bench, "REPO_ROOT", tmp_path / "site-packages")


def test_tracking_bench_without_a_clip_renders_one(installed):
    rows = bench.bench_tracking(sizes=[(320, 180)], frames=12, repeats=1,
                                targets=("small", "large"))
    assert [r["target"] for r in rows] == ["small", "large"]
    for row, share in zip(rows, (0.08, 0.30)):
        assert row["width_pct"] == pytest.approx(100 * share, abs=0.6)
        assert row["frames"] == 11 and row["ours_ms"] > 0 and row["opencv_ms"] > 0
    ball = make_scene(bench.SYNTHETIC_SCENE, 12, bench.SYNTHETIC_SIZE).box(0)
    x, y, w, h = rows[0]["box"]                 # centred on the ball, scaled to 320x180
    assert (x + w / 2) * 2 == pytest.approx(ball[0] + ball[2] / 2, abs=1.5)
    assert (y + h / 2) * 2 == pytest.approx(ball[1] + ball[3] / 2, abs=1.5)


def test_segmentation_bench_without_a_clip_renders_one(installed, monkeypatch):
    monkeypatch.setattr(bench_segmentation, "SKLEARN_SAMPLES", (100, 200))
    rows = bench_segmentation.bench_segmentation(sizes=[(160, 90)], frames=3, repeats=1)
    assert rows[0]["size"] == "160x90" and rows[0]["clusters"] >= 2


def test_a_clip_is_taken_by_path(tmp_path, installed):
    frames, box = bench.synthetic_clip(6)
    path = tmp_path / "mine.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, bench.SYNTHETIC_SIZE)
    for frame in frames:
        writer.write(frame)
    writer.release()
    rows = bench.bench_tracking(path, sizes=[(320, 180)], frames=6, repeats=1, box=box)
    assert [r["target"] for r in rows] == ["custom"]
    assert rows[0]["box"][2] == pytest.approx(box[2] / 2, abs=0.1)
    with pytest.raises(SourceError, match="no such file"):
        bench.bench_tracking(tmp_path / "missing.mp4", sizes=[(320, 180)], frames=6)


def test_the_synthetic_clip_is_the_demo_scene():
    frames, box = bench.synthetic_clip(3)
    scene = make_scene(bench.SYNTHETIC_SCENE, 3, bench.SYNTHETIC_SIZE)
    assert len(frames) == 3 and frames[0].shape == (360, 640, 3)
    np.testing.assert_array_equal(frames[1], scene.render(1))
    assert box == pytest.approx(scene.box(0))
