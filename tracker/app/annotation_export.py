"""Tracks written in the formats annotation tools read.

Written from a track CSV (``frame,id,x,y,w,h,angle,score,lost``):

- MOTChallenge text, ``frame,id,x,y,w,h,conf,-1,-1,-1``: one row per target and frame it
  is tracked on (lost frames have none), sorted by frame then id; frames and ids count
  from 1 and x, y from 1 too (MOTChallenge's Matlab convention, which motmetrics undoes
  on reading); ``conf`` is the tracker's score.
- CVAT for video 1.1 XML: one ``<track>`` per target, ``<box>`` per frame. CVAT keeps
  only the boxes marked ``keyframe="1"`` and draws every other frame by interpolating
  linearly between consecutive keyframes; after a keyframe marked ``outside="1"`` the
  target is hidden until the next keyframe, and after a last keyframe that is not, its
  box stays to the end of the task. So that CVAT shows every frame as tracked, a
  keyframe is: the first and last box of each stretch of consecutive tracked frames, a
  box where the target was set or re-set (its first row, and the first row after a jump
  of the frame number, which is also where an earlier stretch written over begins), and
  any box CVAT's interpolation would miss by more than `FAITHFUL_PX`; the frame after
  each stretch (lost, missing, or past the target's last row) gets an outside keyframe.

Read back by `annotations.read_annotations`: exporting what was read gives back the same file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import InputError, OutputError, printable
from .annotations import Annotations, Box, excerpt, read_track
from .outputs import check_distinct, check_output_path

FORMATS = ("mot", "cvat")
SUFFIXES = {"mot": {".txt", ".csv"}, "cvat": {".xml"}}
KINDS = {"mot": "MOT file", "cvat": "CVAT XML"}
#: How far (px) CVAT's interpolation may land from a box for it not to be a keyframe:
#: under half of the files' 0.01 px, so CVAT's box rounds to the very value written.
FAITHFUL_PX = 0.004


def export_track(csv_path, out, to: str, *, source=None, frame_size=None, frame_count=None,
                 label: str | None = "object") -> Annotations:
    """Read a track CSV and write it as `to` ("mot" or "cvat") to `out`; the frame size and
    count come from `source` (opened to read them) or from `frame_size`/`frame_count`. For
    ``mstrack export`` and the app's File > Export Tracks. Returns what was written."""
    if to not in FORMATS:
        raise InputError(f"cannot export to {to!r}: use one of {', '.join(FORMATS)}")
    check_output_path(out, KINDS[to], SUFFIXES[to])          # a bad name costs no reading
    annotations = read_track(csv_path)
    if source is not None:
        annotations = with_source(annotations, source)
    if frame_size is not None:
        annotations.frame_size = tuple(int(v) for v in frame_size)
    if frame_count is not None:
        annotations.frame_count = int(frame_count)
    if label is not None:
        annotations.label = label
    (write_mot if to == "mot" else write_cvat)(annotations, out)
    return annotations


def with_source(annotations: Annotations, source) -> Annotations:
    """`annotations` with the size, frame count and name of the video they were tracked on,
    checked to fit it (a track of another video, or tracked with ``--resize``, does not)."""
    from ..io.sources import open_source

    with open_source(source) as video:
        size, count = video.size, video.frame_count
    name = Path(os.fspath(source))
    name = name.parent.name if name.name == "img" else name.stem   # an OTB sequence's img/
    shown = printable(source)
    for target, boxes in annotations.tracks.items():
        for frame, box in boxes.items():
            if count and frame >= count:
                raise InputError(f"target {target} has a box on frame {frame}, but {shown!r} has {count} frames: "
                                 "is it the video this track was made on?")
            if size and (box.x + box.w > size[0] + 1 or box.y + box.h > size[1] + 1):
                raise InputError(f"target {target}'s box on frame {frame} reaches past the {size[0]}x{size[1]} "
                                 f"frames of {shown!r}: was it tracked on another video, or with --resize?")
    return replace(annotations, frame_size=size, frame_count=count or annotations.frame_count,
                   name=printable(name), source=str(source))


def write_mot(annotations: Annotations, path) -> Path:
    """MOTChallenge text (see the module's notes), written atomically."""
    path = _writable(annotations, path, "mot")
    rows = sorted((frame, target, box) for target, boxes in annotations.tracks.items()
                  for frame, box in boxes.items() if not box.lost)
    text = "".join(f"{frame + 1},{target + 1},{_num(box.x + 1)},{_num(box.y + 1)},{_num(box.w)},"
                   f"{_num(box.h)},{box.score:.4f},-1,-1,-1\n" for frame, target, box in rows)
    _write_atomically(path, text.encode("utf-8"), KINDS["mot"])
    return path


