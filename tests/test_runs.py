"""Runs kept beside the graph and compared: what changed between two runs in words, the run
folder as plain JSON/CSV, ``netdesigner train`` recording and ``netdesigner runs`` listing and
drawing, and the training dock's Runs table (tick to overlay, rename, restore, delete)."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest
from PySide6 import QtCore, QtTest, QtWidgets

from netdesigner.core.fileformat import load, to_dict
from netdesigner.core.run_changes import describe_changes, fingerprint
from tests.conftest import SAMPLE_DIR

MLP = SAMPLE_DIR / "mlp_classifier.json"


def graph_file(**training: object) -> dict:
    data = to_dict(load(MLP))
    data["training"].update(training)
    return data


def test_the_change_summary_names_each_setting_and_layer_that_changed() -> None:
    old = graph_file()
    assert describe_changes(None, old) == "first run"
    assert describe_changes(old, graph_file()) == "no change"
    sgd = graph_file(optimizer={"name": "SGD", "learning_rate": 0.01, "momentum": 0.0})
    assert describe_changes(old, sgd) == "optimizer Adam -> SGD, lr 0.001 -> 0.01"
    assert (
        describe_changes(old, graph_file(epochs=33, shuffle=False))
        == f"epochs {old['training']['epochs']} -> 33, shuffle on -> off"
    )
    wider = graph_file()
    dense = next(n for n in wider["nodes"] if n["type"] == "Dense")
    dense["params"]["units"] = 7
    wider["nodes"].append({"id": "extra", "type": "Dropout", "name": "drop_more", "params": {}, "position": [0, 0]})
    wider["edges"] = wider["edges"][1:]
    summary = describe_changes(old, wider)
    assert (
        f"{dense['name']} units {next(n for n in old['nodes'] if n['id'] == dense['id'])['params']['units']} -> 7"
        in summary
    )
    assert "+ drop_more (Dropout)" in summary and "wiring changed" in summary
    removed = graph_file()
    removed["nodes"] = [n for n in removed["nodes"] if n["id"] != dense["id"]]
    assert f"- {dense['name']} (Dense)" in describe_changes(old, removed)
    many = graph_file(
        epochs=1, batch_size=2, shuffle=False, seed=3, validation_split=0.5, early_stopping=True, checkpoint=True
    )
    assert describe_changes(old, many).endswith(", +1 more")


def test_the_fingerprint_is_the_architecture_not_the_layout() -> None:
    doc = load(MLP)
    before = fingerprint(doc.graph)
    node = next(iter(doc.graph.nodes.values()))
    doc.graph.move(node.id, (999.0, -5.0))
    assert fingerprint(doc.graph) == before
    dense = next(n for n in doc.graph.nodes.values() if n.type == "Dense")
    doc.graph.set_param(dense.id, "units", 3)
    assert fingerprint(doc.graph) != before


def two_cli_runs(tmp_path: Path) -> Path:
    from netdesigner.cli import main

    graph = tmp_path / "mlp.json"
    graph.write_text(MLP.read_text())
    assert main(["train", str(graph), "--data", "digits", "--epochs", "2"]) == 0
    data = json.loads(graph.read_text())
    data["training"]["optimizer"] = {"name": "SGD", "learning_rate": 0.01}
    graph.write_text(json.dumps(data))
    assert main(["train", str(graph), "--data", "digits", "--epochs", "2"]) == 0
    return graph


def test_train_records_runs_that_runs_lists_and_compares(tmp_path: Path, capsys) -> None:
    pytest.importorskip("keras")
    from netdesigner.cli import main

    graph = two_cli_runs(tmp_path)
    folder = tmp_path / "mlp.runs"
    assert sorted(p.name for p in folder.iterdir()) == ["001", "002"]
    run = json.loads((folder / "002" / "run.json").read_text())  # plain JSON, readable without the app
    assert run["format"] == "netdesigner-run" and run["settings"]["optimizer"]["name"] == "SGD"
    assert run["changes"] == "optimizer Adam -> SGD, lr 0.001 -> 0.01"
    assert run["heads"] == {
        "digit_head": {"loss": "SparseCategoricalCrossentropy", "loss_weight": 1.0, "metrics": ["accuracy"]}
    }
    assert run["fit"]["epochs_done"] == 2 and run["seed"] == 0 and run["device"] and run["seconds"] > 0
    with (folder / "002" / "history.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["epoch"]) for r in rows] == [1, 2]
    assert float(rows[-1]["loss"]) == pytest.approx(run["final"]["loss"])
    assert load(folder / "002" / "graph.json").training.optimizer == "SGD"  # the graph as trained
    assert (folder / "002" / "model.keras").exists()  # the CLI keeps the model in the run's folder
    capsys.readouterr()
    assert main(["runs", str(graph)]) == 0
    listing = capsys.readouterr().out
    assert "run 1" in listing and "first run" in listing and "optimizer Adam -> SGD, lr 0.001 -> 0.01" in listing
    png = tmp_path / "compare.png"
    assert main(["runs", str(graph), "--compare", "1", "run 2", "--png", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["runs", str(graph), "--compare", "1", "7"]) == 2
    assert "there is no run '7'" in capsys.readouterr().err
    (folder / "001" / "run.json").write_text("{not json")
    assert main(["runs", str(graph)]) == 0
    out = capsys.readouterr()
    assert "skipped" in out.err and "001" in out.err and "run 2" in out.out


def test_runs_of_a_graph_without_any_say_so(tmp_path: Path, capsys) -> None:
    from netdesigner.cli import main

    graph = tmp_path / "none.json"
    graph.write_text(MLP.read_text())
    assert main(["runs", str(graph)]) == 0
    assert "no runs" in capsys.readouterr().out


# --- the training dock ----------------------------------------------------------------------


def press(widget: QtWidgets.QWidget, key: QtCore.Qt.Key) -> None:
    QtTest.QTest.keyClick(widget, key)


def train_once(window, qtbot) -> None:
    panel = window.training
    panel.train_button.click()
    qtbot.waitUntil(lambda: not panel.running and panel.train_button.isEnabled(), timeout=120_000)
    assert panel.progress.format().startswith("finished"), panel.status.text()


def test_two_runs_with_different_optimizers_are_listed_overlaid_and_restored(
    window, qtbot, tmp_path: Path, monkeypatch
) -> None:
    pytest.importorskip("keras")
    from tests.test_gui_training import choose_source, type_setting

    graph = tmp_path / "mlp.json"
    graph.write_text(MLP.read_text())
    window.open_path(graph, ask=False)
    panel = window.training
    QtTest.QTest.keyClick(window, QtCore.Qt.Key.Key_2, QtCore.Qt.KeyboardModifier.ControlModifier)  # Train mode
    choose_source(panel, "digits")
    type_setting(panel, "epochs", "2")
    train_once(window, qtbot)
    combo = panel.findChild(QtWidgets.QComboBox, "optimizer")
    combo.setFocus()
    QtTest.QTest.keyClicks(combo, "SGD")
    assert window.document.doc.training.optimizer == "SGD"
    train_once(window, qtbot)

    def open_tab(index: int) -> None:
        bar = panel.tabs.tabBar()
        QtTest.QTest.mouseClick(bar, QtCore.Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())

    open_tab(1)  # Runs
    runs = panel.keeper.view
    table = runs.table
    assert table.rowCount() == 2
    assert [table.item(r, 3).text() for r in range(2)] == ["first run", "optimizer Adam -> SGD, lr 0.001 -> 0.01"]
    first, second = runs.records
    assert first.settings["optimizer"]["name"] == "Adam" and second.settings["optimizer"]["name"] == "SGD"

    def overlaid() -> dict[tuple[str, str], list[float]]:
        open_tab(2)  # Compare
        qtbot.waitUntil(runs.plot.drawn, timeout=10_000)
        assert runs.plot.figure is not None
        lines = {key: list(line.get_ydata()) for key, line in runs.plot.figure.lines.items()}
        open_tab(1)
        return lines

    lines = overlaid()  # the new run is ticked beside the one before it
    assert panel.tabs.tabText(2) == "Compare (2)"
    for run in (first, second):
        assert lines[(f"{run.id} {run.name}", "loss")] == pytest.approx(run.history["loss"])
        assert lines[(f"{run.id} {run.name}", "val_accuracy")] == pytest.approx(run.history["val_accuracy"])
    table.setFocus()
    table.setCurrentCell(0, 0)
    press(table.viewport(), QtCore.Qt.Key.Key_Space)  # untick the first run
    assert [r.id for r in runs.ticked()] == ["002"]
    assert {label for label, _ in overlaid()} == {"002 run 2"}

    table.setCurrentCell(0, 2)  # rename the first run, as typed into its name cell
    press(table, QtCore.Qt.Key.Key_F2)
    editor = table.findChild(QtWidgets.QLineEdit)
    editor.selectAll()
    QtTest.QTest.keyClicks(editor, "adam baseline")
    press(editor, QtCore.Qt.Key.Key_Return)  # Qt commits the edit from its event loop
    qtbot.waitUntil(lambda: runs.records[0].name == "adam baseline", timeout=5_000)
    assert json.loads((tmp_path / "mlp.runs" / "001" / "run.json").read_text())["name"] == "adam baseline"
    assert table.item(0, 2).text() == "adam baseline"

    from tests.test_gui_editor import node_text

    table.selectRow(0)
    runs.buttons["restore"].click()
    assert window.document.doc.training.optimizer == "Adam" and combo.currentText() == "Adam"
    hidden1 = window.document.graph.by_name("hidden1")
    qtbot.waitUntil(lambda: "units: 64" in node_text(window, hidden1.id), timeout=5_000)  # the boxes are filled in
    window.undo_action.trigger()
    assert window.document.doc.training.optimizer == "SGD"
    qtbot.waitUntil(lambda: "(None, 64)" in node_text(window, hidden1.id), timeout=5_000)

    record = json.loads((tmp_path / "mlp.runs" / "002" / "run.json").read_text())
    with (tmp_path / "mlp.runs" / "002" / "history.csv").open() as handle:
        history = list(csv.DictReader(handle))
    assert record["settings"]["optimizer"]["name"] == "SGD" and len(history) == 2
    assert float(history[1]["loss"]) == pytest.approx(second.history["loss"][1])

    table.selectRow(1)
    window.undo_stack.setClean()
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a, **k: QtWidgets.QMessageBox.StandardButton.Yes)
    runs.buttons["delete"].click()
    assert table.rowCount() == 1 and not (tmp_path / "mlp.runs" / "002").exists()


def test_restoring_a_run_replaces_graph_and_settings_in_one_undoable_step(qtbot) -> None:
    """Ties (a shared encoder) and every wire come back on undo; the restored graph is the run's."""
    from PySide6.QtGui import QUndoStack

    from netdesigner.core.fileformat import dumps
    from netdesigner.gui.document import EditorDocument

    siamese = load(SAMPLE_DIR / "siamese.json")
    before = dumps(siamese)
    document = EditorDocument(QUndoStack())
    document.set_document(siamese, None)
    run = load(MLP)
    run.training = dataclasses.replace(run.training, optimizer="SGD", optimizer_params={}, epochs=3)
    document.restore(run, "restore run 1")
    assert document.undo_stack.count() == 1 and document.undo_stack.undoText() == "restore run 1"
    assert to_dict(document.doc)["nodes"] == to_dict(run)["nodes"] and document.doc.training == run.training
    document.flush()
    assert not [i for i in document.issues if i.severity == "error"]
    document.undo_stack.undo()
    assert dumps(document.doc) == before
    document.undo_stack.redo()
    assert document.doc.training.optimizer == "SGD" and document.graph.by_name("hidden1") is not None


