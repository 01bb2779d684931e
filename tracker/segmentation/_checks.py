"""Checks of the arrays the clustering and segmentation API takes (points, weights,
seeds); its scalar arguments go through the checks every layer uses (`tracker.checks`).

Each returns the value in the form the kernels want or raises ``InputError`` with one
line that names the argument and says what it got; none lets a bare TypeError through
(a string where a number belongs, an unhashable kernel name).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError


class InputTypeError(InputError, TypeError):
    """Input of a type that cannot be used (a sparse matrix, a dict among the numbers):
    a TypeError too, as NumPy and scikit-learn raise for the same input."""


def as_points(points, name="points") -> np.ndarray:
    """A non-empty, finite N x D float64 array (C-contiguous).

    Accepts what scikit-learn's ``check_array`` accepts as numeric and refuses what it
    refuses, with a message of the same words (its estimator checks match them): sparse
    matrices, strings and bytes (numbers written as text are refused, not parsed),
    complex numbers, other than two dimensions, no rows or no columns, NaN and infinity.
    An object array is converted number by number, as NumPy does.
    """
    if _is_sparse(points):
        raise InputTypeError(f"{name} is a sparse matrix, and sparse data is not supported: "
                         f"pass a dense array ({name}.toarray())")
    try:
        arr = np.asarray(points)
        if arr.dtype.kind in "USV":
            raise InputError(f"{name} holds strings or bytes, not numbers: dtype='numeric' "
                             "is not compatible with arrays of bytes/strings; convert them "
                             "to numbers first")
        if arr.dtype.kind == "c":
            raise InputError(f"{name} holds complex numbers: Complex data not supported")
        if arr.dtype.kind in "mM":
            raise InputError(f"{name} holds dates or durations, not numbers")
        arr = arr.astype(np.float64, copy=False)
    except TypeError as exc:        # a dict, a complex or None in an object array
        raise InputTypeError(f"{name} must be numbers: {exc}") from None
    except ValueError as exc:       # ragged rows, text that is not a number
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{name} must be a numeric N x D array: {exc}") from None
    if arr.ndim != 2:
        raise InputError(f"{name} must be a 2-D N x D array, got {arr.ndim}-D (shape "
                         f"{arr.shape}): Reshape your data with reshape(-1, 1) for one "
                         "feature or reshape(1, -1) for one sample")
    if arr.shape[0] == 0:
        raise InputError(f"{name} must not be empty: it has 0 sample(s) (shape={arr.shape}) "
                         "while a minimum of 1 is required.")
    if arr.shape[1] == 0:
        raise InputError(f"{name} must not be empty: it has 0 feature(s) "
                         f"(shape={arr.shape}) while a minimum of 1 is required.")
    if not np.isfinite(arr).all():
        raise InputError(f"{name} contain NaN or infinite values")
    return np.ascontiguousarray(arr)


def _is_sparse(value) -> bool:
    """A SciPy sparse matrix or array, recognised without importing SciPy."""
    return type(value).__module__.startswith("scipy.sparse") and hasattr(value, "nnz")


def as_weights(weights, n: int, name="weights", per="point") -> np.ndarray:
    """One finite non-negative float64 per point (all 1 when None)."""
    if weights is None:
        return np.ones(n)
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a numeric array of one value per {per}") from None
    if w.shape != (n,):
        raise InputError(f"{name} must have one value per {per}, shape ({n},), got {w.shape}")
    if not (np.isfinite(w).all() and (w >= 0).all()):
        raise InputError(f"{name} must be finite and non-negative")
    return np.ascontiguousarray(w)


def as_seeds(seeds, d: int, name="seeds") -> np.ndarray:
    """An M x D float64 array of finite starting positions (M may be 0)."""
    try:
        s = np.asarray(seeds, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a numeric M x D array") from None
    s = as_points(s, name) if s.size else np.empty((0, d))
    if s.shape[1] != d:
        raise InputError(f"{name} must have {d} columns like the points, got shape {s.shape}")
    return s
