"""The layer palette: every catalog entry by category, searchable, with its one-line summary.

Drag an entry onto the canvas to create it there, or double-click to add it at the centre.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.core import catalog
from netdesigner.core.catalog import CATEGORIES
from netdesigner.gui import theme
from netdesigner.gui.canvas import LAYER_MIME

TYPE_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1


class LayerTree(QtWidgets.QTreeWidget):
    def mimeData(self, items: Iterable[QtWidgets.QTreeWidgetItem]) -> QtCore.QMimeData:
        data = QtCore.QMimeData()
        first = next(iter(items), None)
        layer_type = first.data(0, TYPE_ROLE) if first is not None else None
        if layer_type:
            data.setData(LAYER_MIME, layer_type.encode())
            data.setText(layer_type)  # the canvas only accepts drags that carry text
        return data


class Palette(QtWidgets.QWidget):
    def __init__(self, add_at_centre: Callable[[str], object]) -> None:
        super().__init__()
        self.add_at_centre = add_at_centre
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.search = QtWidgets.QLineEdit()
        self.search.setPlaceholderText("Search layers…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.filter)
        layout.addWidget(self.search)
        self.tree = LayerTree()
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QtWidgets.QAbstractItemView.DragDropMode.DragOnly)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        layout.addWidget(self.tree)
        self.items: dict[str, QtWidgets.QTreeWidgetItem] = {}
        groups: dict[str, QtWidgets.QTreeWidgetItem] = {}
        for category in CATEGORIES:
            group = QtWidgets.QTreeWidgetItem([category])
            group.setFlags(QtCore.Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setForeground(0, QtGui.QColor(*theme.CATEGORY_COLORS[category]).lighter(160))
            self.tree.addTopLevelItem(group)
            groups[category] = group
        for spec in catalog.all_specs():
            item = QtWidgets.QTreeWidgetItem([spec.type])
            item.setData(0, TYPE_ROLE, spec.type)
            item.setToolTip(0, f"<b>{spec.type}</b>: {spec.summary}<br><br>{spec.doc}")
            item.setStatusTip(0, spec.summary)
            item.setFlags(
                QtCore.Qt.ItemFlag.ItemIsEnabled
                | QtCore.Qt.ItemFlag.ItemIsSelectable
                | QtCore.Qt.ItemFlag.ItemIsDragEnabled
            )
            groups[spec.category].addChild(item)
            self.items[spec.type] = item
        for group in groups.values():
            group.sortChildren(0, QtCore.Qt.SortOrder.AscendingOrder)
        self.tree.expandAll()

    def filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group is None:
                continue
            visible = 0
            for j in range(group.childCount()):
                item = group.child(j)
                if item is None:
                    continue
                spec = catalog.get(item.data(0, TYPE_ROLE))
                haystack = f"{spec.type} {spec.summary} {spec.category}".lower()
                shown = all(w in haystack for w in words)
                item.setHidden(not shown)
                visible += shown
            group.setHidden(visible == 0)

    def _double_clicked(self, item: QtWidgets.QTreeWidgetItem) -> None:
        layer_type = item.data(0, TYPE_ROLE)
        if layer_type:
            self.add_at_centre(layer_type)
