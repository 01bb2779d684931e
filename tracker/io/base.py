"""The FrameSource protocol and the read/seek/close logic every source shares."""

import os
from collections import deque
from operator import index as _as_index
from typing import Iterator, Protocol, runtime_checkable

import numpy as np

from ..errors import InputError, SourceError, printable
from .frames import as_bgr8

# A frame count from a container header is sometimes an estimate
# (duration x fps), so a stream this many frames short still counts as whole.
_COUNT_SLACK = 2


@runtime_checkable
class FrameSource(Protocol):
    """What the pipeline, CLI and GUI need from anything that delivers frames.

    Iterating yields ``uint8`` HxWx3 BGR frames from `position` to the end;
    `read` pulls one frame at a time. Sources are context managers.

    Attributes
    ----------
    name : str
        The source as the user typed it (a path, pattern, ``camera:N`` or URL).
    fps : float or None
        Frames per second, None when unknown (callers default to 30).
    size : tuple of int or None
        ``(width, height)`` of the frames, None until known.
    frame_count : int or None
        Number of frames, None for cameras or when the container lacks it.
    is_live : bool
        True for cameras and live streams: no end, no seeking, and `read`
        returns the newest frame (frames the reader was too slow for are skipped).
    position : int
        Index of the frame the next `read` returns.
    truncated : bool
        True once the source ended clearly before its end.
    error : str or None
        Why the source stopped early, for the user; None after a normal end.
    skipped : int
        Frames that could not be decoded and were stepped over; `position`
        stays true to the source across them.
    warnings : list of str
        One-line notes for the user on anything read partly or not at all
        (skipped frames, a numbering gap, decoder complaints); empty when
        the source was read as it is.
    last_capture_time : float or None
        For live sources, ``time.monotonic()`` when the frame `read` last returned
        came out of the camera or stream, so ``time.monotonic() - last_capture_time``
        at display is the capture-to-display latency; None for files and sequences.
    """

    name: str
    fps: float | None
    size: tuple[int, int] | None
    frame_count: int | None
    is_live: bool
    position: int
    truncated: bool
    error: str | None
    skipped: int
    warnings: list[str]
    last_capture_time: float | None

    def read(self) -> np.ndarray | None: ...  # None at the end

    def seek(self, index: int) -> None: ...  # SourceError for live sources

    def close(self) -> None: ...

    def __iter__(self) -> Iterator[np.ndarray]: ...

    def __enter__(self) -> "FrameSource": ...

    def __exit__(self, *exc_info) -> None: ...