def keep_a_run(store, doc) -> None:
    from netdesigner.backend.run_store import Outcome, RunOutcome

    store.record(
        store.reserve(), doc, {"loss": [1.0, 0.5]}, RunOutcome(Outcome.FINISHED, 0, 2, 32, "digits", 1.0, "CPU")
    )


def test_saving_under_another_name_takes_the_runs_along(window, tmp_path: Path) -> None:
    """An unsaved graph's runs move beside the file; a saved graph's are copied (the first file
    keeps its own)."""
    from netdesigner.backend.run_store import store_for

    keeper = window.training.keeper
    keep_a_run(keeper.store, window.document.doc)  # the starter graph, not saved yet
    unsaved = keeper.store.folder
    first = tmp_path / "first.json"
    assert window._write(first)
    assert not unsaved.exists() and [r.id for r in store_for(first).runs()] == ["001"]
    assert keeper.view.table.rowCount() == 1
    second = tmp_path / "second.json"
    assert window._write(second)
    assert [r.id for r in store_for(first).runs()] == [r.id for r in store_for(second).runs()] == ["001"]
    assert keeper.store.folder == store_for(second).folder


def test_a_hand_edited_run_record_is_skipped_with_its_reason(tmp_path: Path) -> None:
    from netdesigner.backend.run_store import RunStore

    store = RunStore(tmp_path / "g.runs")
    doc = load(MLP)
    for _ in range(3):
        keep_a_run(store, doc)
    for number, field, value in (("001", "final", None), ("002", "seconds", "1.2")):
        path = store.folder / number / "run.json"
        data = json.loads(path.read_text())
        data[field] = value
        path.write_text(json.dumps(data))
    assert [r.id for r in store.runs()] == ["003"]
    assert "final is missing or not an object" in store.problems[0] and "seconds" in store.problems[1]
    (store.folder / "003" / "run.json").write_text(
        json.dumps({**json.loads((store.folder / "003" / "run.json").read_text()), "id": "002"})
    )
    assert store.runs()[0].id == "003"  # a run's number is its folder's: deleting it deletes that folder
