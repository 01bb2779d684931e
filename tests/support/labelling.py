"""Clips and sessions for the labelling loop's tests: a red disk that leaves the picture for
a while (so the tracker loses it there and finds it again), and a headless run of it."""

import cv2
import numpy as np

from tests.support.gui_window import DISK_RADIUS, disk_box, disk_centre
from tracker.app import Session

SIZE = (160, 120)
GONE = range(25, 35)            # the frames without the disk: the target is lost there


def make_occluded_clip(path, frames=60, gone=GONE, size=SIZE):
    """The disk clip of tests.support.gui_window with the disk gone on ``gone``."""
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (w, h))
    for i in range(frames):
        frame = np.empty((h, w, 3), np.uint8)
        frame[:, : w // 2] = (170, 120, 60)
        frame[:, w // 2:] = (60, 150, 90)
        cv2.rectangle(frame, (w // 8, h // 8), (w // 4, h // 3), (220, 220, 220), -1)
        if i not in gone:
            cv2.circle(frame, disk_centre(i, size), DISK_RADIUS, (30, 30, 230), -1)
        writer.write(frame)
    writer.release()
    return path


def headless_states(path, box=None, tracker_options=None, start=0):
    """{frame: TrackState} of target 0 set on ``box`` (the disk's) at frame ``start`` and
    tracked by a `Session` to the end, step after step, and the session."""
    session = Session(**(tracker_options or {}))
    session.open(str(path))
    session.start_at(start)
    session.step()
    states = {session.position: session.set_target(box or disk_box(start, SIZE)).states[0]}
    while (result := session.step()) is not None:
        states[session.position] = result.states[0]
    return states, session
