"""Which cameras open, for the Open Camera chooser."""

from tracker.errors import TrackerError
from tracker.io.sources import open_source


def available_cameras(limit: int = 10) -> list[int]:
    """Indices N of camera:N that open and deliver a frame (missing devices fail at once)."""
    found = []
    for index in range(limit):
        try:
            with open_source(f"camera:{index}"):
                found.append(index)
        except TrackerError:
            continue
    return found
