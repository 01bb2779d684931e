"""Where the app proposes to write new files, and under which name.

One rule for every output the app proposes (exports, recordings, saved frames): the last
folder the user wrote to, else the user's videos folder, else the home folder, and never
a folder that is read-only, inside a dataset (an OTB or MOT sequence, a folder of frames
being read) or inside a source repository: files written there get mixed with the data or
the code, or fail. The name proposed is one no file has yet, so accepting the proposal
never writes over anything.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

#: Files that make a folder (and everything under it) part of a dataset.
DATASET_MARKS = ("groundtruth_rect.txt", os.path.join("gt", "gt.txt"), "seqinfo.ini")
_XDG_LINE = re.compile(r'^\s*XDG_VIDEOS_DIR\s*=\s*"?([^"\n]*)"?\s*$', re.MULTILINE)


def default_output_folder(source=None, last=None) -> Path:
    """The folder new files of ``source`` go to by default: ``last`` (the last folder
    written to, from the settings) if it is a fit place, else the user's videos folder,
    else the home folder, else the temporary folder (see the module's rule)."""
    for folder in (last, videos_folder(), Path.home()):
        if folder and unfit_reason(folder, source) is None:
            return Path(folder).resolve()
    return Path(tempfile.gettempdir())


def unfit_reason(folder, source=None) -> str | None:
    """Why ``folder`` is no place for new files (read-only, in a dataset or a repository,
    the folder of the frames of ``source``), or None if it is fine."""
    try:
        path = Path(folder).expanduser().resolve()
    except (OSError, RuntimeError, ValueError):
        return "it cannot be resolved"
    if not path.is_dir():
        return "it is not a folder"
    if not os.access(path, os.W_OK | os.X_OK):
        return "it is read-only"
    frames = _frames_folder(source)
    if frames is not None and (path == frames or frames in path.parents):
        return "it holds the frames being read"
    for place in (path, *path.parents):
        if any((place / mark).is_file() for mark in DATASET_MARKS):
            return f"it is inside the dataset {place}"
        if (place / ".git").exists() or (place / ".hg").exists():
            return f"it is inside the repository {place}"
    return None


def videos_folder() -> Path | None:
    """The user's videos folder if it exists: XDG_VIDEOS_DIR on Linux, else ~/Videos
    (~/Movies on macOS)."""
    home = Path.home()
    if sys.platform.startswith("linux"):
        config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "user-dirs.dirs"
        try:
            found = _XDG_LINE.search(config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            found = None
        if found and found.group(1).strip():
            folder = Path(found.group(1).replace("$HOME", str(home)))
            if folder.is_dir() and folder != home:
                return folder
    folder = home / ("Movies" if sys.platform == "darwin" else "Videos")
    return folder if folder.is_dir() else None


def fresh_path(folder, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or ``stem-2``, ``stem-3``... : the first no file has."""
    folder = Path(folder)
    path = folder / f"{stem}{suffix}"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return path


def _frames_folder(source) -> Path | None:
    """The folder of a folder-of-frames source (a sequence, an OTB sequence's img/, a
    pattern), which must get no other files; None for videos, cameras, streams."""
    if source is None:
        return None
    text = os.fspath(source)
    if "://" in text or text.startswith("camera:"):
        return None
    path = Path(text)
    if "%" in path.name:
        path = path.parent
    if not path.is_dir():
        return None
    path = path.resolve()
    return path.parent if path.name == "img" else path
