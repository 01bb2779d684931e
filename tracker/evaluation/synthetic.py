"""Deterministic synthetic scenes with exact ground truth.

Used for the bundled demo clip (``scripts/make_demo_video.py``) and for the
robustness tests of the tracker. A scene is a textured background that may pan
slowly, a textured colour target, and optionally an occluder passing in front of
it and a distractor of similar colours, under a global gain and mild sensor
noise. Every frame is a pure function of ``(scenario, n_frames, size, seed, index)``,
so a test can render frame 150 without rendering frames 0-149.

Coordinates are continuous: pixel ``(row i, col j)`` covers ``[j, j+1) x [i, i+1)``,
so a shape's box ``(x, y, w, h)`` is also the box of the pixels it touches, to
within a pixel. (OpenCV's moment-based centres put pixel centres on integers,
i.e. 0.5 px less.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import cv2
import numpy as np

REFERENCE_SIZE = (640, 480)
SCENARIOS = ("demo", "brightness", "occlusion", "distractor", "rotation", "scale")

BGR = tuple[int, int, int]
Box = tuple[float, float, float, float]
RotatedRect = tuple[tuple[float, float], tuple[float, float], float]

RED, YELLOW, DARK_RED = (35, 30, 205), (40, 205, 235), (25, 20, 130)
ORANGE, GOLD = (30, 95, 225), (45, 175, 225)
BLUE = (190, 95, 25)


@dataclass(frozen=True)
class Sprite:
    """How an object looks, independent of where it is.

    Parameters
    ----------
    shape : {"ellipse", "box"}
        Outline; "box" is a rectangle with rounded corners.
    pattern : {"ball", "stripes", "plain"}
        "ball": colour 0 with a band of colour 1 and spots of colour 2;
        "stripes": bands across the long axis cycling through the colours;
        "plain": colour 0 only, with mild shading.
    colors : tuple of BGR triples
    """

    shape: str
    pattern: str
    colors: tuple[BGR, ...]


@dataclass(frozen=True)
class Pose:
    """Where an object is: centre (x, y), full size (w, h) along its own axes, angle in degrees.

    The width axis points along ``(cos angle, sin angle)`` in image coordinates
    (y down), the same convention as ``cv2.RotatedRect`` and ``cv2.boxPoints``.
    """

    center: tuple[float, float]
    size: tuple[float, float]
    angle: float = 0.0


def bounding_box(shape: str, pose: Pose) -> Box:
    """Axis-aligned box (x, y, w, h) of a shape drawn at ``pose``, exact for the outline."""
    (cx, cy), (w, h) = pose.center, pose.size
    c, s = abs(math.cos(math.radians(pose.angle))), abs(math.sin(math.radians(pose.angle)))
    a, b = w / 2, h / 2
    if shape == "ellipse":
        hx, hy = math.hypot(a * c, b * s), math.hypot(a * s, b * c)
    else:
        # A rounded box is its inner rectangle grown by the corner radius in every direction.
        r = _corner_radius(w, h)
        hx = (a - r) * c + (b - r) * s + r
        hy = (a - r) * s + (b - r) * c + r
    return (cx - hx, cy - hy, 2 * hx, 2 * hy)


def _corner_radius(w: float, h: float) -> float:
    return 0.3 * min(w, h)


def _eased_keys(t: float, keys: list[tuple[float, float]]) -> float:
    """Value at ``t`` of a curve through (time, value) keys, cosine-eased so it has no kinks."""
    times = [k[0] for k in keys]
    if t <= times[0]:
        return keys[0][1]
    if t >= times[-1]:
        return keys[-1][1]
    k = int(np.searchsorted(times, t, side="right")) - 1
    f = (t - times[k]) / (times[k + 1] - times[k])
    f = 0.5 - 0.5 * math.cos(math.pi * f)
    return keys[k][1] + (keys[k + 1][1] - keys[k][1]) * f


# --------------------------------------------------------------------------- drawing


def _sprite_layer(sprite: Sprite, pose: Pose, frame_hw: tuple[int, int]):
    """Coverage (0..1) and colour of a sprite over the frame region it touches, or None."""
    height, width = frame_hw
    x, y, w, h = bounding_box(sprite.shape, pose)
    c0, c1 = max(math.floor(x) - 1, 0), min(math.ceil(x + w) + 1, width)
    r0, r1 = max(math.floor(y) - 1, 0), min(math.ceil(y + h) + 1, height)
    if c0 >= c1 or r0 >= r1:
        return None
    # Sample at pixel centres in the sprite's own frame, so the pattern rotates with it.
    ys, xs = np.mgrid[r0:r1, c0:c1].astype(np.float32) + 0.5
    dx, dy = xs - pose.center[0], ys - pose.center[1]
    th = math.radians(pose.angle)
    u = dx * math.cos(th) + dy * math.sin(th)
    v = -dx * math.sin(th) + dy * math.cos(th)
    a, b = pose.size[0] / 2, pose.size[1] / 2
    if sprite.shape == "ellipse":
        # First-order distance to the ellipse: accurate within a fraction of a pixel near the edge.
        k = np.sqrt((u / a) ** 2 + (v / b) ** 2)
        grad = np.sqrt((u / a**2) ** 2 + (v / b**2) ** 2) / np.maximum(k, 1e-6)
        sdf = (k - 1) / np.maximum(grad, 1e-6)
    else:
        r = _corner_radius(pose.size[0], pose.size[1])
        qx, qy = np.abs(u) - (a - r), np.abs(v) - (b - r)
        outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
        sdf = outside + np.minimum(np.maximum(qx, qy), 0) - r
    # A one-pixel ramp across the outline is what an area-sampled edge looks like.
    alpha = np.clip(0.5 - sdf, 0.0, 1.0)
    colour = _pattern(sprite, u / a, v / b, a, b)
    return (slice(r0, r1), slice(c0, c1)), alpha, colour


def _pattern(sprite: Sprite, un, vn, a: float, b: float) -> np.ndarray:
    """Colour (float BGR) of a sprite at normalised local coordinates (-1..1 inside)."""
    cols = np.asarray(sprite.colors, np.float32)
    out = np.broadcast_to(cols[0], un.shape + (3,)).copy()

    def paint(col, dist_px):  # dist_px > 0 inside the feature; soft over one pixel
        wgt = np.clip(0.5 + dist_px, 0.0, 1.0)[..., None]
        out[:] = out * (1 - wgt) + col * wgt

    if sprite.pattern == "ball":
        paint(cols[1 % len(cols)], (0.3 - np.abs(vn)) * b)
        for su, sv in ((-0.45, -0.62), (0.3, 0.6), (0.5, -0.5), (-0.35, 0.58)):
            paint(cols[2 % len(cols)], (0.16 - np.hypot(un - su, vn - sv)) * min(a, b))
    elif sprite.pattern == "stripes":
        n_bands = 5
        p = (un + 1) * (n_bands / 2)
        band_px = 2 * a / n_bands
        idx = np.floor(p).astype(np.int64)
        frac = p - idx
        out[:] = cols[idx % len(cols)]
        # Blend with the neighbouring band within half a pixel of each border.
        left = np.clip(0.5 - frac * band_px, 0, 1)[..., None]
        right = np.clip(0.5 - (1 - frac) * band_px, 0, 1)[..., None]
        out[:] = out * (1 - left - right) + cols[(idx - 1) % len(cols)] * left
        out += cols[(idx + 1) % len(cols)] * right
    # Soft light from the upper left plus a faint surface ripple: texture without changing hue.
    shade = 1.08 - 0.12 * ((un + 0.4) ** 2 + (vn + 0.4) ** 2)
    shade += 0.04 * np.sin(9 * un + 1.3) * np.sin(7 * vn + 0.4)
    return out * np.clip(shade, 0.7, 1.1)[..., None]


def _composite(canvas: np.ndarray, layer) -> None:
    if layer is None:
        return
    region, alpha, colour = layer
    a = alpha[..., None]
    canvas[region] = canvas[region] * (1 - a) + colour * a


def _coverage(sprite: Sprite, pose: Pose, frame_hw: tuple[int, int]) -> np.ndarray:
    full = np.zeros(frame_hw, np.float32)
    layer = _sprite_layer(sprite, pose, frame_hw)
    if layer is not None:
        full[layer[0]] = layer[1]
    return full


# ------------------------------------------------------------------------ background


def _palette(rng: np.random.Generator, n: int) -> np.ndarray:
    """Background colours: greens to blues at moderate saturation, and greys.

    Hues stay within OpenCV 50..135 (100..270 degrees) so that any blend of two of them
    is cyan-ish or grey, never the reds and yellows the targets are made of.
    """
    hsv = np.empty((n, 1, 3), np.uint8)
    grey = rng.random(n) < 0.3
    hsv[:, 0, 0] = rng.integers(50, 136, n)
    hsv[:, 0, 1] = np.where(grey, rng.integers(0, 30, n), rng.integers(45, 150, n))
    hsv[:, 0, 2] = rng.integers(80, 205, n)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[:, 0].astype(np.float32)


def make_background(size: tuple[int, int], seed: int, scale: float = 1.0) -> np.ndarray:
    """Textured background image (float32 BGR, 0..255) of ``size = (width, height)``.

    Smooth coloured noise, blurred colour blobs, a few soft stripes and shapes.
    ``scale`` shrinks the features with the frame so small test frames look alike.
    """
    width, height = size
    rng = np.random.default_rng([seed, 0xB6])
    cell = max(int(64 * scale), 4)
    # Colour field: a coarse grid of palette colours, upsampled and blurred into gradients.
    gh, gw = height // cell + 2, width // cell + 2
    grid = _palette(rng, gh * gw).reshape(gh, gw, 3)
    img = cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
    img = cv2.GaussianBlur(img, (0, 0), 12 * scale)
    n_blobs = int(width * height / (90 * scale) ** 2)
    for col in _palette(rng, n_blobs):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        axes = tuple(int(v) for v in rng.integers(int(15 * scale) + 1, int(70 * scale) + 2, 2))
        cv2.ellipse(img, centre, axes, float(rng.uniform(0, 180)), 0, 360, col.tolist(), -1)
    img = cv2.GaussianBlur(img, (0, 0), 6 * scale)
    # Some man-made structure: long soft stripes and a few boxes, mildly blurred edges.
    for col in _palette(rng, 4):
        p0 = (int(rng.integers(0, width)), 0)
        p1 = (int(rng.integers(0, width)), height)
        cv2.line(img, p0, p1, col.tolist(), int(rng.integers(6, 20) * scale) + 1, cv2.LINE_AA)
    for col in _palette(rng, 3):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        bw, bh = (int(v * scale) for v in rng.integers(40, 140, 2))
        cv2.rectangle(img, (x0, y0), (x0 + bw, y0 + bh), col.tolist(), -1, cv2.LINE_AA)
    img = cv2.GaussianBlur(img, (0, 0), 1.5 * scale + 0.3)
    # Fine grain so the surface is not perfectly flat (fixed to the background, so it pans).
    grain = rng.standard_normal((height, width, 1), dtype=np.float32)
    img += 4.0 * cv2.GaussianBlur(grain, (0, 0), 1.0)[..., None]
    return np.clip(img, 0, 255)


# ----------------------------------------------------------------------------- scene


@dataclass(frozen=True)
class Actor:
    """A sprite and its path: frame index -> :class:`Pose`."""

    sprite: Sprite
    path: Callable[[int], Pose]


@dataclass(frozen=True, eq=False)  # eq would compare the background arrays
class Scene:
    """A renderable clip: background, actors and per-frame gain, pan and noise.

    ``render(i)`` draws frame ``i``; ``box(i)`` and ``rotated(i)`` give its ground truth.
    """

    size: tuple[int, int]
    n_frames: int
    seed: int
    background: np.ndarray
    target: Actor
    occluder: Actor | None = None
    distractor: Actor | None = None
    gain: Callable[[int], float] = field(default=lambda i: 1.0)
    pan: Callable[[int], tuple[float, float]] = field(default=lambda i: (0.0, 0.0))
    noise_sigma: float = 2.0

    def __len__(self) -> int:
        return self.n_frames

    def box(self, i: int) -> Box:
        """Axis-aligned box (x, y, w, h) of the target as drawn, rounded to 0.1 px.

        Rounded so that it survives the OTB text format unchanged.
        """
        return tuple(round(v, 1) for v in bounding_box(self.target.sprite.shape, self.target.path(i)))

    def rotated(self, i: int) -> RotatedRect:
        """Rotated rect ((cx, cy), (w, h), angle) of the target; angle as drawn, not wrapped.

        The targets are symmetric, so compare angles modulo 180 degrees.
        """
        p = self.target.path(i)
        return (p.center, p.size, p.angle)

    def occlusion(self, i: int) -> float:
        """Fraction (0..1) of the target's area hidden by the occluder in frame ``i``."""
        if self.occluder is None:
            return 0.0
        hw = (self.size[1], self.size[0])
        t = _coverage(self.target.sprite, self.target.path(i), hw)
        o = _coverage(self.occluder.sprite, self.occluder.path(i), hw)
        return float((t * o).sum() / max(t.sum(), 1e-6))

    def render(self, i: int, *, without: tuple[str, ...] = (), noise: bool = True) -> np.ndarray:
        """Frame ``i`` as uint8 BGR.

        Parameters
        ----------
        i : int
            Frame index, 0 <= i < n_frames.
        without : tuple of {"target", "occluder", "distractor"}
            Actors to leave out, e.g. to see the background the target hides.
        noise : bool
            Add the sensor noise; off gives the exact noise-free frame.
        """
        width, height = self.size
        bh, bw = self.background.shape[:2]
        ox, oy = self.pan(i)
        centre = ((bw - 1) / 2 + ox, (bh - 1) / 2 + oy)
        canvas = cv2.getRectSubPix(self.background, (width, height), centre)
        # Back to front: the distractor and target never overlap; the occluder passes in front.
        for name in ("distractor", "target", "occluder"):
            actor = getattr(self, name)
            if actor is not None and name not in without:
                _composite(canvas, _sprite_layer(actor.sprite, actor.path(i), (height, width)))
        canvas *= self.gain(i)
        if noise and self.noise_sigma > 0:
            # Seeded by (seed, frame) so any frame renders alone, identically.
            rng = np.random.default_rng([self.seed, i, 0x5E])
            canvas += self.noise_sigma * rng.standard_normal(canvas.shape, dtype=np.float32)
        return np.clip(canvas + 0.5, 0, 255).astype(np.uint8)


