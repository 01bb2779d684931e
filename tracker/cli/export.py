"""``mstrack export``: a track CSV in the formats annotation tools read.

MOTChallenge text for evaluation tools (motmetrics, TrackEval), CVAT for video 1.1 XML to
go on labelling in CVAT; what each format holds is in `tracker.app.annotations`. The
files are written whole or not at all, and never over the track or the video.
"""

from __future__ import annotations

from ..errors import InputError, printable
from .report import say


def cmd_export(args) -> int:
    from ..app.annotation_export import KINDS, export_track

    # The options that cannot go together, before anything is read.
    if args.to == "cvat" and args.source is None:
        raise InputError("--to cvat needs --source, the video the track was made on: "
                         "a CVAT task holds its frame size and count")
    if args.to == "mot" and args.label is not None:
        raise InputError("--label names the objects in a CVAT task: MOT text has no label")
    written = export_track(args.track, args.out, args.to, source=args.source, label=args.label)
    boxes = [box for track in written.tracks.values() for box in track.values() if not box.lost]
    targets = sum(any(not box.lost for box in track.values()) for track in written.tracks.values())
    report = (f"exported {targets} target{'s' if targets != 1 else ''}, {len(boxes)} tracked "
              f"box{'es' if len(boxes) != 1 else ''}, as {KINDS[args.to]}")
    if args.to == "cvat":
        width, height = written.frame_size
        report += f" (a task of {written.last_frame + 1} frames of {width}x{height})"
    say(f"{report}: {printable(args.out)}")
    return 0
