"""Messages where the eye is: a refused wire is explained next to the drop and kept in the log,
a refused value stays in its field with the reason, and Properties follows the selection."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtTest, QtWidgets

from tests.conftest import SAMPLE_DIR
from tests.test_gui_editor import add_from_palette, click_node, drag_wire


def test_a_refused_loop_is_explained_next_to_the_drop_and_kept_in_the_log(window, qtbot) -> None:
    a, b = add_from_palette(window, qtbot, "Dense"), add_from_palette(window, qtbot, "Dense")
    drag_wire(window, a, b)
    drag_wire(window, b, a)  # would close a loop
    callout = window.canvas.callout
    assert callout.isVisible() and "would create a loop" in callout.text()
    assert callout.text().endswith(window.statusBar().currentMessage().split(": ", 1)[1][-30:])  # the whole text
    viewer = window.canvas.viewer()
    port = window.canvas.view_of[a].get_input("in").view
    drop = viewer.mapFromScene(port.mapToScene(port.boundingRect().center()))
    assert callout.geometry().adjusted(-40, -40, 40, 40).contains(drop)  # next to where the wire was dropped
    log = window.summary.log
    assert "would create a loop" in log.item(log.count() - 1).text()
    QtTest.QTest.mouseClick(viewer.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=QtCore.QPoint(5, 5))
    assert not callout.isVisible()  # a click on the canvas dismisses it; the log keeps it


def test_units_zero_stays_in_the_field_red_with_its_reason(window, qtbot) -> None:
    dense = add_from_palette(window, qtbot, "Dense")
    units = window.properties.editors["units"]
    field = units.widget
    field.setFocus()
    field.selectAll()
    QtTest.QTest.keyClicks(field, "0")
    QtTest.QTest.keyClick(field, QtCore.Qt.Key.Key_Return)
    assert field.text() == "0" and field.property("refused")  # not snapped back to the old value
    assert units.reason.isVisible() and "units" in units.reason.text()
    old = window.document.graph.nodes[dense].params["units"]
    assert old != 0
    field.selectAll()
    QtTest.QTest.keyClicks(field, str(old))  # typing the value back is a correction too
    QtTest.QTest.keyClick(field, QtCore.Qt.Key.Key_Return)
    assert not field.property("refused") and not units.reason.isVisible()
    QtTest.QTest.keyClicks(field, "0")
    QtTest.QTest.keyClick(field, QtCore.Qt.Key.Key_Return)
    assert field.property("refused")
    field.selectAll()
    QtTest.QTest.keyClicks(field, "12")
    QtTest.QTest.keyClick(field, QtCore.Qt.Key.Key_Return)
    assert window.document.graph.nodes[dense].params["units"] == 12 and not units.reason.isVisible()


def test_properties_follow_the_selection_from_the_palette_and_from_the_code_tab(window, qtbot) -> None:
    dense = add_from_palette(window, qtbot, "Dense")
    assert window.properties.node_id == dense and "units" in window.properties.editors  # shown at once
    window.open_path(SAMPLE_DIR / "mlp_classifier.json", as_sample=True, ask=False)
    window.code_dock.raise_()
    qtbot.waitUntil(lambda: window.properties_dock.visibleRegion().isEmpty())
    hidden = click_node(window, "hidden1")
    assert window.properties.node_id == hidden
    assert not window.properties_dock.visibleRegion().isEmpty()  # Properties came to the front


def test_no_hint_text_is_drawn_on_the_canvas_while_ctrl_is_down(window, qtbot) -> None:
    viewer = window.canvas.viewer()
    before = viewer.grab().toImage()
    QtTest.QTest.keyPress(viewer, QtCore.Qt.Key.Key_Control, QtCore.Qt.KeyboardModifier.ControlModifier)
    after = viewer.grab().toImage()
    QtTest.QTest.keyRelease(viewer, QtCore.Qt.Key.Key_Control)
    assert isinstance(after, QtGui.QImage) and after == before


def test_one_missing_wire_is_one_problem_in_the_list(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "mlp_classifier.json", as_sample=True, ask=False)
    graph = window.document.graph
    hidden = next(n for n in graph.nodes.values() if n.name == "hidden1")
    window.document.rewire([e for e in graph.edges if e.target == hidden.id], [])  # cut the wire into hidden1
    window.document.flush()
    window.summary.refresh()
    problems = window.summary.problems
    texts = [problems.item(i).text() for i in range(problems.count())]
    assert len(texts) == 1 and "drag a wire from the output of pixels to the input of hidden1" in texts[0]
    assert window.summary.tabText(0) == "Problems (1)"


def test_help_lists_the_shortcuts_the_layers_and_links_each_layer_to_keras(window, qtbot) -> None:
    help_menu = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu()
    actions = {a.text(): a for a in help_menu.actions()}
    QtTest.QTest.keyClick(window, QtCore.Qt.Key.Key_F1)  # Keyboard Shortcuts
    text = window.help_dialog.findChild(QtWidgets.QTextBrowser).toPlainText()
    assert "Undo" in text and "Ctrl+Z" in text and "Train" in text and "F5" in text and "Ctrl+2" in text
    window.help_dialog.close()
    actions["&Layer Reference"].trigger()
    browser = window.help_dialog.findChild(QtWidgets.QTextBrowser)
    assert "Conv2D" in browser.toPlainText() and "keras.io/search.html?query=Conv2D" in browser.toHtml()
    window.help_dialog.close()
    dense = add_from_palette(window, qtbot, "Dense")
    assert window.properties.node_id == dense
    doc = window.properties.findChild(QtWidgets.QLabel, "doc")
    assert "keras.io/search.html?query=Dense" in doc.text() and doc.openExternalLinks()
