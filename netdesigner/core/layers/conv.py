"""Convolution layers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers import common
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import (
    conv_length,
    deconv_length,
    prod,
    require_known_last,
    require_positive_output,
    require_rank,
)
from netdesigner.core.spec import LayerSpec, Outcome, Shape
from netdesigner.core.why import label

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


SHRINK_HINT = "use padding='same', a smaller kernel or stride, or fewer pooling layers before it"


def _check_strides_dilation(layer: str, strides: Sequence[int], dilation: Sequence[int]) -> None:
    if max(strides) > 1 and max(dilation) > 1:
        raise LayerError(
            f"{layer} cannot use strides {tuple(strides)} together with dilation_rate {tuple(dilation)}",
            "set one of them back to 1",
            code=ProblemCode.PARAM,
        )


def spatial(layer: str, x: Shape, p: Mapping[str, Any], rank: int) -> tuple[int | None, ...]:
    """Output spatial size of a sliding-window layer with kernel, strides, padding, dilation."""
    k, s, d = p["kernel_size"], p["strides"], p["dilation_rate"]
    _check_strides_dilation(layer, s, d)
    out = tuple(conv_length(x[i + 1], k[i], s[i], p["padding"], d[i]) for i in range(rank))
    require_positive_output(layer, x, out, SHRINK_HINT)
    return out


def _filtered(x: Shape, out: Sequence[int | None], channels: int, taps: int, use_bias: bool) -> Outcome:
    """A sliding filter's outcome: ``channels`` output maps of ``taps`` weights each (plus a
    bias each), applied at every output position."""
    n = prod(out)
    return Outcome(
        (x[0], *out, channels),
        label(taps * channels, "weights") + label(channels if use_bias else 0, "biases"),
        0,
        None if n is None else n * taps * channels,
    )


def _conv_rule(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_rank(layer, x, rank + 2)
        cin = require_known_last(layer, x)
        f, groups = p["filters"], p["groups"]
        if f % groups:
            raise LayerError(
                f"{layer} cannot split {f} filters into {groups} groups evenly",
                "choose filters as a multiple of groups",
                code=ProblemCode.GROUPS,
            )
        if cin % groups:
            raise LayerError(
                f"{layer} cannot split {cin} input channels into {groups} groups evenly",
                "choose groups so that it divides the number of input channels",
                code=ProblemCode.GROUPS,
            )
        out = spatial(layer, x, p, rank)
        return _filtered(x, out, f, math.prod(p["kernel_size"]) * (cin // groups), p["use_bias"])

    return rule


def _conv_params(rank: int, causal: bool = False) -> tuple[ParamSpec, ...]:
    return (
        common.filters(),
        common.kernel_size(rank),
        common.strides(rank),
        common.padding(causal=causal),
        common.dilation_rate(rank),
        ParamSpec(
            "groups",
            ParamKind.INT,
            1,
            "split channels into independent groups (1: ordinary convolution)",
            minimum=1,
            maximum=4096,
        ),
        common.activation(),
        common.use_bias(),
        *common.weights("kernel", "bias"),
    )


CONV_DOC = (
    "Slides {n} small learned filters over the input and sums the products at each position, "
    "producing one feature map per filter. Convolutions find local patterns (edges, textures, "
    "motifs) wherever they occur, with far fewer weights than a Dense layer."
)
CONV_USE = {
    1: " Use it on sequences (batch, steps, channels); 'causal' padding never looks ahead.",
    2: " The workhorse of image models: stack it with pooling to see ever larger patterns.",
    3: " Use it on volumes or video (batch, frames, height, width, channels): its filters see "
    "motion across frames as well as shapes within them.",
}
WHAT = {1: "sequences or signals", 2: "images", 3: "volumes or video clips"}

for _rank, _use in CONV_USE.items():
    _type = f"Conv{_rank}D"
    SPECS.append(
        LayerSpec(
            type=_type,
            category="Convolution",
            summary=f"{_rank}-D convolution over {WHAT[_rank]}",
            doc=CONV_DOC.format(n=f"{_rank}-D") + _use,
            params=_conv_params(_rank, causal=_rank == 1),
            rule=_conv_rule(_type, _rank),
            keras_class=_type,
            key_params=("filters", "kernel_size", "strides", "padding", "activation"),
        )
    )


def _conv_transpose_rule(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_rank(layer, x, rank + 2)
        cin = require_known_last(layer, x)
        k, s, d, op = p["kernel_size"], p["strides"], p["dilation_rate"], p["output_padding"]
        _check_strides_dilation(layer, s, d)
        if op is not None and any(op[i] >= s[i] for i in range(rank)):
            raise LayerError(
                f"{layer} needs output_padding smaller than strides, but gets "
                f"output_padding {tuple(op)} with strides {tuple(s)}",
                "lower output_padding or leave it empty",
                code=ProblemCode.PARAM,
            )
        out = tuple(
            deconv_length(x[i + 1], k[i], s[i], p["padding"], None if op is None else op[i], d[i]) for i in range(rank)
        )
        require_positive_output(layer, x, out, "use a smaller kernel or padding='valid'")
        f = p["filters"]
        taps = math.prod(k) * cin
        n = prod(x[1 : rank + 1])
        params = label(taps * f, "weights") + label(f if p["use_bias"] else 0, "biases")
        return Outcome((x[0], *out, f), params, 0, None if n is None else n * taps * f)

    return rule


def _conv_transpose_params(rank: int) -> tuple[ParamSpec, ...]:
    return (
        common.filters(),
        common.kernel_size(rank),
        common.strides(rank),
        common.padding(),
        ParamSpec(
            "output_padding",
            ParamKind.INTS,
            None,
            "extra steps added on one side of the output, per axis",
            minimum=0,
            maximum=1024,
            length=rank,
            nullable=True,
        ),
        common.dilation_rate(rank),
        common.activation(),
        common.use_bias(),
        *common.weights("kernel", "bias"),
    )


for _rank in (1, 2, 3):
    _type = f"Conv{_rank}DTranspose"
    SPECS.append(
        LayerSpec(
            type=_type,
            category="Convolution",
            summary=f"learned upsampling of {WHAT[_rank]}: a convolution run backwards",
            doc="Spreads each input value over a window of learned weights, so strides enlarge the "
            "input instead of shrinking it. Used in decoders, autoencoders and segmentation models to "
            "grow feature maps back to full size.",
            params=_conv_transpose_params(_rank),
            rule=_conv_transpose_rule(_type, _rank),
            keras_class=_type,
            key_params=("filters", "kernel_size", "strides", "padding", "activation"),
        )
    )


def _depth_multiplier() -> ParamSpec:
    return ParamSpec(
        "depth_multiplier",
        ParamKind.INT,
        1,
        "output channels per input channel of the depthwise step",
        minimum=1,
        maximum=1024,
    )


def _depthwise_params(rank: int, *weights: str) -> tuple[ParamSpec, ...]:
    """Parameters shared by the depthwise and separable convolutions (which add filters);
    ``weights`` names the layer's weights for its Keras options."""
    return (
        common.kernel_size(rank),
        common.strides(rank),
        common.padding(),
        _depth_multiplier(),
        common.dilation_rate(rank),
        common.activation(),
        common.use_bias(),
        *common.weights(*weights),
    )


