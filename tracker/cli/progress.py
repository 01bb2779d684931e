"""A minimal progress bar on stderr, shown only on a terminal."""

from __future__ import annotations

import sys
import time

from ..checks import as_count


class Progress:
    """``update(done)`` redraws at most ten times a second; ``close()`` ends the line.

    A terminal that goes away mid-run (a closed ssh session) makes writes fail; the bar
    then switches itself off rather than end the run.
    """

    def __init__(self, total: int | None, label: str = "", stream=None):
        total = as_count(total, "total", 0, none=True)
        self.stream = stream or sys.stderr
        try:
            self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        except (OSError, ValueError):
            self.enabled = False
        self.total = total if total and total > 0 else None
        self.label = str(label)
        self._t0 = time.perf_counter()
        self._last = 0.0

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last < 0.1:
            return
        self._last = now
        fps = done / max(now - self._t0, 1e-9)
        if self.total:
            frac = min(done / self.total, 1.0)
            bar = "#" * int(frac * 30)
            text = f"\r{self.label} [{bar:<30}] {done}/{self.total} {fps:5.0f} fps"
        else:
            text = f"\r{self.label} {done} frames {fps:5.0f} fps"
        self._write(text)

    def close(self) -> None:
        if self.enabled:
            self._write("\r\033[K")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal is gone (or the stream closed)
            self.enabled = False
