"""Attention layers: a query looks up a value through a key (Luong's dot product, Bahdanau's
additive score, the Transformer's multi-head attention), and Dot, which compares two tensors.

Keras checks few of these shapes when the model is built (it only fails when data flows), so
these rules are stricter: a query and key that cannot be compared are refused at once. Their
multiply-adds are not counted yet (None: shown as unknown, never as a wrong number).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers import common
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt, normalize_axis, prod, require_known_last
from netdesigner.core.spec import CallStyle, LayerSpec, Outcome, Shape
from netdesigner.core.why import label

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order

PORTS = ("query", "value", "key")


def _mismatch(layer: str, what: str, a: Shape, b: Shape, hint: str) -> LayerError:
    return LayerError(f"{layer}: {what} differ: {fmt(a)} vs {fmt(b)}", hint, code=ProblemCode.MISMATCH)


def _same_known(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def _addable(a: int | None, b: int | None) -> bool:
    """Sizes that ``query + key`` broadcasts: equal, unknown, or 1."""
    return _same_known(a, b) or 1 in (a, b)


def _query_value_key(layer: str, inputs: Sequence[Shape]) -> tuple[Shape, Shape, Shape]:
    """The three tensors of a dot-product or additive attention, checked: sequences of the
    same rank, value and key of one length, batch axes alike."""
    query, value = inputs[0], inputs[1]
    key = inputs[2] if len(inputs) > 2 else value
    for shape in (query, value, key):
        if len(shape) != 3:
            raise LayerError(
                f"{layer} works on sequences (batch, steps, features) but gets {fmt(shape)}",
                "give it the outputs of recurrent, Embedding or Conv1D layers",
                code=ProblemCode.SEQUENCE,
            )
    if not _same_known(value[1], key[1]):
        raise _mismatch(layer, "value and key lengths", value, key, "feed value and key from the same sequence")
    return query, value, key


def _attention(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    query, value, key = _query_value_key("Attention", inputs)
    fits = _addable if p["score_mode"] == "concat" else _same_known
    if not fits(query[-1], key[-1]):
        raise _mismatch(
            "Attention", "query and key features", query, key, "give query and key the same number of features"
        )
    weights = int(p["use_scale"]) + int(p["score_mode"] == "concat")
    return Outcome((*query[:-1], value[-1]), label(weights, "scales"), 0, None)


def _additive(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    query, value, key = _query_value_key("AdditiveAttention", inputs)
    if not _addable(query[-1], key[-1]):
        raise _mismatch(
            "AdditiveAttention", "query and key features", query, key, "give query and key the same number of features"
        )
    scale = require_known_last("AdditiveAttention", query, "features") if p["use_scale"] else 0
    return Outcome((*query[:-1], value[-1]), label(scale, "scales"), 0, None)


def _ports() -> ParamSpec:
    return common.merge_inputs(maximum=3, doc="2: query and value (the value is also the key); 3: query, value, key")


def _dropout(what: str) -> ParamSpec:
    return ParamSpec(
        "dropout", ParamKind.FLOAT, 0.0, f"fraction of {what} dropped while training", minimum=0, maximum=1
    )


def _attention_params(use_scale: bool) -> tuple[ParamSpec, ...]:
    return (
        _ports(),
        ParamSpec("use_scale", ParamKind.BOOL, use_scale, "learn a factor that sharpens or flattens the scores"),
        _dropout("attention scores"),
    )


SPECS.append(
    LayerSpec(
        type="Attention",
        category="Attention",
        summary="dot-product attention of a query over a sequence",
        doc="For every step of the query, scores each step of the key by a dot product, turns the "
        "scores into weights with a softmax, and returns the weighted sum of the value: each "
        "query step reads what it needs from the other sequence (Luong-style attention).",
        params=(
            *_attention_params(False),
            ParamSpec(
                "score_mode",
                ParamKind.CHOICE,
                "dot",
                "'dot': query . key; 'concat': tanh of query + key, summed",
                choices=("dot", "concat"),
            ),
        ),
        rule=_attention,
        keras_class="Attention",
        variadic=True,
        ports=PORTS,
    )
)

SPECS.append(
    LayerSpec(
        type="AdditiveAttention",
        category="Attention",
        summary="additive (Bahdanau) attention of a query over a sequence",
        doc="Like Attention, but each score is a learned sum tanh(query + key) instead of a dot "
        "product: the attention of the first neural translation models.",
        params=_attention_params(True),
        rule=_additive,
        keras_class="AdditiveAttention",
        variadic=True,
        ports=PORTS,
    )
)


def _heads_axes(p: Mapping[str, Any], query: Shape) -> list[int]:
    axes = p["attention_axes"]
    if axes is None:
        return list(range(1, len(query) - 1))
    return [normalize_axis("MultiHeadAttention", a, len(query) - 1) for a in axes]


def _multi_head(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    layer = "MultiHeadAttention"
    query, value = inputs[0], inputs[1]
    key = inputs[2] if len(inputs) > 2 else value
    if len(query) < 3:
        raise LayerError(
            f"{layer} attends over steps or positions, but its query {fmt(query)} has none",
            "give it a sequence (batch, steps, features), e.g. after an Embedding",
            code=ProblemCode.SEQUENCE,
        )
    for shape in (value, key):
        if len(shape) != len(query):
            raise _mismatch(layer, "query and value/key ranks", query, shape, "give all inputs the same layout")
    if any(not _same_known(a, b) for a, b in zip(value[1:-1], key[1:-1], strict=True)):
        raise _mismatch(layer, "value and key sizes (but features)", value, key, "feed value and key from one source")
    attended = _heads_axes(p, query)
    for i in range(1, len(query) - 1):
        if i not in attended and not _same_known(query[i], key[i]):
            raise _mismatch(layer, f"query and key on axis {i}", query, key, "attend over that axis too")
    q_in = require_known_last(layer, query, "features")
    k_in = require_known_last(layer, key, "features")
    v_in = require_known_last(layer, value, "features")
    heads, kd = p["num_heads"], p["key_dim"]
    vd = p["value_dim"] or kd
    out = tuple(p["output_shape"]) if p["output_shape"] else (q_in,)
    bias = int(p["use_bias"])
    weights = (
        label(heads * kd * (q_in + bias), "query projection")
        + label(heads * kd * (k_in + bias), "key projection")
        + label(heads * vd * (v_in + bias), "value projection")
        + label(heads * vd * (q_in + bias) if p["use_gate"] else 0, "gate")
        + label(heads * vd * (prod(out) or 0) + bias * (prod(out) or 0), "output projection")
    )
    return Outcome((*query[:-1], *out), weights, 0, None)


SPECS.append(
    LayerSpec(
        type="MultiHeadAttention",
        category="Attention",
        summary="the Transformer's multi-head attention",
        doc="Projects query, key and value into several smaller 'heads', runs scaled dot-product "
        "attention in each head in parallel, and projects the joined result back. Connect the "
        "same tensor to query and value for self-attention (a Transformer encoder block), or a "
        "decoder's sequence to query and the encoder's output to value for cross-attention.",
        params=(
            _ports(),
            ParamSpec(
                "num_heads", ParamKind.INT, 2, "number of attention heads", minimum=1, maximum=1024, required=True
            ),
            ParamSpec(
                "key_dim",
                ParamKind.INT,
                16,
                "size of each head's query and key",
                minimum=1,
                maximum=65536,
                required=True,
            ),
            ParamSpec(
                "value_dim",
                ParamKind.INT,
                None,
                "size of each head's value",
                minimum=1,
                maximum=65536,
                nullable=True,
                empty="same as key_dim",
            ),
            _dropout("attention weights"),
            common.use_bias(),
            ParamSpec("use_gate", ParamKind.BOOL, False, "multiply each head's output by a learned sigmoid gate"),
            ParamSpec(
                "output_shape",
                ParamKind.SHAPE,
                None,
                "size of the output's last axes",
                maximum=1_000_000,
                nullable=True,
                empty="the query's features",
            ),
            ParamSpec(
                "attention_axes",
                ParamKind.INTS,
                None,
                "axes attended over (1: the steps)",
                minimum=-32,
                maximum=32,
                nullable=True,
                empty="every axis between the batch and the features",
            ),
            *common.weights("kernel", "bias"),
        ),
        rule=_multi_head,
        keras_class="MultiHeadAttention",
        key_params=("num_heads", "key_dim"),
        variadic=True,
        ports=PORTS,
        call=CallStyle.ARGUMENTS,
    )
)


def _dot(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    a, b = inputs
    axes = p["axes"] if isinstance(p["axes"], tuple) else (p["axes"], p["axes"])
    if len(axes) != 2:
        raise LayerError(
            f"Dot takes one axis, or one axis per input (two), but axes is {list(axes)}", code=ProblemCode.PARAM
        )
    i, j = normalize_axis("Dot", axes[0], len(a)), normalize_axis("Dot", axes[1], len(b))
    if a[i] != b[j]:
        raise LayerError(
            f"Dot multiplies axis {i} of {fmt(a)} with axis {j} of {fmt(b)}, but their sizes differ",
            "choose axes of equal size, or make the inputs' sizes match",
            code=ProblemCode.MERGE,
        )
    out = (*a[:i], *a[i + 1 :], *b[1:j], *b[j + 1 :])
    return Outcome(out if len(out) > 1 else (*out, 1))


SPECS.append(
    LayerSpec(
        type="Dot",
        category="Merge",
        summary="dot product of two tensors along an axis",
        doc="Multiplies two inputs value by value along the chosen axis and sums: with "
        "normalize on, the cosine similarity of two embeddings (a Siamese network's score); on "
        "sequences, the attention scores of every step against every other.",
        params=(
            ParamSpec(
                "axes",
                ParamKind.AXES,
                -1,
                "axis summed over: one for both inputs, or one per input",
                minimum=-32,
                maximum=32,
                required=True,
            ),
            ParamSpec("normalize", ParamKind.BOOL, False, "scale both inputs to length 1 first (cosine similarity)"),
        ),
        rule=_dot,
        keras_class="Dot",
        inputs=2,
    )
)
