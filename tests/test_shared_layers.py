"""Shared layers (weight tying): nodes calling one layer, from the model to the canvas, the
builder, the exported script, the file and the importer (issue 11, point 1)."""

from __future__ import annotations

import json

import pytest
from PySide6 import QtCore, QtTest
from PySide6.QtGui import QUndoStack

from netdesigner.core import infer
from netdesigner.core.errors import FormatError, GraphError
from netdesigner.core.fileformat import Document, dumps, load, loads
from netdesigner.core.fragments import copy_fragment, paste_fragment
from netdesigner.core.graph import Graph
from netdesigner.gui.document import EditorDocument
from tests.conftest import SAMPLE_DIR
from tests.test_gui_editor import click_node, node_text

SIAMESE = SAMPLE_DIR / "siamese.json"


def siamese() -> Graph:
    return load(SIAMESE).graph


def ids(graph: Graph, *names: str) -> list[str]:
    return [graph.by_name(name).id for name in names]


def test_a_shared_layer_counts_once_and_is_edited_as_one() -> None:
    graph = siamese()
    encoder, right = ids(graph, "encoder", "encoder_right")
    result = infer(graph)
    assert result.infos[right].shared_with == "encoder" and result.infos[right].params == 64 * 32 + 32
    assert result.total_params == result.infos[encoder].params + 16 * 32 + 16 + 2  # encoder, embedding, same
    graph.set_param(right, "units", 8)  # edited at either call, the one layer changes
    assert graph.nodes[encoder].params["units"] == 8
    assert infer(graph).infos[encoder].shape == infer(graph).infos[right].shape == (None, 8)


def test_a_call_the_weights_do_not_fit_is_red_with_the_reason() -> None:
    graph = siamese()
    right_input, right, embedding_right = ids(graph, "right", "encoder_right", "embedding_right")
    graph.set_param(right_input, "shape", [32])
    info = infer(graph).infos[right]
    assert info.error is not None and info.error.code == "shared"
    assert "whose weights were made for (None, 64)" in str(info.error)
    assert "encoder_right gets (None, 32)" in str(info.error) and "same size at every call" in info.error.hint
    assert infer(graph).infos[embedding_right].blocked_by == "encoder_right"


def test_only_layers_of_one_type_share_and_ties_point_at_the_owner() -> None:
    graph = siamese()
    left, encoder, right, embedding, same = ids(graph, "left", "encoder", "encoder_right", "embedding", "same")
    with pytest.raises(GraphError, match="only layers of one type"):
        graph.share(encoder, graph.by_name("similarity").id)
    with pytest.raises(GraphError, match="has no layer"):
        graph.share(left, graph.by_name("right").id)
    with pytest.raises(GraphError, match="already share encoder's weights"):
        graph.share(encoder, same)
    graph.share(same, right)  # naming a sharer ties to its owner
    assert graph.nodes[same].shares == encoder and graph.nodes[same].params == graph.nodes[encoder].params
    graph.share(same, None)
    assert graph.nodes[same].shares is None and graph.sharers(encoder) == [right]
    assert embedding in graph.nodes


def test_deleting_the_owner_hands_the_layer_on_and_undo_gives_it_back(qapp) -> None:
    document = EditorDocument(QUndoStack())
    document.set_document(load(SIAMESE), SIAMESE)
    graph = document.graph
    encoder, right = ids(graph, "encoder", "encoder_right")
    document.delete([encoder])
    document.flush()
    assert graph.nodes[right].shares is None and document.result.infos[right].shared_with is None
    document.undo_stack.undo()
    document.flush()
    assert graph.nodes[right].shares == encoder and graph.sharers(encoder) == [right]
    assert document.result.infos == infer(graph).infos


def test_the_file_names_the_owner_and_keeps_version_1_without_ties() -> None:
    text = SIAMESE.read_text()
    data = json.loads(text)
    assert data["version"] == 2 and dumps(loads(text)) == text
    (entry,) = [n for n in data["nodes"] if n["name"] == "encoder_right"]
    assert entry["shares"] == "n3" and "params" not in entry
    graph = siamese()
    for node in graph.nodes.values():
        graph.share(node.id, None) if node.shares else None
    assert json.loads(dumps(Document(graph)))["version"] == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"shares": "n99"}, "'n99' is not the id of any node"),
        ({"shares": "n7"}, "only layers of one type"),
        ({"shares": 3}, "'shares' must be text"),
        ({"shares": "n3", "params": {"units": 4}}, "drop 'params'"),
    ],
)
def test_bad_ties_in_a_file_are_refused_with_the_place(change: dict, words: str) -> None:
    data = json.loads(SIAMESE.read_text())
    node = next(n for n in data["nodes"] if n["name"] == "encoder_right")
    node.pop("shares")
    node.update(change)
    with pytest.raises(FormatError) as caught:
        loads(json.dumps(data))
    assert words in str(caught.value) and "nodes[3] 'encoder_right'" in str(caught.value)


