"""Right-click on the canvas offers what applies to what is under the cursor, and each entry
does it as one undoable edit."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtTest, QtWidgets

from tests.conftest import SAMPLE_DIR
from tests.test_gui_editor import node_point


def right_click(window, point: QtCore.QPoint, choose: str | None = None) -> list[str]:
    """Right-click at ``point`` (viewport coordinates); the menu's entries, after choosing
    ``choose`` with the keyboard (or closing the menu with Escape)."""
    viewport = window.canvas.viewer().viewport()
    seen: list[str] = []

    def use_menu() -> None:
        menu = window.context_menu.menu
        entries = [a for a in menu.actions() if not a.isSeparator()]
        seen.extend(a.text().replace("&", "") for a in entries)
        wanted = next((a for a in entries if a.text().replace("&", "") == choose), None)
        if wanted is None or not wanted.isEnabled():
            QtTest.QTest.keyClick(menu, QtCore.Qt.Key.Key_Escape)
            return
        menu.setActiveAction(wanted)
        QtTest.QTest.keyClick(menu, QtCore.Qt.Key.Key_Return)

    QtCore.QTimer.singleShot(0, use_menu)
    event = QtGui.QContextMenuEvent(QtGui.QContextMenuEvent.Reason.Mouse, point, viewport.mapToGlobal(point))
    QtWidgets.QApplication.sendEvent(viewport, event)
    assert choose is None or choose in seen, f"no enabled {choose} in {seen}"
    return seen


def test_a_layer_offers_its_actions_and_delete_is_one_undo_step(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "cnn_classifier.json", as_sample=True, ask=False)
    conv, point = node_point(window, "conv1")
    entries = right_click(window, point)
    for expected in ("Properties", "Rename…", "Why This Shape…", "Cut", "Copy", "Duplicate", "Delete"):
        assert expected in entries
    assert "Disconnect" in entries and "Show in Summary" in entries
    assert "Keras Documentation of Conv2D" in entries
    assert window.canvas.selected_ids() == [conv]  # the right-clicked layer is the one acted on
    right_click(window, point, "Delete")
    assert conv not in window.document.graph
    window.undo_action.trigger()
    assert conv in window.document.graph


def test_disconnect_cuts_every_wire_of_the_layer_in_one_step(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "cnn_classifier.json", as_sample=True, ask=False)
    graph = window.document.graph
    pool, point = node_point(window, "pool1")
    before = len(graph.edges)
    right_click(window, point, "Disconnect")
    assert not [e for e in graph.edges if pool in (e.source, e.target)] and len(graph.edges) == before - 2
    window.undo_action.trigger()
    assert len(graph.edges) == before


def test_rename_from_the_menu_types_into_the_name_field(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "cnn_classifier.json", as_sample=True, ask=False)
    conv, point = node_point(window, "conv1")
    right_click(window, point, "Rename…")
    field = window.properties.name_edit
    qtbot.waitUntil(lambda: window.focusWidget() is field)
    assert field.selectedText() == "conv1"
    QtTest.QTest.keyClicks(field, "edges")
    QtTest.QTest.keyClick(field, QtCore.Qt.Key.Key_Return)
    assert window.document.graph.nodes[conv].name == "edges"


def test_show_in_summary_selects_its_row(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "cnn_classifier.json", as_sample=True, ask=False)
    _, point = node_point(window, "pool1")
    right_click(window, point, "Show in Summary")
    table = window.summary.table
    assert window.summary.currentIndex() == 1
    assert [table.item(i.row(), 0).text() for i in table.selectionModel().selectedRows()] == ["pool1"]


def test_add_layer_here_puts_it_where_the_click_was(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "mlp_classifier.json", as_sample=True, ask=False)
    qtbot.wait(20)  # the docks take their sizes first
    viewer = window.canvas.viewer()
    point = QtCore.QPoint(viewer.viewport().width() - 30, viewer.viewport().height() - 30)
    assert "Auto Layout" in right_click(window, point)
    before = set(window.document.graph.nodes)
    right_click(window, point, "Add Layer Here…")
    QtTest.QTest.keyClicks(window.quick_add, "Dropout")
    QtTest.QTest.keyClick(window.quick_add, QtCore.Qt.Key.Key_Return)
    added = [n for n in window.document.graph.nodes.values() if n.id not in before]
    assert len(added) == 1 and added[0].type == "Dropout"
    where = viewer.mapToScene(point)
    assert abs(added[0].position[0] - where.x()) < 1 and abs(added[0].position[1] - where.y()) < 1


def test_a_wire_can_be_deleted_from_its_menu(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "mlp_classifier.json", as_sample=True, ask=False)
    qtbot.wait(20)  # the docks take their sizes first
    canvas = window.canvas
    pipe = next(iter(canvas.viewer().all_pipes()))
    edge = canvas._edge_of(pipe.input_port, pipe.output_port)
    canvas.center_on([canvas.view_of[edge.target]])
    path = pipe.path()
    middle = canvas.viewer().mapFromScene(pipe.mapToScene(path.pointAtPercent(0.5)))
    entries = right_click(window, middle)
    assert entries == ["Delete Wire"]
    right_click(window, middle, "Delete Wire")
    assert edge not in window.document.graph.edges
