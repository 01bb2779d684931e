"""OTB one-pass evaluation: ground truth loading, IoU, success AUC, precision@20, the
success and precision curves OTB papers plot, and whether the tracker knows when it is
wrong (false confidence, false alarm); from the annotated first box, and from shifted
and scaled ones (`PERTURBED_STARTS`).

A ground-truth row of NaN (how UAV123 and others mark a target out of view) is not
scored by any figure, nor a frame the tracker never saw (skipped as damaged): scoring
them as misses halved a sequence's AUC and made its false confidence 100 %."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import SourceError, excerpt, printable
from ..io import sources

GT_FILE = "groundtruth_rect.txt"
SUCCESS_THRESHOLDS = np.linspace(0.0, 1.0, 21)
PRECISION_PX = 20.0
#: Centre-error thresholds of the OTB precision plot: 0, 1, ..., 50 pixels.
PRECISION_THRESHOLDS = np.arange(0.0, 51.0)
#: A box more than this many times the target's area counts as ballooned.
OVERSIZE = 4.0
#: The starts a sequence can be tracked from (`evaluate_starts`, ``mstrack eval --starts 7``),
#: each a change (scale, dx, dy) of the first ground-truth box: scaled about its centre by
#: ``scale``, moved by ``dx`` of its width and ``dy`` of its height. The first is the box
#: itself. Seven of the twelve starts of OTB's spatial robustness evaluation (Wu, Lim and
#: Yang, "Online object tracking: a benchmark", CVPR 2013, which also scales by 0.8 and
#: 1.2 and shifts towards the corners), so figures over them are not comparable with
#: published SRE figures. A user's drag is never the annotator's box: a figure reached
#: from the one exact box may be luck (single sequences of the dev set move by 0.1-0.2 AUC
#: between these starts).
PERTURBED_STARTS = ((1.0, 0.0, 0.0), (0.9, 0.0, 0.0), (1.1, 0.0, 0.0), (1.0, 0.1, 0.0), (1.0, -0.1, 0.0),
                    (1.0, 0.0, 0.1), (1.0, 0.0, -0.1))


def load_groundtruth(path) -> np.ndarray:
    """(N, 4) float array of x, y, w, h boxes; comma, tab or space separated."""
    rows = []
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise SourceError(f"cannot read ground truth '{printable(path)}': "
                          f"{getattr(e, 'strerror', None) or e}") from None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p for p in re.split(r"[,\s]+", line.strip()) if p]
        try:
            rows.append([float(v) for v in parts[:4]])
        except ValueError:
            raise SourceError(f"{printable(path)}: line {n} is not four numbers: "
                              f"'{excerpt(line.strip())}'") from None
        if len(rows[-1]) != 4:
            raise SourceError(f"{printable(path)}: line {n} is not four numbers: "
                              f"'{excerpt(line.strip())}'")
    if not rows:
        raise SourceError(f"{path}: no ground-truth boxes")
    return np.array(rows, np.float64)


def sequence_source_spec(seq_dir) -> str:
    """The frames of a sequence folder: its ``img/`` folder, or its one video file."""
    seq_dir = Path(seq_dir)
    if not seq_dir.is_dir():
        raise SourceError(f"cannot open sequence {str(seq_dir)!r}: not a folder")
    if not (seq_dir / GT_FILE).is_file():
        raise SourceError(f"cannot open sequence {str(seq_dir)!r}: no {GT_FILE}")
    if (seq_dir / "img").is_dir():
        return str(seq_dir / "img")
    videos = sorted(p for p in seq_dir.iterdir()
                    if p.suffix.lower() in (".mp4", ".avi", ".mkv", ".mov", ".webm"))
    if len(videos) != 1:
        raise SourceError(f"cannot open sequence {str(seq_dir)!r}: expected img/ or one video file")
    return str(videos[0])


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise intersection over union of (N, 4) x, y, w, h boxes."""
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    x0 = np.maximum(a[:, 0], b[:, 0])
    y0 = np.maximum(a[:, 1], b[:, 1])
    x1 = np.minimum(a[:, 0] + a[:, 2], b[:, 0] + b[:, 2])
    y1 = np.minimum(a[:, 1] + a[:, 3], b[:, 1] + b[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    union = a[:, 2] * a[:, 3] + b[:, 2] * b[:, 3] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def centre_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise distance between box centres."""
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    ca = a[:, :2] + a[:, 2:] / 2
    cb = b[:, :2] + b[:, 2:] / 2
    return np.hypot(*(ca - cb).T)


def success_auc(overlaps: np.ndarray) -> float:
    """Mean over thresholds 0, 0.05, ..., 1 of the fraction of frames with IoU > threshold."""
    overlaps = np.asarray(overlaps)
    return float(np.mean([(overlaps > t).mean() for t in SUCCESS_THRESHOLDS]))


def success_curve(overlaps, thresholds=SUCCESS_THRESHOLDS) -> np.ndarray:
    """Fraction of frames with IoU > t for each threshold t: the OTB success plot.

    With the default thresholds its mean is `success_auc`.
    """
    overlaps = np.asarray(overlaps, np.float64).reshape(-1)
    return (overlaps[None, :] > np.asarray(thresholds)[:, None]).mean(axis=1)


def precision_curve(errors, thresholds=PRECISION_THRESHOLDS) -> np.ndarray:
    """Fraction of frames with centre error <= t pixels for each threshold t: the OTB
    precision plot; its value at 20 px is precision@20."""
    errors = np.asarray(errors, np.float64).reshape(-1)
    return (errors[None, :] <= np.asarray(thresholds)[:, None]).mean(axis=1)


@dataclass
class SequenceResult:
    """One sequence's boxes beside its ground truth, and the figures of the frames scored.

    ``scored`` marks the frames every figure counts: those whose ground-truth box is a
    box (not a row of NaN, the target out of view) and whose tracker box is (not NaN: a
    frame that could not be read). ``warnings`` holds one line per thing the user should
    know (ground truth and frames of different lengths, frames skipped as damaged).
    """

    name: str
    boxes: np.ndarray
    groundtruth: np.ndarray
    seconds: float
    lost: np.ndarray            # per frame, True where the tracker reported the target lost
    states: list = field(default_factory=list)   # TrackState per frame (init's first), when recorded
    warnings: list = field(default_factory=list)
    start: tuple = PERTURBED_STARTS[0]     # how the first box was changed (`PERTURBED_STARTS`)
    overlaps: np.ndarray = field(init=False)
    scored: np.ndarray = field(init=False)

    def __post_init__(self):
        self.scored = (np.isfinite(self.groundtruth).all(axis=1)
                       & np.isfinite(self.boxes).all(axis=1))
        self.overlaps = iou(self.boxes, self.groundtruth)

    @property
    def frames(self) -> int:
        return len(self.boxes)

    @property
    def scored_frames(self) -> int:
        return int(self.scored.sum())

    @property
    def mean_iou(self) -> float:
        return float(self.overlaps[self.scored].mean()) if self.scored.any() else 0.0

    @property
    def curves(self) -> "Curves":
        """The sequence's success and precision curves: its AUC and precision@20 are
        read off them, so the table and the plot show the very same figures."""
        if not self.scored.any():       # no frame with the target in view: nothing tracked well
            return Curves(self.name, np.zeros(len(SUCCESS_THRESHOLDS)), np.zeros(len(PRECISION_THRESHOLDS)))
        return Curves(self.name, success_curve(self.overlaps[self.scored]),
                      precision_curve(self.centre_errors[self.scored]))

    @property
    def auc(self) -> float:
        return self.curves.auc

    @property
    def precision(self) -> float:
        return self.curves.precision20

    @property
    def centre_errors(self) -> np.ndarray:
        """Per frame; NaN where the frame is not scored."""
        return centre_error(self.boxes, self.groundtruth)

    @property
    def missed(self) -> np.ndarray:
        """Scored frames whose box misses the target entirely (IoU 0)."""
        return (self.overlaps <= 0.0) & self.scored

    @property
    def well_tracked(self) -> np.ndarray:
        """Scored frames tracked well (IoU >= 0.5)."""
        return (self.overlaps >= 0.5) & self.scored

    @property
    def oversized(self) -> np.ndarray:
        """Scored frames whose box is more than `OVERSIZE` times the target's area."""
        with np.errstate(invalid="ignore"):
            big = self.boxes[:, 2] * self.boxes[:, 3] > OVERSIZE * self.groundtruth[:, 2] * self.groundtruth[:, 3]
        return big & self.scored

    @property
    def fps(self) -> float:
        # The first frame is the initialisation, not a tracked frame.
        return (self.frames - 1) / self.seconds if self.seconds > 0 else float("inf")

    def summary(self) -> dict:
        """The figures of `mstrack eval`, unrounded: each is rounded once, where it is shown
        (rounding to 4 places, then to 3 for the table, turned 0.96148 into 0.962)."""
        curves = self.curves
        row = {"sequence": self.name, "frames": self.frames, "scored_frames": self.scored_frames,
               "mean_iou": self.mean_iou,
               "success_auc": curves.auc, "precision20": curves.precision20,
               "fps": round(self.fps, 1),
               "missed_frames": int(self.missed.sum()),
               "missed_reported_tracked": int((self.missed & ~self.lost).sum()),
               "well_tracked_frames": int(self.well_tracked.sum()),
               "well_tracked_reported_lost": int((self.well_tracked & self.lost).sum()),
               "oversized_frames": int(self.oversized.sum())}
        if self.warnings:
            row["warnings"] = list(self.warnings)
        return row


def lost_flag_figures(results) -> dict:
    """False confidence and false alarm pooled over sequences (``SequenceResult`` or summaries).

    *False confidence*: the share of frames whose box misses the target entirely (IoU 0)
    that the tracker reported as tracked. *False alarm*: the share of well-tracked frames
    (IoU >= 0.5) that it reported lost. *Oversized*: the share of scored frames whose box
    is more than `OVERSIZE` times the target's area. None where there are no such frames.
    """
    rows = [r.summary() if isinstance(r, SequenceResult) else r for r in results]
    missed = sum(r["missed_frames"] for r in rows)
    well = sum(r["well_tracked_frames"] for r in rows)
    scored = sum(r.get("scored_frames", r["frames"]) for r in rows)
    return {
        "false_confidence": (sum(r["missed_reported_tracked"] for r in rows) / missed) if missed else None,
        "false_alarm": (sum(r["well_tracked_reported_lost"] for r in rows) / well) if well else None,
        "oversized": (sum(r.get("oversized_frames", 0) for r in rows) / scored) if scored else None,
    }


def starts_figures(runs) -> dict:
    """The figures over every start of every sequence: ``runs`` holds each sequence's
    results, one per start (`evaluate_starts`). ``starts``: the starts; ``sequences``: per
    sequence, the AUC of each start (``starts_success_auc``) and their mean
    (``success_auc_over_starts``); ``success_auc``: the mean of those means; and the
    honesty figures (`lost_flag_figures`) pooled over all frames of all starts."""
    sequences = [{"starts_success_auc": [r.auc for r in run]} for run in runs]
    for row in sequences:
        row["success_auc_over_starts"] = float(np.mean(row["starts_success_auc"]))
    return {"starts": [list(r.start) for r in runs[0]], "sequences": sequences,
            "success_auc": float(np.mean([row["success_auc_over_starts"] for row in sequences])),
            **lost_flag_figures([r for run in runs for r in run])}


def throughput_fps(results) -> float:
    """Tracked frames per second over all frames of all `SequenceResult` s: total frames
    tracked over total ``update`` time, so a long sequence counts for as many frames as
    it has (the mean of the sequences' rates would not)."""
    seconds = sum(r.seconds for r in results)
    frames = sum(r.frames - 1 for r in results)      # each sequence's first frame is init
    return frames / seconds if seconds > 0 else float("inf")


@dataclass
class Curves:
    """One line of the OTB success plot (over `SUCCESS_THRESHOLDS`) and of the precision
    plot (over `PRECISION_THRESHOLDS`)."""

    name: str
    success: np.ndarray
    precision: np.ndarray

    @property
    def auc(self) -> float:
        """Area under the success curve: `success_auc` of the frames it was made from."""
        return float(self.success.mean())

    @property
    def precision20(self) -> float:
        return float(self.precision[np.searchsorted(PRECISION_THRESHOLDS, PRECISION_PX)])


def otb_curves(results) -> list[Curves]:
    """The success and precision curves of each `SequenceResult`, then, for several, of
    their mean: as the OTB toolkit averages, the mean of the per-sequence curves (each
    sequence weighs the same, whatever its length), whose AUC is the mean AUC."""
    curves = [r.curves for r in results]
    if len(curves) > 1:
        curves.append(Curves("mean", np.mean([c.success for c in curves], axis=0),
                             np.mean([c.precision for c in curves], axis=0)))
    return curves


def start_box(box, start) -> np.ndarray:
    """The (x, y, w, h) ``box`` changed as ``start`` = (scale, dx, dy) says (see
    `PERTURBED_STARTS`); the first start gives the box itself, to the last bit."""
    box = np.asarray(box, np.float64)
    scale, dx, dy = start
    if (scale, dx, dy) == PERTURBED_STARTS[0]:
        return box.copy()
    x, y, w, h = box
    cx, cy = x + w / 2 + dx * w, y + h / 2 + dy * h
    return np.array([cx - w * scale / 2, cy - h * scale / 2, w * scale, h * scale])


def evaluate_sequence(seq_dir, make_tracker) -> SequenceResult:
    """One-pass evaluation: init on the first ground-truth box, never re-initialise
    (`evaluate_starts` from the box itself)."""
    return evaluate_starts(seq_dir, make_tracker)[0]


def evaluate_starts(seq_dir, make_tracker, starts=PERTURBED_STARTS[:1]) -> list[SequenceResult]:
    """One-pass evaluation from each of ``starts`` (see `PERTURBED_STARTS`): a tracker
    per start (``make_tracker()``), initialised on the first ground-truth box changed as
    the start says (`start_box`), never re-initialised; all of them fed each frame as it
    is decoded, so the sequence is read once. One `SequenceResult` per start, in order.

    Only the trackers' ``update`` calls are timed, not decoding, each tracker's
    separately. A result keeps each frame's `TrackState` (``init``'s for frame 0) in
    ``states``, and the start box as frame 0's box. When the ground truth and the
    frames differ in number, the common length is evaluated and the results'
    ``warnings`` say so; a frame skipped as damaged is not scored (the tracker's last
    state stands for it in ``states``), nor a ground-truth row of NaN.

    Raises
    ------
    SourceError
        If the sequence cannot be read, or its first ground-truth box is not a box
        (the target must be in view where the tracker starts).
    """
    seq_dir = Path(seq_dir)
    spec = sequence_source_spec(seq_dir)
    gt = load_groundtruth(seq_dir / GT_FILE)
    if not np.isfinite(gt[0]).all():
        raise SourceError(f"{printable(seq_dir / GT_FILE)}: the first box is "
                          f"'{excerpt(','.join(f'{v:g}' for v in gt[0]))}', not a box: the "
                          "target must be in view in the first frame, where tracking starts")
    runs = [_Run(make_tracker(), start_box(gt[0], start)) for start in starts]
    frames_read = 0
    more_frames = False
    with sources.open_source(spec) as source:
        for frame in source:
            index = source.position - 1            # past frames skipped as damaged
            if index >= len(gt):
                more_frames = True
                break
            if frames_read == 0 and index > 0:
                raise SourceError(f"{printable(seq_dir)}: its first frame cannot be read, and "
                                  "tracking starts there")
            for run in runs:
                run.step(index, frame)
            frames_read = index + 1
        count = source.frame_count
        notes = list(source.warnings) + ([source.error] if source.error else [])
    if more_frames:
        for run in runs:       # frames skipped as damaged just before the last box's
            run.skip_to(len(gt))
        frames = f"{count} frames" if count and count > len(gt) else "more frames"
        notes.append(f"{GT_FILE} has {len(gt)} boxes for {frames}: only the first "
                     f"{len(gt)} frames are evaluated")
    elif frames_read < len(gt):
        notes.append(f"{GT_FILE} has {len(gt)} boxes for {frames_read} frames: only the "
                     f"first {frames_read} boxes are evaluated")
        gt = gt[:frames_read]
    return [SequenceResult(seq_dir.name, np.array(run.boxes, np.float64).reshape(-1, 4), gt, run.seconds,
                           np.array(run.lost, bool), run.states, list(notes), tuple(start))
            for run, start in zip(runs, starts)]


class _Run:
    """One tracker's pass over a sequence: its boxes, lost flags, states and time."""

    def __init__(self, tracker, box):
        self.tracker, self.box = tracker, box
        self.boxes, self.lost, self.states = [], [], []
        self.seconds = 0.0

    def skip_to(self, index) -> None:
        """Frames up to ``index`` not seen were skipped as damaged: nothing to score."""
        while len(self.boxes) < index:
            self.boxes.append(np.full(4, np.nan))
            self.lost.append(True)
            self.states.append(self.states[-1])

    def step(self, index, frame) -> None:
        """Frame ``index``, the first frame (0) seen first."""
        self.skip_to(index)
        if index == 0:
            self.states.append(self.tracker.init(frame, self.box))
            self.boxes.append(self.box)
            self.lost.append(False)
            return
        t0 = time.perf_counter()
        state = self.tracker.update(frame)
        self.seconds += time.perf_counter() - t0
        self.boxes.append(state.box)
        self.lost.append(state.lost)
        self.states.append(state)
