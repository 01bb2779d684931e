"""Which sources are network streams: the URL schemes handed to FFmpeg, in one place
(the stream source, the file sources that refuse URLs, and the app's Open Stream dialog)."""

from __future__ import annotations

import re

#: URL schemes handed to FFmpeg. http(s) covers MJPEG (multipart/x-mixed-replace)
#: cameras, HLS playlists and video files on a web server.
STREAM_SCHEMES = ("rtsp", "rtsps", "rtmp", "http", "https", "udp", "rtp", "tcp", "srt")

_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+)://", re.ASCII)


def url_scheme(spec: str) -> str | None:
    """The lower-case scheme if `spec` looks like a URL (``scheme://...``), else None.

    One-letter schemes are not URLs but drive letters (``C://clips``).
    """
    match = _URL.match(spec.strip())
    return match.group(1).lower() if match else None


def is_stream_url(spec: str) -> bool:
    """True if `spec` is a URL with one of the `STREAM_SCHEMES`."""
    return url_scheme(spec) in STREAM_SCHEMES
