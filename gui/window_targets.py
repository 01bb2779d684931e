"""The main window's targets: the gestures that add, select, re-target and remove them.

Each gesture becomes one queued request to the worker (the pipeline runs in its thread);
what the targets then are comes back with the next DisplayFrame.

- a drag adds a target (in a new colour), Shift+drag re-targets the selected one;
- a click on a box, or on its row in the Target panel's list, selects it;
- Delete removes the selected target, R all of them.
"""

from __future__ import annotations

HINT = "Drag a box around each target (or type one in the Target panel)"


class WindowTargets:
    """Mixin of `MainWindow`; the signals and widgets it uses are the window's."""

    def _connect_targets(self):
        for view in (self.main_view, self.side_view):
            view.selection_made.connect(self._on_drag)
            view.retarget_made.connect(self._on_retarget_drag)
            view.target_clicked.connect(self.select_target)
        self.target_panel.box_entered.connect(self._on_box_entered)
        self.target_panel.targets.target_chosen.connect(self.select_target)
        for signal, slot in ((self.request_retarget, self.worker.retarget),
                             (self.request_select, self.worker.select_target),
                             (self.request_remove, self.worker.remove_target)):
            signal.connect(slot)

    @property
    def selected(self) -> int | None:
        """The id of the selected target on screen (None: no target, or none selected)."""
        return self.last_frame.selected if self.last_frame is not None else None

    def target_ids(self) -> list[int]:
        return list(self.last_frame.states) if self.last_frame is not None else []

    def set_target(self, box):
        """Track only ``box`` (every other target goes)."""
        self.request_target.emit(_floats(box))

    def add_target(self, box):
        """Track ``box`` too, beside the targets there are; it becomes the selected one."""
        self.request_add_target.emit(_floats(box))

    def retarget(self, target_id: int, box):
        """Learn target ``target_id`` again on ``box``; it keeps its id and colour."""
        self.request_retarget.emit(int(target_id), _floats(box))

    def select_target(self, target_id: int):
        self.request_select.emit(int(target_id))

    def remove_selected_target(self):
        if self.selected is not None:
            self.request_remove.emit(self.selected)

    def reset_target(self):
        """Forget every target."""
        self.request_clear_target.emit()
        self.histogram.set_histogram(None, None)
        self.main_view.set_overlay_text(HINT if self.info is not None else "")

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

    def _show_targets(self, display, readout_due: bool):
        """The Target panel and the overlay hint for ``display``. The list follows at the
        status bar's rate while playing, at once when targets come, go or are selected."""
        targets = self.target_panel.targets
        changed = targets.ids() != list(display.states) or targets.shown_selection() != display.selected
        if readout_due or changed:
            self.target_panel.show_state(display.selected_state, display.selected)
            targets.show_states(display.states, display.selected)
        if changed and display.selected is not None and display.tracker_options:
            self.params.show_tracker_options(display.tracker_options)   # the parameters are its
        if display.selected is None:
            self.histogram.set_histogram(None, None)
        if not display.states:
            self.main_view.set_overlay_text(HINT)
        elif display.selected_state is not None and display.selected_state.lost:
            self.main_view.set_overlay_text(f"#{display.selected} LOST: Shift+drag a box to "
                                            f"re-target it, or Delete it")
        else:
            self.main_view.set_overlay_text("")


def _floats(box) -> tuple:
    return tuple(float(v) for v in box)
