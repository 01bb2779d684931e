"""Frame sources (files, image sequences, cameras, network streams) and frame
normalisation; imports nothing above it."""

from . import _quiet  # noqa: F401  (first: quiets OpenCV before any module imports cv2)
from .base import FrameSource
from .frames import as_bgr8, parse_box
from .urls import STREAM_SCHEMES, is_stream_url, url_scheme

# The readers (and the stream and MJPEG machinery they bring) on first use: the tracker
# needs only `frames` from here.
_SOURCES = ("IMAGE_EXTENSIONS", "CameraSource", "ImageSequenceSource", "StreamSource",
            "VideoFileSource", "open_source")


def __getattr__(name):
    if name in _SOURCES:
        from . import sources
        return getattr(sources, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["CameraSource", "FrameSource", "IMAGE_EXTENSIONS", "ImageSequenceSource",
           "STREAM_SCHEMES", "StreamSource", "VideoFileSource", "as_bgr8", "is_stream_url",
           "open_source", "parse_box", "url_scheme"]
