"""Layers with several outputs and extra inputs: a recurrent layer's states as output ports
(``return_state``) and as input ports (``initial_state``), from the model to the canvas, the
file, check, the builder, the exported script and the importer (issue 11, point 2)."""

from __future__ import annotations

import json

import pytest
from PySide6 import QtCore, QtTest

from netdesigner.cli import main
from netdesigner.core import infer
from netdesigner.core.errors import FormatError, ParamError
from netdesigner.core.fileformat import Document, dumps, load, loads
from netdesigner.core.graph import Graph
from tests.conftest import SAMPLE_DIR
from tests.test_gui_editor import click_node, drag_wire, node_text

ENCODER_DECODER = SAMPLE_DIR / "encoder_decoder.json"


def encoder_decoder() -> Graph:
    return load(ENCODER_DECODER).graph


def test_states_have_ports_and_shapes_of_their_own() -> None:
    graph = encoder_decoder()
    result = infer(graph)
    encoder, decoder = graph.by_name("encoder"), graph.by_name("decoder")
    assert encoder.spec.output_names(encoder.params) == ("out", "state h", "state c")
    assert decoder.spec.port_labels(decoder.params) == ("in", "initial state h", "initial state c")
    assert result.infos[encoder.id].output_shapes == [[None, 32], [None, 32], [None, 32]]
    assert result.infos[decoder.id].shapes == ((None, 10, 32),)
    gru = graph.add_node("GRU", params={"units": 4, "return_state": True, "initial_state": True})
    assert gru.spec.output_names(gru.params) == ("out", "state")
    assert gru.spec.port_labels(gru.params) == ("in", "initial state")


def test_a_state_of_the_wrong_size_is_explained() -> None:
    graph = encoder_decoder()
    decoder = graph.by_name("decoder")
    graph.set_param(decoder.id, "units", 16)
    error = infer(graph).infos[decoder.id].error
    assert error is not None and error.code == "state"
    assert "initial state h, which must be (batch, 16) for units=16; it gets (None, 32)" in error.message
    assert "return_state outputs" in error.hint


def test_ports_in_use_cannot_be_switched_off() -> None:
    graph = encoder_decoder()
    encoder, decoder = graph.by_name("encoder"), graph.by_name("decoder")
    with pytest.raises(ParamError, match="output 'state c' of encoder is still connected"):
        graph.set_param(encoder.id, "return_state", False)
    with pytest.raises(ParamError, match="input 3 of decoder is still connected"):
        graph.set_param(decoder.id, "initial_state", False)
    graph.disconnect(decoder.id, 1)
    graph.disconnect(decoder.id, 2)
    graph.set_param(decoder.id, "initial_state", False)
    graph.set_param(encoder.id, "return_state", False)
    assert infer(graph).infos[encoder.id].output_shapes == [[None, 32]]
    with pytest.raises(Exception, match="encoder has no output port 2"):
        graph.connect(encoder.id, decoder.id, 0, 1)


def test_the_file_names_the_port_a_wire_leaves_and_refuses_a_missing_one() -> None:
    doc = load(ENCODER_DECODER)
    data = json.loads(dumps(doc))
    assert data["version"] == 2
    assert {"source": "n5", "target": "n6", "port": 2, "source_port": 2} in data["edges"]
    assert dumps(loads(dumps(doc))) == dumps(doc)
    encoder = doc.graph.by_name("encoder")
    data["nodes"][[n["id"] for n in data["nodes"]].index(encoder.id)]["params"]["return_state"] = False
    with pytest.raises(FormatError, match=r"edges\[4\].*encoder has no output port 2"):
        loads(json.dumps(data))


def test_check_json_lists_one_shape_per_port(tmp_path, capsys) -> None:
    assert main(["check", str(ENCODER_DECODER), "--json"]) == 0
    nodes = {n["name"]: n for n in json.loads(capsys.readouterr().out)["nodes"]}
    assert nodes["encoder"]["output_shapes"] == [[None, 32], [None, 32], [None, 32]]
    assert nodes["decoder"]["output_shapes"] == [[None, 10, 32]]


