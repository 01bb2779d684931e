"""Tracks exported for annotation tools and read back: the CVAT XML as datumaro (the
library under CVAT's import and export) reads it and as CVAT's own import interpolates it,
the MOT text as motmetrics reads it; every box is compared with the track CSV."""

import os
import xml.etree.ElementTree as ET
from collections import namedtuple

import cv2
import motmetrics
import numpy as np
import pytest

from tests.support.annotation_readers import csv_timeline, cvat_as_cvat_shows, datumaro_boxes
from tests.support.clips import make_sequence
from tests.support.paths import DEMO
from tracker.app.annotation_export import export_track, with_source, write_cvat, write_mot
from tracker.app.annotations import Annotations, Box, read_annotations, read_cvat
from tracker.cli import main
from tracker.errors import InputError, OutputError
from tracker.evaluation.otb import load_groundtruth
from tracker.app import TrackCsvWriter

State = namedtuple("State", "box rotated score lost")
SIZE, COUNT = (320, 240), 80            # the frames the situations are set in


def state(x, y, w=30.0, h=40.0, score=0.9, lost=False):
    return State((x, y, w, h), ((x + w / 2, y + h / 2), (w, h), 0.0), score, lost)


def write_situations(path):
    """A recording of every situation the export must carry, written by our CSV writer:
    target 0 moves in a straight line (frames 0-19), then unevenly (20-29), is lost (30-34),
    stands still (35-49); the recording steps back to frame 40 and tracks 40-49 again
    elsewhere; it jumps ahead to frame 55 (nothing on 50-54), and target 0's rows end at 59,
    twenty frames before the video does. Target 1 starts at frame 5 and is lost from frame
    70 to the end. Target 2 is never in sight."""
    rng = np.random.default_rng(7)
    walk = np.round(np.cumsum(rng.normal(0, 1.5, (10, 2)), axis=0), 2)
    with TrackCsvWriter(path) as csv_out:
        def frame(f, second_pass=False):
            states = {}
            if f < 20:
                states[0] = state(10 + 1.5 * f, 20 + 0.5 * f)
            elif f < 30:
                states[0] = state(40 + walk[f - 20, 0], 30 + walk[f - 20, 1])
            elif f < 35:
                states[0] = state(70.25, 33.5, score=0.2, lost=True)
            elif f < 50:
                states[0] = state(150.0 + (f - 40) * 2 if second_pass else 60.0, 33.5 if second_pass else 31.0)
            elif 55 <= f < 60:
                states[0] = state(200 + f, 100)
            if f >= 5:
                states[1] = state(250.0 - f, 150.5 + (f % 3) * 0.3, w=20, h=25,
                                  score=0.3 if f >= 70 else 0.8, lost=f >= 70)
            states[2] = state(5, 5, score=0.1, lost=True)
            csv_out.write_states(f, states)

        for f in range(50):
            frame(f)
        for f in range(40, 50):
            frame(f, second_pass=True)
        for f in range(55, COUNT):
            frame(f)
    return path


@pytest.fixture
def situations(tmp_path):
    return write_situations(tmp_path / "situations.csv")


@pytest.fixture(scope="module")
def demo_track(tmp_path_factory):
    """A real track: the demo clip's target, 150 of its 300 frames."""
    path = tmp_path_factory.mktemp("demo") / "demo-track.csv"
    roi = ",".join(f"{v:g}" for v in load_groundtruth(DEMO / "groundtruth_rect.txt")[0])
    assert main(["track", str(DEMO / "demo.mp4"), "--roi", roi, "--out-csv", str(path),
                 "--max-frames", "150"]) == 0
    return path


def visible(timeline):
    return {key: row[:4] for key, row in timeline.items() if not row[5]}


def corners(x, y, w, h):
    return tuple(f"{v:.2f}" for v in (x, y, x + w, y + h))


def cvat_boxes(path):
    """[(track, frame, outside, keyframe)] of the file's boxes, in file order."""
    return [(int(t.get("id")), int(b.get("frame")), b.get("outside") == "1", b.get("keyframe") == "1")
            for t in ET.parse(path).getroot().iter("track") for b in t.iter("box")]


# -- CVAT for video -----------------------------------------------------------------------

