"""The command line's limits and refusals, checked before any work: stream timeouts,
frame sizes, outputs that would overwrite an input (a file a pattern reads, a symbolic
or hard link to the source), the benchmark's clip, evaluation's length warnings, and a
Ctrl+C heard while a stream stalls."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import cv2
import numpy as np
import pytest

from tests.support.mstrack import assert_one_line_error, run_cli
from tests.support.paths import ROOT
from tests.support.stream_server import MjpegServer

DEMO = ROOT / "videos" / "demo"
ROI = "282,252,76,66"


@pytest.mark.parametrize("value", ["0.0001", "0", "1e308", "2147484", "nan", "-1"])
def test_timeouts_out_of_range_are_refused_before_opening(capfd, value):
    # 0.0001 rounded to 0 ms, which OpenCV read as "wait forever"; the others overflowed.
    code, err = _usage_error(capfd, "track", DEMO / "demo.mp4", "--roi", ROI, "--timeout", value)
    assert code == 2
    assert_one_line_error(code, err, "--timeout", "seconds")


def test_a_resize_too_large_for_memory_is_refused(capfd):
    code, err = _usage_error(capfd, "track", DEMO / "demo.mp4", "--roi", ROI, "--resize", "100000x100000")
    assert code == 2
    assert_one_line_error(code, err, "--resize", "megapixels")


def _usage_error(capfd, *argv):
    """Exit code and stderr of a command line argparse refuses (it exits)."""
    with pytest.raises(SystemExit) as exc:
        run_cli(capfd, *argv)
    return exc.value.code, capfd.readouterr().err


def test_max_pixels_refuses_larger_frames_and_allows_what_it_names(capfd, tmp_path):
    code, _, err = run_cli(capfd, "track", DEMO / "demo.mp4", "--roi", ROI, "--max-frames", "2",
                           "--max-pixels", "1000")   # the clip's frames are 640x480
    assert code == 2
    assert_one_line_error(code, err, "megapixels", "over the limit")
    code, out, _ = run_cli(capfd, "track", DEMO / "demo.mp4", "--roi", ROI, "--max-frames", "2",
                           "--max-pixels", str(640 * 480))
    assert code == 0 and "tracked 2 frames" in out


def test_segmenting_a_pattern_into_one_of_its_own_files_is_refused(capfd, tmp_path):
    frames = tmp_path / "s"
    frames.mkdir()
    image = np.zeros((40, 60, 3), np.uint8)
    image[10:30, 20:40] = (0, 0, 255)
    cv2.imwrite(str(frames / "0000.png"), image)
    before = (frames / "0000.png").read_bytes()
    code, _, err = run_cli(capfd, "segment", f"{frames}/%04d.png", "--out", frames / "0000.png")
    assert code == 2
    assert_one_line_error(code, err, "overwrite the source")
    assert (frames / "0000.png").read_bytes() == before
    # Nothing is written among the frames a pattern reads; beside their folder is fine.
    code, _, err = run_cli(capfd, "segment", f"{frames}/%04d.png", "--out", frames / "seg.png")
    assert_one_line_error(code, err, "overwrite the source")
    code, _, _ = run_cli(capfd, "segment", f"{frames}/%04d.png", "--out", tmp_path / "seg.png")
    assert code == 0 and (tmp_path / "seg.png").exists()


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_an_output_that_links_to_the_source_is_refused(capfd, tmp_path, link):
    shutil.copy(ROOT / "videos" / "demo" / "demo.mp4", tmp_path / "clip.mp4")
    source = tmp_path / "clip.mp4"
    before = source.read_bytes()
    alias = tmp_path / "alias.mp4"
    (os.symlink if link == "symbolic" else os.link)(source, alias)
    code, _, err = run_cli(capfd, "track", source, "--roi", ROI, "--max-frames", "3",
                           "--out-video", alias)
    assert_one_line_error(code, err, "overwrite the source")
    assert source.read_bytes() == before


def test_bench_refuses_a_box_without_a_clip_and_a_missing_clip(capfd, tmp_path):
    code, _, err = run_cli(capfd, "bench", "--roi", "1,1,10,10")
    assert_one_line_error(code, err, "--roi goes with --clip")
    code, _, err = run_cli(capfd, "bench", "--clip", tmp_path / "missing.mp4", "--frames", "3")
    assert code != 0 and "Traceback" not in err and "missing.mp4" in err


def test_eval_says_when_ground_truth_and_frames_differ_in_length(capfd, tmp_path):
    seq = tmp_path / "Short"
    (seq / "img").mkdir(parents=True)
    with _capture(DEMO / "demo.mp4") as frames:
        for i, frame in enumerate(frames[:12], 1):
            cv2.imwrite(str(seq / "img" / f"{i:04d}.jpg"), frame)
    gt = (DEMO / "groundtruth_rect.txt").read_text().splitlines()[:20]
    (seq / "groundtruth_rect.txt").write_text("\n".join(gt) + "\n")
    code, out, err = run_cli(capfd, "eval", seq)
    assert code == 0
    assert "warning: Short:" in err and "20 boxes for 12 frames" in err
    assert "Short" in out


class _capture:
    """The first frames of a video as a list (a context manager for symmetry)."""

    def __init__(self, path, count=12):
        capture = cv2.VideoCapture(str(path))
        self.frames = []
        while len(self.frames) < count:
            ok, frame = capture.read()
            if not ok:
                break
            self.frames.append(frame)
        capture.release()

    def __enter__(self):
        return self.frames

    def __exit__(self, *exc):
        return False


def test_ctrl_c_while_a_stream_stalls_ends_the_run_within_two_seconds(tmp_path):
    """The stream sends 5 frames and then nothing: with --timeout 30 the run would wait
    30 s for the next frame. SIGINT must end it at once (exit 130, the CSV whole)."""
    csv = tmp_path / "t.csv"
    with MjpegServer(fps=20, stall_after=5) as server:
        proc = subprocess.Popen([sys.executable, "-m", "tracker", "track", server.url, "--roi", "60,40,40,40",
                                 "--timeout", "30", "--out-csv", str(csv)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while (server.sent < 5 or _rows(csv) < 3) and time.monotonic() < deadline:
            time.sleep(0.05)                 # the header and two tracked frames are written
        time.sleep(1.0)                      # the run now waits for a frame that never comes
        assert proc.poll() is None
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=10)
        finally:
            proc.kill()
        took = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert took < 2.0 and "sent no frame" not in err, f"{took:.1f} s from Ctrl+C to exit: {err}"
    rows = csv.read_text().splitlines()
    assert rows[0].startswith("frame,id,") and len(rows) >= 2


def _rows(path) -> int:
    try:
        return len(path.read_text().splitlines())
    except OSError:
        return 0
