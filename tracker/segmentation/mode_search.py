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

# Fixed work of a window query (the division, the convergence test, the calls) and of
# starting a seed (its share of merging and matching the modes), in visits (bins read):
# with bandwidths below the bin size every seed reads one bin, and seeds are then what
# there are many of.
QUERY_COST = 16


@dataclass(frozen=True)
class SearchWork:
    """What one frame's mode search cost.

    ``visits`` counts the histogram bins read by the window queries (a gaussian one as
    ``GAUSSIAN_POINT_COST``), their grid table lookups and ``QUERY_COST`` a query and a
    seed; a frame makes no query that would
    take it past ``budget``, but for one query of the grid search (so that the search
    always moves on). ``seeds`` counts the seeds shifted (to the end or part-way) and
    ``queries`` their window queries (mean shift steps); ``pending`` is how many seeds of
    the grid search are left for later frames (the first may be part-way).
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
        self._queue_steps = np.zeros(0, np.int64)   # steps done by a seed left part-way
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
        how many of ``tracked`` finished; the rest (when the tracked seeds alone used the
        budget) did not, and have intensity 0.
        """
        modes, intensity, t_steps, visits, n_tracked, t_started = _k.shift_seeds(
            centres, weights, tracked, bandwidth, self.kernel, self.max_iter, budget,
            QUERY_COST, np.zeros(len(tracked), np.int64), 0)
        queries = int(t_steps[:t_started].sum()) + n_tracked   # a finished seed's last query adds no step
        if start_search and not self.searching:
            self._queue = self._grid_seeds(centres, weights, bandwidth)
            self._queue_steps = np.zeros(len(self._queue), np.int64)
        n_search = 0
        if self.searching:
            # With nothing tracked (a first frame) one search seed finishes whatever the
            # budget: a segmentation needs a cluster.
            before = self._queue_steps
            found, found_intensity, s_steps, spent, n_search, s_started = _k.shift_seeds(
                centres, weights, self._queue, bandwidth, self.kernel, self.max_iter,
                max(budget - visits, 0.0), QUERY_COST, before, int(len(tracked) == 0))
            visits += spent
            queries += int((s_steps[:s_started] - before[:s_started]).sum()) + n_search
            modes = np.concatenate([modes, found[:n_search]])
            intensity = np.concatenate([intensity, found_intensity[:n_search]])
            # A seed left part-way goes on from where it is next frame.
            self._queue = np.concatenate([found[n_search:s_started], self._queue[s_started:]])
            self._queue_steps = np.concatenate([s_steps[n_search:s_started],
                                                self._queue_steps[s_started:]])
            n_search = s_started
        self.last_work = SearchWork(int(visits), float(budget), t_started + n_search, queries,
                                    len(self._queue))
        return modes, intensity, n_tracked

    @staticmethod
    def _grid_seeds(centres, weights, bandwidth):
        """Seeds of the whole histogram, one per occupied grid cell of side bandwidth,
        the cells holding most pixels first (with a budget, those are searched first)."""
        seeds, totals = _bin_seeds(centres, bandwidth, 1.0, weights)
        return np.ascontiguousarray(seeds[np.argsort(-totals, kind="stable")])
