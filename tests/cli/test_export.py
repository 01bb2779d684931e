"""``mstrack export``: a real track of the demo clip written as MOT text and CVAT XML, read
back by the libraries the annotation tools use (motmetrics, datumaro) and compared box by
box with the CSV; a round trip export -> ``track --roi-from`` -> export gives the same file."""

import motmetrics
import pytest

from tests.support.annotation_readers import csv_timeline, cvat_as_cvat_shows, datumaro_boxes
from tests.support.mstrack import assert_one_line_error, run_cli
from tests.support.paths import DEMO
from tracker.app.boxes import box_text
from tracker.evaluation.otb import load_groundtruth

VIDEO = DEMO / "demo.mp4"
FRAMES = 150                          # of the clip's 300: the task is longer than the track


def track_demo(csv_path, *options):
    """``mstrack track`` of the demo clip; its exit code."""
    from tracker.cli import main

    return main(["track", str(VIDEO), *map(str, options), "--out-csv", str(csv_path),
                 "--max-frames", str(FRAMES)])


@pytest.fixture(scope="module")
def demo_track(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "demo-track.csv"
    assert track_demo(path, "--roi", box_text(load_groundtruth(DEMO / "groundtruth_rect.txt")[0])) == 0
    return path


def tracked(csv_path) -> dict:
    """{(target, frame): (x, y, w, h, score)} of the CSV's rows not lost."""
    return {key: row[:5] for key, row in csv_timeline(csv_path).items() if not row[5]}


# motmetrics 1.4 subtracts a tuple from two columns, which pandas 3 says it will read
# differently one day; the test checks the result, so the notice is only noise here.
@pytest.mark.filterwarnings("ignore:Operation with tuple is deprecated")
def test_mot_export_is_every_tracked_box_as_motmetrics_reads_it(demo_track, tmp_path, capfd):
    out = tmp_path / "demo.txt"
    code, said, err = run_cli(capfd, "export", demo_track, "--to", "mot", "--out", out)
    assert code == 0, err
    boxes = tracked(demo_track)
    assert said.strip() == f"exported 1 target, {len(boxes)} tracked boxes, as MOT file: {out}"
    table = motmetrics.io.loadtxt(str(out), fmt="mot15-2D")
    # MOT counts frames and ids from 1; motmetrics gives x, y back 0-based.
    assert sorted(table.index) == sorted((frame + 1, target + 1) for target, frame in boxes)
    for (frame, target), row in table.iterrows():
        x, y, w, h, score = boxes[(target - 1, frame - 1)]
        assert [row.X, row.Y, row.Width, row.Height] == pytest.approx([x, y, w, h], abs=1e-9)
        assert row.Confidence == pytest.approx(score, abs=1e-9)


def test_cvat_export_is_every_tracked_box_as_datumaro_and_cvat_read_it(demo_track, tmp_path, capfd):
    out = tmp_path / "demo.xml"
    code, said, err = run_cli(capfd, "export", demo_track, "--to", "cvat", "--out", out,
                              "--source", VIDEO, "--label", "pick-up")
    assert code == 0, err
    assert "(a task of 300 frames of 640x480)" in said
    boxes = tracked(demo_track)
    read = datumaro_boxes(out)
    in_sight = {(b["track"], b["frame"]): b for b in read["boxes"] if not b["outside"]}
    assert set(in_sight) == set(boxes)
    for key, (x, y, w, h, _) in boxes.items():
        assert in_sight[key]["box"] == pytest.approx([x, y, w, h], abs=1e-4), key
        assert in_sight[key]["label"] == "pick-up"
    # The track ends at frame 149: CVAT shows nothing after it, and every frame before
    # as tracked (it interpolates between the keyframes).
    shown = cvat_as_cvat_shows(out)
    assert set(shown) == set(boxes)
    for key, (x, y, w, h, _) in boxes.items():
        assert shown[key] == pytest.approx((x, y, x + w, y + h), abs=0.006), key


@pytest.mark.parametrize("to, suffix", [("mot", ".txt"), ("cvat", ".xml")])
def test_export_track_from_it_and_export_again_gives_the_same_file(to, suffix, demo_track, tmp_path, capfd):
    """The exported file's first box starts the tracker (``--roi-from``): the same track,
    and exported again, the same bytes."""
    first, again = tmp_path / f"first{suffix}", tmp_path / f"again{suffix}"
    source = ["--source", VIDEO]
    assert run_cli(capfd, "export", demo_track, "--to", to, "--out", first, *source)[0] == 0
    retracked = tmp_path / "retracked.csv"
    assert track_demo(retracked, "--roi-from", first) == 0
    assert f"target box from {first}: " in capfd.readouterr().err
    assert retracked.read_bytes() == demo_track.read_bytes()
    assert run_cli(capfd, "export", retracked, "--to", to, "--out", again, *source)[0] == 0
    assert again.read_bytes() == first.read_bytes()


def test_bad_exports_end_in_one_line_and_write_nothing(demo_track, tmp_path, capfd):
    other = tmp_path / "other-video.csv"          # boxes far outside the demo's 640x480
    other.write_text("frame,id,x,y,w,h,angle,score,lost\n0,0,900,700,50,50,0,1,0\n")
    not_csv = tmp_path / "notes.csv"
    not_csv.write_text("hello\n")
    cases = [
        (("--to", "cvat", "--out", tmp_path / "a.xml"), ["--source"]),
        (("--to", "mot", "--out", tmp_path / "a.txt", "--label", "car"), ["--label"]),
        (("--to", "mot", "--out", tmp_path / "a.xml"), ["a.xml", ".txt"]),
        (("--to", "cvat", "--out", tmp_path / "a.txt", "--source", VIDEO), ["a.txt", ".xml"]),
        (("--to", "mot", "--out", demo_track), ["overwrite"]),
        (("--to", "mot", "--out", tmp_path / "no" / "a.txt"), ["does not exist"]),
        (("--to", "cvat", "--out", tmp_path / "a.xml", "--source", tmp_path / "none.mp4"), ["none.mp4"]),
    ]
    for options, words in cases:
        code, _, err = run_cli(capfd, "export", demo_track, *options)
        assert_one_line_error(code, err, *words)
        assert code == 2
    for track, words in ((tmp_path / "missing.csv", ["missing.csv"]), (not_csv, ["not a track CSV"]),
                         (VIDEO, ["not a text file"])):
        code, _, err = run_cli(capfd, "export", track, "--to", "mot", "--out", tmp_path / "a.txt")
        assert_one_line_error(code, err, *words)
    code, _, err = run_cli(capfd, "export", other, "--to", "cvat", "--out", tmp_path / "a.xml", "--source", VIDEO)
    assert_one_line_error(code, err, "640x480", "another video")
    with pytest.raises(SystemExit) as usage:               # argparse's own one line
        run_cli(capfd, "export", demo_track, "--to", "json", "--out", tmp_path / "a.json")
    assert_one_line_error(usage.value.code, capfd.readouterr().err, "--to", "mot", "cvat")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.csv", "other-video.csv"]
