"""tracker.MeanShift inside scikit-learn's own machinery, and on many features.

scikit-learn is the reference here, never a dependency: the estimator inherits nothing
from it, and these tests check that its tools (``check_estimator``, pipelines, grid
searches, ``check_is_fitted``, ``get_tags``) take ours as they take their own MeanShift,
that ours refuses the same input, and that it clusters points of any number of features
to the same labels and centres.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
import sklearn.cluster
from sklearn.datasets import make_blobs
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import check_estimator
from sklearn.utils.validation import check_is_fitted

import tracker
from tracker import InputError, MeanShift


@pytest.mark.parametrize("options", [{}, {"bin_seeding": True, "cluster_all": False}])
def test_passes_sklearns_check_estimator(options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # "does not inherit from BaseEstimator", skips
        results = check_estimator(MeanShift(**options), on_fail=None)
    failed = [(r["check_name"], repr(r["exception"])[:200]) for r in results
              if r["status"] == "failed"]
    assert failed == []
    assert sum(r["status"] == "passed" for r in results) >= 40


def test_tags_are_those_of_sklearns_meanshift():
    assert get_tags(MeanShift()) == get_tags(sklearn.cluster.MeanShift())


def test_check_is_fitted_before_and_after_fit():
    ms = MeanShift(bandwidth=1.0)
    with pytest.raises(NotFittedError):
        check_is_fitted(ms)
    with pytest.raises(NotFittedError, match="not fitted"):
        ms.predict([[0.0, 0.0]])
    with pytest.raises(InputError, match="not fitted"):     # and ours, for our callers
        ms.predict([[0.0, 0.0]])
    check_is_fitted(ms.fit([[0.0, 0.0], [0.5, 0.0], [9.0, 9.0]]))


def test_sklearn_stays_unimported():
    """Fitting, predicting and the errors work without scikit-learn ever being loaded."""
    code = ("import sys, numpy as np, tracker\n"
            "ms = tracker.MeanShift(bandwidth=1.0)\n"
            "try:\n"
            "    ms.predict([[0.0, 0.0]])\n"
            "except tracker.InputError as e:\n"
            "    assert isinstance(e, AttributeError) and 'not fitted' in str(e)\n"
            "ms.fit(np.r_[np.zeros((5, 30)), np.ones((5, 30)) * 9])\n"
            "assert (ms.cluster_centers_[ms.predict(np.zeros((2, 30)))] == 0).all()\n"
            "assert not any(m.startswith('sklearn') for m in sys.modules), 'imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


def test_in_a_pipeline_as_sklearns():
    X, _ = make_blobs(n_samples=300, centers=3, n_features=4, random_state=1)
    ours = make_pipeline(StandardScaler(), MeanShift(bandwidth=0.8)).fit(X)
    theirs = make_pipeline(StandardScaler(), sklearn.cluster.MeanShift(bandwidth=0.8)).fit(X)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_array_equal(ours[-1].labels_, theirs[-1].labels_)
    np.testing.assert_array_equal(
        make_pipeline(StandardScaler(), MeanShift(bandwidth=0.8)).fit_predict(X),
        theirs[-1].labels_)


def test_in_a_grid_search_as_sklearns():
    X, y = make_blobs(n_samples=120, centers=3, n_features=3, cluster_std=1.5, random_state=2)
    grid = {"bandwidth": [0.5, 2.0, 8.0]}
    ours = GridSearchCV(MeanShift(), grid, scoring="adjusted_rand_score", cv=3).fit(X, y)
    theirs = GridSearchCV(sklearn.cluster.MeanShift(), grid, scoring="adjusted_rand_score",
                          cv=3).fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    np.testing.assert_array_equal(ours.cv_results_["mean_test_score"],
                                  theirs.cv_results_["mean_test_score"])
    assert type(ours.best_estimator_) is MeanShift


REFUSED_OR_NOT = {
    "numeric strings": np.array([["1", "2"], ["3", "4"], ["5", "6"]]),
    "a list holding a string": [[1, "2"], [3, 4], [5, 6]],
    "bytes": np.array([[b"1", b"2"], [b"3", b"4"], [b"5", b"6"]]),
    "complex": np.array([[1 + 1j, 2], [3, 4], [5, 6]]),
    "complex, imaginary 0": np.array([[1 + 0j, 2], [3, 4], [5, 6]]),
    "complex in an object array": np.array([[1 + 1j, 2], [3, 4], [5, 6]], dtype=object),
    "a dict in an object array": np.array([[{}, 2], [3, 4], [5, 6]], dtype=object),
    "numbers in an object array": np.array([[1, 2], [3, 4], [5, 6]], dtype=object),
    "numeric strings in an object array": np.array([["1", 2], [3, 4], [5, 6]], dtype=object),
    "bools": np.array([[True, False], [False, True], [True, True]]),
    "one dimension": np.array([1.0, 2.0, 3.0]),
    "a scalar": 3.0,
    "three dimensions": np.zeros((2, 2, 2)),
    "no samples": np.zeros((0, 2)),
    "no features": np.zeros((3, 0)),
    "NaN": np.array([[np.nan, 2], [3, 4], [5, 6]]),
    "infinity": np.array([[np.inf, 2], [3, 4], [5, 6]]),
    "sparse": "sparse",
}


@pytest.mark.parametrize("case", REFUSED_OR_NOT)
def test_refuses_what_sklearn_refuses(case):
    X = REFUSED_OR_NOT[case]
    if case == "sparse":
        import scipy.sparse

        X = scipy.sparse.csr_matrix(np.eye(3))
    outcome = {}
    for name, estimator in (("sklearn", sklearn.cluster.MeanShift(bandwidth=2.0)),
                            ("ours", MeanShift(bandwidth=2.0))):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outcome[name] = estimator.fit(X).labels_
        except (ValueError, TypeError) as exc:
            outcome[name] = exc
    theirs, ours = outcome["sklearn"], outcome["ours"]
    if isinstance(theirs, Exception):
        assert isinstance(ours, InputError), case
        assert isinstance(ours, TypeError) == isinstance(theirs, TypeError), case
        assert "\n" not in str(ours)
    else:
        np.testing.assert_array_equal(ours, theirs)


def assert_same_clusters(ours, theirs):
    assert ours.cluster_centers_.shape == theirs.cluster_centers_.shape
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    scale = np.abs(theirs.cluster_centers_).max()
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=0,
                               atol=1e-12 * scale)
    assert ours.n_iter_ == theirs.n_iter_


@pytest.mark.parametrize("n, d, centres, seed_every", [
    (300, 24, 4, 5), (200, 40, 3, 4), (400, 7, 5, 4), (120, 64, 6, 3),
])
def test_many_features_cluster_as_sklearn(n, d, centres, seed_every):
    """Past a few features no grid pays (3^(D-1) cells a query): the neighbour search
    scans the points, with the same result."""
    X, _ = make_blobs(n_samples=n, n_features=d, centers=centres, cluster_std=1.5,
                      random_state=d)
    bandwidth = sklearn.cluster.estimate_bandwidth(X, quantile=0.1)
    # The same bits up to 15 features (scikit-learn's KD-tree); past them its ball tree
    # computes the distances in another order.
    assert tracker.estimate_bandwidth(X, quantile=0.1) == pytest.approx(bandwidth, rel=1e-14)
    options = dict(bandwidth=bandwidth, seeds=X[::seed_every])
    ours = MeanShift(**options).fit(X)
    theirs = sklearn.cluster.MeanShift(**options).fit(X)
    assert len(theirs.cluster_centers_) == centres        # a case with clusters to find
    assert_same_clusters(ours, theirs)
    new = np.random.default_rng(0).normal(0, 8, (50, d))
    np.testing.assert_array_equal(ours.predict(new), theirs.predict(new))


def test_bin_seeding_and_estimated_bandwidth_in_24_dimensions():
    X, _ = make_blobs(n_samples=300, n_features=24, centers=3, random_state=0)
    ours = MeanShift(bin_seeding=True).fit(X)
    theirs = sklearn.cluster.MeanShift(bin_seeding=True).fit(X)
    assert_same_clusters(ours, theirs)


def test_a_hundred_thousand_features():
    rng = np.random.default_rng(3)
    X = np.concatenate([rng.normal(0, 0.01, (6, 100_000)), rng.normal(1, 0.01, (6, 100_000))])
    options = dict(bandwidth=5.0, seeds=X[[0, 1, 6]])   # scikit-learn takes 0.3 s a window
    ours = MeanShift(**options).fit(X)
    theirs = sklearn.cluster.MeanShift(**options).fit(X)
    assert_same_clusters(ours, theirs)
    assert len(ours.cluster_centers_) == 2
    np.testing.assert_array_equal(ours.predict(X[::-1]), theirs.predict(X[::-1]))
