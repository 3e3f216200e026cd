"""The editor driven like a user: palette, wires, fields, undo, files, samples."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest
from PySide6 import QtCore, QtTest, QtWidgets

from netdesigner.gui import theme
from netdesigner.gui.canvas import LAYER_MIME
from tests.conftest import SAMPLE_DIR, SAMPLES


def palette_item(window, layer_type: str):
    return window.layer_palette.items[layer_type]


def add_from_palette(window, qtbot, layer_type: str) -> str:
    """Double-click the palette entry, as a user would; returns the new node's id."""
    before = set(window.document.graph.nodes)
    item = palette_item(window, layer_type)
    window.layer_palette.tree.itemDoubleClicked.emit(item, 0)
    window.document.flush()
    (new,) = set(window.document.graph.nodes) - before
    return new


def drag_wire(window, source_id: str, target_id: str, port: int = 0, source_port: int = 0) -> None:
    """Drag a wire with the mouse from source's output port to target's input port."""
    canvas = window.canvas
    viewer = canvas.viewer()
    ports = [canvas.view_of[source_id].output_ports()[source_port], canvas.view_of[target_id].input_ports()[port]]
    canvas.select_ids([source_id, target_id])  # bring both into view
    QtWidgets.QApplication.processEvents()
    start, end = (viewer.mapFromScene(p.view.mapToScene(p.view.boundingRect().center())) for p in ports)
    viewport = viewer.viewport()
    QtTest.QTest.mousePress(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start)
    for step in range(1, 9):
        QtTest.QTest.mouseMove(viewport, start + (end - start) * (step / 8))
    QtTest.QTest.mouseRelease(viewport, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, end)
    canvas.clear_selection()
    window.document.flush()


def node_point(window, name: str) -> tuple[str, QtCore.QPoint]:
    """The node called ``name``, centred in the view, and its centre in viewport coordinates."""
    node = next(n for n in window.document.graph.nodes.values() if n.name == name)
    item = window.canvas.view_of[node.id]
    window.canvas.center_on([item])
    return node.id, window.canvas.viewer().mapFromScene(item.view.mapToScene(item.view.boundingRect().center()))


def click_node(window, name: str) -> str:
    node_id, point = node_point(window, name)
    QtTest.QTest.mouseClick(window.canvas.viewer().viewport(), QtCore.Qt.MouseButton.LeftButton, pos=point)
    return node_id


def node_text(window, node_id: str) -> str:
    return window.canvas.view_of[node_id].view._info.toPlainText()


def test_build_a_small_cnn_and_see_shapes_change(window, qtbot) -> None:
    inp = add_from_palette(window, qtbot, "Input")
    conv = add_from_palette(window, qtbot, "Conv2D")
    window.canvas.select_ids([inp])
    window.properties.show_node(inp)
    shape_field = window.properties.editors["shape"].widget
    shape_field.setText("28, 28, 1")
    shape_field.setModified(True)
    shape_field.editingFinished.emit()
    drag_wire(window, inp, conv)
    assert "(None, 26, 26, 32)" in node_text(window, conv)
    window.properties.show_node(conv)
    padding = window.properties.editors["padding"].widget
    padding.setCurrentIndex(padding.findText("same"))
    padding.activated.emit(padding.currentIndex())
    window.document.flush()
    assert "(None, 28, 28, 32)" in node_text(window, conv)
    assert "320 params" in node_text(window, conv)


def test_invalid_value_is_refused_with_a_message(window, qtbot) -> None:
    conv = add_from_palette(window, qtbot, "Conv2D")
    window.properties.show_node(conv)
    kernel = window.properties.editors["kernel_size"].widget
    kernel.setText("3, 3, 3")
    kernel.setModified(True)
    kernel.editingFinished.emit()
    editor = window.properties.editors["kernel_size"]
    assert "needs 2 numbers" in editor.reason.text() and editor.reason.isVisible()
    assert kernel.text() == "3, 3, 3" and kernel.property("refused")  # the typing stays, marked
    assert window.document.graph.nodes[conv].params["kernel_size"] == (3, 3)
    QtTest.QTest.keyClick(kernel, QtCore.Qt.Key.Key_Escape)  # reverted
    assert kernel.text() == "3, 3" and not kernel.property("refused") and not editor.reason.isVisible()


