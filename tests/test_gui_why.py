"""Selecting a node shows the arithmetic of its shape and parameters, and it follows edits."""

from __future__ import annotations

from PySide6 import QtCore, QtTest

from netdesigner.core.inference import explain_node
from tests.conftest import SAMPLE_DIR
from tests.test_gui_editor import click_node


def test_selecting_a_conv2d_shows_why_and_an_edit_updates_it(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "cnn_classifier.json", as_sample=True, ask=False)
    conv = click_node(window, "conv1")
    why = window.properties.why_label
    assert window.properties.node_id == conv and why.isVisible()
    expected = explain_node(window.document.graph, conv, window.document.result)
    assert expected is not None
    shown = why.text().split("<br>")
    assert shown[0].startswith("<b>Why") and shown[1:] == expected.lines()
    info = window.document.result.infos[conv]
    assert shown[-1].endswith(f"= {info.params:,}") and "weights" in shown[-1]
    field = window.properties.editors["filters"].widget
    field.setFocus()
    field.selectAll()
    QtTest.QTest.keyClicks(field, "8")
    QtTest.QTest.keyClick(field, QtCore.Qt.Key.Key_Return)
    window.document.flush()
    assert "channels: 8, the filters you set" in why.text()
    assert why.text().endswith(f"= {window.document.result.infos[conv].params:,}")
