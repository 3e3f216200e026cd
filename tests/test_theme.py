"""Node text is readable on every node colour: WCAG AA contrast (4.5:1) for each pair of the
theme's node text colours and node colours, the error red included."""

from __future__ import annotations

import pytest

from netdesigner.gui import theme


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance."""

    def linear(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@pytest.mark.parametrize("background", [*theme.CATEGORY_COLORS, "error"])
def test_every_node_text_colour_meets_wcag_aa_on_every_node_colour(background: str) -> None:
    fill = theme.ERROR_COLOR if background == "error" else theme.CATEGORY_COLORS[background]
    for text in theme.NODE_TEXTS:
        assert contrast(rgb(text), fill) >= 4.5, f"{text} on {background} {fill}"


def test_the_contrast_formula_matches_wcag_reference_values() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
