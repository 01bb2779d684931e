"""``mstrack batch`` and ``mstrack eval --workers`` on Dask: a local cluster of two worker
processes, and a real scheduler with two workers, one of them killed mid-batch.

Every output of a batch must be what ``mstrack track`` writes for the same row: the
CSV byte for byte, the video frame for frame (a Matroska file's own ids and dates
differ from run to run)."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys

import cv2
import pytest

from tests.support import batch as support
from tests.support.batch import make_clip, read_frames
from tests.support.clips import make_sequence
from tests.support.mstrack import assert_one_line_error, run_cli
from tests.support.paths import ROOT
from tracker.app.batch import read_summary
from tracker.cli import main


def track_reference(capfd, out, source, *options):
    """`mstrack track`'s CSV and video of ``source``: the reference for a batch's outputs."""
    code, _, err = run_cli(capfd, "track", source, *options, "--out-csv", out.with_suffix(".csv"),
                           "--out-video", out.with_suffix(".mkv"))
    assert code == 0, err
    return out.with_suffix(".csv").read_bytes(), read_frames(out.with_suffix(".mkv"))


def partials(folder):
    return [name for name in os.listdir(folder) if ".partial." in name]


def any_finished(folder) -> bool:
    """A track in ``folder`` under its final name: a task has ended."""
    return folder.is_dir() and any(n.endswith(".csv") and not n.startswith(".") for n in os.listdir(folder))


class RecordedProgress:
    """`TaskProgress` as on a terminal, keeping each line it draws."""

    shown: list = []

    def __new__(cls, total):
        from tracker.cli.progress import TaskProgress

        progress = TaskProgress(total, stream=io.StringIO())
        progress.enabled = True
        progress._write = lambda text: cls.shown.append(text)
        return progress


def test_batch_on_a_local_cluster_of_two_workers(tmp_path, capfd, monkeypatch):
    data, out, ref = tmp_path / "data", tmp_path / "out", tmp_path / "ref"
    (data / "clips").mkdir(parents=True)
    ref.mkdir()
    make_clip(data / "clips" / "walk.avi", n=40)
    make_clip(data / "clips" / "two.avi", n=30)
    make_sequence(data / "SeqA", n=15)
    make_sequence(data / "SeqB", n=12)
    (data / "clips" / "corrupt.avi").write_bytes(os.urandom(6000))
    (data / "manifest.csv").write_text(
        "source,roi,start,frames,name\n"
        'clips/walk.avi,"20,40,30,30",,,\n'
        'clips/two.avi,"20,40,30,30;60,60,20,20",2,20,\n'
        "SeqA,,,,\n"
        "SeqB,,3,,seq-b\n"
        'clips/missing.avi,"1,2,3,4",,,\n'
        'clips/corrupt.avi,"1,2,3,4",,,\n')
    monkeypatch.setattr("tracker.cli.batch.TaskProgress", RecordedProgress)
    RecordedProgress.shown = []
    code, stdout, err = run_cli(capfd, "batch", data / "manifest.csv", "--out", out, "--workers", 2,
                                "--video")

    assert code == 1, err                                  # some failed
    assert "Traceback" not in err
    failures = [line for line in err.splitlines() if "failed:" in line]
    assert len(failures) == 2
    assert any("missing" in f for f in failures) and any("corrupt" in f for f in failures)
    summary = read_summary(out / "summary.csv")
    assert [(r["name"], r["source"], r["status"]) for r in summary] == [
        ("walk", "clips/walk.avi", "ok"), ("two", "clips/two.avi", "ok"), ("SeqA", "SeqA", "ok"),
        ("seq-b", "SeqB", "ok"), ("missing", "clips/missing.avi", "failed"),
        ("corrupt", "clips/corrupt.avi", "failed")]
    assert [r["frames"] for r in summary] == ["40", "20", "15", "9", "", ""]
    assert "no such file" in summary[4]["error"] and "cannot open" in summary[5]["error"]
    assert "batch: 4 ok, 2 failed" in stdout
    bars = [text for text in RecordedProgress.shown if "done" in text]     # the bar over videos
    assert "videos [" in bars[-1] and "4/6 done, 2 failed, 0 running" in bars[-1] and "fps" in bars[-1]

    references = {
        "walk": track_reference(capfd, ref / "walk", data / "clips" / "walk.avi", "--roi", "20,40,30,30"),
        "two": track_reference(capfd, ref / "two", data / "clips" / "two.avi", "--roi", "20,40,30,30",
                               "--roi", "60,60,20,20", "--start-frame", 2, "--max-frames", 20),
        "SeqA": track_reference(capfd, ref / "SeqA", data / "SeqA"),
        "seq-b": track_reference(capfd, ref / "seq-b", data / "SeqB", "--start-frame", 3),
    }
    for name, (csv_bytes, frames) in references.items():
        assert (out / f"{name}.csv").read_bytes() == csv_bytes, name
        assert read_frames(out / f"{name}.mkv") == frames, name
    lost = {r["name"]: r["frames_lost"] for r in summary[:4]}
    assert lost == {name: str(sum(line.endswith(b",1") for line in csv_bytes.splitlines()))
                    for name, (csv_bytes, _) in references.items()}
    assert sorted(os.listdir(out)) == sorted([f"{n}.{s}" for n in references for s in ("csv", "mkv")]
                                             + ["summary.csv"])      # nothing of the failed, nothing partial


@pytest.mark.parametrize("text, words", [
    ('source,roi\nclip.avi,"1,2,3"\n', ["line 2", "roi must be X,Y,W,H"]),
    ("source\nclip.avi\n", ["missing column 'roi'"]),
    ('source,roi,name\na.avi,"1,2,3,4",x\nb.avi,"1,2,3,4",x\n', ["line 3", "given twice"]),
    ('source,roi,start\na.avi,"1,2,3,4",first\n', ["line 2", "start"]),
])
def test_a_bad_manifest_is_refused_with_one_line_before_any_work(tmp_path, capfd, text, words):
    (tmp_path / "manifest.csv").write_text(text)
    code, _, err = run_cli(capfd, "batch", tmp_path / "manifest.csv", "--out", tmp_path / "out")
    assert code == 2
    assert_one_line_error(code, err, *words)
    assert not (tmp_path / "out").exists()


def test_options_are_checked_before_any_work(tmp_path, capfd):
    (tmp_path / "m.csv").write_text('source,roi\na.avi,"1,2,3,4"\n')
    (tmp_path / "file").write_text("")
    for argv, words in [(["--out", tmp_path / "file"], ["is a file"]),
                        (["--out", tmp_path / "o", "--workers", 0], ["workers"]),
                        (["--out", tmp_path / "o", "--workers", 2, "--scheduler", "tcp://x:1"], ["not allowed"]),
                        (["--out", tmp_path / "o", "--bandwidth", 8], ["--segment"])]:
        try:
            code, _, err = run_cli(capfd, "batch", tmp_path / "m.csv", *argv)
        except SystemExit as exit:                   # argparse's mistakes end this way
            code, err = exit.code, capfd.readouterr().err
        assert code == 2
        assert_one_line_error(code, err, *words)
    assert not (tmp_path / "o").exists()


def test_an_unreachable_scheduler_is_one_line(tmp_path, capfd, monkeypatch):
    from tracker.app import cluster

    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    make_clip(tmp_path / "a.avi")
    (tmp_path / "m.csv").write_text('source,roi\na.avi,"20,40,30,30"\n')
    code, _, err = run_cli(capfd, "batch", tmp_path / "m.csv", "--out", tmp_path / "o",
                           "--scheduler", f"tcp://127.0.0.1:{support.free_port()}")
    assert_one_line_error(code, err, "cannot reach the Dask scheduler")
    assert code == 2


# -- a real scheduler and two workers, started here ---------------------------------------

@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker --nthreads 1`` on 127.0.0.1, as processes
    of their own; yields (address, {worker address: pid}, worker processes)."""
    logs = tmp_path_factory.mktemp("dask-logs")
    port = support.free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [support.start("scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard",
                               log=open(logs / "scheduler.log", "w"))]
    try:
        for n in range(2):
            processes.append(support.start("worker", address, "--nthreads", 1, "--no-nanny",
                                           "--no-dashboard", "--host", "127.0.0.1",
                                           log=open(logs / f"worker{n}.log", "w")))
        pids = support.wait_for_workers(address, 2)
        yield address, pids
    finally:
        for process in reversed(processes):
            support.stop(process)


