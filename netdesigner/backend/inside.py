"""A look inside the network: what one node computes for one input sample, and its weights.

A student who has built a CNN wants to see its feature maps, before and after training, for a
picture they choose. ``Probe`` builds the graph the way a training run does (the same seed, so
the untrained weights are exactly those training starts from), optionally copies a trained
model's weights in, and runs one forward pass per (node, port, sample) through a Keras
sub-model from the inputs to that node's output. No Qt here: the editor calls it off the GUI
thread and draws the ``Look`` with ``ActivationFigure``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from netdesigner.core.errors import GraphError
from netdesigner.core.graph import Graph, Node

MAX_CACHED = 256  # activations kept: a 150x150x32 map is 2.9 MB, so a long session stays bounded


class LookKind(StrEnum):
    """How a node's output for one sample is best shown, decided by its shape."""

    MAPS = "maps"  # (H, W, C): a 2-D convolution's feature maps
    IMAGE = "image"  # an Input's picture: (H, W) or (H, W, 1 | 3)
    VECTOR = "vector"  # (D,)
    SEQUENCE = "sequence"  # (T, D): one vector per time step
    VOLUME = "volume"  # (T | D, H, W, C) and deeper: feature maps of the middle slice
    SCALAR = "scalar"  # ()
    TEXT = "text"  # a string Input's text


def kind_of(values: np.ndarray, is_input: bool = False) -> LookKind:
    """An Input's 2-D samples and 3-D ones with 1 or 3 channels are pictures; other outputs go by rank."""
    if values.dtype.kind in "USO":
        return LookKind.TEXT
    rank = values.ndim
    if is_input and (rank == 2 or (rank == 3 and values.shape[-1] in (1, 3))):
        return LookKind.IMAGE
    by_rank = {0: LookKind.SCALAR, 1: LookKind.VECTOR, 2: LookKind.SEQUENCE, 3: LookKind.MAPS}
    return by_rank.get(rank, LookKind.VOLUME)


@dataclass(frozen=True)
class Look:
    """One node's output on one port for one sample (batch axis removed), with its layer's weights."""

    node: str  # the node's name
    port: str  # the output port's name, "" for a node with a single output
    kind: LookKind
    values: np.ndarray  # float32; a 0-d str array for TEXT
    weights: np.ndarray | None  # every weight of the node's layer, flattened; None: it has none
    trained: bool  # the weights came from a trained model, not the initial ones
    sample: int
    is_input: bool = False  # the sample itself: no weights were involved

    def describe(self) -> str:
        """One line for a student: what is shown, for which sample, with which weights."""
        where = f"{self.node} ({self.port})" if self.port else self.node
        what = _what(self.kind, self.values)
        weights = "" if self.is_input else f" ({'trained' if self.trained else 'initial'} weights)"
        return f"{where}: {what} for sample {self.sample}{weights}"


def _what(kind: LookKind, values: np.ndarray) -> str:
    shape = values.shape
    match kind:
        case LookKind.MAPS:
            return f"{_count(shape[-1], 'feature map')} of {_by(shape[:2])}"
        case LookKind.IMAGE:
            return f"the {_by(shape[:2])} {'colour' if shape[2:] == (3,) else 'grey'} picture"
        case LookKind.VECTOR:
            return _count(shape[0], "value")
        case LookKind.SEQUENCE:
            return f"{_count(shape[0], 'time step')} of {_count(shape[1], 'value')}"
        case LookKind.VOLUME:
            return f"{_count(shape[-1], 'feature map')} of {_by(shape[-3:-1])} in {_by(shape[:-3])} slices"
        case LookKind.SCALAR:
            return f"the value {float(values):.4g}"
    return "the text"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'s' if number != 1 else ''}"


def _by(sizes: tuple[int, ...]) -> str:
    return "×".join(str(s) for s in sizes)


