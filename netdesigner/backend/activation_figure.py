"""A ``Look`` drawn with matplotlib: the activation on the left, its layer's weights on the right.

Each kind of output gets the picture a student reads at a glance: feature maps as a grid of
small images, a picture as itself, a vector as bars (or a heat strip when long), a sequence as
a time-by-feature heat map. The data handed to ``imshow`` is the activation itself (colour
limits are per tile), so what is drawn is what the layer computed. No Qt here: the editor
renders it off the GUI thread and shows the picture, as it does the training curves.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure, SubFigure
from matplotlib.image import AxesImage
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from netdesigner.backend.atomic_files import save_figure
from netdesigner.backend.curve_style import PAPER, CurveStyle
from netdesigner.backend.curves import size_to_pixels
from netdesigner.backend.inside import Look, LookKind

MAX_TILES = 64  # more feature maps than this are too small to read
MAX_BARS = 64  # longer vectors become a heat strip
MIN_BAR_ROOM = 8  # bars of a shorter vector are as wide as this many
MAX_STRIP = 512  # longer still: the values in rows, since a strip would average them away
MAX_TEXT = 600  # characters of a text sample shown
COLOUR_MAP = "viridis"
WIDTHS = (3, 1)  # of the activation's panel and the weights' panel
TITLE_POINTS = 9
# Where a panel's axes sit (left, bottom, right, top, as fractions): room for labelled ticks,
# none needed (a picture, a text), and the narrow weights panel.
LABELLED = (0.1, 0.15, 0.9, 0.86)
BARE = (0.02, 0.02, 0.98, 0.88)
HISTOGRAM = (0.3, 0.18, 0.95, 0.86)


def tile_grid(count: int, room: float = 1.0) -> tuple[int, int]:
    """(rows, columns) for ``count`` tiles in an area ``room`` times as wide as tall (counted in
    tiles' widths and heights): the grid whose tiles come out largest, square when ``room`` is 1."""

    count = max(count, 1)

    def size(columns: int) -> float:
        return min(room / columns, 1 / math.ceil(count / columns))

    columns = max(range(1, count + 1), key=size)
    return math.ceil(count / columns), columns


def middle_slice(values: np.ndarray) -> tuple[np.ndarray, str]:
    """The (H, W, C) maps in the middle of a deeper output, and which slice they are."""
    picked = []
    while values.ndim > 3:
        middle = values.shape[0] // 2
        picked.append(f"{middle + 1} of {values.shape[0]}")
        values = values[middle]
    return values, f"slice {', '.join(picked)} shown"


def display_image(image: np.ndarray) -> np.ndarray:
    """An RGB picture as ``imshow`` shows it faithfully: kept when in 0..1, divided by 255 when
    in 0..255 (pixel values), else stretched to 0..1. For display only."""
    low, high = float(np.nanmin(image)), float(np.nanmax(image))
    if low >= 0 and high <= 1:
        return image
    if low >= 0 and high <= 255:
        return image / 255
    return (image - low) / (high - low) if high > low else np.zeros_like(image)


class ActivationFigure:
    """Laid out anew by ``show`` for each look (a new node or kind changes everything); drawn
    at any size by ``render``, whose margins are fractions of the figure."""

    def __init__(self, style: CurveStyle = PAPER, size_inches: tuple[float, float] = (8.0, 4.0), dpi: float = 100):
        self.style = style
        self.figure = Figure(figsize=size_inches, dpi=dpi, facecolor=style.background)
        self.canvas = FigureCanvasAgg(self.figure)  # drawn into memory, off any GUI thread
        self.tiles: list[AxesImage] = []  # MAPS and VOLUME: one image per feature map shown
        self._title = ""
        self._title_text: Text | None = None

    def show(self, look: Look) -> None:
        """Lay the figure out anew for this look: its activation on the left, the histogram of
        its layer's weights on the right."""
        self.figure.clear()
        self.tiles = []
        halves = self.figure.add_gridspec(1, 2, width_ratios=WIDTHS, left=0, right=1, bottom=0, top=1, wspace=0)
        left, right = (self.figure.add_subfigure(halves[0, k], facecolor=self.style.background) for k in (0, 1))
        title = look.describe()
        if look.kind in (LookKind.MAPS, LookKind.VOLUME):
            maps, which = middle_slice(look.values)
            title += f" — {which}" if look.kind is LookKind.VOLUME else ""
            title += self._maps(left, maps)
        elif look.kind is LookKind.IMAGE:
            self._image(left, look.values)
        elif look.kind is LookKind.VECTOR:
            title += self._vector(left, look.values)
        elif look.kind is LookKind.SEQUENCE:
            self._sequence(left, look.values)
        elif look.kind is LookKind.SCALAR:
            self._scalar(left, look)
        else:
            self._text(left, str(look.values))
        self._title = title
        self._title_text = left.suptitle(title, color=self.style.title, fontsize=TITLE_POINTS)
        self._histogram(right, look.weights)

    def render(self, width: int, height: int, dpi: float) -> memoryview:
        """Draw at ``width`` x ``height`` pixels and return the RGBA buffer (valid until the next call)."""
        size_to_pixels(self.figure, width, height, dpi)
        self._wrap_title()
        self.canvas.draw()
        return self.canvas.buffer_rgba()

    def _wrap_title(self) -> None:
        """The title in lines as wide as the activation's side of the figure (a long one spilled
        over the histogram's title in a narrow dock)."""
        if self._title_text is not None:
            room = self.figure.get_figwidth() * self.figure.dpi * WIDTHS[0] / sum(WIDTHS)
            characters = max(20, int(room / (0.6 * TITLE_POINTS * self.figure.dpi / 72)))
            self._title_text.set_text(textwrap.fill(self._title, characters))

    def save(self, path: Path | str, dpi: float = 110) -> Path:
        self._wrap_title()
        return save_figure(self.figure, path, dpi=dpi, facecolor=self.style.background)

    def _maps(self, panel: SubFigure, maps: np.ndarray) -> str:
        """A grid of the first ``MAX_TILES`` maps, in channel order; says when some were left out."""
        channels = maps.shape[-1]
        count = min(channels, MAX_TILES)
        width, height = self.figure.get_size_inches()
        left, bottom, right, top = BARE
        area = (width * WIDTHS[0] / sum(WIDTHS) * (right - left)) / (height * (top - bottom))
        rows, columns = tile_grid(count, area * maps.shape[0] / maps.shape[1])
        grid = panel.add_gridspec(
            rows, columns, left=left, bottom=bottom, right=right, top=top, wspace=0.06, hspace=0.06
        )
        for k in range(count):
            axes = panel.add_subplot(grid[k // columns, k % columns])
            axes.set_axis_off()
            self.tiles.append(axes.imshow(maps[..., k], cmap=COLOUR_MAP, interpolation="nearest"))
        return f" — first {count} of {channels} feature maps" if count < channels else ""

    def _image(self, panel: SubFigure, image: np.ndarray) -> None:
        axes = self._axes(panel, BARE)
        axes.set_axis_off()
        if image.ndim == 3 and image.shape[-1] == 3:
            axes.imshow(display_image(image))
        else:
            axes.imshow(image.reshape(image.shape[:2]), cmap="gray")

    def _vector(self, panel: SubFigure, values: np.ndarray) -> str:
        axes = self._axes(panel)
        size = values.shape[0]
        if size <= MAX_BARS:
            axes.bar(np.arange(size), values, color=self.style.train)
            axes.set_xlim(-0.5, max(size, MIN_BAR_ROOM) - 0.5)  # one or two bars do not fill the panel
            if size <= MIN_BAR_ROOM:
                axes.set_xticks(range(size))
            else:
                axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # units are counted
            axes.axhline(0, color=self.style.spine, linewidth=0.8)
            self._label(axes, "unit", "value")
            return ""
        if size <= MAX_STRIP:
            strip = axes.imshow(values[np.newaxis, :], aspect="auto", cmap=COLOUR_MAP, interpolation="nearest")
            axes.set_yticks([])
            self._label(axes, "unit", "")
            self._colourbar(panel, strip, axes)
            return ""
        columns = math.ceil(math.sqrt(size))
        block = np.full(math.ceil(size / columns) * columns, np.nan, dtype=np.float32)
        block[:size] = values
        image = axes.imshow(block.reshape(-1, columns), aspect="auto", cmap=COLOUR_MAP, interpolation="nearest")
        self._label(axes, "place in its row", f"row of {columns} values")
        self._colourbar(panel, image, axes)
        return f" — in rows of {columns}"

    def _sequence(self, panel: SubFigure, values: np.ndarray) -> None:
        axes = self._axes(panel)
        image = axes.imshow(values.T, aspect="auto", origin="lower", cmap=COLOUR_MAP, interpolation="nearest")
        self._label(axes, "time step", "feature")
        self._colourbar(panel, image, axes)

    def _scalar(self, panel: SubFigure, look: Look) -> None:
        axes = self._axes(panel)
        value = float(look.values)
        axes.bar([0], [value], width=0.5, color=self.style.train)
        axes.axhline(0, color=self.style.spine, linewidth=0.8)
        axes.set_xlim(-1, 1)
        axes.set_xticks([0], [look.node])
        axes.annotate(f"{value:.4g}", (0, value), ha="center", va="bottom", color=self.style.text, fontsize=9)

    def _text(self, panel: SubFigure, text: str) -> None:
        axes = self._axes(panel, BARE)
        axes.set_axis_off()
        shown = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
        box = dict(boxstyle="round,pad=0.8", facecolor=self.style.axes, edgecolor=self.style.spine)
        wrapped = textwrap.fill(shown, 70) or "(empty)"
        axes.text(0.5, 0.5, wrapped, ha="center", va="center", color=self.style.text, fontsize=9, bbox=box)

    def _histogram(self, panel: SubFigure, weights: np.ndarray | None) -> None:
        """How the layer's weights are spread: training moves them away from their initial shape."""
        axes = self._axes(panel, HISTOGRAM)
        if weights is None:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "no weights", ha="center", va="center", color=self.style.text, fontsize=9)
            return
        finite = weights[np.isfinite(weights)]
        axes.hist(finite, bins=min(50, max(1, finite.size)), color=self.style.train)
        panel.suptitle(f"{weights.size:,} weights", color=self.style.title, fontsize=9)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=4))  # the panel is narrow
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        self._label(axes, "value", "count")

    def _axes(self, panel: SubFigure, box: tuple[float, float, float, float] = LABELLED) -> Axes:
        """One axes filling ``box`` of the panel, in the style's colours."""
        left, bottom, right, top = box
        axes = panel.add_subplot(panel.add_gridspec(1, 1, left=left, bottom=bottom, right=right, top=top)[0])
        axes.set_facecolor(self.style.axes)
        axes.tick_params(colors=self.style.text, labelsize=7)
        for spine in axes.spines.values():
            spine.set_color(self.style.spine)
        return axes

    def _label(self, axes: Axes, x: str, y: str) -> None:
        axes.set_xlabel(x, color=self.style.text, fontsize=8)
        axes.set_ylabel(y, color=self.style.text, fontsize=8)

    def _colourbar(self, panel: SubFigure, image: ScalarMappable, axes: Axes) -> None:
        bar = panel.colorbar(image, ax=axes, fraction=0.05, pad=0.02)
        bar.ax.tick_params(colors=self.style.text, labelsize=7)
        bar.outline.set_edgecolor(self.style.spine)
