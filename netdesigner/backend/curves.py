"""Training curves drawn with matplotlib: one axes per metric (loss first), train and
validation per epoch, and the training loss during each epoch.

One ``CurvesFigure`` serves both the editor's live view and the PNG a finished run leaves
behind, so the two always show the same thing. It keeps its axes and lines between frames
and only moves line data, because laying a figure out again costs more than drawing it.
No Qt here: the editor renders it off the GUI thread and shows the picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from netdesigner.backend.reports import metric_pairs

MAX_COLUMNS = 3


@dataclass(frozen=True)
class CurveStyle:
    background: str
    axes: str
    text: str
    title: str
    spine: str
    train: str
    validation: str


PAPER = CurveStyle("white", "white", "#333333", "black", "#888888", "#1f77b4", "#ff7f0e")
DARK = CurveStyle("#2b2d31", "#1f2023", "#c8c8c8", "#e6e6e6", "#55585e", "#82aaff", "#ffb86c")


def grid_shape(count: int) -> tuple[int, int]:
    """(rows, columns) for ``count`` metrics: at most three side by side."""
    columns = max(1, min(count, MAX_COLUMNS))
    return math.ceil(max(count, 1) / columns), columns


class CurvesFigure:
    def __init__(self, style: CurveStyle = PAPER, size_inches: tuple[float, float] = (6.0, 3.0), dpi: float = 100):
        self.style = style
        self.figure = Figure(figsize=size_inches, dpi=dpi, facecolor=style.background)
        FigureCanvasAgg(self.figure)
        self._shown: tuple[list[tuple[str, str | None]], bool] = ([], False)  # what the axes are laid out for
        self._lines: dict[str, dict] = {}
        self._laid_out_for: tuple[int, int] | None = None

    def show(
        self,
        epochs: dict[str, list[float]],
        batch_x: Sequence[float] = (),
        batch_loss: Sequence[float] = (),
    ) -> None:
        """Point the lines at this history; ``batch_x``/``batch_loss`` is the loss during epochs,
        with x in epochs (1.5 = half-way through the second)."""
        pairs = metric_pairs(epochs) or [("loss", None)]
        if (pairs, bool(batch_x)) != self._shown:
            self._build_axes(pairs, with_batches=bool(batch_x))
        for key, val_key in pairs:
            lines = self._lines[key]
            values = epochs.get(key, [])
            lines["train"].set_data(range(1, len(values) + 1), values)
            if val_key:
                val = epochs.get(val_key, [])
                lines["validation"].set_data(range(1, len(val) + 1), val)
            if "batches" in lines:
                lines["batches"].set_data(batch_x, batch_loss)
            axes = lines["train"].axes
            axes.relim()
            axes.autoscale_view()

    def render(self, width: int, height: int, dpi: float) -> memoryview:
        """Draw at ``width`` x ``height`` pixels and return the RGBA buffer (valid until the next call)."""
        self.figure.set_dpi(dpi)
        self.figure.set_size_inches(width / dpi, height / dpi)
        self._lay_out()
        self.figure.canvas.draw()
        return self.figure.canvas.buffer_rgba()

    def save(self, path: Path | str, dpi: float = 110) -> Path:
        self._lay_out()
        self.figure.savefig(path, dpi=dpi, facecolor=self.style.background)
        return Path(path)

    def _lay_out(self) -> None:
        """Tight layout once per axes set and pixel size, not on every frame."""
        key = (len(self._shown[0]), *self.figure.canvas.get_width_height())
        if key != self._laid_out_for:
            self.figure.tight_layout(pad=0.6)
            self._laid_out_for = key

    def _build_axes(self, pairs: list[tuple[str, str | None]], with_batches: bool) -> None:
        style = self.style
        self.figure.clear()
        self._shown, self._lines, self._laid_out_for = (pairs, with_batches), {}, None
        rows, columns = grid_shape(len(pairs))
        for index, (key, val_key) in enumerate(pairs, start=1):
            axes = self.figure.add_subplot(rows, columns, index)
            axes.set_facecolor(style.axes)
            axes.tick_params(colors=style.text, labelsize=7)
            for spine in axes.spines.values():
                spine.set_color(style.spine)
            lines = {}
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
            if key == "loss" and with_batches:
                (lines["batches"],) = axes.plot(
                    [], [], color=style.train, alpha=0.35, linewidth=1, label="during epoch"
                )
            (lines["train"],) = axes.plot([], [], "o-", color=style.train, markersize=3, label="train")
            if val_key:
                (lines["validation"],) = axes.plot(
                    [], [], "o-", color=style.validation, markersize=3, label="validation"
                )
            axes.set_title(key, color=style.title, fontsize=9)
            axes.set_xlabel("epoch", color=style.text, fontsize=8)
            axes.grid(alpha=0.25)
            axes.legend(
                fontsize=7, loc=_legend_corner(key), facecolor=style.axes, edgecolor=style.spine, labelcolor=style.text
            )
            self._lines[key] = lines


def _legend_corner(metric: str) -> str:
    """Out of the curves' way: losses and errors fall, the other metrics rise. (``loc="best"``
    would search the data on every frame.)"""
    return "upper right" if "loss" in metric or "error" in metric else "lower right"


def plot_history(history: dict[str, list[float]], path: Path) -> Path:
    """The curves of a finished run as a PNG, one panel per metric."""
    rows, columns = grid_shape(len(metric_pairs(history)))
    curves = CurvesFigure(PAPER, size_inches=(4.2 * columns, 3.2 * rows))
    curves.show(history)
    return curves.save(path, dpi=100)
