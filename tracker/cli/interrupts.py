"""Ending a run cleanly on Ctrl+C, a kill or a closed terminal.

Python's own SIGINT handler raises KeyboardInterrupt wherever the program happens to be.
Inside a numba call that surfaces as "SystemError: CPUDispatcher(...) returned a result
with an exception set" and a traceback, so a frame loop polls a flag instead: the
handlers only set it, and the loop stops after the frame in hand, closing its files.
"""

from __future__ import annotations

import signal

#: Signals that end a run: Ctrl+C, kill, and a closed terminal or ssh session.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class StopRequest:
    """Handlers for `STOP_SIGNALS` while the ``with`` block runs; true once one arrived.

    Parameters
    ----------
    polled : bool
        True when the code in the block checks the request between frames: the first
        signal then only sets it, and a second raises KeyboardInterrupt (for a loop that
        is stuck, say in opening a source). False: every signal raises KeyboardInterrupt
        at once, as Python's default SIGINT handler does, for code that never checks.
    """

    def __init__(self, polled: bool = True):
        self.polled = polled
        self.signum: int | None = None
        self._previous = {}

    def __bool__(self) -> bool:
        return self.signum is not None

    def requested(self) -> bool:
        """Whether a signal arrived: a callable for waits that poll, such as a stalled
        stream's (`open_source(..., cancelled=stop.requested)`)."""
        return self.signum is not None

    @property
    def name(self) -> str | None:
        """``"SIGTERM"`` and so on, once a signal arrived."""
        return None if self.signum is None else signal.Signals(self.signum).name

    def _handle(self, signum, frame):
        first = self.signum is None
        if first:
            self.signum = signum
        if not (first and self.polled):
            raise KeyboardInterrupt

    def __enter__(self) -> "StopRequest":
        for signum in STOP_SIGNALS:
            try:
                self._previous[signum] = signal.signal(signum, self._handle)
            except (ValueError, OSError):  # not the main thread, or not settable here
                pass
        return self

    def __exit__(self, *exc_info) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()


def caused_by_interrupt(error: BaseException) -> bool:
    """True for the SystemError a KeyboardInterrupt becomes when it is raised inside a
    compiled (numba) call."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
