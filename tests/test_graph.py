"""The graph model: ids, names, connections, the DAG invariant, change events."""

from __future__ import annotations

import pytest

from netdesigner.core import CycleError, DuplicateNameError, Graph, GraphError, ParamError, PortError
from tests.graphs import GraphBuilder


def conv_chain() -> tuple[Graph, list]:
    b = GraphBuilder()
    x = b("Input", "image", shape=[28, 28, 1])
    c1 = b("Conv2D", "conv1", x)
    c2 = b("Conv2D", "conv2", c1)
    c3 = b("Conv2D", "conv3", c2)
    return b.graph, [x, c1, c2, c3]


def test_cycle_is_refused_with_the_loop_and_graph_unchanged() -> None:
    graph, (_, c1, _, c3) = conv_chain()
    graph.disconnect(c1.id, 0)
    edges_before, revision = graph.edges, graph.revision
    with pytest.raises(CycleError) as caught:
        graph.connect(c3.id, c1.id)
    assert str(caught.value).startswith(
        "connecting conv3 -> conv1 would create a loop conv1 -> conv2 -> conv3 -> conv1"
    )
    assert caught.value.loop == ["conv1", "conv2", "conv3", "conv1"]
    assert graph.edges == edges_before and graph.revision == revision


def test_cycle_check_comes_before_the_busy_port_check() -> None:
    graph, (_, c1, _, c3) = conv_chain()
    with pytest.raises(CycleError):
        graph.connect(c3.id, c1.id)


def test_self_loop_is_refused() -> None:
    graph, (_, c1, _, _) = conv_chain()
    graph.disconnect(c1.id)
    with pytest.raises(CycleError, match="itself"):
        graph.connect(c1.id, c1.id)


def test_ports_are_checked() -> None:
    graph, (x, c1, c2, _) = conv_chain()
    with pytest.raises(PortError, match="input 1 of conv2 is already fed by conv1"):
        graph.connect(x.id, c2.id)
    with pytest.raises(PortError, match="no input port 2"):
        graph.connect(x.id, c2.id, 1)
    with pytest.raises(PortError, match="has no inputs"):
        graph.connect(c1.id, x.id)
    head = graph.add_node("Output")
    graph.connect(c2.id, head.id)
    with pytest.raises(PortError, match="Output head"):
        graph.connect(head.id, graph.add_node("Dense").id)


def test_merge_ports_follow_the_inputs_parameter() -> None:
    b = GraphBuilder()
    a, c, d = (b("Input", n, shape=[4]) for n in "acd")
    cat = b("Concatenate", "cat", a, c)
    with pytest.raises(PortError):
        b.graph.connect(d.id, cat.id, 2)
    b.graph.set_param(cat.id, "inputs", 3)
    b.graph.connect(d.id, cat.id, 2)
    with pytest.raises(ParamError, match="input 3 of cat is still connected"):
        b.graph.set_param(cat.id, "inputs", 2)
    assert [e.source for e in b.graph.edges if e.target == cat.id] == [a.id, c.id, d.id]


def test_names_are_unique_and_default_names_follow_keras() -> None:
    graph = Graph()
    first = graph.add_node("Conv2D")
    second = graph.add_node("Conv2D")
    assert (first.name, second.name) == ("conv2d_1", "conv2d_2")
    with pytest.raises(DuplicateNameError):
        graph.rename(second.id, "conv2d_1")
    for illegal, legal in (("a/b", "a_b"), ("a b", "a_b"), ("名前", "layer"), ("e\\", "e"), ("1st", "layer_1st")):
        with pytest.raises(GraphError, match=f"starts with a letter.*for example '{legal}'"):
            graph.rename(second.id, illegal)
    with pytest.raises(GraphError, match="empty"):
        graph.rename(second.id, "  ")
    graph.rename(second.id, "features")
    assert graph.by_name("features") is second


def test_ids_are_stable_and_never_reused_while_present() -> None:
    graph = Graph()
    ids = [graph.add_node("Dense").id for _ in range(3)]
    graph.remove_node(ids[1])
    new = graph.add_node("Dense").id
    assert new not in (ids[0], ids[2]) and len(set(ids)) == 3


def test_set_param_coerces_and_refuses_bad_values() -> None:
    graph = Graph()
    conv = graph.add_node("Conv2D")
    graph.set_param(conv.id, "kernel_size", 5)
    assert conv.params["kernel_size"] == (5, 5)
    graph.set_param(conv.id, "strides", [2, 1])
    assert conv.params["strides"] == (2, 1)
    for key, value, words in [
        ("filters", 0, "at least 1"),
        ("filters", "many", "whole number"),
        ("padding", "full", "choose one of 'valid', 'same'"),
        ("kernel_size", [3, 3, 3], "needs 2 numbers"),
        ("use_bias", 1, "true or false"),
        ("nonsense", 1, "no parameter"),
    ]:
        with pytest.raises(ParamError, match=words):
            graph.set_param(conv.id, key, value)
    assert conv.params["filters"] == 32


def test_remove_node_drops_its_edges() -> None:
    graph, (x, c1, c2, _) = conv_chain()
    removed = graph.remove_node(c1.id)
    assert {(e.source, e.target) for e in removed} == {(x.id, c1.id), (c1.id, c2.id)}
    assert all(c1.id not in (e.source, e.target) for e in graph.edges)


def test_events_reach_subscribers() -> None:
    graph = Graph()
    seen: list[str] = []
    graph.subscribe(lambda event: seen.append(event.kind))
    a = graph.add_node("Input")
    d = graph.add_node("Dense")
    graph.connect(a.id, d.id)
    graph.set_param(d.id, "units", 3)
    graph.rename(d.id, "out")
    graph.move(d.id, (10, 20))
    graph.disconnect(d.id)
    graph.remove_node(d.id)
    assert seen == [
        "node_added",
        "node_added",
        "edge_added",
        "param_changed",
        "renamed",
        "moved",
        "edge_removed",
        "node_removed",
    ]


def test_topological_order_keeps_build_order_among_ready_nodes() -> None:
    b = GraphBuilder()
    x = b("Input", "x", shape=[4])
    left = b("Dense", "left", x)
    right = b("Dense", "right", x)
    left2 = b("Dense", "left2", left)
    b("Add", "add", left2, right)
    names = [b.graph.nodes[n].name for n in b.graph.topological_order()]
    assert names == ["x", "left", "right", "left2", "add"]


def test_layout_puts_the_inputs_of_a_merge_in_port_order_and_skips_in_their_own_lane() -> None:
    from netdesigner.core.layout import layered_positions

    b = GraphBuilder()
    x = b("Input", "x", shape=[4])
    branches = [b("Dense", f"d{i}", x, units=2) for i in range(3)]
    merged = b("Concatenate", "cat", *reversed(branches), inputs=3)  # ports: d2, d1, d0
    deep = b("Dense", "deep", b("Dense", "mid", merged))
    b("Add", "add", merged, deep)  # merged -> add skips a column
    y = {node.name: pos[1] for node, pos in ((b.graph.nodes[n], p) for n, p in layered_positions(b.graph).items())}
    assert y["d2"] < y["d1"] < y["d0"]  # top to bottom in the order of the merge's ports
    assert y["mid"] != y["cat"]  # the chain steps aside: the skip wire cat -> add has its lane
