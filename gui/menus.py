"""The window's actions, menus and toolbar: every key the app knows is here, and
Help > Keyboard shortcuts lists them from these actions."""

from __future__ import annotations

from PyQt6.QtCore import QObject
from PyQt6.QtGui import QAction, QActionGroup, QKeySequence
from PyQt6.QtWidgets import QComboBox, QToolBar

from .controllers.views import VIEW_NAMES
from .shortcuts import ShortcutsDialog
from .view_area import ARRANGEMENT_CHOICES

VIEW_KEYS = {"track": "T", "backprojection": "B", "segment": "S", "boundaries": "E"}
SPEEDS = ("0.25x", "0.5x", "1x", "2x", "4x", "every frame")
ARRANGEMENT_NAMES = {"auto": "Whichever Shows Them Larger", "row": "In a Row", "column": "In a Column"}


class Menus(QObject):
    """The actions of ``window`` (its shortcuts work wherever the focus is in it), its
    menu bar and its toolbar, each action triggering a controller's method.

    The actions, the recent-sources menu and the toolbar's ``speed`` and ``view_box``
    are attributes of this object; ``show_*`` make them show the controllers' state.
    """

    def __init__(self, window, sources, outputs, playback, targets, views, bar, docks, labelling=None):
        super().__init__(window)
        self._window = window
        self._sources = sources
        self._shortcuts = None
        a = self._action
        self.open_file = a("&Open File…", sources.choose_file, "O")
        self.open_folder = a("Open &Folder…", sources.choose_folder, "Ctrl+Shift+O")
        self.open_camera = a("Open &Camera…", sources.choose_camera)
        self.open_stream = a("Open &Stream…", sources.choose_stream, "Ctrl+N",
                             tip="A network camera or stream: rtsp://, http(s)://, udp://")
        self.record = a("Record…", outputs.toggle_recording, "Ctrl+R",
                        tip="Record the views and the track (.mkv by default: an .mp4 is "
                            "finalised only on a clean stop)")
        self.save_frame = a("Save Frame As…", outputs.choose_frame_file, "Ctrl+S",
                            tip="Save the views on screen, annotated, at the frame's resolution")
        self.quit = a("Quit", window.close, "Ctrl+Q")
        self.play = a("Play", playback.toggle_play, "Space", tip="Play or pause (Space)")
        self.step = a("Step", playback.step, "Right", tip="One frame forward")
        self.step_back = a("Step Back", playback.step_back, "Left", tip="One frame back")
        self.first_frame = a("First Frame", lambda: playback.seek(0), "Home")
        self.last_frame = a("Last Frame", playback.seek_end, "End")
        self.go_to_frame = a("Go to Frame…", bar.focus_frame_field, "Ctrl+G",
                             tip="Go to a frame: type its number and press Enter")
        self.reset_targets = a("Reset Targets", targets.reset_target, "R",
                               tip="Forget every target (drag new boxes)")
        self.remove_target = a("Remove Target", targets.remove_selected_target, "Delete",
                               tip="Stop tracking the selected target (click a box to select it)")
        self.undo = self._from_stack(targets.history.stack.createUndoAction(self._window, "Undo"),
                                     "Ctrl+Z", "Undo the last target added, moved or removed")
        self.redo = self._from_stack(targets.history.stack.createRedoAction(self._window, "Redo"),
                                     "Ctrl+Shift+Z", "Redo what was undone")
        view_group = QActionGroup(self)
        self.views = {}
        for key, name in VIEW_NAMES.items():
            action = a(f"{name} View", lambda _=False, k=key: views.toggle_view(k), VIEW_KEYS[key],
                       checkable=True)
            view_group.addAction(action)
            self.views[key] = action
        self.side_by_side = a("Side by Side", views.set_side_by_side, "V", checkable=True,
                              tip="The tracking view beside the chosen view (segmentation by default)")
        arrangement_group = QActionGroup(self)
        self.arrangements = {}
        for choice in ARRANGEMENT_CHOICES:
            action = a(ARRANGEMENT_NAMES[choice], lambda _=False, c=choice: views.set_arrangement(c),
                       checkable=True)
            arrangement_group.addAction(action)
            self.arrangements[choice] = action
        self.zoom_to_fit = a("Zoom to Fit", views.zoom_to_fit, "Ctrl+0",
                             tip="Ctrl+wheel zooms every view in and out around the cursor; "
                                 "a middle-button drag or the wheel pans")
        self.shortcuts = a("Keyboard Shortcuts…", self.show_shortcuts, "F1")
        self.recent_menu = self._build_menus(docks)
        self.speed, self.view_box = self._build_toolbar()
        self.speed.currentTextChanged.connect(playback.set_speed)
        self.view_box.currentIndexChanged.connect(lambda i: views.set_view(self.view_box.itemData(i)))
        self.show_recent(sources.recent())
        if labelling is not None:
            self._add_labelling(*labelling)

    def _action(self, text, slot, shortcut=None, checkable=False, tip=None):
        action = QAction(text, self._window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)          # Help > Keyboard shortcuts says it too
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def _from_stack(self, action, shortcut, tip):
        """An undo stack's action (its text follows the stack), with a key of its own."""
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip)
        action.setStatusTip(tip)
        self._window.addAction(action)
        return action

    def _build_menus(self, docks):
        """The menu bar; returns the Open Recent menu."""
        bar = self._window.menuBar()
        menu = bar.addMenu("&File")
        for action in (self.open_file, self.open_folder, self.open_camera, self.open_stream):
            menu.addAction(action)
        recent_menu = menu.addMenu("Open &Recent")
        menu.addSeparator()
        menu.addAction(self.record)
        menu.addSeparator()
        menu.addAction(self.quit)
        menu = bar.addMenu("&Edit")
        for action in (self.undo, self.redo, None, self.remove_target, self.reset_targets):
            menu.addAction(action) if action else menu.addSeparator()
        menu = bar.addMenu("&Playback")
        for action in (self.play, self.step, self.step_back, self.first_frame, self.last_frame,
                       self.go_to_frame):
            menu.addAction(action) if action else menu.addSeparator()
        menu = bar.addMenu("&View")
        for action in self.views.values():
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.side_by_side)
        arrange = menu.addMenu("Side by Side &Arrangement")
        for action in self.arrangements.values():
            arrange.addAction(action)
        menu.addAction(self.zoom_to_fit)
        menu.addSeparator()
        menu.addAction(self.save_frame)
        menu.addSeparator()
        for dock in docks:
            menu.addAction(dock.toggleViewAction())     # closed panels can come back
        menu = bar.addMenu("&Help")
        menu.addAction(self.shortcuts)
        return recent_menu

    def _build_toolbar(self):
        """The toolbar; returns its speed and view choosers."""
        bar = QToolBar("Controls")
        bar.setObjectName("Controls")
        self._window.addToolBar(bar)
        # Record beside the playback buttons: what follows goes behind ">>" first in a
        # narrow window, and has keys of its own (the speed, the view: T B S E, V).
        for action in (self.open_file, self.play, self.step_back, self.step, self.record,
                       self.reset_targets):
            bar.addAction(action)
        speed = QComboBox()
        speed.addItems(SPEEDS)
        speed.setCurrentText("1x")
        speed.setToolTip("Playback speed")
        bar.addWidget(speed)
        view_box = QComboBox()
        for key, name in VIEW_NAMES.items():
            view_box.addItem(name, key)
        view_box.setToolTip("View (T tracking, B back-projection, S segmentation, E boundaries)")
        bar.addWidget(view_box)
        bar.addAction(self.side_by_side)
        return speed, view_box

    def _add_labelling(self, annotations, tracks):
        """The labelling loop's actions: load annotations, track from them, Track to end
        (Esc stops it: enabled only then, so Esc cancels a drag otherwise), export."""
        a = self._action
        self.load_annotations = a("Load &Annotations…", annotations.choose_file, "Ctrl+L",
                                  tip="Boxes to show beside the tracker's and start targets from: "
                                      "CVAT XML, MOT, OTB ground truth or a track CSV")
        self.export_tracks = a("&Export Tracks…", tracks.choose_export, "Ctrl+Shift+E",
                               tip="The tracks of this session as MOTChallenge text or CVAT XML")
        self.track_loaded = a("Track Loaded Boxes", annotations.track_loaded_boxes, "L",
                              tip="A target on every loaded box of this frame (or of the next that has one)")
        self.track_to_end = a("Track to End", tracks.track_to_end, "Ctrl+E",
                              tip="Track to the end of the file as fast as it goes; then scrub through it")
        self.stop_tracking = a("Stop Tracking to End", tracks.stop, "Esc", tip="Stop Track to End")
        self.stop_tracking.setEnabled(False)
        file_menu, playback_menu = (self._menu("&File"), self._menu("&Playback"))
        file_menu.insertActions(self.record, [self.load_annotations, self.export_tracks])
        file_menu.insertSeparator(self.record)
        playback_menu.addSeparator()
        for action in (self.track_loaded, self.track_to_end, self.stop_tracking):
            playback_menu.addAction(action)

    def _menu(self, title):
        return next(action.menu() for action in self._window.menuBar().actions() if action.text() == title)

    # ------------------------------------------------------------------ showing state
    def show_running(self, running: bool):
        """Track to end runs: Esc stops it, Ctrl+E waits."""
        self.stop_tracking.setEnabled(running)
        self.track_to_end.setEnabled(not running)

    def show_playing(self, playing: bool):
        self.play.setText("Pause" if playing else "Play")

    def show_recording(self, recording: bool, _files=None):
        self.record.setText("Stop Recording" if recording else "Record…")

    def show_source(self, info):
        """A live source cannot step back or seek."""
        for action in (self.step, self.step_back, self.first_frame, self.last_frame, self.go_to_frame):
            action.setEnabled(not info.is_live)

    def show_probing_cameras(self, probing: bool):
        self.open_camera.setEnabled(not probing)

    def show_recent(self, names):
        self.recent_menu.clear()
        for name in names:
            self.recent_menu.addAction(name, lambda n=name: self._sources.open_source(n))
        self.recent_menu.setEnabled(bool(names))

    def show_views(self, view: str, side_by_side: bool, arrangement: str):
        self.views[view].setChecked(True)
        self.view_box.blockSignals(True)          # one request to the worker, not two
        self.view_box.setCurrentIndex(self.view_box.findData(view))
        self.view_box.blockSignals(False)
        self.side_by_side.setChecked(side_by_side)
        self.arrangements[arrangement].setChecked(True)

    def show_shortcuts(self):
        self._shortcuts = ShortcutsDialog(self._window, self._window.actions())
        self._shortcuts.open()
