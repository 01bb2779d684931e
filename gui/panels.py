"""Small side panels: the target's colour histogram and the live parameters."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QRectF, QSize, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QColor, QPainter
from PyQt6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QHBoxLayout,
                             QLabel, QPushButton, QSpinBox, QWidget)

from tracker.meanshift.tracker import PATTERN_FILTER_DEFAULT

from .status import ElidedLabel
from .target_list import TargetList

#: The panels' margins and the space between their rows: small, so that a small window
#: still leaves the video most of its height.
PANEL_MARGINS = (6, 4, 6, 4)
PANEL_SPACING = 4

#: A box field's value when it holds no number (shown as a dash).
UNSET = -1.0

#: The parameters a new user starts with, and "Restore defaults" brings back.
#: The pattern cue's choices as shown, and the tracker's `pattern_filter` for each.
PATTERN_CHOICES = {"auto": None, "on": True, "off": False}
DEFAULTS = {"colour_space": "bgr", "bins": 16,
            "pattern": next(k for k, v in PATTERN_CHOICES.items() if v is PATTERN_FILTER_DEFAULT), "segment": True,
            "auto_bandwidth": True, "bandwidth": 10.0, "kernel": "flat"}

BANDWIDTH_TIP = (
    "Segmentation bandwidth, in CIE Lab units (about 2.3 is a just noticeable colour "
    "difference): how far apart two colours can be and still be pulled into one cluster. "
    "It is the same reach for every kernel (flat, Epanechnikov, Gaussian); larger gives "
    "fewer, bigger regions. Auto estimates it from the frame.")


def set_low_for(panel, area) -> None:
    """Below or above the video a panel is laid out low and wide (``panel.set_low``)."""
    panel.set_low(area in (Qt.DockWidgetArea.BottomDockWidgetArea, Qt.DockWidgetArea.TopDockWidgetArea))


class HistogramView(QWidget):
    """Bars of the target model's heaviest colour bins, each painted in its colour."""

    BARS = 32
    #: Bars are at least this share of the width (1 / MIN_SLOTS): a target of one or two
    #: colours shows wide bars, not slivers.
    MIN_SLOTS = 8
    #: Bins lighter than this share of the heaviest are left out (they would paint nothing).
    MIN_SHARE = 0.01

    def __init__(self, parent=None):
        super().__init__(parent)
        self._bars = []
        # Low enough for a small window's panels; it takes more height when there is some.
        self.setMinimumSize(120, 40)

    def sizeHint(self):
        return QSize(160, 80)

    def set_histogram(self, weights: np.ndarray | None, colours: np.ndarray | None) -> None:
        """``weights`` (n,) and BGR ``colours`` (n, 3); None clears the panel."""
        if weights is None or len(weights) == 0:
            self._bars = []
        else:
            top = np.argsort(weights)[::-1][: self.BARS]
            peak = float(weights[top[0]]) or 1.0
            self._bars = [(float(weights[i]) / peak, tuple(int(c) for c in colours[i][::-1]))
                          for i in top if weights[i] >= self.MIN_SHARE * peak]
        self.update()

    def paintEvent(self, event):
        painter = QPainter(self)
        # Mid grey: dark and light target colours both stand out against it.
        painter.fillRect(self.rect(), QColor(128, 128, 128))
        if not self._bars:
            painter.setPen(QColor(230, 230, 230))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no target")
            return
        w, h = self.width(), self.height() - 4
        bar_w = w / max(len(self._bars), self.MIN_SLOTS)
        for i, (height, rgb) in enumerate(self._bars):
            painter.fillRect(QRectF(i * bar_w + 1, 2 + h * (1 - height), bar_w - 2, h * height),
                             QColor(*rgb))


