"""Live training curves in the training dock.

The figure is drawn by ``backend.curves`` on a helper thread and the finished picture is
collected by this widget on the GUI thread, which only paints it. Drawing a matplotlib figure takes tens of
milliseconds, more while a training thread competes for the interpreter; on the GUI thread
that would be felt as a stutter twice a second. Frames are throttled (two a second) and
never queued behind one another, so plotting never holds training up either. The helper thread
touches no Qt object: a signal emitted from it could race the widget's deletion on the GUI
thread (a crash when a window closes mid-frame), so the GUI thread polls the pending frame.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.gui.theme import CURVES

if TYPE_CHECKING:
    from netdesigner.backend.curves import CurvesFigure

REDRAW_MS = 500
COLLECT_MS = 15
NO_RUN = "No run yet. Press ▶ Train (F5): the loss and the metrics are drawn here, epoch by epoch."
log = logging.getLogger(__name__)

# One drawing thread for every plot widget: each figure is only ever touched by it.
_DRAWING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="curves")


@dataclass(frozen=True)
class _Frame:
    epochs: dict[str, list[float]]
    batch_x: list[float]
    batch_loss: list[float]
    settled: bool
    size: QtCore.QSize  # device pixels
    ratio: float  # device pixels per logical pixel
    dpi: float


class LivePlots(QtWidgets.QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(160)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding)
        self.epochs: dict[str, list[float]] = {}
        self.batch_x: list[float] = []
        self.batch_loss: list[float] = []
        self._curves: CurvesFigure | None = None  # made and drawn on the drawing thread only
        self._image: QtGui.QImage | None = None
        self._dirty = True
        self._settled = False
        self._pending: Future[QtGui.QImage] | None = None
        self._collector = QtCore.QTimer(self, interval=COLLECT_MS)
        self._collector.timeout.connect(self._collect)
        self._timer = QtCore.QTimer(self, interval=REDRAW_MS)
        self._timer.timeout.connect(self._request)
        self._timer.start()

    def clear(self) -> None:
        self.epochs, self.batch_x, self.batch_loss = {}, [], []
        self._dirty, self._settled, self._image = True, False, None
        self.update()

    def settle(self) -> None:
        """Training is over: the next frame fits the axes closely to the curves."""
        self._dirty, self._settled = True, True

    def add_batch(self, position: float, loss: float) -> None:
        """``loss`` is Keras's running mean over the epoch so far: already smooth, no lag added."""
        self.batch_x.append(position)
        self.batch_loss.append(loss)
        self._dirty = True

    def add_epoch(self, logs: dict[str, float]) -> None:
        for key, value in logs.items():
            self.epochs.setdefault(key, []).append(value)
        self._dirty = True

    def points(self) -> int:
        return sum(len(v) for v in self.epochs.values()) + len(self.batch_loss)

    def save_png(self, path: str) -> None:
        """A fresh figure on this thread: the live one may be mid-frame on the drawing thread."""
        from netdesigner.backend.curves import CurvesFigure

        curves = CurvesFigure(CURVES, size_inches=(max(self.width(), 480) / 100, max(self.height(), 240) / 100))
        curves.show(self.epochs, self.batch_x, self.batch_loss)
        curves.save(path)

    def _request(self) -> None:
        if not self._dirty or self._pending is not None or not self.isVisible():
            return
        ratio = self.devicePixelRatioF()
        size = self.size() * ratio
        if size.isEmpty():
            return
        self._dirty = False
        frame = _Frame(
            {k: list(v) for k, v in self.epochs.items()},
            list(self.batch_x),
            list(self.batch_loss),
            self._settled,
            size,
            ratio,
            self.logicalDpiX() * ratio,
        )
        self._pending = _DRAWING.submit(self._draw, frame)
        self._collector.start()

    def _draw(self, frame: _Frame) -> QtGui.QImage:
        """On the drawing thread, which also imports matplotlib, when the first curve is drawn:
        the window's start does not wait for it."""
        if self._curves is None:
            from netdesigner.backend.curves import CurvesFigure

            self._curves = CurvesFigure(CURVES, live=True)
        self._curves.show(frame.epochs, frame.batch_x, frame.batch_loss, tidy=frame.settled)
        width, height = frame.size.width(), frame.size.height()
        buffer = self._curves.render(width, height, frame.dpi)
        image = QtGui.QImage(buffer, width, height, QtGui.QImage.Format.Format_RGBA8888).copy()
        image.setDevicePixelRatio(frame.ratio)
        return image

    def _collect(self) -> None:
        """On the GUI thread: take a finished frame. One that failed to draw is logged and the
        last picture stays up."""
        if self._pending is None or not self._pending.done():
            return
        future, self._pending = self._pending, None
        self._collector.stop()
        if future.exception() is not None:
            log.error("could not draw the training curves", exc_info=future.exception())
            return
        image = future.result()
        self._image = image
        self.update()
        if image.size() != self.size() * self.devicePixelRatioF():
            self._dirty = True  # resized meanwhile: draw again at the new size right away
            self._request()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        self._dirty = True
        super().resizeEvent(event)

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        self._request()
        super().showEvent(event)

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        painter.fillRect(self.rect(), QtGui.QColor(CURVES.background))
        if not self.points():  # no axes around nothing: say what will appear here
            painter.setPen(QtGui.QColor(CURVES.text))
            painter.drawText(
                self.rect().adjusted(12, 12, -12, -12),
                QtCore.Qt.AlignmentFlag.AlignCenter | QtCore.Qt.TextFlag.TextWordWrap,
                NO_RUN,
            )
        elif self._image is not None:
            painter.drawImage(self.rect(), self._image)