def test_cycle_is_refused_and_not_drawn(window, qtbot) -> None:
    a = add_from_palette(window, qtbot, "Dense")
    b = add_from_palette(window, qtbot, "Dense")
    c = add_from_palette(window, qtbot, "Dense")
    drag_wire(window, a, b)
    drag_wire(window, b, c)
    undo_depth = window.undo_stack.count()
    graph = window.document.graph
    window.document.delete([])  # no-op
    drag_wire(window, c, a)
    assert "would create a loop dense_1 -> dense_2 -> dense_3 -> dense_1" in window.statusBar().currentMessage()
    assert not window.canvas.view_of[a].get_input("in").connected_ports()
    assert len(graph.edges) == 2 and window.undo_stack.count() == undo_depth


def test_error_turns_the_node_red_with_a_hint(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "cnn_classifier.json", as_sample=True, ask=False)
    graph = window.document.graph
    pool = graph.by_name("pool2")
    window.document.set_param(pool.id, "pool_size", [80, 80])
    window.document.flush()
    item = window.canvas.view_of[pool.id].view
    assert item._error and item.color[:3] == theme.ERROR_COLOR
    assert "would shrink" in item.toolTip() and "Hint" in item.toolTip()
    flatten = graph.by_name("flatten")
    assert "waiting for pool2" in node_text(window, flatten.id)
    window.summary.refresh()
    assert window.summary.problems.count() >= 1
    first = window.summary.problems.item(0)
    window.summary.problems.itemClicked.emit(first)
    assert window.canvas.selected_ids() == [pool.id]


def test_undo_redo_every_kind_of_edit(window, qtbot) -> None:
    a = add_from_palette(window, qtbot, "Input")
    b = add_from_palette(window, qtbot, "Dense")
    drag_wire(window, a, b)
    window.document.set_param(b, "units", 7)
    window.document.rename(b, "scores")
    window.document.flush()
    graph = window.document.graph
    assert graph.nodes[b].name == "scores" and len(graph.edges) == 1
    for _ in range(5):
        window.undo_action.trigger()
    window.document.flush()
    assert len(graph) == 0 and not window.canvas.view_of
    for _ in range(5):
        window.redo_action.trigger()
    window.document.flush()
    assert graph.nodes[b].name == "scores" and graph.nodes[b].params["units"] == 7 and len(graph.edges) == 1
    assert window.canvas.view_of[b].name() == "scores"
    assert window.canvas.view_of[b].get_input("in").connected_ports()
    # only the user's edits are undo steps: no selection or view bookkeeping in between
    assert [window.undo_stack.text(i) for i in range(window.undo_stack.count())] == [
        "add input_1",
        "add dense_1",
        "connect",
        "set dense_1.units",
        "rename dense_1 to scores",
    ]


def test_copy_paste_delete(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "two_branch.json", as_sample=True, ask=False)
    graph = window.document.graph
    ids = [graph.by_name("context").id, graph.by_name("context_dense").id]
    window.canvas.select_ids(ids, centre=False)
    window.copy()
    window.paste()
    window.document.flush()
    assert graph.by_name("context_1") is not None and graph.by_name("context_dense_1") is not None
    pasted = graph.by_name("context_dense_1")
    assert [graph.nodes[e.source].name for e in graph.input_edges(pasted.id).values()] == ["context_1"]
    window.canvas.select_ids([pasted.id], centre=False)
    window.delete_selected()
    assert graph.by_name("context_dense_1") is None
    QtWidgets.QApplication.clipboard().setText("rm -rf /")
    count = len(graph)
    window.paste()
    assert len(graph) == count and "Nothing to paste" in window.statusBar().currentMessage()


def test_save_reopen_and_title(window, qtbot, tmp_path: Path, monkeypatch) -> None:
    add_from_palette(window, qtbot, "Input")
    assert window.isWindowModified()
    target = tmp_path / "mine.json"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert window.save_as()
    assert not window.isWindowModified() and window.windowTitle().startswith("mine.json")
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a, **k: QtWidgets.QMessageBox.Discard)
    window.new_file()
    assert len(window.document.graph) == 0
    assert window.open_path(target)
    assert [n.type for n in window.document.graph.nodes.values()] == ["Input"]
    assert str(target) in [a.text() for a in window.recent_menu.actions()]


