"""A widget showing a matplotlib figure that is drawn off the GUI thread.

The figure is drawn on a helper thread and the finished picture is collected by the widget on
the GUI thread, which only paints it. Drawing a matplotlib figure takes tens of milliseconds,
more while a training thread competes for the interpreter; on the GUI thread that would be felt
as a stutter whenever a frame is drawn. Frames are never queued behind one another (a change
made while one is drawn is drawn after it, once), and a view fed by training may throttle them,
so plotting never holds training up either. The helper thread touches no Qt object: a signal
emitted from it could race the widget's deletion on the GUI thread (a crash when a window
closes mid-frame), so the GUI thread polls the pending frame.

A subclass says what to draw and how: ``snapshot`` takes an immutable copy of its data on the
GUI thread, ``draw`` turns one into pixels on the drawing thread, where it keeps its figure
object (so matplotlib is first imported there, not while the window starts). ``blank`` says
when there is nothing to draw: the widget then shows ``placeholder`` instead of empty axes. The
figure is drawn all the same once the widget shows, so that the first data do not wait for
matplotlib to load.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.gui.theme import CURVES

COLLECT_MS = 15
log = logging.getLogger(__name__)

# One drawing thread for every figure view: each figure is only ever touched by it.
_DRAWING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="figures")

Snapshot = TypeVar("Snapshot")


@dataclass(frozen=True)
class _Frame(Generic[Snapshot]):
    snapshot: Snapshot
    size: QtCore.QSize  # device pixels
    ratio: float  # device pixels per logical pixel
    dpi: float


class FigureView(QtWidgets.QWidget, Generic[Snapshot]):
    """``redraw_ms``: 0 draws each change at once (after the frame being drawn, if any); more
    redraws at most that often, for data that changes many times a second (``changed`` is then
    cheap enough to call on every training batch)."""

    placeholder = ""

    def __init__(self, redraw_ms: int = 0) -> None:
        super().__init__()
        self.setMinimumHeight(160)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding)
        self._image: QtGui.QImage | None = None
        self.drawn_from: Snapshot | None = None  # the snapshot the picture on show was drawn from
        self._dirty = True
        self._redraw_ms = redraw_ms
        self._pending: Future[QtGui.QImage] | None = None
        self._pending_snapshot: Snapshot | None = None
        self._collector = QtCore.QTimer(self, interval=COLLECT_MS)
        self._collector.timeout.connect(self._collect)
        if redraw_ms:
            throttle = QtCore.QTimer(self, interval=redraw_ms)
            throttle.timeout.connect(self._request)
            throttle.start()

    # What a subclass supplies.

    def snapshot(self) -> Snapshot:
        """On the GUI thread: what to draw, copied so that the drawing thread may read it while
        the widget's data changes."""
        raise NotImplementedError

    def draw(self, snapshot: Snapshot, width: int, height: int, dpi: float) -> memoryview:
        """On the drawing thread: make or update the figure and return its RGBA render at
        ``width`` x ``height`` pixels."""
        raise NotImplementedError

    def blank(self) -> bool:
        """Nothing to draw: the placeholder is shown (and any picture kept is not)."""
        return False

    # What a subclass calls.

    def changed(self, forget_picture: bool = False) -> None:
        """The data changed: draw it again. ``forget_picture`` takes the last picture down now
        rather than when the next one is ready."""
        self._dirty = True
        if forget_picture:
            self._image = self.drawn_from = None
            self.update()
        if not self._redraw_ms:
            self._request()

    @property
    def image(self) -> QtGui.QImage | None:
        """The picture on show, in device pixels."""
        return self._image

    def _request(self) -> None:
        if not self._dirty or self._pending is not None or not self.isVisible():
            return
        ratio = self.devicePixelRatioF()
        size = self.size() * ratio
        if size.isEmpty():
            return
        self._dirty = False
        frame = _Frame(self.snapshot(), size, ratio, self.logicalDpiX() * ratio)
        self._pending, self._pending_snapshot = _DRAWING.submit(self._render, frame), frame.snapshot
        self._collector.start()

    def _render(self, frame: _Frame[Snapshot]) -> QtGui.QImage:
        """On the drawing thread: the subclass's pixels as an image of their own."""
        width, height = frame.size.width(), frame.size.height()
        buffer = self.draw(frame.snapshot, width, height, frame.dpi)
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
            log.error("%s could not draw its figure", type(self).__name__, exc_info=future.exception())
            return
        image = future.result()
        self._image, self.drawn_from = image, self._pending_snapshot
        self.update()
        resized = image.size() != self.size() * self.devicePixelRatioF()
        self._dirty |= resized
        if resized or not self._redraw_ms:  # a new size is drawn at once, even when throttled
            self._request()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self.changed()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        self._request()
        super().showEvent(event)

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        painter.fillRect(self.rect(), QtGui.QColor(CURVES.background))
        if self.blank():  # no axes around nothing: say what will appear here
            painter.setPen(QtGui.QColor(CURVES.text))
            painter.drawText(
                self.rect().adjusted(12, 12, -12, -12),
                QtCore.Qt.AlignmentFlag.AlignCenter | QtCore.Qt.TextFlag.TextWordWrap,
                self.placeholder,
            )
        elif self._image is not None:
            painter.drawImage(self.rect(), self._image)
