"""``mstrack``'s options: argument types and actions, and what the options mean for a run.

Boxes and sizes are parsed by the app layer (`tracker.app.boxes`), which ``mstrack-gui``
shares; what is here serves the command line only.
"""

from __future__ import annotations

import argparse
import os

from ..app.boxes import TargetBox
from ..checks import as_count
from ..errors import InputError
from ..evaluation.otb import GT_FILE
from ..io.limits import as_max_pixels
from ..io.stream import as_timeout

#: Containers `--out-video` can write (the keys of ``app.outputs.VIDEO_CODECS``; a test
#: keeps the two equal, so that the help text can be written without OpenCV).
VIDEO_CONTAINERS = (".mkv", ".mp4", ".m4v", ".mov", ".avi")


def non_negative_int(text: str) -> int:
    try:
        return as_count(int(text), "frame number", 0)
    except ValueError:          # not a number, or InputError (a ValueError) below 0
        raise argparse.ArgumentTypeError(f"expected a frame number 0, 1, 2, ..., got {text!r}") from None


def timeout_seconds(text: str) -> float:
    """``--timeout``: checked by the streams' own rule (1 ms to a day), before any work."""
    try:
        return as_timeout(float(text), "--timeout")
    except ValueError as e:          # not a number, or InputError (a ValueError) out of range
        if isinstance(e, InputError):
            raise argparse.ArgumentTypeError(str(e)) from None
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None


def pixel_count(text: str) -> int:
    """``--max-pixels``: a whole number of pixels above 0 (``80e6`` is accepted)."""
    try:
        value = float(text)
        if not value.is_integer():
            raise ValueError
        return as_max_pixels(int(value))
    except (ValueError, OverflowError) as e:
        raise argparse.ArgumentTypeError(
            f"--max-pixels must be a whole number of pixels above 0, got {text!r}") from None


def check_max_frames(args) -> None:
    if args.max_frames is not None:
        as_count(args.max_frames, "--max-frames", 1)


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
    if not os.path.isdir(path) or os.path.isfile(os.path.join(path, GT_FILE)):
        return [str(path)]
    found = []
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        if folder != str(path) and GT_FILE in files:
            found.append(folder)
            subfolders[:] = []         # its img/ holds frames, not sequences
    return found or [str(path)]


def target_boxes(args) -> list[TargetBox]:
    """One per ``--roi`` and ``--roi-from``, in the order given; without either, the
    SOURCE's own ground truth if it is a sequence folder. Resolved before the source
    opens, so a bad box costs no time."""
    given = list(getattr(args, "targets", None) or [])
    if not given and TargetBox.has_groundtruth(args.source):
        given = [("roi_from", args.source)]    # an OTB sequence folder brings its own box
    if not given:
        raise InputError("no target box: give --roi X,Y,W,H or --roi-from FILE (ground truth, MOT or CVAT XML)")
    return [TargetBox(box=value) if kind == "roi" else TargetBox.from_file(value)
            for kind, value in given]


def check_csv_name(path) -> None:
    """Refuse ``--out-csv clip.mp4`` and the like: a name with another type's suffix is a
    slip that would otherwise leave a CSV where a video was meant. No suffix is fine
    (``/dev/stdout``)."""
    suffix = os.path.splitext(str(path or ""))[1].lower()
    if suffix not in ("", ".csv"):
        raise InputError(f"cannot write CSV {str(path)!r}: a CSV file name ends in .csv, not {suffix}")


def segment_options(args) -> dict:
    """The segmentation options given on the command line (the others keep their defaults)."""
    given = {"bandwidth": args.bandwidth, "quantile": args.quantile, "kernel": args.kernel}
    return {name: value for name, value in given.items() if value is not None}


def tracker_options(args) -> dict:
    return {"colour_space": args.colour_space, "bins": args.bins, "pattern_filter": args.pattern}


def interrupted_message(args) -> str:
    """What Ctrl+C leaves behind: only commands that write files can speak of them."""
    writes = (getattr(args, "out", None) or getattr(args, "out_csv", None) or getattr(args, "out_video", None)
              or getattr(args, "csv_dir", None))
    return "interrupted; files written so far are complete" if writes else "interrupted"


def join_negative_roi(argv):
    """``--roi -10,-5,40,40`` -> ``--roi=-10,-5,40,40``: argparse takes a value that starts
    with '-' for an option, and a box partly left of or above the frame is legitimate."""
    out = []
    for arg in argv:
        if out and out[-1] == "--roi" and arg.startswith("-") and arg[1:2].isdigit():
            out[-1] = f"--roi={arg}"
        else:
            out.append(arg)
    return out

