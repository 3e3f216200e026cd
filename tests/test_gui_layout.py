"""The window a student lives in: the canvas is the main area at the usual screen sizes, the
training view is a mode that opens and closes, the arrangement is remembered and can be
reset, and an empty plot says what will appear instead of drawing empty axes."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui, QtTest, QtWidgets

from tests.conftest import SAMPLE_DIR

CTRL = QtCore.Qt.KeyboardModifier.ControlModifier


def fresh_window(qtbot, width: int, height: int):
    """A window on a fresh profile, at ``width`` x ``height``, with the MLP sample open."""
    from netdesigner.gui.app import make_application
    from netdesigner.gui.main_window import MainWindow

    make_application([])
    QtCore.QSettings().remove("window")
    window = MainWindow(load_backend=False)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.open_path(SAMPLE_DIR / "mlp_classifier.json", as_sample=True, ask=False)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the docks are fitted to the window once it is shown
    return window


def canvas_share(window) -> float:
    viewer = window.canvas.viewer()
    return viewer.width() * viewer.height() / (window.width() * window.height())


@pytest.mark.parametrize("size", [(1366, 768), (1600, 1000), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_canvas_is_most_of_the_window_on_a_fresh_profile(qtbot, size: tuple[int, int]) -> None:
    window = fresh_window(qtbot, *size)
    assert canvas_share(window) >= 0.55
    assert window.properties_dock.isVisible() and window.summary_dock.isVisible()
    assert window.palette_dock.isVisible() and not window.training_dock.isVisible()
    window.close()


@pytest.mark.parametrize("width", [1100, 1366, 1500, 1600])  # a layer cut by the edge differs with each
def test_train_mode_opens_the_training_view_and_design_mode_closes_it(qtbot, width: int) -> None:
    window = fresh_window(qtbot, width, 768)
    design, train = (window.window_layout.mode_buttons[m] for m in ("design", "train"))
    assert design.isChecked() and not train.isChecked()
    QtTest.QTest.keyClick(window, QtCore.Qt.Key.Key_2, CTRL)
    qtbot.wait(50)  # the docks are laid out again
    assert window.training_dock.isVisible() and train.isChecked() and not design.isChecked()
    assert window.training.height() >= 0.3 * window.height()  # room for the curves
    assert canvas_share(window) >= 0.25  # the graph stays in view while training
    canvas = window.canvas
    assert canvas.viewer().transform().m11() >= canvas.readable_scale() - 1e-6  # and readable
    viewer = canvas.viewer()
    visible = viewer.mapToScene(viewer.viewport().rect()).boundingRect()
    first = canvas.view_of[window.document.graph.topological_order()[0]].view
    assert visible.contains(first.sceneBoundingRect())  # and the layers are not pushed out of sight
    qtbot.mouseClick(design, QtCore.Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert not window.training_dock.isVisible() and canvas_share(window) >= 0.55
    window.training.controller.state_changed.emit(window.training.controller.state.LOADING)  # a run starts
    assert window.training_dock.isVisible() and train.isChecked()
    window.close()


def test_the_arrangement_is_remembered_and_view_reset_layout_restores_the_default(qtbot) -> None:
    window = fresh_window(qtbot, 1366, 768)
    window.summary_dock.toggleViewAction().trigger()  # the user closes Problems and summary
    assert not window.summary_dock.isVisible()
    window.close()  # remembered on closing
    from netdesigner.gui.main_window import MainWindow

    again = MainWindow(load_backend=False)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert not again.summary_dock.isVisible()  # (the size too, within what the screen allows)
    reset = next(a for a in again.menuBar().actions() if a.text() == "&View").menu()
    next(a for a in reset.actions() if a.text() == "&Reset Layout").trigger()
    assert again.summary_dock.isVisible() and not again.training_dock.isVisible()
    again.close()


def test_an_empty_plot_says_no_run_yet_instead_of_empty_axes(qtbot) -> None:
    from netdesigner.gui.plots import NO_RUN, LivePlots
    from netdesigner.gui.theme import CURVES

    plots = LivePlots()
    qtbot.addWidget(plots)
    plots.resize(500, 300)
    plots.show()
    qtbot.waitExposed(plots)
    image = plots.grab().toImage()
    text = QtGui.QColor(CURVES.text).rgb()
    rows_with_text = {y for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) == text}
    assert rows_with_text and max(rows_with_text) - min(rows_with_text) < 60  # one or two lines, centred
    assert "No run yet" in NO_RUN
    plots.add_epoch({"loss": 1.0})
    qtbot.waitUntil(lambda: plots._image is not None, timeout=10_000)  # then the curves are drawn
    plots.hide()  # no further frames; the one drawn has been delivered
    qtbot.waitUntil(lambda: plots._pending is None, timeout=10_000)


def wires_behind_nodes(window) -> list[tuple[str, str, str]]:
    """(from, to, node) for each wire that passes behind a node other than its own two."""
    hidden = []
    for pipe in window.canvas.viewer().all_pipes():
        ends = {pipe.input_port.node, pipe.output_port.node}
        path = pipe.mapToScene(pipe.path())
        for view in window.canvas.view_of.values():
            rect = view.view.sceneBoundingRect().adjusted(2, 2, -2, -2)
            if view.view not in ends and any(rect.contains(path.pointAtPercent(t / 100)) for t in range(101)):
                hidden.append((pipe.output_port.node.name, pipe.input_port.node.name, view.view.name))
    return hidden


def test_every_sample_opens_with_every_wire_in_sight_also_after_auto_layout(window) -> None:
    for path in sorted(SAMPLE_DIR.glob("*.json")):
        window.open_path(path, as_sample=True, ask=False)
        QtWidgets.QApplication.processEvents()
        assert wires_behind_nodes(window) == [], path.stem
        window.auto_layout()
        QtWidgets.QApplication.processEvents()
        assert wires_behind_nodes(window) == [], path.stem


def test_keras_loads_only_after_the_window_is_painted(qtbot) -> None:
    from netdesigner.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.backend.started  # nothing competes with the first picture
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.backend.started, timeout=5_000)
    qtbot.waitUntil(lambda: "ready" in window.backend_label.text(), timeout=60_000)
    window.close()
