"""Undo and redo of target changes: adding, moving (re-targeting) and removing targets,
and forgetting them all (R).

Each change is pushed on an undo stack as it is made, and undone by the inverse
request to the worker, on the frame on screen then: an undone add removes the target,
an undone removal brings it back under its own id with the box it had, an undone move
learns it again on its box from before. The worker answers an add with the new
target's id (``added``), which the add's undo needs; an undo that comes before the
answer is carried out when it comes.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject
from PyQt6.QtGui import QUndoCommand, QUndoStack


class _Target:
    """A target a command refers to; ``id`` is None until the worker has said it."""

    def __init__(self, target_id=None):
        self.id = target_id
        self.failed = False               # the add was refused (a bad box): nothing to undo
        self.remove_when_known = False    # undone before its id came


class TargetHistory(QObject):
    """The undo stack (``stack``) of target changes. ``add(box)``, ``restore(id, box)``,
    ``remove(id)``, ``retarget(id, box)`` and ``clear()`` send the worker its requests;
    ``boxes()`` gives each target's box on screen, by id."""

    def __init__(self, parent, *, add, restore, remove, retarget, clear, boxes):
        super().__init__(parent)
        self.stack = QUndoStack(self)
        self._boxes = boxes
        self._add, self._restore, self._remove = add, restore, remove
        self._retarget, self._clear = retarget, clear
        self._waiting: list[_Target] = []     # adds sent, in order, whose ids are to come

    # ------------------------------------------------------------------ changes made
    def add(self, box) -> None:
        self.stack.push(_Add(self, tuple(box)))

    def remove(self, target_id: int, box) -> None:
        self.stack.push(_Remove(self, int(target_id), tuple(box)))

    def retarget(self, target_id: int, old_box, new_box) -> None:
        self.stack.push(_Retarget(self, int(target_id), tuple(old_box), tuple(new_box)))

    def reset(self, boxes: dict) -> None:
        """Every target goes; ``boxes`` (id -> box on screen) come back on undo."""
        self.stack.push(_Reset(self, {int(i): tuple(b) for i, b in boxes.items()}))

    def forget(self) -> None:
        """A new source, or targets set in a way that cannot be undone: the history goes.
        (Adds still on their way get their answer, which then changes nothing.)"""
        self.stack.clear()

    # ------------------------------------------------------------------ the worker's answers
    def added(self, target_id: int) -> None:
        """The worker added the oldest add still waiting as ``target_id`` (-1: refused)."""
        if not self._waiting:
            return
        target = self._waiting.pop(0)
        if target_id < 0:
            target.failed = True
            return
        target.id = target_id
        if target.remove_when_known:
            self._remove(target_id)

    def _send_add(self, target: _Target, box) -> None:
        self._waiting.append(target)
        self._add(box)


class _Add(QUndoCommand):
    def __init__(self, history, box):
        super().__init__("Add Target")
        self._history, self._box = history, box
        self._target = None

    def redo(self):
        target = self._target
        if target is None:                       # the change itself
            self._target = _Target()
            self._history._send_add(self._target, self._box)
        elif target.id is not None:
            self._history._restore(target.id, self._box)
        else:
            target.remove_when_known = False

    def undo(self):
        target = self._target
        if target.id is not None:
            # Redone, it comes back where it was when it went, not where it was added.
            self._box = self._history._boxes().get(target.id, self._box)
            self._history._remove(target.id)
        elif not target.failed:
            target.remove_when_known = True


class _Remove(QUndoCommand):
    def __init__(self, history, target_id, box):
        super().__init__(f"Remove Target #{target_id}")
        self._history, self._id, self._box = history, target_id, box

    def redo(self):
        self._history._remove(self._id)

    def undo(self):
        self._history._restore(self._id, self._box)


class _Retarget(QUndoCommand):
    def __init__(self, history, target_id, old_box, new_box):
        super().__init__(f"Move Target #{target_id}")
        self._history, self._id = history, target_id
        self._old, self._new = old_box, new_box

    def redo(self):
        self._history._retarget(self._id, self._new)

    def undo(self):
        self._history._retarget(self._id, self._old)


class _Reset(QUndoCommand):
    def __init__(self, history, boxes):
        super().__init__("Reset Targets")
        self._history, self._boxes = history, boxes

    def redo(self):
        self._history._clear()

    def undo(self):
        for target_id, box in self._boxes.items():
            self._history._restore(target_id, box)
