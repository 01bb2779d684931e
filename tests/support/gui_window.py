"""Shared by the app's tests: a small clip rendered with OpenCV, a window on it, and
how to wait for a frame and drag a box (the fixtures are in tests/gui/conftest.py)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PyQt6.QtCore import QPoint, QSettings, Qt  # noqa: E402

from gui.main_window import MainWindow  # noqa: E402
from tracker.io.sources import open_source  # noqa: E402

DISK_RADIUS = 14


def disk_centre(i, size):
    w, h = size
    return int(w * 0.25 + i * (w * 0.5) / 60), int(h / 2 + h * 0.15 * np.sin(i / 8))


def make_clip(path, size=(160, 120), frames=60, fps=30.0):
    """A red disk crossing a two-tone background; returns the frames as they decode
    (MJPG is lossy), the references the tests compare the app against."""
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    for i in range(frames):
        frame = np.empty((h, w, 3), np.uint8)
        frame[:, : w // 2] = (170, 120, 60)
        frame[:, w // 2:] = (60, 150, 90)
        cv2.rectangle(frame, (w // 8, h // 8), (w // 4, h // 3), (220, 220, 220), -1)
        cv2.circle(frame, disk_centre(i, size), DISK_RADIUS, (30, 30, 230), -1)
        writer.write(frame)
    writer.release()
    with open_source(str(path)) as source:
        return [f for f in source]


def disk_box(i, size):
    cx, cy = disk_centre(i, size)
    r = DISK_RADIUS
    return (cx - r, cy - r, 2 * r + 1, 2 * r + 1)


def new_window(qtbot, tmp_path, name="settings.ini"):
    settings = QSettings(str(tmp_path / name), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings)
    win.setProperty("quiet_errors", True)
    qtbot.addWidget(win)
    win.show()
    return win


def open_clip(qtbot, win, path):
    win.open_source(str(path))
    qtbot.waitUntil(lambda: win.info is not None and win.last_frame is not None, timeout=20000)


def shown(win):
    """(position, views) of the frame on screen."""
    return win.last_frame.position, win.last_frame.views


def wait_position(qtbot, win, position, timeout=10000):
    try:
        qtbot.waitUntil(lambda: win.last_frame is not None and win.last_frame.position == position,
                        timeout=timeout)
    except Exception:
        now = win.last_frame.position if win.last_frame is not None else None
        raise AssertionError(f"waited for frame {position}; on screen: {now}, "
                             f"last error: {win.last_error}") from None


def drag(qtbot, view, box, modifier=Qt.KeyboardModifier.NoModifier):
    """Press, move and release the mouse over ``view`` along an image box."""
    x, y, w, h = box
    start = view.image_to_widget(x, y).toPoint()
    end = view.image_to_widget(x + w, y + h).toPoint()
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, modifier, pos=start)
    for t in (0.3, 0.7, 1.0):
        qtbot.mouseMove(view, QPoint(int(start.x() + t * (end.x() - start.x())),
                                     int(start.y() + t * (end.y() - start.y()))))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, modifier, pos=end)
