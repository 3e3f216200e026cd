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
