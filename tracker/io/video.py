"""Video files decoded by OpenCV (FFmpeg)."""

import os

import cv2

from ..errors import SourceError
from .base import _positive, _SourceBase


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
