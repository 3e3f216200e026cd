"""The graph as the steps that make its Keras model: walked once here, then interpreted twice,
by the builder (Keras objects) and by the exporter (source text), as torch.fx interprets one
graph for running and for printing. Every decision both need is taken here: which nodes take
part and in which order, which tensors feed each call, whether a node is an Input, a head, a
``keras.ops`` operation, a backbone or a layer, which node's layer a call uses and where that
layer is made, and which layers stay in float32 under mixed precision.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from netdesigner.core.graph import Graph, Node
from netdesigner.core.spec import Builds


class StepKind(StrEnum):
    INPUT = "input"  # keras.Input
    HEAD = "head"  # an Output head: the tensor feeding it is a model output
    OPERATION = "operation"  # a keras.ops function on the input tensors
    BACKBONE = "backbone"  # a keras.applications network, made for its input's shape
    LAYER = "layer"  # a keras.layers object called on its input tensors


STEP_OF: dict[Builds, StepKind] = {
    Builds.LAYER: StepKind.LAYER,
    Builds.APPLICATION: StepKind.BACKBONE,
    Builds.OPERATION: StepKind.OPERATION,
}

Port = tuple[str, int]  # (node id, output port): one tensor of the model


@dataclass(frozen=True)
class Step:
    """One node's part in the model."""

    node: Node
    kind: StepKind
    sources: tuple[Port, ...]  # the tensors at its input ports, in port order
    owner: Node  # the node whose layer it calls: itself, or the one it shares a layer with
    makes_layer: bool  # the layer is made here (a shared layer where its first call is drawn)
    shared: bool  # several nodes call this layer
    float32: bool  # kept in float32 under mixed precision (it makes a head's output)


def model_steps(graph: Graph, mixed_precision: bool = False) -> Iterator[Step]:
    """The steps of every node that leads to a head, in topological order."""
    float32_ids = set(graph.head_sources()) if mixed_precision else set()
    needed = graph.ancestors(n.id for n in graph.heads())
    made: set[str] = set()
    for nid in graph.topological_order():
        if nid not in needed:
            continue
        node = graph.nodes[nid]
        kind = StepKind.INPUT if node.is_input else StepKind.HEAD if node.is_head else STEP_OF[node.spec.builds]
        owner = graph.nodes[node.shares or nid]
        group = graph.layer_group(nid)
        makes_layer = kind in (StepKind.LAYER, StepKind.BACKBONE) and owner.id not in made
        made.add(owner.id)
        yield Step(
            node=node,
            kind=kind,
            sources=tuple((e.source, e.source_port) for _, e in sorted(graph.input_edges(nid).items())),
            owner=owner,
            makes_layer=makes_layer,
            shared=len(group) > 1,
            float32=bool(float32_ids.intersection(group)),
        )
