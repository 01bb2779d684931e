"""One warm-up for every frame loop: compile, or load from numba's cache, every kernel a
frame goes through, untimed, before the first real frame.

numba compiles each kernel on its first call, up to seconds after a change: without a
warm-up the app's first frame takes seconds (and reports that as its cost) and
``mstrack eval``'s first sequence reports the compiler's speed rather than its own.
"""

from __future__ import annotations

import numpy as np

from ..segmentation.segment import SegmentationStream
from .compose import VIEWS, composed
from .pipeline import TrackingPipeline

# The square's left edge on each frame after the first; None: it is gone.
_PATH = (103, 106, None, None, None, None, 180, 180, 180)
assert len(_PATH) + 1 >= SegmentationStream.SEARCH_EVERY + 2   # every periodic step of a stream


def warm_up(segment_options: dict | None = None, *, segment: bool = True, **tracker_options) -> list:
    """Run a pipeline with these options through a small rendered scene: a square that
    moves, vanishes and comes back, so that the kernels of tracking, of losing the
    target and of re-finding it all run; with ``segment``, the segmentation of every
    frame and each view drawn too. Returns the target's states, for tests.
    """
    background = np.random.default_rng(0).integers(20, 60, (240, 320, 3), dtype=np.uint8)

    def scene(x):
        frame = background.copy()
        if x is not None:
            frame[100:140, x:x + 40] = (40, 200, 230)
        return frame

    pipeline = TrackingPipeline(segment=segment, segment_options=segment_options, **tracker_options)
    result = pipeline.set_target(scene(100), (100, 100, 40, 40))
    states = [result.states[result.selected]]
    for x in _PATH:
        result = pipeline.process(scene(x))
        states.append(result.states[result.selected])
    if segment:
        composed(result, VIEWS, pipeline.tracker)
    return states[1:]