@pytest.mark.parametrize("track", ["situations", "demo"])
def test_datumaro_reads_every_tracked_box_of_the_cvat_export(track, situations, demo_track, tmp_path):
    csv_path, source = (situations, None) if track == "situations" else (demo_track, DEMO / "demo.mp4")
    out = tmp_path / "track.xml"
    export_track(csv_path, out, "cvat", source=source, frame_size=None if source else SIZE,
                 frame_count=None if source else COUNT, label="pick-up")
    read = datumaro_boxes(out)
    tracked = visible(csv_timeline(csv_path))
    in_sight = {(b["track"], b["frame"]): b for b in read["boxes"] if not b["outside"]}
    assert set(in_sight) == set(tracked)                 # no frame missing, none added
    for key, (x, y, w, h) in tracked.items():
        assert in_sight[key]["box"] == pytest.approx([x, y, w, h], abs=1e-4), key
        assert in_sight[key]["label"] == "pick-up"
    # A lost frame's box, where the file has one, is outside.
    lost = {key for key, row in csv_timeline(csv_path).items() if row[5]}
    assert all(b["outside"] for b in read["boxes"] if (b["track"], b["frame"]) in lost)


@pytest.mark.parametrize("track", ["situations", "demo"])
def test_cvat_shows_every_frame_as_tracked(track, situations, demo_track, tmp_path):
    """CVAT keeps only keyframes and interpolates between them: what it then shows on every
    frame of the video is the tracked box, to the file's 0.01 px, and nothing elsewhere."""
    csv_path, source = (situations, None) if track == "situations" else (demo_track, DEMO / "demo.mp4")
    out = tmp_path / "track.xml"
    export_track(csv_path, out, "cvat", source=source, frame_size=None if source else SIZE,
                 frame_count=None if source else COUNT)
    shown = cvat_as_cvat_shows(out)
    tracked = visible(csv_timeline(csv_path))
    assert set(shown) == set(tracked)
    for key, box in tracked.items():
        assert tuple(f"{v:.2f}" for v in shown[key]) == corners(*box), key


def test_cvat_keyframes_where_set_lost_found_and_where_interpolation_needs_them(situations, tmp_path):
    out = tmp_path / "situations.xml"
    export_track(situations, out, "cvat", frame_size=SIZE, frame_count=COUNT)
    boxes = cvat_boxes(out)
    keys = {(t, f) for t, f, outside, key in boxes if key and not outside}
    outside = {(t, f) for t, f, is_outside, key in boxes if is_outside}
    assert all(key for _, _, is_outside, key in boxes if is_outside)       # outside only on keyframes
    # Target 0: set on 0; the straight line needs no keyframe between its ends (0 and 19);
    # lost on 30 (19..29 uneven: their own keyframes); found again on 35, stands still to 39;
    # the recording stepped back to 40; nothing on 50-54; 55-59; its rows end before the video.
    target0 = sorted(f for t, f in keys if t == 0)
    assert target0[:2] == [0, 19] and {35, 39, 40, 49, 55, 59} <= set(target0)
    assert not set(target0) & set(range(36, 39))
    assert sorted(f for t, f in outside if t == 0) == [30, 50, 60]
    # Target 1: set on its first row (5), nothing on 50-54 either, lost from 70 to the end.
    assert min(f for t, f in keys if t == 1) == 5 and {49, 55} <= {f for t, f in keys if t == 1}
    assert sorted(f for t, f in outside if t == 1) == [50, 70]
    assert max(f for t, f, _, _ in boxes if t == 1) == 70
    # Target 2 is never in sight: no track.
    assert {t for t, *_ in boxes} == {0, 1}


def test_cvat_task_has_the_source_size_frame_count_and_name(demo_track, tmp_path):
    out = tmp_path / "demo.xml"
    export_track(demo_track, out, "cvat", source=DEMO / "demo.mp4")
    capture = cv2.VideoCapture(str(DEMO / "demo.mp4"))
    frames = 0
    while capture.grab():
        frames += 1
    ok, frame = cv2.VideoCapture(str(DEMO / "demo.mp4")).read()
    task = ET.parse(out).getroot().find("meta/task")
    assert ET.parse(out).getroot().findtext("version") == "1.1"
    assert task.findtext("mode") == "interpolation"
    assert int(task.findtext("size")) == frames == 300
    assert (int(task.findtext("start_frame")), int(task.findtext("stop_frame"))) == (0, frames - 1)
    assert (int(task.findtext("original_size/width")), int(task.findtext("original_size/height"))) == \
        (frame.shape[1], frame.shape[0])
    assert task.findtext("name") == "demo" and task.findtext("labels/label/name") == "object"
    # The track ends on frame 149 of 300: CVAT must not hold its box to the end.
    assert (0, 150, True, True) in cvat_boxes(out)


