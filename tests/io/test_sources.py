"""Frame sources and as_bgr8, against frames the tests write themselves."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.support.clips import write_clip
from tests.support.paths import ROOT as REPO
from tracker.errors import InputError, SourceError
from tracker.io.frames import as_bgr8
from tracker.io.sources import (
    CameraSource,
    FrameSource,
    ImageSequenceSource,
    VideoFileSource,
    open_source,
)

N_FRAMES = 30
FPS = 25.0
WIDTH, HEIGHT = 64, 48


def make_frames(n=N_FRAMES, width=WIDTH, height=HEIGHT):
    """Smooth frames (easy on lossy codecs) that differ clearly from one another."""
    ys, xs = np.mgrid[0:height, 0:width]
    frames = []
    for i in range(n):
        frame = np.empty((height, width, 3), np.uint8)
        frame[..., 0] = 30 + xs * 150 // width + i * 2
        frame[..., 1] = 40 + ys * 150 // height
        frame[..., 2] = 20 + i * 7
        left = i % (width - 16)
        frame[16:32, left:left + 16] = (230, 230, 230)
        frames.append(frame)
    return frames


def write_video(path, frames, fourcc):
    return write_clip(path, frames, fourcc, FPS)


def mean_abs_diff(a, b):
    return float(np.mean(np.abs(a.astype(np.int16) - b.astype(np.int16))))


def assert_decoded(got, written, tolerance=4.0):
    """Each decoded frame is close to its own written frame and closest to it."""
    for i, frame in enumerate(got):
        assert frame.shape == written[i].shape and frame.dtype == np.uint8
        diffs = [mean_abs_diff(frame, w) for w in written]
        assert diffs[i] < tolerance, f"frame {i} differs by {diffs[i]:.1f}"
        assert int(np.argmin(diffs)) == i, f"frame {i} looks like frame {np.argmin(diffs)}"


@pytest.fixture(scope="module")
def frames():
    return make_frames()


@pytest.fixture(scope="module")
def media(tmp_path_factory, frames):
    """All test files, written once per module to keep the suite fast."""
    root = tmp_path_factory.mktemp("media")
    paths = {
        "mp4": write_video(root / "clip.mp4", frames, "mp4v"),
        "avi": write_video(root / "clip.avi", frames, "MJPG"),
    }
    data = paths["avi"].read_bytes()
    paths["truncated_avi"] = root / "truncated.avi"
    paths["truncated_avi"].write_bytes(data[: len(data) // 2])
    data = paths["mp4"].read_bytes()
    paths["truncated_mp4"] = root / "truncated.mp4"
    paths["truncated_mp4"].write_bytes(data[: len(data) // 2])
    paths["garbage"] = root / "notes.mp4"
    paths["garbage"].write_text("these are notes, not a video\n" * 20)
    paths["empty"] = root / "empty"
    paths["empty"].mkdir()

    # Names chosen so that plain string sorting would give 1, 10, 2.
    natural = root / "natural"
    natural.mkdir()
    for number, frame in zip((1, 2, 10), frames):
        cv2.imwrite(str(natural / f"{number}.png"), frame)
    (natural / "readme.txt").write_text("not an image")
    (natural / "._1.png").write_bytes(b"macOS metadata, not a PNG")
    paths["natural"] = natural

    seq = root / "seq"
    seq.mkdir()
    for i, frame in enumerate(frames[:5], start=1):
        cv2.imwrite(str(seq / f"{i:04d}.png"), frame)
    paths["seq"] = seq

    deep = root / "deep"
    deep.mkdir()
    rng = np.random.default_rng(0)
    for i, frame in enumerate(frames[:3]):
        # Random low bytes must not change the 8-bit result.
        low = rng.integers(0, 256, frame.shape, dtype=np.uint16)
        cv2.imwrite(str(deep / f"{i}.png"), frame.astype(np.uint16) * 256 + low)
    paths["deep"] = deep
    return paths


# -- as_bgr8 ---------------------------------------------------------------


def test_as_bgr8_returns_bgr8_input_itself():
    frame = np.zeros((4, 5, 3), np.uint8)
    assert as_bgr8(frame) is frame


def test_as_bgr8_makes_non_contiguous_input_contiguous():
    frame = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)[:, ::2]
    out = as_bgr8(frame)
    assert out.flags.c_contiguous
    np.testing.assert_array_equal(out, frame)


@pytest.mark.parametrize("shape", [(3, 4), (3, 4, 1)])
def test_as_bgr8_replicates_gray(shape):
    gray = np.arange(12, dtype=np.uint8).reshape(shape)
    out = as_bgr8(gray)
    expected = np.stack([gray.reshape(3, 4)] * 3, axis=-1)
    assert out.dtype == np.uint8 and out.flags.c_contiguous
    np.testing.assert_array_equal(out, expected)


def test_as_bgr8_drops_alpha():
    bgra = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    out = as_bgr8(bgra)
    assert out.flags.c_contiguous
    np.testing.assert_array_equal(out, bgra[:, :, :3])


def test_as_bgr8_uint16_keeps_high_byte():
    values = np.array([[0, 255, 256, 0x7FFF, 0xFF00, 0xFFFF]], np.uint16)
    out = as_bgr8(values)
    np.testing.assert_array_equal(out[..., 0], [[0, 0, 1, 0x7F, 0xFF, 0xFF]])
    np.testing.assert_array_equal(out[..., 0], out[..., 2])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_as_bgr8_float_unit_range(dtype):
    values = np.array([[0.0, 0.5, 1.0, -0.2, 1.7, np.nan]], dtype)
    expected = [[0, 128, 255, 0, 255, 0]]
    np.testing.assert_array_equal(as_bgr8(values)[..., 1], expected)


def test_as_bgr8_bool_is_black_and_white():
    mask = np.array([[True, False]])
    np.testing.assert_array_equal(as_bgr8(mask), [[[255] * 3, [0] * 3]])


def test_as_bgr8_one_pixel():
    out = as_bgr8(np.array([[7]], np.uint8))
    np.testing.assert_array_equal(out, [[[7, 7, 7]]])


@pytest.mark.parametrize(
    "frame, words",
    [
        (None, "None"),
        (np.zeros((0, 5, 3), np.uint8), "empty"),
        (np.zeros(5, np.uint8), "dimensions"),
        (np.zeros((2, 2, 3, 1), np.uint8), "dimensions"),
        (np.zeros((2, 2, 2), np.uint8), "channels"),
        (np.zeros((2, 2, 3), np.int32), "dtype"),
    ],
)
def test_as_bgr8_rejects_bad_frames(frame, words):
    with pytest.raises(InputError, match=words) as info:
        as_bgr8(frame)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


# -- video files ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["mp4", "avi"])
def test_video_frames_match_written_frames(media, frames, kind):
    with open_source(media[kind]) as source:
        assert isinstance(source, VideoFileSource)
        assert isinstance(source, FrameSource)
        assert source.fps == pytest.approx(FPS)
        assert source.size == (WIDTH, HEIGHT)
        assert source.frame_count == N_FRAMES
        assert not source.is_live
        got = list(source)
        assert not source.truncated and source.error is None
        assert source.position == N_FRAMES
    assert len(got) == N_FRAMES
    assert_decoded(got, frames)


def test_video_read_returns_none_at_end_and_seek_rewinds(media):
    source = open_source(media["mp4"])
    sequential = list(source)
    assert source.read() is None
    assert source.read() is None
    for index in (17, 3, 0, N_FRAMES - 1):
        source.seek(index)
        assert source.position == index
        # The same decoder on the same data: identical, not merely close.
        np.testing.assert_array_equal(source.read(), sequential[index])
        assert source.position == index + 1
    source.seek(N_FRAMES)
    assert source.read() is None and not source.truncated
    with pytest.raises(InputError):
        source.seek(N_FRAMES + 1)
    with pytest.raises(InputError):
        source.seek(-1)
    source.close()
    with pytest.raises(SourceError, match="closed"):
        source.read()


def test_truncated_video_stops_early_and_says_so(media, frames):
    with open_source(media["truncated_avi"]) as source:
        assert source.frame_count == N_FRAMES  # the header still claims all
        got = list(source)
        assert 0 < len(got) < N_FRAMES - 2
        assert source.truncated
        assert "truncated.avi" in source.error
        assert f"{len(got)} of {N_FRAMES}" in source.error
    # FFmpeg conceals the errors in the frame the cut went through and returns
    # it part-decoded, so only the frames before it must match.
    assert_decoded(got[:-1], frames)
    assert got[-1].shape == (HEIGHT, WIDTH, 3)


def test_truncated_mp4_fails_at_open(media):
    # mp4v files keep their index (moov atom) at the end, so half a file has none.
    with pytest.raises(SourceError, match="cannot open .*truncated.mp4"):
        open_source(media["truncated_mp4"])


def test_one_pixel_video(tmp_path):
    tiny = [np.full((1, 1, 3), v, np.uint8) for v in (0, 128, 255)]
    path = write_video(tmp_path / "tiny.avi", tiny, "MJPG")
    with open_source(path) as source:
        got = list(source)
        assert source.size == (1, 1)
    assert [f.shape for f in got] == [(1, 1, 3)] * 3
    assert [abs(int(f[0, 0, 0]) - int(t[0, 0, 0])) <= 3 for f, t in zip(got, tiny)] == [True] * 3


# -- image sequences ----------------------------------------------------------


def test_folder_is_read_in_natural_order_exactly(media, frames):
    with open_source(media["natural"]) as source:
        assert isinstance(source, ImageSequenceSource)
        assert [Path(f).name for f in source.files] == ["1.png", "2.png", "10.png"]
        assert source.frame_count == 3 and source.fps is None
        got = list(source)
    assert len(got) == 3
    for read, written in zip(got, frames):
        np.testing.assert_array_equal(read, written)  # PNG is lossless


def test_sixteen_bit_png_matches_eight_bit(media, frames):
    with open_source(media["deep"]) as source:
        got = list(source)
    assert len(got) == 3
    for read, written in zip(got, frames):
        assert read.dtype == np.uint8
        assert np.abs(read.astype(int) - written.astype(int)).max() <= 1


def test_grayscale_png_comes_back_as_three_equal_channels(tmp_path):
    gray = np.arange(6 * 7, dtype=np.uint8).reshape(6, 7) * 5
    path = tmp_path / "gray.png"
    cv2.imwrite(str(path), gray)
    with open_source(path) as source:
        frame = source.read()
        assert source.read() is None
        assert source.frame_count == 1 and source.size == (7, 6)
    for channel in range(3):
        np.testing.assert_array_equal(frame[..., channel], gray)


def test_one_pixel_image(tmp_path):
    path = tmp_path / "dot.png"
    cv2.imwrite(str(path), np.array([[[1, 2, 3]]], np.uint8))
    with open_source(path) as source:
        np.testing.assert_array_equal(source.read(), [[[1, 2, 3]]])


def test_pattern_starts_at_first_existing_index(media, frames):
    pattern = str(media["seq"] / "%04d.png")
    with open_source(pattern, fps=12) as source:
        assert isinstance(source, ImageSequenceSource)
        assert source.name == pattern
        assert source.frame_count == 5 and source.fps == 12.0
        got = list(source)
        assert source.read() is None
        source.seek(2)
        np.testing.assert_array_equal(source.read(), frames[2])
        assert source.position == 3
    assert len(got) == 5
    for read, written in zip(got, frames):
        np.testing.assert_array_equal(read, written)


def test_undecodable_image_mid_sequence_is_skipped_keeping_indices(tmp_path, frames):
    for i in range(4):
        cv2.imwrite(str(tmp_path / f"{i}.png"), frames[i])
    (tmp_path / "2.png").write_bytes(b"not a png")
    with open_source(tmp_path) as source:
        got = []
        while (frame := source.read()) is not None:
            got.append((source.position - 1, frame))
        assert not source.truncated and source.error is None
        assert source.skipped == 1
        assert len(source.warnings) == 1 and "2.png" in source.warnings[0]
        assert "skipped 1 damaged frame (frame 2)" in source.warnings[0]
    assert [index for index, _ in got] == [0, 1, 3]
    for index, frame in got:
        np.testing.assert_array_equal(frame, frames[index])


def test_frame_of_another_size_stops_sequence(tmp_path, frames):
    cv2.imwrite(str(tmp_path / "0.png"), frames[0])
    cv2.imwrite(str(tmp_path / "1.png"), frames[1][:10, :10])
    with open_source(tmp_path) as source:
        assert len(list(source)) == 1
        assert source.truncated and "10x10" in source.error


# -- errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, reason",
    [
        ("garbage", "not a video or image sequence OpenCV can decode"),
        ("empty", "folder holds no images"),
    ],
)
def test_bad_sources_fail_at_open_naming_the_source(media, key, reason):
    spec = str(media[key])
    with pytest.raises(SourceError) as info:
        open_source(spec)
    assert str(info.value) == f"cannot open '{spec}': {reason}"


def test_undecodable_single_image(tmp_path):
    path = tmp_path / "photo.png"
    path.write_text("not a png")
    with pytest.raises(SourceError) as info:
        open_source(path)
    assert str(info.value) == f"cannot open '{path}': not an image OpenCV can decode"


def test_bad_arguments_are_input_errors(media):
    with pytest.raises(InputError, match="fps"):
        open_source(media["seq"], fps=0)
    with open_source(media["seq"]) as source, pytest.raises(InputError, match="integer"):
        source.seek(1.5)


def test_missing_file_and_pattern(tmp_path):
    missing = str(tmp_path / "x.mp4")
    with pytest.raises(SourceError, match="^cannot open '.*x.mp4': no such file$"):
        open_source(missing)
    with pytest.raises(SourceError, match="no file matches the pattern"):
        open_source(str(tmp_path / "img%04d.jpg"))


@pytest.mark.parametrize("spec", ["camera:", "camera:-1", "camera:abc", "camera:1.5"])
def test_malformed_camera_spec(spec):
    with pytest.raises(SourceError, match=f"cannot open {spec}: malformed camera spec"):
        open_source(spec)


def test_missing_camera_fails_fast():
    start = time.perf_counter()
    with pytest.raises(SourceError, match="^cannot open camera:99: no camera"):
        open_source("camera:99")
    assert time.perf_counter() - start < 3.0
    with pytest.raises(SourceError, match="malformed camera spec"):
        CameraSource(-1)


def test_opencv_stays_quiet_on_bad_input(media):
    """Decoder warnings would bury our one-line error, so nothing reaches stderr."""
    script = textwrap.dedent(
        """
        import sys
        import cv2  # a user script may well import OpenCV before us
        from tracker.errors import SourceError
        from tracker.io.sources import open_source
        for spec in sys.argv[1:]:
            try:
                with open_source(spec) as source:
                    n = sum(1 for _ in source)
                    print(spec, n, source.truncated)
            except SourceError as exc:
                print(exc)
        """
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENCV_LOG_LEVEL", "OPENCV_FFMPEG_LOGLEVEL")
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    specs = [
        media["garbage"],
        media["truncated_mp4"],
        media["truncated_avi"],
        media["seq"] / "%04d.jpg",
        "camera:99",
    ]
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, specs)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == len(specs)
    assert lines[0].startswith("cannot open") and lines[1].startswith("cannot open")
    assert lines[2].endswith("True")  # truncated avi: partly read, flagged
    assert lines[4].startswith("cannot open camera:99")
