"""Frame sources: video files, image sequences, cameras and streams behind one protocol.

Every source yields ``uint8`` HxWx3 BGR frames (see `as_bgr8`), fails at open
time with a one-line `SourceError` that names the source and the reason, and
stops quietly at a truncated or corrupt end, recording why in ``error``.
"""

import os
import re

import cv2

from ..errors import InputError, SourceError, printable
from ._quiet import USER_SET_LOG_LEVEL
from .base import FrameSource, _extension
from .camera import CameraSource
from .images import _PRINTF_INT, IMAGE_EXTENSIONS, ImageSequenceSource
from .limits import MAX_PIXELS, as_max_pixels
from .stream import StreamSource
from .urls import STREAM_SCHEMES, url_scheme
from .video import VideoFileSource

__all__ = [
    "FrameSource",
    "VideoFileSource",
    "ImageSequenceSource",
    "CameraSource",
    "StreamSource",
    "open_source",
    "IMAGE_EXTENSIONS",
    "STREAM_SCHEMES",
    "MAX_PIXELS",
]

_CAMERA_SPEC = re.compile(r"camera:(.*)", re.IGNORECASE)


def _quiet_cv2_logging():
    """Lower OpenCV's log level in case cv2 was imported before this module.

    The environment variables above only take effect if OpenCV has not read
    them yet. OpenCV 5 dropped ``cv2.setLogLevel``; ``cv2.utils.logging`` is
    the API in both 4 and 5.
    """
    if USER_SET_LOG_LEVEL:
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


def open_source(spec, *, fps=None, timeout=None, max_pixels=None, cancelled=None):
    """Open whatever the user named as a frame source.

    Parameters
    ----------
    spec : str or os.PathLike
        ``camera:N``; a stream URL (``rtsp://``, ``http(s)://`` including MJPEG
        cameras, ``udp://``, see `STREAM_SCHEMES`); an existing folder of images,
        or an OTB sequence folder with its images in ``img/``; an existing image
        file (one frame); an existing video file; or a printf pattern of
        numbered images such as ``img/%04d.jpg``.
    fps : float, optional
        Frame rate for image sources, which carry none. Ignored for video
        files, cameras and streams.
    timeout : float, optional
        For streams: seconds they may take to open, and to deliver each next
        frame before they count as dead (defaults: `StreamSource`'s), from 1 ms
        to a day.
    max_pixels : int, optional
        Most pixels a frame may have, judged before decoding (default
        `limits.MAX_PIXELS`, 50 megapixels); a larger one is refused with a
        SourceError (or ends a sequence there).
    cancelled : callable, optional
        For cameras and streams: polled while they make the caller wait (to open, for
        a frame), at least every `live.WAIT_SLICE` s; once it returns True, opening
        raises KeyboardInterrupt and `read` returns None. Pass the run's stop flag,
        so that Ctrl+C is heard while a stream stalls.

    Returns
    -------
    source : FrameSource
        A `VideoFileSource`, `ImageSequenceSource`, `CameraSource` or
        `StreamSource`, with its first frame already decoded.

    Raises
    ------
    SourceError
        With a one-line message naming `spec` and the reason, if it is
        missing, unreadable, malformed, empty, too large or cannot be decoded.
    InputError
        If `timeout` or `max_pixels` is out of range.

    Examples
    --------
    >>> with open_source("clip.mp4") as source:        # doctest: +SKIP
    ...     for frame in source:
    ...         pass
    """
    try:
        spec = os.fspath(spec)
    except TypeError:
        raise InputError(
            f"source must be a path, a pattern, camera:N or a stream URL, got {spec!r}"
        ) from None
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
        return CameraSource(int(number), cancelled)
    max_pixels = as_max_pixels(max_pixels)
    if url_scheme(spec) is not None:
        timeouts = {} if timeout is None else {"open_timeout": timeout, "read_timeout": timeout}
        return StreamSource(spec, max_pixels=max_pixels, cancelled=cancelled, **timeouts)
    # Existing paths win over pattern syntax: "100%d.png" may be a real file.
    if os.path.isdir(spec):
        return ImageSequenceSource(_sequence_images(spec), fps=fps, max_pixels=max_pixels)
    if os.path.isfile(spec):
        if _extension(spec) in IMAGE_EXTENSIONS:
            return ImageSequenceSource(spec, fps=fps, max_pixels=max_pixels)
        return VideoFileSource(spec, max_pixels=max_pixels)
    if os.path.exists(spec):
        raise SourceError(f"cannot open '{printable(spec)}': not a regular file or folder")
    if _PRINTF_INT.search(spec):
        return ImageSequenceSource(spec, fps=fps, max_pixels=max_pixels)
    raise SourceError(f"cannot open '{printable(spec)}': no such file")


def _sequence_images(folder):
    """An OTB sequence folder keeps its frames in ``img/``; any other folder, itself."""
    images = os.path.join(folder, "img")
    try:
        if os.path.isdir(images) and not any(
            _extension(entry) in IMAGE_EXTENSIONS for entry in os.listdir(folder)
        ):
            return images
    except OSError:   # unreadable: ImageSequenceSource says so
        pass
    return folder