class _SourceBase:
    """Shared read/iterate/close logic; subclasses supply `_next_raw` and `_seek_raw`.

    Each source reads its first frame while opening, so that a file OpenCV
    cannot decode fails at open time with a clear message; that frame is
    kept and returned by the first `read`.

    `_cursor` is the index the next frame from `_next_raw` gets. A subclass
    that steps over frames it cannot decode moves it past them; `read` then
    counts the frames skipped, so `position` stays true to the source.
    """

    fps = None
    size = None
    frame_count = None
    is_live = False
    last_capture_time = None

    def __init__(self, name):
        self.name = name
        self.position = 0
        self.truncated = False
        self.error = None
        self._cursor = 0
        self._pending = deque()         # (index, frame) read ahead while opening
        self._damaged = []              # [first, stop) runs of frames stepped over, in order
        self._damage_reason = None      # why the first of them could not be read
        self._notes = []                # warnings known at open (a numbering gap, ...)
        self._ended = False
        self._closed = False

    # -- subclass hooks -------------------------------------------------
    def _next_raw(self):
        """Return the next frame in any layout `as_bgr8` accepts, or None at the end."""
        raise NotImplementedError

    def _seek_raw(self, index):
        pass  # enough for sequences: their timeline is `position` itself

    def _release(self):
        pass

    def _decoder_notes(self):
        """Further warnings of the subclass (decoder complaints), computed when asked."""
        return []

    @property
    def _label(self):
        return f"'{printable(self.name)}'"

    # -- public API -----------------------------------------------------
    @property
    def skipped(self):
        return sum(stop - first for first, stop in self._damaged)

    @property
    def warnings(self):
        notes = list(self._notes)
        if self._damaged:
            count = self.skipped
            why = f"; {self._damage_reason}" if self._damage_reason else ""
            notes.append(
                f"{self._label}: skipped {count} damaged frame{'s' if count != 1 else ''} "
                f"({_ranges(self._damaged)}){why}"
            )
        return notes + self._decoder_notes()

    def read(self):
        """Return the next frame as ``uint8`` HxWx3 BGR, or None at the end.

        Frames that cannot be decoded are stepped over: `position` then jumps
        past them, and `skipped` and `warnings` say so.

        Raises
        ------
        SourceError
            If the source has been closed.
        """
        if self._closed:
            raise SourceError(f"cannot read {self._label}: source is closed")
        if self._pending:
            index, frame = self._pending.popleft()
        elif self._ended:
            return None
        else:
            item = self._next_frame()
            if item is None:
                self._ended = True
                self._note_early_end()
                return None
            index, frame = item
        if index > self.position:
            _add_run(self._damaged, self.position, index)
        self.position = index + 1
        return frame

    def seek(self, index):
        """Make frame `index` (0-based) the next one `read` returns.

        Raises
        ------
        InputError
            If `index` is negative or past the end.
        SourceError
            If the source is live or closed, or the backend cannot seek.
        """
        if self._closed:
            raise SourceError(f"cannot seek {self._label}: source is closed")
        if self.is_live:
            raise SourceError(f"cannot seek {self._label}: it is live (a camera or stream)")
        try:
            index = _as_index(index)
        except TypeError:
            raise InputError(f"frame index must be an integer, got {index!r}") from None
        if index < 0 or (self.frame_count is not None and index > self.frame_count):
            raise InputError(
                f"frame index {index} is outside {self._label} (0..{self.frame_count})"
            )
        self._pending.clear()
        self._ended = False
        self.truncated = False
        self.error = None
        self._seek_raw(index)
        self.position = self._cursor = index

    def close(self):
        """Release the file or device; later reads raise SourceError."""
        if not self._closed:
            self._closed = True
            self._pending.clear()
            self._release()

    def __iter__(self):
        while (frame := self.read()) is not None:
            yield frame

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        parts = [repr(self.name)]
        if self.size is not None:
            parts.append("{}x{}".format(*self.size))
        if self.fps is not None:
            parts.append(f"{self.fps:g} fps")
        if self.frame_count is not None:
            parts.append(f"{self.frame_count} frames")
        return f"{type(self).__name__}({', '.join(parts)})"

    # -- helpers --------------------------------------------------------
    def _probe(self, reason, frames=1):
        """Read and keep the first frame (and up to `frames` in all), or release and
        raise SourceError(`reason`) if there is none."""
        while len(self._pending) < frames:
            item = self._next_frame()
            if item is None:
                break
            self._pending.append(item)
        if not self._pending:
            self._release()
            raise SourceError(f"cannot open {self._label}: {self.error or reason}")

    def _next_frame(self):
        """(index, frame) from `_next_raw`, normalised and checked; None (with `error`
        set) on a frame that cannot be used."""
        raw = self._next_raw()
        if raw is None:
            return None
        index = self._cursor
        try:
            frame = as_bgr8(raw)
        except InputError as exc:
            self._stop(f"frame {index} is unusable: {exc}")
            return None
        height, width = frame.shape[:2]
        if self.size is None:
            self.size = (width, height)
        elif self.size != (width, height):
            # Kernels and the GUI assume one frame size for the whole run.
            self._stop(
                f"frame {index} is {width}x{height}, "
                f"not {self.size[0]}x{self.size[1]} like the first"
            )
            return None
        self._cursor = index + 1
        return index, frame

    def _skip_damaged(self, reason):
        """Step `_cursor` over a frame that cannot be read; the first reason is kept."""
        if self._damage_reason is None:
            self._damage_reason = reason
        self._cursor += 1

    def _stop(self, reason):
        self.error = reason
        self.truncated = self.frame_count is not None
        self._ended = True

    def _note_early_end(self):
        if (
            self.error is None
            and self.frame_count is not None
            and self.position < self.frame_count - _COUNT_SLACK
        ):
            self.truncated = True
            self.error = (
                f"{self._label} ended after {self.position} of {self.frame_count} "
                f"frames (file truncated or corrupt)"
            )


def _add_run(runs, first, stop):
    """Add frames [first, stop) to sorted, disjoint `runs`, merging what touches: a replay
    of a damaged stretch (after a seek back) counts its frames once."""
    runs.append([first, stop])
    runs.sort()
    merged = [runs[0]]
    for run in runs[1:]:
        if run[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], run[1])
        else:
            merged.append(run)
    runs[:] = merged


def _ranges(runs, shown=4):
    """``[[3, 6], [9, 10]]`` -> ``"frames 3-5, 9"``; after `shown` runs, how many more."""
    text = [f"{a}-{b - 1}" if b - 1 > a else f"{a}" for a, b in runs[:shown]]
    if len(runs) > shown:
        text.append(f"and {len(runs) - shown} more runs")
    single = len(runs) == 1 and runs[0][1] - runs[0][0] == 1
    return ("frame " if single else "frames ") + ", ".join(text)


def _positive(value):
    """`value` as a float if it is a finite positive number, else None."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) and value > 0 else None


def unreadable(path):
    """Why ``path`` (a file or folder) cannot be read, in a few words, or None if it can.

    Tried, not judged from the mode bits: root reads a file of mode 000, ACLs and
    read-only mounts have their say. Without this, OpenCV reports an unreadable video as
    one it cannot decode.
    """
    try:
        if os.path.isdir(path):
            os.scandir(path).close()
        else:  # O_NONBLOCK: a FIFO must not wait for a writer
            os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError as exc:
        return (exc.strerror or str(exc)).lower()
    return None


def _extension(name):
    return os.path.splitext(name)[1][1:].lower()