@pytest.fixture(scope="module")
def slow_clips(tmp_path_factory):
    """Five copies of one clip that takes a worker about a second with --segment, a
    manifest of them, and what `mstrack track` writes for it."""
    folder = tmp_path_factory.mktemp("slow")
    make_clip(folder / "clip.avi", n=100, size=(320, 240))
    names = [f"v{i}" for i in range(5)]
    for name in names:
        shutil.copy(folder / "clip.avi", folder / f"{name}.avi")
    (folder / "manifest.csv").write_text("source,roi\n" + "".join(f'{n}.avi,"20,40,30,30"\n' for n in names))
    # For Ctrl+C: more videos than two workers can end, and hold queued, between the first
    # track appearing and the interrupt being acted on, however fast the machine.
    (folder / "many.csv").write_text("source,roi,name\n" + "".join(f'clip.avi,"20,40,30,30",m{i}\n'
                                                                  for i in range(16)))
    assert main(["track", str(folder / "clip.avi"), "--roi", "20,40,30,30", "--segment",
                 "--out-csv", str(folder / "ref.csv")]) == 0
    return folder, names, (folder / "ref.csv").read_bytes()


def batch_process(manifest, out, address):
    return subprocess.Popen([sys.executable, "-m", "tracker", "batch", manifest, "--out", out,
                             "--scheduler", address, "--segment"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_a_killed_worker_costs_nothing_and_a_rerun_skips_everything(dask_cluster, slow_clips, tmp_path,
                                                                    capfd):
    address, pids = dask_cluster
    folder, names, reference = slow_clips
    out = tmp_path / "out"
    batch = batch_process(folder / "manifest.csv", out, address)
    try:
        # Once a video is done and both workers are busy with the next ones, kill one.
        both_busy = support.wait_until(lambda: any_finished(out) and len(partials(out)) >= 2)
        assert both_busy, os.listdir(out) if out.is_dir() else "no output folder"
        os.kill(list(pids.values())[1], signal.SIGKILL)
        stdout, stderr = batch.communicate(timeout=120)
    finally:
        if batch.poll() is None:
            batch.kill()
    assert batch.returncode == 0, stderr
    assert "Traceback" not in stderr
    summary = read_summary(out / "summary.csv")
    assert [(r["name"], r["status"], r["frames"]) for r in summary] == [(n, "ok", "100") for n in names]
    for name in names:
        assert (out / f"{name}.csv").read_bytes() == reference, name
    assert partials(out) == []           # the dead attempt's files went with it
    from distributed import Client

    with Client(address) as client:      # the worker left has been set to one thread
        assert list(client.run(cv2.getNumThreads).values()) == [1]

    code, stdout, err = run_cli(capfd, "batch", folder / "manifest.csv", "--out", out,
                                "--scheduler", address, "--segment")
    assert code == 0, err
    assert "5 of 5 videos already done" in stdout
    assert [(r["name"], r["status"], r["frames"]) for r in read_summary(out / "summary.csv")] == \
        [(n, "skipped", "100") for n in names]


def test_ctrl_c_cancels_what_is_pending_and_keeps_what_is_finished(dask_cluster, slow_clips, tmp_path):
    address, _ = dask_cluster
    folder, names, reference = slow_clips
    out = tmp_path / "out"
    batch = batch_process(folder / "many.csv", out, address)
    try:
        assert support.wait_until(lambda: any_finished(out))
        batch.send_signal(signal.SIGINT)
        stdout, stderr = batch.communicate(timeout=60)
    finally:
        if batch.poll() is None:
            batch.kill()
    assert batch.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    summary = read_summary(out / "summary.csv")
    statuses = [r["status"] for r in summary]
    assert [r["name"] for r in summary] == [f"m{i}" for i in range(16)]
    assert "ok" in statuses and "cancelled" in statuses and set(statuses) <= {"ok", "cancelled"}
    for row in summary:
        if row["status"] == "ok":
            assert (out / f"{row['name']}.csv").read_bytes() == reference


def test_ctrl_c_in_a_terminal_stops_the_local_cluster_cleanly(slow_clips, tmp_path):
    """A terminal's Ctrl+C reaches every process of the group, the local cluster's workers
    too: the batch alone decides what it means, and no process outlives it."""
    folder, names, reference = slow_clips
    out = tmp_path / "out"
    batch = subprocess.Popen([sys.executable, "-m", "tracker", "batch", folder / "many.csv", "--out", out,
                              "--workers", "2", "--segment"], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert support.wait_until(lambda: any_finished(out))
        os.killpg(batch.pid, signal.SIGINT)          # as the terminal sends it: to the group
        stdout, stderr = batch.communicate(timeout=60)
    finally:
        if batch.poll() is None:
            os.killpg(batch.pid, signal.SIGKILL)
    assert batch.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    statuses = [r["status"] for r in read_summary(out / "summary.csv")]
    assert "ok" in statuses and "cancelled" in statuses and set(statuses) <= {"ok", "cancelled"}
    assert partials(out) == []
    assert support.wait_until(lambda: not group_alive(batch.pid), timeout=10)   # the workers are gone


def group_alive(pgid) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


# -- eval on the same engine ------------------------------------------------------------

def test_eval_on_two_workers_gives_the_serial_results_in_the_same_order(tmp_path, capfd):
    """Perturbed starts too: each task tracks its sequence from every start."""
    sequences = []
    for name, n in (("Beta", 14), ("Alpha", 10), ("Gamma", 12)):
        make_sequence(tmp_path / name, n=n)
        sequences.append(tmp_path / name)
    results = {}
    for mode, extra in (("serial", []), ("dask", ["--workers", 2])):
        code, stdout, err = run_cli(capfd, "eval", *sequences, "--json", "--starts", 7, "--csv-dir", tmp_path / mode,
                                    *extra)
        assert code == 0, err
        results[mode] = json.loads(stdout)
    for report in results.values():                   # speed is not a result: it differs run to run
        for row in report["sequences"] + [report["mean"]]:
            row.pop("fps")
        report.pop("csv_files")
    assert [r["sequence"] for r in results["dask"]["sequences"]] == ["Beta", "Alpha", "Gamma"]
    assert [len(r["starts_success_auc"]) for r in results["dask"]["sequences"]] == [7, 7, 7]
    assert results["dask"] == results["serial"]
    for name in ("Alpha", "Beta", "Gamma"):
        serial = (tmp_path / "serial" / f"{name}.csv").read_bytes()
        assert (tmp_path / "dask" / f"{name}.csv").read_bytes() == serial, name


def test_time_left_is_said_at_the_precision_it_deserves():
    from tracker.cli.progress import duration

    assert [duration(s) for s in (0.4, 45, 725, 12000)] == ["0s", "45s", "12m05s", "3h20m"]
