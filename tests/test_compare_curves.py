"""Several runs' curves overlaid: the figure, and the view that draws it off the GUI thread."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from netdesigner.backend.compare_curves import NO_RUNS, ComparisonFigure, plot_comparison  # noqa: E402
from netdesigner.backend.curve_style import RUN_COLORS  # noqa: E402

WIDE = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.7], "accuracy": [0.5, 0.7, 0.8]}
DEEP = {"loss": [0.9, 0.5], "val_loss": [1.0, 0.6], "mae": [0.3, 0.2], "val_mae": [0.35, 0.3]}
RUNS = [("wide", WIDE), ("deep", DEEP)]


def data(line) -> tuple[list[float], list[float]]:
    return list(line.get_xdata()), list(line.get_ydata())


def test_one_panel_per_metric_one_colour_per_run_validation_dashed() -> None:
    comparison = ComparisonFigure()
    comparison.show(RUNS)
    assert [axes.get_title() for axes in comparison.figure.axes] == ["loss", "accuracy", "mae"]
    for label, history in RUNS:
        for key, values in history.items():
            assert data(comparison.lines[label, key]) == (list(range(1, len(values) + 1)), values)
    assert set(comparison.lines) == {(label, key) for label, history in RUNS for key in history}
    loss, accuracy, mae = comparison.figure.axes
    assert len(loss.get_lines()) == 4 and accuracy.get_lines() == [comparison.lines["wide", "accuracy"]]
    assert mae.get_lines() == [comparison.lines["deep", "mae"], comparison.lines["deep", "val_mae"]]
    lines = comparison.lines
    assert lines["wide", "loss"].get_color() == lines["wide", "val_loss"].get_color() == RUN_COLORS[0]
    assert lines["deep", "loss"].get_color() == RUN_COLORS[1]
    assert lines["wide", "loss"].get_linestyle() == "-" and lines["wide", "val_loss"].get_linestyle() == "--"
    legend = [text.get_text() for text in comparison.figure.legends[0].get_texts()]
    assert legend == ["wide", "deep", "train", "validation"]


def test_colours_cycle_beyond_the_palette() -> None:
    comparison = ComparisonFigure()
    runs = [(f"run {n}", {"loss": [1.0 / (n + 1)]}) for n in range(len(RUN_COLORS) + 1)]
    comparison.show(runs)
    assert comparison.lines[f"run {len(RUN_COLORS)}", "loss"].get_color() == RUN_COLORS[0]
    assert len(comparison.figure.legends[0].get_texts()) == len(runs) + 1  # no validation: train only


def test_no_runs_draws_the_hint_and_showing_again_replaces_the_lines() -> None:
    comparison = ComparisonFigure()
    comparison.show(RUNS)
    comparison.show([])
    assert not comparison.figure.axes and not comparison.lines
    assert [text.get_text() for text in comparison.figure.texts] == [NO_RUNS]
    buffer = comparison.render(300, 200, 100)
    assert (buffer.shape[0], buffer.shape[1]) == (200, 300)


def test_the_png_is_written(tmp_path) -> None:
    from matplotlib.image import imread

    path = plot_comparison(RUNS, tmp_path / "compare.png")
    assert imread(path).shape[:2] == (360, 1260)  # three 4.2 x 3.2 inch panels and the legend at 100 dpi
    comparison = ComparisonFigure(size_inches=(5, 3), dpi=80)
    comparison.show(RUNS)
    assert imread(comparison.save(tmp_path / "small.png")).shape[:2] == (240, 400)


@pytest.fixture
def plot(qtbot):
    from netdesigner.gui.compare_plot import ComparisonPlot

    def finish_drawing(view: ComparisonPlot) -> None:
        """No further frames; the one being drawn is collected before the widget goes."""
        view.hide()
        qtbot.waitUntil(lambda: view._pending is None, timeout=10_000)

    view = ComparisonPlot()
    qtbot.addWidget(view, before_close_func=finish_drawing)
    view.resize(600, 320)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_the_view_draws_the_runs_off_the_gui_thread_and_again_when_resized(plot, qtbot) -> None:
    assert plot.blank() and not plot.shown  # the placeholder until runs are ticked
    history = {key: list(values) for key, values in WIDE.items()}
    plot.show_runs([("wide", history), ("deep", DEEP)])
    history["loss"].append(0.1)  # the view keeps its own copy
    qtbot.waitUntil(plot.drawn, timeout=10_000)
    assert plot.figure is not None and data(plot.figure.lines["wide", "loss"]) == ([1, 2, 3], WIDE["loss"])
    assert data(plot.figure.lines["deep", "val_mae"]) == ([1, 2], DEEP["val_mae"])
    ratio = plot.devicePixelRatioF()
    assert plot.image is not None and plot.image.width() == round(600 * ratio)
    plot.resize(500, 300)
    qtbot.waitUntil(lambda: plot.image is not None and plot.image.width() == round(500 * ratio), timeout=10_000)
    assert plot.drawn() and plot.figure.canvas.get_width_height() == (round(500 * ratio), round(300 * ratio))
    plot.show_runs([("deep", DEEP)])
    assert not plot.drawn()  # until the new runs' frame has been collected
    qtbot.waitUntil(plot.drawn, timeout=10_000)
    assert set(plot.figure.lines) == {("deep", key) for key in DEEP}


def test_the_view_saves_a_png_of_what_it_shows(plot, tmp_path) -> None:
    from matplotlib.image import imread

    plot.show_runs(RUNS)
    path = tmp_path / "compare.png"
    plot.save_png(str(path))
    assert imread(path).shape[:2] == (320, 640)  # at least 640 x 320, the view's size otherwise
