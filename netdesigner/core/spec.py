"""What a catalog entry is: ``LayerSpec`` (a layer type's declaration), the ``Outcome`` of its
shape rule, and the categories of the palette. The entries themselves live in
``netdesigner.core.layers``; ``netdesigner.core.catalog`` gathers them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from netdesigner.core.params import ParamSpec
from netdesigner.core.takes import NUMBERS, Takes

Shape = tuple[int | None, ...]


class Outcome(NamedTuple):
    """What a shape rule computes for one node (``macs`` is None when a size is unknown);
    ``more`` holds the shapes of its output ports after the first (a recurrent layer's
    states)."""

    shape: Shape
    trainable: int = 0
    non_trainable: int = 0
    macs: int | None = 0
    more: tuple[Shape, ...] = ()


Rule = Callable[[Mapping[str, Any], Sequence[Shape]], Outcome]


def same_shape(params: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    """The rule of element-wise layers (activations, dropout, rescaling): output = input."""
    return Outcome(inputs[0])


def frozen(params: Mapping[str, Any]) -> bool:
    """A layer whose weights training leaves as they are: its ``trainable`` is off (layers
    without weights have no ``trainable`` and are never frozen), and, for a pretrained
    backbone, no last layers are unfrozen for fine-tuning."""
    return params.get("trainable", True) is False and not params.get("unfreeze_last")


class Builds(StrEnum):
    """How Keras makes the node's layer: ``keras.layers.<keras_class>(...)`` called on its
    input, a ``keras.applications`` network, made for its input's shape and called on the
    prepared pixels, or no layer but a ``keras.ops`` function applied to the input tensors (the
    functional API records it as an operation, as it does ``x * 0.5``)."""

    LAYER = "layer"
    APPLICATION = "application"
    OPERATION = "operation"


@dataclass(frozen=True)
class TensorArg:
    """Where input port ``port``'s tensor goes among an operation's arguments."""

    port: int = 0


@dataclass(frozen=True)
class OpCall:
    """The ``keras.ops`` call an operation node stands for: ``function(*args, **kwargs)`` with
    ``TensorArg`` marking the input tensors; ``symbol`` is the Python operator the functional
    API records as the same operation (``x * 0.5`` is ``multiply(x, 0.5)``), which exported code
    writes instead."""

    function: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...] = ()
    symbol: str = ""


class CallStyle(StrEnum):
    """How the node's layer is called on the tensors at its input ports: on the one tensor, on
    a list of them (merges, Attention), or with one argument per port in port order
    (MultiHeadAttention's ``query, value, key``)."""

    TENSOR = "tensor"
    LIST = "list"
    ARGUMENTS = "arguments"
    INITIAL_STATE = "initial_state"  # the first port's tensor, the others as initial_state=[...]


class Role(StrEnum):
    """What a node is to the model: one of its layers, one of its inputs, or an output head."""

    LAYER = "layer"
    INPUT = "input"
    HEAD = "head"


@dataclass(frozen=True)
class LayerSpec:
    """Everything netdesigner knows about one layer type.

        ``to_keras`` adapts parameters whose Keras form is awkward to edit (nested padding pairs)
        to the constructor's form, and ``from_keras`` turns a Keras layer config back into ours;
        by default every ``keras`` parameter is passed as it is, both ways.

        ``inputs`` is the fixed number of input ports; merge layers instead read it from their
        ``inputs`` parameter (``variadic``). ``ports`` names the input ports where their order
        means something (query, value, key); ``call`` says how the layer takes them (by default one
        tensor, or a list where there are several ports). ``more_inputs`` names the input ports that
    parameters add after those (a recurrent layer's initial states), and ``outputs`` the output
    ports for given parameters (by default one, unnamed). ``keras_class`` is None for netdesigner's
        own nodes (the Output head), which mark the graph rather than add a Keras layer.
    """

    type: str
    category: str
    summary: str
    doc: str
    params: tuple[ParamSpec, ...]
    rule: Rule
    keras_class: str | None = None
    inputs: int = 1
    variadic: bool = False
    key_params: tuple[str, ...] = ()
    to_keras: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    from_keras: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    role: Role = Role.LAYER
    adapts: bool = False  # learns from the training inputs before fitting (Keras's ``adapt``)
    builds: Builds = Builds.LAYER
    ports: tuple[str, ...] = ()
    call: CallStyle | None = None
    more_inputs: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None
    outputs: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None
    operation: Callable[[Mapping[str, Any]], OpCall] | None = None  # for Builds.OPERATION
    # Our parameters from a recorded operation (its Keras class, config and arguments, each
    # input tensor a TensorArg), or None where this entry does not represent it.
    from_operation: Callable[[str, Mapping[str, Any], Sequence[Any]], dict[str, Any] | None] | None = None
    takes: Takes = NUMBERS  # what its input holds besides a shape: text, categories (core.takes)

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.type}: unknown category {self.category}")

    def apply(self, params: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        """The rule's outcome for these parameters, with a frozen layer's weights (``trainable``
        off) all counted as non-trainable, as Keras counts them."""
        outcome = self.rule(params, inputs)
        if frozen(params) and outcome.trainable:
            return outcome._replace(trainable=0, non_trainable=outcome.non_trainable + outcome.trainable)
        return outcome

    def operation_call(self, params: Mapping[str, Any]) -> OpCall:
        """The ``keras.ops`` call an operation node with these parameters stands for."""
        if self.operation is None:
            raise ValueError(f"{self.type} is a layer, not an operation")
        return self.operation(params)

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def input_count(self, params: Mapping[str, Any]) -> int:
        if self.variadic:
            count = params.get("inputs", self.param("inputs").default)
            return count if isinstance(count, int) and not isinstance(count, bool) else 0
        return self.inputs + len(self.more_inputs(params) if self.more_inputs else ())

    def output_names(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        """The names of the output ports for these parameters: "out" where there is one."""
        return self.outputs(params) if self.outputs else ("out",)

    def params_from_keras(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """Our parameter values (not yet coerced) found in a Keras layer config."""
        config = self.from_keras(config) if self.from_keras else dict(config)
        return {p.name: config[p.name] for p in self.keras_params if p.name in config}

    @property
    def shareable(self) -> bool:
        """Whether several nodes may call one layer of this type: a Keras layer whose input
        count is its own (a merge counts its inputs per call and has no weights to share)."""
        return self.role is Role.LAYER and self.builds is Builds.LAYER and not self.variadic

    @property
    def calling(self) -> CallStyle:
        """How the layer is called: as declared, else on a list where it has several ports."""
        if self.call is not None:
            return self.call
        return CallStyle.LIST if self.variadic or self.inputs > 1 else CallStyle.TENSOR

    def port_labels(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        """The names shown on the input ports for these parameters: the declared ones, else
        "in" alone or "in 1", "in 2", ... in merge order; then those the parameters add."""
        more = self.more_inputs(params) if self.more_inputs else ()
        fixed = self.input_count(params) - len(more)
        generic = tuple("in" if fixed == 1 else f"in {i + 1}" for i in range(len(self.ports), fixed))
        return (*self.ports[:fixed], *generic, *more)

    @property
    def keras_params(self) -> tuple[ParamSpec, ...]:
        return tuple(p for p in self.params if p.keras)

    def keras_kwargs(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Constructor arguments of the Keras layer (``name`` aside) for these parameters."""
        kwargs = {p.name: params[p.name] for p in self.params if p.keras}
        kwargs.update(kwargs.pop("keras_options", {}))
        return self.to_keras(kwargs) if self.to_keras else kwargs

    @property
    def base_name(self) -> str:
        """A snake_case stem for default node names, the way Keras names its layers."""
        name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", self.type)
        return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


CATEGORIES: tuple[str, ...] = (
    "Input / Output",
    "Core",
    "Convolution",
    "Pooling",
    "Reshape",
    "Normalization",
    "Regularization",
    "Activation",
    "Merge",
    "Recurrent",
    "Attention",
    "Math",
    "Preprocessing",
    "Pretrained",
)
