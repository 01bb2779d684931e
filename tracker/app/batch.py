"""The tasks of ``mstrack batch`` and ``mstrack eval --workers``, as plain functions.

`run_task` tracks one manifest row with `track_to_files`, the code ``mstrack track``
runs, into ``DIR/NAME.csv`` (and ``DIR/NAME.mkv``). It writes under temporary names
beside them and renames each file when the run is complete, the CSV last, so the
folder never holds a half track and a CSV there means its row is done. Nothing here
knows where it runs: on Dask (`tracker.app.cluster`), in a pool, or in this process.
"""

from __future__ import annotations

import csv
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TrackerError, printable
from .boxes import TargetBox
from .manifest import Task
from .tracking_run import track_to_files

SUMMARY_NAME = "summary.csv"
SUMMARY_HEADER = ("name", "source", "status", "frames", "frames_lost", "seconds", "error")
#: ok: tracked whole; failed: not (the error says why; nothing written); skipped: its
#: outputs were already there; cancelled: not run, the batch was interrupted.
STATUSES = ("ok", "failed", "skipped", "cancelled")
_PARTIAL = ".partial"
_PARTIAL_NAME = re.compile(r"\.(.+)\.[0-9a-f]{8}\.partial\.[^.]+")   # group 1: the task's name


@dataclass(frozen=True)
class BatchSettings:
    """What every task of a batch shares: where the outputs go and the tracker's options."""

    out_dir: str
    video: bool = False
    segment: bool = False
    segment_options: dict = field(default_factory=dict)
    tracker_options: dict = field(default_factory=dict)
    video_suffix: str = ".mkv"      # Matroska: a killed worker's partial file still plays

    def outputs(self, task: Task) -> tuple[Path, Path | None]:
        """``DIR/NAME.csv`` and, with `video`, ``DIR/NAME.mkv``."""
        folder = Path(self.out_dir)
        return folder / f"{task.name}.csv", (folder / f"{task.name}{self.video_suffix}"
                                             if self.video else None)


@dataclass
class TaskResult:
    """One row of ``summary.csv``."""

    name: str
    source: str
    status: str
    frames: int | None = None
    lost: int | None = None
    seconds: float | None = None
    error: str = ""

    def row(self) -> list[str]:
        blank = lambda v, fmt="{}": "" if v is None else fmt.format(v)   # noqa: E731
        return [self.name, self.source, self.status, blank(self.frames), blank(self.lost),
                blank(self.seconds, "{:.2f}"), self.error]


def one_thread() -> None:
    """Keep this process's OpenCV and numba to one thread, so that N single-threaded
    workers use N cores and no more (each library would start a thread per core).

    numba's pool, if it is not running yet, starts with one thread whenever it does
    (this package has no parallel kernel: it normally never starts)."""
    import cv2
    import numba

    cv2.setNumThreads(1)
    try:
        from numba.np.ufunc import parallel

        launched = bool(parallel._is_initialized)
    except (ImportError, AttributeError):
        launched = False
    if launched:
        numba.set_num_threads(1)        # the pool is there: use one of its threads
    else:
        os.environ["NUMBA_NUM_THREADS"] = "1"     # numba reads it again at each compile
        numba.config.NUMBA_NUM_THREADS = 1


def run_task(task: Task, settings: BatchSettings) -> TaskResult:
    """Track ``task`` whole into its outputs; a video that cannot be tracked (missing,
    corrupt, no target) is a ``failed`` result saying why, never an exception.

    The outputs appear, complete, only when the run is: ``DIR/.NAME.<id>.partial.csv``
    and so on are written and renamed, and removed if the run fails.
    """
    one_thread()
    t0 = time.perf_counter()
    csv_path, video_path = settings.outputs(task)
    token = uuid.uuid4().hex[:8]        # each attempt its own files: a retry never meets a dead one's
    partial_csv = partial_name(csv_path, token)
    partial_video = partial_name(video_path, token) if video_path else None
    try:
        run = track_to_files(task.path, task_targets(task), partial_csv, partial_video,
                             start=task.start, frames=task.frames, segment=settings.segment,
                             segment_options=settings.segment_options,
                             tracker_options=settings.tracker_options)
        failure = run.failure()
        if failure is None:
            if partial_video is not None:
                os.replace(partial_video, video_path)
            os.replace(partial_csv, csv_path)     # last: a CSV in DIR means its row is done
            return TaskResult(task.name, task.source, "ok", run.frames, run.lost,
                              time.perf_counter() - t0)
        return TaskResult(task.name, task.source, "failed", run.frames, run.lost,
                          time.perf_counter() - t0, failure)
    except (TrackerError, OSError) as e:
        return TaskResult(task.name, task.source, "failed", seconds=time.perf_counter() - t0,
                          error=one_line(e))
    finally:
        for path in (partial_csv, partial_video):
            if path is not None:
                _remove(path)


