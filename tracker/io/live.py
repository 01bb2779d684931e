"""Live sources (cameras, network streams) read at their own pace, newest frame first.

A camera or a stream produces frames whether or not anyone is ready for them. Read
one frame per processed frame and the backlog piles up in the driver's or the
socket's buffers: the picture falls further and further behind the scene. Here a
thread reads the capture as fast as it delivers and keeps only the newest frame; the
consumer takes that one, and the frames it was too slow for are skipped (counted
in ``frames_dropped``).
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref

from .base import _SourceBase

# How long `close` waits for the reader thread to leave a blocking read; a thread
# still inside one after that releases its capture itself when the read returns.
_JOIN_SECONDS = 1.0

_running = weakref.WeakSet()


@atexit.register
def _let_readers_finish():
    """Wait for reader threads still inside a capture's read before Python shuts down.

    CPython ends a daemon thread that comes back from C code during finalisation by
    unwinding it (``pthread_exit``); through OpenCV's C++ frames that aborts the whole
    process ("FATAL: exception not rethrown", seen with Python 3.11 on a stream left
    open). The backend's read timeout bounds the wait.
    """
    for reader in list(_running):
        reader.stop(wait=reader.read_timeout + _JOIN_SECONDS)


class LatestFrameReader:
    """Reads ``capture`` in a thread, keeping only the newest frame and when it arrived.

    The thread owns `capture` from then on and releases it when it stops, so a
    capture is never released while another thread is inside its ``read``.

    Parameters
    ----------
    capture : cv2.VideoCapture or similar
        Anything with ``read() -> (ok, frame)`` and ``release()``.
    name : str
        For the thread's name.
    read_timeout : float
        Seconds the capture's ``read`` may block (its backend's timeout): how long
        Python's exit waits for the thread.
    """

    def __init__(self, capture, name: str, read_timeout: float):
        self._capture = capture
        self.read_timeout = read_timeout
        self._changed = threading.Condition()
        self._frame = None
        self._frame_time = None
        self._produced = 0   # frames the capture delivered
        self._taken = 0      # the `_produced` count of the last frame handed out
        self._finished = False
        self._stopping = False
        self.failure = None  # an exception from the capture, if that is how it ended
        self.frames_dropped = 0
        self._thread = threading.Thread(target=self._run, name=f"read {name}", daemon=True)
        _running.add(self)
        self._thread.start()

    def _run(self):
        try:
            while not self._stopping:
                ok, frame = self._capture.read()
                arrived = time.monotonic()
                if not ok or frame is None:
                    break
                with self._changed:
                    self._frame, self._frame_time = frame, arrived
                    self._produced += 1
                    self._changed.notify_all()
        except Exception as exc:  # noqa: BLE001 - reported to the consumer, not lost in a thread
            self.failure = exc
        finally:
            self._capture.release()
            with self._changed:
                self._finished = True
                self._changed.notify_all()
            _running.discard(self)

    @property
    def finished(self) -> bool:
        """True once the capture has stopped delivering (the thread has ended)."""
        return self._finished

    def has_newer(self) -> bool:
        """True if a frame has arrived since the last one `take` returned."""
        with self._changed:
            return self._produced > self._taken

    def take(self, timeout: float):
        """The newest frame not yet taken and its arrival time, waiting up to `timeout` s.

        Returns ``(frame, time.monotonic() at arrival)``, or None if no new frame
        arrived in time or the capture has ended (see `finished`).
        """
        with self._changed:
            self._changed.wait_for(lambda: self._produced > self._taken or self._finished, timeout)
            if self._produced == self._taken:
                return None
            self.frames_dropped += self._produced - self._taken - 1
            self._taken = self._produced
            frame, self._frame = self._frame, None
            return frame, self._frame_time

    def stop(self, wait: float = _JOIN_SECONDS):
        """Ask the thread to stop after its current read and wait up to `wait` s for it;
        it releases the capture on its way out."""
        self._stopping = True
        if wait > 0 and self._thread is not threading.current_thread():
            self._thread.join(wait)


class _LiveSource(_SourceBase):
    """A source whose frames come from a `LatestFrameReader` (cameras, live streams).

    Subclasses open their capture, then call `_start_reading`. `read` returns the
    newest frame, waiting for one newer than the last; when none comes within
    `read_timeout` seconds, or the capture stops, the source ends with `truncated`
    set (a live source has no normal end) and `error` saying why.

    Attributes
    ----------
    last_capture_time : float or None
        ``time.monotonic()`` when the frame `read` last returned came out of the
        capture (decoded), for showing capture-to-display latency.
    frames_dropped : int
        Frames the capture delivered that were skipped because a newer one had
        arrived before `read` was called again.
    """

    is_live = True
    read_timeout = 5.0
    _kind = "camera or stream"   # for messages

    def __init__(self, name):
        super().__init__(name)
        self._reader = None
        self._stale_dropped = 0

    def _start_reading(self, capture):
        self._reader = LatestFrameReader(capture, self.name, self.read_timeout)

    @property
    def frames_dropped(self) -> int:
        return (self._reader.frames_dropped if self._reader is not None else 0) + self._stale_dropped

    def read(self):
        # The frame kept from opening is stale once a newer one has arrived.
        if self._pending and self._reader is not None and self._reader.has_newer():
            self._pending.clear()
            self._stale_dropped += 1
        return super().read()

    def _next_raw(self):
        taken = self._reader.take(self.read_timeout)
        if taken is None:
            if self.position > 0:  # at open, the subclass's reason for _probe is clearer
                self.truncated = True
                self.error = self._why_stopped()
            self._reader.stop(wait=0)  # dead: the thread leaves when its read gives up
            return None
        frame, self.last_capture_time = taken
        return frame

    def _stop(self, reason):
        super()._stop(reason)
        self.truncated = True  # a live source has no normal end: any end is early

    def _why_stopped(self):
        frames = f"{self.position} frame{'s' if self.position != 1 else ''}"
        if self._reader.failure is not None:
            return f"{self._label} failed after {frames}: {self._reader.failure}"
        if self._reader.finished:
            return f"{self._label} stopped delivering frames after {frames}"
        return (f"{self._label} sent no frame for {self.read_timeout:g} s after {frames}: "
                f"the {self._kind} is dead or disconnected")

    def _release(self):
        if self._reader is not None:
            self._reader.stop()
