"""Starts the editor: the window first, Keras in the background."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner import __version__
from netdesigner.gui import theme
from netdesigner.gui.main_window import MainWindow
from netdesigner.samples import starter_path

STYLE = Path(__file__).resolve().parent.parent.parent / "resources" / "style.qss"


def make_application(argv: list[str]) -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(argv)
    app.setOrganizationName("netdesigner")
    app.setApplicationName("netdesigner")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    palette = QtGui.QPalette()
    for role, color in (
        (QtGui.QPalette.Window, theme.WINDOW),
        (QtGui.QPalette.WindowText, theme.TEXT),
        (QtGui.QPalette.Base, theme.BASE),
        (QtGui.QPalette.AlternateBase, theme.WINDOW),
        (QtGui.QPalette.Text, theme.TEXT),
        (QtGui.QPalette.Button, "#35373c"),
        (QtGui.QPalette.ButtonText, "#e6e6e6"),
        (QtGui.QPalette.Highlight, "#3d7bd9"),
        (QtGui.QPalette.HighlightedText, "#ffffff"),
        (QtGui.QPalette.ToolTipBase, "#35373c"),
        (QtGui.QPalette.ToolTipText, "#e6e6e6"),
        (QtGui.QPalette.PlaceholderText, "#8a8d93"),
    ):
        palette.setColor(role, QtGui.QColor(color))
    for role, color in (  # greyed out, so that what cannot be used now looks it
        (QtGui.QPalette.WindowText, "#75787e"),
        (QtGui.QPalette.Text, "#75787e"),
        (QtGui.QPalette.ButtonText, "#75787e"),
        (QtGui.QPalette.Button, "#2e3034"),
        (QtGui.QPalette.Base, "#26282c"),
    ):
        palette.setColor(QtGui.QPalette.Disabled, role, QtGui.QColor(color))
    app.setPalette(palette)
    if STYLE.is_file():
        app.setStyleSheet(STYLE.read_text(encoding="utf-8"))
    return app


def run(graph: str | None = None) -> int:
    app = make_application(sys.argv[:1])
    window = MainWindow()
    window.show()
    if graph is not None:
        if not window.open_path(Path(graph), ask=False):
            return 2
    else:
        starter = starter_path()
        if starter is not None:
            window.open_path(starter, as_sample=True, ask=False)
        QtCore.QTimer.singleShot(0, window.offer_recovery)
    return app.exec()
