"""The training dock driven like a user: pick data, type settings, press Train, watch curves,
Stop; and the one-truth promises: results belong to the graph they were trained on, edits
during a run are refused, failures at every stage reach the user and leave Train usable."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtTest, QtWidgets

from tests.conftest import SAMPLE_DIR

pytest.importorskip("keras")

SAMPLE = SAMPLE_DIR


def choose_source(panel, key: str) -> None:
    combo = panel.data_form.source
    index = combo.findData(key)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what Qt sends when the user picks an entry


def type_setting(panel, name: str, text: str) -> None:
    field = panel.settings.widget(name)
    field.setFocus()
    field.selectAll()
    QtTest.QTest.keyClicks(field, text)
    QtTest.QTest.keyClick(field, QtCore.Qt.Key_Return)


def press_train(window, sample: str, source: str, epochs: int, batch_size: int = 32) -> None:
    window.open_path(SAMPLE / sample, as_sample=True, ask=False)
    panel = window.training
    QtTest.QTest.keyClick(window, QtCore.Qt.Key.Key_2, QtCore.Qt.KeyboardModifier.ControlModifier)  # Train mode
    choose_source(panel, source)
    type_setting(panel, "epochs", str(epochs))
    type_setting(panel, "batch_size", str(batch_size))
    panel.train_button.click()


def wait_until_done(qtbot, panel, timeout: int) -> None:
    """Until the panel has heard the run end (the thread ends a moment before its last
    queued events reach the window)."""
    qtbot.waitUntil(lambda: not panel.running and panel.train_button.isEnabled(), timeout=timeout)


def shows_train_curve(plots) -> bool:
    """The widget on screen holds pixels of the train curve's colour (its markers are solid)."""
    from PySide6 import QtGui

    from netdesigner.gui.theme import CURVES

    image = plots.grab().toImage()
    colour = QtGui.QColor(CURVES.train).rgb()
    step = max(1, image.width() // 400)
    return any(image.pixel(x, y) == colour for y in range(0, image.height(), 2) for x in range(0, image.width(), step))


def test_train_from_the_panel_draws_curves_and_evaluates(window, qtbot, tmp_path, monkeypatch) -> None:
    press_train(window, "mlp_classifier.json", "digits", epochs=3)
    panel = window.training
    assert panel.stop_button.isEnabled() and not panel.train_button.isEnabled()
    wait_until_done(qtbot, panel, 120_000)
    assert panel.plots.epochs["loss"][-1] < panel.plots.epochs["loss"][0]
    assert len(panel.plots.epochs["val_accuracy"]) == 3 and panel.plots.points() > 3
    assert "finished" in panel.progress.format()
    qtbot.waitUntil(lambda: shows_train_curve(panel.plots), timeout=10_000)
    assert window.document.doc.training.epochs == 3 and window.isWindowModified()
    results = panel.results
    from netdesigner.gui.training import results as results_module

    batch_sizes: list[int] = []
    evaluate = results_module.evaluate
    monkeypatch.setattr(
        results_module, "evaluate", lambda *a: (batch_sizes.append(a[-1]), evaluate(*a))[1]
    )  # records the batch size Keras is given
    assert results.batch_size.text() == "batch: as fit"
    results.batch_size.lineEdit().selectAll()
    qtbot.keyClicks(results.batch_size, "100")
    results.buttons["evaluate"].click()
    qtbot.waitUntil(lambda: results.table.rowCount() > 0, timeout=60_000)
    assert batch_sizes == [100]
    keys = [results.table.item(r, 0).text() for r in range(results.table.rowCount())]
    assert "loss" in keys and "accuracy" in keys and not panel.stale_label.isVisible()
    results.buttons["predict"].click()
    qtbot.waitUntil(lambda: results.predictions_view is not None, timeout=60_000)
    view = results.predictions_view
    assert view.summary.startswith(
        "360 held-out samples, accuracy"
    )  # what Keras held out and "predicted (true)" in view.summary
    assert len(view.figure.axes) == 13  # the confusion matrix and 12 digit images
    import numpy as np

    np.savez(tmp_path / "new.npz", pixels=np.random.default_rng(0).random((5, 64), dtype="float32"))
    results.predict_file(str(tmp_path / "new.npz"))
    qtbot.waitUntil(lambda: "Predictions saved" in panel.status.text(), timeout=60_000)
    with np.load(tmp_path / "new_predictions.npz") as saved:
        assert saved["digit"].shape == (5, 10)
    results.predict_file(str(tmp_path / "missing.npz"))
    qtbot.waitUntil(lambda: "cannot read" in panel.status.text(), timeout=60_000)
    results.save(str(tmp_path / "trained"))
    qtbot.waitUntil(lambda: "Model saved" in panel.status.text(), timeout=60_000)
    assert (tmp_path / "trained.keras").stat().st_size > 0
    results.save(str(tmp_path / "no such folder" / "m.keras"))
    qtbot.waitUntil(lambda: "saving the model failed" in panel.status.text(), timeout=60_000)
    window.undo_stack.setClean()
    window.close()  # Quit: the predictions window goes with the main one
    assert not view.isVisible() and not [w for w in QtWidgets.QApplication.topLevelWidgets() if w.isVisible()]


@pytest.mark.slow
def test_every_sample_trains_from_the_dock(window, qtbot, sample_path: Path) -> None:
    """As a user would: open the sample, one epoch, Train, on the data the sample names."""
    window.open_path(sample_path, as_sample=True, ask=False)
    panel = window.training
    QtTest.QTest.keyClick(window, QtCore.Qt.Key.Key_2, QtCore.Qt.KeyboardModifier.ControlModifier)  # Train mode
    type_setting(panel, "epochs", "1")
    panel.train_button.click()
    wait_until_done(qtbot, panel, 180_000)
    assert panel.progress.format().startswith("finished"), panel.status.text()
    assert len(panel.plots.epochs["loss"]) == 1 and panel.results.buttons["save"].isEnabled()


def test_pause_resume_and_stop_mid_training(window, qtbot) -> None:
    press_train(window, "mlp_classifier.json", "digits", epochs=200, batch_size=8)
    panel = window.training
    qtbot.waitUntil(lambda: panel.plots.points() > 0, timeout=120_000)
    panel.pause_button.click()
    qtbot.waitUntil(lambda: panel.progress.format().startswith("paused"), timeout=30_000)
    assert panel.pause_button.text() == "▶ Resume" and "Paused" in panel.status.text()
    assert panel.controller.state == "paused"
    held = panel.progress.value()
    qtbot.wait(400)
    assert panel.progress.value() == held and panel.running
    panel.pause_button.click()
    qtbot.waitUntil(lambda: panel.progress.value() > held, timeout=30_000)
    assert panel.pause_button.text() == "‖ Pause"
    panel.stop_button.click()
    wait_until_done(qtbot, panel, 60_000)
    assert "stopped" in panel.progress.format()
    assert len(panel.plots.epochs.get("loss", [])) < 200
    assert panel.results.buttons["save"].isEnabled()


def test_edits_are_refused_while_training_and_mark_results_stale_after(window, qtbot) -> None:
    press_train(window, "mlp_classifier.json", "digits", epochs=300, batch_size=8)
    panel, graph = window.training, window.document.graph
    qtbot.waitUntil(lambda: panel.plots.points() > 0, timeout=120_000)
    dropout = graph.by_name("dropout")
    window.canvas.select_ids([dropout.id], centre=False)
    viewer = window.canvas.viewer()
    window.activateWindow()
    viewer.setFocus()
    qtbot.waitUntil(viewer.hasFocus)  # the Delete shortcut reaches the canvas only
    QtTest.QTest.keyClick(viewer, QtCore.Qt.Key_Delete)
    assert graph.by_name("dropout") is not None and "training is running" in window.statusBar().currentMessage()
    QtTest.QTest.keyClick(viewer, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier)  # undo is off too
    assert not window.undo_action.isEnabled()
    panel.stop_button.click()
    wait_until_done(qtbot, panel, 60_000)
    assert window.undo_action.isEnabled() and not panel.stale_label.isVisible()
    QtTest.QTest.keyClick(viewer, QtCore.Qt.Key_Delete)
    window.document.flush()
    assert graph.by_name("dropout") is None and panel.stale_label.isVisible()
    panel.results.buttons["evaluate"].click()
    qtbot.waitUntil(lambda: panel.results.table.rowCount() > 0, timeout=60_000)
    assert "the graph changed since this model was trained" in panel.status.text()
    QtTest.QTest.keyClick(viewer, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier)
    window.document.flush()
    assert not panel.stale_label.isVisible()  # the drawing is the trained model again


def test_opening_another_graph_shows_nothing_of_the_first(window, qtbot) -> None:
    press_train(window, "mlp_classifier.json", "digits", epochs=1)
    panel = window.training
    wait_until_done(qtbot, panel, 120_000)
    assert panel.plots.points() > 0 and panel.results.buttons["evaluate"].isEnabled()
    window.open_path(SAMPLE / "two_branch.json", as_sample=True, ask=False)
    assert panel.plots.points() == 0 and not panel.plots.epochs
    assert not any(b.isEnabled() for b in panel.results.buttons.values())
    assert panel.status.text() == "" and panel.progress.format() == "ready"
    assert panel.controller.model is None


STAGES = {
    "loading": ("netdesigner.gui.training.controller.load_dataset", "loading the data failed: RuntimeError"),
    "building": ("netdesigner.backend.builder.build_model", "training failed: boom"),
    "training": ("netdesigner.backend.training.TrainingRun._fit", "training failed: boom"),
}


@pytest.mark.parametrize("stage", STAGES)
def test_a_failure_at_any_stage_is_shown_and_train_works_again(window, qtbot, monkeypatch, stage: str) -> None:
    target, message = STAGES[stage]

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(target, broken)
    press_train(window, "mlp_classifier.json", "digits", epochs=1)
    panel = window.training
    wait_until_done(qtbot, panel, 60_000)
    assert message in panel.status.text() and panel.progress.format() == "failed"
    assert panel.controller.state == "failed" and message in window.statusBar().currentMessage()
    monkeypatch.undo()
    panel.train_button.click()
    wait_until_done(qtbot, panel, 120_000)
    assert panel.progress.format().startswith("finished")


@pytest.mark.parametrize("job", ["evaluate", "predict"])
def test_a_failing_job_is_shown(window, qtbot, monkeypatch, job: str) -> None:
    press_train(window, "mlp_classifier.json", "digits", epochs=1)
    panel = window.training
    wait_until_done(qtbot, panel, 120_000)
    monkeypatch.setattr(f"netdesigner.gui.training.results.{job}", lambda *a: 1 / 0)
    panel.results.buttons[job].click()
    qtbot.waitUntil(lambda: "failed: division by zero" in panel.status.text(), timeout=30_000)
    assert panel.train_button.isEnabled()


def test_errors_reach_the_user(window, qtbot) -> None:
    press_train(window, "two_branch.json", "digits", epochs=1)
    panel = window.training
    wait_until_done(qtbot, panel, 60_000)
    assert "one input" in panel.status.text() and panel.train_button.isEnabled()
    graph = window.document.graph
    window.document.delete([graph.by_name("join").id])
    window.document.flush()
    panel.train_button.click()
    assert "Fix the graph first" in panel.status.text() and not panel.running


def test_settings_are_checked_undoable_document_edits(window, qtbot, tmp_path) -> None:
    from netdesigner.core.fileformat import load, save

    window.open_path(SAMPLE / "mlp_classifier.json", as_sample=True, ask=False)
    panel = window.training
    type_setting(panel, "epochs", "200000")  # beyond the declared maximum: the field refuses it
    assert window.document.doc.training.epochs <= 100_000
    type_setting(panel, "epochs", "7")
    assert window.document.doc.training.epochs == 7 and window.undo_stack.undoText() == "set epochs to 7"
    type_setting(panel, "validation_split", "1.5")
    assert "validation_split must be less than 1" in panel.settings.error_label.text()
    assert window.document.doc.training.validation_split == 0.2
    assert panel.settings.widget("validation_split").text() == "0.2"
    window.undo_action.trigger()
    assert window.document.doc.training.epochs != 7 and panel.settings.widget("epochs").text() != "7"
    window.redo_action.trigger()
    assert panel.settings.widget("epochs").text() == "7"
    choose_source(panel, "csv")
    assert window.document.doc.training.data["source"] == "csv"
    window.undo_action.trigger()
    assert panel.data_form.key() == window.document.doc.training.data.get("source", "synthetic") != "csv"
    save(window.document.doc, tmp_path / "g.json")
    assert load(tmp_path / "g.json").training.epochs == 7


def test_regression_predictions_scatter(qtbot) -> None:
    import numpy as np

    from netdesigner.backend.training import Predictions
    from netdesigner.gui.predictions import PredictionsView

    true = np.linspace(0, 1, 20, dtype="float32").reshape(20, 1)
    view = PredictionsView(Predictions(np.zeros((20, 3)), true, true + 0.1, "MeanSquaredError"))
    qtbot.addWidget(view)
    assert view.summary == "20 held-out values, mean absolute error 0.1000"
    assert view.figure.axes[0].get_title() == "predicted vs true"


def test_gpu_choices_are_offered_only_where_there_is_a_gpu(window) -> None:
    panel = window.training
    mixed = panel.settings.widget("mixed_precision")
    assert not mixed.isEnabled() and "needs a GPU" in mixed.toolTip()
    panel.set_devices(["CPU:0"])
    assert not mixed.isEnabled() and not panel.cpu_only.isEnabled()
    assert panel.device_label.text() == "device: CPU (no GPU found)" and "none found" in mixed.toolTip()
    panel.set_devices(["GPU:0 (NVIDIA H200)", "CPU:0"])
    assert mixed.isEnabled() and panel.cpu_only.isEnabled() and "needs a GPU" not in mixed.toolTip()
    assert panel.device_label.text() == "device: GPU:0 (NVIDIA H200)"
    mixed.click()
    assert window.document.doc.training.mixed_precision and window.isWindowModified()


def test_the_run_folder_is_linked_when_a_checkpoint_is_written(window, qtbot) -> None:
    window.open_path(SAMPLE / "mlp_classifier.json", as_sample=True, ask=False)
    panel = window.training
    panel.settings.widget("checkpoint").click()
    type_setting(panel, "epochs", "1")
    panel.train_button.click()
    wait_until_done(qtbot, panel, 120_000)
    folder = panel.controller.out_dir
    assert (folder / "best.keras").is_file()
    assert "best.keras in <a href='file://" in panel.status.text() and str(folder) in panel.status.text()


def test_stop_while_the_data_loads_trains_nothing(window, qtbot, monkeypatch) -> None:
    import time

    import netdesigner.gui.training.controller as controller

    real_load = controller.load_dataset
    monkeypatch.setattr(controller, "load_dataset", lambda *a: (time.sleep(0.5), real_load(*a))[1])
    press_train(window, "mlp_classifier.json", "digits", epochs=5)
    panel = window.training
    panel.stop_button.click()
    wait_until_done(qtbot, panel, 60_000)
    assert panel.plots.points() == 0 and panel.controller.state == "finished"
    assert not panel.results.buttons["save"].isEnabled()


def test_train_menu_and_keys_drive_the_same_actions(window, qtbot) -> None:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Train")
    assert [a.text() for a in menu.actions()] == ["▶ Train", "‖ Pause", "■ Stop"]
    assert [a.isEnabled() for a in menu.actions()] == [True, False, False]
    window.open_path(SAMPLE / "mlp_classifier.json", as_sample=True, ask=False)
    panel = window.training
    type_setting(panel, "epochs", "300")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window.canvas.widget, QtCore.Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: panel.plots.points() > 0, timeout=120_000)
    assert [a.isEnabled() for a in menu.actions()] == [False, True, True] and not panel.train_button.isEnabled()
    qtbot.keyClick(window.canvas.widget, QtCore.Qt.Key.Key_F5, QtCore.Qt.KeyboardModifier.ShiftModifier)
    wait_until_done(qtbot, panel, 60_000)
    assert "stopped" in panel.progress.format() and menu.actions()[0].isEnabled()


