"""Colours of the editor, one place for all of them."""

from __future__ import annotations

from netdesigner.backend.curves import CurveStyle

WINDOW = "#2b2d31"
BASE = "#1f2023"
TEXT = "#e6e6e6"
ACCENT = "#82aaff"

CATEGORY_COLORS: dict[str, tuple[int, int, int]] = {
    "Input / Output": (46, 125, 50),
    "Core": (33, 99, 168),
    "Convolution": (123, 63, 160),
    "Pooling": (0, 121, 134),
    "Reshape": (96, 105, 120),
    "Normalization": (176, 110, 20),
    "Regularization": (140, 100, 70),
    "Activation": (168, 56, 104),
    "Merge": (196, 84, 32),
    "Recurrent": (40, 110, 110),
    "Preprocessing": (80, 110, 60),
}
ERROR_COLOR = (200, 40, 40)
BLOCKED_TEXT = "#b8b8b8"
SHAPE_TEXT = "#ffe9a8"
PARAM_TEXT = "#d8e6ff"
BORDER = (30, 30, 30)
CANVAS_BACKGROUND = (34, 36, 40)
CANVAS_GRID = (44, 47, 52)
CURVES = CurveStyle(WINDOW, BASE, "#c8c8c8", TEXT, "#55585e", ACCENT, "#ffb86c")
