"""Frame sources: video files, image sequences and cameras behind one protocol.

Every source yields ``uint8`` HxWx3 BGR frames (see `as_bgr8`), fails at open
time with a one-line `SourceError` that names the source and the reason, and
stops quietly at a truncated or corrupt end, recording why in ``error``.
"""

import os

# OpenCV and FFmpeg write warnings straight to stderr (from C, past Python's
# logging). A user who typed a bad path should see our one-line SourceError,
# not decoder chatter, so quiet them here; tracker/__init__ imports this module
# first. setdefault keeps a value the user exported to debug OpenCV.
_USER_SET_LOG_LEVEL = "OPENCV_LOG_LEVEL" in os.environ
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET

import re  # noqa: E402
import sys  # noqa: E402
from operator import index as _as_index  # noqa: E402
from typing import Iterator, Protocol, runtime_checkable  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from ..errors import InputError, SourceError  # noqa: E402
from .frames import as_bgr8  # noqa: E402

__all__ = [
    "FrameSource",
    "VideoFileSource",
    "ImageSequenceSource",
    "CameraSource",
    "open_source",
    "IMAGE_EXTENSIONS",
]


def _quiet_cv2_logging():
    """Lower OpenCV's log level in case cv2 was imported before this module.

    The environment variables above only take effect if OpenCV has not read
    them yet. OpenCV 5 dropped ``cv2.setLogLevel``; ``cv2.utils.logging`` is
    the API in both 4 and 5.
    """
    if _USER_SET_LOG_LEVEL:
        return
    logging = getattr(getattr(cv2, "utils", None), "logging", None)
    try:
        if logging is not None:
            logging.setLogLevel(logging.LOG_LEVEL_ERROR)
        elif hasattr(cv2, "setLogLevel"):
            cv2.setLogLevel(2)  # LOG_LEVEL_ERROR in OpenCV 4
    except Exception:  # noqa: BLE001 - quieter logs are a nicety, never fatal
        pass


_quiet_cv2_logging()

#: File extensions (lower case, no dot) read as images rather than video.
IMAGE_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp", "ppm", "pgm"}
)

# A frame count from a container header is sometimes an estimate
# (duration x fps), so a stream this many frames short still counts as whole.
_COUNT_SLACK = 2

_PRINTF_INT = re.compile(r"%0?\d*d")
_CAMERA_SPEC = re.compile(r"camera:(.*)", re.IGNORECASE)


@runtime_checkable
class FrameSource(Protocol):
    """What the pipeline, CLI and GUI need from anything that delivers frames.

    Iterating yields ``uint8`` HxWx3 BGR frames from `position` to the end;
    `read` pulls one frame at a time. Sources are context managers.

    Attributes
    ----------
    name : str
        The source as the user typed it (a path, pattern or ``camera:N``).
    fps : float or None
        Frames per second, None when unknown (callers default to 30).
    size : tuple of int or None
        ``(width, height)`` of the frames, None until known.
    frame_count : int or None
        Number of frames, None for cameras or when the container lacks it.
    is_live : bool
        True for cameras: no end, no seeking.
    position : int
        Index of the frame the next `read` returns.
    truncated : bool
        True once the source ended clearly before `frame_count` frames.
    error : str or None
        Why the source stopped early, for the user; None after a normal end.
    """

    name: str
    fps: float | None
    size: tuple[int, int] | None
    frame_count: int | None
    is_live: bool
    position: int
    truncated: bool
    error: str | None

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
            raise SourceError(f"cannot seek {self._label}: it is a live camera")
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


