"""Frame sources: video files, image sequences and cameras behind one protocol.

Every source yields ``uint8`` HxWx3 BGR frames (see `as_bgr8`), fails at open
time with a one-line `SourceError` that names the source and the reason, and
stops quietly at a truncated or corrupt end, recording why in ``error``.
"""

import os
import re

import cv2

from ..errors import InputError, SourceError, printable
from . import _USER_SET_LOG_LEVEL
from .base import FrameSource, _extension, is_url
from .camera import CameraSource
from .images import _PRINTF_INT, IMAGE_EXTENSIONS, ImageSequenceSource
from .video import VideoFileSource

__all__ = [
    "FrameSource",
    "VideoFileSource",
    "ImageSequenceSource",
    "CameraSource",
    "open_source",
    "IMAGE_EXTENSIONS",
]

_CAMERA_SPEC = re.compile(r"camera:(.*)", re.IGNORECASE)


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
        return CameraSource(int(number))
    # Existing paths win over pattern syntax: "100%d.png" may be a real file.
    if os.path.isdir(spec):
        return ImageSequenceSource(spec, fps=fps)
    if os.path.isfile(spec):
        if _extension(spec) in IMAGE_EXTENSIONS:
            return ImageSequenceSource(spec, fps=fps)
        return VideoFileSource(spec)
    if os.path.exists(spec):
        raise SourceError(f"cannot open '{printable(spec)}': not a regular file or folder")
    if _PRINTF_INT.search(spec):
        return ImageSequenceSource(spec, fps=fps)
    reason = "stream URLs cannot be read here" if is_url(spec) else "no such file"
    raise SourceError(f"cannot open '{printable(spec)}': {reason}")
