"""Clips, manifests and Dask processes for the batch tests."""

import hashlib
import os
import socket
import subprocess
import sys
import time

import cv2

from tests.support.clips import moving_square_frames, write_video
from tests.support.paths import ROOT
from tracker.io._native import cv2_filename


def make_clip(path, n=40, size=(160, 120)):
    """A short MJPG clip of a square moving right; its first box is (20, 40, 30, 30)."""
    frames, _ = moving_square_frames(n=n, size=size)
    return write_video(path, frames, fourcc="MJPG")


def read_frames(path) -> list[str]:
    """A digest of each frame OpenCV decodes from ``path``: two videos with the same list
    show the same pictures (a container's own bytes differ from run to run: ids, dates)."""
    cap = cv2.VideoCapture(cv2_filename(path))
    digests = []
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                return digests
            digests.append(hashlib.sha1(frame.tobytes()).hexdigest())
    finally:
        cap.release()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*args, log):
    """``python -m dask ARGS`` as a process of its own (its own session, so that a Ctrl+C
    sent to a test's batch never reaches it), logging to ``log``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "dask", *map(str, args)], stdout=log,
                            stderr=subprocess.STDOUT, env=env, start_new_session=True)


def wait_for_workers(address, count, timeout=60):
    """Block until the scheduler at ``address`` has ``count`` workers; their pids by address."""
    from distributed import Client

    with Client(address, timeout=timeout) as client:
        client.wait_for_workers(count, timeout=timeout)
        return client.run(os.getpid)


def stop(process):
    """End a process this test started (by its id), and wait for it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def wait_until(condition, timeout=60, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False
