"""``mstrack``: the command line, headless: track, segment, eval, export, bench.

Bad input ends with one line on stderr and a non-zero exit (2 for usage and input
errors; 1 when the run could not read or write everything: a source stopped early or
had damaged frames, an output could not be written; 130 when interrupted by Ctrl+C, a
kill or a closed terminal); result files written so far are always closed properly.
"""

from __future__ import annotations

import sys

from ..errors import OutputError, TrackerError, printable
from .evaluate import cmd_bench, cmd_eval
from .export import cmd_export
from .interrupts import StopRequest, caused_by_interrupt
from .options import interrupted_message, join_negative_roi
from .parser import build_parser
from .report import EXIT_INCOMPLETE, EXIT_INTERRUPTED, EXIT_USAGE, warn
from .track import cmd_segment, cmd_track

__all__ = ["main", "build_parser"]

_POLLING_COMMANDS = ("track", "segment")  # their frame loops stop cleanly on a signal


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(join_negative_roi(sys.argv[1:] if argv is None else list(argv)))
    commands = {"track": cmd_track, "segment": cmd_segment, "eval": cmd_eval, "export": cmd_export,
                "bench": cmd_bench}
    # Ctrl+C, a kill (SIGTERM) and a closed terminal (SIGHUP) end the frame loops after the
    # frame in hand; the files are closed and stay valid.
    with StopRequest(polled=args.command in _POLLING_COMMANDS) as stop:
        args.stop = stop
        try:
            return commands[args.command](args)
        except KeyboardInterrupt:
            return _interrupted(args)
        except SystemError as e:
            if caused_by_interrupt(e):   # a second signal, or one in eval or bench
                return _interrupted(args)
            raise
        except OutputError as e:
            warn(f"error: {e}")
            return EXIT_INCOMPLETE
        except TrackerError as e:
            warn(f"error: {e}")
            return EXIT_USAGE
        except BrokenPipeError:
            return 0
        except OSError as e:
            # A permission, a vanished folder: say which file and why.
            where = f": {printable(e.filename)}" if e.filename else ""
            warn(f"error: {e.strerror or e}{where}")
            return EXIT_USAGE


def _interrupted(args) -> int:
    warn(interrupted_message(args))
    return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
