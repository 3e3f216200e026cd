"""The training curves figure shared by the live view and the PNG of a finished run."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from netdesigner.backend.curves import PAPER, CurvesFigure, grid_shape, plot_history  # noqa: E402

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


def legend(curves: CurvesFigure) -> list[str]:
    return [text.get_text() for text in curves.figure.legends[0].get_texts()]


def test_one_panel_per_metric_loss_first_with_validation_beside_train() -> None:
    curves = CurvesFigure(PAPER)
    curves.show(TWO_HEADS, batch_x=[0.5, 1.0, 1.5], batch_loss=[1.2, 1.0, 0.7])
    assert titles(curves) == ["loss", "digit_loss", "size_loss", "digit_accuracy"]
    assert legend(curves) == ["train", "validation", "during epoch"]
    loss_lines = [list(line.get_ydata()) for line in curves.figure.axes[0].get_lines()]
    assert loss_lines == [[1.2, 1.0, 0.7], [1.0, 0.5], [1.1, 0.7]]  # during epoch, train, validation
    assert [list(line.get_ydata()) for line in curves.figure.axes[2].get_lines()] == [[0.4, 0.2]]
    assert grid_shape(4) == (2, 3) and grid_shape(1) == (1, 1)


def test_later_frames_move_line_data_without_rebuilding_axes() -> None:
    curves = CurvesFigure()
    curves.show({"loss": [1.0]})
    axes = curves.figure.axes[0]
    curves.show({"loss": [1.0, 0.4, 0.2]})
    assert curves.figure.axes == [axes] and legend(curves) == ["train"]  # no batches, no validation
    assert list(axes.get_lines()[0].get_xdata()) == [1, 2, 3]
    low, high = axes.get_ylim()
    assert low < 0.2 and high > 1.0
    assert axes.get_xlim()[0] == 0 and 3 < axes.get_xlim()[1] <= 6  # room for more epochs
    curves.show({"loss": [1.0], "accuracy": [0.3]})  # a new metric: laid out again
    assert titles(curves) == ["loss", "accuracy"]


def test_live_frames_draw_only_the_lines_and_look_like_a_full_drawing() -> None:
    import numpy as np

    live = CurvesFigure(PAPER, live=True)
    history = {"loss": [2.0, 1.5, 1.2], "val_loss": [2.1, 1.7, 1.4]}
    batches_x = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    batches = [2.2, 2.0, 1.7, 1.5, 1.3, 1.2]
    live.show(history, batches_x[:4], batches[:4])
    live.render(500, 300, 100)
    live.show(history, batches_x, batches)
    frame = np.array(live.render(500, 300, 100))
    assert live.full_draws == 1  # the limits held: only the lines were drawn again
    full = CurvesFigure(PAPER)
    full.show(history, batches_x, batches)
    for drawn, kept in zip(full.figure.axes, live.figure.axes, strict=True):
        drawn.set_xlim(kept.get_xlim())
        drawn.set_ylim(kept.get_ylim())
    reference = np.array(full.render(500, 300, 100))
    differing = np.any(frame != reference, axis=-1).mean()
    assert differing < 0.01  # the same picture but where lines cross the axes' frame
    live.show({**history, "loss": [*history["loss"], 0.3]}, batches_x, batches)
    live.render(500, 300, 100)
    assert live.full_draws == 2  # a point below the y range: limits and picture renewed
    live.render(640, 300, 100)
    assert live.full_draws == 3  # a new size
    live.show({**history, "loss": [*history["loss"], 0.3]}, batches_x, batches, tidy=True)
    live.render(640, 300, 100)
    assert live.full_draws == 4 and live.figure.axes[0].get_xlim() == (0.0, 4.4)  # training over: close fit


def test_render_returns_the_requested_pixels_and_the_png_is_written(tmp_path) -> None:
    curves = CurvesFigure(PAPER)
    curves.show({"loss": [1.0, 0.5]})
    buffer = curves.render(320, 200, 96)
    assert (buffer.shape[0], buffer.shape[1]) == (200, 320)
    path = plot_history(TWO_HEADS, tmp_path / "curves.png")
    from matplotlib.image import imread

    assert imread(path).shape[:2] == (640, 1260)  # two rows of three 4.2 x 3.2 inch panels at 100 dpi
