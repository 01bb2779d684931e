"""The worker's one error boundary and its policy: an error on one frame is reported and
playback goes on; failures on every frame stop it after a while, said once and once more
when it stops; an error seeking stops playback."""

from tests.support.gui_window import disk_box, open_clip
from tracker.errors import InputError, SourceError

SIZE = (160, 120)


def _play_every_frame(qtbot, window):
    window.menus.speed.setCurrentText("every frame")
    window.play()


def _failing_on(session, positions):
    """Make tracking fail on the frames at ``positions``; returns those that failed."""
    original, failed = session.pipeline.process, []

    def process(frame, segment=True):
        if session.position in positions:
            failed.append(session.position)
            raise InputError(f"frame {session.position} is unusable")
        return original(frame, segment=segment)

    session.pipeline.process = process
    return failed


def test_an_error_on_a_frame_is_reported_once_and_playback_goes_on(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    messages = []
    window.worker.failed.connect(messages.append)
    failed = _failing_on(window.worker.session, {10, 11, 12})
    with qtbot.waitSignal(window.worker.ended, timeout=30000):
        _play_every_frame(qtbot, window)
    assert failed == [10, 11, 12] and messages == ["frame 10 is unusable"]
    assert window.last_frame.position == len(frames) - 1              # played on to the end
    assert window.last_frame.selected_state is not None


def test_every_frame_failing_stops_playback_and_says_so(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    messages = []
    window.worker.failed.connect(messages.append)
    failed = _failing_on(window.worker.session, set(range(1, len(frames))))
    _play_every_frame(qtbot, window)
    qtbot.waitUntil(lambda: len(messages) == 2 and not window.playing, timeout=30000)
    limit = window.worker.FAILING_FRAMES
    assert len(failed) == limit and messages[0] == "frame 1 is unusable"
    assert messages[1] == f"playback stopped: {limit} frames in a row failed (frame {limit} is unusable)"


def test_an_error_seeking_stops_playback(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    source = window.worker.session.source

    def broken_seek(index):
        raise SourceError("cannot seek 'clip.avi': the backend refused")

    source.seek = broken_seek
    window.menus.speed.setCurrentText("0.25x")
    window.play()
    qtbot.waitUntil(lambda: window.playing, timeout=10000)
    window.request_seek.emit(30)
    qtbot.waitUntil(lambda: not window.playing, timeout=10000)
    assert window.last_error == "cannot seek 'clip.avi': the backend refused"
