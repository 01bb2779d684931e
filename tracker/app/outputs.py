"""Result files that stay valid when a run is cut short: the track CSV and the video.

Every failure to write (a full disk, a failing device) is an `OutputError` naming the file:
OpenCV's video writer reports none itself, so `VideoOutput` watches the disk and reads the
file back when it closes.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import cv2
import numpy as np

from ..checks import as_positive
from ..errors import InputError, OutputError, printable
from ..io._native import cv2_filename
from ..meanshift.tracker import TrackState

CSV_HEADER = ("frame", "id", "x", "y", "w", "h", "angle", "score", "lost")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".ppm"}
# Matroska (.mkv) keeps what was written when the process is killed; .mp4 and .mov
# have no index until they are closed, so a hard kill leaves nothing readable.
VIDEO_CODECS = {".mkv": "mp4v", ".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".avi": "MJPG"}


def check_output_path(path, kind: str, suffixes=None) -> Path:
    """Fail before any work if ``path`` cannot be written: missing folder, bad suffix."""
    if not str(path).strip():        # Path("") would quietly mean the current folder
        raise InputError(f"cannot write {kind}: the file name is empty")
    path = Path(path)
    shown = printable(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {kind} {shown!r}: folder {printable(folder)!r} does not exist")
    if path.is_dir():
        raise InputError(f"cannot write {kind} {shown!r}: it is a folder")
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {kind} {shown!r}: folder is not writable")
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise InputError(f"cannot write {kind} {shown!r}: use one of {', '.join(sorted(suffixes))}")
    return path


def output_folder(path, option: str) -> Path:
    """The folder an option (``--out``, ``--csv-dir``) names, made if need be and checked
    writable before any work; InputError in one line otherwise."""
    folder = Path(path)
    shown = printable(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{option} {shown!r} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot make {option} {shown!r}: {e.strerror or e}") from None
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write in {option} {shown!r}: not writable")
    return folder


def check_distinct(source, outputs) -> None:
    """Refuse outputs that would overwrite the source (the file itself, under any name:
    a symlink or a hard link to it; its folder's images; the folder a printf pattern
    reads) or each other."""
    source = str(source)
    src = None
    if not source.startswith("camera:") and "://" not in source:
        src = Path(source)
        if "%" in src.name:
            src = src.parent                # a pattern's frames: the files in its folder
        src = src.resolve()
    seen = set()
    for out in outputs:
        target = out.resolve()
        if src is not None and (target == src or src in target.parents
                                or (target.exists() and src.exists() and os.path.samefile(target, src))):
            raise InputError(f"refusing to write {printable(out)!r}: it would overwrite the source "
                             f"{printable(source)!r}")
        if target in seen:
            raise InputError(f"refusing to write {printable(out)!r} twice: give the CSV and the video "
                             "different names")
        seen.add(target)


def track_row(index: int, state: TrackState, target_id: int = 0) -> list[str]:
    x, y, w, h = state.box
    return [str(index), str(target_id), f"{x:.2f}", f"{y:.2f}", f"{w:.2f}", f"{h:.2f}",
            f"{state.rotated[2]:.2f}", f"{state.score:.4f}", "1" if state.lost else "0"]


def _csv_line(fields) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(fields)   # csv's default is CRLF
    return text.getvalue().encode("utf-8")


class TrackCsvWriter:
    """Writes ``frame,id,x,y,w,h,angle,score,lost`` rows, each straight to the file:
    one row per target and frame, ``id`` the target's (0 for a single target).

    Each row reaches the file as it is written, so a run killed at any point leaves a
    CSV whose every line is complete. A row the disk cannot take is cut off again and
    the write raises `OutputError`, so a full disk also leaves only complete rows.
    """

    def __init__(self, path):
        self.path = check_output_path(path, "CSV")
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except OSError as e:
            raise InputError(f"cannot write CSV {printable(self.path)!r}: {e.strerror or e}") from None
        self._size = 0     # bytes of complete lines in the file
        self.rows = 0
        self._append(CSV_HEADER)

    def write(self, index: int, state: TrackState, target_id: int = 0) -> None:
        self._append(track_row(index, state, target_id))
        self.rows += 1

    def write_states(self, index: int, states: dict) -> None:
        """One row per target of ``states`` (id -> TrackState), in id order."""
        for target_id in sorted(states):
            self.write(index, states[target_id], target_id)

    def _append(self, fields) -> None:
        if self._fd is None:
            raise OutputError(f"cannot write CSV {printable(self.path)!r}: it is closed")
        line = _csv_line(fields)
        try:
            done = 0
            while done < len(line):
                done += os.write(self._fd, line[done:])
        except OSError as e:
            try:
                os.ftruncate(self._fd, self._size)  # drop the part of the row that fitted
            except OSError:
                pass  # a device such as /dev/full cannot be truncated; nothing was kept there
            self.close()
            raise OutputError(f"cannot write CSV {printable(self.path)!r}: {e.strerror or e} "
                              f"(it keeps the {self.rows} complete rows before)") from None
        self._size += len(line)

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError:
                pass  # every row was already written through

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def read_track_csv(path) -> list[dict]:
    """Rows of a track CSV as dicts of floats (``frame`` and ``id`` int, ``lost`` bool)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [{"frame": int(r["frame"]), "id": int(r["id"]), **{k: float(r[k]) for k in CSV_HEADER[2:8]},
             "lost": r["lost"] == "1"} for r in rows]


