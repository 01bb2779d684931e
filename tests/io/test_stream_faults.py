"""Hostile and unlucky streams: damaged and huge MJPEG parts, timeouts out of range, and
Ctrl+C while a stream stalls (in child processes, timed from the signal to the exit).

The streams are served from this process (tests/support/stream_server.py); "bounded" means well
under the timeouts the runs were given, even on a loaded 2-core machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import pytest

from tests.support.stream_server import (MjpegServer, UdpSender, frame_index, numbered_frame, silent_port,
                           write_transport_stream)
from tracker.errors import InputError, SourceError
from tracker.io.mjpeg import MAX_PART_BYTES
from tracker.io.sources import open_source

ROOT = Path(__file__).resolve().parents[2]
BOUND_S = 10.0


def read_indices(source, count, deadline_s=BOUND_S):
    indices = []
    end = time.monotonic() + deadline_s
    while len(indices) < count and time.monotonic() < end:
        frame = source.read()
        if frame is None:
            break
        indices.append(frame_index(frame))
    return indices


# -- MJPEG parts ---------------------------------------------------------------------------

def test_an_undecodable_part_is_skipped_counted_and_the_stream_goes_on():
    """Both bad parts are counted, however far behind the reading is: every part is
    checked as it arrives, not only those `read` would have returned (parts 4 and 5
    arrive back to back; the second used to replace the first unchecked under load)."""
    garbage = b"\xff\xd8 this is no JPEG" + bytes(500)
    with MjpegServer(fps=20, replace={4: garbage, 5: b"not even an image"}) as server, \
            open_source(server.url, timeout=BOUND_S / 2) as source:
        indices = read_indices(source, 12)
        warnings = source.warnings
    assert len(indices) == 12 and indices[-1] >= 13, indices     # it went on past them
    assert 4 not in indices and 5 not in indices
    assert not source.truncated
    assert len(warnings) == 1 and "skipped 2 parts" in warnings[0], warnings


def test_bad_parts_a_slow_reader_never_took_are_counted_all_the_same():
    """The consumer falls far behind (reads nothing while parts 1-10 arrive): the frames
    it skipped are dropped, but the bad parts among them are still counted as bad."""
    garbage = b"\xff\xd8 this is no JPEG" + bytes(500)
    with MjpegServer(fps=20, replace={4: garbage, 5: b"not even an image"}) as server, \
            open_source(server.url, timeout=BOUND_S / 2) as source:
        end = time.monotonic() + BOUND_S
        while server.sent <= 10 and time.monotonic() < end:   # a condition, not a delay
            time.sleep(0.01)
        indices = read_indices(source, 2)
        warnings = source.warnings
    assert server.sent > 10 and len(indices) == 2 and indices[-1] > 5, indices
    assert source.frames_dropped >= 3                           # it did fall behind
    assert len(warnings) == 1 and "skipped 2 parts" in warnings[0], warnings


def test_a_part_announcing_two_gigabytes_takes_no_memory():
    """The length is not trusted past the cap: the part is read up to the next boundary
    (here an ordinary frame, which is kept). Measured in a child: its peak resident
    memory, VmHWM (Linux). Not ru_maxrss: Linux carries the peak of the process that
    spawned the child across exec, so the child reported the test suite's 1.3 GB."""
    if not Path("/proc/self/status").exists():
        pytest.skip("needs Linux's /proc/self/status (VmHWM)")
    script = ("import re, sys; from tracker.io.sources import open_source\n"
              "from tests.support.stream_server import frame_index\n"
              "with open_source(sys.argv[1], timeout=5.0) as source:\n"
              "    seen = [frame_index(source.read()) for _ in range(10)]\n"
              "status = open('/proc/self/status').read()\n"
              "peak_kb = int(re.search(r'VmHWM:\\s*(\\d+) kB', status).group(1))\n"
              "print(max(seen), peak_kb // 1024)\n")
    with MjpegServer(fps=20, announce={2: 2_000_000_000}) as server:
        done = subprocess.run([sys.executable, "-c", script, server.url], capture_output=True,
                              text=True, timeout=120, cwd=ROOT,
                              env=dict(os.environ, PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'tests'}"))
    assert done.returncode == 0, done.stderr
    last, peak_mb = (int(v) for v in done.stdout.split())
    assert last >= 9
    assert peak_mb < 1000, f"{peak_mb} MB"      # FFmpeg allocated the 2 GB announced


def test_a_part_over_the_size_cap_is_stepped_over_in_bounded_memory():
    huge = b"\xff\xd8" + bytes(MAX_PART_BYTES + (1 << 20))
    with MjpegServer(fps=20, replace={3: huge}) as server, \
            open_source(server.url, timeout=5.0) as source:
        indices = read_indices(source, 8)
        warnings = source.warnings
    assert len(indices) == 8 and 3 not in indices and indices[-1] >= 8
    assert len(warnings) == 1 and f"more than {MAX_PART_BYTES:,} bytes" in warnings[0]


def test_a_part_over_the_pixel_limit_is_not_decoded():
    ok, big = cv2.imencode(".jpg", cv2.resize(numbered_frame(0), (800, 600)))
    with MjpegServer(fps=20, replace={3: big.tobytes()}) as server, \
            open_source(server.url, timeout=2.0, max_pixels=160 * 120) as source:
        indices = read_indices(source, 6)
        warnings = source.warnings
    assert len(indices) == 6 and 3 not in indices
    assert "800x600 pixels" in warnings[0] and "over the limit of 19200 pixels" in warnings[0]


def test_a_stream_of_nothing_but_bad_parts_says_why_it_gives_no_frame():
    with MjpegServer(fps=20, replace={i: b"junk" for i in range(100)}) as server:
        with pytest.raises(SourceError) as error:
            open_source(server.url, timeout=1.0)
    message = str(error.value)
    assert "delivered no frame within 1 s" in message and "skipped" in message
    assert "\n" not in message


# -- timeouts ------------------------------------------------------------------------------

@pytest.mark.parametrize("timeout", [0.0001, 0.0, -1.0, 1e308, 2147484.0, float("nan"),
                                     float("inf"), "5", True])
def test_timeouts_out_of_range_are_refused_in_one_line(timeout):
    """Under 1 ms OpenCV read 0 ms, "wait forever"; 1e308 overflowed, 2147484 s is past
    OpenCV's int milliseconds. Each is refused before anything is opened."""
    outcome = []

    def attempt():
        try:
            open_source("http://127.0.0.1:9/stream.mjpg", timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - the test looks at what it was
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(BOUND_S)
    assert not worker.is_alive(), "hangs"
    assert outcome and isinstance(outcome[0], InputError), outcome
    assert "timeout" in str(outcome[0]) and "\n" not in str(outcome[0])


def test_the_shortest_timeout_is_honoured_on_a_server_that_says_nothing():
    with silent_port() as sock:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/stream"
        started = time.monotonic()
        with pytest.raises(SourceError, match="no answer within 0.001 s"):
            open_source(url, timeout=0.001)
    assert time.monotonic() - started < BOUND_S


# -- Ctrl+C while a stream stalls, in a child process ---------------------------------------

# A frame loop as the command line runs it: the signal handler only sets the stop flag,
# which is polled between frames and, through `cancelled`, while the source waits.
LOOP = """
import sys, time
from tracker.cli.interrupts import StopRequest
from tracker.io.sources import open_source
with StopRequest() as stop:
    source = open_source(sys.argv[1], timeout=30.0, cancelled=lambda: bool(stop))
    print("open", flush=True)
    frames = sum(1 for _ in source)
    source.close()
print("frames", frames, "error", source.error, flush=True)
"""


def interrupt_after(proc, ready_line, settle_s):
    """Wait for ``ready_line`` on the child's stdout, let it settle into the stall, send
    SIGINT and return the seconds from the signal to the child's exit."""
    assert proc.stdout.readline().strip() == ready_line
    time.sleep(settle_s)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    return time.monotonic() - sent


def child(*args):
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))


