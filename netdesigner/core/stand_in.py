"""Conventions for stand-in data, shared by the exported script's ``load_data`` and the app's
synthetic data source, so both make arrays the model accepts."""

from __future__ import annotations

from netdesigner.core.graph import Graph, Node
from netdesigner.core.inference import InferenceResult, infer

UNKNOWN_SIZE = 8  # the shortest length given to a dimension the model leaves open (sequence steps)
LONGEST = 4096
DEFAULT_VALUES = 10  # categories in stand-in data where no layer asks for a number


def concrete(dims: tuple[int | None, ...], size: int = UNKNOWN_SIZE) -> tuple[int, ...]:
    """A shape with every unknown size replaced by ``size``."""
    return tuple(size if d is None else d for d in dims)


def has_open_sizes(graph: Graph) -> bool:
    return any(None in node.params["shape"] for node in graph.inputs())


def with_size(graph: Graph, size: int) -> Graph:
    """A copy of ``graph`` whose Inputs have every unknown size set to ``size``."""
    copy = Graph()
    for node in graph.nodes.values():
        params = {**node.params, "shape": concrete(node.params["shape"], size)} if node.is_input else node.params
        copy.insert(Node(node.id, node.type, node.name, dict(params), node.position))
    for edge in graph.edges:
        copy.link(edge)
    return copy


def stand_in_shapes(graph: Graph) -> tuple[int, InferenceResult]:
    """The length stand-in data gives the sizes a model leaves open, and the shapes every node
    has on data of that length: the shortest power of two from ``UNKNOWN_SIZE`` up at which
    every layer still works (strided convolutions and pooling shrink a sequence, so a text CNN
    needs more than 8 steps)."""
    size = UNKNOWN_SIZE
    result = infer(with_size(graph, size))
    while has_open_sizes(graph) and size < LONGEST and result.errors():
        size *= 2
        result = infer(with_size(graph, size))
    return size, result


def stand_in_size(graph: Graph) -> int:
    return stand_in_shapes(graph)[0]


def value_count(graph: Graph, node: Node) -> int:
    """How many distinct values stand-in data gives an Input whose values are categories
    (whole numbers 0, 1, ... or texts): fewer than an Embedding's input_dim or a
    CategoryEncoding's num_tokens, exactly as many as a lookup of fixed vocabulary size expects
    (what each type needs is declared with it: ``LayerSpec.takes``)."""
    counts = []
    for edge in graph.output_edges(node.id):
        target = graph.nodes[edge.target]
        count = target.spec.takes.distinct(target.params)
        if count is not None:
            counts.append(count)
    return max(1, min(counts, default=DEFAULT_VALUES))