def test_builder_script_and_importer_pass_the_states() -> None:
    pytest.importorskip("keras")
    from netdesigner.backend.builder import build
    from netdesigner.backend.export import export_script
    from netdesigner.backend.importer import config_to_document
    from tests.model_configs import assert_same_model

    doc = load(ENCODER_DECODER)
    built = build(doc.graph)
    result = infer(doc.graph)
    for nid in doc.graph.nodes:
        assert tuple(tuple(t.shape) for t in built.tensors[nid]) == result.infos[nid].shapes
    assert built.model.count_params() == result.total_params
    script = export_script(doc)
    assert "encoder, encoder_state_h, encoder_state_c = layers.LSTM(" in script
    assert ")(target_embedding, initial_state=[encoder_state_h, encoder_state_c])" in script
    namespace: dict = {}
    exec(compile(script, "encoder_decoder.py", "exec"), namespace)
    assert_same_model(built.model, namespace["build_model"]())
    again = config_to_document(json.loads(built.model.to_json())).graph
    assert again.by_name("decoder").params["initial_state"] is True
    wires = {(e.source_port, e.port) for e in again.input_edges(again.by_name("decoder").id).values()}
    assert wires == {(0, 0), (1, 1), (2, 2)}
    assert infer(again).total_params == result.total_params


def test_a_state_can_be_a_model_output() -> None:
    keras = pytest.importorskip("keras")
    from netdesigner.backend.builder import build_model
    from netdesigner.backend.importer import config_to_document

    sequence = keras.Input((5, 3), name="sequence")
    out, state = keras.layers.GRU(4, return_state=True, name="gru")(sequence)
    model = keras.Model(sequence, [keras.layers.Dense(2, name="d")(out), state])
    graph = config_to_document(json.loads(model.to_json())).graph
    state_head = graph.heads()[1]
    assert graph.input_edges(state_head.id)[0].source_port == 1
    assert infer(graph).infos[state_head.id].shape == (None, 4)
    rebuilt = build_model(graph)
    assert [tuple(o.shape) for o in rebuilt.outputs] == [(None, 2), (None, 4)]


def test_switch_states_on_in_the_panel_and_wire_one(window, qtbot) -> None:
    window.open_path(ENCODER_DECODER, as_sample=True, ask=False)
    graph = window.document.graph
    decoder = click_node(window, "decoder")
    box = window.properties.editors["return_state"].widget
    qtbot.mouseClick(box, QtCore.Qt.MouseButton.LeftButton, pos=QtCore.QPoint(8, box.height() // 2))
    window.document.flush()
    assert graph.nodes[decoder].params["return_state"] is True
    assert [p.name() for p in window.canvas.view_of[decoder].output_ports()] == ["out", "state h", "state c"]
    assert "state h (None, 32)" in node_text(window, decoder)
    before = set(graph.nodes)
    window.document.add_node("Output", (1400.0, 200.0))
    window.document.flush()
    (head,) = set(graph.nodes) - before
    drag_wire(window, decoder, head, source_port=2)
    window.document.flush()
    assert graph.input_edges(head)[0].source_port == 2
    assert "(None, 32)" in node_text(window, head)
    window.undo_action.trigger()  # the wire
    window.document.flush()
    assert not graph.input_edges(head)
    click_node(window, "decoder")
    box = window.properties.editors["return_state"].widget
    box.setFocus()
    QtTest.QTest.keyClick(box, QtCore.Qt.Key.Key_Space)  # off again: the ports go
    window.document.flush()
    assert [p.name() for p in window.canvas.view_of[decoder].output_ports()] == ["out"]
    window.undo_action.trigger()
    window.document.flush()
    assert [p.name() for p in window.canvas.view_of[decoder].output_ports()] == ["out", "state h", "state c"]


def test_a_graph_without_extra_ports_is_still_written_as_version_1() -> None:
    graph = Graph()
    graph.add_node("LSTM")
    assert json.loads(dumps(Document(graph)))["version"] == 1
