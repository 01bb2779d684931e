"""Network cameras and streams (rtsp://, http(s)://, udp://, ...) read by OpenCV's FFmpeg backend."""

from __future__ import annotations

import math
import re
import time
from numbers import Real
from urllib.parse import urlsplit

import cv2
import numpy as np

from ..errors import InputError, SourceError
from ._native import c_stderr_captured
from .base import _positive
from .limits import as_max_pixels, image_size, too_many_pixels
from .live import BlockingCall, _LiveSource
from .mjpeg import MjpegCapture, open_mjpeg
from .urls import STREAM_SCHEMES, url_scheme
from .video import VideoFileSource

#: Default seconds a stream may take to open, and to deliver its next frame before
#: it counts as dead. FFmpeg's own defaults let a dead UDP stream block for 30 s.
OPEN_TIMEOUT = 10.0
READ_TIMEOUT = 5.0
#: The range of a timeout: OpenCV counts whole milliseconds (0 means "wait forever"),
#: and a day without a frame is no stream any more.
MIN_TIMEOUT, MAX_TIMEOUT = 0.001, 86400.0


def as_timeout(value, name="timeout") -> float:
    """A stream timeout in seconds, checked: a number from `MIN_TIMEOUT` (1 ms) to
    `MAX_TIMEOUT` (one day). InputError otherwise, in one line."""
    if isinstance(value, Real) and not isinstance(value, (bool, np.bool_)):
        seconds = float(value)
        if math.isfinite(seconds) and MIN_TIMEOUT <= seconds <= MAX_TIMEOUT:
            return seconds
    raise InputError(f"{name} must be a number of seconds from {MIN_TIMEOUT:g} (1 ms) to "
                     f"{MAX_TIMEOUT:g} (a day), got {value!r}")

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
    max_pixels : int, optional
        Most pixels a frame may have (default `limits.MAX_PIXELS`).
    cancelled : callable, optional
        Polled while waiting (to open, for a frame) at least every
        `live.WAIT_SLICE` seconds; when it returns True the wait ends: opening raises
        KeyboardInterrupt, `read` returns None. For Ctrl+C: pass the run's stop flag.

    Raises
    ------
    InputError
        If a timeout is not from 1 ms to a day, or `max_pixels` not a positive integer.
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

    MJPEG over HTTP (``multipart/x-mixed-replace``, what most network cameras serve)
    is read by `mjpeg.MjpegCapture` rather than FFmpeg: a part that is not an image,
    or over `max_pixels` or `mjpeg.MAX_PART_BYTES`, is skipped and counted (in
    `warnings`), and the stream goes on. Opening runs in a thread, so that a signal or
    ``cancelled`` is heard while OpenCV blocks.
    """

    _kind = "stream"

    def __init__(self, url, *, open_timeout: float = OPEN_TIMEOUT,
                 read_timeout: float = READ_TIMEOUT, max_pixels=None, cancelled=None):
        super().__init__(str(url).strip(), cancelled)
        self.open_timeout = as_timeout(open_timeout, "open_timeout")
        self.read_timeout = as_timeout(read_timeout, "read_timeout")
        self.max_pixels = as_max_pixels(max_pixels)
        self._capture = None
        self._undecodable = 0
        self._first_undecodable = None
        capture = self._open()
        self._mjpeg = isinstance(capture, MjpegCapture)
        self._parts = capture if self._mjpeg else None
        if self._mjpeg:
            self.fps = self.frame_count = None
        else:
            self.fps = _positive(capture.get(cv2.CAP_PROP_FPS))
            count = _positive(capture.get(cv2.CAP_PROP_FRAME_COUNT))
            # FFmpeg reports absurd counts (-3e15, 1e18) for broadcasts; a file has a real one.
            self.frame_count = int(count) if count is not None and count < 1e9 else None
        self.is_live = self.frame_count is None
        if self.is_live:
            # Parts are decoded in the reader's thread, each one, so that the count of
            # bad parts does not depend on how far behind the consumer is.
            self._start_reading(capture, self._decode_part if self._mjpeg else None)
        else:
            self._capture = capture
        self._probe(f"opened but delivered no frame within {self.read_timeout:g} s")

    def _open(self):
        """The capture (an `MjpegCapture` or OpenCV's FFmpeg one), opened within
        `open_timeout`, or SourceError saying why not."""
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
        call = BlockingCall(lambda: self._connect(scheme), f"open {self._label}",
                            2 * self.open_timeout, release=lambda capture: capture.release())
        capture = call.result(self._cancelled)
        if isinstance(capture, str):
            raise SourceError(f"cannot open {self._label}: {capture}")
        if capture is not None:
            return capture
        if time.monotonic() - started < 0.9 * self.open_timeout:
            why = "connection refused, or not a stream OpenCV can decode"
        elif scheme == "udp":          # nothing to connect to: a UDP source only listens
            why = f"nothing arrived within {self.open_timeout:g} s"
        else:
            why = f"no answer within {self.open_timeout:g} s"
        raise SourceError(f"cannot open {self._label}: {why}")

    def _connect(self, scheme):
        """In the opening thread: the capture, None if OpenCV could not open the URL, or
        a string saying why it is refused."""
        if scheme in ("http", "https"):
            try:
                capture = open_mjpeg(self.name, self.open_timeout)
            except TimeoutError:
                return f"no answer within {self.open_timeout:g} s"
            if capture is not None:
                return capture
        capture = cv2.VideoCapture(self.name, cv2.CAP_FFMPEG, [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, round(self.open_timeout * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC, round(self.read_timeout * 1000),
        ])
        if not capture.isOpened():
            capture.release()
            return None
        refused = too_many_pixels(int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
                                  int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)), self.max_pixels)
        if refused:
            capture.release()
            return refused
        return capture

    def _decode_part(self, raw):
        """In the reader's thread: the frame in an MJPEG part, or None (counted) for one
        that is no usable image."""
        size = image_size(raw)
        refused = size and too_many_pixels(*size, self.max_pixels)
        if refused:
            return self._undecodable_part(refused)
        with c_stderr_captured() as said:   # libjpeg's complaints about damaged data
            try:
                frame = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
            except cv2.error:
                frame = None
        if frame is None:
            first = said.text.splitlines()[0] if said.text else ""
            return self._undecodable_part(first or "not an image OpenCV can decode")
        return frame

    def _undecodable_part(self, why):
        # Written by the reader's thread only; read by the consumer for its messages.
        self._undecodable += 1
        if self._first_undecodable is None:
            self._first_undecodable = why
        return None

    def _mjpeg_skips(self):
        """(parts skipped, why the first was) of an MJPEG stream; (0, None) otherwise."""
        if self._parts is None:
            return 0, None
        count = self._undecodable + self._parts.skipped_parts
        return count, self._parts.first_skip or self._first_undecodable

    def _decoder_notes(self):
        notes = super()._decoder_notes()
        count, why = self._mjpeg_skips()
        if count:
            notes.append(f"{self._label}: skipped {count} part{'s' if count != 1 else ''} "
                         f"of the MJPEG stream that {'are' if count != 1 else 'is'} not a "
                         f"usable image (first: {why})")
        return notes

    def _probe(self, reason, frames=1):
        try:
            super()._probe(reason, frames)
        except SourceError as exc:
            count, why = self._mjpeg_skips()
            if not count:
                raise
            raise SourceError(f"{exc}; {count} part{'s' if count != 1 else ''} skipped, "
                              f"the first: {why}") from None

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
