"""Boxes read from the files annotation tools write: our track CSV, MOTChallenge text,
CVAT XML (for video, and for images) and OTB ground truth, as `Annotations`: per target,
per frame, a `Box`. A CVAT file is read the way CVAT reads it (keyframes, interpolated
between), so what the app shows is what CVAT shows. Writing them is
`annotation_export`'s; exporting what was read gives back the same file.
"""

from __future__ import annotations

import csv
import math
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import InputError, TrackerError, printable
from .outputs import CSV_HEADER

#: Frame numbers, ids and sizes read stay below this (9 hours at 30 fps): a larger one is a
#: broken file, and filling its frames in would take the memory.
LARGEST = 1_000_000
_SEPARATORS = re.compile(r"[,\s]+")
_GROUNDTRUTH = "groundtruth_rect.txt"


@dataclass(frozen=True)
class Box:
    """A target's box on one frame, in pixels (x, y its top-left corner, 0-based)."""

    x: float
    y: float
    w: float
    h: float
    lost: bool = False      # out of sight: CVAT's outside="1", no MOT row, no start box
    score: float = 1.0      # the tracker's similarity (MOT's conf); 1 for hand-made boxes
    keyframe: bool = False  # set here: a target's first box, a re-set, a CVAT keyframe

    @property
    def xywh(self) -> tuple:
        return (self.x, self.y, self.w, self.h)


@dataclass
class Annotations:
    """Boxes per target and frame, and what a CVAT task needs to know of the video."""

    tracks: dict = field(default_factory=dict)   # target id (0-based) -> {frame (0-based): Box}
    frame_size: tuple | None = None              # (width, height) of the video
    frame_count: int | None = None
    name: str = ""                               # CVAT's task name
    label: str = "object"
    origin: str | None = None                    # the file read: never written over
    id_base: int = 0                             # the file's id of target 0 (MOT counts from 1)
    source: str | None = None                    # the video: never written over

    def box_at(self, target_id: int, frame: int) -> tuple | None:
        """(x, y, w, h) of the target on `frame`, None where it has none or is out of sight."""
        box = self.tracks.get(target_id, {}).get(frame)
        return None if box is None or box.lost else box.xywh

    def boxes_on(self, frame: int) -> dict:
        """{target id: (x, y, w, h)} of the targets in sight on `frame`."""
        return {t: box.xywh for t, boxes in sorted(self.tracks.items())
                if (box := boxes.get(frame)) is not None and not box.lost}

    def first_boxes(self) -> dict:
        """{target id: (frame, (x, y, w, h))}: where each target is first in sight, to start
        a tracker from (``--roi-from``, the app's loaded annotations)."""
        first = {}
        for target, boxes in sorted(self.tracks.items()):
            seen = [(f, b) for f, b in sorted(boxes.items()) if not b.lost]
            if seen:
                first[target] = (seen[0][0], seen[0][1].xywh)
        return first

    @property
    def last_frame(self) -> int:
        """The last frame of the task: the video's, or else the last with a box."""
        if self.frame_count:
            return self.frame_count - 1
        return max((f for boxes in self.tracks.values() for f in boxes), default=0)


# -- reading ----------------------------------------------------------------------------

def read_annotations(path) -> Annotations:
    """Boxes from an annotation file, whichever it is: CVAT XML, MOT text, OTB ground truth
    (or the sequence folder holding it), or our track CSV. Bad content is an `InputError`
    of one line."""
    if os.path.isdir(path):
        inside = [p for p in (Path(path) / _GROUNDTRUTH, Path(path) / "gt" / "gt.txt") if p.is_file()]
        if not inside:
            raise InputError(f"cannot read annotations from folder {printable(path)!r}: "
                             f"it has no {_GROUNDTRUTH} or gt/gt.txt")
        path = inside[0]
    text = _read_text(path, "annotations")
    start = text.lstrip()[:200]
    if start.startswith("<"):
        return read_cvat(path, text)
    first = start.splitlines()[0] if start else ""
    if first.lower().startswith("frame,"):            # a header: our CSV (which checks the rest)
        return read_track(path, text)
    fields = [p for p in _SEPARATORS.split(first.strip()) if p]
    if len(fields) == 4:
        return read_groundtruth(path)
    if len(fields) >= 6:
        return read_mot(path, text)
    raise InputError(f"{printable(path)}: not an annotation file we know (CVAT XML, MOT, OTB ground "
                     f"truth or a track CSV): it starts {excerpt(first)!r}")


