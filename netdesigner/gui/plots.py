"""Live training curves: one matplotlib axes per metric (loss first), train and validation
per epoch, plus the training loss during each epoch (Keras's running mean, reported per
batch). Redraws are throttled so that plotting never holds training up, however fast events
arrive."""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6 import QtCore, QtWidgets

from netdesigner.backend.reports import metric_pairs

REDRAW_MS = 500  # two frames a second: curves stay live, drawing stays a small share of the GUI thread


class LivePlots(QtWidgets.QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.figure = Figure(figsize=(6, 3))
        self.figure.patch.set_facecolor("#2b2d31")
        self.canvas = FigureCanvasQTAgg(self.figure)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.epochs: dict[str, list[float]] = {}
        self.batch_x: list[float] = []
        self.batch_loss: list[float] = []
        self._pairs: list[tuple[str, str | None]] = []
        self._lines: dict = {}
        self._dirty = False
        self._timer = QtCore.QTimer(self, interval=REDRAW_MS)
        self._timer.timeout.connect(self._redraw)
        self._timer.start()
        self.redraws = 0

    def clear(self) -> None:
        self.epochs, self.batch_x, self.batch_loss = {}, [], []
        self._dirty = True

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

    def _redraw(self) -> None:
        if not self._dirty or not self.isVisible():
            return
        self._dirty = False
        self.redraws += 1
        pairs = metric_pairs(self.epochs) or [("loss", None)]
        if pairs != self._pairs:  # new metrics: lay the axes out again (rare)
            self._build_axes(pairs)
        for key, val_key in pairs:
            lines = self._lines[key]
            values = self.epochs.get(key, [])
            lines["train"].set_data(range(1, len(values) + 1), values)
            if val_key:
                val = self.epochs.get(val_key, [])
                lines["validation"].set_data(range(1, len(val) + 1), val)
            if "batches" in lines:
                lines["batches"].set_data(self.batch_x, self.batch_loss)
            axes = lines["train"].axes
            axes.relim()
            axes.autoscale_view()
        self.canvas.draw_idle()

    def _build_axes(self, pairs: list[tuple[str, str | None]]) -> None:
        """Create one axes per metric with empty lines; later redraws only move line data."""
        self.figure.clear()
        self._pairs = pairs
        self._lines = {}
        for index, (key, val_key) in enumerate(pairs, start=1):
            axes = self.figure.add_subplot(1, len(pairs), index)
            axes.set_facecolor("#1f2023")
            axes.tick_params(colors="#c8c8c8", labelsize=7)
            for spine in axes.spines.values():
                spine.set_color("#55585e")
            lines = {}
            if key == "loss":
                (lines["batches"],) = axes.plot([], [], color="#82aaff", alpha=0.35, linewidth=1, label="during epoch")
            (lines["train"],) = axes.plot([], [], "o-", color="#82aaff", markersize=3, label="train")
            if val_key:
                (lines["validation"],) = axes.plot([], [], "o-", color="#ffb86c", markersize=3, label="validation")
            axes.set_title(key, color="#e6e6e6", fontsize=9)
            axes.set_xlabel("epoch", color="#c8c8c8", fontsize=8)
            axes.grid(alpha=0.2)
            axes.legend(fontsize=7, loc="upper right")
            self._lines[key] = lines
        # Laid out once here: tight_layout on every draw would cost more than the drawing.
        self.figure.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.16, wspace=0.25)

    def save_png(self, path: str) -> None:
        self._dirty = True
        self._redraw()
        self.figure.savefig(path, dpi=110, facecolor=self.figure.get_facecolor())
