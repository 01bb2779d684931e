"""Live sources (cameras, network streams) read at their own pace, newest frame first.

A camera or a stream produces frames whether or not anyone is ready for them. Read
one frame per processed frame and the backlog piles up in the driver's or the
socket's buffers: the picture falls further and further behind the scene. Here a
thread reads the capture as fast as it delivers and keeps only the newest frame; the
consumer takes that one, and the frames it was too slow for are skipped (counted
in ``frames_dropped``). What the capture delivers is decoded in that thread too, every
part of it: a part that is no usable image is known (and counted) whether or not the
consumer would have taken it, and never displaces the newest good frame.
"""

from __future__ import annotations

import atexit
import math
import threading
import time
import weakref

from .base import _SourceBase

# How long `close` waits for the reader thread to leave a blocking read; a thread
# still inside one after that releases its capture itself when the read returns.
_JOIN_SECONDS = 1.0
# The longest any wait here goes without looking at its `cancelled` callback (and without
# giving Python's signal handlers a turn): Ctrl+C acts within this.
WAIT_SLICE = 0.1
# Failed reads in a row that end a capture. OpenCV fails the read of a packet it cannot
# decode and goes on with the next one; a capture that has ended fails every read at once.
_FAILED_READS = 8
# What Python's exit waits at most, in all, for threads still inside a blocking call.
_EXIT_WAIT = 1.5

_blocked = weakref.WeakSet()     # readers and openers that may be inside a blocking call


# A read under way for longer than this is a stall, not the wait for the next frame.
_STALLED_AFTER = 1.0


@atexit.register
def _let_blocking_calls_finish():
    """Give threads still inside a capture's read (or open) a moment to leave it before
    Python shuts down, without waiting out their timeouts.

    CPython ends a daemon thread that comes back from C code during finalisation by
    unwinding it (``pthread_exit``); through OpenCV's C++ frames that aborts the whole
    process ("FATAL: exception not rethrown", seen with Python 3.11 on a stream left
    open). A reader receiving frames (its read began less than `_STALLED_AFTER` ago)
    leaves at its next frame and is waited for, as is a call due to time out within
    `_EXIT_WAIT`; one reading MJPEG in Python leaves at once. One blocked on a silent
    network for longer is left: it can only come back in the few milliseconds of
    finalisation if data arrives just then, and waiting for it would make Ctrl+C take as
    long as its timeout.
    """
    end = time.monotonic() + _EXIT_WAIT
    calls = list(_blocked)
    for call in calls:
        call.stop(wait=0)
    for call in calls:
        now = time.monotonic()
        left = end - now
        if left <= 0:
            break
        since, due = call.since(), call.due()
        if since is None:                       # between reads: leaving its loop
            wait = WAIT_SLICE
        elif due is not None and due - now <= left:
            wait = due - now + 0.25
        elif now - since < _STALLED_AFTER:      # frames are flowing: the next one ends it
            wait = left
        else:
            continue
        call.stop(wait=min(wait, left))


def _wait_slices(condition, done, timeout, cancelled):
    """Wait on ``condition`` (held) until ``done()``, ``timeout`` seconds or ``cancelled()``,
    in slices of `WAIT_SLICE`, so that signal handlers run and a KeyboardInterrupt they
    raise comes through at once."""
    deadline = time.monotonic() + timeout
    while not done():
        left = deadline - time.monotonic()
        if left <= 0 or (cancelled is not None and cancelled()):
            return
        condition.wait(min(left, WAIT_SLICE))


