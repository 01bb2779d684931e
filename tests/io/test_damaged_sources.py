"""Sources on damaged, lying, growing, oddly named or partial input (issue 9: 1, 7, 8, 11, 12, 14)."""

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.support.clips import (distinct_frames, nearest_frame, overwrite_middle,
                                 write_avi_with_dropped_frames, write_clip)
from tests.support.paths import ROOT, SHARED_VIDEO
from tracker.errors import SourceError
from tracker.io.sources import ImageSequenceSource, VideoFileSource, open_source

N = 150


def read_indexed(source):
    """Every frame with the index the source gives it."""
    got = []
    while (frame := source.read()) is not None:
        got.append((source.position - 1, frame))
    return got


@pytest.fixture(scope="module")
def written():
    return distinct_frames(N)


def check_damaged_read(got, source, written):
    """Past the damage, to the real end; each frame at its true index; the gap reported."""
    indices = [i for i, _ in got]
    assert indices == sorted(set(indices))
    assert indices[-1] == N - 1, "reading stopped at the damage"
    missing = sorted(set(range(N)) - set(indices))
    assert missing, "the damage cost no frame: damage the file more"
    assert source.skipped == len(missing)
    assert not source.truncated and source.error is None
    assert len(source.warnings) == 1
    assert f"skipped {len(missing)} damaged frames (frames {missing[0]}-{missing[-1]})" \
        in source.warnings[0]
    # The codec conceals the damage in the frame it cut through and in the frames predicted
    # from lost ones, up to the next key frame (every 12th with OpenCV's mp4v), so those may
    # look like a neighbour; every other frame is the written frame of its index.
    wrong = [i for i, frame in got if nearest_frame(frame, written) != i]
    assert all(missing[0] - 2 <= i <= missing[-1] + 12 for i in wrong), wrong
    assert len(got) - len(wrong) > N - 30


def test_damaged_middle_of_mp4_is_skipped_and_counted(tmp_path, written):
    """OpenCV's read fails at the damage; reading again gets past it."""
    path = overwrite_middle(write_clip(tmp_path / "clip.mp4", written, "mp4v"), 0.02)
    with open_source(path) as source:
        got = read_indexed(source)
        check_damaged_read(got, source, written)


def test_damaged_middle_of_mkv_keeps_indices_true(tmp_path, written):
    """Here OpenCV steps over the damage inside one read, silently: the timestamps show it."""
    path = overwrite_middle(write_clip(tmp_path / "clip.mkv", written, "mp4v"), 0.02)
    with open_source(path) as source:
        got = read_indexed(source)
        check_damaged_read(got, source, written)


