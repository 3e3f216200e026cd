"""The properties panel, generated from the catalog: the right editor for each parameter.

Integers get spin boxes with the declared range, choices combo boxes, booleans check boxes,
tuples and floats line edits parsed with the catalog's own coercion. A refused value is
explained under the field and the field goes back to the current value; an accepted one
becomes one undoable command.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from typing import Any

from PySide6 import QtCore, QtWidgets

from netdesigner.core.errors import GraphError
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt
from netdesigner.gui.document import EditorDocument


def format_value(spec: ParamSpec, value: Any) -> str:
    if value is None:
        return ""
    if spec.kind in (ParamKind.INTS, ParamKind.SHAPE):
        return ", ".join("None" if v is None else str(v) for v in value)
    if spec.kind is ParamKind.KERAS_OPTIONS:
        return json.dumps(value) if value else ""
    return repr(value) if isinstance(value, float) else str(value)


def parse_value(spec: ParamSpec, text: str) -> Any:
    """Text typed by the user -> a value for ``spec.coerce`` (which has the last word)."""
    text = text.strip()
    if not text:
        return {} if spec.kind is ParamKind.KERAS_OPTIONS else None
    if spec.kind in (ParamKind.INTS, ParamKind.SHAPE):
        parts = [p.strip() for p in text.strip("()[]").split(",") if p.strip()]
        values: list[Any] = []
        for part in parts:
            if part.lower() in ("none", "?", "null"):
                values.append(None)
                continue
            try:
                values.append(int(part))
            except ValueError:
                raise GraphError(f"{spec.name}: {part!r} is not a whole number") from None
        return values
    if spec.kind is ParamKind.FLOAT:
        try:
            number = float(text)
        except ValueError:
            raise GraphError(f"{spec.name}: {text!r} is not a number") from None
        if not math.isfinite(number):
            raise GraphError(f"{spec.name} must be a finite number")
        return number
    if spec.kind is ParamKind.KERAS_OPTIONS:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise GraphError(f"{spec.name}: not valid JSON ({exc.msg})") from None
        except (ValueError, RecursionError):  # a number of more than 4,300 digits, deep nesting
            raise GraphError(f"{spec.name}: the JSON holds a number too long or nesting too deep") from None
    return text


class ParamEditor(QtWidgets.QWidget):
    """One parameter's widget; calls ``commit(value)`` when the user finishes an edit."""

    def __init__(self, spec: ParamSpec, value: Any, commit: Callable[[Any], None]) -> None:
        super().__init__()
        self.spec = spec
        self._commit = commit
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.widget = self._make_widget()
        self.widget.setToolTip(spec.doc)
        layout.addWidget(self.widget)
        self.show_value(value)

    def _make_widget(self) -> QtWidgets.QWidget:
        spec = self.spec
        if spec.kind is ParamKind.BOOL:
            box = QtWidgets.QCheckBox()
            box.toggled.connect(lambda checked: self._commit(checked))
            return box
        if spec.kind is ParamKind.CHOICE:
            combo = QtWidgets.QComboBox()
            combo.addItems([str(c) for c in spec.choices])
            combo.activated.connect(lambda index: self._commit(spec.choices[index]))
            return combo
        if spec.kind is ParamKind.INT and not spec.nullable:
            spin = QtWidgets.QSpinBox()
            spin.setRange(
                int(spec.minimum if spec.minimum is not None else -(2**31)),
                int(min(spec.maximum if spec.maximum is not None else 2**31 - 1, 2**31 - 1)),
            )
            spin.setKeyboardTracking(False)
            spin.editingFinished.connect(lambda: self._commit(spin.value()))
            return spin
        if spec.kind is ParamKind.MULTI_CHOICE:
            items = QtWidgets.QListWidget()
            for choice in spec.choices:
                item = QtWidgets.QListWidgetItem(choice)
                item.setFlags(item.flags() | QtCore.Qt.ItemIsUserCheckable)
                item.setCheckState(QtCore.Qt.Unchecked)
                items.addItem(item)
            items.setMaximumHeight(120)
            items.itemChanged.connect(lambda _item: self._commit(self._checked()))
            return items
        line = QtWidgets.QLineEdit()
        if spec.nullable:
            line.setPlaceholderText("empty: automatic")
        line.editingFinished.connect(self._line_finished)
        return line

    def _checked(self) -> list[str]:
        items = self.widget
        return [items.item(i).text() for i in range(items.count()) if items.item(i).checkState() == QtCore.Qt.Checked]

    def _line_finished(self) -> None:
        if not self.widget.isModified():
            return
        self.widget.setModified(False)
        try:
            value = parse_value(self.spec, self.widget.text())
        except GraphError as error:
            self.parent_panel().refuse(error)
            return
        self._commit(value)

    def parent_panel(self) -> PropertiesPanel:
        widget = self.parentWidget()
        while not isinstance(widget, PropertiesPanel):
            widget = widget.parentWidget()
        return widget

    def show_value(self, value: Any) -> None:
        widget, spec = self.widget, self.spec
        blocker = QtCore.QSignalBlocker(widget)
        if spec.kind is ParamKind.BOOL:
            widget.setChecked(bool(value))
        elif spec.kind is ParamKind.CHOICE:
            widget.setCurrentIndex(list(spec.choices).index(value) if value in spec.choices else -1)
        elif isinstance(widget, QtWidgets.QSpinBox):
            widget.setValue(int(value))
        elif spec.kind is ParamKind.MULTI_CHOICE:
            for i in range(widget.count()):
                item = widget.item(i)
                item.setCheckState(QtCore.Qt.Checked if item.text() in value else QtCore.Qt.Unchecked)
        else:
            widget.setText(format_value(spec, value))
            widget.setModified(False)
        del blocker


