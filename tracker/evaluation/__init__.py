"""OTB evaluation, speed benchmarks against OpenCV, and deterministic synthetic scenes.

(``plots``, which needs the optional matplotlib, is imported on its own; so is
``bench_segmentation``, whose function of the same name would hide the module.)
"""

from .bench import bench_tracking, startup_time
from .otb import (GT_FILE, PERTURBED_STARTS, SequenceResult, centre_error, evaluate_sequence, evaluate_starts,
                  iou, load_groundtruth, lost_flag_figures, otb_curves, start_box, success_auc, throughput_fps)
from .synthetic import SCENARIOS, make_scene, render_clip

__all__ = ["GT_FILE", "PERTURBED_STARTS", "SCENARIOS", "SequenceResult", "bench_tracking",
           "centre_error", "evaluate_sequence", "evaluate_starts", "iou", "load_groundtruth", "lost_flag_figures",
           "make_scene", "otb_curves", "render_clip", "start_box", "startup_time", "success_auc",
           "throughput_fps"]