@pytest.mark.skipif(not (SHARED_VIDEO / "traffic-360p.mp4").exists(), reason="../shared not there")
def test_damaged_fragmented_mp4_is_read_past_the_damage(tmp_path):
    """traffic-360p.mp4 is fragmented: damage that takes out a fragment's index stops
    plain reading for good, and only a seek past it gets to the frames after."""
    path = tmp_path / "traffic.mp4"
    data = bytearray((SHARED_VIDEO / "traffic-360p.mp4").read_bytes())
    data[len(data) // 2:len(data) // 2 + 100_000] = np.random.default_rng(0).integers(
        0, 256, 100_000, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    with open_source(path) as source:
        got = read_indexed(source)
        assert source.skipped > 0 and not source.truncated
    indices = [i for i, _ in got]
    resumed = [i for i in indices[1:] if i - 1 not in indices]
    assert resumed
    # The frames after each gap, and the last ones, are those of their index in the whole file.
    checked = {i for r in resumed for i in range(r, r + 5)} | set(indices[-5:])
    reference, cap = {}, cv2.VideoCapture(str(SHARED_VIDEO / "traffic-360p.mp4"))
    count = 0
    while cap.grab():
        if count in checked:
            reference[count] = cap.retrieve()[1]
        count += 1
    cap.release()
    assert indices[-1] == count - 1 and source.skipped == count - len(got)
    for i, frame in got:
        if i in checked:
            assert np.abs(frame.astype(int) - reference[i]).mean() < 1.0, i


def test_header_that_counts_dropped_frames_is_overruled_by_timestamps(tmp_path, written):
    """Like ../shared/data/video/hall-720p-gray.avi: the header says 50 fps and twice the
    frames, the timestamps say 25 fps; the file is whole."""
    frames = written[:40]
    path = write_avi_with_dropped_frames(tmp_path / "capture.avi", frames, fps=50)
    cap = cv2.VideoCapture(str(path))
    assert cap.get(cv2.CAP_PROP_FPS) == 50 and cap.get(cv2.CAP_PROP_FRAME_COUNT) == 80
    cap.release()
    with open_source(path) as source:
        assert source.fps == pytest.approx(25.0)
        assert source.frame_count == 40
        got = read_indexed(source)
        assert not source.truncated and source.error is None and source.warnings == []
    assert [i for i, _ in got] == list(range(40))
    assert [nearest_frame(f, frames) for _, f in got] == list(range(40))


@pytest.mark.skipif(not (SHARED_VIDEO / "traffic-360p.mp4").exists(), reason="../shared not there")
@pytest.mark.parametrize("name, fps, frames", [("traffic-360p.mp4", 30.1875, 917),
                                               ("hall-720p-gray.avi", 25.0, 341)])
def test_shared_clips_are_whole(name, fps, frames):
    """traffic's header counts 922 frames, 917 decode; hall's claims 682 at 50 fps."""
    with open_source(SHARED_VIDEO / name) as source:
        assert source.fps == pytest.approx(fps)
        count = 0
        while source.read() is not None:
            count += 1
        assert count == frames == source.position
        assert not source.truncated and source.error is None and source.warnings == []


def test_truncated_video_is_still_reported(tmp_path, written):
    path = write_clip(tmp_path / "clip.avi", written[:60], "MJPG")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with open_source(path) as source:
        got = read_indexed(source)
        assert source.truncated
        assert f"ended after {len(got)} of 60 frames" in source.error
    assert 20 < len(got) < 40


def test_file_still_being_written_says_so(tmp_path, written):
    whole = write_clip(tmp_path / "whole.mkv", written[:40], "mp4v").read_bytes()
    path = tmp_path / "recording.mkv"
    path.write_bytes(whole[: len(whole) // 2])
    with open_source(path) as source:
        assert source.read() is not None
        with open(path, "ab") as f:    # the recorder writes on while we read
            f.write(whole[len(whole) // 2:])
        while source.read() is not None:
            pass
        assert source.truncated
        assert "recording.mkv' is still being written" in source.error


def test_pattern_that_stops_at_a_gap_says_so(tmp_path, written):
    for i in list(range(5)) + [6, 7, 9]:
        cv2.imwrite(str(tmp_path / f"{i:04d}.png"), written[i])
    cv2.imwrite(str(tmp_path / "00010.png"), written[10])   # another width: not the pattern's
    with open_source(str(tmp_path / "%04d.png")) as source:
        assert len(list(source)) == 5
        assert source.skipped == 0 and not source.truncated
        assert len(source.warnings) == 1
        note = source.warnings[0]
    assert "stops at the first missing number" in note and "0005.png" in note
    assert "3 later files (numbers 6-9) are not read" in note


def test_whole_pattern_has_no_warning(tmp_path, written):
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"{i:04d}.png"), written[i])
    with open_source(str(tmp_path / "%04d.png")) as source:
        assert len(list(source)) == 3 and source.warnings == []


@pytest.mark.parametrize("kind", [VideoFileSource, ImageSequenceSource])
def test_stream_url_is_not_called_a_missing_file(kind):
    with pytest.raises(SourceError) as info:
        kind("rtsp://camera.invalid/stream")
    assert "no such file" not in str(info.value) and "stream URL" in str(info.value)


# -- libjpeg / libpng chatter --------------------------------------------------


def jpeg_with_extraneous_bytes(path, frame):
    ok, data = cv2.imencode(".jpg", frame)
    data = data.tobytes()
    path.write_bytes(data[:-2] + b"\0" * 206 + data[-2:])   # junk before the end marker
    return path


def test_libjpeg_complaints_stay_off_stderr(tmp_path, written, capfd):
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"{i}.jpg"), written[i])
    jpeg_with_extraneous_bytes(tmp_path / "1.jpg", written[1])
    capfd.readouterr()
    with open_source(tmp_path) as source:
        got = list(source)
        warnings = source.warnings
    out, err = capfd.readouterr()
    assert err == "" and out == ""
    assert len(got) == 3
    assert nearest_frame(got[1], written[:3]) == 1    # decoded despite the junk
    assert len(warnings) == 1
    assert "1 image decoded despite damaged data" in warnings[0] and "1.jpg" in warnings[0]
    assert "Corrupt JPEG data" in warnings[0]


def test_damaged_jpeg_in_a_sequence_is_skipped_quietly(tmp_path, written, capfd):
    for i in range(4):
        cv2.imwrite(str(tmp_path / f"{i}.jpg"), written[i])
    data = (tmp_path / "2.jpg").read_bytes()
    (tmp_path / "2.jpg").write_bytes(data[: len(data) // 3])
    capfd.readouterr()
    with open_source(tmp_path) as source:
        got = read_indexed(source)
        assert source.skipped + len(source.warnings) >= 1
    _, err = capfd.readouterr()
    assert err == ""
    # A cut JPEG either decodes part-grey (and is reported) or not at all (and is skipped).
    assert [i for i, _ in got] in ([0, 1, 2, 3], [0, 1, 3])


# -- file names that are not UTF-8 ---------------------------------------------

LATIN1 = os.fsdecode(b"caf\xe9")   # "café" written by a Latin-1 system


def non_utf8(path: Path, name: str) -> Path:
    target = path / name
    try:
        target.touch()
        target.unlink()
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    return target


def run_child(script, *args):
    """Run ``script`` in a child (without the fix OpenCV segfaults, which would take pytest
    with it); file names go as bytes, as a shell would pass them."""
    prelude = ("import os, sys\nargs = [os.fsdecode(a.encode('utf-8', 'surrogateescape')) "
               "for a in sys.argv[1:]]\n")
    return subprocess.run([sys.executable, "-c", prelude + script, *map(os.fsencode, args)],
                          cwd=ROOT, capture_output=True, timeout=60)


def test_video_and_images_with_latin1_names_are_read(tmp_path, written):
    video = non_utf8(tmp_path, f"{LATIN1}.avi")
    write_clip(tmp_path / "plain.avi", written[:10], "MJPG").rename(video)
    folder = tmp_path / LATIN1             # the folder, and the images in it
    folder.mkdir()
    for i in range(3):
        ok, data = cv2.imencode(".png", written[i])
        (folder / f"{LATIN1}{i}.png").write_bytes(data.tobytes())
    result = run_child("import numpy as np\nfrom tracker.io.sources import open_source\n"
                       "v = open_source(args[0])\nprint(sum(1 for _ in v), v.error)\n"
                       "s = open_source(args[1])\nprint(s._label)\n"
                       "np.save(args[2], np.stack(list(s)))\n", video, folder, tmp_path / "got.npy")
    assert result.returncode == 0, result.stderr
    count, error, label = result.stdout.split()
    assert (count, error) == (b"10", b"None")
    assert b"caf\\xe9" in label                # printable: \xe9, not a surrogate
    np.testing.assert_array_equal(np.load(tmp_path / "got.npy"), np.stack(written[:3]))
