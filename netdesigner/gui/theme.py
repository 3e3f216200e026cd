"""Colours of the editor, one place for all of them."""

from __future__ import annotations

from netdesigner.backend.curve_style import CurveStyle

WINDOW = "#2b2d31"
BASE = "#1f2023"
TEXT = "#e6e6e6"
ACCENT = "#82aaff"

# Node colours are dark enough for every node text colour below to meet WCAG AA (4.5:1; a test
# checks every pair).
CATEGORY_COLORS: dict[str, tuple[int, int, int]] = {
    "Input / Output": (40, 109, 43),
    "Core": (32, 97, 164),
    "Convolution": (123, 63, 160),
    "Pooling": (0, 106, 117),
    "Reshape": (88, 96, 110),
    "Normalization": (135, 84, 15),
    "Regularization": (124, 88, 62),
    "Activation": (164, 54, 101),
    "Merge": (160, 68, 26),
    "Recurrent": (38, 105, 105),
    "Attention": (140, 60, 140),
    "Math": (96, 84, 40),
    "Preprocessing": (76, 104, 57),
    "Pretrained": (63, 71, 150),
}
ERROR_COLOR = (184, 36, 36)
TITLE_TEXT = "#ffffff"
PARAM_TEXT = "#eef3ff"
SHAPE_TEXT = "#fff0b8"
BLOCKED_TEXT = "#e0e0e0"  # secondary lines: parameter counts, "waiting for ..."
ERROR_TEXT = "#ffe8e8"
FROZEN_TEXT = "#d8ecff"  # "frozen": the weights are kept while training
SHARED_TEXT = "#ffe0f7"  # "shares enc's weights": nodes calling one layer
NODE_TEXTS = (TITLE_TEXT, PARAM_TEXT, SHAPE_TEXT, BLOCKED_TEXT, ERROR_TEXT, FROZEN_TEXT, SHARED_TEXT)
# The dashed outline common to the nodes calling one shared layer, one colour per layer in turn.
TIE_COLORS = ((255, 170, 230), (255, 214, 120), (150, 240, 190), (190, 180, 255))
FROZEN_BORDER = (150, 200, 255)  # a frozen node's dashed outline
BORDER = (30, 30, 30)
CANVAS_BACKGROUND = (34, 36, 40)
CANVAS_GRID = (44, 47, 52)
CURVES = CurveStyle(WINDOW, BASE, "#c8c8c8", TEXT, "#55585e", ACCENT, "#ffb86c")
