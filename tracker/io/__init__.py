"""Frame sources (files, image sequences, cameras, network streams) and frame normalisation; imports nothing above it."""

import os

# OpenCV and FFmpeg write warnings straight to stderr (from C, past Python's
# logging). A user who typed a bad path should see our one-line SourceError,
# not decoder chatter, so quiet them here; this package is
# imported before any cv2 user. setdefault keeps a value the user exported to debug OpenCV.
_USER_SET_LOG_LEVEL = "OPENCV_LOG_LEVEL" in os.environ
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
