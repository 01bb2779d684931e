"""The pipeline's warm_up: after it, tracking and segmenting real frames compiles nothing
more (run in a fresh interpreter, so no earlier test has compiled anything)."""

import json
import subprocess
import sys

from tests.support.paths import ROOT

WARM_UP_CHECK = """
import json
from numba.core.registry import CPUDispatcher
from tracker.evaluation.otb import load_groundtruth
from tracker.io.sources import open_source
from tracker.meanshift import _colour_kernels, _meanshift_kernels
from tracker.app import VIEWS, TrackingPipeline, composed, warm_up
from tracker.segmentation import _cluster_kernels, _grid_kernels, _segment_kernels

def compiled():
    return {f"{m.__name__}.{n}": len(f.signatures)
            for m in (_colour_kernels, _meanshift_kernels, _cluster_kernels, _grid_kernels, _segment_kernels)
            for n, f in vars(m).items() if isinstance(f, CPUDispatcher)}

warm_up()
warm = compiled()
pipeline = TrackingPipeline(segment=True)
with open_source("videos/demo/demo.mp4") as source:
    frames = [source.read() for _ in range(6)]
result = pipeline.set_target(frames[0], load_groundtruth("videos/demo/groundtruth_rect.txt")[0])
for frame in frames[1:]:
    result = pipeline.process(frame)
    composed(result, VIEWS, pipeline.tracker)
print(json.dumps([warm, compiled()]))
"""


def test_warm_up_compiles_every_kernel_a_real_frame_needs():
    res = subprocess.run([sys.executable, "-c", WARM_UP_CHECK], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    warm, after_real_frames = json.loads(res.stdout.strip().splitlines()[-1])
    assert sum(warm.values()) >= 10                              # the kernels are ready ...
    assert after_real_frames == warm                             # ... and real frames add none