class Clip(NamedTuple):
    frames: list[np.ndarray]
    boxes: list[Box]
    rotated: list[RotatedRect]


def render_clip(scenario: str, n_frames: int, size: tuple[int, int] = REFERENCE_SIZE, seed: int = 0) -> Clip:
    """Render a named scenario: frames (uint8 BGR), target boxes and rotated rects.

    Parameters
    ----------
    scenario : str
        One of :data:`SCENARIOS`; see :func:`make_scene`.
    n_frames : int
    size : (width, height)
    seed : int

    Returns
    -------
    Clip
        A named tuple ``(frames, boxes, rotated)`` of equal-length lists.
    """
    scene = make_scene(scenario, n_frames, size, seed)
    frames = [scene.render(i) for i in range(n_frames)]
    return Clip(frames, [scene.box(i) for i in range(n_frames)], [scene.rotated(i) for i in range(n_frames)])


def make_scene(scenario: str, n_frames: int, size: tuple[int, int] = REFERENCE_SIZE, seed: int = 0) -> Scene:
    """Build a named scenario without rendering it.

    Lengths are given for 640x480 and scale with ``size``; speeds are per frame.
    Events (occlusion, gain ramp, rotation, scaling) are placed relative to the clip
    length, so short clips compress them; about 60 frames or more are needed for the
    occlusion and distractor passes to happen as described.

    - "demo": a red-and-yellow ball (76x66) on a smooth Lissajous path (<= 5 px/frame)
      over a slowly panning background; a blue bar passes in front of it for about
      30 frames around 35% of the clip; the gain ramps 1.0 -> 0.6 -> 1.0 in the second half.
    - "brightness": the ball drifting slowly; gain 1.0 -> 0.5 -> 1.0.
    - "occlusion": the ball moving right (<= 2 px/frame); a blue bar covers about half of it for about
      20 frames in the middle of the clip (see :meth:`Scene.occlusion`).
    - "distractor": the ball drifting; an orange-and-gold striped box of similar colours
      passes at 1.5 target widths centre to centre (never overlapping) mid-clip.
    - "rotation": a striped 120x40 box turning through 180 degrees while moving slowly.
    - "scale": the ball growing to 2x, then shrinking to 0.6x, while moving slowly.
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
    if n_frames < 1:
        raise ValueError(f"n_frames must be positive, got {n_frames}")
    width, height = size
    sx, sy = width / REFERENCE_SIZE[0], height / REFERENCE_SIZE[1]
    s = min(sx, sy)
    last = max(n_frames - 1, 1)
    margin = int(math.ceil(48 * s)) + 2
    background = make_background((width + 2 * margin, height + 2 * margin), seed, s)
    ball = Sprite("ellipse", "ball", (RED, YELLOW, DARK_RED))
    bar = Sprite("box", "plain", (BLUE,))
    common = dict(size=(width, height), n_frames=n_frames, seed=seed, background=background)

    def at(x: float, y: float) -> tuple[float, float]:  # reference coordinates -> this frame
        return (x * sx, y * sy)

    if scenario == "demo":
        def target(i):
            t = 2 * math.pi * i / 300
            return Pose(at(320 + 170 * math.sin(t), 240 + 80 * math.sin(2 * t + 0.6)),
                        (76 * s, 66 * s), 12 * math.sin(t * 1.5))
        occluder = _passing_bar(target, round(0.35 * last), dwell=24)
        gain = lambda i: _eased_keys(i / last, [(0.55, 1.0), (0.7, 0.6), (0.78, 0.6), (0.92, 1.0)])
        pan = lambda i: (40 * s * math.sin(2 * math.pi * i / 600), 20 * s * math.sin(2 * math.pi * i / 450))
        return Scene(**common, target=Actor(ball, target), occluder=Actor(bar, occluder), gain=gain, pan=pan)

    if scenario == "brightness":
        def target(i):
            t = 2 * math.pi * i / 240
            return Pose(at(320 + 90 * math.sin(t), 240 + 50 * math.sin(2 * t)), (70 * s, 70 * s))
        gain = lambda i: _eased_keys(i / last, [(0.15, 1.0), (0.45, 0.5), (0.55, 0.5), (0.85, 1.0)])
        return Scene(**common, target=Actor(ball, target), gain=gain)

    if scenario == "occlusion":
        speed = min(2.0, 440 / last)  # long clips move slower so the ball stays in frame

        def target(i):
            return Pose(at(320 + speed * (i - last / 2), 240 + 30 * math.sin(2 * math.pi * i / 200)),
                        (70 * s, 70 * s))
        occluder = _passing_bar(target, round(0.5 * last), dwell=20)
        return Scene(**common, target=Actor(ball, target), occluder=Actor(bar, occluder))

    if scenario == "distractor":
        def target(i):
            return Pose(at(320 + 60 * math.sin(2 * math.pi * i / 300), 270 + 20 * math.sin(2 * math.pi * i / 170)),
                        (70 * s, 70 * s))

        def distractor(i):
            p = target(i)
            # Passes sideways at a constant gap above the target, closest at mid-clip.
            return Pose((p.center[0] - 4 * s * (i - last / 2), p.center[1] - 1.5 * p.size[0]),
                        (60 * s, 44 * s), 0.0)
        return Scene(**common, target=Actor(ball, target),
                     distractor=Actor(Sprite("box", "stripes", (ORANGE, GOLD)), distractor))

    if scenario == "rotation":
        def target(i):
            t = 2 * math.pi * i / 400
            return Pose(at(320 + 40 * math.sin(t), 240 + 25 * math.sin(2 * t)),
                        (120 * s, 40 * s), 180.0 * i / last)
        return Scene(**common, target=Actor(Sprite("box", "stripes", (RED, YELLOW)), target))

    # "scale"
    def target(i):
        t = 2 * math.pi * i / 400
        k = _eased_keys(i / last, [(0.1, 1.0), (0.4, 2.0), (0.5, 2.0), (0.85, 0.6)])
        return Pose(at(320 + 50 * math.sin(t), 240 + 30 * math.sin(2 * t)), (60 * k * s, 60 * k * s))
    return Scene(**common, target=Actor(ball, target))


def _passing_bar(target: Callable[[int], Pose], mid: int, dwell: int) -> Callable[[int], Pose]:
    """Path of a tall bar that sweeps across the target and lingers over about half of it.

    The bar (0.42 target widths wide, taller than the target) sits over the target's
    middle for ``dwell`` frames around frame ``mid``, hiding roughly half of a round
    target; it sweeps in and out at 0.2 target widths per frame relative to the target.
    """
    start, end = mid - dwell / 2, mid + dwell / 2
    sweep = 0.2  # target widths per frame while arriving and leaving

    def path(i: int) -> Pose:
        p = target(i)
        tw, th = p.size
        if i < start:
            rel = -0.1 - sweep * (start - i)
        elif i > end:
            rel = 0.1 + sweep * (i - end)
        else:
            rel = -0.1 + 0.2 * (i - start) / max(dwell, 1)
        return Pose((p.center[0] + rel * tw, p.center[1] + 0.15 * th), (0.42 * tw, 2.4 * th), 0.0)
    return path