class BlockingCall:
    """Runs a call that blocks in C (opening a stream) in a thread; `result` waits for it
    in slices that signals and ``cancelled`` can cut short.

    Parameters
    ----------
    function : callable
        The call; what it returns is the result.
    timeout : float
        Seconds it may block (its own timeout), for Python's exit (see
        `_let_blocking_calls_finish`).
    release : callable, optional
        Called in the thread with the result when nobody waits for it any more.
    """

    def __init__(self, function, name: str, timeout: float, release=None):
        self._function, self._release = function, release
        self._since = time.monotonic()
        self._due = self._since + timeout
        self._done = threading.Condition()
        self._finished = False
        self._abandoned = False
        self._value = self._error = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        _blocked.add(self)
        self._thread.start()

    def _run(self):
        try:
            value = self._function()
            error = None
        except Exception as exc:  # noqa: BLE001 - handed to the waiting thread
            value, error = None, exc
        with self._done:
            self._value, self._error, self._finished = value, error, True
            abandoned = self._abandoned
            self._done.notify_all()
        if abandoned and value is not None and self._release is not None:
            self._release(value)
        _blocked.discard(self)

    def since(self):
        """When the call began (``time.monotonic()``), None once it has returned."""
        return None if self._finished else self._since

    def due(self):
        """When the call times out, None once it has returned."""
        return None if self._finished else self._due

    def result(self, cancelled=None):
        """The call's result (or its exception raised here); KeyboardInterrupt when
        ``cancelled()`` turns true first, the call then being left to finish alone."""
        try:
            with self._done:
                _wait_slices(self._done, lambda: self._finished, math.inf, cancelled)
                if not self._finished:
                    self._abandoned = True
                    raise KeyboardInterrupt
        except KeyboardInterrupt:            # cancelled, or a signal handler raised it
            with self._done:
                self._abandoned = True
                finished, value = self._finished, self._value
            if finished and value is not None and self._release is not None:
                self._release(value)
            raise
        if self._error is not None:
            raise self._error
        return self._value

    def stop(self, wait=0.0):
        if wait > 0 and self._thread is not threading.current_thread():
            self._thread.join(wait)


class LatestFrameReader:
    """Reads ``capture`` in a thread, keeping only the newest frame and when it arrived.

    The thread owns `capture` from then on and releases it when it stops, so a
    capture is never released while another thread is inside its ``read``. A read that
    fails is tried again, up to `_FAILED_READS` in a row (a packet that cannot be
    decoded is skipped, as OpenCV does), and counted in `failed_reads`.

    Parameters
    ----------
    capture : cv2.VideoCapture or similar
        Anything with ``read() -> (ok, frame)`` and ``release()``; an ``interrupt()``
        method, if it has one, is called by `stop` to end a read under way.
    name : str
        For the thread's name.
    read_timeout : float
        Seconds the capture's ``read`` may block (its backend's timeout): how long
        Python's exit may have to wait for the thread.
    decode : callable, optional
        Applied in the thread to everything the capture delivers, in order, before it
        can be dropped for a newer one: returns the frame, or None for a part to step
        over (``decode`` counts it; the capture is alive, so it is no failed read).
    """

    def __init__(self, capture, name: str, read_timeout: float, decode=None):
        self._capture = capture
        self._decode = decode
        self.read_timeout = read_timeout
        self._changed = threading.Condition()
        self._frame = None
        self._frame_time = None
        self._produced = 0   # frames the capture delivered
        self._taken = 0      # the `_produced` count of the last frame handed out
        self._finished = False
        self._stopping = False
        self._read_since = None   # time.monotonic() when the read under way began
        self.failure = None  # an exception from the capture, if that is how it ended
        self.frames_dropped = 0
        self.failed_reads = 0
        self._thread = threading.Thread(target=self._run, name=f"read {name}", daemon=True)
        _blocked.add(self)
        self._thread.start()

    def _run(self):
        failures = 0
        try:
            while not self._stopping:
                self._read_since = time.monotonic()
                ok, frame = self._capture.read()
                arrived = time.monotonic()
                self._read_since = None
                if not ok or frame is None:
                    failures += 1
                    if failures > _FAILED_READS or self._stopping:
                        break
                    self.failed_reads += 1
                    continue
                failures = 0
                if self._decode is not None:
                    frame = self._decode(frame)
                    if frame is None:
                        continue
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
            _blocked.discard(self)

    @property
    def finished(self) -> bool:
        """True once the capture has stopped delivering (the thread has ended)."""
        return self._finished

    def since(self):
        """When the read under way began (``time.monotonic()``), None if none is."""
        return None if self._finished else self._read_since

    def due(self):
        """When the read under way times out, None if none is."""
        since = self.since()
        return None if since is None else since + self.read_timeout

    def has_newer(self) -> bool:
        """True if a frame has arrived since the last one `take` returned."""
        with self._changed:
            return self._produced > self._taken

    def take(self, timeout: float, cancelled=None):
        """The newest frame not yet taken and its arrival time, waiting up to `timeout` s
        (in slices: ``cancelled()``, if given, ends the wait when it turns true).

        Returns ``(frame, time.monotonic() at arrival)``, or None if no new frame
        arrived in time, the wait was cancelled or the capture has ended (see `finished`).
        """
        with self._changed:
            _wait_slices(self._changed, lambda: self._produced > self._taken or self._finished,
                         timeout, cancelled)
            if self._produced == self._taken:
                return None
            self.frames_dropped += self._produced - self._taken - 1
            self._taken = self._produced
            frame, self._frame = self._frame, None
            return frame, self._frame_time

    def stop(self, wait: float = _JOIN_SECONDS):
        """Ask the thread to stop after its current read (ending that read at once if the
        capture can be interrupted) and wait up to `wait` s for it; it releases the
        capture on its way out."""
        self._stopping = True
        interrupt = getattr(self._capture, "interrupt", None)
        if interrupt is not None and not self._finished:
            interrupt()
        if wait > 0 and self._thread is not threading.current_thread():
            self._thread.join(wait)


