"""Numbered image files (a folder, a printf pattern) or a single image as a frame source."""

import os
import re

import cv2

from ..errors import InputError, SourceError
from .base import _extension, _positive, _SourceBase

#: File extensions (lower case, no dot) read as images rather than video.
IMAGE_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp", "ppm", "pgm"}
)
_PRINTF_INT = re.compile(r"%0?\d*d")


class ImageSequenceSource(_SourceBase):
    """Frames read from numbered image files, or from a single image.

    Parameters
    ----------
    folder_or_pattern : str or os.PathLike
        One of:

        - a folder: every file in it with an extension in `IMAGE_EXTENSIONS`,
          in natural order (``2.png`` before ``10.png``), hidden files skipped;
        - a printf pattern such as ``img/%04d.jpg``: consecutive indices from
          the first that exists among 0..4 up to the first missing one;
        - a single image file, read as a one-frame sequence.
    fps : float, optional
        Frame rate to report; image files carry none, so `fps` is None
        unless given.

    Raises
    ------
    SourceError
        If nothing matches, the folder holds no images, or the first image
        cannot be decoded.

    Notes
    -----
    Images are read with ``cv2.IMREAD_UNCHANGED`` so 16-bit and grayscale
    files keep their precision until `as_bgr8`. An image that cannot be
    decoded part-way ends the sequence early, setting `truncated` and `error`.
    """

    def __init__(self, folder_or_pattern, fps=None):
        super().__init__(os.fspath(folder_or_pattern))
        self.fps = None if fps is None else _positive(fps)
        if fps is not None and self.fps is None:
            raise InputError(f"fps must be a positive number, got {fps}")
        self._files = self._list_files()
        self.frame_count = len(self._files)
        self._probe("not an image OpenCV can decode")

    def _list_files(self):
        spec = self.name
        if os.path.isdir(spec):
            files = [
                entry.path
                for entry in os.scandir(spec)
                # "._1.jpg" files are macOS metadata, not images.
                if not entry.name.startswith(".")
                and _extension(entry.name) in IMAGE_EXTENSIONS
                and entry.is_file()
            ]
            if not files:
                raise SourceError(f"cannot open {self._label}: folder holds no images")
            return sorted(files, key=_natural_key)
        if os.path.isfile(spec):
            return [spec]
        if _PRINTF_INT.search(spec):
            return _pattern_files(spec, self._label)
        raise SourceError(f"cannot open {self._label}: no such file or folder")

    def _next_raw(self):
        if self.position >= len(self._files):
            return None
        path = self._files[self.position]
        image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if image is None and len(self._files) > 1:
            self._stop(f"cannot decode image '{path}' (frame {self.position})")
        return image

    @property
    def files(self):
        """The image paths, in the order they are read."""
        return list(self._files)


def _natural_key(path):
    """Sort key that orders embedded numbers by value: 1, 2, 10 rather than 1, 10, 2."""
    name = os.path.basename(path)
    # re.split with a capture group alternates text, number, text, ..., so
    # the tuples compare str with str and int with int.
    parts = re.split(r"(\d+)", name.lower())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name


def _pattern_files(pattern, label):
    """Files of a printf pattern from its first existing index to its first gap."""
    try:
        pattern % 0
    except (TypeError, ValueError):
        raise SourceError(
            f"cannot open {label}: malformed pattern, expected one integer field such as %04d"
        ) from None
    # FFmpeg's image2 demuxer also accepts a first index anywhere in 0..4.
    start = next((i for i in range(5) if os.path.isfile(pattern % i)), None)
    if start is None:
        raise SourceError(f"cannot open {label}: no file matches the pattern (tried indices 0-4)")
    files = []
    index = start
    while os.path.isfile(pattern % index):
        files.append(pattern % index)
        index += 1
    return files
