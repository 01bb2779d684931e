"""The batch engine's parts: the manifest (checked whole before any work), one task (the
same outputs as ``mstrack track``, written whole or not at all), the summary, and
running tasks on Dask (order kept, errors reported, a stop cancels what is pending)."""

from __future__ import annotations

import os
import time

import pytest

from tests.support.batch import make_clip, read_frames
from tests.support.clips import make_sequence
from tests.support.mstrack import run_cli
from tracker.app.batch import (BatchSettings, TaskResult, done_result, read_summary, remove_partials,
                               run_task, write_summary)
from tracker.app.manifest import Task, default_name, read_manifest
from tracker.errors import InputError


def write_manifest(folder, text, name="manifest.csv"):
    path = folder / name
    path.write_text(text)
    return path


# -- the manifest ---------------------------------------------------------------------

def test_manifest_rows_become_tasks_with_paths_relative_to_the_manifest(tmp_path):
    (tmp_path / "clips").mkdir()
    make_sequence(tmp_path / "clips" / "Seq")
    manifest = write_manifest(tmp_path / "clips", (
        "Source, ROI ,start,frames,name\n"
        'a.mp4,"10,20,30,40",,,\n'
        'sub/a.mp4,"10 20 30 40;1,2,3,4",5,100,\n'    # spaces, then a second target
        "Seq,,,,\n"
        "\n"                                            # a blank line is no row
        f"{tmp_path}/b c.avi,\"1,2,3,4\",,,mine\n"))
    tasks = read_manifest(manifest)
    folder = str(tmp_path / "clips")
    assert tasks == [
        Task(2, "a", "a.mp4", f"{folder}/a.mp4", ((10.0, 20.0, 30.0, 40.0),)),
        Task(3, "a-2", "sub/a.mp4", f"{folder}/sub/a.mp4", ((10.0, 20.0, 30.0, 40.0), (1.0, 2.0, 3.0, 4.0)),
             start=5, frames=100),
        Task(4, "Seq", "Seq", f"{folder}/Seq", None),
        Task(6, "mine", f"{tmp_path}/b c.avi", f"{tmp_path}/b c.avi", ((1.0, 2.0, 3.0, 4.0),)),
    ]


def test_default_names_are_plain_file_names_unique_in_any_case(tmp_path):
    assert default_name("/x/clip one.MP4") == "clip_one"
    assert default_name("/x/Bird1/") == "Bird1"
    assert default_name("/x/Bird1/img/%04d.jpg") == "img"
    assert default_name("/x/.hidden.avi") == "hidden"
    assert default_name("/x/été 2.avi") == "été_2"
    assert default_name("/x/a\udce9b.avi") == "a_b"                # not UTF-8 (surrogate escape)
    manifest = write_manifest(tmp_path, 'source,roi,name\nA.avi,"1,2,3,4",\na.avi,"1,2,3,4",\n'
                                        'x/a.avi,"1,2,3,4",a-2\nsummary.avi,"1,2,3,4",\n')
    # a-2 is taken by the third row, and "summary" by the batch's own summary.csv.
    assert [t.name for t in read_manifest(manifest)] == ["A", "a-3", "a-2", "summary-2"]


