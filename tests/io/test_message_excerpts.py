"""Messages quote at most a short, printable excerpt of what a file holds, and file names
in one line whatever characters they have."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.errors import EXCERPT_CHARS, SourceError, excerpt, printable
from tracker.evaluation.otb import load_groundtruth

ROOT = Path(__file__).resolve().parents[2]


def test_a_50_megabyte_line_is_quoted_in_sixty_characters(tmp_path):
    gt = tmp_path / "groundtruth_rect.txt"
    gt.write_text("1,2,3,4\n" + "9" * 50_000_000 + ",x\n")
    with pytest.raises(SourceError) as error:
        load_groundtruth(gt)
    message = str(error.value)
    assert len(message) < 200 + len(str(gt))
    assert f"line 2 is not four numbers: '{'9' * EXCERPT_CHARS}...'" in message


def test_a_line_of_nul_bytes_is_shown_escaped_and_short(tmp_path):
    gt = tmp_path / "groundtruth_rect.txt"
    gt.write_bytes(b"1,2,3,4\n" + b"\0" * 100_000 + b"\n")
    with pytest.raises(SourceError) as error:
        load_groundtruth(gt)
    message = str(error.value)
    assert "\0" not in message and "\\x00" in message and message.endswith("...'")
    assert len(message) < 200 + len(str(gt))


def test_the_command_line_says_it_in_one_short_line(tmp_path):
    gt = tmp_path / "gt.txt"
    gt.write_text("7" * 5_000_000 + "\n")
    done = subprocess.run([sys.executable, "-m", "tracker", "track", str(tmp_path / "none.mp4"),
                           "--roi-from", str(gt)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert len(done.stderr) < 400 and done.stderr.count("\n") == 1, done.stderr[:400]


@pytest.mark.parametrize("text, shown", [
    ("clip.mp4", "clip.mp4"),
    ("two\nlines.mp4", "two\\nlines.mp4"),
    ("tab\there", "tab\\there"),
    (os.fsdecode(b"caf\xe9.avi"), "caf\\xe9.avi"),
    ("caf\u00e9 \u65e5\u672c.mp4", "caf\u00e9 \u65e5\u672c.mp4"),     # printable as it is
])
def test_printable_names_stay_whole_and_on_one_line(text, shown):
    assert printable(text) == shown
    assert printable(text * 50) == shown * 50          # a name is never cut


def test_excerpt_cuts_after_the_escaping():
    assert excerpt("a" * 61) == "a" * 60 + "..."
    assert excerpt("a" * 60) == "a" * 60
    assert excerpt("\x01" * 30) == "\\x01" * 15 + "..."
