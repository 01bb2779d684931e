"""The live segmentation's mode search, with its work bounded frame by frame.

Each frame, mean shift moves the seeds it is given (the living clusters' modes and the
candidates, where the density's peaks were last frame) and a share of a search from a
grid of seeds over the whole colour histogram, which finds new colours. Left unbounded
the search cost seconds on some frames where the others took milliseconds: with noise,
a tiny bandwidth or a wide kernel it shifts thousands of seeds through windows of
thousands of bins. Here a frame spends at most a budget of *visits* (the histogram bins
its window queries read, plus a fixed cost per query), a seed at a time, heaviest bins
first; what the budget leaves of the search is carried on to the next frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _cluster_kernels as _k
from .cluster import _bin_seeds

# A window query costs about as much as reading this many bins (finding the grid's
# runs, the division and the convergence test), whatever it reads: with bandwidths
# below the bin size every seed reads one bin, and seeds are what there are many of.
QUERY_COST = 16


@dataclass(frozen=True)
class SearchWork:
    """What one frame's mode search cost.

    ``visits`` counts the histogram bins read by the window queries plus ``QUERY_COST``
    a query; the frame starts no seed once it has passed ``budget`` (so it exceeds it by
    at most the work of its last tracked seed and of one search seed). ``seeds`` and
    ``queries`` count the seeds shifted and their window queries (mean shift steps);
    ``pending`` is how many seeds of the grid search are left for later frames.
    """

    visits: int
    budget: float
    seeds: int
    queries: int
    pending: int


class ModeSearch:
    """Shifts a frame's seeds within a budget and keeps the unfinished grid search.

    Parameters
    ----------
    kernel : int
        Kernel code of ``_cluster_kernels``.
    max_iter : int
        Most mean shift steps per seed.
    """

    def __init__(self, kernel: int, max_iter: int):
        self.kernel = kernel
        self.max_iter = max_iter
        self.reset()

    def reset(self) -> None:
        """Drop the search under way (a new scene or bandwidth)."""
        self._queue = np.zeros((0, 3))
        self.last_work = SearchWork(0, 0.0, 0, 0, 0)

    @property
    def searching(self) -> bool:
        """Whether a grid search is under way (seeds left in its queue)."""
        return len(self._queue) > 0

    def step(self, centres, weights, tracked, bandwidth, budget, start_search):
        """Shift ``tracked`` (in order) and then as much of the grid search as fits.

        ``start_search`` starts a new grid search over ``centres`` when none is under
        way. Returns ``(modes, intensity, n_tracked)``: the tracked seeds' final modes
        and intensities followed by those of the search seeds finished this frame, and
        how many of ``tracked`` were shifted; the rest (when the tracked seeds alone
        used the budget) were not, and have intensity 0.
        """
        modes, intensity, n_iter, visits, n_tracked = _k.shift_seeds(
            centres, weights, tracked, bandwidth, self.kernel, self.max_iter, budget,
            QUERY_COST)
        queries = int(n_iter[:n_tracked].sum()) + n_tracked
        if start_search and not self.searching:
            self._queue = self._grid_seeds(centres, weights, bandwidth)
        n_search = 0
        if self.searching:
            # The first search seed always runs, so a search ends however small the budget.
            found, found_intensity, s_iter, spent, n_search = _k.shift_seeds(
                centres, weights, self._queue, bandwidth, self.kernel, self.max_iter,
                max(budget - visits, 0.0), QUERY_COST)
            visits += spent
            queries += int(s_iter[:n_search].sum()) + n_search
            modes = np.concatenate([modes, found[:n_search]])
            intensity = np.concatenate([intensity, found_intensity[:n_search]])
            self._queue = self._queue[n_search:]
        self.last_work = SearchWork(int(visits), float(budget), n_tracked + n_search, queries,
                                    len(self._queue))
        return modes, intensity, n_tracked

    @staticmethod
    def _grid_seeds(centres, weights, bandwidth):
        """Seeds of the whole histogram, one per occupied grid cell of side bandwidth,
        the cells holding most pixels first (with a budget, those are searched first)."""
        seeds, totals = _bin_seeds(centres, bandwidth, 1.0, weights)
        return np.ascontiguousarray(seeds[np.argsort(-totals, kind="stable")])
