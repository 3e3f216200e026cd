"""The training curves figure shared by the live view and the PNG of a finished run."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from netdesigner.backend.curves import DARK, CurvesFigure, grid_shape, plot_history  # noqa: E402

TWO_HEADS = {
    "loss": [1.0, 0.5],
    "digit_loss": [0.6, 0.3],
    "size_loss": [0.4, 0.2],
    "digit_accuracy": [0.5, 0.8],
    "val_loss": [1.1, 0.7],
    "val_digit_accuracy": [0.4, 0.7],
}


def titles(curves: CurvesFigure) -> list[str]:
    return [axes.get_title() for axes in curves.figure.axes]


def test_one_panel_per_metric_loss_first_with_validation_beside_train() -> None:
    curves = CurvesFigure(DARK)
    curves.show(TWO_HEADS, batch_x=[0.5, 1.0, 1.5], batch_loss=[1.2, 1.0, 0.7])
    assert titles(curves) == ["loss", "digit_loss", "size_loss", "digit_accuracy"]
    loss_axes = curves.figure.axes[0]
    labels = {line.get_label(): list(line.get_ydata()) for line in loss_axes.get_lines()}
    assert labels == {"during epoch": [1.2, 1.0, 0.7], "train": [1.0, 0.5], "validation": [1.1, 0.7]}
    assert [line.get_label() for line in curves.figure.axes[2].get_lines()] == ["train"]
    assert grid_shape(4) == (2, 3) and grid_shape(1) == (1, 1)


def test_later_frames_move_line_data_without_rebuilding_axes() -> None:
    curves = CurvesFigure()
    curves.show({"loss": [1.0]})
    axes = curves.figure.axes[0]
    curves.show({"loss": [1.0, 0.4, 0.2]})
    assert curves.figure.axes == [axes]
    assert [line.get_label() for line in axes.get_lines()] == ["train"]  # no batches: no such line
    assert list(axes.get_lines()[0].get_xdata()) == [1, 2, 3]
    assert axes.get_ylim()[0] <= 0.2
    curves.show({"loss": [1.0], "accuracy": [0.3]})  # a new metric: laid out again
    assert titles(curves) == ["loss", "accuracy"]


def test_render_returns_the_requested_pixels_and_the_png_is_written(tmp_path) -> None:
    curves = CurvesFigure(DARK)
    curves.show({"loss": [1.0, 0.5]})
    buffer = curves.render(320, 200, 96)
    assert (buffer.shape[0], buffer.shape[1]) == (200, 320)
    path = plot_history(TWO_HEADS, tmp_path / "curves.png")
    from matplotlib.image import imread

    assert imread(path).shape[:2] == (640, 1260)  # two rows of three 4.2 x 3.2 inch panels at 100 dpi
