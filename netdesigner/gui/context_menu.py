"""Right-click on the canvas: the actions that apply to what is under the cursor.

On a layer: properties, rename, the arithmetic of its shape, cut/copy/duplicate/delete, freeze
up to here / unfreeze, cut its wires, find it in the summary, its Keras documentation. On a
wire: delete it. On empty canvas: add a layer there, paste, select all, layout and view.
NodeGraphQt's own menus are replaced (they would act on its model, behind the document's back).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.core.graph import Edge
from netdesigner.gui.help_dialogs import keras_doc_url

if TYPE_CHECKING:
    from netdesigner.gui.main_window import MainWindow


class CanvasContextMenu(QtCore.QObject):
    """Builds and shows the menu for a right-click on ``window``'s canvas."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.canvas = window.canvas
        self.canvas.viewer().viewport().installEventFilter(self)
        self.menu: QtWidgets.QMenu | None = None  # the one open, for tests and screenshots

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() != QtCore.QEvent.Type.ContextMenu or not isinstance(event, QtGui.QContextMenuEvent):
            return False
        self.canvas.viewer().RMB_state = False  # NodeGraphQt would otherwise zoom on the next move
        self.menu = self.menu_at(QtCore.QPoint(event.pos()))  # a copy: the event goes away
        self.menu.exec(event.globalPos())
        self.menu = None
        return True

    def menu_at(self, pos: QtCore.QPoint) -> QtWidgets.QMenu:
        """The menu for a right-click at ``pos`` (viewport coordinates)."""
        viewer = self.canvas.viewer()
        menu = QtWidgets.QMenu(viewer)
        for item in viewer.items(pos):
            node_id = self._node_of(item)
            if node_id is not None:
                self._fill_for_node(menu, node_id)
                return menu
            edge = self._edge_of(item)
            if edge is not None:
                self._fill_for_wire(menu, edge)
                return menu
        self._fill_for_canvas(menu, pos)
        return menu

    def _node_of(self, item: QtWidgets.QGraphicsItem) -> str | None:
        while item is not None:
            node_id = self.canvas.core_of.get(getattr(item, "id", None) or "")
            if node_id is not None:
                return node_id
            item = item.parentItem()
        return None

    def _edge_of(self, item: QtWidgets.QGraphicsItem) -> Edge | None:
        ports = getattr(item, "input_port", None), getattr(item, "output_port", None)
        if None in ports:
            return None
        return self.canvas._edge_of(*ports)

    def _fill_for_node(self, menu: QtWidgets.QMenu, node_id: str) -> None:
        window, graph = self.window, self.window.document.graph
        if node_id not in self.canvas.selected_ids():
            self.canvas.select_ids([node_id], centre=False)
        chosen = self.canvas.selected_ids()
        node = graph.nodes[node_id]
        several = len(chosen) > 1
        title = f"{len(chosen)} layers" if several else f"{node.name} ({node.type})"
        menu.addSection(title)
        if not several:
            _item(menu, "Properties", window.show_properties)
            _item(menu, "Rename…", window.show_properties, window.properties.start_rename)
            _item(menu, "Why This Shape…", window.show_properties, window.properties.show_why)
        menu.addSeparator()
        for name in ("Cut", "Copy", "Duplicate", "Delete"):
            menu.addAction(window.named_actions[name])
        menu.addSeparator()
        menu.addAction(window.named_actions["Freeze Up to Here"])
        menu.addAction(window.named_actions["Unfreeze"])
        wires = [e for e in graph.edges if e.source in chosen or e.target in chosen]
        disconnect = _item(menu, "Disconnect", lambda: self._remove_wires(wires))
        disconnect.setEnabled(bool(wires))
        menu.addSeparator()
        _item(menu, "Show in Summary", lambda: window.show_in_summary(node_id))
        url = keras_doc_url(node.spec)
        if url and not several:
            docs = f"Keras Documentation of {node.spec.keras_class}"
            _item(menu, docs, lambda: QtGui.QDesktopServices.openUrl(QtCore.QUrl(url)))

    def _fill_for_wire(self, menu: QtWidgets.QMenu, edge: Edge) -> None:
        nodes = self.window.document.graph.nodes
        menu.addSection(f"{nodes[edge.source].name} → {nodes[edge.target].name}")
        _item(menu, "Delete Wire", lambda: self._remove_wires([edge]))

    def _fill_for_canvas(self, menu: QtWidgets.QMenu, pos: QtCore.QPoint) -> None:
        window = self.window
        _item(menu, "Add Layer Here…", lambda: window.open_quick_add(pos))
        menu.addAction(window.named_actions["Paste"])
        menu.addAction(window.named_actions["Select All"])
        menu.addSeparator()
        menu.addAction(window.undo_action)
        menu.addAction(window.redo_action)
        menu.addSeparator()
        menu.addAction(window.named_actions["Auto Layout"])
        menu.addAction(window.named_actions["Fit View"])

    def _remove_wires(self, edges: list[Edge]) -> None:
        error = self.window.document.rewire(edges, [])
        if error is not None:
            self.canvas.refused(f"Not now: {error}")


def _item(menu: QtWidgets.QMenu, text: str, *slots: Callable[[], object]) -> QtGui.QAction:
    """A menu entry that runs ``slots`` in order."""
    action = QtGui.QAction(text, menu)
    for slot in slots:
        action.triggered.connect(slot)
    menu.addAction(action)
    return action
