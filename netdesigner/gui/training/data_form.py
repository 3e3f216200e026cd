"""The data source form, generated from ``backend.data_sources``: a source chooser and, for
the chosen source, one field per declared entry (files and folders with a browse button).

The form shows the document's ``training.data`` and reports each finished edit as the whole
new description through ``commit``; the document turns it into one undoable command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6 import QtCore, QtWidgets

from netdesigner.core.data_sources import DATA_SOURCES, SOURCES_BY_KEY, DataField, FieldKind
from netdesigner.gui.param_editor import guard_wheel


class DataForm(QtWidgets.QWidget):
    def __init__(self, commit: Callable[[dict[str, Any]], None]) -> None:
        super().__init__()
        self._commit = commit
        layout = QtWidgets.QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.source = QtWidgets.QComboBox()
        self.source.setObjectName("data_source")
        for source in DATA_SOURCES:
            self.source.addItem(source.label, source.key)
            self.source.setItemData(self.source.count() - 1, source.help, QtCore.Qt.ItemDataRole.ToolTipRole)
        self.source.activated.connect(self._source_chosen)
        guard_wheel(self.source)
        layout.addRow("data", self.source)
        self.fields: dict[tuple[str, str], QtWidgets.QWidget] = {}  # (source, field) -> its row widget
        self.inputs: dict[tuple[str, str], QtWidgets.QLineEdit | QtWidgets.QComboBox] = {}
        for source in DATA_SOURCES:
            for field in source.fields:
                row, value_widget = self._field_widget(field)
                layout.addRow("", row)
                self.fields[source.key, field.name] = row
                self.inputs[source.key, field.name] = value_widget
        self._show_fields()

    def _field_widget(self, field: DataField) -> tuple[QtWidgets.QWidget, QtWidgets.QLineEdit | QtWidgets.QComboBox]:
        if field.kind is FieldKind.CHOICE:
            combo = QtWidgets.QComboBox()
            combo.addItems(list(field.choices))
            combo.setToolTip(field.help)
            combo.activated.connect(self._edited)
            guard_wheel(combo)
            return combo, combo
        line = QtWidgets.QLineEdit()
        line.setPlaceholderText(field.label)
        line.setToolTip(field.help)
        line.setObjectName(f"data_{field.name}")
        line.editingFinished.connect(self._edited)
        if field.kind is FieldKind.TEXT:
            return line, line
        browse = QtWidgets.QPushButton("…")
        browse.setFixedWidth(28)
        browse.setToolTip(f"choose the {field.kind.value}")
        browse.clicked.connect(lambda: self._browse(field, line))
        row = QtWidgets.QWidget()
        box = QtWidgets.QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(line)
        box.addWidget(browse)
        return row, line

    def key(self) -> str:
        return str(self.source.currentData())

    def spec(self) -> dict[str, Any]:
        """The chosen source's description, as the file saves it (empty optional fields left out)."""
        key = self.key()
        spec: dict[str, Any] = {"source": key}
        for field in SOURCES_BY_KEY[key].fields:
            widget = self.inputs[key, field.name]
            value = widget.currentText() if isinstance(widget, QtWidgets.QComboBox) else widget.text().strip()
            if value or not field.optional:
                spec[field.name] = value
        return spec

    def show_spec(self, spec: dict[str, Any]) -> None:
        """Show a saved description (the document's, after an edit, an undo or opening a file)."""
        key = str(spec.get("source") or "synthetic")
        index = self.source.findData(key)
        self.source.setCurrentIndex(max(index, 0))
        for field in SOURCES_BY_KEY.get(key, DATA_SOURCES[0]).fields:
            widget = self.inputs[key, field.name]
            value = "" if spec.get(field.name) is None else str(spec[field.name])
            with QtCore.QSignalBlocker(widget):
                if isinstance(widget, QtWidgets.QComboBox):
                    widget.setCurrentText(value)
                elif widget.text() != value:
                    widget.setText(value)
        self._show_fields()

    def _show_fields(self) -> None:
        key = self.key()
        for (source, _), row in self.fields.items():
            row.setVisible(source == key)

    def _source_chosen(self) -> None:
        self._show_fields()
        self._edited()

    def _edited(self) -> None:
        self._commit(self.spec())

    def _browse(self, field: DataField, line: QtWidgets.QLineEdit) -> None:
        if field.kind is FieldKind.FOLDER:
            chosen = QtWidgets.QFileDialog.getExistingDirectory(self, field.label)
        else:
            chosen, _ = QtWidgets.QFileDialog.getOpenFileName(self, field.label, "", field.file_filter)
        if chosen:
            line.setText(chosen)
            self._edited()
