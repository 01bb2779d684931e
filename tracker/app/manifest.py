"""A batch manifest: the CSV that lists the videos of ``mstrack batch``, one task a row.

::

    source,roi,start,frames,name
    sessions/mouse01.mp4,"412,300,40,38",,,
    sessions/mouse02.mp4,"398,310,42,40;120,80,30,30",120,5000,mouse02-two
    otb/Bird1,,,,

``source`` is a video, an image folder, a printf pattern or an OTB sequence folder
(relative paths are relative to the manifest's folder); ``roi`` is ``X,Y,W,H`` (several
targets separated by ``;``), empty for a sequence folder, which brings its first box;
``start``, ``frames`` and ``name`` are optional. Everything is checked here, before any
work, and a mistake is one `InputError` line naming the manifest's line; whether a
source opens is each task's business (a missing video fails its row, not the batch).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, printable
from ..io.urls import url_scheme
from .boxes import parse_roi

REQUIRED_COLUMNS = ("source", "roi")
OPTIONAL_COLUMNS = ("start", "frames", "name")
#: Names taken by the batch's own files in the output folder.
RESERVED_NAMES = ("summary",)
_UNSAFE = re.compile(r"[^\w.-]+")     # \w: letters and digits of any script, and _


@dataclass(frozen=True)
class Task:
    """One manifest row: one video, tracked whole."""

    line: int                   # the manifest's line, for messages
    name: str                   # DIR/NAME.csv, DIR/NAME.mkv
    source: str                 # as the manifest gives it
    path: str                   # what is opened: relative to the manifest's folder
    rois: tuple | None          # boxes; None: the sequence folder's own first box
    start: int = 0
    frames: int | None = None


def read_manifest(path) -> list[Task]:
    """The tasks of the manifest at ``path``, in its order.

    Raises
    ------
    InputError
        One line naming the manifest (and the line) for a file that cannot be read, a
        missing or unknown column, a bad box, start or frame count, a duplicate name.
    """
    shown = printable(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")    # spreadsheets write a BOM
    except OSError as e:
        raise InputError(f"cannot read manifest {shown!r}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise InputError(f"cannot read manifest {shown!r}: it is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    columns = _columns(header, shown)
    folder = Path(path).resolve().parent
    rows = []
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue                          # blank lines, trailing separators
            where = f"manifest {shown!r} line {reader.line_num}"
            if len(fields) > len(columns):
                raise InputError(f"{where}: {len(fields)} fields for {len(columns)} columns "
                                 '(quote a box with commas: "X,Y,W,H")')
            row = dict(zip(columns, (f.strip() for f in fields)))
            rows.append(_task(reader.line_num, row, where, folder))
    except csv.Error as e:
        raise InputError(f"manifest {shown!r} line {reader.line_num}: {e}") from None
    if not rows:
        raise InputError(f"manifest {shown!r} lists no videos")
    names = _names(rows, shown)
    return [dataclasses.replace(task, name=name) for task, name in zip(rows, names)]


def _columns(header, shown) -> list[str]:
    if header is None:
        raise InputError(f"manifest {shown!r} is empty: it needs a header line with source,roi")
    columns = [c.strip().lower() for c in header]
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    for column in columns:
        if column not in known:
            raise InputError(f"manifest {shown!r}: unknown column {column!r} "
                             f"(the columns are {', '.join(known)})")
        if columns.count(column) > 1:
            raise InputError(f"manifest {shown!r}: column {column!r} twice")
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            raise InputError(f"manifest {shown!r}: missing column {column!r} (the header needs "
                             f"source and roi; start, frames and name are optional)")
    return columns


def _task(line, row, where, folder) -> Task:
    """The row's task, named as the manifest names it ("" for the default)."""
    source = row.get("source", "")
    if not source:
        raise InputError(f"{where}: no source")
    if source.lower().startswith("camera:"):
        raise InputError(f"{where}: {source} never ends: a batch tracks recorded video")
    path = source if url_scheme(source) or os.path.isabs(source) else str(folder / source)
    return Task(line, row.get("name", ""), source, path, _rois(row.get("roi", ""), where),
                _whole(row.get("start", ""), "start", 0, 0, where),
                _whole(row.get("frames", ""), "frames", 1, None, where))


def _rois(text, where) -> tuple | None:
    if not text:
        return None
    boxes = []
    for part in text.split(";"):
        try:
            box = parse_roi(part)
        except InputError:
            raise InputError(f"{where}: roi must be X,Y,W,H (four numbers; several targets "
                             f"separated by ;), got {text!r}") from None
        if box[2] <= 0 or box[3] <= 0:
            raise InputError(f"{where}: box {part.strip()!r} has no area (W and H must be above 0)")
        boxes.append(box)
    return tuple(boxes)


def _whole(text, column, low, default, where):
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < low:
        what = "a frame number 0, 1, 2, ..." if low == 0 else f"a whole number of at least {low}"
        raise InputError(f"{where}: {column} must be {what}, got {text!r}")
    return value


def _names(tasks, shown) -> list[str]:
    """Each task's output name: the one given, checked, or the source's, made safe for any
    file system and unique (``clip``, ``clip-2``, ...); names differing only in case count
    as the same (they are one file on macOS and Windows)."""
    given = {}
    for task in tasks:
        if not task.name:
            continue
        where = f"manifest {shown!r} line {task.line}"
        name, key = task.name, task.name.casefold()
        if "/" in name or "\\" in name or name.startswith(".") or "\0" in name:
            raise InputError(f"{where}: name {name!r} must be a plain file name (no folder, "
                             "not starting with '.')")
        if key in RESERVED_NAMES:
            raise InputError(f"{where}: name {name!r} is taken by the batch's {name}.csv")
        if key in given:
            raise InputError(f"{where}: name {name!r} is given twice (also on line {given[key]})")
        given[key] = task.line
    taken = set(given) | set(RESERVED_NAMES)
    names = []
    for task in tasks:
        name = task.name
        if not name:
            base = default_name(task.path)
            name, n = base, 1
            while name.casefold() in taken:
                n += 1
                name = f"{base}-{n}"
            taken.add(name.casefold())
        names.append(name)
    return names


def default_name(source: str) -> str:
    """A file name for the outputs of ``source``: a video's stem, a folder's name, a
    pattern's folder; characters other than letters, digits, ``.``, ``_`` and ``-``
    become ``_``."""
    path = Path(source.rstrip("/\\") or "video")
    if "%" in path.name:
        name = path.parent.name
    elif path.suffix and not os.path.isdir(source):
        name = path.stem
    else:
        name = path.name
    name = _UNSAFE.sub("_", name).lstrip(".")[:100]
    return name or "video"
