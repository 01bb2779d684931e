"""Calling OpenCV's C++ side safely: file names it can take, and C libraries' chatter on stderr."""

import os
import sys
import tempfile
import threading
from contextlib import contextmanager


def cv2_filename(path):
    """`path` in a form OpenCV's bindings accept without crashing.

    A name that is not valid UTF-8 (say ``caf\\xe9.avi`` from a Latin-1 system) arrives as
    a str with surrogate escapes, and OpenCV's Python bindings segfault converting it to
    UTF-8. They take bytes, which reach the C library unchanged; other names stay str.
    """
    name = os.fspath(path)
    if isinstance(name, bytes):
        return name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name)


class _Said:
    """What a C library wrote to stderr inside `c_stderr_captured`, once the block ends."""

    text = ""


_lock = threading.Lock()
_sink = None


@contextmanager
def c_stderr_captured():
    """Catch what C code writes to file descriptor 2 while the block runs.

    libjpeg prints "Corrupt JPEG data: 206 extraneous bytes before marker 0xd9" and
    libpng "Write Error" straight to stderr, past Python and past our one-line error
    policy. Decoding inside this block keeps those lines off the terminal and hands
    them to the caller, who can report them in its own words. The window is one decode
    call; a lock keeps two threads from swapping descriptor 2 at once.
    """
    global _sink
    said = _Said()
    with _lock:
        try:
            sys.stderr.flush()  # Python's own pending output goes where it was meant to
        except (OSError, ValueError, AttributeError):
            pass
        try:
            saved = os.dup(2)
        except OSError:  # no stderr at all (a daemon): nothing to keep clean
            yield said
            return
        if _sink is None:
            _sink = tempfile.TemporaryFile(buffering=0)
        _sink.seek(0)
        _sink.truncate()
        os.dup2(_sink.fileno(), 2)
        try:
            yield said
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            _sink.seek(0)
            said.text = _sink.read().decode("utf-8", "replace").strip()
