"""Core's inference against the real Keras model built from the same graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdesigner.core import infer
from netdesigner.core.fileformat import load

keras = pytest.importorskip("keras")
from netdesigner.backend.builder import build  # noqa: E402


def test_sample_graph_shapes_and_params_equal_keras(sample_path: Path) -> None:
    graph = load(sample_path).graph
    result = infer(graph)
    built = build(graph)
    for nid, node in graph.nodes.items():
        if node.type in ("Input", "Output"):
            tensor = built.tensors[nid]
            assert tuple(tensor.shape) == result.infos[nid].shape, node.name
            continue
        layer = built.model.get_layer(node.name)
        assert tuple(layer.output.shape) == result.infos[nid].shape, node.name
        assert layer.count_params() == result.infos[nid].params, node.name
    assert built.model.count_params() == result.total_params
