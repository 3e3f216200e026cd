"""Several training runs' curves on one figure, to tell which run learnt better.

Laid out like ``CurvesFigure`` (one panel per metric, loss first, the same panel order), so
the comparison reads like each run's own curves; but the colour names the run, not the split:
each run keeps one colour in every panel, its training values solid and its validation values
dashed. Unlike the live curves, the figure is built anew on each ``show``: a comparison changes
when a run is ticked, not several times a second. No Qt here: the editor renders it off the GUI
thread, the command line saves it as a PNG.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from netdesigner.backend.atomic_files import save_figure
from netdesigner.backend.curve_style import PAPER, RUN_COLORS, CurveStyle
from netdesigner.backend.curves import LEGEND_POINTS, epoch_axes, grid_shape, size_to_pixels
from netdesigner.backend.reports import metric_pairs

Run = tuple[str, dict[str, list[float]]]  # (label, history as Keras gives it)
NO_RUNS = "tick runs to compare them"
LEGEND_COLUMNS = 5
LEGEND_ENTRY_INCHES = 1.1  # room for one legend entry ("003 run 3" and its line)
# The line style of each split, the same in every run's colour.
SPLITS: tuple[tuple[str, Literal["-", "--"]], ...] = (("train", "-"), ("validation", "--"))


def run_color(index: int) -> str:
    """The colour of the ``index``-th run; the palette repeats after its last colour."""
    return RUN_COLORS[index % len(RUN_COLORS)]


def panels(runs: Sequence[Run]) -> list[tuple[str, str | None]]:
    """(train key, validation key or None) per panel, over the metrics of all the runs: a
    metric one run lacks still gets its panel for the others."""
    return metric_pairs({key: [] for _, history in runs for key in history})


class ComparisonFigure:
    """One panel per metric, one colour per run (train solid, validation dashed) and a legend
    above the panels naming the runs. Run labels must differ: they key ``lines``."""

    def __init__(self, style: CurveStyle = PAPER, size_inches: tuple[float, float] = (8.0, 4.0), dpi: float = 100):
        self.style = style
        self.figure = Figure(figsize=size_inches, dpi=dpi, facecolor=style.background)
        self.canvas = FigureCanvasAgg(self.figure)  # drawn into memory, off any GUI thread
        self.lines: dict[tuple[str, str], Line2D] = {}  # (run label, history key) -> its line
        self._legend_rows = 0
        self._handles: list[Line2D] = []
        self._laid_out_for: tuple[int, int] | None = None

    def show(self, runs: Sequence[Run]) -> None:
        """Draw these runs, replacing what was shown. A run without some metric has no line in
        its panel; without runs the figure says what to do instead of showing empty axes."""
        self.figure.clear()
        self.lines, self._legend_rows, self._laid_out_for, self._handles = {}, 0, None, []
        if not runs:
            self.figure.text(0.5, 0.5, NO_RUNS, ha="center", va="center", color=self.style.text, fontsize=10)
            return
        pairs = panels(runs)
        rows, columns = grid_shape(len(pairs))
        for index, (key, val_key) in enumerate(pairs, start=1):
            axes = self._panel(rows, columns, index, key)
            for number, (label, history) in enumerate(runs):
                for split_key, (_, linestyle) in zip((key, val_key), SPLITS, strict=True):
                    if split_key in history:
                        values = list(history[split_key])
                        (self.lines[label, split_key],) = axes.plot(
                            list(range(1, len(values) + 1)),
                            values,
                            color=run_color(number),
                            linestyle=linestyle,
                            marker="o",
                            markersize=3,
                        )
        self._legend(runs, with_validation=any(val_key for _, val_key in pairs))

    def render(self, width: int, height: int, dpi: float) -> memoryview:
        """Draw at ``width`` x ``height`` pixels and return the RGBA buffer (valid until the next call)."""
        size_to_pixels(self.figure, width, height, dpi)
        self._lay_out()
        self.canvas.draw()
        return self.canvas.buffer_rgba()

    def save(self, path: Path | str) -> Path:
        """A PNG at the figure's size and dpi."""
        self._lay_out()
        return save_figure(self.figure, path, facecolor=self.style.background)

    def _panel(self, rows: int, columns: int, index: int, title: str) -> Axes:
        """An empty panel in the style's colours (as ``CurvesFigure`` draws its own)."""
        style = self.style
        axes = epoch_axes(self.figure, rows, columns, index, style)
        axes.set_title(title, color=style.title, fontsize=9)
        axes.set_xlabel("epoch", color=style.text, fontsize=8)
        axes.grid(alpha=0.25)
        return axes

    def _legend(self, runs: Sequence[Run], with_validation: bool) -> None:
        """The runs by colour, then which line style is which split (in the text's colour, as
        they apply to every run)."""
        handles = [Line2D([], [], color=run_color(n), linewidth=2, label=label) for n, (label, _) in enumerate(runs)]
        for split, linestyle in SPLITS[: 1 + with_validation]:
            handles.append(Line2D([], [], color=self.style.text, linestyle=linestyle, label=split))
        self._handles = handles
        self._place_legend(self.canvas.get_width_height()[0])

    def _place_legend(self, width: int) -> None:
        """As many legend entries side by side as the figure's width holds (a narrow dock gets
        several rows instead of a legend cut off at both sides)."""
        for legend in list(self.figure.legends):
            legend.remove()
        fitting = max(1, int(width / (LEGEND_ENTRY_INCHES * self.figure.dpi)))
        columns = min(len(self._handles), LEGEND_COLUMNS, fitting)
        self._legend_rows = math.ceil(len(self._handles) / columns)
        self.figure.legend(
            handles=self._handles,
            loc="upper center",
            ncols=columns,
            frameon=False,
            fontsize=LEGEND_POINTS,
            labelcolor=self.style.text,
        )

    def _lay_out(self) -> None:
        """Tight layout once per ``show`` and pixel size; the top strip, a line per legend row,
        is the legend's."""
        width, height = self.canvas.get_width_height()
        if (width, height) == self._laid_out_for or not self.figure.axes:
            return
        self._place_legend(width)
        line = 1.4 * LEGEND_POINTS / 72 * self.figure.dpi / max(height, 1)  # a legend row, in figure heights
        legend_strip = min(0.45, (1.2 + self._legend_rows) * line)
        self.figure.tight_layout(pad=0.6, rect=(0, 0, 1, 1 - legend_strip))
        self._laid_out_for = (width, height)


def plot_comparison(runs: Sequence[Run], path: Path | str, style: CurveStyle = PAPER) -> Path:
    """The runs' curves as a PNG, each panel as large as in a single run's ``plot_history``
    plus a strip for the legend."""
    rows, columns = grid_shape(len(panels(runs)))
    comparison = ComparisonFigure(style, size_inches=(4.2 * columns, 3.2 * rows + 0.4))
    comparison.show(runs)
    return comparison.save(path)
