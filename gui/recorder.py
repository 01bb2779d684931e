"""Recording from the app: what the user chose to record, and the files that get it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.errors import TrackerError
from tracker.outputs import TrackCsvWriter, VideoOutput

from .views import ARRANGEMENTS, SEGMENTED_VIEWS, VIEWS, annotated_views, view_image

#: Matroska keeps every frame written so far if the app is killed or the power fails;
#: an .mp4 has no index until it is closed, so it is readable only after a clean stop.
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
        if not self.views or any(v not in VIEWS for v in self.views):
            raise ValueError(f"views must be a non-empty subset of {VIEWS}, got {self.views!r}")
        if self.arrangement not in ARRANGEMENTS:
            raise ValueError(f"arrangement must be one of {ARRANGEMENTS}, got {self.arrangement!r}")

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
    """Writes the views of each frame and its track row; every file valid when closed.

    Each source frame goes into the video once, however often it is shown (re-targeting
    shows a frame again), and gets one CSV row, written once it has a target: a box
    dragged on the frame on screen after recording started still gets its init row.
    """

    def __init__(self, plan: RecordPlan, fps: float | None):
        self.plan = plan
        self.frames = 0
        self._videos, self._csv = {}, None
        self._last_video = self._last_row = -1      # source positions written last
        try:
            for key, path in plan.video_paths().items():
                self._videos[key] = VideoOutput(path, fps)
            self._csv = TrackCsvWriter(plan.csv_path) if plan.csv_path else None
        except TrackerError:
            self.close()
            raise

    def write(self, position: int, result, tracker) -> None:
        """Record the frame at ``position`` unless it already is."""
        if self._videos and position > self._last_video:
            self._last_video = position
            images = [view_image(v, result, tracker) for v in self.plan.views]
            if self.plan.each:
                for view, image in zip(self.plan.views, images):
                    self._videos[view].write(
                        annotated_views([image], result.frame, result.state, result.trail,
                                        states=result.states, trails=result.trails))
            else:
                self._videos["shown"].write(annotated_views(
                    images, result.frame, result.state, result.trail, self.plan.arrangement,
                    states=result.states, trails=result.trails))
            self.frames += 1
        if self._csv is not None and result.states and position > self._last_row:
            self._last_row = position
            self._csv.write_states(position, result.states)

    def replay_from(self, position: int) -> None:
        """The user went back: frames from ``position`` on are recorded again."""
        self._last_video = min(self._last_video, position - 1)
        self._last_row = min(self._last_row, position - 1)

    def close(self) -> None:
        for out in list(self._videos.values()) + [self._csv]:
            if out is not None:
                out.close()
