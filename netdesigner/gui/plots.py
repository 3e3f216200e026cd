"""Live training curves in the training dock.

``backend.curves`` draws them off the GUI thread (see ``figure_view``). Training reports a
point per batch, many a second, so frames are throttled to two a second: each event only
marks the curves as changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from netdesigner.gui.figure_view import FigureView
from netdesigner.gui.theme import CURVES

if TYPE_CHECKING:
    from netdesigner.backend.curves import CurvesFigure

REDRAW_MS = 500
NO_RUN = "No run yet. Press ▶ Train (F5): the loss and the metrics are drawn here, epoch by epoch."


@dataclass(frozen=True)
class _History:
    epochs: dict[str, list[float]]
    batch_x: list[float]
    batch_loss: list[float]
    settled: bool


class LivePlots(FigureView[_History]):
    placeholder = NO_RUN

    def __init__(self) -> None:
        super().__init__(redraw_ms=REDRAW_MS)
        self.epochs: dict[str, list[float]] = {}
        self.batch_x: list[float] = []
        self.batch_loss: list[float] = []
        self._settled = False
        self._curves: CurvesFigure | None = None  # made and drawn on the drawing thread only

    def clear(self) -> None:
        self.epochs, self.batch_x, self.batch_loss = {}, [], []
        self._settled = False
        self.changed(forget_picture=True)

    def settle(self) -> None:
        """Training is over: the next frame fits the axes closely to the curves."""
        self._settled = True
        self.changed()

    def add_batch(self, position: float, loss: float) -> None:
        """``loss`` is Keras's running mean over the epoch so far: already smooth, no lag added."""
        self.batch_x.append(position)
        self.batch_loss.append(loss)
        self.changed()

    def add_epoch(self, logs: dict[str, float]) -> None:
        for key, value in logs.items():
            self.epochs.setdefault(key, []).append(value)
        self.changed()

    def points(self) -> int:
        return sum(len(v) for v in self.epochs.values()) + len(self.batch_loss)

    def save_png(self, path: str) -> None:
        """A fresh figure on this thread: the live one may be mid-frame on the drawing thread."""
        from netdesigner.backend.curves import CurvesFigure

        curves = CurvesFigure(CURVES, size_inches=(max(self.width(), 480) / 100, max(self.height(), 240) / 100))
        curves.show(self.epochs, self.batch_x, self.batch_loss)
        curves.save(path)

    def blank(self) -> bool:
        return not self.points()

    def snapshot(self) -> _History:
        epochs = {k: list(v) for k, v in self.epochs.items()}
        return _History(epochs, list(self.batch_x), list(self.batch_loss), self._settled)

    def draw(self, snapshot: _History, width: int, height: int, dpi: float) -> memoryview:
        if self._curves is None:
            from netdesigner.backend.curves import CurvesFigure

            self._curves = CurvesFigure(CURVES, live=True)
        self._curves.show(snapshot.epochs, snapshot.batch_x, snapshot.batch_loss, tidy=snapshot.settled)
        return self._curves.render(width, height, dpi)
