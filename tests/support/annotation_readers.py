"""Independent readers for the annotation tests: our track CSV with the csv module, a CVAT
XML the way CVAT itself reads it, and datumaro's reading of it (run in its own venv)."""

import csv
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest

from tests.support.paths import ROOT


def csv_timeline(path) -> dict:
    """{(target, frame): (x, y, w, h, score, lost)} of a track CSV, the last row written for
    a target and frame winning (a recording that stepped back wrote it again)."""
    with open(path, newline="") as f:
        return {(int(r["id"]), int(r["frame"])): (float(r["x"]), float(r["y"]), float(r["w"]),
                                                   float(r["h"]), float(r["score"]), r["lost"] == "1")
                for r in csv.DictReader(f)}


def cvat_as_cvat_shows(path) -> dict:
    """{(track, frame): (xtl, ytl, xbr, ybr)} of every frame CVAT shows a box on, worked out
    as CVAT does on import: it keeps a track's boxes marked keyframe="1" (formats/cvat.py,
    load_anno) and fills the frames between by TrackManager.get_interpolated_shapes
    (annotation.py): linear between consecutive keyframes unless the first is outside,
    and after the last keyframe, if it is not outside, the same box to the last frame."""
    root = ET.parse(path).getroot()
    stop = int(root.find("meta/task/stop_frame").text)
    shown = {}
    for track in root.iter("track"):
        keys = [b for b in track.iter("box") if b.get("keyframe") == "1"]
        keys.sort(key=lambda b: int(b.get("frame")))
        for i, key in enumerate(keys):
            frame = int(key.get("frame"))
            points = [float(key.get(k)) for k in ("xtl", "ytl", "xbr", "ybr")]
            if key.get("outside") == "1":
                continue
            shown[(int(track.get("id")), frame)] = tuple(points)
            if i + 1 < len(keys):
                end = int(keys[i + 1].get("frame"))
                after = [float(keys[i + 1].get(k)) for k in ("xtl", "ytl", "xbr", "ybr")]
            else:
                end, after = stop + 1, points
            for f in range(frame + 1, end):
                offset = (f - frame) / (end - frame)
                shown[(int(track.get("id")), f)] = tuple(p + (a - p) * offset for p, a in zip(points, after))
    return shown


def datumaro_python() -> str:
    """The interpreter of the venv datumaro lives in. scripts/test makes it and names it in
    MSTRACK_DATUMARO_PYTHON, and then it must be there; a pytest started by hand without it
    skips the datumaro checks."""
    named = os.environ.get("MSTRACK_DATUMARO_PYTHON")
    python = named or str(ROOT / ".venv-datumaro" / "bin" / "python")
    if not os.access(python, os.X_OK):
        if named:
            pytest.fail(f"MSTRACK_DATUMARO_PYTHON={named} is not an interpreter")
        pytest.skip("datumaro's venv .venv-datumaro is missing (scripts/test makes it)")
    return python


def datumaro_boxes(path) -> dict:
    """{"datumaro": version, "boxes": [{frame, track, box (x, y, w, h), label, outside,
    keyframe}, ...]} as datumaro's "cvat" importer reads the file."""
    done = subprocess.run([datumaro_python(), str(ROOT / "tests" / "support" / "datumaro_cvat.py"), str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)
