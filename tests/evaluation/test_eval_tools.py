"""Evaluation tools: OTB curves and `mstrack eval --plot`, `--csv-dir`, the mean row's
throughput, and the per-target-size tracking benchmark (`mstrack bench`,
scripts/bench_tracking.py)."""

import importlib.util
import json
import sys

import cv2
import numpy as np
import pytest

from tests.support.clips import moving_square_frames, write_video
from tests.support.mstrack import assert_one_line_error, run_cli
from tests.support.clips import make_sequence
from tests.support.paths import ROOT
from tracker.evaluation import bench, otb
from tracker.evaluation.otb import (PRECISION_THRESHOLDS, SUCCESS_THRESHOLDS, SequenceResult, centre_error,
                                    iou, load_groundtruth, otb_curves, precision_curve, success_auc,
                                    success_curve, throughput_fps)
from tracker.app import CSV_HEADER, read_track_csv

SHARED = ROOT.parent / "shared"


def jittered_result(name, n, spread, seed, seconds=1.0):
    """A SequenceResult whose boxes are the ground truth moved by up to ``spread`` px:
    IoU and centre error spread over the whole range of both plots."""
    rng = np.random.default_rng(seed)
    gt = np.column_stack([rng.uniform(20, 200, (n, 2)), rng.uniform(20, 60, (n, 2))])
    boxes = gt.copy()
    boxes[:, :2] += rng.uniform(-spread, spread, (n, 2))
    boxes[:, 2:] *= rng.uniform(0.7, 1.3, (n, 2))
    return SequenceResult(name, boxes, gt, seconds, np.zeros(n, bool))


# -- curves ----------------------------------------------------------------------------

def test_success_curve_is_the_fraction_above_each_threshold_and_its_mean_the_auc():
    overlaps = jittered_result("a", 400, 40, seed=1).overlaps
    curve = success_curve(overlaps)
    slow = [sum(1 for o in overlaps if o > t) / len(overlaps) for t in SUCCESS_THRESHOLDS]
    assert np.allclose(curve, slow)
    assert curve.mean() == pytest.approx(success_auc(overlaps), abs=1e-12)
    assert 0.1 < success_auc(overlaps) < 0.8          # the data spans the plot, not a corner
    assert curve[0] <= 1 and curve[-1] == 0           # IoU > 1 never happens


def test_precision_curve_reaches_precision_at_20_px():
    result = jittered_result("a", 400, 40, seed=2)
    errors = centre_error(result.boxes, result.groundtruth)
    curve = precision_curve(errors)
    slow = [sum(1 for e in errors if e <= t) / len(errors) for t in PRECISION_THRESHOLDS]
    assert np.allclose(curve, slow)
    assert curve[list(PRECISION_THRESHOLDS).index(20)] == pytest.approx(result.precision)
    assert np.all(np.diff(curve) >= 0) and 0.1 < result.precision < 0.9


def test_otb_curves_per_sequence_and_their_mean():
    results = [jittered_result("a", 300, 10, seed=3), jittered_result("b", 90, 50, seed=4)]
    curves = otb_curves(results)
    assert [c.name for c in curves] == ["a", "b", "mean"]
    for c, r in zip(curves, results):
        assert c.auc == pytest.approx(success_auc(r.overlaps))
        assert c.precision20 == pytest.approx(r.precision)
    # OTB's mean plot averages sequences (each weighs the same), so its AUC is the mean AUC.
    assert curves[2].auc == pytest.approx(np.mean([r.auc for r in results]))
    assert curves[2].precision20 == pytest.approx(np.mean([r.precision for r in results]))
    assert len(otb_curves(results[:1])) == 1          # one sequence: no separate mean line


def test_figures_are_rounded_once_so_table_json_and_plot_agree():
    """1298 of 1350 frames within 20 px: precision@20 is 0.96148, which shows as 0.961;
    rounded to 0.9615 first, as the summary once did, it showed as 0.962 in the table."""
    gt = np.tile([100.0, 100.0, 40.0, 40.0], (1350, 1))
    boxes = gt.copy()
    boxes[:1298, 0] += 10.0
    boxes[1298:, 0] += 30.0
    result = SequenceResult("Dog1-like", boxes, gt, 1.0, np.zeros(1350, bool))
    curve = otb_curves([result])[0]
    assert f"{curve.precision20:.3f}" == "0.961"
    assert f"{result.summary()['precision20']:.3f}" == f"{curve.precision20:.3f}"
    assert result.summary()["precision20"] == curve.precision20 == result.precision
    assert result.summary()["success_auc"] == curve.auc == result.auc


