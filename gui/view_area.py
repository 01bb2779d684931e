"""The video area: the main view and, side by side, a second one in a row or a column."""

from __future__ import annotations

from PyQt6.QtWidgets import QBoxLayout, QWidget

from .video_view import VideoView

#: User choices; "auto" takes whichever of a row or a column shows the frames larger.
ARRANGEMENT_CHOICES = ("auto", "row", "column")
GAP = 4


def frames_share(area_w: float, area_h: float, image_w: float, image_h: float,
                 arrangement: str, gap: float = GAP) -> float:
    """Share of an ``area_w`` x ``area_h`` area covered by two ``image_w`` x ``image_h``
    frames, each fitted (keeping its aspect) into its half of a row or a column."""
    if min(area_w, area_h, image_w, image_h) <= 0:
        return 0.0
    if arrangement == "row":
        cell_w, cell_h = (area_w - gap) / 2, area_h
    else:
        cell_w, cell_h = area_w, (area_h - gap) / 2
    scale = max(min(cell_w / image_w, cell_h / image_h), 0.0)
    return 2 * scale * scale * image_w * image_h / (area_w * area_h)


def best_arrangement(area_w, area_h, image_w, image_h) -> str:
    """"row" or "column", whichever shows two frames of this size larger in this area."""
    row = frames_share(area_w, area_h, image_w, image_h, "row")
    column = frames_share(area_w, area_h, image_w, image_h, "column")
    return "row" if row >= column else "column"


class ViewArea(QWidget):
    """Holds ``main`` and ``side`` (hidden unless side by side) and arranges them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.main = VideoView()
        self.side = VideoView()
        self.side.setVisible(False)
        self._choice = "auto"
        self._image_size = (16, 9)          # until a frame says otherwise
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(GAP)
        self._layout.addWidget(self.main, 1)
        self._layout.addWidget(self.side, 1)

    def set_side_visible(self, on: bool) -> None:
        self.side.setVisible(bool(on))
        self._rearrange()

    def set_choice(self, choice: str) -> None:
        """"auto", "row" or "column"."""
        self._choice = choice if choice in ARRANGEMENT_CHOICES else "auto"
        self._rearrange()

    def choice(self) -> str:
        return self._choice

    def set_image_size(self, w: int, h: int) -> None:
        self._image_size = (max(int(w), 1), max(int(h), 1))
        self._rearrange()

    def arrangement(self) -> str:
        """The arrangement in use: "row" or "column"."""
        if self._choice != "auto":
            return self._choice
        return best_arrangement(self.width(), self.height(), *self._image_size)

    def shown_share(self) -> float:
        """Share of this area covered by frames, as painted now."""
        area = self.width() * self.height()
        if area <= 0:
            return 0.0
        covered = 0.0
        for view in (self.main, self.side):
            rect = view.image_rect() if view.isVisible() else None
            if rect is not None:
                covered += rect.width() * rect.height()
        return covered / area

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._rearrange()

    def _rearrange(self):
        row = self.arrangement() == "row"
        direction = QBoxLayout.Direction.LeftToRight if row else QBoxLayout.Direction.TopToBottom
        if self._layout.direction() != direction:
            self._layout.setDirection(direction)
