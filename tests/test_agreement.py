"""Core's inference against the real Keras model built from the same graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdesigner.core import infer, validate
from netdesigner.core.fileformat import load

keras = pytest.importorskip("keras")
from netdesigner.backend.builder import build  # noqa: E402


def test_sample_graph_shapes_and_params_equal_keras(sample_path: Path) -> None:
    graph = load(sample_path).graph
    result = infer(graph)
    built = build(graph)
    for nid, node in graph.nodes.items():
        assert tuple(tuple(t.shape) for t in built.tensors[nid]) == result.infos[nid].shapes, node.name  # every call's
        if node.type in ("Input", "Output"):
            continue
        layer = built.model.get_layer(graph.nodes[node.shares or nid].name)  # a shared layer's owner
        assert layer.count_params() == result.infos[nid].params, node.name
    assert built.model.count_params() == result.total_params


# A random graph may feed a masking layer's output to one that ignores masks: Keras 3.15 says
# so, and the shapes compared here are the same either way.
@pytest.mark.filterwarnings("ignore:Layer '.*' \\(of type .*\\) was passed an input with a mask attached:UserWarning")
@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_agree_with_keras(seed: int) -> None:
    from tests.graphs import random_graph

    graph = random_graph(seed)
    assert [i for i in validate(graph) if i.severity == "error"] == []
    result = infer(graph)
    built = build(graph)
    layers = 0
    for nid, node in graph.nodes.items():
        assert tuple(tuple(t.shape) for t in built.tensors[nid]) == result.infos[nid].shapes, node.name
        if node.type in ("Input", "Output") or node.spec.operation is not None:  # an operation has no layer
            continue
        layers += 1
        assert built.model.get_layer(node.name).count_params() == result.infos[nid].params, node.name
    assert layers >= 5
    assert built.model.count_params() == result.total_params
