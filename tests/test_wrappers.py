"""Wrappers (issue 11, point 3): Bidirectional and TimeDistributed edited as one node whose
wrapped layer's type and parameters are among its own, with Keras's shapes and parameters, in
the panel, the file, the builder, the exported script and the importer."""

from __future__ import annotations

import json

import pytest
from PySide6 import QtCore, QtTest

from netdesigner.core import infer
from netdesigner.core.errors import FormatError, ParamError
from netdesigner.core.fileformat import Document, dumps, loads
from netdesigner.core.graph import Graph
from tests.test_gui_editor import click_node, node_text


def tagger() -> Document:
    """Token ids -> embedding -> bidirectional GRU over every step -> a label per step."""
    graph = Graph()
    tokens = graph.add_node("Input", "tokens", {"shape": (7,), "dtype": "int32"}, (0.0, 0.0))
    embed = graph.add_node("Embedding", "embed", {"input_dim": 30, "output_dim": 6}, (260.0, 0.0))
    both = graph.add_node(
        "Bidirectional",
        "both_ways",
        {"layer": {"type": "GRU", "params": {"units": 5, "return_sequences": True}}},
        (520.0, 0.0),
    )
    tags = graph.add_node(
        "TimeDistributed",
        "tags",
        {"layer": {"type": "Dense", "params": {"units": 4, "activation": "softmax"}}},
        (780.0, 0.0),
    )
    head = graph.add_node("Output", "tags_head", {"loss": "SparseCategoricalCrossentropy"}, (1040.0, 0.0))
    for a, b in ((tokens, embed), (embed, both), (both, tags), (tags, head)):
        graph.connect(a.id, b.id)
    return Document(graph, name="tagger")


def test_shapes_and_params_of_the_wrapped_layers() -> None:
    graph = tagger().graph
    result = infer(graph)
    both, tags = graph.by_name("both_ways"), graph.by_name("tags")
    gru = 3 * (5 * (6 + 5) + 2 * 5)  # reset_after: two bias vectors
    assert result.infos[both.id].shape == (None, 7, 10) and result.infos[both.id].params == 2 * gru
    assert result.infos[tags.id].shape == (None, 7, 4) and result.infos[tags.id].params == 10 * 4 + 4
    graph.set_param(both.id, "merge_mode", None)
    assert both.spec.output_names(both.params) == ("forward", "backward")
    assert infer(graph).infos[both.id].output_shapes == [[None, 7, 5], [None, 7, 5]]


def test_wrapped_parameters_are_checked_by_their_own_declarations() -> None:
    graph = tagger().graph
    both = graph.by_name("both_ways")
    with pytest.raises(ParamError, match="units must be at least 1"):
        graph.set_param(both.id, "layer", {"type": "GRU", "params": {"units": 0}})
    with pytest.raises(ParamError, match="cannot be .Dense. — choose one of SimpleRNN, LSTM, GRU"):
        graph.set_param(both.id, "layer", {"type": "Dense", "params": {}})
    graph.set_param(both.id, "layer", {"type": "LSTM", "params": {"units": 5, "initial_state": True}})
    error = infer(graph).infos[both.id].error
    assert error is not None and "initial_state is not available" in error.message
    tags = graph.by_name("tags")
    graph.set_param(tags.id, "layer", {"type": "Dense", "params": {"units": 4}})
    graph.disconnect(tags.id)
    flat = graph.add_node("Input", "flat", {"shape": (7,)})
    graph.connect(flat.id, tags.id)
    error = infer(graph).infos[tags.id].error
    assert error is not None and "expects a sequence (batch, steps, ...)" in error.message


def test_the_file_keeps_the_wrapped_layer_and_refuses_a_wrong_one() -> None:
    doc = tagger()
    text = dumps(doc)
    assert '"layer": {"type": "GRU", "params": {"units": 5,' in text
    assert dumps(loads(text)) == text
    data = json.loads(text)
    data["nodes"][2]["params"]["layer"]["params"]["units"] = "five"
    with pytest.raises(FormatError, match="units must be a whole number"):
        loads(json.dumps(data))


def test_builder_script_and_importer_agree_with_keras() -> None:
    pytest.importorskip("keras")
    from netdesigner.backend.builder import build_model
    from netdesigner.backend.export import export_script
    from netdesigner.backend.importer import config_to_document
    from tests.model_configs import assert_same_model

    doc = tagger()
    model = build_model(doc.graph)
    assert model.count_params() == infer(doc.graph).total_params
    assert tuple(model.get_layer("both_ways").output.shape) == (None, 7, 10)
    script = export_script(doc)
    assert "layers.Bidirectional(\n        layer=layers.GRU(units=5, return_sequences=True)," in script
    assert 'layer=layers.Dense(units=4, activation="softmax")' in script
    namespace: dict = {}
    exec(compile(script, "tagger.py", "exec"), namespace)
    assert_same_model(model, namespace["build_model"]())
    again = config_to_document(json.loads(model.to_json())).graph
    assert again.by_name("both_ways").params["layer"] == doc.graph.by_name("both_ways").params["layer"]
    assert again.by_name("tags").params["layer"]["params"]["activation"] == "softmax"


def test_choose_the_wrapped_layer_and_its_units_in_the_panel(window, qtbot, tmp_path) -> None:
    path = tmp_path / "tagger.json"
    path.write_text(dumps(tagger()), encoding="utf-8")
    window.open_path(path, ask=False)
    graph = window.document.graph
    both = click_node(window, "both_ways")
    editors = window.properties.editors
    assert editors["layer"].widget.currentText() == "GRU" and "layer.reset_after" in editors
    combo = editors["layer"].widget
    combo.setFocus()
    QtTest.QTest.keyClick(combo, QtCore.Qt.Key.Key_Up)  # LSTM, keeping units=5
    window.document.flush()
    assert graph.nodes[both].params["layer"]["type"] == "LSTM"
    assert graph.nodes[both].params["layer"]["params"]["units"] == 5
    editors = window.properties.editors
    assert "layer.reset_after" not in editors and "layer.recurrent_activation" in editors
    units = editors["layer.units"].widget
    units.setFocus()
    units.selectAll()
    QtTest.QTest.keyClicks(units, "8")
    QtTest.QTest.keyClick(units, QtCore.Qt.Key.Key_Return)
    window.document.flush()
    assert graph.nodes[both].params["layer"]["params"]["units"] == 8
    assert "LSTM(units=8, return_sequences=True)" in node_text(window, both)
    assert "(None, 7, 16)" in node_text(window, both)
    window.undo_action.trigger()
    window.document.flush()
    assert graph.nodes[both].params["layer"]["params"]["units"] == 5
    assert window.properties.editors["layer.units"].widget.value() == 5
