"""Where the docks go. The canvas is the main area: the layer palette on the left, Properties
(tabbed with the code) over Problems and summary on the right, and nothing below the canvas
while designing. Training is a mode: the Training dock opens below the canvas with room for its
curves, and closes again for design (Design / Train in the menu bar's corner, Ctrl+1 / Ctrl+2).

The arrangement the user makes is remembered (Qt's window geometry and dock state, in
QSettings); View > Reset layout brings back this default.
"""

from __future__ import annotations

from dataclasses import dataclass

import shiboken6
from PySide6 import QtCore, QtGui, QtWidgets

Area = QtCore.Qt.DockWidgetArea
Orientation = QtCore.Qt.Orientation

# Bumped when the default arrangement changes: a state saved by an older one is not restored.
LAYOUT_VERSION = 2
SETTINGS_GEOMETRY, SETTINGS_STATE = "window/geometry", "window/state"
# Fractions of the window: the side columns and, in Train mode, the training area.
PALETTE_WIDTH, RIGHT_WIDTH, PROBLEMS_HEIGHT, TRAINING_HEIGHT = 0.14, 0.24, 0.34, 0.45
PALETTE_MAX, RIGHT_MAX = 240, 420  # pixels: on a large screen the canvas gets the extra room


@dataclass(frozen=True)
class Docks:
    palette: QtWidgets.QDockWidget
    properties: QtWidgets.QDockWidget
    code: QtWidgets.QDockWidget
    summary: QtWidgets.QDockWidget
    training: QtWidgets.QDockWidget

    def all(self) -> tuple[QtWidgets.QDockWidget, ...]:
        return (self.palette, self.properties, self.code, self.summary, self.training)


class WindowLayout(QtCore.QObject):
    """Places the docks, switches Design / Train, remembers and resets the arrangement."""

    def __init__(self, window: QtWidgets.QMainWindow, docks: Docks, settings: QtCore.QSettings) -> None:
        super().__init__(window)
        self.window, self.docks, self.settings = window, docks, settings
        window.setCorner(QtCore.Qt.Corner.BottomLeftCorner, Area.LeftDockWidgetArea)
        window.setCorner(QtCore.Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)
        window.setDockOptions(window.dockOptions() | QtWidgets.QMainWindow.DockOption.GroupedDragging)
        self.mode_buttons = self._mode_switch()
        docks.training.visibilityChanged.connect(lambda _visible: self._show_mode())
        self.arrange()

    # --- the default arrangement ----------------------------------------------------------------

    def arrange(self) -> None:
        """Every dock in its default place, docked; Design mode."""
        window, d = self.window, self.docks
        for dock in d.all():
            dock.setFloating(False)
            dock.show()
        window.addDockWidget(Area.LeftDockWidgetArea, d.palette)
        window.addDockWidget(Area.RightDockWidgetArea, d.properties)
        window.splitDockWidget(d.properties, d.summary, Orientation.Vertical)
        window.tabifyDockWidget(d.properties, d.code)
        window.addDockWidget(Area.BottomDockWidgetArea, d.training)
        d.properties.raise_()
        d.training.hide()
        self.fit_to_window()

    def fit_to_window(self) -> None:
        """Dock sizes as fractions of the window (called again once the window has its size)."""
        window, d = self.window, self.docks
        width, height = window.width(), window.height()
        window.resizeDocks(
            [d.palette, d.properties],
            [min(PALETTE_MAX, int(width * PALETTE_WIDTH)), min(RIGHT_MAX, int(width * RIGHT_WIDTH))],
            Orientation.Horizontal,
        )
        window.resizeDocks(
            [d.properties, d.summary],
            [int(height * (1 - PROBLEMS_HEIGHT)), int(height * PROBLEMS_HEIGHT)],
            Orientation.Vertical,
        )

    def reset(self) -> None:
        self.arrange()
        self.settings.remove(SETTINGS_STATE)

    # --- Design / Train -------------------------------------------------------------------------

    def _mode_switch(self) -> dict[str, QtWidgets.QToolButton]:
        corner = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(corner)
        row.setContentsMargins(0, 0, 6, 0)
        row.setSpacing(2)
        buttons = {}
        for mode, text, key, tip in (
            ("design", "Design", "Ctrl+1", "the canvas with the palette, properties and problems"),
            ("train", "Train", "Ctrl+2", "the training settings and live curves below the canvas"),
        ):
            action = QtGui.QAction(text, self.window)
            action.setCheckable(True)
            action.setShortcut(QtGui.QKeySequence(key))
            action.setToolTip(f"{tip} ({key})")
            action.triggered.connect(lambda _checked=False, m=mode: self.set_mode(m))
            self.window.addAction(action)
            button = QtWidgets.QToolButton()
            button.setObjectName(f"mode_{mode}")
            button.setDefaultAction(action)
            row.addWidget(button)
            buttons[mode] = button
        self.window.menuBar().setCornerWidget(corner, QtCore.Qt.Corner.TopRightCorner)
        self._corner = corner  # the menu bar does not keep the Python wrapper alive
        return buttons

    @property
    def mode(self) -> str:
        return "train" if self.docks.training.isVisible() else "design"

    def set_mode(self, mode: str) -> None:
        training = self.docks.training
        if mode == "train":
            training.show()
            training.raise_()
            if not training.isFloating():
                self.window.resizeDocks([training], [int(self.window.height() * TRAINING_HEIGHT)], Orientation.Vertical)
        else:
            training.hide()
        self._show_mode()

    def _show_mode(self) -> None:
        for mode, button in self.mode_buttons.items():
            if shiboken6.isValid(button):  # the window may be going away: docks hide as it does
                button.defaultAction().setChecked(mode == self.mode)

    # --- remembered between sessions -------------------------------------------------------------

    def restore(self) -> bool:
        """The size, place and dock arrangement of the last session, if any (and if saved by
        this arrangement's version); False leaves the default arrangement to be fitted."""
        geometry, state = self.settings.value(SETTINGS_GEOMETRY), self.settings.value(SETTINGS_STATE)
        if isinstance(geometry, QtCore.QByteArray):
            self.window.restoreGeometry(geometry)
        if isinstance(state, QtCore.QByteArray) and self.window.restoreState(state, LAYOUT_VERSION):
            self._show_mode()
            return True
        return False

    def remember(self) -> None:
        self.settings.setValue(SETTINGS_GEOMETRY, self.window.saveGeometry())
        self.settings.setValue(SETTINGS_STATE, self.window.saveState(LAYOUT_VERSION))
