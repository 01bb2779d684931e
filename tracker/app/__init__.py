"""The app layer, shared by the command line and the desktop app: the session (the one
frame loop: source, seeks, pipeline, recording), the pipeline (track + segment ->
FrameResult), the compositor and drawing, result files, box and size parsing, the
warm-up and the playback clock. Imports only the library below it, never Qt.
"""

from .boxes import TargetBox, argument, box_text, parse_roi, parse_size
from .clock import PlaybackClock
from .compose import ARRANGEMENTS, SEGMENTED_VIEWS, VIEWS, annotated_views, composed, view_image
from .draw import draw_tracks, target_colour
from .outputs import (CSV_HEADER, IMAGE_SUFFIXES, VIDEO_CODECS, TrackCsvWriter, VideoOutput,
                      check_distinct, check_output_path, read_track_csv, track_row, write_image)
from .output_places import default_output_folder, free_path, source_name
from .pipeline import FrameResult, TrackingPipeline
from .recording import DEFAULT_SUFFIX, Recorder, RecordPlan
from .session import Session
from .warmup import warm_up

__all__ = [
    "ARRANGEMENTS", "CSV_HEADER", "DEFAULT_SUFFIX", "FrameResult", "IMAGE_SUFFIXES", "PlaybackClock",
    "RecordPlan", "Recorder", "SEGMENTED_VIEWS", "Session", "TargetBox", "TrackCsvWriter",
    "TrackingPipeline", "VIDEO_CODECS", "VIEWS", "VideoOutput", "annotated_views", "argument",
    "box_text", "check_distinct", "check_output_path", "composed", "default_output_folder",
    "draw_tracks", "free_path", "parse_roi",
    "parse_size", "read_track_csv", "source_name", "target_colour", "track_row", "view_image", "warm_up",
    "write_image",
]
