"""The code dock: the exported Python script for the current graph, highlighted and kept
up to date, with Copy and Export buttons."""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.backend.export import STRATEGIES, STYLES, ExportError, ExportOptions, export_script
from netdesigner.gui import theme
from netdesigner.gui.document import EditorDocument


class PythonHighlighter(QtGui.QSyntaxHighlighter):
    RULES = [
        (r"\b(" + "|".join(keyword.kwlist) + r")\b", "#c792ea", True),
        (r"\b(keras|layers|np|tf)\b", theme.ACCENT, False),
        (r"\b\d+(\.\d+)?(e-?\d+)?\b", "#f78c6c", False),
        (r"\"([^\"\\]|\\.)*\"", "#c3e88d", False),
        (r"#[^\n]*", "#697098", False),
    ]

    def __init__(self, document: QtGui.QTextDocument) -> None:
        super().__init__(document)
        self.rules = []
        for pattern, color, bold in self.RULES:
            fmt = QtGui.QTextCharFormat()
            fmt.setForeground(QtGui.QColor(color))
            if bold:
                fmt.setFontWeight(QtGui.QFont.Weight.Bold)
            self.rules.append((re.compile(pattern), fmt))
        self.docstring = QtGui.QTextCharFormat()
        self.docstring.setForeground(QtGui.QColor("#8fa1b3"))

    def highlightBlock(self, text: str) -> None:
        for regex, fmt in self.rules:
            for match in regex.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)
        inside = self.previousBlockState() == 1  # a docstring opened on an earlier line
        start = 0
        for match in re.finditer('"""', text):
            if inside:
                self.setFormat(start, match.end() - start, self.docstring)
            else:
                start = match.start()
            inside = not inside
        if inside:
            self.setFormat(start, len(text) - start, self.docstring)
        self.setCurrentBlockState(1 if inside else 0)


class CodeView(QtWidgets.QWidget):
    def __init__(self, document: EditorDocument, export: Callable[[], None]) -> None:
        super().__init__()
        self.document = document
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        choices, buttons = QtWidgets.QHBoxLayout(), QtWidgets.QHBoxLayout()
        self.note = QtWidgets.QLabel()
        copy = QtWidgets.QPushButton("Copy")
        copy.clicked.connect(self.copy)
        save = QtWidgets.QPushButton("Export…")
        save.clicked.connect(export)
        self.style_choice = QtWidgets.QComboBox()
        self.style_choice.setObjectName("export_style")
        self.style_choice.addItems(list(STYLES))
        self.style_choice.setToolTip("functional: keras.Model(inputs, outputs); sequential: keras.Sequential (a chain)")
        self.strategy = QtWidgets.QComboBox()
        self.strategy.setObjectName("export_strategy")
        self.strategy.addItem("one device", None)
        for name in STRATEGIES:
            self.strategy.addItem(f"tf.distribute: {name}", name)
        self.strategy.setToolTip("build and compile the model inside a tf.distribute strategy's scope")
        for combo in (self.style_choice, self.strategy):
            combo.activated.connect(lambda _index: self.refresh())
            # narrow docks: the choices shrink (their full text is in the popup) rather than
            # setting the width of the whole right-hand column
            combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
            choices.addWidget(combo, 1)
        buttons.addWidget(self.note, 1)
        buttons.addWidget(copy)
        buttons.addWidget(save)
        self.note.setWordWrap(True)
        layout.addLayout(choices)
        layout.addLayout(buttons)
        self.editor = QtWidgets.QPlainTextEdit()
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QtWidgets.QPlainTextEdit.LineWrapMode.NoWrap)
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        self.editor.setFont(font)
        self.highlighter = PythonHighlighter(self.editor.document())
        layout.addWidget(self.editor)
        self._timer = QtCore.QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self.refresh)
        document.inference_updated.connect(lambda _changed: self._timer.start())
        document.replaced.connect(self.refresh)
        document.undo_stack.indexChanged.connect(lambda _index: self._timer.start())

    def options(self) -> ExportOptions:
        """The export style and strategy chosen here; File > Export uses them too."""
        return ExportOptions(self.style_choice.currentText(), self.strategy.currentData())

    def refresh(self) -> None:
        if not self.isVisible():
            return
        try:
            code = export_script(self.document.doc, self.options())
            self.note.setText("Plain Keras: runs without netdesigner.")
        except ExportError as error:
            code = f"# The script appears once the graph is valid.\n# {error}\n"
            self.note.setText("Fix the problems to see the code.")
        scroll = self.editor.verticalScrollBar().value()
        self.editor.setPlainText(code)
        self.editor.verticalScrollBar().setValue(scroll)

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def copy(self) -> None:
        QtWidgets.QApplication.clipboard().setText(self.editor.toPlainText())
