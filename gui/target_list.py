"""The list of targets: id and colour, score and state of each; a click selects one."""

from __future__ import annotations

from PyQt6.QtCore import QSize, Qt, pyqtSignal
from PyQt6.QtGui import QIcon, QPixmap
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from .overlay import target_qcolour

COLUMNS = ("Target", "Score", "State")
SWATCH = 12          # pixels


class TargetList(QTableWidget):
    """One row per target, oldest first; the selected target's row is highlighted."""

    target_chosen = pyqtSignal(int)          # the user clicked this target's row

    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)   # compact rows
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Keys belong to the video (Space, Delete...): the list is for the mouse.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip("Click a target to select it (Delete removes it, Shift+drag re-targets it)")
        self.setMinimumHeight(44)             # the header and a row
        self._ids: list[int] = []
        self._selected = None
        self.cellClicked.connect(self._on_click)

    def sizeHint(self):
        # Three rows or so: the panels below a row of two views must stay low.
        return QSize(180, 84)

    def ids(self) -> list[int]:
        return list(self._ids)

    def shown_selection(self) -> int | None:
        return self._selected

    def row_texts(self) -> list[tuple[str, str, str]]:
        """What each row says, (id, score, state): for tests and the curious."""
        return [tuple(self.item(r, c).text() for c in range(len(COLUMNS))) for r in range(self.rowCount())]

    def show_states(self, states: dict, selected: int | None) -> None:
        """``states`` (id -> TrackState) in the rows; ``selected``'s row highlighted."""
        ids = list(states)
        if ids != self._ids:
            self._ids = ids
            self.setRowCount(len(ids))
            for row, target_id in enumerate(ids):
                pixmap = QPixmap(SWATCH, SWATCH)
                pixmap.fill(target_qcolour(target_id))
                item = QTableWidgetItem(QIcon(pixmap), f"#{target_id}")
                item.setData(Qt.ItemDataRole.UserRole, target_id)
                self.setItem(row, 0, item)
                for column in (1, 2):
                    self.setItem(row, column, QTableWidgetItem())
        for row, target_id in enumerate(ids):
            state = states[target_id]
            self.item(row, 1).setText(f"{state.score:.2f}")
            self.item(row, 2).setText("LOST" if state.lost else "tracked")
        self._selected = selected if selected in ids else None
        self.blockSignals(True)                # showing the selection is not choosing one
        if selected in ids:
            self.selectRow(ids.index(selected))
        else:
            self.clearSelection()
        self.blockSignals(False)

    def _on_click(self, row: int, _column: int) -> None:
        if 0 <= row < len(self._ids):
            self.target_chosen.emit(self._ids[row])
