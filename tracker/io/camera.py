"""Live cameras (``camera:N``)."""

import os
import sys

import cv2
import numpy as np

from ..errors import SourceError
from .base import _positive
from .live import _LiveSource


class CameraSource(_LiveSource):
    """Live frames from a camera, read at the camera's pace.

    Parameters
    ----------
    index : int
        Camera number, as in ``camera:N``; 0 is the default camera.
    cancelled : callable, optional
        Ends a wait for a frame when it returns True (see `StreamSource`).

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
    None and `seek` raises SourceError. A thread reads the camera as fast as
    it delivers; `read` returns the newest frame (see `_LiveSource`), so a
    slow consumer sees the scene as it is now, not a growing backlog, and
    `last_capture_time` tells when that frame arrived. If the camera stops
    delivering frames, or delivers none for `read_timeout` seconds,
    iteration ends and `truncated` and `error` say so.
    """

    _kind = "camera"

    def __init__(self, index, cancelled=None):
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
            raise SourceError(
                f"cannot open camera:{index}: malformed camera spec, "
                "expected camera:N with N = 0, 1, 2, ..."
            )
        self.index = int(index)
        super().__init__(f"camera:{self.index}", cancelled)
        if sys.platform.startswith("linux"):
            device = f"/dev/video{self.index}"
            if not os.path.exists(device):
                raise SourceError(f"cannot open {self._label}: no camera with that index")
            if not os.access(device, os.R_OK | os.W_OK):
                raise SourceError(f"cannot open {self._label}: permission denied on {device}")
            capture = cv2.VideoCapture(self.index, cv2.CAP_V4L2)
        else:
            capture = cv2.VideoCapture(self.index)
        if not capture.isOpened():
            capture.release()
            raise SourceError(
                f"cannot open {self._label}: no camera with that index, or it is in use"
            )
        # Keep the driver's queue short: the reader thread wants the newest frame, not
        # the oldest of several buffered while it was busy.
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self.fps = _positive(capture.get(cv2.CAP_PROP_FPS))
        self._start_reading(capture)
        self._probe(f"camera opened but delivered no frame within {self.read_timeout:g} s")

    @property
    def _label(self):
        return self.name
