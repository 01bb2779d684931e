"""Frames as QImages for painting: the conversion a view does once per frame."""

from __future__ import annotations

import sys

import cv2
import numpy as np
from PyQt6.QtGui import QImage

_LITTLE_ENDIAN = sys.byteorder == "little"


def as_qimage(image):
    """A QImage of a uint8 BGR or gray array, and the array that holds its pixels.

    The frame is converted to 32-bit BGRX (Qt's RGB32 in a little-endian machine's
    memory): Qt scales that format smoothly about four times faster than 24-bit BGR,
    and two 1280x720 views are scaled every frame. The conversion is a fresh array,
    so the caller's frame is never shared. The QImage does not own the buffer: keep
    the returned array alive as long as the QImage.
    """
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"VideoView.set_frame: expected a uint8 image, got {image.dtype}")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)):
        raise ValueError("VideoView.set_frame: expected an HxWx3 BGR or HxW gray image, "
                         f"got shape {image.shape}")
    h, w = image.shape[:2]
    if h == 0 or w == 0:
        raise ValueError(f"VideoView.set_frame: empty image of shape {image.shape}")
    if _LITTLE_ENDIAN:
        code = cv2.COLOR_GRAY2BGRA if image.ndim == 2 else cv2.COLOR_BGR2BGRA
        pixels = cv2.cvtColor(np.ascontiguousarray(image), code)
        return pixels, QImage(pixels.data, w, h, pixels.strides[0], QImage.Format.Format_RGB32)
    fmt = QImage.Format.Format_Grayscale8 if image.ndim == 2 else QImage.Format.Format_BGR888
    pixels = np.array(image, copy=True, order="C")
    return pixels, QImage(pixels.data, w, h, pixels.strides[0], fmt)
