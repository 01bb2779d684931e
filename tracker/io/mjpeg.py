"""MJPEG over HTTP (``multipart/x-mixed-replace``), read here rather than by FFmpeg.

Most network cameras serve their picture as one endless HTTP response of JPEG parts.
OpenCV's FFmpeg backend reads it too, but it takes each part's ``Content-Length`` at its
word (a part announcing 2 GB got 2 GB of memory), ends the stream at the first part it
cannot decode, and blocks in C code where neither Ctrl+C nor another thread can stop
it. Here the response is read from a socket in Python: a part larger than
`MAX_PART_BYTES` is stepped over without being kept (scanning for the next boundary,
not trusting its length), parts that are not images are left to the caller to skip,
and every wait is a slice that `MjpegCapture.interrupt` ends at once.

What this does not handle (a redirect, authentication other than Basic, a chunked or
compressed response, a proxy, a certificate that does not verify, a response that is
not multipart) is left to FFmpeg: `open_mjpeg` then returns None.
"""

from __future__ import annotations

import base64
import re
import socket
import ssl
import threading
import time
import urllib.request
from urllib.parse import unquote, urlsplit

#: The largest part kept. A 50-megapixel JPEG at the highest quality is about 30 MB.
MAX_PART_BYTES = 64 * 2**20

_SLICE = 0.1            # seconds a socket wait lasts before looking at `interrupt`
_CHUNK = 1 << 16
_HEAD_BYTES = 1 << 16   # the response's status line and headers
_LINE_BYTES = 1 << 12   # a part's delimiter or header line
_PART_HEADERS = 64


