"""meanshift-tracker: colour-histogram mean shift tracking (CamShift-style) with numba.

The package never imports Qt; the GUI lives in the sibling ``gui`` package.
"""

from . import sources as _sources  # noqa: F401  (quiets OpenCV's logging before first use)
from .colour import ColourSpace, back_project, colour_space, target_histogram
from .errors import InputError, SourceError, TrackerError
from .meanshift import cam_shift, mean_shift
from .pipeline import FrameResult, TrackingPipeline
from .sources import FrameSource, open_source
from .tracking import MeanShiftTracker, TrackState

__all__ = [
    "ColourSpace", "FrameResult", "FrameSource", "InputError", "MeanShiftTracker",
    "SourceError", "TrackState", "TrackerError", "TrackingPipeline", "back_project",
    "cam_shift", "colour_space", "mean_shift", "open_source", "target_histogram",
]
__version__ = "0.1.0"