# -- MOTChallenge ------------------------------------------------------------------------

# motmetrics 1.4 subtracts a tuple from two columns, which pandas 3 says it will read
# differently one day; the test checks the result, so the notice is only noise here.
@pytest.mark.filterwarnings("ignore:Operation with tuple is deprecated")
@pytest.mark.parametrize("track", ["situations", "demo"])
def test_motmetrics_reads_every_tracked_box_of_the_mot_export(track, situations, demo_track, tmp_path):
    csv_path = situations if track == "situations" else demo_track
    out = tmp_path / "track.txt"
    export_track(csv_path, out, "mot")
    table = motmetrics.io.loadtxt(str(out), fmt="mot15-2D")
    timeline = csv_timeline(csv_path)
    tracked = {(frame + 1, target + 1): row for (target, frame), row in timeline.items() if not row[5]}
    assert sorted(table.index) == sorted(tracked)          # 1-based; lost frames have no row
    for (frame, target), row in table.iterrows():
        x, y, w, h, score, _ = tracked[(frame, target)]
        assert [row.X, row.Y, row.Width, row.Height] == pytest.approx([x, y, w, h], abs=1e-9)
        assert row.Confidence == pytest.approx(score, abs=1e-9)
    lines = [tuple(int(v) for v in line.split(",")[:2]) for line in out.read_text().splitlines()]
    assert lines == sorted(lines)                          # by frame, then id
    assert all(line.endswith(",-1,-1,-1") for line in out.read_text().splitlines())


# -- reading back ----------------------------------------------------------------------

@pytest.mark.parametrize("to, suffix", [("cvat", ".xml"), ("mot", ".txt")])
def test_export_import_export_gives_the_same_file(to, suffix, situations, demo_track, tmp_path):
    for csv_path, name in ((situations, "situations"), (demo_track, "demo")):
        first, again = tmp_path / f"{name}{suffix}", tmp_path / f"{name}-again{suffix}"
        export_track(csv_path, first, to, frame_size=SIZE if name == "situations" else (640, 480),
                     frame_count=COUNT if name == "situations" else 300)
        (write_cvat if to == "cvat" else write_mot)(read_annotations(first), again)
        assert again.read_bytes() == first.read_bytes(), name


@pytest.mark.parametrize("to, suffix", [("cvat", ".xml"), ("mot", ".txt")])
def test_imported_boxes_are_the_tracked_ones(to, suffix, situations, tmp_path):
    out = tmp_path / f"situations{suffix}"
    export_track(situations, out, to, frame_size=SIZE, frame_count=COUNT)
    annotations = read_annotations(out)
    tracked = visible(csv_timeline(situations))
    for target in (0, 1, 2):
        for frame in range(COUNT):
            got = annotations.box_at(target, frame)
            if (target, frame) in tracked:
                # each corner within 0.004 px, so w and h within 0.008
                assert got == pytest.approx(tracked[(target, frame)], abs=0.0081), (target, frame)
            else:
                assert got is None, (target, frame)
    assert annotations.first_boxes() == {0: (0, (10.0, 20.0, 30.0, 40.0)),
                                         1: (5, pytest.approx((245.0, 150.5 + 5 % 3 * 0.3, 20.0, 25.0)))}
    assert annotations.boxes_on(10) == {0: pytest.approx((25.0, 25.0, 30.0, 40.0), abs=0.0081),
                                        1: pytest.approx((240.0, 150.8, 20.0, 25.0), abs=0.0081)}
    assert annotations.boxes_on(72) == {}


def test_read_annotations_knows_each_format(situations, tmp_path):
    gt = load_groundtruth(DEMO / "groundtruth_rect.txt")
    for path in (DEMO / "groundtruth_rect.txt", DEMO):                 # OTB, as --roi-from today
        otb = read_annotations(path)
        assert otb.first_boxes() == {0: (0, tuple(gt[0]))} and otb.box_at(0, 17) == tuple(gt[17])
        assert otb.frame_count == len(gt)
    own = read_annotations(situations)                                 # our CSV
    assert own.box_at(0, 44) == (158.0, 33.5, 30.0, 40.0)             # the second pass wins
    assert own.box_at(0, 31) is None and own.tracks[0][31].lost
    assert [f for f, b in own.tracks[0].items() if b.keyframe] == [0, 40, 55]
    for to, suffix in (("mot", ".txt"), ("cvat", ".xml")):
        export_track(situations, tmp_path / f"s{suffix}", to, frame_size=SIZE, frame_count=COUNT)
        assert read_annotations(tmp_path / f"s{suffix}").first_boxes()[0] == (0, (10.0, 20.0, 30.0, 40.0))


