"""meanshift-tracker: colour-histogram mean shift tracking (CamShift-style) and live mean
shift colour segmentation, with numba.

The package never imports Qt; the GUI lives in the sibling ``gui`` package.
"""

from . import _numba  # noqa: F401  (first: a cache folder for numba before any kernel)
from .io import FrameSource, open_source   # io quiets OpenCV's logging before its first use
from .segmentation import (MeanShift, Segmentation, SegmentationStream, estimate_bandwidth,
                           mean_shift_cluster, segment_frame)
from .meanshift import (ColourSpace, MeanShiftTracker, MultiTracker, TrackState, back_project, cam_shift,
                        colour_space, mean_shift, target_histogram)
from .errors import InputError, SourceError, TrackerError
from .app import FrameResult, Session, TrackingPipeline

__all__ = [
    "ColourSpace", "FrameResult", "FrameSource", "InputError", "MeanShift", "MeanShiftTracker", "MultiTracker",
    "Segmentation", "SegmentationStream", "Session", "SourceError", "TrackState", "TrackerError",
    "TrackingPipeline", "back_project", "cam_shift", "colour_space", "estimate_bandwidth",
    "mean_shift", "mean_shift_cluster", "open_source", "segment_frame", "target_histogram",
]
__version__ = "0.1.0"
