"""The status bar: messages that never get cut off unread, the recording light, the
source and timing fields, and the message box that repeats an error in full."""

from __future__ import annotations

import time
from pathlib import Path

from PyQt6.QtCore import QObject, Qt, QTimer
from PyQt6.QtGui import QPainter
from PyQt6.QtWidgets import QLabel, QMessageBox, QSizePolicy


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" to fit; the whole text is in the
    tooltip (and errors also go to a message box), so nothing is silently cut off."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self._full = ""
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = text or ""
        self.setToolTip(self._full)
        self.update()

    def clear_text(self) -> None:
        self.set_full_text("")

    # As a QLabel's: the text is the whole text, shortened only where it is painted.
    def setText(self, text: str) -> None:
        self.set_full_text(text)

    def text(self) -> str:
        return self._full

    def full_text(self) -> str:
        return self._full

    def elided_text(self) -> str:
        return self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle,
                                              max(self.width(), 0))

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         self.elided_text())


class RecordingIndicator(QLabel):
    """A red "● REC 00:12" with the files in its tooltip, shown while recording."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet("QLabel { color: white; background: #c0141c; font-weight: bold; "
                           "padding: 1px 6px; border-radius: 3px; }")
        self._started = None
        self._held = None                  # the frame recording resumes after, while held
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._tick)
        self.setVisible(False)

    def start(self, files) -> None:
        self._started = time.monotonic()
        self._held = None
        names = ", ".join(Path(f).name for f in files)
        self.setToolTip("Recording to " + "\n".join(files))
        self._names = names
        self._tick()
        self._timer.start()
        self.setVisible(True)

    def stop(self) -> None:
        self._timer.stop()
        self._started = None
        self.setVisible(False)

    def set_held(self, resumes_after: int | None) -> None:
        """Recording holds (the user went back) until playback passes frame
        ``resumes_after``; None: it records."""
        if resumes_after != self._held:
            self._held = resumes_after
            self._tick()

    def held(self) -> int | None:
        return self._held

    def elapsed(self) -> float:
        return 0.0 if self._started is None else time.monotonic() - self._started

    def _tick(self):
        seconds = int(self.elapsed())
        held = "" if self._held is None else f" (held: resumes after frame {self._held})"
        self.setText(f"\u25cf REC {seconds // 60:02d}:{seconds % 60:02d}{held}  {self._names}")


class StatusLine(QObject):
    """The fields of ``window``'s status bar, and the errors shown to the user.

    ``message`` says what just happened (for a while), ``recording`` lights up while
    recording, ``source`` describes the open source, ``timing`` and ``dropped`` the
    playback. ``last_error`` is the last error shown, until `forget_error`.
    """

    def __init__(self, window):
        super().__init__(window)
        self._window = window                     # the message boxes' parent
        self.message = ElidedLabel()
        self.recording = RecordingIndicator()
        self.source = QLabel("no source")
        self.timing = QLabel("preparing…")
        self.dropped = QLabel("")
        bar = window.statusBar()
        bar.addWidget(self.message, 1)
        for label in (self.recording, self.source, self.timing, self.dropped):
            bar.addPermanentWidget(label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.message.clear_text)
        self.last_error = None
        self.error_box = None

    def say(self, text: str, timeout_ms: int = 5000) -> None:
        """A status-bar message (shortened to fit; the whole text is in its tooltip)."""
        self.message.set_full_text(text)
        self._timer.stop()
        if timeout_ms:
            self._timer.start(timeout_ms)

    def show_error(self, message: str) -> None:
        """A message box with the whole message, non-blocking; the app stays usable. The
        window's ``quiet_errors`` property (automation, tests) keeps it to the status bar."""
        self.last_error = message
        self.say(message, 15000)
        if self._window.property("quiet_errors"):
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "meanshift-tracker", message,
                          QMessageBox.StandardButton.Ok, self._window)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.error_box = box

    def forget_error(self) -> None:
        """A new source: the errors of the last one are past."""
        self.last_error = None
