"""``mstrack-gui [SOURCE]``: the desktop application, and its automation mode.

    mstrack-gui SOURCE [--resize WxH] --roi X,Y,W,H | --roi-from FILE[:ID] --frames N
                [--screenshot F.png] [--out-csv F.csv] [--out-video F.mkv] [--side-by-side] [--view V] [--quit]

plays N frames through the real window and pipeline with that target, saves a
screenshot of the window, prints ``frames=N fps=F`` (displayed frames per second) and,
with --quit, exits 0.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import signal
import sys
import time
import traceback


EXIT_NO_DISPLAY = 3     # scripts/run falls back to the headless tracker on this


def _display_problem() -> str | None:
    """Why no window can be shown here (Linux), or None. Qt itself would abort instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return "no display (set DISPLAY, or QT_QPA_PLATFORM=offscreen)"
    if not os.environ.get("WAYLAND_DISPLAY"):
        if not _x_server_answers():
            return f"cannot connect to the X display {os.environ.get('DISPLAY')!r}"
        # Qt aborts the process when its X11 plugin cannot load; load it first to say why.
        import PyQt6

        plugin = os.path.join(os.path.dirname(PyQt6.__file__), "Qt6", "plugins", "platforms",
                              "libqxcb.so")
        try:
            ctypes.CDLL(plugin)
        except OSError as e:
            missing = missing_library(str(e))
            return (f"Qt cannot open windows on X11: {missing} is missing (on Debian/Ubuntu: "
                    "apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1)")
    return None


def missing_library(message: str) -> str:
    """The library a dlopen error names: "libxcb-cursor.so.0: cannot open shared object
    file: No such file or directory" -> "libxcb-cursor.so.0" (else the message)."""
    found = re.search(r"([\w.+-]+\.so[\w.]*): cannot open", message)
    return found.group(1) if found else message