def test_bad_file_is_explained_and_work_kept(window, qtbot, tmp_path: Path, monkeypatch) -> None:
    add_from_palette(window, qtbot, "Dense")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "netdesigner-graph", "version": 7}')
    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    assert not window.open_path(bad, ask=False)
    assert "newer netdesigner" in shown[0]
    assert len(window.document.graph) == 1


def test_unsaved_changes_prompt_can_cancel(window, qtbot, monkeypatch) -> None:
    add_from_palette(window, qtbot, "Dense")
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a, **k: QtWidgets.QMessageBox.Cancel)
    window.new_file()
    assert len(window.document.graph) == 1


def test_autosave_and_recovery(window, qtbot, monkeypatch) -> None:
    from netdesigner.gui.main_window import recovery_path

    add_from_palette(window, qtbot, "Dense")
    window.autosave()
    assert recovery_path().is_file()
    window.undo_stack.setClean()
    window.new_file()
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a, **k: QtWidgets.QMessageBox.Yes)
    window.offer_recovery()
    assert [n.type for n in window.document.graph.nodes.values()] == ["Dense"]
    assert not recovery_path().exists() and window.isWindowModified()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_opens_valid(window, qtbot, path: Path) -> None:
    action = next(a for a in window.samples_menu.actions() if a.text() == path.stem.replace("_", " "))
    action.trigger()
    assert len(window.canvas.view_of) == len(window.document.graph) > 0
    assert window.status_label.text().startswith("✓ valid")
    assert all(not v.view._error for v in window.canvas.view_of.values())


def test_drop_from_palette_creates_node_at_drop_point(window, qtbot) -> None:
    mime = window.layer_palette.tree.mimeData([palette_item(window, "MaxPooling2D")])
    assert bytes(mime.data(LAYER_MIME)).decode() == "MaxPooling2D"
    window.canvas._on_node_data_dropped(mime, QtCore.QPoint(120, -40))
    (node,) = window.document.graph.nodes.values()
    assert node.type == "MaxPooling2D" and node.position == (120.0, -40.0)


def test_palette_search_filters(window) -> None:
    window.layer_palette.search.setText("pool 2d")
    visible = [t for t, item in window.layer_palette.items.items() if not item.isHidden()]
    assert "MaxPooling2D" in visible and "Dense" not in visible


def test_code_view_shows_the_script(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "mlp_classifier.json", as_sample=True, ask=False)
    window.code_dock.raise_()
    window.code_view.refresh()
    text = window.code_view.editor.toPlainText()
    assert "def build_model():" in text and 'name="hidden1"' in text


def test_void_qt_calls_do_not_leak_none() -> None:
    """PySide6 6.12.0 dropped a reference to None on each void call and aborted after ~5,000."""
    from netdesigner.gui.app import make_application

    make_application([])
    label = QtWidgets.QLabel()
    before = sys.getrefcount(None)
    for i in range(10_000):
        label.setText(str(i % 7))
    assert sys.getrefcount(None) >= before - 100


def test_tab_search_adds_the_chosen_layer(window, qtbot) -> None:
    viewer = window.canvas.viewer()
    viewer.setFocus()
    QtTest.QTest.keyClick(viewer, QtCore.Qt.Key_Tab)
    popup = window.quick_add
    assert popup.isVisible()
    QtTest.QTest.keyClicks(popup, "conv2d")
    QtTest.QTest.keyClick(popup, QtCore.Qt.Key_Return)
    (node,) = window.document.graph.nodes.values()
    assert node.type == "Conv2D" and not popup.isVisible()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_opens_with_text_a_student_can_read(window, qtbot, sample: Path) -> None:
    from netdesigner.gui.canvas import MIN_TEXT_PX

    window.resize(1366, 768)
    window.open_path(sample, as_sample=True, ask=False)
    viewer = window.canvas.viewer()
    views = [v.view for v in window.canvas.view_of.values()]

    def smallest_on_screen() -> float:
        return min(v.smallest_text_px() for v in views) * viewer.transform().m11()

    qtbot.wait(50)  # the docks take their sizes, then the graph is framed
    assert smallest_on_screen() >= MIN_TEXT_PX - 0.01
    visible = viewer.mapToScene(viewer.viewport().rect()).boundingRect()
    first = window.canvas.view_of[window.document.graph.topological_order()[0]].view
    assert visible.contains(first.sceneBoundingRect())  # it opens at the inputs' end
    window.canvas.fit_to_selection()  # F still shows everything, however small
    assert viewer.transform().m11() <= max(1.0, smallest_on_screen())


