"""Streams served from the test process itself on 127.0.0.1: MJPEG over HTTP, MPEG-TS over UDP.

Each frame carries its index as a row of black and white blocks (`frame_index`
reads it back), so a test can tell which frame a source returned, and the server
records when it sent each one (``time.monotonic()``, the clock sources use).
"""

from __future__ import annotations

import functools
import http.server
import socket
import threading
import time

import cv2
import numpy as np

SIZE = (160, 120)
_BITS, _BLOCK = 10, 16


def numbered_frame(index: int) -> np.ndarray:
    """A 160x120 frame whose top row of 16x16 blocks spells `index` in binary."""
    frame = np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)
    frame[40:80, 60:100] = (40, 200, 230)    # something to track
    for bit in range(_BITS):
        value = 255 if (index >> bit) & 1 else 0
        frame[:_BLOCK, bit * _BLOCK:(bit + 1) * _BLOCK] = value
    return frame


def frame_index(frame: np.ndarray) -> int:
    """The index `numbered_frame` wrote into `frame` (robust to JPEG)."""
    blocks = frame[4:_BLOCK - 4, :_BITS * _BLOCK].reshape(_BLOCK - 8, _BITS, _BLOCK, 3)
    bits = blocks[:, :, 4:-4].mean(axis=(0, 2, 3)) > 128
    return int(sum(1 << b for b in range(_BITS) if bits[b]))


class MjpegServer:
    """Serves ``multipart/x-mixed-replace`` JPEG frames at `fps` on 127.0.0.1.

    Parameters
    ----------
    fps : float
        Frames per second sent to each client.
    stall_after : int, optional
        After this many frames, keep the connection open but send nothing more
        (a camera that hung, a network that dropped).
    replace : dict, optional
        ``{index: bytes}``: send these bytes as part ``index`` instead of its JPEG (a
        damaged part, a huge one).
    announce : dict, optional
        ``{index: length}``: the Content-Length header of part ``index``, whatever its
        data (a lying or hostile camera).
    """

    def __init__(self, fps: float = 30.0, stall_after: int | None = None, replace=None,
                 announce=None):
        self.fps, self.stall_after = fps, stall_after
        self.replace, self.announce = dict(replace or {}), dict(announce or {})
        self.sent_at = {}            # frame index -> time.monotonic() when sent
        self.sent = 0
        self._stop = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                try:
                    server._stream_to(self.wfile)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/stream.mjpg"

    def _stream_to(self, out):
        index = 0
        next_due = time.monotonic()
        while not self._stop.is_set():
            if self.stall_after is not None and index >= self.stall_after:
                self._stop.wait(0.05)
                continue
            if index in self.replace:
                data = self.replace[index]
            else:
                ok, jpeg = cv2.imencode(".jpg", numbered_frame(index),
                                        [cv2.IMWRITE_JPEG_QUALITY, 90])
                data = jpeg.tobytes()
            # Stamped before sending, so no client can have the frame earlier.
            self.sent_at[index] = time.monotonic()
            self.sent = index + 1
            out.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n"
                      % self.announce.get(index, len(data)) + data + b"\r\n")
            out.flush()
            index += 1
            next_due += 1.0 / self.fps
            self._stop.wait(max(0.0, next_due - time.monotonic()))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()


def silent_port():
    """A listening 127.0.0.1 socket that never answers (kept open by the caller)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


def closed_port() -> int:
    """A 127.0.0.1 port with nothing listening: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_transport_stream(path, frames: int, fps: float = 30.0) -> bool:
    """Numbered frames as MPEG-2 in an MPEG-TS file (what UDP cameras send); False if
    this OpenCV build cannot write one."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MPEG"), fps, SIZE)
    if not writer.isOpened():
        return False
    for index in range(frames):
        writer.write(numbered_frame(index))
    writer.release()
    return True


class UdpSender:
    """Sends a transport stream file to a 127.0.0.1 UDP port, paced over `seconds`, once.

    `port` is free when the sender is made; the source under test listens on it.
    """

    PACKET = 7 * 188     # seven TS packets per datagram, as most senders do

    def __init__(self, path, seconds: float):
        with open(path, "rb") as f:
            self._data = f.read()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"udp://127.0.0.1:{self.port}"
        self._seconds = seconds
        self._stop = threading.Event()
        self.finished_at = None      # time.monotonic() when the last datagram went out
        self._thread = threading.Thread(target=self._send, daemon=True)

    def _send(self):
        chunks = range(0, len(self._data), self.PACKET)
        pause = self._seconds / len(chunks)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
            for start in chunks:
                if self._stop.wait(pause):
                    break
                out.sendto(self._data[start:start + self.PACKET], ("127.0.0.1", self.port))
        self.finished_at = time.monotonic()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()


class FileServer:
    """Serves the files of `folder` over HTTP on 127.0.0.1 (a video on a web server)."""

    def __init__(self, folder):
        handler = functools.partial(_QuietFileHandler, directory=str(folder))
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/{name}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._httpd.shutdown()
        self._httpd.server_close()


class _QuietFileHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
