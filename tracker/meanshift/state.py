"""Where the target is and how it moves: the tracker's state, kept in one place.

``Track`` holds the box (centre, size, angle), the velocity, whether the target is lost,
the running mean of its similarity and the first frame's references; the other parts
are given these values and return new ones, and only the tracker hands them to its
``Track``. ``TrackState`` is the frozen result a step returns to the caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from .camshift import Ellipse


@dataclass(frozen=True)
class TrackState:
    """Result of one tracker step.

    ``box`` is the axis-aligned (x, y, w, h) bounding box of the ellipse inscribed in
    ``rotated`` (`rotated_bounds`), clipped to the frame; ``rotated`` is
    ((cx, cy), (w, h), angle_deg) as ``cv2.CamShift`` returns;
    ``score`` the similarity of the candidate to the target model in [0, 1]; ``lost``
    whether the target is judged lost (the box is then where it was last seen).
    """

    box: tuple[float, float, float, float]
    rotated: tuple[tuple[float, float], tuple[float, float], float]
    score: float
    lost: bool


def rotated_bounds(w, h, angle_rad):
    """Width and height of the upright box around the ellipse inscribed in a ``w`` x ``h``
    box turned by ``angle_rad``.

    The target fills its box as a blob, not to the corners: the upright extent of a
    turned target is its ellipse's. The corners' bounds would widen a tall box by its
    height times |sin| for every degree of tilt (a 3:1 box 50 % at 10 degrees; the
    ellipse's, 4 %), and on upright footage that is most of what following the angle
    cost (dev set, angle followed: mean AUC 0.4623 with the corners' bounds, 0.5139
    with the ellipse's; angle off 0.5136)."""
    if angle_rad == 0.0:
        # An upright box (most of them: the angle follows elongated targets only), as the
        # general case computes it for finite sizes (hypot(x, 0) is |x|), at under half the
        # cost: this is asked some six times a frame.
        return float(abs(w)), float(abs(h))
    cs, sn = abs(math.cos(angle_rad)), abs(math.sin(angle_rad))
    return math.hypot(w * cs, h * sn), math.hypot(w * sn, h * cs)


class Window(NamedTuple):
    """The target's box without its place: size in frame pixels, angle in degrees."""

    w: float
    h: float
    angle: float

    def bounds(self, grow: float = 1.0):
        """Upright width and height around the box grown by ``grow``: the bounds of the
        ellipse inscribed in the turned box (`rotated_bounds`), what the reported box,
        the search window and the background ring are made of."""
        return rotated_bounds(self.w * grow, self.h * grow, math.radians(self.angle))


@dataclass
class Track:
    """The target's box, motion and confidence, and the first frame's references.

    ``foreground0`` is how target-like the first box's pixels were (the mean weight the
    search compares with) and ``ellipse0`` the first frame's weight ellipse (the angle's
    reference). Changed only through its methods, by the tracker that owns it.
    """

    frame_size: tuple[int, int]
    cx: float
    cy: float
    w: float
    h: float
    angle: float
    w0: float          # the first frame's size: the limits of size and shape refer to it
    h0: float
    foreground0: float = 1.0
    ellipse0: Ellipse | None = None
    brightness0: float = 0.0      # the first frame's `scene_brightness`: the light a seek compares with
    vx: float = 0.0
    vy: float = 0.0
    score: float = 1.0
    lost: bool = False
    jumped: bool = False          # a seek: a match far from the last position is no surprise
    lost_frames: int = 0          # frames searched since the target was lost
    typical_score: float = 1.0    # running mean of the similarity while tracked
    indistinct: int = 0           # frames in a row the match was no better than the surroundings'
    last_distinct: tuple = ()     # (cx, cy, w, h, angle) before that run began
    before: tuple = ()            # (cx, cy, w, h, angle) before the last step, for `restore`

    def __post_init__(self):
        self.remember()

    @property
    def window(self) -> Window:
        return Window(self.w, self.h, self.angle)

    def bounds(self, grow: float = 1.0):
        return rotated_bounds(self.w * grow, self.h * grow, math.radians(self.angle))

    def predicted(self):
        """Where the target should be in the next frame if it keeps moving as it did."""
        return self.cx + self.vx, self.cy + self.vy

    def remember(self) -> None:
        """Keep the box as it is before a step, for `restore`."""
        self.before = (self.cx, self.cy, self.w, self.h, self.angle)

    def restore(self) -> None:
        self.cx, self.cy, self.w, self.h, self.angle = self.before

    def move_to(self, cx, cy, damping) -> None:
        """Move the centre; the velocity is the move, damped."""
        self.vx = damping * (cx - self.cx)
        self.vy = damping * (cy - self.cy)
        self.cx, self.cy = cx, cy

    def note_score(self, score, rate) -> None:
        """Fold a tracked frame's similarity into the running mean."""
        self.typical_score += rate * (score - self.typical_score)

    def resize(self, w, h) -> None:
        self.w, self.h = w, h

    def turn(self, angle) -> None:
        self.angle = angle

    def tracked(self, score) -> None:
        self.score, self.lost = score, False

    def note_distinct(self, distinct: bool) -> int:
        """Count the frames in a row whose match was indistinct; how many so far. The
        place before the first of them is kept (`lose_indistinct` returns there)."""
        if distinct:
            self.indistinct = 0
        else:
            if self.indistinct == 0:
                self.last_distinct = self.before
            self.indistinct += 1
        return self.indistinct

    def lose_indistinct(self, score) -> None:
        """Lost after a run of indistinct matches: the target was last seen where the
        run began (the box may have drifted since)."""
        if self.last_distinct:
            self.cx, self.cy, self.w, self.h, self.angle = self.last_distinct
        self.lose(score)

    def lose(self, score) -> None:
        """The target is gone: freeze everything where it was last seen."""
        self.lost = True
        self.indistinct = 0
        self.lost_frames = 0
        self.score = score
        self.vx = self.vy = 0.0

    def missed(self, score) -> None:
        """Still lost; ``score`` is the best match seen, still not good enough."""
        self.score = score
        self.lost_frames += 1

    def found_again(self) -> None:
        """Where a lost target was found again says nothing of its motion."""
        self.jumped = False
        self.vx = self.vy = 0.0

    def expect_jump(self) -> None:
        self.vx = self.vy = 0.0
        self.lost = True
        self.jumped = True

    def result(self) -> TrackState:
        W, H = self.frame_size
        bw, bh = self.bounds()
        cx, cy = self.cx, self.cy
        x0, y0 = max(cx - (bw - 1) / 2, 0.0), max(cy - (bh - 1) / 2, 0.0)
        x1, y1 = min(cx + (bw + 1) / 2, float(W)), min(cy + (bh + 1) / 2, float(H))
        box = (x0, y0, max(x1 - x0, 0.0), max(y1 - y0, 0.0))
        return TrackState(box, ((cx + 0.5, cy + 0.5), (self.w, self.h), self.angle), self.score, self.lost)
