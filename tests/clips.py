"""Small helpers shared by tests that check written video files."""

import cv2


def readable_frames(path) -> int:
    """How many frames OpenCV can decode from ``path`` (0 if it does not open)."""
    cap = cv2.VideoCapture(str(path))
    count = 0
    try:
        while cap.isOpened() and cap.read()[0]:
            count += 1
    finally:
        cap.release()
    return count
