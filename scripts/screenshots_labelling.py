"""The labelling loop's screenshots in docs/, taken from the real app under an X server:

    xvfb-run -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshots_labelling.py [SEQ_DIR]

SEQ_DIR is an OTB sequence (default ../shared/data/otb/Jogging-1, where the jogger passes
behind a post): the app loads its ground truth as it opens, L tracks its first box, Track
to end runs it, and the screenshots show the loaded box beside the track
(app-annotations.png), the timeline's lost marks on a frame where the target is lost
(app-timeline.png) and the export dialog (app-export.png).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PyQt6.QtCore import QSettings  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402

from gui.main_window import MainWindow  # noqa: E402

DOCS = ROOT / "docs"
SIZE = (1060, 660)


def wait(app, condition, timeout=60.0):
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("screenshots: timed out waiting for the app")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(20):                     # let the paints land
        app.processEvents()
        time.sleep(0.01)


def seek(app, window, frame):
    window.request_seek.emit(frame)
    wait(app, lambda: window.last_frame.position == frame)


def beside(window, before: int) -> int:
    """A frame before ``before`` where the track and the loaded box both show: tracked,
    overlapping the ground truth, but not covering it (the worker is idle: read its log)."""
    from tracker.meanshift.multi import box_iou

    log, truth = window.worker.session.track_log, window.annotations.annotations
    for frame in range(before - 1, 0, -1):
        state, box = log.state(0, frame), truth.box_at(0, frame)
        if state is not None and box is not None and not state.lost and 0.4 < box_iou(state.box, box) < 0.65:
            return frame
    return max(before - 10, 0)


def save(pixmap, name):
    """Write a PNG, reduced to 256 colours if that keeps it under 300 KB."""
    path = DOCS / name
    pixmap.save(str(path))
    if path.stat().st_size > 300_000:
        subprocess.run(["convert", str(path), "-colors", "256", f"PNG8:{path}"], check=True)
    print(f"{path}: {path.stat().st_size // 1024} KB")


def main(sequence: str) -> None:
    app = QApplication(sys.argv[:1])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    try:
        shoot(app, window, sequence)
    finally:
        window.stop_worker()          # a QThread collected while running aborts the process


def shoot(app, window, sequence: str):
    window.setProperty("quiet_errors", True)
    window.resize(*SIZE)
    window.move(20, 20)
    window.show()
    wait(app, lambda: window.ready)
    window.open_source(sequence)
    wait(app, lambda: window.last_frame is not None and window.annotations.annotations is not None)
    window.menus.track_loaded.trigger()                            # L: track the ground truth's first box
    wait(app, lambda: window.last_frame.states)
    window.menus.track_to_end.trigger()                            # Ctrl+E
    wait(app, lambda: window.tracks.running)
    wait(app, lambda: not window.tracks.running, 300)
    spans = window.tracks.summary.spans[0]
    lost = next(((a, b) for a, b, is_lost in spans if is_lost and b - a > 3), None)
    seek(app, window, beside(window, lost[0] if lost else 60))
    save(window.grab(), "app-annotations.png")
    seek(app, window, (lost[0] + lost[1]) // 2 if lost else 60)
    save(window.grab(), "app-timeline.png")
    window.menus.export_tracks.trigger()
    wait(app, lambda: window.tracks.dialog is not None and window.tracks.dialog.isVisible())
    frame = window.frameGeometry().united(window.tracks.dialog.frameGeometry())
    shot = app.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    save(shot, "app-export.png")
    window.tracks.dialog.reject()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared" / "data" / "otb" / "Jogging-1"))
