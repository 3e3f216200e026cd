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


def random_graph(seed: int, size: int = 14) -> Graph:
    """A random valid graph: layers of random types and parameters grown from one or two
    Inputs, kept only where inference accepts them, merges included, heads on every leaf."""
    import random

    from netdesigner.core import catalog
    from netdesigner.core.inference import infer_node
    from tests.layer_samples import random_shape, random_value

    rng = random.Random(seed)
    graph = Graph()
    infos = {}
    for i in range(rng.randint(1, 2)):
        shape = random_shape(rng, rng.choice([2, 3, 4]))
        node = graph.add_node("Input", name=f"input{i}", params={"shape": [d or 6 for d in shape[1:]]})
        infos[node.id] = infer_node(graph, node, infos)
    # the Inputs hold numbers: what takes nothing but text is left out
    types = [s for s in catalog.all_specs() if s.type not in ("Input", "Output") and not s.takes.only_text]
    attempts = 0
    while len(graph) < size and attempts < size * 40:
        attempts += 1
        spec = rng.choice(types)
        params = {p.name: p.coerce(random_value(rng, p)) for p in spec.params if p.name != "inputs"}
        count = spec.input_count(params) if not spec.variadic else rng.randint(2, 3)
        if spec.variadic:
            params["inputs"] = count
        sources = [rng.choice(list(infos)) for _ in range(count)]
        node = graph.add_node(spec.type, params=params)
        try:
            for port, source in enumerate(sources):
                graph.connect(source, node.id, port)
        except Exception:
            graph.remove_node(node.id)
            continue
        info = infer_node(graph, node, infos)
        if info.error is not None or info.shape is None or any(d == 0 for d in info.shape[1:]):
            graph.remove_node(node.id)
            continue
        infos[node.id] = info
    unused = [nid for nid, n in graph.nodes.items() if n.type == "Input" and not graph.output_edges(nid)]
    for nid in unused[: len(unused) - (len(unused) == sum(n.type == "Input" for n in graph.nodes.values()))]:
        graph.remove_node(nid)  # an Input nothing reads is a student's mistake, not a random model
    for nid in list(graph.nodes):
        if not graph.output_edges(nid) and graph.nodes[nid].type != "Input":
            head = graph.add_node("Output", params={"loss": "MeanSquaredError", "metrics": []})
            graph.connect(nid, head.id)
    return graph