class VideoFileSource(_SourceBase):
    """Frames of a video file decoded by OpenCV (FFmpeg).

    Parameters
    ----------
    path : str or os.PathLike
        The video file.

    Raises
    ------
    SourceError
        If the file does not exist or its first frame cannot be decoded.

    Notes
    -----
    `size` comes from the first decoded frame, not the container header, so it
    matches what `read` returns. A stream that stops decoding before
    `frame_count` ends iteration early and sets `truncated` and `error`;
    the last frame of a file cut mid-frame comes back part-decoded (FFmpeg
    conceals the damage and OpenCV does not report it).
    """

    def __init__(self, path):
        super().__init__(os.fspath(path))
        if not os.path.exists(self.name):
            raise SourceError(f"cannot open {self._label}: no such file")
        if os.path.isdir(self.name):
            raise SourceError(f"cannot open {self._label}: is a folder, not a video")
        self._capture = cv2.VideoCapture(self.name)
        not_video = "not a video or image sequence OpenCV can decode"
        if not self._capture.isOpened():
            self._release()
            raise SourceError(f"cannot open {self._label}: {not_video}")
        # OpenCV reports unknown properties as 0 or -1.
        self.fps = _positive(self._capture.get(cv2.CAP_PROP_FPS))
        count = _positive(self._capture.get(cv2.CAP_PROP_FRAME_COUNT))
        self.frame_count = None if count is None else int(count)
        self._probe(not_video)

    def _next_raw(self):
        ok, frame = self._capture.read()
        return frame if ok else None

    def _seek_raw(self, index):
        if index == self.frame_count:
            self._ended = True  # FFmpeg refuses to seek onto the end itself
            return
        if not self._capture.set(cv2.CAP_PROP_POS_FRAMES, index):
            raise SourceError(f"cannot seek {self._label} to frame {index}")

    def _release(self):
        self._capture.release()


class ImageSequenceSource(_SourceBase):
    """Frames read from numbered image files, or from a single image.

    Parameters
    ----------
    folder_or_pattern : str or os.PathLike
        One of:

        - a folder: every file in it with an extension in `IMAGE_EXTENSIONS`,
          in natural order (``2.png`` before ``10.png``), hidden files skipped;
        - a printf pattern such as ``img/%04d.jpg``: consecutive indices from
          the first that exists among 0..4 up to the first missing one;
        - a single image file, read as a one-frame sequence.
    fps : float, optional
        Frame rate to report; image files carry none, so `fps` is None
        unless given.

    Raises
    ------
    SourceError
        If nothing matches, the folder holds no images, or the first image
        cannot be decoded.

    Notes
    -----
    Images are read with ``cv2.IMREAD_UNCHANGED`` so 16-bit and grayscale
    files keep their precision until `as_bgr8`. An image that cannot be
    decoded part-way ends the sequence early, setting `truncated` and `error`.
    """

    def __init__(self, folder_or_pattern, fps=None):
        super().__init__(os.fspath(folder_or_pattern))
        self.fps = None if fps is None else _positive(fps)
        if fps is not None and self.fps is None:
            raise InputError(f"fps must be a positive number, got {fps}")
        self._files = self._list_files()
        self.frame_count = len(self._files)
        self._probe("not an image OpenCV can decode")

    def _list_files(self):
        spec = self.name
        if os.path.isdir(spec):
            files = [
                entry.path
                for entry in os.scandir(spec)
                # "._1.jpg" files are macOS metadata, not images.
                if not entry.name.startswith(".")
                and _extension(entry.name) in IMAGE_EXTENSIONS
                and entry.is_file()
            ]
            if not files:
                raise SourceError(f"cannot open {self._label}: folder holds no images")
            return sorted(files, key=_natural_key)
        if os.path.isfile(spec):
            return [spec]
        if _PRINTF_INT.search(spec):
            return _pattern_files(spec, self._label)
        raise SourceError(f"cannot open {self._label}: no such file or folder")

    def _next_raw(self):
        if self.position >= len(self._files):
            return None
        path = self._files[self.position]
        image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if image is None and len(self._files) > 1:
            self._stop(f"cannot decode image '{path}' (frame {self.position})")
        return image

    @property
    def files(self):
        """The image paths, in the order they are read."""
        return list(self._files)