class PropertiesPanel(QtWidgets.QScrollArea):
    """Edits the one selected node: its name and every parameter of its catalog entry."""

    def __init__(self, document: EditorDocument, message: Callable[[str], None]) -> None:
        super().__init__()
        self.document = document
        self.message = message
        self.node_id: str | None = None
        self.editors: dict[str, ParamEditor] = {}
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
        doc = QtWidgets.QLabel(spec.doc)
        doc.setWordWrap(True)
        doc.setObjectName("doc")
        outer.addWidget(doc)
        form = QtWidgets.QFormLayout()
        self.name_edit = QtWidgets.QLineEdit(node.name)
        self.name_edit.editingFinished.connect(self._rename)
        form.addRow("name", self.name_edit)
        for param in spec.params:
            editor = ParamEditor(param, node.params[param.name], self._committer(param.name))
            label = QtWidgets.QLabel(param.name)
            label.setToolTip(param.doc)
            form.addRow(label, editor)
            self.editors[param.name] = editor
        outer.addLayout(form)
        self.error_label = QtWidgets.QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("error")
        outer.addWidget(self.error_label)
        self.status_label = QtWidgets.QLabel()
        self.status_label.setWordWrap(True)
        outer.addWidget(self.status_label)
        outer.addStretch()
        self.setWidget(body)
        self._show_status()

    def _committer(self, key: str) -> Callable[[Any], None]:
        def commit(value: Any) -> None:
            try:
                self.document.set_param(self.node_id, key, value)
            except GraphError as error:
                self.refuse(error)
                return
            self.error_label.clear()

        return commit

    def refuse(self, error: GraphError) -> None:
        self.error_label.setText(f"✗ {error}")
        self.message(f"Value refused: {error}")
        self._sync_values()

    def _rename(self) -> None:
        if self.node_id is None or not self.name_edit.isModified():
            return
        self.name_edit.setModified(False)
        try:
            self.document.rename(self.node_id, self.name_edit.text())
        except GraphError as error:
            self.refuse(error)
            self.name_edit.setText(self.document.graph.nodes[self.node_id].name)

    def _sync_values(self) -> None:
        if self.node_id is None or self.node_id not in self.document.graph:
            return
        node = self.document.graph.nodes[self.node_id]
        for key, editor in self.editors.items():
            editor.show_value(node.params[key])
        if not self.name_edit.hasFocus():
            self.name_edit.setText(node.name)

    def _on_updated(self, changed: set[str]) -> None:
        if self.node_id is None:
            return
        if self.node_id not in self.document.graph:
            self.show_node(None)
        elif self.node_id in changed:
            self._sync_values()
            self._show_status()

    def _show_status(self) -> None:
        info = self.document.result.infos.get(self.node_id)
        if info is None:
            return
        if info.error is not None:
            self.status_label.setText(f"<span style='color:#ff8a80'>✗ {html.escape(str(info.error))}</span>")
        elif info.shape is None:
            self.status_label.setText(f"Output shape unknown until {info.blocked_by} is fixed.")
        else:
            self.status_label.setText(
                f"Output shape <b>{fmt(info.shape)}</b><br>{info.params:,} parameters ({info.trainable:,} trainable)"
            )
