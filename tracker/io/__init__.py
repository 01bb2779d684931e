"""Frame sources (files, image sequences, cameras, network streams) and frame
normalisation; imports nothing above it."""

from . import _quiet  # noqa: F401  (first: quiets OpenCV before any module imports cv2)
from .base import FrameSource
from .frames import as_bgr8, parse_box
from .sources import (IMAGE_EXTENSIONS, CameraSource, ImageSequenceSource, StreamSource,
                      VideoFileSource, open_source)
from .urls import STREAM_SCHEMES, is_stream_url, url_scheme

__all__ = ["CameraSource", "FrameSource", "IMAGE_EXTENSIONS", "ImageSequenceSource",
           "STREAM_SCHEMES", "StreamSource", "VideoFileSource", "as_bgr8", "is_stream_url",
           "open_source", "parse_box", "url_scheme"]
