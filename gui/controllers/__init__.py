"""The main window's controllers, each owning the state of one concern: the source open,
playback and the frame on screen, the views shown, the targets, what gets written.

The window builds them, giving each what it needs, and wires their signals; none of
them knows the window's other parts or the worker beyond the requests it is handed.
"""

from .outputs import OutputsController
from .playback import PlaybackController
from .sources import SourcesController
from .targets import HINT, TargetsController
from .views import VIEW_NAMES, ViewsController

__all__ = ["HINT", "OutputsController", "PlaybackController", "SourcesController",
           "TargetsController", "VIEW_NAMES", "ViewsController"]
