"""The playback clock: the frame due at a wall time, at a speed (pure; no timer)."""

import pytest

from tracker.app import PlaybackClock


def test_real_time_from_the_position_playback_started_at():
    clock = PlaybackClock(fps=25.0)
    assert clock.paced
    assert clock.due(100.0, 40) == 41                 # the next frame at once
    assert clock.due(100.039, 41) == 41               # 0.039 s: not yet a frame's time (0.04 s)
    assert clock.due(100.041, 41) == 42
    assert clock.due(101.0, 42) == 66                 # a second later: 25 frames on, whatever was shown


@pytest.mark.parametrize("speed, after_one_second", [(0.25, 7 + 1), (2.0, 60 + 1), (4.0, 120 + 1)])
def test_speed_scales_the_frames_per_second(speed, after_one_second):
    clock = PlaybackClock(fps=30.0, speed=speed)
    clock.due(0.0, 0)
    assert clock.due(1.0, 0) == after_one_second


def test_a_restart_does_not_catch_up_the_time_paused_or_seeking():
    clock = PlaybackClock(fps=30.0)
    clock.due(0.0, 10)
    clock.restart()                                   # paused or sought: 5 s pass
    assert clock.due(5.0, 200) == 201
    clock.set_speed(2.0)                              # a new speed restarts too
    assert clock.due(9.0, 201) == 202 and clock.due(9.5, 202) == 202 + 30


def test_speed_zero_means_every_frame_and_no_fps_means_thirty():
    clock = PlaybackClock(fps=None, speed=0)
    assert not clock.paced and clock.fps == 30.0
    clock.set_speed(0.001)
    assert clock.paced and clock.speed == 0.05        # slower than that is not playing
