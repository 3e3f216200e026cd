"""Starts the editor: the window first, Keras in the background."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner import __version__
from netdesigner.backend.crash_log import describe
from netdesigner.gui import theme
from netdesigner.gui.main_window import MainWindow
from netdesigner.samples import package_file, starter_path

STYLE = package_file("resources", "style.qss")
ICON = package_file("resources", "netdesigner.svg")


def make_application(argv: list[str]) -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(argv)
    app.setOrganizationName("netdesigner")
    app.setApplicationName("netdesigner")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    app.setWindowIcon(QtGui.QIcon(str(ICON)))
    app.setDesktopFileName("netdesigner")  # the taskbar finds the icon of the installed .desktop entry
    palette = QtGui.QPalette()
    for role, color in (
        (QtGui.QPalette.ColorRole.Window, theme.WINDOW),
        (QtGui.QPalette.ColorRole.WindowText, theme.TEXT),
        (QtGui.QPalette.ColorRole.Base, theme.BASE),
        (QtGui.QPalette.ColorRole.AlternateBase, theme.WINDOW),
        (QtGui.QPalette.ColorRole.Text, theme.TEXT),
        (QtGui.QPalette.ColorRole.Button, "#35373c"),
        (QtGui.QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QtGui.QPalette.ColorRole.Highlight, "#3d7bd9"),
        (QtGui.QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QtGui.QPalette.ColorRole.ToolTipBase, "#35373c"),
        (QtGui.QPalette.ColorRole.ToolTipText, "#e6e6e6"),
        (QtGui.QPalette.ColorRole.PlaceholderText, "#8a8d93"),
    ):
        palette.setColor(role, QtGui.QColor(color))
    for role, color in (  # greyed out, so that what cannot be used now looks it
        (QtGui.QPalette.ColorRole.WindowText, "#75787e"),
        (QtGui.QPalette.ColorRole.Text, "#75787e"),
        (QtGui.QPalette.ColorRole.ButtonText, "#75787e"),
        (QtGui.QPalette.ColorRole.Button, "#2e3034"),
        (QtGui.QPalette.ColorRole.Base, "#26282c"),
    ):
        palette.setColor(QtGui.QPalette.ColorGroup.Disabled, role, QtGui.QColor(color))
    app.setPalette(palette)
    if STYLE.is_file():
        app.setStyleSheet(STYLE.read_text(encoding="utf-8"))
    return app


class ErrorReporter(QtCore.QObject):
    """Turns an exception nobody caught, on any thread, into a message in the window (the full
    report goes to a log file); the window stays open and the user's work is kept."""

    reported = QtCore.Signal(str)

    def __init__(self, window: QtWidgets.QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.reported.connect(self._show)  # queued to the GUI thread when a worker reports

    def install(self) -> None:
        sys.excepthook = lambda kind, error, trace: self.report(error, "handling a window event")
        threading.excepthook = lambda args: self.report(
            args.exc_value, f"working in {args.thread.name if args.thread else 'a helper thread'}"
        )

    def report(self, error: BaseException | None, context: str) -> None:
        if error is not None and not isinstance(error, KeyboardInterrupt):
            self.reported.emit(describe(error, context))

    @QtCore.Slot(str)
    def _show(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15000)
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Warning, "netdesigner: something went wrong", text, parent=self.window
        )
        box.setInformativeText("Your graph is still open; saving it now is a good idea.")
        box.open()


def run(graph: str | None = None) -> int:
    app = make_application(sys.argv[:1])
    window = MainWindow()
    ErrorReporter(window).install()
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
