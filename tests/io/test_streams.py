"""Network streams and live reading: streams served from this process on 127.0.0.1.

No ffmpeg binary and no network: an MJPEG camera over HTTP and an MPEG-TS sender over
UDP run in threads of the test (tests/support/stream_server.py), and OpenCV's FFmpeg backend
reads them through `open_source`.
"""

import queue
import subprocess
import sys
import threading
import time

import cv2
import numpy as np
import pytest

from tests.support.paths import ROOT
from tests.support.stream_server import (FileServer, MjpegServer, UdpSender, closed_port, frame_index,
                                         numbered_frame, silent_port, write_transport_stream)
from tracker.errors import SourceError
from tracker.io import camera as camera_module
from tracker.io import live
from tracker.io.live import LatestFrameReader
from tracker.io.sources import StreamSource, open_source


# A dead stream today blocks read() for FFmpeg's 30 s; "bounded" here means well under it
# even on a loaded 2-core machine, with the source's timeout set to 1 s.
BOUND_S = 10.0


def test_mjpeg_stream_frames_arrive_in_order_as_sent():
    with MjpegServer() as server, open_source(server.url) as source:
        assert isinstance(source, StreamSource)
        assert source.is_live and source.frame_count is None
        assert source.size == (160, 120)
        frames = [source.read() for _ in range(8)]
    indices = [frame_index(f) for f in frames]
    assert indices == sorted(set(indices))             # newer each time, never repeated
    for frame, index in zip(frames, indices):         # the frame sent, up to JPEG's loss
        sent = numbered_frame(index).astype(np.int16)
        assert np.abs(frame.astype(np.int16) - sent).mean() < 3


def test_live_stream_cannot_seek():
    with MjpegServer() as server, open_source(server.url) as source:
        with pytest.raises(SourceError, match="live"):
            source.seek(0)


def test_slow_consumer_gets_recent_frames_not_a_backlog():
    """Reading one frame per 0.2 s from a 30 fps stream: each frame is one of the last few
    sent, not the next one of a growing queue (which would be ~40 frames behind by the end)."""
    with MjpegServer(fps=30) as server, open_source(server.url) as source:
        lags, indices, times = [], [], []
        for _ in range(8):
            time.sleep(0.2)
            index = frame_index(source.read())
            lags.append(server.sent - 1 - index)
            indices.append(index)
            times.append(source.last_capture_time)
            # Capture time: after the server sent that frame, and not in the future.
            assert server.sent_at[index] <= source.last_capture_time <= time.monotonic()
        assert max(lags) <= 10, lags
        assert indices[-1] >= 30, indices          # ~1.6 s at 30 fps went by
        assert times == sorted(times)
        # Every frame sent up to the last one read was either read or counted as dropped.
        assert source.frames_dropped == indices[-1] + 1 - len(indices)


