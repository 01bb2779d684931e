"""Recording: what to record (views, arrangement, files), and the files that get it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..checks import as_choice, as_flag, as_subset
from ..errors import TrackerError
from .compose import ARRANGEMENTS, SEGMENTED_VIEWS, VIEWS, composed
from .outputs import TrackCsvWriter, VideoOutput

#: Matroska keeps every frame written so far if the process is killed or the power
#: fails; an .mp4 has no index until it is closed, so it is readable only after a clean stop.
DEFAULT_SUFFIX = ".mkv"


@dataclass(frozen=True)
class RecordPlan:
    """What to record.

    ``views`` are the views recorded, the main one first. With ``each`` every view goes
    to a file of its own (``NAME-track.mkv``, ``NAME-segment.mkv``, ...); otherwise they
    are composed as shown on screen (``arrangement``) into ``video_path`` itself.
    Empty paths record no video or no CSV.
    """

    video_path: str = ""
    csv_path: str = ""
    views: tuple = ("track",)
    each: bool = False
    arrangement: str = "row"

    def __post_init__(self):
        object.__setattr__(self, "views", as_subset(self.views, "views", VIEWS))
        as_flag(self.each, "each")
        as_choice(self.arrangement, "arrangement", ARRANGEMENTS)

    def video_paths(self) -> dict:
        """Output file per recorded view (key "shown" for the composed view)."""
        if not self.video_path:
            return {}
        path = Path(self.video_path)
        if not self.each:
            return {"shown": path}
        return {view: path.with_name(f"{path.stem}-{view}{path.suffix}") for view in self.views}

    def files(self) -> list[str]:
        """Every file this plan writes, for the user."""
        return [str(p) for p in self.video_paths().values()] + ([self.csv_path] if self.csv_path else [])

    @property
    def needs_segmentation(self) -> bool:
        return bool(self.video_path) and bool(SEGMENTED_VIEWS & set(self.views))


class Recorder:
    """Writes the views of each frame and its track rows; every file valid when closed.

    A recording only moves forward: each source frame goes into the video once, in the
    source's order, however often it is shown (re-targeting shows a frame again, a step
    back shows earlier ones), and gets one CSV row per target, written once it has a
    target (a box dragged on the frame on screen after recording started still gets its
    init row). Frames shown again after a step back or a seek backwards are not written
    again: the recording holds until playback passes the last frame written
    (`resumes_after`), and goes on from the frame after it, tracked as it is then. So
    the video and the CSV never hold a frame twice, and a reader of the nine columns
    finds every frame once, in order; a seek forward leaves a gap in the frame numbers.
    """

    def __init__(self, plan: RecordPlan, fps: float | None):
        self.plan = plan
        self.frames = 0
        self._videos, self._csv = {}, None
        self._last_frame = -1                       # the furthest source position recorded
        self._last_video = self._last_row = -1      # source positions written last
        try:
            for key, path in plan.video_paths().items():
                self._videos[key] = VideoOutput(path, fps)
            self._csv = TrackCsvWriter(plan.csv_path) if plan.csv_path else None
        except TrackerError:
            self.close()
            raise

    def write(self, position: int, result, tracker) -> None:
        """Record the frame at ``position`` unless it already is or comes before the last
        one recorded (``tracker`` is the selected target's, for the back-projection view)."""
        if position < self._last_frame:
            return                                  # shown again after a step back: held
        self._last_frame = position
        if self._videos and position > self._last_video:
            self._last_video = position
            if self.plan.each:
                for view in self.plan.views:
                    self._videos[view].write(composed(result, (view,), tracker))
            else:
                self._videos["shown"].write(composed(result, self.plan.views, tracker,
                                                     self.plan.arrangement))
            self.frames += 1
        if self._csv is not None and result.states and position > self._last_row:
            self._last_row = position
            self._csv.write_states(position, result.states)

    def resumes_after(self, position: int) -> int | None:
        """While the frame at ``position`` comes before the last one recorded (the user
        went back), the frame after which recording resumes; None while recording."""
        return self._last_frame if position < self._last_frame else None

    def close(self) -> list[str]:
        """Close every file; the reasons any of them came out incomplete (a video that
        does not read back whole), for the user."""
        problems = []
        for out in list(self._videos.values()) + [self._csv]:
            if out is not None:
                out.close()
                if getattr(out, "error", None):
                    problems.append(out.error)
        return problems
