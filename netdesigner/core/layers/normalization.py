"""Normalization layers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError
from netdesigner.core.layers import common
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt, normalize_axis, prod
from netdesigner.core.spec import LayerSpec, Outcome, Shape
from netdesigner.core.why import label

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


def _axis_size(layer: str, x: Shape, axis: int) -> int:
    size = x[normalize_axis(layer, axis, len(x))]
    if size is None:
        raise LayerError(
            f"{layer} needs to know the size of axis {axis} but it is unknown in {fmt(x)}",
            "give the Input a fixed size on that axis",
            code="unknown_dim",
        )
    return size


def _batch_norm(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    size = _axis_size("BatchNormalization", x, p["axis"])
    learned = int(p["center"]) + int(p["scale"])
    return Outcome(
        x, label(learned * size, "scales and offsets"), label(2 * size, "moving means and variances"), prod(x[1:])
    )


SPECS.append(
    LayerSpec(
        type="BatchNormalization",
        category="Normalization",
        summary="re-centre and re-scale each channel over the batch",
        doc="Normalizes each channel to mean 0 and variance 1 using batch statistics while "
        "training (running averages at inference), then applies a learned scale and offset. "
        "Speeds up and steadies training of deep networks.",
        params=(
            common.axis(doc="axis of the channels to normalize (-1: the last)"),
            ParamSpec(
                "momentum",
                ParamKind.FLOAT,
                0.99,
                "how slowly the running averages follow the batches",
                minimum=0.0,
                maximum=1.0,
            ),
            common.epsilon(),
            common.center(),
            common.scale(),
            *common.weights("beta", "gamma", activity=False, initializers=("moving_mean", "moving_variance")),
        ),
        rule=_batch_norm,
        keras_class="BatchNormalization",
    )
)


def _layer_norm(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    learned = int(p["center"]) + int(p["scale"])
    if not learned:  # no weights, so the axis size may stay unknown
        normalize_axis("LayerNormalization", p["axis"], len(x))
        return Outcome(x, 0, 0, prod(x[1:]))
    size = _axis_size("LayerNormalization", x, p["axis"])
    return Outcome(x, label(learned * size, "scales and offsets"), 0, prod(x[1:]))


SPECS.append(
    LayerSpec(
        type="LayerNormalization",
        category="Normalization",
        summary="normalize each sample over its features",
        doc="Normalizes every sample on its own (not over the batch), then applies a learned "
        "scale and offset. The usual choice in recurrent networks and transformers.",
        params=(
            common.axis(),
            common.epsilon(),
            common.center(),
            common.scale(),
            *common.weights("beta", "gamma", activity=False),
        ),
        rule=_layer_norm,
        keras_class="LayerNormalization",
    )
)
