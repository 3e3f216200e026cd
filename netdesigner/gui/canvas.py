"""The canvas: NodeGraphQt's graph widget as a view of the core graph.

NodeGraphQt would apply gestures (wires, moves, renames, tab-search creation, drops) to its
own model and undo stack; here each of those slots is overridden to hand the gesture to the
document instead, and the canvas only changes when core's graph announces a change. So core
owns cycles, ids and undo, and a refused wire is never drawn.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from NodeGraphQt import NodeGraph
from NodeGraphQt.constants import PortTypeEnum
from PySide6 import QtCore, QtWidgets

from netdesigner.core.errors import GraphError
from netdesigner.core.graph import Edge, EventKind, Graph, GraphEvent
from netdesigner.core.inference import NodeInfo, shapes_text
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.report import human_count
from netdesigner.core.shapes import fmt
from netdesigner.core.spec import frozen
from netdesigner.gui import theme
from netdesigner.gui.document import EditorDocument
from netdesigner.gui.messages import Callout, PointerTracker
from netdesigner.gui.node_items import LayerNode, info_html, node_classes

LAYER_MIME = "application/x-netdesigner-layer"
PROGRESS_AFTER_MS = 500


MIN_TEXT_PX = 9  # node text smaller than this on screen cannot be read


class GraphCanvas(NodeGraph):
    """Shows ``document``'s graph; ``message`` receives texts for the status bar."""

    def __init__(self, document: EditorDocument, message: Callable[[str], None]) -> None:
        super().__init__(undo_stack=document.undo_stack)
        self.document = document
        self.message = message
        self.classes = node_classes()
        self.register_nodes(list(self.classes.values()))
        self.set_acyclic(False)  # core refuses loops itself, with an explanation
        self.set_background_color(*theme.CANVAS_BACKGROUND)
        self.set_grid_color(*theme.CANVAS_GRID)
        # NodeGraphQt writes "CTRL: Deselect Nodes" on the canvas while Ctrl is down, and leaves it
        # there when a Ctrl+key shortcut opens a dialog that takes the key release: never shown.
        self.viewer()._cursor_text.setOpacity(0.0)
        # NodeGraphQt's tab-search menu has no parent, so it outlived every closed window (held
        # by Python until the viewer's wrapper was collected): it goes with the viewer now.
        search = self.viewer()._search_widget
        search.setParent(self.viewer(), search.windowFlags())
        self.callout = Callout(self.viewer(), self.viewer().viewport())
        self.pointer = PointerTracker(self.viewer().viewport())
        self.viewer().installEventFilter(self)
        self.view_of: dict[str, LayerNode] = {}
        self.core_of: dict[str, str] = {}
        document.replaced.connect(self._rebuild)
        document.inference_updated.connect(self.refresh_labels)
        self._subscribed: Graph | None = None
        self._rebuild()

    # --- following core -----------------------------------------------------------------------

    def _rebuild(self) -> None:
        """Show a freshly loaded graph: clear the scene, add every node and edge once."""
        if self._subscribed is not None:
            self._subscribed.unsubscribe(self._on_event)
        for view in list(self.view_of.values()):
            self.remove_node(view, push_undo=False)
        self.view_of.clear()
        self.core_of.clear()
        graph = self.document.graph
        # About 4 ms a node: a large imported model shows progress instead of a frozen window.
        progress = QtWidgets.QProgressDialog("Opening the graph…", "", 0, 2 * len(graph), self.widget)
        progress.setCancelButton(None)
        progress.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(PROGRESS_AFTER_MS)
        for i, node_id in enumerate(graph.nodes):
            self._add_view(node_id)
            if i % 20 == 0:
                progress.setValue(i)
        for edge in graph.edges:
            self._connect_view(edge)
        graph.subscribe(self._on_event)
        self._subscribed = graph
        ids = list(graph.nodes)
        for start in range(0, len(ids), 20):
            self.refresh_labels(set(ids[start : start + 20]))
            progress.setValue(len(ids) + start)
        progress.close()

    def _on_event(self, event: GraphEvent) -> None:
        kind, node_id = event.kind, event.node_id
        if kind is EventKind.NODE_ADDED:
            self._add_view(node_id)
        elif kind is EventKind.NODE_REMOVED:
            view = self.view_of.pop(node_id)
            self.core_of.pop(view.id, None)
            self.remove_node(view, push_undo=False)
        elif kind is EventKind.EDGE_ADDED and event.edge is not None:
            self._connect_view(event.edge)
        elif kind is EventKind.EDGE_REMOVED and event.edge is not None:
            self._disconnect_view(event.edge)
        elif kind is EventKind.RENAMED:
            self.view_of[node_id].set_property("name", event.detail, push_undo=False)
        elif kind is EventKind.MOVED:
            x, y = self.document.graph.nodes[node_id].position
            view = self.view_of[node_id]
            if tuple(view.view.xy_pos) != (x, y):
                view.view.xy_pos = [x, y]
        elif kind is EventKind.PARAM_CHANGED:
            self.view_of[node_id].set_ports(self.document.graph.nodes[node_id].params)

    def _add_view(self, node_id: str) -> None:
        node = self.document.graph.nodes[node_id]
        view = self.classes[node.type]()
        view.NODE_NAME = node.name
        view.set_ports(node.params)
        self.add_node(view, pos=list(node.position), selected=False, push_undo=False)
        view.set_property("name", node.name, push_undo=False)
        self.view_of[node_id] = view
        self.core_of[view.id] = node_id

    def _ports(self, edge: Edge):
        source, target = self.view_of[edge.source], self.view_of[edge.target]
        return source.output_ports()[edge.source_port], target.input_ports()[edge.port]

    def _connect_view(self, edge: Edge) -> None:
        out_port, in_port = self._ports(edge)
        out_port.connect_to(in_port, push_undo=False, emit_signal=False)

    def _disconnect_view(self, edge: Edge) -> None:
        if edge.source in self.view_of and edge.target in self.view_of:
            out_port, in_port = self._ports(edge)
            out_port.disconnect_from(in_port, push_undo=False, emit_signal=False)

    def refresh_labels(self, node_ids: set[str]) -> None:
        graph, result = self.document.graph, self.document.result
        for node_id in node_ids:
            view = self.view_of.get(node_id)
            if view is None:
                continue
            node, info = graph.nodes[node_id], result.infos[node_id]
            owner = node.shares or node_id
            group = [graph.nodes[m].name for m in graph.layer_group(node_id)] if graph.sharers(owner) else []
            lines, tooltip = node_label(node, info, self.document.issues_of(node_id), group)
            tie = theme.TIE_COLORS[list(graph.nodes).index(owner) % len(theme.TIE_COLORS)] if group else None
            view.show_state(info_html(lines), info.error is not None, tooltip, frozen=frozen(node.params), tie=tie)

    # --- gestures, routed to the document -------------------------------------------------------

    def _edge_of(self, a, b) -> Edge | None:
        """The core edge for a pair of port items (either order)."""
        out_item, in_item = (a, b) if a.port_type == PortTypeEnum.OUT.value else (b, a)
        source = self.core_of.get(out_item.node.id)
        target = self.core_of.get(in_item.node.id)
        if source is None or target is None:
            return None
        inputs = [p.name() for p in self.view_of[target].input_ports()]
        outputs = [p.name() for p in self.view_of[source].output_ports()]
        return Edge(source, target, inputs.index(in_item.name), outputs.index(out_item.name))

    def _on_connection_changed(self, disconnected, connected) -> None:
        removed = [e for e in (self._edge_of(a, b) for a, b in disconnected) if e is not None]
        added = [e for e in (self._edge_of(a, b) for a, b in connected) if e is not None]
        error = self.document.rewire(removed, added)
        if error is not None:
            self.refused(f"Connection refused: {error}")

    def refused(self, text: str) -> None:
        """A refused gesture: the whole reason next to where it happened, and in the log."""
        self.callout.show_at(self.pointer.position, text)
        self.message(text)

    def _on_connection_sliced(self, ports) -> None:
        removed = [e for e in (self._edge_of(a, b) for a, b in ports) if e is not None]
        error = self.document.rewire(removed, [])
        if error is not None:
            self.refused(f"Not now: {error}")

    def _on_nodes_moved(self, node_data) -> None:
        moves = {}
        for item, previous in node_data.items():
            node_id = self.core_of.get(item.id)
            if node_id is not None:
                x, y = item.xy_pos
                moves[node_id] = ((float(previous[0]), float(previous[1])), (float(x), float(y)))
        self.document.move(moves)

    def _on_insert_node(self, pipe, node_id, prev_node_pos) -> None:
        self._on_nodes_moved(prev_node_pos)

    def _on_node_name_changed(self, node_id: str, name: str) -> None:
        core_id = self.core_of.get(node_id)
        if core_id is None:
            return
        try:
            self.document.rename(core_id, name)
        except Exception as error:  # noqa: BLE001 - any refusal is shown, the old name restored
            self.refused(f"Rename refused: {error}")
            self.view_of[core_id].set_property("name", self.document.graph.nodes[core_id].name, push_undo=False)

    def _on_search_triggered(self, node_type: str, pos) -> None:
        self._add(node_type.rsplit(".", 1)[-1].removesuffix("Node"), (float(pos[0]), float(pos[1])))

    def _on_node_data_dropped(self, mimedata: QtCore.QMimeData, pos) -> None:
        if mimedata.hasFormat(LAYER_MIME):
            self._add(bytes(mimedata.data(LAYER_MIME)).decode(), (float(pos.x()), float(pos.y())))

    def _add(self, layer_type: str, position: tuple[float, float]) -> None:
        try:
            self.document.add_node(layer_type, position)
        except GraphError as error:  # refused while training runs
            self.refused(f"Not now: {error}")

    # --- helpers for the window ---------------------------------------------------------------

    def drop_own_menu(self) -> None:
        """Empty NodeGraphQt's context menu (``context_menu`` shows the window's): its Undo/Redo
        carry the window's keys (Qt then runs neither: "ambiguous shortcut") and would bypass
        the window's switching them off while training runs."""
        menu = self.get_context_menu("graph").qmenu
        for action in menu.actions():
            menu.removeAction(action)
            action.setShortcuts([])

    def selected_ids(self) -> list[str]:
        return [self.core_of[n.id] for n in self.selected_nodes() if n.id in self.core_of]

    # NodeGraphQt records selection changes as undo steps; selection here is view state only.
    def select_all(self) -> None:
        for view in self.view_of.values():
            view.view.setSelected(True)

    def clear_selection(self) -> None:
        self.viewer().scene().clearSelection()

    def select_ids(self, node_ids: list[str], centre: bool = True) -> None:
        self.clear_selection()
        views = [self.view_of[n] for n in node_ids if n in self.view_of]
        for view in views:
            view.view.setSelected(True)
        if centre and views:
            self.center_on(views)

    def readable_scale(self) -> float:
        """The smallest zoom at which node text is ``MIN_TEXT_PX`` on screen. Every node uses the
        same two fonts, so one node tells (this runs on each resize of the canvas)."""
        first = next(iter(self.view_of.values()), None)
        return 1.0 if first is None else MIN_TEXT_PX / first.view.smallest_text_px()

    def frame_readable(self) -> None:
        """Fit the whole graph, but never so small that node text cannot be read: a long chain
        is then shown at a readable size from its inputs' end, and the rest is a scroll away.
        (NodeGraphQt frames through the viewer's scene range; its zoom steps are relative.)"""
        self.fit_to_selection()
        viewer, scale = self.viewer(), self.readable_scale()
        if not self.view_of or viewer.transform().m11() >= scale:
            return
        nodes = viewer._combined_rect([view.view for view in self.view_of.values()])
        height = viewer.viewport().height() / scale
        margin = 40 / scale
        tall = nodes.height() + 2 * margin > height  # then it shows from the top, as from the left
        top = nodes.top() - margin if tall else nodes.center().y() - height / 2
        self._show_readable_from(QtCore.QPointF(nodes.left() - margin, top))

    def _show_readable_from(self, corner: QtCore.QPointF) -> None:
        """The view at the readable zoom with ``corner`` (scene) at its top left."""
        viewer, scale = self.viewer(), self.readable_scale()
        size = viewer.viewport().size() - QtCore.QSize(4, 4)  # fitInView keeps a 2-pixel margin
        viewer._scene_range = QtCore.QRectF(corner.x(), corner.y(), size.width() / scale, size.height() / scale)
        viewer._update_scene()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """NodeGraphQt shrinks the graph with the canvas (Train mode halves its height): a view
        that was readable before a resize stays readable after it, showing the layers that were in
        sight (keeping a corner instead could push them out of the smaller view)."""
        if event.type() == QtCore.QEvent.Type.Resize and self.view_of:
            viewer = self.viewer()
            if viewer.transform().m11() >= self.readable_scale() - 1e-6:
                visible = viewer.mapToScene(viewer.viewport().rect()).boundingRect()
                in_sight = [v.view for v in self.view_of.values() if visible.intersects(v.view.sceneBoundingRect())]
                seen = viewer._combined_rect(in_sight) & visible if in_sight else visible
                QtCore.QTimer.singleShot(0, viewer, lambda: self._keep_readable(seen))
        return False

    def _keep_readable(self, seen: QtCore.QRectF) -> None:
        """Show ``seen`` (the part of the layers that was in sight) centred where it fits, else
        from its top left, the inputs' end, as a graph first opens."""
        scale = self.readable_scale()
        if self.view_of and self.viewer().transform().m11() < scale - 1e-6:
            size = self.viewer().viewport().size()
            width, height = size.width() / scale, size.height() / scale
            left = seen.center().x() - width / 2 if seen.width() <= width else seen.left()
            top = seen.center().y() - height / 2 if seen.height() <= height else seen.top()
            self._show_readable_from(QtCore.QPointF(left, top))

    def view_centre(self) -> tuple[float, float]:
        viewer = self.viewer()
        centre = viewer.mapToScene(viewer.viewport().rect().center())
        return centre.x(), centre.y()


