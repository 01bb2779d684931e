"""A damaged settings file: every value the app reads back is checked, a bad one gives way to
its default (and is dropped from the file), and no failure leaves the worker's thread running
(Qt aborts the process, rc 134, when a running QThread is collected)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PyQt6.QtCore import QSettings  # noqa: E402

from gui.controllers import sources as sources_module  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.panels import DEFAULTS  # noqa: E402
from tests.support.gui_window import open_clip  # noqa: E402
from tests.support.paths import ROOT  # noqa: E402

# Every key the app reads, by INI group.
KEYS = {"window": ("geometry", "state"), "General": ("recent",),
        "params": ("colour_space", "bins", "segment", "auto_bandwidth", "bandwidth", "kernel"),
        "view": ("name", "speed", "arrangement", "side"),
        "dialog": ("folder", "output_folder", "stream")}
INT_5 = r"@Variant(\0\0\0\x2\0\0\0\x5)"            # a QVariant int 5, as Qt writes one
INT_0 = r"@Variant(\0\0\0\x2\0\0\0\0)"

# Three damaged files, each with every key bad in its own way.
WRONG_TEXT = {
    "window": {"geometry": "junk", "state": "junk"},
    "General": {"recent": "5"},
    "params": {"colour_space": "xyz", "bins": "abc", "pattern": "perhaps", "segment": "maybe", "auto_bandwidth": "2",
               "bandwidth": "nan", "kernel": "box"},
    "view": {"name": "zzz", "speed": "qq", "arrangement": "?", "side": "sideways"},
    "dialog": {"folder": "/no/such/folder", "output_folder": "relative/folder",
               "stream": "ftp://not.a.stream"},
}
WRONG_TYPE = {
    "window": {"geometry": "@Point(1 2)", "state": INT_5},
    "General": {"recent": INT_5},
    "params": {"colour_space": "@Rect(1 2 3 4)", "bins": "@Size(20 20)", "pattern": INT_5, "segment": INT_0,
               "auto_bandwidth": "@Point(0 0)", "bandwidth": "@Size(12 12)",
               "kernel": "@ByteArray(gaussian)"},
    "view": {"name": "@ByteArray(segment)", "speed": INT_5, "arrangement": "@Point(1 1)",
             "side": INT_5},
    "dialog": {"folder": INT_5, "output_folder": "@Point(1 2)",
               "stream": r"@Variant(\0\0\0\x7f\0garbage)"},    # a type Qt cannot load
}
OUT_OF_RANGE = {
    "window": {"geometry": "@ByteArray(junk)", "state": r"@ByteArray(\0\0\0\xff\0\0\0\0junk)"},
    "General": {"recent": "[1,2]"},                 # INI reads "[1" and "2]"
    "params": {"colour_space": '""', "bins": "1000", "pattern": "On ", "segment": '""', "auto_bandwidth": "yes",
               "bandwidth": "-3", "kernel": "Flat "},
    "view": {"name": "track segment", "speed": "8x", "arrangement": "diagonal", "side": "1"},
    "dialog": {"folder": "{ini}", "output_folder": "/no/such", "stream": "rtsp://" + "a" * 5000},
}


def write_ini(path, groups):
    lines = []
    for group, values in groups.items():
        lines.append(f"[{group}]")
        lines += [f"{key}={value}".replace("{ini}", str(path)) for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def window_on(qtbot, path):
    win = MainWindow(settings=QSettings(str(path), QSettings.Format.IniFormat))
    win.setProperty("quiet_errors", True)
    qtbot.addWidget(win)
    return win


def seen(win, monkeypatch):
    """What a user finds on starting: parameters, view choices, recent sources, where the
    dialogs start, the URL the stream dialog offers, the window's size and panels."""
    offered = []

    def get_text(parent, title, label, text=""):
        offered.append(text)
        return "", False

    monkeypatch.setattr(sources_module.QInputDialog, "getText", staticmethod(get_text))
    win.sources.choose_stream()
    return {"params": win.params.values(), "speed": win.menus.speed.currentText(),
            "view": win.view, "side": win.views.side_by_side, "arrangement": win.view_area.choice(),
            "recent": win.sources.recent(), "recent menu": win.menus.recent_menu.isEnabled(),
            "dialog folder": win.sources.dialog_folder(), "stream offered": offered,
            "size": (win.width(), win.height()), "state": bytes(win.saveState())}


@pytest.fixture
def fresh(qtbot, tmp_path, monkeypatch):
    """What a first start shows (no settings file)."""
    win = window_on(qtbot, tmp_path / "fresh" / "settings.conf")
    state = seen(win, monkeypatch)
    win.close()
    return state


@pytest.mark.parametrize("junk", [WRONG_TEXT, WRONG_TYPE, OUT_OF_RANGE],
                         ids=["wrong-text", "wrong-type", "out-of-range"])