def test_an_illegal_name_is_refused_with_the_reason(window, qtbot) -> None:
    node_id = add_from_palette(window, qtbot, "Dense")
    window.properties.show_node(node_id)
    field = window.properties.name_edit
    field.selectAll()
    QtTest.QTest.keyClicks(field, "my dense")
    QtTest.QTest.keyClick(field, QtCore.Qt.Key_Return)
    assert window.document.graph.nodes[node_id].name == "dense_1" and field.text() == "dense_1"
    shown = window.properties.error_label.text()
    assert "starts with a letter" in shown and "for example 'my_dense'" in shown


def test_pasted_illegal_names_are_made_legal_and_reported(window, qtbot) -> None:
    text = json.dumps(
        {
            "format": "netdesigner-graph",
            "version": 1,
            "nodes": [{"id": "n1", "type": "Dense", "name": "scores (final)", "params": {"units": 2}}],
        }
    )
    QtWidgets.QApplication.clipboard().setText(text)
    viewer = window.canvas.viewer()
    viewer.setFocus()
    QtTest.QTest.keyClick(viewer, QtCore.Qt.Key_V, QtCore.Qt.ControlModifier)
    window.document.flush()
    assert window.document.graph.by_name("scores_final") is not None
    assert "'scores (final)' renamed 'scores_final'" in window.statusBar().currentMessage()


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_is_shown_and_the_window_lives(window, qtbot, monkeypatch, tmp_path: Path) -> None:
    from netdesigner.gui.app import ErrorReporter

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # both restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    ErrorReporter(window).install()

    def broken() -> None:
        raise RuntimeError("a bug in a slot")

    QtCore.QTimer.singleShot(0, broken)
    qtbot.waitUntil(lambda: "RuntimeError: a bug in a slot" in window.statusBar().currentMessage())
    box = window.findChild(QtWidgets.QMessageBox)
    assert box is not None and box.isVisible() and "full report is in" in box.text()
    assert list((tmp_path / "netdesigner" / "logs").glob("error-*.log"))
    box.close()
    assert window.isVisible()


@pytest.mark.parametrize("focus", ["viewer", "viewport", "palette"])
def test_undo_and_redo_keys_work_wherever_the_focus_is(window, qtbot, focus: str) -> None:
    node_id = add_from_palette(window, qtbot, "Dense")
    target = {
        "viewer": window.canvas.viewer(),
        "viewport": window.canvas.viewer().viewport(),
        "palette": window.layer_palette.tree,
    }[focus]
    target.setFocus()
    QtTest.QTest.keyClick(target, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier)
    assert node_id not in window.document.graph
    QtTest.QTest.keyClick(target, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier | QtCore.Qt.ShiftModifier)
    assert node_id in window.document.graph
    QtTest.QTest.keyClick(target, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier)
    QtTest.QTest.keyClick(target, QtCore.Qt.Key_Y, QtCore.Qt.ControlModifier)
    assert node_id in window.document.graph


def test_a_file_saved_before_the_naming_rule_opens_with_legal_names(window, qtbot, tmp_path, monkeypatch) -> None:
    text = (SAMPLE_DIR / "mlp_classifier.json").read_text().replace('"hidden1"', '"hidden 1"')
    (tmp_path / "old.json").write_text(text)
    shown: list[str] = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "information", lambda *args: shown.append(args[2]))
    assert window.open_path(tmp_path / "old.json", ask=False)
    assert window.document.graph.by_name("hidden_1") is not None and window.isWindowModified()
    assert "'hidden 1' renamed 'hidden_1'" in shown[0]
