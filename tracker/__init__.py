"""meanshift-tracker: colour-histogram mean shift tracking (CamShift-style) and live mean
shift colour segmentation, with numba.

The package never imports Qt; the GUI lives in the sibling ``gui`` package.
"""

from .io import FrameSource, open_source   # first: io quiets OpenCV's logging before its first use
from .segmentation import (MeanShift, Segmentation, SegmentationStream, estimate_bandwidth,
                           mean_shift_cluster, segment_frame)
from .meanshift.colour import ColourSpace, back_project, colour_space, target_histogram
from .errors import InputError, SourceError, TrackerError
from .meanshift.camshift import cam_shift, mean_shift
from .app import FrameResult, Session, TrackingPipeline
from .meanshift.multi import MultiTracker
from .meanshift.tracker import MeanShiftTracker, TrackState

__all__ = [
    "ColourSpace", "FrameResult", "FrameSource", "InputError", "MeanShift", "MeanShiftTracker", "MultiTracker",
    "Segmentation", "SegmentationStream", "Session", "SourceError", "TrackState", "TrackerError",
    "TrackingPipeline", "back_project", "cam_shift", "colour_space", "estimate_bandwidth",
    "mean_shift", "mean_shift_cluster", "open_source", "segment_frame", "target_histogram",
]
__version__ = "0.1.0"