def disk_is_full(path) -> bool:
    """True if the file system holding ``path`` has no byte left (an unknown answer is False)."""
    try:
        return shutil.disk_usage(path).free == 0
    except OSError:
        return False


class VideoOutput:
    """A video file opened on the first frame (when the size is known), closed on exit.

    The codec follows the suffix (mp4v for .mkv and .mp4, MJPG for .avi); ``close``
    writes the container's index, and callers close it in ``finally`` so an interrupted
    run still leaves a playable file. An .mkv also survives a hard kill (SIGKILL, a
    power cut) with all but its last second or so; an .mp4 is readable only once closed.

    OpenCV's writer drops frames silently when the disk is full, so each `write`
    checks the disk and raises `OutputError` once it is full, and `close` reads the
    file back: if it is not a readable video with the frames written, `error` says
    so (`close` itself never raises, so that it is safe in ``finally`` and in the GUI).
    """

    def __init__(self, path, fps: float | None):
        self.path = check_output_path(path, "video", VIDEO_CODECS)
        self.fps = as_positive(fps, "fps", none=True) or 30.0
        self._writer = None
        self.frames = 0
        self.error: str | None = None    # why the file is incomplete, once closed

    @property
    def _shown(self) -> str:
        return printable(self.path)

    def write(self, frame: np.ndarray) -> None:
        if self._writer is None:
            h, w = frame.shape[:2]
            codec = VIDEO_CODECS[self.path.suffix.lower()]
            fourcc = cv2.VideoWriter_fourcc(*codec)
            self._writer = cv2.VideoWriter(cv2_filename(self.path), fourcc, self.fps, (w, h))
            if not self._writer.isOpened():
                self._writer = None
                raise InputError(f"cannot write video {self._shown!r}: OpenCV could not open a "
                                 f"{codec} writer for {w}x{h} frames (try .avi)")
        try:
            self._writer.write(frame)
        except cv2.error as e:
            raise OutputError(f"cannot write video {self._shown!r}: "
                              f"{str(e).strip().splitlines()[-1]}") from None
        self.frames += 1
        if disk_is_full(self.path.parent):
            raise OutputError(f"cannot write video {self._shown!r}: no space left on device "
                              f"(the disk filled up at frame {self.frames})")

    def close(self) -> None:
        """Finish the file; if it did not come out whole, set `error`."""
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        writer.release()
        self.error = self._check_written()

    def _check_written(self) -> str | None:
        """Why the closed file is not a readable video with our frames, or None."""
        full = " (the disk is full)" if disk_is_full(self.path.parent) else ""
        reader = cv2.VideoCapture(cv2_filename(self.path))
        try:
            if not reader.isOpened() or not reader.grab():
                return f"video {self._shown!r} is not readable{full}: it was not written properly"
            count = reader.get(cv2.CAP_PROP_FRAME_COUNT)
            # Containers without a stored count estimate it from the duration: allow a frame or two.
            if count > 0 and count < self.frames - 2:
                return (f"video {self._shown!r} holds {int(count)} of the {self.frames} frames "
                        f"written{full}")
        finally:
            reader.release()
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def write_image(path, image: np.ndarray) -> None:
    """Write an image, encoding it in memory first so that a full disk or a failing device
    is an `OutputError` naming the file, not a libpng line on stderr and a lost file."""
    suffix = Path(path).suffix.lower()
    ok, data = cv2.imencode(suffix, image)
    if not ok:
        raise InputError(f"cannot write image {printable(path)!r}: OpenCV cannot encode {suffix}")
    try:
        with open(path, "wb") as f:
            f.write(data.tobytes())
    except OSError as e:
        raise OutputError(f"cannot write image {printable(path)!r}: {e.strerror or e}") from None