def test_video_file_on_a_web_server_is_read_frame_by_frame(tmp_path):
    """A file has an end and a frame count: every frame comes, in order, however slowly
    they are read, and it can seek; it is not treated as live."""
    writer = cv2.VideoWriter(str(tmp_path / "clip.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 30, (160, 120))
    for index in range(15):
        writer.write(numbered_frame(index))
    writer.release()
    with FileServer(tmp_path) as server, open_source(server.url("clip.avi")) as source:
        assert not source.is_live and source.frame_count == 15
        time.sleep(0.2)                 # a live reader would have raced ahead by now
        assert [frame_index(f) for f in source] == list(range(15))
        assert not source.truncated and source.error is None
        source.seek(10)
        assert frame_index(source.read()) == 10


def test_dead_stream_is_detected_within_the_timeout():
    with MjpegServer(stall_after=12) as server:
        source = open_source(server.url, timeout=1.0)
        started = time.monotonic()
        indices = [frame_index(f) for f in source]
        waited = time.monotonic() - started
        source.close()
    assert indices == sorted(set(indices)) and indices[-1] == 11
    assert source.truncated
    assert "sent no frame for 1 s" in source.error and server.url in source.error
    assert waited < BOUND_S


def test_udp_stream_is_read_and_its_end_detected(tmp_path):
    video = tmp_path / "numbered.ts"
    if not write_transport_stream(video, frames=45):
        pytest.skip("this OpenCV build cannot write MPEG-TS")
    with UdpSender(video, seconds=1.0) as sender:
        source = open_source(sender.url, timeout=0.5)
        indices = [frame_index(f) for f in source]
        ended = time.monotonic()
        source.close()
    assert source.is_live and len(indices) > 10
    assert indices == sorted(set(indices)) and indices[-1] <= 44
    assert "sent no frame for 0.5 s" in source.error
    assert sender.finished_at is not None and ended - sender.finished_at < BOUND_S


@pytest.mark.parametrize("scheme", ["http", "rtsp"])
def test_port_that_never_answers_fails_within_the_timeout(scheme):
    with silent_port() as sock:
        url = f"{scheme}://127.0.0.1:{sock.getsockname()[1]}/stream"
        started = time.monotonic()
        with pytest.raises(SourceError) as error:
            open_source(url, timeout=0.5)
    assert time.monotonic() - started < BOUND_S
    assert url in str(error.value) and "no answer within 0.5 s" in str(error.value)


def test_refused_connection_fails_at_once_without_leaking_the_password():
    url = f"rtsp://admin:s3cret@127.0.0.1:{closed_port()}/live"
    started = time.monotonic()
    with pytest.raises(SourceError) as error:
        open_source(url)               # default timeouts: a refusal needs none of them
    message = str(error.value)
    assert time.monotonic() - started < BOUND_S
    assert "refused" in message and "admin:***@127.0.0.1" in message
    assert "s3cret" not in message


@pytest.mark.parametrize("url, words", [
    ("http://", "no host"),
    ("ftp://example.com/clip.mp4", "unsupported url scheme"),
])
def test_malformed_or_unsupported_urls(url, words):
    with pytest.raises(SourceError, match=f"(?i){words}"):
        open_source(url)


# -- the newest-frame reader on its own, with a capture the test drives ----------------

class ScriptedCapture:
    """A capture whose ``read`` hands out the frames the test puts in, blocking between."""

    def __init__(self):
        self.frames = queue.Queue()
        self.waiting = threading.Event()   # set while read() blocks for the next frame
        self.inside_read = False
        self.released_inside_read = False
        self.releases = 0

    def read(self):
        self.inside_read = True
        self.waiting.set()
        frame = self.frames.get()
        self.waiting.clear()
        self.inside_read = False
        return (frame is not None), frame

    def release(self):
        self.released_inside_read |= self.inside_read
        self.releases += 1

    def deliver(self, *values):
        """Hand out frames (None: the capture ends) and wait until read() blocks again."""
        for value in values:
            self.waiting.clear()
            self.frames.put(None if value is None else np.full((2, 2, 3), value, np.uint8))
            if value is not None:
                assert self.waiting.wait(BOUND_S)


def test_reader_hands_out_the_newest_frame_and_counts_the_skipped():
    capture = ScriptedCapture()
    reader = LatestFrameReader(capture, "scripted", read_timeout=1.0)
    assert capture.waiting.wait(BOUND_S)
    capture.deliver(1, 2, 3, 4, 5)
    frame, arrived = reader.take(timeout=BOUND_S)
    assert frame[0, 0, 0] == 5 and reader.frames_dropped == 4
    assert arrived <= time.monotonic()
    assert reader.take(timeout=0.05) is None and not reader.finished   # nothing newer yet
    capture.deliver(6)
    assert reader.take(timeout=BOUND_S)[0][0, 0, 0] == 6
    capture.deliver(None, 7)           # one failed read (an undecodable packet) is stepped over
    assert reader.take(timeout=BOUND_S)[0][0, 0, 0] == 7 and reader.failed_reads == 1
    capture.deliver(*[None] * (live._FAILED_READS + 1))    # failing every read: the end
    assert reader.take(timeout=BOUND_S) is None and reader.finished
    assert capture.releases == 1


def test_reader_never_releases_the_capture_while_a_read_is_blocked():
    capture = ScriptedCapture()
    reader = LatestFrameReader(capture, "scripted", read_timeout=1.0)
    assert capture.waiting.wait(BOUND_S)
    reader.stop(wait=0.05)             # the read is still blocked: nothing released yet
    assert capture.releases == 0
    capture.deliver(None)              # the read returns; the thread releases on its way out
    reader.stop(wait=BOUND_S)           # joins the thread, now that its read returned
    assert capture.releases == 1 and not capture.released_inside_read


class PacedCamera:
    """Stands in for cv2.VideoCapture on a camera: numbered frames at 30 fps."""

    def __init__(self, *args):
        self.next_due = time.monotonic()
        self.index = 0

    def isOpened(self):
        return True

    def set(self, *args):
        return True

    def get(self, prop):
        return 30.0

    def read(self):
        self.next_due += 1 / 30
        time.sleep(max(0.0, self.next_due - time.monotonic()))
        frame = numbered_frame(self.index)
        self.index += 1
        return True, frame

    def release(self):
        pass


def test_camera_is_read_at_its_own_pace(monkeypatch):
    monkeypatch.setattr(camera_module.sys, "platform", "test")   # skip the /dev/videoN checks
    monkeypatch.setattr(camera_module.cv2, "VideoCapture", PacedCamera)
    with open_source("camera:0") as camera:
        indices = []
        for _ in range(5):
            time.sleep(0.12)
            indices.append(frame_index(camera.read()))
        behind = camera._reader._produced - 1 - indices[-1]
    assert indices == sorted(set(indices)) and indices[-1] >= 12, indices
    assert behind <= 10


def test_exit_with_a_stream_left_open_is_clean():
    """A script that ends while the reader thread is blocked inside OpenCV's read (the
    stream went silent, the source never closed) exits normally instead of aborting."""
    script = ("import sys; from tracker.io.sources import open_source; "
              "source = open_source(sys.argv[1], timeout=1.0); source.read(); print('read')")
    with MjpegServer(stall_after=3) as server:
        done = subprocess.run([sys.executable, "-c", script, server.url], capture_output=True,
                              text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "read" and "FATAL" not in done.stderr
