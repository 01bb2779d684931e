"""Mean shift colour segmentation of frames, live.

The classic recipe (scikit-learn's ``MeanShift`` on every pixel's colour) costs seconds a
frame. Here mean shift runs over the *occupied bins* of a CIE Lab histogram of the frame,
each weighted by its pixel count: a few thousand weighted points instead of 300 000
pixels, and a per-pixel lookup from bin to mode. Across frames, ``SegmentationStream``
starts from the previous frame's modes, keeps each cluster's label and display colour
while its mode lives, and lets a histogram bin change cluster only when another mode is
clearly nearer, so a static scene does not flicker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ..checks import as_choice, as_count, as_positive, as_real
from ._segment_kernels import (assign_bins, boundaries, cluster_sums, lab_histogram,
                               label_pixels_stable, occupied_bins, paint)
from .cluster import KERNELS, estimate_bandwidth, merge_modes
from .mode_search import ModeSearch
from ..errors import InputError
from ..io.frames import as_bgr8

L_SCALE = 100.0 / 255.0    # 8-bit Lab stores L* x 255/100


def lab_shifts(bandwidth: float) -> np.ndarray:
    """Bin sizes (as bit shifts of 8-bit Lab) fine enough for ``bandwidth``.

    L in steps of 4 (1.6 L* units); a and b in steps of 4 units, or of 2 when the
    bandwidth is under 10, so that bins stay well under the bandwidth (coarser bins
    put spurious modes on the bin lattice; measured against clustering every pixel)
    without more bins than the speed needs.
    """
    ab = 2 if bandwidth >= 10.0 else 1
    return np.array([2, ab, ab], np.int64)


@dataclass(frozen=True)
class Segmentation:
    """One frame's segmentation.

    ``labels`` (HxW int32) index ``colors`` (Kx3 uint8 BGR, each cluster's mean colour)
    and ``modes`` (Kx3, the clusters' modes in CIE Lab). In a stream, a label keeps
    its index from frame to frame while its cluster lives; indices of clusters that died
    are not used by ``labels``.
    """

    labels: np.ndarray
    colors: np.ndarray
    modes: np.ndarray
    bandwidth: float

    @property
    def n_clusters(self) -> int:
        """Number of clusters present in ``labels``."""
        return int(np.count_nonzero(np.bincount(self.labels.ravel(), minlength=len(self.colors))))

    def recolored(self, out: np.ndarray | None = None) -> np.ndarray:
        """HxWx3 uint8 BGR frame painted with the cluster colours."""
        if out is None:
            out = np.empty(self.labels.shape + (3,), np.uint8)
        elif out.shape != self.labels.shape + (3,) or out.dtype != np.uint8:
            raise InputError(f"out must be uint8 of shape {self.labels.shape + (3,)}")
        return paint(self.labels, self.colors, out)

    def boundaries(self) -> np.ndarray:
        """HxW bool mask of pixels on a cluster boundary."""
        return boundaries(self.labels, np.empty(self.labels.shape, np.bool_))

    def overlay(self, frame: np.ndarray, colour=(255, 255, 255)) -> np.ndarray:
        """A copy of ``frame`` with the cluster boundaries drawn in ``colour``."""
        out = as_bgr8(frame).copy()
        out[self.boundaries()] = colour
        return out


class SegmentationStream:
    """Segments frame after frame, keeping clusters and their colours stable.

    Parameters
    ----------
    bandwidth : float, optional
        Mean shift bandwidth in CIE Lab units (about 1 = a just noticeable difference):
        the reach of the kernel, whichever it is. A colour farther than this from a
        window's centre has no weight in it, and two clusters' modes are at least this
        far apart. None estimates it from the first frame (and from the first after a
        scene cut, where the stream starts afresh) and refreshes it every
        ``refresh_every`` frames (changes under 10 % are ignored, so it does not dither).
    quantile : float
        Quantile of nearest-neighbour distances used by the estimate (see
        ``tracker.estimate_bandwidth``).
    kernel : {"flat", "epanechnikov", "gaussian"}
        Weight of a colour in a window, by its distance d from the centre (all 0 past
        the bandwidth h): flat 1; Epanechnikov ``1 - (d/h)^2``; gaussian
        ``exp(-2 (d/h)^2)``, sigma h/2. At one bandwidth the three find about as many
        clusters.
    search_budget : float or None
        Most work a frame's mode search may do, in histogram bins read per pixel of the
        frame (see ``tracker.segmentation.mode_search``): the search for new colours
        then spreads over frames instead of stalling one. None: no bound (what
        ``segment_frame`` uses, a single frame having no next one to spread to).
    refresh_every : int
        Frames between bandwidth estimates when ``bandwidth`` is None.
    hysteresis : float
        A colour keeps its cluster unless another mode is nearer by this fraction of
        the bandwidth.
    colour_rate : float
        Fraction of a cluster's new mean colour taken into its display colour per frame.
    """

    SAMPLE = 1000          # pixels sampled for the bandwidth estimate (cost grows as its square)
    MIN_BANDWIDTH = 2.0    # below the bin size, bins would be clusters of their own
    MAX_NEWCOMERS = 256    # candidate modes followed at once
    CUT_CELL = 16.0        # Lab units per cell of the histogram compared for cut detection
    CUT_OVERLAP = 0.5      # histogram intersection below which the scene counts as new
    BIRTH_DISTANCE = 1.5   # a new cluster's mode is this many bandwidths from living ones
    GRACE = 3              # frames a cluster outlives its mode
    PERSIST = 3            # frames a new mode must be found in before it becomes a cluster
    SEARCH_EVERY = 4       # frames from the end of a search of the whole histogram to the next
    HOLD_SHARE = 0.001     # share of the pixels that keeps a cluster alive without a mode
    MAX_ITER = 100
    MAX_CLUSTERS = 256     # living clusters at most (labelling costs bins x clusters)
    MAX_FOUND = 512        # strongest modes a frame matches to clusters and candidates

    def __init__(self, bandwidth=None, quantile: float = 0.1, kernel: str = "flat",
                 refresh_every: int = 90, hysteresis: float = 0.5, colour_rate: float = 0.2,
                 search_budget: float | None = 16.0):
        self.fixed_bandwidth = None if bandwidth is None else as_positive(bandwidth, "bandwidth")
        self.quantile = as_real(quantile, "quantile", 0.0, 1.0, low_open=True)
        self.kernel = as_choice(kernel, "kernel", tuple(KERNELS))
        self.refresh_every = as_count(refresh_every, "refresh_every", 1)
        self.hysteresis = as_real(hysteresis, "hysteresis", 0.0, math.inf)
        self.colour_rate = as_real(colour_rate, "colour_rate", 0.0, 1.0, low_open=True)
        self.search_budget = None if search_budget is None \
            else as_positive(search_budget, "search_budget")
        self._search = ModeSearch(KERNELS[self.kernel], self.MAX_ITER)
        self.reset()

    def reset(self) -> None:
        """Forget the previous frames (clusters, colours, bandwidth estimate)."""
        self._rng = np.random.default_rng(0)
        self._bandwidth = self.fixed_bandwidth
        self._frames = 0
        self._shifts = None
        self._lab = self._bin_index = self._labels = None
        self._coarse = None
        self._forget_clusters()

    def _forget_clusters(self) -> None:
        """Start the clusters afresh (a new stream, or a new bandwidth)."""
        self._modes = np.zeros((0, 3))
        self._alive = np.zeros(0, bool)
        self._missing = np.zeros(0, np.int64)
        self._pixels = np.zeros(0)        # pixels whose colour bin points at each cluster
        self._nursery = (np.zeros((0, 3)), np.zeros(0, np.int64))
        self._display = np.zeros((0, 3))
        self._search.reset()
        self._search_ended = None          # frame the last grid search ended at
        self._bootstrap = False            # the first search (maybe over frames) is on
        if self._labels is not None:
            self._labels = np.full(self._labels.shape, -1, np.int32)
        if getattr(self, "_previous", None) is not None:
            self._previous[:] = -1

    def _configure_bins(self, h, w):
        """(Re)allocate the per-bin and per-pixel buffers when the bins or size change."""
        shifts = lab_shifts(self._bandwidth)
        if self._shifts is None or not np.array_equal(shifts, self._shifts):
            self._shifts = shifts
            n_bins = (256 >> int(shifts[0])) * (256 >> int(shifts[1])) * (256 >> int(shifts[2]))
            self._counts = np.zeros(n_bins, np.int64)
            self._bins = np.zeros(n_bins, np.int64)
            self._n_occupied = 0
            self._centres = np.zeros((n_bins, 3), np.float64)
            self._weights = np.zeros(n_bins, np.float64)
            self._bin_table = np.zeros(n_bins, np.int32)
            self._bin_dist = np.zeros(n_bins)
            self._previous = np.full(n_bins, -1, np.int32)
            if self._bin_index is not None:
                self._previous_bins[:] = -1      # old bin numbers mean nothing now
                self._bin_index[:] = -1
        if self._bin_index is None or self._bin_index.shape != (h, w):
            self._bin_index = np.full((h, w), -1, np.int32)
            self._previous_bins = np.full((h, w), -1, np.int32)
            self._labels = np.full((h, w), -1, np.int32)

    @property
    def bandwidth(self) -> float | None:
        return self._bandwidth

    @property
    def last_work(self):
        """``SearchWork`` of the last frame's mode search (zeros before the first)."""
        return self._search.last_work

    def update(self, frame) -> Segmentation:
        """Segment the next frame."""
        frame = as_bgr8(frame)
        h, w = frame.shape[:2]
        if self._lab is None or self._lab.shape[:2] != (h, w):
            self._lab = np.empty((h, w, 3), np.uint8)
        cv2.cvtColor(frame, cv2.COLOR_BGR2Lab, dst=self._lab)
        self._refresh_bandwidth()
        bandwidth = self._bandwidth
        self._configure_bins(h, w)
        shifts = self._shifts
        # Two bin maps, swapped: this frame's is written over the one of two frames ago.
        self._bin_index, self._previous_bins = self._previous_bins, self._bin_index
        n = lab_histogram(self._lab, shifts, self._bin_index, self._counts, self._bins,
                          self._n_occupied)
        self._n_occupied = n
        bins, centres, weights = self._bins[:n], self._centres[:n], self._weights[:n]
        occupied_bins(bins, self._counts, shifts, L_SCALE, centres, weights)
        if self._scene_changed(centres, weights):
            # A cut (or another source): the new scene is segmented as a fresh stream
            # would segment it, at a bandwidth estimated on it; clusters and a bandwidth
            # learnt on the old scene would describe colours that are gone.
            self.reset()
            return self.update(frame)

        n_living = int(self._alive.sum())
        # Living clusters and candidates start from where they were; a grid of seeds over
        # the whole histogram looks for new colours every few frames (and at the start),
        # spread over as many frames as the budget needs.
        tracked = np.concatenate([self._modes[self._alive], self._nursery[0]])
        searching = self._search.searching
        due = not n_living or (not searching and (
            self._search_ended is None or self._frames - self._search_ended >= self.SEARCH_EVERY))
        budget = np.inf if self.search_budget is None else self.search_budget * h * w
        modes, intensity, n_tracked = self._search.step(centres, weights, tracked, bandwidth,
                                                        budget, due)
        if due and not n_living:
            self._bootstrap = True      # the first search: all it finds become clusters
        if (searching or due) and not self._search.searching:
            self._search_ended = self._frames
        # Modes that continue a living cluster are kept before newcomers (among each
        # group the strongest first): where the density has two nearly equal peaks,
        # noise would otherwise hand the cluster from one to the other every frame.
        priority = intensity.copy()
        priority[:n_living][intensity[:n_living] > 0] += weights.sum() + 1.0
        kept = merge_modes(modes, priority, bandwidth)[:self.MAX_FOUND] if len(modes) \
            else np.zeros(0, np.int64)
        # Living clusters the budget left unshifted stay where they were, not missed.
        held = np.flatnonzero(self._alive)[n_tracked:]
        bootstrapping = self._bootstrap
        born = self._match_slots(modes[kept], bandwidth, held)
        # Clusters the first search finds in its later frames take their colours at once
        # (as they would have in one whole search): no hysteresis in such a frame.
        fresh = bootstrapping and born > 0

        labels_bins, dist_bins = np.empty(n, np.int32), np.empty(n)
        margin = 0.0 if fresh else self.hysteresis * bandwidth
        assign_bins(centres, self._modes, self._alive,
                    self._previous[bins] if not fresh else np.full(n, -1, np.int32),
                    margin, labels_bins, dist_bins)
        self._previous[bins] = labels_bins
        self._bin_table[bins] = labels_bins
        # Pixels per cluster by colour, not by the sticky per-pixel labels: a cluster
        # whose colours have left the frame must not live on through stale labels.
        self._pixels = np.bincount(labels_bins, weights=weights, minlength=len(self._modes))
        self._bin_dist[bins] = dist_bins
        # A fresh array each frame: the caller owns the labels it is given.
        previous = self._labels if not fresh else np.full((h, w), -1, np.int32)
        labels = label_pixels_stable(self._bin_index, self._previous_bins, self._bin_table,
                                     self._bin_dist, self._modes, self._alive, previous, margin,
                                     shifts, L_SCALE, np.empty((h, w), np.int32))
        # The stream reads these labels back next frame: hand them out read-only.
        labels.flags.writeable = False
        self._labels = labels
        colors = self._update_colours(frame, labels)
        self._frames += 1
        return Segmentation(labels, colors, self._modes.copy(), bandwidth)

    # ------------------------------------------------------------------ internals
    def _refresh_bandwidth(self):
        if self.fixed_bandwidth is not None:
            return
        if self._bandwidth is not None and self._frames % self.refresh_every:
            return
        # A sample of pixels, so the estimate sees colours as often as they occur.
        flat = self._lab.reshape(-1, 3)
        picks = self._rng.integers(0, len(flat), min(self.SAMPLE, len(flat)))
        sample = flat[picks].astype(np.float64)
        sample[:, 0] *= L_SCALE
        sample[:, 1:] -= 128.0
        estimate = max(estimate_bandwidth(sample, quantile=self.quantile), self.MIN_BANDWIDTH)
        if self._bandwidth is None or abs(estimate / self._bandwidth - 1) > 0.1:
            if self._bandwidth is not None:
                self._forget_clusters()      # modes found at another bandwidth mean nothing now
            self._bandwidth = estimate

    def _scene_changed(self, centres, weights) -> bool:
        """Whether the colours changed wholesale since the last frame (a cut, a new source).

        Compares coarse Lab histograms (cells of ``CUT_CELL`` units), which sensor noise
        and moving objects barely change; after a cut, clusters learnt on the old scene
        would hold on to pixels they no longer describe.
        """
        cells = np.floor((centres + 128.0) / self.CUT_CELL).astype(np.int64)
        side = int(256 // self.CUT_CELL) + 1
        key = (cells[:, 0] * side + cells[:, 1]) * side + cells[:, 2]
        hist = np.bincount(key, weights=weights, minlength=side ** 3)
        hist /= max(hist.sum(), 1.0)
        previous, self._coarse = getattr(self, "_coarse", None), hist
        if previous is None or len(previous) != len(hist):
            return False
        return float(np.minimum(previous, hist).sum()) < self.CUT_OVERLAP

    def _match_slots(self, found, bandwidth, held):
        """Carry clusters (slots: labels and colours) from frame to frame.

        A mode found near a living cluster's mode continues that cluster. A cluster not
        found lives on where it was for ``GRACE`` frames, and a mode far from every
        cluster is born only once it has been found ``PERSIST`` frames running: weak
        peaks of the colour density come and go with sensor noise, and each coming and
        going would repaint thousands of pixels. ``held`` are the slots of living
        clusters that were not looked for this frame (the budget ran out first). Returns
        how many clusters were born.
        """
        matched = np.zeros(len(self._modes), bool)
        matched[held] = True           # not to be taken by another mode, nor missed
        missing_before = self._missing.copy()
        newcomers = []
        for m in found:                        # strongest modes choose first
            d = np.linalg.norm(self._modes - m, axis=1) if len(self._modes) else np.zeros(0)
            d[~self._alive | matched] = np.inf
            j = int(np.argmin(d)) if len(d) else -1
            if j >= 0 and d[j] <= bandwidth:
                self._modes[j] = m
                matched[j] = True
            else:
                newcomers.append(m)
        self._missing[matched] = 0
        self._missing[held] = missing_before[held]
        self._missing[self._alive & ~matched] += 1
        # A cluster whose colours are still in the frame outlives its mode: killing it
        # would repaint a static part of the scene for a change in the density elsewhere.
        was_alive = self._alive.copy()
        holding = self._pixels >= self.HOLD_SHARE * max(self._pixels.sum(), 1.0)
        self._alive &= (self._missing <= self.GRACE) | holding
        # A slot freed this frame is not reused until the next: its pixels still carry it.
        reusable = ~self._alive & ~(was_alive & ~self._alive)
        # The first search (over as many frames as its budget needs) makes every mode
        # it finds a cluster, as one full search on the first frame would.
        first = self._bootstrap
        self._bootstrap = first and self._search.searching
        newcomers = np.array(newcomers[: self.MAX_NEWCOMERS]).reshape(-1, 3)
        old_modes, old_counts = self._nursery
        counts = np.ones(len(newcomers), np.int64)
        if len(newcomers) and len(old_modes):
            near = np.linalg.norm(newcomers[:, None] - old_modes[None], axis=2) <= bandwidth
            counts += np.where(near, old_counts[None], 0).max(axis=1)
        if len(newcomers) and self._alive.any() and not first:
            # A peak right beside a living cluster is mostly noise in the density between
            # two clusters; as a cluster of its own it would take pixels from both.
            living = self._modes[self._alive]
            gap = np.linalg.norm(newcomers[:, None] - living[None], axis=2).min(axis=1)
            counts[gap < self.BIRTH_DISTANCE * bandwidth] = 0
        born = (counts >= self.PERSIST) | first
        room = max(self.MAX_CLUSTERS - int(self._alive.sum()), 0)
        born[np.flatnonzero(born)[room:]] = False
        for m in newcomers[born]:
            reusable = self._new_slot(m, reusable)
        keep = ~born & (counts > 0)
        self._nursery = (newcomers[keep], counts[keep])
        return int(born.sum())

    def _new_slot(self, mode, reusable):
        """Put ``mode`` in a reusable slot or a new one; returns the updated ``reusable``."""
        free = np.flatnonzero(reusable)
        if len(free):
            j = int(free[0])
        else:
            j = len(self._modes)
            self._modes = np.vstack([self._modes, mode])
            self._alive = np.append(self._alive, False)
            self._missing = np.append(self._missing, 0)
            self._pixels = np.append(self._pixels, 0.0)
            self._display = np.vstack([self._display, np.full(3, np.nan)])
            reusable = np.append(reusable, False)
        self._modes[j], self._alive[j], self._missing[j], self._pixels[j] = mode, True, 0, 0.0
        self._display[j] = np.nan          # takes its first mean colour
        reusable[j] = False
        return reusable

    def _update_colours(self, frame, labels):
        """Display colours: each cluster's mean colour, smoothed over frames."""
        k = len(self._modes)
        sums, counts = np.zeros((k, 3)), np.zeros(k)
        cluster_sums(labels, frame, sums, counts)
        present = counts > 0
        mean = np.zeros((k, 3))
        mean[present] = sums[present] / counts[present, None]
        fresh = present & np.isnan(self._display).any(axis=1)
        self._display[fresh] = mean[fresh]
        old = present & ~fresh
        self._display[old] += self.colour_rate * (mean[old] - self._display[old])
        return np.nan_to_num(np.rint(self._display), nan=0.0).clip(0, 255).astype(np.uint8)


def segment_frame(frame_bgr, bandwidth=None, quantile: float = 0.1, kernel: str = "flat") -> Segmentation:
    """Mean shift colour segmentation of one frame (see ``SegmentationStream`` for the
    options), with the whole histogram searched for modes in this one call."""
    stream = SegmentationStream(bandwidth, quantile=quantile, kernel=kernel, search_budget=None)
    return stream.update(frame_bgr)
