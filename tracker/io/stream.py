"""Network cameras and streams (rtsp://, http(s)://, udp://, ...) read by OpenCV's FFmpeg backend."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import cv2

from ..errors import SourceError
from .base import _positive
from .live import _LiveSource
from .urls import STREAM_SCHEMES, url_scheme
from .video import VideoFileSource

#: Default seconds a stream may take to open, and to deliver its next frame before
#: it counts as dead. FFmpeg's own defaults let a dead UDP stream block for 30 s.
OPEN_TIMEOUT = 10.0
READ_TIMEOUT = 5.0

_PASSWORD = re.compile(r"(://[^/@:]*):[^/]*@")   # up to the last @ of the host part


def _without_password(url: str) -> str:
    """`url` with any password (``rtsp://user:password@host``) shown as ``***``:
    messages must not leak it."""
    return _PASSWORD.sub(r"\1:***@", url, count=1)


class StreamSource(_LiveSource):
    """Frames of a network stream, or of a video file on a web server.

    Parameters
    ----------
    url : str
        ``rtsp://``, ``http(s)://`` (including MJPEG cameras), ``udp://`` or another
        scheme in `STREAM_SCHEMES`, as FFmpeg understands it.
    open_timeout : float
        Seconds the connection and the first frame may take.
    read_timeout : float
        Seconds without a new frame after which a live stream counts as dead:
        iteration ends, `truncated` is set and `error` says so.

    Raises
    ------
    SourceError
        If the URL is malformed, or nothing that OpenCV can decode answers
        within `open_timeout` seconds.

    Notes
    -----
    A stream without a frame count (a camera, a broadcast) is live: a thread
    reads it at its own pace, `read` returns the newest frame, `frames_dropped`
    counts those skipped and `last_capture_time` tells when the returned one
    arrived. A stream with a frame count (a file served over HTTP) is read
    frame by frame like a local file, and can seek if the server allows it.
    FFmpeg options such as ``rtsp_transport;udp`` go in the environment variable
    ``OPENCV_FFMPEG_CAPTURE_OPTIONS``, as OpenCV documents; OpenCV reads RTSP
    over TCP by default.
    """

    _kind = "stream"

    def __init__(self, url, *, open_timeout: float = OPEN_TIMEOUT,
                 read_timeout: float = READ_TIMEOUT):
        super().__init__(str(url).strip())
        self.open_timeout, self.read_timeout = float(open_timeout), float(read_timeout)
        self._capture = None
        capture = self._open()
        self.fps = _positive(capture.get(cv2.CAP_PROP_FPS))
        count = _positive(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        # FFmpeg reports absurd counts (-3e15, 1e18) for broadcasts; a file has a real one.
        self.frame_count = int(count) if count is not None and count < 1e9 else None
        self.is_live = self.frame_count is None
        if self.is_live:
            self._start_reading(capture)
        else:
            self._capture = capture
        self._probe(f"opened but delivered no frame within {self.read_timeout:g} s")

    def _open(self):
        """The FFmpeg capture, opened within `open_timeout`, or SourceError saying why not."""
        scheme = url_scheme(self.name)
        if scheme not in STREAM_SCHEMES:
            raise SourceError(f"cannot open {self._label}: unsupported URL scheme "
                              f"(use one of {', '.join(s + '://' for s in STREAM_SCHEMES)})")
        try:
            netloc = urlsplit(self.name).netloc
        except ValueError as exc:      # "http://[::1" and the like
            raise SourceError(f"cannot open {self._label}: malformed URL ({exc})") from None
        if not netloc:
            raise SourceError(f"cannot open {self._label}: no host or port in the URL")
        started = time.monotonic()
        capture = cv2.VideoCapture(self.name, cv2.CAP_FFMPEG, [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(self.open_timeout * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(self.read_timeout * 1000),
        ])
        if capture.isOpened():
            return capture
        capture.release()
        if time.monotonic() - started < 0.9 * self.open_timeout:
            why = "connection refused, or not a stream OpenCV can decode"
        elif scheme == "udp":          # nothing to connect to: a UDP source only listens
            why = f"nothing arrived within {self.open_timeout:g} s"
        else:
            why = f"no answer within {self.open_timeout:g} s"
        raise SourceError(f"cannot open {self._label}: {why}")

    @property
    def _label(self):
        return f"'{_without_password(self.name)}'"

    def _next_raw(self):
        if self.is_live:
            return super()._next_raw()
        ok, frame = self._capture.read()
        return frame if ok else None

    # A file on a web server seeks like a local one (when the server allows ranges).
    _seek_raw = VideoFileSource._seek_raw

    def _release(self):
        super()._release()
        if self._capture is not None:
            self._capture.release()
