"""Whole-graph validation."""

from __future__ import annotations

from netdesigner.core import Graph, validate
from netdesigner.core.fileformat import load
from tests.graphs import GraphBuilder


def codes(graph: Graph) -> list[str]:
    return [issue.code for issue in validate(graph)]


def test_every_sample_graph_is_valid(sample_path) -> None:
    assert validate(load(sample_path).graph) == []


def test_empty_graph_needs_an_input_and_a_head() -> None:
    assert codes(Graph()) == ["no_input", "no_output"]


def test_dangling_nodes_and_unconnected_inputs_are_reported() -> None:
    b = GraphBuilder()
    x = b("Input", "x", shape=[4])
    d = b("Dense", "d", x, units=2)
    b("Output", "head", d, loss="MeanSquaredError")
    stray = b("Dense", "stray", x)
    lonely = b("Dense", "lonely")
    issues = validate(b.graph)
    by_node = {(i.node_id, i.code) for i in issues}
    assert (stray.id, "dangling") in by_node
    assert (lonely.id, "unconnected") in by_node and (lonely.id, "dangling") in by_node
    assert any("stray does not lead to any Output head" in str(i) for i in issues)


def test_duplicate_names_from_a_file_are_reported() -> None:
    b = GraphBuilder()
    x = b("Input", "x", shape=[4])
    d = b("Dense", "d", x)
    b("Output", "head", d, loss="MeanSquaredError")
    b.graph.nodes[d.id].name = "x"  # what a hand-edited file can contain
    issues = [i for i in validate(b.graph) if i.severity == "error"]
    assert [i.code for i in issues] == ["duplicate_name"]
    assert "2 layers are called 'x'" in issues[0].message


def test_shape_conflicts_carry_node_and_hint() -> None:
    b = GraphBuilder()
    a = b("Input", "a", shape=[8, 8, 64])
    c = b("Input", "c", shape=[8, 8, 32])
    add = b("Add", "residual", a, c)
    b("Output", "head", add, loss="MeanSquaredError", metrics=[])
    (issue,) = validate(b.graph)
    assert issue.node_id == add.id and issue.code == "merge"
    assert "residual: Add needs inputs of the same shape" in issue.message
    assert "Conv2D with kernel_size 1" in issue.hint


def head(activation: str, units: int, **params) -> list[str]:
    b = GraphBuilder()
    x = b("Input", "x", shape=[4])
    d = b("Dense", "scores", x, units=units, activation=activation)
    b("Output", "answer", d, **params)
    return [str(i) for i in validate(b.graph) if i.severity == "warning"]


def test_incoherent_heads_are_warned_about_with_a_fix() -> None:
    (w,) = head("softmax", 10, loss="BinaryCrossentropy", metrics=[])
    assert "softmax over 10 units with BinaryCrossentropy" in w and "SparseCategoricalCrossentropy" in w
    (w,) = head("softmax", 1, loss="SparseCategoricalCrossentropy", metrics=[])
    assert "single unit" in w
    (w,) = head("linear", 10, loss="CategoricalCrossentropy", metrics=[])
    assert "expects class probabilities" in w and "from_logits" in w
    (w,) = head("softmax", 10, loss="CategoricalCrossentropy", from_logits=True, metrics=[])
    assert "applies softmax but from_logits is ticked" in w
    (w,) = head("linear", 1, loss="MeanSquaredError", metrics=["accuracy"])
    assert "accuracy is not meaningful" in w


def test_coherent_heads_get_no_warning() -> None:
    assert head("softmax", 10, loss="SparseCategoricalCrossentropy") == []
    assert head("linear", 10, loss="CategoricalCrossentropy", from_logits=True) == []
    assert head("sigmoid", 1, loss="BinaryCrossentropy", metrics=["accuracy", "AUC"]) == []
    assert head("linear", 3, loss="Huber", metrics=["MeanAbsoluteError"]) == []


def test_every_loss_declares_its_targets() -> None:
    from netdesigner.core.compile_options import LOSS_TARGETS, LOSSES

    assert set(LOSS_TARGETS) == set(LOSSES)


def test_one_missing_wire_is_one_problem_naming_the_layers_it_cuts_off() -> None:
    b = GraphBuilder()
    x = b("Input", "x", shape=[4])
    layers = [x]
    for i in range(8):
        layers.append(b("Dense", f"d{i}", layers[-1], units=3))
    b("Output", "head", loss="MeanSquaredError")  # the wire from d7 is missing
    (issue,) = [i for i in validate(b.graph) if i.severity == "error"]
    assert "drag a wire from the output of d7 to the input of head" in str(issue)
    assert set(issue.node_ids) == set(b.graph.nodes)  # every layer it cuts off, and the head


def test_two_cut_off_parts_are_two_problems_each_listing_its_layers() -> None:
    b = GraphBuilder()
    x = b("Input", "x", shape=[4])
    d = b("Dense", "d", x, units=2)
    b("Output", "head", d, loss="MeanSquaredError")
    a1 = b("Dense", "a1", x)
    a2 = b("Dense", "a2", a1)
    c1 = b("Dense", "c1", d)
    dangling = [i for i in validate(b.graph) if i.code == "dangling"]
    assert {i.node_id: set(i.node_ids) for i in dangling} == {a2.id: {a1.id, a2.id}, c1.id: {c1.id}}
    assert any("a2 does not lead to any Output head, so neither do a1" in str(i) for i in dangling)
