"""Where the app's outputs go by default, and what they are called: the one rule for the
Record dialog, Save Frame As and the export dialog.

A new file goes to the folder the user last wrote to, else their Videos folder, else
their home, and never into a place it does not belong: a folder that cannot be written,
the folder of a dataset being read (an OTB sequence and its ``img/``, any folder of the
source's images), or this program's own repository. It never takes the name of a file
that is there already: ``NAME-track.mkv``, then ``NAME-track-2.mkv``, ...
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..io.urls import is_stream_url

#: Folder names that hold the frames of the sequence named by the folder above them
#: (OTB and UAV123 ``img``, VOT ``color``, and the usual others).
FRAME_FOLDERS = {"img", "imgs", "image", "images", "frames", "color", "colour", "rgb", "jpg"}

#: This program's own source tree (a checkout), where outputs would be untracked clutter;
#: None when it is installed as a package.
REPOSITORY = next((p for p in [Path(__file__).resolve().parents[2]]
                   if (p / "pyproject.toml").is_file() and (p / "tracker").is_dir()), None)


def source_name(spec) -> str:
    """A short name for the source ``spec``, for titles and output names: a video's name
    without its suffix, a sequence's name (``Couple`` for ``otb/Couple``, ``otb/Couple/img``
    or ``otb/Couple/img/%04d.jpg``), ``camera-0``, or a stream's address in plain
    characters."""
    spec = str(spec)
    if is_stream_url(spec) or spec.startswith("camera:"):
        name = re.sub(r"[^A-Za-z0-9]+", "-", spec.split("://")[-1]).strip("-")[:40]
        return name or "stream"
    path = Path(spec)
    if "%" in path.name:
        path = path.parent                   # a pattern: named by its folder
    elif not path.is_dir():
        return path.stem or "source"         # a video file (or a single image)
    path = Path(os.path.abspath(path))
    if path.name.lower() in FRAME_FOLDERS and path.parent.name:
        path = path.parent
    return path.name or "source"


def dataset_folder(spec) -> Path | None:
    """The folder of the dataset ``spec`` reads (a folder of images, or a sequence folder
    with its frames in ``img/``), absolute; None for a video file, a camera or a stream."""
    spec = str(spec)
    if is_stream_url(spec) or spec.startswith("camera:"):
        return None
    path = Path(spec)
    if "%" in path.name:
        path = path.parent
    elif not path.is_dir():
        return None
    path = Path(os.path.abspath(path)).resolve()
    return path.parent if path.name.lower() in FRAME_FOLDERS else path


def unsuitable(folder, source_spec=None) -> str | None:
    """Why new files should not go into ``folder`` by default, or None if they may."""
    if folder is None or not str(folder).strip():
        return "no folder"
    folder = Path(folder)
    if not folder.is_dir():
        return "not a folder"
    # The mode bits too: a folder nobody may write to is read-only by intent, even
    # for root, whom os.access lets write anywhere.
    if not os.access(folder, os.W_OK | os.X_OK) or not folder.stat().st_mode & 0o222:
        return "read-only"
    resolved = folder.resolve()
    dataset = dataset_folder(source_spec) if source_spec is not None else None
    if dataset is not None and (resolved == dataset or dataset in resolved.parents):
        return "inside the dataset being read"
    if REPOSITORY is not None and (resolved == REPOSITORY or REPOSITORY in resolved.parents):
        return "inside the program's repository"
    return None


def default_output_folder(source_spec=None, last_used=None, videos=None) -> Path:
    """Where a new output goes: ``last_used`` (the folder the user last wrote to), else
    ``videos`` (the user's Videos folder, which the app knows from its desktop), else
    ``~/Videos``, else home; the first of them where `unsuitable` finds nothing wrong
    (the temporary folder if none)."""
    home = Path.home()
    for folder in (last_used, videos, home / "Videos", home):
        if folder and unsuitable(folder, source_spec) is None:
            return Path(folder)
    return Path(tempfile.gettempdir())


def free_path(path, related=None) -> Path:
    """``path``, or the first of ``NAME-2.ext``, ``NAME-3.ext``, ... for which none of
    ``related(candidate)`` (default: the candidate alone) exists: an output that writes
    several files (a video and its CSV) takes a name none of them has yet."""
    path = Path(path)
    related = related or (lambda candidate: [candidate])
    candidate, n = path, 1
    while any(Path(p).exists() for p in related(candidate)):
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate
