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
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from netdesigner.backend.atomic_files import save_figure
from netdesigner.backend.curve_style import PAPER, CurveStyle
from netdesigner.backend.reports import metric_pairs

MAX_COLUMNS = 3
LEGEND_POINTS = 8


def size_to_pixels(figure: Figure, width: int, height: int, dpi: float) -> bool:
    """Make ``figure`` ``width`` x ``height`` pixels at ``dpi``; True when that changed it (what
    was cached for the old size is stale)."""
    if (width, height) == figure.canvas.get_width_height() and dpi == figure.dpi:
        return False
    figure.set_dpi(dpi)
    figure.set_size_inches(width / dpi, height / dpi)
    return True


def epoch_axes(figure: Figure, rows: int, columns: int, index: int, style: CurveStyle) -> Axes:
    """One panel of a curves figure in the style's colours, whole epochs on x."""
    axes = figure.add_subplot(rows, columns, index)
    axes.set_facecolor(style.axes)
    axes.tick_params(colors=style.text, labelsize=7)
    for spine in axes.spines.values():
        spine.set_color(style.spine)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return axes


def grid_shape(count: int) -> tuple[int, int]:
    """(rows, columns) for ``count`` metrics: at most three side by side."""
    columns = max(1, min(count, MAX_COLUMNS))
    return math.ceil(max(count, 1) / columns), columns


class CurvesFigure:
    """``live``: the lines are drawn over a cached picture of everything else (matplotlib's
    blitting), which is redrawn only when the axes limits, the layout or the size change.
    Limits are rounded out to tick values, so they change a few times a run, not each frame;
    the legend sits above the panels, where no curve can run through it."""

    def __init__(
        self,
        style: CurveStyle = PAPER,
        size_inches: tuple[float, float] = (6.0, 3.0),
        dpi: float = 100,
        live: bool = False,
    ):
        self.style, self.live = style, live
        self.figure = Figure(figsize=size_inches, dpi=dpi, facecolor=style.background)
        self.canvas = FigureCanvasAgg(self.figure)  # drawn into memory, off any GUI thread
        self._shown: tuple[list[tuple[str, str | None]], bool] = ([], False)  # what the axes are laid out for
        self._lines: dict[str, dict[str, Line2D]] = {}
        self._laid_out_for: tuple[int, int] | None = None
        self._background: Any = None  # the cached picture without the lines (live only)
        self.full_draws = 0

    def show(
        self,
        epochs: dict[str, list[float]],
        batch_x: Sequence[float] = (),
        batch_loss: Sequence[float] = (),
        tidy: bool | None = None,
    ) -> None:
        """Point the lines at this history; ``batch_x``/``batch_loss`` is the loss during epochs,
        with x in epochs (1.5 = half-way through the second). ``tidy`` (the default unless
        live; a live view asks for it once training ends) fits the limits closely."""
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
        self._fit_limits(not self.live if tidy is None else tidy)

    def render(self, width: int, height: int, dpi: float) -> memoryview:
        """Draw at ``width`` x ``height`` pixels and return the RGBA buffer (valid until the next call)."""
        if size_to_pixels(self.figure, width, height, dpi):
            self._background = None
        self._lay_out()
        canvas = self.canvas
        if not self.live:
            self._draw_everything()
            return canvas.buffer_rgba()
        if self._background is None:
            self._draw_everything()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for lines in self._lines.values():
            for line in lines.values():
                self.figure.draw_artist(line)
        return canvas.buffer_rgba()

    def save(self, path: Path | str, dpi: float = 110) -> Path:
        for lines in self._lines.values():  # savefig leaves animated artists out
            for line in lines.values():
                line.set_animated(False)
        self._lay_out()
        return save_figure(self.figure, path, dpi=dpi, facecolor=self.style.background)

    def _draw_everything(self) -> None:
        self.full_draws += 1
        self.canvas.draw()

    def _fit_limits(self, tidy: bool) -> None:
        """One epoch axis for all panels, a value axis each. ``tidy`` limits hug the data. Live
        ones change as seldom as they can, since a change forgets the cached picture: they are
        kept while the data stays inside them and fills half of them, and new ones leave room
        (half again as many epochs; a tenth of the range above and below)."""
        panels = [list(lines.values()) for lines in self._lines.values()]
        # Epochs and batch positions only grow: each line's last x is its largest.
        xs = [np.asarray(line.get_xdata(), dtype=float) for lines in panels for line in lines]
        last_x = max((float(x[-1]) for x in xs if x.size), default=0.0)
        if not last_x:
            return
        x_limits = self.figure.axes[0].get_xlim()
        if tidy:
            x_limits = (0.0, last_x + max(0.4, 0.02 * last_x))
        elif not (x_limits[0] == 0 and last_x <= 0.98 * x_limits[1] <= 2 * last_x):
            x_limits = (0.0, _rounded_out(0.0, 1.5 * last_x, integer=True)[1])
        for lines, axes in zip(panels, self.figure.axes, strict=False):
            ys = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in lines])
            ys = ys[np.isfinite(ys)]
            if not ys.size:
                continue
            low, high = float(ys.min()), float(ys.max())
            y_limits = axes.get_ylim()
            inside = y_limits[0] < low and high < y_limits[1]
            room = (high - low) * 0.05 or max(abs(high) * 0.05, 0.05)
            if tidy:
                y_limits = (low - room, high + room)
            elif not (inside and high - low >= 0.5 * (y_limits[1] - y_limits[0])):
                y_limits = _rounded_out(low - 2 * room, high + 2 * room, integer=False)
            if (x_limits, y_limits) != (axes.get_xlim(), axes.get_ylim()):
                axes.set_xlim(x_limits)
                axes.set_ylim(y_limits)
                self._background = None

    def _lay_out(self) -> None:
        """Tight layout once per axes set (``_build_axes`` forgets it) and pixel size, not on
        every frame; the top strip is the legend's."""
        width, height = self.canvas.get_width_height()
        if (width, height) != self._laid_out_for:
            legend_strip = min(0.3, 2.6 * LEGEND_POINTS / 72 * self.figure.dpi / max(height, 1))
            self.figure.tight_layout(pad=0.6, rect=(0, 0, 1, 1 - legend_strip))
            self._laid_out_for, self._background = (width, height), None

    def _build_axes(self, pairs: list[tuple[str, str | None]], with_batches: bool) -> None:
        style = self.style
        self.figure.clear()
        self._shown, self._lines, self._laid_out_for, self._background = (pairs, with_batches), {}, None, None
        rows, columns = grid_shape(len(pairs))
        kinds: dict[str, dict[str, Any]] = {"train": dict(color=style.train, marker="o", markersize=3)}
        if any(val_key for _, val_key in pairs):
            kinds["validation"] = dict(color=style.validation, marker="o", markersize=3)
        if with_batches:
            kinds["during epoch"] = dict(color=style.train, alpha=0.35, linewidth=1)
        for index, (key, val_key) in enumerate(pairs, start=1):
            axes = epoch_axes(self.figure, rows, columns, index, style)
            lines = {}
            if key == "loss" and with_batches:
                (lines["batches"],) = axes.plot([], [], **kinds["during epoch"], animated=self.live)
            (lines["train"],) = axes.plot([], [], **kinds["train"], animated=self.live)
            if val_key:
                (lines["validation"],) = axes.plot([], [], **kinds["validation"], animated=self.live)
            axes.set_title(key, color=style.title, fontsize=9)
            axes.set_xlabel("epoch", color=style.text, fontsize=8)
            axes.grid(alpha=0.25)
            self._lines[key] = lines
        self.figure.legend(
            handles=[Line2D([], [], label=label, **look) for label, look in kinds.items()],
            loc="upper center",
            ncols=len(kinds),
            frameon=False,
            fontsize=LEGEND_POINTS,
            labelcolor=style.text,
        )


def _rounded_out(low: float, high: float, integer: bool) -> tuple[float, float]:
    """``low``..``high`` widened to the nearest ticks of a 6-tick axis."""
    ticks = MaxNLocator(nbins=6, integer=integer).tick_values(low, high)
    return float(ticks[0]), float(ticks[-1])


def plot_history(history: dict[str, list[float]], path: Path) -> Path:
    """The curves of a finished run as a PNG, one panel per metric."""
    rows, columns = grid_shape(len(metric_pairs(history)))
    curves = CurvesFigure(PAPER, size_inches=(4.2 * columns, 3.2 * rows))
    curves.show(history)
    return curves.save(path, dpi=100)
