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


#: Characters of a file's content a message quotes at most (then "...").
EXCERPT_CHARS = 60


def printable(text, limit: int | None = None) -> str:
    """`text` (a file name, a line of a file) as one line that prints anywhere.

    A file name that is not valid UTF-8 reaches Python as a str with surrogate escapes,
    which a UTF-8 stdout refuses to encode; its odd bytes are shown as ``\\xe9``
    instead. Control characters (a line break, NUL) are shown as escapes (``\\n``,
    ``\\x00``), so that a message stays one line. With ``limit`` (`EXCERPT_CHARS` for
    what a file holds, which may be a 50 MB line), at most that many characters are
    shown, then "...".
    """
    name = os.fsdecode(text) if isinstance(text, bytes) else str(text)
    cut = limit is not None and len(name) > limit
    if cut:
        name = name[:limit]
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if not name.isprintable():
        name = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                       for c in name)
    if limit is not None and len(name) > limit:
        name, cut = name[:limit], True
    return name + "..." if cut else name


def excerpt(text) -> str:
    """What a message quotes of a file's content: `printable`, at most `EXCERPT_CHARS`."""
    return printable(text, EXCERPT_CHARS)
