"""Boxes and sizes as people type them (``X,Y,W,H``, ``WxH``), and where a target's first
box comes from: the command line, an annotation file or the sequence's own ground truth.

Shared by ``mstrack`` and ``mstrack-gui``, whose ``--roi`` and ``--resize`` mean the same.
"""

from __future__ import annotations

import argparse
import math
import os
import re
from dataclasses import dataclass

from ..checks import as_size
from ..io.limits import MAX_PIXELS, too_many_pixels
from ..errors import InputError
from ..evaluation.otb import GT_FILE
from .annotations import Annotations, read_annotations

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
        size = as_size((width, height), "--resize")
    except InputError:
        raise InputError(f"--resize must be positive, got {text!r}") from None
    # Frames are made at this size: refused before any work, like a decoded frame this large.
    if too_many_pixels(*size, MAX_PIXELS):
        raise InputError(f"--resize {width}x{height} would make frames of {width * height / 1e6:,.0f} "
                         f"megapixels, over the limit of {MAX_PIXELS / 1e6:g}")
    return size


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
    """Where targets' first boxes come from: a box given as it is (``--roi``), or an
    annotation file (``--roi-from FILE[:ID]``, or a sequence folder's own ground truth):
    CVAT XML, MOT text, OTB ground truth or a track CSV, read by `read_annotations`.

    A file stands for one target per track in sight on the first frame tracked, in the
    order of their ids; ``FILE:ID`` for its track ``ID`` alone, numbered as the file
    numbers it (MOT's ids count from 1, CVAT's and a track CSV's from 0), which must be
    in sight on that frame. An OTB ground truth has one track. The tracker numbers its
    targets 0, 1, ... in the order they are given, whatever the file called them."""

    box: tuple | None = None            # in pixels of the frames as tracked
    annotations: Annotations | None = None   # boxes in the source's pixels
    track: int | None = None            # the one track wanted (its id in `annotations`), or all
    origin: str = ""                    # the file, for messages

    @classmethod
    def from_file(cls, spec) -> "TargetBox":
        """``FILE`` or ``FILE:ID`` (a file whose name ends in ``:digits`` is taken whole)."""
        path, file_id = split_track_id(spec)
        annotations = read_annotations(path)
        origin = annotations.origin or str(path)
        track = None
        if file_id is not None:
            track = file_id - annotations.id_base
            if track not in annotations.tracks:
                ids = ", ".join(str(t + annotations.id_base) for t in annotations.tracks)
                raise InputError(f"{origin} has no track with id {file_id} (its ids: {ids})")
        return cls(annotations=annotations, track=track, origin=origin)

    @staticmethod
    def has_groundtruth(folder) -> bool:
        """True if ``folder`` is a sequence folder that brings its own boxes."""
        return os.path.isfile(os.path.join(folder, GT_FILE))

    def boxes_for(self, index: int, source_size, resize=None) -> list[tuple[str, tuple]]:
        """``(where, box)`` of each target this stands for on frame `index` of the source,
        the box in pixels of the frames as tracked; `where` names the file and the track's
        id ("" for a box given as it is)."""
        if self.box is not None:
            return [("", self.box)]
        self._check_frame_size(source_size)
        boxes = self.annotations.boxes_on(index)
        wanted = [self.track] if self.track is not None else list(boxes)
        if not wanted or any(t not in boxes for t in wanted):
            raise InputError(self._no_box_message(index))
        several = self.track is not None or len(self.annotations.tracks) > 1
        return [(f"{self.origin}, id {self.file_id(t)}" if several else self.origin,
                 _scaled(boxes[t], source_size, resize)) for t in wanted]

    def ids_out_of_sight(self, index: int) -> list[int]:
        """The file's ids of the tracks a whole file leaves out: not in sight on `index`."""
        if self.annotations is None or self.track is not None:
            return []
        return [self.file_id(t) for t in self.annotations.tracks if t not in self.annotations.boxes_on(index)]

    def file_id(self, track: int) -> int:
        return track + self.annotations.id_base

    def _check_frame_size(self, source_size) -> None:
        check_frame_size(self.annotations, source_size, self.origin)

    def _no_box_message(self, index: int) -> str:
        what = f"id {self.file_id(self.track)} has no box" if self.track is not None else "no track has a box"
        first = self.annotations.first_boxes()
        if self.track is not None:
            first = {self.track: first[self.track]} if self.track in first else {}
        later = sorted(frame for frame, _ in first.values() if frame > index)
        hint = f" (the first is on frame {later[0]})" if later else ""
        return f"{self.origin}: {what} on frame {index}{hint}"


def check_frame_size(annotations: Annotations, source_size, origin: str) -> None:
    """Refuse annotations made on frames of another size than the source's (a CVAT task
    says its size): they belong to another video (``--roi-from``, the app's Load Annotations)."""
    size = annotations.frame_size
    if size and source_size and tuple(size) != tuple(source_size):
        raise InputError(f"{origin} was annotated on {size[0]}x{size[1]} frames, but the source's are "
                         f"{source_size[0]}x{source_size[1]}: is it the video it was made on?")


def split_track_id(spec) -> tuple[str, int | None]:
    """``FILE:ID`` -> (FILE, ID); a FILE that exists as given, or no ``:digits`` at the
    end, -> (FILE, None)."""
    text = os.fspath(spec)
    if not os.path.exists(text):
        head, colon, tail = text.rpartition(":")
        if colon and head and tail.isascii() and tail.isdigit() and len(tail) < 8:
            return head, int(tail)
    return text, None


def _scaled(box, source_size, resize) -> tuple:
    x, y, w, h = (float(v) for v in box)
    if resize is not None and source_size is not None:
        sx, sy = resize[0] / source_size[0], resize[1] / source_size[1]
        x, y, w, h = x * sx, y * sy, w * sx, h * sy
    return x, y, w, h


def box_text(box) -> str:
    """``12,34,56,78``: a box as the command line takes it."""
    return ",".join(f"{v:g}" for v in box)
