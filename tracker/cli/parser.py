"""``mstrack``'s command line: the commands and their options."""

from __future__ import annotations

import argparse

from ..app.boxes import argument, parse_roi, parse_size
from .batch import add_engine_options
from .options import (VIDEO_CONTAINERS, SequenceFolders, TargetOption, non_negative_int, pixel_count,
                      timeout_seconds)
from .report import EXIT_USAGE


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line instead of usage plus message."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


_SOURCE_HELP = ("video file, image folder, OTB sequence folder (with img/), printf pattern "
                "(img/%%04d.jpg), camera:N or stream URL (rtsp://, http(s):// including MJPEG, udp://)")
_CONTAINERS = ", ".join(VIDEO_CONTAINERS)


def _add_tracker_options(p):
    p.add_argument("--colour-space", default="bgr", choices=("bgr", "hsv", "hs"),
                   help="histogram colour space (default: bgr)")
    p.add_argument("--bins", type=int, default=16, help="bins per main channel (default: 16)")
    pattern = p.add_mutually_exclusive_group()
    pattern.add_argument("--pattern", dest="pattern", action="store_const", const=True, default=None,
                         help="a correlation-filter cue on the target's gray levels and edges beside the colours, on "
                              "any footage (default: on grayscale footage and frames of 1280x720 or more; more "
                              "accurate, about 0.15 ms more per frame)")
    pattern.add_argument("--no-pattern", dest="pattern", action="store_const", const=False,
                         help="colours alone, on grayscale and large frames too")


def _add_segment_options(p):
    group = p.add_mutually_exclusive_group()
    group.add_argument("--bandwidth", type=float, default=None,
                       help="segmentation bandwidth in CIE Lab units (default: estimated)")
    group.add_argument("--quantile", type=float, default=None,
                       help="quantile for the bandwidth estimate (default: 0.1)")
    p.add_argument("--kernel", default=None, choices=("flat", "epanechnikov", "gaussian"),
                   help="mean shift kernel (default: flat)")


def _add_target_options(p):
    p.add_argument("--roi", type=argument(parse_roi), action=TargetOption, metavar="X,Y,W,H",
                   help="a target's box on the first frame (after --resize); commas, tabs or spaces "
                        "between the numbers, so an OTB ground-truth line works as it is. Give it once "
                        "per target: each is tracked under its own id (0, 1, ... in the order given)")
    p.add_argument("--roi-from", metavar="FILE[:ID]", action=TargetOption,
                   help="targets' boxes on the first tracked frame from an annotation file, in the "
                        "source's pixels: OTB ground truth (x,y,w,h per line) or its sequence folder, MOT "
                        "text, CVAT XML or a track CSV. Each track with a box on that frame is a target, "
                        "in id order; FILE:ID takes the track of that id (as the file numbers it) alone. "
                        "May be given several times and mixed with --roi. A sequence folder as SOURCE "
                        "needs neither option")