def cost_estimate(path) -> int:
    """Bytes of a source (a video file, or the images of a folder or sequence folder): to
    start the longest first, so that no long video is left to run alone at the end."""
    path = Path(path)
    try:
        if path.is_dir():
            folder = path / "img" if (path / "img").is_dir() else path
            return sum(entry.stat().st_size for entry in os.scandir(folder) if entry.is_file())
        return path.stat().st_size
    except OSError:
        return 0


def task_targets(task: Task) -> list[TargetBox]:
    """The row's boxes, or the sequence folder's own first box."""
    if task.rois is not None:
        return [TargetBox(box=box) for box in task.rois]
    if TargetBox.has_groundtruth(task.path):
        return [TargetBox.from_file(task.path)]
    from ..errors import InputError

    what = "a folder" if os.path.isdir(task.path) else "a file" if os.path.exists(task.path) else None
    if what is None:
        raise InputError(f"cannot open {printable(task.source)!r}: no such file or folder")
    raise InputError(f"no target: {printable(task.source)!r} is {what} without groundtruth_rect.txt, "
                     "so its row needs a roi")


def partial_name(path: Path, token: str) -> Path:
    """``DIR/.NAME.<token>.partial.csv``: hidden, beside the final file (a rename within a
    folder is atomic), with the final suffix (the video's codec follows it)."""
    return path.with_name(f".{path.stem}.{token}{_PARTIAL}{path.suffix}")


def remove_partials(tasks, settings: BatchSettings) -> int:
    """Remove what attempts that never finished left (a worker killed mid-task); how many."""
    names = {task.name for task in tasks}
    removed = 0
    try:
        entries = list(os.scandir(settings.out_dir))
    except OSError:
        return 0
    for entry in entries:
        match = _PARTIAL_NAME.fullmatch(entry.name)
        if match and match.group(1) in names and _remove(entry.path):
            removed += 1
    return removed


def done_result(task: Task, settings: BatchSettings, since: float | None = None) -> TaskResult | None:
    """A ``skipped`` result if the row's outputs are all there, counted from its CSV;
    None if the row is still to do. With `since` (a `time.time`), only outputs written
    since then count, and the result is ``ok``: a task that ended as the batch was
    interrupted, before its result came back."""
    csv_path, video_path = settings.outputs(task)
    if video_path is not None and not video_path.is_file():
        return None
    try:
        if since is not None and csv_path.stat().st_mtime < since:
            return None
        with open(csv_path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        frames = len({row["frame"] for row in rows})
        lost = sum(row["lost"] == "1" for row in rows)
    except (OSError, KeyError, UnicodeDecodeError, csv.Error):
        return None
    return TaskResult(task.name, task.source, "skipped" if since is None else "ok", frames, lost)


def write_summary(path, results) -> None:
    """``summary.csv``, one row per result, written whole or not at all (a temporary
    file renamed), so a killed batch leaves the previous summary intact."""
    path = Path(path)
    partial = partial_name(path, uuid.uuid4().hex[:8])
    try:
        with open(partial, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(SUMMARY_HEADER)
            writer.writerows(result.row() for result in results)
        os.replace(partial, path)
    finally:
        _remove(partial)


def read_summary(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def one_line(error: BaseException) -> str:
    """An exception as the one line a summary row has room for."""
    text = str(error).strip().splitlines()
    if isinstance(error, TrackerError) and text:
        return text[0]
    if isinstance(error, OSError) and error.strerror:
        where = f": {printable(error.filename)}" if error.filename else ""
        return f"{error.strerror}{where}"
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _remove(path) -> bool:
    try:
        os.remove(path)
        return True
    except OSError:
        return False


_warm = set()


def evaluate_task(sequence, tracker_options: dict, starts):
    """``mstrack eval``'s work on one sequence folder, as a task: the kernels warmed up
    once per process first, so that no sequence's fps counts compiling. A result per
    start (`evaluate_starts`)."""
    from ..evaluation.otb import evaluate_starts
    from ..meanshift.tracker import MeanShiftTracker
    from .warmup import warm_up

    key = tuple(sorted(tracker_options.items()))
    if key not in _warm:
        warm_up(segment=False, **tracker_options)
        _warm.add(key)
    return evaluate_starts(sequence, lambda: MeanShiftTracker(**tracker_options), starts)
