"""Video files decoded by OpenCV (FFmpeg)."""

import os

import cv2

from ..errors import SourceError
from ._native import cv2_filename
from .base import _positive, _SourceBase, unreadable
from .limits import as_max_pixels, too_many_pixels
from .urls import url_scheme

_PROBE_FRAMES = 3  # read while opening: two timestamp steps tell the real frame rate
_REREADS = 64      # failed reads in a row tried before seeking past damage; each skips a bad packet


class VideoFileSource(_SourceBase):
    """Frames of a video file decoded by OpenCV (FFmpeg).

    Parameters
    ----------
    path : str or os.PathLike
        The video file.
    max_pixels : int, optional
        Most pixels a frame may have (default `limits.MAX_PIXELS`, 50 megapixels), as
        the container says, checked before any frame is decoded.

    Raises
    ------
    SourceError
        If the file does not exist or cannot be read, its frames are over
        `max_pixels`, or its first frame cannot be decoded.

    Notes
    -----
    `size` comes from the first decoded frame, not the container header, so it
    matches what `read` returns. `fps` and `frame_count` start from the header
    but the frame timestamps overrule it when it is plainly wrong: an AVI
    whose every other chunk is an empty "dropped" frame claims twice the
    frames and frame rate it plays.

    The end of the file is judged by timestamps, not by the header's count
    (often an estimate): a file whose last decoded frame reaches the header's
    duration is whole. When decoding stops before that, the source first
    tries to read on past the damage (reading again, then seeking ahead);
    frames it steps over are counted in `skipped`, and `position` stays the
    index of the frame in the file, from its timestamp. Only when nothing
    more can be decoded does it set `truncated` and `error`; also when the
    file grew while it was read (it is still being written). The last frame of
    a file cut mid-frame comes back part-decoded (FFmpeg conceals the damage
    and OpenCV does not report it).
    """

    def __init__(self, path, max_pixels=None):
        super().__init__(os.fspath(path))
        max_pixels = as_max_pixels(max_pixels)
        if not os.path.exists(self.name):
            if url_scheme(self.name) is not None:
                raise SourceError(f"cannot open {self._label}: a stream URL, not a video file "
                                  "(open_source reads streams)")
            raise SourceError(f"cannot open {self._label}: no such file")
        if os.path.isdir(self.name):
            raise SourceError(f"cannot open {self._label}: is a folder, not a video")
        why = unreadable(self.name)
        if why:
            raise SourceError(f"cannot open {self._label}: {why}")
        self._bytes_at_open = os.path.getsize(self.name)
        self._capture = cv2.VideoCapture(cv2_filename(self.name))
        not_video = "not a video or image sequence OpenCV can decode"
        if not self._capture.isOpened():
            self._release()
            raise SourceError(f"cannot open {self._label}: {not_video}")
        refused = too_many_pixels(int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
                                  int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT)), max_pixels)
        if refused:
            self._release()
            raise SourceError(f"cannot open {self._label}: {refused}")
        # OpenCV reports unknown properties as 0 or -1.
        header_fps = _positive(self._capture.get(cv2.CAP_PROP_FPS))
        count = _positive(self._capture.get(cv2.CAP_PROP_FRAME_COUNT))
        self.fps = header_fps
        self.frame_count = None if count is None else int(count)
        # The header's duration is the one end it knows for sure (its count may be
        # duration x fps rounded, or include frames that never decode).
        self._duration = count / header_fps if count and header_fps else None
        self._steady = False       # constant frame rate: a jump in timestamps means lost frames
        self._period = None        # seconds per frame, measured from the timestamps
        self._first_ts = self._last_ts = None
        self._last_index = -1
        self._run = (0, 0.0)       # (index, timestamp) where the latest run of even steps began
        self._stamps = []          # timestamps of the frames read while opening
        self._probe(not_video, frames=_PROBE_FRAMES)
        self._check_frame_rate(header_fps)

    # -- reading ----------------------------------------------------------
    def _next_raw(self):
        ok, frame = self._capture.read()
        if ok:
            self._place(after_failure=False)
            return frame
        if self._last_ts is None:
            return None  # nothing read since opening or seeking: nothing to judge the end by
        return self._read_past_damage()

    def _place(self, after_failure):
        """Set `_cursor` to the index of the frame just read, from its timestamp.

        Frames follow one another unless a read failed before this one or, in a
        constant-rate file, the timestamps jump (OpenCV steps over undecodable
        packets inside one read without saying so).
        """
        ts = self._capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if len(self._stamps) < _PROBE_FRAMES:
            self._stamps.append(ts)
        period = self._frame_period()
        if self._last_ts is None:  # the first frame, or the first after a seek
            index = self._cursor
            if self._first_ts is None:
                self._first_ts = ts
            self._run = (index, ts)
        elif period is None or not ts > self._last_ts + period / 4:
            # Decoders report 0 for the frames they flush at the end of a file.
            index = self._last_index + 1
            ts = self._last_ts + (period or 0.0)
        else:
            steps = round((ts - self._last_ts) / period)
            if not (after_failure or self._steady):
                steps = 1
            index = self._last_index + max(1, steps)
            if after_failure or abs(ts - self._last_ts - period) > period / 4:
                self._run = (index, ts)  # an uneven step: measure the period afresh from here
        self._last_ts, self._last_index = ts, index
        self._cursor = index

    def _frame_period(self):
        """Seconds per frame: the mean step over the latest run of even steps once it is
        long enough (timestamps rounded to 1 ms make single steps uneven), else the
        measurement taken while opening, else the header's rate."""
        run_index, run_ts = self._run
        if self._last_ts is not None and self._last_index - run_index >= 8:
            return (self._last_ts - run_ts) / (self._last_index - run_index)
        return self._period or (1.0 / self.fps if self.fps else None)

    def _check_frame_rate(self, header_fps):
        """Trust the timestamps of the first frames over a header that disagrees.

        Equal steps are a constant frame rate; their length, not the header's rate
        (an average, 30.19 for a 30 fps file whose header counts 5 extra frames), is
        what turns a jump in timestamps into a number of lost frames.
        """
        steps = [b - a for a, b in zip(self._stamps, self._stamps[1:])]
        # Containers such as Matroska round timestamps to 1 ms.
        if len(steps) < 2 or min(steps) <= 0 or max(steps) - min(steps) > 0.01 * min(steps) + 0.0011:
            return  # too short or irregular to say: keep the header
        measured = sum(steps) / len(steps)
        if header_fps is None:
            self.fps, self._period, self._steady = 1.0 / measured, measured, True
            return
        ratio = measured * header_fps       # header frames per real frame
        multiple = round(ratio)
        if multiple >= 1 and abs(ratio - multiple) < 0.02 * multiple:
            self._period, self._steady = measured, True
            if multiple >= 2:  # the header counts frames that never decode
                self.fps = header_fps / multiple
                if self.frame_count is not None:
                    self.frame_count = round(self.frame_count / multiple)

    def _played_to(self):
        """Seconds of the file covered by the frames read so far."""
        return self._last_ts - self._first_ts + self._frame_period()

    def _whole(self):
        """True if the frames read reach the end of the file (within a frame and a half)."""
        if self._duration is None or self._last_ts is None or not self.fps:
            return True  # nothing to judge by: the decoder's end is the end
        return self._played_to() >= self._duration - 1.5 * self._frame_period()

    def _read_past_damage(self):
        """After a failed read short of the end, the next frame that decodes, or None."""
        if self._whole():
            return None
        for _ in range(_REREADS):
            ok, frame = self._capture.read()
            if ok:
                self._place(after_failure=True)
                return frame
        return self._seek_past_damage()

    def _seek_past_damage(self):
        """The first frame after the last good one that decodes when sought, or None.

        Steps forward in doubling strides until a seek lands on a frame, then halves
        back to the first one that does. Each try is one seek, so a damaged stretch
        of n frames costs about 2 log2(n) seeks.
        """
        last, end = self._last_index, self.frame_count or self._last_index + 2
        bad, step, good, frame = last, 1, None, None
        while frame is None and bad < end - 1:
            target = min(last + step, end - 1)
            frame = self._frame_after_seek(target)
            if frame is None:
                bad, step = target, step * 2
            else:
                good = target
        if frame is None:
            return None
        at_good = True       # the decoder sits just past `good`'s frame
        while good - bad > 1:
            middle = (bad + good) // 2
            found = self._frame_after_seek(middle)
            if found is None:
                bad, at_good = middle, False
            else:
                good, frame, at_good = middle, found, True
        if not at_good:
            frame = self._frame_after_seek(good)
            if frame is None:
                return None
        self._place(after_failure=True)
        return frame

    def _frame_after_seek(self, index):
        """Seek to `index` and read; the frame if it comes after the last good one."""
        if not self._capture.set(cv2.CAP_PROP_POS_FRAMES, index):
            return None
        ok, frame = self._capture.read()
        if not ok or not self._capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0 > self._last_ts:
            return None
        return frame

    def _note_early_end(self):
        if self.error is not None:
            return
        try:
            grown = os.path.getsize(self.name) - self._bytes_at_open
        except OSError:
            grown = 0
        if grown > 0:
            self.truncated = True
            self.error = (
                f"{self._label} is still being written: it grew by {grown} bytes while it was "
                f"read, so its {self.position} frames read may not be all of it"
            )
        elif not self._whole():
            self.truncated = True
            self.error = (
                f"{self._label} ended after {self.position} of {self.frame_count} frames "
                f"({self._played_to():.1f} of {self._duration:.1f} s): file truncated or corrupt"
            )

    # -- seeking and closing ----------------------------------------------
    def _seek_raw(self, index):
        self._last_ts = None  # the next frame is `index`, whatever its timestamp
        if index == self.frame_count:
            self._ended = True  # FFmpeg refuses to seek onto the end itself
            return
        if not self._capture.set(cv2.CAP_PROP_POS_FRAMES, index):
            raise SourceError(f"cannot seek {self._label} to frame {index}")

    def _release(self):
        self._capture.release()
