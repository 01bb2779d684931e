"""``mstrack``'s options: boxes, sizes, sequence folders, and what they mean for a run.

Parsing stays here, apart from the commands in `tracker.cli`, and imports nothing
heavy at module level so ``mstrack --help`` starts at once.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from dataclasses import dataclass

from .errors import InputError

#: Containers `--out-video` can write (the keys of ``outputs.VIDEO_CODECS``; a test
#: keeps the two equal without the parser importing OpenCV).
VIDEO_CONTAINERS = (".mkv", ".mp4", ".m4v", ".mov", ".avi")

# As in OTB's groundtruth_rect.txt: commas, tabs or spaces between the numbers.
_BOX_SEPARATORS = re.compile(r"[,\s]+")
_GROUNDTRUTH = "groundtruth_rect.txt"     # tracker.evaluation.otb.GT_FILE, without its imports


def parse_roi(text: str) -> tuple[float, float, float, float]:
    """``X,Y,W,H`` as four floats; commas, tabs or spaces separate them, so the first
    line of an OTB ``groundtruth_rect.txt`` works as it is."""
    parts = [p for p in _BOX_SEPARATORS.split(text.strip()) if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"--roi must be X,Y,W,H (four numbers), got {text!r}")
    return values


def parse_size(text: str) -> tuple[int, int]:
    """``WxH`` (``1280x720``) as two positive ints."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--resize must be WxH, e.g. 1280x720, got {text!r}") from None
    if width <= 0 or height <= 0:
        raise argparse.ArgumentTypeError(f"--resize must be positive, got {text!r}")
    return width, height


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a frame number 0, 1, 2, ..., got {text!r}")
    return value


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


class TargetOption(argparse.Action):
    """``--roi`` and ``--roi-from``, each as often as wanted: one target each, kept in
    ``targets`` in the order given on the command line."""

    def __call__(self, parser, namespace, values, option_string=None):
        targets = list(getattr(namespace, "targets", None) or [])
        targets.append((self.dest, values))
        namespace.targets = targets
        setattr(namespace, self.dest, values)


class SequenceFolders(argparse.Action):
    """``eval FOLDER``: a sequence folder stands for itself; a folder of sequence
    folders (at any depth) for each of them, in name order."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, [seq for path in values for seq in sequences_under(path)])


def sequences_under(path) -> list[str]:
    """`path` if it is a sequence folder (it has ``groundtruth_rect.txt``), else the
    sequence folders below it; `path` itself when there are none, so that evaluating
    it says what is missing."""
    if not os.path.isdir(path) or os.path.isfile(os.path.join(path, _GROUNDTRUTH)):
        return [str(path)]
    found = []
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        if folder != str(path) and _GROUNDTRUTH in files:
            found.append(folder)
            subfolders[:] = []         # its img/ holds frames, not sequences
    return found or [str(path)]


@dataclass
class TargetBox:
    """Where a target's first box comes from: ``--roi``, ``--roi-from`` or the sequence's
    own ground truth. Resolved before the source opens, so a bad box costs no time."""

    box: tuple | None = None            # --roi, in pixels of the frames as tracked
    groundtruth: object = None          # (N, 4) boxes in the source's pixels
    origin: str = ""                    # the ground-truth file, for messages

    @classmethod
    def all_from_args(cls, args) -> list["TargetBox"]:
        """One per ``--roi`` and ``--roi-from``, in the order given; without either, the
        SOURCE's own ground truth if it is a sequence folder."""
        given = list(getattr(args, "targets", None) or [])
        if not given and os.path.isfile(os.path.join(args.source, _GROUNDTRUTH)):
            given = [("roi_from", args.source)]    # an OTB sequence folder brings its own box
        if not given:
            raise InputError("no target box: give --roi X,Y,W,H or --roi-from GROUNDTRUTH_FILE")
        return [cls(box=value) if kind == "roi" else cls.from_groundtruth(value) for kind, value in given]

    @classmethod
    def from_groundtruth(cls, path) -> "TargetBox":
        from .evaluation.otb import load_groundtruth

        if os.path.isdir(path):
            path = os.path.join(path, _GROUNDTRUTH)
        return cls(groundtruth=load_groundtruth(path), origin=str(path))

    def for_frame(self, index: int, source_size, resize=None) -> tuple:
        """The box on frame `index` of the source, in pixels of the frames as tracked."""
        if self.box is not None:
            return self.box
        if index >= len(self.groundtruth):
            raise InputError(f"{self.origin} has {len(self.groundtruth)} boxes: none for frame {index}")
        x, y, w, h = (float(v) for v in self.groundtruth[index])
        if resize is not None and source_size is not None:
            sx, sy = resize[0] / source_size[0], resize[1] / source_size[1]
            x, y, w, h = x * sx, y * sy, w * sx, h * sy
        print(f"mstrack: target box from {self.origin}: {_box_text((x, y, w, h))}", file=sys.stderr)
        return x, y, w, h


def check_csv_name(path) -> None:
    """Refuse ``--out-csv clip.mp4`` and the like: a name with another type's suffix is a
    slip that would otherwise leave a CSV where a video was meant. No suffix is fine
    (``/dev/stdout``)."""
    suffix = os.path.splitext(str(path or ""))[1].lower()
    if suffix not in ("", ".csv"):
        raise InputError(f"cannot write CSV {str(path)!r}: a CSV file name ends in .csv, not {suffix}")


def clipped_to_frame(box, frame) -> tuple:
    """`box` clipped to `frame`, with a warning on stderr if that changed it (a box
    wholly outside is an error, raised by `parse_box`)."""
    from .io.frames import parse_box

    clipped = parse_box(box, frame.shape)
    if any(abs(a - b) > 1e-9 for a, b in zip(clipped, box)):
        height, width = frame.shape[:2]
        print(f"mstrack: warning: box {_box_text(box)} reaches outside the {width}x{height} frame; "
              f"clipped to {_box_text(clipped)}", file=sys.stderr)
    return clipped


def start_at(source, frame: int) -> None:
    """Seek `source` to `frame` for ``--start-frame`` (one clear error for live sources)."""
    if frame == 0:
        return
    if source.is_live:
        raise InputError("--start-frame needs a file or an image sequence, not a live camera or stream")
    source.seek(frame)


def resized_frames(source, size=None):
    """The frames of `source`, resized to `size` (``--resize``) like the GUI does."""
    if size is None:
        yield from source
        return
    import cv2

    for frame in source:
        yield cv2.resize(frame, size, interpolation=cv2.INTER_LINEAR)


def interrupted_message(args) -> str:
    """What Ctrl+C leaves behind: only commands that write files can speak of them."""
    writes = (getattr(args, "out", None) or getattr(args, "out_csv", None) or getattr(args, "out_video", None)
              or getattr(args, "csv_dir", None))
    return "interrupted; files written so far are complete" if writes else "interrupted"


def _box_text(box) -> str:
    return ",".join(f"{v:g}" for v in box)
