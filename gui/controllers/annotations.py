"""Loaded annotations: File > Load Annotations (CVAT XML, MOT, OTB ground truth, a track
CSV), an OTB sequence's own ground truth loaded as it opens, the loaded boxes painted on
every view of each frame they exist on, and targets started from them (a click on a
loaded box, or L for every loaded box of the frame on screen).

The file is read in the worker's thread (`WorkerTracks.load_annotations`), in pixels of
the frames as tracked; what comes back is only read here, frame after frame.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QFileDialog

from tracker.app.labelling import sequence_groundtruth
from tracker.app.output_places import source_name
from tracker.meanshift.multi import box_iou

from ..annotation_layer import AnnotationLayer

ANNOTATION_FILTER = ("Annotations (*.xml *.txt *.csv);;CVAT XML (*.xml);;MOT or OTB ground truth (*.txt);;"
                     "Track CSV (*.csv);;All files (*)")
#: A loaded box overlapping a tracked one more than this is tracked already (L skips it).
TRACKED_IOU = 0.5


class AnnotationsController(QObject):
    """Asks the worker to load annotations (``request_load``) and keeps them
    (``annotations``, an `Annotations` in frame pixels, None before; ``origin``, the file).
    Paints them through one `AnnotationLayer` per view of ``area``; starts targets from them
    through ``targets``."""

    request_load = pyqtSignal(str)

    def __init__(self, window, settings, status, area, sources, playback, targets):
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._status = status
        self._sources = sources
        self._playback = playback
        self._targets = targets
        self.layers = [AnnotationLayer(area.main), AnnotationLayer(area.side)]
        for layer in self.layers:
            layer.box_clicked.connect(self.track_loaded_box)
        self.annotations = None
        self.origin = None
        self._groundtruth = None        # the sequence's own file, loaded as it opened
        self._pending = None            # the frame L went to, to track its boxes once shown

    # ------------------------------------------------------------------ loading
    def choose_file(self):
        if self._sources.info is None:
            self._status.show_error("open the video first, then load its annotations")
            return
        start = self._settings.folder("dialog/annotations_folder") or self._sources.dialog_folder()
        path, _ = QFileDialog.getOpenFileName(self._window, "Load annotations", start, ANNOTATION_FILTER)
        if path:
            self._settings.write("dialog/annotations_folder", str(Path(path).parent))
            self.load(path)

    def load(self, path: str):
        """Read ``path`` for the source open (CVAT XML, MOT, OTB ground truth, track CSV)."""
        self._status.say(f"loading annotations from {path}…", 0)
        self.request_load.emit(str(path))

    def loaded(self, annotations, path: str, notes):
        """The worker read ``path``: its boxes are painted from now on."""
        self.annotations, self.origin = annotations, path
        boxes = sum(1 for track in annotations.tracks.values() for box in track.values() if not box.lost)
        first = annotations.first_boxes()
        start = min((frame for frame, _ in first.values()), default=0)
        if path == self._groundtruth:
            text = (f"{source_name(self._sources.info.name)}'s ground truth loaded: its first box is on frame "
                    f"{start} (dashed); click it or press L to track it")
        else:
            targets = len(annotations.tracks)
            text = (f"loaded {boxes} boxes of {targets} target{'s' if targets != 1 else ''} from "
                    f"{Path(path).name} (from frame {start}): click a loaded box or press L to track it")
        self._status.say("; ".join([text] + list(notes)), 20000)
        self.show_frame(self._playback.last_frame)

    def source_opened(self, info):
        """A new source: the annotations of the last one go; an OTB sequence brings its own."""
        self.annotations = self.origin = self._pending = None
        self.show_frame(None)
        self._groundtruth = sequence_groundtruth(info.name)
        if self._groundtruth is not None:
            self.load(self._groundtruth)

    # ------------------------------------------------------------------ showing
    def boxes_on(self, position: int) -> dict:
        """The loaded boxes of frame ``position``: {annotation id: (x, y, w, h)}."""
        return self.annotations.boxes_on(position) if self.annotations is not None else {}

    def show_frame(self, display):
        boxes = self.boxes_on(display.position) if display is not None else {}
        label = "gt" if self.origin is not None and self.origin == self._groundtruth else \
            (self.annotations.label if self.annotations is not None else "")
        id_base = self.annotations.id_base if self.annotations is not None else 0
        for layer in self.layers:
            layer.set_boxes(boxes, label, id_base)
        if display is not None and self._pending == display.position:
            self._pending = None
            self._start(boxes, display)

    # ------------------------------------------------------------------ targets from them
    def track_loaded_boxes(self):
        """L: a target on every loaded box of the frame on screen not tracked yet; without
        one there, go to the next frame that has one and start them there."""
        display = self._playback.last_frame
        if self.annotations is None or display is None:
            self._status.show_error("no annotations loaded: File > Load Annotations… (Ctrl+L)")
            return
        boxes = self.boxes_on(display.position)
        if boxes:
            self._start(boxes, display)
            return
        frames = [f for track in self.annotations.tracks.values() for f, box in track.items() if not box.lost]
        later = [f for f in frames if f > display.position]
        going = min(later) if later else min(frames, default=None)
        if going is None:
            self._status.show_error("the annotations loaded hold no box in sight")
            return
        self._pending = going
        self._status.say(f"no loaded box on frame {display.position}: going to frame {going}, where the next is")
        self._playback.seek(going)

    def track_loaded_box(self, annotation_id: int):
        """A click on a loaded box: a target on it (the box of the frame on screen)."""
        display = self._playback.last_frame
        box = self.annotations.box_at(annotation_id, display.position) if self.annotations and display else None
        if box is not None:
            self._targets.add_target(box)
            self._status.say(f"tracking loaded box #{annotation_id + self.annotations.id_base} from frame "
                             f"{display.position}: press Ctrl+E to track it to the end")

    def _start(self, boxes, display):
        tracked = [state.box for state in display.states.values() if not state.lost]
        new = {i: box for i, box in sorted(boxes.items())
               if all(box_iou(box, other) <= TRACKED_IOU for other in tracked)}
        if not new:
            self._status.say(f"every loaded box on frame {display.position} is tracked already")
            return
        for box in new.values():
            self._targets.add_target(box)
        names = ", ".join(f"#{i + self.annotations.id_base}" for i in new)
        self._status.say(f"tracking loaded box{'es' if len(new) > 1 else ''} {names} from frame "
                         f"{display.position}: press Ctrl+E to track to the end")