def _add_stream_options(p):
    p.add_argument("--timeout", type=timeout_seconds, default=None, metavar="S",
                   help="network streams: seconds to open, and without a frame before the stream "
                        "counts as dead (default: 10 to open, 5 between frames; 0.001 to 86400)")
    p.add_argument("--max-pixels", type=pixel_count, default=None, metavar="N",
                   help="refuse frames of more than N pixels, judged before decoding (default: "
                        "50000000; a 16000x16000 PNG of a few kB would otherwise take gigabytes)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mstrack", description="Mean shift colour tracking, headless.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("track", help="track a target through a video, image sequence, camera or stream")
    p.add_argument("source", help=_SOURCE_HELP)
    _add_target_options(p)
    p.add_argument("--out-csv", metavar="F.csv", help="write the track as CSV (frame,id,x,y,w,h,angle,score,lost)")
    p.add_argument("--out-video", metavar="F", help=f"write the annotated video: {_CONTAINERS} "
                   "(.mkv keeps what was written if the run is killed; .mp4 only once closed)")
    p.add_argument("--max-frames", type=int, default=None, metavar="N", help="stop after N frames")
    p.add_argument("--start-frame", type=non_negative_int, default=0, metavar="N",
                   help="start at frame N (0-based) of a file or image sequence; the CSV numbers "
                        "frames as the source does")
    p.add_argument("--resize", type=argument(parse_size), metavar="WxH",
                   help="resize frames to WxH before tracking (boxes are in resized pixels)")
    p.add_argument("--segment", action="store_true",
                   help="also segment every frame; the video shows it beside the track")
    _add_stream_options(p)
    _add_tracker_options(p)
    _add_segment_options(p)

    p = sub.add_parser("segment", help="mean shift colour segmentation of an image or a video")
    p.add_argument("input", help="image, video, image folder, printf pattern, camera:N or stream URL")
    p.add_argument("--out", required=True, help=f"output image (for an image input) or video ({_CONTAINERS})")
    p.add_argument("--boundaries", action="store_true", help="draw cluster boundaries in white")
    p.add_argument("--max-frames", type=int, default=None, help="stop after this many frames")
    _add_stream_options(p)
    _add_segment_options(p)

    p = sub.add_parser("eval", help="OTB one-pass evaluation on sequence folders")
    p.add_argument("sequences", nargs="+", action=SequenceFolders,
                   help="folders with img/ (or one video) and groundtruth_rect.txt, or folders of them")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--plot", metavar="F.png",
                   help="draw the OTB success and precision plots of each sequence and of their mean "
                        "(needs matplotlib: pip install 'meanshift-tracker[plot]')")
    p.add_argument("--csv-dir", metavar="DIR",
                   help="write each sequence's track as DIR/NAME.csv, as 'mstrack track --out-csv' "
                        "writes it (DIR is created if needed)")
    p.add_argument("--starts", type=int, default=1, metavar="N",
                   help="7: also track each sequence from six changed first boxes (scaled by 0.9 and "
                        "1.1, moved by 10 %% of the box right, left, down and up: seven of the starts "
                        "of OTB's spatial robustness evaluation) and report its AUC over the seven "
                        "and the honesty figures pooled over them too; the other figures, the plot "
                        "and the CSVs stay those of the annotated box (default: 1, that box alone)")
    add_engine_options(p)
    _add_tracker_options(p)

    p = sub.add_parser("export", help="a track CSV as MOTChallenge text or CVAT for video 1.1 XML")
    p.add_argument("track", metavar="TRACK.csv", help="a track written by 'mstrack track --out-csv' or the app")
    p.add_argument("--to", required=True, choices=("mot", "cvat"),
                   help="mot: frame,id,x,y,w,h,conf,-1,-1,-1 (frames, ids, x and y from 1; lost frames "
                        "left out); cvat: CVAT for video 1.1 XML (outside where lost)")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write: .txt for mot, .xml for cvat")
    p.add_argument("--source", metavar="SOURCE",
                   help="the video the track was made on: its frame size and count (needed for cvat), "
                        "and a check that the track fits it")
    p.add_argument("--label", metavar="NAME", help="cvat: the label of the tracked objects (default: object)")

    p = sub.add_parser("batch", help="track every video of a manifest, one task each, on Dask")
    p.add_argument("manifest", metavar="MANIFEST",
                   help="CSV with a header: source,roi[,start,frames,name]; relative paths are "
                        "relative to its folder; an empty roi for an OTB sequence folder")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder for NAME.csv (NAME.mkv with --video) per row and summary.csv")
    add_engine_options(p)
    p.add_argument("--video", action="store_true", help="also write each annotated video, NAME.mkv")
    p.add_argument("--segment", action="store_true",
                   help="also segment every frame; the videos show it beside the track")
    p.add_argument("--force", action="store_true",
                   help="run every row again, also those whose outputs are already in DIR")
    _add_tracker_options(p)
    _add_segment_options(p)

    p = sub.add_parser("bench", help="speed against OpenCV's CamShift pipeline in the same run")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--frames", type=int, default=300, help="frames per measurement (default: 300)")
    p.add_argument("--clip", metavar="FILE",
                   help="time on this video (default: a synthetic clip rendered on the fly, so that "
                        "an installed package needs no data; the repository's scripts/bench_tracking.py "
                        "uses the traffic clip)")
    p.add_argument("--roi", type=argument(parse_roi), metavar="X,Y,W,H",
                   help="with --clip: the target on its first frame, in the clip's own pixels "
                        "(scaled to each frame size; default: the four target sizes, placed where the "
                        "traffic clip's pick-up is)")
    return parser