def eval_table(out) -> dict:
    """{sequence: (AUC, prec@20)} as `mstrack eval` prints them."""
    rows = [line.split() for line in out.splitlines()[1:] if line and not line.startswith(("(", "false", "plot"))]
    return {row[0]: (row[3], row[4]) for row in rows}


@pytest.mark.parametrize("real", [False, True], ids=["synthetic", "Dog1"])
def test_eval_table_prints_the_figures_the_plot_labels(real, tmp_path, capfd, monkeypatch):
    pytest.importorskip("matplotlib")
    from tracker.evaluation import plots

    sequences = two_sequences(tmp_path)
    if real:
        if not (SHARED / "data" / "otb" / "Dog1").is_dir():
            pytest.skip("../shared/data/otb/Dog1 is not here")
        sequences = [SHARED / "data" / "otb" / "Dog1"] + sequences
    drawn = []
    save = plots.save_otb_plots
    monkeypatch.setattr(plots, "save_otb_plots", lambda curves, path: drawn.extend(curves) or save(curves, path))
    code, out, err = run_cli(capfd, "eval", *sequences, "--plot", tmp_path / "p.png")
    assert code == 0, err
    table = eval_table(out)
    assert set(table) == {c.name for c in drawn} == {p.name for p in sequences} | {"mean"}
    for c in drawn:                                   # the labels save_otb_plots writes
        assert table[c.name] == (f"{c.auc:.3f}", f"{c.precision20:.3f}"), c.name


def test_throughput_counts_every_frame_not_every_sequence():
    short = jittered_result("short", 11, 5, seed=5, seconds=1.0)     # 10 tracked frames, 10 fps
    long = jittered_result("long", 101, 5, seed=6, seconds=2.0)      # 100 tracked frames, 50 fps
    assert throughput_fps([short, long]) == pytest.approx(110 / 3.0)  # not (10 + 50) / 2


# -- mstrack eval --plot ----------------------------------------------------------------

def two_sequences(tmp_path):
    make_sequence(tmp_path / "Alpha", n=14)
    make_sequence(tmp_path / "Beta", n=10)
    return [tmp_path / "Alpha", tmp_path / "Beta"]