def write_cvat(annotations: Annotations, path) -> Path:
    """CVAT for video 1.1 XML (see the module's notes on keyframes), written atomically."""
    path = _writable(annotations, path, "cvat")
    if annotations.frame_size is None:
        raise InputError("a CVAT task needs the video's frame size: give the source video")
    if not annotations.label.strip() or not annotations.label.isprintable():
        raise InputError(f"a label must be printable text, got {excerpt(repr(annotations.label))}")
    last = annotations.last_frame
    beyond = max((f for boxes in annotations.tracks.values() for f in boxes), default=0)
    if beyond > last:
        raise InputError(f"a box on frame {beyond} is past the task's last frame {last}")
    root = ET.Element("annotations")
    ET.SubElement(root, "version").text = "1.1"
    task = ET.SubElement(ET.SubElement(root, "meta"), "task")
    name = "".join(c if c.isprintable() else "?" for c in printable(annotations.name))  # valid XML text
    for tag, value in (("name", name), ("size", last + 1), ("mode", "interpolation"),
                       ("overlap", 0), ("flipped", "False"), ("start_frame", 0), ("stop_frame", last)):
        ET.SubElement(task, tag).text = str(value)
    label = ET.SubElement(ET.SubElement(task, "labels"), "label")
    ET.SubElement(label, "name").text = annotations.label
    ET.SubElement(label, "attributes")
    frame_size = ET.SubElement(task, "original_size")
    ET.SubElement(frame_size, "width").text = str(annotations.frame_size[0])
    ET.SubElement(frame_size, "height").text = str(annotations.frame_size[1])
    for target, boxes in sorted(annotations.tracks.items()):
        shapes = _cvat_shapes(boxes, last)
        if not shapes:
            continue                     # never in sight: nothing CVAT could show
        track = ET.SubElement(root, "track", id=str(target), label=annotations.label, source="auto")
        for frame, points, outside, keyframe in shapes:
            ET.SubElement(track, "box", {
                "frame": str(frame), "keyframe": str(int(keyframe)), "outside": str(int(outside)),
                "occluded": "0", "xtl": _num(points[0]), "ytl": _num(points[1]), "xbr": _num(points[2]),
                "ybr": _num(points[3]), "z_order": "0"})
    ET.indent(root, "  ")
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    _write_atomically(path, text.encode("utf-8"), KINDS["cvat"])
    return path


def _cvat_shapes(boxes: dict, last: int) -> list:
    """(frame, points, outside, keyframe) of one track's boxes: each stretch of frames in
    sight, then an outside keyframe on the frame after it (the lost box there, else the
    stretch's last one) unless the task ends first."""
    shapes, stretch = [], []

    def close():
        if not stretch:
            return
        points = np.array([_points_of(box) for _, box in stretch])
        keys = _keyframes(points, np.array([box.keyframe for _, box in stretch]))
        shapes.extend((f, p, False, k) for (f, _), p, k in zip(stretch, points, keys))
        end = stretch[-1][0] + 1
        if end <= last:
            after = boxes.get(end)
            shapes.append((end, _points_of(after) if after is not None else points[-1], True, True))
        stretch.clear()

    for frame in sorted(boxes):
        if boxes[frame].lost or (stretch and frame != stretch[-1][0] + 1):
            close()
        if not boxes[frame].lost:
            stretch.append((frame, boxes[frame]))
    close()
    return shapes


def _keyframes(points: np.ndarray, forced: np.ndarray) -> np.ndarray:
    """Which of a stretch's boxes (rows of `points`) must be keyframes: the first, the last,
    the `forced`, and, going greedily, the farthest box from the previous keyframe such that
    CVAT's linear interpolation between them lands within `FAITHFUL_PX` of every box between.

    In one pass: interpolating from keyframe k to box e reproduces each box i between iff
    the slope (points[e] - points[k]) / (e - k) lies within (points[i] - points[k] +- the
    tolerance) / (i - k), so the bounds of those intervals are kept as e moves on."""
    keys = forced.astype(bool).copy()
    keys[0] = keys[-1] = True
    k, low, high = 0, np.full(4, -np.inf), np.full(4, np.inf)
    for e in range(1, len(points)):
        if k < e - 1:
            slope = (points[e] - points[k]) / (e - k)
            if keys[e - 1] or not ((low <= slope) & (slope <= high)).all():
                keys[e - 1] = True       # box e - 1 ends the interpolation from k
                k, low, high = e - 1, np.full(4, -np.inf), np.full(4, np.inf)
        low = np.maximum(low, (points[e] - points[k] - FAITHFUL_PX) / (e - k))
        high = np.minimum(high, (points[e] - points[k] + FAITHFUL_PX) / (e - k))
    return keys


# -- helpers ----------------------------------------------------------------------------

def _writable(annotations: Annotations, path, fmt: str) -> Path:
    path = check_output_path(path, KINDS[fmt], SUFFIXES[fmt])
    for given in (annotations.origin, annotations.source):
        if given:
            check_distinct(given, [path])
    return path


def _write_atomically(path: Path, data: bytes, kind: str) -> None:
    """Write into a new file beside `path`, then rename it over: `path` is either what it
    was or complete, whatever happens (a full disk, a kill)."""
    part = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)   # the umask applies
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, path)
    except BaseException as e:           # also Ctrl+C: no part left behind
        with contextlib.suppress(OSError):
            os.unlink(part)
        if isinstance(e, OSError):
            raise OutputError(f"cannot write {kind} {printable(path)!r}: {e.strerror or e}") from None
        raise


def _num(value: float) -> str:
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _points_of(box: Box) -> tuple:
    """xtl, ytl, xbr, ybr as the file holds them (two decimals)."""
    return tuple(float(_num(v)) for v in (box.x, box.y, box.x + box.w, box.y + box.h))
