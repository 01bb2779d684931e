"""mstrack's options: boxes as OTB writes them, sequence folders, --roi-from, --resize,
--start-frame, output names, wording, bench progress, and streams from the command line."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.support.clips import make_sequence, moving_square_frames, readable_frames, write_video
from tests.support.mstrack import assert_one_line_error, run_cli
from tests.support.paths import ROOT
from tests.support.stream_server import MjpegServer, closed_port
from tracker.cli import build_parser, main
from tracker.app import parse_roi
from tracker.cli.options import VIDEO_CONTAINERS
from tracker.evaluation.otb import GT_FILE, iou, load_groundtruth
from tracker.io.sources import ImageSequenceSource, open_source
from tracker.app import CSV_HEADER, VIDEO_CODECS, read_track_csv

OTB = ROOT.parent / "shared" / "data" / "otb"


def boxes_of(rows):
    return np.array([[r[k] for k in "xywh"] for r in rows])


def exit_code_and_stderr(capfd, *argv):
    """For mistakes argparse catches: it exits rather than returning."""
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in argv])
    return exc.value.code, capfd.readouterr().err


# -- 13: boxes and sequences as OTB writes them -----------------------------------------

@pytest.mark.parametrize("text", ["51,47,25,62", "51 47 25 62", "51\t47\t25\t62", "51, 47, 25, 62",
                                  " 51,\t47 25,62 \n"])
def test_roi_accepts_commas_tabs_and_spaces(text):
    assert parse_roi(text) == (51.0, 47.0, 25.0, 62.0)


def test_roi_accepts_the_first_line_of_every_otb_ground_truth():
    files = sorted(OTB.glob(f"*/{GT_FILE}"))
    if not files:
        pytest.skip("../shared/data/otb is not there")
    for path in files:
        first_line = path.read_text().splitlines()[0]
        assert parse_roi(first_line) == tuple(load_groundtruth(path)[0]), path


def test_roi_with_spaces_tracks_like_roi_with_commas(tmp_path, capfd):
    frames, _ = moving_square_frames(n=8)
    video = write_video(tmp_path / "v.avi", frames)
    for name, roi in (("commas", "20,40,30,30"), ("spaces", "20 40 30 30")):
        code, _, err = run_cli(capfd, "track", video, "--roi", roi, "--out-csv", tmp_path / f"{name}.csv")
        assert code == 0, err
    assert (tmp_path / "commas.csv").read_text() == (tmp_path / "spaces.csv").read_text()


def test_sequence_folder_opens_its_img_folder(tmp_path):
    make_sequence(tmp_path / "Seq", n=4)
    with open_source(tmp_path / "Seq") as source:
        assert isinstance(source, ImageSequenceSource)
        assert source.frame_count == 4 and Path(source.name) == tmp_path / "Seq" / "img"


def test_track_a_sequence_folder_starts_on_its_own_ground_truth(tmp_path, capfd):
    gt = make_sequence(tmp_path / "Seq")
    code, out, err = run_cli(capfd, "track", tmp_path / "Seq", "--out-csv", tmp_path / "t.csv")
    assert code == 0, err
    assert f"target box from {tmp_path / 'Seq' / GT_FILE}" in err
    rows = read_track_csv(tmp_path / "t.csv")
    assert len(rows) == len(gt) and np.allclose(boxes_of(rows)[0], gt[0])
    assert iou(boxes_of(rows), gt).mean() > 0.6


def test_track_an_otb_sequence_folder(tmp_path, capfd):
    if not (OTB / "Couple").is_dir():
        pytest.skip("../shared/data/otb is not there")
    gt = load_groundtruth(OTB / "Couple" / GT_FILE)
    code, out, err = run_cli(capfd, "track", OTB / "Couple", "--max-frames", 20,
                             "--out-csv", tmp_path / "c.csv")
    assert code == 0, err
    rows = read_track_csv(tmp_path / "c.csv")
    assert len(rows) == 20 and np.allclose(boxes_of(rows)[0], gt[0])
    assert iou(boxes_of(rows), gt[:20]).mean() > 0.5


def test_roi_from_reads_the_box_of_the_first_tracked_frame(tmp_path, capfd):
    gt = make_sequence(tmp_path / "Seq")
    frames, _ = moving_square_frames(n=len(gt))
    video = write_video(tmp_path / "v.avi", frames)
    code, _, err = run_cli(capfd, "track", video, "--roi-from", tmp_path / "Seq" / GT_FILE,
                           "--out-csv", tmp_path / "a.csv")
    assert code == 0, err
    assert np.allclose(boxes_of(read_track_csv(tmp_path / "a.csv"))[0], gt[0])
    # A folder stands for its ground truth; with --start-frame the line of that frame counts.
    code, _, err = run_cli(capfd, "track", video, "--roi-from", tmp_path / "Seq", "--start-frame", 5,
                           "--out-csv", tmp_path / "b.csv")
    assert code == 0, err
    rows = read_track_csv(tmp_path / "b.csv")
    assert rows[0]["frame"] == 5 and np.allclose(boxes_of(rows)[0], gt[5])


def test_eval_of_a_folder_evaluates_every_sequence_under_it(tmp_path, capfd):
    for name in ("b_second", "a_first", "group/c_third"):
        make_sequence(tmp_path / "all" / name, n=6)
    (tmp_path / "all" / "notes").mkdir()                   # not a sequence: left out
    code, out, err = run_cli(capfd, "eval", tmp_path / "all", "--json")
    assert code == 0, err
    together = json.loads(out)["sequences"]
    assert [s["sequence"] for s in together] == ["a_first", "b_second", "c_third"]
    code, out, err = run_cli(capfd, "eval", tmp_path / "all" / "a_first", tmp_path / "all" / "b_second",
                             tmp_path / "all" / "group" / "c_third", "--json")
    one_by_one = json.loads(out)["sequences"]
    drop_fps = lambda rows: [{k: v for k, v in r.items() if k != "fps"} for r in rows]  # noqa: E731
    assert drop_fps(together) == drop_fps(one_by_one)


def test_no_box_for_a_plain_video(tmp_path, capfd):
    frames, _ = moving_square_frames(n=3)
    video = write_video(tmp_path / "v.avi", frames)
    code, _, err = run_cli(capfd, "track", video)
    assert_one_line_error(code, err, "--roi", "--roi-from")


# -- 14: clipping, output names, --resize, --start-frame ---------------------------------

def test_roi_partly_outside_is_clipped_with_a_warning(tmp_path, capfd):
    frames, _ = moving_square_frames(n=5)            # 160x120
    video = write_video(tmp_path / "v.avi", frames)
    code, _, err = run_cli(capfd, "track", video, "--roi", "140,100,40,40", "--out-csv", tmp_path / "c.csv")
    assert code == 0, err
    assert "warning" in err and "clipped to 140,100,20,20" in err
    assert np.allclose(boxes_of(read_track_csv(tmp_path / "c.csv"))[0], (140, 100, 20, 20))


@pytest.mark.parametrize("option, name", [("--out-csv", "track.mp4"), ("--out-csv", "track.avi"),
                                          ("--out-video", "track.csv"), ("--out-video", "track.gif")])
def test_output_names_of_another_type_are_refused(tmp_path, capfd, option, name):
    frames, _ = moving_square_frames(n=3)
    video = write_video(tmp_path / "v.avi", frames)
    code, _, err = run_cli(capfd, "track", video, "--roi", "20,40,30,30", option, tmp_path / name)
    assert_one_line_error(code, err, name)
    assert code == 2 and not (tmp_path / name).exists()


def test_help_lists_the_containers_that_work(tmp_path, capfd):
    assert set(VIDEO_CONTAINERS) == set(VIDEO_CODECS)
    track = build_parser()._subparsers._group_actions[0].choices["track"]
    assert all(suffix in track.format_help() for suffix in VIDEO_CONTAINERS)
    frames, _ = moving_square_frames(n=6)
    video = write_video(tmp_path / "v.avi", frames)
    for suffix in VIDEO_CONTAINERS:
        out = tmp_path / f"out{suffix}"
        code, _, err = run_cli(capfd, "track", video, "--roi", "20,40,30,30", "--out-video", out)
        assert code == 0, err
        assert readable_frames(out) == len(frames), suffix


def test_resize_tracks_in_resized_pixels(tmp_path, capfd):
    frames, boxes = moving_square_frames(n=10)      # 160x120
    video = write_video(tmp_path / "v.avi", frames)
    code, _, err = run_cli(capfd, "track", video, "--resize", "320x240", "--roi", "40,80,60,60",
                           "--out-csv", tmp_path / "r.csv", "--out-video", tmp_path / "r.avi")
    assert code == 0, err
    got = boxes_of(read_track_csv(tmp_path / "r.csv"))
    assert iou(got, 2 * np.array(boxes, float)).mean() > 0.6
    cap = cv2.VideoCapture(str(tmp_path / "r.avi"))
    assert (cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (320, 240)
    cap.release()


def test_roi_from_is_scaled_with_resize(tmp_path, capfd):
    gt = make_sequence(tmp_path / "Seq", n=4)
    code, _, err = run_cli(capfd, "track", tmp_path / "Seq", "--resize", "320x240",
                           "--out-csv", tmp_path / "s.csv")
    assert code == 0, err
    assert np.allclose(boxes_of(read_track_csv(tmp_path / "s.csv"))[0], 2 * gt[0])


def test_start_frame_skips_frames_and_numbers_rows_as_the_source(tmp_path, capfd):
    frames, boxes = moving_square_frames(n=20)
    video = write_video(tmp_path / "v.avi", frames)
    roi = ",".join(str(v) for v in boxes[8])
    code, out, err = run_cli(capfd, "track", video, "--start-frame", 8, "--roi", roi,
                             "--out-csv", tmp_path / "s.csv")
    assert code == 0, err
    rows = read_track_csv(tmp_path / "s.csv")
    assert [r["frame"] for r in rows] == list(range(8, 20))
    assert iou(boxes_of(rows), np.array(boxes[8:], float)).mean() > 0.6
    assert "tracked 12 frames" in out


def test_start_frame_past_the_end_or_on_a_live_source(tmp_path, capfd):
    frames, _ = moving_square_frames(n=5)
    video = write_video(tmp_path / "v.avi", frames)
    code, _, err = run_cli(capfd, "track", video, "--start-frame", 50, "--roi", "20,40,30,30")
    assert_one_line_error(code, err, "50", "outside")
    with MjpegServer() as server:
        code, _, err = run_cli(capfd, "track", server.url, "--start-frame", 5, "--roi", "60,40,40,40")
    assert_one_line_error(code, err, "--start-frame", "live")


@pytest.mark.parametrize("option, value", [("--resize", "640"), ("--resize", "0x10"),
                                           ("--start-frame", "-1"), ("--timeout", "0")])
def test_bad_option_values(capfd, option, value):
    code, err = exit_code_and_stderr(capfd, "track", "x.mp4", "--roi", "1,2,3,4", f"{option}={value}")
    assert_one_line_error(code, err, option)


# -- 15: wording, line endings, bench --------------------------------------------------

def test_summary_counts_lost_frames_and_csv_has_lf_endings(tmp_path, capfd):
    frames, _ = moving_square_frames(n=12)
    blank = np.full_like(frames[0], 40)
    video = write_video(tmp_path / "v.avi", frames + [blank] * 6)     # the target vanishes
    code, out, err = run_cli(capfd, "track", video, "--roi", "20,40,30,30", "--out-csv", tmp_path / "l.csv")
    assert code == 0, err
    lost = sum(r["lost"] for r in read_track_csv(tmp_path / "l.csv"))
    assert lost >= 1
    assert f"{lost} frame{'s' if lost != 1 else ''} lost" in out and "lost in" not in out
    assert b"\r" not in (tmp_path / "l.csv").read_bytes()


def test_one_cluster_is_singular(tmp_path, capfd):
    image = tmp_path / "flat.png"
    cv2.imwrite(str(image), np.full((40, 60, 3), (30, 140, 200), np.uint8))
    code, out, err = run_cli(capfd, "segment", image, "--out", tmp_path / "s.png")
    assert code == 0, err
    assert "1 cluster in the last" in out


def test_bench_says_which_step_runs(monkeypatch, capfd):
    from tracker.evaluation import bench, bench_segmentation
    calls = []

    def fake(kind):
        def run(frames, sizes=((640, 480), (1280, 720)), video=None, box=None):
            calls.append((kind, sizes))
            return [{"size": "{}x{}".format(*s), "kind": kind} for s in sizes]
        return run

    monkeypatch.setattr(bench, "bench_tracking", fake("tracking"))
    monkeypatch.setattr(bench, "format_table", lambda rows: str([r["size"] for r in rows]))
    monkeypatch.setattr(bench_segmentation, "bench_segmentation", fake("segmentation"))
    monkeypatch.setattr(bench_segmentation, "format_segmentation_table", lambda rows: str(len(rows)))
    code, out, err = run_cli(capfd, "bench", "--frames", 10)
    assert code == 0, err
    assert err.splitlines() == [
        "mstrack bench: [1/4] tracking at 640x480 ...", "mstrack bench: [2/4] tracking at 1280x720 ...",
        "mstrack bench: [3/4] segmentation at 640x480 ...", "mstrack bench: [4/4] segmentation at 1280x720 ...",
    ]
    assert "['640x480', '1280x720']" in out         # the table still has both sizes, in order


def test_interrupted_bench_speaks_of_no_files(monkeypatch, capfd):
    from tracker.evaluation import bench

    def interrupted(frames, sizes=((640, 480),), video=None, box=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(bench, "bench_tracking", interrupted)
    code, _, err = run_cli(capfd, "bench")
    assert code == 130
    assert err.strip().splitlines()[-1] == "mstrack: interrupted"


# -- 11: streams from the command line ---------------------------------------------------

def test_track_a_stream_that_dies_keeps_the_csv_and_says_so(tmp_path, capfd):
    csv_path = tmp_path / "s.csv"
    with MjpegServer(stall_after=20) as server:
        code, out, err = run_cli(capfd, "track", server.url, "--roi", "60,40,40,40", "--timeout", 1,
                                 "--out-csv", csv_path)
    assert code == 1
    assert_one_line_error(code, err, "stopped early", server.url, "sent no frame for 1 s")
    rows = read_track_csv(csv_path)
    assert f"tracked {len(rows)} frames" in out and 1 <= len(rows) <= 20
    assert iou(boxes_of(rows), np.array([[60, 40, 40, 40]] * len(rows), float)).min() > 0.8


def test_track_an_unreachable_stream_fails_in_one_line(capfd):
    url = f"http://127.0.0.1:{closed_port()}/stream.mjpg"
    code, _, err = run_cli(capfd, "track", url, "--roi", "1,2,3,4")
    assert code == 2
    assert_one_line_error(code, err, url, "refused")


def test_interrupting_a_stream_run_exits_cleanly_with_valid_files(tmp_path):
    """Ctrl+C while the reader thread is inside OpenCV's read: exit 130, not an abort at
    interpreter exit, and the CSV written so far is complete."""
    csv_path = tmp_path / "i.csv"
    with MjpegServer() as server:
        proc = subprocess.Popen([sys.executable, "-m", "tracker", "track", server.url,
                                 "--roi", "60,40,40,40", "--out-csv", str(csv_path)],
                                cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if csv_path.exists() and len(csv_path.read_text().splitlines()) > 5:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "mstrack: interrupted; files written so far are complete"
    rows = read_track_csv(csv_path)
    assert len(rows) >= 5 and all(len(line.split(",")) == len(CSV_HEADER) for line in csv_path.read_text().splitlines())