def test_closing_the_window_while_training_stops_the_run_first(window, qtbot) -> None:
    press_train(window, "mlp_classifier.json", "digits", epochs=300, batch_size=8)
    panel = window.training
    qtbot.waitUntil(lambda: panel.plots.points() > 0, timeout=120_000)
    thread = panel.controller._thread
    window.undo_stack.setClean()
    window.close()
    assert thread is not None and not thread.is_alive() and not window.isVisible()


def test_the_declared_data_sources_are_the_loaders() -> None:
    from netdesigner.backend.data import LOADERS
    from netdesigner.core.data_sources import DATA_SOURCES

    assert sorted(s.key for s in DATA_SOURCES) == sorted(LOADERS)


def test_scrolling_the_settings_changes_no_setting(window, qtbot) -> None:
    from PySide6 import QtGui

    panel = window.training
    before = dict(window.document.doc.training.data), window.document.doc.training.epochs
    for widget in (panel.data_form.source, panel.settings.widget("epochs")):
        centre = QtCore.QPointF(widget.rect().center())
        wheel = QtGui.QWheelEvent(
            centre,
            QtCore.QPointF(widget.mapToGlobal(centre.toPoint())),
            QtCore.QPoint(0, 0),
            QtCore.QPoint(0, -120),
            QtCore.Qt.MouseButton.NoButton,
            QtCore.Qt.KeyboardModifier.NoModifier,
            QtCore.Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QtWidgets.QApplication.sendEvent(widget, wheel)
    assert (dict(window.document.doc.training.data), window.document.doc.training.epochs) == before


def test_rmsprop_chosen_in_the_window_is_trained_exported_and_undone(window, qtbot) -> None:
    window.open_path(SAMPLE / "mlp_classifier.json", as_sample=True, ask=False)
    panel = window.training
    QtTest.QTest.keyClick(window, QtCore.Qt.Key.Key_2, QtCore.Qt.KeyboardModifier.ControlModifier)  # Train mode
    combo = panel.findChild(QtWidgets.QComboBox, "optimizer")
    combo.setFocus()
    QtTest.QTest.keyClicks(combo, "RMS")  # a closed combo box selects by typing
    training = window.document.doc.training
    assert combo.currentText() == "RMSprop" and training.optimizer == "RMSprop"
    rate = panel.findChild(QtWidgets.QLineEdit, "learning_rate")
    assert rate.text() == "0.001"  # RMSprop's own default
    rate.setFocus()
    rate.selectAll()
    QtTest.QTest.keyClicks(rate, "0.01")
    QtTest.QTest.keyClick(rate, QtCore.Qt.Key_Return)
    assert training.optimizer_params["learning_rate"] == 0.01
    summary = panel.findChild(QtWidgets.QLabel, "compile_summary").text()
    assert "RMSprop(learning_rate=0.01)" in summary and "SparseCategoricalCrossentropy" in summary
    type_setting(panel, "epochs", "1")
    panel.train_button.click()
    wait_until_done(qtbot, panel, 120_000)
    config = panel.controller.model.optimizer.get_config()
    assert type(panel.controller.model.optimizer).__name__ == "RMSprop" and config["learning_rate"] == pytest.approx(
        0.01
    )
    window.code_dock.show()
    window.code_dock.raise_()
    window.code_view.refresh()
    assert "keras.optimizers.RMSprop(learning_rate=0.01)" in window.code_view.editor.toPlainText()
    for _ in range(3):  # epochs, learning rate, optimizer
        window.undo_action.trigger()
    assert training.optimizer == "Adam" and combo.currentText() == "Adam"
    assert panel.findChild(QtWidgets.QLineEdit, "learning_rate").text() == "0.001"


def test_a_schedule_and_callback_options_are_undoable_steps_and_conflicts_are_refused(window) -> None:
    QtTest.QTest.keyClick(window, QtCore.Qt.Key.Key_2, QtCore.Qt.KeyboardModifier.ControlModifier)  # Train mode
    panel = window.training
    training = window.document.doc.training
    schedule = panel.findChild(QtWidgets.QComboBox, "lr_schedule")
    schedule.setFocus()
    QtTest.QTest.keyClicks(schedule, "Exp")
    assert training.lr_schedule == "ExponentialDecay"
    steps = panel.findChild(QtWidgets.QSpinBox, "decay_steps")
    steps.setFocus()
    steps.selectAll()
    QtTest.QTest.keyClicks(steps, "50")
    QtTest.QTest.keyClick(steps, QtCore.Qt.Key_Return)
    assert training.lr_schedule_params["decay_steps"] == 50
    assert "ExponentialDecay(initial_learning_rate=0.001, decay_steps=50" in panel.settings.compile_form.summary.text()
    panel.settings.widget("reduce_lr_on_plateau").click()  # a schedule already sets the rate
    assert not training.reduce_lr_on_plateau and "schedule sets" in panel.settings.error_label.text()
    assert not panel.settings.widget("reduce_lr_on_plateau").isChecked()
    panel.settings.callback_toggle.click()
    patience = panel.settings.callback_rows["early_stopping"].editors["patience"].widget
    assert patience.isVisible()
    patience.setFocus()
    patience.selectAll()
    QtTest.QTest.keyClicks(patience, "9")
    QtTest.QTest.keyClick(patience, QtCore.Qt.Key_Return)
    assert training.callback_options["early_stopping"]["patience"] == 9
    window.undo_action.trigger()
    assert training.callback_options["early_stopping"]["patience"] == 5 and patience.value() == 5
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert training.lr_schedule == "constant" and schedule.currentText() == "constant"


def test_the_code_dock_exports_in_the_chosen_style(window, qtbot, tmp_path: Path, monkeypatch) -> None:
    window.open_path(SAMPLE / "mlp_classifier.json", as_sample=True, ask=False)
    window.code_dock.show()
    window.code_dock.raise_()
    style = window.code_view.findChild(QtWidgets.QComboBox, "export_style")
    style.setFocus()
    QtTest.QTest.keyClicks(style, "seq")
    assert "keras.Sequential(" in window.code_view.editor.toPlainText()
    target = tmp_path / "model.ipynb"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.export_code()
    assert "keras.Sequential(" in target.read_text() and '"cell_type": "code"' in target.read_text()


def test_the_prediction_grid_can_show_the_mistakes_first(qtbot) -> None:
    import numpy as np

    from netdesigner.backend.training import Predictions
    from netdesigner.gui.predictions import GRID, PredictionsView

    true = np.arange(30) % 3
    predicted = true.copy()
    wrong = [17, 22, 29]
    predicted[wrong] = (true[wrong] + 1) % 3
    scores = np.eye(3)[predicted]
    view = PredictionsView(Predictions(np.zeros((30, 8, 8, 1)), true, scores, "SparseCategoricalCrossentropy"))
    qtbot.addWidget(view)
    view.show()
    box = view.mistakes_first
    assert box.isVisible() and box.text() == "Mistakes first (3)"

    def titles() -> list[tuple[str, str]]:
        return [(cell.get_title(), cell.title.get_color()) for cell in view.cells]

    assert len(titles()) == GRID and all(colour == "green" for _, colour in titles())  # the first 12 are right
    qtbot.mouseClick(box, QtCore.Qt.MouseButton.LeftButton, pos=QtCore.QPoint(5, box.height() // 2))
    assert box.isChecked()
    shown = titles()
    assert [t for t, _ in shown[:3]] == [f"{predicted[k]} ({true[k]})" for k in wrong]
    assert [c for _, c in shown[:3]] == ["red"] * 3 and all(c == "green" for _, c in shown[3:])
    assert len(view.figure.axes) == 1 + GRID  # the confusion matrix and one grid, not two
