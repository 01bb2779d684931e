"""The track log: every target's state on every frame tracked, kept by the session.

It is what the app holds of a run once the frames have gone by: seeking shows a frame's
stored states instead of tracking it again, the timeline marks where each target was
lost, and File > Export Tracks writes it for annotation tools. A frame tracked again
replaces what was stored for it (the latest result wins), and a target learnt again on
a frame (a correction) drops what was stored for it after that frame, which came from
the track that was wrong.

States are kept as rows of numbers (one array per target, indexed by frame), not as
objects, so a long video costs about 100 bytes per target and frame.
"""

from __future__ import annotations

import numpy as np

from ..meanshift.tracker import TrackState
from .annotations import Annotations, Box
from .outputs import track_row

# Columns of a target's rows; NaN in X marks a frame without a state.
X, Y, W, H, CX, CY, RW, RH, ANGLE, SCORE, LOST, KEY = range(12)
_COLUMNS = 12
_GROW = 256


class _Series:
    """One target's rows, indexed by frame from `start`; grown as frames come."""

    def __init__(self, frame: int):
        self.start = frame
        self.rows = np.full((_GROW, _COLUMNS), np.nan)

    def __contains__(self, frame) -> bool:
        i = frame - self.start
        return 0 <= i < len(self.rows) and not np.isnan(self.rows[i, X])

    def put(self, frame: int, row) -> None:
        if frame < self.start:                        # a frame before the first: grow in front
            more = self.start - frame + _GROW
            self.rows = np.vstack([np.full((more, _COLUMNS), np.nan), self.rows])
            self.start -= more
        i = frame - self.start
        if i >= len(self.rows):
            more = max(i + 1 - len(self.rows), len(self.rows))
            self.rows = np.vstack([self.rows, np.full((more, _COLUMNS), np.nan)])
        self.rows[i] = row

    def row(self, frame: int):
        return self.rows[frame - self.start] if frame in self else None

    def held(self) -> np.ndarray:
        """The frames with a state, in order."""
        return np.flatnonzero(~np.isnan(self.rows[:, X])) + self.start

    def forget_from(self, frame: int) -> None:
        self.rows[max(frame - self.start, 0):] = np.nan


def _state(row) -> TrackState:
    return TrackState((row[X], row[Y], row[W], row[H]), ((row[CX], row[CY]), (row[RW], row[RH]), row[ANGLE]),
                      row[SCORE], bool(row[LOST]))


class TrackLog:
    """States by target id and frame; the latest recorded for a frame wins.

    ``version`` counts the changes, so a reader polling the log knows when it changed.
    """

    def __init__(self):
        self._series: dict[int, _Series] = {}
        self._previous: dict[int, int] = {}     # the frame each target was last recorded on
        self.version = 0

    # ------------------------------------------------------------------ changes
    def record(self, frame: int, states: dict, learnt=()) -> None:
        """Store ``states`` (id -> TrackState) of ``frame``. Targets in ``learnt`` were
        (re)learnt on it: their rows after it are dropped, and the frame is a keyframe for
        annotation tools, as is a frame that does not follow the one recorded last for the
        target (a seek: the tracker searched afresh), the way `read_track` reads a CSV."""
        for target, state in states.items():
            series = self._series.get(target)
            if series is None:
                series = self._series[target] = _Series(frame)
            if target in learnt:
                series.forget_from(frame + 1)
            key = target in learnt or self._previous.get(target) != frame - 1
            (x, y, w, h), ((cx, cy), (rw, rh), angle) = state.box, state.rotated
            series.put(frame, (x, y, w, h, cx, cy, rw, rh, angle, state.score, state.lost, key))
            self._previous[target] = frame
        self.version += bool(states)

    def forget(self, target: int, frame: int) -> None:
        """Drop ``target``'s states from ``frame`` on (it was removed there)."""
        if target in self._series:
            self._series[target].forget_from(frame)
            if not len(self._series[target].held()):
                del self._series[target]
            self._previous.pop(target, None)
            self.version += 1

    def clear(self) -> None:
        self._series.clear()
        self._previous.clear()
        self.version += 1

    # ------------------------------------------------------------------ reading
    @property
    def targets(self) -> list[int]:
        return sorted(self._series)

    def __bool__(self) -> bool:
        return bool(self._series)

    def state(self, target: int, frame: int) -> TrackState | None:
        series = self._series.get(target)
        row = series.row(frame) if series is not None else None
        return None if row is None else _state(row)

    def first_frame(self, target: int) -> int | None:
        series = self._series.get(target)
        held = series.held() if series is not None else ()
        return int(held[0]) if len(held) else None

    def replayable(self, frame: int, targets) -> dict | None:
        """The stored states of ``targets`` on ``frame`` if the log holds that frame of
        each of them (or the frame comes before the target's first), with at least one;
        else None: the frame has to be tracked."""
        states = {}
        for target in targets:
            state = self.state(target, frame)
            if state is not None:
                states[target] = state
            elif (first := self.first_frame(target)) is None or frame >= first:
                return None
        return states or None

    def trail(self, target: int, frame: int, length: int) -> list:
        """The centres of the target's tracked states on the ``length`` frames up to
        ``frame``, as the pipeline's trails hold them (its states' rotated centres)."""
        series = self._series.get(target)
        if series is None:
            return []
        lo, hi = max(frame - length + 1 - series.start, 0), max(frame + 1 - series.start, 0)
        rows = series.rows[lo:hi]
        rows = rows[~np.isnan(rows[:, X]) & (rows[:, LOST] == 0)]
        return [(float(cx), float(cy)) for cx, cy in rows[-length:, [CX, CY]]] if length else []

    def frames(self, target: int) -> np.ndarray:
        """The frames holding a state of ``target``, in order."""
        series = self._series.get(target)
        return series.held() if series is not None else np.empty(0, int)

    def lost(self, target: int) -> np.ndarray:
        """Whether ``target`` was lost, on each of `frames`."""
        series = self._series.get(target)
        if series is None:
            return np.empty(0, bool)
        return series.rows[series.held() - series.start, LOST] == 1

    def spans(self) -> dict:
        """{target: [(first, stop, lost), ...]}: the runs of consecutive frames tracked
        (lost False) or lost (lost True), ``stop`` excluded; frames not held are in none."""
        spans = {}
        for target in self.targets:
            frames, lost = self.frames(target), self.lost(target)
            cut = np.flatnonzero((np.diff(frames) != 1) | (np.diff(lost.astype(int)) != 0)) + 1
            starts = np.concatenate([[0], cut])
            stops = np.concatenate([cut, [len(frames)]])
            spans[target] = [(int(frames[a]), int(frames[b - 1]) + 1, bool(lost[a]))
                             for a, b in zip(starts, stops) if b > a]
        return spans

    def annotations(self) -> Annotations:
        """The log as `Annotations`, with the precision of a track CSV (what `read_track`
        would give for a CSV of these states), for `write_mot` and `write_cvat`."""
        tracks = {}
        for target in self.targets:
            series = self._series[target]
            boxes = {}
            for frame in series.held():
                row = series.rows[frame - series.start]
                fields = track_row(int(frame), _state(row), target)
                x, y, w, h, _angle, score = (float(v) for v in fields[2:8])
                if w > 0 and h > 0:                      # a CSV reader refuses an empty box
                    boxes[int(frame)] = Box(x, y, w, h, bool(row[LOST]), score, bool(row[KEY]))
            if boxes:
                tracks[target] = boxes
        return Annotations(tracks=tracks)