class ParametersPanel(QWidget):
    """Tracker and segmentation parameters; emits a dict whenever one changes."""

    tracker_changed = pyqtSignal(object)          # {"colour_space": str, "bins": int, "pattern_filter": bool | None}
    edited = pyqtSignal()                         # a value was committed (focus may move on)
    segmentation_changed = pyqtSignal(bool, object)   # enabled, SegmentationStream options

    def __init__(self, parent=None):
        super().__init__(parent)
        self.colour_space = QComboBox()
        self.colour_space.addItems(["bgr", "hsv", "hs"])
        self.colour_space.setToolTip("Histogram colour space: joint BGR (default), HSV, or "
                                     "hue-saturation with dull pixels masked")
        self.bins = QSpinBox()
        self.bins.setRange(4, 32)
        self.bins.setToolTip("Histogram bins per colour channel: more tell similar colours "
                             "apart, fewer tolerate lighting changes")
        self.pattern = QComboBox()
        self.pattern.addItems(list(PATTERN_CHOICES))
        self.pattern.setToolTip("Pattern cue: a correlation filter on the target's gray levels and edges beside the "
                                "colours (auto: on grayscale footage, where colour tells least, and on frames of "
                                "1280x720 or more, where its cost is small beside the frame's; on: on any "
                                "footage, more accurate, about 0.15 ms more per frame; off: colours alone)")
        self.segment = QCheckBox("on")
        self.segment.setToolTip("Mean shift colour segmentation (computed only while a view "
                                "shows it or a recording keeps it)")
        self.auto_bandwidth = QCheckBox("auto")
        self.auto_bandwidth.setToolTip(BANDWIDTH_TIP)
        self.bandwidth = QDoubleSpinBox()
        self.bandwidth.setRange(1.0, 60.0)
        self.bandwidth.setSuffix(" Lab")
        self.bandwidth.setToolTip(BANDWIDTH_TIP)
        self.kernel = QComboBox()
        self.kernel.addItems(["flat", "epanechnikov", "gaussian"])
        self.kernel.setToolTip("How a colour's pull falls off within the bandwidth: flat, "
                               "Epanechnikov (1 - d\u00b2/h\u00b2) or Gaussian")
        self.restore_button = QPushButton("Restore defaults")
        self.restore_button.setToolTip("Back to the parameters the app starts with "
                                       "(they are otherwise kept between sessions)")
        self.restore_button.clicked.connect(self.restore_defaults)
        # The pattern cue shares the bins' row: one more row would not fit a low window.
        model = QWidget()
        row = QHBoxLayout(model)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bins, 1)
        row.addWidget(QLabel("pattern"))
        row.addWidget(self.pattern)
        bandwidth = QWidget()
        row = QHBoxLayout(bandwidth)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.auto_bandwidth)
        row.addWidget(self.bandwidth, 1)
        self._rows = [(QLabel(text), widget) for text, widget in (
            ("Colour space", self.colour_space), ("Bins", model),
            ("Segmentation", self.segment), ("Kernel", self.kernel), ("Bandwidth", bandwidth))]
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(*PANEL_MARGINS)
        self._grid.setVerticalSpacing(PANEL_SPACING)
        self._columns = 0
        self.set_columns(1)
        self._set_values(DEFAULTS)
        for widget in (self.bins, self.bandwidth):
            widget.editingFinished.connect(self.edited.emit)
        for widget in (self.colour_space, self.kernel):
            widget.activated.connect(lambda *_: self.edited.emit())
        self.colour_space.currentTextChanged.connect(self._emit_tracker)
        self.bins.valueChanged.connect(self._emit_tracker)
        self.pattern.currentTextChanged.connect(self._emit_tracker)
        self.pattern.activated.connect(lambda *_: self.edited.emit())
        for widget in (self.segment, self.auto_bandwidth):
            widget.toggled.connect(self._emit_segmentation)
        self.bandwidth.valueChanged.connect(self._emit_segmentation)
        self.kernel.currentTextChanged.connect(self._emit_segmentation)

    def set_columns(self, columns: int) -> None:
        """Lay the parameters out in 1 column (a side panel) or 2 (a panel below the
        video, which must stay low)."""
        if columns == self._columns:
            return
        self._columns = columns
        for label, widget in self._rows:
            self._grid.removeWidget(label)
            self._grid.removeWidget(widget)
        self._grid.removeWidget(self.restore_button)
        for i, (label, widget) in enumerate(self._rows):
            r, c = divmod(i, columns)
            self._grid.addWidget(label, r, 2 * c)
            self._grid.addWidget(widget, r, 2 * c + 1)
        rows = -(-len(self._rows) // columns)
        if columns > 1 and len(self._rows) % columns:
            self._grid.addWidget(self.restore_button, rows - 1, 2 * columns - 1)
        else:
            self._grid.addWidget(self.restore_button, rows, 0, 1, 2 * columns)
        for r in range(len(self._rows) + 2):
            self._grid.setRowStretch(r, 1 if r == rows + 1 else 0)   # spare height below

    def set_low(self, low: bool) -> None:
        """Two columns below the video (to stay low), one in a side panel."""
        self.set_columns(2 if low else 1)

    def docked_in(self, area) -> None:
        set_low_for(self, area)

    def tracker_options(self) -> dict:
        return {"colour_space": self.colour_space.currentText(), "bins": self.bins.value(),
                "pattern_filter": PATTERN_CHOICES[self.pattern.currentText()]}

    def segmentation_options(self) -> dict:
        bandwidth = None if self.auto_bandwidth.isChecked() else self.bandwidth.value()
        return {"bandwidth": bandwidth, "kernel": self.kernel.currentText()}

    def _emit_tracker(self, *_):
        self.tracker_changed.emit(self.tracker_options())

    def _emit_segmentation(self, *_):
        self.bandwidth.setEnabled(not self.auto_bandwidth.isChecked())
        self.segmentation_changed.emit(self.segment.isChecked(), self.segmentation_options())

    def save(self, settings) -> None:
        """Into ``settings`` (a gui.settings.Settings)."""
        for key, value in self.values().items():
            settings.write(f"params/{key}", value)

    def values(self) -> dict:
        return {"colour_space": self.colour_space.currentText(), "bins": self.bins.value(),
                "pattern": self.pattern.currentText(), "segment": self.segment.isChecked(),
                "auto_bandwidth": self.auto_bandwidth.isChecked(),
                "bandwidth": self.bandwidth.value(), "kernel": self.kernel.currentText()}

    def restore(self, settings) -> None:
        """Load the values saved in ``settings`` (a gui.settings.Settings; each one the
        widget could not show is its default) without emitting: the caller applies them."""
        def items(combo):
            return [combo.itemText(i) for i in range(combo.count())]

        self._set_values({
            "colour_space": settings.choice("params/colour_space", items(self.colour_space),
                                            DEFAULTS["colour_space"]),
            "bins": settings.integer("params/bins", DEFAULTS["bins"], self.bins.minimum(),
                                     self.bins.maximum()),
            "pattern": settings.choice("params/pattern", items(self.pattern), DEFAULTS["pattern"]),
            "segment": settings.flag("params/segment", DEFAULTS["segment"]),
            "auto_bandwidth": settings.flag("params/auto_bandwidth", DEFAULTS["auto_bandwidth"]),
            "bandwidth": settings.number("params/bandwidth", DEFAULTS["bandwidth"],
                                         self.bandwidth.minimum(), self.bandwidth.maximum()),
            "kernel": settings.choice("params/kernel", items(self.kernel), DEFAULTS["kernel"])})

    def restore_defaults(self) -> None:
        """Back to `DEFAULTS`; the tracker and the segmentation get them at once."""
        before = (self.tracker_options(), self.segment.isChecked(), self.segmentation_options())
        self._set_values(DEFAULTS)
        if self.tracker_options() != before[0]:
            self._emit_tracker()
        if (self.segment.isChecked(), self.segmentation_options()) != before[1:]:
            self._emit_segmentation()
        self.edited.emit()

    def show_tracker_options(self, options: dict) -> None:
        """Show the selected target's colour space and bins (without asking for a change)."""
        current = self.tracker_options()
        wanted = {k: options.get(k, current[k]) for k in current}
        if wanted != current:
            shown = {v: k for k, v in PATTERN_CHOICES.items()}.get(wanted["pattern_filter"], DEFAULTS["pattern"])
            values = {"colour_space": wanted["colour_space"], "bins": wanted["bins"], "pattern": shown, "segment": self.segment.isChecked(), "auto_bandwidth": self.auto_bandwidth.isChecked(),
                      "bandwidth": self.bandwidth.value(), "kernel": self.kernel.currentText()}
            self._set_values(values)

    def _set_values(self, values: dict) -> None:
        """Show ``values`` without emitting a change per widget."""
        widgets = (self.colour_space, self.bins, self.pattern, self.segment, self.auto_bandwidth,
                   self.bandwidth, self.kernel)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            if self.colour_space.findText(values["colour_space"]) >= 0:
                self.colour_space.setCurrentText(values["colour_space"])
            self.bins.setValue(values["bins"])
            if self.pattern.findText(values["pattern"]) >= 0:
                self.pattern.setCurrentText(values["pattern"])
            self.segment.setChecked(values["segment"])
            self.auto_bandwidth.setChecked(values["auto_bandwidth"])
            self.bandwidth.setValue(values["bandwidth"])
            if self.kernel.findText(values["kernel"]) >= 0:
                self.kernel.setCurrentText(values["kernel"])
            self.bandwidth.setEnabled(not self.auto_bandwidth.isChecked())
        finally:
            for widget in widgets:
                widget.blockSignals(False)


class TargetPanel(QWidget):
    """The selected target's box as numbers (shown on every frame, set when typed in)
    and the list of all targets."""

    box_entered = pyqtSignal(object)              # (x, y, w, h) in image pixels

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(*PANEL_MARGINS)
        grid.setVerticalSpacing(PANEL_SPACING)
        self._grid = grid
        self._labels = {}
        self.fields = {}
        for i, name in enumerate("xywh"):
            field = QDoubleSpinBox()
            field.setDecimals(1)
            field.setRange(UNSET, 100000.0)
            field.setSpecialValueText("\u2013")      # UNSET: no box (no target selected)
            field.setValue(UNSET)
            field.setKeyboardTracking(False)
            field.setToolTip({"x": "left edge", "y": "top edge", "w": "width", "h": "height"}[name]
                             + " of the target box, in image pixels; Enter sets the box")
            field.lineEdit().returnPressed.connect(self.apply)
            self._labels[name] = QLabel(name)
            self.fields[name] = field
        self.apply_button = QPushButton("Set box")
        self.apply_button.setToolTip("Re-target the selected target on the box typed above "
                                     "(a new target when none is selected)")
        self.apply_button.clicked.connect(self.apply)
        self.readout = ElidedLabel("no target")     # shortened with "…" if need be, never wider
        self.targets = TargetList()
        self._apply_pending = False
        self._shown_box = None                 # the box of the state shown last
        self._low = None
        self.set_low(False)

    def docked_in(self, area) -> None:
        set_low_for(self, area)

    def set_low(self, low: bool) -> None:
        """The four fields in one row (a panel below the video, which must stay low) or
        in two (a side panel)."""
        if low == self._low:
            return
        self._low = low
        grid, per_row = self._grid, 4 if low else 2
        for i, name in enumerate("xywh"):
            grid.removeWidget(self._labels[name])
            grid.removeWidget(self.fields[name])
            r, c = divmod(i, per_row)
            grid.addWidget(self._labels[name], r, 2 * c)
            grid.addWidget(self.fields[name], r, 2 * c + 1)
        rows = 4 // per_row
        for widget in (self.apply_button, self.readout, self.targets):
            grid.removeWidget(widget)
        # The readout has a row of its own, as wide as the panel, so that its text never
        # widens it (a LOST target's longer text would push the video aside).
        grid.addWidget(self.apply_button, rows, 0, 1, 2)
        grid.addWidget(self.readout, rows + 1, 0, 1, 8)
        grid.addWidget(self.targets, rows + 2, 0, 1, 8)
        for c in range(8):
            grid.setColumnStretch(c, 1 if c % 2 and c < 2 * per_row else 0)
        for r in range(5):
            grid.setRowStretch(r, 1 if r == rows + 2 else 0)   # spare height to the list

    def editing(self) -> bool:
        """Whether the user is typing in a field (then frames do not overwrite it)."""
        return any(f.hasFocus() for f in self.fields.values())

    def set_frame_size(self, w: int, h: int) -> None:
        for name, limit in zip("xywh", (w - 1, h - 1, w, h)):
            self.fields[name].setMaximum(float(limit))

    def show_state(self, state, target_id: int | None = None) -> None:
        """Show a TrackState's box, angle and score (None: no target selected); with
        ``target_id``, whose they are."""
        if state is None:
            self.readout.setText("no target")
            if self._shown_box is not None and not self.editing():
                self.clear_box()              # no box to show: not the last one's
            return
        name = "" if target_id is None else f"#{target_id} "
        self.readout.setText(f"{name}{'LOST ' if state.lost else ''}score {state.score:.2f}, "
                             f"angle {state.rotated[2]:.0f}\u00b0")
        self._shown_box = state.box
        if not self.editing():
            self._show_box(state.box)

    def clear_box(self) -> None:
        """No box in the fields (the targets went): a dash in each until one is shown."""
        self._shown_box = None
        self._show_box((UNSET,) * 4)

    def revert(self) -> None:
        """Show the selected target's box again in the fields (what was typed is dropped)."""
        if self._shown_box is not None:
            self._show_box(self._shown_box)

    def _show_box(self, box) -> None:
        for name, value in zip("xywh", box):
            field = self.fields[name]
            field.blockSignals(True)
            field.setValue(value)
            field.blockSignals(False)

    def box(self) -> tuple | None:
        """The box in the fields; None while any of them is blank."""
        box = tuple(self.fields[n].value() for n in "xywh")
        return None if min(box) < 0 else box

    def apply(self) -> None:
        for field in self.fields.values():
            field.interpretText()           # text typed but not yet committed counts
        if self.box() is None:
            return
        # A spin box passes one Return on as two returnPressed: one box, not two targets.
        if not self._apply_pending:
            self._apply_pending = True
            QTimer.singleShot(0, self._emit_box)

    def _emit_box(self) -> None:
        self._apply_pending = False
        box = self.box()
        if box is not None:
            self.box_entered.emit(box)

