"""Wrappers: a layer that runs another catalog layer in a particular way, edited as one node
whose ``layer`` parameter holds the wrapped layer's type and parameters (Keras's
``Bidirectional(LSTM(...))`` and ``TimeDistributed(Dense(...))``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers import (
    activation,
    attention,
    augmentation,
    conv,
    conv_recurrent,
    dense,
    normalization,
    pooling,
    preprocessing,
    recurrent,
    regularization,
    reshape,
    spatial,
)
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt
from netdesigner.core.spec import Builds, CallStyle, LayerSpec, Outcome, Role, Shape
from netdesigner.core.why import note

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order

_LAYERS: tuple[LayerSpec, ...] = (
    *dense.SPECS,
    *conv.SPECS,
    *pooling.SPECS,
    *reshape.SPECS,
    *normalization.SPECS,
    *regularization.SPECS,
    *activation.SPECS,
    *spatial.SPECS,
    *augmentation.SPECS,
    *preprocessing.SPECS,
    *attention.SPECS,
    *recurrent.SPECS,
    *conv_recurrent.SPECS,
)


def _wraps(spec: LayerSpec) -> bool:
    """A Keras layer of one tensor in, one out, with no statistics to adapt to data first."""
    return (
        spec.role is Role.LAYER
        and spec.builds is Builds.LAYER
        and spec.calling is CallStyle.TENSOR
        and spec.inputs == 1
        and not spec.variadic
        and spec.outputs is None
        and not spec.adapts
    )


RECURRENT: dict[str, LayerSpec] = {s.type: s for s in recurrent.SPECS}
PER_STEP: dict[str, LayerSpec] = {s.type: s for s in _LAYERS if _wraps(s)}


def _layer(inner: Mapping[str, LayerSpec], default: str, doc: str) -> ParamSpec:
    return ParamSpec(
        "layer",
        ParamKind.LAYER,
        {"type": default, "params": inner[default].defaults()},
        doc,
        choices=tuple(inner),
        inner=inner,
        required=True,
    )


def inner_of(p: Mapping[str, Any], inner: Mapping[str, LayerSpec]) -> tuple[LayerSpec, Mapping[str, Any]]:
    """The wrapped layer's declaration and parameters."""
    return inner[p["layer"]["type"]], p["layer"]["params"]


def _bidirectional(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    spec, params = inner_of(p, RECURRENT)
    if params["initial_state"]:
        raise LayerError(
            "Bidirectional runs its layer from zeros both ways: initial_state is not available inside it",
            "turn initial_state off in the wrapped layer",
            code=ProblemCode.WRAPPER,
        )
    if params["go_backwards"]:
        raise LayerError(
            "Bidirectional reads the sequence backwards itself: its wrapped layer must read forwards",
            "turn go_backwards off in the wrapped layer",
            code=ProblemCode.WRAPPER,
        )
    one = spec.apply(params, inputs)
    note(lambda: f"two {spec.type} layers, one reading forwards and one backwards: twice the parameters")
    merged = (one.shape,) * 2 if p["merge_mode"] is None else (_merged(one.shape, p["merge_mode"]),)
    macs = None if one.macs is None else 2 * one.macs
    return Outcome(merged[0], 2 * one.trainable, 2 * one.non_trainable, macs, (*merged[1:], *one.more, *one.more))


def _merged(shape: Shape, mode: str) -> Shape:
    last = shape[-1]
    return (*shape[:-1], None if last is None else 2 * last) if mode == "concat" else shape


def _bidirectional_outputs(p: Mapping[str, Any]) -> tuple[str, ...]:
    spec, params = inner_of(p, RECURRENT)
    states = spec.output_names(params)[1:]
    outputs = ("out",) if p["merge_mode"] is not None else ("forward", "backward")
    return (*outputs, *(f"forward {s}" for s in states), *(f"backward {s}" for s in states))


SPECS.append(
    LayerSpec(
        type="Bidirectional",
        category="Recurrent",
        summary="read a sequence both ways",
        doc="Runs a recurrent layer over the sequence forwards and a copy of it backwards, then "
        "merges what both found (concatenated by default), so every step sees its past and its "
        "future: the usual choice for classifying or tagging text. Choose the wrapped layer and "
        "its parameters below; it has twice that layer's weights.",
        params=(
            _layer(RECURRENT, "LSTM", "the recurrent layer run both ways"),
            ParamSpec(
                "merge_mode",
                ParamKind.CHOICE,
                "concat",
                "how the two directions' outputs are combined (None: keep both, as two outputs)",
                choices=("concat", "sum", "mul", "ave", None),
                nullable=True,
            ),
        ),
        rule=_bidirectional,
        keras_class="Bidirectional",
        key_params=("layer", "merge_mode"),
        outputs=_bidirectional_outputs,
    )
)


def _time_distributed(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    spec, params = inner_of(p, PER_STEP)
    if len(x) < 3:
        raise LayerError(
            f"TimeDistributed expects a sequence (batch, steps, ...) but gets {fmt(x)}",
            "feed it a sequence (a recurrent layer with return_sequences, or a Reshape that adds a steps axis)",
            code=ProblemCode.RANK,
        )
    step = spec.apply(params, [(x[0], *x[2:])])
    note(lambda: f"one {spec.type} applied to each of the {x[1] or '?'} steps, with the same weights")
    macs = None if step.macs is None or x[1] is None else step.macs * x[1]
    return Outcome((x[0], x[1], *step.shape[1:]), step.trainable, step.non_trainable, macs)


SPECS.append(
    LayerSpec(
        type="TimeDistributed",
        category="Recurrent",
        summary="apply a layer to every step of a sequence",
        doc="Applies the same layer, with the same weights, to each step of a sequence on its "
        "own: a Dense on every step's output of a recurrent layer (a label per word), or a Conv2D "
        "on every frame of a video. Choose the wrapped layer and its parameters below; each step "
        "is shaped like one sample of it.",
        params=(_layer(PER_STEP, "Dense", "the layer applied to each step"),),
        rule=_time_distributed,
        keras_class="TimeDistributed",
        key_params=("layer",),
    )
)