def _depthwise_rule(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_rank(layer, x, rank + 2)
        cin = require_known_last(layer, x)
        out = spatial(layer, x, p, rank)
        return _filtered(x, out, cin * p["depth_multiplier"], math.prod(p["kernel_size"]), p["use_bias"])

    return rule


def _separable_rule(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_rank(layer, x, rank + 2)
        cin = require_known_last(layer, x)
        out = spatial(layer, x, p, rank)
        mid = cin * p["depth_multiplier"]
        f = p["filters"]
        taps = math.prod(p["kernel_size"])
        n = prod(out)
        return Outcome(
            (x[0], *out, f),
            label(taps * mid, "depthwise weights")
            + label(mid * f, "pointwise weights")
            + label(f if p["use_bias"] else 0, "biases"),
            0,
            None if n is None else n * (taps * mid + mid * f),
        )

    return rule


for _rank in (1, 2):
    _type = f"DepthwiseConv{_rank}D"
    SPECS.append(
        LayerSpec(
            type=_type,
            category="Convolution",
            summary="one filter per input channel",
            doc="Filters every channel on its own, without mixing channels. Much cheaper than a "
            "full convolution; MobileNet pairs it with 1x1 convolutions that do the mixing.",
            params=_depthwise_params(_rank, "depthwise", "bias"),
            rule=_depthwise_rule(_type, _rank),
            keras_class=_type,
            key_params=("kernel_size", "strides", "padding", "depth_multiplier"),
        )
    )

for _rank in (1, 2):
    _type = f"SeparableConv{_rank}D"
    SPECS.append(
        LayerSpec(
            type=_type,
            category="Convolution",
            summary="depthwise filter then 1x1 mixing, in one layer",
            doc="A depthwise convolution followed by a 1x1 convolution: nearly the power of a full "
            "convolution at a fraction of the weights and compute (Xception, MobileNet).",
            params=(common.filters(), *_depthwise_params(_rank, "depthwise", "pointwise", "bias")),
            rule=_separable_rule(_type, _rank),
            keras_class=_type,
            key_params=("filters", "kernel_size", "strides", "padding", "activation"),
        )
    )
