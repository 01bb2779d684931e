"""Fixtures of the app's tests: a small clip on disk and a main window with its own settings."""

import pytest

from tests.support.gui_window import make_clip, new_window


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "clip.avi"
    return path, make_clip(path)


@pytest.fixture
def window(qtbot, tmp_path):
    win = new_window(qtbot, tmp_path)
    yield win
    if win.thread.isRunning():
        win.close()
