"""One video tracked whole into result files: what ``mstrack track`` does, and what each
task of ``mstrack batch`` does, by the same code.

`track_to_files` drives a `Session` from the first frame (where every target is
learnt) to the end of the source, a frame limit or a stop request, and returns a
`RunSummary` of plain values, so that it can travel back from a worker process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..errors import InputError, printable
from .boxes import TargetBox, box_text
from .recording import RecordPlan
from .session import Session


@dataclass
class RunSummary:
    """What a run did.

    ``warnings``, ``skipped``, ``truncated``, ``error`` and ``frames_dropped`` are the
    source's own account, under the names its attributes have, kept as plain values.
    """

    frames: int = 0                 # frames tracked, the first (where targets are learnt) included
    lost: int = 0                   # target-frames reported lost
    seconds: float = 0.0            # from the first frame to the end of the run
    targets: int = 0                # tracked (a file of several tracks gives several)
    stopped: bool = False           # ended by a stop request, not by the source or a frame limit
    problems: list = field(default_factory=list)   # outputs that came out incomplete, one line each
    warnings: list = field(default_factory=list)
    skipped: int = 0                # damaged frames stepped over
    truncated: bool = False         # the source ended before its last frame
    error: str | None = None        # why it ended early
    frames_dropped: int = 0         # live frames passed over to keep up

    @property
    def complete(self) -> bool:
        """True if every frame was read and tracked and every output written whole."""
        return (self.frames > 0 and not (self.stopped or self.problems or self.skipped
                                         or self.truncated))

    @property
    def fps(self) -> float | None:
        """Tracked frames per second (the first frame is the initialisation)."""
        return (self.frames - 1) / self.seconds if self.frames > 1 and self.seconds > 0 else None

    def failure(self) -> str | None:
        """One line saying why the run is not `complete`, or None."""
        if self.problems:
            return self.problems[0]
        if self.truncated:
            return f"stopped early: {self.error or 'the source ended before its last frame'}"
        if self.skipped:
            return self.warnings[-1] if self.warnings else f"skipped {self.skipped} damaged frames"
        if self.stopped:
            return "interrupted"
        return None if self.frames else "no frames could be read"


def track_to_files(source, targets, out_csv=None, out_video=None, *, start: int = 0,
                   frames: int | None = None, resize=None, timeout=None, max_pixels=None,
                   segment: bool = False,
                   segment_options: dict | None = None, tracker_options: dict | None = None,
                   stop=None, on_frame=None, note=None) -> RunSummary:
    """Track ``targets`` through ``source`` and write the track CSV and the annotated video.

    Parameters
    ----------
    source : str or os.PathLike
        Anything ``open_source`` opens.
    targets : sequence of TargetBox or (x, y, w, h)
        Where the targets' boxes on frame ``start`` come from (ids 0, 1, ... in this
        order; a file may stand for several).
    out_csv, out_video : path, optional
        The files to write (none if None); every file stays valid if the run is cut short.
    start : int
        The first frame read (files and image sequences).
    frames : int, optional
        Stop after this many frames.
    resize : (width, height), optional
        Frames are resized before tracking; boxes are in resized pixels.
    timeout, max_pixels
        Passed to ``open_source`` (streams' waits; the largest frame accepted).
    segment : bool
        Also segment every frame; the video shows it beside the track.
    stop : object, optional
        Checked between frames: once true, the run ends after the frame in hand. A
        `StopRequest`'s ``requested`` also cuts short a stalled stream's waits.
    on_frame : callable, optional
        ``on_frame(done, source)`` after each frame, ``done`` frames so far.
    note : callable, optional
        ``note(text)`` for what the user should know: where a ground-truth box came from,
        a box clipped to the frame.

    Raises
    ------
    TrackerError
        The source cannot be opened or yields no frame, a box is unusable, an output
        cannot be written (the files keep what was written before).
    """
    note = note or (lambda text: None)
    targets = [t if isinstance(t, TargetBox) else TargetBox(box=tuple(t)) for t in targets]
    views = ("track", "segment") if segment else ("track",)
    plan = RecordPlan(str(out_video or ""), str(out_csv or ""), views)   # the segmentation beside
    session = Session(segment=segment, segment_options=segment_options, **(tracker_options or {}))
    session.set_views(views)             # every frame segmented with `segment`, recorded or not
    summary = RunSummary()
    opened = session.open(source, resize=resize, timeout=timeout, max_pixels=max_pixels,
                          cancelled=getattr(stop, "requested", None))
    t0 = None
    try:
        check_start(opened, start)
        session.start_at(start)
        rois = first_boxes(targets, start, opened.size, resize, note)
        summary.targets = len(rois)
        for result in _results(session, rois, plan, note):
            if summary.frames == 0:
                t0 = time.perf_counter()
            summary.frames += 1
            summary.lost += sum(state.lost for state in result.states.values())
            if on_frame is not None:
                on_frame(summary.frames, opened)
            if (frames and summary.frames >= frames) or stop:
                break
    finally:
        summary.problems = session.close()
    summary.stopped = bool(stop)
    if summary.frames == 0 and not summary.stopped:
        raise InputError(f"{printable(source)}: no frames could be read")
    summary.seconds = time.perf_counter() - t0 if t0 else 0.0
    summary.warnings = list(getattr(opened, "warnings", ()))
    summary.skipped = getattr(opened, "skipped", 0)
    summary.truncated = bool(getattr(opened, "truncated", False))
    summary.error = getattr(opened, "error", None)
    summary.frames_dropped = getattr(opened, "frames_dropped", 0)
    return summary


def _results(session, rois, plan, note):
    """The session's results, frame by frame: on the first frame every target is learnt,
    in the order given (ids 0, 1, ...; the frame segmented once, with the last), and the
    recording starts with it."""
    if session.read() is None:
        return
    last = len(rois) - 1
    result = session.set_target(clipped_to_frame(rois[0], session.frame, note), segment=last == 0)
    for n, roi in enumerate(rois[1:], 1):
        result = session.add_target(clipped_to_frame(roi, session.frame, note), segment=n == last)
    if plan.files():
        session.start_recording(plan)      # the first frame, with every target's init row
    yield result
    while (result := session.step()) is not None:
        yield result


def check_start(source, frame: int) -> None:
    """A start frame needs a file or an image sequence."""
    if frame and source.is_live:
        raise InputError("--start-frame needs a file or an image sequence, not a live camera or stream")


def first_boxes(targets, index: int, source_size, resize, note) -> list[tuple]:
    """The targets' boxes on frame ``index`` (a file's tracks in sight there, each one
    target), saying where the boxes read from a file came from, and which tracks of a
    file are left out."""
    boxes = []
    for target in targets:
        for where, box in target.boxes_for(index, source_size, resize):
            if where:
                note(f"target box from {where}: {box_text(box)}")
            boxes.append(box)
        left_out = target.ids_out_of_sight(index)
        if left_out:
            ids = ", ".join(map(str, left_out))
            note(f"{target.origin}: not tracked, no box on frame {index}: "
                 f"id{'s' if len(left_out) > 1 else ''} {ids}")
    return boxes


def clipped_to_frame(box, frame, note) -> tuple:
    """`box` clipped to `frame`, with a warning if that changed it (a box wholly outside
    is an error, raised by `parse_box`)."""
    from ..io.frames import parse_box

    clipped = parse_box(box, frame.shape)
    if any(abs(a - b) > 1e-9 for a, b in zip(clipped, box)):
        height, width = frame.shape[:2]
        note(f"warning: box {box_text(box)} reaches outside the {width}x{height} frame; "
             f"clipped to {box_text(clipped)}")
    return clipped
