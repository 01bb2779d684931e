"""tracker.MeanShift and tracker.estimate_bandwidth against scikit-learn's, on the classic
tutorials' own code and on edge cases.

Each tutorial case runs the same lines twice, once with scikit-learn's import and once
with ours, and compares everything the tutorials read: the bandwidth, the number of
clusters, the centres, the labels, ``n_iter_`` and ``predict``. Two cases take
scikit-learn 7-10 s at the tutorials' size; they run here at a quarter of it, and at
full size with ``MSTRACK_FULL_TUTORIALS=1`` (``scripts/bench_cluster.py`` runs and times
all four at full size).
"""

from __future__ import annotations

import inspect
import os
import warnings

import cv2
import numpy as np
import pytest
import sklearn
import sklearn.base
import sklearn.cluster
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

import tracker
from tracker import InputError, MeanShift, estimate_bandwidth

FULL = bool(os.environ.get("MSTRACK_FULL_TUTORIALS"))
CHINA = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "images", "china.jpg")


def photo_colours(side):
    """The tutorial's input: a photo's RGB pixels, uint8, one row each."""
    bgr = cv2.resize(cv2.imread(CHINA), (side, side), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).reshape(-1, 3)


def run_tutorial(module, X, quantile=None, n_samples=None, predict=None, **options):
    """The tutorials' lines with ``MeanShift`` and ``estimate_bandwidth`` from ``module``."""
    bandwidth = options.pop("bandwidth", None)
    if quantile is not None:
        bandwidth = module.estimate_bandwidth(X, quantile=quantile, n_samples=n_samples)
    ms = module.MeanShift(bandwidth=bandwidth, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # scikit-learn's "Binning data failed" fallback
        ms.fit(X)
    return bandwidth, ms, None if predict is None else ms.predict(predict)


def assert_same_as_sklearn(X, **case):
    bw, ours, ours_pred = run_tutorial(tracker, X, **case)
    sk_bw, theirs, sk_pred = run_tutorial(sklearn.cluster, X, **case)
    assert bw == sk_bw                                   # the same bits
    assert ours.cluster_centers_.shape == theirs.cluster_centers_.shape
    assert np.abs(ours.cluster_centers_ - theirs.cluster_centers_).max() <= 1e-6
    assert adjusted_rand_score(theirs.labels_, ours.labels_) == 1.0
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)   # same numbering too
    assert ours.labels_.dtype == theirs.labels_.dtype
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.n_features_in_ == theirs.n_features_in_ == X.shape[1]
    if sk_pred is not None:
        np.testing.assert_array_equal(ours_pred, sk_pred)
    return ours


# --- the four tutorial cases ----------------------------------------------------------------

def test_tutorial_blobs_with_bin_seeding():
    X, _ = make_blobs(n_samples=10000, centers=[[1, 1], [-1, -1], [1, -1], [-1, 1]],
                      cluster_std=0.6, random_state=0)
    ours = assert_same_as_sklearn(X, quantile=0.1, n_samples=500, bin_seeding=True)
    assert len(ours.cluster_centers_) >= 4


def test_tutorial_3d_points_all_defaults():
    X, _ = make_blobs(n_samples=150, centers=[[1, 1, 1], [5, 5, 5], [3, 10, 10]],
                      cluster_std=1.5, random_state=0)
    assert_same_as_sklearn(X)          # bandwidth estimated, a seed at every point


@pytest.mark.parametrize("n", [1000] if FULL else [250])
def test_tutorial_every_point_a_seed_then_predict(n):
    X, _ = make_blobs(n_samples=n, centers=3, cluster_std=1.0, random_state=0)
    new = np.random.default_rng(1).uniform(X.min(), X.max(), (400, 2))
    ours = assert_same_as_sklearn(X, quantile=0.2, n_samples=500, predict=new)
    assert len(ours.cluster_centers_) >= 2


@pytest.mark.parametrize("side", [512] if FULL else [96])
def test_tutorial_photo_colours(side):
    X = photo_colours(side)
    assert X.dtype == np.uint8
    ours = assert_same_as_sklearn(X, quantile=0.2, n_samples=500, bin_seeding=True,
                                  predict=X[::7])
    assert len(ours.cluster_centers_) >= 2


