"""Live cameras (``camera:N``)."""

import os
import sys

import cv2
import numpy as np

from ..errors import SourceError
from .base import _positive, _SourceBase


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
