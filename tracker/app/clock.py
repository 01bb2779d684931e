"""The playback clock: which frame is due at a given wall time, playing at a speed.

Pure (time comes in as an argument), so the app's pacing is tested without a timer.
Files play in real time: the frame due is the one the wall time has reached since
playback (re)started, whatever was shown in between, so a slow frame makes the
display skip frames rather than slow the video down.
"""

from __future__ import annotations

from ..checks import as_positive

#: The slowest speed that still plays (a speed box's 0.25x is well above it).
MIN_SPEED = 0.05


class PlaybackClock:
    """Maps wall time to the source position to show.

    Parameters
    ----------
    fps : float or None
        The source's frame rate (None or 0: 30, as for a source that does not say).
    speed : float
        1 is real time, 2 twice as fast; 0 means every frame as fast as it can be
        processed (`paced` is then False and `due` is never asked).
    """

    def __init__(self, fps: float | None = None, speed: float = 1.0):
        self.fps = as_positive(fps or 30.0, "fps")
        self.speed = 1.0
        self.set_speed(speed)

    @property
    def paced(self) -> bool:
        """False at speed 0: every frame, no pacing and no skipping."""
        return self.speed > 0

    def set_speed(self, speed: float) -> None:
        """A new speed; the clock restarts from the next position asked about."""
        speed = float(speed)
        self.speed = max(MIN_SPEED, speed) if speed > 0 else 0.0
        self.restart()

    def restart(self) -> None:
        """Start again from the next (time, position) asked about: after Play, a seek or a
        change of speed, time spent paused or seeking is not to be caught up."""
        self._origin = None

    def due(self, now: float, position: int) -> int:
        """The position due at wall time ``now`` (seconds) when ``position`` is the one
        last shown; the first call after a restart makes (``now``, ``position``) the
        origin, and the next frame is then due at once."""
        if self._origin is None:
            self._origin = (now, position)
        start, first = self._origin
        rate = self.fps * self.speed
        return first + int((now - start) * rate) + 1
