"""meanshift-tracker: colour-histogram mean shift tracking (CamShift-style) and live mean
shift colour segmentation, with numba.

The package never imports Qt; the GUI lives in the sibling ``gui`` package.

The names below are imported on first use (PEP 562): ``from tracker import
MeanShiftTracker`` loads the tracker and what it needs, not the app layer, the stream
readers or the segmentation, which saves a script or a worker process about a third of
a second at start-up.
"""

import importlib

from . import _numba  # noqa: F401  (first: a cache folder for numba before any kernel)

# Public name -> the subpackage that defines it.
_EXPORTS = {
    "FrameSource": ".io", "open_source": ".io",
    "MeanShift": ".segmentation", "Segmentation": ".segmentation", "SegmentationStream": ".segmentation",
    "estimate_bandwidth": ".segmentation", "mean_shift_cluster": ".segmentation", "segment_frame": ".segmentation",
    "ColourSpace": ".meanshift", "MeanShiftTracker": ".meanshift", "MultiTracker": ".meanshift",
    "TrackState": ".meanshift", "back_project": ".meanshift", "cam_shift": ".meanshift",
    "colour_space": ".meanshift", "mean_shift": ".meanshift", "target_histogram": ".meanshift",
    "InputError": ".errors", "SourceError": ".errors", "TrackerError": ".errors",
    "FrameResult": ".app", "Session": ".app", "TrackingPipeline": ".app",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value      # looked up once
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
