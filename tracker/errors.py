"""Exception types with one-line messages meant to be shown to a user as they are."""


class TrackerError(Exception):
    """Base class: every error the package raises on bad input derives from it."""


class SourceError(TrackerError):
    """A frame source cannot be opened or read; the message names the source and why."""


class InputError(TrackerError, ValueError):
    """A bad argument: a box outside the frame, a malformed option, an unusable frame."""
