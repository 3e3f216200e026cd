"""One editor widget per parameter declaration, shared by every form generated from
declarations (a layer's properties, the training settings).

Integers get spin boxes with the declared range, choices combo boxes, booleans check boxes,
tuples and floats line edits parsed here and coerced by the declaration, which has the last
word; ``refuse`` receives the reason a typed value cannot be used.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.core.errors import GraphError
from netdesigner.core.params import ParamKind, ParamSpec


def format_value(spec: ParamSpec, value: Any) -> str:
    if value is None:
        return ""
    if spec.kind is ParamKind.SHAPE and value == ():
        return "()"  # one value per sample
    if spec.kind in (ParamKind.INTS, ParamKind.SHAPE):
        return ", ".join("None" if v is None else str(v) for v in value)
    if spec.kind is ParamKind.KERAS_OPTIONS:
        return json.dumps(value) if value else ""
    if spec.kind is ParamKind.FLOATS:
        return ", ".join(repr(v) for v in value)
    if spec.kind is ParamKind.AXES and isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return repr(value) if isinstance(value, float) else str(value)


def parse_value(spec: ParamSpec, text: str) -> Any:
    """Text typed by the user -> a value for ``spec.coerce`` (which has the last word)."""
    text = text.strip()
    if not text:
        return {} if spec.kind is ParamKind.KERAS_OPTIONS else None
    if spec.kind is ParamKind.AXES and not text.startswith(("[", "(")) and "," not in text:
        return _whole_number(spec, text)
    if spec.kind in (ParamKind.INTS, ParamKind.SHAPE, ParamKind.AXES):
        parts = [p.strip() for p in text.strip("()[]").split(",") if p.strip()]
        values: list[Any] = []
        for part in parts:
            if part.lower() in ("none", "?", "null"):
                values.append(None)
                continue
            values.append(_whole_number(spec, part))
        return values
    if spec.kind is ParamKind.FLOATS:
        return [_number(spec, part.strip()) for part in text.strip("()[]").split(",") if part.strip()]
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


def _number(spec: ParamSpec, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise GraphError(f"{spec.name}: {text!r} is not a number") from None


def _whole_number(spec: ParamSpec, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise GraphError(f"{spec.name}: {text!r} is not a whole number") from None


class ParamEditor(QtWidgets.QWidget):
    """One parameter's widget; calls ``commit(value)`` when the user finishes an edit."""

    def __init__(
        self, spec: ParamSpec, value: Any, commit: Callable[[Any], None], refuse: Callable[[GraphError], None]
    ) -> None:
        super().__init__()
        self.spec = spec
        self._commit = commit
        self._refuse = refuse
        self.value = value  # the value in the model; Esc brings it back into a refused field
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.widget = self._make_widget()
        self.widget.setToolTip(spec.doc)
        layout.addWidget(self.widget)
        self.reason = QtWidgets.QLabel()  # why the value in the field was refused
        self.reason.setObjectName("error")
        self.reason.setWordWrap(True)
        self.reason.hide()
        layout.addWidget(self.reason)
        if isinstance(self.widget, QtWidgets.QComboBox | QtWidgets.QAbstractSpinBox):
            guard_wheel(self.widget)
        self.widget.installEventFilter(self)
        self.show_value(value)

    @property
    def refused(self) -> bool:
        return bool(self.widget.property("refused"))

    def mark_refused(self, reason: str) -> None:
        """Keep what the user typed, red, with the reason under it, until it is corrected or
        reverted (Esc)."""
        self.widget.setProperty("refused", True)
        self.widget.setToolTip(f"{reason}\n\nEsc brings back {format_value(self.spec, self.value) or 'empty'}")
        self.reason.setText(f"✗ {reason} (Esc: undo the typing)")
        self.reason.show()
        self._restyle()

    def clear_refusal(self) -> None:
        if self.refused:
            self.widget.setProperty("refused", False)
            self.widget.setToolTip(self.spec.doc)
            self.reason.hide()
            self._restyle()

    def _restyle(self) -> None:
        self.widget.style().unpolish(self.widget)
        self.widget.style().polish(self.widget)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if (
            event.type() == QtCore.QEvent.Type.KeyPress
            and isinstance(event, QtGui.QKeyEvent)
            and event.key() == QtCore.Qt.Key.Key_Escape
            and self.refused
        ):
            self.show_value(self.value)
            return True
        return False

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
        if spec.kind is ParamKind.LAYER:
            combo = QtWidgets.QComboBox()
            combo.addItems(spec.choices)
            combo.activated.connect(lambda index: self._commit(self._switched(spec.choices[index])))
            return combo
        if spec.kind is ParamKind.INT and not spec.nullable:
            spin = QtWidgets.QSpinBox()
            # Any whole number can be typed: the declared range is checked when the value is
            # committed, which says why (a spin box's own range would silently snap 0 to 1).
            spin.setRange(-(2**31), 2**31 - 1)
            spin.setKeyboardTracking(False)
            spin.editingFinished.connect(lambda: self._commit(spin.value()))
            return spin
        if spec.kind is ParamKind.MULTI_CHOICE:
            items = QtWidgets.QListWidget()
            for choice in spec.choices:
                item = QtWidgets.QListWidgetItem(choice)
                item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(QtCore.Qt.CheckState.Unchecked)
                items.addItem(item)
            items.setMaximumHeight(120)
            items.itemChanged.connect(lambda _item: self._commit(self._checked()))
            return items
        line = QtWidgets.QLineEdit()
        if spec.nullable:
            line.setPlaceholderText(f"empty: {spec.empty}")
        line.editingFinished.connect(self._line_finished)
        return line

    def _switched(self, layer_type: str) -> dict[str, Any]:
        """A wrapper's layer changed to ``layer_type``, keeping the parameters both types have
        (an LSTM's units when it becomes a GRU)."""
        names = {p.name for p in self.spec.inner[layer_type].params}
        return {"type": layer_type, "params": {k: v for k, v in self.value["params"].items() if k in names}}

    def _checked(self) -> list[str]:
        return [item.text() for item in _items(self.widget) if item.checkState() == QtCore.Qt.CheckState.Checked]

    def _line_finished(self) -> None:
        line = self.widget
        if not isinstance(line, QtWidgets.QLineEdit) or not line.isModified():
            return
        line.setModified(False)
        try:
            value = parse_value(self.spec, line.text())
        except GraphError as error:
            self.mark_refused(str(error))
            self._refuse(error)
            return
        self._commit(value)

    def show_value(self, value: Any) -> None:
        """Show the model's value (a refusal shown is over)."""
        self.value = value
        self.clear_refusal()
        widget, spec = self.widget, self.spec
        blocker = QtCore.QSignalBlocker(widget)
        if isinstance(widget, QtWidgets.QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QtWidgets.QComboBox):
            shown = value["type"] if spec.kind is ParamKind.LAYER else value
            widget.setCurrentIndex(list(spec.choices).index(shown) if shown in spec.choices else -1)
        elif isinstance(widget, QtWidgets.QSpinBox):
            widget.setValue(int(value))
        elif isinstance(widget, QtWidgets.QListWidget):
            for item in _items(widget):
                checked = item.text() in value
                item.setCheckState(QtCore.Qt.CheckState.Checked if checked else QtCore.Qt.CheckState.Unchecked)
        elif isinstance(widget, QtWidgets.QLineEdit):
            widget.setText(format_value(spec, value))
            widget.setModified(False)
        del blocker


def _items(widget: QtWidgets.QWidget) -> list[QtWidgets.QListWidgetItem]:
    """The entries of a multi-choice list (none for any other widget)."""
    if not isinstance(widget, QtWidgets.QListWidget):
        return []
    return [item for i in range(widget.count()) if (item := widget.item(i)) is not None]


class _WheelGuard(QtCore.QObject):
    """Scrolling a form must not change the choice or number the pointer passes over: such a
    widget takes the wheel only once clicked (focused)."""

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Wheel and isinstance(watched, QtWidgets.QWidget):
            if not watched.hasFocus():
                event.ignore()  # the scroll area behind it scrolls instead
                return True
        return False


_WHEEL_GUARD = _WheelGuard()


def guard_wheel(widget: QtWidgets.QWidget) -> None:
    widget.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_WHEEL_GUARD)
