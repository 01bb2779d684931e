"""Colour model: colour spaces, target histograms and back-projection.

A ``ColourSpace`` says how a BGR pixel becomes a joint-histogram bin; ``ColourQuantizer``
turns a frame region into a bin map with reusable buffers (no per-frame allocation);
``back_project`` is the one-call public form.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ._colour_kernels import bin_tables, kernel_histogram, lookup_bins, lut_project
from ..errors import InputError
from ..io.frames import as_bgr8, parse_box


@dataclass(frozen=True)
class ColourSpace:
    """Uniform joint binning of a 3-channel image after an optional cv2 conversion.

    ``lows`` masks pixels whose channel falls below it (-1 in the bin map), e.g. the
    dull, dark pixels whose hue is noise in the hue-saturation space.
    """

    name: str
    conversion: int | None
    nbins: tuple[int, int, int]
    ranges: tuple[int, int, int]
    lows: tuple[int, int, int] = (0, 0, 0)

    @property
    def size(self) -> int:
        return self.nbins[0] * self.nbins[1] * self.nbins[2]

    def bin_colours(self, bins: np.ndarray) -> np.ndarray:
        """BGR colour (uint8, Nx3) at the centre of each flat bin index in ``bins``."""
        bins = np.asarray(bins, np.int64)
        n0, n1, n2 = self.nbins
        idx = np.stack([bins // (n1 * n2), (bins // n2) % n1, bins % n2], axis=1)
        centres = (idx + 0.5) * np.array(self.ranges, np.float64) / np.array(self.nbins)
        for c, low in enumerate(self.lows):
            if self.nbins[c] == 1:      # a channel left out: show it at full strength
                centres[:, c] = self.ranges[c] - 1
        pixels = np.clip(np.rint(centres), 0, 255).astype(np.uint8)[None]
        if self.conversion is not None:
            pixels = cv2.cvtColor(pixels, cv2.COLOR_HSV2BGR)
        return pixels[0]

    def gain_channels(self) -> tuple[float, float, float]:
        """Which channels scale with scene brightness (1) and which do not (0).

        All three BGR channels do; of HSV only the value does, hue and saturation
        being ratios.
        """
        return (1.0, 1.0, 1.0) if self.conversion is None else (0.0, 0.0, 1.0)


COLOUR_SPACES = ("bgr", "hsv", "hs")


def colour_space(name: str = "bgr", bins: int = 16) -> ColourSpace:
    """The named colour space with ``bins`` bins on its main channels.

    ``bgr``: joint B x G x R, bins^3 (works on grayscale footage too: its pixels fill
    the diagonal). ``hsv``: hue x saturation x value with bins x bins/2 x bins/4, robust
    to moderate brightness change. ``hs``: hue x saturation, pixels with saturation < 60
    or value < 32 masked, as in OpenCV's CamShift sample.
    """
    if not isinstance(bins, (int, np.integer)) or not 2 <= bins <= 64:
        raise InputError(f"bins must be an integer from 2 to 64, got {bins!r}")
    if name == "bgr":
        return ColourSpace("bgr", None, (bins, bins, bins), (256, 256, 256))
    if name == "hsv":
        return ColourSpace("hsv", cv2.COLOR_BGR2HSV, (bins, max(bins // 2, 1), max(bins // 4, 1)),
                           (180, 256, 256))
    if name == "hs":
        return ColourSpace("hs", cv2.COLOR_BGR2HSV, (bins, bins, 1), (180, 256, 256), (0, 60, 32))
    raise InputError(f"unknown colour space {name!r}; choose one of {', '.join(COLOUR_SPACES)}")


class ColourQuantizer:
    """Bin maps of frame regions in one colour space, reusing its buffers across frames."""

    def __init__(self, space: ColourSpace):
        self.space = space
        self._nbins = np.array(space.nbins, np.int64)
        self._ranges = np.array(space.ranges, np.float64)
        self._scaled_ranges = self._ranges.copy()
        self._tables = {}       # gain -> its bin tables (see `tables_at`)
        self._lows = np.array(space.lows, np.int64)
        self._bins = np.empty(0, np.int32)
        self._converted = np.empty(0, np.uint8)

    def bin_map(self, image: np.ndarray, gain: float = 1.0) -> np.ndarray:
        """int32 bin map of a uint8 HxWx3 BGR image (a view of a reused buffer).

        ``gain`` is the scene's brightness relative to when the model was learnt: the
        bin edges of brightness-dependent channels are scaled by it, so a target seen
        under dimmer light still falls into its own bins (at no cost per pixel).
        """
        h, w = image.shape[:2]
        if self._bins.size < h * w:
            self._bins = np.empty(h * w, np.int32)
        out = self._bins[: h * w].reshape(h, w)
        return lookup_bins(self.converted(image), self.tables_at(gain), out)

    def converted(self, image: np.ndarray) -> np.ndarray:
        """``image`` (uint8 BGR) in the colour space's channels: itself for BGR, else a
        view of a reused buffer (valid until the next call)."""
        if self.space.conversion is None:
            return image
        h, w = image.shape[:2]
        if self._converted.size < h * w * 3:
            self._converted = np.empty(h * w * 3, np.uint8)
        conv = self._converted[: h * w * 3].reshape(h, w, 3)
        cv2.cvtColor(image, self.space.conversion, dst=conv)
        return conv

    #: Gains whose bin tables are kept. A tracker bins at its gain and the brightness
    #: probe at one step either side, the same few gains frame after frame: their tables
    #: (768 entries, a third of the cost of binning a target's box) are made once.
    KEPT_TABLES = 4

    def tables_at(self, gain: float) -> np.ndarray:
        """`bin_tables` of the bin edges scaled by ``gain`` (see `bin_map`)."""
        lut = self._tables.get(gain)
        if lut is None:
            ranges = self._ranges
            if gain != 1.0:
                ranges = self._scaled_ranges
                for c, g in enumerate(self.space.gain_channels()):
                    ranges[c] = self._ranges[c] * (gain if g else 1.0)
            if len(self._tables) >= self.KEPT_TABLES:
                del self._tables[next(iter(self._tables))]     # the oldest
            lut = self._tables[gain] = bin_tables(self._nbins, ranges, self._lows, np.empty((3, 256), np.int32))
        return lut


def target_histogram(frame: np.ndarray, box, space: ColourSpace | None = None) -> np.ndarray:
    """Epanechnikov-weighted, normalised colour histogram of ``box`` = (x, y, w, h)."""
    space = space or colour_space()
    frame = as_bgr8(frame)
    x, y, w, h = parse_box(box, frame.shape)
    bins = ColourQuantizer(space).bin_map(frame)
    hist = np.zeros(space.size, np.float64)
    # Pixel centres sit at integers, so a box [x, x+w) is centred at x + (w-1)/2.
    kernel_histogram(bins, x + (w - 1) / 2, y + (h - 1) / 2, w / 2, h / 2, 0.0, hist)
    return hist


def back_project(frame: np.ndarray, table: np.ndarray, space: ColourSpace | None = None,
                 out: np.ndarray | None = None) -> np.ndarray:
    """Replace every pixel by ``table[bin]`` (0 for masked pixels), as float32.

    ``table`` holds one value per bin of ``space`` (any shape with ``space.size``
    elements, e.g. a ``cv2.calcHist`` result). For a hue histogram this equals
    ``cv2.calcBackProject`` before its rounding to uint8.
    """
    space = space or colour_space()
    table = np.ascontiguousarray(table, np.float32).ravel()
    if table.size != space.size:
        raise InputError(f"table has {table.size} entries, colour space {space.name} has {space.size} bins")
    bins = ColourQuantizer(space).bin_map(as_bgr8(frame))
    if out is None:
        out = np.empty(bins.shape, np.float32)
    elif out.shape != bins.shape or out.dtype != np.float32:
        # The kernel does not check bounds: a wrong buffer would corrupt memory.
        raise InputError(f"out must be a float32 array of shape {bins.shape}, got {out.dtype} {out.shape}")
    return lut_project(bins, table, out)
