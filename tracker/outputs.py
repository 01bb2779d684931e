"""Result files that stay valid when a run is cut short: the track CSV and the video."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import cv2
import numpy as np

from .errors import InputError
from .meanshift.tracker import TrackState

CSV_HEADER = ("frame", "x", "y", "w", "h", "angle", "score", "lost")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".ppm"}
VIDEO_CODECS = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".avi": "MJPG", ".mkv": "MJPG"}


def check_output_path(path, kind: str, suffixes=None) -> Path:
    """Fail before any work if ``path`` cannot be written: missing folder, bad suffix."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {kind} {str(path)!r}: folder {str(folder)!r} does not exist")
    if path.is_dir():
        raise InputError(f"cannot write {kind} {str(path)!r}: it is a folder")
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {kind} {str(path)!r}: folder is not writable")
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise InputError(f"cannot write {kind} {str(path)!r}: use one of {', '.join(sorted(suffixes))}")
    return path


def check_distinct(source, outputs) -> None:
    """Refuse outputs that would overwrite the source (or its folder's images) or each other."""
    src = Path(source).resolve() if not str(source).startswith("camera:") else None
    seen = set()
    for out in outputs:
        target = out.resolve()
        if src is not None and (target == src or src in target.parents
                                or (target.exists() and src.exists() and os.path.samefile(target, src))):
            raise InputError(f"refusing to write {str(out)!r}: it would overwrite the source {str(source)!r}")
        if target in seen:
            raise InputError(f"refusing to write {str(out)!r} twice: give the CSV and the video different names")
        seen.add(target)


def track_row(index: int, state: TrackState) -> list[str]:
    x, y, w, h = state.box
    return [str(index), f"{x:.2f}", f"{y:.2f}", f"{w:.2f}", f"{h:.2f}",
            f"{state.rotated[2]:.2f}", f"{state.score:.4f}", "1" if state.lost else "0"]


class TrackCsvWriter:
    """Writes ``frame,x,y,w,h,angle,score,lost`` rows, flushed one by one.

    Each row reaches the file as it is written, so a run killed at any point leaves a
    CSV whose every line is complete.
    """

    def __init__(self, path):
        self.path = check_output_path(path, "CSV")
        try:
            self._file = open(self.path, "w", newline="", encoding="utf-8")
        except OSError as e:
            raise InputError(f"cannot write CSV {str(self.path)!r}: {e.strerror or e}") from None
        self._writer = csv.writer(self._file, lineterminator="\n")   # csv's default is CRLF
        self._writer.writerow(CSV_HEADER)
        self._file.flush()
        self.rows = 0

    def write(self, index: int, state: TrackState) -> None:
        self._writer.writerow(track_row(index, state))
        self._file.flush()
        self.rows += 1

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def read_track_csv(path) -> list[dict]:
    """Rows of a track CSV as dicts of floats (``frame`` int, ``lost`` bool)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [{"frame": int(r["frame"]), **{k: float(r[k]) for k in CSV_HEADER[1:7]},
             "lost": r["lost"] == "1"} for r in rows]


class VideoOutput:
    """A video file opened on the first frame (when the size is known), closed on exit.

    The codec follows the suffix (mp4v for .mp4, MJPG for .avi); ``close`` writes the
    container's index, and callers close it in ``finally`` so an interrupted run still
    leaves a playable file.
    """

    def __init__(self, path, fps: float | None):
        self.path = check_output_path(path, "video", VIDEO_CODECS)
        self.fps = fps if fps and fps > 0 else 30.0
        self._writer = None
        self.frames = 0

    def write(self, frame: np.ndarray) -> None:
        if self._writer is None:
            h, w = frame.shape[:2]
            fourcc = cv2.VideoWriter_fourcc(*VIDEO_CODECS[self.path.suffix.lower()])
            self._writer = cv2.VideoWriter(str(self.path), fourcc, self.fps, (w, h))
            if not self._writer.isOpened():
                codec = VIDEO_CODECS[self.path.suffix.lower()]
                raise InputError(f"cannot write video {str(self.path)!r}: OpenCV could not open a "
                                 f"{codec} writer for {w}x{h} frames (try .avi)")
        self._writer.write(frame)
        self.frames += 1

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
