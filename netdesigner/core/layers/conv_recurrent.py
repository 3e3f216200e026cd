"""Convolutional recurrent layers: an LSTM whose gates are convolutions, for sequences of
signals or images (video frames, radar sweeps, weather maps)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers import common
from netdesigner.core.layers.conv import spatial
from netdesigner.core.layers.recurrent import cell_activations, reading
from netdesigner.core.params import ParamSpec
from netdesigner.core.shapes import fmt, prod, require_known_last, require_rank
from netdesigner.core.spec import LayerSpec, Outcome, Shape
from netdesigner.core.why import label, note

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order
GATES = 4  # input, forget, cell and output: each a convolution over the input and the state


def _conv_lstm_rule(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_rank(layer, x, rank + 3)
        channels = require_known_last(layer, x)
        if None in x[2:]:
            raise LayerError(
                f"{layer} needs known {'lengths' if rank == 1 else 'frame sizes'}, "
                f"but its input {fmt(x)} leaves one open",
                "give the Input its full shape (only the number of steps may be left open)",
                code=ProblemCode.UNKNOWN_SIZE,
            )
        frame = (x[0], *x[2:])  # one step: the convolution's input
        out = spatial(layer, frame, p, rank)
        f, taps = p["filters"], math.prod(p["kernel_size"])
        note(lambda: f"{layer} has {GATES} gates, each a convolution over the input and one over the state")
        weights = GATES * (label(taps * channels * f, "input weights") + label(taps * f * f, "state weights"))
        bias = label(GATES * f if p["use_bias"] else 0, "biases")
        per_step = prod(out)
        macs = None if per_step is None or x[1] is None else x[1] * per_step * GATES * taps * (channels + f)
        shape = (x[0], x[1], *out, f) if p["return_sequences"] else (x[0], *out, f)
        return Outcome(shape, weights + bias, 0, macs)

    return rule


def _params(rank: int) -> tuple[ParamSpec, ...]:
    return (
        common.filters(),
        common.kernel_size(rank),
        common.strides(rank),
        common.padding(),
        common.dilation_rate(rank),
        *cell_activations(gated=True),
        common.use_bias(),
        *common.weights("kernel", "recurrent", "bias"),
        *reading("maps"),
    )


for _rank, _example in (
    (1, "(None, steps, length, channels): a sequence of 1-D signals"),
    (2, "(None, frames, height, width, channels): a video"),
):
    SPECS.append(
        LayerSpec(
            type=f"ConvLSTM{_rank}D",
            category="Recurrent",
            summary=f"LSTM whose gates are {_rank}-D convolutions",
            doc=f"Reads a sequence of {'signals' if _rank == 1 else 'images'} step by step like an LSTM, but "
            "its state is a stack of feature maps and its gates are convolutions, so it learns "
            f"motion and change in space. Input {_example}. Set return_sequences to stack another.",
            params=_params(_rank),
            rule=_conv_lstm_rule(f"ConvLSTM{_rank}D", _rank),
            keras_class=f"ConvLSTM{_rank}D",
            key_params=("filters", "kernel_size", "return_sequences"),
        )
    )
