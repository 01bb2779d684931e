"""Playback: play, pause, step, seek and speed, and the frame on screen with the numbers
that describe it (the position under the video, the timing in the status bar)."""

from __future__ import annotations

import time

from PyQt6.QtCore import QObject, Qt, pyqtSignal

READOUT_EVERY = 0.1       # seconds between updates of the numbers while playing
END_OF_SOURCE = "end of source"


class PlaybackController(QObject):
    """Sends the play controls to the worker and receives its frames.

    ``last_frame`` is the `DisplayFrame` on screen. Each frame that arrives goes out in
    ``frame_arrived`` to be painted and in ``readout`` with whether its numbers are due;
    ``displayed`` follows once the main view has painted it. ``frame_shown`` tells the
    worker that the screen is ready for the next frame. It lives as long as ``window``.
    """

    frame_arrived = pyqtSignal(object)        # a DisplayFrame to paint
    readout = pyqtSignal(object, bool)        # the frame on screen, whether its numbers are due
    displayed = pyqtSignal(object)            # a DisplayFrame, after the view painted it

    def __init__(self, window, bar, status, sources, main_view, frame_shown, *, request_play,
                 request_pause, request_step, request_step_back, request_seek, request_seek_end,
                 request_speed):
        super().__init__(window)
        self._bar = bar
        self._status = status
        self._sources = sources
        self._frame_shown = frame_shown
        self._main_view = main_view
        self._request_play, self._request_pause = request_play, request_pause
        self._request_step, self._request_step_back = request_step, request_step_back
        self._request_seek, self._request_seek_end = request_seek, request_seek_end
        self._request_speed = request_speed
        self.last_frame = None
        self.playing = False
        self.ready = False                     # the kernels are compiled
        self.latency_ms = None                 # a live source's capture-to-screen time, smoothed
        self.speed = 1.0                       # as asked of the worker; 0: every frame
        self._fps_times = []
        self._last_readout = 0.0
        self._unpainted = None
        self._ended_at = None                  # the position "end of source" was said at
        bar.seek_requested.connect(self.seek)
        # Queued: what follows (a screenshot, say) must not run inside the paint itself.
        main_view.painted.connect(self._on_painted, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ controls
    def toggle_play(self):
        (self._request_pause if self.playing else self._request_play).emit()

    def play(self):
        self._request_play.emit()

    def step(self):
        self._request_step.emit()

    def step_back(self):
        self._request_step_back.emit()

    def seek(self, position: int):
        self._request_seek.emit(int(position))

    def seek_end(self):
        self._request_seek_end.emit()

    def set_speed(self, text: str):
        """"0.25x" ... "4x"; "every frame": no pacing and no skipping, for analysing a
        recording."""
        self.speed = 0.0 if text == "every frame" else float(text[:-1])
        self._request_speed.emit(self.speed)

    # ------------------------------------------------------------------ worker events
    def on_ready(self):
        self.ready = True
        self._status.timing.setText("")
        if self._status.message.full_text().startswith("preparing"):
            self._status.say("")

    def source_opened(self, info):
        self._bar.set_source(None if info.is_live else (info.frame_count or 0), info.fps)
        self.latency_ms = None

    def on_ended(self):
        """Said until playback leaves the end (Play again, a seek, a step back)."""
        self._status.say(END_OF_SOURCE, 0)
        self._ended_at = self.last_frame.position if self.last_frame is not None else None

    def _left_the_end(self):
        self._ended_at = None
        if self._status.message.full_text() == END_OF_SOURCE:
            self._status.say("")

    def on_playing(self, playing: bool):
        self.playing = playing
        self._fps_times = []
        if playing:
            self._left_the_end()
        if self.last_frame is not None:          # the numbers of the frame on screen, in full
            self.readout.emit(self.last_frame, True)
            self._bar.show_position(self.last_frame.position)
            self._update_status(self.last_frame)

    def on_frame(self, display):
        if not display.views:
            return
        self.last_frame = display
        if self._ended_at is not None and display.position != self._ended_at:
            self._left_the_end()
        self.frame_arrived.emit(display)
        self._unpainted = display            # shown once the view has painted it
        if self._main_view.window().isMinimized() or not self._main_view.isVisible():
            self._on_painted()               # nothing is painted now: the worker need not wait
        now = time.perf_counter()
        info = self._sources.info
        if display.capture_time is not None and info is not None and info.is_live:
            latency = (time.monotonic() - display.capture_time) * 1e3
            self.latency_ms = latency if self.latency_ms is None else 0.8 * self.latency_ms + 0.2 * latency
        if display.playing:
            self._fps_times = [t for t in self._fps_times if now - t < 2.0] + [now]
        # The numbers change 30 times a second while playing; 10 updates a second are as
        # readable and leave the time to the video.
        readout_due = not display.playing or now - self._last_readout >= READOUT_EVERY
        self.readout.emit(display, readout_due)
        if readout_due:
            self._last_readout = now
            self._bar.show_position(display.position)
            self._update_status(display)

    def _on_painted(self):
        """The main view painted: the frame is on screen, the worker may send the next.
        Frames that arrive faster than the screen is painted are replaced before they
        are painted, so they never count as shown (nor in the automation's fps)."""
        display, self._unpainted = self._unpainted, None
        if display is not None:
            self._frame_shown()
            self.displayed.emit(display)

    def _update_status(self, display):
        parts = [f"track {display.track_ms:.1f} ms"] if display.selected_state is not None else []
        if display.segment_ms > 0:
            parts.append(f"segment {display.segment_ms:.1f} ms")
        if self.playing:
            times = self._fps_times
            # Frames over the time they span (a count per second would be off by one).
            fps = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 2 else 0.0
            live = self._sources.info is not None and self._sources.info.is_live
            parts.append(f"shown {fps:.0f} fps" + ("" if live else _source_rate(display.source_fps,
                                                                                 self.speed)))
            if self.latency_ms is not None:
                parts.append(f"latency {self.latency_ms:.0f} ms")
        else:
            parts.insert(0, "paused")
        self._status.timing.setText(", ".join(parts))
        dropped = [f"dropped {display.dropped}"] if display.dropped or self.speed > 0 else []
        if display.source_dropped:              # a live source keeps only its newest frame
            dropped.append(f"{display.source_dropped} skipped at the source")
        self._status.dropped.setText(", ".join(dropped) if self.playing else "")


def _source_rate(fps: float, speed: float) -> str:
    """What the shown rate is to be read against: the source's rate ``fps`` at the
    ``speed`` played (a live source's nominal rate is often a container default, MJPEG's
    25: not shown)."""
    if speed <= 0:
        return ", every frame"
    if speed == 1:
        return f" of {fps:.0f}"
    return f", source {fps:.0f} fps at {speed:g}x = {fps * speed:.0f}"
