"""The properties panel, generated from the catalog: the right editor for each parameter
(``param_editor``). A refused value is explained under the field and the field goes back to
the current value; an accepted one becomes one undoable command.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from PySide6 import QtCore, QtWidgets

from netdesigner.core.errors import GraphError
from netdesigner.core.inference import explain_node, shapes_text
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.spec import LayerSpec
from netdesigner.gui import theme
from netdesigner.gui.document import EditorDocument
from netdesigner.gui.help_dialogs import keras_doc_url
from netdesigner.gui.param_editor import ParamEditor


def editor_rows(spec: LayerSpec, params: Mapping[str, Any]) -> list[tuple[str, ParamSpec]]:
    """(key, declaration) of each field: the node's parameters, each followed, for a wrapper's
    layer, by that layer's own parameters ("layer.units", under a heading naming that layer)."""
    rows = []
    for param in spec.params:
        rows.append((param.name, param))
        if param.kind is ParamKind.LAYER:
            inner = param.inner[params[param.name]["type"]]
            rows += [(f"{param.name}.{p.name}", p) for p in inner.params]
    return rows


def param_value(params: Mapping[str, Any], key: str) -> Any:
    """The value a field shows: a parameter, or a wrapped layer's ("layer.units")."""
    outer, _, inner = key.partition(".")
    return params[outer]["params"][inner] if inner else params[outer]


