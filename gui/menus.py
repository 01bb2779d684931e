"""The main window's actions, menus and toolbar: every key the app knows is here, and
Help > Keyboard shortcuts lists them from these actions."""

from __future__ import annotations

from PyQt6.QtGui import QAction, QActionGroup, QKeySequence
from PyQt6.QtWidgets import QComboBox, QToolBar

from .view_area import ARRANGEMENT_CHOICES

VIEW_NAMES = {"track": "Tracking", "backprojection": "Back-projection",
              "segment": "Segmentation", "boundaries": "Boundaries"}
VIEW_KEYS = {"track": "T", "backprojection": "B", "segment": "S", "boundaries": "E"}
SPEEDS = ("0.25x", "0.5x", "1x", "2x", "4x", "every frame")


class WindowMenus:
    """Mixin of `MainWindow`: builds its actions; the slots are the window's."""

    def _action(self, text, slot, shortcut=None, checkable=False, tip=None):
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)          # Help > Keyboard shortcuts says it too
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self):
        a = self._action
        self.act_open = a("&Open File…", self.choose_file, "O")
        self.act_folder = a("Open &Folder…", self.choose_folder, "Ctrl+Shift+O")
        self.act_camera = a("Open &Camera…", self.choose_camera)
        self.act_stream = a("Open &Stream…", self.choose_stream, "Ctrl+N",
                            tip="A network camera or stream: rtsp://, http(s)://, udp://")
        self.act_record = a("Record…", self.toggle_recording, "Ctrl+R",
                            tip="Record the views and the track (.mkv by default: an .mp4 is "
                                "finalised only on a clean stop)")
        self.act_save_frame = a("Save Frame As…", self.choose_frame_file, "Ctrl+S",
                                tip="Save the views on screen, annotated, at the frame's resolution")
        self.act_quit = a("Quit", self.close, "Ctrl+Q")
        self.act_play = a("Play", self.toggle_play, "Space", tip="Play or pause (Space)")
        self.act_step = a("Step", self.step, "Right", tip="One frame forward")
        self.act_step_back = a("Step Back", self.step_back, "Left", tip="One frame back")
        self.act_home = a("First Frame", lambda: self.request_seek.emit(0), "Home")
        self.act_end = a("Last Frame", self.request_seek_end.emit, "End")
        self.act_goto = a("Go to Frame…", self.bar.focus_frame_field, "Ctrl+G",
                          tip="Go to a frame: type its number and press Enter")
        self.act_reset = a("Reset Targets", self.reset_target, "R", tip="Forget every target (drag new boxes)")
        self.act_remove = a("Remove Target", self.remove_selected_target, "Delete",
                            tip="Stop tracking the selected target (click a box to select it)")
        self.view_group = QActionGroup(self)
        self.act_views = {}
        for key, name in VIEW_NAMES.items():
            action = a(f"{name} View", lambda _=False, k=key: self.toggle_view(k), VIEW_KEYS[key],
                       checkable=True)
            self.view_group.addAction(action)
            self.act_views[key] = action
        self.act_side = a("Side by Side", self.set_side_by_side, "V", checkable=True,
                          tip="The tracking view beside the chosen view (segmentation by default)")
        self.arrangement_group = QActionGroup(self)
        self.act_arrangements = {}
        for choice in ARRANGEMENT_CHOICES:
            action = a({"auto": "Whichever Shows Them Larger", "row": "In a Row",
                        "column": "In a Column"}[choice],
                       lambda _=False, c=choice: self.set_arrangement(c), checkable=True)
            self.arrangement_group.addAction(action)
            self.act_arrangements[choice] = action
        self.act_zoom_fit = a("Zoom to Fit", self.zoom_to_fit, "Ctrl+0",
                              tip="Ctrl+wheel zooms in and out around the cursor")
        self.act_shortcuts = a("Keyboard Shortcuts…", self.show_shortcuts, "F1")

        menu = self.menuBar().addMenu("&File")
        for action in (self.act_open, self.act_folder, self.act_camera, self.act_stream):
            menu.addAction(action)
        self.recent_menu = menu.addMenu("Open &Recent")
        menu.addSeparator()
        menu.addAction(self.act_record)
        menu.addSeparator()
        menu.addAction(self.act_quit)
        menu = self.menuBar().addMenu("&Playback")
        for action in (self.act_play, self.act_step, self.act_step_back, self.act_home,
                       self.act_end, self.act_goto, None, self.act_remove, self.act_reset):
            menu.addAction(action) if action else menu.addSeparator()
        menu = self.menuBar().addMenu("&View")
        for action in self.act_views.values():
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.act_side)
        arrange = menu.addMenu("Side by Side &Arrangement")
        for action in self.act_arrangements.values():
            arrange.addAction(action)
        menu.addAction(self.act_zoom_fit)
        menu.addSeparator()
        menu.addAction(self.act_save_frame)
        menu.addSeparator()
        for dock in self.docks:
            menu.addAction(dock.toggleViewAction())     # closed panels can come back
        menu = self.menuBar().addMenu("&Help")
        menu.addAction(self.act_shortcuts)

        bar = QToolBar("Controls")
        bar.setObjectName("Controls")
        self.addToolBar(bar)
        for action in (self.act_open, self.act_camera, self.act_play, self.act_step_back,
                       self.act_step, self.act_reset):
            bar.addAction(action)
        self.speed = QComboBox()
        self.speed.addItems(SPEEDS)
        self.speed.setCurrentText("1x")
        self.speed.setToolTip("Playback speed")
        bar.addWidget(self.speed)
        self.view_box = QComboBox()
        for key, name in VIEW_NAMES.items():
            self.view_box.addItem(name, key)
        self.view_box.setToolTip("View (T tracking, B back-projection, S segmentation, E boundaries)")
        bar.addWidget(self.view_box)
        bar.addAction(self.act_side)
        bar.addAction(self.act_record)
        self._update_recent_menu()

