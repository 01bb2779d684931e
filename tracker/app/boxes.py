"""Boxes and sizes as people type them (``X,Y,W,H``, ``WxH``), and where a target's first
box comes from: the command line, a ground-truth file or the sequence's own.

Shared by ``mstrack`` and ``mstrack-gui``, whose ``--roi`` and ``--resize`` mean the same.
"""

from __future__ import annotations

import argparse
import math
import os
import re
from dataclasses import dataclass

from ..checks import as_size
from ..errors import InputError
from ..evaluation.otb import GT_FILE, load_groundtruth

# As in OTB's groundtruth_rect.txt: commas, tabs or spaces between the numbers.
_BOX_SEPARATORS = re.compile(r"[,\s]+")


def parse_roi(text: str) -> tuple[float, float, float, float]:
    """``X,Y,W,H`` as four floats; commas, tabs or spaces separate them, so the first
    line of an OTB ``groundtruth_rect.txt`` works as it is."""
    parts = [p for p in _BOX_SEPARATORS.split(text.strip()) if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InputError(f"--roi must be X,Y,W,H (four numbers), got {text!r}")
    return values


def parse_size(text: str) -> tuple[int, int]:
    """``WxH`` (``1280x720``) as two positive ints."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputError(f"--resize must be WxH, e.g. 1280x720, got {text!r}") from None
    try:
        return as_size((width, height), "--resize")
    except InputError:
        raise InputError(f"--resize must be positive, got {text!r}") from None


def argument(parse):
    """``parse`` (text -> value, InputError on bad text) as an argparse ``type``: its
    message becomes argparse's one-line error."""
    def convert(text):
        try:
            return parse(text)
        except InputError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    convert.__name__ = parse.__name__
    return convert


@dataclass
class TargetBox:
    """Where a target's first box comes from: a box given as it is (``--roi``), or a
    ground-truth file (``--roi-from``, or an OTB sequence folder's own), whose line for
    the first frame tracked counts."""

    box: tuple | None = None            # in pixels of the frames as tracked
    groundtruth: object = None          # (N, 4) boxes in the source's pixels
    origin: str = ""                    # the ground-truth file, for messages

    @classmethod
    def from_groundtruth(cls, path) -> "TargetBox":
        """The boxes of a ground-truth file, or of a sequence folder's."""
        if os.path.isdir(path):
            path = os.path.join(path, GT_FILE)
        return cls(groundtruth=load_groundtruth(path), origin=str(path))

    @staticmethod
    def has_groundtruth(folder) -> bool:
        """True if ``folder`` is a sequence folder that brings its own boxes."""
        return os.path.isfile(os.path.join(folder, GT_FILE))

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
        return x, y, w, h


def box_text(box) -> str:
    """``12,34,56,78``: a box as the command line takes it."""
    return ",".join(f"{v:g}" for v in box)
