"""Finished runs' curves overlaid in one view, drawn off the GUI thread (see ``figure_view``).

The runs change only when the user ticks one, so each change is drawn at once, unthrottled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netdesigner.gui.figure_view import FigureView
from netdesigner.gui.theme import CURVES

if TYPE_CHECKING:
    from netdesigner.backend.compare_curves import ComparisonFigure

Runs = tuple[tuple[str, dict[str, list[float]]], ...]  # (label, history) per run
NO_RUNS = "Tick two or more runs to overlay their curves."


class ComparisonPlot(FigureView[Runs]):
    """``figure`` is made and drawn on the drawing thread only; read it once ``drawn()``."""

    placeholder = NO_RUNS

    def __init__(self) -> None:
        super().__init__()
        self.shown: Runs = ()
        self.figure: ComparisonFigure | None = None

    def show_runs(self, runs: list[tuple[str, dict[str, list[float]]]]) -> None:
        """Overlay these runs (labels must differ), replacing those shown. The histories are
        copied: the caller may go on changing its own."""
        self.shown = tuple((label, {k: list(v) for k, v in history.items()}) for label, history in runs)
        self.changed()

    def drawn(self) -> bool:
        """The runs last sent are the ones on screen."""
        return self.drawn_from is self.shown

    def save_png(self, path: str) -> None:
        """A fresh figure on this thread: the one on show may be mid-frame on the drawing thread."""
        from netdesigner.backend.compare_curves import ComparisonFigure

        figure = ComparisonFigure(CURVES, size_inches=(max(self.width(), 640) / 100, max(self.height(), 320) / 100))
        figure.show(self.shown)
        figure.save(path)

    def blank(self) -> bool:
        return not self.shown

    def snapshot(self) -> Runs:
        return self.shown  # never changed in place: show_runs replaces it

    def draw(self, snapshot: Runs, width: int, height: int, dpi: float) -> memoryview:
        if self.figure is None:
            from netdesigner.backend.compare_curves import ComparisonFigure

            self.figure = ComparisonFigure(CURVES)
        self.figure.show(snapshot)
        return self.figure.render(width, height, dpi)