def test_a_tie_to_a_sharer_in_a_file_is_refused() -> None:
    data = json.loads(SIAMESE.read_text())
    node = next(n for n in data["nodes"] if n["name"] == "embedding_right")
    node["shares"] = "n4"  # encoder_right, itself a sharer
    data["nodes"][5]["type"] = "Dense"
    with pytest.raises(FormatError, match="shares a layer itself"):
        loads(json.dumps(data))


def test_copied_ties_stay_among_the_copies() -> None:
    graph = siamese()
    copied = ids(graph, "encoder", "encoder_right", "embedding_right")
    nodes, _, _ = paste_fragment(copy_fragment(graph, copied), graph, (0.0, 0.0))
    by_name = {n.name: n for n in nodes}
    assert by_name["encoder_right_1"].shares == by_name["encoder_1"].id  # the pair stays one layer
    assert by_name["embedding_right_1"].shares is None  # its owner was not copied: a layer of its own


def test_the_builder_and_the_script_make_one_layer_called_twice() -> None:
    pytest.importorskip("keras")
    from netdesigner.backend.builder import build_model
    from netdesigner.backend.export import export_script
    from netdesigner.backend.importer import config_to_document
    from tests.model_configs import assert_same_model

    doc = load(SIAMESE)
    model = build_model(doc.graph)
    assert [layer.name for layer in model.layers].count("encoder") == 1
    assert len(model.get_layer("encoder")._inbound_nodes) == 2
    assert model.count_params() == infer(doc.graph).total_params
    script = export_script(doc)
    assert script.count("layers.Dense(units=32") == 1 and "encoder_layer(right)" in script
    namespace: dict = {}
    exec(compile(script, "siamese.py", "exec"), namespace)
    assert_same_model(model, namespace["build_model"]())
    again = config_to_document(json.loads(model.to_json()))
    assert again.graph.by_name("encoder_2").shares == again.graph.by_name("encoder").id


def test_share_weights_from_the_properties_panel(window, qtbot) -> None:
    window.open_path(SIAMESE, as_sample=True, ask=False)
    graph = window.document.graph
    right = click_node(window, "embedding_right")
    assert window.properties.node_id == right
    assert "⇄ shares embedding's weights" in node_text(window, right)
    assert "params counted at embedding" in node_text(window, right)
    assert window.canvas.view_of[right].view._tie is not None
    owner = graph.by_name("embedding").id
    assert "⇄ weights shared with embedding_right" in node_text(window, owner)
    combo = window.properties.share_combo
    assert combo.currentText() == "embedding"
    combo.setFocus()
    QtTest.QTest.keyClick(combo, QtCore.Qt.Key.Key_Home)  # "none (its own weights)"
    window.document.flush()
    assert graph.nodes[right].shares is None
    assert "528 params" in node_text(window, right) and "⇄" not in node_text(window, owner)
    assert window.canvas.view_of[right].view._tie is None
    assert window.status_label.text().startswith("✓ valid")
    window.undo_action.trigger()
    window.document.flush()
    assert graph.nodes[right].shares == owner and "⇄ shares embedding's weights" in node_text(window, right)


def test_a_merge_has_no_weights_to_share_and_a_shared_normalization_adapts_once() -> None:
    from netdesigner.core.fit_plan import adapting_nodes

    graph = siamese()
    join = graph.add_node("Concatenate", "join")
    other = graph.add_node("Concatenate", "join_2")
    with pytest.raises(GraphError, match="no weights to share"):
        graph.share(other.id, join.id)
    norm = graph.add_node("Normalization", "norm")
    norm_2 = graph.add_node("Normalization", "norm_2")
    graph.share(norm_2.id, norm.id)
    assert [n.name for n in adapting_nodes(graph)] == ["norm"]


def test_a_sub_model_as_an_output_and_a_merge_called_twice_import() -> None:
    keras = pytest.importorskip("keras")
    from netdesigner.backend.importer import config_to_document

    layers = keras.layers
    features = keras.Input((4,))
    sub = keras.Model(features, layers.Dense(3, name="d")(features), name="sub")
    a, b, c = (keras.Input((4,), name=n) for n in "abc")
    join = layers.Concatenate(name="join")
    model = keras.Model([a, b, c], [sub(a), layers.Dense(2, name="h")(sub(b)), join([a, b]), join([a, b, c])])
    graph = config_to_document(json.loads(model.to_json())).graph
    heads = [graph.nodes[graph.input_edges(n.id)[0].source].name for n in graph.heads()]
    assert heads == ["d", "h", "join", "join_2"]  # the first head is the call on a, not on b
    assert [graph.nodes[e.source].name for e in graph.input_edges(graph.by_name("h").id).values()] == ["d_2"]
    assert graph.by_name("join_2").params["inputs"] == 3 and graph.by_name("join_2").shares is None
    assert infer(graph).total_params == model.count_params()
