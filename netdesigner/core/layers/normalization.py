"""Normalization layers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
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
            code=ProblemCode.UNKNOWN_DIM,
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


def axis_list(layer: str, axis: int | tuple[int, ...], rank: int) -> list[int]:
    """One axis or a list of them, each checked against the input's rank."""
    return [normalize_axis(layer, a, rank) for a in (axis if isinstance(axis, tuple) else (axis,))]


def _layer_norm(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    learned = int(p["center"]) + int(p["scale"])
    axes = axis_list("LayerNormalization", p["axis"], len(x))
    if not learned:  # no weights, so the axis sizes may stay unknown
        return Outcome(x, 0, 0, prod(x[1:]))
    size = 1
    for axis in axes:
        size *= _axis_size("LayerNormalization", x, axis)
    return Outcome(x, label(learned * size, "scales and offsets"), 0, prod(x[1:]))


SPECS.append(
    LayerSpec(
        type="LayerNormalization",
        category="Normalization",
        summary="normalize each sample over its features",
        doc="Normalizes every sample on its own (not over the batch), then applies a learned "
        "scale and offset. The usual choice in recurrent networks and transformers.",
        params=(
            common.axes(doc="axis or list of axes normalized together (-1: the features)"),
            common.epsilon(),
            common.center(),
            common.scale(),
            *common.weights("beta", "gamma", activity=False),
        ),
        rule=_layer_norm,
        keras_class="LayerNormalization",
    )
)


def _unit_norm(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    axis_list("UnitNormalization", p["axis"], len(x))
    return Outcome(x, 0, 0, prod(x[1:]))


SPECS.append(
    LayerSpec(
        type="UnitNormalization",
        category="Normalization",
        summary="scale each sample to length 1",
        doc="Divides every sample by its Euclidean length along the axis, so it keeps its "
        "direction and gets length 1. Used before comparing embeddings by cosine similarity.",
        params=(common.axes(),),
        rule=_unit_norm,
        keras_class="UnitNormalization",
    )
)


def _group_norm(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    channels = _axis_size("GroupNormalization", x, p["axis"])
    groups = channels if p["groups"] == -1 else p["groups"]
    if groups == 0 or groups > channels or channels % groups:
        raise LayerError(
            f"GroupNormalization cannot split {channels} channels into {groups} equal groups",
            f"choose groups that divides {channels}, or -1 for one group per channel",
            code=ProblemCode.GROUPS,
        )
    learned = int(p["center"]) + int(p["scale"])
    return Outcome(x, label(learned * channels, "scales and offsets"), 0, prod(x[1:]))


SPECS.append(
    LayerSpec(
        type="GroupNormalization",
        category="Normalization",
        summary="normalize groups of channels within each sample",
        doc="Splits the channels into groups and normalizes each group of each sample on its own, "
        "then applies a learned scale and offset. Unlike BatchNormalization it does not depend "
        "on the batch, so it works with tiny batches (1 group: like LayerNormalization; one per "
        "channel: instance normalization).",
        params=(
            ParamSpec(
                "groups",
                ParamKind.INT,
                32,
                "number of channel groups (-1: one per channel)",
                minimum=-1,
                maximum=100_000,
            ),
            common.axis(doc="axis of the channels (-1: the last)"),
            common.epsilon(),
            common.center(),
            common.scale(),
            *common.weights("beta", "gamma", activity=False),
        ),
        rule=_group_norm,
        keras_class="GroupNormalization",
        key_params=("groups",),
    )
)