class CameraSource(_SourceBase):
    """Live frames from a camera.

    Parameters
    ----------
    index : int
        Camera number, as in ``camera:N``; 0 is the default camera.

    Raises
    ------
    SourceError
        If there is no camera with that index, it cannot be opened, or it
        delivers no first frame.

    Notes
    -----
    On Linux the device node ``/dev/videoN`` is checked first and V4L2 is
    used directly: OpenCV's generic open probes several backends and can
    take seconds to report a camera that does not exist. `frame_count` is
    None and `seek` raises SourceError. If the camera stops delivering
    frames, iteration ends and `error` says so.
    """

    is_live = True

    def __init__(self, index):
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
            raise SourceError(
                f"cannot open camera:{index}: malformed camera spec, "
                "expected camera:N with N = 0, 1, 2, ..."
            )
        self.index = int(index)
        super().__init__(f"camera:{self.index}")
        self._capture = None
        if sys.platform.startswith("linux"):
            device = f"/dev/video{self.index}"
            if not os.path.exists(device):
                raise SourceError(f"cannot open {self._label}: no camera with that index")
            if not os.access(device, os.R_OK | os.W_OK):
                raise SourceError(f"cannot open {self._label}: permission denied on {device}")
            self._capture = cv2.VideoCapture(self.index, cv2.CAP_V4L2)
        else:
            self._capture = cv2.VideoCapture(self.index)
        if not self._capture.isOpened():
            self._release()
            raise SourceError(
                f"cannot open {self._label}: no camera with that index, or it is in use"
            )
        # Keep the driver's queue short: a live view wants the newest frame, not the
        # oldest of several buffered while the last one was processed.
        self._capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self.fps = _positive(self._capture.get(cv2.CAP_PROP_FPS))
        self._probe("camera opened but delivered no frame")

    @property
    def _label(self):
        return self.name

    def _next_raw(self):
        ok, frame = self._capture.read()
        if not ok:
            if self.position > 0:  # at open, _probe's own reason is clearer
                self.error = f"{self.name} stopped delivering frames after {self.position}"
            return None
        return frame

    def _release(self):
        if self._capture is not None:
            self._capture.release()


def open_source(spec, *, fps=None):
    """Open whatever the user named as a frame source.

    Parameters
    ----------
    spec : str or os.PathLike
        ``camera:N``; an existing folder of images; an existing image file
        (one frame); an existing video file; or a printf pattern of
        numbered images such as ``img/%04d.jpg``.
    fps : float, optional
        Frame rate for image sources, which carry none. Ignored for video
        files and cameras.

    Returns
    -------
    source : FrameSource
        A `VideoFileSource`, `ImageSequenceSource` or `CameraSource`, with
        its first frame already decoded.

    Raises
    ------
    SourceError
        With a one-line message naming `spec` and the reason, if it is
        missing, malformed, empty or cannot be decoded.

    Examples
    --------
    >>> with open_source("clip.mp4") as source:        # doctest: +SKIP
    ...     for frame in source:
    ...         pass
    """
    spec = os.fspath(spec)
    if not isinstance(spec, str):
        spec = os.fsdecode(spec)
    camera = _CAMERA_SPEC.fullmatch(spec.strip())
    if camera:
        number = camera.group(1).strip()
        # isdecimal() rejects "-1", "1.5" and "", which int() would partly accept.
        if not (number.isdecimal() and number.isascii()):
            raise SourceError(
                f"cannot open {spec}: malformed camera spec, expected camera:N with N = 0, 1, 2, ..."
            )
        return CameraSource(int(number))
    # Existing paths win over pattern syntax: "100%d.png" may be a real file.
    if os.path.isdir(spec):
        return ImageSequenceSource(spec, fps=fps)
    if os.path.isfile(spec):
        if _extension(spec) in IMAGE_EXTENSIONS:
            return ImageSequenceSource(spec, fps=fps)
        return VideoFileSource(spec)
    if os.path.exists(spec):
        raise SourceError(f"cannot open '{spec}': not a regular file or folder")
    if _PRINTF_INT.search(spec):
        return ImageSequenceSource(spec, fps=fps)
    raise SourceError(f"cannot open '{spec}': no such file")


def _positive(value):
    """`value` as a float if it is a finite positive number, else None."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) and value > 0 else None


def _extension(name):
    return os.path.splitext(name)[1][1:].lower()


def _natural_key(path):
    """Sort key that orders embedded numbers by value: 1, 2, 10 rather than 1, 10, 2."""
    name = os.path.basename(path)
    # re.split with a capture group alternates text, number, text, ..., so
    # the tuples compare str with str and int with int.
    parts = re.split(r"(\d+)", name.lower())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name


def _pattern_files(pattern, label):
    """Files of a printf pattern from its first existing index to its first gap."""
    try:
        pattern % 0
    except (TypeError, ValueError):
        raise SourceError(
            f"cannot open {label}: malformed pattern, expected one integer field such as %04d"
        ) from None
    # FFmpeg's image2 demuxer also accepts a first index anywhere in 0..4.
    start = next((i for i in range(5) if os.path.isfile(pattern % i)), None)
    if start is None:
        raise SourceError(f"cannot open {label}: no file matches the pattern (tried indices 0-4)")
    files = []
    index = start
    while os.path.isfile(pattern % index):
        files.append(pattern % index)
        index += 1
    return files