def test_every_bad_value_gives_way_to_its_default_and_is_dropped(qtbot, tmp_path, monkeypatch,
                                                                 fresh, junk):
    path = write_ini(tmp_path / "settings.conf", junk)
    win = window_on(qtbot, path)
    state = seen(win, monkeypatch)
    assert state == fresh
    assert state["params"] == DEFAULTS and state["stream offered"] == ["rtsp://"]
    assert state["dialog folder"] == os.getcwd()
    # Where a recording goes when the folder last used is not one: the Videos folder
    # (or home, without one).
    home = Path(os.environ["HOME"])
    assert win.outputs.output_folder() in (str(home / "Videos"), str(home))
    # The bad values are gone from the file, which the next start reads clean.
    assert [f"{g}/{k}" for g, keys in KEYS.items() for k in keys
            if win.settings.store.contains(k if g == "General" else f"{g}/{k}")] == []
    win.close()


def test_saved_values_come_back_from_the_file(qtbot, tmp_path, monkeypatch, clip):
    """The check lets through what the app writes, read back as text from a new file."""
    first = window_on(qtbot, tmp_path / "first.conf")
    first.show()
    open_clip(qtbot, first, clip[0])
    params = {"colour_space": "hsv", "bins": 24, "pattern": "off", "segment": False, "auto_bandwidth": False,
              "bandwidth": 12.5, "kernel": "gaussian"}
    panel = first.params
    panel.colour_space.setCurrentText("hsv")
    panel.bins.setValue(24)
    panel.pattern.setCurrentText("off")
    panel.segment.setChecked(False)
    panel.auto_bandwidth.setChecked(False)
    panel.bandwidth.setValue(12.5)
    panel.kernel.setCurrentText("gaussian")
    first.menus.speed.setCurrentText("2x")
    first.set_view("segment")
    first.set_side_by_side(True, fit=False)
    first.set_arrangement("column", fit=False)
    first.settings.write("dialog/folder", str(tmp_path))
    first.settings.write("dialog/stream", "http://camera.local/video")
    first.close()
    first.settings.store.sync()
    # A copy: QSettings shares what it read of a file within a process, types and all.
    copy = shutil.copy(tmp_path / "first.conf", tmp_path / "second.conf")
    second = window_on(qtbot, copy)
    state = seen(second, monkeypatch)
    assert state["params"] == params
    assert (state["speed"], state["view"], state["side"], state["arrangement"]) == \
        ("2x", "segment", True, "column")
    assert state["recent"] == [str(clip[0].resolve())] and state["recent menu"]
    assert state["dialog folder"] == str(tmp_path)
    assert state["stream offered"] == ["http://camera.local/video"]
    second.close()


def test_recent_sources_keep_their_good_entries(qtbot, tmp_path):
    entries = ["/videos/a.mp4", "5", "rtsp://camera/1", "", "relative.mp4", "/videos/a.mp4",
               "/videos/%04d.png"]
    path = tmp_path / "settings.conf"
    path.write_text("[General]\nrecent=" + ", ".join(f'"{e}"' for e in entries) + "\n")
    win = window_on(qtbot, path)
    good = ["/videos/a.mp4", "rtsp://camera/1", "/videos/%04d.png"]
    assert win.sources.recent() == good
    assert [a.text() for a in win.menus.recent_menu.actions()] == good
    win.close()


def run_child(code, tmp_path, *args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    return subprocess.run([sys.executable, *args] if not code else
                          [sys.executable, "-c", textwrap.dedent(code), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("junk", [WRONG_TEXT, WRONG_TYPE], ids=["wrong-text", "wrong-type"])
def test_the_app_starts_plays_and_exits_with_a_damaged_settings_file(tmp_path, clip, junk):
    folder = tmp_path / "config" / "meanshift-tracker"
    folder.mkdir(parents=True)
    conf = write_ini(folder / "meanshift-tracker.conf", junk)
    res = run_child("", tmp_path, "-m", "gui.app", str(clip[0]), "--roi", "40,40,30,30",
                    "--frames", "3", "--quit")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "frames=3" in res.stdout and "Traceback" not in res.stderr
    text = conf.read_text()
    assert "junk" not in text and "geometry=@ByteArray(" in text and "bins=16" in text


def test_a_window_that_fails_to_build_leaves_no_thread_running(tmp_path):
    res = run_child(f"""
        import gc
        from PyQt6.QtCore import QSettings
        from PyQt6.QtWidgets import QApplication
        from gui.main_window import MainWindow

        def fail(self):
            raise RuntimeError("cannot build")

        MainWindow._restore_settings = fail
        app = QApplication([])
        try:
            MainWindow(settings=QSettings({str(tmp_path / 's.conf')!r}, QSettings.Format.IniFormat))
        except RuntimeError as e:
            print("caught:", e)
        gc.collect()
        """, tmp_path)
    assert res.returncode == 0, (res.returncode, res.stderr[-2000:])
    assert res.stdout.strip() == "caught: cannot build"


def test_a_failure_after_the_window_is_built_stops_its_thread(tmp_path, clip):
    res = run_child(f"""
        import sys
        from gui import app
        from gui.main_window import MainWindow

        def fail(self):
            raise RuntimeError("cannot show")

        MainWindow.show = fail
        sys.exit(app.main([{str(clip[0])!r}, "--frames", "3", "--quit"]))
        """, tmp_path)
    assert res.returncode == 1, (res.returncode, res.stderr[-2000:])
    assert "RuntimeError: cannot show" in res.stderr and "QThread" not in res.stderr
