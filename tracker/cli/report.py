"""What ``mstrack``'s commands share around their frame loops: when to stop, the progress
bar, and the closing report with its exit status.

Every line goes through `say`, which survives a terminal that went away (SIGHUP) or a
closed pipe: the run still closes its files and exits with its status.
"""

from __future__ import annotations

import io
import os
import sys

from .options import interrupted_message
from .progress import Progress

EXIT_USAGE, EXIT_EARLY_END, EXIT_INTERRUPTED = 2, 1, 130
EXIT_INCOMPLETE = EXIT_EARLY_END   # an output could not be written: the run is incomplete too


def say(text: str, stream=None) -> None:
    """Print one line; if the terminal or pipe is gone (a closed ssh session, ``| head``),
    send the rest of the output to /dev/null instead of failing at every later print."""
    stream = stream or sys.stdout
    try:
        print(text, file=stream, flush=True)
    except OSError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass


def warn(text: str) -> None:
    say(f"mstrack: {text}", sys.stderr)


def frames_until_stop(frames, args):
    """`frames` until their end, ``--max-frames`` or a stop signal (checked between
    frames, so the frame in hand is always finished and written)."""
    stop = getattr(args, "stop", None)
    done = 0
    for frame in frames:
        yield frame
        done += 1
        if (args.max_frames and done >= args.max_frames) or stop:
            return


def progress_bar(source, args, label, start=0):
    total = source.frame_count - start if source.frame_count else None
    if args.max_frames:
        total = min(total, args.max_frames) if total else args.max_frames
    return Progress(None if source.is_live else total, label)


def run_status(source, problems, args) -> int:
    """Report what the run could not do, one line each, and pick the exit status."""
    status = 0
    for note in getattr(source, "warnings", ()):
        warn(f"warning: {note}")
    if getattr(source, "skipped", 0):
        status = EXIT_EARLY_END   # frames of the source really could not be read
    if getattr(source, "truncated", False):
        warn(f"stopped early: {source.error or 'the source ended before its last frame'}")
        status = EXIT_EARLY_END
    for problem in problems:
        warn(f"error: {problem}")
        status = EXIT_INCOMPLETE
    if getattr(args, "stop", None):
        warn(interrupted_message(args))
        status = EXIT_INTERRUPTED
    return status
