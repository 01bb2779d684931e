"""``MeanShift``: a drop-in for ``sklearn.cluster.MeanShift``, on this package's kernels.

The classic tutorials cluster with ``MeanShift(bandwidth=bw, bin_seeding=True).fit(X)``
and read ``labels_`` and ``cluster_centers_``; with ``from tracker import MeanShift,
estimate_bandwidth`` in place of scikit-learn's import the same code gives the same
clusters, many times faster. The class follows scikit-learn's estimator conventions
(keyword parameters stored as given and checked in ``fit``, ``get_params`` and
``set_params``, fitted attributes ending in ``_``, the input checks and their messages)
and speaks its protocol (``__sklearn_tags__``, ``__sklearn_is_fitted__``), so pipelines,
grid searches and ``check_estimator`` take it, without depending on scikit-learn: it
inherits nothing from it and imports it only when scikit-learn itself asks for the tags.
"""

from __future__ import annotations

import functools
import sys
import warnings

import numpy as np

from . import _cluster_kernels as _k
from ._grid_kernels import group_rows
from ._checks import as_points, as_seeds
from ..checks import as_count, as_flag, as_positive
from .cluster import _bin_seeds, cluster_points, estimate_bandwidth, nearest_mode
from ..errors import InputError, NotFittedError


class MeanShift:
    """Mean shift clustering with a flat kernel, as ``sklearn.cluster.MeanShift``.

    Each seed moves to the mean of the points within ``bandwidth`` of it until it moves
    less than ``1e-3 * bandwidth``; converged seeds closer than ``bandwidth`` to a
    stronger one (more points within reach) are dropped, and every point is labelled
    with its nearest remaining centre.

    Parameters
    ----------
    bandwidth : float, optional
        Radius of the flat kernel. None estimates it with
        ``estimate_bandwidth(X)`` (quantile 0.3 over all points, quadratic in their
        number).
    seeds : (M, n_features) array_like, optional
        Starting positions. None: the bin seeds when ``bin_seeding``, otherwise every
        point.
    bin_seeding : bool, default False
        Seed from the occupied cells of a grid of side ``bandwidth`` (one seed per cell
        holding at least ``min_bin_freq`` points) instead of from every point. Ignored
        when ``seeds`` are given.
    min_bin_freq : int, default 1
        Least points a grid cell needs to give a seed.
    cluster_all : bool, default True
        Label every point with its nearest centre; when False, points farther than
        ``bandwidth`` from every centre (orphans) are labelled -1.
    n_jobs : int, optional
        Accepted for scikit-learn's signature and ignored: the kernels run on one
        thread.
    max_iter : int, default 300
        Most mean shift steps per seed.

    Attributes
    ----------
    cluster_centers_ : (K, n_features) ndarray of float64
        The centres, strongest first.
    labels_ : (n_samples,) ndarray of int64
        The cluster of every point (-1 for orphans when ``cluster_all`` is False).
    n_iter_ : int
        The most iterations any seed took.
    n_features_in_ : int
        Number of features seen by ``fit``.
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a table with string column names.

    Notes
    -----
    The result is scikit-learn's (the same seeds, iterations, merging and labels) up to
    the rounding of the means: scikit-learn adds the points of a window in another order,
    about 1e-16 relative. Both compute in float64 for float64 or integer input; for
    float32 input scikit-learn averages in float32, so centres then agree to float32
    precision. Repeated points (a photo's colours) are clustered once with a count, which
    changes only that rounding. Any number of features works: up to six a uniform grid
    finds the points of a window, past that (where a query would read 3^(D-1) cells) a
    scan of all points does, as scikit-learn's own search scans past 15 features.
    """

    def __init__(self, *, bandwidth=None, seeds=None, bin_seeding=False, min_bin_freq=1,
                 cluster_all=True, n_jobs=None, max_iter=300):
        self.bandwidth = bandwidth
        self.seeds = seeds
        self.bin_seeding = bin_seeding
        self.min_bin_freq = min_bin_freq
        self.cluster_all = cluster_all
        self.n_jobs = n_jobs
        self.max_iter = max_iter

    _PARAMS = ("bandwidth", "seeds", "bin_seeding", "min_bin_freq", "cluster_all", "n_jobs",
               "max_iter")

    # --- scikit-learn's estimator conventions ----------------------------------------

    def get_params(self, deep=True) -> dict:
        """The parameters, by name (``deep`` is accepted and has nothing to recurse into)."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params) -> "MeanShift":
        """Set parameters by name; they are checked by the next ``fit``."""
        for name, value in params.items():
            if name not in self._PARAMS:
                raise InputError(f"MeanShift has no parameter {name!r}; valid parameters "
                                 f"are {', '.join(self._PARAMS)}")
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self):
        """scikit-learn's tags: a clusterer of dense, finite 2-D numbers, as its own.

        Only scikit-learn calls this (``sklearn.utils.get_tags``), so it can be imported
        here; importing it anywhere else would make it a dependency.
        """
        from sklearn.utils import InputTags, Tags, TargetTags

        return Tags(estimator_type="clusterer", target_tags=TargetTags(required=False),
                    input_tags=InputTags(two_d_array=True, sparse=False, allow_nan=False),
                    requires_fit=True)

    def __sklearn_is_fitted__(self) -> bool:
        """Whether ``fit`` has run (what ``sklearn.utils.validation.check_is_fitted`` asks)."""
        return hasattr(self, "cluster_centers_")

    def __repr__(self) -> str:
        defaults = MeanShift()
        changed = []
        for name in self._PARAMS:
            value, default = getattr(self, name), getattr(defaults, name)
            if value is not default and not (np.isscalar(value) and value == default
                                             and type(value) is type(default)):
                changed.append(f"{name}={value!r}")
        return f"MeanShift({', '.join(changed)})"

    # --- fitting and prediction ------------------------------------------------------

    def fit(self, X, y=None) -> "MeanShift":
        """Cluster ``X`` (n_samples x n_features); ``y`` is ignored. Returns self."""
        names = _feature_names(X)
        pts = as_points(X, "X")
        bandwidth, seeds = self._checked(pts)
        if bandwidth is None:
            bandwidth = estimate_bandwidth(pts)
            if bandwidth == 0.0:     # every point has as many copies as the quantile
                return self._fit_copies(pts, seeds, names)
        h = float(bandwidth)
        weights = np.ones(pts.shape[0])
        if seeds is None and self.bin_seeding:
            seeds = _bin_seeds(pts, bandwidth, self.min_bin_freq, weights)[0]
            if seeds.shape[0] == pts.shape[0]:
                warnings.warn(f"Binning data failed with provided bin_size={h:f}, using "
                              "data points as seeds.", stacklevel=2)
        elif seeds is None:
            seeds = pts
        centres, labels, dist, n_iter = cluster_points(pts, weights, seeds, h, _k.FLAT,
                                                       self.max_iter)
        labels = labels.astype(np.int64)
        if not self.cluster_all:
            labels[dist > h] = -1
        return self._fitted(centres, labels, n_iter, pts, names)

    def _fit_copies(self, pts, seeds, names):
        """A bandwidth of 0: each set of identical points is a cluster of its own.

        Mean shift with a zero radius moves no seed that sits on a point and finds
        nothing from any other, so the modes are the distinct points (or seeds on a
        point), strongest (most copies, then largest) first. scikit-learn gets the same
        when the mean of a point's copies rounds back to it, and fails otherwise.
        """
        group, first = group_rows(pts)
        counts = np.bincount(group)
        if seeds is not None:
            both_group, both_first = group_rows(np.concatenate([pts, seeds]))
            seeded = np.zeros(first.size, bool)
            seeded[both_group[pts.shape[0]:][both_group[pts.shape[0]:] < first.size]] = True
            if not seeded.any():
                raise InputError("no point lies within bandwidth=0 of any seed; "
                                 "give a bandwidth")
        else:
            seeded = np.ones(first.size, bool)
        unique = pts[first]
        # (count, point) descending, as scikit-learn sorts its modes.
        order = np.lexsort([unique[:, k] for k in range(unique.shape[1] - 1, -1, -1)]
                           + [counts])[::-1]
        order = order[seeded[order]]
        rank = np.full(first.size, -1, np.int64)
        rank[order] = np.arange(order.size)
        labels = rank[group]
        if self.cluster_all and (labels < 0).any():
            labels = nearest_mode(pts, unique[order])[0].astype(np.int64)
        return self._fitted(np.ascontiguousarray(unique[order]), labels, 0, pts, names)

    def _fitted(self, centres, labels, n_iter, pts, names):
        self.cluster_centers_ = centres
        self.labels_ = labels
        self.n_iter_ = n_iter
        self.n_features_in_ = pts.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return self

    def fit_predict(self, X, y=None) -> np.ndarray:
        """``fit(X)`` and return ``labels_``."""
        return self.fit(X).labels_

    def predict(self, X) -> np.ndarray:
        """The nearest centre of every row of ``X`` (int64; ties go to the first)."""
        if not self.__sklearn_is_fitted__():
            raise _not_fitted_error()("this MeanShift instance is not fitted yet: call "
                                      "fit(X) before predict")
        pts = as_points(X, "X")
        if pts.shape[1] != self.n_features_in_:
            raise InputError(f"X has {pts.shape[1]} features, but MeanShift is expecting "
                             f"{self.n_features_in_} features as input")
        labels, _ = nearest_mode(pts, self.cluster_centers_)
        return labels.astype(np.int64)

    def _checked(self, pts):
        """The checked bandwidth (None to estimate) and seeds (None to make them)."""
        bandwidth = self.bandwidth
        if bandwidth is not None:
            as_positive(bandwidth, "bandwidth")
        seeds = None if self.seeds is None else as_seeds(self.seeds, pts.shape[1])
        if seeds is not None and seeds.shape[0] == 0:
            raise InputError("seeds must not be empty")
        as_flag(self.bin_seeding, "bin_seeding")
        as_count(self.min_bin_freq, "min_bin_freq", 1)
        as_flag(self.cluster_all, "cluster_all")
        if self.n_jobs is not None:
            as_count(self.n_jobs, "n_jobs", -(2 ** 31))
        as_count(self.max_iter, "max_iter", 0)
        return bandwidth, seeds


def _feature_names(X):
    """String column names of a table (pandas and the like), as scikit-learn keeps them."""
    columns = getattr(X, "columns", None)
    if columns is None:
        return None
    names = np.asarray(list(columns), dtype=object)
    if names.size and all(isinstance(n, str) for n in names):
        return names
    return None


def _not_fitted_error():
    """The class to raise for a call before ``fit``: our `NotFittedError`, which is also
    scikit-learn's when scikit-learn is loaded (its tools catch their own class, and
    only a program that loaded scikit-learn can be using them)."""
    sklearn_exceptions = sys.modules.get("sklearn.exceptions")
    if sklearn_exceptions is None:
        return NotFittedError
    return _both_not_fitted(sklearn_exceptions.NotFittedError)


@functools.cache
def _both_not_fitted(sklearn_class):
    return type("NotFittedError", (NotFittedError, sklearn_class), {"__module__": __name__})
