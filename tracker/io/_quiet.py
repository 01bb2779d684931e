"""Quiet OpenCV's and FFmpeg's own logging, before anything imports cv2.

OpenCV and FFmpeg write warnings straight to stderr (from C, past Python's logging). A
user who typed a bad path should see our one-line SourceError, not decoder chatter, so
the package's ``__init__`` imports this module first, before any cv2 user. setdefault
keeps a value the user exported to debug OpenCV.
"""

import os

USER_SET_LOG_LEVEL = "OPENCV_LOG_LEVEL" in os.environ
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
