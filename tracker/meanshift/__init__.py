"""Colour models, back-projection, mean shift / CamShift and the MeanShiftTracker (numba kernels).

The tracker is composed of parts, each in a module of its own: the Track (state.py), the
TargetModel (model.py), the cues that make the weight image (cues.py), the LocalSearch
(search.py), size, angle and brightness as functions (adaptation.py), the Confidence
tests (confidence.py) and the Redetector (redetection.py).
"""

from .camshift import cam_shift, mean_shift
from .colour import ColourSpace, back_project, colour_space, target_histogram
from .multi import MultiTracker, box_iou
from .state import TrackState
from .tracker import MeanShiftTracker

__all__ = ["ColourSpace", "MeanShiftTracker", "MultiTracker", "TrackState", "back_project", "box_iou",
           "cam_shift", "colour_space", "mean_shift", "target_histogram"]