def read_track(path, text: str | None = None) -> Annotations:
    """Our track CSV, validated. Where a target's frame number jumps (the recording stepped
    back or forward), the rows after the jump replace any before for the same frames, and
    the first of them is a keyframe like the target's first row."""
    shown = printable(path)
    lines = (text if text is not None else _read_text(path, "track CSV")).splitlines()
    if not lines or [c.strip() for c in next(csv.reader(lines[:1]))][:9] != list(CSV_HEADER):
        raise InputError(f"{shown}: not a track CSV: its first line should be {','.join(CSV_HEADER)}, "
                         f"got {excerpt(lines[0] if lines else '')!r}")
    tracks, previous = {}, {}
    for number, row in enumerate(csv.reader(lines[1:]), 2):
        if not row or not "".join(row).strip():
            continue
        try:
            frame, target = int(row[0]), int(row[1])
            x, y, w, h, _angle, score = (float(v) for v in row[2:8])
            lost = {"0": False, "1": True}[row[8].strip()]
            ok = 0 <= frame < LARGEST and 0 <= target < LARGEST and w > 0 and h > 0 and all(
                math.isfinite(v) for v in (x, y, w, h, _angle, score))
        except (ValueError, IndexError, KeyError):
            ok = False
        if not ok:
            raise InputError(f"{shown}: line {number} is not a row of frame,id,x,y,w,h,angle,score,lost "
                             f"(frame and id whole numbers from 0, w and h above 0, lost 0 or 1): "
                             f"{excerpt(lines[number - 1])!r}")
        set_here = previous.get(target) != frame - 1
        tracks.setdefault(target, {})[frame] = Box(x, y, w, h, lost, score, set_here)
        previous[target] = frame
    if not tracks:
        raise InputError(f"{shown}: the track CSV has no rows")
    return Annotations(tracks=_sorted_tracks(tracks), name=printable(Path(path).stem), origin=str(path))


def read_mot(path, text: str | None = None) -> Annotations:
    """MOTChallenge text: ``frame,id,x,y,w,h[,conf,...]``, frames, ids, x and y from 1."""
    shown = printable(path)
    lines = (text if text is not None else _read_text(path, "MOT file")).splitlines()
    tracks = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            values = [float(p) for p in _SEPARATORS.split(line.strip()) if p]
            frame, target = int(values[0]), int(values[1])
            x, y, w, h = values[2] - 1, values[3] - 1, values[4], values[5]
            score = values[6] if len(values) > 6 else 1.0
            ok = (frame == values[0] and target == values[1] and 1 <= frame <= LARGEST
                  and 1 <= target <= LARGEST and w > 0 and h > 0
                  and all(math.isfinite(v) for v in (x, y, w, h, score)))
        except (ValueError, IndexError, OverflowError):
            ok = False
        if not ok:
            raise InputError(f"{shown}: line {number} is not a MOT row frame,id,x,y,w,h[,conf,...] "
                             f"(frame and id whole numbers from 1, w and h above 0): {excerpt(line)!r}")
        boxes = tracks.setdefault(target - 1, {})
        if frame - 1 in boxes:
            raise InputError(f"{shown}: line {number} gives id {target} a second box on frame {frame}")
        boxes[frame - 1] = Box(x, y, w, h, score=score)
    if not tracks:
        raise InputError(f"{shown}: the MOT file has no rows")
    return Annotations(tracks=_sorted_tracks(tracks), name=printable(Path(path).stem), origin=str(path),
                       id_base=1)


def read_groundtruth(path) -> Annotations:
    """An OTB ``groundtruth_rect.txt``: target 0, one box per frame; rows of NaN (target out
    of view) give none."""
    from ..evaluation.otb import load_groundtruth

    try:
        rows = load_groundtruth(path)
    except TrackerError as e:
        raise InputError(str(e)) from None
    boxes = {f: Box(*(float(v) for v in row)) for f, row in enumerate(rows)
             if np.isfinite(row).all() and row[2] > 0 and row[3] > 0}
    if not boxes:
        raise InputError(f"{printable(path)}: no ground-truth box with a size")
    first = min(boxes)
    boxes[first] = replace(boxes[first], keyframe=True)
    return Annotations(tracks={0: boxes}, frame_count=len(rows), origin=str(path))


def read_cvat(path, text: str | None = None) -> Annotations:
    """CVAT XML 1.1, for video (``<track>``) or for images (``<image>``), as CVAT reads it:
    a track's keyframes, with the frames between interpolated."""
    shown = printable(path)
    try:
        root = ET.fromstring(text if text is not None else _read_text(path, "CVAT XML"))
    except ET.ParseError as e:
        raise InputError(f"{shown}: not a readable XML file ({e})") from None
    if root.tag != "annotations":
        raise InputError(f"{shown}: not a CVAT XML file: its root is <{excerpt(root.tag)}>, not <annotations>")
    meta = root.find("meta")
    meta = meta if meta is not None else ET.Element("meta")
    size = _meta_int(meta, ".//size", shown)
    stop = _meta_int(meta, ".//stop_frame", shown)
    width, height = (_meta_int(meta, f".//original_size/{side}", shown) for side in ("width", "height"))
    annotations = Annotations(frame_size=(width, height) if width and height else None,
                              frame_count=size or (stop + 1 if stop is not None else None),
                              name=(meta.findtext(".//task/name") or "").strip(),
                              origin=str(path))
    labels = []
    for track in root.iter("track"):
        target = _int_attr(track, "id", shown)
        if target in annotations.tracks:
            raise InputError(f"{shown}: two tracks have id {target}")
        keys = sorted((_int_attr(b, "frame", shown), _points(b, shown), b.get("outside") == "1")
                      for b in track.iter("box") if b.get("keyframe") == "1")
        if [k[0] for k in keys] != sorted({k[0] for k in keys}):
            raise InputError(f"{shown}: track {target} has two boxes on one frame")
        if keys:
            annotations.tracks[target] = _interpolated(keys, annotations.frame_count)
            labels.append(track.get("label"))
    _add_image_boxes(root, annotations, labels, shown)
    if not annotations.tracks:
        raise InputError(f"{shown}: no box to read (CVAT reads a track's boxes marked keyframe=\"1\")")
    annotations.label = next((label for label in labels if label), "object")
    return annotations


