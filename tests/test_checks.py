"""The argument checks every layer uses: each names the argument and what it got."""

import numpy as np
import pytest

from tracker.checks import as_choice, as_count, as_flag, as_options, as_positive, as_real, as_size, as_subset
from tracker.errors import InputError


@pytest.mark.parametrize("check, value, message", [
    (lambda v: as_flag(v, "segment"), "no", "segment must be True or False, got 'no'"),
    (lambda v: as_flag(v, "segment"), 1, "segment must be True or False, got 1"),
    (lambda v: as_count(v, "trail_length"), -1, "trail_length must be at least 0, got -1"),
    (lambda v: as_count(v, "trail_length"), True, "trail_length must be a whole number, got True"),
    (lambda v: as_count(v, "trail_length"), 2.0, "trail_length must be a whole number, got 2.0"),
    (lambda v: as_count(v, "--max-frames", 1), 0, "--max-frames must be at least 1, got 0"),
    (lambda v: as_count(v, "total", none=True), "ten", "total must be a whole number or None, got 'ten'"),
    (lambda v: as_positive(v, "fps", none=True), float("nan"), "fps must be a positive number or None, got nan"),
    (lambda v: as_positive(v, "fps"), 0, "fps must be a positive number, got 0"),
    (lambda v: as_positive(v, "fps"), "30", "fps must be a positive number, got '30'"),
    (lambda v: as_choice(v, "arrangement", ("row", "column")), "grid",
     "arrangement must be one of row, column, got 'grid'"),
    (lambda v: as_choice(v, "view", ("track",)), ["track"], "view must be one of track, got ['track']"),
    (lambda v: as_subset(v, "views", ("track", "segment")), (), "views must be a non-empty sequence of "
     "track, segment, got ()"),
    (lambda v: as_subset(v, "views", ("track", "segment")), ("track", "x"), "views must be a non-empty "
     "sequence of track, segment, got ('track', 'x')"),
    (lambda v: as_options(v, "segment_options", "SegmentationStream"), 5,
     "segment_options must be a dict of SegmentationStream options, got 5"),
    (lambda v: as_size(v, "--resize"), (0, 10), "--resize must be a (width, height) pair of whole numbers "
     "above 0, got (0, 10)"),
    (lambda v: as_size(v, "size"), 640, "size must be a (width, height) pair, got 640"),
    (lambda v: as_positive(v, "bandwidth"), 10 ** 400, "bandwidth must be a positive number, got "
     + "1" + "0" * 56 + "..."),                     # too large for a float: refused, not an OverflowError
    (lambda v: as_real(v, "quantile", 0.0, 1.0), -10 ** 400, "quantile must be a number in [0, 1], got "
     + "-1" + "0" * 55 + "..."),
])
def test_a_bad_value_is_one_line_that_names_it(check, value, message):
    with pytest.raises(InputError) as caught:
        check(value)
    assert str(caught.value) == message


def test_good_values_come_back_in_the_form_callers_want():
    assert as_flag(np.bool_(True), "x") is True
    assert as_count(np.int64(3), "x") == 3 and type(as_count(np.int64(3), "x")) is int
    assert as_count(None, "x", none=True) is None and as_positive(None, "x", none=True) is None
    assert as_positive(np.float32(2.5), "x") == 2.5
    assert as_subset(["segment", "track"], "views", ("track", "segment")) == ("segment", "track")
    assert as_options(None, "o", "X") == {} and as_size((np.int32(4), 3), "s") == (4, 3)
