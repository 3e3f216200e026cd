"""Compile settings in the training dock: the optimizer with its own options, the learning-rate
schedule with its options, and a read-only view of the whole ``compile(...)`` call.

Everything is generated from the declarations in ``core.compile_options`` (the choices, each
option's editor and range, the line of help); every change is one undoable command through the
document. Per-head losses, weights and metrics stay on the Output nodes: the summary shows them
beside the optimizer so the student sees the three choices together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6 import QtCore, QtWidgets

from netdesigner.backend.export_run import keras_expr
from netdesigner.backend.pysource import flat
from netdesigner.core.compile_options import OPTIMIZER_DOCS, OPTIMIZERS, SCHEDULE_DOCS, SCHEDULES
from netdesigner.core.compile_plan import compile_plan
from netdesigner.core.errors import GraphError
from netdesigner.core.params import ParamSpec
from netdesigner.gui.document import EditorDocument
from netdesigner.gui.param_editor import ParamEditor, guard_wheel


class OptionRows(QtWidgets.QWidget):
    """The editors of one declared group of options (an optimizer's, a schedule's, a
    callback's), rebuilt when the group changes; each widget is named after its option."""

    def __init__(
        self, commit: Callable[[str, Any], None], refuse: Callable[[GraphError], None], indent: int = 12
    ) -> None:
        super().__init__()
        self._commit, self._refuse = commit, refuse
        self.layout_ = QtWidgets.QFormLayout(self)
        self.layout_.setContentsMargins(indent, 0, 0, 0)
        self.editors: dict[str, ParamEditor] = {}
        self._specs: tuple[ParamSpec, ...] = ()

    def show_options(self, specs: tuple[ParamSpec, ...], values: dict[str, Any]) -> None:
        if specs != self._specs:
            while self.layout_.rowCount():
                self.layout_.removeRow(0)
            self.editors = {}
            for spec in specs:
                editor = ParamEditor(spec, values[spec.name], self._committer(spec.name), self._refuse)
                editor.widget.setObjectName(spec.name)
                label = QtWidgets.QLabel(spec.name.replace("_", " "))
                label.setToolTip(spec.doc)
                self.layout_.addRow(label, editor)
                self.editors[spec.name] = editor
            self._specs = specs
        for name, editor in self.editors.items():
            editor.show_value(values[name])

    def _committer(self, name: str) -> Callable[[Any], None]:
        return lambda value: self._commit(name, value)


class CompileForm(QtWidgets.QGroupBox):
    def __init__(
        self,
        document: EditorDocument,
        apply: Callable[[Callable[[], None]], None],
        refuse: Callable[[GraphError], None],
    ) -> None:
        """``apply`` makes an edit and shows why it was refused; ``refuse`` shows why a typed
        value cannot be used."""
        super().__init__("Compile: optimizer, learning rate, loss, metrics")
        self.document, self.apply = document, apply
        layout = QtWidgets.QFormLayout(self)
        self.optimizer = self._chooser("optimizer", OPTIMIZERS, OPTIMIZER_DOCS, document.set_optimizer)
        self.optimizer_options = OptionRows(self._option("optimizer"), refuse)
        self.schedule = self._chooser("lr_schedule", SCHEDULES, SCHEDULE_DOCS, document.set_schedule)
        self.schedule_options = OptionRows(self._option("lr_schedule"), refuse)
        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("compile_summary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.summary.setToolTip("the compile call the app makes and the exported code writes (read-only)")
        layout.addRow("optimizer", self.optimizer)
        layout.addRow(self.optimizer_options)
        layout.addRow("learning-rate schedule", self.schedule)
        layout.addRow(self.schedule_options)
        layout.addRow(self.summary)
        document.training_changed.connect(self.show_settings)
        document.replaced.connect(self.show_settings)
        document.inference_updated.connect(lambda _changed: self._show_summary())
        self.show_settings()

    def _chooser(
        self, name: str, table: dict[str, Any], docs: dict[str, str], choose: Callable[[str], None]
    ) -> QtWidgets.QComboBox:
        combo = QtWidgets.QComboBox()
        combo.setObjectName(name)
        for index, key in enumerate(table):
            combo.addItem(key)
            combo.setItemData(index, docs[key], QtCore.Qt.ItemDataRole.ToolTipRole)  # each entry explained
        combo.activated.connect(lambda index: self.apply(lambda: choose(combo.itemText(index))))
        guard_wheel(combo)
        return combo

    def _option(self, group: str) -> Callable[[str, Any], None]:
        return lambda name, value: self.apply(lambda: self.document.set_option(group, name, value))

    def show_settings(self) -> None:
        t = self.document.doc.training
        self.optimizer.setCurrentText(t.optimizer)
        self.optimizer.setToolTip(OPTIMIZER_DOCS[t.optimizer])
        self.optimizer_options.show_options(OPTIMIZERS[t.optimizer], t.optimizer_params)
        self.schedule.setCurrentText(t.lr_schedule)
        self.schedule.setToolTip(SCHEDULE_DOCS[t.lr_schedule])
        self.schedule_options.show_options(SCHEDULES[t.lr_schedule], t.lr_schedule_params)
        self._show_summary()

    def _show_summary(self) -> None:
        plan = compile_plan(self.document.graph, self.document.doc.training)
        lines = [f"optimizer={flat(keras_expr(plan.optimizer))}"]
        for head in plan.heads:
            metrics = ", ".join(flat(keras_expr(m)) for m in head.metrics)
            weight = f" × {head.loss_weight:g}" if len(plan.heads) > 1 else ""
            lines.append(f"{head.name}: loss={flat(keras_expr(head.loss))}{weight}, metrics=[{metrics}]")
        if not plan.heads:
            lines.append("loss and metrics: add an Output node after the last layer")
        text = ",\n  ".join(lines).replace(",", ", ").replace(",  ", ", ")
        for module in ("keras.optimizers.schedules.", "keras.optimizers.", "keras.losses.", "keras.metrics."):
            text = text.replace(module, "")  # short enough to read in the dock; the code tab has it whole
        self.summary.setText(f"model.compile(\n  {text})")