# --- edge cases against scikit-learn ----------------------------------------------------------

@pytest.mark.parametrize("X", [
    np.array([[1.5, -2.0, 3.25]]),                          # one point
    np.full((5, 2), 0.1),                                   # all equal, default bandwidth
    np.array([[1.0, 2], [1, 2], [1, 2], [5, 5], [5, 5], [5, 5]]),   # copies only
], ids=["one point", "all equal", "copies"])
def test_degenerate_inputs_with_estimated_bandwidth(X):
    for bin_seeding in (False, True):
        assert_same_as_sklearn(X, bin_seeding=bin_seeding)


def test_all_points_equal_where_sklearn_rounding_fails():
    # scikit-learn: the mean of 50 copies of 3.7 is not 3.7 in float64, so a zero
    # bandwidth finds nothing from it and it raises; each point is its own mode.
    X = np.tile([[3.7, 10.2, -4.4]], (50, 1))
    with pytest.raises(ValueError):
        sklearn.cluster.MeanShift().fit(X)
    ours = MeanShift().fit(X)
    np.testing.assert_array_equal(ours.cluster_centers_, X[:1])
    assert (ours.labels_ == 0).all() and ours.n_iter_ == 0
    # With a bandwidth both agree.
    assert_same_as_sklearn(X, bandwidth=1.0)


def test_cluster_all_false_labels_orphans_minus_one():
    X, _ = make_blobs(n_samples=600, centers=[[0, 0], [6, 6]], cluster_std=0.7, random_state=3)
    X = np.concatenate([X, [[20.0, -20.0], [-15.0, 18.0], [25.0, 25.0]]])   # far outliers
    # Bins of 3 points or more seed; the lone outliers then have no mode within reach.
    ours = assert_same_as_sklearn(X, bandwidth=1.5, bin_seeding=True, min_bin_freq=3,
                                  cluster_all=False)
    assert (ours.labels_[-3:] == -1).all()
    assert 0.9 < (ours.labels_[:-3] >= 0).mean() < 1.0    # a blob's fringe is orphaned too
    # cluster_all=True gives them their nearest centre instead.
    everything = assert_same_as_sklearn(X, bandwidth=1.5, bin_seeding=True, min_bin_freq=3)
    assert (everything.labels_ >= 0).all()


def test_seeds_given():
    X, _ = make_blobs(n_samples=800, centers=4, cluster_std=0.8, random_state=5)
    seeds = X[::40] + 0.3
    # Given seeds are the only ones: bin_seeding is ignored, as in scikit-learn.
    for bin_seeding in (False, True):
        assert_same_as_sklearn(X, bandwidth=1.2, seeds=seeds, bin_seeding=bin_seeding)
    assert_same_as_sklearn(X, bandwidth=1.2, seeds=seeds.tolist(), max_iter=3)


def test_every_point_its_own_bin_falls_back_to_point_seeds_with_sklearns_warning():
    X = np.random.default_rng(11).uniform(0, 100, (60, 3))
    with pytest.warns(UserWarning, match="Binning data failed"):
        MeanShift(bandwidth=1.0, bin_seeding=True).fit(X)
    assert_same_as_sklearn(X, bandwidth=1.0, bin_seeding=True)


def test_no_point_within_bandwidth_of_any_seed():
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match="within bandwidth"):
        sklearn.cluster.MeanShift(bandwidth=1.0, seeds=[[5.0, 5.0]]).fit(X)
    with pytest.raises(InputError, match="within bandwidth"):
        MeanShift(bandwidth=1.0, seeds=[[5.0, 5.0]]).fit(X)


def test_huge_coordinates_give_the_scaled_down_result():
    # Squared distances of 1e155 overflow float64; the clustering is scaled exactly.
    X, _ = make_blobs(n_samples=300, centers=[[0, 0], [8, 8]], cluster_std=1.0, random_state=2)
    small = MeanShift(bandwidth=2.0, bin_seeding=True).fit(X)
    scale = 2.0 ** 512         # a power of two: the same bits, multiplied
    big = MeanShift(bandwidth=2.0 * scale, bin_seeding=True).fit(X * scale)
    np.testing.assert_array_equal(big.labels_, small.labels_)
    np.testing.assert_array_equal(big.cluster_centers_, small.cluster_centers_ * scale)
    np.testing.assert_array_equal(big.predict(X[:50] * scale), small.predict(X[:50]))


