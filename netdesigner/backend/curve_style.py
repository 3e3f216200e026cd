"""The colours of a curves figure, apart from the drawing code: the editor's theme reads them
at start-up, long before anything is plotted, without importing matplotlib."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CurveStyle:
    background: str
    axes: str
    text: str
    title: str
    spine: str
    train: str
    validation: str


PAPER = CurveStyle("white", "white", "#333333", "black", "#888888", "#1f77b4", "#ff7f0e")  # the editor has its own

# One colour per run when several runs share a figure, taken in turn. The comparison is drawn
# on the paper style and the editor's dark one, so each colour keeps 3:1 contrast (WCAG's bar
# for graphics) against white and against the editor's backgrounds; the hues stay apart.
RUN_COLORS: tuple[str, ...] = (
    "#3b8fd9",  # blue
    "#e0702f",  # orange
    "#37a050",  # green
    "#d6455d",  # red
    "#9b6fd1",  # purple
    "#1a9c95",  # teal
    "#b5870f",  # ochre
    "#cc66aa",  # pink
)
