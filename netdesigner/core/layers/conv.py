"""Convolution layers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError
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
            code="param",
        )


def _spatial(layer: str, x: Shape, p: Mapping[str, Any], rank: int) -> tuple[int | None, ...]:
    """Output spatial size of a sliding-window layer with kernel, strides, padding, dilation."""
    k, s, d = p["kernel_size"], p["strides"], p["dilation_rate"]
    _check_strides_dilation(layer, s, d)
    out = tuple(conv_length(x[i + 1], k[i], s[i], p["padding"], d[i]) for i in range(rank))
    require_positive_output(layer, x, out, SHRINK_HINT)
    return out


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
                code="groups",
            )
        if cin % groups:
            raise LayerError(
                f"{layer} cannot split {cin} input channels into {groups} groups evenly",
                "choose groups so that it divides the number of input channels",
                code="groups",
            )
        out = _spatial(layer, x, p, rank)
        taps = prod(p["kernel_size"]) * (cin // groups)
        n = prod(out)
        return Outcome(
            (x[0], *out, f),
            label(taps * f, "weights") + label(f if p["use_bias"] else 0, "biases"),
            0,
            None if n is None else n * taps * f,
        )

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

SPECS.append(
    LayerSpec(
        type="Conv1D",
        category="Convolution",
        summary="1-D convolution over sequences or signals",
        doc=CONV_DOC.format(n="1-D")
        + " Use it on sequences (batch, steps, channels); 'causal' padding never looks ahead.",
        params=_conv_params(1, causal=True),
        rule=_conv_rule("Conv1D", 1),
        keras_class="Conv1D",
        key_params=("filters", "kernel_size", "strides", "padding", "activation"),
    )
)

SPECS.append(
    LayerSpec(
        type="Conv2D",
        category="Convolution",
        summary="2-D convolution over images",
        doc=CONV_DOC.format(n="2-D")
        + " The workhorse of image models: stack it with pooling to see ever larger patterns.",
        params=_conv_params(2),
        rule=_conv_rule("Conv2D", 2),
        keras_class="Conv2D",
        key_params=("filters", "kernel_size", "strides", "padding", "activation"),
    )
)


def _conv_transpose_rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    layer = "Conv2DTranspose"
    (x,) = inputs
    require_rank(layer, x, 4)
    cin = require_known_last(layer, x)
    k, s, d, op = p["kernel_size"], p["strides"], p["dilation_rate"], p["output_padding"]
    _check_strides_dilation(layer, s, d)
    if op is not None:
        for i in range(2):
            if op[i] >= s[i]:
                raise LayerError(
                    f"{layer} needs output_padding smaller than strides, but gets "
                    f"output_padding {tuple(op)} with strides {tuple(s)}",
                    "lower output_padding or leave it empty",
                    code="param",
                )
    out = tuple(
        deconv_length(x[i + 1], k[i], s[i], p["padding"], None if op is None else op[i], d[i]) for i in range(2)
    )
    require_positive_output(layer, x, out, "use a smaller kernel or padding='valid'")
    f = p["filters"]
    taps = math.prod(k) * cin
    n = prod(x[1:3])
    params = label(taps * f, "weights") + label(f if p["use_bias"] else 0, "biases")
    return Outcome((x[0], *out, f), params, 0, None if n is None else n * taps * f)


SPECS.append(
    LayerSpec(
        type="Conv2DTranspose",
        category="Convolution",
        summary="learned upsampling: a convolution run backwards",
        doc="Spreads each input pixel over a window of learned weights, so strides enlarge the "
        "image instead of shrinking it. Used in decoders, autoencoders and segmentation models to "
        "grow feature maps back to image size.",
        params=(
            common.filters(),
            common.kernel_size(2),
            common.strides(2),
            common.padding(),
            ParamSpec(
                "output_padding",
                ParamKind.INTS,
                None,
                "extra rows/columns added on one side of the output",
                minimum=0,
                maximum=1024,
                length=2,
                nullable=True,
            ),
            common.dilation_rate(2),
            common.activation(),
            common.use_bias(),
            *common.weights("kernel", "bias"),
        ),
        rule=_conv_transpose_rule,
        keras_class="Conv2DTranspose",
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


def _depthwise_params(*weights: str) -> tuple[ParamSpec, ...]:
    """Parameters shared by DepthwiseConv2D and SeparableConv2D (which adds filters); ``weights``
    names the layer's weights for its Keras options."""
    return (
        common.kernel_size(2),
        common.strides(2),
        common.padding(),
        _depth_multiplier(),
        common.dilation_rate(2),
        common.activation(),
        common.use_bias(),
        *common.weights(*weights),
    )


def _depthwise_rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    layer = "DepthwiseConv2D"
    (x,) = inputs
    require_rank(layer, x, 4)
    cin = require_known_last(layer, x)
    out = _spatial(layer, x, p, 2)
    channels = cin * p["depth_multiplier"]
    taps = math.prod(p["kernel_size"])
    n = prod(out)
    return Outcome(
        (x[0], *out, channels),
        label(taps * channels, "weights") + label(channels if p["use_bias"] else 0, "biases"),
        0,
        None if n is None else n * taps * channels,
    )


SPECS.append(
    LayerSpec(
        type="DepthwiseConv2D",
        category="Convolution",
        summary="one spatial filter per input channel",
        doc="Filters every channel on its own, without mixing channels. Much cheaper than Conv2D; "
        "MobileNet pairs it with 1x1 convolutions that do the mixing.",
        params=_depthwise_params("depthwise", "bias"),
        rule=_depthwise_rule,
        keras_class="DepthwiseConv2D",
        key_params=("kernel_size", "strides", "padding", "depth_multiplier"),
    )
)


def _separable_rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    layer = "SeparableConv2D"
    (x,) = inputs
    require_rank(layer, x, 4)
    cin = require_known_last(layer, x)
    out = _spatial(layer, x, p, 2)
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


SPECS.append(
    LayerSpec(
        type="SeparableConv2D",
        category="Convolution",
        summary="depthwise filter then 1x1 mixing, in one layer",
        doc="A DepthwiseConv2D followed by a 1x1 convolution: nearly the power of Conv2D at a "
        "fraction of the weights and compute (Xception, MobileNet).",
        params=(common.filters(), *_depthwise_params("depthwise", "pointwise", "bias")),
        rule=_separable_rule,
        keras_class="SeparableConv2D",
        key_params=("filters", "kernel_size", "strides", "padding", "activation"),
    )
)
