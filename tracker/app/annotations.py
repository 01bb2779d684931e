"""Tracks in the formats annotation tools read, and boxes read back from them.

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

Read back (`read_annotations`): our CSV, MOT text, CVAT XML (for video, and for images)
and OTB ground truth, as `Annotations`: per target, per frame, a `Box`. A CVAT file is
read the way CVAT reads it (keyframes, interpolated between), so what the app shows is
what CVAT shows. Exporting what was read gives back the same file.
"""

from __future__ import annotations

import contextlib
import csv
import math
import os
import re
import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import InputError, OutputError, TrackerError, printable
from .outputs import CSV_HEADER, check_distinct, check_output_path

FORMATS = ("mot", "cvat")
SUFFIXES = {"mot": {".txt", ".csv"}, "cvat": {".xml"}}
KINDS = {"mot": "MOT file", "cvat": "CVAT XML"}
#: How far (px) CVAT's interpolation may land from a box for it not to be a keyframe:
#: under half of the files' 0.01 px, so CVAT's box rounds to the very value written.
FAITHFUL_PX = 0.004
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
                     f"truth or a track CSV): it starts {_excerpt(first)!r}")


def read_track(path, text: str | None = None) -> Annotations:
    """Our track CSV, validated. Where a target's frame number jumps (the recording stepped
    back or forward), the rows after the jump replace any before for the same frames, and
    the first of them is a keyframe like the target's first row."""
    shown = printable(path)
    lines = (text if text is not None else _read_text(path, "track CSV")).splitlines()
    if not lines or [c.strip() for c in next(csv.reader(lines[:1]))][:9] != list(CSV_HEADER):
        raise InputError(f"{shown}: not a track CSV: its first line should be {','.join(CSV_HEADER)}, "
                         f"got {_excerpt(lines[0] if lines else '')!r}")
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
                             f"{_excerpt(lines[number - 1])!r}")
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
                             f"(frame and id whole numbers from 1, w and h above 0): {_excerpt(line)!r}")
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
        raise InputError(f"{shown}: not a CVAT XML file: its root is <{_excerpt(root.tag)}>, not <annotations>")
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


# -- writing ----------------------------------------------------------------------------

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
        raise InputError(f"a label must be printable text, got {_excerpt(repr(annotations.label))}")
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


def _read_text(path, kind: str) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"cannot read {kind} {printable(path)!r}: it is not a text file") from None
    except OSError as e:
        raise InputError(f"cannot read {kind} {printable(path)!r}: {e.strerror or e}") from None


def _excerpt(text: str, limit: int = 40) -> str:
    text = str(text).strip()
    return text if len(text) <= limit else text[:limit] + "..."


def _num(value: float) -> str:
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _points_of(box: Box) -> tuple:
    """xtl, ytl, xbr, ybr as the file holds them (two decimals)."""
    return tuple(float(_num(v)) for v in (box.x, box.y, box.x + box.w, box.y + box.h))


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
                         f"{_excerpt(ET.tostring(element, encoding='unicode'), 80)!r}")
    return points


def _int_attr(element, name, shown) -> int:
    value = (element.get(name) or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) < 8 and int(value) < LARGEST):
        raise InputError(f"{shown}: <{element.tag}> needs a whole number {name} from 0 to {LARGEST - 1}, "
                         f"got {_excerpt(value)!r}")
    return int(value)


def _meta_int(meta, path, shown) -> int | None:
    text = meta.findtext(path)
    if text is None or not text.strip():
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) < 8 and int(text) <= LARGEST):
        raise InputError(f"{shown}: <{path.rsplit('/', 1)[-1]}> is not a whole number up to {LARGEST}: "
                         f"{_excerpt(text)!r}")
    return int(text)


def _sorted_tracks(tracks: dict) -> dict:
    return {t: dict(sorted(boxes.items())) for t, boxes in sorted(tracks.items())}