class Probe:
    """One node's activations for one input sample: a Keras sub-model from the inputs to that
    node's output (one forward pass), cached per (node, port, sample).

    ``x``: the samples to choose from, as ``fit`` takes them (an array, or a list with one per
    Input in graph order), e.g. ``training.holdout(data, split)[0]``. ``trained``: a trained
    ``keras.Model`` of this graph, whose weights are copied in layer by layer, by name.
    Preprocessing layers that adapt to data (Normalization, lookups) are not adapted here: until
    a trained model is given they show their state before adapting. The graph is read as it is
    now: give it one nobody edits meanwhile (a snapshot of the document)."""

    def __init__(self, graph: Graph, seed: int, x: Any, trained: Any | None = None) -> None:
        import keras

        from netdesigner.backend.builder import RANDOM_STATE, build
        from netdesigner.backend.carry_weights import carry_weights

        self.graph = graph
        self._x = list(x) if isinstance(x, (list, tuple)) else [x]
        inputs = graph.inputs()
        if len(self._x) != len(inputs):
            raise GraphError(
                f"the model has {len(inputs)} input{'s' if len(inputs) != 1 else ''} "
                f"but the data gives samples for {len(self._x)}",
                "give one array of samples per Input, in graph order",
            )
        self._samples = min((int(a.shape[0]) for a in self._x), default=0)
        self._input_index = {node.id: i for i, node in enumerate(inputs)}
        with RANDOM_STATE:  # never while a run trains: it would change that run's random numbers
            keras.utils.set_random_seed(seed)  # then build: what TrainingRun does, so the same weights
            self.built = build(graph)
        self.trained = trained is not None
        if trained is not None and not carry_weights(trained, self.built.model):
            if any(layer.weights for layer in self.built.model.layers):
                raise GraphError(
                    "the trained model does not match this graph: no layer's weights fit",
                    "train the graph again, or look at the initial weights",
                )
        self.forward_passes = 0
        self._models: dict[tuple[str, int], Any] = {}
        self._values: dict[tuple[str, int, int], np.ndarray] = {}
        self._weights: dict[str, np.ndarray | None] = {}

    @property
    def samples(self) -> int:
        return self._samples

    def look(self, node_id: str, sample: int, port: int = 0) -> Look:
        """What ``node_id`` computes on output ``port`` for sample number ``sample``."""
        node = self._node(node_id)
        if not 0 <= sample < self._samples:
            raise GraphError(
                f"there is no sample {sample}: the data has {self._samples} (numbered 0 to {self._samples - 1})"
                if self._samples
                else f"there is no sample {sample}: the data is empty",
                "choose a sample in that range",
            )
        names = node.spec.output_names(node.params)
        if not 0 <= port < len(names):
            raise GraphError(f"{node.name} has no output {port + 1} (it has {len(names)})")
        key = (node_id, port, sample)
        values = self._values.get(key)
        if values is None:
            values = self._input_sample(node, sample) if node.is_input else self._forward(node_id, port, sample)
            if len(self._values) >= MAX_CACHED:
                del self._values[next(iter(self._values))]  # the oldest
            self._values[key] = values
        return Look(
            node=node.name,
            port="" if len(names) == 1 else names[port],
            kind=kind_of(values, node.is_input),
            values=values,
            weights=self._layer_weights(node),
            trained=self.trained,
            sample=sample,
            is_input=node.is_input,
        )

    def _node(self, node_id: str) -> Node:
        node = self.graph.nodes.get(node_id)
        if node is None:
            raise GraphError(f"there is no node {node_id!r} in this graph", "it may have been deleted")
        if node_id not in self.built.tensors:  # added since: the graph was edited after the build
            raise GraphError(
                f"{node.name} is not in the model built for this look: the graph changed since", "look again"
            )
        return node

    def _input_sample(self, node: Node, sample: int) -> np.ndarray:
        """An Input shows the sample itself; text as one string (several values joined by spaces)."""
        raw = np.asarray(self._x[self._input_index[node.id]][sample])
        if raw.dtype.kind not in "USO":
            return raw.astype(np.float32)
        words = [v.decode("utf-8", errors="replace") if isinstance(v, bytes) else str(v) for v in raw.ravel()]
        return np.array(" ".join(words))

    def _forward(self, node_id: str, port: int, sample: int) -> np.ndarray:
        import keras

        model = self._models.get((node_id, port))
        if model is None:
            built = self.built
            model = self._models[(node_id, port)] = keras.Model(built.model.inputs, built.tensors[node_id][port])
        batch = [a[sample : sample + 1] for a in self._x]
        self.forward_passes += 1
        output = model(batch, training=False)
        return np.asarray(keras.ops.convert_to_numpy(output)[0], dtype=np.float32)

    def _layer_weights(self, node: Node) -> np.ndarray | None:
        """The weights of the layer the node calls (its owner's, when it shares one); Inputs,
        Output heads and operations have none."""
        if node.id not in self._weights:
            owner = self.graph.nodes[node.shares or node.id]
            arrays = []
            if not (owner.is_input or owner.is_head or owner.spec.operation is not None):
                arrays = [np.ravel(w) for w in self.built.model.get_layer(owner.name).get_weights()]
            self._weights[node.id] = np.concatenate(arrays).astype(np.float32) if arrays else None
        return self._weights[node.id]