# --- the estimator interface ------------------------------------------------------------------

def test_signature_and_defaults_are_sklearns():
    ours = inspect.signature(MeanShift.__init__).parameters
    theirs = inspect.signature(sklearn.cluster.MeanShift.__init__).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == \
        [(p.name, p.kind, p.default) for p in theirs.values()]
    assert MeanShift().get_params() == sklearn.cluster.MeanShift().get_params()
    ours = inspect.signature(estimate_bandwidth).parameters
    assert [(p.name, p.default) for p in ours.values()] == \
        [("X", inspect.Parameter.empty), ("quantile", 0.3), ("n_samples", None),
         ("random_state", 0), ("n_jobs", None)]


def test_params_clone_repr_and_fit_predict():
    ms = MeanShift(bandwidth=2, bin_seeding=True)
    assert repr(ms) == repr(sklearn.cluster.MeanShift(bandwidth=2, bin_seeding=True)) \
        == "MeanShift(bandwidth=2, bin_seeding=True)"
    assert ms.set_params(max_iter=50, cluster_all=False) is ms
    assert ms.get_params()["max_iter"] == 50 and not ms.cluster_all
    copy = sklearn.base.clone(ms)                  # scikit-learn's own tools accept it
    assert copy is not ms and copy.get_params() == ms.get_params()
    with pytest.raises(InputError, match="no parameter 'bandwdith'"):
        ms.set_params(bandwdith=3)
    X, _ = make_blobs(n_samples=400, centers=3, random_state=4)
    labels = MeanShift(bandwidth=2.0).fit_predict(X)
    np.testing.assert_array_equal(labels, MeanShift(bandwidth=2.0).fit(X).labels_)
    assert MeanShift(bandwidth=2.0).fit(X, y=np.zeros(400)).n_features_in_ == 2


def test_predict_checks():
    with pytest.raises(InputError, match="not fitted"):
        MeanShift().predict([[0.0, 0.0]])
    ms = MeanShift(bandwidth=1.0).fit(np.array([[0.0, 0], [0, 1], [5, 5]]))
    with pytest.raises(InputError, match="X has 3 features, but MeanShift is expecting 2 features as input"):
        ms.predict([[0.0, 0, 0]])


@pytest.mark.parametrize("option, value", [
    ("bandwidth", True), ("bandwidth", "2"), ("bandwidth", 0.0), ("bandwidth", -1.0),
    ("bandwidth", float("nan")), ("bin_seeding", "yes"), ("bin_seeding", 1),
    ("cluster_all", None), ("min_bin_freq", 0), ("min_bin_freq", 1.5), ("max_iter", -5),
    ("max_iter", True), ("n_jobs", "all"), ("seeds", [[1.0, 2.0, 3.0]]), ("seeds", [["a", "b"]]),
    ("seeds", np.empty((0, 2))),
])
def test_bad_options_name_the_option(option, value):
    X = np.array([[0.0, 0.0], [0.1, 0.2], [3.0, 3.0], [3.1, 2.9]])
    with pytest.raises(InputError, match=option) as info:
        MeanShift(**{option: value}).fit(X)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("call, message", [
    (lambda X: estimate_bandwidth(X, quantile="0.1"), "quantile"),
    (lambda X: estimate_bandwidth(X, quantile=True), "quantile"),
    (lambda X: estimate_bandwidth(X, quantile=0), "quantile"),
    (lambda X: estimate_bandwidth(X, n_samples=2.5), "n_samples"),
    (lambda X: estimate_bandwidth(X, n_samples=10, random_state=-1), "random_state"),
    (lambda X: estimate_bandwidth(X, n_samples=10, random_state="x"), "random_state"),
    (lambda X: estimate_bandwidth(X, n_jobs=1.0), "n_jobs"),
    (lambda X: MeanShift().fit([[1.0, np.nan]]), "NaN"),
    (lambda X: MeanShift().fit(np.ones(5)), "2-D"),
])
def test_bad_estimate_bandwidth_and_fit_input(call, message):
    with pytest.raises(InputError, match=message) as info:
        call(np.random.default_rng(0).normal(size=(30, 2)))
    assert "\n" not in str(info.value)
