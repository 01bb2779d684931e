"""Numbered image files (a folder, a printf pattern) or a single image as a frame source."""

import os
import re

import cv2
import numpy as np

from ..errors import InputError, SourceError, printable
from ._native import c_stderr_captured
from .base import _extension, _positive, _SourceBase, unreadable
from .limits import as_max_pixels, image_size, too_many_pixels
from .urls import url_scheme

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
    max_pixels : int, optional
        Most pixels an image may have (default `limits.MAX_PIXELS`, 50 megapixels),
        judged from its header before it is decoded: a larger one ends the sequence
        there (at the first image: SourceError), as a change of size does.

    Raises
    ------
    SourceError
        If nothing matches, the folder cannot be read or holds no images, or no image
        can be decoded.

    Notes
    -----
    Images are read as bytes and decoded with ``cv2.imdecode`` and
    ``cv2.IMREAD_UNCHANGED``, so any file name works (OpenCV's own file
    functions crash on names that are not UTF-8) and 16-bit and grayscale
    files keep their precision until `as_bgr8`. An image that cannot be read
    or decoded part-way is skipped: `position` stays its index in the
    sequence and `skipped` and `warnings` report it. What libjpeg or libpng
    print about damaged data is kept off stderr and summed up in `warnings`.
    A pattern that stops at a missing number while later numbers exist says
    so in `warnings`.
    """

    def __init__(self, folder_or_pattern, fps=None, max_pixels=None):
        super().__init__(os.fspath(folder_or_pattern))
        self.fps = None if fps is None else _positive(fps)
        if fps is not None and self.fps is None:
            raise InputError(f"fps must be a positive number, got {fps}")
        self.max_pixels = as_max_pixels(max_pixels)
        self._complaints = 0           # images decoded despite damaged data ...
        self._first_complaint = None   # ... and (index, what the decoder said) of the first
        self._files = self._list_files()
        self.frame_count = len(self._files)
        self._probe("not an image OpenCV can decode")

    def _list_files(self):
        spec = self.name
        if os.path.isdir(spec):
            why = unreadable(spec)
            if why:
                raise SourceError(f"cannot open {self._label}: {why}")
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
            files, gap_note = _pattern_files(spec, self._label)
            if gap_note:
                self._notes.append(gap_note)
            return files
        if url_scheme(spec) is not None:
            raise SourceError(f"cannot open {self._label}: a stream URL, not images "
                              "(open_source reads streams)")
        raise SourceError(f"cannot open {self._label}: no such file or folder")

    def _next_raw(self):
        while self._cursor < len(self._files):
            path = self._files[self._cursor]
            image, complaint = read_image(path, self.max_pixels)
            if isinstance(complaint, TooLarge):
                single = len(self._files) == 1
                self._stop(str(complaint) if single else
                           f"image {printable(path)} (frame {self._cursor}): {complaint}")
                return None
            if image is not None:
                if complaint:
                    self._complaints += 1
                    if self._first_complaint is None:
                        self._first_complaint = (self._cursor, complaint)
                return image
            if len(self._files) == 1:
                if complaint.lower() == "permission denied":
                    self.error = "permission denied"
                return None  # a single image: the probe's message says it is not one
            self._skip_damaged(f"first: {printable(path)}: {complaint}")
        return None

    def _decoder_notes(self):
        if not self._complaints:
            return []
        count, (first, said) = self._complaints, self._first_complaint
        return [
            f"{self._label}: {count} image{'s' if count != 1 else ''} decoded despite damaged "
            f"data, first {printable(self._files[first])} (frame {first}): {said.splitlines()[0]}"
        ]

    @property
    def files(self):
        """The image paths, in the order they are read."""
        return list(self._files)


class TooLarge(str):
    """`read_image`'s complaint about an image over the pixel limit (not decoded)."""


def read_image(path, max_pixels=None):
    """Decode an image file; return ``(image or None, why it is damaged or unreadable)``.

    The file is read by Python and decoded from memory, so the name never reaches
    OpenCV; what the codec library prints about damaged data is returned, not shown.
    An image of more than ``max_pixels`` (default `limits.MAX_PIXELS`), as its header
    says, is not decoded: the complaint is then a `TooLarge`.
    """
    try:
        data = np.fromfile(path, np.uint8)
    except OSError as exc:
        return None, exc.strerror or str(exc)
    if data.size == 0:
        return None, "empty file"
    size = image_size(data)
    refused = size and too_many_pixels(*size, as_max_pixels(max_pixels))
    if refused:
        return None, TooLarge(refused)
    with c_stderr_captured() as said:
        try:
            image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
        except cv2.error:
            image = None
    if image is None:
        return None, said.text.splitlines()[0] if said.text else "not an image OpenCV can decode"
    return image, said.text


def _natural_key(path):
    """Sort key that orders embedded numbers by value: 1, 2, 10 rather than 1, 10, 2."""
    name = os.path.basename(path)
    # re.split with a capture group alternates text, number, text, ..., so
    # the tuples compare str with str and int with int.
    parts = re.split(r"(\d+)", name.lower())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name


def _pattern_files(pattern, label):
    """Files of a printf pattern from its first existing index to its first gap, and a
    note (or None) if files with later numbers exist past that gap."""
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
    later = _numbers_after(pattern, index)
    note = None
    if later:
        note = (
            f"{label} stops at the first missing number, {printable(pattern % index)}: "
            f"{len(later)} later file{'s' if len(later) != 1 else ''} "
            f"(numbers {later[0]}-{later[-1]}) are not read"
        )
    return files, note


def _numbers_after(pattern, missing):
    """Sorted numbers above `missing` for which the pattern names an existing file."""
    folder, base = os.path.split(pattern)
    field = _PRINTF_INT.search(base)
    if field is None:  # the number is in a folder name: not worth a scan
        return []
    shape = re.compile(
        re.escape(base[: field.start()]) + r"(\d+)" + re.escape(base[field.end():])
    )
    try:
        entries = list(os.scandir(folder or "."))
    except OSError:
        return []
    numbers = []
    for entry in entries:
        match = shape.fullmatch(entry.name)
        if match and int(match.group(1)) > missing and base % int(match.group(1)) == entry.name:
            numbers.append(int(match.group(1)))
    return sorted(numbers)