def test_sparse_cvat_keyframes_are_read_as_cvat_interpolates_them(tmp_path):
    """A file with keyframes only (hand-made or from another tool): frames between are
    interpolated, nothing after an outside keyframe, the last box held to the end."""
    xml = tmp_path / "sparse.xml"
    xml.write_text("""<?xml version="1.0" encoding="utf-8"?>
<annotations><version>1.1</version><meta><task><name>clip</name><size>25</size>
<labels><label><name>car</name></label></labels>
<original_size><width>640</width><height>360</height></original_size></task></meta>
<track id="3" label="car" source="manual">
 <box frame="0" keyframe="1" outside="0" occluded="0" xtl="10" ytl="20" xbr="50" ybr="60"/>
 <box frame="4" keyframe="0" outside="0" occluded="0" xtl="99" ytl="99" xbr="199" ybr="199"/>
 <box frame="10" keyframe="1" outside="0" occluded="0" xtl="30" ytl="20" xbr="80" ybr="60"/>
 <box frame="15" keyframe="1" outside="1" occluded="0" xtl="30" ytl="20" xbr="80" ybr="60"/>
 <box frame="20" keyframe="1" outside="0" occluded="0" xtl="5" ytl="6" xbr="25" ybr="36"/>
</track></annotations>""")
    annotations = read_cvat(xml)
    assert (annotations.frame_size, annotations.frame_count, annotations.label) == ((640, 360), 25, "car")
    shown = cvat_as_cvat_shows_meta_free(xml, stop=24)
    for frame in range(25):
        box = annotations.box_at(3, frame)
        if (3, frame) in shown:
            x0, y0, x1, y1 = shown[(3, frame)]
            assert box == pytest.approx((x0, y0, x1 - x0, y1 - y0)), frame
        else:
            assert box is None, frame
    assert annotations.box_at(3, 5) == pytest.approx((20, 20, 45, 40))      # not frame 4's box
    assert annotations.box_at(3, 24) == (5, 6, 20, 30)


def cvat_as_cvat_shows_meta_free(xml, stop):
    tree = ET.parse(xml)
    ET.SubElement(tree.getroot().find("meta/task"), "stop_frame").text = str(stop)
    path = xml.with_name("with-stop.xml")
    tree.write(path)
    return cvat_as_cvat_shows(path)


def test_cvat_for_images_boxes_are_read_per_image(tmp_path):
    xml = tmp_path / "images.xml"
    xml.write_text("""<annotations><version>1.1</version><meta><task><size>3</size><mode>annotation</mode>
</task></meta>
<image id="0" name="a.jpg" width="320" height="200">
 <box label="dog" occluded="0" xtl="1.5" ytl="2" xbr="11.5" ybr="22" z_order="0"/>
 <box label="dog" occluded="0" xtl="100" ytl="50" xbr="120" ybr="90"><attribute name="track_id">7</attribute></box>
</image>
<image id="2" name="c.jpg" width="320" height="200">
 <box label="dog" occluded="0" xtl="104" ytl="52" xbr="124" ybr="92"><attribute name="track_id">7</attribute></box>
</image></annotations>""")
    annotations = read_annotations(xml)
    assert annotations.frame_size == (320, 200) and annotations.label == "dog"
    assert annotations.first_boxes() == {7: (0, (100.0, 50.0, 20.0, 40.0)), 8: (0, (1.5, 2.0, 10.0, 20.0))}
    assert annotations.box_at(7, 2) == (104.0, 52.0, 20.0, 40.0) and annotations.box_at(7, 1) is None


# -- bad input, protected files -----------------------------------------------------------

