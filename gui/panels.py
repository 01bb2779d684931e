"""Small side panels: the target's colour histogram and the live parameters."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QPainter
from PyQt6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QSpinBox,
                             QWidget)


class HistogramView(QWidget):
    """Bars of the target model's heaviest colour bins, each painted in its colour."""

    BARS = 32

    def __init__(self, parent=None):
        super().__init__(parent)
        self._bars = []
        self.setMinimumSize(160, 80)

    def set_histogram(self, weights: np.ndarray | None, colours: np.ndarray | None) -> None:
        """``weights`` (n,) and BGR ``colours`` (n, 3); None clears the panel."""
        if weights is None or len(weights) == 0:
            self._bars = []
        else:
            top = np.argsort(weights)[::-1][: self.BARS]
            peak = float(weights[top[0]]) or 1.0
            self._bars = [(float(weights[i]) / peak, tuple(int(c) for c in colours[i][::-1]))
                          for i in top]
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
        bar_w = w / self.BARS
        for i, (height, rgb) in enumerate(self._bars):
            painter.fillRect(QRectF(i * bar_w + 1, 2 + h * (1 - height), bar_w - 2, h * height),
                             QColor(*rgb))


class ParametersPanel(QWidget):
    """Tracker and segmentation parameters; emits a dict whenever one changes."""

    tracker_changed = pyqtSignal(object)          # {"colour_space": str, "bins": int}
    edited = pyqtSignal()                         # a value was committed (focus may move on)
    segmentation_changed = pyqtSignal(bool, object)   # enabled, SegmentationStream options

    def __init__(self, parent=None):
        super().__init__(parent)
        form = QFormLayout(self)
        self.colour_space = QComboBox()
        self.colour_space.addItems(["bgr", "hsv", "hs"])
        self.colour_space.setToolTip("Histogram colour space: joint BGR (default), HSV, or "
                                     "hue-saturation with dull pixels masked")
        self.bins = QSpinBox()
        self.bins.setRange(4, 32)
        self.bins.setValue(16)
        self.segment = QCheckBox("on")
        self.segment.setChecked(True)
        self.auto_bandwidth = QCheckBox("auto")
        self.auto_bandwidth.setChecked(True)
        self.bandwidth = QDoubleSpinBox()
        self.bandwidth.setRange(1.0, 60.0)
        self.bandwidth.setValue(10.0)
        self.bandwidth.setSuffix(" Lab")
        self.bandwidth.setEnabled(False)
        self.kernel = QComboBox()
        self.kernel.addItems(["flat", "epanechnikov", "gaussian"])
        form.addRow("Colour space", self.colour_space)
        form.addRow("Bins", self.bins)
        form.addRow("Segmentation", self.segment)
        form.addRow("Bandwidth", self.auto_bandwidth)
        form.addRow("", self.bandwidth)
        form.addRow("Kernel", self.kernel)
        for widget in (self.bins, self.bandwidth):
            widget.editingFinished.connect(self.edited.emit)
        for widget in (self.colour_space, self.kernel):
            widget.activated.connect(lambda *_: self.edited.emit())
        self.colour_space.currentTextChanged.connect(self._emit_tracker)
        self.bins.valueChanged.connect(self._emit_tracker)
        for widget in (self.segment, self.auto_bandwidth):
            widget.toggled.connect(self._emit_segmentation)
        self.bandwidth.valueChanged.connect(self._emit_segmentation)
        self.kernel.currentTextChanged.connect(self._emit_segmentation)

    def tracker_options(self) -> dict:
        return {"colour_space": self.colour_space.currentText(), "bins": self.bins.value()}

    def segmentation_options(self) -> dict:
        bandwidth = None if self.auto_bandwidth.isChecked() else self.bandwidth.value()
        return {"bandwidth": bandwidth, "kernel": self.kernel.currentText()}

    def _emit_tracker(self, *_):
        self.tracker_changed.emit(self.tracker_options())

    def _emit_segmentation(self, *_):
        self.bandwidth.setEnabled(not self.auto_bandwidth.isChecked())
        self.segmentation_changed.emit(self.segment.isChecked(), self.segmentation_options())

    def save(self, settings) -> None:
        settings.setValue("params/colour_space", self.colour_space.currentText())
        settings.setValue("params/bins", self.bins.value())
        settings.setValue("params/segment", self.segment.isChecked())
        settings.setValue("params/auto_bandwidth", self.auto_bandwidth.isChecked())
        settings.setValue("params/bandwidth", self.bandwidth.value())
        settings.setValue("params/kernel", self.kernel.currentText())

    def restore(self, settings) -> None:
        """Load saved values without emitting (the caller applies them once)."""
        self.blockSignals(True)
        for widget in (self.colour_space, self.bins, self.segment, self.auto_bandwidth,
                       self.bandwidth, self.kernel):
            widget.blockSignals(True)
        try:
            self.colour_space.setCurrentText(str(settings.value("params/colour_space", "bgr")))
            self.bins.setValue(int(settings.value("params/bins", 16)))
            self.segment.setChecked(_bool(settings.value("params/segment", True)))
            self.auto_bandwidth.setChecked(_bool(settings.value("params/auto_bandwidth", True)))
            self.bandwidth.setValue(float(settings.value("params/bandwidth", 10.0)))
            self.kernel.setCurrentText(str(settings.value("params/kernel", "flat")))
            self.bandwidth.setEnabled(not self.auto_bandwidth.isChecked())
        except (TypeError, ValueError):
            pass                          # a damaged settings file: keep the defaults
        finally:
            for widget in (self.colour_space, self.bins, self.segment, self.auto_bandwidth,
                           self.bandwidth, self.kernel):
                widget.blockSignals(False)
            self.blockSignals(False)


def _bool(value) -> bool:
    """QSettings hands back 'true'/'false' strings on some platforms."""
    return value in (True, "true", "1", 1)
