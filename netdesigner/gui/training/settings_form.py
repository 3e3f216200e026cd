"""The fit settings form (epochs, batch size, validation, callbacks...), generated from the
declarations in ``core.settings``: the same editors as a layer's properties, the declared
ranges, the one-line help as tooltips. Each finished edit becomes one undoable command; a
value the file format would refuse is refused here with the reason.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtWidgets

from netdesigner.core.errors import GraphError
from netdesigner.core.settings import FIT_PARAMS
from netdesigner.gui.document import EditorDocument
from netdesigner.gui.param_editor import ParamEditor


class SettingsForm(QtWidgets.QWidget):
    def __init__(self, document: EditorDocument) -> None:
        super().__init__()
        self.document = document
        layout = QtWidgets.QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.editors: dict[str, ParamEditor] = {}
        for spec in FIT_PARAMS:
            value = getattr(document.doc.training, spec.name)
            editor = ParamEditor(spec, value, self._committer(spec.name), self.refuse)
            editor.widget.setObjectName(spec.name)
            label = QtWidgets.QLabel(spec.name.replace("_", " "))
            label.setToolTip(spec.doc)
            layout.addRow(label, editor)
            self.editors[spec.name] = editor
        self.error_label = QtWidgets.QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addRow(self.error_label)
        document.training_changed.connect(self.show_settings)
        document.replaced.connect(self.show_settings)

    def widget(self, name: str) -> QtWidgets.QWidget:
        return self.editors[name].widget

    def _committer(self, name: str):
        def commit(value: Any) -> None:
            try:
                self.document.set_training(name, value)
            except GraphError as error:
                self.refuse(error)
                return
            self.error_label.hide()

        return commit

    def refuse(self, error: GraphError) -> None:
        self.error_label.setText(f"✗ {error}")
        self.error_label.show()
        self.show_settings()

    def show_settings(self) -> None:
        training = self.document.doc.training
        for name, editor in self.editors.items():
            editor.show_value(getattr(training, name))