LONG = "9" * 5000
BAD_FILES = {
    "header.csv": ("frame,x,y\n0,1,2\n", "not a track CSV"),
    "letters.csv": ("frame,id,x,y,w,h,angle,score,lost\n0,0,1,2,3,4,0,1,0\n1,0,a,2,3,4,0,1,0\n", "line 3"),
    "short.csv": ("frame,id,x,y,w,h,angle,score,lost\n0,0,1,2,3\n", "line 2"),
    "size.csv": ("frame,id,x,y,w,h,angle,score,lost\n0,0,1,2,0,4,0,1,0\n", "line 2"),
    "lost.csv": ("frame,id,x,y,w,h,angle,score,lost\n0,0,1,2,3,4,0,1,yes\n", "line 2"),
    "nan.csv": ("frame,id,x,y,w,h,angle,score,lost\n0,0,nan,2,3,4,0,1,0\n", "line 2"),
    "long.csv": (f"frame,id,x,y,w,h,angle,score,lost\n0,0,{LONG}x,2,3,4,0,1,0\n", "line 2"),
    "empty.csv": ("frame,id,x,y,w,h,angle,score,lost\n", "no rows"),
    "zero.txt": ("0,1,10,20,30,40,1,-1,-1,-1\n", "line 1"),
    "detections.txt": ("1,-1,10,20,30,40,0.9,-1,-1,-1\n", "line 1"),
    "twice.txt": ("1,1,10,20,30,40\n1,1,11,20,30,40\n", "second box"),
    "words.txt": ("hello world\n", "not an annotation file"),
    "broken.xml": ("<annotations><track id='0'>", "not a readable XML"),
    "root.xml": ("<html><body/></html>", "not a CVAT XML"),
    "nokey.xml": ("<annotations><track id='0' label='a'><box frame='0' xtl='1' ytl='1' xbr='5' ybr='5' "
                  "outside='0' keyframe='0'/></track></annotations>", "keyframe"),
    "corners.xml": ("<annotations><track id='0' label='a'><box frame='0' xtl='9' ytl='1' xbr='5' ybr='5' "
                    "outside='0' keyframe='1'/></track></annotations>", "xbr > xtl"),
    "frame.xml": ("<annotations><track id='0' label='a'><box frame='one' xtl='1' ytl='1' xbr='5' ybr='5' "
                  "outside='0' keyframe='1'/></track></annotations>", "frame"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_annotation_files_give_one_short_line(name, tmp_path):
    content, words = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError) as error:
        read_annotations(path)
    message = str(error.value)
    assert words in message and name in message
    assert "\n" not in message and len(message) < 300           # an excerpt, never the whole line


def test_binary_and_missing_files_are_refused_in_one_line(tmp_path):
    (tmp_path / "noise.xml").write_bytes(bytes(range(256)) * 4)
    for path, words in ((tmp_path / "noise.xml", "not a text file"), (tmp_path / "none.csv", "No such file")):
        with pytest.raises(InputError, match=words):
            read_annotations(path)
    with pytest.raises(InputError, match="no groundtruth_rect.txt"):
        read_annotations(tmp_path)


def test_exports_never_write_over_their_inputs(situations, tmp_path):
    before = situations.read_bytes()
    with pytest.raises(InputError, match="overwrite"):
        export_track(situations, situations, "mot")                           # MOT may end in .csv
    assert situations.read_bytes() == before
    first = tmp_path / "s.xml"
    export_track(situations, first, "cvat", frame_size=SIZE, frame_count=COUNT)
    written = first.read_bytes()
    with pytest.raises(InputError, match="overwrite"):
        write_cvat(read_annotations(first), first)
    assert first.read_bytes() == written
    make_sequence(tmp_path / "seq", n=12)                                     # a folder of images
    track = tmp_path / "seq-track.csv"
    track.write_text("frame,id,x,y,w,h,angle,score,lost\n0,0,20,40,30,30,0,1,0\n")
    with pytest.raises(InputError, match="overwrite"):
        export_track(track, tmp_path / "seq" / "img" / "track.xml", "cvat", source=tmp_path / "seq")
    assert not (tmp_path / "seq" / "img" / "track.xml").exists()


def test_a_failed_write_keeps_the_old_file_whole(situations, tmp_path, monkeypatch):
    out = tmp_path / "s.txt"
    out.write_text("an earlier export\n")

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError, match="No space left") as error:
        export_track(situations, out, "mot")
    assert "\n" not in str(error.value) and "s.txt" in str(error.value)
    assert out.read_text() == "an earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.txt", "situations.csv"]   # no part left