def _x_server_answers() -> bool:
    """Whether $DISPLAY accepts a connection (Qt would abort if it does not)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True                        # let the plugin check say what is missing
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(None, None)
    ok = connection is not None and xcb.xcb_connection_has_error(connection) == 0
    if connection is not None:
        xcb.xcb_disconnect(connection)
    return ok


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser():
    from tracker.app import VIEWS, argument, parse_roi, parse_size

    p = _Parser(prog="mstrack-gui", description="Mean shift colour tracking, live.")
    p.add_argument("source", nargs="?", help="video file, image folder, pattern or camera:N")
    p.add_argument("--resize", type=argument(parse_size), help="resize frames to WxH before anything else")
    p.add_argument("--roi", type=argument(parse_roi), action="append",
                   help="a target box X,Y,W,H on the first frame; once per target")
    p.add_argument("--roi-from", metavar="FILE[:ID]", action="append",
                   help="targets from an annotation file (CVAT XML, MOT, OTB ground truth or a track "
                        "CSV): every track in sight on the first frame, or track ID alone; once per file")
    p.add_argument("--frames", type=int, help="play this many frames, then stop")
    p.add_argument("--screenshot", help="save a PNG of the window after --frames")
    p.add_argument("--out-csv", help="record the track to this CSV")
    p.add_argument("--out-video", help="record the annotated view to this video")
    p.add_argument("--side-by-side", action="store_true", help="show the segmentation beside the track")
    p.add_argument("--view", choices=VIEWS,
                   help="the view to show (beside the track with --side-by-side)")
    p.add_argument("--quit", action="store_true", help="exit after --frames")
    return p


class Automation:
    """Drives the window for --roi/--roi-from/--frames/--screenshot/--quit."""

    def __init__(self, app, window, args):
        self.app, self.window, self.args = app, window, args
        self.shown = 0
        self.first_shown = self.last_shown = 0.0
        self.started = None
        self.done = False
        window.worker.opened.connect(self._on_opened)
        window.worker.failed.connect(self._on_failed)
        window.worker.ended.connect(self._finish)
        window.frame_displayed.connect(self._on_frame)
        window.worker.tracks.annotations_loaded.connect(self._on_annotations)
        self._files = []              # --roi-from files still to load: (path, file's track id or None)

    def _on_opened(self, info):
        if self.done or self.started is not None:     # only the source given on the command line
            return
        for n, roi in enumerate(self.args.roi or ()):
            (self.window.add_target if n else self.window.set_target)(roi)
        # Files are read by the worker, as File > Load Annotations reads them (in the
        # source's pixels, resized with the frames); play starts once the last is in.
        from tracker.app.boxes import split_track_id

        self._files = [split_track_id(spec) for spec in self.args.roi_from or ()]
        if self._files:
            self.window.annotations.load(self._files[0][0])
        else:
            self._start()

    def _on_annotations(self, annotations, path, notes):
        if self.done or not self._files or path != self._files[0][0]:
            return                     # a sequence's own ground truth, loaded as it opens
        path, file_id = self._files.pop(0)
        boxes = annotations.boxes_on(0)
        wanted = sorted(boxes) if file_id is None else [file_id - annotations.id_base]
        if not wanted or any(track not in boxes for track in wanted):
            what = "no box" if file_id is None else f"no box of track {file_id}"
            self._on_failed(f"--roi-from {path}: {what} on the first frame")
            return
        for track in wanted:            # in frame pixels: the worker read them for these frames
            self.window.add_target(boxes[track])
        if self._files:
            self.window.annotations.load(self._files[0][0])
        else:
            self._start()

    def _start(self):
        if self.args.out_csv or self.args.out_video:      # from the first frame, with its box
            self.window.start_recording(self.args.out_video or "", self.args.out_csv or "")
        if self.args.frames:
            self.started = time.perf_counter()
            self.window.request_stop_at.emit(self.args.frames - 1)
            self.window.play()

    def _on_failed(self, message):
        if self.done:
            return
        # In automation a failure (no source, a box outside the frame, an unwritable
        # file) ends the run: a screenshot of something else would be a false success.
        print(f"mstrack-gui: error: {message}", file=sys.stderr)
        if self.args.quit:
            self.done = True
            self.window.close()
            self.app.exit(2)

    def _on_frame(self, display):
        if self.started is None or self.done:
            return
        # Displayed rate: frames painted over the time from the first to the last.
        now = time.perf_counter()
        if self.shown == 0:
            self.first_shown = now
        self.shown += 1
        self.last_shown = now
        if display.position + 1 >= self.args.frames:
            self._finish()

    def _finish(self):
        if self.done or self.started is None:
            return
        self.done = True
        elapsed = self.last_shown - self.first_shown if self.shown > 1 else 0.0
        self.window.request_pause.emit()
        self.window.request_stop_record.emit()
        if self.args.screenshot:
            self.app.processEvents()
            self.window.grab().save(self.args.screenshot)
        played = (self.window.last_frame.position + 1) if self.window.last_frame else 0
        fps = (self.shown - 1) / elapsed if elapsed > 0 else 0.0
        print(f"frames={played} fps={fps:.1f}", flush=True)
        if self.args.quit:
            self.window.close()
            self.app.exit(0)


def _close_on_signals(app, window) -> list:
    """Ctrl+C, SIGTERM and a closed terminal (SIGHUP) close the window as its close box
    does, so a recording is finalised (an .mp4 has no index until then). Python handles
    signals only when it runs, hence the idle timer. Returns the list the signal goes in."""
    from PyQt6.QtCore import QTimer

    stopped_by = []

    def handle(signum, frame):
        if not stopped_by:
            stopped_by.append(signum)
            QTimer.singleShot(0, window.close)

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handle)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(200)
    return stopped_by


def main(argv=None) -> int:
    from tracker.app.boxes import TargetBox
    from tracker.checks import as_count
    from tracker.errors import InputError

    args = build_parser().parse_args(argv)
    try:
        as_count(args.frames, "--frames", 1, none=True)
        for spec in args.roi_from or ():         # a bad file or id: one line, before any window
            TargetBox.from_file(spec)
    except InputError as e:
        print(f"mstrack-gui: error: {e}", file=sys.stderr)
        return 2
    problem = _display_problem()
    if problem:
        print(f"mstrack-gui: error: {problem}", file=sys.stderr)
        return EXIT_NO_DISPLAY
    from PyQt6.QtWidgets import QApplication

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("meanshift-tracker")
    app.setOrganizationName("meanshift-tracker")
    window = MainWindow(resize=args.resize)
    # PyQt aborts the process on an exception in a slot; with a hook of our own it does
    # not, and a bug shows as a message instead of closing the app (and its recording).
    def report_bug(kind, error, tb):
        traceback.print_exception(kind, error, tb)          # a bug: the developer wants it all
        window.show_error(f"internal error: {kind.__name__}: {error}")
    sys.excepthook = report_bug
    # From here on, the worker's thread is stopped before the window goes, whatever
    # happens: a QThread collected while running aborts the process (rc 134).
    try:
        if args.view:
            window.set_view(args.view)
        if args.side_by_side:
            window.set_side_by_side(True)
        automation = Automation(app, window, args) if (args.frames or args.roi or args.roi_from) else None
        if automation is not None:
            window.params.segment.setChecked(True)      # automation runs with segmentation on
            if args.quit:
                window.setProperty("quiet_errors", True)
        window.show()
        if args.source:
            window.open_source(args.source)
        stopped_by = _close_on_signals(app, window)
        code = app.exec()
    finally:
        window.stop_worker()
    if stopped_by:
        code = 128 + stopped_by[0]          # as a shell reports a process a signal ended
    return code


if __name__ == "__main__":
    sys.exit(main())