def shown_value(param: ParamSpec, value: Any) -> str:
    """A key parameter as the node shows it; a wrapper's layer as "LSTM(units=32)"."""
    if param.kind is ParamKind.LAYER:
        inner, params = param.inner[value["type"]], value["params"]
        shown = [
            f"{key}={shown_value(inner.param(key), params[key])}"
            for key in inner.key_params
            if params[key] != inner.param(key).default or inner.param(key).required
        ]
        return f"{value['type']}({', '.join(shown)})"
    return fmt(value) if isinstance(value, tuple) else str(value)


def node_label(node, info: NodeInfo, issues, group: list[str]) -> tuple[list[tuple[str, str]], str]:
    """The lines a node shows under its title, and its tooltip; ``group`` names the nodes calling
    the same layer, its owner first (empty for a layer of its own)."""
    spec = node.spec
    lines: list[tuple[str, str]] = [(spec.type, theme.PARAM_TEXT)]
    if group and node.shares:
        lines.append((f"⇄ shares {group[0]}'s weights", theme.SHARED_TEXT))
    elif group:
        lines.append((f"⇄ weights shared with {', '.join(group[1:])}", theme.SHARED_TEXT))
    for key in spec.key_params:
        value = node.params.get(key)
        if value is None or value == spec.param(key).default and not spec.param(key).required:
            continue
        shown = shown_value(spec.param(key), value)
        lines.append((f"{key}: {shown}", theme.PARAM_TEXT))
    if info.error is not None:
        message = info.error.message
        lines.append(("✗ " + (message if len(message) <= 90 else message[:87] + "…"), theme.ERROR_TEXT))
    elif info.shape is None:
        lines.append((f"waiting for {info.blocked_by}", theme.BLOCKED_TEXT))
    else:
        lines += [(text, theme.SHAPE_TEXT) for text in shapes_text(node, info, "\n").split("\n")]
        macs = "" if info.macs is None else f" · {human_count(info.macs)} MACs"  # a backbone's are not counted
        if info.shared_with:
            lines.append((f"params counted at {info.shared_with}{macs}", theme.BLOCKED_TEXT))
        elif frozen(node.params):
            lines.append(("❄ frozen", theme.FROZEN_TEXT))
            lines.append((f"{info.params:,} non-trainable params{macs}", theme.BLOCKED_TEXT))
        elif node.params.get("trainable") is False and info.trainable:  # a backbone's top unfrozen
            lines.append(("❄ frozen but its last layers", theme.FROZEN_TEXT))
            lines.append((f"{info.trainable:,} trainable · {info.non_trainable:,} frozen params", theme.BLOCKED_TEXT))
        elif info.params:
            lines.append((f"{info.params:,} params{macs}", theme.BLOCKED_TEXT))
    tip = [f"<b>{html.escape(node.name)}</b> ({spec.type}): {spec.summary}"]
    for issue in issues:
        tip.append(f"<br><b>{'Problem' if issue.severity == 'error' else 'Warning'}:</b> {html.escape(issue.message)}")
        if issue.hint:
            tip.append(f"<br><i>Hint:</i> {html.escape(issue.hint)}")
    return lines, "".join(tip)
