"""Result files on a full disk, a failing writer and a hard kill (issue 9: 9, 10, 14)."""

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.support.clips import readable_frames
from tests.support.paths import ROOT
from tracker.cli import main
from tracker.errors import OutputError
from tracker.evaluation.otb import load_groundtruth
from tracker.app import CSV_HEADER, TrackCsvWriter, VideoOutput, read_track_csv

DEMO = ROOT / "videos" / "demo"
ROI = ",".join(f"{v:g}" for v in load_groundtruth(DEMO / "groundtruth_rect.txt")[0])
State = namedtuple("State", "box rotated score lost")


def one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {err!r}"
    assert "Traceback" not in err
    return lines[0]


def complete_rows(path):
    """The CSV's data rows; fails if any line is cut short or not numbers."""
    lines = Path(path).read_text().splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    for line in lines[1:]:
        fields = line.split(",")
        assert len(fields) == len(CSV_HEADER), f"incomplete row {line!r}"
        [float(v) for v in fields]
    return read_track_csv(path)


def mstrack(*argv, **kwargs):
    return subprocess.run([sys.executable, "-m", "tracker", *map(str, argv)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, **kwargs)


# -- the CSV -------------------------------------------------------------------


def test_csv_row_cut_by_the_disk_is_removed_and_the_file_named(tmp_path):
    """A file size limit makes the disk "full" mid-row: the write that crosses it is
    short, the next fails. Every row left must be complete, and the error names the file."""
    csv_path = tmp_path / "track.csv"

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))

    result = mstrack("track", DEMO / "demo.mp4", "--roi", ROI, "--out-csv", csv_path,
                     preexec_fn=small_disk)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "track.csv" in line and "File too large" in line
    rows = complete_rows(csv_path)
    assert 10 < len(rows) < 40
    assert [r["frame"] for r in rows] == list(range(len(rows)))
    assert f"keeps the {len(rows)} complete rows" in line


def test_csv_writer_raises_output_error_on_a_full_device():
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    writer = None
    with pytest.raises(OutputError, match="cannot write CSV '/dev/full': No space left"):
        writer = TrackCsvWriter("/dev/full")
    assert writer is None


# -- the video: OpenCV's writer says nothing when it fails ---------------------


class SilentWriter:
    """Like cv2.VideoWriter on a dead disk: opens, takes every frame, writes nothing."""

    def __init__(self, *args):
        pass

    def isOpened(self):
        return True

    def write(self, frame):
        pass

    def release(self):
        pass


def test_video_writer_that_writes_nothing_is_caught(tmp_path, capfd, monkeypatch):
    monkeypatch.setattr(cv2, "VideoWriter", SilentWriter)
    video, csv_path = tmp_path / "out.mkv", tmp_path / "t.csv"
    code = main(["track", str(DEMO / "demo.mp4"), "--roi", ROI, "--max-frames", "20",
                 "--out-video", str(video), "--out-csv", str(csv_path)])
    _, err = capfd.readouterr()
    assert code == 1
    line = one_line(err)
    assert "out.mkv" in line and "not readable" in line
    assert len(complete_rows(csv_path)) == 20      # the CSV is unharmed


class FailingWriter(SilentWriter):
    def write(self, frame):
        raise cv2.error("OpenCV(5.0.0) error: (-2:Unspecified error) write failed")


def test_video_writer_error_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(cv2, "VideoWriter", FailingWriter)
    out = VideoOutput(tmp_path / "out.avi", 25)
    with pytest.raises(OutputError, match="cannot write video '.*out.avi': .*write failed"):
        out.write(np.zeros((8, 8, 3), np.uint8))


def test_full_disk_stops_the_video_at_once(tmp_path, monkeypatch):
    full = shutil._ntuple_diskusage(total=1 << 20, used=1 << 20, free=0)
    out = VideoOutput(tmp_path / "out.avi", 25)
    out.write(np.zeros((8, 8, 3), np.uint8))
    monkeypatch.setattr(shutil, "disk_usage", lambda path: full)
    with pytest.raises(OutputError, match="out.avi': no space left on device .*frame 2"):
        out.write(np.zeros((8, 8, 3), np.uint8))
    out.close()


def test_whole_video_has_no_error(tmp_path):
    out = VideoOutput(tmp_path / "out.mkv", 25)
    for i in range(12):
        out.write(np.full((16, 16, 3), i * 20, np.uint8))
    out.close()
    assert out.error is None and readable_frames(tmp_path / "out.mkv") == 12


# -- a real full disk: a 1 MiB tmpfs, where the test may mount one --------------


