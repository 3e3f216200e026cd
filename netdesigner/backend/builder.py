"""Graph -> ``keras.Model`` with the functional API, the way Keras's own ``Functional`` rebuilds
a config: visit nodes in topological order and call each layer once its inputs exist.

One Keras input per Input node and one output per Output head (both in graph order), layer
names equal to node names, merge inputs in port order. Only nodes that lead to a head are
built, and only a graph that validates is built at all. Nodes that share a layer call one Keras
layer, made (with its owner's name) where the first of them is drawn.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from netdesigner.backend.layer_factory import apply_operation, call_node, make_input, make_node_layer
from netdesigner.core.errors import GraphError
from netdesigner.core.graph import Graph
from netdesigner.core.model_walk import StepKind, model_steps
from netdesigner.core.validation import Issue, validate

# Keras's random state is global: a run seeds it, then builds, compiles, adapts and fits in that
# order (the exported script's), so anything else that seeds and builds meanwhile (a look inside
# on a helper thread) would change the run's weights, shuffling or dropout. Both hold this lock.
RANDOM_STATE = threading.Lock()


class BuildError(GraphError):
    """The graph has problems; ``issues`` lists them all."""

    def __init__(self, issues: list[Issue]) -> None:
        count = len(issues)
        super().__init__(
            f"the graph has {count} problem{'s' if count != 1 else ''}: "
            + "; ".join(str(i) for i in issues[:3])
            + (" ..." if count > 3 else "")
        )
        self.issues = issues


@dataclass
class BuiltModel:
    """The Keras model and, for each node, the tensor at each of its output ports (tests compare
    them with core)."""

    model: Any
    tensors: dict[str, tuple[Any, ...]]


@contextmanager
def recursion_room(depth: int) -> Iterator[None]:
    """Keras walks the layer graph recursively (``Function._build_map_helper``), a few frames
    per layer, so deep models (a 5,000-layer chain, a big imported network) need more room
    than Python's default 1,000 frames."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, 8 * depth + 1000))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def depth_of(graph: Graph) -> int:
    """Length of the longest path, in nodes."""
    level: dict[str, int] = {}
    for nid in graph.topological_order():
        level[nid] = 1 + max((level[e.source] for e in graph.input_edges(nid).values()), default=0)
    return max(level.values(), default=0)


def build(graph: Graph, name: str = "model", mixed_precision: bool = False) -> BuiltModel:
    """``mixed_precision``: Keras's ``mixed_float16`` policy (float16 math, float32 weights) for
    every layer but those producing a head's output, kept in float32 so that softmax and the
    loss stay accurate, as Keras's mixed-precision guide advises."""
    with recursion_room(depth_of(graph)), dtype_policy("mixed_float16" if mixed_precision else None):
        return _build(graph, name, mixed_precision)


@contextmanager
def dtype_policy(name: str | None) -> Iterator[None]:
    """Keras's global dtype policy set to ``name`` while layers and the model are created (it is
    per thread in Keras, and the model remembers it: compile then adds loss scaling)."""
    import keras

    if name is None:
        yield
        return
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def _build(graph: Graph, name: str, mixed_precision: bool) -> BuiltModel:
    import keras

    issues = [i for i in validate(graph) if i.severity == "error"]
    if issues:
        raise BuildError(issues)
    heads = [n.id for n in graph.heads()]
    inputs = [n.id for n in graph.inputs()]
    tensors: dict[str, tuple[Any, ...]] = {}
    layers: dict[str, Any] = {}  # owner id -> its layer
    for step in model_steps(graph, mixed_precision):
        node, spec = step.node, step.node.spec
        arguments = [tensors[source][port] for source, port in step.sources]
        if step.kind is StepKind.INPUT:
            tensors[node.id] = (make_input(node.params, node.name),)
        elif step.kind is StepKind.HEAD:
            tensors[node.id] = (arguments[0],)
        elif step.kind is StepKind.OPERATION:
            tensors[node.id] = (apply_operation(spec.operation_call(node.params), arguments),)
        else:
            if step.makes_layer:
                dtype = "float32" if step.float32 else None
                layers[step.owner.id] = make_node_layer(spec, step.owner.params, step.owner.name, arguments, dtype)
            output = call_node(spec, node.params, layers[step.owner.id], arguments)
            tensors[node.id] = tuple(output) if isinstance(output, (list, tuple)) else (output,)
    ins = [tensors[nid][0] for nid in inputs]
    outs = [tensors[nid][0] for nid in heads]
    model = keras.Model(
        inputs=ins[0] if len(ins) == 1 else ins,
        outputs=outs[0] if len(outs) == 1 else outs,
        name=name,
    )
    return BuiltModel(model, tensors)


def build_model(graph: Graph, name: str = "model", mixed_precision: bool = False) -> Any:
    return build(graph, name, mixed_precision).model
