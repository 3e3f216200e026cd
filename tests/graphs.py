"""Small helpers to write test graphs as readably as Keras's functional API."""

from __future__ import annotations

from typing import Any

from netdesigner.core.graph import Graph, Node


class GraphBuilder:
    """``b("Dense", "d1", x, units=4)`` adds a node and wires ``x`` into its ports in order."""

    def __init__(self) -> None:
        self.graph = Graph()

    def __call__(self, layer_type: str, name: str, *inputs: Node, **params: Any) -> Node:
        node = self.graph.add_node(layer_type, name=name, params=params)
        for port, source in enumerate(inputs):
            self.graph.connect(source.id, node.id, port)
        return node


def chain_graph(length: int, width: int = 16) -> Graph:
    """Input -> Dense x length -> Output."""
    b = GraphBuilder()
    x = b("Input", "input", shape=[width])
    for i in range(length):
        x = b("Dense", f"dense{i}", x, units=width, activation="relu")
    b("Output", "head", x, loss="MeanSquaredError", metrics=[])
    return b.graph


def residual_graph(blocks: int, width: int = 16) -> Graph:
    """Input -> [Dense, BatchNormalization, ReLU, Dense, Add(skip)] x blocks -> Output:
    a branchy graph with a skip connection per block, 5 nodes per block."""
    b = GraphBuilder()
    x = b("Input", "input", shape=[width])
    for i in range(blocks):
        y = b("Dense", f"b{i}_dense1", x, units=width)
        y = b("BatchNormalization", f"b{i}_bn", y)
        y = b("ReLU", f"b{i}_relu", y)
        y = b("Dense", f"b{i}_dense2", y, units=width)
        x = b("Add", f"b{i}_add", y, x)
    b("Output", "head", x, loss="MeanSquaredError", metrics=[])
    return b.graph