@pytest.mark.parametrize("text, words", [
    ("roi\n\"1,2,3,4\"\n", ["missing column 'source'"]),
    ("source\na.avi\n", ["missing column 'roi'"]),
    ("source,roi,frame\na.avi,\"1,2,3,4\",3\n", ["unknown column 'frame'"]),
    ("source,roi,roi\na.avi,,\n", ["column 'roi' twice"]),
    ("source,roi\na.avi,\"1,2,3\"\n", ["line 2", "roi must be X,Y,W,H"]),
    ("source,roi\na.avi,\"1,2,3,4;5,6\"\n", ["line 2", "roi must be X,Y,W,H"]),
    ("source,roi\na.avi,\"1,2,0,4\"\n", ["line 2", "no area"]),
    ("source,roi\na.avi,1,2,3,4\n", ["line 2", "quote a box"]),
    ("source,roi,name\na.avi,\"1,2,3,4\",x\nb.avi,\"1,2,3,4\",X\n", ["line 3", "'X' is given twice", "line 2"]),
    ("source,roi,name\na.avi,\"1,2,3,4\",../x\n", ["plain file name"]),
    ("source,roi,name\na.avi,\"1,2,3,4\",summary\n", ["taken"]),
    ("source,roi,start\na.avi,\"1,2,3,4\",-1\n", ["start must be a frame number"]),
    ("source,roi,frames\na.avi,\"1,2,3,4\",0\n", ["frames must be a whole number of at least 1"]),
    ("source,roi,frames\na.avi,\"1,2,3,4\",ten\n", ["frames must be"]),
    ("source,roi\ncamera:0,\"1,2,3,4\"\n", ["never ends"]),
    ("source,roi\n,\"1,2,3,4\"\n", ["no source"]),
    ("source,roi\n", ["lists no videos"]),
    ("", ["empty"]),
])
def test_bad_manifest_is_one_line_naming_the_mistake(tmp_path, text, words):
    with pytest.raises(InputError) as caught:
        read_manifest(write_manifest(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message and "manifest.csv" in message
    for word in words:
        assert word in message, (word, message)


def test_unreadable_manifest(tmp_path):
    with pytest.raises(InputError, match="cannot read manifest .*missing.csv.*No such file"):
        read_manifest(tmp_path / "missing.csv")
    (tmp_path / "latin1.csv").write_bytes(b"source,roi\n\xe9t\xe9.avi,\"1,2,3,4\"\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_manifest(tmp_path / "latin1.csv")


# -- one task -------------------------------------------------------------------------

def test_a_task_writes_what_mstrack_track_writes(tmp_path, capfd):
    clip = make_clip(tmp_path / "clip.avi")
    task = Task(2, "clip", "clip.avi", str(clip), ((20.0, 40.0, 30.0, 30.0),), start=3, frames=20)
    out = tmp_path / "out"
    out.mkdir()
    result = run_task(task, BatchSettings(str(out), video=True))
    code, _, err = run_cli(capfd, "track", clip, "--roi", "20,40,30,30", "--start-frame", 3,
                           "--max-frames", 20, "--out-csv", tmp_path / "track.csv",
                           "--out-video", tmp_path / "track.mkv")
    assert code == 0, err
    assert (result.status, result.frames, result.error) == ("ok", 20, "")
    assert (out / "clip.csv").read_bytes() == (tmp_path / "track.csv").read_bytes()
    assert read_frames(out / "clip.mkv") == read_frames(tmp_path / "track.mkv")
    assert sorted(os.listdir(out)) == ["clip.csv", "clip.mkv"]       # nothing partial left
    skipped = done_result(task, BatchSettings(str(out), video=True))
    assert (skipped.status, skipped.frames, skipped.lost) == ("skipped", 20, result.lost)
    # Written since a time: done by this batch (its result lost to an interruption).
    assert done_result(task, BatchSettings(str(out), video=True), since=0).status == "ok"
    assert done_result(task, BatchSettings(str(out), video=True), since=time.time() + 60) is None


def test_a_sequence_folder_brings_its_first_box(tmp_path, capfd):
    boxes = make_sequence(tmp_path / "Seq", n=12)
    out = tmp_path / "out"
    out.mkdir()
    result = run_task(Task(2, "Seq", "Seq", str(tmp_path / "Seq"), None), BatchSettings(str(out)))
    assert (result.status, result.frames) == ("ok", 12)
    first = (out / "Seq.csv").read_text().splitlines()[1].split(",")
    assert [float(v) for v in first[2:6]] == list(boxes[0])


@pytest.mark.parametrize("setup, words", [
    (lambda p: None, ["cannot open", "no such file"]),
    (lambda p: p.write_bytes(os.urandom(4000)), ["cannot open"]),
    (lambda p: p.mkdir(), ["no target", "groundtruth_rect.txt"]),
])
def test_a_failing_video_is_a_failed_result_and_leaves_nothing(tmp_path, setup, words):
    setup(tmp_path / "bad.avi")
    out = tmp_path / "out"
    out.mkdir()
    rois = None if (tmp_path / "bad.avi").is_dir() else ((1.0, 2.0, 3.0, 4.0),)
    result = run_task(Task(2, "bad", "bad.avi", str(tmp_path / "bad.avi"), rois), BatchSettings(str(out)))
    assert result.status == "failed" and "\n" not in result.error
    for word in words:
        assert word in result.error
    assert os.listdir(out) == []


def test_a_box_outside_every_frame_fails_its_task(tmp_path):
    clip = make_clip(tmp_path / "clip.avi")
    out = tmp_path / "out"
    out.mkdir()
    result = run_task(Task(2, "clip", "clip.avi", str(clip), ((900.0, 900.0, 10.0, 10.0),)),
                      BatchSettings(str(out)))
    assert result.status == "failed" and "outside" in result.error
    assert os.listdir(out) == []


def test_partials_of_dead_attempts_are_removed_and_only_those(tmp_path):
    for name in (".clip.0123abcd.partial.csv", ".clip.v2.89abcdef.partial.mkv", "clip.csv",
                 ".other.0123abcd.partial.csv", ".clip.notahex!.partial.csv"):
        (tmp_path / name).write_text("x")
    tasks = [Task(2, "clip", "", "", None), Task(3, "clip.v2", "", "", None)]
    assert remove_partials(tasks, BatchSettings(str(tmp_path))) == 2
    assert sorted(os.listdir(tmp_path)) == [".clip.notahex!.partial.csv", ".other.0123abcd.partial.csv",
                                            "clip.csv"]


def test_summary_is_written_whole(tmp_path):
    results = [TaskResult("a", "a.avi", "ok", 10, 2, 1.234), TaskResult("b", 'b,"x".avi', "failed",
                                                                         error="cannot open 'b'")]
    write_summary(tmp_path / "summary.csv", results)
    assert read_summary(tmp_path / "summary.csv") == [
        {"name": "a", "source": "a.avi", "status": "ok", "frames": "10", "frames_lost": "2",
         "seconds": "1.23", "error": ""},
        {"name": "b", "source": 'b,"x".avi', "status": "failed", "frames": "", "frames_lost": "",
         "seconds": "", "error": "cannot open 'b'"}]
    assert os.listdir(tmp_path) == ["summary.csv"]


# -- running tasks on Dask ------------------------------------------------------------

def square_or_fail(x):
    if x == 3:
        raise ValueError("three is refused")
    return x * x


def quick_then_wait(x, gate):
    """Item 0 ends at once; the others wait until the file ``gate`` exists."""
    deadline = time.monotonic() + 30
    while x and not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.01)
    return x


@pytest.fixture(scope="module")
def threaded_client():
    """A cluster of two single-threaded workers in this process: the engine's logic,
    without the seconds that starting processes takes (the CLI's tests start those)."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        yield client


def test_outcomes_come_in_the_items_order_with_errors_in_their_place(threaded_client):
    from tracker.app.cluster import run_tasks

    ended = []
    outcomes = run_tasks(threaded_client, square_or_fail, [1, 2, 3, 4, 5], priorities=[5, 4, 3, 2, 1],
                         on_done=lambda i, outcome: ended.append(i))
    assert [o.value for o in outcomes] == [1, 4, None, 16, 25]
    assert [type(o.error) for o in outcomes] == [type(None)] * 2 + [ValueError] + [type(None)] * 2
    assert str(outcomes[2].error) == "three is refused"
    assert sorted(ended) == [0, 1, 2, 3, 4]


def test_a_stop_cancels_what_is_pending_and_keeps_what_ended(threaded_client, tmp_path):
    from tracker.app.cluster import run_tasks

    ended = []                        # the stop request: true once the first task ended
    gate = tmp_path / "gate"
    try:
        outcomes = run_tasks(threaded_client, quick_then_wait, [0, 1, 2, 3], str(gate),
                             priorities=[9, 0, 0, 0], stop=ended, on_done=lambda i, o: ended.append(i))
    finally:
        gate.touch()                  # lets the task still running on a worker end
    assert ended == [0]
    assert outcomes[0].value == 0 and outcomes[1:] == [None, None, None]
