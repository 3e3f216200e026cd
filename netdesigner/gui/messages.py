"""Messages where the eye is: a callout next to the gesture that was refused, and a log of every
message of the session (the status bar forgets after a few seconds; the log keeps them)."""

from __future__ import annotations

import time

from PySide6 import QtCore, QtGui, QtWidgets

CALLOUT_MS = 9000
CALLOUT_WIDTH = 380


class Callout(QtWidgets.QLabel):
    """A transient note on ``host`` (the canvas), next to a point; a click or key on ``watched``
    (where the user works: the canvas's viewport) dismisses it, and it leaves by itself after
    CALLOUT_MS."""

    def __init__(self, host: QtWidgets.QWidget, watched: QtWidgets.QWidget) -> None:
        super().__init__(host)
        self.host = host
        self.setObjectName("callout")
        self.setWordWrap(True)
        self.setMaximumWidth(CALLOUT_WIDTH)
        self.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.hide()
        self._timer = QtCore.QTimer(self, singleShot=True, interval=CALLOUT_MS)
        self._timer.timeout.connect(self.hide)
        watched.installEventFilter(self)

    def show_at(self, point: QtCore.QPoint, text: str) -> None:
        """Show ``text`` just below and right of ``point`` (host coordinates), kept inside."""
        self.setText(text)
        self.setFixedWidth(min(CALLOUT_WIDTH, max(160, self.host.width() - 16)))
        self.adjustSize()
        host = self.host.rect()
        x = min(max(8, point.x() + 12), host.width() - self.width() - 8)
        y = point.y() + 16 if point.y() + 16 + self.height() < host.height() else point.y() - self.height() - 16
        self.move(x, max(8, y))
        self.show()
        self.raise_()
        self._timer.start()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if self.isVisible() and event.type() in (QtCore.QEvent.Type.MouseButtonPress, QtCore.QEvent.Type.KeyPress):
            self.hide()
        return False


class PointerTracker(QtCore.QObject):
    """Where the mouse last was on a widget: a refusal that follows a drop is shown there."""

    def __init__(self, widget: QtWidgets.QWidget) -> None:
        super().__init__(widget)
        self.position = widget.rect().center()
        widget.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if isinstance(event, QtGui.QMouseEvent):
            self.position = event.position().toPoint()
        return False


class MessageLog(QtWidgets.QListWidget):
    """Every message of the session, newest last, with the time it was said."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("message_log")
        self.setWordWrap(True)

    def add(self, text: str) -> None:
        self.addItem(f"{time.strftime('%H:%M:%S')}  {text}")
        self.scrollToBottom()
