"""Checks of the arguments of the clustering and segmentation API.

Each returns the value in the form the kernels want or raises ``InputError`` with one
line that names the argument and says what it got; none lets a bare TypeError through
(a string where a number belongs, an unhashable kernel name).
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from ..errors import InputError


def _is_real(value) -> bool:
    # bool is an Integral, and so a Real; as an option value it is always a mistake.
    return isinstance(value, Real) and not isinstance(value, (bool, np.bool_))


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


def as_positive(value, name="bandwidth") -> float:
    """A positive finite number (not a bool, not a string)."""
    if not _is_real(value):
        raise InputError(f"{name} must be a positive number, got {value!r}")
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise InputError(f"{name} must be a positive finite number, got {value!r}")
    return v


def as_real(value, name: str, low: float, high: float = math.inf, low_open=False) -> float:
    """A finite number in [low, high] (or (low, high] with ``low_open``)."""
    if _is_real(value):
        v = float(value)
        if math.isfinite(v) and (v > low if low_open else v >= low) and v <= high:
            return v
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}]" if math.isfinite(high) \
        else f"a number {'>' if low_open else '>='} {low:g}"
    raise InputError(f"{name} must be {'in ' if math.isfinite(high) else ''}{interval}, "
                     f"got {value!r}")


def as_count(value, name: str, low: int) -> int:
    """An integer >= ``low`` (NumPy integers too; not a bool or a float)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral) or value < low:
        raise InputError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def as_flag(value, name: str) -> bool:
    """True or False (NumPy's too); not 0, 1 or a string, which would hide a mistake."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def as_choice(value, name: str, choices) -> str:
    """One of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise InputError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


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
