"""Exception types with one-line messages meant to be shown to a user as they are."""

import os


class TrackerError(Exception):
    """Base class: every error the package raises on bad input derives from it."""


class SourceError(TrackerError):
    """A frame source cannot be opened or read; the message names the source and why."""


class InputError(TrackerError, ValueError):
    """A bad argument: a box outside the frame, a malformed option, an unusable frame."""


class NotFittedError(InputError, AttributeError):
    """A model used before it was fitted (``predict`` before ``fit``); like scikit-learn's
    error of that name, both a ValueError and an AttributeError."""


class OutputError(TrackerError):
    """A result file cannot be written (a full disk, a failing device); the message names it."""


def printable(path) -> str:
    """`path` as text that can be printed anywhere.

    A file name that is not valid UTF-8 reaches Python as a str with surrogate escapes,
    which a UTF-8 stdout refuses to encode; its odd bytes are shown as ``\\xe9`` instead.
    """
    name = os.fsdecode(path) if isinstance(path, bytes) else str(path)
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