def test_ctrl_c_while_an_mjpeg_stream_stalls_ends_the_run_at_once():
    with MjpegServer(stall_after=5) as server:
        proc = child("-c", LOOP, server.url)
        waited = interrupt_after(proc, "open", settle_s=1.5)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert out.split()[:2] == ["frames", "5"] and out.split()[-1] == "None"   # no error
    assert "FATAL" not in err and "Traceback" not in err
    assert waited < BOUND_S, f"{waited:.1f} s (the timeout is 30 s)"


def test_ctrl_c_while_opening_a_silent_stream_ends_the_run_at_once():
    """OpenCV's FFmpeg blocks in C while it opens an rtsp:// URL; the wait for it is in
    slices, and Python's exit does not wait out the 30 s either."""
    with silent_port() as sock:
        proc = child("-c", LOOP, f"rtsp://127.0.0.1:{sock.getsockname()[1]}/live")
        time.sleep(2.0)      # importing, then inside the open
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        waited = time.monotonic() - sent
    _, err = proc.communicate()
    assert "KeyboardInterrupt" in err and "FATAL" not in err
    assert waited < BOUND_S, f"{waited:.1f} s (the timeout is 30 s)"


# The command line's Ctrl+C on a stalled stream: tests/cli/test_limits_and_outputs.py.


def test_exit_while_an_ffmpeg_stream_stalls_is_quick_and_clean(tmp_path):
    """A script that ends while the reader thread waits inside FFmpeg for a UDP stream
    that went quiet (timeout 30 s) exits at once, without the abort of a thread coming
    back from C during Python's finalisation."""
    video = tmp_path / "numbered.ts"
    if not write_transport_stream(video, frames=90):
        pytest.skip("this OpenCV build cannot write MPEG-TS")
    script = ("import sys; from tracker.io.sources import open_source\n"
              "source = open_source(sys.argv[1], timeout=30.0)\n"
              "source.read(); print('read', flush=True)\n"
              "sys.stdin.readline()\n")
    with UdpSender(video, seconds=3.0) as sender:
        proc = subprocess.Popen([sys.executable, "-c", script, sender.url], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "read"
        while sender.finished_at is None:
            time.sleep(0.05)
    time.sleep(1.0)                       # the reader is now inside a read of up to 30 s
    started = time.monotonic()
    proc.stdin.write("exit\n")
    proc.stdin.flush()
    proc.wait(timeout=60)
    waited = time.monotonic() - started
    _, err = proc.communicate()
    assert proc.returncode == 0 and "FATAL" not in err, err
    assert waited < BOUND_S, f"{waited:.1f} s"
