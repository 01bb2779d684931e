"""The labelling loop's pieces the app needs beyond the annotation formats: a sequence's
own ground truth, annotations read for the frames as tracked (resized or not), and the
session's track log exported for annotation tools.

    load annotations -> track until lost -> correct -> track on -> export
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..errors import InputError, printable
from ..evaluation.otb import GT_FILE
from .annotation_export import FORMATS, KINDS, SUFFIXES, with_source, write_cvat, write_mot
from .annotations import Annotations, read_annotations
from .boxes import check_frame_size
from .outputs import check_distinct, check_output_path
from .track_log import TrackLog


def sequence_groundtruth(source) -> str | None:
    """The ground-truth file of an OTB sequence opened as ``source`` (the sequence folder
    or its ``img/`` folder), or None for any other source."""
    text = os.fspath(source) if source is not None else ""
    if not text or "://" in text or not os.path.isdir(text):
        return None
    folder = Path(text)
    for place in (folder, folder.parent) if folder.name == "img" else (folder,):
        if (place / GT_FILE).is_file():
            return str(place / GT_FILE)
    return None


def annotations_for_frames(path, source_size=None, frame_size=None,
                           frame_count=None) -> tuple[Annotations, list[str]]:
    """The annotations of ``path`` in pixels of the frames as tracked (``frame_size``, when
    the source's ``source_size`` frames are resized), and notes for the user (boxes past
    the source's last frame). Annotations made on frames of another size are refused, as
    ``--roi-from`` refuses them."""
    annotations = read_annotations(path)
    check_frame_size(annotations, source_size, annotations.origin or printable(path))
    notes = []
    past = sum(f >= frame_count for boxes in annotations.tracks.values() for f in boxes) if frame_count else 0
    if past:
        notes.append(f"{past} boxes lie past the video's last frame ({frame_count - 1})")
    if source_size and frame_size and tuple(frame_size) != tuple(source_size):
        sx, sy = frame_size[0] / source_size[0], frame_size[1] / source_size[1]
        annotations = replace(annotations, frame_size=tuple(frame_size), tracks={
            target: {f: replace(b, x=b.x * sx, y=b.y * sy, w=b.w * sx, h=b.h * sy) for f, b in boxes.items()}
            for target, boxes in annotations.tracks.items()})
    return annotations, notes


def export_log(log: TrackLog, out, to: str, *, source=None, frame_size=None, frame_count=None,
               label: str = "object", name: str | None = None, keep=()) -> Annotations:
    """Write the tracks of ``log`` as ``to`` ("mot" or "cvat") to ``out``, as `export_track`
    writes a track CSV of the same states. The frame size and count come from ``source``
    (opened to read them) or from ``frame_size``/``frame_count`` (frames resized, a live
    source). ``out`` may be none of ``keep`` (the files read: loaded annotations, the
    recording) nor the source. ``name`` is the CVAT task's name without a source (else
    the source's). Returns what was written."""
    if to not in FORMATS:
        raise InputError(f"cannot export to {to!r}: use one of {', '.join(FORMATS)}")
    path = check_output_path(out, KINDS[to], SUFFIXES[to])
    for given in keep:
        if given:
            check_distinct(given, [path])
    annotations = log.annotations()
    if not annotations.tracks:
        raise InputError("nothing to export: no target has been tracked yet")
    if source is not None:
        annotations = with_source(annotations, source)
    else:
        annotations.name = printable(name or path.stem)
    if frame_size is not None:
        annotations.frame_size = tuple(int(v) for v in frame_size)
    if frame_count is not None:
        annotations.frame_count = int(frame_count)
    annotations.label = label
    (write_mot if to == "mot" else write_cvat)(annotations, path)
    return annotations


def export_suffix(to: str) -> str:
    """The file suffix proposed for format ``to``."""
    return ".txt" if to == "mot" else ".xml"

