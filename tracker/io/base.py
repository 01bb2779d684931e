"""The FrameSource protocol and the read/seek/close logic every source shares."""

import os
from operator import index as _as_index
from typing import Iterator, Protocol, runtime_checkable

import numpy as np

from ..errors import InputError, SourceError
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
        True once the source ended clearly before `frame_count` frames.
    error : str or None
        Why the source stopped early, for the user; None after a normal end.
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
        self._pending = None
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

    @property
    def _label(self):
        return f"'{self.name}'"

    # -- public API -----------------------------------------------------
    def read(self):
        """Return the next frame as ``uint8`` HxWx3 BGR, or None at the end.

        Raises
        ------
        SourceError
            If the source has been closed.
        """
        if self._closed:
            raise SourceError(f"cannot read {self._label}: source is closed")
        if self._pending is not None:
            frame, self._pending = self._pending, None
        elif self._ended:
            return None
        else:
            frame = self._next_frame()
            if frame is None:
                self._ended = True
                self._note_early_end()
                return None
        self.position += 1
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
        self._pending = None
        self._ended = False
        self.truncated = False
        self.error = None
        self._seek_raw(index)
        self.position = index

    def close(self):
        """Release the file or device; later reads raise SourceError."""
        if not self._closed:
            self._closed = True
            self._pending = None
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
    def _probe(self, reason):
        """Read and keep the first frame, or release and raise SourceError(`reason`)."""
        frame = self._next_frame()
        if frame is None:
            self._release()
            raise SourceError(f"cannot open {self._label}: {self.error or reason}")
        self._pending = frame

    def _next_frame(self):
        """`_next_raw` normalised and checked; None (with `error` set) on a bad frame."""
        raw = self._next_raw()
        if raw is None:
            return None
        try:
            frame = as_bgr8(raw)
        except InputError as exc:
            self._stop(f"frame {self.position} is unusable: {exc}")
            return None
        height, width = frame.shape[:2]
        if self.size is None:
            self.size = (width, height)
        elif self.size != (width, height):
            # Kernels and the GUI assume one frame size for the whole run.
            self._stop(
                f"frame {self.position} is {width}x{height}, "
                f"not {self.size[0]}x{self.size[1]} like the first"
            )
            return None
        return frame

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


def _positive(value):
    """`value` as a float if it is a finite positive number, else None."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) and value > 0 else None


def _extension(name):
    return os.path.splitext(name)[1][1:].lower()