def open_mjpeg(url: str, timeout: float, max_part_bytes: int = MAX_PART_BYTES):
    """Connect to ``url`` and read the response's headers within ``timeout`` seconds.

    Returns an `MjpegCapture` when the answer is a multipart MJPEG stream, None when it
    is anything else or the connection fails for another reason than time (FFmpeg
    then tries: it reads other formats and says what is wrong). Raises TimeoutError
    when nothing answers within ``timeout``.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    if urllib.request.getproxies().get(scheme) and not urllib.request.proxy_bypass(parts.hostname):
        return None
    port = parts.port or (443 if scheme == "https" else 80)
    deadline = time.monotonic() + timeout
    try:
        sock = socket.create_connection((parts.hostname, port), timeout=timeout)
    except TimeoutError:
        raise
    except OSError:
        return None
    try:
        if scheme == "https":
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        if ":" in parts.hostname:   # IPv6 literal
            host = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
        request = [f"GET {target} HTTP/1.1", f"Host: {host}", "User-Agent: meanshift-tracker",
                   "Accept: */*", "Connection: close"]
        if parts.username is not None:
            user = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            request.append("Authorization: Basic " + base64.b64encode(user.encode()).decode())
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        sock.sendall(("\r\n".join(request) + "\r\n\r\n").encode("latin-1"))
        head, rest = _response_head(sock, deadline)
    except TimeoutError:
        sock.close()
        raise
    except (OSError, ValueError, UnicodeError):
        sock.close()
        return None
    boundary = _mjpeg_boundary(head)
    if boundary is None:
        sock.close()
        return None
    return MjpegCapture(sock, rest, boundary, max_part_bytes)


def _response_head(sock, deadline):
    """The status line and headers (bytes, up to the blank line) and what came after."""
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > _HEAD_BYTES:
            raise ValueError("response headers too long")
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        chunk = sock.recv(_CHUNK)
        if not chunk:
            raise ValueError("connection closed before the headers")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _mjpeg_boundary(head: bytes):
    """The multipart boundary (bytes, b"" if none is named) of a 200 response whose body
    this module reads, else None."""
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split()
    if len(status) < 2 or not status[0].startswith("HTTP/") or status[1] != "200":
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "identity").lower() != "identity" \
            or headers.get("content-encoding", "identity").lower() != "identity":
        return None
    kind = headers.get("content-type", "")
    if not kind.lower().startswith("multipart/x-mixed-replace"):
        return None
    match = re.search(r'boundary\s*=\s*"?([^";]+)"?', kind, re.IGNORECASE)
    return match.group(1).strip().lstrip("-").encode("latin-1") if match else b""


class MjpegCapture:
    """The parts of an MJPEG response, one per `read`, like ``cv2.VideoCapture.read``
    but handing out each part's encoded bytes (the caller decodes them).

    ``read`` blocks until a part has arrived, the response ends or `interrupt` is
    called (from any thread). `skipped_parts` counts the parts stepped over here (too
    large, malformed headers) and `first_skip` says why the first one was.
    """

    def __init__(self, sock, data: bytes, boundary: bytes, max_part_bytes: int = MAX_PART_BYTES):
        self._sock = sock
        self._buf = bytearray(data)
        self._boundary = boundary
        # Data read without a length ends at the next delimiter line.
        self._delimiter = b"\r\n--" + boundary
        self.max_part_bytes = max_part_bytes
        self._interrupted = threading.Event()
        self.skipped_parts = 0
        self.first_skip = None
        sock.settimeout(_SLICE)

    # -- the socket --------------------------------------------------------------------
    def _fill(self) -> bool:
        """Append what the socket delivers next; False at the end or on `interrupt`."""
        while not self._interrupted.is_set():
            try:
                chunk = self._sock.recv(_CHUNK)
            except TimeoutError:
                continue
            except OSError:
                return False
            if not chunk:
                return False
            self._buf += chunk
            return True
        return False

    def _line(self):
        """The next line without its line break, None at the end. A "line" longer than
        `_LINE_BYTES` (binary data) is dropped as it comes and returned as b"\x00",
        which is never a delimiter."""
        while True:
            end = self._buf.find(b"\n")
            if end >= 0:
                line = bytes(self._buf[:end]).rstrip(b"\r")
                del self._buf[:end + 1]
                return line if len(line) <= _LINE_BYTES else b"\x00"
            if len(self._buf) > _LINE_BYTES:
                del self._buf[:-1]
                return b"\x00"
            if not self._fill():
                return None

    def _exactly(self, n: int):
        while len(self._buf) < n:
            if not self._fill():
                return None
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    def _until_delimiter(self):
        """``(bytes up to the next delimiter line, dropped)``, the line left to be read;
        past `max_part_bytes` the bytes are dropped as they come and ``dropped`` is
        True. None at the end."""
        start, dropped = 0, False
        while True:
            at = self._buf.find(self._delimiter, start)
            if at >= 0:
                data = b"" if dropped else bytes(self._buf[:at])
                del self._buf[:at + 2]
                return data, dropped
            start = max(0, len(self._buf) - len(self._delimiter))
            if len(self._buf) > self.max_part_bytes:
                dropped = True
                del self._buf[:start]
                start = 0
            if not self._fill():
                return None

    # -- the parts ---------------------------------------------------------------------
    def _is_delimiter(self, line: bytes) -> bool:
        # Cameras disagree on the dashes: the header may name "--frame" for "--frame"
        # lines, or "frame"; the last part's line ends in "--".
        if not line.startswith(b"--"):
            return False
        return not self._boundary or line.strip().strip(b"-") == self._boundary

    def _skip(self, why: str):
        self.skipped_parts += 1
        if self.first_skip is None:
            self.first_skip = why

    def read(self):
        """``(True, bytes)`` of the next part, or ``(False, None)`` at the end of the
        response or after `interrupt`."""
        while True:
            line = self._line()
            if line is None:
                return False, None
            if not self._is_delimiter(line):
                continue            # the preamble, the line break after a part's data
            headers = {}
            for _ in range(_PART_HEADERS):
                line = self._line()
                if line is None:
                    return False, None
                if not line.strip():
                    break
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            else:
                self._skip("a part whose headers never end")
                continue
            length = headers.get(b"content-length", b"")
            if length.isdigit() and int(length) <= self.max_part_bytes:
                data = self._exactly(int(length))
            else:
                # Unknown or too large: read up to the next delimiter instead, keeping
                # nothing past the cap (a length that lies gets the same treatment).
                found = self._until_delimiter()
                if found is None:
                    return False, None
                data, dropped = found
                if dropped:
                    self._skip(f"a part of more than {self.max_part_bytes:,} bytes"
                               + (f" (announced: {int(length):,})" if length.isdigit() else ""))
                    continue
            if data is None:
                return False, None
            return True, data

    def interrupt(self):
        """End a `read` under way (from another thread) and every later one."""
        self._interrupted.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def release(self):
        self._interrupted.set()
        try:
            self._sock.close()
        except OSError:
            pass
