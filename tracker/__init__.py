"""meanshift-tracker: colour-histogram mean shift tracking (CamShift-style) and live mean
shift colour segmentation, with numba.

The package never imports Qt; the GUI lives in the sibling ``gui`` package.
"""

from . import _numba  # noqa: F401  (first: a cache folder for numba before any kernel)
from .io import sources as _sources  # noqa: F401  (quiets OpenCV's logging before first use)
from .segmentation.cluster import estimate_bandwidth, mean_shift_cluster
from .segmentation.estimator import MeanShift
from .meanshift.colour import ColourSpace, back_project, colour_space, target_histogram
from .errors import InputError, SourceError, TrackerError
from .meanshift.camshift import cam_shift, mean_shift
from .pipeline import FrameResult, TrackingPipeline
from .segmentation.segment import Segmentation, SegmentationStream, segment_frame
from .io.sources import FrameSource, open_source
from .meanshift.multi import MultiTracker
from .meanshift.tracker import MeanShiftTracker, TrackState

__all__ = [
    "ColourSpace", "FrameResult", "FrameSource", "InputError", "MeanShift", "MeanShiftTracker", "MultiTracker",
    "Segmentation", "SegmentationStream", "SourceError", "TrackState", "TrackerError",
    "TrackingPipeline", "back_project", "cam_shift", "colour_space", "estimate_bandwidth",
    "mean_shift", "mean_shift_cluster", "open_source", "segment_frame", "target_histogram",
]
__version__ = "0.1.0"
