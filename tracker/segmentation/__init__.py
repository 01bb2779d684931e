"""Mean shift clustering (with ``MeanShift``, a scikit-learn drop-in) and live mean shift
colour segmentation with a bounded mode search (numba kernels)."""

from .cluster import estimate_bandwidth, mean_shift_cluster
from .estimator import MeanShift
from .segment import Segmentation, SegmentationStream, segment_frame

__all__ = ["MeanShift", "Segmentation", "SegmentationStream", "estimate_bandwidth",
           "mean_shift_cluster", "segment_frame"]
