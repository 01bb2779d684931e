"""A source the user may not read is reported as such, not as something OpenCV cannot
decode. Run in a child process that file permissions bind (root drops CAP_DAC_OVERRIDE
with setpriv; anyone else is bound anyway)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")

SCRIPT = """
import sys
from tracker.io.sources import open_source
for spec in sys.argv[1:]:
    try:
        open_source(spec).close()
        print("opened")
    except Exception as exc:
        print(type(exc).__name__, exc)
"""


def open_as_a_user(*specs):
    prefix = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions cannot be enforced")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    done = subprocess.run(prefix + [sys.executable, "-c", SCRIPT, *map(str, specs)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_unreadable_video_image_and_folder_say_permission_denied(tmp_path):
    video = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for _ in range(3):
        writer.write(np.full((48, 64, 3), 100, np.uint8))
    writer.release()
    image = tmp_path / "still.png"
    cv2.imwrite(str(image), np.zeros((8, 8, 3), np.uint8))
    folder = tmp_path / "frames"
    folder.mkdir()
    cv2.imwrite(str(folder / "0001.png"), np.zeros((8, 8, 3), np.uint8))
    readable = open_as_a_user(video, image, folder)
    assert readable == ["opened"] * 3
    for path in (video, image, folder):
        path.chmod(0)
    try:
        said = open_as_a_user(video, image, folder)
    finally:
        for path in (video, image, folder):
            path.chmod(0o755)
    assert said == [f"SourceError cannot open '{video}': permission denied",
                    f"SourceError cannot open '{image}': permission denied",
                    f"SourceError cannot open '{folder}': permission denied"]
