"""The targets: the gestures that add, select, re-target and remove them, and the panels
that show them.

Each gesture becomes one queued request to the worker (the pipeline runs in its thread);
what the targets then are comes back with the next DisplayFrame.

- a drag adds a target (in a new colour), Shift+drag re-targets the selected one;
- a click on a box, or on its row in the Target panel's list, selects it;
- Delete removes the selected target, R all of them;
- Ctrl+Z undoes the last add, move or removal, Ctrl+Shift+Z redoes it (``history``).
"""

from __future__ import annotations

from PyQt6.QtCore import QObject

from .target_history import TargetHistory

HINT = "Drag a box around each target (or type one in the Target panel)"


class TargetsController(QObject):
    """Turns the gestures on the ``area``'s views and in the ``target_panel`` into target
    requests, and shows the targets of the frame on screen (``playback.last_frame``, which
    holds them) in the panel, the ``histogram`` and the overlay hint. The ``params`` panel
    shows the selected target's tracker options."""

    def __init__(self, window, area, target_panel, histogram, params, sources, playback, *,
                 request_target, request_add_target, request_retarget, request_select,
                 request_remove, request_clear_target, request_restore):
        super().__init__(window)
        self._main_view = area.main
        self._panel = target_panel
        self._histogram = histogram
        self._params = params
        self._sources = sources
        self._playback = playback
        self._request_target, self._request_add = request_target, request_add_target
        self._request_retarget, self._request_select = request_retarget, request_select
        self._request_remove, self._request_clear = request_remove, request_clear_target
        for view in (area.main, area.side):
            view.selection_made.connect(self._on_drag)
            view.retarget_made.connect(self._on_retarget_drag)
            view.target_clicked.connect(self.select_target)
        target_panel.box_entered.connect(self._on_box_entered)
        target_panel.targets.target_chosen.connect(self.select_target)
        self.history = TargetHistory(
            self, add=lambda box: request_add_target.emit(_floats(box)),
            restore=lambda i, box: request_restore.emit(int(i), _floats(box)),
            remove=lambda i: request_remove.emit(int(i)),
            retarget=lambda i, box: request_retarget.emit(int(i), _floats(box)),
            clear=request_clear_target.emit, boxes=self._boxes)

    @property
    def selected(self) -> int | None:
        """The id of the selected target on screen (None: no target, or none selected)."""
        frame = self._playback.last_frame
        return frame.selected if frame is not None else None

    def target_ids(self) -> list[int]:
        frame = self._playback.last_frame
        return list(frame.states) if frame is not None else []

    def _boxes(self) -> dict:
        """Each target's box on screen, by id."""
        frame = self._playback.last_frame
        return {i: state.box for i, state in frame.states.items()} if frame is not None else {}

    # ------------------------------------------------------------------ gestures
    def set_target(self, box):
        """Track only ``box`` (every other target goes; this cannot be undone)."""
        self.history.forget()
        self._request_target.emit(_floats(box))

    def add_target(self, box):
        """Track ``box`` too, beside the targets there are; it becomes the selected one."""
        self.history.add(_floats(box))

    def retarget(self, target_id: int, box):
        """Learn target ``target_id`` again on ``box``; it keeps its id and colour."""
        old = self._boxes().get(target_id)
        if old is None:                       # not on screen (yet): nothing to go back to
            self._request_retarget.emit(int(target_id), _floats(box))
        else:
            self.history.retarget(target_id, old, _floats(box))

    def select_target(self, target_id: int):
        self._request_select.emit(int(target_id))

    def remove_selected_target(self):
        selected = self.selected
        if selected is not None:
            self.history.remove(selected, self._boxes()[selected])

    def reset_target(self):
        """Forget every target (undone, they come back)."""
        boxes = self._boxes()
        if boxes:
            self.history.reset(boxes)
        else:
            self._request_clear.emit()
        self._histogram.set_histogram(None, None)
        self._panel.clear_box()
        self._main_view.set_overlay_text(HINT if self._sources.info is not None else "")

    def _on_drag(self, x, y, w, h):
        self.add_target((x, y, w, h))

    def _on_retarget_drag(self, x, y, w, h):
        if self.selected is None:                 # nothing to re-target: a new one
            self.add_target((x, y, w, h))
        else:
            self.retarget(self.selected, (x, y, w, h))

    def _on_box_entered(self, box):
        """A box typed in the Target panel re-targets the selected target (or adds one)."""
        self._on_retarget_drag(*box)

    # ------------------------------------------------------------------ showing them
    def source_opened(self, info):
        self.history.forget()                 # the targets were the last source's
        self._panel.set_frame_size(*info.size)
        self._panel.clear_box()
        self._main_view.set_overlay_text(HINT)
        self._histogram.set_histogram(None, None)

    def show_histogram(self, display):
        """The target model's colours, on the frames that carry them."""
        if display.histogram is not None:
            self._histogram.set_histogram(*display.histogram)

    def show_targets(self, display, readout_due: bool):
        """The Target panel and the overlay hint for ``display``. The list follows at the
        status bar's rate while playing, at once when targets come, go or are selected."""
        targets = self._panel.targets
        changed = targets.ids() != list(display.states) or targets.shown_selection() != display.selected
        if readout_due or changed:
            self._panel.show_state(display.selected_state, display.selected)
            targets.show_states(display.states, display.selected)
        if changed and display.selected is not None and display.tracker_options:
            self._params.show_tracker_options(display.tracker_options)   # the parameters are its
        if display.selected is None:
            self._histogram.set_histogram(None, None)
        if not display.states:
            self._main_view.set_overlay_text(HINT)
        elif display.selected_state is not None and display.selected_state.lost:
            self._main_view.set_overlay_text(f"#{display.selected} LOST: Shift+drag a box to "
                                             f"re-target it, or Delete it")
        else:
            self._main_view.set_overlay_text("")


def _floats(box) -> tuple:
    return tuple(float(v) for v in box)
