"""Activation layers: apply a fixed non-linearity, shape-preserving."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers import common
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt, normalize_axis, prod
from netdesigner.core.spec import LayerSpec, Outcome, Shape, same_shape
from netdesigner.core.why import label

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


def _softmax(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    normalize_axis("Softmax", p["axis"], len(x))
    return Outcome(x)


def _slope(default: float) -> ParamSpec:
    return ParamSpec(
        "negative_slope",
        ParamKind.FLOAT,
        default,
        "slope for negative inputs (0: cut them off)",
        minimum=0.0,
        maximum=1000.0,
    )


SPECS.append(
    LayerSpec(
        type="Activation",
        category="Activation",
        summary="apply an activation function",
        doc="Applies one activation function to every value. Handy after BatchNormalization, "
        "which is usually placed between a layer and its activation.",
        params=(common.activation("relu", required=True),),
        rule=same_shape,
        keras_class="Activation",
        key_params=("activation",),
    )
)

SPECS.append(
    LayerSpec(
        type="ReLU",
        category="Activation",
        summary="rectified linear unit, with optional cap and leak",
        doc="Passes positive values through and zeroes negative ones: max(x, 0). The default "
        "non-linearity of deep networks. max_value=6 gives ReLU6 as in MobileNet.",
        params=(
            ParamSpec(
                "max_value",
                ParamKind.FLOAT,
                None,
                "cap on the output",
                minimum=0.0,
                maximum=1e9,
                nullable=True,
                empty="no cap",
            ),
            _slope(0.0),
            ParamSpec(
                "threshold", ParamKind.FLOAT, 0.0, "values below this count as negative", minimum=0.0, maximum=1e9
            ),
        ),
        rule=same_shape,
        keras_class="ReLU",
        key_params=("max_value",),
    )
)

SPECS.append(
    LayerSpec(
        type="LeakyReLU",
        category="Activation",
        summary="ReLU that lets a little of the negative side through",
        doc="Like ReLU, but negative values are multiplied by a small slope instead of zeroed, "
        "so neurons never stop learning entirely.",
        params=(_slope(0.3),),
        rule=same_shape,
        keras_class="LeakyReLU",
        key_params=("negative_slope",),
    )
)

SPECS.append(
    LayerSpec(
        type="Softmax",
        category="Activation",
        summary="turn scores into probabilities that sum to 1",
        doc="Exponentiates and normalizes along an axis so the values are positive and add up to "
        "1: class probabilities for a multi-class classifier.",
        params=(common.axis(),),
        rule=_softmax,
        keras_class="Softmax",
    )
)

SPECS.append(
    LayerSpec(
        type="ELU",
        category="Activation",
        summary="exponential linear unit",
        doc="Like ReLU for positive values, a smooth exponential curve towards -alpha for "
        "negative ones; keeps mean activations closer to zero.",
        params=(
            ParamSpec(
                "alpha", ParamKind.FLOAT, 1.0, "value approached for very negative inputs", minimum=0.0, maximum=1000.0
            ),
        ),
        rule=same_shape,
        keras_class="ELU",
        key_params=("alpha",),
    )
)


def _prelu(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    slopes = list(x[1:])
    for axis in p["shared_axes"] or ():
        slopes[normalize_axis("PReLU", axis, len(x)) - 1] = 1
    if None in slopes:
        raise LayerError(
            f"PReLU learns one slope per value, but its input {fmt(x)} has an axis of unknown size",
            "share the slope along that axis (add it to shared_axes), or give the Input a fixed size",
            code=ProblemCode.UNKNOWN_DIM,
        )
    return Outcome(x, label(prod(slopes) or 0, "slopes"), 0, prod(x[1:]))


SPECS.append(
    LayerSpec(
        type="PReLU",
        category="Activation",
        summary="leaky ReLU whose negative slope is learned",
        doc="Like LeakyReLU, but the slope for negative values is a weight that training adjusts, "
        "one per value or shared along the axes you list (for images: share it over height and "
        "width, axes 1 and 2, to learn one slope per channel).",
        params=(
            ParamSpec(
                "shared_axes",
                ParamKind.INTS,
                None,
                "axes along which one slope is shared (1: the first after the batch)",
                minimum=-32,
                maximum=32,
                nullable=True,
                empty="one slope per value",
            ),
            *common.weights("alpha", activity=False),
        ),
        rule=_prelu,
        keras_class="PReLU",
        key_params=("shared_axes",),
    )
)