class _LiveSource(_SourceBase):
    """A source whose frames come from a `LatestFrameReader` (cameras, live streams).

    Subclasses open their capture, then call `_start_reading`. `read` returns the
    newest frame, waiting for one newer than the last; when none comes within
    `read_timeout` seconds, or the capture stops, the source ends with `truncated`
    set (a live source has no normal end) and `error` saying why. Every wait is cut
    into slices: signal handlers run within `WAIT_SLICE`, and ``cancelled()`` (if
    given) turning true ends it, `read` then returning None with no error (the user
    stopped, the source did not fail), or, while opening, raising KeyboardInterrupt.

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

    def __init__(self, name, cancelled=None):
        super().__init__(name)
        self._reader = None
        self._stale_dropped = 0
        self._cancelled = cancelled
        self._opened = False

    def _start_reading(self, capture, decode=None):
        """Hand ``capture`` to a `LatestFrameReader`; ``decode`` (see there) runs in its
        thread on every part, so that none escapes it by being dropped unread."""
        self._reader = LatestFrameReader(capture, self.name, self.read_timeout, decode)

    @property
    def frames_dropped(self) -> int:
        return (self._reader.frames_dropped if self._reader is not None else 0) + self._stale_dropped

    def read(self):
        # The frame kept from opening is stale once a newer one has arrived.
        if self._pending and self._reader is not None and self._reader.has_newer():
            # The newer frame takes its index: a frame dropped to keep up is counted in
            # `frames_dropped`, not left as a gap that `read` would report as damaged.
            self._cursor = self._pending[0][0]
            self._pending.clear()
            self._stale_dropped += 1
        return super().read()

    def _probe(self, reason, frames=1):
        super()._probe(reason, frames)
        self._opened = True

    def _next_raw(self):
        taken = self._reader.take(self.read_timeout, self._cancelled)
        if taken is not None:
            frame, self.last_capture_time = taken
            return frame
        if self._cancelled is not None and self._cancelled():
            if not self._opened:
                self._release()
                raise KeyboardInterrupt
            return None
        if self.position > 0:  # at open, the subclass's reason for _probe is clearer
            self.truncated = True
            self.error = self._why_stopped()
        self._reader.stop(wait=0)  # dead: the thread leaves when its read gives up
        return None

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

    def _decoder_notes(self):
        failed = self._reader.failed_reads if self._reader is not None else 0
        if not failed:
            return []
        return [f"{self._label}: {failed} read{'s' if failed != 1 else ''} failed and "
                f"{'were' if failed != 1 else 'was'} stepped over (undecodable data)"]

    def _release(self):
        if self._reader is not None:
            self._reader.stop()
