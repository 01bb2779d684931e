"""Normalise frames to the one layout every algorithm in the package expects."""

import math

import numpy as np

from ..errors import InputError

__all__ = ["as_bgr8", "parse_box"]


def as_bgr8(frame):
    """Return a frame as a C-contiguous ``uint8`` HxWx3 BGR array.

    Sources and users hand us grayscale videos, 16-bit PNGs, images with an
    alpha channel, float images and masks; the kernels accept one layout only,
    so every frame goes through here once, at the edge of the package.

    Parameters
    ----------
    frame : array_like
        HxW or HxWx1 grayscale, HxWx3 BGR or HxWx4 BGRA. Supported dtypes:
        ``uint8``; ``uint16`` (full 16-bit range); ``bool``; floating point
        with values in [0, 1].

    Returns
    -------
    out : ndarray
        ``uint8`` array of shape (H, W, 3), C-contiguous. It is `frame`
        itself, not a copy, when `frame` already has that layout.

    Raises
    ------
    InputError
        If `frame` is None or empty, has a number of dimensions other than
        2 or 3, a channel count other than 1, 3 or 4, or an unsupported dtype.

    Notes
    -----
    ``uint16`` is reduced by dropping the low byte (``>> 8``), so a 16-bit
    image looks like its 8-bit export. Floats are clipped to [0, 1] (NaN
    becomes 0) and rounded to the nearest of 0..255. ``True`` becomes 255 so
    that a mask shows white. Gray is replicated into the three channels and
    alpha is dropped, not composited.

    Examples
    --------
    >>> as_bgr8(np.array([[0, 255]], dtype=np.uint8)).shape
    (1, 2, 3)
    >>> as_bgr8(np.array([[65535]], dtype=np.uint16))[0, 0]
    array([255, 255, 255], dtype=uint8)
    """
    if (type(frame) is np.ndarray and frame.dtype == np.uint8 and frame.ndim == 3
            and frame.shape[2] == 3 and frame.size and frame.flags.c_contiguous):
        return frame    # already normalised (the hot path: every frame after the source)
    if frame is None:
        # The usual cause is cv2.imread returning None for an unreadable file.
        raise InputError("frame is None, not an image array")
    frame = np.asarray(frame)
    if frame.size == 0:
        raise InputError(f"frame is empty (shape {frame.shape})")
    if frame.ndim not in (2, 3):
        raise InputError(
            f"frame must be HxW or HxWxC, got {frame.ndim} dimensions (shape {frame.shape})"
        )
    channels = 1 if frame.ndim == 2 else frame.shape[2]
    if channels not in (1, 3, 4):
        raise InputError(
            f"frame must have 1, 3 or 4 channels, got {channels} (shape {frame.shape})"
        )
    if (
        frame.dtype == np.uint8
        and channels == 3
        and frame.flags.c_contiguous
    ):
        return frame

    frame = _to_uint8(frame)
    if channels == 1:
        gray = frame if frame.ndim == 2 else frame[:, :, 0]
        frame = np.repeat(gray[:, :, np.newaxis], 3, axis=2)
    elif channels == 4:
        frame = frame[:, :, :3]
    return np.ascontiguousarray(frame)


def _to_uint8(frame):
    """Map a supported dtype onto 0..255 without changing the shape."""
    dtype = frame.dtype
    if dtype == np.uint8:
        return frame
    if dtype == np.bool_:
        return frame.astype(np.uint8) * np.uint8(255)
    if dtype == np.uint16:
        return (frame >> 8).astype(np.uint8)
    if np.issubdtype(dtype, np.floating):
        scaled = np.nan_to_num(frame.astype(np.float32), nan=0.0)
        np.clip(scaled, 0.0, 1.0, out=scaled)
        return np.rint(scaled * 255.0).astype(np.uint8)
    raise InputError(
        f"frame dtype {dtype} is not supported; use uint8, uint16, bool or float in [0, 1]"
    )


def parse_box(box, frame_shape) -> tuple[float, float, float, float]:
    """Validate an (x, y, w, h) box against a frame; raise InputError saying what is wrong."""
    try:
        x, y, w, h = (float(v) for v in box)
    except (TypeError, ValueError):
        raise InputError(f"box must be four numbers x,y,w,h, got {box!r}") from None
    if not all(math.isfinite(v) for v in (x, y, w, h)):
        raise InputError(f"box must be finite numbers, got {box!r}")
    if w <= 0 or h <= 0:
        raise InputError(f"box {x:g},{y:g},{w:g},{h:g} has zero or negative size")
    H, W = frame_shape[:2]
    if x >= W or y >= H or x + w <= 0 or y + h <= 0:
        raise InputError(f"box {x:g},{y:g},{w:g},{h:g} lies outside the {W}x{H} frame")
    x0, y0 = max(x, 0.0), max(y, 0.0)
    return x0, y0, min(x + w, W) - x0, min(y + h, H) - y0
