"""Conventions for stand-in data, shared by the exported script's ``load_data`` and the app's
synthetic data source, so both make arrays the model accepts."""

from __future__ import annotations

from netdesigner.core.graph import Graph, Node

UNKNOWN_SIZE = 8  # the length given to a dimension the model leaves open (e.g. sequence steps)
DEFAULT_ID_LIMIT = 10


def concrete(dims: tuple[int | None, ...]) -> tuple[int, ...]:
    """A shape with every unknown size replaced by ``UNKNOWN_SIZE``."""
    return tuple(UNKNOWN_SIZE if d is None else d for d in dims)


def id_limit(graph: Graph, node: Node) -> int:
    """Integer inputs feed Embeddings: stand-in ids must stay below their input_dim."""
    limits = [
        graph.nodes[e.target].params["input_dim"]
        for e in graph.output_edges(node.id)
        if graph.nodes[e.target].type == "Embedding"
    ]
    return min(limits, default=DEFAULT_ID_LIMIT)
