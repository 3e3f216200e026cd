"""Fully connected and lookup layers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.layers import common
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import prod, require_known_last, require_min_rank
from netdesigner.core.spec import LayerSpec, Outcome, Shape, same_shape
from netdesigner.core.takes import Takes
from netdesigner.core.why import label

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


def _dense(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    require_min_rank("Dense", x, 2)
    features = require_known_last("Dense", x, "features")
    units = p["units"]
    rows = prod(x[1:-1])
    return Outcome(
        (*x[:-1], units),
        label(features * units, "weights") + label(units if p["use_bias"] else 0, "biases"),
        0,
        None if rows is None else rows * features * units,
    )


SPECS.append(
    LayerSpec(
        type="Dense",
        category="Core",
        summary="fully connected layer: every input feeds every output",
        doc="Computes activation(inputs · weights + bias). The basic building block of "
        "multi-layer perceptrons and of the classifier at the end of most networks. On inputs "
        "with more than one axis it acts on the last axis only.",
        params=(common.units(), common.activation(), common.use_bias(), *common.weights("kernel", "bias")),
        rule=_dense,
        keras_class="Dense",
        key_params=("units", "activation"),
    )
)


def _embedding(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    return Outcome((*x, p["output_dim"]), label(p["input_dim"] * p["output_dim"], "vector entries"), 0, 0)


SPECS.append(
    LayerSpec(
        type="Embedding",
        category="Core",
        summary="turn integer ids (words, categories) into learned vectors",
        doc="Looks up a learned vector for each integer in the input, e.g. word ids -> word "
        "vectors. input_dim must exceed the largest id; feed it an Input with dtype int32.",
        params=(
            ParamSpec(
                "input_dim",
                ParamKind.INT,
                1000,
                "number of distinct ids (largest id + 1)",
                minimum=1,
                maximum=100_000_000,
                required=True,
            ),
            ParamSpec(
                "output_dim",
                ParamKind.INT,
                64,
                "length of each learned vector",
                minimum=1,
                maximum=1_000_000,
                required=True,
            ),
            ParamSpec("mask_zero", ParamKind.BOOL, False, "treat id 0 as padding to be ignored downstream"),
            *common.weights("embeddings", activity=False),
        ),
        rule=_embedding,
        keras_class="Embedding",
        key_params=("input_dim", "output_dim"),
        takes=Takes(values=lambda p: p["input_dim"]),  # stand-in ids stay below input_dim
    )
)

SPECS.append(
    LayerSpec(
        type="Identity",
        category="Core",
        summary="pass the input through unchanged",
        doc="Outputs exactly its input. A named placeholder: keeps a spot in a model for a layer "
        "you will choose later, or gives a branch a name of its own.",
        params=(),
        rule=same_shape,
        keras_class="Identity",
    )
)
