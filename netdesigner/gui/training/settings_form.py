"""The compile and fit settings form (optimizer, epochs, batch size, validation, seed,
callbacks and, behind a disclosure, the callbacks' options), generated from the declarations in
``core``: the same editors as a layer's properties, the declared ranges, the one-line help as
tooltips. Each finished edit becomes one undoable command; a value the file format would refuse
is refused here with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6 import QtCore, QtWidgets

from netdesigner.core.callbacks import CALLBACKS
from netdesigner.core.errors import GraphError
from netdesigner.core.settings import FIT_PARAMS
from netdesigner.gui.document import EditorDocument
from netdesigner.gui.training.compile_form import CompileForm, OptionRows


class SettingsForm(QtWidgets.QWidget):
    def __init__(self, document: EditorDocument) -> None:
        super().__init__()
        self.document = document
        column = QtWidgets.QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.compile_form = CompileForm(document, self.apply, self.refuse)
        column.addWidget(self.compile_form)
        self.fit_rows = OptionRows(
            lambda name, value: self.apply(lambda: document.set_training(name, value)), self.refuse, indent=0
        )
        column.addWidget(self.fit_rows)
        layout = QtWidgets.QFormLayout()
        column.addLayout(layout)
        self.callback_toggle = QtWidgets.QToolButton()
        self.callback_toggle.setObjectName("callback_options")
        self.callback_toggle.setText("▸ callback options (monitor, patience, factor…)")
        self.callback_toggle.setCheckable(True)
        self.callback_toggle.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.callback_box = QtWidgets.QWidget()
        boxes = QtWidgets.QVBoxLayout(self.callback_box)
        boxes.setContentsMargins(0, 0, 0, 0)
        self.callback_rows: dict[str, OptionRows] = {}
        for callback in CALLBACKS:
            group = QtWidgets.QGroupBox(callback.keras_class)
            rows = OptionRows(self._callback_committer(callback.key), self.refuse)
            QtWidgets.QVBoxLayout(group).addWidget(rows)
            boxes.addWidget(group)
            self.callback_rows[callback.key] = rows
        self.callback_box.hide()
        self.callback_toggle.toggled.connect(self._show_callback_options)
        layout.addRow(self.callback_toggle)
        layout.addRow(self.callback_box)
        self.error_label = QtWidgets.QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addRow(self.error_label)
        document.training_changed.connect(self.show_settings)
        document.replaced.connect(self.show_settings)
        self.show_settings()

    def widget(self, name: str) -> QtWidgets.QWidget:
        return self.fit_rows.editors[name].widget

    def _show_callback_options(self, shown: bool) -> None:
        self.callback_box.setVisible(shown)
        self.callback_toggle.setText(("▾" if shown else "▸") + self.callback_toggle.text()[1:])

    def _callback_committer(self, key: str) -> Callable[[str, Any], None]:
        return lambda name, value: self.apply(lambda: self.document.set_option(key, name, value))

    def apply(self, edit: Callable[[], None]) -> None:
        """Make one edit through the document; a refused one is shown with its reason."""
        try:
            edit()
        except GraphError as error:
            self.refuse(error)
            return
        self.error_label.hide()

    def refuse(self, error: GraphError) -> None:
        self.error_label.setText(f"✗ {error}")
        self.error_label.show()
        self.show_settings()

    def show_settings(self) -> None:
        training = self.document.doc.training
        self.fit_rows.show_options(FIT_PARAMS, {spec.name: getattr(training, spec.name) for spec in FIT_PARAMS})
        for callback in CALLBACKS:
            self.callback_rows[callback.key].show_options(callback.options, training.callback_options[callback.key])