def run_on_tmpfs(tmp_path, kib, fill_kib, *argv):
    """Run mstrack in a private mount namespace with a small tmpfs at ``disk``; what it
    wrote there is copied to ``saved`` before the namespace (and the tmpfs) goes."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare here to mount a tmpfs")
    disk, saved = tmp_path / "disk", tmp_path / "saved"
    disk.mkdir()
    saved.mkdir()
    script = ('mount -t tmpfs -o size="$3"k tmpfs "$1" || exit 99\n'
              '[ "$4" -gt 0 ] && head -c "$4"k /dev/zero > "$1/filler"\n'
              'shift 4; "$@"; status=$?\n'
              f'cp -a "{disk}"/. "{saved}"/ 2>/dev/null; exit $status\n')
    argv = [str(a).replace("DISK", str(disk)) for a in argv]
    cmd = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh",
           str(disk), str(saved), str(kib), str(fill_kib), sys.executable, "-m", "tracker", *argv]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if result.returncode == 99 or "unshare:" in result.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()[:80]}")
    return result, saved


def test_video_on_a_full_tmpfs(tmp_path):
    """The issue's case: OpenCV's writer filled the disk and mstrack said nothing, exit 0."""
    csv_path = tmp_path / "t.csv"
    result, saved = run_on_tmpfs(tmp_path, 256, 0, "track", DEMO / "demo.mp4", "--roi", ROI,
                                 "--out-video", "DISK/v.mp4", "--out-csv", csv_path)
    assert result.returncode == 1, result.stderr
    line = one_line(result.stderr)
    assert "v.mp4" in line and "no space left on device" in line
    rows = complete_rows(csv_path)
    assert 0 < len(rows) < 300


def test_csv_on_a_full_tmpfs(tmp_path):
    result, saved = run_on_tmpfs(tmp_path, 64, 56, "track", DEMO / "demo.mp4", "--roi", ROI,
                                 "--out-csv", "DISK/t.csv")
    assert result.returncode == 1, result.stderr
    line = one_line(result.stderr)
    assert "t.csv" in line and "No space left on device" in line
    rows = complete_rows(saved / "t.csv")
    assert 0 < len(rows) < 300 and [r["frame"] for r in rows] == list(range(len(rows)))


# -- a hard kill ---------------------------------------------------------------

# Frames that compress like camera footage (tens of KB), not like a flat test card: the
# muxer writes Matroska in clusters of a few seconds, and FFmpeg's 32 KB output buffer
# would hold many seconds of tiny frames.
WRITER = """
import sys, numpy as np
from tracker.app import VideoOutput
outs = [VideoOutput(path, 25) for path in sys.argv[1:]]
noise = np.random.default_rng(0).integers(0, 256, (8, 120, 160, 3), dtype=np.uint8)
for i in range(100000):
    for out in outs:
        out.write(noise[i % 8])
    if i == 250:                 # ten seconds of video
        print("written", flush=True)
"""


def test_killed_recording_survives_as_mkv_not_as_mp4(tmp_path):
    mkv, mp4 = tmp_path / "r.mkv", tmp_path / "r.mp4"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(mkv), str(mp4)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "written"
    proc.kill()
    proc.wait(timeout=30)
    assert readable_frames(mkv) >= 125      # all but the last few seconds
    assert readable_frames(mp4) == 0      # why .mkv is the default: .mp4 needs a clean close


def test_scripts_run_records_mkv_that_survives_a_kill(tmp_path):
    """scripts/run without a display: its video is Matroska, readable after SIGKILL."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["MSTRACK_OUT"] = str(tmp_path)
    proc = subprocess.Popen([str(ROOT / "scripts" / "run")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    csv_path, video = tmp_path / "demo-track.csv", tmp_path / "demo-track.mkv"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if csv_path.exists() and len(csv_path.read_text().splitlines()) > 120:
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait(timeout=30)
    assert video.exists(), "scripts/run should record demo-track.mkv"
    assert readable_frames(video) >= 30
    assert len(complete_rows(csv_path)) >= 100


# -- libpng on a failing device ------------------------------------------------


def test_segmented_image_to_a_full_device_is_one_line(tmp_path, capfd):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    image = tmp_path / "photo.png"
    cv2.imwrite(str(image), np.random.default_rng(0).integers(0, 255, (40, 60, 3), dtype=np.uint8))
    out = tmp_path / "seg.png"
    out.symlink_to("/dev/full")
    code = main(["segment", str(image), "--out", str(out)])
    _, err = capfd.readouterr()
    assert code == 1
    line = one_line(err)
    assert "seg.png" in line and "No space left on device" in line
