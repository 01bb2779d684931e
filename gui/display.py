"""What the worker sends the window: the source's description and each frame to show."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceInfo:
    name: str
    fps: float
    size: tuple[int, int]
    frame_count: int | None
    is_live: bool


@dataclass
class DisplayFrame:
    """Everything the window shows for one frame, prepared off the GUI thread."""

    position: int                      # index of the frame in the source
    frame_count: int | None
    views: dict = field(default_factory=dict)   # view name -> bare uint8 BGR image
    states: dict = field(default_factory=dict)  # every target's TrackState, by id
    trails: dict = field(default_factory=dict)  # every target's recent centres, by id
    selected: int | None = None        # the target the panels show (None: no target)
    tracker_options: dict = field(default_factory=dict)  # the selected target's (colour space, bins)
    track_ms: float = 0.0
    segment_ms: float = 0.0
    source_fps: float = 0.0
    dropped: int = 0                   # frames not displayed since Play (behind or GUI busy)
    source_dropped: int = 0            # a live source's frames skipped to stay current
    histogram: tuple | None = None     # (weights, colours) of the target model, when it changed
    playing: bool = False
    capture_time: float | None = None  # time.monotonic() when the frame was captured or read
    recording_resumes_after: int | None = None   # recording holds (a step back) until past this frame

    @property
    def selected_state(self):
        """The selected target's TrackState (the panels show it), or None."""
        return self.states.get(self.selected)