def test_a_track_that_does_not_fit_the_source_is_refused(tmp_path):
    video = DEMO / "demo.mp4"                                                 # 640x480, 300 frames
    for row, words in (("300,0,10,10,30,30,0,1,0", "300 frames"), ("0,0,600,10,60,30,0,1,0", "--resize")):
        track = tmp_path / "t.csv"
        track.write_text(f"frame,id,x,y,w,h,angle,score,lost\n{row}\n")
        with pytest.raises(InputError, match=words):
            export_track(track, tmp_path / "t.xml", "cvat", source=video)
    with pytest.raises(InputError, match="frame size"):
        export_track(track, tmp_path / "t.xml", "cvat")
    with pytest.raises(InputError, match="use one of"):
        export_track(track, tmp_path / "t.xml", "coco")
    with pytest.raises(InputError, match=r"\.xml"):
        export_track(track, tmp_path / "t.txt", "cvat", frame_size=SIZE)


def test_sequence_folder_names_the_task_and_gives_its_size(tmp_path):
    boxes = make_sequence(tmp_path / "Walker", n=12)
    annotations = Annotations(tracks={0: {f: Box(*b) for f, b in enumerate(boxes)}})
    annotations = with_source(annotations, tmp_path / "Walker" / "img")
    assert (annotations.name, annotations.frame_size, annotations.frame_count) == ("Walker", (160, 120), 12)


def slow_keyframes(points, forced):
    """The keyframe rule done the plain way: from each keyframe, try every later box as
    the next one, checking every box between against CVAT's interpolation."""
    keys = [bool(f) for f in forced]
    keys[0] = keys[-1] = True
    k = 0
    while k < len(points) - 1:
        e = k + 1
        while not keys[e] and all(abs(points[k][c] + (points[e + 1][c] - points[k][c]) * ((i - k) / (e + 1 - k))
                                      - points[i][c]) <= 0.004
                                  for i in range(k + 1, e + 1) for c in range(4)):
            e += 1
        keys[e] = True
        k = e
    return keys


def test_keyframes_are_those_of_the_plain_greedy_rule(tmp_path):
    """A stretch that goes straight, stands, curves, shakes and is re-set: the keyframes
    written are exactly those the rule gives when worked out the slow way."""
    rng = np.random.default_rng(3)
    frames = np.arange(400)
    x = np.where(frames < 100, 10 + 0.37 * frames, np.where(frames < 200, 47.0, 47 + 0.002 * (frames - 200) ** 2))
    x = np.where(frames >= 300, x + rng.normal(0, 0.01, 400), x)
    y = np.where(frames < 250, 20 + 0.25 * frames, 82.5 + rng.normal(0, 0.5, 400))
    track = tmp_path / "t.csv"
    with TrackCsvWriter(track) as out:
        for f in frames:
            out.write(int(f), state(float(x[f]), float(y[f])))
            if f == 320:                                 # stepped back: re-set on 310
                for g in range(310, 321):
                    out.write(g, state(float(x[g]) + 0.5, float(y[g])))
    xml = tmp_path / "t.xml"
    export_track(track, xml, "cvat", frame_size=(640, 480), frame_count=400)
    timeline = csv_timeline(track)
    points = [tuple(float(v) for v in corners(*timeline[(0, f)][:4])) for f in frames]
    forced = [f in (0, 310) for f in frames]
    want = {int(f) for f, key in zip(frames, slow_keyframes(points, forced)) if key}
    assert {f for t, f, outside, key in cvat_boxes(xml) if key and not outside} == want
    assert 10 < len(want) < 300                          # neither every box nor only the ends


def test_numbers_no_video_has_are_refused_not_filled_in(tmp_path):
    """A frame number of a billion would mean filling a billion frames in: one line instead."""
    xml = tmp_path / "far.xml"
    xml.write_text("<annotations><track id='0' label='a'>"
                   "<box frame='0' keyframe='1' outside='0' xtl='1' ytl='1' xbr='5' ybr='5'/>"
                   f"<box frame='{10 ** 9}' keyframe='1' outside='0' xtl='1' ytl='1' xbr='5' ybr='5'/>"
                   "</track></annotations>")
    mot = tmp_path / "far.txt"
    mot.write_text(f"1,1,10,20,30,40\n{'9' * 5000},1,10,20,30,40\n")
    infinite = tmp_path / "inf.txt"
    infinite.write_text("inf,1,10,20,30,40\n")
    for path, words in ((xml, "from 0 to 999999"), (mot, "line 2"), (infinite, "line 1")):
        with pytest.raises(InputError, match=words) as error:
            read_annotations(path)
        assert len(str(error.value)) < 300