def test_eval_plot_writes_a_png_of_the_documented_size(tmp_path, capfd):
    pytest.importorskip("matplotlib")
    from tracker.evaluation.plots import PLOT_SIZE_PX

    plot = tmp_path / "curves.png"
    code, out, err = run_cli(capfd, "eval", *two_sequences(tmp_path), "--plot", plot, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["plot"] == str(plot)
    image = cv2.imread(str(plot))
    assert image is not None and (image.shape[1], image.shape[0]) == PLOT_SIZE_PX
    assert not list(tmp_path.glob("*.part"))
    # Two plots side by side on white, with coloured curves drawn on them.
    assert np.median(image) == 255
    saturation = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[..., 1]
    assert (saturation[:, : PLOT_SIZE_PX[0] // 2] > 100).sum() > 200
    assert (saturation[:, PLOT_SIZE_PX[0] // 2:] > 100).sum() > 200


def test_plot_draws_each_curve_where_the_data_puts_it(tmp_path):
    """The mean line is black and thick: sample the success panel where it must pass."""
    pytest.importorskip("matplotlib")
    from tracker.evaluation.plots import save_otb_plots

    results = [jittered_result("a", 300, 10, seed=3), jittered_result("b", 90, 50, seed=4)]
    curves = otb_curves(results)
    path = save_otb_plots(curves, tmp_path / "p.png")
    gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    # Find the success panel's axes box: the long dark horizontal and vertical lines of its frame.
    left = gray[:, : gray.shape[1] // 2] < 60
    rows = np.flatnonzero(left.sum(axis=1) > 0.6 * left.shape[1] * 0.8)
    cols = np.flatnonzero(left.sum(axis=0) > 0.6 * left.shape[0] * 0.8)
    top, bottom, x0, x1 = rows.min(), rows.max(), cols.min(), cols.max()
    y_of = lambda v: bottom - v / 1.02 * (bottom - top)  # noqa: E731  (ylim is 0..1.02)
    x_of = lambda t: x0 + t * (x1 - x0)                   # noqa: E731
    mean = curves[-1].success
    for i in (4, 8, 12):                                  # thresholds 0.2, 0.4, 0.6
        x, y = int(round(x_of(SUCCESS_THRESHOLDS[i]))), y_of(mean[i])
        column = np.flatnonzero(gray[top + 3: bottom - 3, x] < 40) + top + 3
        assert column.size and np.min(np.abs(column - y)) <= 4, (i, mean[i])


def test_eval_plot_without_matplotlib_says_how_to_install_it(tmp_path, capfd, monkeypatch):
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)      # import of any of them fails
    monkeypatch.setattr(otb, "evaluate_sequence", lambda *a: pytest.fail("evaluated before failing"))
    code, out, err = run_cli(capfd, "eval", *two_sequences(tmp_path), "--plot", tmp_path / "p.png")
    assert_one_line_error(code, err, "matplotlib", "pip install 'meanshift-tracker[plot]'")
    assert code == 2 and out == "" and not (tmp_path / "p.png").exists()


def test_eval_plot_refuses_a_name_that_is_not_png(tmp_path, capfd):
    code, _, err = run_cli(capfd, "eval", *two_sequences(tmp_path), "--plot", tmp_path / "p.jpg")
    assert_one_line_error(code, err, "p.jpg", ".png")


# -- mstrack eval --csv-dir -------------------------------------------------------------

def test_csv_dir_holds_what_mstrack_track_writes_for_each_sequence(tmp_path, capfd):
    sequences = two_sequences(tmp_path)
    out_dir = tmp_path / "tracks" / "run1"                # made, parents too
    code, out, err = run_cli(capfd, "eval", *sequences, "--csv-dir", out_dir, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["csv_files"] == [str(out_dir / "Alpha.csv"), str(out_dir / "Beta.csv")]
    for seq, summary in zip(sequences, report["sequences"]):
        csv_path = out_dir / f"{seq.name}.csv"
        assert csv_path.read_text().splitlines()[0] == ",".join(CSV_HEADER)
        # The same tracker on the same frames from the same box: the track command's CSV.
        code, _, err = run_cli(capfd, "track", seq, "--out-csv", tmp_path / "track.csv")
        assert code == 0, err
        assert csv_path.read_text() == (tmp_path / "track.csv").read_text()
        # And the CSV scores as eval scored it.
        rows = read_track_csv(csv_path)
        gt = load_groundtruth(seq / "groundtruth_rect.txt")
        boxes = np.array([[r[k] for k in "xywh"] for r in rows])
        assert [r["frame"] for r in rows] == list(range(len(gt)))
        assert np.allclose(boxes[0], gt[0])
        assert iou(boxes, gt).mean() == pytest.approx(summary["mean_iou"], abs=2e-3)


def test_csv_dir_scores_like_the_shared_otb_metrics_tool(tmp_path, capfd):
    """An independent scorer (../shared/tools/otb_metrics.py) reads the CSV to the same AUC."""
    tool = SHARED / "tools" / "otb_metrics.py"
    seq = SHARED / "data" / "otb" / "Crossing"
    if not (tool.is_file() and seq.is_dir()):
        pytest.skip("../shared/tools/otb_metrics.py or the Crossing sequence is not there")
    spec = importlib.util.spec_from_file_location("otb_metrics", tool)
    metrics = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(metrics)
    code, out, err = run_cli(capfd, "eval", seq, "--csv-dir", tmp_path, "--json")
    assert code == 0, err
    ours = json.loads(out)["sequences"][0]
    rows = read_track_csv(tmp_path / "Crossing.csv")
    boxes = np.array([[r[k] for k in "xywh"] for r in rows])
    gt = metrics.load_groundtruth(seq / "groundtruth_rect.txt")
    overlaps = metrics.iou(boxes, gt)
    auc = np.mean([(overlaps > t).mean() for t in np.linspace(0, 1, 21)])
    assert auc == pytest.approx(ours["success_auc"], abs=0.01)
    assert overlaps.mean() == pytest.approx(ours["mean_iou"], abs=2e-3)


def test_csv_dir_refuses_two_sequences_of_one_name_before_any_work(tmp_path, capfd):
    make_sequence(tmp_path / "a" / "Seq", n=6)
    make_sequence(tmp_path / "b" / "Seq", n=6)
    code, out, err = run_cli(capfd, "eval", tmp_path / "a" / "Seq", tmp_path / "b" / "Seq",
                             "--csv-dir", tmp_path / "out")
    assert_one_line_error(code, err, "Seq", "two sequences")
    assert out == "" and not list((tmp_path / "out").glob("*.csv"))


def test_csv_dir_that_is_a_file_is_refused(tmp_path, capfd):
    (tmp_path / "file").write_text("x")
    code, _, err = run_cli(capfd, "eval", *two_sequences(tmp_path), "--csv-dir", tmp_path / "file")
    assert_one_line_error(code, err, "--csv-dir", "not a folder")


def test_eval_mean_row_fps_is_over_all_frames(tmp_path, capfd):
    code, out, err = run_cli(capfd, "eval", *two_sequences(tmp_path), "--json")
    assert code == 0, err
    report = json.loads(out)
    seconds = sum((s["frames"] - 1) / s["fps"] for s in report["sequences"])
    frames = sum(s["frames"] - 1 for s in report["sequences"])
    assert report["mean"]["fps"] == pytest.approx(frames / seconds, rel=0.01)


# -- perturbed starts (mstrack eval --starts) --------------------------------------------

def test_start_boxes_are_the_first_box_scaled_about_its_centre_and_moved_by_a_share_of_its_size():
    box = (10.25, 20.5, 40.0, 30.0)
    assert otb.start_box(box, otb.PERTURBED_STARTS[0]).tolist() == list(box)     # to the last bit
    starts = otb.PERTURBED_STARTS
    assert len(starts) == len(set(starts)) == 7
    for scale, dx, dy in starts:
        x, y, w, h = otb.start_box(box, (scale, dx, dy))
        assert (w, h) == pytest.approx((40.0 * scale, 30.0 * scale))
        assert (x + w / 2, y + h / 2) == pytest.approx((30.25 + 40.0 * dx, 35.5 + 30.0 * dy))
    # OTB's spatial robustness: smaller and larger, and 10 % of the box each way.
    assert {s for s, _, _ in starts} == {0.9, 1.0, 1.1}
    assert sorted((dx, dy) for _, dx, dy in starts if (dx, dy) != (0, 0)) == \
        [(-0.1, 0.0), (0.0, -0.1), (0.0, 0.1), (0.1, 0.0)]


def test_each_start_is_tracked_as_a_tracker_started_from_its_box_alone(tmp_path):
    """The reference: one tracker per start box, run by hand over the decoded frames."""
    from tracker import MeanShiftTracker
    from tracker.io import sources

    make_sequence(tmp_path / "Seq", n=12)
    starts = otb.PERTURBED_STARTS[:4]
    results = otb.evaluate_starts(tmp_path / "Seq", MeanShiftTracker, starts)
    assert [r.start for r in results] == list(starts)
    with sources.open_source(otb.sequence_source_spec(tmp_path / "Seq")) as source:
        frames = list(source)
    gt = load_groundtruth(tmp_path / "Seq" / otb.GT_FILE)
    for start, result in zip(starts, results):
        tracker = MeanShiftTracker()
        tracker.init(frames[0], otb.start_box(gt[0], start))
        boxes = [otb.start_box(gt[0], start)] + [tracker.update(f).box for f in frames[1:]]
        assert np.array_equal(result.boxes, np.array(boxes)), start
    single = otb.evaluate_sequence(tmp_path / "Seq", MeanShiftTracker)
    assert np.array_equal(single.boxes, results[0].boxes)
    assert not np.array_equal(results[1].boxes, results[0].boxes)      # the starts differ


def test_figures_over_starts_pool_every_frame_of_every_start():
    """Hand-made results: the honesty figures count the frames of every start, and each
    sequence's AUC is the mean of its starts' (the slow way: `success_auc` per start)."""
    gt = np.tile([20.0, 20.0, 10.0, 10.0], (10, 1))
    away = gt + [50.0, 0.0, 0.0, 0.0]                 # IoU 0 on every frame
    lost_half = np.arange(10) % 2 == 0

    def result(name, boxes, lost, start):
        return SequenceResult(name, boxes, gt, 1.0, lost, start=start)

    starts = otb.PERTURBED_STARTS[:2]
    runs = [[result("A", gt, np.zeros(10, bool), starts[0]), result("A", away, lost_half, starts[1])],
            [result("B", gt, lost_half, starts[0]), result("B", away, np.zeros(10, bool), starts[1])]]
    figures = otb.starts_figures(runs)
    assert figures["starts"] == [list(s) for s in starts]
    # Missed: the 20 frames of the second starts, 5 + 10 of them reported tracked.
    assert figures["false_confidence"] == 15 / 20
    # Well tracked: the 20 frames of the first starts, 5 of them reported lost.
    assert figures["false_alarm"] == 5 / 20
    assert figures["oversized"] == 0.0
    full, none = success_auc(np.ones(10)), success_auc(np.zeros(10))
    assert [row["starts_success_auc"] for row in figures["sequences"]] == [[full, none]] * 2
    assert [row["success_auc_over_starts"] for row in figures["sequences"]] == [(full + none) / 2] * 2
    assert figures["success_auc"] == (full + none) / 2


def test_eval_reports_each_sequences_auc_over_the_seven_starts(tmp_path, capfd):
    from tracker import MeanShiftTracker

    sequences = two_sequences(tmp_path)
    code, out, err = run_cli(capfd, "eval", *sequences, "--json", "--starts", 7)
    assert code == 0, err
    report = json.loads(out)
    runs = [otb.evaluate_starts(seq, MeanShiftTracker, otb.PERTURBED_STARTS) for seq in sequences]
    for row, run in zip(report["sequences"], runs):
        assert row["starts_success_auc"] == pytest.approx([r.auc for r in run])
        assert row["success_auc_over_starts"] == pytest.approx(np.mean([r.auc for r in run]))
        assert row["success_auc"] == pytest.approx(run[0].auc)      # the other figures: the first box's
    assert len({round(a, 6) for a in report["sequences"][0]["starts_success_auc"]}) > 1   # the starts differ
    over = report["over_starts"]
    assert over["starts"] == [list(s) for s in otb.PERTURBED_STARTS]
    assert over["success_auc"] == pytest.approx(np.mean([np.mean([r.auc for r in run]) for run in runs]))
    code, out, err = run_cli(capfd, "eval", *sequences, "--starts", 7)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[-3:] == ["AUC", "7", "starts"]
    rows = {line.split()[0]: float(line.split()[-1]) for line in lines[1:4]}
    assert rows == {"Alpha": pytest.approx(report["sequences"][0]["success_auc_over_starts"], abs=5e-4),
                    "Beta": pytest.approx(report["sequences"][1]["success_auc_over_starts"], abs=5e-4),
                    "mean": pytest.approx(over["success_auc"], abs=5e-4)}
    assert "over all 7 starts: false confidence" in out


@pytest.mark.parametrize("starts", [0, 3, 8])
def test_eval_refuses_starts_it_does_not_have_before_any_work(tmp_path, capfd, monkeypatch, starts):
    """All seven starts or the annotated box alone: a part of them weighs some directions
    of error more than others."""
    monkeypatch.setattr(otb, "evaluate_starts", lambda *a: pytest.fail("evaluated before failing"))
    code, _, err = run_cli(capfd, "eval", *two_sequences(tmp_path), "--starts", starts)
    assert_one_line_error(code, err, "--starts", "1 or 7")


# -- tracking benchmark per target size --------------------------------------------------

def test_target_boxes_are_centred_on_the_pick_up_at_the_documented_widths():
    boxes = bench.target_boxes()
    assert list(boxes) == ["small", "medium", "large", "very large"]
    assert boxes["small"] == bench.TARGET_BOX
    px, py, pw, ph = bench.TARGET_BOX
    frame_w, frame_h = bench.TARGET_BOX_SIZE
    for name, (x, y, w, h) in boxes.items():
        assert w / frame_w == pytest.approx(bench.TARGET_WIDTHS[name], abs=0.006), name
        assert x + w / 2 == pytest.approx(px + pw / 2)
        assert 0 <= x and 0 <= y and x + w <= frame_w and y + h <= frame_h
        if y > 0:                                          # not clipped: centred, pick-up's aspect
            assert y + h / 2 == pytest.approx(py + ph / 2) and h / w == pytest.approx(ph / pw)
    assert boxes["very large"][1] == 0                     # taller than the space above the pick-up


def bench_clip(tmp_path):
    """A short 640x360 clip with a blue block where the pick-up is, drifting right."""
    frames, _ = moving_square_frames(n=12, size=(640, 360))
    for i, f in enumerate(frames):
        f[78:122, 260 + i:308 + i] = (180, 90, 30)
    return write_video(tmp_path / "clip.avi", frames)


def test_bench_times_each_target_size_at_each_frame_size(tmp_path):
    calls = []
    rows = bench.bench_tracking(bench_clip(tmp_path), sizes=[(320, 240), (480, 270)], frames=8, repeats=1,
                                progress=lambda size, target: calls.append((size, target)))
    names = list(bench.TARGET_WIDTHS)
    expected = [((w, h), t) for w, h in [(320, 240), (480, 270)] for t in names]
    assert calls == expected
    assert [(r["size"], r["target"]) for r in rows] == [(f"{w}x{h}", t) for (w, h), t in expected]
    for r in rows:
        width = int(r["size"].split("x")[0])
        assert r["width_pct"] == pytest.approx(100 * bench.target_boxes()[r["target"]][2] / 640, abs=0.1)
        assert r["box"][2] == pytest.approx(width * r["width_pct"] / 100, abs=0.5)
        assert r["ratio"] == pytest.approx(r["ours_ms"] / r["opencv_ms"])
        assert r["frames"] == 7 and 0 <= r["lost_frames"] <= 7
    table = bench.format_table(rows).splitlines()
    assert len(table) == 2 + len(rows) and "very large" in table[-1] and "45 %" in table[-1]


def test_mstrack_bench_reports_a_step_per_target_size(monkeypatch, capfd):
    from tracker.evaluation import bench_segmentation

    def fake_tracking(frames, sizes=((640, 480), (1280, 720)), targets=("small", "big"), progress=None,
                      video=None, box=None):
        rows = []
        for size in sizes:
            for target in targets:
                progress(size, target)
                rows.append({"size": "{}x{}".format(*size), "target": target})
        return rows

    monkeypatch.setattr(bench, "bench_tracking", fake_tracking)
    monkeypatch.setattr(bench, "format_table", lambda rows: str([(r["size"], r["target"]) for r in rows]))
    monkeypatch.setattr(bench_segmentation, "bench_segmentation",
                        lambda frames, sizes=((640, 480),), video=None: [{"size": "{}x{}".format(*s)} for s in sizes])
    monkeypatch.setattr(bench_segmentation, "format_segmentation_table", lambda rows: "")
    code, out, err = run_cli(capfd, "bench", "--frames", 10)
    assert code == 0, err
    assert err.splitlines() == [
        "mstrack bench: [1/5] tracking at 640x480, small target ...",
        "mstrack bench: [2/5] tracking at 640x480, big target ...",
        "mstrack bench: [3/5] tracking at 1280x720, small target ...",
        "mstrack bench: [4/5] tracking at 1280x720, big target ...",
        "mstrack bench: [5/5] segmentation at 640x480 ...",
    ]
    assert "('1280x720', 'big')" in out


def test_bench_script_prints_rows_per_target_as_json(tmp_path, capfd):
    spec = importlib.util.spec_from_file_location("bench_tracking_script", ROOT / "scripts" / "bench_tracking.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    code = script.main(["--video", str(bench_clip(tmp_path)), "--frames", "6", "--repeats", "1",
                        "--sizes", "320x180", "--targets", "small", "very large", "--no-startup", "--json"])
    out, err = capfd.readouterr()
    assert code == 0, err
    rows = json.loads(out)["tracking"]
    assert [(r["size"], r["target"]) for r in rows] == [("320x180", "small"), ("320x180", "very large")]
    assert err.splitlines() == ["bench_tracking: [1/2] 320x180, small target ...",
                                "bench_tracking: [2/2] 320x180, very large target ..."]


@pytest.mark.parametrize("colour_space", ["bgr", "hsv", "hs"])
def test_warm_up_runs_tracking_losing_and_refinding(colour_space):
    """Every path whose kernels numba compiles runs before eval times anything."""
    from tracker.app import warm_up

    lost = [s.lost for s in warm_up(segment=False, colour_space=colour_space)]
    assert lost[:2] == [False, False]                     # tracked while the square is there
    assert any(lost[2:6])                                 # lost while it is gone
    assert lost[-1] is False                              # found again when it is back
