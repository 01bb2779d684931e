"""How a confidently tracked target's size, orientation and brightness gain follow it.

A mixin of `MeanShiftTracker` (tracker.py), kept apart so each file reads as one concern.
"""

from __future__ import annotations

import math

from ._meanshift_kernels import best_box_size


class Adaptation:
    """Size (the box that holds target-like weight), angle (second moments) and gain."""

    def _adapt_size(self, weights, region, found, occluded_bins=None, frame=None):
        """Grow or shrink towards the box that holds target pixels and leaves out the rest.

        ``occluded_bins``: the region's bin map when the match is worse than usual. A
        partly hidden target must not shrink to its visible part, but a box left larger
        than a shrinking target matches badly too: the size changes then only if the
        chosen box matches the model clearly better, and as well as usual again.
        ``frame``: when given, the template gives a second opinion (`_agreed_scale`).
        """
        tau = self._background_weight + self.EDGE_LEVEL * (self._target_weight - self._background_weight)
        # The rotated box is fitted (upright unless rotation is followed).
        fw, fh, _ = best_box_size(weights, found.u, found.v, self._w / region.step_x,
                                  self._h / region.step_y, math.radians(self._angle),
                                  self.SCALE_FACTORS, tau, self._cells)
        if occluded_bins is not None:
            score = self._kernel_score(occluded_bins, found.u, found.v, region, self._w * fw, self._h * fh)
            if score < max(found.score + self.RESIZE_GAIN, self._typical_score - self.OCCLUSION_DROP):
                return
        w = self._w * fw ** self.SCALE_RATE
        h = self._h * fh ** self.SCALE_RATE
        if frame is not None:
            g = self._agreed_scale(math.sqrt(fw * fh) ** self.SCALE_RATE, frame, found)
            w, h = self._w * g, self._h * g
        # Keep the shape near the first frame's, the size within limits and the frame.
        aspect0 = self._w0 / self._h0
        aspect = min(max(w / h, aspect0 / self.ASPECT_LIMIT), aspect0 * self.ASPECT_LIMIT)
        area = w * h
        w, h = math.sqrt(area * aspect), math.sqrt(area / aspect)
        lo, hi = self.SCALE_LIMITS
        W, H = self._frame_size
        s = math.sqrt(w * h / (self._w0 * self._h0))
        s_clamped = min(max(s, lo, 1.0 / min(w, h) * s), max(min(hi, W / w * s, H / h * s), 1.0))
        self._w, self._h = w * s_clamped / s, h * s_clamped / s

    def _agreed_scale(self, colour, frame, found):
        """The size change both cues agree on: the template's (which extent it matches
        best) and the colours' (``colour``), the smaller one when both grow or both
        shrink, none when they disagree. Each alone balloons where it is weak (colour on
        gray or dull targets, the template in spray and clutter); they rarely err the
        same way on the same frame. A target without a pattern (every extent matches
        it alike) is sized by its colours alone."""
        if colour == 1.0:
            return 1.0        # nothing to agree on (and the template's looks cost time)
        look = self._template.scale_factor(frame, found.cx, found.cy, *self._bounds())
        if look is None:
            return colour     # a target without a pattern: the colours alone
        if look > 1 and colour > 1:
            return min(look, colour)
        if look < 1 and colour < 1:
            return max(look, colour)
        return 1.0

    def _adapt_angle(self, bins, region):
        # The orientation is measured on the first frame's colours: a box lagging a
        # turning target holds background, the learnt model takes some of it in, and
        # its weights would round the blob until the angle stopped following.
        self._ratio(self._q0, self._anchor_table)
        weights = self._project(bins, anchor=True)
        e, e0 = self._ellipse(weights, region), self._shape0
        # Orientation is only defined for elongated weight blobs.
        if e is not None and e0 is not None and e.length > 1.3 * e.width and e0.length > 1.3 * e0.width:
            delta = math.degrees(e.theta - e0.theta)
            delta = (delta + 90.0) % 180.0 - 90.0
            diff = (delta - self._angle + 90.0) % 180.0 - 90.0
            self._angle += self.ANGLE_RATE * diff

    def _follow_brightness(self, region, found):
        """Follow global brightness: keep a slightly brighter or darker binning if it fits better.

        Like Comaniciu's +-10% scale test, applied to the bin edges: the candidate
        window is re-binned at the gain one step either side, and the gain whose
        histogram matches the model best is kept. Only a clear gain in similarity
        moves it, so noise does not make it wander. Returns whether the gain changed.
        """
        bw, bh = self._bounds()
        hw, hh = bw / region.step_x / 2, bh / region.step_y / 2
        H, W = region.image.shape[:2]
        x0, y0 = min(max(int(found.u - hw), 0), W - 1), min(max(int(found.v - hh), 0), H - 1)
        x1, y1 = max(int(math.ceil(found.u + hw)) + 1, x0 + 1), max(int(math.ceil(found.v + hh)) + 1, y0 + 1)
        window = region.image[y0:y1, x0:x1]
        best_gain, best_score = self._gain, found.score + self.GAIN_MARGIN
        for gain in (self._gain / (1 + self.GAIN_STEP), self._gain * (1 + self.GAIN_STEP)):
            bins = self._probe_quantizer.bin_map(window, gain)
            candidate = self._kernel_score(bins, found.u - x0, found.v - y0, region)
            if candidate > best_score:
                best_gain, best_score = gain, candidate
        old, self._gain = self._gain, min(max(best_gain, self.GAIN_LIMITS[0]), self.GAIN_LIMITS[1])
        return self._gain != old
