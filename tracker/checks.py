"""The argument checks every layer uses: flags, whole numbers, numbers in a range,
choices, option dicts, frame sizes.

Each returns the value in the form the caller wants or raises `InputError` with one line
that names the argument and says what it got, ``NAME must be WHAT, got VALUE``; none
lets a bare TypeError through (a string where a number belongs, a bool where a count
does). The command line checks parsed values with the same functions, under the
option's name (``--max-frames must be at least 1, got 0``).
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from .errors import InputError

__all__ = ["as_choice", "as_count", "as_flag", "as_options", "as_positive", "as_real", "as_size",
           "as_subset"]


def _fail(name: str, what: str, value):
    shown = repr(value)
    if len(shown) > 60:                    # a 400-digit number or a long list: one short line
        shown = shown[:57] + "..."
    raise InputError(f"{name} must be {what}, got {shown}")


def _is_whole(value) -> bool:
    # bool is an Integral; as a count it is always a mistake.
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def _finite(value) -> bool:
    """math.isfinite, False for an int too large for a float (10**400) instead of raising."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def as_flag(value, name: str) -> bool:
    """True or False (NumPy's too); not 0, 1 or a string, which would hide a mistake."""
    if not isinstance(value, (bool, np.bool_)):
        _fail(name, "True or False", value)
    return bool(value)


def as_count(value, name: str, low: int = 0, *, none: bool = False) -> int | None:
    """A whole number (NumPy integers too; not a bool, a float or a string) >= ``low``;
    with ``none``, None too."""
    if value is None and none:
        return None
    if not _is_whole(value):
        _fail(name, "a whole number" + (" or None" if none else ""), value)
    if value < low:
        _fail(name, f"at least {low}", value)
    return int(value)


def as_real(value, name: str, low: float, high: float, *, low_open: bool = False,
            integer: bool = False):
    """A finite number in [low, high] (``low_open``: (low, high]); with ``integer``, a
    whole number in that range, returned as int. Neither a bool nor a string."""
    kind = Integral if integer else Real
    ok = isinstance(value, kind) and not isinstance(value, (bool, np.bool_)) \
        and _finite(value) and low <= value <= high and not (low_open and value == low)
    if not ok:
        bound = f"({low:g}" if low_open else f"[{low:g}"
        _fail(name, f"{'an integer' if integer else 'a number'} in {bound}, {high:g}]", value)
    return int(value) if integer else float(value)


def as_positive(value, name: str, *, none: bool = False) -> float | None:
    """A finite number above 0 (a NumPy number too; not a bool or a string); with
    ``none``, None too."""
    if value is None and none:
        return None
    ok = isinstance(value, Real) and not isinstance(value, (bool, np.bool_)) \
        and _finite(value) and value > 0
    if not ok:
        _fail(name, "a positive number" + (" or None" if none else ""), value)
    return float(value)


def as_choice(value, name: str, choices):
    """One of ``choices`` (compared with ==; an unhashable value is refused, not raised on)."""
    try:
        if value in choices:
            return value
    except TypeError:
        pass
    _fail(name, f"one of {', '.join(map(str, choices))}", value)


def as_subset(values, name: str, choices) -> tuple:
    """A non-empty sequence of ``choices`` (in its own order) as a tuple."""
    try:
        items = tuple(values)
        ok = bool(items) and all(v in choices for v in items)
    except TypeError:
        ok = False
    if not ok:
        _fail(name, f"a non-empty sequence of {', '.join(map(str, choices))}", values)
    return items


def as_options(value, name: str, what: str) -> dict:
    """A dict of keyword options (None: no options), for ``what`` (the class they go to)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        _fail(name, f"a dict of {what} options", value)
    return dict(value)


def as_size(value, name: str) -> tuple[int, int]:
    """A frame size ``(width, height)``: two whole numbers above 0."""
    try:
        width, height = value
    except (TypeError, ValueError):
        _fail(name, "a (width, height) pair", value)
    if not (_is_whole(width) and _is_whole(height) and width > 0 and height > 0):
        _fail(name, "a (width, height) pair of whole numbers above 0", value)
    return int(width), int(height)
