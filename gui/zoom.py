"""Where a frame is painted in a view: fitted, then zoomed around a centre the user moves
(Ctrl+wheel, a drag with the middle button), and how that reads as a percentage."""

from __future__ import annotations

MAX_ZOOM = 32.0
#: Zoom factor per wheel notch (120 eighths of a degree).
WHEEL_ZOOM_STEP = 1.25
#: Above this many widget pixels per image pixel, drawing switches from smooth
#: to nearest-neighbour scaling so a zoomed-in user sees the real pixels rather
#: than a blur of them.
SMOOTH_MAX_SCALE = 3.0


def clamp_centre(centre, image_len, view_len, scale):
    """Clamp a zoom centre along one axis so the image covers the view.

    When the scaled image is shorter than the view along this axis it is
    centred (letterboxed) instead: panning could only add more empty bar.
    """
    half_view = view_len / (2.0 * scale)  # half the view, in image units
    if 2.0 * half_view >= image_len:
        return image_len / 2.0
    return min(max(centre, half_view), image_len - half_view)


def view_transform(view_w, view_h, image_w, image_h, zoom, centre):
    """Map image coordinates to widget coordinates for a fit-and-zoom view.

    Parameters
    ----------
    view_w, view_h : float
        Widget size in (logical) pixels.
    image_w, image_h : int
        Image size in pixels.
    zoom : float
        Magnification relative to fitting the whole image, >= 1.
    centre : tuple of float or None
        Requested image point at the middle of the view; None for the image centre.

    Returns
    -------
    scale : float
        Widget pixels per image pixel.
    offset : tuple of float
        Widget position of image point (0, 0): ``widget = offset + scale * image``.
    centre : tuple of float
        The image point actually shown at the middle of the view, after clamping.
    """
    fit = min(view_w / image_w, view_h / image_h)
    # A collapsed widget must still give an invertible mapping.
    scale = max(fit, 1e-6) * zoom
    cx, cy = centre if centre is not None else (image_w / 2.0, image_h / 2.0)
    cx = clamp_centre(cx, image_w, view_w, scale)
    cy = clamp_centre(cy, image_h, view_h, scale)
    offset = (view_w / 2.0 - scale * cx, view_h / 2.0 - scale * cy)
    return scale, offset, (cx, cy)




def centre_keeping(cursor, point, view_size, image_size, zoom):
    """The image centre that keeps image ``point`` under widget position ``cursor`` at
    ``zoom`` (zooming around the cursor), clamped so the frame still covers the view:
    zooming in and out again at one spot does not wander off past the image edge."""
    (view_w, view_h), (image_w, image_h) = view_size, image_size
    scale = view_transform(view_w, view_h, image_w, image_h, zoom, None)[0]
    centre = (point[0] - (cursor[0] - view_w / 2.0) / scale, point[1] - (cursor[1] - view_h / 2.0) / scale)
    return view_transform(view_w, view_h, image_w, image_h, zoom, centre)[2]


def zoom_text(scale: float) -> str:
    """The zoom as the user reads it: screen pixels per frame pixel, in per cent."""
    return f"{scale * 100:.0f} %"
