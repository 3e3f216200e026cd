"""Tab on the canvas: type a layer name, press Enter, and the layer appears under the cursor.

NodeGraphQt's own tab search only opens while the mouse is over the viewer and lists class
identifiers; this one lists the catalog with summaries and completes on any part of a name.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtWidgets

from netdesigner.core import catalog


class QuickAdd(QtWidgets.QLineEdit):
    """A popup line edit with completion; ``chosen(layer_type)`` is called on Enter."""

    def __init__(self, parent: QtWidgets.QWidget, chosen: Callable[[str], object]) -> None:
        super().__init__(parent)
        self.chosen = chosen
        self.setWindowFlags(QtCore.Qt.WindowType.Popup)
        self.setPlaceholderText("Layer name…")
        self.setMinimumWidth(260)
        self.types = [s.type for s in catalog.all_specs()]
        completer = QtWidgets.QCompleter(self.types, self)
        completer.setCaseSensitivity(QtCore.Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(QtCore.Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._accept)
        self.setCompleter(completer)
        self.returnPressed.connect(lambda: self._accept(self.text()))

    def open_at(self, global_pos: QtCore.QPoint) -> None:
        self.clear()
        self.move(global_pos)
        self.show()
        self.setFocus()
        self.completer().complete()

    def _accept(self, text: str) -> None:
        matches = [t for t in self.types if t.lower() == text.strip().lower()]
        if not matches:
            matches = [t for t in self.types if text.strip().lower() in t.lower()]
        self.hide()
        if matches and text.strip():
            self.chosen(matches[0])
