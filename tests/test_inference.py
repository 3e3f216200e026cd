"""Shape inference over graphs: propagation, blame, incremental updates, counts."""

from __future__ import annotations

import random

from netdesigner.core import Graph, infer
from netdesigner.core.errors import LayerError
from tests.graphs import GraphBuilder, residual_graph


def test_shapes_params_and_macs_of_a_small_cnn() -> None:
    b = GraphBuilder()
    x = b("Input", "image", shape=[28, 28, 1])
    c = b("Conv2D", "conv", x, filters=8, kernel_size=3)
    p = b("MaxPooling2D", "pool", c)
    f = b("Flatten", "flat", p)
    d = b("Dense", "dense", f, units=10)
    result = infer(b.graph)
    info = result.infos
    assert info[c.id].shape == (None, 26, 26, 8)
    assert info[c.id].params == 3 * 3 * 1 * 8 + 8
    assert info[c.id].macs == 26 * 26 * 9 * 8
    assert info[p.id].shape == (None, 13, 13, 8)
    assert info[f.id].shape == (None, 13 * 13 * 8)
    assert info[d.id].params == 13 * 13 * 8 * 10 + 10
    assert result.total_params == info[c.id].params + info[d.id].params


def test_only_the_faulty_node_is_blamed_downstream_is_blocked() -> None:
    b = GraphBuilder()
    left = b("Input", "left", shape=[32, 32, 3])
    right = b("Input", "right", shape=[16, 16, 3])
    cat = b("Concatenate", "join", left, right)
    after = b("Conv2D", "after", cat)
    result = infer(b.graph)
    error = result.infos[cat.id].error
    assert isinstance(error, LayerError)
    assert "(None, 32, 32, 3) vs (None, 16, 16, 3)" in error.message
    assert "add pooling to the larger branch" in error.hint
    assert result.infos[after.id].error is None and result.infos[after.id].blocked_by == "join"
    assert not result.infos[after.id].ok


def test_unconnected_port_is_reported_in_words() -> None:
    b = GraphBuilder()
    x = b("Input", "x", shape=[4])
    add = b("Add", "sum", x)
    error = infer(b.graph).infos[add.id].error
    assert error is not None and "nothing connected to input 2 of 2" in error.message


def test_incremental_inference_equals_full_inference_after_random_edits() -> None:
    rng = random.Random(7)
    graph = residual_graph(30)
    result = infer(graph)
    dense_ids = [nid for nid, n in graph.nodes.items() if n.type == "Dense"]
    for _ in range(60):
        nid = rng.choice(dense_ids)
        graph.set_param(nid, "units", rng.choice([8, 16, 16, 16]))
        result = infer(graph, result)
        assert result.infos == infer(graph).infos


def test_incremental_inference_handles_added_and_removed_nodes() -> None:
    graph = residual_graph(3)
    result = infer(graph)
    extra = graph.add_node("Dense")
    result = infer(graph, result)
    assert extra.id in result.infos
    victim = next(n for n in graph.nodes.values() if n.name == "b1_relu")
    graph.remove_node(victim.id)
    result = infer(graph, result)
    assert victim.id not in result.infos
    assert result.infos == infer(graph).infos


def test_empty_graph() -> None:
    result = infer(Graph())
    assert result.infos == {} and result.total_params == 0
