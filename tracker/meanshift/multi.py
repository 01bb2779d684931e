"""MultiTracker: several targets at once, one `MeanShiftTracker` each, under stable ids.

Each target is tracked on its own (the cost of a frame is one tracker step per target),
then the tracks are checked against each other: mean shift pulls a window towards the
nearest blob of its colours, so two targets of one colour that come close would both
settle on the same object. When two tracked boxes overlap by more than `OVERLAP_IOU`,
only one of them can be right: the one that was already tracked before this frame wins
over one that just came back from lost (a lost tracker searches the whole frame every other frame,
every fourth once lost for long, and readily finds the other target), and otherwise the better match to its own model wins.
The other is judged lost where it was before the frame and searches for its own target
from there on.
"""

from __future__ import annotations

from ..checks import as_count
from ..errors import InputError
from .tracker import MeanShiftTracker, TrackState


def box_iou(a, b) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = min(ax + aw, bx + bw) - max(ax, bx)
    ih = min(ay + ah, by + bh) - max(ay, by)
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / (aw * ah + bw * bh - inter)


class MultiTracker:
    """Track several objects, each by its colours, under ids that never change.

    Ids count up from 0 and are never reused within the life of the object, so an id in
    a CSV names one target from its first row to its last.

    Parameters
    ----------
    **tracker_options
        Passed to every target's ``MeanShiftTracker``.
    """

    OVERLAP_IOU = 0.5     # two tracked boxes overlapping more than this hold one object

    def __init__(self, **tracker_options):
        MeanShiftTracker(**tracker_options)     # refuse bad options now, not at the first add
        # The one place tracker options are kept: each target's, and (under None) those
        # of the targets added from now on.
        self._options: dict[int | None, dict] = {None: dict(tracker_options)}
        self._trackers: dict[int, MeanShiftTracker] = {}
        self.states: dict[int, TrackState] = {}   # the last state of each target, by id
        self._next_id = 0

    def __len__(self) -> int:
        return len(self._trackers)

    def __contains__(self, target_id) -> bool:
        return target_id in self._trackers

    @property
    def ids(self) -> list[int]:
        """The targets' ids, oldest first."""
        return list(self._trackers)

    def tracker(self, target_id: int) -> MeanShiftTracker:
        """The single-target tracker behind ``target_id`` (for its model and back-projection)."""
        return self._trackers[self._known(target_id)]

    def add(self, frame, box, target_id: int | None = None) -> int:
        """Learn a new target from ``box`` in ``frame``; its id. A bad box raises
        InputError and adds nothing (and uses up no id).

        ``target_id`` brings back a target removed before under its own id (an undone
        removal); it must not be in use, and the ids given later count on from it."""
        if target_id is not None:
            target_id = as_count(target_id, "target_id", 0)
            if target_id in self._trackers:
                raise InputError(f"target id {target_id} is in use (targets: {self.ids})")
        tracker = MeanShiftTracker(**self._options[None])
        state = tracker.init(frame, box)
        if target_id is None:
            target_id = self._next_id
        self._next_id = max(self._next_id, target_id + 1)
        self._trackers[target_id] = tracker
        self._options[target_id] = dict(self._options[None])
        self.states[target_id] = state
        return target_id

    def retarget(self, target_id: int, frame, box) -> TrackState:
        """Learn target ``target_id`` afresh from ``box``; the others are untouched."""
        state = self._trackers[self._known(target_id)].init(frame, box)
        self.states[target_id] = state
        return state

    def remove(self, target_id: int) -> None:
        del self._trackers[self._known(target_id)]
        del self.states[target_id], self._options[target_id]

    def clear(self) -> None:
        """Forget every target (ids keep counting up)."""
        self._trackers.clear()
        self.states.clear()
        self._options = {None: self._options[None]}

    def options(self, target_id: int | None = None) -> dict:
        """The tracker options target ``target_id`` is tracked with; with None, those the
        targets added from now on get."""
        return dict(self._options[None if target_id is None else self._known(target_id)])

    def set_options(self, frame, target_ids=None, **tracker_options) -> dict[int, TrackState]:
        """Track ``target_ids`` (default: every target) and the targets added from now on
        with these options: each gets a new tracker that learns its target again where it
        was last seen in ``frame``; ids stay, the other targets are untouched. A target the
        new options cannot track raises InputError and changes nothing."""
        MeanShiftTracker(**tracker_options)              # the options are checked first
        ids = list(self.states) if target_ids is None else [self._known(i) for i in target_ids]
        trackers, states = {}, {}
        for target_id in ids:
            trackers[target_id] = MeanShiftTracker(**tracker_options)
            states[target_id] = trackers[target_id].init(frame, self.states[target_id].box)
        self._trackers.update(trackers)
        self.states.update(states)
        for target_id in ids + [None]:
            self._options[target_id] = dict(tracker_options)
        return states

    def expect_jump(self) -> None:
        """The next frame does not follow the last one (a seek): see `MeanShiftTracker`."""
        for tracker in self._trackers.values():
            tracker.expect_jump()

    def update(self, frame) -> dict[int, TrackState]:
        """Track every target in the next frame; their states by id."""
        was_tracked = {i: not s.lost for i, s in self.states.items()}
        for target_id, tracker in self._trackers.items():
            self.states[target_id] = tracker.update(frame)
        self._separate(was_tracked)
        return dict(self.states)

    def _separate(self, was_tracked) -> None:
        """Of two tracked boxes on one object, keep the more credible one (see the module)."""
        tracked = [i for i, s in self.states.items() if not s.lost]
        if len(tracked) < 2:
            return
        tracked.sort(key=lambda i: (was_tracked[i], self.states[i].score), reverse=True)
        kept = []
        for target_id in tracked:
            box = self.states[target_id].box
            if any(box_iou(box, self.states[k].box) > self.OVERLAP_IOU for k in kept):
                self.states[target_id] = self._trackers[target_id].mark_lost()
            else:
                kept.append(target_id)

    def _known(self, target_id) -> int:
        if target_id not in self._trackers:
            raise InputError(f"no target with id {target_id!r} (targets: {self.ids})")
        return target_id
