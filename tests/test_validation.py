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
    issues = validate(b.graph)
    assert [i.code for i in issues] == ["duplicate_name"]
    assert "2 layers are called 'x'" in issues[0].message


def test_shape_conflicts_carry_node_and_hint() -> None:
    b = GraphBuilder()
    a = b("Input", "a", shape=[8, 8, 64])
    c = b("Input", "c", shape=[8, 8, 32])
    add = b("Add", "residual", a, c)
    b("Output", "head", add, loss="MeanSquaredError")
    (issue,) = validate(b.graph)
    assert issue.node_id == add.id and issue.code == "merge"
    assert "residual: Add needs inputs of the same shape" in issue.message
    assert "Conv2D with kernel_size 1" in issue.hint