def _interpolated(keys, frame_count) -> dict:
    """A track's boxes on every frame, from its keyframes as CVAT interpolates them."""
    boxes = {}
    for i, (frame, points, outside) in enumerate(keys):
        boxes[frame] = _box(points, lost=outside, keyframe=not outside)
        if outside:
            continue                     # hidden until the next keyframe
        if i + 1 < len(keys):
            end, target = keys[i + 1][0], np.asarray(keys[i + 1][1])
        elif frame_count:
            end, target = frame_count, np.asarray(points)   # CVAT holds the last box to the end
        else:
            continue
        start = np.asarray(points)
        for f in range(frame + 1, end):
            boxes[f] = _box(start + (target - start) * ((f - frame) / (end - frame)))
    return boxes


def _add_image_boxes(root, annotations, labels, shown) -> None:
    """CVAT for images: a box with a ``track_id`` attribute joins that track, any other is
    a target of its own (numbered after all the others)."""
    found = []
    for image in root.iter("image"):
        frame = _int_attr(image, "id", shown)
        if annotations.frame_size is None and image.get("width") and image.get("height"):
            annotations.frame_size = (_int_attr(image, "width", shown), _int_attr(image, "height", shown))
        for b in image.iter("box"):
            track_id = next((a.text for a in b.iter("attribute") if a.get("name") == "track_id"), "")
            track_id = (track_id or "").strip()
            known = track_id.isascii() and track_id.isdigit() and len(track_id) < 7
            found.append((int(track_id) if known else None, frame, _box(_points(b, shown), keyframe=True)))
            labels.append(b.get("label"))
    next_id = max([t for t, _, _ in found if t is not None] + list(annotations.tracks), default=-1) + 1
    for target, frame, box in found:
        if target is None:
            target, next_id = next_id, next_id + 1
        annotations.tracks.setdefault(target, {})[frame] = box
    annotations.tracks = _sorted_tracks(annotations.tracks)


def _read_text(path, kind: str) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"cannot read {kind} {printable(path)!r}: it is not a text file") from None
    except OSError as e:
        raise InputError(f"cannot read {kind} {printable(path)!r}: {e.strerror or e}") from None


def excerpt(text: str, limit: int = 40) -> str:
    text = str(text).strip()
    return text if len(text) <= limit else text[:limit] + "..."


def _box(points, lost=False, keyframe=False) -> Box:
    xtl, ytl, xbr, ybr = (float(v) for v in points)
    return Box(xtl, ytl, xbr - xtl, ybr - ytl, lost=lost, keyframe=keyframe)


def _points(element, shown) -> tuple:
    try:
        points = tuple(float(element.get(k, "")) for k in ("xtl", "ytl", "xbr", "ybr"))
    except ValueError:
        points = ()
    if len(points) != 4 or not all(map(math.isfinite, points)) or points[2] <= points[0] or points[3] <= points[1]:
        raise InputError(f"{shown}: a box has no valid xtl, ytl, xbr, ybr (xbr > xtl, ybr > ytl): "
                         f"{excerpt(ET.tostring(element, encoding='unicode'), 80)!r}")
    return points


def _int_attr(element, name, shown) -> int:
    value = (element.get(name) or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) < 8 and int(value) < LARGEST):
        raise InputError(f"{shown}: <{element.tag}> needs a whole number {name} from 0 to {LARGEST - 1}, "
                         f"got {excerpt(value)!r}")
    return int(value)


def _meta_int(meta, path, shown) -> int | None:
    text = meta.findtext(path)
    if text is None or not text.strip():
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) < 8 and int(text) <= LARGEST):
        raise InputError(f"{shown}: <{path.rsplit('/', 1)[-1]}> is not a whole number up to {LARGEST}: "
                         f"{excerpt(text)!r}")
    return int(text)


def _sorted_tracks(tracks: dict) -> dict:
    return {t: dict(sorted(boxes.items())) for t, boxes in sorted(tracks.items())}