class PropertiesPanel(QtWidgets.QScrollArea):
    """Edits the one selected node: its name and every parameter of its catalog entry."""

    def __init__(self, document: EditorDocument, message: Callable[[str], None]) -> None:
        super().__init__()
        self.document = document
        self.message = message
        self.node_id: str | None = None
        self.editors: dict[str, ParamEditor] = {}
        self.share_combo: QtWidgets.QComboBox | None = None
        self.setWidgetResizable(True)
        document.inference_updated.connect(self._on_updated)
        document.replaced.connect(lambda: self.show_node(None))
        self.show_node(None)

    def show_node(self, node_id: str | None) -> None:
        self.node_id = node_id
        self.editors = {}
        body = QtWidgets.QWidget()
        outer = QtWidgets.QVBoxLayout(body)
        graph = self.document.graph
        if node_id is None or node_id not in graph:
            hint = QtWidgets.QLabel(
                "Select a layer to edit its parameters.\n\nDrag layers in from the palette, "
                "or press Tab on the canvas and type a name."
            )
            hint.setWordWrap(True)
            hint.setObjectName("hint")
            outer.addWidget(hint)
            outer.addStretch()
            self.setWidget(body)
            return
        node = graph.nodes[node_id]
        spec = node.spec
        title = QtWidgets.QLabel(f"<b>{spec.type}</b> — {spec.summary}")
        title.setWordWrap(True)
        outer.addWidget(title)
        url = keras_doc_url(spec)
        link = f" <a style='color:{theme.ACCENT}' href='{url}'>Keras documentation of {spec.keras_class}</a>"
        link = link if url else ""
        doc = QtWidgets.QLabel(f"{html.escape(spec.doc)}{link}")
        doc.setWordWrap(True)
        doc.setObjectName("doc")
        doc.setOpenExternalLinks(True)
        outer.addWidget(doc)
        form = QtWidgets.QFormLayout()
        self.name_edit = QtWidgets.QLineEdit(node.name)
        self.name_edit.editingFinished.connect(self._rename)
        form.addRow("name", self.name_edit)
        self.share_combo = self._share_combo(node_id)
        if self.share_combo is not None:
            form.addRow("shares weights with", self.share_combo)
        for key, param in editor_rows(node.spec, node.params):
            editor = ParamEditor(param, param_value(node.params, key), self._committer(key), self.refuse)
            label = QtWidgets.QLabel(param.name)
            label.setToolTip(param.doc)
            form.addRow(label, editor)
            if param.kind is ParamKind.LAYER:  # the wrapped layer's own fields follow, under a heading
                heading = QtWidgets.QLabel(f"<i>the wrapped {node.params[key]['type']}:</i>")
                heading.setObjectName("doc")
                form.addRow(heading)
            self.editors[key] = editor
        outer.addLayout(form)
        self.error_label = QtWidgets.QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("error")
        outer.addWidget(self.error_label)
        self.status_label = QtWidgets.QLabel()
        self.status_label.setWordWrap(True)
        outer.addWidget(self.status_label)
        self.why_label = QtWidgets.QLabel()
        self.why_label.setWordWrap(True)
        self.why_label.setObjectName("why")
        self.why_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.why_label)
        outer.addStretch()
        self.setWidget(body)
        self._show_status()

    def _share_combo(self, node_id: str) -> QtWidgets.QComboBox | None:
        """The layer this node calls: its own, or that of another node of its type (one that owns
        its layer); None for nodes whose layer cannot be shared (Inputs, heads, backbones, merges,
        Math nodes)."""
        graph = self.document.graph
        node = graph.nodes[node_id]
        if not node.spec.shareable:
            return None
        combo = QtWidgets.QComboBox()
        combo.addItem("none (its own weights)", None)
        for other in graph.nodes.values():
            if other.id != node_id and other.type == node.type and other.shares is None:
                combo.addItem(other.name, other.id)
        combo.setCurrentIndex(max(0, combo.findData(node.shares)))
        sharers = graph.sharers(node_id)
        if sharers:
            names = ", ".join(graph.nodes[n].name for n in sharers)
            combo.setEnabled(False)
            combo.setToolTip(f"{names} call this node's layer: it owns the weights")
        else:
            combo.setToolTip("Call another layer of this type instead of a new one: both then use one set of weights")
        combo.activated.connect(lambda index: self._share(combo.itemData(index)))
        return combo

    def _share(self, owner_id: str | None) -> None:
        if self.node_id is None:
            return
        try:
            self.document.share(self.node_id, owner_id)
        except GraphError as error:
            self.error_label.setText(f"✗ {error}")
            self.message(f"Sharing refused: {error}")
            return
        self.error_label.clear()

    def start_rename(self) -> None:
        """The name field, focused with its text selected: typing replaces the name. (After the
        event that asked for it: a closing menu gives the focus back to the canvas first.)"""
        if self.node_id is not None:
            QtCore.QTimer.singleShot(0, self.name_edit, self._focus_name)

    def _focus_name(self) -> None:
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def show_why(self) -> None:
        if self.node_id is not None:
            self.ensureWidgetVisible(self.why_label)

    def _committer(self, key: str) -> Callable[[Any], None]:
        outer, _, inner = key.partition(".")

        def commit(value: Any) -> None:
            if self.node_id is None:
                return
            if inner:  # a wrapped layer's parameter: the wrapper's layer with it changed
                layer = self.document.graph.nodes[self.node_id].params[outer]
                value = {"type": layer["type"], "params": {**layer["params"], inner: value}}
            try:
                self.document.set_param(self.node_id, outer, value)
            except GraphError as error:
                self.editors[key].mark_refused(str(error))
                self.message(f"Value refused: {error}")
                return
            self.editors[key].clear_refusal()

        return commit

    def refuse(self, error: GraphError) -> None:
        """A typed value that is not a value at all: the field says why; the log keeps it."""
        self.message(f"Value refused: {error}")

    def _rename(self) -> None:
        if self.node_id is None or not self.name_edit.isModified():
            return
        self.name_edit.setModified(False)
        try:
            self.document.rename(self.node_id, self.name_edit.text())
        except GraphError as error:
            self.error_label.setText(f"✗ {error}")
            self.message(f"Rename refused: {error}")
            self.name_edit.setText(self.document.graph.nodes[self.node_id].name)
            return
        self.error_label.clear()

    def _sync_values(self) -> None:
        if self.node_id is None or self.node_id not in self.document.graph:
            return
        node = self.document.graph.nodes[self.node_id]
        if [key for key, _ in editor_rows(node.spec, node.params)] != list(self.editors):
            self.show_node(self.node_id)  # another wrapped layer type: other parameters
            return
        for key, editor in self.editors.items():
            if not editor.refused:  # what the user typed stays until corrected or reverted
                editor.show_value(param_value(node.params, key))
        if not self.name_edit.hasFocus():
            self.name_edit.setText(node.name)
        if self.share_combo is not None:
            self.share_combo.setCurrentIndex(max(0, self.share_combo.findData(node.shares)))

    def _on_updated(self, changed: set[str]) -> None:
        if self.node_id is None:
            return
        if self.node_id not in self.document.graph:
            self.show_node(None)
        elif self.node_id in changed:
            self._sync_values()
            self._show_status()
        elif any(e.source in changed for e in self.document.graph.input_edges(self.node_id).values()):
            self._show_status()  # the arithmetic quotes the input sizes

    def _show_status(self) -> None:
        info = self.document.result.infos.get(self.node_id or "")
        if info is None or self.node_id is None:
            return
        node = self.document.graph.nodes[self.node_id]
        why = explain_node(self.document.graph, self.node_id, self.document.result)
        lines = [] if why is None else ["<b>Why this shape and these parameters</b>", *map(html.escape, why.lines())]
        self.why_label.setText("<br>".join(lines))
        if info.error is not None:
            self.status_label.setText(f"<span style='color:#ff8a80'>✗ {html.escape(str(info.error))}</span>")
        elif info.shape is None:
            self.status_label.setText(f"Output shape unknown until {info.blocked_by} is fixed.")
        else:
            shape = f"Output shape <b>{html.escape(shapes_text(node, info))}</b><br>{info.params:,} parameters"
            if info.shared_with:
                self.status_label.setText(f"{shape}, shared with {html.escape(info.shared_with)} (counted there once)")
            else:
                self.status_label.setText(f"{shape} ({info.trainable:,} trainable)")
